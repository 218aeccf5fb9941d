// Checks divideIntegers, the one place a quotient is rounded: an exhaustive sweep of small
// numerators and denominators (both signs) against a reference built from floor division, for all
// six modes; then the same laws on large bigints with fast-check.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { divideIntegers, type RoundingMode } from './rounding.js';

const MODES: readonly RoundingMode[] = ['floor', 'ceiling', 'down', 'up', 'half-even', 'half-up'];

/** floor(n / d) by integer logic only: truncate, then step down when the signs differ and it is inexact. */
function floorDivide(n: bigint, d: bigint): bigint {
  const truncated = n / d;
  return n % d !== 0n && (n < 0n) !== (d < 0n) ? truncated - 1n : truncated;
}

/** The reference: floor and ceiling bracket n/d; the mode picks one by sign or by distance. */
function reference(n: bigint, d: bigint, mode: RoundingMode): bigint {
  const floor = floorDivide(n, d);
  const remainder = n - floor * d; // has d's sign (or is 0); n/d - floor = remainder / d in [0, 1)
  if (remainder === 0n) return floor;
  const ceiling = floor + 1n;
  const positive = (n < 0n) === (d < 0n); // sign of n/d (n is not 0 here)
  const twice = 2n * (remainder < 0n ? -remainder : remainder);
  const size = d < 0n ? -d : d;
  switch (mode) {
    case 'floor': return floor;
    case 'ceiling': return ceiling;
    case 'down': return positive ? floor : ceiling;
    case 'up': return positive ? ceiling : floor;
    case 'half-up':
      if (twice !== size) return twice < size ? floor : ceiling;
      return positive ? ceiling : floor;
    case 'half-even':
      if (twice !== size) return twice < size ? floor : ceiling;
      return floor % 2n === 0n ? floor : ceiling;
  }
}

describe('divideIntegers', () => {
  test('matches the reference for every n in [-60, 60], d in [-12, 12] \\ {0}, every mode', () => {
    let checked = 0;
    for (let n = -60n; n <= 60n; n += 1n) {
      for (let d = -12n; d <= 12n; d += 1n) {
        if (d === 0n) continue;
        for (const mode of MODES) {
          assert.equal(divideIntegers(n, d, mode), reference(n, d, mode), `${n} / ${d} ${mode}`);
          checked += 1;
        }
      }
    }
    assert.equal(checked, 121 * 24 * 6);
  });

  test('worked examples: ±7 / ±2 = ±3.5 and ±5 / ±2 = ±2.5 (ties), ±7 / 3 = ±2.33...', () => {
    // 3.5: half-even -> 4 (even), half-up -> 4; 2.5: half-even -> 2, half-up -> 3.
    const cases: [bigint, bigint, RoundingMode, bigint][] = [
      [7n, 2n, 'half-even', 4n], [7n, 2n, 'half-up', 4n], [5n, 2n, 'half-even', 2n], [5n, 2n, 'half-up', 3n],
      [-7n, 2n, 'half-even', -4n], [-7n, 2n, 'half-up', -4n], [-5n, 2n, 'half-even', -2n], [-5n, 2n, 'half-up', -3n],
      [5n, -2n, 'half-even', -2n], [-5n, -2n, 'half-up', 3n], [-5n, -2n, 'half-even', 2n],
      [7n, 3n, 'floor', 2n], [7n, 3n, 'ceiling', 3n], [-7n, 3n, 'floor', -3n], [-7n, 3n, 'ceiling', -2n],
      [-7n, 3n, 'down', -2n], [-7n, 3n, 'up', -3n], [7n, -3n, 'down', -2n], [7n, -3n, 'up', -3n],
      [-8n, 3n, 'half-up', -3n], [-7n, 3n, 'half-up', -2n], [1n, 2n, 'half-even', 0n], [-1n, 2n, 'half-even', 0n],
      [3n, 2n, 'half-even', 2n], [-3n, 2n, 'half-even', -2n], [0n, -5n, 'up', 0n], [6n, -3n, 'floor', -2n],
    ];
    for (const [n, d, mode, expected] of cases) assert.equal(divideIntegers(n, d, mode), expected, `${n} / ${d} ${mode}`);
  });

  test('a zero denominator throws', () => {
    for (const mode of MODES) assert.throws(() => divideIntegers(1n, 0n, mode), RangeError);
    assert.throws(() => divideIntegers(0n, 0n, 'floor'), RangeError);
  });

  test('matches the reference on large operands (fc)', () => {
    const big = fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n });
    const nonZero = fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }).filter((d) => d !== 0n);
    fc.assert(fc.property(big, nonZero, fc.constantFrom(...MODES), (n, d, mode) => {
      assert.equal(divideIntegers(n, d, mode), reference(n, d, mode));
    }), { numRuns: 2000 });
  });

  test('ties are hit on purpose: (2k + 1) × d / (2d) for every nearest mode (fc)', () => {
    fc.assert(fc.property(fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }), fc.bigInt({ min: 1n, max: 10n ** 9n }),
      fc.boolean(), (k, d, flip) => {
        const n = (2n * k + 1n) * d;
        const divisor = flip ? -2n * d : 2n * d;
        const even = divideIntegers(n, divisor, 'half-even');
        const up = divideIntegers(n, divisor, 'half-up');
        assert.equal(even % 2n, 0n);
        assert.equal(even, reference(n, divisor, 'half-even'));
        assert.equal(up, reference(n, divisor, 'half-up'));
        // Half-up is the away-from-zero neighbour: |up| > |exact| = |2k + 1| / 2.
        const magnitude = up < 0n ? -up : up;
        const exactTwice = (2n * k + 1n) < 0n ? -(2n * k + 1n) : 2n * k + 1n;
        assert.ok(2n * magnitude > exactTwice);
      }), { numRuns: 500 });
  });

  test('negating the numerator or the denominator mirrors the result: floor <-> ceiling, the rest odd (fc)', () => {
    const big = fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n });
    const nonZero = fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }).filter((d) => d !== 0n);
    fc.assert(fc.property(big, nonZero, (n, d) => {
      assert.equal(divideIntegers(-n, d, 'floor'), -divideIntegers(n, d, 'ceiling'));
      assert.equal(divideIntegers(n, -d, 'floor'), -divideIntegers(n, d, 'ceiling'));
      for (const mode of ['down', 'up', 'half-up'] as const) {
        assert.equal(divideIntegers(-n, d, mode), -divideIntegers(n, d, mode), mode);
      }
      assert.equal(divideIntegers(-n, -d, 'half-even'), divideIntegers(n, d, 'half-even'));
    }), { numRuns: 500 });
  });
});
