// The webhook dispatcher. Its pure parts: the Standard Webhooks signature (against an HMAC written
// here independently, and against the specification's published test vector), the retry delays
// (doubling, capped, jittered within [0.5, 1] of the cap) and which webhook gets which event. Then
// the dispatcher itself over an in-memory ledger and a real receiver on loopback: a lane that holds
// too many events reads the rest back from the ledger (nothing lost, repeated or reordered); a
// start after a restart resumes from the recorded attempts while new events arrive; stop() ends
// an attempt the receiver never answers.
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import { DEFAULT_OPTIONS, type ServiceContext, type ServiceOptions } from '../context.js';
import type { StoredEvent } from '../live/entries.js';
import type { WebhookRecord } from '../live/live-state.js';
import type { DeliveryRecord, EventQuery, StoredDelivery } from '../ledger/store.js';
import { EventBus } from './event-bus.js';
import {
  CONCURRENT_ACCOUNTS, WebhookDispatcher, retryDelayMs, signingKey, webhookHeaders, webhookMessageId, webhookSignature, webhookWants,
} from './webhooks.js';

test('the signature is v1, then base64 of HMAC-SHA256 over "id.timestamp.body" keyed by the base64 after whsec_', () => {
  const key = Buffer.from('00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff', 'hex');
  const secret = `whsec_${key.toString('base64')}`;
  const body = '{"id":7,"account":"a1","type":"margin-call-issued"}';
  const expected = createHmac('sha256', key).update(`evt_7.1700000000.${body}`).digest('base64');
  assert.equal(webhookSignature(secret, 'evt_7', 1_700_000_000, body), `v1,${expected}`);
  assert.deepEqual(signingKey(secret), key);
  // A different body, id or timestamp signs differently.
  assert.notEqual(webhookSignature(secret, 'evt_7', 1_700_000_000, `${body} `), `v1,${expected}`);
  assert.notEqual(webhookSignature(secret, 'evt_8', 1_700_000_000, body), `v1,${expected}`);
  assert.notEqual(webhookSignature(secret, 'evt_7', 1_700_000_001, body), `v1,${expected}`);
});

test('the Standard Webhooks published test vector', () => {
  // From the specification's reference libraries (svix-webhooks, standard-webhooks): this secret,
  // id, timestamp and body sign to exactly this.
  assert.equal(
    webhookSignature('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}'),
    'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
  );
});

test('the headers: a stable id per event, unix seconds, the signature over exactly the body sent', () => {
  const key = randomBytes(32);
  const secret = `whsec_${key.toString('base64')}`;
  const body = JSON.stringify({ id: 42, account: 'x', type: 'deposited', amount: '10' });
  const first = webhookHeaders(secret, 42, 1_700_000_000_999, body);
  const retry = webhookHeaders(secret, 42, 1_700_000_060_000, body);
  assert.equal(first['content-type'], 'application/json');
  assert.equal(first['webhook-id'], 'evt_42');
  assert.equal(first['webhook-id'], webhookMessageId(42));
  assert.equal(retry['webhook-id'], first['webhook-id']);
  assert.equal(first['webhook-timestamp'], '1700000000');
  assert.equal(retry['webhook-timestamp'], '1700000060');
  const signed = (timestamp: string): string => `v1,${createHmac('sha256', key).update(`evt_42.${timestamp}.${body}`).digest('base64')}`;
  assert.equal(first['webhook-signature'], signed('1700000000'));
  assert.equal(retry['webhook-signature'], signed('1700000060'));
});

test('retry delays: the base doubling per attempt, capped, times a jitter in [0.5, 1]', () => {
  const base = 1_000;
  const max = 60_000;
  // The cap after the n-th failure: 1 s, 2 s, 4 s, ... 32 s, then 60 s from the 7th on.
  const caps = [1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000];
  caps.forEach((cap, index) => {
    const attempt = index + 1;
    assert.equal(retryDelayMs(attempt, base, max, 0), cap / 2, `lowest after attempt ${attempt}`);
    assert.equal(retryDelayMs(attempt, base, max, 0.5), (cap * 3) / 4, `middle after attempt ${attempt}`);
    assert.ok(retryDelayMs(attempt, base, max, 0.999_999) <= cap, `highest after attempt ${attempt}`);
    assert.ok(retryDelayMs(attempt, base, max, 0.999_999) > cap * 0.999, `highest after attempt ${attempt}`);
  });
  // Whole milliseconds, within the bounds, for any unit in [0, 1).
  for (let index = 0; index < 1000; index++) {
    const attempt = 1 + (index % 12);
    const cap = Math.min(max, base * 2 ** (attempt - 1));
    const delay = retryDelayMs(attempt, base, max, Math.random());
    assert.ok(Number.isInteger(delay));
    assert.ok(delay >= cap / 2 && delay <= cap, `${delay} within [${cap / 2}, ${cap}]`);
  }
  // Far past the cap, no overflow to Infinity.
  assert.equal(retryDelayMs(2000, base, max, 1), max);
});

test('which webhook gets which event: live, made after it, of its types and account', () => {
  const event = { id: 10, type: 'margin-call-issued', account: 'a1' };
  const hook = { deleted: false, afterEvent: 9 };
  assert.equal(webhookWants(hook, event), true);
  assert.equal(webhookWants({ ...hook, afterEvent: 10 }, event), false, 'an event made before the webhook');
  assert.equal(webhookWants({ ...hook, afterEvent: 11 }, event), false);
  assert.equal(webhookWants({ ...hook, deleted: true }, event), false, 'a deleted webhook');
  assert.equal(webhookWants({ ...hook, types: ['margin-call-issued', 'position-liquidated'] }, event), true);
  assert.equal(webhookWants({ ...hook, types: ['position-liquidated'] }, event), false, 'another type');
  assert.equal(webhookWants({ ...hook, account: 'a1' }, event), true);
  assert.equal(webhookWants({ ...hook, account: 'a2' }, event), false, 'another account');
  assert.equal(webhookWants({ ...hook, account: 'a1', types: ['margin-call-issued'] }, event), true);
  assert.equal(webhookWants({ ...hook, account: 'a1', types: ['deposited'] }, event), false);
});

// -------------------------------------------------------------------------------------------------
// The dispatcher over an in-memory ledger.

/** The store's webhook-facing part, in memory; `readEvents` may be held up to let the bus run ahead. */
class MemoryStore {
  readonly events: StoredEvent[] = [];
  readonly deliveries: StoredDelivery[] = [];
  reads = 0;
  hold: Promise<void> | null = null;

  async readEvents(query: EventQuery): Promise<StoredEvent[]> {
    this.reads += 1;
    const found = this.events
      .filter((event) => event.id > query.after && (query.account === undefined || event.account === query.account) && (query.type === undefined || event.type === query.type))
      .slice(0, query.limit);
    if (this.hold) await this.hold;
    return found;
  }

  recordDelivery(delivery: DeliveryRecord): Promise<void> {
    this.deliveries.push({ ...delivery, id: this.deliveries.length + 1 });
    return Promise.resolve();
  }

  latestDeliveries(webhook: string, afterEvent: number): Promise<Map<number, StoredDelivery>> {
    const latest = new Map<number, StoredDelivery>();
    for (const delivery of this.deliveries) if (delivery.webhook === webhook && delivery.event > afterEvent) latest.set(delivery.event, delivery);
    return Promise.resolve(latest);
  }
}

interface Harness {
  readonly store: MemoryStore;
  readonly bus: EventBus;
  readonly webhooks: Map<string, WebhookRecord>;
  readonly context: ServiceContext;
  /** Makes `count` events durable (in the store) and publishes them, in batches. */
  publish(accounts: readonly string[], count: number, batch: number): StoredEvent[];
}

function harness(options: Partial<ServiceOptions> = {}): Harness {
  const store = new MemoryStore();
  const bus = new EventBus();
  const webhooks = new Map<string, WebhookRecord>();
  const context = {
    options: { ...DEFAULT_OPTIONS, webhookBaseDelayMs: 5, webhookMaxDelayMs: 20, webhookAttempts: 50, ...options },
    store, bus, live: { webhooks },
  } as unknown as ServiceContext;
  const publish = (accounts: readonly string[], count: number, batch: number): StoredEvent[] => {
    const made: StoredEvent[] = [];
    for (let index = 0; index < count; index++) {
      const id = store.events.length + 1;
      const account = accounts[(id * 7) % accounts.length] as string;
      const type = id % 2 === 0 ? 'deposited' : 'margin-call-issued';
      const event: StoredEvent = { id, seq: id, account, type, json: { id, account, type, note: `event ${id}` } };
      store.events.push(event);
      made.push(event);
    }
    for (let start = 0; start < made.length; start += batch) bus.publish(made.slice(start, start + batch));
    return made;
  };
  return { store, bus, webhooks, context, publish };
}

function webhook(id: string, url: string, extra: Partial<WebhookRecord> = {}): WebhookRecord {
  return { id, url, secret: `whsec_${randomBytes(32).toString('base64')}`, createdAt: '2026-01-01T00:00:00Z', afterEvent: 0, deleted: false, ...extra };
}

interface Hit { readonly path: string; readonly event: number; readonly account: string; readonly status: number }

/** A receiver on loopback: event k fails (k mod `failures`) times (503), then succeeds. */
async function loopback(failures: number): Promise<{ url: string; hits: Hit[]; server: Server }> {
  const hits: Hit[] = [];
  const tries = new Map<string, number>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id: number; account: string };
      const key = `${request.url ?? ''} ${body.id}`;
      const tried = tries.get(key) ?? 0;
      tries.set(key, tried + 1);
      const status = tried < body.id % failures ? 503 : 200;
      hits.push({ path: request.url ?? '', event: body.id, account: body.account, status });
      response.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits, server };
}

const servers: Server[] = [];
after(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function until(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Each expected event succeeded once; per account, requests in id order, a new event only after the last succeeded. */
function checkHits(hits: readonly Hit[], expected: readonly StoredEvent[]): void {
  const wanted = new Set(expected.map((event) => event.id));
  const last = new Map<string, Hit>();
  const successes = new Map<number, number>();
  for (const hit of hits) {
    assert.ok(wanted.has(hit.event), `event ${hit.event} is not for this webhook`);
    const previous = last.get(hit.account);
    if (previous && previous.event !== hit.event) {
      assert.ok(hit.event > previous.event && previous.status === 200, `${hit.account}: event ${hit.event} after ${previous.event} (${previous.status})`);
    }
    if (previous?.event === hit.event) assert.notEqual(previous.status, 200, `event ${hit.event} sent again after its success`);
    last.set(hit.account, hit);
    if (hit.status === 200) successes.set(hit.event, (successes.get(hit.event) ?? 0) + 1);
  }
  for (const id of wanted) assert.equal(successes.get(id), 1, `event ${id} succeeded once`);
}

test('a lane holding too many events reads the rest back from the ledger: nothing lost, repeated or reordered', async () => {
  const { store, webhooks, context, publish } = harness();
  const receiver = await loopback(3);
  webhooks.set('all', webhook('all', `${receiver.url}/all`));
  webhooks.set('b', webhook('b', `${receiver.url}/b`, { account: 'b', types: ['deposited'] }));
  const dispatcher = new WebhookDispatcher(context, { heldEventsMax: 4, pageSize: 3 });
  dispatcher.start();
  const accounts = ['a', 'b', 'c', 'd'];
  publish(accounts, 10, 3);
  await new Promise((resolve) => setTimeout(resolve, 20));
  publish(accounts, 50, 7);
  const all = store.events;
  const forB = all.filter((event) => event.account === 'b' && event.type === 'deposited');
  await until('every event delivered', () =>
    receiver.hits.filter((hit) => hit.status === 200 && hit.path === '/all').length === all.length
    && receiver.hits.filter((hit) => hit.status === 200 && hit.path === '/b').length === forB.length);
  await dispatcher.stop();
  assert.ok(store.reads > 0, 'events were read back from the ledger');
  checkHits(receiver.hits.filter((hit) => hit.path === '/all'), all);
  checkHits(receiver.hits.filter((hit) => hit.path === '/b'), forB);
  // One record per request, the retries with their attempt numbers.
  assert.equal(store.deliveries.length, receiver.hits.length);
  for (const delivery of store.deliveries.filter((each) => each.webhook === 'all')) {
    assert.equal(delivery.status, delivery.attempt === (delivery.event % 3) + 1 ? 'delivered' : 'failed');
  }
});

test('after a restart: delivered and dead events are skipped, failed ones resume at the next attempt, new events follow once each', async () => {
  const { store, webhooks, context, publish } = harness();
  const receiver = await loopback(2);
  webhooks.set('hook', webhook('hook', `${receiver.url}/hook`, { afterEvent: 2 }));
  const accounts = ['a', 'b', 'c'];
  publish(accounts, 20, 20);
  // Before the restart: events 3..8 delivered, 9 dead, 10 and 11 failed twice (one due now, one in 50 ms).
  const now = Date.now();
  const record = (event: number, attempt: number, status: DeliveryRecord['status'], nextRetryMs: number | null): void => {
    const account = (store.events[event - 1] as StoredEvent).account;
    store.deliveries.push({
      id: store.deliveries.length + 1, webhook: 'hook', event, account, attempt, status, responseCode: status === 'delivered' ? 200 : 503,
      timeMs: now - 1000, nextRetryMs, error: null,
    });
  };
  for (let event = 3; event <= 8; event++) record(event, 1, 'delivered', null);
  record(9, 1, 'failed', now - 900);
  record(9, 2, 'dead', null);
  record(10, 2, 'failed', now - 10);
  record(11, 2, 'failed', now + 50);
  // The first ledger read is held up while the bus publishes more.
  let release = (): void => undefined;
  store.hold = new Promise((resolve) => { release = resolve; });
  const dispatcher = new WebhookDispatcher(context, { pageSize: 5 });
  dispatcher.start();
  publish(accounts, 10, 4);
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(receiver.hits.length, 0, 'nothing is sent before the backlog is read');
  store.hold = null;
  release();
  const expected = store.events.filter((event) => event.id >= 10);
  await until('every unfinished event delivered', () => receiver.hits.filter((hit) => hit.status === 200).length === expected.length);
  await dispatcher.stop();
  checkHits(receiver.hits, expected);
  // Events 10 and 11 go on from their third attempt (the receiver fails odd events once more).
  const resumed = (event: number): StoredDelivery[] => store.deliveries.filter((each) => each.event === event && each.timeMs >= now);
  assert.deepEqual(resumed(10).map((each) => [each.attempt, each.status]), [[3, 'delivered']]);
  assert.deepEqual(resumed(11).map((each) => [each.attempt, each.status]), [[3, 'failed'], [4, 'delivered']]);
  assert.ok((resumed(11)[0] as StoredDelivery).timeMs >= now + 40, 'a retry not yet due waits for its time (less a timer\'s early wake)');
});

test('events published while the last page of the backlog is read are sent once, after it', async () => {
  const { store, webhooks, context, publish } = harness();
  const receiver = await loopback(2);
  webhooks.set('hook', webhook('hook', `${receiver.url}/hook`));
  publish(['a', 'b'], 6, 6);
  let release = (): void => undefined;
  store.hold = new Promise((resolve) => { release = resolve; });
  const dispatcher = new WebhookDispatcher(context);
  dispatcher.start();
  await until('the backlog read', () => store.reads > 0);
  // The read has seen events 1..6 (a short page: the whole backlog); 7..12 become durable meanwhile.
  publish(['a', 'b'], 6, 2);
  store.hold = null;
  release();
  await until('every event delivered', () => receiver.hits.filter((hit) => hit.status === 200).length === store.events.length);
  await dispatcher.stop();
  checkHits(receiver.hits, store.events);
});

test('at most CONCURRENT_ACCOUNTS attempts in flight per webhook, one per account', async () => {
  const { store, webhooks, context, publish } = harness();
  let inFlight = 0;
  let most = 0;
  const perAccount = new Map<string, number>();
  const slow: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const { account } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { account: string };
      inFlight += 1;
      most = Math.max(most, inFlight);
      perAccount.set(account, (perAccount.get(account) ?? 0) + 1);
      assert.equal(perAccount.get(account), 1, `one attempt at a time for ${account}`);
      setTimeout(() => {
        inFlight -= 1;
        perAccount.set(account, 0);
        response.writeHead(204).end();
      }, 40);
    });
  });
  await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
  servers.push(slow);
  webhooks.set('hook', webhook('hook', `http://127.0.0.1:${(slow.address() as AddressInfo).port}/`));
  const dispatcher = new WebhookDispatcher(context);
  dispatcher.start();
  const accounts = Array.from({ length: 20 }, (_, index) => `account-${index}`);
  publish(accounts, 60, 60);
  await until('every event delivered', () => store.deliveries.filter((each) => each.status === 'delivered').length === 60);
  await dispatcher.stop();
  assert.ok(most <= CONCURRENT_ACCOUNTS && most >= 4, `at most ${CONCURRENT_ACCOUNTS} at once, and several: ${most}`);
});

test('stop() ends an attempt the receiver never answers, records nothing for it, and sends nothing more', async () => {
  const { store, webhooks, context, publish } = harness();
  const hanging: Server = createServer(() => { /* never answers */ });
  await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
  servers.push(hanging);
  webhooks.set('hook', webhook('hook', `http://127.0.0.1:${(hanging.address() as AddressInfo).port}/`));
  const lines: string[] = [];
  const dispatcher = new WebhookDispatcher(context, { log: (line) => lines.push(line) });
  dispatcher.start();
  publish(['a'], 3, 3);
  await new Promise((resolve) => setTimeout(resolve, 50));
  const started = Date.now();
  await dispatcher.stop();
  assert.ok(Date.now() - started < 5_000, 'stop() resolves within its grace');
  assert.equal(store.deliveries.length, 0);
  publish(['a'], 1, 1);
  await dispatcher.stop();
  assert.equal(store.deliveries.length, 0);
});
