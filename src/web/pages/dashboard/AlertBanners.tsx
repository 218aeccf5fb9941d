/**
 * The banners at the top of the dashboard: one per open margin call ("Margin call: account X at
 * Y %", the account's margin level from its live row; an isolated position's call names it), lowest
 * margin level first, and a danger banner for the latest liquidation streamed since the page
 * connected. Each is `role="alert"`.
 */
import { Figure } from '../../components/Figure.js';
import { percent, price } from '../../lib/format.js';
import type { AccountRow, ServiceEvent } from '../../lib/service-client.js';
import { byMarginLevel } from './account-order.js';
import type { Liquidation } from './dashboard-state.js';

const MAX_CALL_BANNERS = 5;

export interface AlertBannersProps {
  readonly calls: ReadonlyMap<string, ServiceEvent>;
  readonly rows: ReadonlyMap<string, AccountRow>;
  readonly latest: Liquidation | undefined;
  readonly liveLiquidations: number;
}

const accountLink = (id: string) => <a href={`#/accounts/${encodeURIComponent(id)}`}>{id}</a>;

function CallBanner({ event, row }: { readonly event: ServiceEvent; readonly row: AccountRow | undefined }) {
  const scope = String(event.scope ?? 'cross');
  return (
    <p class="banner warn" role="alert" data-account={event.account}>
      Margin call: account {accountLink(event.account)}
      {row && row.marginLevel !== null
        ? <> at <Figure field={`accounts.${row.id}.marginLevel`} value={row.marginLevel}>{percent(row.marginLevel, 2)}</Figure></>
        : <> with equity <Figure field={`events.${event.id}.equity`} value={String(event.equity ?? '')}>{price(String(event.equity ?? ''))}</Figure></>}
      {scope === 'cross' ? '' : ` (isolated position ${scope})`}
    </p>
  );
}

export function AlertBanners({ calls, rows, latest, liveLiquidations }: AlertBannersProps) {
  const open = [...calls.values()].sort((a, b) => {
    const left = rows.get(a.account);
    const right = rows.get(b.account);
    return left && right ? byMarginLevel(left, right) : left ? -1 : right ? 1 : a.id - b.id;
  });
  const shown = open.slice(0, MAX_CALL_BANNERS);
  return (
    <div class="banners">
      {latest ? (
        <p class="banner danger" role="alert" data-event-id={latest.event.id}>
          Liquidation: account {accountLink(latest.event.account)}, position {String(latest.event.position)} ({String(latest.event.instrument)}, {String(latest.event.side)})
          {' '}closed at <Figure field={`events.${latest.event.id}.price`} value={String(latest.event.price)}>{price(String(latest.event.price))}</Figure>.
          {liveLiquidations > 1 ? ` ${liveLiquidations} liquidations since you connected.` : ''}
        </p>
      ) : null}
      {shown.map((event) => <CallBanner key={`${event.account} ${String(event.scope)}`} event={event} row={rows.get(event.account)} />)}
      {open.length > shown.length ? <p class="banner warn">…and {open.length - shown.length} more margin calls: see the accounts below.</p> : null}
    </div>
  );
}
