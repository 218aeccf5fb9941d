import type { Instrument } from '../instrument/instrument.js';
import type { Side } from '../instrument/coordinate.js';
import type { Amount, Leverage, PositionId, Price, Quantity } from '../money/units.js';

export interface Position {
  readonly id: PositionId;
  readonly instrument: Instrument;
  readonly side: Side;
  /** Base units (contracts for inverse); always positive. */
  readonly quantity: Quantity;
  readonly entryPrice: Price;
  /** The leverage the trader chose; absent = the highest the venue allows for the instrument. */
  readonly leverage?: Leverage;
  /** Present = an isolated position holding this margin; absent = cross. */
  readonly isolatedMargin?: Amount;
}
