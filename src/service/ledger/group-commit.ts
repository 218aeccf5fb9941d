/**
 * Group commit: many requests share one transaction and one fsync, and none is answered before its
 * commit (DESIGN.md). The fold has already applied each entry in memory, in order; the committer
 * writes them in that same order, a batch at a time: while one batch is being made durable, the next
 * gathers. Every waiter of a batch is released when its transaction has committed.
 *
 * A failed commit leaves memory ahead of the disk, which no request may ever observe: the
 * committer stops, and the service exits so that start-up recovers from what is durable
 * (fail-stop; the caller passes `onFatal`).
 */
import type { SequencedEntry, StoredEvent } from '../live/entries.js';
import type { CommitBatch, IdempotencyRecord, LedgerStore } from './store.js';

interface Pending {
  readonly entries: SequencedEntry[];
  readonly events: StoredEvent[];
  readonly idempotency: IdempotencyRecord[];
  readonly waiters: (() => void)[];
}

export interface CommitStatistics {
  batches: number;
  entries: number;
  largestBatch: number;
}

const empty = (): Pending => ({ entries: [], events: [], idempotency: [], waiters: [] });

export class GroupCommitter {
  private pending: Pending = empty();
  private writing = false;
  private scheduled = false;
  private failed: Error | null = null;
  /** Released when everything handed over so far is durable. */
  private idleWaiters: (() => void)[] = [];
  readonly statistics: CommitStatistics = { batches: 0, entries: 0, largestBatch: 0 };
  /** Called after each commit with what it made durable (streams, webhooks, metrics). */
  onDurable: (batch: CommitBatch) => void = () => undefined;

  /**
   * Fault injection for the kill -9 tests: hold every answer this long after its commit, so that a
   * kill often lands between "durable" and "answered" (the window where a retry must be recognised
   * by its idempotency key). STOPOUT_FAULT_ANSWER_DELAY_MS; 0 in normal use.
   */
  private readonly answerDelayMs: number;

  constructor(private readonly store: LedgerStore, private readonly onFatal: (error: Error) => void, answerDelayMs = 0) {
    this.answerDelayMs = answerDelayMs;
  }

  /**
   * Hands over what one request wrote; resolves once it is durable. Call it right after the fold
   * applied the entries, before anything else is applied, so the log keeps the fold's order.
   */
  commit(entries: readonly SequencedEntry[], events: readonly StoredEvent[], idempotency?: IdempotencyRecord): Promise<void> {
    if (this.failed) return Promise.reject(this.failed);
    const pending = this.pending;
    pending.entries.push(...entries);
    pending.events.push(...events);
    if (idempotency) pending.idempotency.push(idempotency);
    const done = new Promise<void>((resolve) => pending.waiters.push(resolve));
    this.schedule();
    return done;
  }

  /** Resolves once everything handed over before this call is durable (a read barrier). */
  durable(): Promise<void> {
    if (!this.writing && this.pending.waiters.length === 0) return Promise.resolve();
    return this.commit([], []);
  }

  /** Resolves when nothing is pending or being written. */
  drain(): Promise<void> {
    if (!this.writing && this.pending.waiters.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private schedule(): void {
    if (this.writing || this.scheduled) return;
    this.scheduled = true;
    // Let the requests already read from their sockets join this batch.
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    if (this.writing || this.failed) return;
    const batch = this.pending;
    if (batch.waiters.length === 0) {
      for (const resolve of this.idleWaiters.splice(0)) resolve();
      return;
    }
    this.pending = empty();
    this.writing = true;
    try {
      if (batch.entries.length || batch.events.length || batch.idempotency.length) await this.store.commit(batch);
    } catch (error) {
      this.failed = error instanceof Error ? error : new Error(String(error));
      this.writing = false;
      this.onFatal(this.failed);
      return;
    }
    this.writing = false;
    this.statistics.batches += 1;
    this.statistics.entries += batch.entries.length;
    this.statistics.largestBatch = Math.max(this.statistics.largestBatch, batch.waiters.length);
    this.onDurable(batch);
    if (this.answerDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.answerDelayMs));
    for (const resolve of batch.waiters) resolve();
    if (this.pending.waiters.length) this.schedule();
    else for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}
