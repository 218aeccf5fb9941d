// Accounts the web app's browser tests and benchmarks share.

/** A three-position cross account at binance-usdm on two instruments, with two gaps (the keystroke benchmark's and the pages' screenshots). */
export const THREE_POSITION_CROSS = {
  venue: 'binance-usdm',
  account: { currency: 'USDT', balance: '25000' },
  positions: [
    { id: 'btc-long', instrument: 'BTCUSDT', side: 'long', quantity: '1.5', entryPrice: '64000', leverage: '20' },
    { id: 'eth-long', instrument: 'ETHUSDT', side: 'long', quantity: '20', entryPrice: '3100', leverage: '10' },
    { id: 'btc-short', instrument: 'BTCUSDT', side: 'short', quantity: '0.5', entryPrice: '66000', leverage: '25' },
  ],
  marks: { BTCUSDT: '63250.5', ETHUSDT: '3050.25' },
  shocks: ['-0.05', '-0.1'],
};

/** One long position entered at its mark: the snapshot of a service account (`POST /v1/accounts`). */
export function onePositionSnapshot(venue: string, currency: string, balance: string, position: { readonly id: string; readonly instrument: string; readonly quantity: string; readonly leverage: string }, mark: string) {
  return {
    venue, account: { currency, balance }, positions: [{ side: 'long', entryPrice: mark, ...position }], marks: { [position.instrument]: mark },
  };
}
