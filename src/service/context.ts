/**
 * What every route works with: the fold, the store, the group committer, the idempotency gate, the
 * event bus, the metrics and the service's clock, plus the options the service was started with.
 */
import { formatInstant } from '../core/index.js';
import type { GroupCommitter } from './ledger/group-commit.js';
import type { LedgerStore } from './ledger/store.js';
import type { IdempotencyGate } from './idempotency.js';
import type { LedgerEntry, SequencedEntry, StoredEvent } from './live/entries.js';
import { LiveState } from './live/live-state.js';
import type { ServiceMetrics } from './metrics.js';
import type { EventBus } from './out/event-bus.js';

export interface ServiceOptions {
  readonly host: string;
  readonly port: number;
  /** The SQLite ledger's folder (unused with a database URL). */
  readonly data: string;
  readonly databaseUrl?: string;
  /** From STOPOUT_ADMIN_KEY; else the ledger's, or one made and printed at first start. */
  readonly adminKey?: string;
  /** Requests per minute per key (or per address without one); 0 = no limit. */
  readonly rateLimitPerMinute: number;
  /** POST /v1/simulate: the most paths × steps one request may ask for (413 above). */
  readonly maxPathSteps: number;
  /** A snapshot after this many entries since the last. */
  readonly snapshotEvery: number;
  /** SSE: a comment line this often keeps a quiet stream open. */
  readonly heartbeatMs: number;
  readonly logLevel: string;
  /** Webhooks: the first retry after this long, doubling up to `webhookMaxDelayMs`, `webhookAttempts` tries in all. */
  readonly webhookBaseDelayMs: number;
  readonly webhookMaxDelayMs: number;
  readonly webhookAttempts: number;
  /** How often the clock looks for Reg T deadlines that ended (0: never; tests that need determinism). */
  readonly deadlineCheckMs: number;
}

export const DEFAULT_OPTIONS: ServiceOptions = {
  host: '127.0.0.1',
  port: 8080,
  data: 'stopout-data',
  rateLimitPerMinute: 120_000,
  maxPathSteps: 100_000_000,
  snapshotEvery: 100_000,
  heartbeatMs: 15_000,
  logLevel: 'info',
  webhookBaseDelayMs: 1_000,
  webhookMaxDelayMs: 10 * 60_000,
  webhookAttempts: 12,
  deadlineCheckMs: 1000,
};

export type ServiceStatus = 'starting' | 'ok' | 'stopping';

export class ServiceContext {
  status: ServiceStatus = 'starting';
  readonly live = new LiveState();
  /** sha256 of the admin key. */
  adminHash: string | null = null;
  /** When each tick entry was received (ms, monotonic), until its events are published. */
  readonly tickReceived = new Map<number, number>();

  constructor(
    readonly options: ServiceOptions,
    readonly store: LedgerStore,
    readonly committer: GroupCommitter,
    readonly gate: IdempotencyGate,
    readonly bus: EventBus,
    readonly metrics: ServiceMetrics,
  ) {}

  /**
   * The service's clock (ms): the later of the wall clock and the latest time the feed has been
   * given. An account's own command may carry a later time; that moves the account's time, not the
   * service's, so no account can move another's deadlines or the feed.
   */
  now(): number {
    return Math.max(Date.now(), this.live.feedLastMs);
  }

  nowText(): string {
    return formatInstant(this.now());
  }

  /** The time for a command that carries none: the clock, or the account's own time when that is later. */
  commandTime(accountTimeMs: number | undefined): string {
    return formatInstant(Math.max(this.now(), accountTimeMs ?? Number.NEGATIVE_INFINITY));
  }

  /** Applies an entry to the fold: its sequenced form (to commit) and the events it produced. */
  apply(entry: LedgerEntry): { readonly entries: SequencedEntry[]; readonly events: readonly StoredEvent[] } {
    const applied = this.live.apply(entry);
    return { entries: [{ ...entry, seq: applied.seq } as SequencedEntry], events: applied.events };
  }
}
