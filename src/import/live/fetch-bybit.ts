/**
 * Bybit linear (USDT) with a read-only key (`--live`), venue-formats.md §3, Bybit v5
 * (https://bybit-exchange.github.io/docs/v5/...):
 * - signed: `/v5/position/list?category=linear&settleCoin=USDT` (every page: `nextPageCursor` is
 *   followed until empty), `/v5/account/info` (the account's margin mode) and
 *   `/v5/account/wallet-balance?accountType=UNIFIED`;
 * - public, for each open position's symbol: `/v5/market/risk-limit` (tiers) and
 *   `/v5/market/instruments-info` (tick, max leverage).
 * Bybit answers most errors with HTTP 200 and `retCode` ≠ 0 (`{"retCode":10004,"retMsg":"error
 * sign! ..."}`): those are problems too. The pages of the position list are given to the importer
 * as one response, `result.list` holding every page's positions in order (page 1's other fields
 * kept, `nextPageCursor` emptied), so the file reads like a single answer.
 */
import { readCredentials, withoutSecret, type Credentials } from './credentials.js';
import type { Fetched } from './fetched.js';
import { gather, quote, requestJson, requestProblem, type Answer, type LiveContext, type LiveRequest } from './live-request.js';
import { bybitSignedHeaders } from './sign-request.js';
import { isObject, isZeroText } from '../venue-json.js';
import type { ImportFile } from '../import-types.js';

export const BYBIT_API = 'https://api.bybit.com';
const VENUE = 'bybit-linear';
const POSITION_QUERY = 'category=linear&settleCoin=USDT';
/** Bybit's largest page (`limit` 1–200, docs/v5/position/position.mdx). */
const PAGE_LIMIT = 200;
/** 200 positions a page: 50 pages is more positions than any account holds. */
const MAX_PAGES = 50;

/**
 * What to do about Bybit's retCodes (https://bybit-exchange.github.io/docs/v5/error): 10003 key
 * invalid, 10004 signature wrong, 10002 timestamp outside the receive window, 10005 permission.
 */
function explainBybitError(body: unknown): string | undefined {
  const code = isObject(body) ? body.retCode : undefined;
  if (code === 10003) return 'check STOPOUT_BYBIT_LINEAR_KEY (a mainnet key for api.bybit.com, a testnet key for api-testnet.bybit.com)';
  if (code === 10004) return 'check STOPOUT_BYBIT_LINEAR_SECRET: it must be the secret of the key in STOPOUT_BYBIT_LINEAR_KEY';
  if (code === 10002) return 'this computer\'s clock is off Bybit\'s by more than the 5 s receive window: set the clock';
  if (code === 10005 || code === 10010) return 'the key lacks read permission for this, or is bound to another IP address';
  return undefined;
}

/** An HTTP 200 whose `retCode` is not 0 is Bybit's error answer. */
async function bybitJson(request: LiveRequest, context: LiveContext): Promise<Answer> {
  const answer = await requestJson({ ...request, explain: explainBybitError }, context);
  if (!answer.ok) return answer;
  const value = answer.file.value;
  if (isObject(value) && 'retCode' in value && value.retCode !== 0) {
    const hint = explainBybitError(value);
    return { ok: false, problems: [requestProblem(request, `the venue answered ${quote(JSON.stringify(value))}${hint ? `; ${hint}` : ''}`)] };
  }
  return answer;
}

function signedGet(base: string, path: string, query: string, credentials: Credentials, context: LiveContext, name?: string): LiveRequest {
  const url = query === '' ? `${base}${path}` : `${base}${path}?${query}`;
  return {
    name: name ?? `GET ${url}`,
    method: 'GET',
    url,
    headers: bybitSignedHeaders(credentials.key, credentials.secret, Math.trunc(context.now()), query),
  };
}

function publicGet(base: string, path: string, query: string): LiveRequest {
  return { name: `GET ${base}${path}?${query}`, method: 'GET', url: `${base}${path}?${query}` };
}

/** `result.list` and `result.nextPageCursor` of one page, where the page has that shape. */
function pageParts(value: unknown): { readonly list: readonly unknown[]; readonly cursor: string } | undefined {
  const result = isObject(value) ? value.result : undefined;
  if (!isObject(result) || !Array.isArray(result.list)) return undefined;
  return { list: result.list, cursor: typeof result.nextPageCursor === 'string' ? result.nextPageCursor : '' };
}

/** Every page of the position list, as one response. */
async function fetchPositions(base: string, credentials: Credentials, context: LiveContext): Promise<Answer> {
  const name = `GET ${base}/v5/position/list?${POSITION_QUERY}`;
  const lists: unknown[] = [];
  const seen = new Set<string>();
  let first: ImportFile | undefined;
  let cursor = '';
  for (let page = 1; page <= MAX_PAGES; page += 1) {
    const query = `${POSITION_QUERY}&limit=${PAGE_LIMIT}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const pageName = page === 1 ? name : `${name} (page ${page})`;
    const answer = await bybitJson(signedGet(base, '/v5/position/list', query, credentials, context, pageName), context);
    if (!answer.ok) return answer;
    const parts = pageParts(answer.file.value);
    // A first page of another shape goes to the importer as it came, to be named there.
    if (!parts) return page === 1 ? answer : { ok: false, problems: [requestProblem({ name: pageName }, 'the answer has no result.list: not a page of the position list')] };
    first ??= answer.file;
    lists.push(...parts.list);
    if (parts.cursor === '') return { ok: true, file: mergedPages(first, lists) };
    if (seen.has(parts.cursor)) return { ok: false, problems: [requestProblem({ name: pageName }, `the venue gave the cursor ${JSON.stringify(parts.cursor)} twice: stopped`)] };
    seen.add(parts.cursor);
    cursor = parts.cursor;
  }
  return { ok: false, problems: [requestProblem({ name }, `more than ${MAX_PAGES} pages of positions: stopped`)] };
}

function mergedPages(first: ImportFile, list: readonly unknown[]): ImportFile {
  const value = isObject(first.value) ? first.value : {};
  const result = isObject(value.result) ? value.result : {};
  return { name: first.name, value: { ...value, result: { ...result, list, nextPageCursor: '' } } };
}

/** The symbols of the open positions, in order, once each. */
function openSymbols(positions: unknown): string[] {
  const list = pageParts(positions)?.list ?? [];
  const symbols = list.flatMap((item) => {
    if (!isObject(item) || typeof item.symbol !== 'string' || item.symbol === '') return [];
    // A flat row (Bybit keeps one per symbol in hedge mode: size "0", side "") needs no market data.
    const size = typeof item.size === 'string' ? item.size.trim() : '';
    return size === '' || isZeroText(size) ? [] : [item.symbol];
  });
  return [...new Set(symbols)];
}

export async function fetchBybit(base: string, env: Readonly<Record<string, string | undefined>>, context: LiveContext): Promise<Fetched> {
  const credentials = readCredentials(VENUE, env);
  if (!credentials.ok) return credentials;
  const [positions, info, wallet] = await Promise.all([
    fetchPositions(base, credentials.value, context),
    bybitJson(signedGet(base, '/v5/account/info', '', credentials.value, context), context),
    bybitJson(signedGet(base, '/v5/account/wallet-balance', 'accountType=UNIFIED', credentials.value, context), context),
  ]);
  const symbols = positions.ok ? openSymbols(positions.file.value) : [];
  const markets = await Promise.all(symbols.flatMap((symbol) => {
    const query = `category=linear&symbol=${encodeURIComponent(symbol)}`;
    return [publicGet(base, '/v5/market/risk-limit', query), publicGet(base, '/v5/market/instruments-info', query)];
  }).map((request) => bybitJson(request, context)));
  const fetched = gather([positions, info, wallet, ...markets]);
  return fetched.ok ? fetched : { ok: false, problems: withoutSecret(fetched.problems, credentials.value.secret) };
}
