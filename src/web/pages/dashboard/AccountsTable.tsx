/**
 * The service's accounts, live (useAccountRows.ts), closest to stop-out first (account-order.ts),
 * each with its status badge and a link to its page. Figures: `accounts.<id>.<field>` of its row of
 * `GET /v1/accounts`.
 */
import { Figure } from '../../components/Figure.js';
import { money, percent } from '../../lib/format.js';
import type { AccountRow } from '../../lib/service-client.js';
import { byMarginLevel } from './account-order.js';
import { statusText } from './event-text.js';
import { TableWrap } from './TableWrap.js';

export function StatusBadge({ field, status }: { readonly field: string; readonly status: string }) {
  return <span class={`status ${status}`}><Figure field={field} value={status}>{statusText(status)}</Figure></span>;
}

export function AccountsTable({ rows }: { readonly rows: ReadonlyMap<string, AccountRow> }) {
  const sorted = [...rows.values()].sort(byMarginLevel);
  if (sorted.length === 0) return <p class="muted">No account yet.</p>;
  return (
    <TableWrap label="Accounts table">
      <table class="accounts">
        <caption class="visually-hidden">Accounts, the lowest margin level first</caption>
        <thead>
          <tr><th scope="col">Account</th><th scope="col" class="text">Status</th><th scope="col">Margin level</th><th scope="col">Equity</th><th scope="col">Debt outstanding</th><th scope="col" class="text">Venue</th></tr>
        </thead>
        <tbody>
          {sorted.map((row) => {
            const field = (name: string): string => `accounts.${row.id}.${name}`;
            return (
              <tr key={row.id} data-account={row.id} class={row.status === 'healthy' ? undefined : 'alerting'}>
                <th scope="row"><a href={`#/accounts/${encodeURIComponent(row.id)}`}>{row.id}</a></th>
                <td class="text"><StatusBadge field={field('status')} status={row.status} /></td>
                <td><Figure field={field('marginLevel')} value={row.marginLevel}>{percent(row.marginLevel, 2)}</Figure></td>
                <td><Figure field={field('equity')} value={row.equity} class={row.equity.startsWith('-') ? 'neg' : undefined}>{money(row.equity, row.currency)}</Figure></td>
                <td><Figure field={field('debtOutstanding')} value={row.debtOutstanding}>{money(row.debtOutstanding, row.currency)}</Figure></td>
                <td class="text"><Figure field={field('venue')} value={row.venue} /></td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </TableWrap>
  );
}
