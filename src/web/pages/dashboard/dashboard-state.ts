/**
 * What the dashboard knows from the event log, folded one batch of events at a time (the history,
 * then the stream), each event once (received-log.ts). Only what the events say (spec/engine.md):
 * - open margin calls: `margin-call-issued` opens one per account and scope, `margin-call-cleared`
 *   ends it;
 * - the liquidation log: `position-liquidated` and `stop-loss-filled`, newest first, each with what
 *   covered its loss right after it in the same account at the same time: `deficit-absorbed` (by the
 *   venue or its insurance fund), `adl-executed` (a counterparty deleveraged), `debt-recorded` (the
 *   client owes it);
 * - debts and their recovery stage: a debt starts `open` (engine.md), `debt-status-changed` moves it
 *   (`demand`, `collections`, `legal`, then `repaid` or `written-off`), `debt-repaid` lowers it.
 */
import type { ServiceEvent } from '../../lib/service-client.js';
import { EMPTY_LOG, receive, type ReceivedLog } from './received-log.js';

export interface Liquidation {
  readonly event: ServiceEvent;
  /** What covered the loss, in order. */
  readonly cover: readonly ServiceEvent[];
}

export interface DebtLine {
  readonly account: string;
  readonly stage: string;
  /** The latest debt event. */
  readonly last: ServiceEvent;
}

export interface DashboardState {
  readonly received: ReceivedLog;
  /** Open margin calls by `account scope`, with the event that opened each. */
  readonly calls: ReadonlyMap<string, ServiceEvent>;
  readonly liquidations: readonly Liquidation[];
  readonly debts: ReadonlyMap<string, DebtLine>;
  /** Liquidations streamed since the page connected (not read from the history). */
  readonly liveLiquidations: number;
  readonly latestLiveLiquidation: number | null;
}

export const LOG_LENGTH = 50;
const CLOSE_OUTS = new Set(['position-liquidated', 'stop-loss-filled']);
const COVER = new Set(['deficit-absorbed', 'adl-executed', 'debt-recorded']);
const ACTIVE_STAGES = new Set(['open', 'demand', 'collections', 'legal']);

export const EMPTY_DASHBOARD: DashboardState = {
  received: EMPTY_LOG, calls: new Map(), liquidations: [], debts: new Map(), liveLiquidations: 0, latestLiveLiquidation: null,
};

const callKey = (event: ServiceEvent): string => `${event.account} ${String(event.scope ?? 'cross')}`;

export function applyEvents(state: DashboardState, events: readonly ServiceEvent[], live: boolean): DashboardState {
  const { log, fresh } = receive(state.received, events);
  if (fresh.length === 0) return { ...state, received: log };
  const calls = new Map(state.calls);
  const debts = new Map(state.debts);
  const liquidations = [...state.liquidations];
  let { liveLiquidations, latestLiveLiquidation } = state;
  for (const event of fresh) {
    if (event.type === 'margin-call-issued') calls.set(callKey(event), event);
    else if (event.type === 'margin-call-cleared') calls.delete(callKey(event));
    else if (CLOSE_OUTS.has(event.type)) {
      liquidations.unshift({ event, cover: [] });
      if (live && event.type === 'position-liquidated') {
        liveLiquidations += 1;
        latestLiveLiquidation = event.id;
      }
    }
    if (COVER.has(event.type)) {
      const at = liquidations.findIndex((each) => each.event.account === event.account);
      const owner = liquidations[at];
      if (owner && owner.event.time === event.time) liquidations[at] = { ...owner, cover: [...owner.cover, event] };
    }
    if (event.type === 'debt-recorded') {
      const debt = debts.get(event.account);
      debts.set(event.account, { account: event.account, stage: debt && ACTIVE_STAGES.has(debt.stage) ? debt.stage : 'open', last: event });
    } else if (event.type === 'debt-status-changed') {
      debts.set(event.account, { account: event.account, stage: String(event.to), last: event });
    } else if (event.type === 'debt-repaid' || event.type === 'debt-written-off') {
      const debt = debts.get(event.account);
      if (debt) debts.set(event.account, { ...debt, last: event });
    }
  }
  liquidations.length = Math.min(liquidations.length, LOG_LENGTH);
  return { received: log, calls, liquidations, debts, liveLiquidations, latestLiveLiquidation };
}
