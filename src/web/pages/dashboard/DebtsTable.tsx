/**
 * Client debts and their recovery stage, as the events say (dashboard-state.ts): open, demand,
 * collections, legal, then repaid or written off; the amount outstanding from the account's live
 * row. Figures: `debts.<account>.stage` (from the events), `accounts.<id>.debtOutstanding`, and the
 * latest debt event's own fields under `events.<id>.`.
 */
import { Figure } from '../../components/Figure.js';
import { groupDigits, money } from '../../lib/format.js';
import type { AccountRow } from '../../lib/service-client.js';
import type { DebtLine } from './dashboard-state.js';
import { statusText, timeText } from './event-text.js';
import { TableWrap } from './TableWrap.js';

export function DebtsTable({ debts, rows }: { readonly debts: ReadonlyMap<string, DebtLine>; readonly rows: ReadonlyMap<string, AccountRow> }) {
  if (debts.size === 0) return <p class="muted">No client owes a debt.</p>;
  return (
    <TableWrap label="Debts table">
      <table class="debts">
        <caption class="visually-hidden">Debts and their recovery stage</caption>
        <thead>
          <tr><th scope="col">Account</th><th scope="col" class="text">Stage</th><th scope="col">Outstanding</th><th scope="col" class="text">Latest</th><th scope="col" class="text">Time</th></tr>
        </thead>
        <tbody>
          {[...debts.values()].map(({ account, stage, last }) => {
            const row = rows.get(account);
            return (
              <tr key={account} data-account={account}>
                <th scope="row"><a href={`#/accounts/${encodeURIComponent(account)}`}>{account}</a></th>
                <td class="text"><span class={`stage ${stage}`}><Figure field={`debts.${account}.stage`} value={stage}>{statusText(stage)}</Figure></span></td>
                <td>{row ? <Figure field={`accounts.${account}.debtOutstanding`} value={row.debtOutstanding}>{money(row.debtOutstanding, row.currency)}</Figure> : '–'}</td>
                <td class="text">{statusText(last.type)}{typeof last.amount === 'string' ? <> <Figure field={`events.${last.id}.amount`} value={last.amount}>{row ? money(last.amount, row.currency) : groupDigits(last.amount)}</Figure></> : null}</td>
                <td class="text time"><Figure field={`events.${last.id}.time`} value={typeof last.time === 'string' ? last.time : ''}>{timeText(last.time)}</Figure></td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </TableWrap>
  );
}
