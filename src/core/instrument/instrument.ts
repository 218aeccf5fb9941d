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
  /**
   * The currency P&L is counted in (MT5 SYMBOL_CURRENCY_PROFIT), where known. When it is not the
   * account's, P&L and notional are converted at the mark of the conversion pair (conversion.ts).
   */
  readonly settlementCurrency?: string;
  /**
   * The currency margin is counted in (MT5 SYMBOL_CURRENCY_MARGIN), where it differs from the
   * profit currency: the base of a forex pair, whose margin is lots × contract size / leverage in
   * that currency (MQL5 SYMBOL_CALC_MODE_FOREX), converted to the account's at its pair's mark.
   */
  readonly marginCurrency?: string;
  /** How this instrument's amounts become the account currency's; resolved per account (conversion.ts). */
  readonly conversion?: InstrumentConversion;
}

/**
 * One currency into the account's, at the mark of a pair: CCYACC (multiply by the mark) or ACCCCY
 * (divide by it): JPY into USD at USDJPY is ÷ the USDJPY mark; GBP into USD at GBPUSD is × it.
 */
export interface CurrencyConversion {
  readonly currency: string;
  readonly pair: InstrumentId;
  readonly inverted: boolean;
}

export interface InstrumentConversion {
  /** P&L and notional; absent: the profit currency is the account's. */
  readonly profit?: CurrencyConversion;
  /** Margin counted on lots × contract size in the margin currency; absent: on notional, as P&L is converted. */
  readonly margin?: CurrencyConversion | 'account';
}
