// The built `stopout simulate` (spec/simulate.md) validated from outside: the published case of
// spec/simulations.jsonl as our own fixture and through the spec's own checker; liquidation
// frequencies against the first-passage probability of GBM to the report's liquidation price
// (test/support/first-passage.ts), within 4 of the standard errors the simulator reports; standard
// errors that shrink as 1/sqrt(paths); no volatility giving exactly what `stopout replay` gives on
// the same prices; the same bytes whatever the number of workers; seeds; and bad input (exit 2, one
// line per problem naming the field). Spawns `node dist/cli/main.js` (npm test builds first).
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Json, JsonObject } from './fixtures/engine-scenarios.js';
import { firstPassageProbability, normalCdf } from './support/first-passage.js';
import { pick } from './support/report-path.js';
import { assertNoCrash, assertRejected, REPO_ROOT, stopout, type Run } from './support/run-cli.js';

const scratch = mkdtempSync(join(tmpdir(), 'stopout-simulate-cli-test-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

let files = 0;
/** Writes a JSON document (or raw text) to a fresh file in the scratch directory; returns its path. */
function writeJson(value: unknown, name = 'sim.json', text?: string): string {
  files += 1;
  const where = join(scratch, `case-${files}`);
  mkdirSync(where);
  const path = join(where, name);
  writeFileSync(path, text ?? JSON.stringify(value, null, 2));
  return path;
}

function assertOk(run: Run): void {
  assertNoCrash(run);
  assert.equal(run.status, 0, `exit code (stderr: ${run.stderr})`);
  assert.equal(run.stderr, '', 'nothing on standard error');
}

// ------------------------------------------------------------------------------------------------
// The results object (spec/simulate.md, "Results")
// ------------------------------------------------------------------------------------------------

const PROBABILITY_KEYS = ['marginCall', 'liquidation', 'negativeBalance', 'debt'] as const;
type Figures = Readonly<Record<string, string | null>>;

interface VariantResults {
  readonly name: string;
  readonly probabilities: Figures;
  readonly standardErrors: Figures;
  readonly loss: Figures;
  readonly debt: Figures;
  readonly venueLoss: Figures;
  readonly timeToLiquidationDays: Figures | null;
}

interface SimulationResults {
  readonly paths: unknown;
  readonly seed: unknown;
  readonly steps: unknown;
  readonly horizonDays: unknown;
  readonly variants: readonly VariantResults[];
}

const DECIMAL = /^-?\d+(\.\d+)?$/;

/** A decimal string of the results as a number (statistics are floats by design: DESIGN.md, Numbers). */
function figure(figures: Figures | null | undefined, key: string): number {
  const text = figures?.[key];
  assert.ok(typeof text === 'string' && DECIMAL.test(text), `${key} is a decimal string, got ${JSON.stringify(text)}`);
  return Number(text);
}

/** Exit 0, nothing on stderr, and the results object of the contract, every figure a decimal string. */
function resultsOf(run: Run): SimulationResults {
  assertOk(run);
  const results = JSON.parse(run.stdout) as SimulationResults;
  assert.ok(Array.isArray(results.variants) && results.variants.length >= 1, 'variants: at least the base');
  assert.equal(results.variants[0]?.name, 'base', 'the base comes first');
  for (const variant of results.variants) {
    for (const key of PROBABILITY_KEYS) {
      const probability = figure(variant.probabilities, key);
      assert.ok(probability >= 0 && probability <= 1, `${variant.name}: probabilities.${key} = ${probability} is in [0, 1]`);
      assert.ok(figure(variant.standardErrors, key) >= 0, `${variant.name}: standardErrors.${key} >= 0`);
    }
    for (const key of ['mean', 'var95', 'es95', 'var99', 'es99']) figure(variant.loss, key);
    for (const key of ['mean', 'max']) figure(variant.debt, key);
    figure(variant.venueLoss, 'mean');
  }
  return results;
}

function base(results: SimulationResults): VariantResults {
  const found = results.variants[0];
  assert.ok(found);
  return found;
}

function simulate(sim: unknown, ...options: string[]): SimulationResults {
  return resultsOf(stopout(['simulate', writeJson(sim), '--json', ...options]));
}

/** Half a unit in the last decimal a figure is printed with. */
function halfLastDigit(printed: string | null | undefined): number {
  const decimals = /\.(\d+)$/.exec(printed ?? '')?.[1]?.length ?? 0;
  return 0.5 * 10 ** -decimals;
}

/** standardErrors = sqrt(p (1 - p) / paths) for every probability, within 1 % or the precision printed. */
function assertStandardErrors(variant: VariantResults, paths: number): void {
  for (const key of PROBABILITY_KEYS) {
    const p = figure(variant.probabilities, key);
    const want = Math.sqrt((p * (1 - p)) / paths);
    const got = figure(variant.standardErrors, key);
    const allowed = Math.max(0.01 * want, halfLastDigit(variant.standardErrors[key]) + halfLastDigit(variant.probabilities[key]) / Math.sqrt(paths)) + 1e-12;
    assert.ok(Math.abs(got - want) <= allowed, `${variant.name}: standardErrors.${key}: want sqrt(p(1-p)/n) = ${want} for p = ${p}, got ${got}`);
  }
}

/** The report of a snapshot (spec/report.md). */
function report(account: JsonObject): Record<string, unknown> {
  const run = stopout(['report', writeJson(account, 'snapshot.json')]);
  assertOk(run);
  return JSON.parse(run.stdout) as Record<string, unknown>;
}

// ------------------------------------------------------------------------------------------------
// The analytic helper itself (test/support/first-passage.ts)
// ------------------------------------------------------------------------------------------------

describe('first-passage theory (the yardstick)', () => {
  test('the normal CDF at known points (reference values: mpmath ncdf at 30 digits)', () => {
    const known: readonly (readonly [number, number])[] = [
      [0, 0.5], [1, 0.8413447460685429], [-1, 0.15865525393145707], [1.959963984540054, 0.975],
      [-3, 0.0013498980316300946], [-6, 9.865876450376981e-10], [-10, 7.619853024160527e-24], [8, 1 - 6.22096057427178e-16],
    ];
    for (const [x, want] of known) {
      assert.ok(Math.abs(normalCdf(x) - want) <= 1e-13 * want, `N(${x}) = ${normalCdf(x)}, want ${want}`);
    }
  });

  test('the published case: 40 000 to 41 815.92, sigma 0.5, 14 days, 336 observations: 0.6126', () => {
    const p = firstPassageProbability({ spot: 40000, barrier: 41815.92, volatility: 0.5, drift: 0, years: 14 / 365, observations: 336 });
    assert.ok(Math.abs(p - 0.6126) < 0.0001, `got ${p}`);
  });

  test('without drift, continuous monitoring is twice the chance of ending beyond the barrier', () => {
    // Reflection principle with nu = -sigma^2 / 2 removed: mu = sigma^2 / 2 makes nu = 0.
    const sigma = 0.6;
    const years = 0.1;
    const p = firstPassageProbability({ spot: 100, barrier: 90, volatility: sigma, drift: (sigma * sigma) / 2, years, observations: 1e12 });
    assert.ok(Math.abs(p - 2 * normalCdf(Math.log(0.9) / (sigma * Math.sqrt(years)))) < 1e-5, `got ${p}`);
  });

  test('fewer observations, fewer crossings; a barrier at the spot is reached; no volatility follows the drift', () => {
    const spot = { spot: 100, barrier: 110, volatility: 0.8, drift: 0, years: 0.05 };
    const coarse = firstPassageProbability({ ...spot, observations: 10 });
    const fine = firstPassageProbability({ ...spot, observations: 1000 });
    assert.ok(coarse < fine, `${coarse} < ${fine}`);
    assert.equal(firstPassageProbability({ ...spot, barrier: 100, observations: 10 }), 1);
    assert.equal(firstPassageProbability({ ...spot, volatility: 0, drift: 2, observations: 10 }), 1, 'e^(2 x 0.05) = 1.105 >= 1.10');
    assert.equal(firstPassageProbability({ ...spot, volatility: 0, drift: 1.8, observations: 10 }), 0, 'e^(1.8 x 0.05) = 1.094 < 1.10');
    assert.equal(firstPassageProbability({ ...spot, barrier: 90, volatility: 0, drift: 2, observations: 10 }), 0);
  });
});

// ------------------------------------------------------------------------------------------------
// The published case (spec/simulations.jsonl "gbm-barrier-short"), re-expressed
// ------------------------------------------------------------------------------------------------

const BTC_TIERS: Json = [{ floor: '0', rate: '0.004' }, { floor: '50000', rate: '0.005' }, { floor: '600000', rate: '0.0065' }];
const BTC_LINEAR: JsonObject = { kind: 'linear', assetClass: 'crypto', contractSize: '1', maintenanceTiers: BTC_TIERS };

/**
 * Binance USDⓈ-M short 2 BTC at 40 000, 10x, isolated margin 4 000. Near p = 41 816 the notional 2p
 * is in the second tier: maintenance 0.005 x 2p - 50 (cum = 50 000 x (0.005 - 0.004)); the margin
 * balance 4 000 + 2 (40 000 - p) meets it at p = 84 050 / 2.01 = 41 815.92. GBM sigma 0.5, no drift,
 * 14 days in 336 hourly steps: first passage to 41 815.92 with the BGK correction is 0.6126.
 */
const PUBLISHED_CASE = {
  id: 'gbm-barrier-short',
  source: 'first-passage probability of GBM to the liquidation price 41,815.92 (reflection principle, Broadie-Glasserman-Kou correction for 336 discrete observations)',
  sim: {
    account: {
      venue: 'binance-usdm',
      account: { currency: 'USDT', balance: '4000' },
      instruments: { BTCUSDT: BTC_LINEAR },
      positions: [{ id: 'b', instrument: 'BTCUSDT', side: 'short', quantity: '2', entryPrice: '40000', leverage: '10', isolatedMargin: '4000' }],
      marks: { BTCUSDT: '40000' },
    },
    model: { type: 'gbm', volatility: '0.5', drift: '0', daysPerYear: '365' },
    horizonDays: '14',
    steps: 336,
    paths: 200000,
    seed: 11,
  },
  expect: { liquidation: 0.6126, tolerance: 0.008 },
} as const;

describe('the published case (spec/simulations.jsonl)', () => {
  test(`${PUBLISHED_CASE.id}: ${PUBLISHED_CASE.source}`, () => {
    const results = simulate(PUBLISHED_CASE.sim);
    assert.equal(Number(results.paths), 200000, 'paths');
    assert.equal(Number(results.seed), 11, 'seed');
    assert.equal(Number(results.steps), 336, 'steps');
    assert.equal(Number(results.horizonDays), 14, 'horizonDays');
    const p = figure(base(results).probabilities, 'liquidation');
    const { liquidation, tolerance } = PUBLISHED_CASE.expect;
    assert.ok(Math.abs(p - liquidation) <= tolerance, `liquidation: want ${liquidation} ± ${tolerance}, got ${p}`);
    assert.equal(pick(report(PUBLISHED_CASE.sim.account), 'positions[b].liquidationPrice'), '41815.92039801', 'the barrier is the report\'s');
  });

  const checker = resolve(REPO_ROOT, '../shared/tools/check-simulations.mjs');
  const cases = resolve(REPO_ROOT, '../shared/spec/simulations.jsonl');
  const missing = !existsSync(checker) || !existsSync(cases);
  test('../shared/spec/simulations.jsonl: every case passes the spec\'s own checker (npx stopout simulate)', {
    skip: missing ? '../shared is not present beside this checkout' : false,
  }, () => {
    const count = readFileSync(cases, 'utf8').split('\n').filter((line) => line.trim() !== '').length;
    const run = spawnSync(process.execPath, [checker, cases], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 300_000 });
    const lines = run.stdout.trim().split('\n');
    assert.equal(lines[lines.length - 1], `${count} passed, 0 failed`, run.stdout + run.stderr);
    assert.equal(run.status, 0, run.stdout + run.stderr);
  });
});

// ------------------------------------------------------------------------------------------------
// Liquidation frequency against first-passage theory, on cases the spec does not publish
// ------------------------------------------------------------------------------------------------

interface TheoryCase {
  readonly id: string;
  readonly account: JsonObject;
  readonly instrument: string;
  readonly position: string;
  readonly volatility: number;
  readonly drift: number;
  /** undefined: the model's default, 365. */
  readonly daysPerYear?: number;
  readonly model: JsonObject;
  readonly horizonDays: number;
  readonly steps: number;
  readonly paths: number;
  readonly seed: number;
}

// Barriers are taken from `stopout report` in the test; the figures in the comments are what it gives
// (and what an independent 4 000 000-path discrete simulation of the same prices gave, which the
// BGK-corrected theory matches to within 0.0006, a quarter of one standard error at 40 000 paths).
const THEORY_CASES: readonly TheoryCase[] = [
  {
    // Long 20 ETH at 3 000, 20x, isolated 3 000: liquidation 2 864.32. sigma 0.7, mu 0.4, 10 days
    // hourly (240 steps): theory 0.6514.
    id: 'binance-usdm long ETH, drift up, hourly over 10 days',
    account: {
      venue: 'binance-usdm',
      account: { currency: 'USDT', balance: '5000' },
      instruments: {
        ETHUSDT: {
          kind: 'linear', assetClass: 'crypto', contractSize: '1', tickSize: '0.01',
          maintenanceTiers: [{ floor: '0', rate: '0.005' }, { floor: '100000', rate: '0.0065' }],
        },
      },
      positions: [{ id: 'e', instrument: 'ETHUSDT', side: 'long', quantity: '20', entryPrice: '3000', leverage: '20', isolatedMargin: '3000' }],
      marks: { ETHUSDT: '3000' },
    },
    instrument: 'ETHUSDT', position: 'e', volatility: 0.7, drift: 0.4,
    model: { type: 'gbm', volatility: '0.7', drift: '0.4' },
    horizonDays: 10, steps: 240, paths: 40000, seed: 5,
  },
  {
    // Short 100 SOL from 150, marked at 145, 10x, isolated 1 500: liquidation 163.367. sigma 0.9
    // (given per instrument), mu -0.5, 5 days in 120 steps: theory 0.2043.
    id: 'binance-usdm short SOL marked off its entry, drift down, volatility per instrument',
    account: {
      venue: 'binance-usdm',
      account: { currency: 'USDT', balance: '2000' },
      instruments: {
        SOLUSDT: {
          kind: 'linear', assetClass: 'crypto', contractSize: '1', tickSize: '0.001',
          maintenanceTiers: [{ floor: '0', rate: '0.01' }, { floor: '50000', rate: '0.025' }],
        },
      },
      positions: [{ id: 's', instrument: 'SOLUSDT', side: 'short', quantity: '100', entryPrice: '150', leverage: '10', isolatedMargin: '1500' }],
      marks: { SOLUSDT: '145' },
    },
    instrument: 'SOLUSDT', position: 's', volatility: 0.9, drift: -0.5,
    model: { type: 'gbm', volatility: { SOLUSDT: '0.9' }, drift: '-0.5', daysPerYear: '365' },
    horizonDays: 5, steps: 120, paths: 40000, seed: 17,
  },
  {
    // Short 3 BTC at 30 000, 10x, isolated 9 000: liquidation 32 852.40464345. sigma 0.45, mu 0.1,
    // 30 days in 150 steps: theory 0.4520.
    id: 'binance-usdm short BTC, drift up, 30 days',
    account: {
      venue: 'binance-usdm',
      account: { currency: 'USDT', balance: '12000' },
      instruments: { BTCUSDT: BTC_LINEAR },
      positions: [{ id: 'b', instrument: 'BTCUSDT', side: 'short', quantity: '3', entryPrice: '30000', leverage: '10', isolatedMargin: '9000' }],
      marks: { BTCUSDT: '30000' },
    },
    instrument: 'BTCUSDT', position: 'b', volatility: 0.45, drift: 0.1,
    model: { type: 'gbm', volatility: '0.45', drift: '0.1', daysPerYear: '365' },
    horizonDays: 30, steps: 150, paths: 40000, seed: 23,
  },
  {
    // mt5-standard long 10 oz gold at 2 000, 1:100, balance 2 000: stop-out at margin level 50 %,
    // 2 000 + 10 (p - 2 000) = 0.5 x 10 p / 100, p = 18 000 / 9.95 = 1 809.04. sigma 0.18, mu 0.05,
    // 252 trading days a year, 60 days in 120 steps: theory 0.2072.
    id: 'mt5-standard long gold CFD (cross, stop-out at 50 %), 252 days a year',
    account: {
      venue: 'mt5-standard',
      account: { currency: 'USD', balance: '2000' },
      positions: [{ id: 'g', instrument: 'XAUUSD', side: 'long', quantity: '10', entryPrice: '2000', leverage: '100' }],
      marks: { XAUUSD: '2000' },
    },
    instrument: 'XAUUSD', position: 'g', volatility: 0.18, drift: 0.05, daysPerYear: 252,
    model: { type: 'gbm', volatility: '0.18', drift: '0.05', daysPerYear: '252' },
    horizonDays: 60, steps: 120, paths: 40000, seed: 31,
  },
];

function theorySim(each: TheoryCase, paths = each.paths, steps = each.steps): JsonObject {
  return {
    account: each.account, model: each.model, horizonDays: String(each.horizonDays), steps, paths, seed: each.seed,
    policy: { onMarginCall: 'wait' },
  };
}

function theoryOf(each: TheoryCase): { barrier: number; probability: number } {
  const barrier = pick(report(each.account), `positions[${each.position}].liquidationPrice`);
  assert.ok(typeof barrier === 'string' && DECIMAL.test(barrier), `the report gives a liquidation price, got ${JSON.stringify(barrier)}`);
  const spot = Number(pick(each.account, `marks.${each.instrument}`));
  const probability = firstPassageProbability({
    spot, barrier: Number(barrier), volatility: each.volatility, drift: each.drift,
    years: each.horizonDays / (each.daysPerYear ?? 365), observations: each.steps,
  });
  return { barrier: Number(barrier), probability };
}

describe('liquidation frequency = first passage of GBM to the report\'s liquidation price (within 4 standard errors)', () => {
  for (const each of THEORY_CASES) {
    test(each.id, () => {
      const theory = theoryOf(each);
      const results = simulate(theorySim(each));
      assert.equal(Number(results.paths), each.paths, 'paths');
      const variant = base(results);
      assertStandardErrors(variant, each.paths);
      const p = figure(variant.probabilities, 'liquidation');
      const se = figure(variant.standardErrors, 'liquidation');
      assert.ok(se > 0, 'a standard error above 0');
      assert.ok(Math.abs(p - theory.probability) <= 4 * se,
        `liquidation ${p} vs first passage to ${theory.barrier}: ${theory.probability.toFixed(4)}; ` +
        `${((p - theory.probability) / se).toFixed(2)} standard errors (${se}) away`);
    });
  }
});

describe('standard errors', () => {
  test('shrink as 1 / sqrt(paths): 16 times the paths, a quarter of the standard error (within 10 %)', () => {
    // The BTC short of the theory cases in 50 steps, p about 0.43 (where p (1 - p) hardly moves with p).
    const each = THEORY_CASES[2];
    assert.ok(each);
    const small = base(simulate(theorySim(each, 10000, 50)));
    const large = base(simulate(theorySim(each, 160000, 50)));
    assertStandardErrors(small, 10000);
    assertStandardErrors(large, 160000);
    const ratio = figure(small.standardErrors, 'liquidation') / figure(large.standardErrors, 'liquidation');
    assert.ok(Math.abs(ratio / 4 - 1) <= 0.1, `standard error ratio ${ratio}, want 4 within 10 %`);
  });
});

// ------------------------------------------------------------------------------------------------
// No volatility: every path is the deterministic one, and it does what `stopout replay` does
// ------------------------------------------------------------------------------------------------

interface DeterministicCase {
  readonly id: string;
  readonly account: JsonObject;
  readonly instrument: string;
  readonly tickDecimals: number;
  readonly drift: string;
  readonly daysPerYear: string;
  readonly horizonDays: string;
  readonly steps: number;
  /** What the prices do, worked by hand (the test checks it against replay, not this comment). */
  readonly liquidationDay: number;
}

// dt = horizonDays / daysPerYear / steps is 1/256 of a year in both, and drift x dt a power of two,
// so every log price x_k = k drift dt is exact in binary: summing the increments or multiplying
// gives the same double, and mark x exp(x_k) the same price.
const DETERMINISTIC_CASES: readonly DeterministicCase[] = [
  {
    // Long 1 BTC at 40 000, 10x, isolated 4 000: liquidation about 36 180. Half-day steps of
    // exp(-4/256) = -1.55 %: 40 000 e^(-7/64) = 35 855.8 at step 7 (day 3.5) is the first price at or
    // below it, and below the bankruptcy price 36 000: the insurance fund takes 144.20.
    id: 'binance-usdm long BTC, drift -4 over 16 days in half-day steps: liquidated through the bankruptcy price',
    account: {
      venue: 'binance-usdm',
      account: { currency: 'USDT', balance: '4000' },
      instruments: { BTCUSDT: { ...BTC_LINEAR, tickSize: '0.1' } },
      positions: [{ id: 'b', instrument: 'BTCUSDT', side: 'long', quantity: '1', entryPrice: '40000', leverage: '10', isolatedMargin: '4000' }],
      marks: { BTCUSDT: '40000' },
    },
    instrument: 'BTCUSDT', tickDecimals: 1, drift: '-4', daysPerYear: '128', horizonDays: '16', steps: 32, liquidationDay: 3.5,
  },
  {
    // mt5-standard long 10 oz gold at 2 000, 1:100, balance 3 000: stop-out at 17 000 / 9.95 =
    // 1 708.54, bankruptcy 1 700. Daily steps of e^(-1/16): 1 878.83, 1 764.99, 1 658.06 on day 3:
    // closed there for -3 419.40, a debt of 419.40 (no negative balance protection).
    id: 'mt5-standard long gold, drift -16 over 32 days: stopped out through zero, the client owes a debt',
    account: {
      venue: 'mt5-standard',
      account: { currency: 'USD', balance: '3000' },
      positions: [{ id: 'g', instrument: 'XAUUSD', side: 'long', quantity: '10', entryPrice: '2000', leverage: '100' }],
      marks: { XAUUSD: '2000' },
    },
    instrument: 'XAUUSD', tickDecimals: 2, drift: '-16', daysPerYear: '256', horizonDays: '32', steps: 32, liquidationDay: 3,
  },
];

/** price_k = mark x exp(x_k), x_k the sum of k increments drift x dt, rounded half-up to the tick. */
function deterministicPrices(each: DeterministicCase): string[] {
  const mark = Number(pick(each.account, `marks.${each.instrument}`));
  const dt = Number(each.horizonDays) / Number(each.daysPerYear) / each.steps;
  const scale = 10 ** each.tickDecimals;
  const prices: string[] = [];
  let x = 0;
  for (let k = 1; k <= each.steps; k += 1) {
    x += Number(each.drift) * dt;
    const ticks = mark * Math.exp(x) * scale;
    const fraction = ticks - Math.floor(ticks);
    assert.ok(Math.abs(fraction - 0.5) > 1e-6, `price ${k} is not near a rounding tie (${ticks} ticks)`);
    prices.push((Math.round(ticks) / scale).toFixed(each.tickDecimals));
  }
  return prices;
}

const START = Date.parse('2024-01-01T00:00:00Z');
const DAY_MS = 86_400_000;

/** Replays the same prices, one mark a step, each at its time; returns the summary and the events. */
function replayOf(each: DeterministicCase): { summary: Record<string, unknown>; events: Record<string, string>[] } {
  const stepMs = (Number(each.horizonDays) * DAY_MS) / each.steps;
  const commands = deterministicPrices(each).map((price, index) => ({
    type: 'mark', time: new Date(START + (index + 1) * stepMs).toISOString(), prices: { [each.instrument]: price },
  }));
  const path = writeJson({ account: each.account, commands }, 'scenario.json');
  const summaryRun = stopout(['replay', path, '--summary']);
  assertOk(summaryRun);
  const eventsRun = stopout(['replay', path]);
  assertOk(eventsRun);
  const events = eventsRun.stdout.trim().split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as Record<string, string>);
  return { summary: JSON.parse(summaryRun.stdout) as Record<string, unknown>, events };
}

/** `got` (a decimal string of the results) equals `want` to the precision it is printed with. */
function assertSameAmount(got: number, printed: string | null | undefined, want: number, what: string): void {
  assert.ok(Math.abs(got - want) <= halfLastDigit(printed) + 1e-9 * Math.abs(want), `${what}: want ${want} (as replay), got ${printed}`);
}

describe('no volatility: the deterministic path, as `stopout replay` plays it', () => {
  for (const each of DETERMINISTIC_CASES) {
    test(each.id, () => {
      const paths = 100;
      const results = simulate({
        account: each.account,
        model: { type: 'gbm', volatility: '0', drift: each.drift, daysPerYear: each.daysPerYear },
        horizonDays: each.horizonDays, steps: each.steps, paths, seed: 3, policy: { onMarginCall: 'wait' },
      });
      const variant = base(results);
      for (const key of PROBABILITY_KEYS) {
        const p = figure(variant.probabilities, key);
        assert.ok(p === 0 || p === 1, `probabilities.${key} is 0 or 1, got ${p}`);
        assert.equal(figure(variant.standardErrors, key), 0, `standardErrors.${key}`);
      }

      const { summary, events } = replayOf(each);
      const liquidations = events.filter((event) => event.type === 'position-liquidated');
      assert.equal(liquidations.length, 1, 'replay liquidates the position once');
      const liquidationDay = (Date.parse(liquidations[0]?.time ?? '') - START) / DAY_MS;
      assert.equal(liquidationDay, each.liquidationDay, 'replay liquidates on the day worked by hand');

      assert.equal(figure(variant.probabilities, 'liquidation'), 1, 'liquidation');
      for (const key of ['p10', 'p50', 'p90']) {
        assert.equal(figure(variant.timeToLiquidationDays, key), liquidationDay, `timeToLiquidationDays.${key}`);
      }
      const startEquity = Number(pick(report(each.account), 'account.equity'));
      const loss = startEquity - Number(pick(summary, 'account.equity'));
      for (const key of ['mean', 'var95', 'es95', 'var99', 'es99']) {
        assertSameAmount(figure(variant.loss, key), variant.loss[key], loss, `loss.${key}`);
      }
      const debt = Number(pick(summary, 'totals.debtOutstanding'));
      assert.equal(figure(variant.probabilities, 'debt'), debt > 0 ? 1 : 0, 'probabilities.debt');
      assertSameAmount(figure(variant.debt, 'mean'), variant.debt.mean, debt, 'debt.mean');
      assertSameAmount(figure(variant.debt, 'max'), variant.debt.max, debt, 'debt.max');
      assertSameAmount(figure(variant.venueLoss, 'mean'), variant.venueLoss.mean, Number(pick(summary, 'totals.venueLoss')), 'venueLoss.mean');
      const marginCall = events.some((event) => event.type === 'margin-call-issued');
      assert.equal(figure(variant.probabilities, 'marginCall'), marginCall ? 1 : 0, 'marginCall: as replay issues one (binance-usdm: none, Rc = Rl)');
      // A negative balance: the close left equity below zero (DESIGN.md: "the deficit"), whoever pays it.
      const deficit = events.some((event) => event.type === 'deficit-absorbed' || event.type === 'debt-recorded');
      assert.equal(figure(variant.probabilities, 'negativeBalance'), deficit ? 1 : 0, 'negativeBalance: a deficit, as replay records one');
    });
  }
});

// ------------------------------------------------------------------------------------------------
// Reproducibility: workers, seeds, options
// ------------------------------------------------------------------------------------------------

const SMALL_SIM = { ...PUBLISHED_CASE.sim, paths: 5000 };

describe('the same seed, the same results', () => {
  test('--workers 1, 2 and 3 print the same bytes, variants included', () => {
    const path = writeJson({ ...SMALL_SIM, variants: [{ name: 'stop', stopLossPercent: '0.02' }] });
    const one = stopout(['simulate', path, '--json', '--workers', '1']);
    const results = resultsOf(one);
    assert.deepEqual(results.variants.map((variant) => variant.name), ['base', 'stop']);
    for (const workers of ['2', '3']) {
      const run = stopout(['simulate', path, '--json', '--workers', workers]);
      assertOk(run);
      assert.equal(run.stdout, one.stdout, `--workers ${workers} gives what --workers 1 gives`);
    }
  });

  test('the same seed twice gives the same bytes; another seed, other results', () => {
    const path = writeJson(SMALL_SIM);
    const first = stopout(['simulate', path, '--json']);
    assertOk(first);
    assert.equal(stopout(['simulate', path, '--json']).stdout, first.stdout, 'the same seed again');
    const other = stopout(['simulate', path, '--json', '--seed', '12']);
    const results = resultsOf(other);
    assert.equal(Number(results.seed), 12, 'the seed given');
    assert.notEqual(other.stdout, first.stdout, 'another seed');
  });

  test('--paths replaces the file\'s paths', () => {
    const results = simulate(SMALL_SIM, '--paths', '5000');
    assert.equal(Number(results.paths), 5000);
    assertStandardErrors(base(results), 5000);
  });
});

// ------------------------------------------------------------------------------------------------
// Bad input: exit 2, nothing on stdout, one line per problem naming the field
// ------------------------------------------------------------------------------------------------

const VALID: JsonObject = { ...PUBLISHED_CASE.sim, paths: 1000 };
const simulateFile = (sim: unknown): Run => stopout(['simulate', writeJson(sim), '--json']);

describe('stopout simulate: bad input exits 2 and names the field', () => {
  test('an unknown model type names it', () => {
    assertRejected(simulateFile({ ...VALID, model: { type: 'heston', volatility: '0.5' } }), [['model.type: ', '"heston"']]);
  });

  test('a negative volatility', () => {
    assertRejected(simulateFile({ ...VALID, model: { type: 'gbm', volatility: '-0.5' } }), [['model.volatility: ', '-0.5']]);
  });

  test('zero paths', () => {
    assertRejected(simulateFile({ ...VALID, paths: 0 }), [['paths: ']]);
  });

  test('a bootstrap file that is not there names its path', () => {
    assertRejected(simulateFile({ ...VALID, model: { type: 'bootstrap', file: 'no-such-returns.csv', block: 24 } }),
      [['model.file: ', 'no-such-returns.csv']]);
  });

  test('a file that is not JSON', () => {
    const path = writeJson(undefined, 'sim.json', '{"account": ');
    assertRejected(stopout(['simulate', path, '--json']), [[path, 'not valid JSON']]);
  });

  test('an unknown top-level field', () => {
    assertRejected(simulateFile({ ...VALID, pathz: 10 }), [['pathz: ', 'unknown field', 'paths']]);
  });

  test('problems with the account are named with the others, not only once those are fixed', () => {
    assertRejected(simulateFile({ ...VALID, paths: 0, account: { ...(VALID.account as object), positions: [{ id: 'b', instrument: 'BTCUSDT', side: 'sideways', quantity: '1', entryPrice: '40000' }] } }),
      [['paths: ', 'the number 0'], ['account.positions[0].side: ', '"sideways"']]);
  });
});
