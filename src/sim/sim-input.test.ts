// The simulation input: parseSimulationInput on the spec's example (spec/simulate.md, copied here
// with a real account), its defaults, and one Problem per thing wrong, each at its field's path and
// naming the value it got; then the problems only buildSimulation can see (through prepare()).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { dec } from '../core/money/decimal.js';
import { parsePriceFile, type Bar } from '../core/replay/price-file.js';
import type { Problem } from '../core/result.js';
import { PathRandom } from './random.js';
import { prepare } from './run.js';
import { DEFAULT_PATHS, parseSimulationInput, type SimulationInput } from './sim-input.js';

const ACCOUNT = {
  venue: 'binance-usdm',
  account: { currency: 'USDT', balance: '1000' },
  positions: [{ id: 'b', instrument: 'BTCUSDT', side: 'long', quantity: '0.1', entryPrice: '60000', leverage: '10' }],
  marks: { BTCUSDT: '60000' },
};

const TWO_ACCOUNT = {
  venue: 'binance-usdm',
  account: { currency: 'USDT', balance: '5000' },
  positions: [
    { id: 'b', instrument: 'BTCUSDT', side: 'long', quantity: '0.1', entryPrice: '60000', leverage: '10' },
    { id: 'e', instrument: 'ETHUSDT', side: 'short', quantity: '1', entryPrice: '3000', leverage: '10' },
  ],
  marks: { BTCUSDT: '60000', ETHUSDT: '3000' },
};

const THREE_ACCOUNT = {
  ...TWO_ACCOUNT,
  instruments: { SOLUSDT: { kind: 'linear', assetClass: 'crypto', contractSize: '1', maintenanceTiers: [{ floor: '0', rate: '0.01' }] } },
  positions: [...TWO_ACCOUNT.positions, { id: 's', instrument: 'SOLUSDT', side: 'long', quantity: '10', entryPrice: '150', leverage: '10' }],
  marks: { ...TWO_ACCOUNT.marks, SOLUSDT: '150' },
};

/** The spec's input example, comments dropped and the account placeholder filled in. */
const SPEC_EXAMPLE = {
  account: ACCOUNT,
  model: {
    type: 'gbm',
    volatility: '0.80',
    drift: '0',
    daysPerYear: '365',
    jumps: { intensity: '4', mean: '-0.05', stdev: '0.08' },
    gaps: { every: 'weekend', stdev: '0.01' },
  },
  horizonDays: '7',
  steps: 168,
  paths: 200000,
  seed: 42,
  policy: { onMarginCall: 'wait' },
  variants: [
    { name: '10x', leverage: '10' },
    { name: 'no NBP', venue: { extends: 'mt5-standard', negativeBalanceProtection: false } },
    { name: 'stop 2%', stopLossPercent: '0.02' },
    { name: 'isolated', isolatedMargin: '500' },
  ],
};

/** The smallest valid gbm input; cases below change one thing in it. */
const MINIMAL = { account: ACCOUNT, model: { type: 'gbm', volatility: '0.8' }, horizonDays: '7', steps: 7 };

function parsed(input: unknown): SimulationInput {
  const result = parseSimulationInput(input);
  assert.ok(result.ok, `expected an input, got ${JSON.stringify(!result.ok && result.error)}`);
  return result.value;
}

function problemsOf(result: { readonly ok: true } | { readonly ok: false; readonly error: readonly Problem[] }): readonly Problem[] {
  assert.ok(!result.ok, 'expected problems, got none');
  return result.error;
}

const approximately = (actual: number, expected: number): boolean => Math.abs(actual - expected) < 1e-12;

describe('parseSimulationInput: valid inputs', () => {
  test('accepts the spec\'s example, every field as written', () => {
    const input = parsed(SPEC_EXAMPLE);
    assert.equal(input.paths, 200000);
    assert.equal(input.pathsGiven, true);
    assert.equal(input.seed, 42);
    assert.equal(input.steps, 168);
    assert.equal(input.horizonDays, 7);
    assert.deepEqual(input.policy, { onMarginCall: 'wait', times: 0 });
    assert.equal(input.account, ACCOUNT);
    const model = input.model;
    assert.equal(model.type, 'gbm');
    if (model.type !== 'gbm') return;
    assert.equal(model.volatility, 0.8);
    assert.equal(model.drift, 0);
    assert.equal(model.daysPerYear, 365);
    assert.deepEqual(model.jumps, { intensity: 4, mean: -0.05, stdev: 0.08 });
    assert.deepEqual(model.gaps, { every: 'weekend', at: [], mean: 0, stdev: 0.01 });
    assert.deepEqual(input.variants.map((variant) => [variant.name, variant.path]),
      [['10x', 'variants[0]'], ['no NBP', 'variants[1]'], ['stop 2%', 'variants[2]'], ['isolated', 'variants[3]']]);
    assert.deepEqual(input.variants[0]?.leverage, dec('10'));
    assert.deepEqual(input.variants[1]?.venue, { extends: 'mt5-standard', negativeBalanceProtection: false });
    assert.deepEqual(input.variants[2]?.stopLossPercent, dec('0.02'));
    assert.deepEqual(input.variants[3]?.isolatedMargin, dec('500'));
  });

  test('the spec\'s example builds, once the variant that moves the account to a venue without BTCUSDT is left out', () => {
    const result = prepare({ ...SPEC_EXAMPLE, variants: SPEC_EXAMPLE.variants.filter((variant) => variant.name !== 'no NBP') });
    assert.ok(result.ok, JSON.stringify(!result.ok && result.error));
    assert.deepEqual(result.value.variants.map((variant) => variant.name), ['base', '10x', 'stop 2%', 'isolated']);
    assert.equal(result.value.steps, 168);
    assert.equal(result.value.paths, 200000);
  });

  test('defaults: paths 10000, seed 1, policy wait, daysPerYear 365, drift 0, start 2026-01-05 (a Monday), no variants', () => {
    const input = parsed(MINIMAL);
    assert.equal(input.paths, DEFAULT_PATHS);
    assert.equal(input.paths, 10000);
    assert.equal(input.pathsGiven, false);
    assert.equal(input.seed, 1);
    assert.deepEqual(input.policy, { onMarginCall: 'wait', times: 0 });
    assert.equal(input.start.ms, Date.parse('2026-01-05T00:00:00Z'));
    assert.deepEqual(input.variants, []);
    assert.equal(input.model.type, 'gbm');
    if (input.model.type !== 'gbm') return;
    assert.equal(input.model.daysPerYear, 365);
    assert.equal(input.model.drift, 0);
    assert.equal(input.model.jumps, undefined);
    assert.equal(input.model.gaps, undefined);
    assert.equal(input.model.correlation, undefined);
  });

  test('add-funds: amount, times default 1; per-instrument figures; gaps "every" as a number of days, and "at"', () => {
    const input = parsed({
      ...MINIMAL,
      model: {
        type: 'gbm', volatility: { BTCUSDT: '0.8', ETHUSDT: '1.0' }, drift: { BTCUSDT: '0.1', ETHUSDT: '-0.2' }, daysPerYear: '252',
        gaps: { every: '2.5', at: ['1', '3.5'], mean: '-0.01', stdev: '0.02' },
        correlation: { instruments: ['BTCUSDT', 'ETHUSDT'], matrix: [['1', '0.7'], ['0.7', '1']] },
      },
      policy: { onMarginCall: 'add-funds', amount: '250' },
      start: '2026-03-04T12:00:00Z',
    });
    assert.deepEqual(input.policy, { onMarginCall: 'add-funds', amount: dec('250'), times: 1 });
    assert.equal(input.start.ms, Date.parse('2026-03-04T12:00:00Z'));
    if (input.model.type !== 'gbm') return assert.fail('not gbm');
    assert.deepEqual(input.model.volatility, new Map([['BTCUSDT', 0.8], ['ETHUSDT', 1]]));
    assert.deepEqual(input.model.drift, new Map([['BTCUSDT', 0.1], ['ETHUSDT', -0.2]]));
    assert.equal(input.model.daysPerYear, 252);
    assert.deepEqual(input.model.gaps, { every: 2.5, at: [1, 3.5], mean: -0.01, stdev: 0.02 });
    assert.deepEqual(input.model.correlation, { instruments: ['BTCUSDT', 'ETHUSDT'], matrix: [[1, 0.7], [0.7, 1]] });
  });

  test('bootstrap and replay: block defaults to 1, from / to read as instants', () => {
    const bootstrap = parsed({ account: ACCOUNT, model: { type: 'bootstrap', file: 'btc.csv' }, steps: 24 });
    assert.deepEqual(bootstrap.model, { type: 'bootstrap', file: 'btc.csv', block: 1 });
    const replay = parsed({ account: ACCOUNT, model: { type: 'replay', file: 'btc.csv', instrument: 'BTCUSDT', from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z' } });
    assert.equal(replay.model.type, 'replay');
    assert.equal(replay.model.from?.ms, Date.parse('2026-01-01T00:00:00Z'));
    assert.equal(replay.model.to?.ms, Date.parse('2026-01-02T00:00:00Z'));
    assert.equal(replay.horizonDays, undefined);
    assert.equal(replay.steps, undefined);
  });
});

interface BadCase {
  readonly name: string;
  readonly input: Record<string, unknown>;
  /** Every problem's path, in order. */
  readonly paths: readonly string[];
  /** Text each problem's message must hold (the value it got), by position; omitted: not checked. */
  readonly naming?: readonly (string | undefined)[];
}

const gbmWith = (model: Record<string, unknown>): Record<string, unknown> => ({ ...MINIMAL, model: { type: 'gbm', volatility: '0.8', ...model } });
const correlated = (matrix: unknown, instruments: unknown = ['BTCUSDT', 'ETHUSDT']): Record<string, unknown> => gbmWith({ correlation: { instruments, matrix } });

const BAD: readonly BadCase[] = [
  { name: 'an unknown model type', input: { ...MINIMAL, model: { type: 'garch', volatility: '0.8' } }, paths: ['model.type'], naming: ['"garch"'] },
  { name: 'no model type', input: { ...MINIMAL, model: { volatility: '0.8' } }, paths: ['model.type'] },
  { name: 'a negative volatility', input: gbmWith({ volatility: '-0.5' }), paths: ['model.volatility'], naming: ['"-0.5"'] },
  { name: 'a JSON number for volatility', input: gbmWith({ volatility: 0.8 }), paths: ['model.volatility'], naming: ['the number 0.8'] },
  { name: 'a negative volatility for one instrument', input: gbmWith({ volatility: { BTCUSDT: '0.8', ETHUSDT: '-1' } }), paths: ['model.volatility.ETHUSDT'], naming: ['"-1"'] },
  { name: 'a volatility map naming no instrument', input: gbmWith({ volatility: {} }), paths: ['model.volatility'] },
  { name: 'a drift that is not a decimal', input: gbmWith({ drift: 'fast' }), paths: ['model.drift'], naming: ['"fast"'] },
  { name: 'daysPerYear zero', input: gbmWith({ daysPerYear: '0' }), paths: ['model.daysPerYear'], naming: ['"0"'] },
  { name: 'zero paths', input: { ...MINIMAL, paths: 0 }, paths: ['paths'], naming: ['the number 0'] },
  { name: 'fractional paths', input: { ...MINIMAL, paths: 1.5 }, paths: ['paths'], naming: ['the number 1.5'] },
  { name: 'paths as a string', input: { ...MINIMAL, paths: '100' }, paths: ['paths'], naming: ['"100"'] },
  { name: 'a negative seed', input: { ...MINIMAL, seed: -1 }, paths: ['seed'], naming: ['the number -1'] },
  { name: 'zero steps', input: { ...MINIMAL, steps: 0 }, paths: ['steps'], naming: ['the number 0'] },
  { name: 'a gbm without steps', input: { account: ACCOUNT, model: { type: 'gbm', volatility: '0.8' }, horizonDays: '7' }, paths: ['steps'] },
  { name: 'a gbm without horizonDays', input: { account: ACCOUNT, model: { type: 'gbm', volatility: '0.8' }, steps: 7 }, paths: ['horizonDays'] },
  { name: 'a gbm without either', input: { account: ACCOUNT, model: { type: 'gbm', volatility: '0.8' } }, paths: ['horizonDays', 'steps'] },
  { name: 'horizonDays as a JSON number', input: { ...MINIMAL, horizonDays: 7 }, paths: ['horizonDays'], naming: ['the number 7'] },
  { name: 'a bootstrap without steps', input: { account: ACCOUNT, model: { type: 'bootstrap', file: 'btc.csv' } }, paths: ['steps'] },
  { name: 'gaps without "every" or "at"', input: gbmWith({ gaps: { stdev: '0.01' } }), paths: ['model.gaps'] },
  { name: 'gaps without stdev', input: gbmWith({ gaps: { every: 'weekend' } }), paths: ['model.gaps.stdev'] },
  { name: 'a bad "every": a word', input: gbmWith({ gaps: { every: 'fortnight', stdev: '0.01' } }), paths: ['model.gaps.every'], naming: ['"fortnight"'] },
  { name: 'a bad "every": zero days', input: gbmWith({ gaps: { every: '0', stdev: '0.01' } }), paths: ['model.gaps.every'], naming: ['"0"'] },
  { name: 'a bad "every": negative days', input: gbmWith({ gaps: { every: '-7', stdev: '0.01' } }), paths: ['model.gaps.every'], naming: ['"-7"'] },
  { name: 'a bad "every": a JSON number', input: gbmWith({ gaps: { every: 7, stdev: '0.01' } }), paths: ['model.gaps.every'], naming: ['the number 7'] },
  { name: 'a gap "at" day zero', input: gbmWith({ gaps: { at: ['2', '0'], stdev: '0.01' } }), paths: ['model.gaps.at[1]'], naming: ['"0"'] },
  { name: 'an unknown gaps field', input: gbmWith({ gaps: { every: 'day', stdev: '0.01', size: '1' } }), paths: ['model.gaps.size'] },
  { name: 'jumps without intensity', input: gbmWith({ jumps: { mean: '0', stdev: '0.1' } }), paths: ['model.jumps.intensity'] },
  { name: 'jumps with a negative stdev', input: gbmWith({ jumps: { intensity: '4', mean: '0', stdev: '-0.1' } }), paths: ['model.jumps.stdev'], naming: ['"-0.1"'] },
  { name: 'a correlation matrix that is not symmetric', input: correlated([['1', '0.5'], ['0.3', '1']]), paths: ['model.correlation.matrix[0][1]'], naming: ['0.5'] },
  { name: 'a correlation matrix of the wrong size (2 × 3)', input: correlated([['1', '0.5', '0'], ['0.5', '1', '0']]), paths: ['model.correlation.matrix'], naming: ['2 × 2'] },
  { name: 'a correlation matrix of the wrong size (1 row)', input: correlated([['1', '0.5']]), paths: ['model.correlation.matrix'] },
  { name: 'a correlation diagonal that is not 1', input: correlated([['0.9', '0.5'], ['0.5', '1']]), paths: ['model.correlation.matrix[0][0]'], naming: ['0.9'] },
  { name: 'a correlation entry above 1', input: correlated([['1', '1.5'], ['1.5', '1']]), paths: ['model.correlation.matrix[0][1]'], naming: ['1.5'] },
  { name: 'a correlation entry below -1', input: correlated([['1', '-1.01'], ['-1.01', '1']]), paths: ['model.correlation.matrix[0][1]'], naming: ['-1.01'] },
  { name: 'a correlation entry as a JSON number', input: correlated([['1', 0.5], ['0.5', '1']]), paths: ['model.correlation.matrix[0][1]'], naming: ['the number 0.5'] },
  { name: 'a correlation naming an instrument twice', input: correlated([['1', '0.5'], ['0.5', '1']], ['BTCUSDT', 'BTCUSDT']), paths: ['model.correlation.instruments'] },
  { name: 'policy add-funds without an amount', input: { ...MINIMAL, policy: { onMarginCall: 'add-funds' } }, paths: ['policy.amount'] },
  { name: 'policy add-funds with a zero amount', input: { ...MINIMAL, policy: { onMarginCall: 'add-funds', amount: '0' } }, paths: ['policy.amount'], naming: ['"0"'] },
  { name: 'policy add-funds with zero times', input: { ...MINIMAL, policy: { onMarginCall: 'add-funds', amount: '100', times: 0 } }, paths: ['policy.times'], naming: ['the number 0'] },
  { name: 'an amount with policy wait', input: { ...MINIMAL, policy: { onMarginCall: 'wait', amount: '100' } }, paths: ['policy.amount'], naming: ['"wait"'] },
  { name: 'times with policy close', input: { ...MINIMAL, policy: { onMarginCall: 'close', times: 2 } }, paths: ['policy.times'], naming: ['"close"'] },
  { name: 'an unknown policy', input: { ...MINIMAL, policy: { onMarginCall: 'panic' } }, paths: ['policy.onMarginCall'], naming: ['"panic"'] },
  {
    name: 'two variants with one name',
    input: { ...MINIMAL, variants: [{ name: 'tight', leverage: '20' }, { name: 'tight', leverage: '50' }] },
    paths: ['variants[1].name'], naming: ['"tight"'],
  },
  { name: 'a variant named "base"', input: { ...MINIMAL, variants: [{ name: 'base', leverage: '20' }] }, paths: ['variants[0].name'], naming: ['"base"'] },
  { name: 'a variant without a name', input: { ...MINIMAL, variants: [{ leverage: '20' }] }, paths: ['variants[0].name'] },
  { name: 'an unknown variant field', input: { ...MINIMAL, variants: [{ name: 'x', colour: 'red' }] }, paths: ['variants[0].colour'] },
  { name: 'a variant leverage of zero', input: { ...MINIMAL, variants: [{ name: 'x', leverage: '0' }] }, paths: ['variants[0].leverage'], naming: ['"0"'] },
  { name: 'a variant quantity that is negative', input: { ...MINIMAL, variants: [{ name: 'x', quantity: '-1' }] }, paths: ['variants[0].quantity'], naming: ['"-1"'] },
  { name: 'a variant policy add-funds without an amount', input: { ...MINIMAL, variants: [{ name: 'x', policy: { onMarginCall: 'add-funds' } }] }, paths: ['variants[0].policy.amount'] },
  { name: 'variants that are not an array', input: { ...MINIMAL, variants: { name: 'x' } }, paths: ['variants'] },
  { name: 'a bad start time', input: { ...MINIMAL, start: '2026-13-01T00:00:00Z' }, paths: ['start'], naming: ['"2026-13-01T00:00:00Z"'] },
  { name: 'a start time that is not a string', input: { ...MINIMAL, start: 1767571200000 }, paths: ['start'], naming: ['the number 1767571200000'] },
  { name: 'bootstrap block 0', input: { account: ACCOUNT, model: { type: 'bootstrap', file: 'btc.csv', block: 0 }, steps: 24 }, paths: ['model.block'], naming: ['the number 0'] },
  { name: 'a bootstrap without a file', input: { account: ACCOUNT, model: { type: 'bootstrap', block: 2 }, steps: 24 }, paths: ['model.file'] },
  { name: 'a replay with a block', input: { account: ACCOUNT, model: { type: 'replay', file: 'btc.csv', block: 2 } }, paths: ['model.block'] },
  {
    name: 'a replay whose "from" is after its "to"',
    input: { account: ACCOUNT, model: { type: 'replay', file: 'btc.csv', from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z' } },
    paths: ['model.to'], naming: ['2026-01-01T00:00:00Z'],
  },
  { name: 'a replay "from" that is no time', input: { account: ACCOUNT, model: { type: 'replay', file: 'btc.csv', from: 'yesterday' } }, paths: ['model.from'], naming: ['"yesterday"'] },
  { name: 'an unknown top-level field', input: { ...MINIMAL, workers: 4 }, paths: ['workers'] },
  { name: 'an unknown gbm field', input: gbmWith({ kurtosis: '3' }), paths: ['model.kurtosis'] },
  { name: 'no account', input: { model: MINIMAL.model, horizonDays: '7', steps: 7 }, paths: ['account'] },
  {
    name: 'several things wrong at once: one problem each',
    input: { ...MINIMAL, model: { type: 'gbm', volatility: 0.8, gaps: { stdev: '0.1' } }, paths: 0, seed: 1.5, policy: { onMarginCall: 'wait', amount: '5' }, variants: [{ name: 'base' }] },
    paths: ['model.volatility', 'model.gaps', 'paths', 'seed', 'policy.amount', 'variants[0].name'],
  },
];

describe('parseSimulationInput: one problem per thing wrong, at its path, naming the value', () => {
  for (const { name, input, paths, naming } of BAD) {
    test(name, () => {
      const problems = problemsOf(parseSimulationInput(input));
      assert.deepEqual(problems.map((problem) => problem.path), paths, JSON.stringify(problems));
      naming?.forEach((text, index) => {
        if (text !== undefined) assert.ok(problems[index]?.message.includes(text), `"${problems[index]?.message}" does not name ${text}`);
      });
    });
  }

  test('not an object at all', () => {
    for (const value of [null, [], 'sim.json', 42]) {
      assert.deepEqual(problemsOf(parseSimulationInput(value)).map((problem) => problem.path), ['']);
    }
  });

  test('a gbm missing steps and horizonDays says so even when its model has another problem', () => {
    const problems = problemsOf(parseSimulationInput({ account: ACCOUNT, model: { type: 'gbm', volatility: '-0.8' } }));
    assert.deepEqual(problems.map((problem) => problem.path), ['model.volatility', 'horizonDays', 'steps']);
  });

  test('a bad correlation matrix is reported alongside another problem in the model', () => {
    const problems = problemsOf(parseSimulationInput(gbmWith({
      volatility: '-1',
      correlation: { instruments: ['BTCUSDT', 'ETHUSDT'], matrix: [['1', '0.5'], ['0.3', '1']] },
    })));
    assert.deepEqual(problems.map((problem) => problem.path), ['model.volatility', 'model.correlation.matrix[0][1]']);
  });
});

/** Daily bars from 2026-01-01, closes as given (open = previous close, high / low around them). */
function dailyBars(closes: readonly string[]): Bar[] {
  const csv = ['time,open,high,low,close', ...closes.map((close, index) => {
    const day = String(index + 1).padStart(2, '0');
    const open = closes[Math.max(0, index - 1)] as string;
    const high = String(Math.max(Number(open), Number(close)) + 1);
    const low = String(Math.min(Number(open), Number(close)) - 1);
    return `2026-01-${day}T00:00:00Z,${open},${high},${low},${close}`;
  })].join('\n');
  const result = parsePriceFile(csv);
  assert.ok(result.ok, JSON.stringify(!result.ok && result.error));
  return result.value;
}

const BARS = dailyBars(['60000', '61000', '59500', '60200', '62000', '61500']);

describe('prepare(): problems only the built simulation can see', () => {
  interface BuildCase {
    readonly name: string;
    readonly input: Record<string, unknown>;
    readonly bars?: readonly Bar[];
    readonly paths: readonly string[];
    readonly naming?: readonly (string | undefined)[];
  }

  const CASES: readonly BuildCase[] = [
    {
      name: 'a volatility map without the account\'s instrument',
      input: { ...MINIMAL, account: TWO_ACCOUNT, model: { type: 'gbm', volatility: { BTCUSDT: '0.8' } } },
      paths: ['model.volatility'], naming: ['ETHUSDT'],
    },
    {
      name: 'a volatility map naming only an instrument the account does not trade',
      input: { ...MINIMAL, model: { type: 'gbm', volatility: { ETHUSDT: '0.8' } } },
      paths: ['model.volatility', 'model.volatility.ETHUSDT'], naming: ['BTCUSDT', 'ETHUSDT'],
    },
    {
      name: 'a drift map without the account\'s instrument',
      input: { ...MINIMAL, model: { type: 'gbm', volatility: '0.8', drift: { ETHUSDT: '0.1' } } },
      paths: ['model.drift', 'model.drift.ETHUSDT'], naming: ['BTCUSDT'],
    },
    {
      name: 'a correlation naming an instrument the account does not trade',
      input: { ...MINIMAL, account: TWO_ACCOUNT, model: { type: 'gbm', volatility: '0.8', correlation: { instruments: ['BTCUSDT', 'SOLUSDT'], matrix: [['1', '0.5'], ['0.5', '1']] } } },
      paths: ['model.correlation.instruments'], naming: ['SOLUSDT'],
    },
    {
      name: 'a correlation leaving out an instrument the account trades',
      input: { ...MINIMAL, account: THREE_ACCOUNT, model: { type: 'gbm', volatility: '0.8', correlation: { instruments: ['BTCUSDT', 'ETHUSDT'], matrix: [['1', '0.5'], ['0.5', '1']] } } },
      paths: ['model.correlation.instruments'],
    },
    {
      name: 'a correlation matrix that is not positive definite',
      input: {
        ...MINIMAL, account: THREE_ACCOUNT,
        model: { type: 'gbm', volatility: '0.8', correlation: { instruments: ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'], matrix: [['1', '0.9', '0.9'], ['0.9', '1', '-0.9'], ['0.9', '-0.9', '1']] } },
      },
      paths: ['model.correlation.matrix'], naming: ['SOLUSDT'],
    },
    {
      name: 'an account with no positions',
      input: { ...MINIMAL, account: { ...ACCOUNT, positions: [], marks: {} } },
      paths: ['account.positions'],
    },
    {
      name: 'an account that is itself invalid',
      input: { ...MINIMAL, account: { ...ACCOUNT, venue: 'nowhere' } },
      paths: ['account.venue'], naming: ['nowhere'],
    },
    {
      name: 'a variant whose leverage breaks the venue\'s cap (125 at binance-usdm)',
      input: { ...MINIMAL, variants: [{ name: 'too much', leverage: '200' }] },
      paths: ['variants[0]'], naming: ['125'],
    },
    {
      name: 'the second variant breaking the cap, on both positions',
      input: { ...MINIMAL, account: TWO_ACCOUNT, variants: [{ name: 'fine', leverage: '50' }, { name: 'too much', leverage: '126' }] },
      paths: ['variants[1]', 'variants[1]'],
    },
    {
      name: 'a bootstrap block longer than the data\'s returns',
      input: { account: ACCOUNT, model: { type: 'bootstrap', file: 'btc.csv', block: 6 }, steps: 10 },
      bars: BARS, paths: ['model.block'], naming: ['5'],
    },
    {
      name: 'a bootstrap horizonDays that does not fit the bars\' spacing',
      input: { account: ACCOUNT, model: { type: 'bootstrap', file: 'btc.csv', block: 2 }, steps: 10, horizonDays: '5' },
      bars: BARS, paths: ['horizonDays'], naming: ['5'],
    },
    {
      name: 'a bootstrap with fewer than 2 bars',
      input: { account: ACCOUNT, model: { type: 'bootstrap', file: 'btc.csv' }, steps: 10 },
      bars: BARS.slice(0, 1), paths: ['model.file'],
    },
    {
      name: 'a bootstrap of an instrument the account does not trade',
      input: { account: ACCOUNT, model: { type: 'bootstrap', file: 'eth.csv', instrument: 'ETHUSDT' }, steps: 10 },
      bars: BARS, paths: ['model.instrument'], naming: ['ETHUSDT'],
    },
    {
      name: 'a bootstrap for an account with two instruments',
      input: { account: TWO_ACCOUNT, model: { type: 'bootstrap', file: 'btc.csv' }, steps: 10 },
      bars: BARS, paths: ['model.type'],
    },
    {
      name: 'a replay with paths > 1',
      input: { account: ACCOUNT, model: { type: 'replay', file: 'btc.csv' }, paths: 5 },
      bars: BARS, paths: ['paths'], naming: ['5'],
    },
    {
      name: 'a replay with steps',
      input: { account: ACCOUNT, model: { type: 'replay', file: 'btc.csv' }, steps: 10 },
      bars: BARS, paths: ['steps'],
    },
  ];

  for (const { name, input, bars, paths, naming } of CASES) {
    test(name, () => {
      // Each input parses: what is wrong shows only once the account and the data are known.
      parsed(input);
      const problems = problemsOf(prepare(input, bars ? { bars } : undefined));
      assert.deepEqual(problems.map((problem) => problem.path), paths, JSON.stringify(problems));
      naming?.forEach((text, index) => {
        if (text !== undefined) assert.ok(problems[index]?.message.includes(text), `"${problems[index]?.message}" does not name ${text}`);
      });
    });
  }

  test('the same data builds: a bootstrap of 10 daily steps, a replay of one path through every bar', () => {
    const bootstrap = prepare({ account: ACCOUNT, model: { type: 'bootstrap', file: 'btc.csv', block: 2 }, steps: 10 }, { bars: BARS });
    assert.ok(bootstrap.ok, JSON.stringify(!bootstrap.ok && bootstrap.error));
    assert.equal(bootstrap.value.steps, 10);
    assert.equal(bootstrap.value.horizonDays, 10);
    assert.equal(bootstrap.value.paths, 10000);
    const consistent = prepare({ account: ACCOUNT, model: { type: 'bootstrap', file: 'btc.csv', block: 2 }, steps: 10, horizonDays: '10' }, { bars: BARS });
    assert.ok(consistent.ok);
    const replay = prepare({ account: ACCOUNT, model: { type: 'replay', file: 'btc.csv' }, paths: 1 }, { bars: BARS });
    assert.ok(replay.ok, JSON.stringify(!replay.ok && replay.error));
    assert.equal(replay.value.paths, 1);
    // Four prices a bar (open, the extreme against a long, the other extreme, close), the first the origin.
    assert.equal(replay.value.steps, 4 * BARS.length - 1);
    assert.equal(replay.value.horizonDays, 5);
    const out = new Float64Array(replay.value.steps);
    replay.value.model.generate(new PathRandom(), out, new Float64Array(2));
    assert.ok(approximately(out[out.length - 1] as number, Math.log(61500 / 60000)));
  });

  test('bars built with dec() directly work the same as parsed ones', () => {
    const bars: Bar[] = ['100', '101', '99', '102'].map((close, index) => ({
      ms: Date.parse('2026-01-01T00:00:00Z') + index * 3_600_000, time: `2026-01-01T0${index}:00:00Z`,
      open: dec(close), high: dec(close), low: dec(close), close: dec(close),
    }) as Bar);
    const hourly = prepare({ account: ACCOUNT, model: { type: 'bootstrap', file: 'x.csv', block: 3 }, steps: 24 }, { bars });
    assert.ok(hourly.ok, JSON.stringify(!hourly.ok && hourly.error));
    assert.ok(approximately(hourly.value.horizonDays, 1));
    const tooLong = problemsOf(prepare({ account: ACCOUNT, model: { type: 'bootstrap', file: 'x.csv', block: 4 }, steps: 24 }, { bars }));
    assert.deepEqual(tooLong.map((problem) => problem.path), ['model.block']);
  });
});
