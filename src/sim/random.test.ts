// PathRandom: one reproducible stream per (seed, path), uniforms in (0, 1), ziggurat normals and
// exponentials. Statistical checks use tolerances of 5 standard errors (or the KS critical value at
// 0.001), so a correct generator fails one of them about once in a million runs; every draw comes
// from fixed seeds, so a run either always passes or always fails.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PathRandom } from './random.js';

function stream(seed: number, path: number): PathRandom {
  const random = new PathRandom();
  random.reset(seed, path);
  return random;
}

function draws(random: PathRandom, count: number, draw: (random: PathRandom) => number): Float64Array {
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) out[i] = draw(random);
  return out;
}

const bits = (random: PathRandom): number => random.next();

/** Complementary error function, fractional error below 1.2e-7 (Numerical Recipes' erfcc, Chebyshev fit). */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
    + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
    + t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? r : 2 - r;
}

/** P(Z > x) and P(Z <= x) for a standard normal Z. */
const upper = (x: number): number => 0.5 * erfc(x / Math.SQRT2);
const cdf = (x: number): number => 1 - upper(x);

/** Within `k` standard errors. */
function near(actual: number, expected: number, standardError: number, what: string, k = 5): void {
  assert.ok(Math.abs(actual - expected) <= k * standardError,
    `${what}: ${actual} is ${((actual - expected) / standardError).toFixed(2)} standard errors from ${expected} (SE ${standardError})`);
}

describe('PathRandom streams', () => {
  test('matches the reference xoshiro128** output from a known state', () => {
    // State and outputs of Vigna's C reference (xoshiro128starstar.c) from the xoshiro-6502 project's
    // test data; the state is private, set here only to pin the generator itself.
    const random = new PathRandom();
    Object.assign(random, { s0: 0x964d4a0c | 0, s1: 0xd40ab895 | 0, s2: 0xad7fdecb | 0, s3: 0x3006f0f0 | 0 });
    assert.deepEqual(Array.from({ length: 4 }, () => random.next() >>> 0), [0xf1391922, 0x6fe53806, 0xa5be2840, 0xf510ee70]);
  });

  test('the same seed and path give the same sequence, in another instance too', () => {
    const a = draws(stream(42, 7), 1000, bits);
    const b = draws(stream(42, 7), 1000, bits);
    assert.deepEqual(a, b);
    const normalsA = draws(stream(42, 7), 1000, (random) => random.normal());
    const normalsB = draws(stream(42, 7), 1000, (random) => random.normal());
    assert.deepEqual(normalsA, normalsB);
  });

  test('reset positions the stream at its start: twice on one instance gives the same, whatever was drawn before', () => {
    const random = new PathRandom();
    random.reset(9, 3);
    const first = draws(random, 500, (r) => r.normal());
    random.reset(1, 1);
    draws(random, 123, bits);
    random.reset(9, 3);
    const second = draws(random, 500, (r) => r.normal());
    random.reset(9, 3);
    const third = draws(random, 500, (r) => r.normal());
    assert.deepEqual(second, first);
    assert.deepEqual(third, first);
  });

  test('a different path or seed gives a different sequence (also past 2^32, where only the high word differs)', () => {
    const sequences = new Map<string, string>();
    const pairs: readonly (readonly [number, number])[] = [
      [1, 0], [1, 1], [1, 2], [2, 0], [2, 1], [0, 0], [0, 1],
      [1, 2 ** 32], [2 ** 32 + 1, 0], [2 ** 32, 0], [2 ** 32, 1], [Number.MAX_SAFE_INTEGER, 0], [1, Number.MAX_SAFE_INTEGER],
    ];
    for (const [seed, path] of pairs) {
      const key = Array.from(draws(stream(seed, path), 8, bits)).join(',');
      const taken = sequences.get(key);
      assert.equal(taken, undefined, `seed ${seed} path ${path} repeats the sequence of ${taken}`);
      sequences.set(key, `seed ${seed} path ${path}`);
    }
  });

  test('neighbouring paths are uncorrelated', () => {
    const n = 100_000;
    const a = draws(stream(1, 0), n, (r) => r.normal());
    const b = draws(stream(1, 1), n, (r) => r.normal());
    let sum = 0;
    for (let i = 0; i < n; i++) sum += (a[i] as number) * (b[i] as number);
    near(sum / n, 0, 1 / Math.sqrt(n), 'correlation of paths 0 and 1');
  });
});

describe('uniform', () => {
  test('lies strictly inside (0, 1) even at the extreme words', () => {
    // Override the word source: the smallest and largest 32-bit words map to 2^-33 and 1 - 2^-33.
    class Fixed extends PathRandom {
      constructor(private readonly word: number) { super(); }
      override next(): number { return this.word; }
    }
    const low = new Fixed(0).uniform();
    const high = new Fixed(-1).uniform();
    assert.equal(low, 2 ** -33);
    assert.equal(high, 1 - 2 ** -33);
    assert.ok(Number.isFinite(new Fixed(0).exponential()));
    assert.ok(new Fixed(-1).exponential() > 0);
  });

  test('over a million draws: never 0 or 1, mean 1/2 and variance 1/12', () => {
    const n = 1_000_000;
    const random = stream(5, 0);
    let sum = 0;
    let squares = 0;
    let lo = 1;
    let hi = 0;
    for (let i = 0; i < n; i++) {
      const u = random.uniform();
      sum += u;
      squares += u * u;
      if (u < lo) lo = u;
      if (u > hi) hi = u;
    }
    assert.ok(lo > 0 && hi < 1, `range [${lo}, ${hi}]`);
    const mean = sum / n;
    near(mean, 0.5, Math.sqrt(1 / 12 / n), 'uniform mean');
    // Var(U²) = 1/5 - 1/9 = 4/45.
    near(squares / n, 1 / 3, Math.sqrt(4 / 45 / n), 'uniform second moment');
  });
});

describe('normal', () => {
  const N = 2_000_000;
  const z = draws(stream(2026, 0), N, (r) => r.normal());

  test('the reference normal CDF used here is right', () => {
    assert.ok(Math.abs(2 * upper(2) - 0.04550026389635842) < 1e-8);
    assert.ok(Math.abs(2 * upper(3) / 0.0026997960632601866 - 1) < 1e-6);
    assert.ok(Math.abs(upper(3.5) / 2.3262907903552504e-4 - 1) < 1e-6);
    assert.ok(Math.abs(cdf(-1) - 0.15865525393145707) < 1e-8);
  });

  test('moments over 2 million draws: mean 0, variance 1, skew 0, excess kurtosis 0', () => {
    let s1 = 0;
    for (let i = 0; i < N; i++) s1 += z[i] as number;
    const mean = s1 / N;
    let m2 = 0;
    let m3 = 0;
    let m4 = 0;
    for (let i = 0; i < N; i++) {
      const d = (z[i] as number) - mean;
      const d2 = d * d;
      m2 += d2;
      m3 += d2 * d;
      m4 += d2 * d2;
    }
    m2 /= N;
    m3 /= N;
    m4 /= N;
    // Standard errors under normality: mean 1/√n, variance √(2/n), skew √(6/n), excess kurtosis √(24/n).
    near(mean, 0, 1 / Math.sqrt(N), 'mean');
    near(m2, 1, Math.sqrt(2 / N), 'variance');
    near(m3 / m2 ** 1.5, 0, Math.sqrt(6 / N), 'skewness');
    near(m4 / (m2 * m2) - 3, 0, Math.sqrt(24 / N), 'excess kurtosis');
  });

  test('tail frequencies: P(|Z| > 2), P(|Z| > 3), P(|Z| > r) at the ziggurat\'s tail start r, P(Z > 3.5), P(Z < -3.5), P(|Z| > 4)', () => {
    const R = 3.442619855899;
    const thresholds = [
      { what: 'P(|Z| > 2)', p: 2 * upper(2), hit: (x: number) => Math.abs(x) > 2 },
      { what: 'P(|Z| > 3)', p: 2 * upper(3), hit: (x: number) => Math.abs(x) > 3 },
      { what: 'P(|Z| > r)', p: 2 * upper(R), hit: (x: number) => Math.abs(x) > R },
      { what: 'P(Z > 3.5)', p: upper(3.5), hit: (x: number) => x > 3.5 },
      { what: 'P(Z < -3.5)', p: upper(3.5), hit: (x: number) => x < -3.5 },
      { what: 'P(|Z| > 4)', p: 2 * upper(4), hit: (x: number) => Math.abs(x) > 4 },
    ];
    for (const { what, p, hit } of thresholds) {
      let count = 0;
      for (let i = 0; i < N; i++) if (hit(z[i] as number)) count++;
      near(count / N, p, Math.sqrt((p * (1 - p)) / N), what);
    }
  });

  test('the tail path: values beyond r come from the normal tail, conditional mean E[Z | Z > r]', () => {
    const R = 3.442619855899;
    let count = 0;
    let sum = 0;
    let squares = 0;
    for (let i = 0; i < N; i++) {
      const x = Math.abs(z[i] as number);
      if (x > R) { count++; sum += x; squares += x * x; }
    }
    // Inverse Mills ratio: E[Z | Z > r] = φ(r) / (1 - Φ(r)).
    const expected = Math.exp(-0.5 * R * R) / Math.sqrt(2 * Math.PI) / upper(R);
    const mean = sum / count;
    const sd = Math.sqrt(squares / count - mean * mean);
    near(mean, expected, sd / Math.sqrt(count), 'E[|Z| | |Z| > r]');
  });

  test('Kolmogorov–Smirnov on 200k draws: D below the critical value at 0.001 (1.95/√n)', () => {
    const n = 200_000;
    const sample = draws(stream(77, 3), n, (r) => r.normal()).sort();
    let d = 0;
    for (let i = 0; i < n; i++) {
      const f = cdf(sample[i] as number);
      d = Math.max(d, f - i / n, (i + 1) / n - f);
    }
    assert.ok(d < 1.95 / Math.sqrt(n), `KS D = ${d}, critical ${1.95 / Math.sqrt(n)}`);
  });

  test('chi-square on 2 million draws in 200 equiprobable bins', () => {
    const bins = 200;
    const counts = new Float64Array(bins);
    for (let i = 0; i < N; i++) {
      const bin = Math.min(bins - 1, Math.floor(cdf(z[i] as number) * bins));
      counts[bin] = (counts[bin] as number) + 1;
    }
    const expected = N / bins;
    let chi2 = 0;
    for (const count of counts) chi2 += (count - expected) ** 2 / expected;
    // 199 degrees of freedom: mean 199, sd √398 ≈ 19.9; 5 SE ≈ the 1e-6 quantile's neighbourhood.
    assert.ok(chi2 < 199 + 5 * Math.sqrt(2 * 199), `chi-square ${chi2} with 199 degrees of freedom`);
  });

  test('successive normals are uncorrelated (lag 1 and lag 2), and their squares too', () => {
    let lag1 = 0;
    let lag2 = 0;
    let squares = 0;
    for (let i = 1; i < N; i++) {
      const x = z[i] as number;
      const prev = z[i - 1] as number;
      lag1 += x * prev;
      if (i >= 2) lag2 += x * (z[i - 2] as number);
      squares += (x * x - 1) * (prev * prev - 1);
    }
    near(lag1 / (N - 1), 0, 1 / Math.sqrt(N - 1), 'lag-1 correlation');
    near(lag2 / (N - 2), 0, 1 / Math.sqrt(N - 2), 'lag-2 correlation');
    // Var((Z² - 1)(Z'² - 1)) = 2 × 2 = 4.
    near(squares / (N - 1), 0, 2 / Math.sqrt(N - 1), 'lag-1 covariance of squares');
  });
});

describe('exponential', () => {
  test('mean 1 and variance 1 over a million draws, never negative', () => {
    const n = 1_000_000;
    const random = stream(11, 4);
    let sum = 0;
    let squares = 0;
    let lo = Infinity;
    for (let i = 0; i < n; i++) {
      const e = random.exponential();
      sum += e;
      squares += e * e;
      if (e < lo) lo = e;
    }
    assert.ok(lo > 0);
    const mean = sum / n;
    near(mean, 1, 1 / Math.sqrt(n), 'exponential mean');
    // E[E²] = 2, Var(E²) = 24 - 4 = 20.
    near(squares / n, 2, Math.sqrt(20 / n), 'exponential second moment');
  });
});
