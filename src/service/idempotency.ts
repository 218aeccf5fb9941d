/**
 * Idempotency-Key on every POST (spec/service.md). The same key with the same request returns the
 * first response again and applies nothing twice; with another request it is 422
 * idempotency/key-reused; while the first is still in flight, 409 idempotency/in-flight.
 *
 * The record is committed in the same transaction as the write it answers (group-commit.ts), so a
 * retry after a crash finds either both or neither: never a write applied without its record.
 * Only requests that reached the ledger are recorded, 422 refusals included; a request refused
 * before (400, 401, 403, 404, 413) stores nothing, so a corrected retry is taken afresh. Records
 * are kept at least 24 hours (the service prunes older ones).
 */
import { createHash } from 'node:crypto';
import type { SequencedEntry, StoredEvent } from './live/entries.js';
import type { GroupCommitter } from './ledger/group-commit.js';
import type { IdempotencyRecord, LedgerStore } from './ledger/store.js';
import { ServiceError } from './problem.js';

/** What a write did in the fold: the entries to make durable, and the response. */
export interface WriteResult {
  readonly entries: readonly SequencedEntry[];
  readonly events: readonly StoredEvent[];
  readonly status: number;
  readonly body: unknown;
}

export interface Response {
  readonly status: number;
  /** The JSON text of the body. */
  readonly body: string;
  readonly replayed: boolean;
}

export const IDEMPOTENCY_HOURS = 24;
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
const RECENT = 10_000;

export function requestHash(method: string, path: string, body: unknown): string {
  return createHash('sha256').update(`${method} ${path}\n${JSON.stringify(body ?? null)}`).digest('hex');
}

export class IdempotencyGate {
  private readonly inFlight = new Set<string>();
  /** The latest records, so most retries need no read. */
  private readonly recent = new Map<string, IdempotencyRecord>();

  constructor(private readonly store: LedgerStore, private readonly committer: GroupCommitter, private readonly now: () => number) {}

  /**
   * Runs `write` (synchronously, in the fold) and makes its entries durable before answering; with
   * a key, answers a retry from the stored response instead.
   */
  async run(principal: string, key: string | undefined, hash: string, write: () => WriteResult): Promise<Response> {
    if (key === undefined) {
      const result = write();
      await this.committer.commit(result.entries, result.events);
      return { status: result.status, body: JSON.stringify(result.body), replayed: false };
    }
    if (!KEY_PATTERN.test(key)) {
      throw new ServiceError(400, 'request/invalid', 'Idempotency-Key: 1 to 255 visible ASCII characters', [{ field: 'Idempotency-Key', message: 'must be 1 to 255 visible ASCII characters' }]);
    }
    const slot = `${principal}\u0000${key}`;
    if (this.inFlight.has(slot)) throw inFlight();
    const stored = this.recent.get(slot) ?? await this.store.findIdempotency(principal, key);
    if (stored) return answer(stored, hash);
    // The read above let other requests run: one may have taken the key meanwhile.
    if (this.inFlight.has(slot)) throw inFlight();
    const again = this.recent.get(slot);
    if (again) return answer(again, hash);
    this.inFlight.add(slot);
    try {
      const result = write();
      const record: IdempotencyRecord = {
        principal, key, requestHash: hash, status: result.status, body: JSON.stringify(result.body), createdMs: this.now(),
      };
      await this.committer.commit(result.entries, result.events, record);
      this.remember(slot, record);
      return { status: record.status, body: record.body, replayed: false };
    } finally {
      this.inFlight.delete(slot);
    }
  }

  private remember(slot: string, record: IdempotencyRecord): void {
    this.recent.set(slot, record);
    if (this.recent.size > RECENT) {
      const oldest = this.recent.keys().next().value;
      if (oldest !== undefined) this.recent.delete(oldest);
    }
  }

  /** Forgets records older than IDEMPOTENCY_HOURS (plus an hour). */
  async prune(): Promise<number> {
    const before = this.now() - (IDEMPOTENCY_HOURS + 1) * 3_600_000;
    for (const [slot, record] of this.recent) if (record.createdMs < before) this.recent.delete(slot);
    return this.store.pruneIdempotency(before);
  }
}

const inFlight = (): ServiceError =>
  new ServiceError(409, 'idempotency/in-flight', 'a request with this Idempotency-Key is still being processed; retry shortly', [{ field: 'Idempotency-Key', message: 'in flight' }]);

function answer(stored: IdempotencyRecord, hash: string): Response {
  if (stored.requestHash !== hash) {
    throw new ServiceError(422, 'idempotency/key-reused', 'this Idempotency-Key was used for another request', [{ field: 'Idempotency-Key', message: 'used with another request' }]);
  }
  return { status: stored.status, body: stored.body, replayed: true };
}
