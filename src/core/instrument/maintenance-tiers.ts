/**
 * Tiered maintenance margin (Binance "position brackets", Bybit "risk limit", Hyperliquid "margin
 * tiers"):
 *
 *   maintenance(N) = max(0, N × rate_k - deduction_k)   where floor_k <= N < floor_(k+1)
 *
 * Binance publishes the deduction as "cum" (maintenance amount). Where it is left out it is derived
 * so that maintenance is continuous in notional at every floor:
 *
 *   deduction_1 = 0,  deduction_k = deduction_(k-1) + floor_k × (rate_k - rate_(k-1))
 *
 * Check against Binance BTCUSDT brackets (0.4 %, 0.5 % from 50k, 0.65 % from 600k, 1 % from 3M,
 * 2 % from 12M): cum = 0, 50, 950, 11 450, 131 450; 300 BTC at 50 000 = 15M notional ->
 * 15 000 000 × 0.02 - 131 450 = 168 550 USDT.
 */
import {
  addRational, compareRational, multiplyRational, RATIONAL_ZERO, signRational, subtractRational,
  divideRational, type Rational,
} from '../money/rational.js';
import type { Leverage } from '../money/units.js';
import type { MaintenanceTier } from './instrument.js';

export interface TierInput {
  readonly floor: Rational;
  readonly rate: Rational;
  readonly deduction?: Rational;
  readonly maxLeverage?: Leverage;
}

/** Tiers sorted by floor with every missing deduction derived for continuity. */
export function withDerivedDeductions(tiers: readonly TierInput[]): MaintenanceTier[] {
  const sorted = [...tiers].sort((a, b) => compareRational(a.floor, b.floor));
  const result: MaintenanceTier[] = [];
  for (const tier of sorted) {
    const previous = result[result.length - 1];
    const deduction = tier.deduction
      ?? (previous
        ? addRational(previous.deduction, multiplyRational(tier.floor, subtractRational(tier.rate, previous.rate)))
        : RATIONAL_ZERO);
    result.push({
      floor: tier.floor,
      rate: tier.rate,
      deduction,
      ...(tier.maxLeverage ? { maxLeverage: tier.maxLeverage } : {}),
    });
  }
  return result;
}

/** The tier that holds at `notional`: the last whose floor is at or below it. */
export function tierAt(tiers: readonly MaintenanceTier[], notional: Rational): MaintenanceTier {
  let found = tiers[0];
  if (!found) throw new RangeError('an instrument with tiered maintenance needs at least one tier');
  for (const tier of tiers) {
    if (compareRational(tier.floor, notional) <= 0) found = tier;
    else break;
  }
  return found;
}

/** max(0, N × rate - deduction) with the tier that holds at N. */
export function tieredMaintenance(tiers: readonly MaintenanceTier[], notional: Rational): Rational {
  const tier = tierAt(tiers, notional);
  const value = subtractRational(multiplyRational(notional, tier.rate), tier.deduction);
  return signRational(value) < 0 ? RATIONAL_ZERO : value;
}

/**
 * Notionals where the maintenance formula changes: every floor above zero, and the notional below
 * which a tier's deduction would make it negative (where max(0, ...) takes over).
 */
export function tierBreakpoints(tiers: readonly MaintenanceTier[]): Rational[] {
  const points: Rational[] = [];
  for (const tier of tiers) {
    if (signRational(tier.floor) > 0) points.push(tier.floor);
    if (signRational(tier.rate) > 0 && signRational(tier.deduction) > 0) {
      points.push(divideRational(tier.deduction, tier.rate));
    }
  }
  return points;
}
