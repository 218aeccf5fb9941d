// The simulator's fast path against the engine stepped on every observation: over accounts at
// every venue (cross and isolated, linear, inverse, CFD and stocks; margin calls answered by
// waiting, closing or adding funds; stop-losses; Hyperliquid's partial liquidations; Reg T's cure
// period; two instruments in one cross account), on GBM paths with jumps and weekend gaps, every
// path must come out the same: the same calls, liquidations, negative balances and debts, on the
// same observation, with the same loss, debt, venue loss and funds added, to the last bit.
// Issue 12: the same with perpetual funding (constant, per instrument, from a funding file, at 8-
// and 1-hour intervals and at a custom venue's 4), overnight financing (yearly rates and swap
// points, the triple day), and trading fees on the closes a policy makes and the stops that fill:
// the payments the fast path works out without booking (paying-runner.ts) must book, path by path,
// what the engine books stepping every observation.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { parseFundingFile } from '../src/core/replay/funding-file.js';
import { runBlock, type BlockResult } from '../src/sim/blocks.js';
import { prepare } from '../src/sim/run.js';
import type { ModelData } from '../src/sim/simulation.js';

const PATHS = Number(process.env.SIM_DIFFERENTIAL_PATHS ?? 200);

interface Case {
  readonly name: string;
  readonly account: Record<string, unknown>;
  readonly model?: Record<string, unknown>;
  readonly policy?: Record<string, unknown>;
  readonly variants?: readonly Record<string, unknown>[];
  readonly horizonDays?: string;
  readonly steps?: number;
  /** model.funding / model.financing, and a funding file's rows (issue 12). */
  readonly funding?: unknown;
  readonly financing?: unknown;
  readonly data?: ModelData;
  /** Whether the case's paths must pay or receive funding, financing or fees (issue 12). */
  readonly costs?: readonly ('fees' | 'funding' | 'financing')[];
}

/** Binance's funding history layout (GET /fapi/v1/fundingRate as CSV): rates that flip sign, cycled over the horizon. */
const FUNDING_FILE = parseFundingFile([
  'symbol,fundingTime,fundingRate,markPrice',
  'BTCUSDT,1704067200000,0.00030000,42000.1',
  'BTCUSDT,1704096000000,0.00120000,42100.5',
  'BTCUSDT,1704124800000,-0.00050000,41950.0',
  'ETHUSDT,1704067200000,0.00080000,2250.3',
  'ETHUSDT,1704096000000,0.00020000,2260.0',
].join('\n'));
if (!FUNDING_FILE.ok) throw new Error(JSON.stringify(FUNDING_FILE.error));

const COINM_TIERS = {
  BTCUSD_PERP: {
    kind: 'inverse', assetClass: 'crypto', contractSize: '100', tickSize: '0.1', settlementCurrency: 'BTC',
    maintenanceTiers: [{ floor: '0', rate: '0.004' }, { floor: '5', rate: '0.005' }, { floor: '10', rate: '0.01' }],
  },
};

const volatile = { type: 'gbm', volatility: '1.2', drift: '-0.5', daysPerYear: '365', jumps: { intensity: '20', mean: '-0.03', stdev: '0.05' }, gaps: { every: 'weekend', stdev: '0.03' } };
const fx = { type: 'gbm', volatility: '0.15', drift: '0', daysPerYear: '260', jumps: { intensity: '10', mean: '-0.004', stdev: '0.006' }, gaps: { every: 'weekend', stdev: '0.006' } };

/** Two stocks bought on margin at Reg T, the price falling: a call with its cure period. */
const REG_T_STOCKS = {
  account: {
    venue: 'us-reg-t', account: { currency: 'USD', balance: '-6000' },
    positions: [
      { id: 'aapl', instrument: 'AAPL', side: 'long', quantity: '100', entryPrice: '60', leverage: '2' },
      { id: 'msft', instrument: 'MSFT', side: 'long', quantity: '15', entryPrice: '400', leverage: '2' },
    ],
    marks: { AAPL: '60', MSFT: '400' },
  },
  model: { type: 'gbm', volatility: '0.9', drift: '-1', daysPerYear: '252', gaps: { every: 'day', stdev: '0.02' } },
} as const;

const CASES: readonly Case[] = [
  {
    name: 'binance-usdm: isolated and cross BTC longs at several leverages, fee, insurance fund',
    account: { venue: 'binance-usdm', account: { currency: 'USDT', balance: '5000' }, positions: [{ id: 'b', instrument: 'BTCUSDT', side: 'long', quantity: '1', entryPrice: '60000', leverage: '20' }], marks: { BTCUSDT: '60000' } },
    variants: [{ name: 'isolated', isolatedMargin: '3000' }, { name: '50x isolated', leverage: '50', isolatedMargin: '1200' }, { name: 'stop', stopLossPercent: '0.2' }],
  },
  {
    name: 'binance-usdm: a short past the first bracket, no tick size (8 decimals)',
    account: {
      venue: 'binance-usdm', account: { currency: 'USDT', balance: '4000' },
      instruments: { BTCUSDT: { kind: 'linear', assetClass: 'crypto', contractSize: '1', maintenanceTiers: [{ floor: '0', rate: '0.004' }, { floor: '50000', rate: '0.005' }, { floor: '600000', rate: '0.0065' }] } },
      positions: [{ id: 'b', instrument: 'BTCUSDT', side: 'short', quantity: '2', entryPrice: '40000', leverage: '10', isolatedMargin: '4000' }], marks: { BTCUSDT: '40000' },
    },
    model: { ...volatile, drift: '0.5' },
  },
  {
    name: 'binance-coinm: an inverse long and short in BTC',
    account: { venue: 'binance-coinm', account: { currency: 'BTC', balance: '0.1' }, instruments: COINM_TIERS, positions: [{ id: 'btc', instrument: 'BTCUSD_PERP', side: 'long', quantity: '100', entryPrice: '40000', leverage: '20' }], marks: { BTCUSD_PERP: '40000' } },
    variants: [{ name: 'isolated', isolatedMargin: '0.02' }],
  },
  {
    name: 'mt5-standard without protection: the seed article, wait / close / add funds',
    account: { venue: 'mt5-standard', account: { currency: 'USD', balance: '1000' }, positions: [{ id: 'g', instrument: 'GBPUSD', side: 'long', quantity: '80000', entryPrice: '1.25', leverage: '100' }], marks: { GBPUSD: '1.25' } },
    model: fx,
    variants: [
      { name: 'close', policy: { onMarginCall: 'close' } },
      { name: 'add funds', policy: { onMarginCall: 'add-funds', amount: '500', times: 2 } },
      { name: 'NBP', venue: { extends: 'mt5-standard', negativeBalanceProtection: true } },
    ],
  },
  {
    name: 'esma-retail-cfd: 30:1 with a stop-loss, negative balance protection',
    account: { venue: 'esma-retail-cfd', account: { currency: 'USD', balance: '2000' }, positions: [{ id: 'e', instrument: 'EURUSD', side: 'short', quantity: '50000', entryPrice: '1.08', leverage: '30' }], marks: { EURUSD: '1.08' } },
    model: { ...fx, drift: '0.8' },
    variants: [{ name: 'stop', stopLossPercent: '0.3' }],
  },
  {
    name: 'hyperliquid: partial liquidations of a position above 100k, with the cooldown',
    account: { venue: 'hyperliquid', account: { currency: 'USDC', balance: '6000' }, positions: [{ id: 'btc', instrument: 'BTC', side: 'long', quantity: '4', entryPrice: '50000', leverage: '40' }], marks: { BTC: '50000' } },
    variants: [{ name: 'small', leverage: '10', isolatedMargin: '500' }],
  },
  {
    name: 'bybit-linear and dydx-v4: isolated shorts',
    account: { venue: 'bybit-linear', account: { currency: 'USDT', balance: '3000' }, positions: [{ id: 'b', instrument: 'BTCUSDT', side: 'short', quantity: '0.2', entryPrice: '60000', leverage: '25', isolatedMargin: '480' }], marks: { BTCUSDT: '60000' } },
    model: { ...volatile, drift: '1' },
  },
  {
    name: 'dydx-v4: an isolated ETH long',
    account: { venue: 'dydx-v4', account: { currency: 'USDC', balance: '3000' }, positions: [{ id: 'e', instrument: 'ETH-USD', side: 'long', quantity: '4', entryPrice: '3000', leverage: '15', isolatedMargin: '900' }], marks: { 'ETH-USD': '3000' } },
  },
  {
    name: 'us-reg-t: a margined stock long, the cure period counted in business days',
    account: { venue: 'us-reg-t', account: { currency: 'USD', balance: '-5000' }, positions: [{ id: 'aapl', instrument: 'AAPL', side: 'long', quantity: '200', entryPrice: '50', leverage: '2' }], marks: { AAPL: '50' } },
    model: { type: 'gbm', volatility: '0.9', drift: '-1', daysPerYear: '252', gaps: { every: 'day', stdev: '0.02' } },
    horizonDays: '20', steps: 40,
  },
  {
    name: 'two instruments in one cross account, correlated',
    account: {
      venue: 'binance-usdm', account: { currency: 'USDT', balance: '3000' },
      positions: [
        { id: 'b', instrument: 'BTCUSDT', side: 'long', quantity: '0.5', entryPrice: '60000', leverage: '20' },
        { id: 'e', instrument: 'ETHUSDT', side: 'long', quantity: '5', entryPrice: '3000', leverage: '20' },
      ],
      marks: { BTCUSDT: '60000', ETHUSDT: '3000' },
    },
    model: { ...volatile, volatility: { BTCUSDT: '0.9', ETHUSDT: '1.2' }, correlation: { instruments: ['BTCUSDT', 'ETHUSDT'], matrix: [['1', '0.8'], ['0.8', '1']] } },
    variants: [{ name: 'stops', stopLossPercent: '0.15' }],
  },
  {
    // Issue 11: P&L in JPY converted through USDJPY itself (conversion.ts): the band still holds
    // (the value moves with its own column alone); the fast settlement is not used.
    name: 'mt5-standard: USDJPY long in a USD account, converted at its own mark',
    account: { venue: 'mt5-standard', account: { currency: 'USD', balance: '1000' }, positions: [{ id: 'uj', instrument: 'USDJPY', side: 'long', quantity: '100000', entryPrice: '150.000', leverage: '200' }], marks: { USDJPY: '150.000' } },
    model: { ...fx, volatility: { USDJPY: '0.12' } },
    variants: [
      { name: 'close', policy: { onMarginCall: 'close' } },
      { name: 'add funds', policy: { onMarginCall: 'add-funds', amount: '300', times: 2 } },
      { name: 'stop', stopLossPercent: '0.3' },
    ],
  },
  {
    // EURGBP counted in GBP at GBPUSD and margined in EUR at EURUSD, all three moving and correlated:
    // every observation goes to the reducer (no band across columns), against the reference.
    name: 'mt5-standard: EURGBP in a USD account, its conversion pairs moving too',
    account: {
      venue: 'mt5-standard', account: { currency: 'USD', balance: '1200' },
      positions: [{ id: 'eg', instrument: 'EURGBP', side: 'short', quantity: '100000', entryPrice: '0.85000', leverage: '100' }],
      marks: { EURGBP: '0.85000', GBPUSD: '1.27000', EURUSD: '1.08000' },
    },
    model: {
      ...fx, volatility: { EURGBP: '0.08', GBPUSD: '0.1', EURUSD: '0.09' },
      correlation: { instruments: ['EURGBP', 'GBPUSD', 'EURUSD'], matrix: [['1', '-0.3', '0.2'], ['-0.3', '1', '0.6'], ['0.2', '0.6', '1']] },
    },
    variants: [{ name: 'NBP', venue: { extends: 'mt5-standard', negativeBalanceProtection: true } }],
  },
  {
    name: 'mt5-standard on two pairs: calls issued and cleared on the separable screen, wait and add funds',
    account: {
      venue: 'mt5-standard', account: { currency: 'USD', balance: '1500' },
      positions: [
        { id: 'eu', instrument: 'EURUSD', side: 'long', quantity: '60000', entryPrice: '1.08', leverage: '100' },
        { id: 'gu', instrument: 'GBPUSD', side: 'short', quantity: '40000', entryPrice: '1.27', leverage: '100' },
      ],
      marks: { EURUSD: '1.08', GBPUSD: '1.27' },
    },
    model: { ...fx, volatility: { EURUSD: '0.09', GBPUSD: '0.1' }, correlation: { instruments: ['EURUSD', 'GBPUSD'], matrix: [['1', '-0.5'], ['-0.5', '1']] } },
    variants: [
      { name: 'add funds', policy: { onMarginCall: 'add-funds', amount: '300', times: 3 } },
      { name: 'NBP', venue: { extends: 'mt5-standard', negativeBalanceProtection: true } },
      { name: 'stops', stopLossPercent: '0.2' },
    ],
  },
  {
    name: 'an isolated position on one instrument and a cross position on another',
    account: {
      venue: 'binance-usdm', account: { currency: 'USDT', balance: '4000' },
      positions: [
        { id: 'b', instrument: 'BTCUSDT', side: 'short', quantity: '0.5', entryPrice: '60000', leverage: '20', isolatedMargin: '1500' },
        { id: 'e', instrument: 'ETHUSDT', side: 'long', quantity: '6', entryPrice: '3000', leverage: '20' },
      ],
      marks: { BTCUSDT: '60000', ETHUSDT: '3000' },
    },
    model: { ...volatile, volatility: { BTCUSDT: '0.8', ETHUSDT: '1.1' } },
  },
  {
    name: 'us-reg-t: two margined stocks, a call with its cure period',
    ...REG_T_STOCKS,
    horizonDays: '20', steps: 40,
  },
  // Issue 12: funding, financing and fees.
  {
    name: 'binance-usdm with funding 0.05 % every 8 hours: cross, isolated, a stop, closing on a call, none',
    account: { venue: 'binance-usdm', account: { currency: 'USDT', balance: '5000' }, positions: [{ id: 'b', instrument: 'BTCUSDT', side: 'long', quantity: '1', entryPrice: '60000', leverage: '20' }], marks: { BTCUSDT: '60000' } },
    funding: '0.0005',
    variants: [
      { name: 'isolated', isolatedMargin: '3000' }, { name: 'stop', stopLossPercent: '0.2' },
      { name: 'close', policy: { onMarginCall: 'close' }, venue: { extends: 'binance-usdm', marginCallLevel: '0.5' } },
      { name: 'no funding', funding: '0' }, { name: 'received', funding: '-0.001', isolatedMargin: '2500' },
    ],
    costs: ['fees', 'funding'],
  },
  {
    name: 'binance-coinm: inverse contracts receiving funding per instrument, an isolated short paying it',
    account: { venue: 'binance-coinm', account: { currency: 'BTC', balance: '0.1' }, instruments: COINM_TIERS, positions: [{ id: 'btc', instrument: 'BTCUSD_PERP', side: 'long', quantity: '100', entryPrice: '40000', leverage: '20' }], marks: { BTCUSD_PERP: '40000' } },
    funding: { BTCUSD_PERP: '-0.0004' },
    variants: [{ name: 'isolated', isolatedMargin: '0.02' }, { name: 'short', funding: { BTCUSD_PERP: '0.002' } }],
    costs: ['funding'],
  },
  {
    name: 'hyperliquid: hourly funding on a position liquidated in parts, with the cooldown',
    account: { venue: 'hyperliquid', account: { currency: 'USDC', balance: '6000' }, positions: [{ id: 'btc', instrument: 'BTC', side: 'long', quantity: '4', entryPrice: '50000', leverage: '40' }], marks: { BTC: '50000' } },
    funding: '0.0001',
    variants: [{ name: 'small', leverage: '10', isolatedMargin: '500' }],
    costs: ['funding'],
  },
  {
    name: 'a custom venue: funding every 4 hours, its own fees, a funding file cycled over two instruments, stops',
    account: {
      venue: { extends: 'binance-usdm', fundingIntervalHours: 4, fees: { maker: '0.0001', taker: '0.001' } }, account: { currency: 'USDT', balance: '3000' },
      positions: [
        { id: 'b', instrument: 'BTCUSDT', side: 'long', quantity: '0.5', entryPrice: '60000', leverage: '20' },
        { id: 'e', instrument: 'ETHUSDT', side: 'short', quantity: '5', entryPrice: '3000', leverage: '20', isolatedMargin: '900' },
      ],
      marks: { BTCUSDT: '60000', ETHUSDT: '3000' },
    },
    model: { ...volatile, volatility: { BTCUSDT: '0.9', ETHUSDT: '1.2' }, correlation: { instruments: ['BTCUSDT', 'ETHUSDT'], matrix: [['1', '0.8'], ['0.8', '1']] } },
    funding: { file: 'funding.csv' }, data: { bars: [], fundingRows: FUNDING_FILE.value },
    variants: [{ name: 'stops', stopLossPercent: '0.15' }, { name: 'close', policy: { onMarginCall: 'close' } }],
    costs: ['fees', 'funding'],
  },
  {
    name: 'dydx-v4: an isolated ETH long paying funding every hour',
    account: { venue: 'dydx-v4', account: { currency: 'USDC', balance: '3000' }, positions: [{ id: 'e', instrument: 'ETH-USD', side: 'long', quantity: '4', entryPrice: '3000', leverage: '15', isolatedMargin: '900' }], marks: { 'ETH-USD': '3000' } },
    funding: '0.00005',
    costs: ['funding'],
  },
  {
    // Between two 0.1 ticks: the first state's payments are checked against nothing, so the reducer books them.
    name: 'binance-usdm: funding from a mark off the tick grid',
    account: { venue: 'binance-usdm', account: { currency: 'USDT', balance: '2000' }, positions: [{ id: 'b', instrument: 'BTCUSDT', side: 'long', quantity: '0.5', entryPrice: '60000', leverage: '20', isolatedMargin: '1500' }], marks: { BTCUSDT: '60000.05' } },
    funding: '0.0005',
    costs: ['funding'],
  },
  {
    name: 'bybit-linear: an isolated short paying funding, its margin nearly spent by it',
    account: { venue: 'bybit-linear', account: { currency: 'USDT', balance: '3000' }, positions: [{ id: 'b', instrument: 'BTCUSDT', side: 'short', quantity: '0.2', entryPrice: '60000', leverage: '25', isolatedMargin: '480' }], marks: { BTCUSDT: '60000' } },
    model: { ...volatile, volatility: '0.3', drift: '0' }, funding: '-0.003',
    costs: ['funding'],
  },
  {
    name: 'mt5-standard: swaps on gold (yearly rates, the triple Wednesday) and in points, wait / close / add funds',
    account: { venue: 'mt5-standard', account: { currency: 'USD', balance: '3000' }, positions: [{ id: 'g', instrument: 'XAUUSD', side: 'long', quantity: '10', entryPrice: '2000', leverage: '100' }], marks: { XAUUSD: '2000' } },
    model: { ...fx, volatility: '0.25', drift: '-0.5' },
    financing: { XAUUSD: { longRate: '-0.9', shortRate: '0.02' } },
    variants: [
      { name: 'close', policy: { onMarginCall: 'close' } },
      { name: 'add funds', policy: { onMarginCall: 'add-funds', amount: '500', times: 2 } },
      { name: 'points', financing: { longPoints: '-4000', shortPoints: '100' } },
      { name: 'NBP', venue: { extends: 'mt5-standard', negativeBalanceProtection: true, fees: { maker: '0.0002', taker: '0.0002' } }, policy: { onMarginCall: 'close' } },
    ],
    costs: ['financing'],
  },
  {
    name: 'esma-retail-cfd: a EURUSD short (margined in EUR at its own price) financed overnight, with a stop',
    account: { venue: 'esma-retail-cfd', account: { currency: 'USD', balance: '2000' }, positions: [{ id: 'e', instrument: 'EURUSD', side: 'short', quantity: '50000', entryPrice: '1.08', leverage: '30' }], marks: { EURUSD: '1.08' } },
    model: { ...fx, drift: '0.8' }, financing: { longRate: '0.01', shortRate: '-0.2' },
    variants: [{ name: 'stop', stopLossPercent: '0.3' }],
    costs: ['financing'],
  },
  {
    // P&L and notional in JPY, converted at USDJPY's own mark: the screen serves it, the reducer books every swap.
    name: 'mt5-standard: USDJPY long in a USD account paying swap points, close / add funds',
    account: { venue: 'mt5-standard', account: { currency: 'USD', balance: '1000' }, positions: [{ id: 'uj', instrument: 'USDJPY', side: 'long', quantity: '100000', entryPrice: '150.000', leverage: '200' }], marks: { USDJPY: '150.000' } },
    model: { ...fx, volatility: { USDJPY: '0.12' } }, financing: { USDJPY: { longPoints: '-300', shortPoints: '20' } },
    variants: [{ name: 'close', policy: { onMarginCall: 'close' } }, { name: 'add funds', policy: { onMarginCall: 'add-funds', amount: '300', times: 2 } }],
    costs: ['financing'],
  },
  {
    name: 'us-reg-t: margined stocks paying interest overnight, a call with its cure period',
    ...REG_T_STOCKS,
    financing: { longRate: '-0.4', shortRate: '0' },
    horizonDays: '20', steps: 40,
    costs: ['financing'],
  },
];

function input(spec: Case, seed: number): Record<string, unknown> {
  const model = { ...(spec.model ?? volatile), ...(spec.funding ? { funding: spec.funding } : {}), ...(spec.financing ? { financing: spec.financing } : {}) };
  return {
    account: spec.account, model, horizonDays: spec.horizonDays ?? '14', steps: spec.steps ?? 56,
    paths: PATHS, seed, ...(spec.policy ? { policy: spec.policy } : {}), ...(spec.variants ? { variants: spec.variants } : {}),
  };
}

function same(fast: BlockResult, reference: BlockResult, variantNames: readonly string[]): void {
  reference.variants.forEach((expected, v) => {
    const actual = fast.variants[v];
    const name = variantNames[v] ?? String(v);
    assert.ok(actual, name);
    assert.deepEqual([...actual.liquidationSteps], [...expected.liquidationSteps], `${name}: observation of the first liquidation, path by path`);
    assert.deepEqual([...actual.losses], [...expected.losses], `${name}: loss at the horizon, path by path`);
    assert.deepEqual([...actual.counts], [...expected.counts], `${name}: paths with a call, a liquidation, a negative balance, a debt`);
    assert.equal(actual.debtSum, expected.debtSum, `${name}: debt`);
    assert.equal(actual.debtMax, expected.debtMax, `${name}: largest debt`);
    assert.equal(actual.venueLossSum, expected.venueLossSum, `${name}: venue loss`);
    assert.equal(actual.fundsAddedSum, expected.fundsAddedSum, `${name}: funds added`);
    assert.equal(actual.feesSum, expected.feesSum, `${name}: fees`);
    assert.equal(actual.fundingSum, expected.fundingSum, `${name}: funding`);
    assert.equal(actual.financingSum, expected.financingSum, `${name}: financing`);
  });
}

describe('the fast path against the engine on every observation', () => {
  let settledFast = 0;
  after(() => assert.ok(settledFast > 0, 'some liquidations were settled by the template'));
  for (const spec of CASES) {
    test(spec.name, () => {
      for (const seed of [1, 2]) {
        const prepared = prepare(input(spec, seed), spec.data);
        assert.ok(prepared.ok, prepared.ok ? '' : JSON.stringify(prepared.error));
        const names = prepared.value.variants.map((variant) => variant.name);
        const reference = runBlock(prepared.value, 0, true);
        const stepped = prepared.value.variants.reduce((total, variant) => total + variant.counters.stepped, 0);
        const fast = runBlock(prepared.value, 0, false);
        same(fast, reference, names);
        const steppedFast = prepared.value.variants.reduce((total, variant) => total + variant.counters.stepped, 0) - stepped;
        assert.ok(steppedFast < stepped, `the fast path stepped the reducer less (${steppedFast} against ${stepped})`);
        settledFast += prepared.value.variants.reduce((total, variant) => total + variant.counters.settledFast, 0);
        const events = reference.variants.reduce((total, variant) => total + (variant.counts[1] ?? 0) + (variant.counts[0] ?? 0), 0);
        assert.ok(events > 0, 'the case exercises calls or liquidations');
        for (const cost of spec.costs ?? []) {
          const paid = reference.variants.reduce((total, variant) => total + Math.abs(variant[`${cost}Sum`]), 0);
          assert.ok(paid > 0, `the case's paths pay or receive ${cost}`);
        }
      }
    });
  }
});
