/** Lists page by cursor (spec/service.md): `?after=<cursor>&limit=<n>`, limit at most 1000 (default 100). */
import { ServiceError } from '../problem.js';

export const MAX_PAGE = 1000;
export const DEFAULT_PAGE = 100;

export function pageOf(query: { readonly after?: string; readonly limit?: string }): { after: number; limit: number } {
  const after = query.after === undefined ? 0 : Number(query.after);
  const limit = query.limit === undefined ? DEFAULT_PAGE : Number(query.limit);
  if (!Number.isSafeInteger(after) || after < 0) throw new ServiceError(400, 'request/invalid', 'after: a cursor from "next"', [{ field: 'after', message: 'not a cursor' }]);
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_PAGE) {
    throw new ServiceError(400, 'request/invalid', `limit: from 1 to ${MAX_PAGE}, got ${query.limit ?? ''}`, [{ field: 'limit', message: `must be from 1 to ${MAX_PAGE}` }]);
  }
  return { after, limit };
}
