// Who may do what (spec/service.md, "Conventions" and "Precisely"): every endpoint against every
// kind of key, as a table of expected statuses and codes, each cell run against a live service.
//   - no key: 401 auth/missing-key; a malformed header, an unknown key, a wrong secret, a revoked
//     key: 401 auth/invalid-key;
//   - an account key reads and commands its own account; service-wide endpoints are 403 to it, and
//     another account is 404 account/not-found to it, as a missing account is;
//   - a scoped key without the endpoint's scope: 403 auth/forbidden; with it: allowed;
//   - the admin key: allowed; /health, /metrics, /openapi.json and /docs: open to anyone.
// Every failure is problem+json with the expected code. Each cell also checks the ledger: a write
// that is allowed adds one entry, anything else adds none and leaves the state hash as it was.
// Then "0 cross-account reads or writes": account B is unchanged by everything A's key did, and
// A's key never sees an event of B, in pages or on the stream.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { fixtureSnapshot, LedgerWatch, problemViolations, rawRequest, type LedgerPosition, type RawAnswer } from '../support/request-fuzz.js';
import { ADMIN_KEY, startInProcess, type InProcess } from '../support/service-harness.js';

const A = 'acct-a';
const B = 'acct-b-private';
const C = 'acct-c';
const WEBHOOK_URL = 'http://127.0.0.1:9/authorization-hook';

type KeyKind = 'none' | 'malformed' | 'unknown' | 'wrong-secret' | 'revoked' | 'A' | 'A→B' | 'prices' | 'read' | 'write' | 'all' | 'admin';
const KINDS: readonly KeyKind[] = ['none', 'malformed', 'unknown', 'wrong-secret', 'revoked', 'A', 'A→B', 'prices', 'read', 'write', 'all', 'admin'];
const isAccountKind = (kind: KeyKind): boolean => kind === 'A' || kind === 'A→B';

type Scope = 'prices:write' | 'accounts:read' | 'accounts:write';
type Access =
  | { readonly kind: 'public' }
  | { readonly kind: 'any-key' }
  | { readonly kind: 'admin' }
  | { readonly kind: 'scope'; readonly scope: Scope }
  | { readonly kind: 'account'; readonly scope: 'accounts:read' | 'accounts:write' }
  | { readonly kind: 'events' };

interface Call {
  readonly method: 'GET' | 'POST' | 'DELETE';
  readonly path: string;
  readonly body?: unknown;
}

interface Row {
  /** The method and path, as spec/service.md lists it. */
  readonly name: string;
  readonly access: Access;
  /** The status of a success. */
  readonly ok: number;
  /** A success adds one ledger entry. */
  readonly write: boolean;
  readonly stream?: boolean;
  /** The request for a key kind, aimed at `account` (A for A's key, B for "A→B", C for the others). */
  readonly call: (account: string, kind: KeyKind) => Promise<Call> | Call;
}

let service: InProcess;
let ledger: LedgerWatch;
const keys = new Map<KeyKind, string | undefined>();
let accountAKey = '';
let webhook = '';

const admin = async (method: string, path: string, body?: unknown): Promise<Record<string, unknown>> => {
  const answer = await rawRequest(service.running.url, method, path, { authorization: `Bearer ${ADMIN_KEY}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body === undefined ? undefined : JSON.stringify(body));
  assert.ok(answer.status < 300, `setup ${method} ${path}: ${answer.status} ${answer.text}`);
  return answer.text ? JSON.parse(answer.text) as Record<string, unknown> : {};
};

async function scopedKey(scopes: readonly Scope[]): Promise<string> {
  return String((await admin('POST', '/v1/keys', { scopes, name: `authorization ${scopes.join(' ')}` })).key);
}

/** Everything about B that anyone could change: its summary, its scenario and its events. */
async function fingerprint(account: string): Promise<string> {
  const summary = await admin('GET', `/v1/accounts/${account}`);
  const scenario = await admin('GET', `/v1/accounts/${account}/scenario`);
  const events = await admin('GET', `/v1/events?account=${account}&limit=1000`);
  return JSON.stringify({ summary, scenario, events });
}

before(async () => {
  service = await startInProcess({ deadlineCheckMs: 0, webhookAttempts: 1, webhookBaseDelayMs: 3_600_000 });
  ledger = new LedgerWatch(service.running.url, ADMIN_KEY);
  accountAKey = String((await admin('POST', '/v1/accounts', { id: A, snapshot: fixtureSnapshot() })).key);
  await admin('POST', '/v1/accounts', { id: B, snapshot: fixtureSnapshot() });
  await admin('POST', '/v1/accounts', { id: C, snapshot: fixtureSnapshot() });
  // Events on both sides, so that "A never sees B's" has something to miss.
  await admin('POST', `/v1/accounts/${A}/commands`, { type: 'deposit', amount: '5' });
  await admin('POST', `/v1/accounts/${B}/commands`, { type: 'deposit', amount: '7' });
  await admin('POST', `/v1/accounts/${B}/commands`, { type: 'withdraw', amount: '3' });
  webhook = String((await admin('POST', '/v1/webhooks', { url: WEBHOOK_URL, types: ['debt-written-off'], account: C })).id);
  const revoked = await admin('POST', '/v1/keys', { scopes: ['prices:write', 'accounts:read', 'accounts:write'], name: 'to revoke' });
  await admin('DELETE', `/v1/keys/${String(revoked.id)}`);
  const accountKeyId = /^sk_(k[0-9a-f]{16})_/.exec(accountAKey)?.[1] ?? '';
  keys.set('none', undefined);
  keys.set('malformed', 'Basic dXNlcjpwYXNzd29yZA==');
  keys.set('unknown', `Bearer sk_k0123456789abcdef_${'A'.repeat(43)}`);
  keys.set('wrong-secret', `Bearer sk_${accountKeyId}_${'B'.repeat(43)}`);
  keys.set('revoked', `Bearer ${String(revoked.key)}`);
  keys.set('A', `Bearer ${accountAKey}`);
  keys.set('A→B', `Bearer ${accountAKey}`);
  keys.set('prices', `Bearer ${await scopedKey(['prices:write'])}`);
  keys.set('read', `Bearer ${await scopedKey(['accounts:read'])}`);
  keys.set('write', `Bearer ${await scopedKey(['accounts:write'])}`);
  keys.set('all', `Bearer ${await scopedKey(['prices:write', 'accounts:read', 'accounts:write'])}`);
  keys.set('admin', `Bearer ${ADMIN_KEY}`);
});
after(async () => { await service.stop(); });

const eventsPath = (base: string, account: string, kind: KeyKind): string => {
  if (kind === 'A') return base;
  return `${base}?account=${account}`;
};

const ROWS: readonly Row[] = [
  { name: 'GET /v1/accounts', access: { kind: 'scope', scope: 'accounts:read' }, ok: 200, write: false, call: () => ({ method: 'GET', path: '/v1/accounts' }) },
  { name: 'POST /v1/accounts', access: { kind: 'scope', scope: 'accounts:write' }, ok: 201, write: true, call: () => ({ method: 'POST', path: '/v1/accounts', body: { snapshot: fixtureSnapshot() } }) },
  { name: 'GET /v1/accounts/{id}', access: { kind: 'account', scope: 'accounts:read' }, ok: 200, write: false, call: (account) => ({ method: 'GET', path: `/v1/accounts/${account}` }) },
  { name: 'GET /v1/accounts/{id}/scenario', access: { kind: 'account', scope: 'accounts:read' }, ok: 200, write: false, call: (account) => ({ method: 'GET', path: `/v1/accounts/${account}/scenario` }) },
  {
    name: 'POST /v1/accounts/{id}/commands', access: { kind: 'account', scope: 'accounts:write' }, ok: 200, write: true,
    call: (account) => ({ method: 'POST', path: `/v1/accounts/${account}/commands`, body: { type: 'deposit', amount: '1' } }),
  },
  { name: 'POST /v1/prices', access: { kind: 'scope', scope: 'prices:write' }, ok: 200, write: true, call: () => ({ method: 'POST', path: '/v1/prices', body: { prices: { NOBODY: '1' } } }) },
  { name: 'GET /v1/events', access: { kind: 'events' }, ok: 200, write: false, call: (account, kind) => ({ method: 'GET', path: eventsPath('/v1/events', account, kind) }) },
  { name: 'GET /v1/events/stream', access: { kind: 'events' }, ok: 200, write: false, stream: true, call: (account, kind) => ({ method: 'GET', path: eventsPath('/v1/events/stream', account, kind) }) },
  {
    name: 'POST /v1/webhooks', access: { kind: 'admin' }, ok: 201, write: true,
    call: (account) => ({ method: 'POST', path: '/v1/webhooks', body: { url: WEBHOOK_URL, types: ['debt-written-off'], account } }),
  },
  { name: 'GET /v1/webhooks', access: { kind: 'admin' }, ok: 200, write: false, call: () => ({ method: 'GET', path: '/v1/webhooks' }) },
  { name: 'GET /v1/webhooks/{id}/deliveries', access: { kind: 'admin' }, ok: 200, write: false, call: () => ({ method: 'GET', path: `/v1/webhooks/${webhook}/deliveries` }) },
  {
    name: 'DELETE /v1/webhooks/{id}', access: { kind: 'admin' }, ok: 204, write: true,
    call: async () => ({ method: 'DELETE', path: `/v1/webhooks/${String((await admin('POST', '/v1/webhooks', { url: WEBHOOK_URL, types: ['debt-written-off'] })).id)}` }),
  },
  { name: 'GET /v1/venues/{venue}', access: { kind: 'admin' }, ok: 200, write: false, call: () => ({ method: 'GET', path: '/v1/venues/binance-usdm' }) },
  { name: 'POST /v1/keys', access: { kind: 'admin' }, ok: 201, write: true, call: () => ({ method: 'POST', path: '/v1/keys', body: { scopes: ['accounts:read'] } }) },
  { name: 'GET /v1/keys', access: { kind: 'admin' }, ok: 200, write: false, call: () => ({ method: 'GET', path: '/v1/keys' }) },
  {
    name: 'DELETE /v1/keys/{id}', access: { kind: 'admin' }, ok: 204, write: true,
    call: async () => ({ method: 'DELETE', path: `/v1/keys/${String((await admin('POST', '/v1/keys', { scopes: ['accounts:read'], name: 'to delete' })).id)}` }),
  },
  { name: 'GET /v1/ledger', access: { kind: 'admin' }, ok: 200, write: false, call: () => ({ method: 'GET', path: '/v1/ledger' }) },
  { name: 'GET /v1/ledger/entries', access: { kind: 'admin' }, ok: 200, write: false, call: () => ({ method: 'GET', path: '/v1/ledger/entries' }) },
  { name: 'POST /v1/report', access: { kind: 'any-key' }, ok: 200, write: false, call: () => ({ method: 'POST', path: '/v1/report', body: fixtureSnapshot() }) },
  {
    name: 'POST /v1/simulate', access: { kind: 'any-key' }, ok: 200, write: false,
    call: () => ({
      method: 'POST', path: '/v1/simulate',
      body: { account: fixtureSnapshot(), model: { type: 'gbm', volatility: '0.5', drift: '0', daysPerYear: '365' }, horizonDays: '1', steps: 2, paths: 2, seed: 1 },
    }),
  },
  { name: 'GET /health', access: { kind: 'public' }, ok: 200, write: false, call: () => ({ method: 'GET', path: '/health' }) },
  { name: 'GET /metrics', access: { kind: 'public' }, ok: 200, write: false, call: () => ({ method: 'GET', path: '/metrics' }) },
  { name: 'GET /openapi.json', access: { kind: 'public' }, ok: 200, write: false, call: () => ({ method: 'GET', path: '/openapi.json' }) },
  { name: 'GET /docs', access: { kind: 'public' }, ok: 200, write: false, call: () => ({ method: 'GET', path: '/docs' }) },
];

interface Expected {
  readonly status: number;
  readonly code?: string;
}

const SCOPE_OF: Partial<Record<KeyKind, Scope>> = { prices: 'prices:write', read: 'accounts:read', write: 'accounts:write' };

/** The table: what each kind of key gets from each endpoint. */
function expected(row: Row, kind: KeyKind): Expected {
  const ok = { status: row.ok };
  const forbidden = { status: 403, code: 'auth/forbidden' };
  if (row.access.kind === 'public') return ok;
  if (kind === 'none') return { status: 401, code: 'auth/missing-key' };
  if (kind === 'malformed' || kind === 'unknown' || kind === 'wrong-secret' || kind === 'revoked') return { status: 401, code: 'auth/invalid-key' };
  if (row.access.kind === 'any-key' || kind === 'admin') return ok;
  const hasScope = (scope: Scope): boolean => kind === 'all' || SCOPE_OF[kind] === scope;
  switch (row.access.kind) {
    case 'admin': return forbidden;
    case 'scope': return hasScope(row.access.scope) ? ok : forbidden;
    case 'account':
      if (kind === 'A') return ok;
      if (kind === 'A→B') return { status: 404, code: 'account/not-found' };
      return hasScope(row.access.scope) ? ok : forbidden;
    case 'events':
      if (kind === 'A') return ok;
      if (kind === 'A→B') return { status: 404, code: 'account/not-found' };
      return hasScope('accounts:read') ? ok : forbidden;
  }
}

const targetOf = (kind: KeyKind): string => (kind === 'A' ? A : kind === 'A→B' ? B : C);

async function send(call: Call, kind: KeyKind, stream: boolean): Promise<RawAnswer & { firstBytes?: string }> {
  const authorization = keys.get(kind);
  const headers: Record<string, string> = { ...(authorization !== undefined ? { authorization } : {}), ...(call.body !== undefined ? { 'content-type': 'application/json' } : {}) };
  if (!stream) return rawRequest(service.running.url, call.method, call.path, headers, call.body === undefined ? undefined : JSON.stringify(call.body));
  const controller = new AbortController();
  const response = await fetch(`${service.running.url}${call.path}`, { headers, signal: controller.signal });
  if (response.status !== 200) return { status: response.status, headers: response.headers, text: await response.text() };
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const first = await reader.read();
  controller.abort();
  return { status: 200, headers: response.headers, text: '', firstBytes: new TextDecoder().decode(first.value) };
}

interface CellResult {
  readonly row: string;
  readonly kind: KeyKind;
  readonly status: number;
  readonly problems: readonly string[];
}

const results: CellResult[] = [];
let crossAccountReads = 0;
let crossAccountWrites = 0;
let allowedWrites = 0;
let matrixStart: LedgerPosition | undefined;
let matrixEnd: LedgerPosition | undefined;
let bBefore = '';
let setupEntries = 0;

test('the authorization matrix: every endpoint against every kind of key', async (t) => {
  bBefore = await fingerprint(B);
  matrixStart = await ledger.position();
  for (const row of ROWS) {
    for (const kind of KINDS) {
      const call = await row.call(targetOf(kind), kind);
      const before = await ledger.position();
      const bFingerprint = isAccountKind(kind) ? await fingerprint(B) : '';
      const answer = await send(call, kind, row.stream === true);
      const want = expected(row, kind);
      const problems: string[] = [];
      if (answer.status !== want.status) problems.push(`status ${answer.status}, expected ${want.status}: ${answer.text.slice(0, 200)}`);
      if (answer.status >= 400) {
        problems.push(...problemViolations(answer));
        const code = (JSON.parse(answer.text || 'null') as { code?: string } | null)?.code;
        if (want.code !== undefined && code !== want.code) problems.push(`code ${String(code)}, expected ${want.code}`);
      } else if (row.stream) {
        if (!/^text\/event-stream/.test(answer.headers.get('content-type') ?? '')) problems.push(`stream content-type ${answer.headers.get('content-type')}`);
        if (!answer.firstBytes?.startsWith(': stopout events')) problems.push(`stream began ${JSON.stringify(answer.firstBytes)}`);
      } else if (row.access.kind !== 'public' && answer.status !== 204 && !/^application\/json/.test(answer.headers.get('content-type') ?? '')) {
        problems.push(`content-type ${answer.headers.get('content-type')}`);
      }
      // The ledger: an allowed write is one entry; anything else none, and the same state.
      const now = await ledger.position();
      const written = answer.status === want.status && answer.status < 300 && row.write ? 1 : 0;
      allowedWrites += written;
      if (now.seq - before.seq !== written) problems.push(`the ledger moved ${now.seq - before.seq} entries, expected ${written}`);
      if (written === 0 && now.stateHash !== before.stateHash) problems.push('the state hash changed');
      if (isAccountKind(kind)) {
        if (await fingerprint(B) !== bFingerprint) {
          crossAccountWrites += 1;
          problems.push(`account B changed after ${kind}'s ${row.name}`);
        }
        if (answer.status < 300 && answer.text.includes(B)) {
          crossAccountReads += 1;
          problems.push(`A's key read B: ${answer.text.slice(0, 200)}`);
        }
      }
      results.push({ row: row.name, kind, status: answer.status, problems });
    }
  }
  matrixEnd = await ledger.position();
  // Each DELETE cell first makes the key or webhook it deletes (or may not delete).
  setupEntries = ROWS.filter((row) => row.name.startsWith('DELETE ')).length * KINDS.length;

  // The table as run, one line per endpoint: the status each key kind got (* where it was not the expected one).
  const header = `${'endpoint'.padEnd(34)} ${KINDS.map((kind) => kind.padStart(13)).join('')}`;
  const lines = ROWS.map((row) => `${row.name.padEnd(34)} ${KINDS.map((kind) => {
    const cell = results.find((each) => each.row === row.name && each.kind === kind);
    return `${cell?.status ?? '-'}${cell?.problems.length ? '*' : ''}`.padStart(13);
  }).join('')}`);
  for (const line of [header, ...lines]) t.diagnostic(line);
  const failures = results.filter((cell) => cell.problems.length > 0);
  assert.equal(results.length, ROWS.length * KINDS.length);
  assert.deepEqual(failures.map((cell) => `${cell.row} × ${cell.kind}: ${cell.problems.join('; ')}`), []);
});

interface Streamed {
  readonly status: number;
  readonly events: { id: number; type: string; data: Record<string, unknown> }[];
}

/** Reads an event stream until `wanted` events have come (or `timeoutMs` has passed). */
async function readStream(path: string, headers: Record<string, string>, wanted: number, timeoutMs: number): Promise<Streamed> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const events: Streamed['events'] = [];
  try {
    const response = await fetch(`${service.running.url}${path}`, { headers, signal: controller.signal });
    if (response.status !== 200) return { status: response.status, events };
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    while (events.length < wanted) {
      const chunk = await reader.read();
      if (chunk.done) break;
      buffer += decoder.decode(chunk.value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const field = (name: string): string | undefined => block.split('\n').find((line) => line.startsWith(`${name}: `))?.slice(name.length + 2);
        const data = field('data');
        if (data !== undefined) events.push({ id: Number(field('id')), type: field('event') ?? '', data: JSON.parse(data) as Record<string, unknown> });
      }
    }
    controller.abort();
    return { status: 200, events };
  } catch (error) {
    if ((error as Error).name === 'AbortError') return { status: 200, events };
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

test('0 cross-account reads or writes: B is unchanged by A\'s key, and A\'s key never sees an event of B', async () => {
  assert.ok(matrixStart && matrixEnd, 'the matrix ran');
  const key = `Bearer ${accountAKey}`;
  const asA = (path: string): Promise<RawAnswer> => rawRequest(service.running.url, 'GET', path, { authorization: key });

  // B as it was before the matrix, byte for byte: summary, scenario, events.
  assert.equal(await fingerprint(B), bBefore, 'account B changed during the matrix');

  const bEvents = (JSON.parse(await asAdminText(`/v1/events?account=${B}&limit=1000`)) as { items: { id: number }[] }).items.map((event) => event.id);
  const aEvents = (JSON.parse(await asAdminText(`/v1/events?account=${A}&limit=1000`)) as { items: { id: number }[] }).items.map((event) => event.id);
  assert.ok(bEvents.length >= 2 && aEvents.length >= 2, `events: A ${aEvents.length}, B ${bEvents.length}`);

  // Pages: A's own events only, whatever the filter.
  for (const path of ['/v1/events?limit=1000', `/v1/events?account=${A}&limit=1000`, '/v1/events?type=deposited&limit=1000', '/v1/events?after=0&limit=1']) {
    const page = await asA(path);
    assert.equal(page.status, 200, `${path}: ${page.text}`);
    const items = (JSON.parse(page.text) as { items: { id: number; account: string }[] }).items;
    const foreign = items.filter((event) => event.account !== A || bEvents.includes(event.id));
    crossAccountReads += foreign.length;
    assert.deepEqual(foreign, [], `${path}: A's key saw another account's events`);
  }
  const all = (JSON.parse((await asA('/v1/events?limit=1000')).text) as { items: { id: number }[] }).items.map((event) => event.id);
  assert.deepEqual(all, aEvents, 'A\'s key sees exactly A\'s events');
  for (const path of [`/v1/events?account=${B}`, `/v1/events?account=${B}&type=deposited`, `/v1/events/stream?account=${B}`, `/v1/events/stream?account=${B}&after=0`]) {
    const answer = path.includes('/stream') ? await readStream(path, { authorization: key }, 1, 2_000) : await asA(path);
    assert.equal(answer.status, 404, `${path}: A's key asking for B's events`);
  }

  // The stream, from the start (?after=0 and Last-Event-ID: 0): A's events, none of B's.
  for (const [path, headers] of [['/v1/events/stream?after=0', {}], ['/v1/events/stream', { 'last-event-id': '0' }]] as const) {
    const streamed = await readStream(path, { authorization: key, ...headers }, aEvents.length, 3_000);
    assert.equal(streamed.status, 200);
    const foreign = streamed.events.filter((event) => event.data.account !== A || bEvents.includes(event.id));
    crossAccountReads += foreign.length;
    assert.deepEqual(foreign, [], 'A\'s stream carried another account\'s events');
    assert.deepEqual(streamed.events.map((event) => event.id), aEvents, 'A\'s stream carries A\'s events');
  }

  // The ledger moved only by the allowed writes (and the matrix's own set-up of the keys and webhooks its DELETE rows remove).
  assert.equal(matrixEnd.seq - matrixStart.seq, allowedWrites + setupEntries,
    `ledger: ${matrixEnd.seq - matrixStart.seq} entries over the matrix, ${allowedWrites} allowed writes + ${setupEntries} set-up entries`);

  assert.equal(crossAccountReads, 0, 'cross-account reads');
  assert.equal(crossAccountWrites, 0, 'cross-account writes');
});

async function asAdminText(path: string): Promise<string> {
  const answer = await rawRequest(service.running.url, 'GET', path, { authorization: `Bearer ${ADMIN_KEY}` });
  assert.equal(answer.status, 200, `${path}: ${answer.text}`);
  return answer.text;
}

test('a revoked account key is 401 auth/invalid-key, even on its own account', async () => {
  const key = `Bearer ${accountAKey}`;
  const before = await rawRequest(service.running.url, 'GET', `/v1/accounts/${A}`, { authorization: key });
  assert.equal(before.status, 200);
  const id = /^sk_(k[0-9a-f]{16})_/.exec(accountAKey)?.[1] ?? '';
  await admin('DELETE', `/v1/keys/${id}`);
  for (const [method, path, body] of [['GET', `/v1/accounts/${A}`], ['GET', '/v1/events'], ['POST', `/v1/accounts/${A}/commands`, { type: 'deposit', amount: '1' }]] as const) {
    const position = await ledger.position();
    const answer = await rawRequest(service.running.url, method, path, { authorization: key, ...(body ? { 'content-type': 'application/json' } : {}) }, body ? JSON.stringify(body) : undefined);
    assert.equal(answer.status, 401, `${method} ${path}: ${answer.text}`);
    assert.equal((JSON.parse(answer.text) as { code: string }).code, 'auth/invalid-key');
    assert.deepEqual(problemViolations(answer), []);
    assert.deepEqual(await ledger.position(), position, 'a revoked key wrote');
  }
});

// ---------------------------------------------------------------------------------------------------
// Regressions: a cross-account write found by this suite before b384391, which fixed it (the
// service's clock follows the feed; an account's own later time moves only that account). Before,
// an account key's far-future command time moved the service's clock, which every other account's
// deadlines and the whole price feed ran on.

test('a far-future time in one account\'s command does not fire another account\'s Reg T deadline', async () => {
  const other = await startInProcess({ deadlineCheckMs: 50, webhookAttempts: 1 });
  try {
    const post = async (path: string, body: unknown, authorization = `Bearer ${ADMIN_KEY}`): Promise<RawAnswer> =>
      rawRequest(other.running.url, 'POST', path, { authorization, 'content-type': 'application/json' }, JSON.stringify(body));
    const made = await post('/v1/accounts', { id: 'crypto', snapshot: { venue: 'binance-usdm', account: { currency: 'USDT', balance: '1000' }, positions: [] } });
    assert.equal(made.status, 201, made.text);
    const cryptoKey = `Bearer ${String((JSON.parse(made.text) as { key: string }).key)}`;
    const stocks = await post('/v1/accounts', {
      id: 'stocks',
      snapshot: {
        venue: 'us-reg-t', account: { currency: 'USD', balance: '-5000' },
        positions: [{ id: 'aapl', instrument: 'AAPL', side: 'long', quantity: '200', entryPrice: '50', leverage: '2' }], marks: { AAPL: '50' },
      },
    });
    assert.equal(stocks.status, 201, stocks.text);
    // AAPL at 30: a maintenance call, due in 2 business days.
    assert.equal((await post('/v1/prices', { prices: { AAPL: '30' } })).status, 200);
    const read = async (): Promise<string> => (await rawRequest(other.running.url, 'GET', '/v1/events?account=stocks', { authorization: `Bearer ${ADMIN_KEY}` })).text;
    const before = await read();
    assert.match(before, /margin-call-issued/);

    // The crypto account's own key deposits into its own account, dated far ahead.
    const deposit = await post('/v1/accounts/crypto/commands', { type: 'deposit', amount: '1', time: '9999-12-31T23:59:59Z' }, cryptoKey);
    assert.equal(deposit.status, 200, deposit.text);
    await new Promise((resolve) => setTimeout(resolve, 400));
    const afterwards = await read();
    assert.equal(afterwards, before, 'the stocks account was liquidated at its deadline because another account\'s key sent a far-future time');
  } finally {
    await other.stop();
  }
});

test('a far-future time in one account\'s command does not make the feed refuse every real-time tick', async () => {
  const other = await startInProcess({ deadlineCheckMs: 0, webhookAttempts: 1 });
  try {
    const post = async (path: string, body: unknown, authorization = `Bearer ${ADMIN_KEY}`): Promise<RawAnswer> =>
      rawRequest(other.running.url, 'POST', path, { authorization, 'content-type': 'application/json' }, JSON.stringify(body));
    const made = await post('/v1/accounts', { id: 'crypto', snapshot: fixtureSnapshot() });
    const cryptoKey = `Bearer ${String((JSON.parse(made.text) as { key: string }).key)}`;
    assert.equal((await post('/v1/prices', { time: new Date().toISOString(), prices: { BTCUSDT: '60000' } })).status, 200);
    assert.equal((await post('/v1/accounts/crypto/commands', { type: 'deposit', amount: '1', time: '9999-12-31T23:59:59Z' }, cryptoKey)).status, 200);
    // spec/service.md: "a tick earlier than the feed's last is refused whole"; the feed's last tick is the one above.
    const tick = await post('/v1/prices', { time: new Date(Date.now() + 1_000).toISOString(), prices: { BTCUSDT: '60001' } });
    assert.equal(tick.status, 200, `the feed refused a tick later than its last because of an account's command time: ${tick.text}`);
  } finally {
    await other.stop();
  }
});
