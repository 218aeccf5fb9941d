// Server-Sent Events resume across restarts of the service (issue 9): a client reads
// GET /v1/events/stream while ticks make events; the service is killed (SIGKILL) and stopped
// (SIGTERM) and started again; the client reconnects with Last-Event-ID each time. In the end it
// has every event of GET /v1/events exactly once, in order. An account key's stream carries its own
// account's events only.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { test } from 'node:test';
import { Client, freePort, spawnService, temporaryFolder, type Spawned } from '../support/service-harness.js';

interface Received { id: number; type: string; account: string }

/** Reads a stream until aborted or closed; returns the last id seen. */
async function readStream(url: string, key: string, after: number | undefined, into: Received[], signal: AbortSignal): Promise<void> {
  const response = await fetch(`${url}/v1/events/stream`, {
    headers: { authorization: `Bearer ${key}`, ...(after !== undefined ? { 'last-event-id': String(after) } : {}) },
    signal,
  });
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const fields = new Map<string, string>();
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        fields.set(line.slice(0, colon), line.slice(colon + 1).trimStart());
      }
      if (!fields.has('id')) continue;
      const data = JSON.parse(fields.get('data') ?? '{}') as { id: number; type: string; account: string };
      assert.equal(String(data.id), fields.get('id'));
      assert.equal(data.type, fields.get('event'));
      into.push({ id: data.id, type: data.type, account: data.account });
    }
  }
}


const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

test('the event stream resumes after restarts (kill -9 and SIGTERM) from Last-Event-ID: nothing missed, nothing repeated', { timeout: 180_000 }, async () => {
  const data = temporaryFolder('stopout-sse-');
  const port = await freePort();
  let service: Spawned = await spawnService(data, ['--port', String(port), '--heartbeat-ms', '200']);
  try {
    const admin = service.admin;
    const keys: Record<string, string> = {};
    for (const [index, leverage] of ['100', '200', '300', '400', '500'].entries()) {
      const created = await admin.post<{ key: string }>('/v1/accounts', {
        id: `fx-${index}`,
        snapshot: { venue: 'mt5-standard', account: { currency: 'USD', balance: '2000' }, positions: [{ id: 'eu', instrument: 'EURUSD', side: 'long', quantity: '150000', entryPrice: '1.1000', leverage }], marks: { EURUSD: '1.1000' } },
      });
      assert.equal(created.status, 201, created.text);
      keys[`fx-${index}`] = created.body.key;
    }
    const received: Received[] = [];
    const own: Received[] = [];
    let controller = new AbortController();
    const follow = (): void => {
      const last = received[received.length - 1]?.id;
      void readStream(service.url, admin.key ?? '', last ?? 0, received, controller.signal).catch(() => undefined);
    };
    follow();
    const ownController = new AbortController();
    void readStream(service.url, keys['fx-0'] ?? '', 0, own, ownController.signal).catch(() => undefined);

    // Prices swing around the margin-call levels: calls issued and cleared, again and again.
    let price = 11_000;
    const swing = async (count: number): Promise<void> => {
      for (let index = 0; index < count; index++) {
        price += index % 6 < 3 ? -9 : 9;
        const answer = await new Client(service.url, admin.key).post('/v1/prices', { prices: { EURUSD: (price / 10_000).toFixed(4) } });
        if (answer.status !== 200) throw new Error(answer.text);
      }
    };
    await swing(60);
    await sleep(200);
    for (const how of ['SIGKILL', 'SIGTERM', 'SIGKILL'] as const) {
      // The client drops off; events go on; the service dies; the client comes back to a new process
      // and must get what it missed from the ledger, then the rest live.
      controller.abort();
      await swing(30);
      service.child.kill(how);
      const code = await service.exited;
      if (how === 'SIGTERM') assert.equal(code, 0, `exit on SIGTERM: ${service.stderr()}`);
      service = await spawnService(data, ['--port', String(port), '--heartbeat-ms', '200']);
      controller = new AbortController();
      follow();
      await swing(60);
      await sleep(200);
    }
    const all = await new Client(service.url, admin.key).all<{ id: number; type: string; account: string }>('/v1/events');
    for (let wait = 0; wait < 100 && received.length < all.length; wait++) await sleep(50);
    controller.abort();
    ownController.abort();
    assert.ok(all.length > 50, `events: ${all.length}`);
    assert.deepEqual(received.map((event) => event.id), all.map((event) => event.id), 'every event once, in order, across restarts');
    assert.deepEqual(received.map((event) => event.type), all.map((event) => event.type));
    // The account key's stream (before the first restart): its own events only, all of them.
    assert.ok(own.length > 0 && own.every((event) => event.account === 'fx-0'));
    const ownBefore = all.filter((event) => event.account === 'fx-0' && event.id <= (own[own.length - 1]?.id ?? 0));
    assert.deepEqual(own.map((event) => event.id), ownBefore.map((event) => event.id));
  } finally {
    service.child.kill('SIGKILL');
    await service.exited;
    rmSync(data, { recursive: true, force: true });
  }
});
