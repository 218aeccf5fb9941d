/**
 * Who is asking, and what they may do (spec/service.md). The admin key may do everything. An
 * account key reads and commands its own account and nothing else: another account is 404 to it,
 * as an account that does not exist is. A key made with POST /v1/keys carries scopes; a valid key
 * without the scope an endpoint needs is 403. No key is 401 auth/missing-key; an unknown or
 * revoked one 401 auth/invalid-key.
 */
import type { KeyScope } from '../live/entries.js';
import type { LiveAccount } from '../live/live-account.js';
import type { LiveState } from '../live/live-state.js';
import { ServiceError, notFound } from '../problem.js';
import { parseKey, secretMatches } from './keys.js';

export type Principal =
  | { readonly kind: 'admin'; readonly id: 'admin' }
  | { readonly kind: 'account'; readonly id: string; readonly account: string }
  | { readonly kind: 'scoped'; readonly id: string; readonly scopes: ReadonlySet<KeyScope> };

const BEARER = /^Bearer\s+(\S+)\s*$/i;

export function authenticate(header: string | undefined, live: LiveState, adminHash: string | null): Principal {
  if (header === undefined || header.trim() === '') {
    throw new ServiceError(401, 'auth/missing-key', 'an API key is required: Authorization: Bearer <key>', [{ field: 'Authorization', message: 'missing' }]);
  }
  const match = BEARER.exec(header);
  const invalid = (): ServiceError => new ServiceError(401, 'auth/invalid-key', 'the API key is unknown or revoked', [{ field: 'Authorization', message: 'unknown or revoked key' }]);
  if (!match) {
    throw new ServiceError(401, 'auth/invalid-key', 'the Authorization header must read "Bearer <key>"', [{ field: 'Authorization', message: 'not a bearer key' }]);
  }
  const text = match[1] as string;
  const parsed = parseKey(text);
  if (parsed) {
    const record = live.keys.get(parsed.id);
    if (!record || record.revoked || !secretMatches(parsed.secret, record.hash)) throw invalid();
    if (record.account !== undefined) return { kind: 'account', id: record.id, account: record.account };
    return { kind: 'scoped', id: record.id, scopes: new Set(record.scopes) };
  }
  if (adminHash !== null && secretMatches(text, adminHash)) return { kind: 'admin', id: 'admin' };
  throw invalid();
}

const forbidden = (what: string): ServiceError => new ServiceError(403, 'auth/forbidden', `this key may not ${what}`);

/** An endpoint that needs a scope (an account key has none of the service-wide ones). */
export function requireScope(principal: Principal, scope: KeyScope, what: string): void {
  if (principal.kind === 'admin') return;
  if (principal.kind === 'scoped' && principal.scopes.has(scope)) return;
  throw forbidden(what);
}

export function requireAdmin(principal: Principal, what: string): void {
  if (principal.kind !== 'admin') throw forbidden(what);
}

/** The account, when the key may see it with this scope; else 404 (or 403 for a scoped key short of the scope). */
export function requireAccount(principal: Principal, live: LiveState, id: string, scope: 'accounts:read' | 'accounts:write'): LiveAccount {
  if (principal.kind === 'scoped' && !principal.scopes.has(scope)) throw forbidden(scope === 'accounts:read' ? 'read accounts' : 'command accounts');
  if (principal.kind === 'account' && principal.account !== id) throw notFound(id);
  const account = live.accounts.get(id);
  if (!account) throw notFound(id);
  return account;
}

/** The account whose events the key sees (its own), or undefined for all. */
export function eventScope(principal: Principal): string | undefined {
  if (principal.kind === 'account') return principal.account;
  if (principal.kind === 'scoped' && !principal.scopes.has('accounts:read')) throw forbidden('read events');
  return undefined;
}
