/**
 * A venue profile (../venue/venue-profile.ts) as the risk book applies it: linear requirements, one
 * rate per position.
 *
 *   Rl rate = liquidation level × base rate,   Rc rate = margin-call level × base rate
 *   base rate: 'maintenance' basis -> the instrument's first maintenance tier rate
 *                (Binance, Bybit, dYdX: the first bracket; Hyperliquid: 1 / (2 × max leverage));
 *              'initial' basis     -> the initial margin rate, max(1 / leverage, the venue minimum)
 *                (MT5: call 100 % × 1/leverage, stop-out 50 % × 1/leverage).
 * A venue with no margin call of its own calls where it liquidates (Rc = Rl).
 *
 * The venue's liquidation fee (Binance: 0.5 % of the closed notional) is charged as the engine
 * charges it (settle-account.ts), and so is its base-tier taker fee on stop-loss and take-profit
 * fills (`fees.taker`: Binance 0.05 %, Hyperliquid 0.045 %; MT5 none).
 *
 * What the book leaves out, and so refuses: tiers past the first (the first tier must have no
 * deduction, and the workload keeps notionals inside it), valuation at entry (Bybit isolated),
 * inverse and stock instruments, instruments counted in another currency (conversion.ts), cure periods (Reg T) and partial sells to meet the requirement
 * (FINRA). What it leaves out without refusing: Hyperliquid's partial liquidations of positions
 * above 100 000 USDC (keep positions below that), and limits on insurance funds (the book's are
 * unlimited, as the engine's are without a balance; no auto-deleveraging follows).
 */
import type { Position } from '../account/position.js';
import type { Instrument } from '../instrument/instrument.js';
import { venueAbsorbsDeficits } from '../deficit/deficit-policy.js';
import { initialMarginRate } from '../margin/position-measures.js';
import { marginCallThreshold } from '../margin/margin-scope.js';
import { dec, type Decimal } from '../money/decimal.js';
import { fromDecimal, multiplyRational, rational, type Rational } from '../money/rational.js';
import { asPrice, asQuantity, type Leverage, type PositionId } from '../money/units.js';
import type { Threshold, VenueProfile } from '../venue/venue-profile.js';
import type { BookInstrument, BookVenue } from './book-spec.js';

export function bookVenue(profile: VenueProfile): BookVenue {
  const order = profile.liquidationOrder;
  if (order !== 'whole-scope' && order !== 'largest-loss-first') {
    throw new RangeError(`${profile.id}: the book does not apply the '${order}' liquidation procedure`);
  }
  if (profile.cureDays > 0) throw new RangeError(`${profile.id}: the book does not model cure periods`);
  if (profile.valuation.cross !== 'mark' || (profile.isolatedMargin && profile.valuation.isolated !== 'mark')) {
    throw new RangeError(`${profile.id}: the book values requirements at the mark only`);
  }
  return {
    id: profile.id,
    liquidationTrigger: profile.liquidationTrigger,
    liquidationOrder: order,
    deficit: venueAbsorbsDeficits(profile.deficit) ? 'venue-absorbs' : 'client-debt',
    isolatedMargin: profile.isolatedMargin,
    marginCall: profile.marginCall !== null,
    ...(profile.liquidationFeeRate && profile.liquidationFeeRate.numerator !== 0n ? { liquidationFeeRate: profile.liquidationFeeRate } : {}),
    ...(profile.fees.taker.numerator !== 0n ? { takerFeeRate: profile.fees.taker } : {}),
  };
}

function thresholdRate(profile: VenueProfile, instrument: Instrument, leverage: Leverage | undefined, threshold: Threshold): Rational {
  if (threshold.basis === 'initial') {
    const position: Position = {
      id: 'book' as PositionId,
      instrument,
      side: 'long',
      quantity: asQuantity(dec('1')),
      entryPrice: asPrice(dec('1')),
      ...(leverage ? { leverage } : {}),
    };
    return multiplyRational(threshold.level, initialMarginRate(profile, position));
  }
  const first = instrument.maintenanceTiers[0];
  if (!first) throw new RangeError(`${profile.id}: ${instrument.symbol} has no maintenance tier`);
  if (first.deduction.numerator !== 0n) throw new RangeError(`${profile.id}: ${instrument.symbol}'s first tier has a deduction`);
  return multiplyRational(threshold.level, first.rate);
}

/** The exact Rl and Rc rates of a position on `instrument` at `profile`, with the leverage it was opened at. */
export function positionRates(
  profile: VenueProfile, instrument: Instrument, leverage?: Leverage,
): { readonly liquidation: Rational; readonly marginCall: Rational } {
  return {
    liquidation: thresholdRate(profile, instrument, leverage, profile.liquidation),
    marginCall: thresholdRate(profile, instrument, leverage, marginCallThreshold(profile)),
  };
}

/** The book's instrument: one lot of `lotSize` (base units) moving one tick, in units of 10^-decimals. */
export function bookInstrument(instrument: Instrument, lotSize: Decimal, decimals: number): BookInstrument {
  if (instrument.kind !== 'linear' && instrument.kind !== 'cfd') {
    throw new RangeError(`${instrument.symbol}: the book values linear instruments only`);
  }
  if (!instrument.tickSize) throw new RangeError(`${instrument.symbol}: the book needs a tick size`);
  if (instrument.conversion) throw new RangeError(`${instrument.symbol}: the book values instruments counted in the account currency only`);
  const perLotTick = multiplyRational(
    multiplyRational(fromDecimal(lotSize), fromDecimal(instrument.contractSize)),
    fromDecimal(instrument.tickSize),
  );
  return { symbol: instrument.symbol, unitValue: multiplyRational(perLotTick, rational(10n ** BigInt(decimals))) };
}
