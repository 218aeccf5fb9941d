/**
 * Binance COIN-M perpetual futures: inverse contracts with a USD face value, margined and settled
 * in the coin.
 *
 * Sources:
 * - Binance FAQ "How to Calculate Liquidation Price of COIN-M Futures Contracts": margin balance in
 *   coin = maintenance margin in coin, with notional (coin) = contracts × contract size / price and
 *   P&L (coin) = side × contracts × contract size × (1/entry - 1/mark); solved in 1/price.
 * - Binance FAQ on COIN-M contract specifications: "the contract multiplier for BTC coin-margined
 *   contracts is 100 USD. Meanwhile, altcoin contracts have a multiplier of 10 USD".
 * - BTCUSD_PERP tick 0.1 (exchangeInfo).
 * No public snapshot of COIN-M brackets was available to cite, so the built-in contracts carry no
 * maintenance tiers: pass the current brackets (GET /dapi/v2/leverageBracket) under
 * "instruments.<symbol>.maintenanceTiers", with floors in coin notional.
 */
import type { VenueProfile } from '../venue-profile.js';
import { defineInstruments, fraction, leverage } from '../define-instrument.js';

export const binanceCoinm: VenueProfile = {
  id: 'binance-coinm',
  name: 'Binance COIN-M perpetual futures (inverse)',
  sources: [
    'Binance FAQ: How to Calculate Liquidation Price of COIN-M Futures Contracts',
    'Binance FAQ: COIN-M contract multiplier (100 USD for BTC, 10 USD for altcoins)',
    'Binance FAQ 360033544231: Binance Futures Fee Structure & Fee Calculations',
    'Binance FAQ 360033525031: Introduction to Binance Futures Funding Rates',
  ],
  instrumentKinds: ['inverse'],
  isolatedMargin: true,
  initialMarginRates: {},
  leverageCaps: { crypto: leverage('125') },
  leverageRule: 'Binance COIN-M leverage and margin brackets',
  maintenance: { kind: 'instrument-tiers' },
  valuation: { cross: 'mark', isolated: 'mark' },
  marginCall: null,
  liquidation: { basis: 'maintenance', level: fraction('1') },
  liquidationTrigger: 'at-or-below',
  liquidationOrder: 'whole-scope',
  cureDays: 0,
  deficit: { kind: 'insurance-fund', fund: 'Binance Futures insurance fund', fallback: 'auto-deleveraging' },
  // Binance FAQ "Binance Futures Fee Structure & Fee Calculations" (360033544231), COIN-M:
  // maker 0.0200 %, taker 0.0500 % of the notional in coin = contracts × contract size / price (its
  // example: 10 BTCUSD contracts at 10,104 = 0.09897 BTC, taker fee 0.000049485 BTC).
  fees: { maker: fraction('0.0002'), taker: fraction('0.0005') },
  // Binance "Introduction to Binance Futures Funding Rates" (360033525031): every 8 hours.
  fundingIntervalHours: 8,
  // Binance FAQ "Liquidation": 0.5 % liquidation fee on contracts other than BTC/USDT; ADL by LeveragePnL.
  liquidationFeeRate: fraction('0.005'),
  adlRanking: 'leverage-pnl',
  instruments: defineInstruments({
    BTCUSD_PERP: { kind: 'inverse', assetClass: 'crypto', contractSize: '100', tickSize: '0.1', settlementCurrency: 'BTC' },
    ETHUSD_PERP: { kind: 'inverse', assetClass: 'crypto', contractSize: '10', settlementCurrency: 'ETH' },
  }),
};
