/** The account's marks as exact prices, as the valuation functions take them. */
import type { AccountSnapshot, PriceMap } from '../account/account-snapshot.js';
import { fromDecimal } from '../money/rational.js';

export function markPriceMap(snapshot: AccountSnapshot): PriceMap {
  return new Map([...snapshot.marks].map(([symbol, price]) => [symbol, fromDecimal(price)]));
}
