/**
 * The live dashboard (`#/dashboard`, spec/web.md, spec/service.md): the service's accounts, live
 * over `GET /v1/events/stream`. The API key is asked for in a form and kept in sessionStorage
 * (key-storage.ts). The page reads the event log, then follows the stream from its last id
 * (useEventFeed.ts); the events drive the banners, the liquidation log and the debts
 * (dashboard-state.ts) and the re-reading of the accounts they touch (useAccountRows.ts).
 */
import { useEffect, useMemo, useReducer, useState } from 'preact/hooks';
import { ServiceClient, type ServiceEvent } from '../../lib/service-client.js';
import { AccountsTable } from './AccountsTable.js';
import { AlertBanners } from './AlertBanners.js';
import { ConnectionStatus } from './ConnectionStatus.js';
import { applyEvents, EMPTY_DASHBOARD, LOG_LENGTH, type DashboardState } from './dashboard-state.js';
import { DebtsTable } from './DebtsTable.js';
import { dashboardKey, storeDashboardKey } from './key-storage.js';
import { KeyForm } from './KeyForm.js';
import { LiquidationLog } from './LiquidationLog.js';
import { ReceivedEvents } from './ReceivedEvents.js';
import { useAccountRows } from './useAccountRows.js';
import { useEventFeed } from './useEventFeed.js';
import { LoadingStatus } from './LoadingStatus.js';
import './dashboard.css';

type Action = { readonly kind: 'events'; readonly events: readonly ServiceEvent[]; readonly live: boolean } | { readonly kind: 'reset' };

const reduce = (state: DashboardState, action: Action): DashboardState =>
  action.kind === 'reset' ? EMPTY_DASHBOARD : applyEvents(state, action.events, action.live);

const FROM_FILE = typeof location !== 'undefined' && location.protocol === 'file:';

export function DashboardPage(_props: { readonly query: URLSearchParams }) {
  const [key, setKey] = useState<string | null>(() => dashboardKey());
  const [keyError, setKeyError] = useState<string | undefined>(undefined);
  const client = useMemo(() => (key && !FROM_FILE ? new ServiceClient(key) : null), [key]);
  const [state, dispatch] = useReducer(reduce, EMPTY_DASHBOARD);
  const rows = useAccountRows(client);
  useEffect(() => dispatch({ kind: 'reset' }), [client]);
  const feed = useEventFeed(client, undefined, {
    onEvents: (events, live) => {
      dispatch({ kind: 'events', events, live });
      if (live) rows.touch(events.map((event) => event.account));
    },
    onHistoryRead: () => rows.reload(),
  });

  const problem = feed.problem ?? rows.problem;
  useEffect(() => {
    if (problem && (problem.status === 401 || problem.status === 403)) {
      setKeyError(problem.detail);
      storeDashboardKey(null);
      setKey(null);
    }
  }, [problem]);
  useEffect(() => {
    if (key && rows.loaded) storeDashboardKey(key);
  }, [key, rows.loaded]);

  const busy = feed.phase === 'history' || rows.loading !== null || (client !== null && !rows.loaded && !problem);
  const latest = state.liquidations.find((each) => each.event.id === state.latestLiveLiquidation);
  return (
    <section class="dashboard">
      <h1>Live dashboard</h1>
      {FROM_FILE ? (
        <p class="banner info">The live dashboard talks to a running service: start one with <code>npx stopout serve</code> and open its
          address, such as <code>http://127.0.0.1:8080/#/dashboard</code>. The other pages work from this file.</p>
      ) : null}
      <ConnectionStatus feed={feed} received={state.received.count} />
      <AlertBanners calls={state.calls} rows={rows.rows} latest={latest} liveLiquidations={state.liveLiquidations} />
      {problem && problem.status !== 401 && problem.status !== 403 ? <p class="banner danger" role="alert">{problem.detail}</p> : null}
      <KeyForm title="API key" label="API key" submitText="Connect" active={key !== null} error={keyError}
        hint="The admin key, or a key with accounts:read. Kept in this tab's session storage, never in the address."
        onKey={(text) => { setKeyError(undefined); setKey(text); }}
        onForget={() => { storeDashboardKey(null); setKeyError(undefined); setKey(null); }}>
        {key ? <p class="muted">Connected with a key ending in <code>…{key.slice(-4)}</code>.</p> : null}
      </KeyForm>
      {feed.phase === 'history' && feed.progress ? <LoadingStatus label="Event log read" progress={feed.progress} unit="events" /> : null}
      {rows.loading ? <LoadingStatus label="Accounts read" progress={{ ...rows.loading, events: rows.loading.done }} unit="accounts" /> : null}
      <section class="card" aria-busy={busy ? 'true' : 'false'} aria-labelledby="accounts-heading">
        <h2 id="accounts-heading">Accounts</h2>
        <p class="muted">The lowest margin level first: the closest to a stop-out.</p>
        {client ? (
          <>
            <AccountsTable rows={rows.rows} />
            <div class="actions reload"><button type="button" onClick={() => rows.reload()} disabled={rows.loading !== null}>Read the accounts again</button></div>
          </>
        ) : <p class="muted">Give a key to see the accounts.</p>}
      </section>
      <section class="card" aria-busy={feed.phase === 'history' ? 'true' : 'false'} aria-labelledby="liquidations-heading">
        <h2 id="liquidations-heading">Liquidations and stop-outs</h2>
        <p class="muted">The latest {LOG_LENGTH}, newest first, with the deficit each left and who absorbed it.</p>
        <LiquidationLog liquidations={state.liquidations} rows={rows.rows} />
      </section>
      <section class="card" aria-busy={feed.phase === 'history' ? 'true' : 'false'} aria-labelledby="debts-heading">
        <h2 id="debts-heading">Debts</h2>
        <p class="muted">What clients owe after a stop-out, and the stage of its recovery.</p>
        <DebtsTable debts={state.debts} rows={rows.rows} />
      </section>
      <ReceivedEvents log={state.received} />
    </section>
  );
}
