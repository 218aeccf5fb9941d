/**
 * Stop-loss and take-profit orders on a position. They fire on the first mark at or beyond the
 * trigger and fill at that mark: after a gap, at the gapped price, never at the trigger itself
 * (the seed article: "a stop-loss caps the loss, but fills at the first price past it").
 *
 *   long:  stop-loss when mark <= stop, take-profit when mark >= target
 *   short: stop-loss when mark >= stop, take-profit when mark <= target
 *
 * A stop set as a loss in money (or as a fraction of the balance) becomes the price at which the
 * position's unrealised loss equals it, rounded to the tick towards the entry, so the loss at the
 * trigger is never more than the one asked for.
 */
import type { Position } from '../account/position.js';
import { coordinateOfPrice, pnlDirection, priceOfCoordinate } from '../instrument/coordinate.js';
import { priceWherePnl, quantityTimesContract } from '../margin/position-measures.js';
import { compare, dec, multiply, negate, sign, type Decimal } from '../money/decimal.js';
import type { PriceMap } from '../account/account-snapshot.js';
import {
  divideRational, fromDecimal, rational, roundRationalToIncrement, signRational, subtractRational,
} from '../money/rational.js';
import { asPrice, type Price } from '../money/units.js';
import type { StopTrigger } from './engine-types.js';

const FINEST_PRICE = dec('0.00000001');

export type OrderKind = 'stop-loss' | 'take-profit';

/** Whether a mark has reached the order's trigger. */
export function reached(position: Position, kind: OrderKind, trigger: Price, mark: Price): boolean {
  const order = compare(mark, trigger);
  const fallsToTrigger = (position.side === 'long') === (kind === 'stop-loss');
  return fallsToTrigger ? order <= 0 : order >= 0;
}

/**
 * The price at which the position has lost `loss` (account currency), or undefined when no price
 * gets there (a loss larger than an inverse short or a long can reach).
 */
export function priceForLoss(position: Position, loss: Decimal, prices?: PriceMap): Price | undefined {
  const { kind, tickSize } = position.instrument;
  if (position.instrument.conversion) {
    // Counted in another currency: the loss in the account's, through the conversion (conversion.ts).
    const exactPrice = priceWherePnl(position, fromDecimal(negate(loss)), prices);
    if (!exactPrice) return undefined;
    const rounded = roundRationalToIncrement(exactPrice, tickSize ?? FINEST_PRICE, position.side === 'long' ? 'ceiling' : 'floor');
    return sign(rounded) > 0 ? asPrice(rounded) : undefined;
  }
  const entry = coordinateOfPrice(kind, fromDecimal(position.entryPrice));
  const perUnit = divideRational(fromDecimal(loss), quantityTimesContract(position));
  // P&L = direction × qc × (x - x_entry) = -loss  =>  x = x_entry - loss / (direction × qc)
  const x = subtractRational(entry, divideRational(perUnit, rational(pnlDirection(kind, position.side))));
  if (signRational(x) <= 0) return undefined;
  const exact = priceOfCoordinate(kind, x);
  const losesAsPriceFalls = position.side === 'long';
  const price = roundRationalToIncrement(exact, tickSize ?? FINEST_PRICE, losesAsPriceFalls ? 'ceiling' : 'floor');
  return sign(price) > 0 ? asPrice(price) : undefined;
}

/** A stop trigger as a price; the balance is the one when the order is placed. */
export function stopPrice(position: Position, trigger: StopTrigger, balance: Decimal, prices?: PriceMap): Price | undefined {
  switch (trigger.kind) {
    case 'price': return trigger.price;
    case 'loss': return priceForLoss(position, trigger.amount, prices);
    case 'lossPercent': {
      const loss = multiply(balance, trigger.fraction);
      return sign(loss) > 0 ? priceForLoss(position, loss, prices) : undefined;
    }
  }
}
