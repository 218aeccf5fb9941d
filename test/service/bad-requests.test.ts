// Bad requests (spec/service.md, "Conventions"): malformed JSON, unknown keys, numbers where
// decimals are due: 400; no key: 401; a body over the endpoint's limit: 413; not JSON: 415. Each is
// problem+json with a stable code and, where a field is wrong, `errors[].field` naming it. Nothing
// is written by a request that fails: the ledger's position and state hash are the same after it,
// and its Idempotency-Key can be used afresh.
//
// Hand-written cases, one table per class, with the exact status, code and field; then a seeded
// sample of the fuzz (test/support/request-fuzz.ts; `npm run fuzz:service` runs 10^4 of them).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  BODY_LIMITS, EARLIER, createFixture, fixtureSnapshot, formatSummary, LedgerWatch, parseProblem, problemViolations, rawRequest, runFuzz, sendOversized,
  type Fixture, type RawAnswer,
} from '../support/request-fuzz.js';
import { ADMIN_KEY, startInProcess, type InProcess } from '../support/service-harness.js';

let service: InProcess;
let fixture: Fixture;
let ledger: LedgerWatch;

before(async () => {
  service = await startInProcess({ deadlineCheckMs: 0, webhookAttempts: 1, webhookBaseDelayMs: 3_600_000 });
  fixture = await createFixture(service.running.url, ADMIN_KEY);
  ledger = new LedgerWatch(service.running.url, ADMIN_KEY);
});
after(async () => { await service.stop(); });

type Key = 'admin' | 'account' | 'none';

interface Request {
  readonly method?: 'GET' | 'POST' | 'DELETE';
  readonly path: string;
  readonly key?: Key;
  readonly headers?: Readonly<Record<string, string>>;
  /** application/json when there is a body, unless given; null: no Content-Type at all. */
  readonly contentType?: string | null;
  /** A string or bytes are sent as they are; anything else as JSON. */
  readonly body?: unknown;
  readonly chunked?: boolean;
}

interface Case extends Request {
  readonly name: string;
  readonly status: number;
  readonly code: string;
  /** The field `errors[]` must name (exactly, or matching). */
  readonly field?: string | RegExp;
}

const COMMANDS = (): string => `/v1/accounts/${fixture.account}/commands`;
const SIMULATE = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  account: fixtureSnapshot(), model: { type: 'gbm', volatility: '0.5', drift: '0', daysPerYear: '365' }, horizonDays: '1', steps: 2, paths: 2, seed: 1, ...over,
});
const OPEN = (position: Record<string, unknown>): Record<string, unknown> => ({
  type: 'open', position: { id: 'q', instrument: 'BTCUSDT', side: 'long', quantity: '0.001', leverage: '5', ...position },
});
const SNAPSHOT = (over: Record<string, unknown> = {}): Record<string, unknown> => ({ ...fixtureSnapshot(), ...over });

function keyHeader(key: Key): Record<string, string> {
  if (key === 'admin') return { authorization: `Bearer ${ADMIN_KEY}` };
  if (key === 'account') return { authorization: `Bearer ${fixture.accountKey}` };
  return {};
}

async function send(each: Request): Promise<RawAnswer> {
  const method = each.method ?? (each.body === undefined ? 'GET' : 'POST');
  const body = each.body === undefined ? undefined : typeof each.body === 'string' || each.body instanceof Uint8Array ? each.body : JSON.stringify(each.body);
  const type = each.contentType === undefined ? (body !== undefined ? 'application/json' : null) : each.contentType;
  const headers = { ...keyHeader(each.key ?? 'admin'), ...(type !== null ? { 'content-type': type } : {}), ...each.headers };
  return transport(method, each.path, headers, body, each.chunked === true);
}

/** A large body goes over a raw socket, which reads an answer given before the body is all sent (413, 401). */
function transport(method: string, path: string, headers: Record<string, string>, body: string | Uint8Array | undefined, chunked = false): Promise<RawAnswer> {
  if (typeof body === 'string' && body.length > 512 * 1024) return sendOversized(service.running.url, method, path, headers, body, chunked);
  return rawRequest(service.running.url, method, path, headers, body, chunked ? { chunked: true } : {});
}

/** Runs each case; returns what went wrong, one line per case (empty when all is well). */
async function run(cases: readonly Case[]): Promise<string[]> {
  const wrong: string[] = [];
  for (const each of cases) {
    const before = await ledger.position();
    const answer = await send(each);
    const problems: string[] = [];
    if (answer.status !== each.status) problems.push(`status ${answer.status}, expected ${each.status}`);
    problems.push(...problemViolations(answer));
    const problem = parseProblem(answer.text);
    if (problem?.code !== each.code) problems.push(`code ${String(problem?.code)}, expected ${each.code}`);
    if (each.field !== undefined) {
      const fields = Array.isArray(problem?.errors) ? problem.errors.map((error) => error.field) : [];
      const wanted = each.field;
      if (!fields.some((field) => (typeof wanted === 'string' ? field === wanted : wanted.test(field)))) problems.push(`errors[].field ${JSON.stringify(fields)}, expected ${String(wanted)}`);
    }
    const now = await ledger.position();
    if (now.seq !== before.seq || now.stateHash !== before.stateHash) problems.push(`the ledger moved (entry ${before.seq} -> ${now.seq})`);
    if (problems.length) wrong.push(`${each.name}: ${problems.join('; ')} — got ${answer.status} ${answer.text.slice(0, 240)}`);
  }
  const health = await rawRequest(service.running.url, 'GET', '/health', {});
  if (health.status !== 200) wrong.push(`/health: ${health.status}`);
  return wrong;
}

const POSTS = (): readonly [string, string, unknown][] => [
  ['keys', '/v1/keys', { scopes: ['accounts:read'] }],
  ['webhooks', '/v1/webhooks', { url: 'http://127.0.0.1:9/hook', types: ['debt-written-off'] }],
  ['accounts', '/v1/accounts', { snapshot: fixtureSnapshot() }],
  ['commands', COMMANDS(), { type: 'deposit', amount: '1' }],
  ['prices', '/v1/prices', { prices: { BTCUSDT: '60000' } }],
  ['report', '/v1/report', fixtureSnapshot()],
  ['simulate', '/v1/simulate', SIMULATE()],
];

const invalid = (name: string, path: string, body: unknown, field?: string | RegExp, key: Key = 'admin'): Case => ({
  name, path, body, key, status: 400, code: 'request/invalid', ...(field !== undefined ? { field } : {}),
});

test('malformed JSON: 400 request/invalid, the body as the field', async () => {
  const deep = '['.repeat(100_000) + ']'.repeat(100_000);
  const cases: Case[] = [
    invalid('truncated', '/v1/prices', '{"prices": {"BTCUSDT": "60000"', ''),
    invalid('trailing garbage', '/v1/prices', '{"prices":{"BTCUSDT":"60000"}}x', ''),
    invalid('two documents', '/v1/prices', '{"prices":{"BTCUSDT":"60000"}}{"prices":{"BTCUSDT":"60000"}}', ''),
    invalid('deep nesting, 100 000 arrays', '/v1/prices', deep, ''),
    invalid('deep nesting in a field', '/v1/prices', `{"prices":${'['.repeat(50_000)}${']'.repeat(50_000)}}`, 'prices'),
    invalid('deep nesting of objects', '/v1/report', `${'{"venue":'.repeat(5_000)}1${'}'.repeat(5_000)}`),
    invalid('a number too large for a double', '/v1/prices', '{"prices":{"BTCUSDT":1e999}}', 'prices.BTCUSDT'),
    invalid('a 40-digit integer as a number', COMMANDS(), '{"type":"deposit","amount":1234567890123456789012345678901234567890}', 'amount'),
    invalid('NaN', '/v1/prices', '{"prices":{"BTCUSDT":NaN}}', ''),
    invalid('Infinity', '/v1/prices', '{"prices":{"BTCUSDT":Infinity}}', ''),
    invalid('undefined', COMMANDS(), '{"type":"deposit","amount":undefined}', ''),
    invalid('a single-quoted string', COMMANDS(), "{'type':'deposit','amount':'1'}", ''),
    invalid('a leading zero', COMMANDS(), '{"type":"deposit","amount":01}', ''),
    invalid('a trailing comma', COMMANDS(), '{"type":"deposit","amount":"1",}', ''),
    invalid('a comment', COMMANDS(), '{"type":"deposit", /* */ "amount":"1"}', ''),
    invalid('a byte-order mark before a broken text', '/v1/prices', '\uFEFF{"prices":', ''),
    invalid('two byte-order marks', '/v1/prices', '\uFEFF\uFEFF{"prices":{"BTCUSDT":"60000"}}', ''),
    invalid('invalid UTF-8 between tokens', '/v1/prices', Uint8Array.from([0x7b, 0xff, 0x22, 0x70, 0x22, 0x3a, 0x31, 0x7d]), ''),
    invalid('invalid UTF-8 in a key (decoded as U+FFFD: an unknown field)', '/v1/keys', Uint8Array.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]), '\uFFFD'),
    invalid('an overlong UTF-8 encoding in a decimal', COMMANDS(), Uint8Array.from([...new TextEncoder().encode('{"type":"deposit","amount":"1'), 0xc0, 0xae, ...new TextEncoder().encode('5"}')]), 'amount'),
    invalid('an empty body', '/v1/prices', '', ''),
    invalid('only whitespace', '/v1/prices', ' \n\t ', ''),
  ];
  assert.deepEqual(await run(cases), []);
});

test('wrong top-level types: 400 at the body, for every POST endpoint', async () => {
  const cases = POSTS().flatMap(([name, path]) => ['null', '1', '"x"', 'true', '[]', '[{}]'].map((text) => invalid(`${name} ${text}`, path, text, '')));
  assert.deepEqual(await run(cases), []);
});

test('unknown keys at every level: 400 naming the key', async () => {
  const cases: Case[] = [
    invalid('keys', '/v1/keys', { scopes: ['accounts:read'], admin: true }, 'admin'),
    invalid('webhooks', '/v1/webhooks', { url: 'http://127.0.0.1:9/hook', secret: 'mine' }, 'secret'),
    invalid('accounts', '/v1/accounts', { snapshot: fixtureSnapshot(), key: 'mine' }, 'key'),
    invalid('accounts snapshot', '/v1/accounts', { snapshot: SNAPSHOT({ extra: 1 }) }, 'snapshot.extra'),
    invalid('accounts snapshot.account', '/v1/accounts', { snapshot: SNAPSHOT({ account: { currency: 'USDT', balance: '1', credit: '5' } }) }, 'snapshot.account.credit'),
    invalid('accounts snapshot.positions[0]', '/v1/accounts', {
      snapshot: SNAPSHOT({ positions: [{ id: 'p', instrument: 'BTCUSDT', side: 'long', quantity: '0.1', entryPrice: '60000', leverage: '10', isolatedMargin: '600', stop: '1' }] }),
    }, 'snapshot.positions[0].stop'),
    invalid('accounts market', '/v1/accounts', { snapshot: fixtureSnapshot(), market: { insuranceFund: '1', owner: 'x' } }, 'market.owner'),
    invalid('accounts snapshot.instruments entry (checked by the core)', '/v1/accounts', { snapshot: SNAPSHOT({ instruments: { BTCUSDT: { tickSize: '0.1', colour: 'red' } } }) }, 'snapshot.instruments.BTCUSDT.colour'),
    invalid('accounts snapshot.venue object (checked by the core)', '/v1/accounts', { snapshot: SNAPSHOT({ venue: { extends: 'binance-usdm', generous: true } }) }, 'snapshot.venue.generous'),
    invalid('command', COMMANDS(), { type: 'deposit', amount: '1', memo: 'x' }, 'memo'),
    invalid('command position', COMMANDS(), OPEN({ takeProfit: '1' }), 'position.takeProfit'),
    invalid('command "mark" (prices come from the feed)', COMMANDS(), { type: 'mark', prices: { BTCUSDT: '1' } }, 'type'),
    invalid('prices', '/v1/prices', { prices: { BTCUSDT: '60000' }, source: 'x' }, 'source'),
    invalid('prices ticks[1]', '/v1/prices', { ticks: [{ prices: { BTCUSDT: '60000' } }, { prices: { BTCUSDT: '60000' }, volume: '1' }] }, 'ticks[1].volume'),
    invalid('report', '/v1/report', SNAPSHOT({ extra: 1 }), 'extra'),
    invalid('report positions[0]', '/v1/report', SNAPSHOT({ positions: [{ id: 'p', instrument: 'BTCUSDT', side: 'long', quantity: '0.1', entryPrice: '60000', x: 1 }] }), 'positions[0].x'),
    invalid('simulate', '/v1/simulate', SIMULATE({ extra: 1 }), 'extra'),
    invalid('simulate model', '/v1/simulate', SIMULATE({ model: { type: 'gbm', volatility: '0.5', drift: '0', daysPerYear: '365', skew: '1' } }), 'model.skew'),
    invalid('simulate account', '/v1/simulate', SIMULATE({ account: SNAPSHOT({ extra: 1 }) }), 'account.extra'),
  ];
  assert.deepEqual(await run(cases), []);
});

test('numbers where decimals are due, and decimals the service does not read: 400 naming the field', async () => {
  const cases: Case[] = [
    invalid('deposit amount as a number', COMMANDS(), { type: 'deposit', amount: 1 }, 'amount'),
    invalid('a price as a number', '/v1/prices', { prices: { BTCUSDT: 93000.1 } }, 'prices.BTCUSDT'),
    invalid('a balance as a number', '/v1/accounts', { snapshot: SNAPSHOT({ account: { currency: 'USDT', balance: 10000 } }) }, 'snapshot.account.balance'),
    invalid('a quantity as a number', COMMANDS(), OPEN({ quantity: 0.001 }), 'position.quantity'),
    invalid('an entry price as a number', '/v1/report', SNAPSHOT({ positions: [{ id: 'p', instrument: 'BTCUSDT', side: 'long', quantity: '0.1', entryPrice: 60000 }] }), 'positions[0].entryPrice'),
    invalid('simulate volatility as a number', '/v1/simulate', SIMULATE({ model: { type: 'gbm', volatility: 0.5, drift: '0', daysPerYear: '365' } }), 'model.volatility'),
    invalid('exponent notation 1e5', COMMANDS(), { type: 'deposit', amount: '1e5' }, 'amount'),
    invalid('exponent notation 6E4', '/v1/prices', { prices: { BTCUSDT: '6E4' } }, 'prices.BTCUSDT'),
    invalid('a comma', COMMANDS(), { type: 'deposit', amount: '1,5' }, 'amount'),
    invalid('a leading dot', COMMANDS(), { type: 'deposit', amount: '.5' }, 'amount'),
    invalid('a trailing dot', COMMANDS(), { type: 'deposit', amount: '5.' }, 'amount'),
    invalid('a plus sign', COMMANDS(), { type: 'deposit', amount: '+5' }, 'amount'),
    invalid('spaces', COMMANDS(), { type: 'deposit', amount: ' 5' }, 'amount'),
    invalid('hexadecimal', COMMANDS(), { type: 'deposit', amount: '0x10' }, 'amount'),
    invalid('"NaN"', '/v1/prices', { prices: { BTCUSDT: 'NaN' } }, 'prices.BTCUSDT'),
    invalid('"Infinity"', '/v1/prices', { prices: { BTCUSDT: 'Infinity' } }, 'prices.BTCUSDT'),
    invalid('an empty string', COMMANDS(), { type: 'deposit', amount: '' }, 'amount'),
    invalid('Arabic-Indic digits', COMMANDS(), { type: 'deposit', amount: '\u0665' }, 'amount'),
    invalid('41 digits', COMMANDS(), { type: 'deposit', amount: '9'.repeat(41) }, 'amount'),
    invalid('41 digits in a price', '/v1/prices', { prices: { BTCUSDT: `60000.${'0'.repeat(35)}1` } }, 'prices.BTCUSDT'),
    invalid('100 000 digits', '/v1/prices', { prices: { BTCUSDT: '1'.repeat(100_000) } }, 'prices.BTCUSDT'),
    invalid('more decimals than the account books (USDT: 8)', COMMANDS(), { type: 'deposit', amount: '1.000000001' }, 'amount'),
  ];
  assert.deepEqual(await run(cases), []);
});

test('negative and zero quantities, amounts and prices: 400 naming the field', async () => {
  const cases: Case[] = [
    invalid('open quantity 0', COMMANDS(), OPEN({ quantity: '0' }), 'position.quantity'),
    invalid('open quantity -1', COMMANDS(), OPEN({ quantity: '-1' }), 'position.quantity'),
    invalid('open quantity 0.000', COMMANDS(), OPEN({ quantity: '0.000' }), 'position.quantity'),
    invalid('open leverage 0', COMMANDS(), OPEN({ leverage: '0' }), 'position.leverage'),
    invalid('close quantity 0', COMMANDS(), { type: 'close', position: 'p', quantity: '0' }, 'quantity'),
    invalid('close quantity -0.1', COMMANDS(), { type: 'close', position: 'p', quantity: '-0.1' }, 'quantity'),
    invalid('deposit 0', COMMANDS(), { type: 'deposit', amount: '0' }, 'amount'),
    invalid('withdraw -1', COMMANDS(), { type: 'withdraw', amount: '-1' }, 'amount'),
    invalid('add-margin -5', COMMANDS(), { type: 'add-margin', position: 'p', amount: '-5' }, 'amount'),
    invalid('stop-loss price 0', COMMANDS(), { type: 'stop-loss', position: 'p', price: '0' }, 'price'),
    invalid('take-profit price -1', COMMANDS(), { type: 'take-profit', position: 'p', price: '-1' }, 'price'),
    invalid('a tick price 0', '/v1/prices', { prices: { BTCUSDT: '0' } }, 'prices.BTCUSDT'),
    invalid('a tick price -60000', '/v1/prices', { prices: { BTCUSDT: '-60000' } }, 'prices.BTCUSDT'),
    invalid('a snapshot quantity 0', '/v1/accounts', {
      snapshot: SNAPSHOT({ positions: [{ id: 'p', instrument: 'BTCUSDT', side: 'long', quantity: '0', entryPrice: '60000', leverage: '10', isolatedMargin: '600' }] }),
    }, 'snapshot.positions[0].quantity'),
    invalid('a report entry price -1', '/v1/report', SNAPSHOT({ positions: [{ id: 'p', instrument: 'BTCUSDT', side: 'long', quantity: '0.1', entryPrice: '-1' }] }), 'positions[0].entryPrice'),
    invalid('simulate paths 0', '/v1/simulate', SIMULATE({ paths: 0 }), 'paths'),
    invalid('simulate steps -1', '/v1/simulate', SIMULATE({ steps: -1 }), 'steps'),
  ];
  assert.deepEqual(await run(cases), []);
});

test('unknown accounts, venues, instruments, keys and webhooks', async () => {
  const notFound = (name: string, path: string, body?: unknown, field?: string): Case => ({
    name, path, status: 404, code: 'account/not-found', ...(body !== undefined ? { body } : {}), ...(field !== undefined ? { field } : {}),
  });
  const cases: Case[] = [
    notFound('GET an unknown account', '/v1/accounts/nobody-here'),
    notFound('GET an unknown account\'s scenario', '/v1/accounts/nobody-here/scenario'),
    notFound('command an unknown account', '/v1/accounts/nobody-here/commands', { type: 'deposit', amount: '1' }),
    notFound('events of an unknown account', '/v1/events?account=nobody-here', undefined, 'account'),
    notFound('a webhook for an unknown account', '/v1/webhooks', { url: 'http://127.0.0.1:9/hook', account: 'nobody-here' }, 'account'),
    { ...notFound('the account key on another account', `/v1/accounts/${fixture.otherAccount}`), key: 'account' },
    { ...notFound('the account key commanding another account', `/v1/accounts/${fixture.otherAccount}/commands`, { type: 'deposit', amount: '1' }), key: 'account' },
    { name: 'an unknown venue', path: '/v1/venues/nowhere', status: 404, code: 'venue/not-found', field: 'venue' },
    { name: 'a venue id in the wrong case', path: '/v1/venues/BINANCE-USDM', status: 404, code: 'venue/not-found', field: 'venue' },
    { name: 'revoke an unknown key', method: 'DELETE', path: '/v1/keys/knothing', status: 404, code: 'key/not-found', field: 'id' },
    { name: 'delete an unknown webhook', method: 'DELETE', path: '/v1/webhooks/wh_nothing', status: 404, code: 'webhook/not-found', field: 'id' },
    { name: 'deliveries of an unknown webhook', path: '/v1/webhooks/wh_nothing/deliveries', status: 404, code: 'webhook/not-found', field: 'id' },
    invalid('a snapshot at an unknown venue', '/v1/accounts', { snapshot: SNAPSHOT({ venue: 'nowhere' }) }, 'snapshot.venue'),
    invalid('a custom venue extending an unknown one', '/v1/report', SNAPSHOT({ venue: { extends: 'nowhere' } }), /^venue(\.extends)?$/),
    invalid('a tick at an unknown venue', '/v1/prices', { venue: 'nowhere', prices: { BTCUSDT: '60000' } }, 'venue'),
    invalid('a batch tick at an unknown venue', '/v1/prices', { ticks: [{ prices: { BTCUSDT: '60000' } }, { venue: 'nowhere', prices: { BTCUSDT: '60000' } }] }, 'ticks[1].venue'),
    invalid('opening an unknown instrument', COMMANDS(), OPEN({ instrument: 'NOPE' }), 'position.instrument'),
    invalid('opening "toString"', COMMANDS(), OPEN({ instrument: 'toString' }), 'position.instrument'),
    invalid('a snapshot position in an unknown instrument', '/v1/accounts', {
      snapshot: SNAPSHOT({ positions: [{ id: 'p', instrument: 'NOPE', side: 'long', quantity: '1', entryPrice: '1', leverage: '1' }], marks: {} }),
    }, 'snapshot.positions[0].instrument'),
    invalid('a mark for an unknown instrument', '/v1/report', SNAPSHOT({ marks: { BTCUSDT: '60000', NOPE: '1' } }), 'marks.NOPE'),
  ];
  assert.deepEqual(await run(cases), []);
});

test('overlong strings and ids: 400 naming the field (404 for a path id up to 100 characters)', async () => {
  const cases: Case[] = [
    invalid('an account id of 65 characters', '/v1/accounts', { id: 'a'.repeat(65), snapshot: fixtureSnapshot() }, 'id'),
    invalid('an account id with a slash', '/v1/accounts', { id: 'a/b', snapshot: fixtureSnapshot() }, 'id'),
    invalid('an account id starting with a dash', '/v1/accounts', { id: '-a', snapshot: fixtureSnapshot() }, 'id'),
    invalid('a position id of 65 characters', COMMANDS(), OPEN({ id: 'q'.repeat(65) }), 'position.id'),
    invalid('an instrument of 65 characters', COMMANDS(), OPEN({ instrument: 'B'.repeat(65) }), 'position.instrument'),
    invalid('a close of a position id of 65 characters', COMMANDS(), { type: 'close', position: 'p'.repeat(65) }, 'position'),
    invalid('a key name of 201 characters', '/v1/keys', { scopes: ['accounts:read'], name: 'n'.repeat(201) }, 'name'),
    invalid('a webhook url of 2 049 characters', '/v1/webhooks', { url: `http://x.test/${'u'.repeat(2_035)}` }, 'url'),
    invalid('a currency of 17 characters', '/v1/accounts', { snapshot: SNAPSHOT({ account: { currency: 'U'.repeat(17), balance: '1' } }) }, 'snapshot.account.currency'),
    invalid('a venue of 65 characters', '/v1/accounts', { snapshot: SNAPSHOT({ venue: 'v'.repeat(65) }) }, 'snapshot.venue'),
    invalid('a tick venue of 65 characters', '/v1/prices', { venue: 'v'.repeat(65), prices: { BTCUSDT: '60000' } }, 'venue'),
    { ...invalid('an Idempotency-Key of 256 characters', '/v1/prices', { prices: { BTCUSDT: '60000' } }, 'Idempotency-Key'), headers: { 'idempotency-key': 'k'.repeat(256) } },
    { ...invalid('an Idempotency-Key with a space', '/v1/prices', { prices: { BTCUSDT: '60000' } }, 'Idempotency-Key'), headers: { 'idempotency-key': 'a b' } },
    { name: 'a path account id of 100 characters', path: `/v1/accounts/${'a'.repeat(100)}`, status: 404, code: 'account/not-found' },
    { name: 'a path venue of 65 characters', path: `/v1/venues/${'v'.repeat(65)}`, status: 400, code: 'request/invalid', field: 'venue' },
  ];
  assert.deepEqual(await run(cases), []);
});

test('bodies that are not JSON: 415 request/unsupported-media-type naming Content-Type', async () => {
  const types = ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'text/json', 'application/octet-stream', 'application/json-patch+json'];
  const cases: Case[] = POSTS().flatMap(([name, path, body]) => [null, ...types].map((type): Case => ({
    name: `${name} ${type === null ? 'without a Content-Type' : `as ${type}`}`, path, body: new TextEncoder().encode(JSON.stringify(body)), contentType: type,
    status: 415, code: 'request/unsupported-media-type', field: 'Content-Type',
  })));
  assert.deepEqual(await run(cases), []);
});

test('bodies over the limit: 413 request/too-large at 1 MiB, 4 MiB (accounts, simulate) and 16 MiB (prices); at the limit, not 413', async () => {
  const padded = (size: number): string => `{"pad":"${'x'.repeat(size - 10)}"}`;
  const cases: Case[] = POSTS().flatMap(([name, path]): Case[] => {
    const limit = BODY_LIMITS[name as keyof typeof BODY_LIMITS];
    return [
      { name: `${name}: the limit + 1 byte`, path, body: padded(limit + 1), status: 413, code: 'request/too-large', field: '' },
      { name: `${name}: the limit + 1 byte, chunked`, path, body: padded(limit + 1), chunked: true, status: 413, code: 'request/too-large', field: '' },
      // Exactly at the limit the size is fine: the body is read, and refused for what it holds.
      { name: `${name}: exactly the limit`, path, body: padded(limit), status: 400, code: 'request/invalid' },
    ];
  });
  assert.deepEqual(cases.filter((each) => each.status === 413).length, 14);
  assert.deepEqual(await run(cases), []);
});

test('duplicate keys: the last one counts (JSON.parse), so a broken last one is 400', async () => {
  const cases: Case[] = [
    invalid('prices twice, the last broken', '/v1/prices', '{"prices":{"BTCUSDT":"60000"},"prices":{"BTCUSDT":"abc"}}', 'prices.BTCUSDT'),
    invalid('an instrument twice, the last broken', '/v1/prices', '{"prices":{"BTCUSDT":"60000","BTCUSDT":-1}}', 'prices.BTCUSDT'),
    invalid('amount twice, the last a number', COMMANDS(), '{"type":"deposit","amount":"1","amount":1}', 'amount'),
    invalid('type twice, the last "mark"', COMMANDS(), '{"type":"deposit","amount":"1","type":"mark"}', 'type'),
  ];
  assert.deepEqual(await run(cases), []);
  // The other way round is taken (documented: the last value counts): one entry, and nothing of the first.
  const before = await ledger.position();
  const taken = await send({ path: COMMANDS(), body: '{"type":"deposit","amount":"abc","amount":"2"}' });
  assert.equal(taken.status, 200, taken.text);
  assert.equal((JSON.parse(taken.text) as { events: { amount: string }[] }).events[0]?.amount, '2.00000000');
  assert.equal((await ledger.position()).seq, before.seq + 1);
});

test('arrays where objects are due: 400 naming the field', async () => {
  const cases: Case[] = [
    invalid('snapshot []', '/v1/accounts', { snapshot: [] }, 'snapshot'),
    invalid('snapshot [snapshot]', '/v1/accounts', { snapshot: [fixtureSnapshot()] }, 'snapshot'),
    invalid('snapshot.account []', '/v1/accounts', { snapshot: SNAPSHOT({ account: [] }) }, 'snapshot.account'),
    invalid('position []', COMMANDS(), { type: 'open', position: [] }, 'position'),
    invalid('prices []', '/v1/prices', { prices: [] }, 'prices'),
    invalid('prices [[symbol, price]]', '/v1/prices', { prices: [['BTCUSDT', '60000']] }, 'prices'),
    invalid('ticks [[]]', '/v1/prices', { ticks: [[]] }, 'ticks[0]'),
    invalid('market []', '/v1/accounts', { snapshot: fixtureSnapshot(), market: [] }, 'market'),
    invalid('model []', '/v1/simulate', SIMULATE({ model: [] }), 'model'),
    invalid('marks []', '/v1/report', SNAPSHOT({ marks: [] }), 'marks'),
  ];
  assert.deepEqual(await run(cases), []);
});

test('prototype pollution: __proto__ and constructor.prototype are refused by the parser, nothing is polluted', async () => {
  const cases: Case[] = [
    invalid('__proto__ at the top', '/v1/prices', '{"__proto__":{"polluted":"yes"},"prices":{"BTCUSDT":"60000"}}', ''),
    invalid('__proto__ as an instrument', '/v1/prices', '{"prices":{"__proto__":"1","BTCUSDT":"60000"}}', ''),
    invalid('__proto__ in a command', COMMANDS(), '{"type":"deposit","amount":"1","__proto__":{"isAdmin":true}}', ''),
    invalid('__proto__ in a snapshot position', '/v1/accounts', `{"snapshot":${JSON.stringify(fixtureSnapshot()).replace('"id":"p"', '"__proto__":{"polluted":"yes"},"id":"p"')}}`, ''),
    invalid('constructor.prototype', '/v1/keys', '{"scopes":["accounts:read"],"constructor":{"prototype":{"polluted":"yes"}}}', ''),
    invalid('constructor.prototype in simulate', '/v1/simulate', `{"constructor":{"prototype":{"polluted":"yes"}},${JSON.stringify(SIMULATE()).slice(1)}`, ''),
    invalid('constructor without prototype (an unknown field)', COMMANDS(), '{"type":"deposit","amount":"1","constructor":{}}', 'constructor'),
    invalid('prototype (an unknown field)', '/v1/keys', '{"scopes":["accounts:read"],"prototype":{}}', 'prototype'),
    invalid('type "__proto__"', COMMANDS(), '{"type":"__proto__","amount":"1"}', 'type'),
    invalid('type "constructor"', COMMANDS(), '{"type":"constructor"}', 'type'),
  ];
  assert.deepEqual(await run(cases), []);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal(({} as Record<string, unknown>).isAdmin, undefined);
  assert.equal(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted'), false);
});

test('times that are not ISO 8601: 400; times that go backwards: 422 time/out-of-order, nothing applied', async () => {
  const cases: Case[] = [
    invalid('a command at "yesterday at noon"', COMMANDS(), { type: 'deposit', amount: '1', time: 'yesterday at noon' }, 'time'),
    invalid('a command in month 13', COMMANDS(), { type: 'deposit', amount: '1', time: '2024-13-01T00:00:00Z' }, 'time'),
    invalid('a command on 30 February', COMMANDS(), { type: 'deposit', amount: '1', time: '2024-02-30T00:00:00Z' }, 'time'),
    invalid('a command at 25:00', COMMANDS(), { type: 'deposit', amount: '1', time: '2024-01-01T25:00:00Z' }, 'time'),
    invalid('a command at an offset of +25:00', COMMANDS(), { type: 'deposit', amount: '1', time: '2024-01-01T00:00:00+25:00' }, 'time'),
    invalid('a command at epoch milliseconds', COMMANDS(), { type: 'deposit', amount: '1', time: '1710000000000' }, 'time'),
    invalid('a command at a US date', COMMANDS(), { type: 'deposit', amount: '1', time: '01/02/2024 10:00:00' }, 'time'),
    invalid('a command at an RFC 1123 date', COMMANDS(), { type: 'deposit', amount: '1', time: 'Mon, 01 Jan 2024 00:00:00 GMT' }, 'time'),
    invalid('a command at "2024" (too short)', COMMANDS(), { type: 'deposit', amount: '1', time: '2024' }, 'time'),
    invalid('a command at a number', COMMANDS(), { type: 'deposit', amount: '1', time: 1710000000 }, 'time'),
    invalid('a tick at "now"', '/v1/prices', { time: 'now and then', prices: { BTCUSDT: '60000' } }, 'time'),
    invalid('a batch tick at "2024-1-1T0:0:0Z"', '/v1/prices', { ticks: [{ prices: { BTCUSDT: '60000' } }, { time: '2024-1-1T0:0:0Z', prices: { BTCUSDT: '60000' } }] }, 'ticks[1].time'),
    { name: 'a command before the account\'s last', path: COMMANDS(), body: { type: 'deposit', amount: '1', time: EARLIER }, status: 422, code: 'time/out-of-order', field: 'time' },
    { name: 'an open before the account\'s last', path: COMMANDS(), body: { ...OPEN({}), time: EARLIER }, status: 422, code: 'time/out-of-order', field: 'time' },
    { name: 'a tick before the feed\'s last', path: '/v1/prices', body: { time: EARLIER, prices: { BTCUSDT: '60000' } }, status: 422, code: 'time/out-of-order', field: 'time' },
    {
      name: 'a batch whose second tick goes back', path: '/v1/prices',
      body: { ticks: [{ prices: { BTCUSDT: '61000' } }, { time: EARLIER, prices: { BTCUSDT: '59000' } }] }, status: 422, code: 'time/out-of-order', field: 'ticks[1].time',
    },
  ];
  assert.deepEqual(await run(cases), []);
  // A refused command is the engine's refusal: problem+json with the rejected event.
  const refused = await send({ path: COMMANDS(), body: { type: 'deposit', amount: '1', time: EARLIER } });
  assert.equal((parseProblem(refused.text)?.event as { type?: string } | undefined)?.type, 'rejected');
});

test('a batch of valid ticks with one broken is refused whole: nothing of it is applied', async () => {
  const summary = async (): Promise<string> => (await rawRequest(service.running.url, 'GET', `/v1/accounts/${fixture.account}`, { authorization: `Bearer ${ADMIN_KEY}` })).text;
  const before = await summary();
  const good = (price: string): Record<string, unknown> => ({ prices: { BTCUSDT: price } });
  const cases: Case[] = [
    invalid('bad price text last', '/v1/prices', { ticks: [good('30000'), good('20000'), { prices: { BTCUSDT: 'abc' } }] }, 'ticks[2].prices.BTCUSDT'),
    invalid('a number first', '/v1/prices', { ticks: [{ prices: { BTCUSDT: 30000 } }, good('20000')] }, 'ticks[0].prices.BTCUSDT'),
    invalid('a zero price in the middle', '/v1/prices', { ticks: [good('30000'), { prices: { BTCUSDT: '0' } }, good('20000')] }, 'ticks[1].prices.BTCUSDT'),
    invalid('an unknown key in the middle', '/v1/prices', { ticks: [good('30000'), { ...good('25000'), extra: 1 }, good('20000')] }, 'ticks[1].extra'),
    invalid('no prices', '/v1/prices', { ticks: [good('30000'), { prices: {} }] }, 'ticks[1].prices'),
    invalid('ticks and prices both', '/v1/prices', { ticks: [good('30000')], prices: { BTCUSDT: '20000' } }, 'ticks'),
    invalid('neither ticks nor prices', '/v1/prices', { venue: 'binance-usdm' }, 'prices'),
    invalid('an empty batch', '/v1/prices', { ticks: [] }, 'ticks'),
  ];
  assert.deepEqual(await run(cases), []);
  assert.equal(await summary(), before, 'a refused batch changed the account (the 20 000 prices would have liquidated it)');
});

test('mutations of valid requests: one field broken', async () => {
  const cases: Case[] = [
    invalid('deposit amount null', COMMANDS(), { type: 'deposit', amount: null }, 'amount'),
    invalid('deposit without amount', COMMANDS(), { type: 'deposit' }, 'amount'),
    invalid('open side "up"', COMMANDS(), OPEN({ side: 'up' }), 'position.side'),
    invalid('open without position', COMMANDS(), { type: 'open' }, 'position'),
    invalid('open position null', COMMANDS(), { type: 'open', position: null }, 'position'),
    invalid('debt action "nope"', COMMANDS(), { type: 'debt', action: 'nope' }, 'action'),
    invalid('stop-loss with price and loss', COMMANDS(), { type: 'stop-loss', position: 'p', price: '50000', loss: '10' }, ''),
    invalid('stop-loss with neither', COMMANDS(), { type: 'stop-loss', position: 'p' }, ''),
    invalid('type 5', COMMANDS(), { type: 5, amount: '1' }, 'type'),
    invalid('no type', COMMANDS(), { amount: '1' }, 'type'),
    invalid('scopes []', '/v1/keys', { scopes: [] }, 'scopes'),
    invalid('scopes ["nope"]', '/v1/keys', { scopes: ['nope'] }, 'scopes[0]'),
    invalid('scopes twice the same', '/v1/keys', { scopes: ['accounts:read', 'accounts:read'] }, 'scopes'),
    invalid('scopes as a string', '/v1/keys', { scopes: 'accounts:read' }, 'scopes'),
    invalid('webhook url ftp', '/v1/webhooks', { url: 'ftp://example.com/hook' }, 'url'),
    invalid('webhook url not a url', '/v1/webhooks', { url: 'http://[::1' }, 'url'),
    invalid('webhook types ["nope"]', '/v1/webhooks', { url: 'http://127.0.0.1:9/hook', types: ['nope'] }, 'types[0]'),
    invalid('snapshot without venue', '/v1/accounts', { snapshot: { account: { currency: 'USDT', balance: '1' }, positions: [] } }, 'snapshot.venue'),
    invalid('snapshot without positions', '/v1/accounts', { snapshot: { venue: 'binance-usdm', account: { currency: 'USDT', balance: '1' } } }, 'snapshot.positions'),
    invalid('two positions with one id', '/v1/report', SNAPSHOT({
      positions: [{ id: 'p', instrument: 'BTCUSDT', side: 'long', quantity: '0.1', entryPrice: '60000' }, { id: 'p', instrument: 'BTCUSDT', side: 'long', quantity: '0.1', entryPrice: '60000' }],
    }), 'positions[1].id'),
    invalid('simulate paths "2"', '/v1/simulate', SIMULATE({ paths: '2' }), 'paths'),
    invalid('simulate seed 1.5', '/v1/simulate', SIMULATE({ seed: 1.5 }), 'seed'),
    invalid('simulate without model', '/v1/simulate', SIMULATE({ model: undefined }), 'model'),
    invalid('simulate model.file (not read over HTTP)', '/v1/simulate', SIMULATE({ model: { type: 'bootstrap', file: '/etc/passwd' } }), 'model.file'),
    { name: 'simulate paths × steps above the cap', path: '/v1/simulate', body: SIMULATE({ paths: 1_000_000_000, steps: 2 }), status: 413, code: 'simulate/too-large', field: 'paths' },
  ];
  assert.deepEqual(await run(cases), []);
});

test('query strings: 400 naming the parameter, 404 for an account the key may not see', async () => {
  const parameter = (name: string): string => name;
  const paths = ['/v1/accounts', '/v1/ledger/entries', `/v1/webhooks/${fixture.webhook}/deliveries`, '/v1/events'];
  const cases: Case[] = [
    ...paths.flatMap((path): Case[] => [
      invalid(`${path} limit=0`, `${path}?limit=0`, undefined, parameter('limit')),
      invalid(`${path} limit=1001`, `${path}?limit=1001`, undefined, parameter('limit')),
      invalid(`${path} limit=x`, `${path}?limit=x`, undefined, parameter('limit')),
      invalid(`${path} after=-1`, `${path}?after=-1`, undefined, parameter('after')),
      invalid(`${path} after=1e3`, `${path}?after=1e3`, undefined, parameter('after')),
      invalid(`${path} after=16 digits`, `${path}?after=${'9'.repeat(16)}`, undefined, parameter('after')),
      invalid(`${path} limit twice`, `${path}?limit=1&limit=2`, undefined, parameter('limit')),
      invalid(`${path} unknown parameter`, `${path}?sort=desc`, undefined, parameter('sort')),
    ]),
    invalid('events type=nope', '/v1/events?type=nope', undefined, parameter('type')),
    invalid('events account= (empty)', '/v1/events?account=', undefined, parameter('account')),
    invalid('events account of 65 characters', `/v1/events?account=${'a'.repeat(65)}`, undefined, parameter('account')),
    invalid('stream limit=x', '/v1/events/stream?limit=x', undefined, parameter('limit')),
    { ...invalid('stream Last-Event-ID x', '/v1/events/stream', undefined, 'Last-Event-ID'), headers: { 'last-event-id': 'x' } },
    { ...invalid('stream Last-Event-ID 16 digits', '/v1/events/stream', undefined, 'Last-Event-ID'), headers: { 'last-event-id': '9'.repeat(16) } },
    { name: 'the account key asking for another account\'s events', path: `/v1/events?account=${fixture.otherAccount}`, key: 'account', status: 404, code: 'account/not-found', field: 'account' },
    { name: 'and its stream', path: `/v1/events/stream?account=${fixture.otherAccount}`, key: 'account', status: 404, code: 'account/not-found', field: 'account' },
  ];
  assert.deepEqual(await run(cases), []);
});

test('no key, a malformed one, an unknown one: 401 with the code spec/service.md names', async () => {
  const cases: Case[] = ['/v1/accounts', '/v1/ledger', `/v1/accounts/${fixture.account}`].flatMap((path): Case[] => [
    { name: `${path} no key`, path, key: 'none', status: 401, code: 'auth/missing-key', field: 'Authorization' },
    { name: `${path} empty header`, path, key: 'none', headers: { authorization: '' }, status: 401, code: 'auth/missing-key', field: 'Authorization' },
    { name: `${path} Basic`, path, key: 'none', headers: { authorization: 'Basic dXNlcjpwYXNz' }, status: 401, code: 'auth/invalid-key', field: 'Authorization' },
    { name: `${path} Bearer alone`, path, key: 'none', headers: { authorization: 'Bearer' }, status: 401, code: 'auth/invalid-key', field: 'Authorization' },
    { name: `${path} two tokens`, path, key: 'none', headers: { authorization: 'Bearer a b' }, status: 401, code: 'auth/invalid-key', field: 'Authorization' },
    { name: `${path} an unknown key`, path, key: 'none', headers: { authorization: `Bearer sk_k0123456789abcdef_${'A'.repeat(43)}` }, status: 401, code: 'auth/invalid-key', field: 'Authorization' },
    { name: `${path} the admin key with a character more`, path, key: 'none', headers: { authorization: `Bearer ${ADMIN_KEY}x` }, status: 401, code: 'auth/invalid-key', field: 'Authorization' },
  ]);
  // A bad body does not get past a missing key: 401 before 400 or 413.
  cases.push({ name: 'no key and a broken body', path: '/v1/prices', key: 'none', body: '{', status: 401, code: 'auth/missing-key' });
  cases.push({ name: 'no key and an oversized body', path: '/v1/prices', key: 'none', body: `{"pad":"${'x'.repeat(17 << 20)}"}`, status: 401, code: 'auth/missing-key' });
  assert.deepEqual(await run(cases), []);
});

test('an Idempotency-Key sent with a request refused before the ledger stores nothing: a valid retry with it is taken afresh', async () => {
  const post = (path: string, body: string, idempotencyKey: string, key: Key = 'admin', contentType = 'application/json'): Promise<RawAnswer> =>
    transport('POST', path, { ...keyHeader(key), 'content-type': contentType, 'idempotency-key': idempotencyKey }, body);
  const attempts: [string, () => Promise<RawAnswer>, number, () => Promise<RawAnswer>, number][] = [];
  const add = (name: string, failing: (key: string) => Promise<RawAnswer>, failingStatus: number, valid: (key: string) => Promise<RawAnswer>, validStatus: number): void => {
    const key = `bad-requests-${attempts.length}-${name.replace(/\W+/g, '-')}`;
    attempts.push([name, () => failing(key), failingStatus, () => valid(key), validStatus]);
  };
  const validTick = (key: string): Promise<RawAnswer> => post('/v1/prices', '{"prices":{"NOBODY":"1"}}', key);
  const validDeposit = (key: string, as: Key = 'admin'): Promise<RawAnswer> => post(COMMANDS(), '{"type":"deposit","amount":"1"}', key, as);
  add('400 broken JSON on prices', (key) => post('/v1/prices', '{"prices":', key), 400, validTick, 200);
  add('400 a number for a decimal on prices', (key) => post('/v1/prices', '{"prices":{"NOBODY":1}}', key), 400, validTick, 200);
  add('400 a command the parser refuses', (key) => post(COMMANDS(), '{"type":"deposit","amount":"0"}', key), 400, validDeposit, 200);
  add('400 on keys', (key) => post('/v1/keys', '{"scopes":[]}', key), 400, (key) => post('/v1/keys', '{"scopes":["accounts:read"]}', key), 201);
  add('400 on webhooks', (key) => post('/v1/webhooks', '{"url":"ftp://x.test"}', key), 400, (key) => post('/v1/webhooks', '{"url":"http://127.0.0.1:9/hook","types":["debt-written-off"]}', key), 201);
  add('400 on accounts', (key) => post('/v1/accounts', '{"snapshot":{}}', key), 400, (key) => post('/v1/accounts', JSON.stringify({ snapshot: fixtureSnapshot() }), key), 201);
  add('403 the account key on prices', (key) => post('/v1/prices', '{"prices":{"NOBODY":"1"}}', key, 'account'), 403, (key) => validDeposit(key, 'account'), 200);
  add('404 an unknown account', (key) => post('/v1/accounts/nobody-here/commands', '{"type":"deposit","amount":"1"}', key), 404, validDeposit, 200);
  add('404 another account to the account key', (key) => post(`/v1/accounts/${fixture.otherAccount}/commands`, '{"type":"deposit","amount":"1"}', key, 'account'), 404, (key) => validDeposit(key, 'account'), 200);
  add('404 a webhook for an unknown account', (key) => post('/v1/webhooks', '{"url":"http://127.0.0.1:9/hook","account":"nobody-here"}', key), 404,
    (key) => post('/v1/webhooks', '{"url":"http://127.0.0.1:9/hook","types":["debt-written-off"]}', key), 201);
  add('409 an account that exists', (key) => post('/v1/accounts', JSON.stringify({ id: fixture.account, snapshot: fixtureSnapshot() }), key), 409,
    (key) => post('/v1/accounts', JSON.stringify({ id: `${fixture.account}-2`, snapshot: fixtureSnapshot() }), key), 201);
  add('413 an oversized body', (key) => post('/v1/prices', `{"pad":"${'x'.repeat(16 << 20)}"}`, key), 413, validTick, 200);
  add('415 not JSON', (key) => post('/v1/prices', '{"prices":{"NOBODY":"1"}}', key, 'admin', 'text/plain'), 415, validTick, 200);
  add('422 a tick before the feed\'s last (refused whole, before the ledger)', (key) => post('/v1/prices', JSON.stringify({ time: EARLIER, prices: { NOBODY: '1' } }), key), 422, validTick, 200);
  const wrong: string[] = [];
  for (const [name, failing, failingStatus, valid, validStatus] of attempts) {
    const before = await ledger.position();
    const failed = await failing();
    const after = await ledger.position();
    if (failed.status !== failingStatus) wrong.push(`${name}: the failing request answered ${failed.status} ${failed.text.slice(0, 200)}`);
    if (after.seq !== before.seq || after.stateHash !== before.stateHash) wrong.push(`${name}: the failing request moved the ledger`);
    const retried = await valid();
    if (retried.status !== validStatus || retried.headers.get('idempotent-replayed') !== null) wrong.push(`${name}: the valid retry answered ${retried.status} ${retried.text.slice(0, 200)}`);
    if ((await ledger.position()).seq !== after.seq + 1) wrong.push(`${name}: the valid retry did not write one entry`);
  }
  assert.deepEqual(wrong, []);

  // An engine's refusal reached the ledger: it is stored, answered again, and the key is taken.
  const key = 'bad-requests-refusal';
  const refusal = JSON.stringify({ type: 'withdraw', amount: '1000000' });
  const first = await post(COMMANDS(), refusal, key);
  assert.equal(first.status, 422, first.text);
  const again = await post(COMMANDS(), refusal, key);
  assert.equal(again.status, 422);
  assert.equal(again.text, first.text);
  assert.equal(again.headers.get('idempotent-replayed'), 'true');
  const other = await validDeposit(key);
  assert.equal(other.status, 422);
  assert.equal(parseProblem(other.text)?.code, 'idempotency/key-reused');
});

test('documented leniencies: a byte-order mark before valid JSON is ignored (RFC 8259 §8.1), as is a charset parameter', async () => {
  const bom = await send({ path: '/v1/prices', body: '\uFEFF{"prices":{"NOBODY":"1"}}' });
  assert.equal(bom.status, 200, bom.text);
  const charset = await send({ path: '/v1/prices', body: '{"prices":{"NOBODY":"1"}}', contentType: 'application/json; charset=utf-8' });
  assert.equal(charset.status, 200, charset.text);
});

// ---------------------------------------------------------------------------------------------------
// Regressions: each of these failed before b384391 (found by this suite while it was written) and passes since.

test('a path id of 101 to 128 characters is 404 problem+json (IdParam allows 128; was Fastify\'s bare 414)', async () => {
  assert.deepEqual(await run([
    { name: 'GET an account id of 120 characters', path: `/v1/accounts/${'a'.repeat(120)}`, status: 404, code: 'account/not-found' },
    { name: 'DELETE a key id of 120 characters', method: 'DELETE', path: `/v1/keys/${'k'.repeat(120)}`, status: 404, code: 'key/not-found' },
  ]), []);
});

test('a path id over the schema\'s limit is 400 problem+json naming it; past the router\'s limit, 414 problem+json (was Fastify\'s bare 414)', async () => {
  assert.deepEqual(await run([
    { name: 'GET an account id of 200 characters', path: `/v1/accounts/${'a'.repeat(200)}`, status: 400, code: 'request/invalid', field: 'id' },
    { name: 'GET a venue of 120 characters', path: `/v1/venues/${'v'.repeat(120)}`, status: 400, code: 'request/invalid', field: 'venue' },
    { name: 'GET an account id of 2 000 characters', path: `/v1/accounts/${'a'.repeat(2_000)}`, status: 414, code: 'request/uri-too-long' },
  ]), []);
});

test('a malformed percent-escape in the path is 400 problem+json (was Fastify\'s bare FST_ERR_BAD_URL)', async () => {
  assert.deepEqual(await run([
    { name: 'GET /v1/accounts/%E0%A4%A', path: '/v1/accounts/%E0%A4%A', status: 400, code: 'request/invalid' },
    { name: 'DELETE /v1/keys/%ZZ', method: 'DELETE', path: '/v1/keys/%ZZ', status: 400, code: 'request/invalid' },
  ]), []);
});

test('an instrument name in a tick is 1 to 64 characters (was unchecked: Type.Record dropped the key\'s limits, and "" was booked)', async () => {
  assert.deepEqual(await run([
    invalid('an empty instrument name', '/v1/prices', { prices: { '': '60000' } }, /^prices/),
    invalid('an instrument name of 300 characters', '/v1/prices', { prices: { ['X'.repeat(300)]: '1' } }, /^prices/),
  ]), []);
});

test('negative paths × negative steps is 400 naming paths (was 413 simulate/too-large)', async () => {
  assert.deepEqual(await run([invalid('paths -100000, steps -100000', '/v1/simulate', SIMULATE({ paths: -100_000, steps: -100_000 }), 'paths')]), []);
});

// ---------------------------------------------------------------------------------------------------
// The fuzz, a seeded sample (`npm run fuzz:service` runs 10^4).

test('fuzzed bad requests: a seeded sample of 500, every one 4xx, problem+json, and nothing written', async (t) => {
  const fresh = await startInProcess({ deadlineCheckMs: 0, webhookAttempts: 1, webhookBaseDelayMs: 3_600_000 });
  try {
    const summary = await runFuzz({ url: fresh.running.url, adminKey: ADMIN_KEY, seed: 20261204, requests: 500, hashEvery: 10, inProcess: true });
    for (const line of formatSummary(summary, 10).split('\n')) t.diagnostic(line);
    assert.equal(summary.requests, 500);
    assert.equal(summary.serverErrors, 0, '5xx');
    assert.equal(summary.ledgerChangesOnFailure, 0, 'ledger changes on failed requests');
    assert.equal(summary.hashChangesOnFailure, 0, 'state-hash changes with only failed requests');
    assert.ok(summary.idempotencyRetries > 50, `idempotency retries: ${summary.idempotencyRetries}`);
    assert.deepEqual(summary.violations.map((each) => `#${each.index} ${each.label}: ${each.problems.join('; ')} — ${each.request.slice(0, 160)}`), []);
  } finally {
    await fresh.stop();
  }
});
