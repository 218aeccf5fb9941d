/**
 * The ledger's storage: one interface (DESIGN.md: append, read from a position, snapshot,
 * idempotency records), two implementations held to one contract suite
 * (test/service/store-contract.test.ts): embedded SQLite (sqlite-store.ts, the default) and
 * PostgreSQL (postgres-store.ts, with STOPOUT_DATABASE_URL).
 *
 * `commit` is the only write on the request path: a batch of entries with the events they produced
 * and the idempotency records of the requests they answer, in one transaction, durable when its
 * promise resolves (SQLite WAL with synchronous=FULL; PostgreSQL with synchronous_commit=on). The
 * group committer (group-commit.ts) makes many requests share one.
 */
import type { SequencedEntry, StoredEvent } from '../live/entries.js';

/** The stored answer to a request that carried an Idempotency-Key. */
export interface IdempotencyRecord {
  /** Who asked: the key's id, so two clients' keys never meet. */
  readonly principal: string;
  readonly key: string;
  /** sha256 of method, path and body: the same key with another body is refused. */
  readonly requestHash: string;
  readonly status: number;
  /** The response body, as sent. */
  readonly body: string;
  readonly createdMs: number;
}

export interface CommitBatch {
  readonly entries: readonly SequencedEntry[];
  readonly events: readonly StoredEvent[];
  readonly idempotency: readonly IdempotencyRecord[];
}

export interface EventQuery {
  /** Events with a greater id. */
  readonly after: number;
  readonly limit: number;
  readonly account?: string;
  readonly type?: string;
}

/** One attempt to deliver an event to a webhook. */
export interface DeliveryRecord {
  readonly webhook: string;
  readonly event: number;
  readonly account: string;
  readonly attempt: number;
  /** delivered | failed (to be retried) | dead (given up: a dead letter). */
  readonly status: 'delivered' | 'failed' | 'dead';
  readonly responseCode: number | null;
  readonly timeMs: number;
  readonly nextRetryMs: number | null;
  readonly error: string | null;
}

/** A stored attempt with its place in the list. */
export type StoredDelivery = DeliveryRecord & { readonly id: number };

export interface SnapshotHeader {
  readonly id: number;
  /** The last entry the snapshot includes. */
  readonly seq: number;
  readonly createdMs: number;
  /** The service's state hash at `seq`, to check the restored state against. */
  readonly hash: string;
  readonly chunks: number;
}

export interface LedgerStore {
  readonly kind: 'sqlite' | 'postgres';
  /** Where it is, for messages (never a password). */
  readonly location: string;

  commit(batch: CommitBatch): Promise<void>;

  /** Entries with seq > after, in order, at most `limit`. */
  readEntries(after: number, limit: number): Promise<SequencedEntry[]>;
  /** From seq > after: the entries of one account, and every tick entry, in order, at most `limit`. */
  readAccountEntries(account: string, after: number, limit: number): Promise<SequencedEntry[]>;
  /** The last entry's seq, 0 for an empty ledger. */
  lastSeq(): Promise<number>;

  readEvents(query: EventQuery): Promise<StoredEvent[]>;
  lastEventId(): Promise<number>;

  findIdempotency(principal: string, key: string): Promise<IdempotencyRecord | undefined>;
  /** Forgets records made before `beforeMs`; returns how many. */
  pruneIdempotency(beforeMs: number): Promise<number>;

  /** Starts a snapshot; its chunks follow, then `completeSnapshot`. An incomplete snapshot is never read. */
  beginSnapshot(seq: number, createdMs: number): Promise<number>;
  writeSnapshotChunk(snapshot: number, index: number, body: string): Promise<void>;
  /** Marks it complete and drops all but the latest `keep` complete snapshots. */
  completeSnapshot(snapshot: number, chunks: number, hash: string, keep: number): Promise<void>;
  latestSnapshot(): Promise<SnapshotHeader | null>;
  readSnapshotChunk(snapshot: number, index: number): Promise<string>;

  recordDelivery(delivery: DeliveryRecord): Promise<void>;
  /** A webhook's attempts with id > after, oldest first. */
  listDeliveries(webhook: string, after: number, limit: number): Promise<StoredDelivery[]>;
  /** Per event id > afterEvent: the webhook's latest attempt (to resume delivery after a restart). */
  latestDeliveries(webhook: string, afterEvent: number): Promise<Map<number, StoredDelivery>>;

  close(): Promise<void>;
}
