/**
 * The shocks part of the report (report.md): for each gap, every mark moved by the same fraction
 * at once (nothing trades in between), the P&L and equity right after it, whether the venue
 * force-closes at the gapped marks and what it closes, then who pays: the client's loss (capped at
 * the balance under negative balance protection), the debt the client owes, and the venue's loss.
 * Who pays comes first, so it shows at 360 px before the table scrolls. A row that leaves a debt
 * or a venue loss is marked.
 */
import type { ReportJson } from '../../../core/index.js';
import { Figure } from '../../components/Figure.js';
import type { Leaf } from '../../lib/figures.js';
import { money, percent, price } from '../../lib/format.js';
import { asList, asRecord } from './snapshot-edit.js';
import { nonZero, signClass, statusText } from './report-text.js';

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);
/** The JSON leaf as it is, for data-value. */
const leaf = (value: unknown): Leaf => (value === null || ['string', 'number', 'boolean'].includes(typeof value) ? value as Leaf : null);

export function ShocksTable({ report }: { readonly report: ReportJson }) {
  const { shocks, currency } = report;
  if (shocks.length === 0) return <p class="muted">No shocks asked for: add one in the form (for example -0.015, a 1.5 % gap down).</p>;
  const amount = (value: unknown): string => money(text(value), currency);
  return (
    <div class="table-wrap" tabIndex={0} role="region" aria-label="Shocks (the table scrolls sideways)">
      <table class="calc-table">
        <thead>
          <tr>
            <th scope="col">Gap</th><th scope="col" class="calc-key">You lose</th><th scope="col" class="calc-key">You owe</th>
            <th scope="col">The venue loses</th><th scope="col">Forced close</th><th scope="col">P&amp;L</th><th scope="col">Equity</th>
            <th scope="col">Status</th><th scope="col">Marks after</th><th scope="col">Closed</th><th scope="col">Equity after</th>
          </tr>
        </thead>
        <tbody>
          {shocks.map((shock, index) => {
            const field = (key: string): string => `shocks.${index}.${key}`;
            const marks = Object.entries(asRecord(shock.marks));
            const closed = asList(shock.closed).map(asRecord);
            const status = text(shock.status);
            const marked = nonZero(text(shock.debt)) || nonZero(text(shock.venueLoss));
            return (
              <tr key={index} class={marked ? 'marked' : undefined}>
                <th scope="row"><Figure field={field('move')} value={leaf(shock.move)}>{percent(text(shock.move))}</Figure></th>
                <td class="calc-key"><Figure field={field('clientLoss')} value={leaf(shock.clientLoss)}>{amount(shock.clientLoss)}</Figure></td>
                <td class="calc-key"><Figure field={field('debt')} value={leaf(shock.debt)} class={nonZero(text(shock.debt)) ? 'calc-debt' : ''}>{amount(shock.debt)}</Figure></td>
                <td><Figure field={field('venueLoss')} value={leaf(shock.venueLoss)}>{amount(shock.venueLoss)}</Figure></td>
                <td><Figure field={field('liquidated')} value={leaf(shock.liquidated)}>{shock.liquidated === true ? 'yes' : 'no'}</Figure></td>
                <td><Figure field={field('pnl')} value={leaf(shock.pnl)} class={signClass(text(shock.pnl)) ?? ''}>{amount(shock.pnl)}</Figure></td>
                <td><Figure field={field('equity')} value={leaf(shock.equity)} class={signClass(text(shock.equity)) === 'neg' ? 'neg' : ''}>{amount(shock.equity)}</Figure></td>
                <td><Figure field={field('status')} value={status} class={`status ${status ?? ''}`}>{statusText(status)}</Figure></td>
                <td>
                  <ul class="calc-cell-list">
                    {marks.map(([symbol, mark]) => (
                      <li key={symbol}>{symbol} <Figure field={field(`marks.${symbol}`)} value={leaf(mark)}>{price(text(mark))}</Figure></li>
                    ))}
                  </ul>
                </td>
                <td>
                  {closed.length === 0 ? 'nothing' : (
                    <ul class="calc-cell-list">
                      {closed.map((fill, at) => {
                        const closedField = (key: string): string => field(`closed.${at}.${key}`);
                        return (
                          <li key={at}>
                            <Figure field={closedField('position')} value={leaf(fill.position)} />:{' '}
                            <Figure field={closedField('quantity')} value={leaf(fill.quantity)}>{price(text(fill.quantity))}</Figure> at{' '}
                            <Figure field={closedField('price')} value={leaf(fill.price)}>{price(text(fill.price))}</Figure>, P&amp;L{' '}
                            <Figure field={closedField('pnl')} value={leaf(fill.pnl)}>{amount(fill.pnl)}</Figure>
                          </li>
                        );
                      })}
                    </ul>
                  )}
                </td>
                <td><Figure field={field('equityAfter')} value={leaf(shock.equityAfter)}>{amount(shock.equityAfter)}</Figure></td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
