/**
 * Measures of one position at a price, exact (rationals; rounded only where reported or booked).
 *
 *   notional   = quantity × contractSize × x            (x = price; inverse: x = 1/price, in coin)
 *   P&L        = direction × quantity × contractSize × (x - x_entry)
 *   cost basis = side × quantity × contractSize × entry (stocks only: bought outright, partly on a loan)
 *   initial    = notional × max(venue minimum rate for the asset class, 1 / leverage)
 *
 * Binance: "Initial Margin = Notional Position Value / Leverage"; ESMA Decision (EU) 2018/796
 * Art. 2(1)(a) with Annex I sets the minimum rate by underlying; Reg T 12 CFR 220.12 sets 50 %.
 *
 * Amounts are in the account currency: an instrument counted in another currency is converted by
 * `rates` (conversion.ts), UNCONVERTED where it needs none.
 */
import type { Position } from '../account/position.js';
import { coordinateOfPrice, pnlDirection, priceOfCoordinate } from '../instrument/coordinate.js';
import { tierAt } from '../instrument/maintenance-tiers.js';
import {
  addRational, compareRational, divideRational, fromDecimal, multiplyRational, rational, RATIONAL_ONE, RATIONAL_ZERO,
  subtractRational, toDecimal, type Rational,
} from '../money/rational.js';
import type { ValuationBasis, VenueProfile } from '../venue/venue-profile.js';
import { normalize, rescale, type Decimal } from '../money/decimal.js';
import { converted, ratesAt, UNCONVERTED, valuationKind, type Rates } from '../instrument/conversion.js';
import type { PriceMap } from '../account/account-snapshot.js';

export function quantityTimesContract(position: Position): Rational {
  return multiplyRational(fromDecimal(position.quantity), fromDecimal(position.instrument.contractSize));
}

/** Notional in the account currency (the instrument's own currency where it needs no conversion). */
export function notionalAt(position: Position, price: Rational, rates: Rates = UNCONVERTED): Rational {
  return converted(multiplyRational(quantityTimesContract(position), coordinateOfPrice(position.instrument.kind, price)), rates.profit);
}

/** Notional at entry in the instrument's own currency: what tiers and leverage caps are read on. */
export function entryNotional(position: Position): Rational {
  return notionalAt(position, fromDecimal(position.entryPrice));
}

/** Notional at the mark, or at entry where the venue values requirements at entry. */
export function notionalOnBasis(position: Position, price: Rational, basis: ValuationBasis, rates: Rates = UNCONVERTED): Rational {
  return basis === 'entry' ? converted(entryNotional(position), rates.profit) : notionalAt(position, price, rates);
}

/**
 * What requirements are a fraction of, in the account currency: the notional, or, where margin is
 * counted in lots of the margin currency (forex), lots × contract size at that currency's rate.
 */
export function marginNotional(position: Position, price: Rational, basis: ValuationBasis, rates: Rates = UNCONVERTED): Rational {
  return rates.margin ? multiplyRational(quantityTimesContract(position), rates.margin) : notionalOnBasis(position, price, basis, rates);
}

export function unrealizedPnlAt(position: Position, price: Rational, rates: Rates = UNCONVERTED): Rational {
  const { kind } = position.instrument;
  const move = subtractRational(coordinateOfPrice(kind, price), coordinateOfPrice(kind, fromDecimal(position.entryPrice)));
  return converted(multiplyRational(rational(pnlDirection(kind, position.side)), multiplyRational(quantityTimesContract(position), move)), rates.profit);
}

/**
 * The price at which the position's P&L in the account currency is `target`, exactly; undefined
 * when no positive price gives it. P&L is affine in the instrument's valuation coordinate (price,
 * or 1/price: conversion.ts), so two exact evaluations give its line. `prices` hold the marks of
 * the pairs that convert it.
 */
export function priceWherePnl(position: Position, target: Rational, prices?: PriceMap): Rational | undefined {
  const kind = valuationKind(position.instrument);
  const pnlAt = (x: Rational): Rational => {
    const price = priceOfCoordinate(kind, x);
    return unrealizedPnlAt(position, price, ratesAt(position.instrument, prices, price));
  };
  const atOne = pnlAt(RATIONAL_ONE);
  const slope = subtractRational(pnlAt(rational(2n)), atOne);
  if (slope.numerator === 0n) return undefined;
  const x = addRational(RATIONAL_ONE, divideRational(subtractRational(target, atOne), slope));
  return x.numerator > 0n ? priceOfCoordinate(kind, x) : undefined;
}

/** What a securities position cost (long) or raised (short); zero for derivatives, which cost nothing to open. */
export function costBasis(position: Position): Rational {
  if (position.instrument.kind !== 'stock') return RATIONAL_ZERO;
  const value = multiplyRational(quantityTimesContract(position), fromDecimal(position.entryPrice));
  return position.side === 'long' ? value : multiplyRational(rational(-1n), value);
}

/**
 * The highest leverage allowed for the position: the least of the venue's cap for the asset class,
 * the instrument's maximum, and the maximum of the maintenance tier its entry notional falls in.
 * Undefined when nothing caps it.
 */
export function leverageCap(venue: VenueProfile, position: Position): Rational | undefined {
  const { instrument } = position;
  const caps: Rational[] = [];
  const venueCap = venue.leverageCaps[instrument.assetClass];
  if (venueCap) caps.push(fromDecimal(venueCap));
  if (instrument.maxLeverage) caps.push(fromDecimal(instrument.maxLeverage));
  if (instrument.maintenanceTiers.length > 0) {
    const tierCap = tierAt(instrument.maintenanceTiers, entryNotional(position)).maxLeverage;
    if (tierCap) caps.push(fromDecimal(tierCap));
  }
  return caps.reduce<Rational | undefined>((least, cap) => (least && compareRational(least, cap) <= 0 ? least : cap), undefined);
}

/**
 * Initial margin as a fraction of notional. With a chosen leverage: max(1 / leverage, the venue's
 * minimum rate for the asset class). Without one: the venue's minimum rate where it publishes one
 * (ESMA 3.33 % for a major pair, not 1/30), else 1 / the highest leverage allowed.
 */
export function initialMarginRate(venue: VenueProfile, position: Position): Rational {
  const minimum = venue.initialMarginRates[position.instrument.assetClass];
  if (position.leverage) {
    const byLeverage = divideRational(RATIONAL_ONE, fromDecimal(position.leverage));
    return minimum && compareRational(minimum, byLeverage) > 0 ? minimum : byLeverage;
  }
  if (minimum) return minimum;
  const cap = leverageCap(venue, position);
  if (!cap) throw new RangeError(`position ${position.id} has no leverage and ${venue.id} sets no cap or rate for it`);
  return divideRational(RATIONAL_ONE, cap);
}

export function initialMarginAt(
  venue: VenueProfile, position: Position, price: Rational, basis: ValuationBasis, rates: Rates = UNCONVERTED,
): Rational {
  return multiplyRational(marginNotional(position, price, basis, rates), initialMarginRate(venue, position));
}

/** Decimals a quantity of a derivative may be split to: finer than any venue's lot step. */
export const FINEST_QUANTITY_DECIMALS = 8;

/**
 * The decimals a part of this position may be sold or closed in. Shares trade whole, unless the
 * position itself holds a fraction (then to its own precision); contracts and coins to eight
 * decimals, finer than any venue's lot step. Never the decimals the quantity happened to be
 * written with: "200.0" shares still sell in whole shares, and "4" BTC still splits into 0.8.
 */
export function quantityDecimals(position: Position): number {
  if (position.instrument.kind === 'stock') return normalize(position.quantity).scale;
  return Math.max(FINEST_QUANTITY_DECIMALS, position.quantity.scale);
}

/**
 * A part of the position, rounded up to the decimals it may be split to, and written with the
 * position's own decimals where they suffice ("0.80000" of "4.00000"), else with no trailing zeros.
 */
export function partOfPosition(position: Position, exact: Rational): Decimal {
  const part = toDecimal(exact, quantityDecimals(position), 'ceiling');
  const shortest = normalize(part);
  return shortest.scale <= position.quantity.scale ? rescale(shortest, position.quantity.scale, 'half-even') : shortest;
}
