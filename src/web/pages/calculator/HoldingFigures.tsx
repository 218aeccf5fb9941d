/**
 * The cost of holding, from the core's report (report.md `holding`, issue 12): what a payment and a
 * day cost at today's marks, the days until the margin call and until liquidation if prices stand
 * still (days = payments × hours between payments / 24, rounded down), and each position's
 * liquidation price after 1, 7 and 30 days of payments. Every figure is the core's string.
 */
import type { ReportJson } from '../../../core/index.js';
import { Figure } from '../../components/Figure.js';
import { groupDigits, money, price } from '../../lib/format.js';
import { signClass } from './report-text.js';

type Holding = NonNullable<ReportJson['holding']>;

const HORIZONS = ['1', '7', '30'] as const;

interface CountdownProps {
  /** The path of the pair: `holding` or `holding.positions.0`. */
  readonly at: string;
  /** `MarginCall` or `Liquidation`. */
  readonly what: string;
  readonly days: string | null | undefined;
  readonly payments: string | null | undefined;
}

/** "40.67 days (122 payments)", or "never" where holding alone never gets there. */
function Countdown({ at, what, days, payments }: CountdownProps) {
  const never = days === null || days === undefined;
  return (
    <>
      <Figure field={`${at}.daysTo${what}`} value={days ?? null}>{never ? 'never' : `${groupDigits(days)} days`}</Figure>
      {' '}
      <Figure field={`${at}.paymentsTo${what}`} value={payments ?? null} class="muted">
        {payments === null || payments === undefined ? '' : `(${groupDigits(payments)} ${payments === '1' ? 'payment' : 'payments'})`}
      </Figure>
    </>
  );
}

function HoldingTable({ holding, currency }: { readonly holding: Holding; readonly currency: string }) {
  return (
    <div class="table-wrap" tabIndex={0} role="region" aria-label="Each position's cost of holding (the table scrolls sideways)">
      <table class="calc-table">
        <thead>
          <tr>
            <th scope="col">Position</th>
            <th scope="col" class="calc-key">Liquidation price after 1 day</th><th scope="col" class="calc-key">after 7 days</th>
            <th scope="col" class="calc-key">after 30 days</th><th scope="col">Own liquidation in</th>
            <th scope="col">Per payment</th><th scope="col">Per day</th>
          </tr>
        </thead>
        <tbody>
          {holding.positions.map((position, index) => {
            const at = `holding.positions.${index}`;
            return (
              <tr key={index}>
                <th scope="row"><Figure field={`${at}.id`} value={position.id} /></th>
                {HORIZONS.map((days) => {
                  const value = position.liquidationPriceAfter[days] ?? null;
                  return (
                    <td key={days} class="calc-key calc-liquidation">
                      <Figure field={`${at}.liquidationPriceAfter.${days}`} value={value}>{value === null ? 'none' : price(value)}</Figure>
                    </td>
                  );
                })}
                <td>
                  {position.paymentsToLiquidation === undefined
                    ? <span class="muted">with the account</span>
                    : <Countdown at={at} what="Liquidation" days={position.daysToLiquidation} payments={position.paymentsToLiquidation} />}
                </td>
                <td><Figure field={`${at}.perPayment`} value={position.perPayment} class={signClass(position.perPayment) ?? ''}>{money(position.perPayment, currency)}</Figure></td>
                <td><Figure field={`${at}.perDay`} value={position.perDay} class={signClass(position.perDay) ?? ''}>{money(position.perDay, currency)}</Figure></td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

export function HoldingFigures({ report }: { readonly report: ReportJson }) {
  const { holding, currency } = report;
  if (!holding) return null;
  return (
    <section class="calc-holding-figures" aria-labelledby="calc-holding-heading">
      <h3 id="calc-holding-heading">Cost of holding</h3>
      <p class="calc-note">
        If <Figure field="holding.basis" value={holding.basis} />.
      </p>
      <dl class="figures">
        <dt>
          <Figure field="holding.kind" value={holding.kind}>{holding.kind === 'funding' ? 'Funding' : 'Financing'}</Figure>
          {' '}per payment, every <Figure field="holding.paymentHours" value={holding.paymentHours}>{holding.paymentHours} h</Figure>
        </dt>
        <dd><Figure field="holding.perPayment" value={holding.perPayment} class={signClass(holding.perPayment) ?? ''}>{money(holding.perPayment, currency)}</Figure></dd>
        <dt>Per day (+ received, − paid)</dt>
        <dd><Figure field="holding.perDay" value={holding.perDay} class={signClass(holding.perDay) ?? ''}>{money(holding.perDay, currency)}</Figure></dd>
        <dt>Margin call, if prices stand still, in</dt>
        <dd><Countdown at="holding" what="MarginCall" days={holding.daysToMarginCall} payments={holding.paymentsToMarginCall} /></dd>
        <dt>Liquidation, if prices stand still, in</dt>
        <dd class="calc-holding-liquidation"><Countdown at="holding" what="Liquidation" days={holding.daysToLiquidation} payments={holding.paymentsToLiquidation} /></dd>
      </dl>
      <HoldingTable holding={holding} currency={currency} />
    </section>
  );
}
