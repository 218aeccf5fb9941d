/**
 * Margin scopes: the cross account (every position without isolated margin, sharing the wallet)
 * and each isolated position (its own margin, nothing else). Each scope is valued, called and
 * liquidated on its own:
 *
 *   cross equity    = balance - Σ isolated margins + Σ cost basis (stocks) + Σ P&L of cross positions
 *   isolated equity = isolated margin + P&L of the position          (Binance "margin balance")
 *   Rc, Rl          = level × (Σ initial margin | Σ exposure maintenance), per the venue's thresholds
 */
import type { AccountSnapshot, PriceMap } from '../account/account-snapshot.js';
import type { Position } from '../account/position.js';
import {
  addRational, divideRational, fromDecimal, multiplyRational, rational, RATIONAL_ZERO, subtractRational, sumRational,
  type Rational,
} from '../money/rational.js';
import type { InstrumentId } from '../money/units.js';
import type { Threshold, ValuationBasis, VenueProfile } from '../venue/venue-profile.js';
import { exposureMaintenance } from './maintenance-margin.js';
import { costBasis, initialMarginAt, notionalOnBasis, unrealizedPnlAt } from './position-measures.js';
import { ratesAt, UNCONVERTED, type Rates } from '../instrument/conversion.js';

export interface MarginScope {
  /** "cross", or the isolated position's id. */
  readonly id: string;
  readonly kind: 'cross' | 'isolated';
  /** The scope's own money before P&L: see the module comment. */
  readonly collateral: Rational;
  readonly positions: readonly Position[];
}

function isolatedMarginOf(position: Position): Rational {
  return position.isolatedMargin ? fromDecimal(position.isolatedMargin) : RATIONAL_ZERO;
}

export function marginScopes(snapshot: AccountSnapshot): MarginScope[] {
  const cross = snapshot.positions.filter((position) => !position.isolatedMargin);
  const isolated = snapshot.positions.filter((position) => position.isolatedMargin);
  const isolatedTotal = sumRational(isolated.map(isolatedMarginOf));
  const crossCollateral = addRational(
    subtractRational(fromDecimal(snapshot.balance), isolatedTotal),
    sumRational(cross.map(costBasis)),
  );
  return [
    { id: 'cross', kind: 'cross', collateral: crossCollateral, positions: cross },
    ...isolated.map((position): MarginScope => ({
      id: position.id,
      kind: 'isolated',
      collateral: addRational(isolatedMarginOf(position), costBasis(position)),
      positions: [position],
    })),
  ];
}

export function priceOf(prices: PriceMap, instrument: InstrumentId): Rational {
  const price = prices.get(instrument);
  if (!price) throw new RangeError(`no price for ${instrument}`);
  return price;
}

/** The position's rates into the account currency at these prices (conversion.ts). */
export function ratesOf(position: Position, prices: PriceMap): Rates {
  const { instrument } = position;
  return instrument.conversion ? ratesAt(instrument, prices, priceOf(prices, instrument.symbol)) : UNCONVERTED;
}

/**
 * The rates a requirement is valued at: at the marks, or, where the venue values requirements at
 * entry (ESMA's initial margin, Bybit's isolated maintenance), a pair that converts through itself
 * at the entry price too (EURUSD's EUR margin in a USD account: lots × the entry price).
 */
export function requirementRates(position: Position, prices: PriceMap, basis: ValuationBasis): Rates {
  const { instrument } = position;
  if (!instrument.conversion) return UNCONVERTED;
  return ratesAt(instrument, prices, basis === 'entry' ? fromDecimal(position.entryPrice) : priceOf(prices, instrument.symbol));
}

export function positionPnl(position: Position, prices: PriceMap): Rational {
  return unrealizedPnlAt(position, priceOf(prices, position.instrument.symbol), ratesOf(position, prices));
}

export function scopeEquity(scope: MarginScope, prices: PriceMap): Rational {
  return addRational(scope.collateral, sumRational(scope.positions.map((position) => positionPnl(position, prices))));
}

export function valuationBasis(venue: VenueProfile, scope: MarginScope): ValuationBasis {
  return venue.valuation[scope.kind];
}

export function positionInitialMargin(venue: VenueProfile, scope: MarginScope, position: Position, prices: PriceMap): Rational {
  const basis = valuationBasis(venue, scope);
  return initialMarginAt(venue, position, priceOf(prices, position.instrument.symbol), basis, requirementRates(position, prices, basis));
}

export function scopeInitialMargin(venue: VenueProfile, scope: MarginScope, prices: PriceMap): Rational {
  return sumRational(scope.positions.map((position) => positionInitialMargin(venue, scope, position, prices)));
}

/** The scope's positions grouped by instrument and side: the unit tiers apply to. */
export function exposures(positions: readonly Position[]): Position[][] {
  const groups = new Map<string, Position[]>();
  for (const position of positions) {
    const key = `${position.instrument.symbol}\u0000${position.side}`;
    groups.set(key, [...(groups.get(key) ?? []), position]);
  }
  return [...groups.values()];
}

export function exposureMaintenanceIn(venue: VenueProfile, scope: MarginScope, exposure: readonly Position[], prices: PriceMap): Rational {
  const first = exposure[0];
  if (!first) return RATIONAL_ZERO;
  const basis = valuationBasis(venue, scope);
  return exposureMaintenance(venue, exposure, priceOf(prices, first.instrument.symbol), basis, requirementRates(first, prices, basis));
}

export function scopeMaintenance(venue: VenueProfile, scope: MarginScope, prices: PriceMap): Rational {
  return sumRational(exposures(scope.positions).map((exposure) => exposureMaintenanceIn(venue, scope, exposure, prices)));
}

export function scopeRequirement(venue: VenueProfile, scope: MarginScope, prices: PriceMap, threshold: Threshold): Rational {
  const base = threshold.basis === 'initial' ? scopeInitialMargin(venue, scope, prices) : scopeMaintenance(venue, scope, prices);
  return multiplyRational(threshold.level, base);
}

/** The margin-call threshold; a venue that issues no call of its own calls where it liquidates. */
export function marginCallThreshold(venue: VenueProfile): Threshold {
  return venue.marginCall ?? venue.liquidation;
}

/**
 * Each position's exact share of a scope requirement: level × its initial margin, or its exposure's
 * maintenance split pro rata by notional. The shares sum to the scope requirement.
 */
export function requirementShares(
  venue: VenueProfile, scope: MarginScope, prices: PriceMap, threshold: Threshold,
): Map<Position, Rational> {
  const shares = new Map<Position, Rational>();
  if (threshold.basis === 'initial') {
    for (const position of scope.positions) {
      shares.set(position, multiplyRational(threshold.level, positionInitialMargin(venue, scope, position, prices)));
    }
    return shares;
  }
  const basis = valuationBasis(venue, scope);
  for (const exposure of exposures(scope.positions)) {
    const total = multiplyRational(threshold.level, exposureMaintenanceIn(venue, scope, exposure, prices));
    const notionals = exposure.map((position) => notionalOnBasis(position, priceOf(prices, position.instrument.symbol), basis, requirementRates(position, prices, basis)));
    const notionalTotal = sumRational(notionals);
    exposure.forEach((position, index) => {
      const weight = notionals[index] ?? RATIONAL_ZERO;
      const fraction = notionalTotal.numerator === 0n
        ? rational(1n, BigInt(exposure.length))
        : divideRational(weight, notionalTotal);
      shares.set(position, multiplyRational(total, fraction));
    });
  }
  return shares;
}
