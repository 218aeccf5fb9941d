/**
 * A loopback stand-in for the venues' APIs (127.0.0.1, port 0), for the live fetch's tests: it
 * serves the documented payloads (test/fixtures/import/, FIXTURE_FILES below; test/import/live.test.ts
 * says where each comes from) at the venues' real paths, and refuses what the venues refuse, with
 * their own error bodies:
 * - Binance (https://developers.binance.com/docs/derivatives/usds-margined-futures/general-info,
 *   "SIGNED (TRADE and USER_DATA) Endpoint Security"; codes from .../error-code): the
 *   `X-MBX-APIKEY` header (missing: HTTP 401 -2014; unknown: 401 -2015), `timestamp` and
 *   `signature` present (400 -1102), the timestamp within `recvWindow` (default 5000) and at most
 *   1 s ahead (400 -1021), and signature = hex HMAC-SHA256(secret, the query before
 *   `&signature=`) (400 -1022; the docs say HMAC signatures are not case-sensitive).
 * - Bybit v5 (https://bybit-exchange.github.io/docs/v5/guide, "Authentication"): the
 *   X-BAPI-API-KEY header (retCode 10003), server_time − recv_window ≤ X-BAPI-TIMESTAMP <
 *   server_time + 1000 (10002), X-BAPI-SIGN = hex HMAC-SHA256(secret, timestamp + key +
 *   recv_window + query string as received) (10004 "error sign! origin_string[…]"), each with HTTP
 *   200 as Bybit answers them; the position list is paged (`limit`, a `nextPageCursor` that is
 *   itself percent-encoded, as Bybit's are).
 * The signatures are checked here from the documents, independently of src/import/live's signing.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

export const IMPORT_FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'import');

export interface VenueCredentials {
  readonly key: string;
  readonly secret: string;
}

export const BINANCE_TEST_CREDENTIALS: VenueCredentials = {
  key: 'vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A',
  secret: 'NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j',
};

export const BYBIT_TEST_CREDENTIALS: VenueCredentials = { key: 'XXXXXXXXXXBYBITKEY', secret: 'bybit-test-secret-0123456789abcdef' };

/** The account the Hyperliquid fixture belongs to (any address of the documented form). */
export const HYPERLIQUID_TEST_ADDRESS = '0xb65822a30bbaaa68942d6f4c43d78704faeabbbb';
/** The address of the documented dYdX subaccount (venue-formats.md §5.1). */
export const DYDX_TEST_ADDRESS = 'dydx14zzueazeh0hj67cghhf9jypslcf9sh2n5k6art';

/**
 * Each payload the server gives, by the fixture file (under test/fixtures/import/) it is read from:
 * the importers' own fixtures where they hold what a live account would give, and live/ for what
 * only a live fetch asks for (premiumIndex, the accounts of the isolated examples) or where the
 * importers' fixtures hold no two positions of one account (Bybit, needed to page).
 */
export const FIXTURE_FILES = {
  hyperliquidClearinghouseState: 'hyperliquid/clearinghouseState.json',
  hyperliquidMetaAndAssetCtxs: 'hyperliquid/metaAndAssetCtxs.json',
  dydxSubaccount: 'dydx-v4/subaccount.json',
  dydxPerpetualMarkets: 'dydx-v4/perpetualMarkets.json',
  binanceUsdmPositionRisk: 'binance-usdm/positionRisk-v2-isolated-hedge.json',
  binanceUsdmLeverageBracket: 'binance-usdm/leverageBracket-btcusdt-implied.json',
  binanceUsdmAccount: 'live/binance-usdm-account.json',
  binanceUsdmPremiumIndex: 'live/binance-usdm-premium-index.json',
  binanceUsdmExchangeInfo: 'binance-usdm/exchangeInfo-older-docs.json',
  binanceCoinmPositionRisk: 'binance-coinm/positionRisk-isolated-ccxt.json',
  binanceCoinmLeverageBracket: 'binance-coinm/leverageBracket-v2-docs.json',
  binanceCoinmAccount: 'live/binance-coinm-account.json',
  binanceCoinmExchangeInfo: 'binance-coinm/exchangeInfo-ccxt.json',
  bybitPositionList: 'live/bybit-position-list.json',
  bybitAccountInfo: 'bybit-linear/account-info-doc.json',
  bybitWalletBalance: 'live/bybit-wallet-balance.json',
  bybitRiskLimit: 'live/bybit-risk-limit.json',
  bybitInstrumentsInfo: 'live/bybit-instruments-info.json',
} as const;

export type VenueFixtures = Record<keyof typeof FIXTURE_FILES, unknown>;

export function loadLiveFixtures(): VenueFixtures {
  const entries = Object.entries(FIXTURE_FILES).map(([key, file]) => [key, JSON.parse(readFileSync(join(IMPORT_FIXTURES, file), 'utf8')) as unknown]);
  return Object.fromEntries(entries) as VenueFixtures;
}

export interface VenueServerOptions {
  readonly binance?: VenueCredentials;
  readonly bybit?: VenueCredentials;
  /** Positions per page of Bybit's position list at most (Bybit's own default is 20). */
  readonly bybitPageSize?: number;
  /** The server's clock, for the venues' timestamp windows. */
  readonly now?: () => number;
  readonly fixtures?: Partial<VenueFixtures>;
}

/** A request as the server saw it. */
export interface SeenRequest {
  readonly method: string;
  readonly path: string;
  /** The raw query string, as sent (without "?"). */
  readonly query: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface VenueServer {
  readonly url: string;
  readonly requests: readonly SeenRequest[];
  close(): Promise<void>;
}

interface Reply {
  readonly status: number;
  readonly body: unknown;
}

type JsonRecord = Readonly<Record<string, unknown>>;

const isRecord = (value: unknown): value is JsonRecord => typeof value === 'object' && value !== null && !Array.isArray(value);

const json = (body: unknown, status = 200): Reply => ({ status, body });

function hmacHex(secret: string, message: string): string {
  return createHmac('sha256', secret).update(message, 'utf8').digest('hex');
}

function sameHex(a: string, b: string): boolean {
  const left = Buffer.from(a.toLowerCase(), 'utf8');
  const right = Buffer.from(b.toLowerCase(), 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

function header(request: SeenRequest, name: string): string | undefined {
  const value = request.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

// ---------------------------------------------------------------- Binance

function binanceError(status: number, code: number, msg: string): Reply {
  return json({ code, msg }, status);
}

/** Why Binance would refuse this SIGNED request, or undefined when it is good. */
function binanceRefusal(request: SeenRequest, credentials: VenueCredentials, now: number): Reply | undefined {
  const key = header(request, 'X-MBX-APIKEY');
  if (key === undefined || key === '') return binanceError(401, -2014, 'API-key format invalid.');
  if (key !== credentials.key) return binanceError(401, -2015, 'Invalid API-key, IP, or permissions for action.');
  const at = request.query.lastIndexOf('&signature=');
  const params = new URLSearchParams(request.query);
  const timestamp = Number(params.get('timestamp'));
  if (!params.get('timestamp') || !Number.isSafeInteger(timestamp)) {
    return binanceError(400, -1102, 'Mandatory parameter \'timestamp\' was not sent, was empty/null, or malformed.');
  }
  if (at < 0) return binanceError(400, -1102, 'Mandatory parameter \'signature\' was not sent, was empty/null, or malformed.');
  const recvWindow = Number(params.get('recvWindow') ?? '5000');
  if (timestamp >= now + 1000 || now - timestamp > recvWindow) {
    return binanceError(400, -1021, 'Timestamp for this request is outside of the recvWindow.');
  }
  const totalParams = request.query.slice(0, at);
  const signature = request.query.slice(at + '&signature='.length);
  if (!sameHex(signature, hmacHex(credentials.secret, totalParams))) {
    return binanceError(400, -1022, 'Signature for this request is not valid.');
  }
  return undefined;
}

/** `?symbol=X` gives X's entry alone (an object), as premiumIndex and leverageBracket do. */
function bySymbol(list: unknown, request: SeenRequest, notFound: Reply): Reply {
  const symbol = new URLSearchParams(request.query).get('symbol');
  if (symbol === null) return json(list);
  const one = Array.isArray(list) ? list.find((item) => isRecord(item) && item.symbol === symbol) : undefined;
  return one === undefined ? notFound : json(one);
}

// ---------------------------------------------------------------- Bybit

function bybitAnswer(retCode: number, retMsg: string, now: number, result: unknown = {}): Reply {
  return json({ retCode, retMsg, result, retExtInfo: {}, time: now });
}

/** Why Bybit would refuse this signed request, or undefined when it is good. */
function bybitRefusal(request: SeenRequest, credentials: VenueCredentials, now: number): Reply | undefined {
  const key = header(request, 'X-BAPI-API-KEY');
  if (key !== credentials.key) return bybitAnswer(10003, 'API key is invalid.', now);
  const timestampText = header(request, 'X-BAPI-TIMESTAMP') ?? '';
  const recvWindowText = header(request, 'X-BAPI-RECV-WINDOW') ?? '5000';
  const timestamp = Number(timestampText);
  const recvWindow = Number(recvWindowText);
  if (!/^\d+$/.test(timestampText) || !(now - recvWindow <= timestamp && timestamp < now + 1000)) {
    return bybitAnswer(10002, `invalid request, please check your server timestamp or recv_window param. req_timestamp[${timestampText}],server_timestamp[${now}],recv_window[${recvWindowText}]`, now);
  }
  const origin = `${timestampText}${key}${recvWindowText}${request.query}`;
  if (!sameHex(header(request, 'X-BAPI-SIGN') ?? '', hmacHex(credentials.secret, origin))) {
    return bybitAnswer(10004, `error sign! origin_string[${origin}]`, now);
  }
  return undefined;
}

function resultOf(response: unknown): JsonRecord {
  return isRecord(response) && isRecord(response.result) ? response.result : {};
}

function listOf(response: unknown): readonly unknown[] {
  const list = resultOf(response).list;
  return Array.isArray(list) ? list : [];
}

/** Bybit's cursors come percent-encoded ("first%3DBIOUSDT%26last%3DBIOUSDT", docs/v5/market/instrument.mdx). */
const cursorFor = (offset: number, symbol: string): string => `offset%3D${offset}%26last%3D${symbol}`;

function offsetOf(cursor: string | null): number | undefined {
  if (cursor === null || cursor === '') return 0;
  const match = /^offset%3D(\d+)%26/.exec(cursor);
  return match ? Number(match[1]) : undefined;
}

function bybitPositionPage(request: SeenRequest, positions: unknown, pageSize: number, now: number): Reply {
  const params = new URLSearchParams(request.query);
  if (params.get('category') !== 'linear') return bybitAnswer(10001, 'params error: category only support linear here', now);
  const settleCoin = params.get('settleCoin');
  const limit = Math.min(Number(params.get('limit') ?? '20') || 20, 200, pageSize);
  const offset = offsetOf(params.get('cursor'));
  if (offset === undefined) return bybitAnswer(10001, 'params error: cursor invalid', now);
  const all = listOf(positions).filter((item) => settleCoin === null || (isRecord(item) && typeof item.symbol === 'string' && item.symbol.endsWith(settleCoin)));
  const page = all.slice(offset, offset + limit);
  const last = page.at(-1);
  const more = offset + limit < all.length && isRecord(last) && typeof last.symbol === 'string';
  return bybitAnswer(0, 'OK', now, { ...resultOf(positions), list: page, nextPageCursor: more ? cursorFor(offset + limit, String(last.symbol)) : '' });
}

/** A market endpoint's list narrowed to `?symbol=`. */
function bybitMarket(request: SeenRequest, response: unknown, now: number): Reply {
  const params = new URLSearchParams(request.query);
  if (params.get('category') !== 'linear') return bybitAnswer(10001, 'params error: category only support linear here', now);
  const symbol = params.get('symbol');
  const list = listOf(response).filter((item) => symbol === null || (isRecord(item) && item.symbol === symbol));
  return bybitAnswer(0, 'OK', now, { ...resultOf(response), list });
}

// ---------------------------------------------------------------- Hyperliquid and dYdX

const EMPTY_CLEARINGHOUSE_STATE = {
  assetPositions: [],
  crossMaintenanceMarginUsed: '0.0',
  crossMarginSummary: { accountValue: '0.0', totalMarginUsed: '0.0', totalNtlPos: '0.0', totalRawUsd: '0.0' },
  marginSummary: { accountValue: '0.0', totalMarginUsed: '0.0', totalNtlPos: '0.0', totalRawUsd: '0.0' },
  time: 1708622398623,
  withdrawable: '0.0',
};

/** POST /info: the state of the fixture's address (any other address: an empty account, as Hyperliquid answers). */
function hyperliquidInfo(request: SeenRequest, fixtures: VenueFixtures): Reply {
  let body: unknown;
  try { body = JSON.parse(request.body); } catch { body = undefined; }
  const failed: Reply = { status: 422, body: 'Failed to deserialize the JSON body into the target type' };
  if (!isRecord(body)) return failed;
  if (body.type === 'metaAndAssetCtxs') return json(fixtures.hyperliquidMetaAndAssetCtxs);
  if (body.type === 'clearinghouseState' && typeof body.user === 'string' && /^0x[0-9a-fA-F]{40}$/.test(body.user)) {
    return json(body.user.toLowerCase() === HYPERLIQUID_TEST_ADDRESS ? fixtures.hyperliquidClearinghouseState : EMPTY_CLEARINGHOUSE_STATE);
  }
  return failed;
}

function dydxSubaccount(path: string, fixtures: VenueFixtures): Reply | undefined {
  const match = /^\/v4\/addresses\/([^/]+)\/subaccountNumber\/([^/]+)$/.exec(path);
  if (!match) return undefined;
  const [, address = '', number = ''] = match;
  if (address === DYDX_TEST_ADDRESS && number === '0') return json(fixtures.dydxSubaccount);
  return json({ errors: [{ msg: `No subaccount found with address ${address} and subaccountNumber ${number}` }] }, 404);
}

// ---------------------------------------------------------------- routing

type Handler = (request: SeenRequest) => Reply;

function routes(options: VenueServerOptions, fixtures: VenueFixtures, now: () => number): ReadonlyMap<string, Handler> {
  const binance = options.binance ?? BINANCE_TEST_CREDENTIALS;
  const bybit = options.bybit ?? BYBIT_TEST_CREDENTIALS;
  const binanceSigned = (payload: unknown): Handler => (request) => binanceRefusal(request, binance, now()) ?? json(payload);
  const bybitSigned = (answer: (request: SeenRequest) => Reply): Handler => (request) => bybitRefusal(request, bybit, now()) ?? answer(request);
  const badSymbol = binanceError(400, -1121, 'Invalid symbol.');
  return new Map<string, Handler>([
    ['POST /info', (request) => hyperliquidInfo(request, fixtures)],
    ['GET /v4/perpetualMarkets', () => json(fixtures.dydxPerpetualMarkets)],
    ['GET /fapi/v2/positionRisk', binanceSigned(fixtures.binanceUsdmPositionRisk)],
    ['GET /fapi/v1/leverageBracket', (request) => binanceRefusal(request, binance, now()) ?? bySymbol(fixtures.binanceUsdmLeverageBracket, request, badSymbol)],
    ['GET /fapi/v2/account', binanceSigned(fixtures.binanceUsdmAccount)],
    ['GET /fapi/v1/premiumIndex', (request) => bySymbol(fixtures.binanceUsdmPremiumIndex, request, badSymbol)],
    ['GET /fapi/v1/exchangeInfo', () => json(fixtures.binanceUsdmExchangeInfo)],
    ['GET /dapi/v1/positionRisk', binanceSigned(fixtures.binanceCoinmPositionRisk)],
    ['GET /dapi/v2/leverageBracket', (request) => binanceRefusal(request, binance, now()) ?? bySymbol(fixtures.binanceCoinmLeverageBracket, request, badSymbol)],
    ['GET /dapi/v1/account', binanceSigned(fixtures.binanceCoinmAccount)],
    ['GET /dapi/v1/exchangeInfo', () => json(fixtures.binanceCoinmExchangeInfo)],
    ['GET /v5/position/list', bybitSigned((request) => bybitPositionPage(request, fixtures.bybitPositionList, options.bybitPageSize ?? 20, now()))],
    ['GET /v5/account/info', bybitSigned(() => json(fixtures.bybitAccountInfo))],
    ['GET /v5/account/wallet-balance', bybitSigned(() => json(fixtures.bybitWalletBalance))],
    ['GET /v5/market/risk-limit', (request) => bybitMarket(request, fixtures.bybitRiskLimit, now())],
    ['GET /v5/market/instruments-info', (request) => bybitMarket(request, fixtures.bybitInstrumentsInfo, now())],
  ]);
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
}

function send(response: ServerResponse, reply: Reply): void {
  const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
  response.writeHead(reply.status, { 'content-type': typeof reply.body === 'string' ? 'text/plain' : 'application/json' });
  response.end(text);
}

export async function startVenueServer(options: VenueServerOptions = {}): Promise<VenueServer> {
  const fixtures: VenueFixtures = { ...loadLiveFixtures(), ...options.fixtures };
  const now = options.now ?? Date.now;
  const table = routes(options, fixtures, now);
  const requests: SeenRequest[] = [];
  const server = createServer((incoming, response) => {
    void readBody(incoming).then((body) => {
      const target = incoming.url ?? '/';
      const mark = target.indexOf('?');
      const seen: SeenRequest = {
        method: incoming.method ?? 'GET',
        path: mark < 0 ? target : target.slice(0, mark),
        query: mark < 0 ? '' : target.slice(mark + 1),
        headers: incoming.headers,
        body,
      };
      requests.push(seen);
      const handler = table.get(`${seen.method} ${seen.path}`);
      send(response, handler?.(seen) ?? dydxSubaccount(seen.path, fixtures) ?? { status: 404, body: 'Not Found' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve, reject) => {
      server.closeAllConnections();
      server.close((error) => (error ? reject(error) : resolve()));
    }),
  };
}
