/**
 * One account of the service (`#/accounts/{id}`, spec/web.md): its summary (`GET /v1/accounts/{id}`,
 * every leaf a `summary.*` figure), its events (`GET /v1/events?account=id` read to the end, then the
 * stream of its events from the last id, newest first), and its commands through the API. The key is
 * the dashboard's, or this account's own key when one is given here (kept in sessionStorage per
 * account, key-storage.ts); an account key reads and commands its own account only.
 */
import { useEffect, useMemo, useReducer, useState } from 'preact/hooks';
import { ServiceClient, type ServiceEvent } from '../../lib/service-client.js';
import { OpenInCalculator } from './OpenInCalculator.js';
import { addAccountEvents, EMPTY_ACCOUNT_EVENTS, type AccountEvents } from './account-events.js';
import { AccountEventsTable } from './AccountEvents.js';
import { AccountSummary } from './AccountSummary.js';
import { CommandForms } from './CommandForms.js';
import { ConnectionStatus } from './ConnectionStatus.js';
import { accountKey, dashboardKey, storeAccountKey } from './key-storage.js';
import { KeyForm } from './KeyForm.js';
import { LoadingStatus } from './LoadingStatus.js';
import { ReceivedEvents } from './ReceivedEvents.js';
import { useAccountDetail } from './useAccountDetail.js';
import { useEventFeed } from './useEventFeed.js';
import './dashboard.css';

type Action = { readonly events: readonly ServiceEvent[] } | { readonly reset: true };
const reduce = (state: AccountEvents, action: Action): AccountEvents => ('reset' in action ? EMPTY_ACCOUNT_EVENTS : addAccountEvents(state, action.events));

export function AccountPage({ id }: { readonly id: string; readonly query: URLSearchParams }) {
  // Keyed by the id: another account's page starts afresh (its own key, its own events).
  return <AccountView key={id} id={id} />;
}

function AccountView({ id }: { readonly id: string }) {
  const [ownKey, setOwnKey] = useState<string | null>(() => accountKey(id));
  const shared = dashboardKey();
  const key = ownKey ?? shared;
  const client = useMemo(() => (key && location.protocol !== 'file:' ? new ServiceClient(key) : null), [key]);
  const [state, dispatch] = useReducer(reduce, EMPTY_ACCOUNT_EVENTS);
  const account = useAccountDetail(client, id);
  const feed = useEventFeed(client, id, {
    onEvents: (events, live) => {
      dispatch({ events });
      if (live) account.touch();
    },
  });
  useEffect(() => dispatch({ reset: true }), [client]);

  const problem = account.problem ?? feed.problem;
  const refused = problem && (problem.status === 401 || problem.status === 403) ? problem.detail : undefined;
  const positions = Array.isArray(account.detail?.summary.positions)
    ? (account.detail.summary.positions as { id?: unknown }[]).flatMap((position) => (typeof position.id === 'string' ? [position.id] : []))
    : [];
  return (
    <section class="account-page">
      <h1>Account {id}</h1>
      <p><a href="#/dashboard">All accounts, live</a></p>
      <ConnectionStatus feed={feed} received={state.received.count} />
      {problem && !refused ? <p class="banner danger" role="alert">{problem.detail}</p> : null}
      <KeyForm title="Key" label="Account key (optional)" submitText="Use this key" active={ownKey !== null} error={refused}
        hint="This account's own key, used instead of the dashboard's. Kept in this tab's session storage, never in the address."
        onKey={(text) => { storeAccountKey(id, text); setOwnKey(text); }}
        onForget={() => { storeAccountKey(id, null); setOwnKey(null); }}>
        <p class="muted">
          {ownKey ? 'Using this account\'s own key.' : shared ? 'Using the dashboard\'s key.' : <>No key yet: give this account's key here, or the admin key on the <a href="#/dashboard">dashboard</a>.</>}
        </p>
      </KeyForm>
      {feed.phase === 'history' && feed.progress ? <LoadingStatus label="Event log read" progress={feed.progress} unit="events" /> : null}
      <section class="card" aria-busy={account.loading ? 'true' : 'false'} aria-labelledby="summary-heading">
        <h2 id="summary-heading">Summary</h2>
        {account.detail ? <AccountSummary detail={account.detail} /> : <p class="muted">{account.loading ? 'Reading the account…' : 'No summary to show.'}</p>}
        <OpenInCalculator client={client} account={id} />
      </section>
      <section class="card" aria-labelledby="commands-heading">
        <h2 id="commands-heading">Commands</h2>
        <CommandForms client={client} account={id} positions={positions} onDone={account.refresh} />
      </section>
      <section class="card" aria-busy={feed.phase === 'history' ? 'true' : 'false'} aria-labelledby="events-heading">
        <h2 id="events-heading">Events</h2>
        <AccountEventsTable events={state.events} />
      </section>
      <ReceivedEvents log={state.received} />
    </section>
  );
}
