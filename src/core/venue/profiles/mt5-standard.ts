/**
 * A typical offshore forex/CFD broker on MetaTrader 5: margin call at a 100 % margin level, stop-out
 * at 50 %, no negative balance protection.
 *
 * Sources:
 * - MetaTrader 5 Help, "Trading Account: Margin Call and Stop Out": margin level = equity / margin
 *   × 100 %; at the stop-out level positions are closed starting with the one with the largest loss,
 *   re-checking after each close. MQL5 ACCOUNT_MARGIN_SO_CALL / ACCOUNT_MARGIN_SO_SO.
 * - MQL5 ENUM_SYMBOL_CALC_MODE, SYMBOL_CALC_MODE_FOREX: margin = lots × contract size / leverage,
 *   converted to the deposit currency at the current rate (so valued at the mark).
 * - Tradersway help centre: "$1,000 account, 1 lot at 1:500, stop-out 40 % -> margin $200, stop-out
 *   at equity $80" (a broker that sets 40 %: override stopOutLevel).
 * Leverage caps are what such brokers offer retail clients offshore (1:1000 on forex and gold).
 */
import type { VenueProfile } from '../venue-profile.js';
import { CFD_INSTRUMENTS } from '../cfd-catalog.js';
import { fraction, leverage } from '../define-instrument.js';

export const mt5Standard: VenueProfile = {
  id: 'mt5-standard',
  name: 'Offshore forex/CFD broker on MetaTrader 5 (margin call 100 %, stop-out 50 %)',
  sources: [
    'MetaTrader 5 Help: Trading Account, Margin Call and Stop Out',
    'MQL5 Reference: ENUM_SYMBOL_CALC_MODE (SYMBOL_CALC_MODE_FOREX), ACCOUNT_MARGIN_SO_CALL, ACCOUNT_MARGIN_SO_SO',
    'Tradersway help centre: margin call and stop-out levels',
    'MQL5 reference: Symbol properties (SYMBOL_SWAP_MODE, SYMBOL_SWAP_ROLLOVER3DAYS)',
  ],
  instrumentKinds: ['cfd'],
  isolatedMargin: false,
  initialMarginRates: {},
  leverageCaps: {
    'fx-major': leverage('1000'),
    'fx-minor': leverage('1000'),
    gold: leverage('1000'),
    'index-major': leverage('500'),
    'index-minor': leverage('500'),
    commodity: leverage('500'),
    equity: leverage('20'),
    crypto: leverage('100'),
  },
  leverageRule: 'the broker\'s account terms',
  maintenance: { kind: 'none' },
  valuation: { cross: 'mark', isolated: 'mark' },
  marginCall: { basis: 'initial', level: fraction('1') },
  liquidation: { basis: 'initial', level: fraction('0.5') },
  liquidationTrigger: 'at-or-below',
  liquidationOrder: 'largest-loss-first',
  cureDays: 0,
  deficit: { kind: 'client-debt' },
  // A "standard" MT5 account is spread-only: the broker sets commission per symbol (MQL5
  // SYMBOL_TRADE_... / deal DEAL_COMMISSION) and charges none on it; override "fees" for an ECN account.
  fees: { maker: fraction('0'), taker: fraction('0') },
  // MQL5 "Symbol properties": swaps at the daily rollover, SYMBOL_SWAP_ROLLOVER3DAYS the weekday
  // charged triple (Wednesday at most brokers: it carries the weekend's two nights); a yearly rate
  // on notional is counted over 365 days (SYMBOL_SWAP_MODE_INTEREST_CURRENT: "annual interest").
  financing: { dayCount: 365, tripleDay: 'wednesday' },
  instruments: CFD_INSTRUMENTS,
};
