/**
 * Hyperliquid perpetuals, margined in USDC.
 *
 * Sources:
 * - Hyperliquid docs, "Liquidations": liquidation when account equity (isolated: the position's
 *   margin) falls below the maintenance margin, "which is half of the initial margin at max
 *   leverage, varying from 3-50x", and liq_price = price - side × margin_available / position_size
 *   / (1 - l × side), l = 1 / maintenance leverage. Real API values reproduced in freqtrade
 *   tests/exchange/test_hyperliquid.py (e.g. BTC long 0.00077 at 62 739, 2x, margin 24.137992,
 *   max leverage 50 -> 31 708.03843631).
 * - Hyperliquid docs, "Margin tiers": maintenance_margin_rate(tier n) = initial margin rate at the
 *   tier's max leverage / 2, deduction_n = deduction_(n-1) + lower_bound_n × (mmr_n - mmr_(n-1));
 *   BTC 40x to 150M then 20x; ETH 25x to 100M then 15x; SOL 20x to 70M then 10x.
 * - Losses beyond the bankruptcy price go to the backstop liquidator vault, then auto-deleveraging.
 */
import type { VenueProfile } from '../venue-profile.js';
import { defineInstruments, fraction, leverage } from '../define-instrument.js';

export const hyperliquid: VenueProfile = {
  id: 'hyperliquid',
  name: 'Hyperliquid perpetuals',
  sources: ['Hyperliquid docs: Trading / Liquidations', 'Hyperliquid docs: Trading / Margin tiers', 'Hyperliquid docs: Trading / Fees', 'Hyperliquid docs: Trading / Funding'],
  instrumentKinds: ['linear'],
  isolatedMargin: true,
  initialMarginRates: {},
  leverageCaps: { crypto: leverage('50') },
  leverageRule: 'Hyperliquid asset max leverage (3x to 50x)',
  maintenance: { kind: 'half-initial-at-max-leverage' },
  valuation: { cross: 'mark', isolated: 'mark' },
  marginCall: null,
  liquidation: { basis: 'maintenance', level: fraction('1') },
  liquidationTrigger: 'below',
  liquidationOrder: 'whole-scope',
  cureDays: 0,
  deficit: { kind: 'insurance-fund', fund: 'Hyperliquid backstop liquidator vault', fallback: 'auto-deleveraging' },
  // Hyperliquid docs "Trading / Fees": the base tier (14-day volume up to $5M) pays perps taker
  // 0.045 %, maker 0.015 % of the filled notional.
  fees: { maker: fraction('0.00015'), taker: fraction('0.00045') },
  // Hyperliquid docs "Trading / Funding": "funding is paid every hour"; payment = position size ×
  // oracle price × funding rate.
  fundingIntervalHours: 1,
  // Hyperliquid announcement (partial liquidations): "Unlike CEXs there is no clearance fee on
  // liquidations. For liquidatable positions larger than 100k USDC, only 20% of the position will be
  // sent as a market liquidation order to the book. After a block where any position of a user is
  // partially liquidated, there is a cooldown period of 30 seconds. During this cooldown period, all
  // market liquidation orders for that user will be for the entire position."
  // A position already past its bankruptcy price is not sold in parts: the backstop liquidator
  // vault takes it whole (Hyperliquid docs "Liquidations", backstop liquidation).
  partialLiquidation: { notionalAbove: fraction('100000'), fraction: fraction('0.2'), cooldownSeconds: 30 },
  // Hyperliquid docs "Auto-deleveraging": opposite users "ranked by unrealized pnl and leverage used".
  adlRanking: 'pnl-times-effective-leverage',
  instruments: defineInstruments({
    BTC: { kind: 'linear', assetClass: 'crypto', maxLeverage: '40', settlementCurrency: 'USDC', leverageTiers: [['0', '40'], ['150000000', '20']] },
    ETH: { kind: 'linear', assetClass: 'crypto', maxLeverage: '25', settlementCurrency: 'USDC', leverageTiers: [['0', '25'], ['100000000', '15']] },
    SOL: { kind: 'linear', assetClass: 'crypto', maxLeverage: '20', settlementCurrency: 'USDC', leverageTiers: [['0', '20'], ['70000000', '10']] },
  }),
};
