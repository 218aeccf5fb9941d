/**
 * The cost of holding (issue 12): what keeping the positions pays or receives at today's funding or
 * financing rate if prices stand still, when that alone brings the margin call and the liquidation,
 * and where the liquidation price has moved to after 1, 7 and 30 days of it.
 *
 * Payments fall every interval (the venue's `fundingIntervalHours`; 24 h for financing, one night
 * a day), the first one interval from now, each booked exactly as the engine books it
 * (engine/commands.ts `payFunding` / `chargeFinancing`), rounded down against the account:
 *
 *   funding     f = floor(-rate × notional at the mark) for a long, floor(rate × notional) for a short
 *               (Binance "Introduction to Binance Futures Funding Rates": position value × funding rate)
 *   financing   f = floor(notional × yearly rate / dayCount)               one night at a yearly rate
 *               f = floor(points × tick × units, converted)                one night of MT5 swap points
 *
 * At fixed marks every f is a constant, so a margin scope's equity after n payments is affine in n:
 *
 *   cross      E(n) = E0 + n × Σ f                      (the wallet pays; isolated payments leave the
 *                                                         cross collateral, balance - Σ isolated, alone)
 *   isolated   E(n) = E0 - min(n × p, M)   p = -f > 0   (paid from its margin M, never below zero)
 *
 * and the first payment after which it breaches a requirement R (below it, or at or below it where
 * the venue acts on reaching it) is a division, not a walk:
 *
 *   strict ("below")   n = floor((E0 - R) / p) + 1      at-or-below   n = ceil((E0 - R) / p)
 *
 * unless an isolated margin runs dry first: then n = ceil(M / p) if E0 - M breaches R, else never.
 * Scopes are independent until the first of them is liquidated (an isolated close returns what is
 * left of its margin to the wallet), so the account's first liquidation is the least of the scopes'
 * counts, and an isolated position's own count is exact whatever the others do.
 *
 *   days = n × interval hours / 24, rounded down to 2 decimals
 *
 * Financing is projected one night a day, 7 nights a week: the venue's triple day charges three
 * nights to carry the weekend, so a week costs the same 7 nights; the figures do not know the
 * weekday (a snapshot has no clock), and one night's charge is rounded on its own.
 */
import type { AccountSnapshot, PriceMap } from '../account/account-snapshot.js';
import type { Position } from '../account/position.js';
import { converted, ratesAt } from '../instrument/conversion.js';
import { markPrices, thresholdPrice } from '../liquidation/threshold-price.js';
import {
  marginCallThreshold, marginScopes, priceOf, scopeEquity, scopeRequirement, type MarginScope,
} from '../margin/margin-scope.js';
import { notionalAt, quantityTimesContract } from '../margin/position-measures.js';
import { add, decimal, divide, max, multiply, negate, sign, sum, type Decimal } from '../money/decimal.js';
import {
  compareRational, divideRational, fromDecimal, multiplyRational, rational, RATIONAL_ZERO, signRational, subtractRational,
  toDecimal, type Rational,
} from '../money/rational.js';
import { divideIntegers } from '../money/rounding.js';
import { asAmount, type Price } from '../money/units.js';
import type { Threshold, VenueProfile } from '../venue/venue-profile.js';

/** The horizons of the liquidation price after holding, in days. */
export const HOLDING_HORIZON_DAYS = [1, 7, 30] as const;
export type HoldingHorizon = (typeof HOLDING_HORIZON_DAYS)[number];

/** Days are reported to this many decimals, rounded down. */
export const HOLDING_DAY_DECIMALS = 2;

export interface PaymentSchedule {
  readonly kind: 'funding' | 'financing';
  /** Hours between payments: the funding interval, or 24 (one night a day). */
  readonly hours: number;
}

export interface PositionHolding {
  readonly position: Position;
  /** What one payment books on the position at today's marks: + received, - paid (before an isolated margin's cap). */
  readonly perPayment: Decimal;
  readonly perDay: Decimal;
  /** An isolated position's own scope: the payment after which it is liquidated; null = never. Undefined for a cross position. */
  readonly paymentsToLiquidation?: bigint | null;
  /**
   * The liquidation price after each horizon's payments. Null where there is none, where the
   * position's scope has been liquidated by then, and, for a cross position, where an isolated one
   * has: what that close returns to the wallet depends on its fill, which this does not model.
   */
  readonly liquidationPriceAfter: ReadonlyMap<HoldingHorizon, Price | null>;
}

export interface HoldingFigures {
  readonly schedule: PaymentSchedule;
  /** What one payment books on the account at today's marks: + received, - paid. */
  readonly perPayment: Decimal;
  /** perPayment × 24 / hours, rounded down: what a day of payments books. */
  readonly perDay: Decimal;
  /** The first payment after which any scope is in margin call (where the venue calls); 0n = already; null = never. */
  readonly paymentsToMarginCall: bigint | null;
  /** The first payment after which any scope is liquidated; 0n = already; null = never. */
  readonly paymentsToLiquidation: bigint | null;
  readonly positions: readonly PositionHolding[];
}

/** The payments the snapshot's rates imply, or none when it gives no rate (or the venue takes none). */
export function paymentSchedule(snapshot: AccountSnapshot): PaymentSchedule | undefined {
  const { holding, venue } = snapshot;
  if (holding?.funding && venue.fundingIntervalHours !== undefined) return { kind: 'funding', hours: venue.fundingIntervalHours };
  if (holding?.financing && venue.financing) return { kind: 'financing', hours: 24 };
  return undefined;
}

/** The exact amount one payment moves on a position, + received, before rounding. */
function exactPayment(snapshot: AccountSnapshot, position: Position, prices: PriceMap): Rational {
  const { holding, venue } = snapshot;
  const { instrument } = position;
  const price = priceOf(prices, instrument.symbol);
  const rates = ratesAt(instrument, prices, price);
  const funding = holding?.funding?.get(instrument.symbol);
  if (funding) {
    const sideSign = rational(position.side === 'long' ? -1n : 1n);
    return multiplyRational(notionalAt(position, price, rates), multiplyRational(fromDecimal(funding), sideSign));
  }
  const financing = holding?.financing?.get(instrument.symbol);
  if (!financing || !venue.financing) return RATIONAL_ZERO;
  const given = fromDecimal(position.side === 'long' ? financing.long : financing.short);
  if (financing.unit === 'rate') {
    return multiplyRational(multiplyRational(notionalAt(position, price, rates), given), rational(1n, BigInt(venue.financing.dayCount)));
  }
  const point = instrument.tickSize ? fromDecimal(instrument.tickSize) : RATIONAL_ZERO;
  return multiplyRational(converted(multiplyRational(quantityTimesContract(position), point), rates.profit), given);
}

/** One payment on a position as the engine books it: rounded down, so against the account. */
export function paymentOn(snapshot: AccountSnapshot, position: Position, prices: PriceMap = markPrices(snapshot)): Decimal {
  return toDecimal(exactPayment(snapshot, position, prices), snapshot.currencyDecimals, 'floor');
}

function perDayOf(perPayment: Decimal, schedule: PaymentSchedule, decimals: number): Decimal {
  return toDecimal(multiplyRational(fromDecimal(perPayment), rational(24n, BigInt(schedule.hours))), decimals, 'floor');
}

/** n payments of `hours` each, in days, rounded down to 2 decimals. */
export function daysOf(payments: bigint, hours: number): Decimal {
  return divide(decimal(payments * BigInt(hours)), decimal(24n), HOLDING_DAY_DECIMALS, 'floor');
}

/** Payments made within `days` days: every whole interval that has ended. */
export function paymentsWithin(days: number, hours: number): bigint {
  return BigInt(days * 24) / BigInt(hours);
}

/**
 * The first n >= 0 after which equity E0 + n × change breaches a requirement, given gap = E0 - R;
 * `strict`: breached below R only. `cap`: an isolated margin, the most the payments can take.
 */
export function firstBreach(gap: Rational, change: Decimal, strict: boolean, cap?: Decimal): bigint | null {
  const breached = (value: Rational): boolean => (strict ? signRational(value) < 0 : signRational(value) <= 0);
  if (breached(gap)) return 0n;
  if (sign(change) >= 0) return null;
  const paid = fromDecimal(negate(change));
  const quotient = divideRational(gap, paid);
  const count = strict
    ? divideIntegers(quotient.numerator, quotient.denominator, 'floor') + 1n
    : divideIntegers(quotient.numerator, quotient.denominator, 'ceiling');
  if (!cap || compareRational(multiplyRational(rational(count), paid), fromDecimal(cap)) <= 0) return count;
  // The margin runs dry first: after that payment nothing more is taken.
  const drained = divideRational(fromDecimal(cap), paid);
  return breached(subtractRational(gap, fromDecimal(cap))) ? divideIntegers(drained.numerator, drained.denominator, 'ceiling') : null;
}

const earliest = (counts: readonly (bigint | null)[]): bigint | null =>
  counts.reduce<bigint | null>((least, count) => (count === null ? least : least === null || count < least ? count : least), null);

interface ScopeCounts {
  readonly scope: MarginScope;
  readonly liquidation: bigint | null;
  readonly marginCall: bigint | null;
}

function breachCount(venue: VenueProfile, scope: MarginScope, prices: PriceMap, threshold: Threshold, strict: boolean, change: Decimal): bigint | null {
  const gap = subtractRational(scopeEquity(scope, prices), scopeRequirement(venue, scope, prices, threshold));
  const cap = scope.kind === 'isolated' ? scope.positions[0]?.isolatedMargin : undefined;
  return firstBreach(gap, change, strict, cap);
}

/**
 * A scope's counts. The margin call is issued below Rc (or with the liquidation, whichever comes
 * first: the engine calls a scope it is about to liquidate); a venue with no call of its own calls
 * where it liquidates, as the report's margin-call price does.
 */
function scopeCounts(snapshot: AccountSnapshot, scope: MarginScope, prices: PriceMap, payments: ReadonlyMap<Position, Decimal>): ScopeCounts {
  const { venue } = snapshot;
  const change = sum([decimal(0n, snapshot.currencyDecimals), ...scope.positions.map((position) => payments.get(position) ?? decimal(0n))]);
  const liquidation = breachCount(venue, scope, prices, venue.liquidation, venue.liquidationTrigger === 'below', change);
  const marginCall = venue.marginCall
    ? earliest([breachCount(venue, scope, prices, marginCallThreshold(venue), true, change), liquidation])
    : liquidation;
  return { scope, liquidation, marginCall };
}

/**
 * The snapshot after `count` payments at fixed marks: the wallet moved by every payment, each
 * isolated margin by its own, never below zero (the engine's bookOnPosition).
 */
export function snapshotAfterPayments(snapshot: AccountSnapshot, count: bigint, payments: ReadonlyMap<Position, Decimal>): AccountSnapshot {
  let balance: Decimal = snapshot.balance;
  const positions = snapshot.positions.map((position): Position => {
    const total = multiply(payments.get(position) ?? decimal(0n), decimal(count));
    if (!position.isolatedMargin) {
      balance = add(balance, total);
      return position;
    }
    const booked = max(total, negate(position.isolatedMargin));
    balance = add(balance, booked);
    return { ...position, isolatedMargin: asAmount(add(position.isolatedMargin, booked)) };
  });
  return { ...snapshot, balance: asAmount(balance), positions };
}

/** Each position's scope, by the position: a lookup, not a search per position. */
function scopeByPosition<T extends { readonly scope: MarginScope }>(items: readonly T[]): Map<Position, T> {
  return new Map(items.flatMap((item) => item.scope.positions.map((position) => [position, item] as const)));
}

/** Whether `count` payments reach a liquidation that makes this position's later price moot (see PositionHolding). */
function liquidatedBy(count: bigint, own: ScopeCounts, isolated: readonly ScopeCounts[]): boolean {
  const reached = (scope: ScopeCounts): boolean => scope.liquidation !== null && count >= scope.liquidation;
  return reached(own) || (own.scope.kind === 'cross' && isolated.some(reached));
}

function liquidationPricesAfter(
  snapshot: AccountSnapshot, schedule: PaymentSchedule, payments: ReadonlyMap<Position, Decimal>, counts: readonly ScopeCounts[],
): Map<Position, Map<HoldingHorizon, Price | null>> {
  const isolated = counts.filter((each) => each.scope.kind === 'isolated');
  const countsOf = scopeByPosition(counts);
  const result = new Map(snapshot.positions.map((position) => [position, new Map<HoldingHorizon, Price | null>()]));
  for (const days of HOLDING_HORIZON_DAYS) {
    const count = paymentsWithin(days, schedule.hours);
    const after = snapshotAfterPayments(snapshot, count, payments);
    const scopes = scopeByPosition(marginScopes(after).map((scope) => ({ scope })));
    snapshot.positions.forEach((position, index) => {
      const own = countsOf.get(position);
      const moved = after.positions[index] as Position;
      const scope = scopes.get(moved)?.scope;
      const price = !own || !scope || liquidatedBy(count, own, isolated) ? null : thresholdPrice(after, scope, moved, 'liquidation');
      result.get(position)?.set(days, price);
    });
  }
  return result;
}

/** The cost of holding the snapshot's positions, or undefined when it gives no funding or financing rate. */
export function holdingFigures(snapshot: AccountSnapshot): HoldingFigures | undefined {
  const schedule = paymentSchedule(snapshot);
  if (!schedule) return undefined;
  const decimals = snapshot.currencyDecimals;
  const prices = markPrices(snapshot);
  const payments = new Map(snapshot.positions.map((position) => [position, paymentOn(snapshot, position, prices)]));
  const counts = marginScopes(snapshot)
    .filter((scope) => scope.positions.length > 0)
    .map((scope) => scopeCounts(snapshot, scope, prices, payments));
  const after = liquidationPricesAfter(snapshot, schedule, payments, counts);
  const countsOf = scopeByPosition(counts);
  const perPayment = sum([decimal(0n, decimals), ...payments.values()]);
  return {
    schedule,
    perPayment,
    perDay: perDayOf(perPayment, schedule, decimals),
    paymentsToMarginCall: earliest(counts.map((each) => each.marginCall)),
    paymentsToLiquidation: earliest(counts.map((each) => each.liquidation)),
    positions: snapshot.positions.map((position): PositionHolding => {
      const perPosition = payments.get(position) ?? decimal(0n, decimals);
      const own = countsOf.get(position);
      return {
        position,
        perPayment: perPosition,
        perDay: perDayOf(perPosition, schedule, decimals),
        ...(own?.scope.kind === 'isolated' ? { paymentsToLiquidation: own.liquidation } : {}),
        liquidationPriceAfter: after.get(position) ?? new Map(),
      };
    }),
  };
}

/** One line on what the projection assumes. */
export function holdingBasis(schedule: PaymentSchedule, venue: VenueProfile): string {
  if (schedule.kind === 'funding') {
    return `prices stand still at today's marks; funding is paid every ${schedule.hours} h at today's rate, the first payment ${schedule.hours} h from now`;
  }
  const terms = venue.financing;
  const tripleDay = terms?.tripleDay ?? 'wednesday';
  return `prices stand still at today's marks; financing is charged one night a day at today's rates, over a ${terms?.dayCount ?? 365}-day year `
    + `(7 nights a week: the ${tripleDay.charAt(0).toUpperCase()}${tripleDay.slice(1)} rollover's three nights carry the weekend), the first night 24 h from now`;
}
