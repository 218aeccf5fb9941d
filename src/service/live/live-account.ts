/**
 * One account as the service holds it: its engine state as of the last time it was stepped, how
 * far its tick class had counted then (tick-classes.ts), and what it has done so far.
 */
import type { AccountSource, EngineState } from '../../core/index.js';
import type { TickClass } from './tick-classes.js';

export interface LiveAccount {
  readonly id: string;
  /** Creation order: ties between accounts are always broken by it. */
  readonly slot: number;
  /** The built-in venue the account's venue is or extends. */
  readonly venueKey: string;
  /** The venue and instrument JSON it was created with (state hashes and scenarios keep them as given). */
  readonly source: AccountSource;
  /** The snapshot and market it was created with: the start of its scenario. */
  readonly start: { readonly snapshot: unknown; readonly market?: unknown };
  /** The log position of its creation. */
  readonly createdSeq: number;
  readonly keyId: string;
  /** As of the last step; the ticks since are applied by `materialize`. */
  state: EngineState;
  /** The class of the instruments it holds, null when it holds none. */
  tickClass: TickClass | null;
  /** `tickClass.count` when `state` was last brought up to date. */
  syncCount: number;
  /** Events of each type so far (a summary's `events`). */
  readonly eventCounts: Map<string, number>;
  /** Why the risk index steps it on every tick, if it does. */
  always: string | null;
  /** The last bands the index keyed it by (kept in snapshots: they are a function of `state`). */
  ranges: ReadonlyMap<string, { readonly lo: number; readonly hi: number }> | null;
}
