/**
 * The ledger in PostgreSQL (node-postgres 8), chosen with STOPOUT_DATABASE_URL: the same tables,
 * columns and answers as the SQLite store (sqlite-store.ts), held to the same contract suite
 * (test/service/store-contract.test.ts).
 *
 * Durability: every pooled connection runs `SET synchronous_commit = on` before the pool hands it
 * out (pg-pool's `onConnect` hook), so a COMMIT returns only once its WAL is flushed. A server or
 * database default of `off` would lose the last acknowledged commits in a crash, and a 2xx must mean
 * the write survives. `open` checks the setting.
 *
 * Shape of a commit: BEGIN, one INSERT … SELECT FROM unnest(arrays) per table, COMMIT, on one
 * client: a batch of thousands of rows is at most five round trips. Bodies are TEXT, so the bytes
 * written are the bytes read. BIGINT columns come back as JS numbers (refused beyond 2^53).
 */
import pg from 'pg';
import type { SequencedEntry, StoredEvent } from '../live/entries.js';
import { entryAccount } from '../live/entries.js';
import { deliveryFromRow, entryFromRow, eventFromRow } from './rows.js';
import type {
  CommitBatch, DeliveryRecord, EventQuery, IdempotencyRecord, LedgerStore, SnapshotHeader, StoredDelivery,
} from './store.js';
import { ledgerSchema, POSTGRES } from './schema.js';

/** Held while the schema is made, so that two processes starting at once do not race on it. */
const SCHEMA_LOCK = 7_146_130_418;

const SCHEMA = ledgerSchema(POSTGRES);

const INSERT_ENTRIES = `INSERT INTO entries (seq, type, account, body)
  SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[])`;
const INSERT_EVENTS = `INSERT INTO events (id, seq, account, type, body)
  SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::text[])`;
const INSERT_IDEMPOTENCY = `INSERT INTO idempotency (principal, key, request_hash, status, body, created_ms)
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::integer[], $5::text[], $6::bigint[])`;

/** The pool's connections, at most: the group committer writes one batch at a time. */
const POOL_SIZE = 4;
/**
 * How long to wait for a connection: to the server (so an unreachable server fails `open` instead of
 * hanging), and also, in pg-pool, for a free one of the pool's four. A commit that waits longer fails,
 * and the group committer stops the service, so it is generous.
 */
const CONNECT_TIMEOUT_MS = 30_000;
const INT8_OID = 20;

/** BIGINT as a JS number, as SQLite gives it; a value a number cannot hold exactly fails the query. */
function parseBigint(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new Error(`BIGINT ${text} is beyond a JavaScript number's exact range`);
  return value;
}

const TYPES: pg.CustomTypesConfig = {
  getTypeParser: (oid, format) => (oid === INT8_OID && format !== 'binary' ? parseBigint : pg.types.getTypeParser(oid, format)),
};

/** LIMIT as SQLite reads it: a negative limit is no limit (LIMIT NULL in PostgreSQL). */
function limitOf(limit: number): number | null {
  return limit < 0 ? null : limit;
}

/**
 * A position to compare BIGINT columns with, as SQLite compares: `column > 2.5` is `column > 2` for
 * integers (PostgreSQL would refuse 2.5 as a BIGINT parameter); `column < 2.5` is `column < 3`.
 */
function lowerBound(after: number): number {
  return Number.isFinite(after) ? Math.floor(after) : after;
}
function upperBound(before: number): number {
  return Number.isFinite(before) ? Math.ceil(before) : before;
}

/** The connection string without its password (in the user-info part or a `password` parameter). */
export function maskPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    if (parsed.searchParams.has('password')) parsed.searchParams.set('password', '***');
    return parsed.toString();
  } catch {
    // Not a URL (a socket path with keyword parameters): mask anything that looks like a password.
    return url.replace(/(password\s*=\s*)(?:'[^']*'|\S+)/gi, '$1***').replace(/:[^:@/\s]*@/, ':***@');
  }
}

interface SnapshotRow { id: number; seq: number; created_ms: number; hash: string; chunks: number }
interface IdempotencyRow { principal: string; key: string; request_hash: string; status: number; body: string; created_ms: number }

export class PostgresStore implements LedgerStore {
  readonly kind = 'postgres';
  readonly location: string;
  private closing: Promise<void> | undefined;

  private constructor(private readonly pool: pg.Pool, url: string) {
    this.location = maskPassword(url);
  }

  /** Connects, checks that commits are synchronous, and makes the schema if it is not there. */
  static async open(url: string): Promise<PostgresStore> {
    const pool = new pg.Pool({
      connectionString: url, max: POOL_SIZE, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, types: TYPES,
      // Awaited by the pool before it hands out a new connection; if it fails, the connection is
      // closed and the query that wanted it fails, rather than running unsynchronised.
      onConnect: async (client) => { await client.query('SET synchronous_commit = on'); },
    });
    // An idle connection that breaks (the server restarts) is dropped by the pool; the next query
    // opens another. Without a listener the error would end the process.
    pool.on('error', () => undefined);
    const store = new PostgresStore(pool, url);
    try {
      const setting = await store.synchronousCommit();
      if (setting !== 'on') throw new Error(`PostgreSQL refused synchronous_commit=on (it is ${setting})`);
      await store.transaction(async (client) => {
        await client.query('SELECT pg_advisory_xact_lock($1)', [SCHEMA_LOCK]);
        await client.query(SCHEMA);
      });
    } catch (error) {
      await store.close();
      throw new Error(`cannot open the ledger at ${store.location}: ${(error as Error).message}`, { cause: error });
    }
    return store;
  }

  /** `synchronous_commit` as a pooled connection sees it ("on" once `open` has succeeded). */
  async synchronousCommit(): Promise<string> {
    const result = await this.pool.query<{ value: string }>("SELECT current_setting('synchronous_commit') AS value");
    return result.rows[0]?.value ?? '';
  }

  async commit(batch: CommitBatch): Promise<void> {
    if (batch.entries.length === 0 && batch.events.length === 0 && batch.idempotency.length === 0) return;
    await this.transaction(async (client) => {
      if (batch.entries.length > 0) {
        await client.query(INSERT_ENTRIES, [
          batch.entries.map((entry) => entry.seq),
          batch.entries.map((entry) => entry.type),
          batch.entries.map((entry) => entryAccount(entry)),
          batch.entries.map((entry) => JSON.stringify(entry.body)),
        ]);
      }
      if (batch.events.length > 0) {
        await client.query(INSERT_EVENTS, [
          batch.events.map((event) => event.id),
          batch.events.map((event) => event.seq),
          batch.events.map((event) => event.account),
          batch.events.map((event) => event.type),
          batch.events.map((event) => JSON.stringify(event.json)),
        ]);
      }
      if (batch.idempotency.length > 0) {
        await client.query(INSERT_IDEMPOTENCY, [
          batch.idempotency.map((record) => record.principal),
          batch.idempotency.map((record) => record.key),
          batch.idempotency.map((record) => record.requestHash),
          batch.idempotency.map((record) => record.status),
          batch.idempotency.map((record) => record.body),
          batch.idempotency.map((record) => record.createdMs),
        ]);
      }
    });
  }

  async readEntries(after: number, limit: number): Promise<SequencedEntry[]> {
    const result = await this.pool.query(
      'SELECT seq, type, account, body FROM entries WHERE seq > $1 ORDER BY seq LIMIT $2', [lowerBound(after), limitOf(limit)]);
    return result.rows.map(entryFromRow);
  }

  async readAccountEntries(account: string, after: number, limit: number): Promise<SequencedEntry[]> {
    const result = await this.pool.query(`
      SELECT seq, type, account, body FROM (
        SELECT seq, type, account, body FROM entries WHERE account = $1 AND seq > $2
        UNION ALL
        SELECT seq, type, account, body FROM entries WHERE type = 'ticks' AND seq > $2
      ) AS chosen ORDER BY seq LIMIT $3`, [account, lowerBound(after), limitOf(limit)]);
    return result.rows.map(entryFromRow);
  }

  async lastSeq(): Promise<number> {
    const result = await this.pool.query<{ seq: number | null }>('SELECT MAX(seq) AS seq FROM entries');
    return result.rows[0]?.seq ?? 0;
  }

  async readEvents(query: EventQuery): Promise<StoredEvent[]> {
    const values: (string | number | null)[] = [lowerBound(query.after)];
    const conditions = ['id > $1'];
    if (query.account !== undefined) { values.push(query.account); conditions.push(`account = $${values.length}`); }
    if (query.type !== undefined) { values.push(query.type); conditions.push(`type = $${values.length}`); }
    values.push(limitOf(query.limit));
    const result = await this.pool.query(
      `SELECT id, seq, account, type, body FROM events WHERE ${conditions.join(' AND ')} ORDER BY id LIMIT $${values.length}`, values);
    return result.rows.map(eventFromRow);
  }

  async lastEventId(): Promise<number> {
    const result = await this.pool.query<{ id: number | null }>('SELECT MAX(id) AS id FROM events');
    return result.rows[0]?.id ?? 0;
  }

  async findIdempotency(principal: string, key: string): Promise<IdempotencyRecord | undefined> {
    const result = await this.pool.query<IdempotencyRow>(
      'SELECT principal, key, request_hash, status, body, created_ms FROM idempotency WHERE principal = $1 AND key = $2', [principal, key]);
    const row = result.rows[0];
    return row && {
      principal: row.principal, key: row.key, requestHash: row.request_hash, status: row.status, body: row.body, createdMs: row.created_ms,
    };
  }

  async pruneIdempotency(beforeMs: number): Promise<number> {
    const result = await this.pool.query('DELETE FROM idempotency WHERE created_ms < $1', [upperBound(beforeMs)]);
    return result.rowCount ?? 0;
  }

  async beginSnapshot(seq: number, createdMs: number): Promise<number> {
    const result = await this.pool.query<{ id: number }>('INSERT INTO snapshots (seq, created_ms) VALUES ($1, $2) RETURNING id', [seq, createdMs]);
    const row = result.rows[0];
    if (!row) throw new Error('PostgreSQL returned no id for the new snapshot');
    return row.id;
  }

  async writeSnapshotChunk(snapshot: number, index: number, body: string): Promise<void> {
    await this.pool.query('INSERT INTO snapshot_chunks (snapshot, chunk, body) VALUES ($1, $2, $3)', [snapshot, index, body]);
  }

  async completeSnapshot(snapshot: number, chunks: number, hash: string, keep: number): Promise<void> {
    await this.transaction(async (client) => {
      await client.query('UPDATE snapshots SET complete = 1, chunks = $1, hash = $2 WHERE id = $3', [chunks, hash, snapshot]);
      await client.query(`
        WITH stale AS (
          SELECT id FROM snapshots
          WHERE id NOT IN (SELECT id FROM snapshots WHERE complete = 1 ORDER BY id DESC LIMIT $1) AND id <> $2
        ), dropped_chunks AS (
          DELETE FROM snapshot_chunks WHERE snapshot IN (SELECT id FROM stale)
        )
        DELETE FROM snapshots WHERE id IN (SELECT id FROM stale)`, [limitOf(keep), snapshot]);
    });
  }

  async latestSnapshot(): Promise<SnapshotHeader | null> {
    const result = await this.pool.query<SnapshotRow>(
      'SELECT id, seq, created_ms, hash, chunks FROM snapshots WHERE complete = 1 ORDER BY id DESC LIMIT 1');
    const row = result.rows[0];
    return row ? { id: row.id, seq: row.seq, createdMs: row.created_ms, hash: row.hash, chunks: row.chunks } : null;
  }

  async readSnapshotChunk(snapshot: number, index: number): Promise<string> {
    const result = await this.pool.query<{ body: string }>(
      'SELECT body FROM snapshot_chunks WHERE snapshot = $1 AND chunk = $2', [snapshot, index]);
    const row = result.rows[0];
    if (!row) throw new Error(`snapshot ${snapshot} has no chunk ${index}`);
    return row.body;
  }

  async recordDelivery(delivery: DeliveryRecord): Promise<void> {
    await this.pool.query(`INSERT INTO deliveries (webhook, event, account, attempt, status, response_code, time_ms, next_retry_ms, error)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, [
      delivery.webhook, delivery.event, delivery.account, delivery.attempt, delivery.status, delivery.responseCode,
      delivery.timeMs, delivery.nextRetryMs, delivery.error,
    ]);
  }

  async listDeliveries(webhook: string, after: number, limit: number): Promise<StoredDelivery[]> {
    const result = await this.pool.query('SELECT * FROM deliveries WHERE webhook = $1 AND id > $2 ORDER BY id LIMIT $3', [webhook, lowerBound(after), limitOf(limit)]);
    return result.rows.map(deliveryFromRow);
  }

  async latestDeliveries(webhook: string, afterEvent: number): Promise<Map<number, StoredDelivery>> {
    const result = await this.pool.query(`
      SELECT DISTINCT ON (event) * FROM deliveries WHERE webhook = $1 AND event > $2 ORDER BY event, id DESC`, [webhook, lowerBound(afterEvent)]);
    return new Map(result.rows.map((row) => [Number(row.event), deliveryFromRow(row)]));
  }

  /** Ends the pool once; later calls wait for the same end. */
  close(): Promise<void> {
    this.closing ??= this.pool.end();
    return this.closing;
  }

  /** Runs `work` between BEGIN and COMMIT on one client; on any error, ROLLBACK and reject. */
  private async transaction(work: (client: pg.PoolClient) => Promise<void>): Promise<void> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      await work(client);
      await client.query('COMMIT');
    } catch (error) {
      // A connection that cannot even roll back is not given back to the pool.
      await client.query('ROLLBACK').catch((rollbackError: unknown) => { broken = rollbackError as Error; });
      throw error;
    } finally {
      client.release(broken);
    }
  }
}
