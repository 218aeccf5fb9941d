/**
 * The shock ladder: gaps of 1 % to 20 % against the account (down for longs, up for shorts, both
 * for a mixed account), each row the report's own shock figures, all from one core call
 * (analysis.ts, `shockLadder`). The first gap that leaves the client owing is marked in words and
 * by the row's class, not by colour alone.
 */
import { useId, useMemo } from 'preact/hooks';
import { Figure } from '../../components/Figure.js';
import { money } from '../../lib/format.js';
import type { AnalysisProps } from './analysis-props.js';
import { moveText, shockLadder } from './analysis.js';
import './analysis.css';

export function ShockLadder({ snapshot, report }: AnalysisProps) {
  const key = JSON.stringify(snapshot);
  const rows = useMemo(() => shockLadder(snapshot, report), [key]);
  const heading = useId();
  if (!rows.length) return null;
  const { currency } = report;
  const amount = (field: string, value: string, negative = false) => (
    <Figure field={field} value={value} class={negative && value.startsWith('-') ? 'neg' : undefined}>{money(value, currency)}</Figure>
  );
  return (
    <section class="card analysis" aria-labelledby={heading} data-ladder>
      <h2 id={heading}>Shock ladder: gaps against you</h2>
      <p class="muted">
        Every mark jumps by the gap at once, nothing trading in between. The venue closes at the gapped prices, with no fee or
        slippage, and its deficit policy says who pays what is left below zero.
      </p>
      <div class="table-wrap" tabIndex={0} role="region" aria-labelledby={heading}>
        <table>
          <thead>
            <tr>
              <th scope="col">Gap</th>
              <th scope="col">Equity after the gap</th>
              <th scope="col">Venue closes</th>
              <th scope="col">Your loss</th>
              <th scope="col">You owe</th>
              <th scope="col">Venue's loss</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row, index) => (
              <tr key={row.move} class={row.firstDebt ? 'marked' : undefined}>
                <th scope="row">
                  <Figure field={`ladder.${index}.move`} value={row.move}>{moveText(row.move)}</Figure>
                  {row.firstDebt ? <span class="tag">first debt</span> : null}
                </th>
                <td>{amount(`ladder.${index}.equity`, row.equity, true)}</td>
                <td><Figure field={`ladder.${index}.liquidated`} value={row.liquidated}>{row.liquidated ? 'yes' : 'no'}</Figure></td>
                <td>{amount(`ladder.${index}.clientLoss`, row.clientLoss)}</td>
                <td>{amount(`ladder.${index}.debt`, row.debt)}</td>
                <td>{amount(`ladder.${index}.venueLoss`, row.venueLoss)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
