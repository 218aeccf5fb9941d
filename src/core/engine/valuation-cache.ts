/**
 * Valuations of an account snapshot's margin scopes, computed once per snapshot. Snapshots are
 * immutable and every change makes a new one, so caching by identity can never serve a stale
 * figure; it only spares the engine valuing the same scope twice in one step.
 */
import type { AccountSnapshot, PriceMap } from '../account/account-snapshot.js';
import { marginScopes, type MarginScope } from '../margin/margin-scope.js';
import { valueScope, type ScopeValuation } from '../margin/scope-valuation.js';
import { fromDecimal } from '../money/rational.js';

interface Cached {
  readonly prices: PriceMap;
  readonly scopes: readonly MarginScope[];
  readonly valuations: Map<string, ScopeValuation>;
}

const cache = new WeakMap<AccountSnapshot, Cached>();

function entry(snapshot: AccountSnapshot): Cached {
  let cached = cache.get(snapshot);
  if (!cached) {
    cached = {
      prices: new Map([...snapshot.marks].map(([symbol, price]) => [symbol, fromDecimal(price)])),
      scopes: marginScopes(snapshot),
      valuations: new Map(),
    };
    cache.set(snapshot, cached);
  }
  return cached;
}

/** The account's marks as exact prices, as the valuation functions take them. */
export function markPriceMap(snapshot: AccountSnapshot): PriceMap {
  return entry(snapshot).prices;
}

export function scopesOf(snapshot: AccountSnapshot): readonly MarginScope[] {
  return entry(snapshot).scopes;
}

export function scopeOf(snapshot: AccountSnapshot, id: string): MarginScope | undefined {
  return entry(snapshot).scopes.find((scope) => scope.id === id);
}

/** The scope valued at the marks, in the account currency's units; undefined when there is no such scope. */
export function valuationOf(snapshot: AccountSnapshot, id: string): ScopeValuation | undefined {
  const cached = entry(snapshot);
  const known = cached.valuations.get(id);
  if (known) return known;
  const scope = scopeOf(snapshot, id);
  if (!scope) return undefined;
  const valuation = valueScope(snapshot.venue, scope, cached.prices, snapshot.currencyDecimals);
  cached.valuations.set(id, valuation);
  return valuation;
}
