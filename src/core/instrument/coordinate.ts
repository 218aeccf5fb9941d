/**
 * The coordinate in which an instrument's P&L and requirements are affine.
 *
 * Linear, stock and CFD: x = price, P&L = side × q × contractSize × (x - x_entry).
 * Inverse: x = 1 / price, P&L (in coin) = side × q × contractSize × (1/entry - 1/mark)
 *                                       = -side × q × contractSize × (x - x_entry),
 * and notional (in coin) = q × contractSize × x in both cases.
 *
 * Every requirement the venues publish is piecewise affine in x (tiers by notional, fractions of
 * notional or market value, per-share minimums), which is what lets the solvers find thresholds
 * exactly, one affine piece at a time.
 */
import { reciprocal, type Rational } from '../money/rational.js';
import type { InstrumentKind } from './instrument.js';

export type Side = 'long' | 'short';

export function coordinateOfPrice(kind: InstrumentKind, price: Rational): Rational {
  return kind === 'inverse' ? reciprocal(price) : price;
}

export const priceOfCoordinate = coordinateOfPrice;

/** +1 when P&L rises with x, -1 when it falls. */
export function pnlDirection(kind: InstrumentKind, side: Side): 1n | -1n {
  const sideSign = side === 'long' ? 1n : -1n;
  return (kind === 'inverse' ? -sideSign : sideSign) as 1n | -1n;
}

/** +1 when x rises with price (linear), -1 when it falls (inverse). */
export function coordinateDirection(kind: InstrumentKind): 1 | -1 {
  return kind === 'inverse' ? -1 : 1;
}
