/**
 * Binance USDⓈ-M perpetual futures: linear contracts margined and settled in USDT.
 *
 * Sources:
 * - Binance FAQ "How to Calculate Liquidation Price of USDⓈ-M Futures Contracts":
 *   LP = (WB - TMM1 + UPNL1 + cumB - Side × Position × EP) / (Position × MMR - Side × Position),
 *   i.e. margin balance = maintenance margin, where maintenance = notional × MMR - cum (the
 *   "maintenance amount") with the bracket that holds at the liquidation price.
 * - Binance "Leverage and Margin of USDⓈ-M Futures": maintenance margin = notional position value
 *   × maintenance margin rate - maintenance amount; initial margin = notional / leverage, at mark.
 * - Liquidation at "margin ratio 100 %" (maintenance / margin balance); the insurance fund takes
 *   what is left below the bankruptcy price, then auto-deleveraging.
 * - Brackets: Binance API snapshot in freqtrade/freqtrade freqtrade/exchange/binance_leverage_tiers.json
 *   (commit 01d10aebcab25c526473c603a88e14eb7d9699cc, mid-2024). Brackets change; pass current ones
 *   under "instruments" (GET /fapi/v1/leverageBracket). BTCUSDT tick 0.10 (exchangeInfo).
 * Binance pushes a MARGIN_CALL user-data event "when the position risk ratio is too high" but
 * publishes no threshold, so no separate margin call is modelled (Rc = Rl); set marginCallLevel to add one.
 */
import type { VenueProfile } from '../venue-profile.js';
import { defineInstruments, fraction, leverage } from '../define-instrument.js';

const SHARED_BRACKETS_TO_12M = [
  ['0', '0.004', '125'], ['50000', '0.005', '100'], ['600000', '0.0065', '75'], ['3000000', '0.01', '50'],
  ['12000000', '0.02', '25'],
] as const;

export const binanceUsdm: VenueProfile = {
  id: 'binance-usdm',
  name: 'Binance USDⓈ-M perpetual futures',
  sources: [
    'Binance FAQ: How to Calculate Liquidation Price of USDⓈ-M Futures Contracts',
    'Binance: Leverage and Margin of USDⓈ-M Futures (trading rules)',
    'freqtrade/exchange/binance_leverage_tiers.json @ 01d10aeb (Binance API bracket snapshot)',
    'Binance FAQ 360033544231: Binance Futures Fee Structure & Fee Calculations',
    'Binance FAQ 360033525031: Introduction to Binance Futures Funding Rates',
  ],
  instrumentKinds: ['linear'],
  isolatedMargin: true,
  initialMarginRates: {},
  leverageCaps: { crypto: leverage('125') },
  leverageRule: 'Binance USDⓈ-M leverage and margin brackets',
  maintenance: { kind: 'instrument-tiers' },
  valuation: { cross: 'mark', isolated: 'mark' },
  marginCall: null,
  liquidation: { basis: 'maintenance', level: fraction('1') },
  liquidationTrigger: 'at-or-below',
  liquidationOrder: 'whole-scope',
  cureDays: 0,
  deficit: { kind: 'insurance-fund', fund: 'Binance Futures insurance fund', fallback: 'auto-deleveraging' },
  // Binance FAQ "Binance Futures Fee Structure & Fee Calculations" (360033544231): a regular user
  // (VIP 0) pays maker 0.0200 %, taker 0.0500 %; "Commission Fee = Notional Value × Fee Rate",
  // notional = quantity × trade price (its example: 1 BTC at 10,104 as taker = 5.052 USDT).
  fees: { maker: fraction('0.0002'), taker: fraction('0.0005') },
  // Binance "Introduction to Binance Futures Funding Rates" (360033525031): funding every 8 hours,
  // 00:00, 08:00 and 16:00 UTC; "Funding Amount = Nominal Value of Positions × Funding Rate".
  fundingIntervalHours: 8,
  // Binance FAQ "Liquidation" (360033525271): a liquidation fee "0.3 % on BTC/USDT perpetual; 0.5 % on
  // all other perpetual contracts" on the amount liquidated, to the insurance fund. The venue-wide
  // 0.5 % is modelled; override liquidationFeeRate for BTCUSDT's 0.3 %.
  liquidationFeeRate: fraction('0.005'),
  // Binance FAQ "What Is Auto-Deleveraging (ADL)" (360033525471): ranked by LeveragePnL = unrealised
  // PnL / collateral × margin ratio; closed at the bankruptcy price of the liquidated order.
  adlRanking: 'leverage-pnl',
  instruments: defineInstruments({
    BTCUSDT: {
      kind: 'linear', assetClass: 'crypto', tickSize: '0.1', settlementCurrency: 'USDT',
      tiers: [
        ...SHARED_BRACKETS_TO_12M,
        ['70000000', '0.025', '20'], ['100000000', '0.05', '10'], ['230000000', '0.10', '5'],
        ['480000000', '0.125', '4'], ['600000000', '0.15', '3'], ['800000000', '0.25', '2'], ['1200000000', '0.50', '1'],
      ],
    },
    ETHUSDT: {
      kind: 'linear', assetClass: 'crypto', settlementCurrency: 'USDT',
      tiers: [
        ...SHARED_BRACKETS_TO_12M,
        ['50000000', '0.025', '20'], ['65000000', '0.05', '10'], ['150000000', '0.10', '5'],
        ['320000000', '0.125', '4'], ['400000000', '0.15', '3'], ['530000000', '0.25', '2'], ['800000000', '0.50', '1'],
      ],
    },
  }),
};
