/**
 * Bybit USDT perpetuals (linear), isolated or cross.
 *
 * Sources:
 * - Bybit help centre, "Liquidation Price (USDT Contract)", example 1: long 1 BTC at 20 000, 50x,
 *   initial margin 400, maintenance 0.5 % of position value at entry = 100:
 *   LP = entry - (initial margin - maintenance margin) / quantity = 20 000 - 300 = 19 700.
 *   Isolated maintenance is taken on the position value at entry; cross margin at mark.
 * - Bybit "Margin parameters" (risk limit tiers): maintenance = position value × MMR - deduction,
 *   deduction_n = risk limit_(n-1) × (MMR_n - MMR_(n-1)) + deduction_(n-1); BTCUSDT tiers below
 *   (first twenty), tick 0.10 (v5 instruments-info).
 * - The insurance fund covers losses beyond the bankruptcy price, then auto-deleveraging.
 */
import type { VenueProfile } from '../venue-profile.js';
import { defineInstruments, fraction, leverage } from '../define-instrument.js';

export const bybitLinear: VenueProfile = {
  id: 'bybit-linear',
  name: 'Bybit USDT perpetuals',
  sources: [
    'Bybit help centre: Liquidation Price (USDT Contract)',
    'Bybit: Margin parameters (risk limit tiers for USDT perpetuals)',
    'Bybit: Trading Fee Structure (non-VIP derivatives)',
    'Bybit Help: Introduction to Funding Rate',
  ],
  instrumentKinds: ['linear'],
  isolatedMargin: true,
  initialMarginRates: {},
  leverageCaps: { crypto: leverage('100') },
  leverageRule: 'Bybit risk limit tiers (BTCUSDT: 100x in the first tier)',
  maintenance: { kind: 'instrument-tiers' },
  valuation: { cross: 'mark', isolated: 'entry' },
  marginCall: null,
  liquidation: { basis: 'maintenance', level: fraction('1') },
  liquidationTrigger: 'at-or-below',
  liquidationOrder: 'whole-scope',
  cureDays: 0,
  deficit: { kind: 'insurance-fund', fund: 'Bybit insurance fund', fallback: 'auto-deleveraging' },
  // Bybit "Trading Fee Structure" (non-VIP, perpetual and futures): maker 0.0200 %, taker 0.0550 %;
  // Bybit Help "Trading Fee": trading fee = position value (quantity × filled price) × fee rate.
  fees: { maker: fraction('0.0002'), taker: fraction('0.00055') },
  // Bybit Help "Introduction to Funding Rate": every 8 hours, 00:00, 08:00 and 16:00 UTC (a symbol's
  // own interval is `fundingInterval` in GET /v5/market/instruments-info); funding fee = position
  // value × funding rate.
  fundingIntervalHours: 8,
  // Bybit "Auto-Deleveraging (ADL)": ranking = PnL % × effective leverage for profitable positions.
  // Bybit charges no separate liquidation fee: it takes over at the bankruptcy price.
  adlRanking: 'pnl-times-effective-leverage',
  instruments: defineInstruments({
    BTCUSDT: {
      kind: 'linear', assetClass: 'crypto', tickSize: '0.1', settlementCurrency: 'USDT',
      tiers: [
        ['0', '0.005', '100'], ['2000000', '0.0056', '90'], ['2600000', '0.0063', '80'], ['3200000', '0.0067', '75'],
        ['3800000', '0.0071', '70'], ['4400000', '0.0077', '65'], ['5000000', '0.0091', '55'], ['5600000', '0.01', '50'],
        ['8500000', '0.013', '45'], ['10000000', '0.015', '40'], ['14000000', '0.016', '35'], ['20000000', '0.02', '30'],
        ['28000000', '0.025', '25'], ['38000000', '0.029', '20'], ['50000000', '0.03', '19'], ['55000000', '0.035', '18'],
        ['60000000', '0.036', '17'], ['65000000', '0.038', '16'], ['70000000', '0.04', '15'], ['75000000', '0.045', '14'],
      ],
    },
  }),
};
