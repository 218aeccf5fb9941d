/** The eight built-in venue profiles, by id (spec/report.md, "Built-in venues"). */
import type { VenueProfile } from './venue-profile.js';
import { binanceCoinm } from './profiles/binance-coinm.js';
import { binanceUsdm } from './profiles/binance-usdm.js';
import { bybitLinear } from './profiles/bybit-linear.js';
import { dydxV4 } from './profiles/dydx-v4.js';
import { esmaRetailCfd } from './profiles/esma-retail-cfd.js';
import { hyperliquid } from './profiles/hyperliquid.js';
import { mt5Standard } from './profiles/mt5-standard.js';
import { usRegT } from './profiles/us-reg-t.js';

export const BUILT_IN_VENUES: Readonly<Record<string, VenueProfile>> = Object.fromEntries(
  [binanceUsdm, binanceCoinm, bybitLinear, hyperliquid, dydxV4, esmaRetailCfd, mt5Standard, usRegT]
    .map((venue) => [venue.id, venue]),
);

export function builtInVenueIds(): string[] {
  return Object.keys(BUILT_IN_VENUES);
}

/** The built-in profile with this id; never an inherited member such as "toString". */
export function builtInVenue(id: string): VenueProfile | undefined {
  return Object.hasOwn(BUILT_IN_VENUES, id) ? BUILT_IN_VENUES[id] : undefined;
}

/** A venue's own built-in instrument of this symbol, if it has one. */
export function builtInInstrument(venue: VenueProfile, symbol: string): VenueProfile['instruments'][string] | undefined {
  return Object.hasOwn(venue.instruments, symbol) ? venue.instruments[symbol] : undefined;
}
