/**
 * Prices on a path: whole ticks of the instrument's tick size (8 decimals where it has none),
 * tick = max(1, round(start × exp(x))) for the path's log move x. The same rounding everywhere, so
 * the fast path and the reducer see the same prices.
 */
import type { Command } from '../core/engine/engine-types.js';
import type { Instant } from '../core/engine/instant.js';
import { decimal, multiply, type Decimal } from '../core/money/decimal.js';
import { asPrice, type InstrumentId, type Price } from '../core/money/units.js';

/** An instrument the paths move: its symbol, tick, and starting mark in ticks. */
export interface PriceColumn {
  readonly symbol: InstrumentId;
  readonly tick: Decimal;
  readonly tickValue: number;
  readonly startTicks: number;
}

/** Prices stay below 2^52 ticks, where every integer is exact in a double. */
export const MAX_TICKS = 2 ** 52;

export function ticksOf(column: PriceColumn, x: number): number {
  const ticks = Math.round(column.startTicks * Math.exp(x));
  return ticks < 1 ? 1 : ticks > MAX_TICKS ? MAX_TICKS : ticks;
}

export function priceOfTicks(column: PriceColumn, ticks: number): Price {
  return asPrice(multiply(decimal(BigInt(ticks)), column.tick));
}

/** The engine's mark command for these ticks, one per column. */
export function markCommand(columns: readonly PriceColumn[], ticks: ArrayLike<number>, time: Instant | undefined): Command {
  const prices = new Map<InstrumentId, Price>(columns.map((column, index) => [column.symbol, priceOfTicks(column, ticks[index] as number)]));
  return time ? { type: 'mark', time, prices } : { type: 'mark', prices };
}
