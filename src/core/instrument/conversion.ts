/**
 * Instruments counted in another currency than the account's, converted as MetaTrader 5 does
 * (MQL5 SYMBOL_CURRENCY_PROFIT, SYMBOL_CURRENCY_MARGIN, ENUM_SYMBOL_CALC_MODE):
 *
 *   P&L (account)    = P&L in the profit currency × rate(profit currency → account)
 *   margin (account) = forex: lots × contract size / leverage in the margin currency (the base)
 *                             × rate(margin currency → account)
 *                      CFD:   notional in the profit currency × margin rate × rate(profit → account)
 *
 * and a rate is the mark of the conversion pair: CCYACC (×) or ACCCCY (÷). Worked, a USD account:
 *   USDJPY long 100 000 at 150.000, mark 151.000: P&L = 100 000 × 1.000 JPY = 100 000 JPY
 *     ÷ 151.000 (USDJPY itself is the pair) = 662.25 USD; margin at 1:100 = 100 000 / 100 = 1 000 USD.
 *   EURGBP long 100 000 at 0.85000, mark 0.85500, GBPUSD 1.27000, EURUSD 1.08000:
 *     P&L = 500 GBP × 1.27 = 635.00 USD; margin at 1:100 = 1 000 EUR × 1.08 = 1 080.00 USD.
 *
 * A pair that converts through itself (USDJPY in a USD account) makes P&L q × (P - E) / P: affine
 * in 1/P, as an inverse contract's is, so the solvers work in x = 1/P for it (valuationKind).
 * One mark per pair: MetaTrader converts at the bid or the ask as the amount's sign says; the
 * snapshot has one mark per instrument, and the report says so where it matters.
 */
import type { PriceMap } from '../account/account-snapshot.js';
import { divideRational, multiplyRational, RATIONAL_ONE, reciprocal, type Rational } from '../money/rational.js';
import { asInstrumentId, type InstrumentId } from '../money/units.js';
import type { CurrencyConversion, Instrument, InstrumentConversion, InstrumentKind } from './instrument.js';

/** The symbols that convert `currency` into `account`, in the order tried: CCYACC (×), then ACCCCY (÷). */
export function conversionPairCandidates(currency: string, account: string): readonly [string, string] {
  return [`${currency}${account}`, `${account}${currency}`];
}

function conversionOf(currency: string, account: string, known: (symbol: string) => boolean): CurrencyConversion | undefined {
  const [direct, inverse] = conversionPairCandidates(currency, account);
  if (known(direct)) return { currency, pair: asInstrumentId(direct), inverted: false };
  if (known(inverse)) return { currency, pair: asInstrumentId(inverse), inverted: true };
  return undefined;
}

/** A currency the account cannot convert: the pairs that would (none where the instrument cannot convert at all). */
export type ConversionNeed = { readonly currency: string; readonly candidates: readonly [string, string] | readonly [] };

/**
 * The instrument resolved for an account in `account`: with its conversions, or unchanged when it
 * needs none; a need (the currency and the pairs that would convert it) when no pair is known.
 */
export function withConversion(
  instrument: Instrument, account: string, known: (symbol: string) => boolean,
): { readonly instrument: Instrument } | { readonly need: ConversionNeed } {
  const profitCurrency = instrument.settlementCurrency;
  const marginCurrency = instrument.marginCurrency;
  if (instrument.kind === 'inverse' || instrument.kind === 'stock') {
    // A coin-margined contract settles in its coin, and a share is bought outright: neither converts.
    return profitCurrency && profitCurrency !== account ? { need: { currency: profitCurrency, candidates: [] } } : { instrument };
  }
  const conversion: { profit?: CurrencyConversion; margin?: CurrencyConversion | 'account' } = {};
  if (profitCurrency && profitCurrency !== account) {
    const profit = conversionOf(profitCurrency, account, known);
    if (!profit) return { need: { currency: profitCurrency, candidates: conversionPairCandidates(profitCurrency, account) } };
    conversion.profit = profit;
  }
  if (marginCurrency && marginCurrency !== (profitCurrency ?? account)) {
    if (marginCurrency === account) conversion.margin = 'account';
    else {
      const margin = conversionOf(marginCurrency, account, known);
      if (!margin) return { need: { currency: marginCurrency, candidates: conversionPairCandidates(marginCurrency, account) } };
      conversion.margin = margin;
    }
  }
  const { conversion: _previous, ...plain } = instrument;
  return { instrument: conversion.profit || conversion.margin ? { ...plain, conversion } : plain };
}

/** Why an instrument cannot be held in this account: the currency, and the pairs that would convert it. */
export function conversionNeedMessage(instrument: Instrument, need: ConversionNeed, account: string): string {
  if (need.candidates.length === 0) return `${instrument.symbol} settles in ${need.currency} but the account is in ${account}`;
  const [usual, other] = marketOrder(need.currency, account) ? need.candidates : [need.candidates[1], need.candidates[0]];
  return `${instrument.symbol} is counted in ${need.currency} and the account is in ${account}: converting it needs the mark of `
    + `${usual} (or ${other}), which this venue does not list; define it under "instruments" and give its mark`;
}

/** The market's quoting order (EURUSD, GBPJPY, XAUEUR): whether `base` comes before `quote`. */
const QUOTING_ORDER = ['XAU', 'XAG', 'EUR', 'GBP', 'AUD', 'NZD', 'USD', 'CAD', 'CHF', 'JPY'];
function marketOrder(base: string, quote: string): boolean {
  const rank = (currency: string): number => {
    const index = QUOTING_ORDER.indexOf(currency);
    return index < 0 ? QUOTING_ORDER.length : index;
  };
  return rank(base) <= rank(quote);
}

/** The pairs whose marks the instrument's amounts depend on (besides its own). */
export function conversionPairs(instrument: Instrument): InstrumentId[] {
  const conversion = instrument.conversion;
  if (!conversion) return [];
  const pairs = [conversion.profit?.pair, typeof conversion.margin === 'object' ? conversion.margin.pair : undefined];
  return [...new Set(pairs.filter((pair): pair is InstrumentId => pair !== undefined && pair !== instrument.symbol))];
}

/** Whether a move of `symbol` moves the instrument's value in the account currency. */
export function movesWith(instrument: Instrument, symbol: InstrumentId): boolean {
  return instrument.symbol === symbol || conversionPairs(instrument).includes(symbol);
}

/**
 * The coordinate kind the instrument's value is affine in: inverse contracts, and pairs that
 * convert their P&L through themselves inverted (USDJPY in a USD account), in 1/price.
 */
export function valuationKind(instrument: Instrument): InstrumentKind {
  const profit = instrument.conversion?.profit;
  if (profit && profit.pair === instrument.symbol && profit.inverted) return 'inverse';
  return instrument.kind;
}

/** Rates into the account currency, for P&L (and notional) and for margin counted in lots. */
export interface Rates {
  readonly profit: Rational;
  /** Applied to lots × contract size where margin is counted so; undefined: margin is counted on notional. */
  readonly margin?: Rational;
}

export const UNCONVERTED: Rates = { profit: RATIONAL_ONE };

function rateOf(conversion: CurrencyConversion, instrument: Instrument, prices: PriceMap | undefined, ownPrice: Rational): Rational {
  const mark = conversion.pair === instrument.symbol ? ownPrice : prices?.get(conversion.pair);
  if (!mark) throw new RangeError(`no price for ${conversion.pair}, which converts ${conversion.currency}`);
  return conversion.inverted ? reciprocal(mark) : mark;
}

/** The instrument's rates at `prices`, its own price being `ownPrice` (a fill, a gap, a solver's trial). */
export function ratesAt(instrument: Instrument, prices: PriceMap | undefined, ownPrice: Rational): Rates {
  const conversion: InstrumentConversion | undefined = instrument.conversion;
  if (!conversion) return UNCONVERTED;
  const profit = conversion.profit ? rateOf(conversion.profit, instrument, prices, ownPrice) : RATIONAL_ONE;
  if (conversion.margin === undefined) return { profit };
  return { profit, margin: conversion.margin === 'account' ? RATIONAL_ONE : rateOf(conversion.margin, instrument, prices, ownPrice) };
}

/** An amount in the profit currency, in the account's. */
export function converted(amount: Rational, rate: Rational): Rational {
  return rate === RATIONAL_ONE ? amount : multiplyRational(amount, rate);
}

/** An amount in the account currency, in the profit currency. */
export function unconverted(amount: Rational, rate: Rational): Rational {
  return rate === RATIONAL_ONE ? amount : divideRational(amount, rate);
}
