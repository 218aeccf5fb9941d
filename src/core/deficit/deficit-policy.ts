/**
 * Who pays a deficit: what is left below zero once a scope's positions are all closed.
 *
 * - negative balance protection (ESMA Decision (EU) 2018/796 Art. 2(1)(c); FCA COBS 22.5; ASIC
 *   Product Intervention Order 2020/986): the venue absorbs it; the client loses at most the balance;
 * - insurance fund (Binance, Bybit, dYdX; Hyperliquid's backstop liquidity vault): the fund pays,
 *   and auto-deleveraging takes over when it cannot; the client loses at most the scope's margin;
 * - client debt (typical offshore CFD broker, US securities margin): the balance stays negative and
 *   the client owes it.
 */
import { isNegative, negate, type Decimal, decimal } from '../money/decimal.js';
import type { DeficitPolicy } from '../venue/venue-profile.js';

export interface DeficitSettlement {
  /** The scope's collateral once the deficit is settled: zero where the venue absorbed it. */
  readonly collateral: Decimal;
  /** The part the venue (or its insurance fund) absorbed. */
  readonly absorbed: Decimal;
}

export function venueAbsorbsDeficits(policy: DeficitPolicy): boolean {
  return policy.kind !== 'client-debt';
}

/** Settles a closed-out scope's collateral; a scope with open positions or no deficit is left alone. */
export function settleDeficit(policy: DeficitPolicy, collateral: Decimal, positionsOpen: boolean): DeficitSettlement {
  const zero = decimal(0n, collateral.scale);
  if (positionsOpen || !isNegative(collateral) || !venueAbsorbsDeficits(policy)) return { collateral, absorbed: zero };
  return { collateral: zero, absorbed: negate(collateral) };
}
