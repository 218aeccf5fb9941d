/**
 * The positions part of the report (report.md), one row each (its id, instrument and side), the three
 * prices that matter first, so they show at 360 px before the table scrolls:
 * the mark of the instrument (other marks held) at which the venue liquidates, calls for margin,
 * and at which the position's equity (isolated: its margin balance) reaches zero. A price is the
 * core's string in the instrument's tick; an amount in the account currency's precision.
 */
import type { ReportJson } from '../../../core/index.js';
import { Figure } from '../../components/Figure.js';
import { groupDigits, money, price } from '../../lib/format.js';
import { signClass, statusText } from './report-text.js';

const noneIfNull = (text: string | null | undefined): string => (text === null || text === undefined ? 'none' : price(text));

export function PositionsTable({ report }: { readonly report: ReportJson }) {
  const { positions, currency } = report;
  if (positions.length === 0) return <p class="muted">No positions.</p>;
  const amount = (text: string | null | undefined): string => money(text, currency);
  return (
    <div class="table-wrap" tabIndex={0} role="region" aria-label="Positions (the table scrolls sideways)">
      <table class="calc-table">
        <thead>
          <tr>
            <th scope="col">Position</th>
            <th scope="col" class="calc-key">Liquidation</th><th scope="col" class="calc-key">Margin call</th>
            <th scope="col" class="calc-key">Bankruptcy</th><th scope="col">Mark</th><th scope="col">Entry</th>
            <th scope="col">Quantity</th><th scope="col">Leverage</th><th scope="col">Margin</th><th scope="col">Notional</th>
            <th scope="col">Unrealised P&amp;L</th><th scope="col">Initial margin</th><th scope="col">Maintenance margin</th>
            <th scope="col">Status</th>
          </tr>
        </thead>
        <tbody>
          {positions.map((position, index) => {
            const field = (key: string): string => `positions.${index}.${key}`;
            const value = (key: string): string | null => position[key] ?? null;
            const status = value('status');
            return (
              <tr key={index}>
                <th scope="row">
                  <Figure field={field('id')} value={value('id')} />
                  <small class="calc-position-what">
                    <Figure field={field('instrument')} value={value('instrument')} /> <Figure field={field('side')} value={value('side')} />
                  </small>
                </th>
                <td class="calc-key calc-liquidation"><Figure field={field('liquidationPrice')} value={value('liquidationPrice')}>{noneIfNull(value('liquidationPrice'))}</Figure></td>
                <td class="calc-key calc-margin-call"><Figure field={field('marginCallPrice')} value={value('marginCallPrice')}>{noneIfNull(value('marginCallPrice'))}</Figure></td>
                <td class="calc-key calc-bankruptcy"><Figure field={field('bankruptcyPrice')} value={value('bankruptcyPrice')}>{noneIfNull(value('bankruptcyPrice'))}</Figure></td>
                <td><Figure field={field('markPrice')} value={value('markPrice')}>{price(value('markPrice'))}</Figure></td>
                <td><Figure field={field('entryPrice')} value={value('entryPrice')}>{price(value('entryPrice'))}</Figure></td>
                <td><Figure field={field('quantity')} value={value('quantity')}>{price(value('quantity'))}</Figure></td>
                <td><Figure field={field('leverage')} value={value('leverage')}>{value('leverage') === null ? 'venue default' : `${groupDigits(value('leverage') ?? '')}×`}</Figure></td>
                <td><Figure field={field('margin')} value={value('margin')} /></td>
                <td><Figure field={field('notional')} value={value('notional')}>{amount(value('notional'))}</Figure></td>
                <td><Figure field={field('unrealizedPnl')} value={value('unrealizedPnl')} class={signClass(value('unrealizedPnl')) ?? ''}>{amount(value('unrealizedPnl'))}</Figure></td>
                <td><Figure field={field('initialMargin')} value={value('initialMargin')}>{amount(value('initialMargin'))}</Figure></td>
                <td><Figure field={field('maintenanceMargin')} value={value('maintenanceMargin')}>{amount(value('maintenanceMargin'))}</Figure></td>
                <td><Figure field={field('status')} value={status} class={`status ${status ?? ''}`}>{statusText(status)}</Figure></td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
