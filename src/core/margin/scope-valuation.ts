/**
 * A margin scope valued at a set of prices, in the account currency's units. Every amount is
 * rounded once, by name, from the exact value: P&L down (floor) and requirements up (ceiling), so
 * both round against the account; collateral and notional to nearest. Sums are of rounded parts,
 * so the figures add up to the last unit.
 *
 * The status is decided on the exact figures, not the rounded ones, so the venue acts exactly where
 * the solvers say it will (the report's liquidation price is the first tick where it acts):
 *
 *   status: bankrupt     equity < 0
 *           liquidation  equity < Rl, or <= Rl where the venue acts on reaching it
 *                        (margin-call while a cure period runs: Reg T)
 *           margin-call  equity < Rc
 *           healthy      otherwise
 */
import type { PriceMap } from '../account/account-snapshot.js';
import type { Position } from '../account/position.js';
import { allocateUnits } from '../money/allocate.js';
import { add, compare, decimal, subtract, sum, type Decimal } from '../money/decimal.js';
import { compareRational, RATIONAL_ZERO, signRational, toDecimal, type Rational } from '../money/rational.js';
import type { VenueProfile } from '../venue/venue-profile.js';
import {
  marginCallThreshold, positionInitialMargin, priceOf, ratesOf, requirementShares, scopeEquity, scopeRequirement, type MarginScope,
} from './margin-scope.js';
import { notionalOnBasis, unrealizedPnlAt } from './position-measures.js';
import type { Rates } from '../instrument/conversion.js';

export type MarginStatus = 'healthy' | 'margin-call' | 'liquidation' | 'bankrupt';
export const MARGIN_STATUSES: readonly MarginStatus[] = ['healthy', 'margin-call', 'liquidation', 'bankrupt'];

export function worstStatus(statuses: readonly MarginStatus[]): MarginStatus {
  return statuses.reduce<MarginStatus>(
    (worst, status) => (MARGIN_STATUSES.indexOf(status) > MARGIN_STATUSES.indexOf(worst) ? status : worst),
    'healthy',
  );
}

export interface PositionValuation {
  readonly position: Position;
  readonly price: Rational;
  /** Its rates into the account currency at these prices (conversion.ts). */
  readonly rates: Rates;
  readonly notional: Decimal;
  readonly unrealizedPnl: Decimal;
  readonly initialMargin: Decimal;
  /** The position's share of the scope's liquidation requirement Rl. */
  readonly maintenanceMargin: Decimal;
}

export interface ScopeValuation {
  readonly scope: MarginScope;
  readonly collateral: Decimal;
  readonly positions: readonly PositionValuation[];
  readonly unrealizedPnl: Decimal;
  readonly equity: Decimal;
  readonly initialMargin: Decimal;
  readonly marginCallRequirement: Decimal;
  readonly liquidationRequirement: Decimal;
  readonly status: MarginStatus;
  /** The same figures unrounded, on which the status is decided. */
  readonly exact: { readonly equity: Rational; readonly marginCall: Rational; readonly liquidation: Rational };
}

/** Whether the venue's liquidation rule is met: equity below Rl, or at it where the venue acts on reaching it. */
export function breachesLiquidation(venue: VenueProfile, equity: Rational, requirement: Rational): boolean {
  const order = compareRational(equity, requirement);
  return order < 0 || (order === 0 && venue.liquidationTrigger === 'at-or-below');
}

export function scopeStatus(venue: VenueProfile, equity: Rational, marginCall: Rational, liquidation: Rational): MarginStatus {
  if (signRational(equity) < 0) return 'bankrupt';
  if (breachesLiquidation(venue, equity, liquidation)) return venue.cureDays > 0 ? 'margin-call' : 'liquidation';
  if (compareRational(equity, marginCall) < 0) return 'margin-call';
  return 'healthy';
}

export function valueScope(venue: VenueProfile, scope: MarginScope, prices: PriceMap, decimals: number): ScopeValuation {
  const collateral = toDecimal(scope.collateral, decimals, 'half-even');
  const exactLiquidation = scopeRequirement(venue, scope, prices, venue.liquidation);
  const exactMarginCall = scopeRequirement(venue, scope, prices, marginCallThreshold(venue));
  const exactEquity = scopeEquity(scope, prices);
  const liquidationRequirement = toDecimal(exactLiquidation, decimals, 'ceiling');
  const marginCallRequirement = toDecimal(exactMarginCall, decimals, 'ceiling');
  const shares = requirementShares(venue, scope, prices, venue.liquidation);
  const maintenanceUnits = allocateUnits(
    liquidationRequirement.units,
    scope.positions.map((position) => shares.get(position) ?? RATIONAL_ZERO),
  );
  const positions = scope.positions.map((position, index): PositionValuation => {
    const price = priceOf(prices, position.instrument.symbol);
    const rates = ratesOf(position, prices);
    return {
      position,
      price,
      rates,
      notional: toDecimal(notionalOnBasis(position, price, 'mark', rates), decimals, 'half-even'),
      unrealizedPnl: toDecimal(unrealizedPnlAt(position, price, rates), decimals, 'floor'),
      initialMargin: toDecimal(positionInitialMargin(venue, scope, position, prices), decimals, 'ceiling'),
      maintenanceMargin: decimal(maintenanceUnits[index] ?? 0n, decimals),
    };
  });
  const unrealizedPnl = sum(positions.map((valuation) => valuation.unrealizedPnl));
  const equity = add(collateral, unrealizedPnl);
  return {
    scope,
    collateral,
    positions,
    unrealizedPnl,
    equity,
    initialMargin: positions.length ? sum(positions.map((valuation) => valuation.initialMargin)) : decimal(0n, decimals),
    marginCallRequirement,
    liquidationRequirement,
    status: positions.length || signRational(exactEquity) < 0
      ? scopeStatus(venue, exactEquity, exactMarginCall, exactLiquidation)
      : 'healthy',
    exact: { equity: exactEquity, marginCall: exactMarginCall, liquidation: exactLiquidation },
  };
}

/**
 * The smallest deposit after which the scope is neither called nor liquidated: Rc - equity, or one
 * unit more where the venue has no call of its own and liquidates on reaching Rl.
 */
export function depositToCure(venue: VenueProfile, valuation: ScopeValuation): Decimal {
  const zero = decimal(0n, valuation.equity.scale);
  const shortfall = subtract(valuation.marginCallRequirement, valuation.equity);
  const mustExceed = !venue.marginCall && venue.liquidationTrigger === 'at-or-below' && valuation.positions.length > 0;
  if (mustExceed) return compare(shortfall, zero) >= 0 ? add(shortfall, decimal(1n, valuation.equity.scale)) : zero;
  return compare(shortfall, zero) > 0 ? shortfall : zero;
}
