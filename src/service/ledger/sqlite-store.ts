/**
 * The ledger in embedded SQLite (better-sqlite3 12), the default store: one file in the data
 * folder, written by this process only.
 *
 * Durability: WAL journal with `synchronous=FULL`, set explicitly. (The library's build makes WAL
 * default to NORMAL, under which the last commits before a power cut can be lost: a 2xx must mean
 * the write survives.) A commit is one transaction; better-sqlite3 runs it synchronously, and the
 * group committer (group-commit.ts) makes it one per batch of requests.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { SequencedEntry, StoredEvent } from '../live/entries.js';
import { entryAccount } from '../live/entries.js';
import { deliveryFromRow, entryFromRow, eventFromRow, type DeliveryRow, type EntryRow, type EventRow } from './rows.js';
import type {
  CommitBatch, DeliveryRecord, EventQuery, IdempotencyRecord, LedgerStore, SnapshotHeader, StoredDelivery,
} from './store.js';
import { ledgerSchema, SQLITE } from './schema.js';

const SCHEMA = ledgerSchema(SQLITE);

export class SqliteStore implements LedgerStore {
  readonly kind = 'sqlite';
  readonly location: string;
  private readonly db: Database.Database;
  private readonly insertEntry: Database.Statement;
  private readonly insertEvent: Database.Statement;
  private readonly insertIdempotency: Database.Statement;
  private readonly commitBatch: (batch: CommitBatch) => void;

  constructor(folder: string) {
    mkdirSync(folder, { recursive: true });
    this.location = join(folder, 'ledger.sqlite');
    this.db = new Database(this.location);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    if (this.db.pragma('synchronous', { simple: true }) !== 2) throw new Error('SQLite refused synchronous=FULL');
    this.db.exec(SCHEMA);
    this.insertEntry = this.db.prepare('INSERT INTO entries (seq, type, account, body) VALUES (?, ?, ?, ?)');
    this.insertEvent = this.db.prepare('INSERT INTO events (id, seq, account, type, body) VALUES (?, ?, ?, ?, ?)');
    this.insertIdempotency = this.db.prepare(
      'INSERT INTO idempotency (principal, key, request_hash, status, body, created_ms) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.commitBatch = this.db.transaction((batch: CommitBatch) => {
      for (const entry of batch.entries) {
        const { seq, type, body } = entry;
        this.insertEntry.run(seq, type, entryAccount(entry), JSON.stringify(body));
      }
      for (const event of batch.events) this.insertEvent.run(event.id, event.seq, event.account, event.type, JSON.stringify(event.json));
      for (const record of batch.idempotency) {
        this.insertIdempotency.run(record.principal, record.key, record.requestHash, record.status, record.body, record.createdMs);
      }
    });
  }

  commit(batch: CommitBatch): Promise<void> {
    try {
      this.commitBatch(batch);
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  readEntries(after: number, limit: number): Promise<SequencedEntry[]> {
    const rows = this.db.prepare('SELECT seq, type, account, body FROM entries WHERE seq > ? ORDER BY seq LIMIT ?').all(after, limit) as EntryRow[];
    return Promise.resolve(rows.map(entryFromRow));
  }

  readAccountEntries(account: string, after: number, limit: number): Promise<SequencedEntry[]> {
    const rows = this.db.prepare(`
      SELECT seq, type, account, body FROM (
        SELECT seq, type, account, body FROM entries WHERE account = ? AND seq > ?
        UNION ALL
        SELECT seq, type, account, body FROM entries WHERE type = 'ticks' AND seq > ?
      ) ORDER BY seq LIMIT ?`).all(account, after, after, limit) as EntryRow[];
    return Promise.resolve(rows.map(entryFromRow));
  }

  lastSeq(): Promise<number> {
    const row = this.db.prepare('SELECT MAX(seq) AS seq FROM entries').get() as { seq: number | null };
    return Promise.resolve(row.seq ?? 0);
  }

  readEvents(query: EventQuery): Promise<StoredEvent[]> {
    const conditions = ['id > ?'];
    const values: (string | number)[] = [query.after];
    if (query.account !== undefined) { conditions.push('account = ?'); values.push(query.account); }
    if (query.type !== undefined) { conditions.push('type = ?'); values.push(query.type); }
    const rows = this.db.prepare(`SELECT id, seq, account, type, body FROM events WHERE ${conditions.join(' AND ')} ORDER BY id LIMIT ?`)
      .all(...values, query.limit) as EventRow[];
    return Promise.resolve(rows.map(eventFromRow));
  }

  lastEventId(): Promise<number> {
    const row = this.db.prepare('SELECT MAX(id) AS id FROM events').get() as { id: number | null };
    return Promise.resolve(row.id ?? 0);
  }

  findIdempotency(principal: string, key: string): Promise<IdempotencyRecord | undefined> {
    const row = this.db.prepare('SELECT principal, key, request_hash, status, body, created_ms FROM idempotency WHERE principal = ? AND key = ?')
      .get(principal, key) as { principal: string; key: string; request_hash: string; status: number; body: string; created_ms: number } | undefined;
    return Promise.resolve(row && {
      principal: row.principal, key: row.key, requestHash: row.request_hash, status: Number(row.status), body: row.body, createdMs: Number(row.created_ms),
    });
  }

  pruneIdempotency(beforeMs: number): Promise<number> {
    return Promise.resolve(this.db.prepare('DELETE FROM idempotency WHERE created_ms < ?').run(beforeMs).changes);
  }

  beginSnapshot(seq: number, createdMs: number): Promise<number> {
    const result = this.db.prepare('INSERT INTO snapshots (seq, created_ms) VALUES (?, ?)').run(seq, createdMs);
    return Promise.resolve(Number(result.lastInsertRowid));
  }

  writeSnapshotChunk(snapshot: number, index: number, body: string): Promise<void> {
    this.db.prepare('INSERT INTO snapshot_chunks (snapshot, chunk, body) VALUES (?, ?, ?)').run(snapshot, index, body);
    return Promise.resolve();
  }

  completeSnapshot(snapshot: number, chunks: number, hash: string, keep: number): Promise<void> {
    this.db.transaction(() => {
      this.db.prepare('UPDATE snapshots SET complete = 1, chunks = ?, hash = ? WHERE id = ?').run(chunks, hash, snapshot);
      const stale = this.db.prepare(`
        SELECT id FROM snapshots WHERE id NOT IN (SELECT id FROM snapshots WHERE complete = 1 ORDER BY id DESC LIMIT ?) AND id <> ?`)
        .all(keep, snapshot) as { id: number }[];
      for (const { id } of stale) {
        this.db.prepare('DELETE FROM snapshot_chunks WHERE snapshot = ?').run(id);
        this.db.prepare('DELETE FROM snapshots WHERE id = ?').run(id);
      }
    })();
    return Promise.resolve();
  }

  latestSnapshot(): Promise<SnapshotHeader | null> {
    const row = this.db.prepare('SELECT id, seq, created_ms, hash, chunks FROM snapshots WHERE complete = 1 ORDER BY id DESC LIMIT 1')
      .get() as { id: number; seq: number; created_ms: number; hash: string; chunks: number } | undefined;
    return Promise.resolve(row ? { id: Number(row.id), seq: Number(row.seq), createdMs: Number(row.created_ms), hash: row.hash, chunks: Number(row.chunks) } : null);
  }

  readSnapshotChunk(snapshot: number, index: number): Promise<string> {
    const row = this.db.prepare('SELECT body FROM snapshot_chunks WHERE snapshot = ? AND chunk = ?').get(snapshot, index) as { body: string } | undefined;
    if (!row) return Promise.reject(new Error(`snapshot ${snapshot} has no chunk ${index}`));
    return Promise.resolve(row.body);
  }

  recordDelivery(delivery: DeliveryRecord): Promise<void> {
    this.db.prepare(`INSERT INTO deliveries (webhook, event, account, attempt, status, response_code, time_ms, next_retry_ms, error)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(
      delivery.webhook, delivery.event, delivery.account, delivery.attempt, delivery.status, delivery.responseCode,
      delivery.timeMs, delivery.nextRetryMs, delivery.error,
    );
    return Promise.resolve();
  }

  listDeliveries(webhook: string, after: number, limit: number): Promise<StoredDelivery[]> {
    const rows = this.db.prepare('SELECT * FROM deliveries WHERE webhook = ? AND id > ? ORDER BY id LIMIT ?').all(webhook, after, limit) as DeliveryRow[];
    return Promise.resolve(rows.map(deliveryFromRow));
  }

  latestDeliveries(webhook: string, afterEvent: number): Promise<Map<number, StoredDelivery>> {
    const rows = this.db.prepare(`
      SELECT d.* FROM deliveries d
      JOIN (SELECT event, MAX(id) AS id FROM deliveries WHERE webhook = ? AND event > ? GROUP BY event) latest ON latest.id = d.id
      ORDER BY d.event`).all(webhook, afterEvent) as DeliveryRow[];
    return Promise.resolve(new Map(rows.map((row) => [Number(row.event), deliveryFromRow(row)])));
  }

  close(): Promise<void> {
    this.db.close();
    return Promise.resolve();
  }
}
