// Malformed requests as fast-check arbitraries, each with what the service must answer: mutations
// of valid requests (one field broken at a time), malformed JSON, wrong shapes, unknown keys,
// paths, queries and headers. Part of the request fuzzer (../request-fuzz.ts).
import fc from 'fast-check';
import { KEY_SCOPES } from '../../../src/service/live/entries.js';
import {
  EARLIER, JSON_HEADERS, SIMULATE_MODEL, WEBHOOK_URL, fixtureSnapshot, type Fixture, type Json, type Path,
} from './client.js';

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

export const reject = (status: number | readonly number[], code?: string | readonly string[], field?: string | RegExp): Expectation => ({
  kind: 'reject', status, ...(code !== undefined ? { code } : {}), ...(field !== undefined ? { field } : {}),
});
export const invalid = (field?: string | RegExp): Expectation => reject(400, 'request/invalid', field);
export const ANY: Expectation = { kind: 'any' };

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
    case 'isolatedMargin': return target.endpoint === 'commands' ? 'positive' : 'decimal';
    case 'quantity': case 'entryPrice': case 'leverage': case 'price': case 'horizonDays': case 'daysPerYear': return 'positive';
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
