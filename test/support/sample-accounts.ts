// Deterministic samples of single-position accounts for the differential test and the benchmark:
// a small linear congruential generator, so every run sees the same accounts.
import { decimal, parseSnapshot, toDecimalString, type AccountSnapshot } from '../../src/core/index.js';

export function seededIntegers(seed: number): (low: number, high: number) => number {
  let state = BigInt(seed) & 0xffffffffn;
  return (low, high) => {
    state = (state * 1103515245n + 12345n) & 0x7fffffffn;
    return low + Number(state % BigInt(high - low + 1));
  };
}

const VENUES = [
  { venue: 'binance-usdm', currency: 'USDT', instrument: 'BTCUSDT', maxLeverage: 50 },
  { venue: 'bybit-linear', currency: 'USDT', instrument: 'BTCUSDT', maxLeverage: 50 },
  { venue: 'hyperliquid', currency: 'USDC', instrument: 'BTC', maxLeverage: 40 },
  { venue: 'mt5-standard', currency: 'USD', instrument: 'XAUUSD', maxLeverage: 500 },
] as const;

/** `count` healthy isolated (or, at mt5-standard, cross) single positions on linear instruments. */
export function sampleAccounts(count: number, seed = 7): AccountSnapshot[] {
  const next = seededIntegers(seed);
  const accounts: AccountSnapshot[] = [];
  while (accounts.length < count) {
    const choice = VENUES[next(0, VENUES.length - 1)] ?? VENUES[0];
    const leverage = next(1, choice.maxLeverage);
    const entryCents = next(100_000, 10_000_000);
    const quantityUnits = BigInt(next(1, 5_000));
    const quantity = toDecimalString(decimal(quantityUnits, 3));
    const entryPrice = toDecimalString(decimal(BigInt(entryCents), 2));
    // Margin 100 % to 200 % of notional / leverage, in whole units of the currency.
    const notional = (quantityUnits * BigInt(entryCents)) / 100_000n;
    const margin = (notional * BigInt(next(100, 200))) / (100n * BigInt(leverage)) + 1n;
    const isolated = choice.venue !== 'mt5-standard';
    const parsed = parseSnapshot({
      venue: choice.venue,
      account: { currency: choice.currency, balance: String(margin) },
      positions: [{
        id: 'p', instrument: choice.instrument, side: next(0, 1) ? 'long' : 'short', quantity, entryPrice, leverage: String(leverage),
        ...(isolated ? { isolatedMargin: String(margin) } : {}),
      }],
    });
    if (parsed.ok) accounts.push(parsed.value);
  }
  return accounts;
}
