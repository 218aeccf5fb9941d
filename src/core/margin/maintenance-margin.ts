/**
 * The maintenance requirement of one exposure: the positions of one margin scope on one instrument
 * and side. Tiers apply to the exposure's whole notional, never fill by fill (Binance brackets are
 * per symbol and position side), so two longs of 25 BTC pay the 50 BTC bracket.
 *
 * - Tiers (Binance, Bybit, dYdX, Hyperliquid): max(0, N × rate_k - deduction_k), k the tier at N.
 * - Securities (FINRA Rule 4210(c)): long: 25 % of market value. Short, per share: price >= $5:
 *   max($5.00, 30 % × price); price < $5: max($2.50, 100 % × price). Worked: short 1,000 at $50 ->
 *   max(5 000, 15 000) = $15,000; short 10,000 at $4.50 -> max(25 000, 45 000) = $45,000.
 */
import type { Position } from '../account/position.js';
import { tierBreakpoints, tieredMaintenance } from '../instrument/maintenance-tiers.js';
import {
  addRational, compareRational, divideRational, multiplyRational, rational, RATIONAL_ZERO, sumRational,
  type Rational,
} from '../money/rational.js';
import type { ValuationBasis, VenueProfile } from '../venue/venue-profile.js';
import { notionalOnBasis, quantityTimesContract } from './position-measures.js';
import { converted, UNCONVERTED, valuationKind, type Rates } from '../instrument/conversion.js';
import { coordinateOfPrice } from '../instrument/coordinate.js';

const FIVE_DOLLARS = rational(5n);
const TWO_FIFTY = rational(5n, 2n);

function shortSharePrice(price: Rational, shortRate: Rational): Rational {
  if (compareRational(price, FIVE_DOLLARS) >= 0) {
    const byRate = multiplyRational(price, shortRate);
    return compareRational(byRate, FIVE_DOLLARS) >= 0 ? byRate : FIVE_DOLLARS;
  }
  return compareRational(price, TWO_FIFTY) >= 0 ? price : TWO_FIFTY;
}

/**
 * With a conversion (conversion.ts), tiers are read on the notional in the instrument's own margin
 * terms (as the venue publishes them) and the requirement is converted: max(0, N × rate - deduction)
 * × the rate into the account currency.
 */
export function exposureMaintenance(
  venue: VenueProfile, positions: readonly Position[], price: Rational, basis: ValuationBasis, rates: Rates = UNCONVERTED,
): Rational {
  const first = positions[0];
  if (!first) return RATIONAL_ZERO;
  const model = venue.maintenance;
  switch (model.kind) {
    case 'instrument-tiers':
    case 'half-initial-at-max-leverage': {
      if (rates !== UNCONVERTED) {
        // Tiers read on lots × contract size where margin is counted in lots, else on the notional.
        const inLots = rates.margin !== undefined;
        const own = sumRational(positions.map((position) => (inLots ? quantityTimesContract(position) : notionalOnBasis(position, price, basis))));
        return converted(tieredMaintenance(first.instrument.maintenanceTiers, own), rates.margin ?? rates.profit);
      }
      const notional = sumRational(positions.map((position) => notionalOnBasis(position, price, basis)));
      return tieredMaintenance(first.instrument.maintenanceTiers, notional);
    }
    case 'securities':
      return sumRational(positions.map((position) => {
        const units = quantityTimesContract(position);
        const marked = basis === 'entry' ? notionalOnBasis(position, price, basis) : multiplyRational(units, price);
        if (position.side === 'long') return multiplyRational(marked, model.long);
        const perShare = shortSharePrice(divideRational(marked, units), model.short);
        return multiplyRational(units, perShare);
      }));
    case 'none':
      return RATIONAL_ZERO;
  }
}

/**
 * Coordinates (x = price, or 1/price for inverse) at which the exposure's maintenance formula
 * changes: tier floors and clamps divided by quantity × contract size, and the securities
 * per-share kinks ($2.50, $5, and $5 / short rate).
 */
export function exposureBreakpoints(venue: VenueProfile, positions: readonly Position[]): Rational[] {
  const first = positions[0];
  if (!first) return [];
  const model = venue.maintenance;
  if (model.kind === 'securities') {
    return compareRational(model.short, RATIONAL_ZERO) > 0
      ? [TWO_FIFTY, FIVE_DOLLARS, divideRational(FIVE_DOLLARS, model.short)]
      : [TWO_FIFTY, FIVE_DOLLARS];
    // Stocks are never converted (conversion.ts), so these are prices and coordinates alike.
  }
  if (model.kind === 'none') return [];
  const { instrument } = first;
  // Tiers read on lots × contract size do not move with the price.
  if (typeof instrument.conversion?.margin === 'object' || instrument.conversion?.margin === 'account') return [];
  const size = positions.map(quantityTimesContract).reduce(addRational, RATIONAL_ZERO);
  if (compareRational(size, RATIONAL_ZERO) <= 0) return [];
  const atNotional = tierBreakpoints(instrument.maintenanceTiers).map((notional) => divideRational(notional, size));
  // In the instrument's own terms these are coordinates (price, or 1/price for inverse); a pair
  // valued in 1/price through its own conversion (USDJPY in a USD account) breaks at 1/price of them.
  return valuationKind(instrument) === instrument.kind ? atNotional : atNotional.map((price) => coordinateOfPrice('inverse', price));
}
