// fast-check arbitraries for snapshot JSON: decimals are built from integers and scales, so every
// generated value is an exact decimal string (never a float's rendering).
import fc from 'fast-check';
import { decimal, toDecimalString } from '../../src/core/index.js';

/** A positive decimal string with `scale` fractional digits, between min and max units. */
export const decimalText = (min: number, max: number, scale: number): fc.Arbitrary<string> =>
  fc.integer({ min, max }).map((units) => toDecimalString(decimal(BigInt(units), scale)));

export const side = fc.constantFrom('long' as const, 'short' as const);

export interface VenueCase {
  readonly venue: string;
  readonly currency: string;
  readonly instrument: string;
  /** Entry price range in units at `priceScale`. */
  readonly price: readonly [number, number];
  readonly priceScale: number;
  readonly quantity: readonly [number, number];
  readonly quantityScale: number;
  readonly maxLeverage: number;
  /** Extra instrument definitions the venue needs (binance-coinm has no built-in brackets). */
  readonly instruments?: Readonly<Record<string, unknown>>;
}

const COINM_TIERS = {
  BTCUSD_PERP: { maintenanceTiers: [{ floor: '0', rate: '0.004' }, { floor: '5', rate: '0.005' }, { floor: '10', rate: '0.01' }] },
};

/** One instrument per venue kind, sized so that notional stays in tiers whose max leverage allows `maxLeverage`. */
export const VENUE_CASES: readonly VenueCase[] = [
  { venue: 'binance-usdm', currency: 'USDT', instrument: 'BTCUSDT', price: [10_000_0, 120_000_0], priceScale: 1, quantity: [1, 500], quantityScale: 3, maxLeverage: 100 },
  { venue: 'binance-coinm', currency: 'BTC', instrument: 'BTCUSD_PERP', price: [10_000_0, 120_000_0], priceScale: 1, quantity: [1, 200], quantityScale: 0, maxLeverage: 100, instruments: COINM_TIERS },
  { venue: 'bybit-linear', currency: 'USDT', instrument: 'BTCUSDT', price: [10_000_0, 120_000_0], priceScale: 1, quantity: [1, 500], quantityScale: 3, maxLeverage: 100 },
  { venue: 'hyperliquid', currency: 'USDC', instrument: 'ETH', price: [500_0, 5_000_0], priceScale: 1, quantity: [1, 5000], quantityScale: 3, maxLeverage: 25 },
  { venue: 'dydx-v4', currency: 'USDC', instrument: 'ETH-USD', price: [500_0, 5_000_0], priceScale: 1, quantity: [1, 5000], quantityScale: 3, maxLeverage: 20 },
  { venue: 'esma-retail-cfd', currency: 'USD', instrument: 'EURUSD', price: [90_000, 140_000], priceScale: 5, quantity: [1_000, 500_000], quantityScale: 0, maxLeverage: 30 },
  { venue: 'mt5-standard', currency: 'USD', instrument: 'EURUSD', price: [90_000, 140_000], priceScale: 5, quantity: [1_000, 500_000], quantityScale: 0, maxLeverage: 500 },
  { venue: 'us-reg-t', currency: 'USD', instrument: 'AAPL', price: [10_00, 500_00], priceScale: 2, quantity: [1, 2_000], quantityScale: 0, maxLeverage: 2 },
];

export const venueCase = (id: string): VenueCase => {
  const found = VENUE_CASES.find((each) => each.venue === id);
  if (!found) throw new Error(`no venue case ${id}`);
  return found;
};

export interface GeneratedPosition {
  readonly side: 'long' | 'short';
  readonly quantity: string;
  readonly entryPrice: string;
  readonly leverage: string;
}

export const positionFor = (venue: VenueCase): fc.Arbitrary<GeneratedPosition> => fc.record({
  side,
  quantity: decimalText(venue.quantity[0], venue.quantity[1], venue.quantityScale),
  entryPrice: decimalText(venue.price[0], venue.price[1], venue.priceScale),
  leverage: fc.integer({ min: 1, max: venue.maxLeverage }).map(String),
});
