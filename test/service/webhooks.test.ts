// Webhooks end to end (spec/service.md, POST /v1/webhooks): the real service in this process, a
// real receiver on loopback that fails (503s, a dropped connection) and then recovers. Every event
// of GET /v1/events must reach the receiver exactly once as a success, in event-id order per
// account, signed the Standard Webhooks way with the secret POST /v1/webhooks returned; the
// deliveries list shows the failed attempts (response codes, next retries) and then the delivered
// ones. A receiver that never recovers gets dead letters, and delivery moves on. Across a restart
// in the middle of failures, nothing is lost, repeated or reordered.
import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { DEFAULT_OPTIONS, type ServiceOptions } from '../../src/service/context.js';
import { startService, type RunningService } from '../../src/service/service.js';

const ADMIN_KEY = 'x'.repeat(40);
const WAIT_MS = 15_000;

// -------------------------------------------------------------------------------------------------
// The receiver.

interface Received {
  readonly path: string;
  readonly id: string;
  readonly timestamp: string;
  readonly signature: string;
  readonly contentType: string;
  readonly body: string;
  /** The status it was answered with, or 'dropped' (the connection cut without an answer). */
  readonly answer: number | 'dropped';
  readonly atMs: number;
}

type Answer = number | 'drop';

/** An HTTP server on loopback that records every request and answers as `answer` says. */
class Receiver {
  readonly received: Received[] = [];
  private readonly server: Server;
  private readonly counts = new Map<string, number>();
  url = '';

  /** `answer` gets the request's path and its index among the requests to that path. */
  constructor(private readonly answer: (path: string, index: number) => Answer) {
    this.server = createServer((request, response) => {
      void readBody(request).then((body) => {
        const path = request.url ?? '';
        const index = this.counts.get(path) ?? 0;
        this.counts.set(path, index + 1);
        const answer = this.answer(path, index);
        const header = (name: string): string => String(request.headers[name] ?? '');
        this.received.push({
          path, id: header('webhook-id'), timestamp: header('webhook-timestamp'), signature: header('webhook-signature'),
          contentType: header('content-type'), body, answer: answer === 'drop' ? 'dropped' : answer, atMs: Date.now(),
        });
        if (answer === 'drop') {
          request.socket.destroy();
          return;
        }
        response.writeHead(answer, { 'content-type': 'text/plain' }).end(answer < 300 ? 'ok' : 'not now');
      });
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  on(path: string): Received[] {
    return this.received.filter((each) => each.path === path);
  }
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

// -------------------------------------------------------------------------------------------------
// The service and its API.

interface Event { readonly id: number; readonly account: string; readonly type: string }
interface Delivery {
  readonly id: number; readonly event: number; readonly account: string; readonly attempt: number;
  readonly status: 'delivered' | 'failed' | 'dead'; readonly responseCode: number | null;
  readonly time: string; readonly nextRetry: string | null; readonly error?: string;
}

const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

function temporaryFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'stopout-webhooks-'));
  cleanups.push(() => Promise.resolve(rmSync(folder, { recursive: true, force: true })));
  return folder;
}

async function receiver(answer: (path: string, index: number) => Answer): Promise<Receiver> {
  const started = await new Receiver(answer).start();
  cleanups.push(() => started.close());
  return started;
}

async function serve(data: string, overrides: Partial<ServiceOptions>): Promise<RunningService> {
  const options: ServiceOptions = {
    ...DEFAULT_OPTIONS, port: 0, data, adminKey: ADMIN_KEY, logLevel: 'warn',
    webhookBaseDelayMs: 50, webhookMaxDelayMs: 400, webhookAttempts: 20, ...overrides,
  };
  const running = await startService(options, () => undefined);
  cleanups.push(() => running.stop());
  return running;
}

async function call<T>(running: RunningService, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const response = await fetch(`${running.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_KEY}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
}

async function ok<T>(running: RunningService, method: string, path: string, body?: unknown): Promise<T> {
  const answer = await call<T>(running, method, path, body);
  assert.ok(answer.status >= 200 && answer.status < 300, `${method} ${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
}

async function everything<T>(running: RunningService, path: string): Promise<T[]> {
  const items: T[] = [];
  let after: string | null = null;
  do {
    const page: { items: T[]; next: string | null } = await ok(running, 'GET', `${path}?limit=1000${after !== null ? `&after=${after}` : ''}`);
    items.push(...page.items);
    after = page.next;
  } while (after !== null);
  return items;
}

const events = (running: RunningService): Promise<Event[]> => everything<Event>(running, '/v1/events');
const deliveries = (running: RunningService, hook: string): Promise<Delivery[]> => everything<Delivery>(running, `/v1/webhooks/${hook}/deliveries`);

function snapshot(balance: string): unknown {
  return {
    venue: 'mt5-standard',
    account: { currency: 'USD', balance },
    positions: [{ id: 'gu', instrument: 'GBPUSD', side: 'long', quantity: '80000', entryPrice: '1.25', leverage: '100' }],
    marks: { GBPUSD: '1.25' },
  };
}

async function makeAccounts(running: RunningService, ids: readonly string[]): Promise<void> {
  for (const [index, id] of ids.entries()) await ok(running, 'POST', '/v1/accounts', { id, snapshot: snapshot(index < 2 ? '1000' : '2000') });
}

/** Margin calls, liquidations, debts, then deposits that repay them: some 30 events over three accounts. */
async function driveEvents(running: RunningService, ids: readonly string[]): Promise<void> {
  for (const price of ['1.2450', '1.2250']) await ok(running, 'POST', '/v1/prices', { prices: { GBPUSD: price } });
  for (let round = 0; round < 3; round++) {
    for (const id of ids) await ok(running, 'POST', `/v1/accounts/${id}/commands`, { type: 'deposit', amount: '400' });
  }
}

async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = WAIT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

// -------------------------------------------------------------------------------------------------
// What every delivery must be.

/** Verifies the Standard Webhooks signature, written here independently of the service. */
function signatureValid(secret: string, received: Received): boolean {
  assert.ok(secret.startsWith('whsec_'));
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const expected = createHmac('sha256', key).update(`${received.id}.${received.timestamp}.${received.body}`).digest();
  return received.signature.split(' ').some((part) => {
    const [version, signature] = part.split(',');
    const given = Buffer.from(signature ?? '', 'base64');
    return version === 'v1' && given.length === expected.length && timingSafeEqual(given, expected);
  });
}

const succeeded = (received: Received): boolean => typeof received.answer === 'number' && received.answer >= 200 && received.answer < 300;

/**
 * Every request is a well-signed POST of an expected event; each expected event succeeded exactly
 * once; per account, a later event is only sent once the earlier one is finished (delivered, or
 * given up when `deadAfter` attempts failed).
 */
function checkReceived(requests: readonly Received[], expected: readonly Event[], secret: string, sinceMs: number, deadAfter?: number): void {
  const byId = new Map(expected.map((event) => [`evt_${event.id}`, event]));
  const successes = new Map<string, number>();
  const attempts = new Map<string, number>();
  /** Per account: the event being sent, and whether it is finished. */
  const current = new Map<string, { id: number; finished: boolean }>();
  for (const received of requests) {
    const event = byId.get(received.id);
    assert.ok(event, `an unexpected webhook-id ${received.id}`);
    assert.deepEqual(JSON.parse(received.body), event, `the body of ${received.id} is the event as GET /v1/events serves it`);
    assert.equal(received.contentType, 'application/json');
    assert.ok(signatureValid(secret, received), `the signature of ${received.id} verifies`);
    const timestamp = Number(received.timestamp);
    assert.ok(Number.isInteger(timestamp), `a timestamp in unix seconds: ${received.timestamp}`);
    assert.ok(timestamp >= Math.floor(sinceMs / 1000) && timestamp <= Math.ceil(received.atMs / 1000), `the timestamp of ${received.id} is the attempt's time`);
    const count = (attempts.get(received.id) ?? 0) + 1;
    attempts.set(received.id, count);
    const state = current.get(event.account);
    if (state && state.id !== event.id) {
      assert.ok(event.id > state.id, `${event.account}: event ${event.id} after ${state.id}, in id order`);
      assert.ok(state.finished, `${event.account}: event ${event.id} sent before ${state.id} was finished`);
    }
    if (!state || state.id !== event.id) assert.equal(count, 1);
    const success = succeeded(received);
    if (state?.id === event.id) assert.ok(!state.finished, `${received.id} sent again after it was finished`);
    current.set(event.account, { id: event.id, finished: success || count === deadAfter });
    if (success) successes.set(received.id, (successes.get(received.id) ?? 0) + 1);
  }
  if (deadAfter === undefined) {
    for (const event of expected) assert.equal(successes.get(`evt_${event.id}`), 1, `event ${event.id} succeeded exactly once`);
  }
}

/** Per event: attempts numbered 1, 2, ... in the list's order, every one but the last failed and due again. */
function checkDeliveries(list: readonly Delivery[], expected: readonly Event[], last: 'delivered' | 'dead'): Map<number, Delivery[]> {
  const byEvent = new Map<number, Delivery[]>();
  for (const delivery of list) byEvent.set(delivery.event, [...(byEvent.get(delivery.event) ?? []), delivery]);
  assert.deepEqual([...byEvent.keys()].sort((a, b) => a - b), expected.map((event) => event.id));
  for (const event of expected) {
    const attempts = byEvent.get(event.id) as Delivery[];
    assert.deepEqual(attempts.map((each) => each.attempt), attempts.map((_, index) => index + 1), `event ${event.id}: attempts numbered in order`);
    for (const [index, attempt] of attempts.entries()) {
      assert.equal(attempt.account, event.account);
      const final = index === attempts.length - 1;
      assert.equal(attempt.status, final ? last : 'failed', `event ${event.id}, attempt ${attempt.attempt}`);
      if (attempt.status === 'failed') {
        assert.ok(attempt.nextRetry !== null && Date.parse(attempt.nextRetry) > Date.parse(attempt.time), 'a failed attempt names its next retry');
        assert.ok(attempt.responseCode !== null || (attempt.error ?? '') !== '', 'a failed attempt says why: a response code or an error');
      } else {
        assert.equal(attempt.nextRetry, null);
      }
      if (attempt.status === 'delivered') assert.equal(attempt.responseCode, 200);
    }
  }
  return byEvent;
}

// -------------------------------------------------------------------------------------------------

test('every event reaches the receiver once as a success, in order per account, signed; failures are retried and listed', async () => {
  const sinceMs = Date.now();
  // The main hook's first 7 requests fail: 503s and one dropped connection. The filtered hook always succeeds.
  const plan: Answer[] = [503, 'drop', 503, 503, 503, 503, 503];
  const target = await receiver((path, index) => (path === '/main' ? plan[index] ?? 200 : 200));
  const running = await serve(temporaryFolder(), {});
  const made = await call<{ id: string; secret: string }>(running, 'POST', '/v1/webhooks', { url: `${target.url}/main` });
  assert.equal(made.status, 201);
  const { id: hook, secret } = made.body;
  const accounts = ['a1', 'a2', 'a3'];
  await makeAccounts(running, accounts);
  const filtered = await ok<{ id: string; secret: string }>(running, 'POST', '/v1/webhooks', {
    url: `${target.url}/filtered`, types: ['position-liquidated', 'debt-recorded'], account: 'a2',
  });
  await driveEvents(running, accounts);

  const all = await events(running);
  assert.ok(all.length >= 25, `events made: ${all.length}`);
  await waitFor('every event delivered', () => new Set(target.on('/main').filter(succeeded).map((each) => each.id)).size === all.length);
  await waitFor('every delivery recorded', async () => (await deliveries(running, hook)).filter((each) => each.status === 'delivered').length >= all.length);

  checkReceived(target.on('/main'), all, secret, sinceMs);
  assert.ok(target.on('/main').length > all.length, 'some attempts failed and were retried');
  assert.ok(target.on('/main').some((each) => each.answer === 'dropped'));

  const list = await deliveries(running, hook);
  const byEvent = checkDeliveries(list, all, 'delivered');
  const failed = list.filter((each) => each.status === 'failed');
  assert.equal(failed.length, plan.length, 'one failed attempt listed per failed request');
  assert.equal(failed.filter((each) => each.responseCode === 503).length, 6);
  assert.equal(failed.filter((each) => each.responseCode === null && each.error).length, 1, 'the dropped connection: no response code, an error');
  for (const attempt of failed) {
    const waited = Date.parse(attempt.nextRetry as string) - Date.parse(attempt.time);
    assert.ok(waited >= 25 && waited <= 400 + 100, `the retry ${waited} ms later: within the backoff's bounds`);
  }
  // The list runs in the order attempts were made: an event's failures come before its delivery.
  for (const attempts of byEvent.values()) {
    const ids = attempts.map((each) => each.id);
    assert.deepEqual(ids, [...ids].sort((a, b) => a - b));
  }

  // The filtered hook: a2's liquidation and debt only.
  const wanted = all.filter((event) => event.account === 'a2' && ['position-liquidated', 'debt-recorded'].includes(event.type));
  assert.equal(wanted.length, 2);
  await waitFor('the filtered hook delivered', () => target.on('/filtered').length === wanted.length);
  checkReceived(target.on('/filtered'), wanted, filtered.secret, sinceMs);
});

test('a receiver that never recovers: each event is tried webhookAttempts times, then dead, and delivery moves on; a deleted webhook gets nothing more', async () => {
  const sinceMs = Date.now();
  const target = await receiver(() => 500);
  const running = await serve(temporaryFolder(), { webhookAttempts: 3, webhookBaseDelayMs: 20, webhookMaxDelayMs: 40 });
  const { id: hook, secret } = await ok<{ id: string; secret: string }>(running, 'POST', '/v1/webhooks', { url: `${target.url}/down` });
  const accounts = ['a1', 'a2', 'a3'];
  await makeAccounts(running, accounts);
  await driveEvents(running, accounts);
  const all = await events(running);

  await waitFor('every event dead', async () => (await deliveries(running, hook)).filter((each) => each.status === 'dead').length >= all.length);
  const list = await deliveries(running, hook);
  const byEvent = checkDeliveries(list, all, 'dead');
  for (const attempts of byEvent.values()) {
    assert.equal(attempts.length, 3);
    for (const attempt of attempts) assert.equal(attempt.responseCode, 500);
  }
  assert.equal(target.received.length, 3 * all.length);
  checkReceived(target.received, all, secret, sinceMs, 3);

  // Deleted: new events are not sent to it.
  assert.equal((await call(running, 'DELETE', `/v1/webhooks/${hook}`)).status, 204);
  const before = target.received.length;
  await ok(running, 'POST', '/v1/accounts/a1/commands', { type: 'deposit', amount: '1' });
  assert.ok((await events(running)).length > all.length);
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal(target.received.length, before);
});

test('a restart in the middle of failures: every event still arrives once as a success, in order, attempts numbered on', async () => {
  const sinceMs = Date.now();
  let recovered = false;
  // The first 3 requests succeed, then 503 until it recovers.
  const target = await receiver((_path, index) => (index < 3 || recovered ? 200 : 503));
  const data = temporaryFolder();
  const first = await serve(data, {});
  const { id: hook, secret } = await ok<{ id: string; secret: string }>(first, 'POST', '/v1/webhooks', { url: `${target.url}/hook` });
  const accounts = ['a1', 'a2', 'a3'];
  await makeAccounts(first, accounts);
  await driveEvents(first, accounts);
  await waitFor('some deliveries and some failures', async () => {
    const list = await deliveries(first, hook);
    return list.filter((each) => each.status === 'delivered').length >= 3 && list.filter((each) => each.status === 'failed').length >= 6;
  });
  const madeBefore = (await events(first)).length;
  await first.stop();
  const beforeRestart = target.received.length;
  assert.ok(new Set(target.received.filter(succeeded).map((each) => each.id)).size < madeBefore, 'unfinished work is left at the stop');

  recovered = true;
  const second = await serve(data, {});
  // Events after the restart go after the backlog, still in order per account.
  for (const id of accounts) await ok(second, 'POST', `/v1/accounts/${id}/commands`, { type: 'deposit', amount: '5' });
  const all = await events(second);
  await waitFor('every event delivered after the restart', () => new Set(target.received.filter(succeeded).map((each) => each.id)).size === all.length);
  await waitFor('every delivery recorded', async () => (await deliveries(second, hook)).filter((each) => each.status === 'delivered').length >= all.length);

  assert.ok(target.received.length > beforeRestart, 'the second service delivered the rest');
  checkReceived(target.received, all, secret, sinceMs);
  const byEvent = checkDeliveries(await deliveries(second, hook), all, 'delivered');
  assert.ok([...byEvent.values()].some((attempts) => attempts.length > 1), 'some events were retried');
});
