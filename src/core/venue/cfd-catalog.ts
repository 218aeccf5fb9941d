/**
 * CFD instruments shared by the CFD broker profiles. Quantity is in base units (EURUSD 100 000 =
 * one standard lot; XAUUSD in troy ounces; US500 in index units). P&L is counted in the quote
 * currency (MT5 SYMBOL_CURRENCY_PROFIT) and a pair's margin in its base (SYMBOL_CURRENCY_MARGIN,
 * SYMBOL_CALC_MODE_FOREX: lots × contract size / leverage); an account in another currency converts
 * both at the mark of the pair that joins them (conversion.ts): USDJPY in a USD account through
 * USDJPY itself, EURGBP through GBPUSD and EURUSD, XAUUSD in a EUR account through EURUSD.
 * Asset classes follow ESMA Decision (EU) 2018/796 Annex I: a "major" pair is any two of USD, EUR,
 * JPY, GBP, CAD and CHF (so AUDUSD is not one); gold is its own class; the S&P 500 is a major index.
 */
import { defineInstruments } from './define-instrument.js';

export const CFD_INSTRUMENTS = defineInstruments({
  EURUSD: { kind: 'cfd', marginCurrency: 'EUR', assetClass: 'fx-major', tickSize: '0.00001', settlementCurrency: 'USD' },
  GBPUSD: { kind: 'cfd', marginCurrency: 'GBP', assetClass: 'fx-major', tickSize: '0.00001', settlementCurrency: 'USD' },
  USDCAD: { kind: 'cfd', marginCurrency: 'USD', assetClass: 'fx-major', tickSize: '0.00001', settlementCurrency: 'CAD' },
  USDCHF: { kind: 'cfd', marginCurrency: 'USD', assetClass: 'fx-major', tickSize: '0.00001', settlementCurrency: 'CHF' },
  USDJPY: { kind: 'cfd', marginCurrency: 'USD', assetClass: 'fx-major', tickSize: '0.001', settlementCurrency: 'JPY' },
  AUDUSD: { kind: 'cfd', marginCurrency: 'AUD', assetClass: 'fx-minor', tickSize: '0.00001', settlementCurrency: 'USD' },
  NZDUSD: { kind: 'cfd', marginCurrency: 'NZD', assetClass: 'fx-minor', tickSize: '0.00001', settlementCurrency: 'USD' },
  EURGBP: { kind: 'cfd', marginCurrency: 'EUR', assetClass: 'fx-major', tickSize: '0.00001', settlementCurrency: 'GBP' },
  EURJPY: { kind: 'cfd', marginCurrency: 'EUR', assetClass: 'fx-major', tickSize: '0.001', settlementCurrency: 'JPY' },
  GBPJPY: { kind: 'cfd', marginCurrency: 'GBP', assetClass: 'fx-major', tickSize: '0.001', settlementCurrency: 'JPY' },
  EURCHF: { kind: 'cfd', marginCurrency: 'EUR', assetClass: 'fx-major', tickSize: '0.00001', settlementCurrency: 'CHF' },
  AUDJPY: { kind: 'cfd', marginCurrency: 'AUD', assetClass: 'fx-minor', tickSize: '0.001', settlementCurrency: 'JPY' },
  XAUUSD: { kind: 'cfd', assetClass: 'gold', tickSize: '0.01', settlementCurrency: 'USD' },
  US500: { kind: 'cfd', assetClass: 'index-major', tickSize: '0.1', settlementCurrency: 'USD' },
  US2000: { kind: 'cfd', assetClass: 'index-minor', tickSize: '0.1', settlementCurrency: 'USD' },
  XBRUSD: { kind: 'cfd', assetClass: 'commodity', tickSize: '0.01', settlementCurrency: 'USD' },
  AAPL: { kind: 'cfd', assetClass: 'equity', tickSize: '0.01', settlementCurrency: 'USD' },
  BTCUSD: { kind: 'cfd', assetClass: 'crypto', tickSize: '0.01', settlementCurrency: 'USD' },
});
