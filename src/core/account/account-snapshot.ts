/**
 * One account at one venue, frozen at one moment: the validated form of the report contract's
 * snapshot (spec/report.md). Every instrument a position trades has a mark.
 */
import type { Rational } from '../money/rational.js';
import type { Amount, InstrumentId, Price, Rate } from '../money/units.js';
import type { VenueProfile } from '../venue/venue-profile.js';
import type { Instrument } from '../instrument/instrument.js';
import type { Position } from './position.js';
import type { HoldingRates } from './holding-rates.js';

export interface AccountSnapshot {
  readonly venue: VenueProfile;
  /** Settlement currency of the account; every position settles in it. */
  readonly currency: string;
  /** Decimals a booked amount carries in that currency. */
  readonly currencyDecimals: number;
  /** Cash or wallet balance: deposits + realised P&L - fees; negative = a loan (securities) or a debt. */
  readonly balance: Amount;
  readonly positions: readonly Position[];
  readonly marks: ReadonlyMap<InstrumentId, Price>;
  /** Every instrument the account may trade: the venue's, with the snapshot's additions and overrides. */
  readonly instruments?: ReadonlyMap<InstrumentId, Instrument>;
  /** Instantaneous relative moves of every mark to report on ("-0.015" = a 1.5 % gap down). */
  readonly shocks: readonly Rate[];
  /** The funding and financing rates the report projects forward (holding-rates.ts); absent = none given. */
  readonly holding?: HoldingRates;
}

/** Prices per instrument as exact fractions: the marks, or the marks after a move. */
export type PriceMap = ReadonlyMap<InstrumentId, Rational>;
