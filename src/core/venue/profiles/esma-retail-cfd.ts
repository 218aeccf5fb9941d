/**
 * EU / UK retail CFD account under the ESMA product intervention measures.
 *
 * Sources:
 * - ESMA Decision (EU) 2018/796 of 22 May 2018 (OJ L 136, 1.6.2018), Article 2 and Annexes I-II:
 *   (a) initial margin protection: 3.33 % of notional for a pair of major currencies (any two of
 *       USD, EUR, JPY, GBP, CAD, CHF); 5 % for other pairs, gold and major indices; 10 % for other
 *       commodities and non-major indices; 50 % for cryptocurrencies; 20 % for shares and others
 *       (leverage caps 30:1, 20:1, 10:1, 2:1, 5:1);
 *   (b) margin close-out protection per account: the provider closes one or more open CFDs when the
 *       funds in the account plus unrealised net profit fall below half the total initial margin
 *       protection of the open CFDs;
 *   (c) negative balance protection per account.
 * - Made permanent nationally, e.g. UK FCA PS19/18 (COBS 22.5), with the same figures.
 * Initial margin is "any payment for the purpose of entering into a CFD", so it is fixed at entry.
 * The margin call at 100 % of initial margin is common broker practice, not a rule (override it).
 */
import type { VenueProfile } from '../venue-profile.js';
import { CFD_INSTRUMENTS } from '../cfd-catalog.js';
import { fraction, leverage } from '../define-instrument.js';

export const esmaRetailCfd: VenueProfile = {
  id: 'esma-retail-cfd',
  name: 'EU/UK retail CFD broker (ESMA Decision (EU) 2018/796)',
  sources: [
    'ESMA Decision (EU) 2018/796, Article 2 and Annexes I-II (OJ L 136, 1.6.2018)',
    'FCA PS19/18, COBS 22.5 (permanent UK measures)',
    'IG: CFD overnight funding charges',
  ],
  instrumentKinds: ['cfd'],
  isolatedMargin: false,
  initialMarginRates: {
    'fx-major': fraction('0.0333'),
    'fx-minor': fraction('0.05'),
    gold: fraction('0.05'),
    'index-major': fraction('0.05'),
    'index-minor': fraction('0.10'),
    commodity: fraction('0.10'),
    equity: fraction('0.20'),
    crypto: fraction('0.50'),
  },
  leverageCaps: {
    'fx-major': leverage('30'),
    'fx-minor': leverage('20'),
    gold: leverage('20'),
    'index-major': leverage('20'),
    'index-minor': leverage('10'),
    commodity: leverage('10'),
    equity: leverage('5'),
    crypto: leverage('2'),
  },
  leverageRule: 'ESMA Decision (EU) 2018/796, Article 2(1)(a) and Annex I',
  maintenance: { kind: 'none' },
  valuation: { cross: 'entry', isolated: 'entry' },
  marginCall: { basis: 'initial', level: fraction('1') },
  liquidation: { basis: 'initial', level: fraction('0.5') },
  liquidationTrigger: 'below',
  liquidationOrder: 'largest-loss-first',
  cureDays: 0,
  deficit: { kind: 'negative-balance-protection' },
  // EU retail CFD brokers charge forex and index CFDs through the spread, with no commission;
  // override "fees" for a share CFD commission.
  fees: { maker: fraction('0'), taker: fraction('0') },
  // Overnight funding at each 22:00 UK rollover (IG "Overnight funding charges": notional × (benchmark
  // ± admin fee) / 365, Wednesday's carrying the weekend for forex, counted over 365 days).
  financing: { dayCount: 365, tripleDay: 'wednesday' },
  instruments: CFD_INSTRUMENTS,
};
