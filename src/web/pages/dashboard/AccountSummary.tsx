/**
 * An account's summary (`GET /v1/accounts/{id}`: what `stopout replay --summary` prints for its
 * scenario), every leaf a figure with `data-field` `summary.<path>` (lib/figures.ts `leaves`): the
 * account's figures, its open positions, the money totals, the debt, the events counted, then any
 * other field the service adds, so no leaf is left out. `sequence` is the account's engine sequence.
 */
import { Figure } from '../../components/Figure.js';
import { leaves, type Leaf } from '../../lib/figures.js';
import type { AccountDetail } from '../../lib/service-client.js';
import { StatusBadge } from './AccountsTable.js';
import { label, leafText } from './event-text.js';
import { TableWrap } from './TableWrap.js';

const SECTIONS = ['account', 'totals', 'positions', 'debt', 'events'];

function LeafFigure({ path, value }: { readonly path: string; readonly value: Leaf }) {
  const key = path.slice(path.lastIndexOf('.') + 1);
  if (key === 'status' && typeof value === 'string') return <StatusBadge field={path} status={value} />;
  const negative = typeof value === 'string' && value.startsWith('-');
  return <Figure field={path} value={value} class={key === 'stateHash' ? 'hash' : negative ? 'neg' : undefined}>{leafText(key, value)}</Figure>;
}

/** Every leaf of `value` under `prefix`, as a list of terms and figures. */
export function FigureList({ prefix, value, empty }: { readonly prefix: string; readonly value: unknown; readonly empty: string }) {
  const items = leaves(value, prefix);
  if (items.length === 0) return <p class="muted">{empty}</p>;
  return (
    <dl class="figures">
      {items.map(([path, leaf]) => {
        const name = path === prefix ? prefix.slice(prefix.lastIndexOf('.') + 1) : path.slice(prefix.length + 1);
        return [<dt key={`${path} term`}>{name.split('.').map(label).join(' · ')}</dt>, <dd key={path}><LeafFigure path={path} value={leaf} /></dd>];
      })}
    </dl>
  );
}

/** A column of words (id, instrument, side, status), set to the left; numbers to the right. */
function isText(positions: readonly Readonly<Record<string, Leaf>>[], column: string): boolean {
  return !positions.some((position) => typeof position[column] === 'string' && /^-?\d/.test(String(position[column])));
}

function PositionsTable({ positions }: { readonly positions: readonly Readonly<Record<string, Leaf>>[] }) {
  if (positions.length === 0) return <p class="muted">No open position.</p>;
  const columns = [...new Set(positions.flatMap((position) => Object.keys(position)))];
  return (
    <TableWrap label="Open positions">
      <table class="positions">
        <caption class="visually-hidden">Open positions</caption>
        <thead><tr>{columns.map((column) => <th key={column} scope="col" class={isText(positions, column) ? 'text' : undefined}>{label(column)}</th>)}</tr></thead>
        <tbody>
          {positions.map((position, index) => (
            <tr key={String(position.id ?? index)}>
              {columns.map((column) => (
                <td key={column} class={isText(positions, column) ? 'text' : undefined}>
                  {column in position ? <LeafFigure path={`summary.positions.${index}.${column}`} value={position[column] ?? null} /> : '–'}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

export function AccountSummary({ detail }: { readonly detail: AccountDetail }) {
  const { summary } = detail;
  const positions = Array.isArray(summary.positions) ? (summary.positions as Readonly<Record<string, Leaf>>[]) : [];
  const others = Object.fromEntries(Object.entries(summary).filter(([key]) => !SECTIONS.includes(key)));
  return (
    <>
      <div class="grid summary-grid">
        <div>
          <h3>Account</h3>
          <FigureList prefix="summary.account" value={summary.account} empty="No figures." />
        </div>
        <div>
          <h3>Totals</h3>
          <FigureList prefix="summary.totals" value={summary.totals} empty="No totals." />
        </div>
      </div>
      <h3>Positions</h3>
      <PositionsTable positions={positions} />
      <div class="grid summary-grid">
        <div>
          <h3>Debt</h3>
          {summary.debt === null || summary.debt === undefined
            ? <p><Figure field="summary.debt" value={null}>The client owes nothing.</Figure></p>
            : <FigureList prefix="summary.debt" value={summary.debt} empty="No debt." />}
          <h3>Events so far</h3>
          <FigureList prefix="summary.events" value={summary.events} empty="None yet." />
        </div>
        <div>
          <h3>Ledger</h3>
          <dl class="figures">
            <dt>Sequence</dt><dd><Figure field="sequence" value={detail.sequence} /></dd>
          </dl>
          <FigureList prefix="summary" value={others} empty="" />
        </div>
      </div>
    </>
  );
}
