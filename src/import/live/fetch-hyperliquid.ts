/**
 * Hyperliquid by address (public data, no key): `POST {api}/info` with
 * `{"type":"clearinghouseState","user":address}` (positions, margins, the venue's liquidation
 * prices) and `{"type":"metaAndAssetCtxs"}` (max leverage, margin tables, mark prices), as
 * venue-formats.md §4 describes them (https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/info-endpoint/perpetuals).
 * Only the main perp dex is read (no `dex` field).
 */
import type { ImportProblem } from '../import-types.js';
import { gather, requestJson, type LiveContext, type LiveRequest } from './live-request.js';
import type { Fetched } from './fetched.js';

export const HYPERLIQUID_API = 'https://api.hyperliquid.xyz';

/** "Onchain address in 42-character hexadecimal format" (the info endpoint's docs). */
const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

export function hyperliquidAddressProblem(address: string): ImportProblem | undefined {
  if (ADDRESS.test(address)) return undefined;
  return { file: '', field: '--address', message: `must be a Hyperliquid address, 0x and 40 hexadecimal digits; got ${JSON.stringify(address)}` };
}

function infoRequest(base: string, body: Readonly<Record<string, string>>): LiveRequest {
  const text = JSON.stringify(body);
  return { name: `POST ${base}/info ${text}`, method: 'POST', url: `${base}/info`, headers: { 'content-type': 'application/json' }, body: text };
}

export async function fetchHyperliquid(base: string, address: string, context: LiveContext): Promise<Fetched> {
  const problem = hyperliquidAddressProblem(address);
  if (problem) return { ok: false, problems: [problem] };
  const requests = [
    infoRequest(base, { type: 'clearinghouseState', user: address }),
    infoRequest(base, { type: 'metaAndAssetCtxs' }),
  ];
  return gather(await Promise.all(requests.map((request) => requestJson(request, context))));
}
