/**
 * The simulation a first visit opens on (spec/simulate.md): a Binance USDⓈ-M cross account, 1 BTC
 * long at 10x with 10,000 USDT, seven days of hourly GBM at 80 % a year with jumps, and a leverage
 * sweep of the same margin at 2x to 50x (leverage-sweep.ts), to draw the margin window.
 */
export const DEFAULT_ACCOUNT = {
  venue: 'binance-usdm',
  account: { currency: 'USDT', balance: '10000' },
  positions: [{ id: 'btc', instrument: 'BTCUSDT', side: 'long', quantity: '1', entryPrice: '100000', leverage: '10' }],
  marks: { BTCUSDT: '100000' },
};

export const DEFAULT_INPUT = {
  account: DEFAULT_ACCOUNT,
  model: {
    type: 'gbm', volatility: '0.8', drift: '0', daysPerYear: '365',
    jumps: { intensity: '4', mean: '-0.05', stdev: '0.08' },
  },
  horizonDays: '7',
  steps: 168,
  paths: 20000,
  seed: 1,
  policy: { onMarginCall: 'wait' },
  variants: [
    { name: '2x', leverage: '2', quantity: '0.2' },
    { name: '5x', leverage: '5', quantity: '0.5' },
    { name: '20x', leverage: '20', quantity: '2' },
    { name: '50x', leverage: '50', quantity: '5' },
  ],
};

/** Model fields a fresh model of each type starts with. */
export const DEFAULT_MODELS = {
  gbm: { type: 'gbm', volatility: '0.8', drift: '0', daysPerYear: '365' },
  bootstrap: { type: 'bootstrap', file: 'prices.csv', block: 24 },
  replay: { type: 'replay', file: 'prices.csv' },
} as const;
