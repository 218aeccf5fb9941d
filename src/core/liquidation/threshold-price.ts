/**
 * Liquidation, margin-call and bankruptcy prices: the mark of one instrument at which a margin
 * scope's equity crosses a requirement, every other mark held.
 *
 *   liquidation price:  equity(p) = Rl(p)      margin-call price:  equity(p) = Rc(p)
 *   bankruptcy price:   equity(p) = 0
 *
 * with the tier that holds at p, not at entry. For one isolated linear long at a tiered venue this
 * is Binance's published formula, LP = (WB + cum - q × EP) / (q × MMR - q): 1 BTC at 50 000 with
 * 5 000 isolated margin and MMR 0.4 % -> (5000 - 50000) / (0.004 - 1) = 45 180.72. For a cross
 * account it is the same formula with the other positions' P&L and maintenance held at their
 * marks (Binance's UPNL1 and TMM1). Solved exactly (see piecewise-root.ts), then rounded once to the
 * instrument's tick toward the side where the venue liquidates: down for a long, up for a short.
 * Where the threshold falls exactly on a tick, the price reported is the first at which the venue
 * acts: the tick itself at a venue that acts on reaching the requirement, the next one where the
 * equity must fall below it (and always for a margin call, which is issued below its level).
 */
import type { AccountSnapshot, PriceMap } from '../account/account-snapshot.js';
import type { Position } from '../account/position.js';
import { coordinateDirection, coordinateOfPrice, pnlDirection, priceOfCoordinate } from '../instrument/coordinate.js';
import { add, decimal, sign, subtract, type Decimal } from '../money/decimal.js';
import { addRational, fromDecimal, RATIONAL_ZERO, roundRationalToIncrement, subtractRational, type Rational } from '../money/rational.js';
import { asPrice, type Price } from '../money/units.js';
import { exposureBreakpoints } from '../margin/maintenance-margin.js';
import {
  exposures, marginCallThreshold, priceOf, scopeEquity, scopeRequirement, type MarginScope,
} from '../margin/margin-scope.js';
import type { VenueProfile } from '../venue/venue-profile.js';
import { movesWith, valuationKind } from '../instrument/conversion.js';
import { firstBoundary, type PiecewiseAffine } from './piecewise-root.js';

export type ThresholdKind = 'liquidation' | 'margin-call' | 'bankruptcy';

/** Prices of instruments without a tick size are reported to this many decimals. */
export const DECIMALS_WITHOUT_TICK = 8;
const UNTICKED_INCREMENT: Decimal = decimal(1n, DECIMALS_WITHOUT_TICK);

export function markPrices(snapshot: AccountSnapshot): PriceMap {
  return new Map([...snapshot.marks].map(([symbol, price]) => [symbol, fromDecimal(price)]));
}

/**
 * Whether the venue acts only once equity is strictly below the threshold: a margin call always
 * (a call is issued below its level) unless the venue has none and calls where it liquidates; a
 * liquidation where the venue's trigger says "below". Bankruptcy is equity = 0 itself.
 */
function actsOnlyBelow(venue: VenueProfile, kind: ThresholdKind): boolean {
  if (kind === 'bankruptcy') return false;
  if (kind === 'margin-call' && venue.marginCall) return true;
  return venue.liquidationTrigger === 'below';
}

/**
 * equity - requirement of the scope, as a function of the instrument's coordinate x. Positions on
 * other instruments that convert through this one (EURJPY through USDJPY in a USD account) move
 * with it too; every amount is affine in x = price, or x = 1/price for an inverse contract and for
 * a pair that converts its P&L through itself inverted (conversion.ts), so the root stays exact.
 */
export function thresholdGap(
  snapshot: AccountSnapshot, scope: MarginScope, position: Position, kind: ThresholdKind, prices: PriceMap,
): PiecewiseAffine {
  const { venue } = snapshot;
  const { symbol } = position.instrument;
  const coordinateKind = valuationKind(position.instrument);
  const threshold = kind === 'liquidation' ? venue.liquidation : marginCallThreshold(venue);
  const pricesAt = (x: Rational): PriceMap => new Map(prices).set(symbol, priceOfCoordinate(coordinateKind, x));
  const onInstrument = exposures(scope.positions).filter((exposure) => exposure[0]?.instrument.symbol === symbol);
  // Equity and requirements are sums over positions (and over exposures, which never span two
  // instruments): the part that does not move with this instrument is the same at every x, so it is valued once.
  const gapOf = (part: MarginScope, at: PriceMap): Rational => {
    const requirement = kind === 'bankruptcy' ? RATIONAL_ZERO : scopeRequirement(venue, part, at, threshold);
    return subtractRational(scopeEquity(part, at), requirement);
  };
  const moves = (each: Position): boolean => movesWith(each.instrument, symbol);
  const moving: MarginScope = { ...scope, positions: scope.positions.filter(moves) };
  const still: MarginScope = { ...scope, collateral: RATIONAL_ZERO, positions: scope.positions.filter((each) => !moves(each)) };
  const constant = still.positions.length ? gapOf(still, prices) : RATIONAL_ZERO;
  return {
    evaluate: (x) => addRational(gapOf(moving, pricesAt(x)), constant),
    breakpoints: onInstrument.flatMap((exposure) => exposureBreakpoints(venue, exposure)),
  };
}

/**
 * The price of `position`'s instrument at which the scope crosses the threshold. From a healthy
 * mark: the nearest crossing on the position's losing side (else the other side). From a mark
 * already past it: the nearest price at which the scope would be clear of it again, on the
 * position's winning side first. Null when no positive price crosses.
 */
export function thresholdPrice(
  snapshot: AccountSnapshot, scope: MarginScope, position: Position, kind: ThresholdKind,
  prices: PriceMap = markPrices(snapshot),
): Price | null {
  const instrument = position.instrument;
  const coordinateKind = valuationKind(instrument);
  const gap = thresholdGap(snapshot, scope, position, kind, prices);
  const x0 = coordinateOfPrice(coordinateKind, priceOf(prices, instrument.symbol));
  const losing: 1 | -1 = pnlDirection(coordinateKind, position.side) > 0n ? -1 : 1;
  const breached = gap.evaluate(x0).numerator < 0n;
  const condition = breached ? 'non-negative' : 'negative';
  const order: (1 | -1)[] = breached ? [-losing as 1 | -1, losing] : [losing, -losing as 1 | -1];
  for (const direction of order) {
    const boundary = firstBoundary(gap, x0, direction, condition);
    if (!boundary) continue;
    // The side of the boundary where the threshold is breached, in x, then in price.
    const breachedSideInX = breached ? -direction : direction;
    const breachedSideInPrice = breachedSideInX * coordinateDirection(coordinateKind);
    const increment = instrument.tickSize ?? UNTICKED_INCREMENT;
    let rounded = roundRationalToIncrement(
      priceOfCoordinate(coordinateKind, boundary), increment, breachedSideInPrice < 0 ? 'floor' : 'ceiling',
    );
    if (sign(rounded) <= 0) return null;
    if (!breached && actsOnlyBelow(snapshot.venue, kind)
      && gap.evaluate(coordinateOfPrice(coordinateKind, fromDecimal(rounded))).numerator === 0n) {
      rounded = breachedSideInPrice < 0 ? subtract(rounded, increment) : add(rounded, increment);
    }
    return sign(rounded) > 0 ? asPrice(rounded) : null;
  }
  return null;
}
