/** Built-in instruments written as literals, checked and converted once when the module loads. */
import type { AssetClass, Instrument, InstrumentKind } from '../instrument/instrument.js';
import { withDerivedDeductions } from '../instrument/maintenance-tiers.js';
import { dec } from '../money/decimal.js';
import { divideRational, fromDecimal, multiplyRational, rational, RATIONAL_ONE } from '../money/rational.js';
import { asInstrumentId, asLeverage, asPrice, asQuantity } from '../money/units.js';

export interface InstrumentLiteral {
  readonly kind: InstrumentKind;
  readonly assetClass: AssetClass;
  readonly contractSize?: string;
  readonly tickSize?: string;
  readonly maxLeverage?: string;
  readonly settlementCurrency: string;
  /** Forex: the base currency, in which MT5 counts margin (SYMBOL_CALC_MODE_FOREX). */
  readonly marginCurrency?: string;
  /** [floor, rate] or [floor, rate, maxLeverage]; deductions are derived (Binance "cum"). */
  readonly tiers?: readonly (readonly [string, string] | readonly [string, string, string])[];
  /**
   * Hyperliquid margin tiers, [floor, max leverage]: maintenance rate = 1 / (2 × max leverage),
   * "half of the initial margin at max leverage".
   */
  readonly leverageTiers?: readonly (readonly [string, string])[];
}

export function defineInstrument(symbol: string, literal: InstrumentLiteral): Instrument {
  const tiers = literal.leverageTiers
    ? withDerivedDeductions(literal.leverageTiers.map(([floor, maxLeverage]) => ({
      floor: fromDecimal(dec(floor)),
      rate: multiplyRational(rational(1n, 2n), divideRational(RATIONAL_ONE, fromDecimal(dec(maxLeverage)))),
      maxLeverage: asLeverage(dec(maxLeverage)),
    })))
    : withDerivedDeductions((literal.tiers ?? []).map(([floor, rate, maxLeverage]) => ({
      floor: fromDecimal(dec(floor)),
      rate: fromDecimal(dec(rate)),
      ...(maxLeverage ? { maxLeverage: asLeverage(dec(maxLeverage)) } : {}),
    })));
  return {
    symbol: asInstrumentId(symbol),
    kind: literal.kind,
    assetClass: literal.assetClass,
    contractSize: asQuantity(dec(literal.contractSize ?? '1')),
    maintenanceTiers: tiers,
    settlementCurrency: literal.settlementCurrency,
    ...(literal.marginCurrency ? { marginCurrency: literal.marginCurrency } : {}),
    ...(literal.tickSize ? { tickSize: asPrice(dec(literal.tickSize)) } : {}),
    ...(literal.maxLeverage ? { maxLeverage: asLeverage(dec(literal.maxLeverage)) } : {}),
  };
}

export function defineInstruments(literals: Readonly<Record<string, InstrumentLiteral>>): Record<string, Instrument> {
  return Object.fromEntries(Object.entries(literals).map(([symbol, literal]) => [symbol, defineInstrument(symbol, literal)]));
}

export const fraction = (text: string) => fromDecimal(dec(text));
export const leverage = (text: string) => asLeverage(dec(text));
