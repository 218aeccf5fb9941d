/**
 * Binance USD-M and COIN-M with a read-only key (`--live`), venue-formats.md §2: the signed
 * (USER_DATA) positionRisk, leverageBracket and account, and the public calls for what they lack:
 * exchangeInfo (tick sizes from PRICE_FILTER; COIN-M's contract sizes) and, USD-M, premiumIndex
 * (the marks). Signing:
 * sign-request.ts. positionRisk v2 (not v3) because it still carries `leverage` and `marginType`
 * (§2.2).
 */
import { credentialNames, readCredentials, withoutSecret } from './credentials.js';
import type { Fetched } from './fetched.js';
import { gather, requestJson, type LiveContext, type LiveRequest } from './live-request.js';
import { binanceSignedQuery } from './sign-request.js';
import { isObject } from '../venue-json.js';

export interface BinanceVenue {
  readonly venue: 'binance-usdm' | 'binance-coinm';
  readonly api: string;
  readonly signedPaths: readonly string[];
  readonly publicPaths: readonly string[];
}

export const BINANCE_USDM: BinanceVenue = {
  venue: 'binance-usdm',
  api: 'https://fapi.binance.com',
  signedPaths: ['/fapi/v2/positionRisk', '/fapi/v1/leverageBracket', '/fapi/v2/account'],
  publicPaths: ['/fapi/v1/premiumIndex', '/fapi/v1/exchangeInfo'],
};

export const BINANCE_COINM: BinanceVenue = {
  venue: 'binance-coinm',
  api: 'https://dapi.binance.com',
  signedPaths: ['/dapi/v1/positionRisk', '/dapi/v2/leverageBracket', '/dapi/v1/account'],
  publicPaths: ['/dapi/v1/exchangeInfo'],
};

/**
 * What to do about Binance's error codes (https://developers.binance.com/docs/derivatives/usds-margined-futures/error-code):
 * -2014 API-key format invalid, -2015 invalid key, IP or permissions, -1022 signature not valid,
 * -1021 timestamp outside the recvWindow.
 */
function explainBinanceError(venue: string): (body: unknown) => string | undefined {
  const names = credentialNames(venue);
  return (body) => {
    const code = isObject(body) ? body.code : undefined;
    if (code === -2014 || code === -2015) return `check ${names.key}, that the key may read futures, and its IP restriction`;
    if (code === -1022) return `check ${names.secret}: it must be the secret of the key in ${names.key}`;
    if (code === -1021) return 'this computer\'s clock is more than 5 s off Binance\'s: set the clock';
    return undefined;
  };
}

export async function fetchBinance(venue: BinanceVenue, base: string, env: Readonly<Record<string, string | undefined>>, context: LiveContext): Promise<Fetched> {
  const credentials = readCredentials(venue.venue, env);
  if (!credentials.ok) return credentials;
  const { key, secret } = credentials.value;
  const explain = explainBinanceError(venue.venue);
  const signed = venue.signedPaths.map((path): LiveRequest => ({
    name: `GET ${base}${path}`,
    method: 'GET',
    url: `${base}${path}?${binanceSignedQuery(secret, Math.trunc(context.now()))}`,
    headers: { 'X-MBX-APIKEY': key },
    explain,
  }));
  const unsigned = venue.publicPaths.map((path): LiveRequest => ({ name: `GET ${base}${path}`, method: 'GET', url: `${base}${path}` }));
  const fetched = gather(await Promise.all([...signed, ...unsigned].map((request) => requestJson(request, context))));
  return fetched.ok ? fetched : { ok: false, problems: withoutSecret(fetched.problems, secret) };
}
