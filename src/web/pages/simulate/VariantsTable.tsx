/**
 * The variants side by side, base first (the order of `stopout simulate --json`), one row per
 * figure: every leaf of each variant's results as a Figure (`variants.2.loss.var99`), shown as a
 * percent (a probability with ± one standard error, in percentage points) or an amount in the
 * account currency (results-format.ts).
 */
import type { ComponentChildren } from 'preact';
import type { SimulationResults, VariantResults } from '../../../sim/statistics.js';
import { Figure } from '../../components/Figure.js';
import { EVENT_LABELS, type EventName } from './chart-colours.js';
import { amount, chance, days, points } from './results-format.js';

type Cell = (variant: VariantResults, at: string, currency: string) => ComponentChildren;

const probability = (event: EventName): Cell => (variant, at) => (
  <>
    <Figure field={`${at}.probabilities.${event}`} value={variant.probabilities[event]}>{chance(variant.probabilities[event])}</Figure>
    <span class="muted"> ± </span>
    <Figure field={`${at}.standardErrors.${event}`} value={variant.standardErrors[event]} class="muted">{points(variant.standardErrors[event])}</Figure>
  </>
);

const money = (pick: (variant: VariantResults) => string, field: string): Cell => (variant, at, currency) => {
  const text = pick(variant);
  return <Figure field={`${at}.${field}`} value={text} class={text.startsWith('-') ? 'pos' : undefined}>{amount(text, currency)}</Figure>;
};

const day = (quantile: 'p10' | 'p50' | 'p90'): Cell => (variant, at) => (
  <Figure field={`${at}.timeToLiquidationDays.${quantile}`} value={variant.timeToLiquidationDays[quantile]}>{days(variant.timeToLiquidationDays[quantile])}</Figure>
);

/** The share of paths liquidated by day `key` (1, 7, 30 and the horizon, as far as it goes). */
const liquidatedBy = (key: string): Cell => (variant, at) => {
  const share = variant.liquidationByDay[key] ?? '0';
  return <Figure field={`${at}.liquidationByDay.${key}`} value={share}>{chance(share)}</Figure>;
};

/** The rows of the liquidation's odds by day: the milestones the results give, the same for every variant. */
function byDayRows(results: SimulationResults): (readonly [ComponentChildren, Cell])[] {
  const keys = Object.keys(results.variants[0]?.liquidationByDay ?? {});
  return keys.map((key) => [`Liquidated by day ${key}`, liquidatedBy(key)] as const);
}

const COSTS: readonly (readonly [ComponentChildren, Cell])[] = [
  ['Trading fees paid (mean)', money((variant) => variant.costs.fees, 'costs.fees')],
  ['Funding paid (mean)', money((variant) => variant.costs.funding, 'costs.funding')],
  ['Financing paid (mean)', money((variant) => variant.costs.financing, 'costs.financing')],
];

const ROWS: readonly (readonly [ComponentChildren, Cell])[] = [
  [EVENT_LABELS.marginCall, probability('marginCall')],
  [EVENT_LABELS.liquidation, probability('liquidation')],
  [EVENT_LABELS.negativeBalance, probability('negativeBalance')],
  [EVENT_LABELS.debt, probability('debt')],
  ['Mean loss', money((variant) => variant.loss.mean, 'loss.mean')],
  ['Loss VaR 95\u00a0%', money((variant) => variant.loss.var95, 'loss.var95')],
  ['Loss ES 95\u00a0%', money((variant) => variant.loss.es95, 'loss.es95')],
  ['Loss VaR 99\u00a0%', money((variant) => variant.loss.var99, 'loss.var99')],
  ['Loss ES 99\u00a0%', money((variant) => variant.loss.es99, 'loss.es99')],
  ['Mean debt', money((variant) => variant.debt.mean, 'debt.mean')],
  ['Largest debt', money((variant) => variant.debt.max, 'debt.max')],
  ['Venue\'s loss (mean)', money((variant) => variant.venueLoss.mean, 'venueLoss.mean')],
  ['Funds added (mean)', money((variant) => variant.fundsAdded.mean, 'fundsAdded.mean')],
  ['Liquidated by, p10', day('p10')],
  ['Liquidated by, p50', day('p50')],
  ['Liquidated by, p90', day('p90')],
];

export function VariantsTable({ results, currency }: { readonly results: SimulationResults; readonly currency: string }) {
  const [first, second, ...rest] = ROWS;
  // The odds by day sit under the liquidation's; what holding cost, after the venue's loss and the funds added.
  const rows = [first, second, ...byDayRows(results), ...rest.slice(0, 11), ...COSTS, ...rest.slice(11)]
    .filter((row): row is readonly [ComponentChildren, Cell] => row !== undefined);
  return (
    <>
      <p id="sim-table-about" class="muted sim-about">
        The chance of each event (± one standard error, in points), the client's loss at the horizon (VaR, ES; below zero a gain), debts and the
        venue's loss in {currency}, what fees, funding and financing cost on average (below zero: received), and the day of the liquidation over the
        liquidated paths.
      </p>
      <div class="table-wrap sim-table" tabIndex={0} role="region" aria-label="The variants side by side" aria-describedby="sim-table-about">
        <table>
          <thead>
            <tr>
              <th scope="col">Figure</th>
              {results.variants.map((variant, index) => (
                <th scope="col" key={index}><Figure field={`variants.${index}.name`} value={variant.name} /></th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map(([label, cell], row) => (
              <tr key={row}>
                <th scope="row">{label}</th>
                {results.variants.map((variant, index) => <td key={index}>{cell(variant, `variants.${index}`, currency)}</td>)}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
