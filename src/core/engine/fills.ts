/**
 * Closing (part of) a position at a price, and opening one at the mark. Booked P&L is rounded
 * down (floor) to the account currency: a partial close books the rounded P&L of the whole less
 * that of what stays open, so the parts add up to the whole to the last unit (as force-close does).
 *
 * Stocks are bought outright: opening moves their cost out of cash, closing brings back cost + P&L,
 * so the ledger (balance + cost of stocks held) moves only by the P&L.
 */
import type { Position } from '../account/position.js';
import { costBasis, unrealizedPnlAt } from '../margin/position-measures.js';
import { add, compare, decimal, divide, multiply, negate, sign, subtract, type Decimal } from '../money/decimal.js';
import { fromDecimal, subtractRational, toDecimal, type Rational } from '../money/rational.js';
import { asAmount, asQuantity, type Price, type Quantity } from '../money/units.js';
import type { Transaction } from './transaction.js';
import { markPriceMap } from './valuation-cache.js';
import { ratesAt, UNCONVERTED } from '../instrument/conversion.js';

export interface ClosedPart {
  readonly position: Position;
  readonly quantity: Quantity;
  readonly price: Price;
  readonly pnl: Decimal;
  /** An isolated position partly closed past its bankruptcy price: the loss its whole margin cannot cover. */
  readonly isolatedDeficit?: Decimal;
}

/**
 * The position as it stays after `quantity` closes. An isolated position keeps its margin pro
 * rata (rounded down to the account currency), but never more than its margin plus the P&L just
 * booked: a part closed at a loss beyond its share of the margin takes the rest from the margin
 * that stays, not from the wallet. What even the whole margin cannot cover is returned as a deficit.
 */
function remainder(position: Position, quantity: Decimal, pnl: Decimal, decimals: number): { stays: Position; deficit: Decimal } {
  const stays = asQuantity(subtract(position.quantity, quantity));
  const margin = position.isolatedMargin;
  if (!margin) return { stays: { ...position, quantity: stays }, deficit: decimal(0n, decimals) };
  const proRata = divide(multiply(margin, stays), position.quantity, decimals, 'floor');
  const afterLoss = add(margin, pnl);
  const kept = compare(afterLoss, proRata) < 0 ? afterLoss : proRata;
  return {
    stays: { ...position, quantity: stays, isolatedMargin: asAmount(sign(kept) < 0 ? decimal(0n, decimals) : kept) },
    deficit: sign(kept) < 0 ? negate(kept) : decimal(0n, decimals),
  };
}

/** Exact cost basis moved by the close: what the stock cost less what stays. */
function costReleased(position: Position, stays: Position | undefined): Rational {
  return stays ? subtractRational(costBasis(position), costBasis(stays)) : costBasis(position);
}

/** Closes `quantity` (all when it is the whole) at `price`, books the P&L, returns what was booked. */
export function closeAt(tx: Transaction, position: Position, quantity: Quantity, price: Price): ClosedPart {
  const decimals = tx.decimals;
  const at = fromDecimal(price);
  // Counted in another currency: converted at the pairs' marks now, the fill price for a pair that converts through itself.
  const rates = position.instrument.conversion ? ratesAt(position.instrument, markPriceMap(tx.snapshot), at) : UNCONVERTED;
  const whole = toDecimal(unrealizedPnlAt(position, at, rates), decimals, 'floor');
  const all = compare(quantity, position.quantity) >= 0;
  const pnl = all ? whole : subtract(whole, toDecimal(unrealizedPnlAt({ ...position, quantity: asQuantity(subtract(position.quantity, quantity)) }, at, rates), decimals, 'floor'));
  const split = all ? undefined : remainder(position, quantity, pnl, decimals);
  const stays = split?.stays;
  const cost = costReleased(position, stays);
  tx.replacePositions(tx.snapshot.positions.flatMap((each) => (each.id === position.id ? (stays ? [stays] : []) : [each])));
  tx.credit(add(pnl, exactDecimal(cost)));
  tx.count('realizedPnl', pnl);
  if (!stays) {
    const orders = new Map(tx.state.orders);
    orders.delete(position.id);
    tx.update({ orders });
  }
  const deficit = split && sign(split.deficit) > 0 ? { isolatedDeficit: split.deficit } : {};
  return { position, quantity: all ? position.quantity : quantity, price, pnl, ...deficit };
}

/** A cost basis is a product of decimals, so it is a finite decimal: write it as one. */
export function exactDecimal(value: Rational): Decimal {
  let scale = 0;
  while ((10n ** BigInt(scale)) % value.denominator !== 0n) scale += 1;
  return value.numerator === 0n ? decimal(0n) : toDecimal(value, scale, 'half-even');
}

/** Opens the position (entry = mark); a stock's cost leaves cash. */
export function openAt(tx: Transaction, position: Position): void {
  tx.replacePositions([...tx.snapshot.positions, position]);
  tx.debit(exactDecimal(costBasis(position)));
}
