// The price models: GBM (one column and several), Merton jumps, scheduled gaps, block bootstrap and
// replay, and the Cholesky factor. Distributional checks run many paths from fixed seeds and allow
// 5 standard errors, so they are deterministic and a correct model passes them with room to spare.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PathRandom } from './random.js';
import {
  BootstrapModel, cholesky, gapCountsFor, gapDays, GbmModel, ReplayModel, type GbmTerms, type PathModel,
} from './price-model.js';
import { prepare } from './run.js';

/** Runs `paths` paths the way the simulator does (one stream per path) and hands each to `visit`. */
function eachPath(model: PathModel, paths: number, seed: number, visit: (out: Float64Array, range: Float64Array, path: number) => void): void {
  const random = new PathRandom();
  const out = new Float64Array(model.steps * model.columns);
  const range = new Float64Array(2 * model.columns);
  for (let p = 0; p < paths; p++) {
    random.reset(seed, p);
    model.generate(random, out, range);
    visit(out, range, p);
  }
}

/** Running mean and variance (Welford). */
class Moments {
  n = 0;
  mean = 0;
  private m2 = 0;

  add(x: number): void {
    this.n++;
    const d = x - this.mean;
    this.mean += d / this.n;
    this.m2 += d * (x - this.mean);
  }

  get variance(): number {
    return this.m2 / (this.n - 1);
  }
}

function near(actual: number, expected: number, standardError: number, what: string, k = 5): void {
  assert.ok(Math.abs(actual - expected) <= k * standardError,
    `${what}: ${actual} is ${((actual - expected) / standardError).toFixed(2)} standard errors from ${expected} (SE ${standardError})`);
}

interface GbmParameters {
  readonly mu: number;
  readonly sigma: number | readonly number[];
  readonly years: number;
  readonly steps: number;
  readonly jumps?: { readonly intensity: number; readonly mean: number; readonly stdev: number };
  readonly cholesky?: Float64Array | null;
  readonly gapCounts?: Uint8Array | null;
  readonly gapMean?: number;
  readonly gapStdev?: number;
}

/** The terms as simulation.ts's gbmModel builds them: drift compensated by lambda × kappa. */
function gbm({ mu, sigma, years, steps, jumps, cholesky: factor = null, gapCounts = null, gapMean = 0, gapStdev = 0 }: GbmParameters): GbmModel {
  const dt = years / steps;
  const sigmas = typeof sigma === 'number' ? [sigma] : sigma;
  const kappa = jumps ? Math.exp(jumps.mean + (jumps.stdev * jumps.stdev) / 2) - 1 : 0;
  const intensity = jumps?.intensity ?? 0;
  const terms: GbmTerms = {
    drift: sigmas.map((s) => (mu - (s * s) / 2 - intensity * kappa) * dt),
    diffusion: sigmas.map((s) => s * Math.sqrt(dt)),
    cholesky: factor,
    jumpRate: intensity * dt, jumpMean: jumps?.mean ?? 0, jumpStdev: jumps?.stdev ?? 0,
    gapCounts, gapMean, gapStdev,
  };
  return new GbmModel(steps, terms);
}

const BTC_ACCOUNT = {
  venue: 'binance-usdm', account: { currency: 'USDT', balance: '1000' },
  positions: [{ id: 'b', instrument: 'BTCUSDT', side: 'long', quantity: '0.1', entryPrice: '60000', leverage: '10' }],
  marks: { BTCUSDT: '60000' },
};

/** Three instruments in one cross account: BTC, ETH and a SOL defined in the snapshot. */
const THREE_ACCOUNT = {
  venue: 'binance-usdm', account: { currency: 'USDT', balance: '100000' },
  instruments: { SOLUSDT: { kind: 'linear', assetClass: 'crypto', contractSize: '1', maintenanceTiers: [{ floor: '0', rate: '0.01' }] } },
  positions: [
    { id: 'b', instrument: 'BTCUSDT', side: 'long', quantity: '0.1', entryPrice: '60000', leverage: '10' },
    { id: 'e', instrument: 'ETHUSDT', side: 'short', quantity: '1', entryPrice: '3000', leverage: '10' },
    { id: 's', instrument: 'SOLUSDT', side: 'long', quantity: '10', entryPrice: '150', leverage: '10' },
  ],
  marks: { BTCUSDT: '60000', ETHUSDT: '3000', SOLUSDT: '150' },
};

function prepared(input: Record<string, unknown>): GbmModel {
  const result = prepare(input);
  assert.ok(result.ok, `expected a simulation, got ${JSON.stringify(!result.ok && result.error)}`);
  const model = result.value.model;
  assert.ok(model instanceof GbmModel);
  return model;
}

describe('GBM, one column', () => {
  test('x_T has mean (mu - sigma²/2) T and variance sigma² T; halfway, half of each; E[S_T / S_0] = e^{mu T}', () => {
    const mu = 0.4;
    const sigma = 0.8;
    const years = 30 / 365;
    const steps = 30;
    const n = 40_000;
    const model = gbm({ mu, sigma, years, steps });
    const end = new Moments();
    const middle = new Moments();
    const price = new Moments();
    eachPath(model, n, 1, (out) => {
      const x = out[steps - 1] as number;
      end.add(x);
      middle.add(out[steps / 2 - 1] as number);
      price.add(Math.exp(x));
    });
    const variance = sigma * sigma * years;
    near(end.mean, (mu - (sigma * sigma) / 2) * years, Math.sqrt(variance / n), 'mean of x_T');
    near(end.variance, variance, variance * Math.sqrt(2 / n), 'variance of x_T');
    near(middle.mean, ((mu - (sigma * sigma) / 2) * years) / 2, Math.sqrt(variance / 2 / n), 'mean of x_{T/2}');
    near(middle.variance, variance / 2, (variance / 2) * Math.sqrt(2 / n), 'variance of x_{T/2}');
    near(price.mean, Math.exp(mu * years), Math.sqrt(price.variance / n), 'E[S_T / S_0]');
  });

  test('zero volatility and no jumps: a straight line of the drift', () => {
    const model = gbm({ mu: 0.5, sigma: 0, years: 1, steps: 4 });
    eachPath(model, 3, 1, (out) => {
      for (let k = 0; k < 4; k++) assert.ok(Math.abs((out[k] as number) - 0.125 * (k + 1)) < 1e-15);
    });
  });

  test('the same seed and path give the same path; another path gives another', () => {
    const model = gbm({ mu: 0, sigma: 0.8, years: 0.1, steps: 20, jumps: { intensity: 30, mean: -0.05, stdev: 0.08 } });
    const random = new PathRandom();
    const run = (seed: number, path: number): number[] => {
      const out = new Float64Array(20);
      random.reset(seed, path);
      model.generate(random, out, new Float64Array(2));
      return Array.from(out);
    };
    assert.deepEqual(run(3, 5), run(3, 5));
    assert.notDeepEqual(run(3, 5), run(3, 6));
    assert.notDeepEqual(run(3, 5), run(4, 5));
  });
});

describe('GBM draws, exactly', () => {
  /**
   * The one-column path written out from the model's documented steps with PathRandom's own
   * methods: a normal per step, then that step's jumps (exponential waits), then its gaps.
   */
  function reference(terms: GbmTerms, steps: number, random: PathRandom, out: Float64Array): void {
    const drift = terms.drift[0] as number;
    const diffusion = terms.diffusion[0] as number;
    let nextJump = terms.jumpRate > 0 ? random.exponential() / terms.jumpRate : Infinity;
    let x = 0;
    for (let k = 0; k < steps; k++) {
      x += drift + diffusion * random.normal();
      while (nextJump <= k + 1) {
        x += terms.jumpMean + terms.jumpStdev * random.normal();
        nextJump += random.exponential() / terms.jumpRate;
      }
      for (let g = terms.gapCounts?.[k] ?? 0; g > 0; g--) x += terms.gapMean + terms.gapStdev * random.normal();
      out[k] = x;
    }
  }

  const steps = 50;
  const cases: readonly { name: string; parameters: GbmParameters }[] = [
    { name: 'diffusion only', parameters: { mu: 0.1, sigma: 0.8, years: 0.1, steps } },
    { name: 'jumps, several a step', parameters: { mu: 0.1, sigma: 0.8, years: 0.1, steps, jumps: { intensity: 1500, mean: -0.01, stdev: 0.02 } } },
    { name: 'rare jumps', parameters: { mu: 0.1, sigma: 0.8, years: 0.1, steps, jumps: { intensity: 20, mean: -0.05, stdev: 0.08 } } },
    {
      name: 'jumps and gaps, two gaps on one observation and one on the last',
      parameters: {
        mu: 0, sigma: 1.2, years: 0.1, steps, jumps: { intensity: 40, mean: 0, stdev: 0.05 },
        gapCounts: Uint8Array.from({ length: steps }, (_, k) => (k === 49 ? 1 : k % 7 === 6 ? 1 + (k % 2) : 0)), gapMean: -0.01, gapStdev: 0.03,
      },
    },
  ];
  for (const { name, parameters } of cases) {
    test(`one column (${name}): the path, range and the generator's state afterwards are those of normal() called step by step`, () => {
      const model = gbm(parameters);
      const expected = new Float64Array(steps);
      const reader = new PathRandom();
      const random = new PathRandom();
      const out = new Float64Array(steps);
      const range = new Float64Array(2);
      // 2000 paths × 50 steps: thousands of ziggurat wedges and dozens of tail draws.
      for (let p = 0; p < 2000; p++) {
        reader.reset(21, p);
        reference(model.terms, steps, reader, expected);
        random.reset(21, p);
        model.generate(random, out, range);
        assert.deepEqual(out, expected, `path ${p}`);
        assert.equal(range[0], Math.min(...expected));
        assert.equal(range[1], Math.max(...expected));
        assert.equal(random.next(), reader.next(), `path ${p}: the generator is not where the draws left it`);
      }
    });
  }
});

describe('Merton jumps', () => {
  const mu = 0.3;
  const sigma = 0.8;
  const jumps = { intensity: 20, mean: -0.05, stdev: 0.08 };

  test('simulation.ts builds the terms: drift (mu - sigma²/2 - lambda kappa) dt, diffusion sigma √dt, jumpRate lambda dt', () => {
    const model = prepared({
      account: BTC_ACCOUNT, horizonDays: '30', steps: 60,
      model: { type: 'gbm', volatility: '0.8', drift: '0.3', daysPerYear: '365', jumps: { intensity: '20', mean: '-0.05', stdev: '0.08' } },
    });
    const dt = 30 / 365 / 60;
    const kappa = Math.exp(-0.05 + 0.0032) - 1;
    const { terms } = model;
    assert.equal(model.steps, 60);
    assert.equal(model.columns, 1);
    assert.ok(Math.abs((terms.drift[0] as number) - (mu - sigma * sigma / 2 - 20 * kappa) * dt) < 1e-15);
    assert.ok(Math.abs((terms.diffusion[0] as number) - sigma * Math.sqrt(dt)) < 1e-15);
    assert.ok(Math.abs(terms.jumpRate - 20 * dt) < 1e-15);
    assert.equal(terms.jumpMean, -0.05);
    assert.equal(terms.jumpStdev, 0.08);
    assert.equal(terms.gapCounts, null);
    assert.equal(terms.cholesky, null);
  });

  test('the compensated drift keeps E[S_T / S_0] = e^{mu T}, for a model built by prepare()', () => {
    const model = prepared({
      account: BTC_ACCOUNT, horizonDays: '30', steps: 30, seed: 7,
      model: { type: 'gbm', volatility: '0.8', drift: '0.3', jumps: { intensity: '20', mean: '-0.05', stdev: '0.08' } },
    });
    const n = 100_000;
    const years = 30 / 365;
    const price = new Moments();
    eachPath(model, n, 7, (out) => price.add(Math.exp(out[29] as number)));
    // Without the compensation E[S_T / S_0] would be e^{(mu + lambda kappa) T}, about 90 SE away.
    near(price.mean, Math.exp(mu * years), Math.sqrt(price.variance / n), 'E[S_T / S_0]');
  });

  test('var(x_T) = sigma² T + lambda T (mean² + stdev²), one column and two', () => {
    const years = 1;
    const n = 40_000;
    const expected = sigma * sigma * years + jumps.intensity * years * (jumps.mean ** 2 + jumps.stdev ** 2);
    // Var of a compound Poisson sum's sample variance: the fourth moment is heavy, so use the sample's.
    for (const columns of [1, 2]) {
      const model = gbm({ mu, sigma: Array(columns).fill(sigma), years, steps: 52, jumps });
      const moments = Array.from({ length: columns }, () => new Moments());
      const fourth = Array.from({ length: columns }, () => new Moments());
      const xs: number[][] = Array.from({ length: columns }, () => []);
      eachPath(model, n, 2, (out) => {
        for (let i = 0; i < columns; i++) {
          const x = out[51 * columns + i] as number;
          moments[i]?.add(x);
          xs[i]?.push(x);
        }
      });
      for (let i = 0; i < columns; i++) {
        const m = moments[i] as Moments;
        for (const x of xs[i] as number[]) (fourth[i] as Moments).add((x - m.mean) ** 2);
        const se = Math.sqrt((fourth[i] as Moments).variance / n);
        near(m.variance, expected, se, `var(x_T), ${columns} column(s), column ${i}`);
        const meanExpected = (mu - sigma * sigma / 2 - jumps.intensity * (Math.exp(jumps.mean + jumps.stdev ** 2 / 2) - 1)) * years
          + jumps.intensity * years * jumps.mean;
        near(m.mean, meanExpected, Math.sqrt(expected / n), `mean of x_T, ${columns} column(s), column ${i}`);
      }
    }
  });

  /** Jumps of exactly +1 and nothing else: x is the number of jumps so far. */
  function counting(columns: number, lambdaT: number, steps: number): GbmModel {
    return new GbmModel(steps, {
      drift: Array(columns).fill(0), diffusion: Array(columns).fill(0), cholesky: null,
      jumpRate: lambdaT / steps, jumpMean: 1, jumpStdev: 0, gapCounts: null, gapMean: 0, gapStdev: 0,
    });
  }

  const poisson = (lambda: number, k: number): number => {
    let p = Math.exp(-lambda);
    for (let i = 1; i <= k; i++) p *= lambda / i;
    return p;
  };

  for (const { columns, steps } of [{ columns: 1, steps: 10 }, { columns: 1, steps: 2 }, { columns: 2, steps: 10 }, { columns: 2, steps: 2 }]) {
    test(`the jump count per path is Poisson(lambda T): ${columns} column(s), ${steps} steps (lambda dt = ${3 / steps})`, () => {
      const lambdaT = 3;
      const n = 50_000;
      const model = counting(columns, lambdaT, steps);
      const total = new Moments();
      const histogram = new Float64Array(10);
      const perStep = Array.from({ length: steps }, () => new Moments());
      let crossFirstLast = 0;
      eachPath(model, n, 11, (out) => {
        const count = out[(steps - 1) * columns] as number;
        assert.ok(Number.isInteger(count) && count >= 0);
        for (let i = 1; i < columns; i++) assert.equal(out[(steps - 1) * columns + i], count, 'a jump hits every column at once');
        total.add(count);
        const bin = Math.min(9, count);
        histogram[bin] = (histogram[bin] as number) + 1;
        for (let k = 0; k < steps; k++) {
          const before = k === 0 ? 0 : (out[(k - 1) * columns] as number);
          (perStep[k] as Moments).add((out[k * columns] as number) - before);
        }
        const first = out[0] as number;
        crossFirstLast += (first - lambdaT / steps) * (count - (out[(steps - 2) * columns] as number) - lambdaT / steps);
      });
      near(total.mean, lambdaT, Math.sqrt(lambdaT / n), 'mean jump count');
      // Poisson: fourth central moment lambda (1 + 3 lambda), so var(s²) ≈ (lambda + 2 lambda²) / n.
      near(total.variance, lambdaT, Math.sqrt((lambdaT + 2 * lambdaT * lambdaT) / n), 'variance of the jump count');
      let chi2 = 0;
      for (let k = 0; k < 10; k++) {
        const p = k < 9 ? poisson(lambdaT, k) : 1 - Array.from({ length: 9 }, (_, j) => poisson(lambdaT, j)).reduce((a, b) => a + b);
        chi2 += ((histogram[k] as number) - n * p) ** 2 / (n * p);
      }
      assert.ok(chi2 < 9 + 5 * Math.sqrt(18), `chi-square ${chi2} on 9 degrees of freedom`);
      const rate = lambdaT / steps;
      for (const [k, moments] of perStep.entries()) near(moments.mean, rate, Math.sqrt(rate / n), `mean jumps in step ${k + 1}`);
      // The first and last steps' counts are independent.
      near(crossFirstLast / n, 0, rate / Math.sqrt(n), 'covariance of the first and last steps\' counts');
    });
  }
});

describe('scheduled gaps: gapDays', () => {
  const monday = Date.parse('2026-01-05T00:00:00Z');
  const at = (iso: string): number => Date.parse(iso);

  test('weekend in calendar time: each Monday 00:00 UTC after the start', () => {
    assert.deepEqual(gapDays({ every: 'weekend', at: [] }, monday, 21, 365), [7, 14, 21]);
    assert.deepEqual(gapDays({ every: 'weekend', at: [] }, monday, 20.5, 365), [7, 14]);
    // Wednesday noon: the next Monday is 4.5 days away.
    assert.deepEqual(gapDays({ every: 'weekend', at: [] }, at('2026-01-07T12:00:00Z'), 14, 365), [4.5, 11.5]);
    // Monday 06:00: that Monday's gap has passed; the next is 6.75 days away.
    assert.deepEqual(gapDays({ every: 'weekend', at: [] }, at('2026-01-05T06:00:00Z'), 7, 365), [6.75]);
    // Sunday 18:00: six hours to Monday.
    assert.deepEqual(gapDays({ every: 'weekend', at: [] }, at('2026-01-11T18:00:00Z'), 8, 365), [0.25, 7.25]);
    // A horizon short of the first Monday: none.
    assert.deepEqual(gapDays({ every: 'weekend', at: [] }, monday, 6.9, 365), []);
    // Before 1970 too (negative epoch days).
    assert.deepEqual(gapDays({ every: 'weekend', at: [] }, at('1969-12-29T00:00:00Z'), 7, 365), [7]);
  });

  test('weekend in trading time: every 5 trading days, from a Monday start days 5, 10, ...', () => {
    for (const daysPerYear of [252, 260]) {
      assert.deepEqual(gapDays({ every: 'weekend', at: [] }, monday, 15, daysPerYear), [5, 10, 15]);
      assert.deepEqual(gapDays({ every: 'weekend', at: [] }, monday, 4, daysPerYear), []);
    }
    // A Wednesday start: Thursday, Friday, then the weekend before the third trading day.
    assert.deepEqual(gapDays({ every: 'weekend', at: [] }, at('2026-01-07T00:00:00Z'), 10, 252), [3, 8]);
    // A Friday start: the weekend is one trading day away.
    assert.deepEqual(gapDays({ every: 'weekend', at: [] }, at('2026-01-09T00:00:00Z'), 7, 252), [1, 6]);
  });

  test('"day", a number of days, and "at" days (kept within (0, horizon], merged and sorted)', () => {
    assert.deepEqual(gapDays({ every: 'day', at: [] }, monday, 3, 365), [1, 2, 3]);
    assert.deepEqual(gapDays({ every: 'day', at: [] }, at('2026-01-07T12:00:00Z'), 2.5, 252), [1, 2]);
    assert.deepEqual(gapDays({ every: 2.5, at: [] }, monday, 10, 365), [2.5, 5, 7.5, 10]);
    assert.deepEqual(gapDays({ every: 0.1, at: [] }, monday, 1, 365).length, 10);
    assert.deepEqual(gapDays({ at: [3, 0.5, 20, 7] }, monday, 7, 365), [0.5, 3, 7]);
    assert.deepEqual(gapDays({ every: 'weekend', at: [7, 2] }, monday, 14, 365), [2, 7, 7, 14]);
    assert.deepEqual(gapDays({ at: [] }, monday, 14, 365), []);
  });
});

describe('scheduled gaps: gapCountsFor', () => {
  test('a gap lands on the first observation at or after it', () => {
    const counts = gapCountsFor([0.2, 1, 4.5, 7, 7], 10, 1);
    assert.ok(counts);
    // Observations 1 (0.2 and day 1), 5 (4.5) and 7 (two gaps).
    assert.deepEqual(Array.from(counts), [2, 0, 0, 0, 1, 0, 2, 0, 0, 0]);
  });

  test('hourly steps, a weekend horizon: Monday 00:00 is observation 168; gaps past the last observation are dropped', () => {
    const days = gapDays({ every: 'weekend', at: [] }, Date.parse('2026-01-05T00:00:00Z'), 7, 365);
    const counts = gapCountsFor(days, 168, 7 / 168);
    assert.ok(counts);
    assert.deepEqual([...counts.entries()].filter(([, c]) => c > 0), [[167, 1]]);
    const beyond = gapCountsFor([7.5], 7, 1);
    assert.ok(beyond);
    assert.deepEqual(Array.from(beyond), [0, 0, 0, 0, 0, 0, 0]);
  });

  test('days that are multiples of a step in binary rounding still land on that step (0.3 / 0.1)', () => {
    const counts = gapCountsFor([0.3, 0.7], 10, 0.1);
    assert.ok(counts);
    assert.deepEqual(Array.from(counts), [0, 0, 1, 0, 0, 0, 1, 0, 0, 0]);
  });

  test('no gaps: null', () => {
    assert.equal(gapCountsFor([], 10, 1), null);
  });

  test('prepare() places a weekend gap at the Monday after a Wednesday-noon start', () => {
    const model = prepared({
      account: BTC_ACCOUNT, horizonDays: '14', steps: 28, start: '2026-01-07T12:00:00Z',
      model: { type: 'gbm', volatility: '0.5', gaps: { every: 'weekend', mean: '-0.01', stdev: '0.02' } },
    });
    // Half-day steps; Mondays are 4.5 and 11.5 days after the start: observations 9 and 23.
    const counts = model.terms.gapCounts;
    assert.ok(counts);
    assert.deepEqual([...counts.entries()].filter(([, c]) => c > 0).map(([k]) => k + 1), [9, 23]);
    assert.equal(model.terms.gapMean, -0.01);
    assert.equal(model.terms.gapStdev, 0.02);
  });
});

describe('scheduled gaps: the paths', () => {
  for (const columns of [1, 2]) {
    test(`the gap's mean and variance appear only at the scheduled observations (${columns} column(s)), with one size for every column`, () => {
      const steps = 10;
      const n = 20_000;
      const sigma = 0.2;
      const years = 10 / 365;
      const gapCounts = Uint8Array.from([0, 0, 0, 1, 0, 0, 0, 2, 0, 0]);
      const gapMean = 0.01;
      const gapStdev = 0.03;
      const model = gbm({ mu: 0, sigma: Array(columns).fill(sigma), years, steps, gapCounts, gapMean, gapStdev });
      const dt = years / steps;
      const increments = Array.from({ length: steps }, () => new Moments());
      const spread = Array.from({ length: steps }, () => new Moments());
      eachPath(model, n, 5, (out) => {
        for (let k = 0; k < steps; k++) {
          const before = k === 0 ? 0 : (out[(k - 1) * columns] as number);
          (increments[k] as Moments).add((out[k * columns] as number) - before);
          if (columns === 2) {
            const before1 = k === 0 ? 0 : (out[(k - 1) * 2 + 1] as number);
            (spread[k] as Moments).add((out[k * 2] as number) - before - ((out[k * 2 + 1] as number) - before1));
          }
        }
      });
      for (let k = 0; k < steps; k++) {
        const g = gapCounts[k] as number;
        const variance = sigma * sigma * dt + g * gapStdev * gapStdev;
        const mean = -(sigma * sigma / 2) * dt + g * gapMean;
        const m = increments[k] as Moments;
        near(m.mean, mean, Math.sqrt(variance / n), `mean increment at observation ${k + 1}`);
        near(m.variance, variance, variance * Math.sqrt(2 / n), `increment variance at observation ${k + 1}`);
        if (columns === 2) {
          // The gap moves both columns by one size: their difference carries none of it.
          const s = spread[k] as Moments;
          near(s.variance, 2 * sigma * sigma * dt, 2 * sigma * sigma * dt * Math.sqrt(2 / n), `variance of the columns' difference at ${k + 1}`);
        }
      }
    });
  }
});

describe('correlated columns', () => {
  /** Sample correlations and variances of the per-step increments, pooled over steps and paths. */
  function incrementStatistics(model: GbmModel, paths: number, seed: number): { correlation: number[][]; variance: number[]; count: number } {
    const n = model.columns;
    const sums = new Float64Array(n);
    const products = new Float64Array(n * n);
    let count = 0;
    eachPath(model, paths, seed, (out) => {
      for (let k = 0; k < model.steps; k++) {
        count++;
        for (let i = 0; i < n; i++) {
          const di = (out[k * n + i] as number) - (k === 0 ? 0 : (out[(k - 1) * n + i] as number));
          sums[i] = (sums[i] as number) + di;
          for (let j = 0; j <= i; j++) {
            const dj = (out[k * n + j] as number) - (k === 0 ? 0 : (out[(k - 1) * n + j] as number));
            products[i * n + j] = (products[i * n + j] as number) + di * dj;
          }
        }
      }
    });
    const covariance = (i: number, j: number): number => {
      const [a, b] = i >= j ? [i, j] : [j, i];
      return (products[a * n + b] as number) / count - ((sums[a] as number) / count) * ((sums[b] as number) / count);
    };
    const variance = Array.from({ length: n }, (_, i) => covariance(i, i));
    const correlation = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => covariance(i, j) / Math.sqrt((variance[i] as number) * (variance[j] as number))));
    return { correlation, variance, count };
  }

  test('two columns with correlation 0.6: increments correlate at 0.6, each with its own sigma² dt', () => {
    const factor = cholesky([[1, 0.6], [0.6, 1]]);
    assert.ok(factor instanceof Float64Array);
    const sigmas = [0.5, 1.2];
    const years = 20 / 365;
    const model = gbm({ mu: 0.1, sigma: sigmas, years, steps: 20, cholesky: factor });
    const { correlation, variance, count } = incrementStatistics(model, 10_000, 3);
    near(correlation[1]?.[0] as number, 0.6, (1 - 0.36) / Math.sqrt(count), 'correlation');
    for (const [i, s] of sigmas.entries()) {
      const expected = s * s * years / 20;
      near(variance[i] as number, expected, expected * Math.sqrt(2 / count), `variance of column ${i}`);
    }
  });

  test('three columns, negative and positive correlations', () => {
    const matrix = [[1, 0.5, 0.3], [0.5, 1, -0.4], [0.3, -0.4, 1]];
    const factor = cholesky(matrix);
    assert.ok(factor instanceof Float64Array);
    const model = gbm({ mu: 0, sigma: [0.8, 0.8, 0.8], years: 10 / 365, steps: 10, cholesky: factor });
    const { correlation, count } = incrementStatistics(model, 15_000, 4);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < i; j++) {
        const rho = matrix[i]?.[j] as number;
        near(correlation[i]?.[j] as number, rho, (1 - rho * rho) / Math.sqrt(count), `correlation [${i}][${j}]`);
      }
    }
  });

  test('without a factor, columns are independent', () => {
    const model = gbm({ mu: 0, sigma: [0.8, 0.8], years: 10 / 365, steps: 10 });
    const { correlation, count } = incrementStatistics(model, 10_000, 6);
    near(correlation[1]?.[0] as number, 0, 1 / Math.sqrt(count), 'correlation');
  });

  test('prepare() reorders the matrix into the account\'s instrument order before factoring it', () => {
    // Listed as SOL, BTC, ETH; the account's order is BTC, ETH, SOL.
    const model = prepared({
      account: THREE_ACCOUNT, horizonDays: '7', steps: 7,
      model: {
        type: 'gbm', volatility: { BTCUSDT: '0.6', ETHUSDT: '0.8', SOLUSDT: '1.1' },
        correlation: {
          instruments: ['SOLUSDT', 'BTCUSDT', 'ETHUSDT'],
          matrix: [['1', '0.5', '0.6'], ['0.5', '1', '0.8'], ['0.6', '0.8', '1']],
        },
      },
    });
    const factor = model.terms.cholesky;
    assert.ok(factor);
    const expected = [[1, 0.8, 0.5], [0.8, 1, 0.6], [0.5, 0.6, 1]];
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        let product = 0;
        for (let k = 0; k < 3; k++) product += (factor[i * 3 + k] as number) * (factor[j * 3 + k] as number);
        assert.ok(Math.abs(product - (expected[i]?.[j] as number)) < 1e-12, `(L Lᵀ)[${i}][${j}] = ${product}`);
      }
    }
    const dt = 7 / 365 / 7;
    assert.deepEqual(model.terms.diffusion.map((d) => Math.round((d / Math.sqrt(dt)) * 1e12) / 1e12), [0.6, 0.8, 1.1]);
  });
});

describe('cholesky', () => {
  function product(factor: Float64Array, n: number): number[][] {
    return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => {
      let sum = 0;
      for (let k = 0; k < n; k++) sum += (factor[i * n + k] as number) * (factor[j * n + k] as number);
      return sum;
    }));
  }

  test('a positive-definite matrix: lower triangular L with L Lᵀ = the matrix', () => {
    const matrix = [[1, 0.5, 0.3, 0.1], [0.5, 1, -0.4, 0.2], [0.3, -0.4, 1, 0], [0.1, 0.2, 0, 1]];
    const factor = cholesky(matrix);
    assert.ok(factor instanceof Float64Array);
    for (let i = 0; i < 4; i++) for (let j = i + 1; j < 4; j++) assert.equal(factor[i * 4 + j], 0);
    for (let i = 0; i < 4; i++) assert.ok((factor[i * 5] as number) > 0);
    const back = product(factor, 4);
    for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) assert.ok(Math.abs((back[i]?.[j] as number) - (matrix[i]?.[j] as number)) < 1e-12);
  });

  test('the identity factors to itself; a 1 × 1 matrix to its square root', () => {
    assert.deepEqual(Array.from(cholesky([[1, 0], [0, 1]]) as Float64Array), [1, 0, 0, 1]);
    assert.deepEqual(Array.from(cholesky([[4]]) as Float64Array), [2]);
  });

  test('a singular but positive semi-definite matrix (perfect correlation) factors', () => {
    const factor = cholesky([[1, 1], [1, 1]]);
    assert.ok(factor instanceof Float64Array);
    assert.deepEqual(Array.from(factor), [1, 0, 1, 0]);
  });

  test('a matrix that is not positive definite: the index of the row where the factorisation fails', () => {
    assert.equal(cholesky([[-1]]), 0);
    assert.equal(cholesky([[1, 2], [2, 1]]), 1);
    assert.equal(cholesky([[1, -1.5], [-1.5, 1]]), 1);
    assert.equal(cholesky([[1, 0.9, 0.9], [0.9, 1, -0.9], [0.9, -0.9, 1]]), 2);
    assert.equal(cholesky([[1, 0, 0], [0, -2, 0], [0, 0, 1]]), 1);
  });

  test('an indefinite matrix behind a zero pivot is refused, not factored into a different matrix', () => {
    // Rows 0 and 1 are perfectly correlated, so row 2 must correlate with both alike; it does not.
    const matrix = [[1, 1, 0], [1, 1, 0.5], [0, 0.5, 1]];
    const factor = cholesky(matrix);
    if (factor instanceof Float64Array) {
      const back = product(factor, 3);
      assert.fail(`returned a factor whose L Lᵀ is ${JSON.stringify(back)}, not the matrix`);
    }
    assert.equal(typeof factor, 'number');
  });
});

describe('BootstrapModel', () => {
  // Returns 1, 2, ..., 10: each increment names the historical return it came from, exactly.
  const returns = Float64Array.from({ length: 10 }, (_, i) => i + 1);

  function increments(out: Float64Array, steps: number): number[] {
    return Array.from({ length: steps }, (_, k) => (out[k] as number) - (k === 0 ? 0 : (out[k - 1] as number)));
  }

  for (const { block, steps } of [{ block: 3, steps: 12 }, { block: 4, steps: 10 }, { block: 1, steps: 7 }, { block: 10, steps: 25 }]) {
    test(`block ${block}, ${steps} steps: only historical returns, in runs of ${block} consecutive ones (the last run cut at the horizon)`, () => {
      const model = new BootstrapModel(steps, returns, block);
      assert.equal(model.columns, 1);
      assert.equal(model.steps, steps);
      const starts = returns.length - block + 1;
      const firstSeen = new Float64Array(starts + 1);
      const paths = 2000;
      eachPath(model, paths, 9, (out, range) => {
        const moves = increments(out, steps);
        for (let b = 0; b * block < steps; b++) {
          const run = moves.slice(b * block, (b + 1) * block);
          const first = run[0] as number;
          assert.ok(Number.isInteger(first) && first >= 1 && first <= starts, `a block starts at return ${first}`);
          run.forEach((value, j) => assert.equal(value, first + j, `block ${b} is not consecutive: ${run.join(', ')}`));
          firstSeen[first] = (firstSeen[first] as number) + 1;
        }
        assert.equal(range[0], Math.min(...out.subarray(0, steps)));
        assert.equal(range[1], Math.max(...out.subarray(0, steps)));
      });
      // Every start is drawn, about equally often (chi-square, starts - 1 degrees of freedom).
      const blocks = paths * Math.ceil(steps / block);
      if (starts > 1) {
        let chi2 = 0;
        for (let s = 1; s <= starts; s++) chi2 += ((firstSeen[s] as number) - blocks / starts) ** 2 / (blocks / starts);
        assert.ok(chi2 < starts - 1 + 5 * Math.sqrt(2 * (starts - 1)), `chi-square ${chi2} over ${starts} starts`);
      } else {
        assert.equal(firstSeen[1], blocks);
      }
    });
  }

  test('paths are reproducible from (seed, path) and differ between paths', () => {
    const model = new BootstrapModel(12, returns, 3);
    const random = new PathRandom();
    const run = (seed: number, path: number): number[] => {
      const out = new Float64Array(12);
      random.reset(seed, path);
      model.generate(random, out, new Float64Array(2));
      return Array.from(out);
    };
    assert.deepEqual(run(1, 4), run(1, 4));
    const distinct = new Set(Array.from({ length: 20 }, (_, p) => run(1, p).join(',')));
    assert.ok(distinct.size > 15);
  });

  test('real log returns: x is the running sum, and range holds its min and max', () => {
    const real = Float64Array.from([0.01, -0.02, 0.005, -0.03, 0.04]);
    const model = new BootstrapModel(9, real, 2);
    eachPath(model, 200, 3, (out, range) => {
      const moves = increments(out, 9);
      for (const move of moves) assert.ok([...real].some((r) => Math.abs(r - move) < 1e-12), `a move ${move} that is no historical return`);
      assert.equal(range[0], Math.min(...out));
      assert.equal(range[1], Math.max(...out));
    });
  });
});

describe('ReplayModel', () => {
  const moves = Float64Array.from([0.01, -0.03, 0.02, -0.05, 0.04]);

  test('the same path whatever the generator, and no draws taken from it', () => {
    const model = new ReplayModel(moves);
    assert.equal(model.steps, 5);
    assert.equal(model.columns, 1);
    for (const [seed, path] of [[1, 0], [2, 9], [99, 12345]] as const) {
      const random = new PathRandom();
      random.reset(seed, path);
      const out = new Float64Array(5).fill(Number.NaN);
      const range = new Float64Array(2);
      model.generate(random, out, range);
      assert.deepEqual(out, moves);
      assert.deepEqual(Array.from(range), [-0.05, 0.04]);
      const fresh = new PathRandom();
      fresh.reset(seed, path);
      assert.equal(random.next(), fresh.next(), 'the replay drew from the generator');
    }
  });

  test('the model keeps its own copy of the moves\' range: later paths overwrite out, not the model', () => {
    const model = new ReplayModel(Float64Array.from(moves));
    const out = new Float64Array(5);
    const range = new Float64Array(2);
    model.generate(new PathRandom(), out, range);
    out.fill(7);
    range.fill(7);
    model.generate(new PathRandom(), out, range);
    assert.deepEqual(out, moves);
    assert.deepEqual(Array.from(range), [-0.05, 0.04]);
  });
});

describe('range', () => {
  for (const columns of [1, 3]) {
    test(`GBM with jumps and gaps, ${columns} column(s): range holds each column's min and max over the path`, () => {
      const factor = columns === 3 ? cholesky([[1, 0.3, 0.2], [0.3, 1, 0.1], [0.2, 0.1, 1]]) : null;
      assert.ok(factor === null || factor instanceof Float64Array);
      const model = gbm({
        mu: 0.1, sigma: Array(columns).fill(0.9), years: 15 / 365, steps: 15, cholesky: factor,
        jumps: { intensity: 50, mean: -0.02, stdev: 0.04 }, gapCounts: Uint8Array.from({ length: 15 }, (_, k) => (k % 5 === 4 ? 1 : 0)), gapStdev: 0.02,
      });
      eachPath(model, 500, 8, (out, range) => {
        for (let i = 0; i < columns; i++) {
          const column = Array.from({ length: 15 }, (_, k) => out[k * columns + i] as number);
          assert.equal(range[2 * i], Math.min(...column));
          assert.equal(range[2 * i + 1], Math.max(...column));
        }
      });
    });
  }
});

describe('prepare() models from start times', () => {
  test('the default start is a Monday, so weekend gaps land every 7 calendar days', () => {
    const model = prepared({
      account: BTC_ACCOUNT, horizonDays: '21', steps: 21,
      model: { type: 'gbm', volatility: '0.5', gaps: { every: 'weekend', stdev: '0.02' } },
    });
    const counts = model.terms.gapCounts;
    assert.ok(counts);
    assert.deepEqual([...counts.entries()].filter(([, c]) => c > 0).map(([k]) => k + 1), [7, 14, 21]);
  });
});
