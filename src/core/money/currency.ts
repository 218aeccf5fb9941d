/**
 * The usual precision of a settlement currency: how many decimals a booked amount carries.
 * ISO 4217 minor units for fiat; for coins, the precision the venues book in (Binance wallets
 * carry 8 decimals of USDT and of coins; USDC is a 6-decimal token, as Hyperliquid books it).
 */
const FIAT_DECIMALS: Readonly<Record<string, number>> = {
  USD: 2, EUR: 2, GBP: 2, CHF: 2, CAD: 2, AUD: 2, NZD: 2, SGD: 2, HKD: 2, SEK: 2, NOK: 2, DKK: 2,
  PLN: 2, CZK: 2, ZAR: 2, MXN: 2, CNY: 2, CNH: 2, INR: 2, TRY: 2, ILS: 2,
  JPY: 0, KRW: 0, HUF: 2,
};

const COIN_DECIMALS: Readonly<Record<string, number>> = {
  USDT: 8, USDC: 6, BUSD: 8, FDUSD: 8, DAI: 8, BTC: 8, ETH: 8, BNB: 8, SOL: 8, XRP: 8, ADA: 8, DOGE: 8, LTC: 8,
};

/** Decimals for amounts in `currency`: known fiat and coins by table; any other code books 8. */
export function currencyDecimals(currency: string): number {
  if (Object.hasOwn(FIAT_DECIMALS, currency)) return FIAT_DECIMALS[currency] ?? 2;
  return Object.hasOwn(COIN_DECIMALS, currency) ? COIN_DECIMALS[currency] ?? 8 : 8;
}

export const CURRENCY_CODE_PATTERN = /^[A-Z][A-Z0-9]{1,9}$/;
