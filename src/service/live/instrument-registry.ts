/**
 * The instruments the service knows at each built-in venue: the venue's own, and those the
 * accounts there were created with (a snapshot's "instruments", a custom venue's). A funding or
 * financing tick names an instrument by symbol; one nobody defines at the venues it reaches is
 * unknown (400), and its terms must suit every definition it may meet (swap points need a tick
 * size). Definitions are kept by what the edge's check depends on, at most one with a tick size
 * and one without, so the registry stays small however many accounts there are. It only grows:
 * accounts are never removed, so a tick accepted once stays valid for the fold.
 */
import { BUILT_IN_VENUES } from '../../core/index.js';
import type { Instrument } from '../../core/instrument/instrument.js';

export class InstrumentRegistry {
  /** venue -> symbol -> [with a tick size, without one] (either may be missing). */
  private readonly byVenue = new Map<string, Map<string, [Instrument | undefined, Instrument | undefined]>>();

  constructor() {
    for (const venue of Object.values(BUILT_IN_VENUES)) this.add(venue.id, Object.values(venue.instruments));
  }

  add(venue: string, instruments: Iterable<Instrument>): void {
    let symbols = this.byVenue.get(venue);
    if (!symbols) {
      symbols = new Map();
      this.byVenue.set(venue, symbols);
    }
    for (const instrument of instruments) {
      const kept = symbols.get(instrument.symbol) ?? [undefined, undefined];
      const slot = instrument.tickSize ? 0 : 1;
      if (!kept[slot]) kept[slot] = instrument;
      symbols.set(instrument.symbol, kept);
    }
  }

  /** The distinct definitions of `symbol` at these venues (none: unknown there). */
  definitions(venues: readonly string[], symbol: string): Instrument[] {
    const found: Instrument[] = [];
    for (const venue of venues) {
      for (const instrument of this.byVenue.get(venue)?.get(symbol) ?? []) if (instrument) found.push(instrument);
    }
    return found;
  }
}
