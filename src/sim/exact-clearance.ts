/**
 * The separable screen's test (separable-screen.ts) on exact figures, for the observations its
 * float bounds cannot clear: whether a mark at these ticks, with each scope's collateral moved by
 * payments not yet booked, leaves the state as it is. Per margin scope with positions
 * (../core/margin/scope-valuation.ts, margin-calls.ts), on the exact rationals the venue decides on:
 *
 *   S_l = equity + Δ - Rl > 0                      clear of liquidation (and of bankruptcy: Rl >= 0)
 *   S_c = equity + Δ - Rc > 0 with no call open,   nothing to issue
 *   S_c < 0 with a call open                       nothing to clear
 *
 * and no stop-loss or take-profit reached (trigger-orders.ts). Anything else, equality included,
 * goes to the reducer. The path engine asks this only before a cure deadline.
 */
import type { EngineState } from '../core/engine/engine-types.js';
import { reached } from '../core/engine/trigger-orders.js';
import { markPrices } from '../core/liquidation/threshold-price.js';
import { marginCallThreshold, marginScopes, scopeEquity, scopeRequirement } from '../core/margin/margin-scope.js';
import { breachesLiquidation } from '../core/margin/scope-valuation.js';
import { addRational, fromDecimal, rational, signRational, subtractRational, type Rational } from '../core/money/rational.js';
import type { InstrumentId, Price } from '../core/money/units.js';
import { priceOfTicks, type PriceColumn } from './ticks.js';

/** The state's marks with the columns at these ticks: as prices (exact fractions) and as marks. */
function pricesAt(state: EngineState, columns: readonly PriceColumn[], ticks: ArrayLike<number>): { prices: Map<InstrumentId, Rational>; marks: Map<string, Price> } {
  const prices = new Map(markPrices(state.snapshot));
  const marks = new Map<string, Price>();
  columns.forEach((column, index) => {
    const price = priceOfTicks(column, ticks[index] as number);
    marks.set(column.symbol, price);
    prices.set(column.symbol, fromDecimal(price));
  });
  return { prices, marks };
}

/**
 * Whether the venue liquidates the scope `scopeId` at these ticks with its collateral moved by
 * `shiftUnits` (../core/margin/scope-valuation.ts breachesLiquidation: below its requirement, or at
 * it where the venue acts on reaching it). For a venue with no cure period, where a breach is acted
 * on at once.
 */
export function exactlyBreached(state: EngineState, columns: readonly PriceColumn[], ticks: ArrayLike<number>, scopeId: string, shiftUnits: number): boolean {
  const { snapshot } = state;
  const scope = marginScopes(snapshot).find((each) => each.id === scopeId);
  if (!scope || scope.positions.length === 0) return false;
  const { prices } = pricesAt(state, columns, ticks);
  const equity = addRational(scopeEquity(scope, prices), rational(BigInt(shiftUnits), 10n ** BigInt(snapshot.currencyDecimals)));
  return breachesLiquidation(snapshot.venue, equity, scopeRequirement(snapshot.venue, scope, prices, snapshot.venue.liquidation));
}

/**
 * Whether the mark at `ticks` (one per column) is quiet for `state` with the scope `scopeIds[s]`
 * moved by `shiftUnits[s]` account units.
 */
export function exactlyClear(
  state: EngineState, columns: readonly PriceColumn[], ticks: ArrayLike<number>, scopeIds: readonly string[], shiftUnits: ArrayLike<number>,
): boolean {
  const { snapshot } = state;
  const { prices, marks } = pricesAt(state, columns, ticks);
  for (const position of snapshot.positions) {
    const orders = state.orders.get(position.id);
    const mark = marks.get(position.instrument.symbol);
    if (!orders || !mark) continue;
    if ((orders.stopLoss && reached(position, 'stop-loss', orders.stopLoss, mark)) || (orders.takeProfit && reached(position, 'take-profit', orders.takeProfit, mark))) return false;
  }
  const scopes = marginScopes(snapshot);
  for (const id of state.marginCalls.keys()) if (!scopes.some((scope) => scope.id === id && scope.positions.length > 0)) return false;
  const { venue } = snapshot;
  const unit = 10n ** BigInt(snapshot.currencyDecimals);
  for (const scope of scopes) {
    if (scope.positions.length === 0) continue;
    const index = scopeIds.indexOf(scope.id);
    const shift = rational(BigInt(index < 0 ? 0 : (shiftUnits[index] as number)), unit);
    const equity = addRational(scopeEquity(scope, prices), shift);
    if (signRational(subtractRational(equity, scopeRequirement(venue, scope, prices, venue.liquidation))) <= 0) return false;
    const call = signRational(subtractRational(equity, scopeRequirement(venue, scope, prices, marginCallThreshold(venue))));
    if (state.marginCalls.has(scope.id) ? call >= 0 : call <= 0) return false;
  }
  return true;
}

