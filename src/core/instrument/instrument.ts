/**
 * An instrument as the margin engine sees it.
 *
 * - `linear` perpetual: P&L = side × quantity × contractSize × (mark - entry), in the quote currency.
 * - `inverse` perpetual: contractSize is a quote-currency amount (BTCUSD_PERP: 100 USD); margin
 *   and P&L are in the coin: P&L = side × quantity × contractSize × (1/entry - 1/mark).
 * - `stock`: bought outright, partly on a loan; the position's market value counts toward equity.
 * - `cfd` (and spot forex at a CFD broker): linear, P&L in the quote currency.
 */
import type { Rational } from '../money/rational.js';
import type { InstrumentId, Leverage, Price, Quantity } from '../money/units.js';

export type InstrumentKind = 'linear' | 'inverse' | 'stock' | 'cfd';
export const INSTRUMENT_KINDS: readonly InstrumentKind[] = ['linear', 'inverse', 'stock', 'cfd'];

export type AssetClass =
  | 'fx-major' | 'fx-minor' | 'index-major' | 'index-minor' | 'commodity' | 'gold' | 'equity' | 'crypto';
export const ASSET_CLASSES: readonly AssetClass[] = [
  'fx-major', 'fx-minor', 'index-major', 'index-minor', 'commodity', 'gold', 'equity', 'crypto',
];

/**
 * One bracket of a maintenance schedule, by position notional (quote currency; coin for inverse):
 * maintenance = notional × rate - deduction, for floor <= notional < the next floor.
 * Rates and deductions are exact fractions (Hyperliquid's rate 1 / (2 × max leverage) need not be a
 * finite decimal).
 */
export interface MaintenanceTier {
  readonly floor: Rational;
  readonly rate: Rational;
  readonly deduction: Rational;
  /** The highest leverage the venue allows for a position whose notional falls in this tier. */
  readonly maxLeverage?: Leverage;
}

export interface Instrument {
  readonly symbol: InstrumentId;
  readonly kind: InstrumentKind;
  readonly assetClass: AssetClass;
  /** Base units per contract (linear), quote amount per contract (inverse), shares per unit (stock). */
  readonly contractSize: Quantity;
  readonly tickSize?: Price;
  readonly maxLeverage?: Leverage;
  /** Sorted by floor, the first at 0. Empty where the venue sets maintenance another way. */
  readonly maintenanceTiers: readonly MaintenanceTier[];
  /** The currency P&L settles in, where known; it must be the account's. */
  readonly settlementCurrency?: string;
}
