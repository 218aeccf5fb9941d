/**
 * dYdX v4 perpetuals, margined in USDC; each isolated position lives in its own subaccount.
 *
 * Sources:
 * - dYdX v4 docs, concepts/trading/liquidations (dydxprotocol/v4-documentation
 *   docs/pages/concepts/trading/liquidations.mdx): a subaccount is liquidated when its equity falls
 *   below its maintenance margin requirement |S × P × M|; isolated: p' = (e - s × p) / (|s| × MMF - s),
 *   e = 1000, s = -3, p = 3000, MMF 5 % -> 3174.60; cross: p' = (e - s × p - MMR_o) / (|s| × MMF - s),
 *   $1,000 deposit, short 1.5 ETH at 3000 (MMF 5 %), long 1000 STRK at 1.75 (MMF 10 %) -> 3380.95.
 * - dYdX v4 docs, concepts/trading/margin: initial requirement |S × P × I|, maintenance |S × P × M|.
 * - Large-cap markets (BTC-USD, ETH-USD): initial 5 %, maintenance 3 % (v4-chain genesis liquidity
 *   tier "Large-Cap"; governance may change them).
 * - Losses beyond zero equity go to the insurance fund, then to deleveraging of offsetting positions.
 */
import type { VenueProfile } from '../venue-profile.js';
import { defineInstruments, fraction, leverage } from '../define-instrument.js';

export const dydxV4: VenueProfile = {
  id: 'dydx-v4',
  name: 'dYdX v4 perpetuals',
  sources: ['dYdX v4 docs: concepts/trading/liquidations', 'dYdX v4 docs: concepts/trading/margin', 'dYdX v4 docs: Trading / Fees', 'dYdX v4 docs: Trading / Funding'],
  instrumentKinds: ['linear'],
  isolatedMargin: true,
  initialMarginRates: {},
  leverageCaps: { crypto: leverage('50') },
  leverageRule: 'dYdX v4 market initial margin fraction (liquidity tiers)',
  maintenance: { kind: 'instrument-tiers' },
  valuation: { cross: 'mark', isolated: 'mark' },
  marginCall: null,
  liquidation: { basis: 'maintenance', level: fraction('1') },
  liquidationTrigger: 'below',
  liquidationOrder: 'whole-scope',
  cureDays: 0,
  deficit: { kind: 'insurance-fund', fund: 'dYdX insurance fund', fallback: 'deleveraging' },
  // dYdX v4 docs "Trading / Fees": tier 1 (30-day volume under $1M) pays taker 0.050 %, maker
  // 0.010 % of the filled notional.
  fees: { maker: fraction('0.0001'), taker: fraction('0.0005') },
  // dYdX v4 docs "Trading / Funding": funding payments every hour (the 8-hour rate / 8).
  fundingIntervalHours: 1,
  // dydxprotocol/v4-chain protocol/x/clob/types/liquidations_config_keeper.go:
  // LiquidationsConfig_Default.MaxLiquidationFeePpm = 5 000, a fee of up to 0.5 % of the liquidated
  // notional to the insurance fund (governance may change it: override liquidationFeeRate).
  liquidationFeeRate: fraction('0.005'),
  // Deleveraging offsets against opposite positions; dYdX publishes no ranking formula, so the
  // profit-and-leverage ranking of the other venues is used.
  adlRanking: 'pnl-times-effective-leverage',
  instruments: defineInstruments({
    'BTC-USD': { kind: 'linear', assetClass: 'crypto', maxLeverage: '20', settlementCurrency: 'USDC', tiers: [['0', '0.03']] },
    'ETH-USD': { kind: 'linear', assetClass: 'crypto', maxLeverage: '20', settlementCurrency: 'USDC', tiers: [['0', '0.03']] },
  }),
};
