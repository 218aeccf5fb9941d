// The ledger store's contract (src/service/ledger/store.ts), one suite run against every store:
// SqliteStore in a temporary folder, PostgresStore in a throwaway PostgreSQL cluster
// (test/support/postgres-cluster.ts; skipped, with the reason, where PostgreSQL is not installed).
// Every method: what a commit writes reads back byte for byte, a failed batch leaves no trace,
// paging and filters, idempotency records, snapshots and their pruning, webhook deliveries, and
// everything survives closing and reopening. Then what each store promises of its own durability
// settings, and a differential run: the same writes give the same answers from both stores.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { SequencedEntry, StoredEvent } from '../../src/service/live/entries.js';
import { PostgresStore, maskPassword } from '../../src/service/ledger/postgres-store.js';
import { SqliteStore } from '../../src/service/ledger/sqlite-store.js';
import type { DeliveryRecord, IdempotencyRecord, LedgerStore } from '../../src/service/ledger/store.js';
import { Rng } from '../support/engine-arbitraries.js';
import { postgresAvailable, startPostgres, type PostgresCluster } from '../support/postgres-cluster.js';

/** A store just opened on an empty ledger, a way to open it again at the same place, and its removal. */
interface Opened {
  readonly store: LedgerStore;
  reopen(): Promise<LedgerStore>;
  cleanup(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Data: every entry type, text that is hard to carry (astral planes, combining marks, RTL, line
// and paragraph separators, quotes, backslashes, control characters, a lone surrogate), and
// bodies of a megabyte.

const HARD_TEXT = 'Zürich — 東京 — 𝄞🚀👩‍👩‍👧 — עברית — e\u0301 — \u2028\u2029 — "quoted" \\back\\slash\\ — \t\r\n — \u001f';
/** JSON bodies also carry NUL and a lone surrogate: JSON.stringify escapes both. */
const JSON_TEXT = `${HARD_TEXT} — \u0000 — \ud800`;
const LARGE_TEXT = `${'Δx'.repeat(250_000)}${HARD_TEXT}${'y'.repeat(500_000)}`;
const T0 = 1_767_225_600_000; // 2026-01-01T00:00:00Z, in ms

const at = (seconds: number): string => new Date(T0 + seconds * 1000).toISOString();
const key = (seq: number) => ({ id: `key-${seq}`, hash: `${seq}`.padStart(64, 'f') });

function accountEntry(seq: number, account: string): SequencedEntry {
  return {
    seq, type: 'account', account,
    body: { snapshot: { balance: '1000.00', name: HARD_TEXT, nested: [1, 2.5, null, true, { deep: ['x'] }] }, market: { fund: '5' }, key: key(seq) },
  };
}
function commandsEntry(seq: number, account: string, memo = JSON_TEXT): SequencedEntry {
  return { seq, type: 'commands', account, body: { commands: [{ type: 'deposit', time: at(seq), amount: '12.34', memo }] } };
}
function ticksEntry(seq: number): SequencedEntry {
  return { seq, type: 'ticks', body: { ticks: [{ venue: 'binance', time: at(seq), prices: { 'BTC-USDT': '65000.5', 'ETH-USDT': '3000' } }] } };
}
function deadlineEntry(seq: number, account: string): SequencedEntry {
  return { seq, type: 'deadline', account, body: { time: at(seq) } };
}
function keyEntry(seq: number): SequencedEntry {
  return { seq, type: 'key', body: { ...key(seq), scopes: ['prices:write', 'accounts:read'], name: HARD_TEXT, createdAt: at(seq) } };
}
function webhookEntry(seq: number): SequencedEntry {
  return { seq, type: 'webhook', body: { id: `wh-${seq}`, url: 'https://example.com/hook?a=1&b=2', secret: 's', createdAt: at(seq), types: ['stop-out'] } };
}
/** One entry of each of the nine types, seq first..first+8. */
function everyType(first: number): SequencedEntry[] {
  return [
    accountEntry(first, 'acct-α'),
    commandsEntry(first + 1, 'acct-α'),
    ticksEntry(first + 2),
    deadlineEntry(first + 3, 'acct-α'),
    keyEntry(first + 4),
    { seq: first + 5, type: 'key-revoked', body: { id: `key-${first + 4}` } },
    webhookEntry(first + 6),
    { seq: first + 7, type: 'webhook-deleted', body: { id: `wh-${first + 6}` } },
    { seq: first + 8, type: 'admin-key', body: { hash: 'a'.repeat(64) } },
  ];
}
function entryOf(seq: number, type: 'account' | 'commands' | 'ticks' | 'deadline' | 'key', account: string): SequencedEntry {
  switch (type) {
    case 'account': return accountEntry(seq, account);
    case 'commands': return commandsEntry(seq, account);
    case 'ticks': return ticksEntry(seq);
    case 'deadline': return deadlineEntry(seq, account);
    case 'key': return keyEntry(seq);
  }
}
function event(id: number, seq: number, account: string, type: string, extra: Record<string, unknown> = {}): StoredEvent {
  return { id, seq, account, type, json: { id, account, type, time: at(seq), ...extra } };
}
function idempotency(principal: string, idempotencyKey: string, createdMs: number, body = `{"ok":true,"text":${JSON.stringify(HARD_TEXT)}}`): IdempotencyRecord {
  return { principal, key: idempotencyKey, requestHash: 'b'.repeat(64), status: 201, body, createdMs };
}
function delivery(webhook: string, eventId: number, attempt: number, status: DeliveryRecord['status'], timeMs: number): DeliveryRecord {
  return {
    webhook, event: eventId, account: 'acct-α', attempt, status,
    responseCode: status === 'delivered' ? 200 : status === 'failed' ? 503 : null,
    timeMs, nextRetryMs: status === 'failed' ? timeMs + 1000 * attempt : null, error: status === 'delivered' ? null : `attempt ${attempt}: ${HARD_TEXT}`,
  };
}
const seqs = (entries: readonly { seq: number }[]): number[] => entries.map((entry) => entry.seq);
const ids = (items: readonly { id: number }[]): number[] => items.map((item) => item.id);
const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, index) => from + index);

/** Equal as values, and each body as JSON text: its key order and every character survived too. */
function assertEntries(actual: readonly SequencedEntry[], expected: readonly SequencedEntry[]): void {
  assert.deepStrictEqual(actual, expected);
  assert.deepStrictEqual(actual.map((entry) => JSON.stringify(entry.body)), expected.map((entry) => JSON.stringify(entry.body)));
}
function assertEvents(actual: readonly StoredEvent[], expected: readonly StoredEvent[]): void {
  assert.deepStrictEqual(actual, expected);
  assert.deepStrictEqual(actual.map((item) => JSON.stringify(item.json)), expected.map((item) => JSON.stringify(item.json)));
}

// ---------------------------------------------------------------------------------------------
// The contract.

function contract(name: string, open: () => Promise<Opened>): void {
  const withStore = (title: string, body: (store: LedgerStore, opened: Opened) => Promise<void>): void => {
    test(title, async () => {
      const opened = await open();
      try {
        await body(opened.store, opened);
      } finally {
        await opened.cleanup();
      }
    });
  };

  describe(name, () => {
    withStore('is empty when new', async (store) => {
      assert.equal(store.kind, name === 'SqliteStore' ? 'sqlite' : 'postgres');
      await store.commit({ entries: [], events: [], idempotency: [] });
      assert.equal(await store.lastSeq(), 0);
      assert.equal(await store.lastEventId(), 0);
      assert.deepStrictEqual(await store.readEntries(0, 100), []);
      assert.deepStrictEqual(await store.readAccountEntries('acct-α', 0, 100), []);
      assert.deepStrictEqual(await store.readEvents({ after: 0, limit: 100 }), []);
      assert.equal(await store.findIdempotency('p', 'k'), undefined);
      assert.equal(await store.pruneIdempotency(Number.MAX_SAFE_INTEGER), 0);
      assert.equal(await store.latestSnapshot(), null);
      assert.deepStrictEqual(await store.listDeliveries('w', 0, 100), []);
      assert.equal((await store.latestDeliveries('w', 0)).size, 0);
    });

    withStore('commits entries, events and idempotency records in one batch and reads them back byte for byte', async (store) => {
      const entries = [...everyType(1), commandsEntry(10, 'acct-β', LARGE_TEXT)];
      const events = [
        event(1, 2, 'acct-α', 'deposit', { amount: '12.34', note: JSON_TEXT }),
        event(2, 10, 'acct-β', 'margin-call', { text: LARGE_TEXT, levels: [{ price: '1.5' }, null] }),
      ];
      const records = [idempotency('principal-1', 'key-1', T0), idempotency('principal-1', 'key-2', T0 + 1, LARGE_TEXT)];
      await store.commit({ entries, events, idempotency: records });
      const read = await store.readEntries(0, 100);
      assertEntries(read, entries);
      for (const entry of read) assert.equal(typeof entry.seq, 'number');
      assertEvents(await store.readEvents({ after: 0, limit: 100 }), events);
      assert.deepStrictEqual(await store.findIdempotency('principal-1', 'key-1'), records[0]);
      assert.deepStrictEqual(await store.findIdempotency('principal-1', 'key-2'), records[1]);
      assert.equal(await store.lastSeq(), 10);
      assert.equal(await store.lastEventId(), 2);
    });

    withStore('keeps positions and times beyond 32 bits as exact numbers', async (store) => {
      const big = 2 ** 40 + 3;
      await store.commit({ entries: [ticksEntry(big)], events: [event(2 ** 41 + 5, big, 'acct-α', 'tick')], idempotency: [idempotency('p', 'k', 4_102_444_800_123)] });
      assert.equal(await store.lastSeq(), big);
      assert.equal(await store.lastEventId(), 2 ** 41 + 5);
      assert.deepStrictEqual(seqs(await store.readEntries(big - 1, 10)), [big]);
      assert.deepStrictEqual(ids(await store.readEvents({ after: 2 ** 41, limit: 10 })), [2 ** 41 + 5]);
      assert.equal((await store.findIdempotency('p', 'k'))?.createdMs, 4_102_444_800_123);
    });

    withStore('rejects a batch as a whole: none of a failed batch is visible, and the store goes on', async (store) => {
      const first = { entries: [ticksEntry(1), commandsEntry(2, 'acct-α')], events: [event(1, 2, 'acct-α', 'deposit')], idempotency: [idempotency('p', 'k', T0)] };
      await store.commit(first);
      // The idempotency record is written last: its primary key clashes after entries and events went in.
      await assert.rejects(store.commit({
        entries: [commandsEntry(3, 'acct-α'), ticksEntry(4)], events: [event(2, 3, 'acct-α', 'deposit')],
        idempotency: [idempotency('p', 'other', T0), idempotency('p', 'k', T0 + 5)],
      }));
      // A clash among the entries themselves.
      await assert.rejects(store.commit({ entries: [ticksEntry(5), ticksEntry(2)], events: [event(3, 5, 'acct-α', 'tick')], idempotency: [] }));
      assertEntries(await store.readEntries(0, 100), first.entries);
      assertEvents(await store.readEvents({ after: 0, limit: 100 }), first.events);
      assert.equal(await store.findIdempotency('p', 'other'), undefined);
      assert.deepStrictEqual(await store.findIdempotency('p', 'k'), first.idempotency[0]);
      assert.equal(await store.lastSeq(), 2);
      assert.equal(await store.lastEventId(), 1);
      await store.commit({ entries: [ticksEntry(3)], events: [event(2, 3, 'acct-α', 'tick')], idempotency: [idempotency('p', 'other', T0)] });
      assert.deepStrictEqual(seqs(await store.readEntries(0, 100)), [1, 2, 3]);
      assert.equal(await store.lastEventId(), 2);
    });

    withStore('reads entries in seq order, paged by after and limit', async (store) => {
      await store.commit({ entries: [3, 1, 2].map(ticksEntry), events: [], idempotency: [] });
      await store.commit({ entries: [6, 4, 5].map((seq) => commandsEntry(seq, 'acct-α')), events: [], idempotency: [] });
      await store.commit({ entries: range(7, 10).map(keyEntry), events: [], idempotency: [] });
      assert.deepStrictEqual(seqs(await store.readEntries(0, 100)), range(1, 10));
      const pages: number[][] = [];
      for (let after = 0; ;) {
        const page = await store.readEntries(after, 3);
        if (page.length === 0) break;
        pages.push(seqs(page));
        after = page[page.length - 1]?.seq ?? after;
      }
      assert.deepStrictEqual(pages, [[1, 2, 3], [4, 5, 6], [7, 8, 9], [10]]);
      assert.deepStrictEqual(seqs(await store.readEntries(4, 2)), [5, 6]);
      assert.deepStrictEqual(await store.readEntries(10, 5), []);
      assert.deepStrictEqual(await store.readEntries(0, 0), []);
      assert.equal(await store.lastSeq(), 10);
    });

    withStore('reads events in id order, paged, filtered by account, by type, and by both', async (store) => {
      const events = [
        event(1, 1, 'a', 'margin-call'), event(2, 1, 'b', 'margin-call'), event(3, 2, 'a', 'stop-out'), event(4, 2, 'b', 'deficit'),
        event(5, 3, 'a', 'margin-call'), event(6, 3, 'a', 'deficit'), event(7, 4, 'b', 'stop-out'), event(8, 4, 'a', 'margin-call'),
      ];
      await store.commit({ entries: range(1, 4).map(ticksEntry), events: [...events.slice(4), ...events.slice(0, 4)], idempotency: [] });
      assertEvents(await store.readEvents({ after: 0, limit: 100 }), events);
      assert.deepStrictEqual(ids(await store.readEvents({ after: 2, limit: 3 })), [3, 4, 5]);
      assert.deepStrictEqual(ids(await store.readEvents({ after: 0, limit: 100, account: 'a' })), [1, 3, 5, 6, 8]);
      assert.deepStrictEqual(ids(await store.readEvents({ after: 3, limit: 2, account: 'a' })), [5, 6]);
      assert.deepStrictEqual(ids(await store.readEvents({ after: 0, limit: 100, type: 'margin-call' })), [1, 2, 5, 8]);
      assert.deepStrictEqual(ids(await store.readEvents({ after: 0, limit: 100, account: 'b', type: 'stop-out' })), [7]);
      assert.deepStrictEqual(await store.readEvents({ after: 0, limit: 100, account: 'c' }), []);
      assert.deepStrictEqual(await store.readEvents({ after: 0, limit: 100, type: 'Margin-Call' }), []);
      assert.deepStrictEqual(await store.readEvents({ after: 8, limit: 100 }), []);
      assert.equal(await store.lastEventId(), 8);
    });

    withStore("reads an account's entries with every ticks entry, and nothing of other accounts", async (store) => {
      const entries = [
        accountEntry(1, 'a'), accountEntry(2, 'b'), ticksEntry(3), commandsEntry(4, 'a'), commandsEntry(5, 'b'),
        keyEntry(6), ticksEntry(7), deadlineEntry(8, 'a'), webhookEntry(9), deadlineEntry(10, 'b'),
      ];
      await store.commit({ entries, events: [], idempotency: [] });
      const a = await store.readAccountEntries('a', 0, 100);
      assertEntries(a, [0, 2, 3, 6, 7].map((index) => entries[index] as SequencedEntry));
      assert.deepStrictEqual(seqs(await store.readAccountEntries('b', 0, 100)), [2, 3, 5, 7, 10]);
      assert.deepStrictEqual(seqs(await store.readAccountEntries('nobody', 0, 100)), [3, 7]);
      assert.deepStrictEqual(seqs(await store.readAccountEntries('a', 3, 2)), [4, 7]);
      assert.deepStrictEqual(seqs(await store.readAccountEntries('a', 7, 100)), [8]);
      assert.deepStrictEqual(await store.readAccountEntries('a', 8, 100), []);
    });

    withStore('finds idempotency records by principal and key, and prunes them by age', async (store) => {
      const records = [
        idempotency('alice', 'k1', T0 + 1000), idempotency('bob', 'k1', T0 + 2000, '{"bob":1}'), idempotency('alice', 'k2', T0 + 3000),
      ];
      await store.commit({ entries: [], events: [], idempotency: records });
      assert.deepStrictEqual(await store.findIdempotency('alice', 'k1'), records[0]);
      assert.deepStrictEqual(await store.findIdempotency('bob', 'k1'), records[1]);
      assert.equal(await store.findIdempotency('alice', 'k3'), undefined);
      assert.equal(await store.findIdempotency('carol', 'k1'), undefined);
      assert.equal(await store.findIdempotency('bob', 'k2'), undefined);
      // Strictly before: the record made at T0 + 2000 stays.
      assert.equal(await store.pruneIdempotency(T0 + 2000), 1);
      assert.equal(await store.findIdempotency('alice', 'k1'), undefined);
      assert.deepStrictEqual(await store.findIdempotency('bob', 'k1'), records[1]);
      assert.equal(await store.pruneIdempotency(T0 + 2000), 0);
      assert.equal(await store.pruneIdempotency(T0 + 10_000), 2);
      assert.equal(await store.findIdempotency('alice', 'k2'), undefined);
      // A pruned key can be used again.
      await store.commit({ entries: [], events: [], idempotency: [records[0] as IdempotencyRecord] });
      assert.deepStrictEqual(await store.findIdempotency('alice', 'k1'), records[0]);
    });

    withStore('writes snapshots in chunks, reads only complete ones, and keeps the latest `keep`', async (store) => {
      const first = await store.beginSnapshot(100, T0);
      await store.writeSnapshotChunk(first, 0, LARGE_TEXT);
      await store.writeSnapshotChunk(first, 1, HARD_TEXT);
      assert.equal(await store.latestSnapshot(), null, 'an incomplete snapshot is never the latest');
      await store.completeSnapshot(first, 2, 'hash-1', 2);
      assert.deepStrictEqual(await store.latestSnapshot(), { id: first, seq: 100, createdMs: T0, hash: 'hash-1', chunks: 2 });
      assert.equal(await store.readSnapshotChunk(first, 0), LARGE_TEXT);
      assert.equal(await store.readSnapshotChunk(first, 1), HARD_TEXT);
      await assert.rejects(store.readSnapshotChunk(first, 2), /has no chunk/);
      await assert.rejects(store.readSnapshotChunk(first + 1000, 0), /has no chunk/);

      const second = await store.beginSnapshot(200, T0 + 1);
      assert.ok(second > first);
      await store.writeSnapshotChunk(second, 0, 'second');
      assert.equal((await store.latestSnapshot())?.id, first, 'the started one is not read yet');
      await store.completeSnapshot(second, 1, 'hash-2', 2);
      assert.deepStrictEqual(await store.latestSnapshot(), { id: second, seq: 200, createdMs: T0 + 1, hash: 'hash-2', chunks: 1 });
      assert.equal(await store.readSnapshotChunk(first, 1), HARD_TEXT, 'keep=2 keeps the one before');

      const abandoned = await store.beginSnapshot(250, T0 + 2);
      await store.writeSnapshotChunk(abandoned, 0, 'abandoned');
      const third = await store.beginSnapshot(300, T0 + 3);
      await store.writeSnapshotChunk(third, 0, 'third-0');
      await store.writeSnapshotChunk(third, 1, 'third-1');
      await store.completeSnapshot(third, 2, 'hash-3', 1);
      assert.deepStrictEqual(await store.latestSnapshot(), { id: third, seq: 300, createdMs: T0 + 3, hash: 'hash-3', chunks: 2 });
      assert.equal(await store.readSnapshotChunk(third, 1), 'third-1');
      for (const [dropped, chunk] of [[first, 0], [first, 1], [second, 0], [abandoned, 0]] as const) {
        await assert.rejects(store.readSnapshotChunk(dropped, chunk), /has no chunk/, `snapshot ${dropped} chunk ${chunk} is dropped`);
      }
      const fourth = await store.beginSnapshot(400, T0 + 4);
      assert.ok(fourth > third);
    });

    withStore('records webhook deliveries, lists them by id, and gives the latest attempt per event', async (store) => {
      const attempts = [
        delivery('w1', 1, 1, 'delivered', T0),
        delivery('w1', 2, 1, 'failed', T0 + 10),
        delivery('w2', 2, 1, 'delivered', T0 + 11),
        delivery('w1', 3, 1, 'failed', T0 + 12),
        delivery('w1', 2, 2, 'failed', T0 + 20),
        delivery('w1', 3, 2, 'dead', T0 + 21),
        delivery('w1', 2, 3, 'delivered', T0 + 40),
        delivery('w2', 4, 1, 'failed', T0 + 41),
      ];
      for (const attempt of attempts) await store.recordDelivery(attempt);
      const w1 = await store.listDeliveries('w1', 0, 100);
      assert.deepStrictEqual(w1.map(({ id: _id, ...record }) => record), attempts.filter((attempt) => attempt.webhook === 'w1'));
      for (let index = 1; index < w1.length; index += 1) assert.ok((w1[index]?.id ?? 0) > (w1[index - 1]?.id ?? 0));
      const firstTwo = await store.listDeliveries('w1', 0, 2);
      assert.deepStrictEqual(firstTwo, w1.slice(0, 2));
      assert.deepStrictEqual(await store.listDeliveries('w1', firstTwo[1]?.id ?? 0, 2), w1.slice(2, 4));
      assert.deepStrictEqual(await store.listDeliveries('w1', w1[w1.length - 1]?.id ?? 0, 2), []);
      assert.deepStrictEqual((await store.listDeliveries('w2', 0, 100)).map((record) => record.event), [2, 4]);
      assert.deepStrictEqual(await store.listDeliveries('w3', 0, 100), []);

      const latest = await store.latestDeliveries('w1', 1);
      assert.deepStrictEqual([...latest.keys()], [2, 3]);
      assert.deepStrictEqual(latest.get(2), w1[5]);
      assert.equal(latest.get(2)?.attempt, 3);
      assert.equal(latest.get(2)?.status, 'delivered');
      assert.deepStrictEqual(latest.get(3), w1[4]);
      assert.equal(latest.get(3)?.status, 'dead');
      assert.deepStrictEqual([...(await store.latestDeliveries('w1', 0)).keys()], [1, 2, 3]);
      assert.deepStrictEqual([...(await store.latestDeliveries('w1', 3)).keys()], []);
      assert.deepStrictEqual([...(await store.latestDeliveries('w2', 0)).values()].map((record) => record.status), ['delivered', 'failed']);
    });

    withStore('commits a batch of thousands of rows', async (store) => {
      const entries = range(1, 5000).map((seq) => (seq % 3 === 0 ? ticksEntry(seq) : commandsEntry(seq, `acct-${seq % 7}`)));
      const events = range(1, 5000).map((id) => event(id, id, `acct-${id % 7}`, id % 2 === 0 ? 'margin-call' : 'deposit'));
      const records = range(1, 1000).map((index) => idempotency(`p${index % 3}`, `k${index}`, T0 + index));
      await store.commit({ entries, events, idempotency: records });
      assert.equal(await store.lastSeq(), 5000);
      assert.equal(await store.lastEventId(), 5000);
      assertEntries(await store.readEntries(4990, 100), entries.slice(4990));
      assert.equal((await store.readEntries(0, 10_000)).length, 5000);
      assert.equal((await store.readEvents({ after: 0, limit: 10_000, account: 'acct-3' })).length, events.filter((item) => item.account === 'acct-3').length);
      assert.deepStrictEqual(await store.findIdempotency('p1', 'k1000'), records[999]);
    });

    withStore('keeps everything across closing and reopening', async (store, opened) => {
      const entries = everyType(1);
      const events = [event(1, 2, 'acct-α', 'deposit', { note: JSON_TEXT }), event(2, 4, 'acct-α', 'deadline')];
      const record = idempotency('p', 'k', T0);
      await store.commit({ entries, events, idempotency: [record] });
      const snapshot = await store.beginSnapshot(9, T0);
      await store.writeSnapshotChunk(snapshot, 0, LARGE_TEXT);
      await store.completeSnapshot(snapshot, 1, 'hash', 3);
      const pending = await store.beginSnapshot(9, T0 + 1);
      await store.writeSnapshotChunk(pending, 0, 'never completed');
      await store.recordDelivery(delivery('w', 1, 1, 'failed', T0));
      await store.close();

      const again = await opened.reopen();
      assertEntries(await again.readEntries(0, 100), entries);
      assertEvents(await again.readEvents({ after: 0, limit: 100 }), events);
      assert.deepStrictEqual(await again.findIdempotency('p', 'k'), record);
      assert.equal(await again.lastSeq(), 9);
      assert.equal(await again.lastEventId(), 2);
      assert.deepStrictEqual(await again.latestSnapshot(), { id: snapshot, seq: 9, createdMs: T0, hash: 'hash', chunks: 1 });
      assert.equal(await again.readSnapshotChunk(snapshot, 0), LARGE_TEXT);
      assert.deepStrictEqual((await again.listDeliveries('w', 0, 10)).map(({ id: _id, ...rest }) => rest), [delivery('w', 1, 1, 'failed', T0)]);
      // And it goes on from there.
      await again.commit({ entries: [ticksEntry(10)], events: [event(3, 10, 'acct-α', 'tick')], idempotency: [] });
      await again.recordDelivery(delivery('w', 1, 2, 'delivered', T0 + 5));
      assert.equal(await again.lastSeq(), 10);
      assert.equal((await again.latestDeliveries('w', 0)).get(1)?.attempt, 2);
      assert.ok(await again.beginSnapshot(10, T0 + 2) > pending);
    });
  });
}

// ---------------------------------------------------------------------------------------------
// A deterministic workload, run against two stores: the same answers from both.

async function transcript(store: LedgerStore, seed: number): Promise<unknown[]> {
  const rng = new Rng(seed);
  const out: unknown[] = [];
  const note = async (label: string, read: () => Promise<unknown>): Promise<void> => {
    try {
      const value = await read();
      out.push([label, value instanceof Map ? [...value.entries()] : value ?? 'undefined']);
    } catch (error) {
      out.push([label, 'rejected', (error as Error).message]);
    }
  };
  const accounts = ['a', 'b', 'c', 'd'];
  const types = ['account', 'commands', 'ticks', 'deadline', 'key'] as const;
  let seq = 0;
  let eventId = 0;
  const keys: [string, string][] = [];
  for (let batch = 0; batch < 30; batch += 1) {
    const entries = range(1, rng.int(0, 12)).map(() => entryOf(seq += rng.int(1, 3), rng.pick(types), rng.pick(accounts)));
    const events = seq === 0 ? [] : range(1, rng.int(0, 5)).map(() => event(eventId += 1, rng.int(1, seq), rng.pick(accounts), rng.pick(['margin-call', 'stop-out', 'deficit'])));
    const records = range(1, rng.int(0, 2)).map((index) => idempotency(rng.pick(['p1', 'p2']), `k${batch}-${index}`, T0 + batch * 1000 + index));
    keys.push(...records.map((record): [string, string] => [record.principal, record.key]));
    await store.commit({ entries, events, idempotency: records });
  }
  for (let index = 0; index < 40; index += 1) {
    await store.recordDelivery(delivery(rng.pick(['w1', 'w2']), rng.int(1, eventId), rng.int(1, 4), rng.pick(['delivered', 'failed', 'dead'] as const), T0 + index));
  }
  for (let round = 0; round < 5; round += 1) {
    const snapshot = await store.beginSnapshot(rng.int(0, seq), T0 + round);
    const chunks = rng.int(1, 3);
    for (let chunk = 0; chunk < chunks; chunk += 1) await store.writeSnapshotChunk(snapshot, chunk, `${round}:${chunk}:${HARD_TEXT}`);
    if (rng.chance(0.7)) await store.completeSnapshot(snapshot, chunks, `hash-${round}`, rng.int(1, 3));
    for (let id = 1; id <= snapshot; id += 1) for (let chunk = 0; chunk < 4; chunk += 1) await note(`chunk ${id}/${chunk}`, () => store.readSnapshotChunk(id, chunk));
    await note('latest snapshot', () => store.latestSnapshot());
  }
  await note('last seq', () => store.lastSeq());
  await note('last event', () => store.lastEventId());
  for (const limit of [0, 1, 7, 1000, -1]) {
    for (const after of [0, 1, Math.floor(seq / 2), Math.floor(seq / 2) + 0.5, seq]) {
      await note(`entries ${after}/${limit}`, () => store.readEntries(after, limit));
      for (const account of [...accounts, 'z']) await note(`account ${account} ${after}/${limit}`, () => store.readAccountEntries(account, after, limit));
    }
    for (const after of [0, 3, 3.5, eventId]) {
      for (const account of [undefined, 'a', 'z']) {
        for (const type of [undefined, 'stop-out']) {
          await note(`events ${after}/${limit}/${account}/${type}`, () => store.readEvents({
            after, limit, ...(account === undefined ? {} : { account }), ...(type === undefined ? {} : { type }),
          }));
        }
      }
      for (const webhook of ['w1', 'w2', 'w3']) await note(`deliveries ${webhook} ${after}/${limit}`, () => store.listDeliveries(webhook, after, limit));
    }
  }
  for (const webhook of ['w1', 'w2']) for (const after of [0, 2, 2.5, eventId]) await note(`latest ${webhook} ${after}`, () => store.latestDeliveries(webhook, after));
  for (const [principal, idempotencyKey] of [...keys, ['p3', 'k0-1'] as [string, string]]) {
    await note(`idempotency ${principal} ${idempotencyKey}`, () => store.findIdempotency(principal, idempotencyKey));
  }
  await note('prune', () => store.pruneIdempotency(T0 + 15_000.5));
  for (const [principal, idempotencyKey] of keys) await note(`after prune ${principal} ${idempotencyKey}`, () => store.findIdempotency(principal, idempotencyKey));
  return out;
}

// ---------------------------------------------------------------------------------------------
// The stores.

function temporaryFolder(): string {
  return mkdtempSync(join(tmpdir(), 'stopout-ledger-'));
}

function openSqlite(): Promise<Opened> {
  const folder = temporaryFolder();
  const stores: LedgerStore[] = [new SqliteStore(folder)];
  return Promise.resolve({
    store: stores[0] as LedgerStore,
    reopen: () => { const store = new SqliteStore(folder); stores.push(store); return Promise.resolve(store); },
    cleanup: async () => {
      for (const store of stores) await store.close();
      rmSync(folder, { recursive: true, force: true });
    },
  });
}

contract('SqliteStore', openSqlite);

describe('SqliteStore durability settings', () => {
  test('the ledger file is in WAL mode and the store connection runs synchronous=FULL', async () => {
    const folder = temporaryFolder();
    const store = new SqliteStore(folder);
    try {
      await store.commit({ entries: [ticksEntry(1)], events: [], idempotency: [] });
      const reader = new Database(store.location, { readonly: true, fileMustExist: true });
      try {
        assert.equal(reader.pragma('journal_mode', { simple: true }), 'wal');
      } finally {
        reader.close();
      }
      // synchronous is per connection, and SqliteStore keeps its connection private: the test reads
      // the private field rather than widen the store's interface (the constructor checks it too).
      const connection = (store as unknown as { db: unknown }).db;
      assert.ok(connection instanceof Database, 'SqliteStore keeps its connection in `db`');
      assert.equal(connection.pragma('synchronous', { simple: true }), 2, 'synchronous=FULL');
    } finally {
      await store.close();
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

const unavailable = postgresAvailable();
describe('PostgreSQL', { skip: unavailable ?? false, timeout: 120_000 }, () => {
  let cluster: PostgresCluster | undefined;
  let ledgers = 0;
  const started = (): PostgresCluster => {
    if (!cluster) throw new Error('the cluster did not start');
    return cluster;
  };
  /** A fresh, empty ledger: a schema of its own (search_path in the connection string). */
  const freshLedger = (): Promise<string> => started().createSchema(`ledger_${ledgers += 1}`);
  before(async () => { cluster = await startPostgres(); });
  after(async () => { await cluster?.stop(); });

  contract('PostgresStore', async () => {
    const url = await freshLedger();
    const stores: LedgerStore[] = [await PostgresStore.open(url)];
    return {
      store: stores[0] as LedgerStore,
      reopen: async () => { const store = await PostgresStore.open(url); stores.push(store); return store; },
      cleanup: async () => { for (const store of stores) await store.close(); },
    };
  });

  test('every pooled connection runs synchronous_commit=on, even where the database default is off', async () => {
    const url = await started().createDatabase('asynchronous');
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      await admin.query('ALTER DATABASE asynchronous SET synchronous_commit = off');
    } finally {
      await admin.end();
    }
    const plain = new pg.Client({ connectionString: url });
    await plain.connect();
    try {
      assert.equal((await plain.query<{ synchronous_commit: string }>('SHOW synchronous_commit')).rows[0]?.synchronous_commit, 'off');
    } finally {
      await plain.end();
    }
    const store = await PostgresStore.open(url);
    try {
      // As many at once as the pool has connections, so that each is asked.
      assert.deepStrictEqual(await Promise.all(range(1, 6).map(() => store.synchronousCommit())), range(1, 6).map(() => 'on'));
      await store.commit({ entries: [ticksEntry(1)], events: [], idempotency: [] });
      assert.equal(await store.synchronousCommit(), 'on');
    } finally {
      await store.close();
    }
  });

  test('never shows the password: not in `location`, not in an error', async () => {
    const url = (await freshLedger()).replace('postgres@', 'postgres:s3cret-pw@');
    const store = await PostgresStore.open(url);
    try {
      assert.equal(store.kind, 'postgres');
      assert.ok(!store.location.includes('s3cret-pw'), store.location);
      assert.match(store.location, /^postgresql:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/stopout\?options=/);
    } finally {
      await store.close();
    }
    // Nothing listens on port 1: the connection is refused at once.
    await assert.rejects(PostgresStore.open('postgresql://postgres:s3cret-pw@127.0.0.1:1/none'), (error: Error) => {
      assert.ok(!error.message.includes('s3cret-pw'), error.message);
      assert.match(error.message, /postgres:\*\*\*@127\.0\.0\.1:1\/none/);
      return true;
    });
    assert.equal(maskPassword('postgres://u@h/db?password=abc&sslmode=require'), 'postgres://u@h/db?password=***&sslmode=require');
    assert.equal(maskPassword('postgres://u@h/db'), 'postgres://u@h/db');
    assert.ok(!maskPassword('/var/run/postgresql password=abc dbname=x').includes('abc'));
  });

  test('answers exactly as SqliteStore does for the same writes', async () => {
    for (const seed of [1, 2, 3]) {
      const sqlite = await openSqlite();
      const postgres = await PostgresStore.open(await freshLedger());
      try {
        const expected = await transcript(sqlite.store, seed);
        const actual = await transcript(postgres, seed);
        assert.equal(actual.length, expected.length);
        for (let index = 0; index < expected.length; index += 1) assert.deepStrictEqual(actual[index], expected[index], `seed ${seed}`);
      } finally {
        await postgres.close();
        await sqlite.cleanup();
      }
    }
  });
});
