/**
 * CFD instruments shared by the CFD broker profiles, all quoted (so settled) in USD. Quantity is in
 * base units (EURUSD 100 000 = one standard lot; XAUUSD in troy ounces; US500 in index units).
 * Asset classes follow ESMA Decision (EU) 2018/796 Annex I: a "major" pair is any two of USD, EUR,
 * JPY, GBP, CAD and CHF (so AUDUSD is not one); gold is its own class; the S&P 500 is a major index.
 */
import { defineInstruments } from './define-instrument.js';

export const CFD_INSTRUMENTS = defineInstruments({
  EURUSD: { kind: 'cfd', assetClass: 'fx-major', tickSize: '0.00001', settlementCurrency: 'USD' },
  GBPUSD: { kind: 'cfd', assetClass: 'fx-major', tickSize: '0.00001', settlementCurrency: 'USD' },
  USDCAD: { kind: 'cfd', assetClass: 'fx-major', tickSize: '0.00001', settlementCurrency: 'CAD' },
  USDCHF: { kind: 'cfd', assetClass: 'fx-major', tickSize: '0.00001', settlementCurrency: 'CHF' },
  USDJPY: { kind: 'cfd', assetClass: 'fx-major', tickSize: '0.001', settlementCurrency: 'JPY' },
  AUDUSD: { kind: 'cfd', assetClass: 'fx-minor', tickSize: '0.00001', settlementCurrency: 'USD' },
  NZDUSD: { kind: 'cfd', assetClass: 'fx-minor', tickSize: '0.00001', settlementCurrency: 'USD' },
  XAUUSD: { kind: 'cfd', assetClass: 'gold', tickSize: '0.01', settlementCurrency: 'USD' },
  US500: { kind: 'cfd', assetClass: 'index-major', tickSize: '0.1', settlementCurrency: 'USD' },
  US2000: { kind: 'cfd', assetClass: 'index-minor', tickSize: '0.1', settlementCurrency: 'USD' },
  XBRUSD: { kind: 'cfd', assetClass: 'commodity', tickSize: '0.01', settlementCurrency: 'USD' },
  AAPL: { kind: 'cfd', assetClass: 'equity', tickSize: '0.01', settlementCurrency: 'USD' },
  BTCUSD: { kind: 'cfd', assetClass: 'crypto', tickSize: '0.01', settlementCurrency: 'USD' },
});
