/**
 * The venue's force-close of one margin scope at the prices the market offers (after a gap, the
 * gapped prices: never the liquidation price the market jumped over). Fills book realised P&L,
 * rounded down, into the scope's collateral.
 *
 * - whole-scope: every position at once (crypto perpetuals);
 * - largest-loss-first: close the position with the largest loss, re-check, repeat while equity < Rl
 *   (MT5 stop-out; ESMA margin close-out, "close out one or more of the retail client's open CFDs");
 * - until-requirement-met: sell the position with the largest requirement just far enough to meet
 *   Rl, re-check (FINRA Rule 4210: liquidate to meet the call); all of it once equity <= 0.
 */
import type { PriceMap } from '../account/account-snapshot.js';
import type { Position } from '../account/position.js';
import { compare, decimal, greaterThan, isPositive, subtract, sum, type Decimal } from '../money/decimal.js';
import { addRational, divideRational, fromDecimal, multiplyRational, rational, signRational, subtractRational, toDecimal, type Rational } from '../money/rational.js';
import { asQuantity, type Quantity } from '../money/units.js';
import type { MarginScope } from '../margin/margin-scope.js';
import { costBasis, partOfPosition, unrealizedPnlAt } from '../margin/position-measures.js';
import { breachesLiquidation, valueScope, type PositionValuation, type ScopeValuation } from '../margin/scope-valuation.js';
import type { VenueProfile } from '../venue/venue-profile.js';

export interface Fill {
  readonly position: Position;
  readonly quantity: Quantity;
  readonly price: Rational;
  /** Realised P&L booked in the account currency. */
  readonly pnl: Decimal;
}

export interface ForceCloseResult {
  readonly fills: readonly Fill[];
  /** The scope after the fills: fewer (or smaller) positions, collateral plus realised P&L. */
  readonly remaining: MarginScope;
}

function breached(venue: VenueProfile, valuation: ScopeValuation): boolean {
  return valuation.positions.length > 0 && breachesLiquidation(venue, valuation.exact.equity, valuation.exact.liquidation);
}

function withoutPosition(scope: MarginScope, position: Position, pnl: Decimal, replacement?: Position): MarginScope {
  return {
    ...scope,
    collateral: addRational(scope.collateral, fromDecimal(pnl)),
    positions: scope.positions.flatMap((each) => (each === position ? (replacement ? [replacement] : []) : [each])),
  };
}

function closeWhole(scope: MarginScope, valuation: PositionValuation): [MarginScope, Fill] {
  const { position } = valuation;
  const fill = { position, quantity: position.quantity, price: valuation.price, pnl: valuation.unrealizedPnl };
  return [withoutPosition(scope, position, valuation.unrealizedPnl), fill];
}

/**
 * Close `quantity` of the position. The booked P&L is the rounded P&L of the whole less that of
 * what stays open, so the two parts add up to the whole to the last unit.
 */
function closePart(scope: MarginScope, valuation: PositionValuation, quantity: Decimal, decimals: number): [MarginScope, Fill] {
  const { position } = valuation;
  const stays: Position = { ...position, quantity: asQuantity(subtract(position.quantity, quantity)) };
  const staysPnl = toDecimal(unrealizedPnlAt(stays, valuation.price, valuation.rates), decimals, 'floor');
  const pnl = subtract(valuation.unrealizedPnl, staysPnl);
  return [withoutPosition(scope, position, pnl, stays), { position, quantity: asQuantity(quantity), price: valuation.price, pnl }];
}

function byLargestLoss(valuation: ScopeValuation): PositionValuation {
  return valuation.positions.reduce((worst, each) => (compare(each.unrealizedPnl, worst.unrealizedPnl) < 0 ? each : worst));
}

function byLargestRequirement(valuation: ScopeValuation): PositionValuation {
  return valuation.positions.reduce((largest, each) => (greaterThan(each.maintenanceMargin, largest.maintenanceMargin) ? each : largest));
}

/** Quantity to sell so the requirement falls by the shortfall, rounded up to the position's quantity step. */
function quantityToMeet(valuation: ScopeValuation, target: PositionValuation): Decimal {
  const { quantity } = target.position;
  const shortfall = subtractRational(valuation.exact.liquidation, valuation.exact.equity);
  const perUnit = divideRational(fromDecimal(target.maintenanceMargin), fromDecimal(quantity));
  const exact = divideRational(shortfall, perUnit);
  return partOfPosition(target.position, exact);
}

/**
 * A stock sold in part moves its cost out of the position, and cash moves in whole units of the
 * currency: the smallest quantity from `part` up, on the same grid, whose cost is a whole number of
 * units (854.5 shares at 339.68 need 131.4 sold: 131.4 × 339.68 = 44 633.952, so 131.5 is sold,
 * 44 667.92). Other instruments move no cost and sell `part` as it is.
 */
function wholeCostPart(position: Position, part: Decimal, decimals: number): Decimal {
  const perStep = costBasis({ ...position, quantity: asQuantity(decimal(1n, part.scale)) });
  if (perStep.numerator === 0n) return part;
  const inUnits = multiplyRational(perStep, rational(10n ** BigInt(decimals)));
  const numerator = inUnits.numerator < 0n ? -inUnits.numerator : inUnits.numerator;
  const every = inUnits.denominator / gcd(numerator, inUnits.denominator);
  const steps = ((part.units + every - 1n) / every) * every;
  return decimal(steps, part.scale);
}

function gcd(a: bigint, b: bigint): bigint {
  return b === 0n ? a : gcd(b, a % b);
}

export function forceClose(venue: VenueProfile, scope: MarginScope, prices: PriceMap, decimals: number): ForceCloseResult {
  const fills: Fill[] = [];
  let current = scope;
  for (let valuation = valueScope(venue, current, prices, decimals); breached(venue, valuation); valuation = valueScope(venue, current, prices, decimals)) {
    const closeAll = venue.liquidationOrder === 'whole-scope'
      || (venue.liquidationOrder === 'until-requirement-met' && signRational(valuation.exact.equity) <= 0);
    if (closeAll) {
      for (const each of valuation.positions) {
        const [next, fill] = closeWhole(current, each);
        current = next;
        fills.push(fill);
      }
      break;
    }
    if (venue.liquidationOrder === 'largest-loss-first') {
      const [next, fill] = closeWhole(current, byLargestLoss(valuation));
      current = next;
      fills.push(fill);
      continue;
    }
    const target = byLargestRequirement(valuation);
    const needed = isPositive(target.maintenanceMargin) ? wholeCostPart(target.position, quantityToMeet(valuation, target), decimals) : target.position.quantity;
    const [next, fill] = compare(needed, target.position.quantity) >= 0
      ? closeWhole(current, target)
      : closePart(current, target, needed, decimals);
    current = next;
    fills.push(fill);
  }
  return { fills, remaining: current };
}

export function realisedPnl(fills: readonly Fill[]): Decimal {
  return sum(fills.map((fill) => fill.pnl));
}
