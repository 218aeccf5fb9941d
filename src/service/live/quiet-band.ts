/**
 * Quiet bands: per instrument an account holds, a range of prices [lo, hi] such that a mark with
 * every one of its instruments inside its range provably leaves the account as it is: `step()`
 * would emit no event and change nothing but the marks, the time and the sequence. The service's
 * risk index (risk-index.ts) keys accounts by these bounds, so a tick touches only the accounts
 * it can cross (DESIGN.md: "a float says look here, the exact check decides").
 *
 * Why a box is enough, when several instruments move at once. A margin scope's three slacks,
 *   E (equity),  S_l = E - Rl,  S_c = E - Rc,
 * are separable by instrument: equity is collateral plus each position's P&L, and requirements
 * are sums over exposures, which never span two instruments (../../core/margin/margin-scope.ts).
 * So with T_X(p_X) = s(sub-scope of X's positions at p_X) - s(same at the mark),
 *   s(p) = s(p0) + Σ_X T_X(p_X).
 * Each condition the scope's status depends on (s >= 0, s > 0 or s < 0, see `conditions`) holds
 * with value V0 at the marks; giving each of the scope's k instruments the budget
 *   β = |V0| × (1 - 2^-20) / k
 * and keeping σ × T_X >= -β on instrument X's range keeps σ × s >= |V0| × 2^-20 > 0 on the whole
 * box (or >= 0 when V0 = 0 on a non-strict condition), so the status cannot change. An account
 * on one instrument gets the whole budget: its range ends where its status really changes.
 *
 * Each T_X is affine in the instrument's coordinate between known breakpoints (tiers, per-share
 * minimums; ../../core/instrument/coordinate.ts), so the range's ends are found exactly, one
 * affine piece at a time, walking out from the mark (at most a factor of RANGE_CAP each way: a
 * tick beyond is simply looked at again). Stop-losses and take-profits bound the range at their
 * triggers. The exact ends are turned into floats shrunk inward by 10^-9, so a float comparison of
 * a tick can only ever say "look here"; `step()` then decides.
 *
 * A state that is not quiet at its own marks (a scope left in breach, a margin call that does not
 * match the status), a Reg T call running towards its deadline, or an instrument with no price is
 * "always": every tick on its instruments is stepped.
 */
import type { AccountSnapshot, PriceMap } from '../../core/account/account-snapshot.js';
import type { Position } from '../../core/account/position.js';
import { isCalled } from '../../core/engine/margin-calls.js';
import type { EngineState } from '../../core/engine/engine-types.js';
import { coordinateOfPrice, priceOfCoordinate } from '../../core/instrument/coordinate.js';
import { markPrices } from '../../core/liquidation/threshold-price.js';
import { exposureBreakpoints } from '../../core/margin/maintenance-margin.js';
import {
  exposures, marginCallThreshold, marginScopes, scopeEquity, scopeRequirement, type MarginScope,
} from '../../core/margin/margin-scope.js';
import { scopeStatus } from '../../core/margin/scope-valuation.js';
import {
  addRational, compareRational, divideRational, fromDecimal, multiplyRational, negateRational, rational, signRational,
  subtractRational, type Rational,
} from '../../core/money/rational.js';
import { parseDecimal } from '../../core/money/decimal.js';
import { asInstrumentId, type Price } from '../../core/money/units.js';

/** A range of prices of one instrument, as floats already shrunk inward: lo may be 0, hi Infinity. */
export interface PriceRange {
  lo: number;
  hi: number;
}

export type QuietBands =
  | { readonly kind: 'bands'; readonly ranges: ReadonlyMap<string, PriceRange> }
  | { readonly kind: 'always'; readonly reason: string };

/** How far from the mark a range may reach, as a factor of the coordinate. */
const RANGE_CAP = 2n;
/** Relative inward shrink of the float bounds: far above a double's rounding error. */
const SHRINK = 1e-9;
const BUDGET_SHARE = rational(2n ** 20n - 1n, 2n ** 20n);

type SlackIndex = 0 | 1 | 2; // E, S_l, S_c

/** One condition on one slack: σ × s must stay positive (or non-negative), with this budget. */
interface Condition {
  readonly slack: SlackIndex;
  readonly sigma: 1 | -1;
  readonly value: Rational;
}

/**
 * The sign conditions that keep the scope's status, and so the reducer's verdict, where it is;
 * undefined when the reducer would act on the scope at its own marks.
 */
function conditions(state: EngineState, scope: MarginScope, prices: PriceMap): Condition[] | undefined {
  const { venue } = state.snapshot;
  // The exact figures the engine decides on (valueScope's `exact`), without the booked ones.
  const equity = scopeEquity(scope, prices);
  const liquidation = scopeRequirement(venue, scope, prices, venue.liquidation);
  const callThreshold = marginCallThreshold(venue);
  const marginCall = callThreshold === venue.liquidation ? liquidation : scopeRequirement(venue, scope, prices, callThreshold);
  const liquidationSlack = subtractRational(equity, liquidation);
  const callSlack = subtractRational(equity, marginCall);
  const status = scopeStatus(venue, equity, marginCall, liquidation);
  const called = state.marginCalls.has(scope.id);
  if (status === 'liquidation' || status === 'bankrupt' || isCalled(venue, status) !== called) return undefined;
  const strictLiquidation = venue.liquidationTrigger === 'at-or-below';
  const list: Condition[] = [{ slack: 0, sigma: 1, value: equity }];
  if (!called) {
    list.push({ slack: 1, sigma: 1, value: liquidationSlack });
    // Where the call's requirement is the liquidation's, its condition is the same one.
    if (marginCallThreshold(venue) !== venue.liquidation) list.push({ slack: 2, sigma: 1, value: callSlack });
  } else {
    // Stays called (S_c < 0) and, away from a cure period, clear of liquidation.
    list.push({ slack: 2, sigma: -1, value: callSlack });
    if (venue.cureDays === 0) list.push({ slack: 1, sigma: 1, value: liquidationSlack });
  }
  for (const condition of list) {
    const signed = condition.sigma * signRational(condition.value);
    const strict = condition.sigma < 0 || (condition.slack === 1 && strictLiquidation);
    if (signed < 0 || (strict && signed === 0)) return undefined;
  }
  return list;
}

/** The three slacks of the positions on one instrument (collateral included: it cancels out). */
function slacksAt(snapshot: AccountSnapshot, scope: MarginScope, prices: PriceMap): [Rational, Rational, Rational] {
  const { venue } = snapshot;
  const equity = scopeEquity(scope, prices);
  const liquidation = subtractRational(equity, scopeRequirement(venue, scope, prices, venue.liquidation));
  // A venue with no margin call of its own calls where it liquidates: the same requirement.
  const callThreshold = marginCallThreshold(venue);
  const call = callThreshold === venue.liquidation ? liquidation : subtractRational(equity, scopeRequirement(venue, scope, prices, callThreshold));
  return [equity, liquidation, call];
}

interface Walk {
  /** h_c(x) for every condition, at coordinate x. */
  readonly heights: (x: Rational) => Rational[];
  /** The heights at the mark: the budgets. */
  readonly start: readonly Rational[];
  readonly breakpoints: readonly Rational[];
  readonly x0: Rational;
}

function negative(values: readonly Rational[]): boolean {
  return values.some((value) => signRational(value) < 0);
}

/**
 * From x0 in `direction`, the farthest coordinate up to which every h_c stays >= 0 (within the
 * cap): piece by piece, each h_c is affine inside a piece, so two interior values give its line
 * and the line its root; the piece's far end is checked on its own (a function may jump there).
 */
function reach(walk: Walk, direction: 1 | -1): Rational {
  const cap = direction > 0 ? multiplyRational(walk.x0, rational(RANGE_CAP)) : divideRational(walk.x0, rational(RANGE_CAP));
  const beyond = (x: Rational): boolean => direction * compareRational(x, walk.x0) > 0 && direction * compareRational(x, cap) < 0;
  const ends = walk.breakpoints.filter(beyond).sort((a, b) => direction * compareRational(a, b))
    .filter((point, index, sorted) => index === 0 || compareRational(point, sorted[index - 1] as Rational) !== 0);
  ends.push(cap);
  let from = walk.x0;
  for (const to of ends) {
    // Two points inside the piece give its line. The mark itself is one where the walk starts (the
    // heights there are the budgets, and the piece around the mark has no breakpoint at it).
    const starting = from === walk.x0;
    const first = starting ? from : pointBetween(from, to, 1 / 3);
    const second = pointBetween(from, to, 2 / 3);
    const atFirst = starting ? walk.start : walk.heights(first);
    const atSecond = walk.heights(second);
    let nearest: Rational | undefined;
    atFirst.forEach((height, index) => {
      const other = atSecond[index] as Rational;
      const slope = divideRational(subtractRational(other, height), subtractRational(second, first));
      // Negative somewhere in (from, to) only if the line falls in the walking direction.
      if (direction * signRational(slope) >= 0) return;
      const root = subtractRational(first, divideRational(height, slope));
      if (direction * compareRational(root, to) >= 0) return;
      const edge = direction * compareRational(root, from) <= 0 ? from : root;
      if (!nearest || direction * compareRational(edge, nearest) < 0) nearest = edge;
    });
    if (nearest) return nearest;
    if (negative(walk.heights(to))) return to;
    from = to;
  }
  return cap;
}

/**
 * A point strictly inside (from, to), near `share` of the way: a short decimal when one fits (so
 * the exact arithmetic stays small), the exact fraction of the way otherwise.
 */
function pointBetween(from: Rational, to: Rational, share: number): Rational {
  const low = rationalToNumber(from);
  const high = rationalToNumber(to);
  const guess = low + (high - low) * share;
  if (Number.isFinite(guess) && guess > 0) {
    const text = guess.toPrecision(12);
    if (!text.includes('e')) {
      const parsed = parseDecimal(text);
      const point = parsed ? fromDecimal(parsed) : undefined;
      if (point && compareRational(point, from) * compareRational(point, to) < 0) return point;
    }
  }
  const numerator = BigInt(Math.round(share * 1024));
  return addRational(from, multiplyRational(subtractRational(to, from), rational(numerator, 1024n)));
}

/** A positive fraction as a double, exact to a few ulps whatever the size of its terms. */
export function rationalToNumber(value: Rational): number {
  let { numerator, denominator } = value;
  const bits = (n: bigint): number => (n < 0n ? -n : n).toString(2).length;
  const excess = Math.max(bits(numerator), bits(denominator)) - 1000;
  if (excess > 0) {
    numerator >>= BigInt(excess);
    denominator >>= BigInt(excess);
    if (denominator === 0n) return Infinity;
  }
  return Number(numerator) / Number(denominator);
}

function narrow(range: PriceRange, lo: number, hi: number): void {
  if (lo > range.lo) range.lo = lo;
  if (hi < range.hi) range.hi = hi;
}

/** The range of X's price on which the positions of `scope` on X keep every condition. */
function instrumentRange(
  state: EngineState, scope: MarginScope, symbol: string, prices: PriceMap, list: readonly Condition[], instruments: number,
): [number, number] {
  const positions = scope.positions.filter((position) => position.instrument.symbol === symbol);
  const kind = (positions[0] as Position).instrument.kind;
  const subScope: MarginScope = { ...scope, positions };
  const base = slacksAt(state.snapshot, subScope, prices);
  const budgets = list.map((condition) => {
    const size = condition.value.numerator < 0n ? negateRational(condition.value) : condition.value;
    return multiplyRational(multiplyRational(size, BUDGET_SHARE), rational(1n, BigInt(instruments)));
  });
  const walk: Walk = {
    start: budgets,
    x0: coordinateOfPrice(kind, prices.get(asInstrumentId(symbol)) as Rational),
    breakpoints: exposures(positions).flatMap((exposure) => exposureBreakpoints(state.snapshot.venue, exposure)),
    heights: (x) => {
      const at = new Map(prices).set(asInstrumentId(symbol), priceOfCoordinate(kind, x));
      const slacks = slacksAt(state.snapshot, subScope, at);
      return list.map((condition, index) => {
        const moved = subtractRational(slacks[condition.slack], base[condition.slack]);
        return addRational(condition.sigma > 0 ? moved : negateRational(moved), budgets[index] as Rational);
      });
    },
  };
  const down = rationalToNumber(priceOfCoordinate(kind, reach(walk, -1)));
  const up = rationalToNumber(priceOfCoordinate(kind, reach(walk, 1)));
  const [lo, hi] = down <= up ? [down, up] : [up, down];
  return [lo * (1 + SHRINK), hi * (1 - SHRINK)];
}

/** Stop-losses and take-profits: a mark at or past a trigger fills it (../../core/engine/trigger-orders.ts). */
function orderRange(state: EngineState, position: Position, range: PriceRange): void {
  const orders = state.orders.get(position.id);
  if (!orders) return;
  const above = (price: Price): number => rationalToNumber(fromDecimal(price)) * (1 + SHRINK);
  const below = (price: Price): number => rationalToNumber(fromDecimal(price)) * (1 - SHRINK);
  const long = position.side === 'long';
  if (orders.stopLoss) narrow(range, long ? above(orders.stopLoss) : 0, long ? Infinity : below(orders.stopLoss));
  if (orders.takeProfit) narrow(range, long ? 0 : above(orders.takeProfit), long ? below(orders.takeProfit) : Infinity);
}

/** The quiet bands of an account's state (see the module comment). */
export function quietBands(state: EngineState): QuietBands {
  const { snapshot } = state;
  const ranges = new Map<string, PriceRange>();
  if (snapshot.positions.length === 0) return { kind: 'bands', ranges };
  // Counted in another currency (../../core/instrument/conversion.ts): a position's value moves with
  // its conversion pair's mark too, and a pair converting through itself is not affine in its price,
  // so the separable box above does not hold: every tick on what it holds or converts through is stepped.
  const converted = snapshot.positions.find((position) => position.instrument.conversion);
  if (converted) return { kind: 'always', reason: `${converted.instrument.symbol} is converted into ${snapshot.currency} at a pair's mark` };
  for (const position of snapshot.positions) {
    const symbol = position.instrument.symbol;
    if (!snapshot.marks.has(symbol)) return { kind: 'always', reason: `no mark for ${symbol}` };
    if (!ranges.has(symbol)) ranges.set(symbol, { lo: 0, hi: Infinity });
  }
  for (const call of state.marginCalls.values()) {
    if (call.deadlineMs !== undefined) return { kind: 'always', reason: 'a margin call runs to its deadline' };
  }
  const prices = markPrices(snapshot);
  for (const scope of marginScopes(snapshot)) {
    if (scope.positions.length === 0) {
      if (state.marginCalls.has(scope.id)) return { kind: 'always', reason: `a call on ${scope.id} waits to clear` };
      continue;
    }
    const list = conditions(state, scope, prices);
    if (!list) return { kind: 'always', reason: `scope ${scope.id} is not quiet at its marks` };
    const symbols = [...new Set(scope.positions.map((position) => position.instrument.symbol))];
    for (const symbol of symbols) {
      const [lo, hi] = instrumentRange(state, scope, symbol, prices, list, symbols.length);
      narrow(ranges.get(symbol) as PriceRange, lo, hi);
    }
  }
  for (const position of snapshot.positions) orderRange(state, position, ranges.get(position.instrument.symbol) as PriceRange);
  for (const [symbol, range] of ranges) {
    const mark = rationalToNumber(fromDecimal(snapshot.marks.get(asInstrumentId(symbol)) as Price));
    if (!(range.lo <= mark && mark <= range.hi)) return { kind: 'always', reason: `${symbol} sits on the edge of its band` };
  }
  return { kind: 'bands', ranges };
}

/** Whether a price lies inside a range: true only when it certainly does. */
export function inside(range: PriceRange, price: number): boolean {
  return price >= range.lo && price <= range.hi;
}
