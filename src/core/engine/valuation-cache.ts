/**
 * Valuations of an account snapshot's margin scopes, computed once per snapshot. Snapshots are
 * immutable and every change makes a new one, so caching by identity can never serve a stale
 * figure; it only spares the engine valuing the same scope twice in one step.
 */
import type { AccountSnapshot, PriceMap } from '../account/account-snapshot.js';
import { marginCallThreshold, marginScopes, scopeEquity, scopeRequirement, type MarginScope } from '../margin/margin-scope.js';
import { scopeStatus, valueScope, type MarginStatus, type ScopeValuation } from '../margin/scope-valuation.js';
import { signRational, type Rational } from '../money/rational.js';
import { fromDecimal } from '../money/rational.js';

/** What the venue decides on: the exact figures and the status they give (valueScope's `exact` and `status`). */
export interface ScopeDecision {
  readonly exact: { readonly equity: Rational; readonly marginCall: Rational; readonly liquidation: Rational };
  readonly status: MarginStatus;
}

interface Cached {
  readonly prices: PriceMap;
  readonly scopes: readonly MarginScope[];
  readonly valuations: Map<string, ScopeValuation>;
  readonly decisions: Map<string, ScopeDecision>;
}

const cache = new WeakMap<AccountSnapshot, Cached>();

function entry(snapshot: AccountSnapshot): Cached {
  let cached = cache.get(snapshot);
  if (!cached) {
    cached = {
      prices: new Map([...snapshot.marks].map(([symbol, price]) => [symbol, fromDecimal(price)])),
      scopes: marginScopes(snapshot),
      valuations: new Map(),
      decisions: new Map(),
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

/**
 * The scope's exact figures and status, without the booked ones (rounded amounts, each position's
 * share): what a review needs to decide, at a fraction of a valuation's cost. A valuation, when
 * one is made, gives the same figures.
 */
export function decisionOf(snapshot: AccountSnapshot, id: string): ScopeDecision | undefined {
  const cached = entry(snapshot);
  const known = cached.decisions.get(id) ?? cached.valuations.get(id);
  if (known) return known;
  const scope = scopeOf(snapshot, id);
  if (!scope) return undefined;
  const { venue } = snapshot;
  const equity = scopeEquity(scope, cached.prices);
  const liquidation = scopeRequirement(venue, scope, cached.prices, venue.liquidation);
  const marginCall = scopeRequirement(venue, scope, cached.prices, marginCallThreshold(venue));
  const decision: ScopeDecision = {
    exact: { equity, marginCall, liquidation },
    status: scope.positions.length || signRational(equity) < 0 ? scopeStatus(venue, equity, marginCall, liquidation) : 'healthy',
  };
  cached.decisions.set(id, decision);
  return decision;
}
