/**
 * A US securities margin account under Regulation T and FINRA Rule 4210.
 *
 * Sources:
 * - Regulation T, 12 CFR 220.12 (Supplement: margin requirements): initial margin 50 % of the
 *   current market value of a margin equity security bought; 150 % for a short sale (the proceeds
 *   plus 50 %). 12 CFR 220.2, "payment period": the settlement cycle plus two business days.
 * - FINRA Rule 4210(c): maintenance 25 % of the market value of securities long; short: for a stock
 *   at $5 or more, the greater of $5.00 a share or 30 %; below $5, the greater of $2.50 a share or
 *   100 % of market value. 4210(f)(6): a call not met in time is met by liquidation.
 * - Worked example (sapling.com, "calculate maintenance margin"): bought at $40 with 60 % margin,
 *   25 % maintenance -> call when 100 p - 1 600 = 0.25 × 100 p, at p = $21.33.
 * Houses set their own (higher) requirements and cure periods: override maintenanceLong,
 * maintenanceShort and cureDays.
 */
import type { VenueProfile } from '../venue-profile.js';
import { defineInstruments, fraction, leverage } from '../define-instrument.js';

export const usRegT: VenueProfile = {
  id: 'us-reg-t',
  name: 'US securities margin account (Reg T initial, FINRA 4210 maintenance)',
  sources: ['Regulation T, 12 CFR 220.12 and 220.2', 'FINRA Rule 4210(c) and (f)(6)'],
  instrumentKinds: ['stock'],
  isolatedMargin: false,
  initialMarginRates: { equity: fraction('0.5') },
  leverageCaps: { equity: leverage('2') },
  leverageRule: 'Regulation T, 12 CFR 220.12: 50 % initial margin',
  maintenance: { kind: 'securities', long: fraction('0.25'), short: fraction('0.30') },
  valuation: { cross: 'mark', isolated: 'mark' },
  marginCall: { basis: 'maintenance', level: fraction('1') },
  liquidation: { basis: 'maintenance', level: fraction('1') },
  liquidationTrigger: 'below',
  liquidationOrder: 'until-requirement-met',
  cureDays: 2,
  deficit: { kind: 'client-debt' },
  // US brokers charge no commission on listed stocks (Schwab, Fidelity, IBKR Lite).
  fees: { maker: fraction('0'), taker: fraction('0') },
  instruments: defineInstruments({
    AAPL: { kind: 'stock', assetClass: 'equity', tickSize: '0.01', settlementCurrency: 'USD' },
    MSFT: { kind: 'stock', assetClass: 'equity', tickSize: '0.01', settlementCurrency: 'USD' },
    SPY: { kind: 'stock', assetClass: 'equity', tickSize: '0.01', settlementCurrency: 'USD' },
    TSLA: { kind: 'stock', assetClass: 'equity', tickSize: '0.01', settlementCurrency: 'USD' },
  }),
};
