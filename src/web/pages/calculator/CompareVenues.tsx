/**
 * Compare venues: the same balance, positions and marks at every built-in venue (only `venue`
 * replaced), side by side: each position's liquidation price, the account's status, who pays a
 * deficit, and the client's loss and debt at the ladder's 10 % gap. A venue that cannot hold the
 * positions is listed under the table with the core's own problems. A custom venue comes first, as
 * "your venue". Logic: venue-comparison.ts `compareVenues`.
 */
import { useId, useMemo } from 'preact/hooks';
import { Figure } from '../../components/Figure.js';
import { money, price } from '../../lib/format.js';
import type { AnalysisProps } from './analysis-props.js';
import { moveText } from './analysis.js';
import { statusText } from './report-text.js';
import { compareVenues, comparisonGap, type CompareRow } from './venue-comparison.js';
import './analysis.css';

function VenueName({ row }: { readonly row: CompareRow }) {
  return (
    <>
      {row.id ?? 'your venue'}{row.current ? <span class="tag current">this account</span> : null}
      <small class="muted">{row.name}</small>
    </>
  );
}

function VenueRow({ row, positions, currency, hasGap }: { readonly row: CompareRow; readonly positions: readonly string[]; readonly currency: string; readonly hasGap: boolean }) {
  const prefix = `compare.${row.id ?? 'custom'}`;
  const { result } = row;
  if (!result.ok) return null;
  return (
    <tr>
      <th scope="row" class="venue"><VenueName row={row} /></th>
      <td><Figure field={`${prefix}.status`} value={result.status} class={`status ${result.status}`}>{statusText(result.status)}</Figure></td>
      {positions.map((id, index) => (
        <td key={id}>
          <Figure field={`${prefix}.positions.${index}.liquidationPrice`} value={result.liquidationPrices[index] ?? null}>{price(result.liquidationPrices[index])}</Figure>
        </td>
      ))}
      <td class="deficit"><Figure field={`${prefix}.deficitPolicy`} value={result.deficitPolicy}>{result.deficitWords}</Figure></td>
      {hasGap && result.gap
        ? (
          <>
            <td><Figure field={`${prefix}.gap.clientLoss`} value={result.gap.clientLoss}>{money(result.gap.clientLoss, currency)}</Figure></td>
            <td><Figure field={`${prefix}.gap.debt`} value={result.gap.debt}>{money(result.gap.debt, currency)}</Figure></td>
          </>
        )
        : null}
    </tr>
  );
}

/** A venue that cannot hold the positions: the core's first problem, the others on request. */
function CannotHold({ row }: { readonly row: CompareRow }) {
  if (row.result.ok) return null;
  const [first, ...more] = row.result.problems;
  return (
    <li>
      <strong><VenueName row={row} /></strong>
      <span>cannot hold: {first}</span>
      {more.length ? (
        <details>
          <summary>{more.length === 1 ? 'one more problem' : `${more.length} more problems`}</summary>
          <ul>{more.map((problem) => <li key={problem}>{problem}</li>)}</ul>
        </details>
      ) : null}
    </li>
  );
}

export function CompareVenues({ snapshot, report }: AnalysisProps) {
  const key = JSON.stringify(snapshot);
  const rows = useMemo(() => compareVenues(snapshot, report), [key]);
  const heading = useId();
  const gap = comparisonGap(report);
  const positions = report.positions.map((position) => position.id ?? '');
  return (
    <section class="card analysis" aria-labelledby={heading} data-compare>
      <h2 id={heading}>The same positions at other venues</h2>
      <p class="muted">
        Only the venue changes: the same balance, positions and marks.{gap ? ` The last two columns are the ladder's ${moveText(gap)} gap.` : ''}
      </p>
      <div class="table-wrap" tabIndex={0} role="region" aria-labelledby={heading}>
        <table>
          <thead>
            <tr>
              <th scope="col">Venue</th>
              <th scope="col">Status</th>
              {positions.map((id) => <th scope="col" key={id}>Liquidation price of {id}</th>)}
              <th scope="col">Who pays a deficit</th>
              {gap ? <><th scope="col">Your loss at {moveText(gap)}</th><th scope="col">You owe at {moveText(gap)}</th></> : null}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => <VenueRow key={row.id ?? 'custom'} row={row} positions={positions} currency={report.currency} hasGap={gap !== null} />)}
          </tbody>
        </table>
      </div>
      {rows.some((row) => !row.result.ok) ? (
        <>
          <h3>Venues that cannot hold these positions</h3>
          <ul class="cannot-list">{rows.map((row) => <CannotHold key={row.id ?? 'custom'} row={row} />)}</ul>
        </>
      ) : null}
    </section>
  );
}
