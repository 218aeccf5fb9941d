/**
 * The rates a snapshot says its positions pay for being held (issue 12), as of now: the current
 * perpetual funding rate per funding interval, and the overnight financing (swap) rates, each by
 * instrument. The report projects them forward at fixed marks (report/holding-costs.ts).
 */
import type { Decimal } from '../money/decimal.js';
import type { InstrumentId, Rate } from '../money/units.js';

/**
 * One instrument's overnight financing, as the engine's `financing` command takes it: yearly rates
 * on notional (`rate`), or MT5 swap points a night (`points`); positive credits the holder.
 */
export interface FinancingRates {
  readonly unit: 'rate' | 'points';
  readonly long: Decimal;
  readonly short: Decimal;
}

export interface HoldingRates {
  /** Funding rate per interval, by instrument: longs pay a positive rate, shorts receive it. */
  readonly funding?: ReadonlyMap<InstrumentId, Rate>;
  /** Overnight financing, by instrument. */
  readonly financing?: ReadonlyMap<InstrumentId, FinancingRates>;
}
