/**
 * dYdX v4 by address (the indexer's public data, no key), venue-formats.md §5:
 * `GET {api}/v4/addresses/{address}/subaccountNumber/{n}` (n = `--subaccount`, default 0) and
 * `GET {api}/v4/perpetualMarkets` (marks = oracle prices, margin fractions, ticks)
 * (dydxprotocol/v4-documentation, indexer-client/http/accounts/get_subaccount.mdx and
 * markets/get_perpetual_markets.mdx). One subaccount is read: isolated markets traded in child
 * subaccounts (128 and up) are fetched by giving their number.
 */
import type { ImportProblem } from '../import-types.js';
import { gather, requestJson, type LiveContext, type LiveRequest } from './live-request.js';
import type { Fetched } from './fetched.js';

export const DYDX_API = 'https://indexer.dydx.trade';

/** A dYdX chain account: "dydx1" and a bech32 payload (38 characters for a 20-byte account). */
const ADDRESS = /^dydx1[02-9ac-hj-np-z]{38}$/;

export function dydxAddressProblems(address: string, subaccount: number): ImportProblem[] {
  const problems: ImportProblem[] = [];
  if (!ADDRESS.test(address)) {
    problems.push({ file: '', field: '--address', message: `must be a dYdX address, "dydx1" and 38 bech32 characters (lower case); got ${JSON.stringify(address)}` });
  }
  if (!Number.isSafeInteger(subaccount) || subaccount < 0) {
    problems.push({ file: '', field: '--subaccount', message: `must be a subaccount number, a whole number 0 or more; got ${String(subaccount)}` });
  }
  return problems;
}

function get(base: string, path: string): LiveRequest {
  return { name: `GET ${base}${path}`, method: 'GET', url: `${base}${path}` };
}

export async function fetchDydx(base: string, address: string, subaccount: number, context: LiveContext): Promise<Fetched> {
  const problems = dydxAddressProblems(address, subaccount);
  if (problems.length > 0) return { ok: false, problems };
  const requests = [
    get(base, `/v4/addresses/${address}/subaccountNumber/${String(subaccount)}`),
    get(base, '/v4/perpetualMarkets'),
  ];
  return gather(await Promise.all(requests.map((request) => requestJson(request, context))));
}
