// Malformed requests for the service's HTTP edge (spec/service.md), as fast-check arbitraries, and
// the oracle every one of them must satisfy:
//   - a 4xx, never a 5xx: 413 above a body limit, 415 for a body that is not JSON;
//   - application/problem+json with a stable `code`, and `errors[].field` naming the field at fault;
//   - nothing written: no ledger entry, the same state hash, and an Idempotency-Key sent with it can
//     be used afresh (a request refused before the ledger stores nothing);
//   - the service still answers /health, and no prototype was polluted.
// Each request is a mutation of a valid one (break one field) or a malformed body, header, path or
// query. runFuzz sends a seeded sample of them and counts what happened; the CI test
// (test/service/bad-requests.test.ts) and `npm run fuzz:service` (scripts/fuzz-service.mjs) use it.
import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { KEY_SCOPES } from '../../src/service/live/entries.js';

export type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };
type Path = readonly (string | number)[];

// -------------------------------------------------------------------------------------------------
// The service the requests are aimed at.

/** What the fuzz creates first, and aims its requests at. */
export interface Fixture {
  /** An account at binance-usdm with an isolated BTCUSDT position "p". */
  readonly account: string;
  readonly accountKey: string;
  /** Another account, which `accountKey` may not see. */
  readonly otherAccount: string;
  readonly webhook: string;
  /** The time of the fixture's first tick and command: every later time is at or after it. */
  readonly time: string;
  /** This run's own mark, on its ids and Idempotency-Keys, so that a service can be fuzzed twice. */
  readonly run: string;
}

export const WEBHOOK_URL = 'http://127.0.0.1:9/fuzz-hook';
/** A time before anything the fixture has been given: a command or tick at it goes backwards. */
export const EARLIER = '2001-02-03T04:05:06Z';

export function fixtureSnapshot(): { [key: string]: Json } {
  return {
    venue: 'binance-usdm',
    account: { currency: 'USDT', balance: '10000' },
    positions: [{ id: 'p', instrument: 'BTCUSDT', side: 'long', quantity: '0.1', entryPrice: '60000', leverage: '10', isolatedMargin: '600' }],
    marks: { BTCUSDT: '60000' },
  };
}

const SIMULATE_MODEL = { type: 'gbm', volatility: '0.5', drift: '0', daysPerYear: '365' };

/** A JSON client for the fuzz: raw bodies and headers, no assumptions about what comes back. */
export interface RawAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

export async function rawRequest(
  url: string, method: string, path: string, headers: Readonly<Record<string, string>>, body?: string | Uint8Array, options: { chunked?: boolean; stream?: boolean } = {},
): Promise<RawAnswer> {
  const controller = new AbortController();
  let payload: RequestInit['body'];
  if (body !== undefined && options.chunked) {
    const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body;
    payload = new ReadableStream<Uint8Array>({
      start(stream) {
        for (let at = 0; at < bytes.length; at += 65_536) stream.enqueue(bytes.subarray(at, at + 65_536));
        stream.close();
      },
    });
  } else if (body !== undefined) {
    payload = typeof body === 'string' ? body : new Blob([body]);
  }
  const init: RequestInit & { duplex?: 'half' } = { method, headers: { ...headers }, signal: controller.signal };
  if (payload !== undefined) init.body = payload;
  if (options.chunked) init.duplex = 'half';
  const response = await fetch(`${url}${path}`, init);
  if (options.stream && response.status === 200) {
    // An event stream never ends: the status and headers are the answer.
    controller.abort();
    return { status: response.status, headers: response.headers, text: '' };
  }
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/**
 * A body too large for the endpoint, over a raw socket, sent as a careful client sends it. The
 * service answers 413 from the Content-Length alone and closes the connection (Fastify: "the client
 * may send more data"); a client still writing then gets a reset that can swallow the answer (fetch
 * fails with EPIPE). So: the headers first, then a pause for an early answer, then the body in
 * pieces, the last one after another pause, reading all the while.
 */
export function sendOversized(url: string, method: string, path: string, headers: Readonly<Record<string, string>>, body: string, chunked: boolean): Promise<RawAnswer> {
  const target = new URL(url);
  const bytes = Buffer.from(body, 'utf8');
  const head = [`${method} ${path} HTTP/1.1`, `host: ${target.host}`, ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
    chunked ? 'transfer-encoding: chunked' : `content-length: ${bytes.length}`, '', ''].join('\r\n');
  return new Promise((resolve, reject) => {
    const socket = connect(Number(target.port), target.hostname);
    let received = Buffer.alloc(0);
    let answered = false;
    const finish = (): boolean => {
      const end = received.indexOf('\r\n\r\n');
      if (end < 0) return false;
      const [statusLine = '', ...lines] = received.subarray(0, end).toString('latin1').split('\r\n');
      const status = Number(statusLine.split(' ')[1]);
      if (status === 100) {
        received = received.subarray(end + 4);
        return finish();
      }
      const answerHeaders = new Headers();
      for (const line of lines) {
        const colon = line.indexOf(':');
        answerHeaders.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
      }
      const length = Number(answerHeaders.get('content-length') ?? Number.NaN);
      const rest = received.subarray(end + 4);
      if (Number.isNaN(length) || rest.length < length) return false;
      answered = true;
      socket.destroy();
      resolve({ status, headers: answerHeaders, text: rest.subarray(0, length).toString('utf8') });
      return true;
    };
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      finish();
    });
    // Writing into a connection the service has closed fails: that is expected once it has answered.
    socket.on('error', (error) => { if (!answered && !finish()) reject(error); });
    socket.on('close', () => { if (!answered && !finish()) reject(new Error(`the connection closed without a complete answer (${received.length} bytes)`)); });
    const pause = (ms: number): Promise<void> => new Promise((resume) => {
      const timer = setTimeout(resume, ms);
      socket.once('close', () => { clearTimeout(timer); resume(); });
    });
    const write = async (piece: Buffer): Promise<void> => {
      if (answered || socket.destroyed) return;
      if (!socket.write(chunked ? Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n')]) : piece)) {
        await new Promise((drained) => { socket.once('drain', drained); socket.once('close', drained); });
      }
    };
    socket.on('connect', async () => {
      socket.write(head);
      await pause(chunked ? 0 : 300);
      const last = Math.max(0, bytes.length - 8_192);
      for (let at = 0; at < last && !answered && !socket.destroyed; at += 65_536) await write(bytes.subarray(at, Math.min(at + 65_536, last)));
      await pause(50);
      await write(bytes.subarray(last));
      await pause(50);
      if (chunked && !answered && !socket.destroyed) socket.write('0\r\n\r\n');
    });
  });
}

const bearer = (key: string): Record<string, string> => ({ authorization: `Bearer ${key}` });
const JSON_HEADERS = { 'content-type': 'application/json' };

/** Makes the fixture: two accounts (ids of their own, so a service can be fuzzed twice), a webhook, a first tick and a first command. */
export async function createFixture(url: string, adminKey: string): Promise<Fixture> {
  const run = randomBytes(4).toString('hex');
  const account = `fuzz-${run}-account`;
  const otherAccount = `fuzz-${run}-other`;
  const admin = async (method: string, path: string, body?: Json): Promise<Record<string, unknown>> => {
    const answer = await rawRequest(url, method, path, { ...bearer(adminKey), ...(body !== undefined ? JSON_HEADERS : {}) }, body === undefined ? undefined : JSON.stringify(body));
    if (answer.status >= 300) throw new Error(`fixture: ${method} ${path}: ${answer.status} ${answer.text}`);
    return JSON.parse(answer.text) as Record<string, unknown>;
  };
  const created = await admin('POST', '/v1/accounts', { id: account, snapshot: fixtureSnapshot() });
  await admin('POST', '/v1/accounts', { id: otherAccount, snapshot: fixtureSnapshot() });
  const hook = await admin('POST', '/v1/webhooks', { url: WEBHOOK_URL, types: ['debt-written-off'], account: otherAccount });
  const time = new Date().toISOString();
  await admin('POST', '/v1/prices', { time, prices: { BTCUSDT: '60000', NOBODY: '1' } });
  await admin('POST', `/v1/accounts/${account}/commands`, { type: 'deposit', amount: '1', time });
  return { account, accountKey: String(created.key), otherAccount, webhook: String(hook.id), time, run };
}

// -------------------------------------------------------------------------------------------------
// Requests and what is expected of them.

/** The key a request carries: the admin's, the fixture account's, none, or a header given as is. */
export type KeyChoice = 'admin' | 'account' | 'none' | { readonly authorization: string };

export type Expectation =
  /** Refused: one of these statuses, with this code and (when given) an `errors[].field` equal to or matching `field`. */
  | { readonly kind: 'reject'; readonly status: number | readonly number[]; readonly code?: string | readonly string[]; readonly field?: string | RegExp }
  /** May be taken or refused (a mutation that happens to stay valid): never a 5xx, problem+json when refused. */
  | { readonly kind: 'any' };

export type Endpoint = 'keys' | 'webhooks' | 'accounts' | 'commands' | 'prices' | 'report' | 'simulate' | 'read';

export interface FuzzRequest {
  /** The class of malformation, e.g. "json/truncated": the summary counts by it. */
  readonly label: string;
  readonly endpoint: Endpoint;
  readonly method: 'GET' | 'POST' | 'DELETE';
  readonly path: string;
  readonly key: KeyChoice;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string | Uint8Array;
  /** A body this many bytes larger than the endpoint's limit (made when sent). */
  readonly oversize?: { readonly limit: number; readonly extra: number };
  readonly chunked?: boolean;
  /** GET /v1/events/stream: only the status and headers are read. */
  readonly stream?: boolean;
  readonly idempotencyKey?: string;
  readonly expect: Expectation;
}

const reject = (status: number | readonly number[], code?: string | readonly string[], field?: string | RegExp): Expectation => ({
  kind: 'reject', status, ...(code !== undefined ? { code } : {}), ...(field !== undefined ? { field } : {}),
});
const invalid = (field?: string | RegExp): Expectation => reject(400, 'request/invalid', field);
const ANY: Expectation = { kind: 'any' };

export const BODY_LIMITS: Readonly<Record<Exclude<Endpoint, 'read'>, number>> = {
  keys: 1 << 20, webhooks: 1 << 20, report: 1 << 20, commands: 1 << 20, accounts: 4 << 20, simulate: 4 << 20, prices: 16 << 20,
};
/** Endpoints whose POSTs go through the idempotency gate (and write when they succeed). */
export const GATED: ReadonlySet<Endpoint> = new Set(['keys', 'webhooks', 'accounts', 'commands', 'prices']);

/** A field path as the service writes it: snapshot.positions[0].quantity. */
export function fieldOf(path: Path): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(part)) out += out ? `.${part}` : part;
    else out += `[${JSON.stringify(part)}]`;
  }
  return out;
}

/** A field named in a query string or path: by its own name ("limit", "venue"). */
export const parameterField = (name: string): string => name;

// -------------------------------------------------------------------------------------------------
// JSON text with edits: a value replaced by raw text, raw members put before an object's own.

interface Edits {
  readonly raw?: ReadonlyMap<string, string>;
  readonly prepend?: ReadonlyMap<string, readonly string[]>;
}

const pathKey = (path: Path): string => JSON.stringify(path);

export function toText(value: Json, edits: Edits = {}, path: Path = []): string {
  const raw = edits.raw?.get(pathKey(path));
  if (raw !== undefined) return raw;
  if (Array.isArray(value)) return `[${value.map((item, index) => toText(item, edits, [...path, index])).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const members = Object.entries(value).map(([name, item]) => `${JSON.stringify(name)}:${toText(item as Json, edits, [...path, name])}`);
    return `{${[...(edits.prepend?.get(pathKey(path)) ?? []), ...members].join(',')}}`;
  }
  return JSON.stringify(value);
}

const rawAt = (path: Path, text: string): Edits => ({ raw: new Map([[pathKey(path), text]]) });
const prependAt = (path: Path, members: readonly string[]): Edits => ({ prepend: new Map([[pathKey(path), members]]) });

interface Node {
  readonly path: Path;
  readonly value: Json;
}

function nodesOf(value: Json, path: Path = []): Node[] {
  const here: Node = { path, value };
  if (Array.isArray(value)) return [here, ...value.flatMap((item: Json, index: number) => nodesOf(item, [...path, index]))];
  if (value !== null && typeof value === 'object') return [here, ...Object.entries(value).flatMap(([name, item]) => nodesOf(item as Json, [...path, name]))];
  return [here];
}

function setAt(value: Json, path: Path, replacement: Json | undefined): Json {
  if (path.length === 0) return replacement ?? null;
  const [head, ...rest] = path as [string | number, ...(string | number)[]];
  if (Array.isArray(value)) {
    const copy = [...value];
    const index = head as number;
    if (rest.length === 0 && replacement === undefined) copy.splice(index, 1);
    else copy[index] = setAt(copy[index] as Json, rest, replacement);
    return copy;
  }
  const copy: Record<string, Json> = { ...(value as Record<string, Json>) };
  if (rest.length === 0 && replacement === undefined) delete copy[head];
  else copy[head] = setAt(copy[head as string] as Json, rest, replacement);
  return copy;
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const isObject = (value: Json): value is { readonly [key: string]: Json } => value !== null && typeof value === 'object' && !Array.isArray(value);
const lastName = (path: Path): string | number | undefined => path[path.length - 1];
/** Objects whose keys are data (instrument -> price), not fields. */
const isRecord = (path: Path): boolean => lastName(path) === 'prices' || lastName(path) === 'marks';

// -------------------------------------------------------------------------------------------------
// Valid requests, to break one piece of at a time.

interface Target {
  readonly endpoint: Exclude<Endpoint, 'read'>;
  readonly path: string;
  readonly key: KeyChoice;
  readonly body: Json;
}

const scopesArbitrary = fc.subarray([...KEY_SCOPES], { minLength: 1 });
const nameArbitrary = fc.stringMatching(/^[a-z][a-z0-9 -]{0,30}$/);
const priceNear = (low: number, high: number): fc.Arbitrary<string> => fc.integer({ min: low * 10, max: high * 10 }).map((units) => (units / 10).toFixed(1));

function commandArbitrary(fixture: Fixture): fc.Arbitrary<Json> {
  const timed = (command: { [key: string]: Json }): fc.Arbitrary<Json> =>
    fc.boolean().map((withTime) => (withTime ? { ...command, time: fixture.time } : command));
  return fc.oneof(
    fc.constantFrom('1', '2.5', '100').chain((amount) => timed({ type: 'deposit', amount })),
    fc.constantFrom('1', '0.5').chain((amount) => timed({ type: 'withdraw', amount })),
    fc.record({ id: fc.stringMatching(/^q[0-9]{1,3}$/), side: fc.constantFrom('long', 'short') }).chain(({ id, side }) =>
      timed({ type: 'open', position: { id, instrument: 'BTCUSDT', side, quantity: '0.001', leverage: '5' } })),
    timed({ type: 'close', position: 'p', quantity: '0.001' }),
    timed({ type: 'stop-loss', position: 'p', price: '50000' }),
    timed({ type: 'take-profit', position: 'p', price: '70000' }),
    timed({ type: 'add-margin', position: 'p', amount: '1' }),
    timed({ type: 'debt', action: 'demand' }),
  );
}

function tickArbitrary(withTime: boolean, fixture: Fixture): fc.Arbitrary<{ [key: string]: Json }> {
  return fc.record({
    price: priceNear(59_500, 60_500),
    venue: fc.option(fc.constant('binance-usdm'), { nil: undefined }),
    timed: withTime ? fc.boolean() : fc.constant(false),
  }).map(({ price, venue, timed }) => ({
    ...(venue !== undefined ? { venue } : {}), ...(timed ? { time: fixture.time } : {}), prices: { BTCUSDT: price, NOBODY: '1' },
  }));
}

/** A valid request to every POST endpoint (valid as JSON and as a shape; the engine may still refuse a command). */
export function validTarget(fixture: Fixture): fc.Arbitrary<Target> {
  const commands = `/v1/accounts/${fixture.account}/commands`;
  return fc.oneof(
    fc.record({ scopes: scopesArbitrary, name: fc.option(nameArbitrary, { nil: undefined }) })
      .map(({ scopes, name }): Target => ({ endpoint: 'keys', path: '/v1/keys', key: 'admin', body: { scopes, ...(name !== undefined ? { name } : {}) } })),
    fc.boolean().map((forAccount): Target => ({
      endpoint: 'webhooks', path: '/v1/webhooks', key: 'admin',
      body: { url: WEBHOOK_URL, types: ['debt-written-off'], ...(forAccount ? { account: fixture.otherAccount } : {}) },
    })),
    fc.record({ id: fc.option(fc.stringMatching(/^fz-[0-9a-f]{8}$/), { nil: undefined }), market: fc.boolean() }).map(({ id, market }): Target => ({
      endpoint: 'accounts', path: '/v1/accounts', key: 'admin',
      body: { ...(id !== undefined ? { id } : {}), snapshot: fixtureSnapshot(), ...(market ? { market: { insuranceFund: '1000' } } : {}) },
    })),
    fc.record({ command: commandArbitrary(fixture), key: fc.constantFrom<KeyChoice>('admin', 'account') })
      .map(({ command, key }): Target => ({ endpoint: 'commands', path: commands, key, body: command })),
    fc.oneof(
      tickArbitrary(true, fixture),
      fc.array(tickArbitrary(true, fixture), { minLength: 1, maxLength: 3 }).map((ticks) => ({ ticks })),
    ).map((body): Target => ({ endpoint: 'prices', path: '/v1/prices', key: 'admin', body })),
    fc.constant<Target>({ endpoint: 'report', path: '/v1/report', key: 'admin', body: fixtureSnapshot() }),
    fc.record({ paths: fc.integer({ min: 1, max: 3 }), steps: fc.integer({ min: 1, max: 3 }), seed: fc.integer({ min: 0, max: 1000 }) })
      .map(({ paths, steps, seed }): Target => ({
        endpoint: 'simulate', path: '/v1/simulate', key: 'admin',
        body: { account: fixtureSnapshot(), model: SIMULATE_MODEL, horizonDays: '1', steps, paths, seed },
      })),
  );
}

const post = (target: Target, label: string, body: string | Uint8Array, expect: Expectation, extra: Partial<FuzzRequest> = {}): FuzzRequest => ({
  label, endpoint: target.endpoint, method: 'POST', path: target.path, key: target.key, headers: JSON_HEADERS, body, expect, ...extra,
});

/** An Idempotency-Key on a quarter of the requests to gated endpoints. */
const idempotencyArbitrary = fc.option(fc.stringMatching(/^fuzz-[0-9a-f]{20}$/), { freq: 3, nil: undefined });

function withIdempotency(arbitrary: fc.Arbitrary<FuzzRequest>): fc.Arbitrary<FuzzRequest> {
  return fc.tuple(arbitrary, idempotencyArbitrary).map(([request, key]) =>
    (key !== undefined && request.method === 'POST' && GATED.has(request.endpoint) && request.headers['idempotency-key'] === undefined ? { ...request, idempotencyKey: key } : request));
}

// -------------------------------------------------------------------------------------------------
// Leaves: what each field is, so a broken one has a known answer.

type LeafKind = 'decimal' | 'positive' | 'amount' | 'integer' | 'time' | 'enum' | 'accountId' | 'positionId' | 'instrument' | 'venue' | 'currency' | 'text' | 'url' | 'reference';

function leafKind(target: Target, path: Path): LeafKind | undefined {
  const name = lastName(path);
  const parent = path[path.length - 2];
  if (typeof name === 'number') return parent === 'scopes' || parent === 'types' ? 'enum' : undefined;
  if (parent === 'prices' || parent === 'marks') return 'positive';
  switch (name) {
    case 'amount': return target.endpoint === 'commands' ? 'amount' : 'positive';
    case 'quantity': case 'entryPrice': case 'leverage': case 'isolatedMargin': case 'price': case 'horizonDays': case 'daysPerYear': return 'positive';
    case 'balance': case 'drift': case 'volatility': case 'insuranceFund': return 'decimal';
    case 'steps': case 'paths': case 'seed': return 'integer';
    case 'time': return 'time';
    case 'side': case 'type': case 'action': return 'enum';
    case 'id': return path.length === 1 ? 'accountId' : 'positionId';
    case 'account': return target.endpoint === 'webhooks' ? 'accountId' : undefined;
    case 'instrument': return 'instrument';
    case 'venue': return 'venue';
    case 'currency': return 'currency';
    case 'name': return 'text';
    case 'url': return 'url';
    case 'position': return 'reference';
    default: return undefined;
  }
}

/** Whether deleting the field leaves a valid request. */
function isOptional(target: Target, path: Path): boolean {
  const name = lastName(path);
  const where = fieldOf(path);
  switch (target.endpoint) {
    case 'keys': return name === 'name';
    case 'webhooks': return name === 'types' || name === 'account';
    case 'accounts': return ['id', 'market', 'insuranceFund', 'marks', 'leverage', 'isolatedMargin'].includes(String(name)) || /\.marks\./.test(where);
    case 'commands': return ['time', 'leverage', 'isolatedMargin'].includes(String(name)) || (name === 'quantity' && path.length === 1);
    case 'prices': return name === 'venue' || name === 'time' || path[path.length - 2] === 'prices';
    case 'report': return ['marks', 'leverage', 'isolatedMargin'].includes(String(name)) || /^marks\./.test(where);
    case 'simulate': return !['account', 'model'].includes(String(name)) || path.length > 1;
    default: return false;
  }
}

const decimalKinds: ReadonlySet<LeafKind> = new Set(['decimal', 'positive', 'amount']);

const BAD_DECIMALS = ['1e5', '1E5', '1e-5', '1,5', ' 1', '1 ', '1.', '.5', '+1', '0x10', '1_000', 'NaN', 'Infinity', '-Infinity', '', '--1', '1..2', '\u0661', '1/2', '\u00bd', 'one', '1.2.3', '0b1', '１'];
const NOT_TIMES = ['yesterday at noon', '2024-13-01T00:00:00Z', '2024-02-30T00:00:00Z', '2024-01-01T25:00:00Z', '01/02/2024 10:00:00', '2024-01-01T00:00:00+25:00',
  '1710000000000', '2024-01-01T00:00:00ZZ', '2024-1-1T0:0:0Z', '2024-01-01T24:00:00Z', 'not-a-time 2024-01-01T00:00:00Z', 'Mon, 01 Jan 2024 00:00:00 GMT'];
const digits = (count: number): string => '9'.repeat(count);

/** One field of a valid body broken, with the answer that fits how it was broken. */
interface Broken {
  readonly label: string;
  readonly value?: Json;
  /** Raw JSON text for the value (numbers JSON.parse cannot keep, deep nesting). */
  readonly raw?: string;
  readonly expect: Expectation;
}

/** Values of another JSON type than `value`'s. */
function otherTypes(value: Json): Json[] {
  if (Array.isArray(value)) return [true, {}, 7, 'x'];
  if (isObject(value)) return [true, 7, 'x', []];
  if (typeof value === 'number') return [true, [], {}, '7'];
  return [true, [], {}, 7];
}

function brokenLeaf(target: Target, node: Node, kind: LeafKind | undefined): fc.Arbitrary<Broken> {
  const field = fieldOf(node.path);
  const fieldNamed = invalid(field);
  const options: fc.Arbitrary<Broken>[] = [
    fc.constant({ label: 'mutation/null', value: null, expect: fieldNamed }),
    // A venue may be {"extends": id, ...}: an object in its place is told about "extends".
    fc.constantFrom(...otherTypes(node.value)).map((value) => ({
      label: 'mutation/wrong-type', value, expect: kind === 'venue' && isObject(value) ? invalid(new RegExp(`^${escapeRegExp(field)}(\\.extends)?$`)) : fieldNamed,
    })),
    fc.integer({ min: 1_000, max: 20_000 }).map((depth) => ({
      label: 'json/deep-nesting', raw: '['.repeat(depth) + ']'.repeat(depth), expect: Array.isArray(node.value) ? invalid(new RegExp(`^${escapeRegExp(field)}`)) : fieldNamed,
    })),
  ];
  if (node.path.length > 0 && typeof lastName(node.path) === 'string') {
    // stop-loss takes one of price, loss and lossPercent: without any, the command as a whole is wrong.
    const stopLossPrice = target.endpoint === 'commands' && lastName(node.path) === 'price' && isObject(target.body) && target.body.type === 'stop-loss';
    // Without "ticks" a price body has neither form, and the service asks for "prices".
    const expect = isOptional(target, node.path) ? ANY : stopLossPrice ? invalid() : field === 'ticks' ? invalid(/^(ticks|prices)$/) : invalid(field);
    options.push(fc.constant({ label: 'mutation/deleted', expect }));
  }
  if (kind !== undefined && decimalKinds.has(kind)) {
    options.push(
      fc.constantFrom(...BAD_DECIMALS).map((value) => ({ label: 'decimal/bad-text', value, expect: fieldNamed })),
      fc.constantFrom('1e5', '2E3', '1e-8', '5e0').map((value) => ({ label: 'decimal/exponent', value, expect: fieldNamed })),
      fc.oneof(fc.double({ min: 0.5, max: 1e6, noNaN: true }), fc.integer({ min: 1, max: 100_000 })).map((value) => ({ label: 'decimal/number', value, expect: fieldNamed })),
      fc.constantFrom('1e400', '-1e400', '123456789012345678901234567890123', '1e-400', '-0').map((raw) => ({ label: 'json/huge-number', raw, expect: fieldNamed })),
      fc.integer({ min: 41, max: 400 }).chain((count) => fc.constantFrom(digits(count), `0.${digits(count)}`, `1.${'0'.repeat(count)}1`))
        .map((value) => ({ label: 'decimal/too-many-digits', value, expect: fieldNamed })),
    );
  }
  if (kind === 'positive' || kind === 'amount') {
    options.push(fc.constantFrom('0', '-1', '-0.5', '0.000', '-0', '-60000').map((value) => ({ label: 'decimal/not-positive', value, expect: fieldNamed })));
  }
  if (kind === 'amount') {
    options.push(fc.integer({ min: 9, max: 30 }).map((places) => ({ label: 'decimal/too-many-decimals', value: `1.${'0'.repeat(places - 1)}1`, expect: fieldNamed })));
  }
  if (kind === 'integer') {
    const name = lastName(node.path);
    options.push(
      fc.constantFrom<Json>('2', 1.5, '1e3').map((value) => ({ label: 'integer/wrong-type', value, expect: fieldNamed })),
      fc.constantFrom('1e400', '-1e400', '123456789012345678901234567890123', '1e-400').map((raw) => ({ label: 'json/huge-number', raw, expect: ANY })),
    );
    if (name === 'paths' || name === 'steps') {
      options.push(
        fc.constantFrom(0, -1, -5).map((value) => ({ label: 'integer/not-positive', value, expect: fieldNamed })),
        fc.integer({ min: 1_000_000_000, max: 2_000_000_000 }).map((value) => ({ label: 'integer/too-large', value, expect: reject(413, 'simulate/too-large') })),
      );
    }
  }
  if (kind === 'time') {
    const backwards = target.endpoint === 'prices' ? reject(422, 'time/out-of-order', /^(ticks\[\d+\]\.)?time$/) : reject(422, 'time/out-of-order', 'time');
    options.push(
      fc.constantFrom(...NOT_TIMES).map((value) => ({ label: 'time/not-iso', value, expect: fieldNamed })),
      fc.constantFrom('2024', '', 'x'.repeat(41), '2024-01-01T00:00:00.000000000000000000000000000Z').map((value) => ({ label: 'time/length', value, expect: fieldNamed })),
      fc.constantFrom(EARLIER, '1999-12-31T23:59:59Z', '1970-01-01T00:00:00Z').map((value) => ({ label: 'time/backwards', value, expect: backwards })),
    );
  }
  if (kind === 'enum') {
    options.push(fc.constantFrom('nope', 'LONG', 'Deposit', 'toString', '__proto__', '', 'mark ').map((value) => ({ label: 'enum/unknown', value, expect: fieldNamed })));
  }
  if (kind === 'accountId') {
    options.push(
      fc.integer({ min: 65, max: 300 }).map((length) => ({ label: 'string/overlong', value: 'a'.repeat(length), expect: fieldNamed })),
      fc.constantFrom('-x', '.x', 'a b', 'a/b', 'é', '').map((value) => ({
        label: 'string/bad-id', value,
        expect: target.endpoint === 'webhooks' ? reject([400, 404], ['request/invalid', 'account/not-found'], field) : fieldNamed,
      })),
    );
    if (target.endpoint === 'webhooks') options.push(fc.stringMatching(/^missing-[0-9a-f]{8}$/).map((value) => ({ label: 'reference/unknown-account', value, expect: reject(404, 'account/not-found', 'account') })));
  }
  if (kind === 'positionId' || kind === 'instrument' || kind === 'venue' || kind === 'reference') {
    // The 64-character limits are the schemas'; /v1/simulate has none (its input is read by the core alone).
    options.push(fc.integer({ min: 65, max: 400 }).map((length) => ({ label: 'string/overlong', value: 'X'.repeat(length), expect: target.endpoint === 'simulate' && kind === 'positionId' ? ANY : fieldNamed })));
  }
  if (kind === 'instrument') {
    options.push(fc.constantFrom('NOPE', 'BTCUSD', 'btcusdt', 'toString', 'constructor').map((value) => ({ label: 'reference/unknown-instrument', value, expect: fieldNamed })));
  }
  if (kind === 'venue') {
    options.push(fc.constantFrom('nowhere', 'BINANCE-USDM', 'binance', 'toString', '__proto__').map((value) => ({ label: 'reference/unknown-venue', value, expect: fieldNamed })));
  }
  if (kind === 'currency') {
    options.push(fc.integer({ min: 17, max: 200 }).map((length) => ({ label: 'string/overlong', value: 'U'.repeat(length), expect: fieldNamed })));
  }
  if (kind === 'text') {
    options.push(fc.integer({ min: 201, max: 2_000 }).map((length) => ({ label: 'string/overlong', value: 'n'.repeat(length), expect: fieldNamed })));
  }
  if (kind === 'url') {
    options.push(
      fc.constantFrom('ftp://example.com/x', 'not a url at all', 'http://[::1', 'javascript:alert(1)', 'file:///etc/passwd', 'short').map((value) => ({ label: 'string/bad-url', value, expect: fieldNamed })),
      fc.integer({ min: 2_049, max: 5_000 }).map((length) => ({ label: 'string/overlong', value: `http://x.test/${'u'.repeat(length)}`, expect: fieldNamed })),
    );
  }
  return fc.oneof(...options);
}

/** Mutations of valid requests: one field (or the whole body) broken. */
export function leafMutation(fixture: Fixture): fc.Arbitrary<FuzzRequest> {
  return validTarget(fixture).chain((target) => {
    const nodes = nodesOf(target.body);
    return fc.constantFrom(...nodes).chain((node) => brokenLeaf(target, node, leafKind(target, node.path)).map((broken): FuzzRequest => {
      let text: string;
      if (broken.raw !== undefined) text = toText(target.body, rawAt(node.path, broken.raw));
      else if (broken.label === 'mutation/deleted') text = toText(setAt(target.body, node.path, undefined));
      else text = toText(setAt(target.body, node.path, broken.value ?? null));
      return post(target, broken.label, text, broken.expect);
    }));
  });
}

// -------------------------------------------------------------------------------------------------
// Malformed JSON and wrong shapes.

const NOT_JSON_TOKENS = ['NaN', 'Infinity', '-Infinity', 'undefined', 'None', 'True', 'nil', "'1'", '0x10', '.5', '01', '+1', '1.', '-', '"\\x41"', '"\u0001"', '[1,]', '{"a":1,}'];
const GARBAGE = ['x', '}', ']', ',', '{}', '[]', '1', '"a"', 'null', '\u0000', '//', '/* */', '\u00ff', '{"prices":{}}'];

export function malformedJson(fixture: Fixture): fc.Arbitrary<FuzzRequest> {
  return validTarget(fixture).chain((target) => {
    const text = toText(target.body);
    const leaves = nodesOf(target.body).filter((node) => node.path.length > 0);
    return fc.oneof(
      fc.integer({ min: 1, max: text.length - 1 }).map((cut) => post(target, 'json/truncated', text.slice(0, cut), invalid(''))),
      fc.constantFrom(...GARBAGE).map((garbage) => post(target, 'json/trailing-garbage', text + garbage, invalid(''))),
      fc.tuple(fc.constantFrom(...leaves), fc.constantFrom(...NOT_JSON_TOKENS))
        .map(([node, token]) => post(target, 'json/not-json-token', toText(target.body, rawAt(node.path, token)), invalid(''))),
      fc.integer({ min: 1_000, max: 100_000 }).chain((depth) => fc.constantFrom('[', '{"a":').map((open) =>
        post(target, 'json/deep-nesting', open === '[' ? '['.repeat(depth) + ']'.repeat(depth) : `${open.repeat(depth)}1${'}'.repeat(depth)}`,
          open === '[' ? invalid('') : reject(400, 'request/invalid')))),
      // A byte-order mark: RFC 8259 lets a parser ignore one before a valid text (so either answer); a second, or one before a broken text, is not JSON.
      fc.constant(post(target, 'json/bom', `\uFEFF${text}`, ANY)),
      fc.constant(post(target, 'json/bom', `\uFEFF\uFEFF${text}`, invalid(''))),
      fc.constant(post(target, 'json/bom', `\uFEFF${text.slice(0, -1)}`, invalid(''))),
      fc.constantFrom([0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0x80], [0xf8, 0x88, 0x80, 0x80, 0x80]).chain((bytes) => fc.boolean().map((inString) => {
        const encoded = new TextEncoder().encode(text);
        if (inString) {
          // Inside the first string: decoded as U+FFFD, so the text stays JSON (a field may still be wrong).
          const at = encoded.indexOf(0x22) + 1;
          return post(target, 'json/invalid-utf8', Uint8Array.from([...encoded.subarray(0, at), ...bytes, ...encoded.subarray(at)]), ANY);
        }
        return post(target, 'json/invalid-utf8', Uint8Array.from([...encoded.subarray(0, 1), ...bytes, ...encoded.subarray(1)]), invalid(''));
      })),
      fc.constant(post(target, 'json/empty', '', invalid(''))),
      fc.constantFrom(' ', '\n\t ').map((blank) => post(target, 'json/empty', blank, invalid(''))),
    );
  });
}

export function wrongTopLevel(fixture: Fixture): fc.Arbitrary<FuzzRequest> {
  return validTarget(fixture).chain((target) =>
    fc.constantFrom('null', '1', '-2.5', '"x"', 'true', 'false', '[]', `[${toText(target.body)}]`, '[[]]', '"{}"')
      .map((text) => post(target, 'shape/wrong-top-level', text, invalid(''))));
}

const UNKNOWN_NAMES = fc.oneof(
  fc.stringMatching(/^[a-z][a-zA-Z0-9_]{0,20}$/),
  fc.constantFrom('Type', 'amounts', 'prototype', 'constructor', 'toString', 'valueOf', 'hasOwnProperty', 'extra', 'id_', 'ticks_', 'mark'),
);

/** Names an unknown key must not take: the fields of every shape, and the object's own keys. */
function takenNames(node: Node): ReadonlySet<string> {
  const known = ['type', 'amount', 'time', 'position', 'id', 'instrument', 'side', 'quantity', 'leverage', 'isolatedMargin', 'price', 'loss', 'lossPercent', 'action',
    'scopes', 'name', 'url', 'types', 'account', 'snapshot', 'market', 'venue', 'currency', 'balance', 'instruments', 'positions', 'marks', 'shocks', 'entryPrice',
    'insuranceFund', 'counterparties', 'prices', 'ticks', 'model', 'horizonDays', 'steps', 'paths', 'seed', 'policy', 'variants', 'volatility', 'drift',
    'daysPerYear', 'jumps', 'gaps', 'correlation'];
  return new Set([...known, ...Object.keys(node.value as object)]);
}

export function unknownKey(fixture: Fixture): fc.Arbitrary<FuzzRequest> {
  return validTarget(fixture).chain((target) => {
    const objects = nodesOf(target.body).filter((node) => isObject(node.value) && !isRecord(node.path));
    return fc.tuple(fc.constantFrom(...objects), UNKNOWN_NAMES).map(([node, name]) => {
      const taken = takenNames(node);
      const key = taken.has(name) ? `${name}_unknown` : name;
      const text = toText(setAt(target.body, [...node.path, key], 1));
      return post(target, 'shape/unknown-key', text, invalid(fieldOf([...node.path, key])));
    });
  });
}

export function arrayForObject(fixture: Fixture): fc.Arbitrary<FuzzRequest> {
  return validTarget(fixture).chain((target) => {
    const objects = nodesOf(target.body).filter((node) => isObject(node.value));
    return fc.tuple(fc.constantFrom(...objects), fc.boolean()).map(([node, wrapped]) => {
      const replacement: Json = wrapped ? [node.value] : [];
      const text = toText(setAt(target.body, node.path, replacement));
      return post(target, 'shape/array-for-object', text, invalid(fieldOf(node.path)));
    });
  });
}

export function duplicateKeys(fixture: Fixture): fc.Arbitrary<FuzzRequest> {
  return validTarget(fixture).chain((target) => {
    const members = nodesOf(target.body).filter((node) => node.path.length > 0 && typeof lastName(node.path) === 'string');
    return fc.tuple(fc.constantFrom(...members), fc.boolean()).map(([node, invalidLast]) => {
      const parent = node.path.slice(0, -1);
      const name = String(lastName(node.path));
      if (invalidLast) {
        // JSON.parse keeps the last: a valid first and a broken last is the broken one.
        const text = toText(setAt(target.body, node.path, null), prependAt(parent, [`${JSON.stringify(name)}:${toText(node.value)}`]));
        return post(target, 'json/duplicate-key', text, invalid(fieldOf(node.path)));
      }
      const text = toText(target.body, prependAt(parent, [`${JSON.stringify(name)}:null`]));
      return post(target, 'json/duplicate-key', text, ANY);
    });
  });
}

export function prototypePollution(fixture: Fixture): fc.Arbitrary<FuzzRequest> {
  return validTarget(fixture).chain((target) => {
    const objects = nodesOf(target.body).filter((node) => isObject(node.value));
    const rejectedByParser = ['"__proto__":{"polluted":"yes"}', '"__proto__":null', '"__proto__":[]', '"constructor":{"prototype":{"polluted":"yes"}}'];
    return fc.tuple(fc.constantFrom(...objects), fc.constantFrom(...rejectedByParser), fc.boolean()).map(([node, member, first]) => {
      const own = toText(node.value);
      const last = `${own.slice(0, -1)}${Object.keys(node.value as object).length ? ',' : ''}${member}}`;
      const text = first ? toText(target.body, prependAt(node.path, [member])) : toText(target.body, rawAt(node.path, last));
      return post(target, 'json/prototype-pollution', text, invalid(''));
    });
  });
}

const NOT_JSON_TYPES = ['text/plain', 'text/plain; charset=utf-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'text/json',
  'application/octet-stream', 'application/json-patch+json', 'application/jsonx', 'text/html', 'image/png', 'application/problem+json', '*/*', 'application/*', 'json'];

export function wrongContentType(fixture: Fixture): fc.Arbitrary<FuzzRequest> {
  return validTarget(fixture).chain((target) => fc.oneof(
    fc.constantFrom(...NOT_JSON_TYPES).map((type): FuzzRequest => ({ ...post(target, 'content-type/not-json', toText(target.body), reject(415, 'request/unsupported-media-type', 'Content-Type')), headers: { 'content-type': type } })),
    fc.constant<FuzzRequest>({ ...post(target, 'content-type/missing', new TextEncoder().encode(toText(target.body)), reject(415, 'request/unsupported-media-type', 'Content-Type')), headers: {} }),
  ));
}

export function oversized(fixture: Fixture): fc.Arbitrary<FuzzRequest> {
  return fc.tuple(validTarget(fixture), fc.integer({ min: 1, max: 4096 }), fc.boolean()).map(([target, extra, chunked]): FuzzRequest => ({
    label: 'size/oversized', endpoint: target.endpoint, method: 'POST', path: target.path, key: target.key, headers: JSON_HEADERS,
    oversize: { limit: BODY_LIMITS[target.endpoint], extra }, chunked, expect: reject(413, 'request/too-large'),
  }));
}

/** A batch of valid ticks (marking the fixture account: were any applied, the ledger would show it) with one broken. */
export function mixedTicks(fixture: Fixture): fc.Arbitrary<FuzzRequest> {
  const good = tickArbitrary(false, fixture);
  return fc.tuple(fc.array(good, { minLength: 1, maxLength: 5 }), fc.nat(), good, fc.nat({ max: 7 })).map(([ticks, position, base, how]): FuzzRequest => {
    const at = position % (ticks.length + 1);
    const field = (rest: string): string => `ticks[${at}]${rest}`;
    const broken: [{ [key: string]: Json }, Expectation][] = [
      [{ ...base, prices: { BTCUSDT: 'abc' } }, invalid(field('.prices.BTCUSDT'))],
      [{ ...base, prices: { BTCUSDT: 60000 } }, invalid(field('.prices.BTCUSDT'))],
      [{ ...base, prices: { BTCUSDT: '-1' } }, invalid(field('.prices.BTCUSDT'))],
      [{ ...base, venue: 'nowhere' }, invalid(field('.venue'))],
      [{ ...base, time: 'not a time at all' }, invalid(field('.time'))],
      [{ ...base, extra: true }, invalid(field('.extra'))],
      [{ ...base, prices: {} }, invalid(field('.prices'))],
      [{ ...base, time: EARLIER }, reject(422, 'time/out-of-order', field('.time'))],
    ];
    const [tick, expect] = broken[how] as [{ [key: string]: Json }, Expectation];
    const all = [...ticks.slice(0, at), tick, ...ticks.slice(at)];
    return { label: 'ticks/mixed', endpoint: 'prices', method: 'POST', path: '/v1/prices', key: 'admin', headers: JSON_HEADERS, body: toText({ ticks: all }), expect };
  });
}

// -------------------------------------------------------------------------------------------------
// Paths, references, queries, headers.

const missingId = fc.stringMatching(/^missing-[0-9a-f]{6,12}$/);
const get = (label: string, path: string, expect: Expectation, key: KeyChoice = 'admin', extra: Partial<FuzzRequest> = {}): FuzzRequest => ({
  label, endpoint: 'read', method: 'GET', path, key, headers: {}, expect, ...extra,
});

export function unknownReferences(fixture: Fixture): fc.Arbitrary<FuzzRequest> {
  const notFound = reject(404, 'account/not-found');
  return fc.oneof(
    fc.tuple(missingId, commandArbitrary(fixture)).map(([id, command]): FuzzRequest =>
      ({ label: 'reference/unknown-account', endpoint: 'commands', method: 'POST', path: `/v1/accounts/${id}/commands`, key: 'admin', headers: JSON_HEADERS, body: toText(command), expect: notFound })),
    commandArbitrary(fixture).map((command): FuzzRequest =>
      ({ label: 'reference/other-account', endpoint: 'commands', method: 'POST', path: `/v1/accounts/${fixture.otherAccount}/commands`, key: 'account', headers: JSON_HEADERS, body: toText(command), expect: notFound })),
    fc.tuple(missingId, fc.constantFrom('', '/scenario')).map(([id, tail]) => get('reference/unknown-account', `/v1/accounts/${id}${tail}`, notFound)),
    fc.constantFrom('', '/scenario').map((tail) => get('reference/other-account', `/v1/accounts/${fixture.otherAccount}${tail}`, notFound, 'account')),
    missingId.map((id) => get('reference/unknown-account', `/v1/events?account=${id}`, reject(404, 'account/not-found', 'account'))),
    fc.constant(get('reference/other-account', `/v1/events?account=${fixture.otherAccount}`, reject(404, 'account/not-found', 'account'), 'account')),
    fc.constant(get('reference/other-account', `/v1/events/stream?account=${fixture.otherAccount}`, reject(404, 'account/not-found', 'account'), 'account', { stream: true })),
    fc.constantFrom('nowhere', 'BINANCE-USDM', 'toString', '__proto__', 'constructor', 'binance').map((venue) =>
      get('reference/unknown-venue', `/v1/venues/${venue}`, reject(404, 'venue/not-found', 'venue'))),
    missingId.map((id): FuzzRequest => ({ ...get('reference/unknown-key', `/v1/keys/${id}`, reject(404, 'key/not-found', 'id')), method: 'DELETE' })),
    missingId.map((id): FuzzRequest => ({ ...get('reference/unknown-webhook', `/v1/webhooks/${id}`, reject(404, 'webhook/not-found', 'id')), method: 'DELETE' })),
    missingId.map((id) => get('reference/unknown-webhook', `/v1/webhooks/${id}/deliveries`, reject(404, 'webhook/not-found', 'id'))),
  );
}

/** Ids in paths: up to IdParam's 128 characters a missing id is 404; longer is 400; past the router's 1024, 414 (problem+json throughout). */
export function badPaths(): fc.Arbitrary<FuzzRequest> {
  const idRoutes: readonly [string, (id: string) => string, 'GET' | 'POST' | 'DELETE', string][] = [
    ['account', (id) => `/v1/accounts/${id}`, 'GET', 'account/not-found'],
    ['account', (id) => `/v1/accounts/${id}/scenario`, 'GET', 'account/not-found'],
    ['account', (id) => `/v1/accounts/${id}/commands`, 'POST', 'account/not-found'],
    ['key', (id) => `/v1/keys/${id}`, 'DELETE', 'key/not-found'],
    ['webhook', (id) => `/v1/webhooks/${id}`, 'DELETE', 'webhook/not-found'],
    ['webhook', (id) => `/v1/webhooks/${id}/deliveries`, 'GET', 'webhook/not-found'],
  ];
  return fc.oneof(
    fc.tuple(fc.constantFrom(...idRoutes), fc.oneof(fc.integer({ min: 65, max: 400 }), fc.integer({ min: 1_000, max: 3_000 }))).map(([[, route, method, code], length]): FuzzRequest => ({
      label: 'path/overlong-id', endpoint: method === 'POST' ? 'commands' : 'read', method, path: route('m'.repeat(length)), key: 'admin',
      headers: method === 'POST' ? JSON_HEADERS : {}, ...(method === 'POST' ? { body: '{"type":"deposit","amount":"1"}' } : {}),
      expect: length <= 128 ? reject(404, code) : length <= 1_024 ? invalid(parameterField('id')) : reject(414, 'request/uri-too-long'),
    })),
    fc.integer({ min: 65, max: 300 }).map((length) => get('path/overlong-id', `/v1/venues/${'v'.repeat(length)}`, invalid(parameterField('venue')))),
    fc.tuple(fc.constantFrom(...idRoutes), fc.constantFrom('%ZZ', '%E0%A4%A', '%', 'a%2', '%C0%AF', '%FF%FE')).map(([[, route, method], id]): FuzzRequest => ({
      label: 'path/bad-encoding', endpoint: method === 'POST' ? 'commands' : 'read', method, path: route(id), key: 'admin',
      headers: method === 'POST' ? JSON_HEADERS : {}, ...(method === 'POST' ? { body: '{"type":"deposit","amount":"1"}' } : {}),
      // A malformed escape is a bad request; a well-formed one for bytes that are not UTF-8 may also decode to a missing id.
      expect: reject([400, 404]),
    })),
  );
}

const PAGE_BAD: readonly [string, string][] = [
  ['after', '-1'], ['after', 'x'], ['after', '1.5'], ['after', '1e3'], ['after', ''], ['after', '9'.repeat(16)], ['after', '0x10'],
  ['limit', '0'], ['limit', '1001'], ['limit', '9999'], ['limit', '10000'], ['limit', '-5'], ['limit', 'x'], ['limit', ''], ['limit', '1.5'], ['limit', ' 1'],
];

export function badQueries(fixture: Fixture): fc.Arbitrary<FuzzRequest> {
  const pages = ['/v1/accounts', '/v1/ledger/entries', `/v1/webhooks/${fixture.webhook}/deliveries`, '/v1/events', '/v1/events/stream'];
  const events = ['/v1/events', '/v1/events/stream'];
  const stream = (path: string): Partial<FuzzRequest> => (path.endsWith('/stream') ? { stream: true } : {});
  const query = (label: string, path: string, text: string, expect: Expectation, key: KeyChoice = 'admin'): FuzzRequest =>
    get(label, `${path}?${text}`, expect, key, stream(path));
  return fc.oneof(
    // The stream does not page: a limit of the right shape but out of range (0, 1001) is not read there.
    fc.tuple(fc.constantFrom(...pages), fc.constantFrom(...PAGE_BAD)).map(([path, [name, value]]) =>
      query('query/bad-value', path, `${name}=${encodeURIComponent(value)}`,
        path.endsWith('/stream') && name === 'limit' && /^[0-9]{1,4}$/.test(value) ? ANY : invalid(parameterField(name)))),
    fc.tuple(fc.constantFrom(...events), fc.constantFrom('', ' ', '-x', 'a b', 'a'.repeat(65), '%00', 'é')).map(([path, value]) =>
      query('query/bad-value', path, `account=${encodeURIComponent(value)}`, invalid(parameterField('account')))),
    fc.tuple(fc.constantFrom(...events), fc.constantFrom('nope', 'DEPOSITED', '', 'deposited ', 'mark')).map(([path, value]) =>
      query('query/bad-value', path, `type=${encodeURIComponent(value)}`, invalid(parameterField('type')))),
    fc.tuple(fc.constantFrom(...pages), fc.stringMatching(/^[a-z][a-z0-9_]{0,12}$/)).map(([path, name]) => {
      const known = ['after', 'limit', 'account', 'type'];
      const unknown = known.includes(name) ? `${name}x` : name;
      return query('query/unknown-parameter', path, `${unknown}=1`, invalid(parameterField(unknown)));
    }),
    fc.tuple(fc.constantFrom(...pages), fc.constantFrom('limit=1&limit=2', 'after=1&after=2')).map(([path, text]) =>
      query('query/repeated-parameter', path, text, invalid(parameterField(text.split('=')[0] as string)))),
    fc.tuple(fc.constantFrom(...pages), fc.constantFrom('limit=10', 'after=0&limit=1000', 'limit=1')).map(([path, text]) => query('query/valid', path, text, ANY)),
  );
}

export function badHeaders(fixture: Fixture): fc.Arbitrary<FuzzRequest> {
  const v1 = ['/v1/accounts', '/v1/ledger', '/v1/events', '/v1/keys', `/v1/accounts/${fixture.account}`];
  return fc.oneof(
    fc.tuple(validTarget(fixture), fc.constantFrom('', ' ', 'a b', 'x'.repeat(256), 'caf\u00e9', 'tab\there')).filter(([target]) => GATED.has(target.endpoint))
      .map(([target, value]): FuzzRequest => ({ ...post(target, 'header/bad-idempotency-key', toText(target.body), invalid('Idempotency-Key')), headers: { ...JSON_HEADERS, 'idempotency-key': value } })),
    fc.constantFrom('x', '-1', '1.5', '9'.repeat(16), '1e3').map((value) =>
      get('header/bad-last-event-id', '/v1/events/stream', invalid('Last-Event-ID'), 'admin', { headers: { 'last-event-id': value }, stream: true })),
    fc.tuple(fc.constantFrom(...v1), fc.constantFrom<KeyChoice>('none', { authorization: '' }, { authorization: '   ' })).map(([path, key]) =>
      get('auth/missing-key', path, reject(401, 'auth/missing-key', 'Authorization'), key)),
    fc.tuple(fc.constantFrom(...v1), fc.constantFrom('Basic dXNlcjpwYXNz', 'Bearer', 'Bearer a b', 'Token abc', `Bearer sk_k0123456789abcdef_${'A'.repeat(43)}`, 'Bearer \u00ff\u00fe'))
      .map(([path, authorization]) => get('auth/invalid-key', path, reject(401, 'auth/invalid-key', 'Authorization'), { authorization })),
    fc.constantFrom('/v1/accounts', '/v1/ledger', '/v1/keys', '/v1/webhooks', '/v1/venues/binance-usdm', '/v1/ledger/entries').map((path) =>
      get('auth/forbidden', path, reject(403, 'auth/forbidden'), 'account')),
  );
}

/** Every class above, weighted so that each shows up in a few hundred requests. */
export function requestArbitrary(fixture: Fixture): fc.Arbitrary<FuzzRequest> {
  return withIdempotency(fc.oneof(
    { weight: 10, arbitrary: leafMutation(fixture) },
    { weight: 5, arbitrary: malformedJson(fixture) },
    { weight: 2, arbitrary: wrongTopLevel(fixture) },
    { weight: 3, arbitrary: unknownKey(fixture) },
    { weight: 2, arbitrary: arrayForObject(fixture) },
    { weight: 2, arbitrary: duplicateKeys(fixture) },
    { weight: 2, arbitrary: prototypePollution(fixture) },
    { weight: 2, arbitrary: wrongContentType(fixture) },
    { weight: 1, arbitrary: oversized(fixture) },
    { weight: 2, arbitrary: mixedTicks(fixture) },
    { weight: 3, arbitrary: unknownReferences(fixture) },
    { weight: 1, arbitrary: badPaths() },
    { weight: 3, arbitrary: badQueries(fixture) },
    { weight: 2, arbitrary: badHeaders(fixture) },
  ));
}

// -------------------------------------------------------------------------------------------------
// The oracle.

export interface ProblemBody {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly code: string;
  readonly errors: readonly { readonly field: string; readonly message: string }[];
  readonly event?: unknown;
}

/** What is wrong with a failure's body as problem+json (RFC 9457, spec/service.md), or [] when nothing is. */
export function problemViolations(answer: RawAnswer): string[] {
  const found: string[] = [];
  const type = answer.headers.get('content-type') ?? '';
  if (!/^application\/problem\+json/.test(type)) found.push(`content-type ${JSON.stringify(type)}, not application/problem+json`);
  let body: Partial<ProblemBody>;
  try {
    body = JSON.parse(answer.text) as Partial<ProblemBody>;
  } catch {
    return [...found, 'the body is not JSON'];
  }
  if (typeof body !== 'object' || body === null) return [...found, 'the body is not an object'];
  if (typeof body.type !== 'string') found.push('no "type"');
  if (typeof body.title !== 'string') found.push('no "title"');
  if (body.status !== answer.status) found.push(`"status" ${String(body.status)} is not the response's ${answer.status}`);
  if (typeof body.code !== 'string' || !/^[a-z-]+\/[a-z-]+$/.test(body.code)) found.push(`"code" ${JSON.stringify(body.code)} is not a stable code`);
  if (!Array.isArray(body.errors) || !body.errors.every((each) => typeof each?.field === 'string' && typeof each?.message === 'string')) found.push('"errors" is not [{field, message}]');
  return found;
}

export function parseProblem(text: string): ProblemBody | undefined {
  try {
    return JSON.parse(text) as ProblemBody;
  } catch {
    return undefined;
  }
}

/** What is wrong with an answer to `request` (the ledger aside), or [] when nothing is. */
export function answerViolations(request: FuzzRequest, answer: RawAnswer): string[] {
  const found: string[] = [];
  if (answer.status >= 500) return [`a ${answer.status}`];
  if (answer.status >= 400) found.push(...problemViolations(answer));
  if (request.expect.kind === 'reject') {
    const { status, code, field } = request.expect;
    const statuses = typeof status === 'number' ? [status] : status;
    if (!statuses.includes(answer.status)) found.push(`status ${answer.status}, expected ${statuses.join(' or ')}`);
    const problem = answer.status >= 400 ? parseProblem(answer.text) : undefined;
    if (code !== undefined && problem) {
      const codes = typeof code === 'string' ? [code] : code;
      if (!codes.includes(problem.code)) found.push(`code ${JSON.stringify(problem.code)}, expected ${codes.join(' or ')}`);
    }
    if (field !== undefined && problem && Array.isArray(problem.errors)) {
      const fields = problem.errors.map((each) => each.field);
      const named = fields.some((each) => (typeof field === 'string' ? each === field : field.test(each)));
      if (!named) found.push(`errors[].field ${JSON.stringify(fields)} does not name ${String(field)}`);
    }
  }
  return found;
}

// -------------------------------------------------------------------------------------------------
// The ledger, watched over HTTP with the admin key.

export interface LedgerPosition {
  readonly seq: number;
  readonly stateHash: string;
}

export class LedgerWatch {
  constructor(private readonly url: string, private readonly adminKey: string) {}

  /** GET /v1/ledger: the position and the state hash. */
  async position(): Promise<LedgerPosition> {
    const answer = await rawRequest(this.url, 'GET', '/v1/ledger', bearer(this.adminKey));
    if (answer.status !== 200) throw new Error(`GET /v1/ledger: ${answer.status} ${answer.text}`);
    const body = JSON.parse(answer.text) as { seq: number; stateHash: string };
    return { seq: body.seq, stateHash: body.stateHash };
  }

  /** The entries after `seq` (a cheap check that nothing was written). */
  async entriesAfter(seq: number): Promise<{ seq: number; type: string }[]> {
    const answer = await rawRequest(this.url, 'GET', `/v1/ledger/entries?after=${seq}&limit=100`, bearer(this.adminKey));
    if (answer.status !== 200) throw new Error(`GET /v1/ledger/entries: ${answer.status} ${answer.text}`);
    return (JSON.parse(answer.text) as { items: { seq: number; type: string }[] }).items;
  }
}

// -------------------------------------------------------------------------------------------------
// The runner.

export interface FuzzOptions {
  readonly url: string;
  readonly adminKey: string;
  readonly seed: number;
  readonly requests: number;
  /** Compare the state hash every this many requests (and after the last). */
  readonly hashEvery?: number;
  readonly healthEvery?: number;
  /** The service runs in this process: check that no prototype was polluted. */
  readonly inProcess?: boolean;
  readonly progress?: (done: number, summary: FuzzSummary) => void;
}

export interface Violation {
  readonly index: number;
  readonly label: string;
  readonly request: string;
  readonly status: number | null;
  readonly answer: string;
  readonly problems: readonly string[];
}

export interface FuzzSummary {
  seed: number;
  requests: number;
  byStatus: Record<string, number>;
  byLabel: Record<string, Record<string, number>>;
  serverErrors: number;
  /** Failed requests after which the ledger had entries it did not have before. */
  ledgerChangesOnFailure: number;
  /** Checkpoints where the state hash moved with no entry written. */
  hashChangesOnFailure: number;
  /** 422 refusals of an `open` whose mark of the feed's price was kept (spec: kept even when the open is refused). */
  refusedOpenMarks: number;
  writes: number;
  idempotencyRetries: number;
  idempotencyReplays: number;
  healthChecks: number;
  hashChecks: number;
  violations: Violation[];
  milliseconds: number;
}

function describeRequest(request: FuzzRequest): string {
  const key = typeof request.key === 'string' ? request.key : `Authorization: ${JSON.stringify(request.key.authorization)}`;
  const headers = Object.entries(request.headers).map(([name, value]) => `${name}: ${JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value)}`).join(', ');
  let body = '';
  if (request.oversize) body = ` <${request.oversize.limit + request.oversize.extra} bytes${request.chunked ? ', chunked' : ''}>`;
  else if (typeof request.body === 'string') body = ` ${request.body.length > 300 ? `${request.body.slice(0, 300)}… (${request.body.length} chars)` : request.body}`;
  else if (request.body) body = ` <bytes ${Buffer.from(request.body.subarray(0, 120)).toString('hex')}${request.body.length > 120 ? '…' : ''}>`;
  const path = request.path.length > 200 ? `${request.path.slice(0, 200)}… (${request.path.length} chars)` : request.path;
  return `${request.method} ${path} [key ${key}${headers ? `; ${headers}` : ''}${request.idempotencyKey ? `; Idempotency-Key ${request.idempotencyKey}` : ''}]${body}`;
}

function oversizedBody(request: FuzzRequest): string {
  const size = (request.oversize?.limit ?? 0) + (request.oversize?.extra ?? 0);
  const head = '{"pad":"';
  return `${head}${'x'.repeat(size - head.length - 2)}"}`;
}

/** A valid request, for `principal`, that the service takes (to reuse an Idempotency-Key with). */
function followUp(request: FuzzRequest, fixture: Fixture): { path: string; body: string } {
  if (request.key === 'account') return { path: `/v1/accounts/${fixture.account}/commands`, body: '{"type":"deposit","amount":"1"}' };
  switch (request.endpoint) {
    case 'keys': return { path: '/v1/keys', body: '{"scopes":["accounts:read"],"name":"fuzz follow-up"}' };
    case 'webhooks': return { path: '/v1/webhooks', body: JSON.stringify({ url: WEBHOOK_URL, types: ['debt-written-off'] }) };
    case 'accounts': return { path: '/v1/accounts', body: JSON.stringify({ snapshot: fixtureSnapshot() }) };
    case 'commands': return { path: `/v1/accounts/${fixture.account}/commands`, body: '{"type":"deposit","amount":"1"}' };
    default: return { path: '/v1/prices', body: '{"prices":{"NOBODY":"1"}}' };
  }
}

const WRITES: ReadonlySet<Endpoint> = new Set(['keys', 'webhooks', 'accounts', 'commands', 'prices']);

function isWrite(request: FuzzRequest): boolean {
  if (request.method === 'DELETE') return true;
  return request.method === 'POST' && WRITES.has(request.endpoint);
}

const isOpen = (request: FuzzRequest): boolean => request.endpoint === 'commands' && typeof request.body === 'string' && /"type":"open"/.test(request.body);

/** Sends `options.requests` requests drawn from requestArbitrary with `options.seed`, checking each; the summary counts what happened. */
export async function runFuzz(options: FuzzOptions): Promise<FuzzSummary> {
  const started = performance.now();
  const { url, adminKey } = options;
  const hashEvery = options.hashEvery ?? 25;
  const healthEvery = options.healthEvery ?? 100;
  const fixture = await createFixture(url, adminKey);
  const ledger = new LedgerWatch(url, adminKey);
  const summary: FuzzSummary = {
    seed: options.seed, requests: 0, byStatus: {}, byLabel: {}, serverErrors: 0, ledgerChangesOnFailure: 0, hashChangesOnFailure: 0, refusedOpenMarks: 0, writes: 0,
    idempotencyRetries: 0, idempotencyReplays: 0, healthChecks: 0, hashChecks: 0, violations: [], milliseconds: 0,
  };
  const keyHeader = (key: KeyChoice): Record<string, string> => {
    if (key === 'admin') return bearer(adminKey);
    if (key === 'account') return bearer(fixture.accountKey);
    if (key === 'none') return {};
    return { authorization: key.authorization };
  };
  let position = await ledger.position();
  /** Requests since the state hash was last read, none of which wrote: a change in the hash is theirs. */
  let unchecked = 0;
  let windowStart = 0;

  const requests = fc.sample(requestArbitrary(fixture), { seed: options.seed, numRuns: options.requests });
  const violate = (index: number, request: FuzzRequest, status: number | null, answer: string, problems: readonly string[]): void => {
    summary.violations.push({ index, label: request.label, request: describeRequest(request), status, answer: answer.slice(0, 400), problems });
  };

  /** After a request: the entries written, allowed only when `mayWrite`. Returns whether the ledger moved. */
  const checkLedger = async (index: number, request: FuzzRequest, status: number, mayWrite: boolean, answerText: string): Promise<void> => {
    const entries = await ledger.entriesAfter(position.seq);
    if (entries.length === 0) return;
    const last = entries[entries.length - 1] as { seq: number };
    if (!mayWrite) {
      summary.ledgerChangesOnFailure += 1;
      violate(index, request, status, answerText, [`the ledger moved from entry ${position.seq} to ${last.seq} (${entries.map((entry) => entry.type).join(', ')}) on a ${status}`]);
    }
    summary.writes += 1;
    position = await ledger.position();
    unchecked = 0;
    windowStart = index + 1;
  };

  /** The state hash against the last one read: only failed requests came between. */
  const checkHash = async (index: number): Promise<void> => {
    summary.hashChecks += 1;
    const now = await ledger.position();
    if (unchecked > 0 && (now.stateHash !== position.stateHash || now.seq !== position.seq)) {
      summary.hashChangesOnFailure += 1;
      summary.violations.push({
        index, label: 'ledger/state-hash', request: `requests ${windowStart}..${index}`, status: null, answer: '',
        problems: [`the state moved (entry ${position.seq} -> ${now.seq}, hash ${position.stateHash.slice(0, 12)} -> ${now.stateHash.slice(0, 12)}) with only failed requests since`],
      });
    }
    position = now;
    unchecked = 0;
    windowStart = index;
  };

  for (const [index, generated] of requests.entries()) {
    const request: FuzzRequest = generated.idempotencyKey === undefined ? generated : { ...generated, idempotencyKey: `${generated.idempotencyKey}-${fixture.run}` };
    summary.requests += 1;
    // A write re-reads the hash: check it first, so that a write never hides what failed requests did before it.
    const mayWriteNow = isWrite(request) && (request.expect.kind === 'any' || request.idempotencyKey !== undefined);
    if (mayWriteNow && unchecked > 0) await checkHash(index);
    const headers: Record<string, string> = { ...keyHeader(request.key), ...request.headers, ...(request.idempotencyKey ? { 'idempotency-key': request.idempotencyKey } : {}) };
    const body = request.oversize ? oversizedBody(request) : request.body;
    let answer: RawAnswer;
    try {
      answer = request.oversize
        ? await sendOversized(url, request.method, request.path, headers, body as string, request.chunked === true)
        : await rawRequest(url, request.method, request.path, headers, body, { ...(request.chunked ? { chunked: true } : {}), ...(request.stream ? { stream: true } : {}) });
    } catch (error) {
      violate(index, request, null, String(error), ['no answer (the connection failed)']);
      const health = await rawRequest(url, 'GET', '/health', {}).catch(() => undefined);
      if (health?.status !== 200) break;
      continue;
    }
    summary.byStatus[answer.status] = (summary.byStatus[answer.status] ?? 0) + 1;
    const byLabel = (summary.byLabel[request.label] ??= {});
    byLabel[answer.status] = (byLabel[answer.status] ?? 0) + 1;
    if (answer.status >= 500) summary.serverErrors += 1;
    const problems = answerViolations(request, answer);
    if (options.inProcess && (Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted') || ({} as Record<string, unknown>).polluted !== undefined)) {
      problems.push('Object.prototype was polluted');
    }
    if (problems.length) violate(index, request, answer.status, answer.text, problems);

    const problem = answer.status >= 400 ? parseProblem(answer.text) : undefined;
    const refusal = answer.status === 422 && problem?.event !== undefined;
    const succeeded = answer.status >= 200 && answer.status < 300;
    const mayWrite = (succeeded && isWrite(request)) || (refusal && isOpen(request));
    const before = position.seq;
    await checkLedger(index, request, answer.status, mayWrite, answer.text);
    if (refusal && isOpen(request) && position.seq !== before) summary.refusedOpenMarks += 1;
    if (position.seq === before) unchecked += 1;

    // The Idempotency-Key: a request refused before the ledger stored nothing, so the key is free;
    // one that reached it (a success or an engine's refusal) answers again from what was stored.
    if (request.idempotencyKey !== undefined && answer.status !== 401) {
      if (succeeded || refusal) {
        const again = request.oversize ? await sendOversized(url, request.method, request.path, headers, body as string, request.chunked === true)
          : await rawRequest(url, request.method, request.path, headers, body);
        summary.idempotencyReplays += 1;
        const replayProblems: string[] = [];
        if (again.status !== answer.status || again.text !== answer.text) replayProblems.push(`the replay answered ${again.status} ${again.text.slice(0, 200)}, not the first answer`);
        if (again.headers.get('idempotent-replayed') !== 'true') replayProblems.push('the replay has no idempotent-replayed: true');
        if (replayProblems.length) violate(index, request, again.status, again.text, replayProblems);
        await checkLedger(index, request, again.status, false, again.text);
        unchecked += 1;
      } else if (answer.status >= 400) {
        await checkHash(index);
        const retry = followUp(request, fixture);
        const retried = await rawRequest(url, 'POST', retry.path, { ...keyHeader(request.key), ...JSON_HEADERS, 'idempotency-key': request.idempotencyKey }, retry.body);
        summary.idempotencyRetries += 1;
        if (retried.status >= 300 || retried.headers.get('idempotent-replayed') === 'true') {
          violate(index, request, retried.status, retried.text, [`the Idempotency-Key of a ${answer.status} was not free: a valid retry with it answered ${retried.status}`]);
        }
        await checkLedger(index, request, retried.status, retried.status < 300, retried.text);
      }
    }

    if ((index + 1) % hashEvery === 0 || index === requests.length - 1) await checkHash(index + 1);
    if ((index + 1) % healthEvery === 0 || index === requests.length - 1) {
      summary.healthChecks += 1;
      const health = await rawRequest(url, 'GET', '/health', {}).catch(() => undefined);
      if (health?.status !== 200 || health.text !== '{"status":"ok"}') {
        summary.violations.push({ index, label: 'health', request: 'GET /health', status: health?.status ?? null, answer: health?.text ?? '', problems: ['the service is not healthy'] });
        break;
      }
    }
    options.progress?.(index + 1, summary);
  }
  summary.milliseconds = performance.now() - started;
  return summary;
}

/** The summary as lines of text. */
export function formatSummary(summary: FuzzSummary, violationsShown = 20): string {
  const statuses = Object.entries(summary.byStatus).sort(([a], [b]) => Number(a) - Number(b)).map(([status, count]) => `${status}: ${count}`).join(', ');
  const labels = Object.entries(summary.byLabel).sort(([a], [b]) => a.localeCompare(b))
    .map(([label, counts]) => `  ${label.padEnd(32)} ${Object.entries(counts).map(([status, count]) => `${status}×${count}`).join(' ')}`);
  const lines = [
    `requests: ${summary.requests} (seed ${summary.seed}) in ${(summary.milliseconds / 1000).toFixed(1)} s`,
    `by status: ${statuses}`,
    '5xx: ' + String(summary.serverErrors),
    `ledger changes on failed requests: ${summary.ledgerChangesOnFailure}; state-hash changes with only failures: ${summary.hashChangesOnFailure} (${summary.hashChecks} hash checks)`,
    `writes by successful requests: ${summary.writes}; refused opens whose feed mark was kept (spec): ${summary.refusedOpenMarks}`,
    `idempotency: ${summary.idempotencyRetries} keys of failed requests reused afresh, ${summary.idempotencyReplays} replays checked`,
    `health checks: ${summary.healthChecks}`,
    'by class:',
    ...labels,
    `violations: ${summary.violations.length}`,
  ];
  const bySignature = new Map<string, number>();
  for (const violation of summary.violations) {
    const signature = `${violation.label}: ${violation.problems.join('; ').replace(/\d+/g, 'N')}`;
    bySignature.set(signature, (bySignature.get(signature) ?? 0) + 1);
  }
  for (const [signature, count] of [...bySignature].sort(([, a], [, b]) => b - a)) lines.push(`  ${String(count).padStart(5)} × ${signature}`);
  for (const violation of summary.violations.slice(0, violationsShown)) {
    lines.push(`  #${violation.index} ${violation.label}: ${violation.problems.join('; ')}`, `      ${violation.request}`, `      -> ${violation.status ?? '-'} ${violation.answer.slice(0, 300)}`);
  }
  return lines.join('\n');
}
