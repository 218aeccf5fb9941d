/**
 * `stopout import <venue> --address …` / `--live`: the account fetched from the venue's API instead
 * of saved files (spec/import.md "Live"). The answers become import files named by their request
 * ("GET https://fapi.binance.com/fapi/v2/positionRisk", value = the parsed JSON), which
 * `importAccount` then recognises by shape exactly as it does saved responses: one code path for
 * both.
 *
 * - Hyperliquid and dYdX v4: public data by `--address` (fetch-hyperliquid.ts, fetch-dydx.ts).
 * - Binance USD-M / COIN-M and Bybit linear: `--live`, with a read-only key and secret from
 *   `STOPOUT_<VENUE>_KEY` / `STOPOUT_<VENUE>_SECRET` (credentials.ts), each request signed as the
 *   venue documents it (sign-request.ts).
 * - `--api-url` replaces the venue's host (a testnet, a recording, the tests' loopback server).
 *
 * Signing is done here with node:crypto's HMAC rather than through ccxt: ccxt defaults to Binance's
 * v3 positionRisk, which drops `leverage` and `marginType`, and its unified objects drop the
 * bracket's `cum` (venue-formats.md §1.5, §2.2), while the venues' own signing is ten lines.
 *
 * Nothing is written anywhere; every failure is a problem naming the request (or the flag or the
 * environment variable), never a thrown error, and no message holds the secret.
 */
import { BINANCE_COINM, BINANCE_USDM, fetchBinance } from './fetch-binance.js';
import { BYBIT_API, fetchBybit } from './fetch-bybit.js';
import { DYDX_API, fetchDydx } from './fetch-dydx.js';
import { HYPERLIQUID_API, fetchHyperliquid } from './fetch-hyperliquid.js';
import type { Fetched } from './fetched.js';
import { apiBase, type LiveContext } from './live-request.js';
import type { ImportProblem } from '../import-types.js';

export type { Fetched } from './fetched.js';
export { credentialNames } from './credentials.js';
export { REQUEST_TIMEOUT_MS } from './live-request.js';

export interface FetchOptions {
  address?: string;
  live?: boolean;
  apiUrl?: string;
  subaccount?: number;
  env: Readonly<Record<string, string | undefined>>;
  fetch?: typeof fetch;
  now?: () => number;
}

/** How a venue is reached: public data by address, or the account's own data with a key. */
type Access = 'address' | 'key';

interface LiveVenue {
  readonly access: Access;
  readonly api: string;
  readonly fetch: (base: string, options: FetchOptions, context: LiveContext) => Promise<Fetched>;
}

const LIVE_VENUES: Readonly<Record<string, LiveVenue>> = {
  hyperliquid: { access: 'address', api: HYPERLIQUID_API, fetch: (base, options, context) => fetchHyperliquid(base, options.address ?? '', context) },
  'dydx-v4': { access: 'address', api: DYDX_API, fetch: (base, options, context) => fetchDydx(base, options.address ?? '', options.subaccount ?? 0, context) },
  'binance-usdm': { access: 'key', api: BINANCE_USDM.api, fetch: (base, options, context) => fetchBinance(BINANCE_USDM, base, options.env, context) },
  'binance-coinm': { access: 'key', api: BINANCE_COINM.api, fetch: (base, options, context) => fetchBinance(BINANCE_COINM, base, options.env, context) },
  'bybit-linear': { access: 'key', api: BYBIT_API, fetch: (base, options, context) => fetchBybit(base, options.env, context) },
};

export const LIVE_FETCH_VENUES: readonly string[] = Object.keys(LIVE_VENUES);

function venuesWith(access: Access): string {
  return LIVE_FETCH_VENUES.filter((venue) => LIVE_VENUES[venue]?.access === access).join(', ');
}

/** The flags that do not fit the venue: `--address` for a keyed venue, `--live` alone for a public one, ... */
function flagProblems(venue: string, live: LiveVenue, options: FetchOptions): ImportProblem[] {
  const problems: ImportProblem[] = [];
  if (live.access === 'address' && (options.address === undefined || options.address === '')) {
    problems.push({ file: '', field: '--address', message: `${venue} is read from its public API by address: give --address` });
  }
  if (live.access === 'key' && options.address !== undefined) {
    problems.push({ file: '', field: '--address', message: `${venue} is not read by address; --address is for ${venuesWith('address')}` });
  }
  if (live.access === 'key' && options.live !== true) {
    problems.push({ file: '', field: '--live', message: `${venue} is read with a read-only API key: give --live` });
  }
  if (options.subaccount !== undefined && venue !== 'dydx-v4') {
    problems.push({ file: '', field: '--subaccount', message: `only dydx-v4 has subaccounts, not ${venue}` });
  }
  return problems;
}

/** The account's files from the venue's API, ready for `importAccount(venue, files)`; or every problem. */
export async function fetchAccountFiles(venue: string, options: FetchOptions): Promise<Fetched> {
  const live = LIVE_VENUES[venue];
  if (!live) {
    return {
      ok: false,
      problems: [{ file: '', field: options.live === true ? '--live' : '--address', message: `${venue} cannot be fetched; give its saved files instead (fetched: ${venuesWith('address')} by --address; ${venuesWith('key')} by --live)` }],
    };
  }
  const problems = flagProblems(venue, live, options);
  const base = apiBase(options.apiUrl, live.api);
  if (!base.ok) problems.push(...base.problems);
  if (problems.length > 0 || !base.ok) return { ok: false, problems };
  const context: LiveContext = { fetch: options.fetch ?? globalThis.fetch, now: options.now ?? Date.now };
  return live.fetch(base.value, options, context);
}
