/**
 * One account's events as its page keeps them: each once (received-log.ts), newest first, the
 * latest MAX_KEPT of them (an account's log may be long; older ones stay on `GET /v1/events`).
 */
import type { ServiceEvent } from '../../lib/service-client.js';
import { EMPTY_LOG, receive, type ReceivedLog } from './received-log.js';

export const MAX_KEPT = 5_000;

export interface AccountEvents {
  readonly received: ReceivedLog;
  /** Newest first. */
  readonly events: readonly ServiceEvent[];
}

export const EMPTY_ACCOUNT_EVENTS: AccountEvents = { received: EMPTY_LOG, events: [] };

export function addAccountEvents(state: AccountEvents, events: readonly ServiceEvent[]): AccountEvents {
  const { log, fresh } = receive(state.received, events);
  if (fresh.length === 0) return { ...state, received: log };
  const newest = fresh.reverse();
  return { received: log, events: [...newest, ...state.events].slice(0, MAX_KEPT) };
}
