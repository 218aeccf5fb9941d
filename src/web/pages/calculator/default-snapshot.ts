/**
 * The account the calculator opens with when the link carries none: the seed article's $1,000 at an
 * offshore MT5 broker, 80,000 GBPUSD long at 1.25 with 100:1 leverage (a 100,000 USD notional on
 * 1,000 USD of margin), and a -2 % gap. It is a report.md snapshot that the core accepts as it is.
 */
export const DEFAULT_SNAPSHOT: Readonly<Record<string, unknown>> = {
  venue: 'mt5-standard',
  account: { currency: 'USD', balance: '1000' },
  instruments: { GBPUSD: { kind: 'cfd', assetClass: 'fx-major', contractSize: '1' } },
  positions: [{ id: 'gbpusd-long', instrument: 'GBPUSD', side: 'long', quantity: '80000', entryPrice: '1.25', leverage: '100' }],
  marks: { GBPUSD: '1.25' },
  shocks: ['-0.02'],
};
