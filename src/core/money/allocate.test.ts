// Checks allocateUnits (largest remainder / Hamilton): the parts always sum exactly to the total,
// each part is the floor or the ceiling of its exact share (so within one unit of it), the extra
// units go to the largest remainders with ties to the earlier part (as the module documents), all
// zero weights split equally, and a larger weight never gets fewer units.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { allocateUnits } from './allocate.js';
import { rational, type Rational } from './rational.js';

const whole = (values: readonly number[]): Rational[] => values.map((value) => rational(BigInt(value)));

/** floor(n / d) for d > 0, by integer logic only. */
function floorDivide(n: bigint, d: bigint): bigint {
  const truncated = n / d;
  return n % d !== 0n && n < 0n ? truncated - 1n : truncated;
}

/**
 * Weights n_i / d_i brought over the common denominator D = Π d_i: W_i = n_i × D / d_i, so the exact
 * share of part i is total × W_i / Σ W (all bigints).
 */
function integerWeights(weights: readonly Rational[]): bigint[] {
  const common = weights.reduce((product, weight) => product * weight.denominator, 1n);
  return weights.map((weight) => weight.numerator * (common / weight.denominator));
}

/** The integer weights the allocation uses, and their sum: all-zero weights count as equal. */
function effectiveWeights(weights: readonly Rational[]): { integer: bigint[]; weightSum: bigint } {
  const integer = integerWeights(weights);
  const weightSum = integer.reduce((a, b) => a + b, 0n);
  return weightSum === 0n ? { integer: integer.map(() => 1n), weightSum: BigInt(weights.length) } : { integer, weightSum };
}

describe('allocateUnits', () => {
  test('worked examples', () => {
    // 10 by 0.5 : 0.3 : 0.2 -> 5, 3, 2 exactly.
    assert.deepEqual(allocateUnits(10n, [rational(1n, 2n), rational(3n, 10n), rational(1n, 5n)]), [5n, 3n, 2n]);
    // 7 by 1 : 2 : 3 : 4 -> shares 0.7, 1.4, 2.1, 2.8; floors 0, 1, 2, 2 (sum 5); the 2 left over go to
    // the largest remainders .8 (part 4) and .7 (part 1) -> 1, 1, 2, 3.
    assert.deepEqual(allocateUnits(7n, whole([1, 2, 3, 4])), [1n, 1n, 2n, 3n]);
    // 100 by 1 : 1 : 1 -> 33.33 each; one unit left over, to the first -> 34, 33, 33.
    assert.deepEqual(allocateUnits(100n, whole([1, 1, 1])), [34n, 33n, 33n]);
    // 5 by 0 : 1 -> 0, 5: a zero weight gets nothing when another weight is positive.
    assert.deepEqual(allocateUnits(5n, whole([0, 1])), [0n, 5n]);
    assert.deepEqual(allocateUnits(0n, whole([3, 1])), [0n, 0n]);
    assert.deepEqual(allocateUnits(9n, whole([4])), [9n]);
  });

  test('no weights, no parts', () => {
    assert.deepEqual(allocateUnits(10n, []), []);
  });

  test('all-zero weights split equally, the earlier parts taking the leftover', () => {
    // 10 / 3 = 3.33: floors 3, 3, 3; one unit left -> 4, 3, 3.
    assert.deepEqual(allocateUnits(10n, whole([0, 0, 0])), [4n, 3n, 3n]);
    assert.deepEqual(allocateUnits(9n, whole([0, 0, 0])), [3n, 3n, 3n]);
    assert.deepEqual(allocateUnits(2n, whole([0, 0, 0, 0])), [1n, 1n, 0n, 0n]);
  });

  test('ties go to the earlier part (the module\'s documented order)', () => {
    assert.deepEqual(allocateUnits(1n, whole([1, 1, 1])), [1n, 0n, 0n]);
    assert.deepEqual(allocateUnits(2n, whole([1, 1, 1])), [1n, 1n, 0n]);
    // Ties among the largest remainders only: 3 by 2 : 1 : 2 : 1 -> shares 1, .5, 1, .5;
    // floors 1, 0, 1, 0; one unit to the first .5 (part 2) -> 1, 1, 1, 0.
    assert.deepEqual(allocateUnits(3n, whole([2, 1, 2, 1])), [1n, 1n, 1n, 0n]);
    // The same weights in another order: shares .5, 1, .5, 1; the tied .5s are now parts 1 and 3 ->
    // the unit goes to part 1: 1, 1, 0, 1.
    assert.deepEqual(allocateUnits(3n, whole([1, 2, 1, 2])), [1n, 1n, 0n, 1n]);
  });

  test('a negative total is split by the same rule: floors, then +1 to the largest remainders', () => {
    // -10 / 3 = -3.33: floors -4, -4, -4 (sum -12); remainders 2/3 each; 2 units back to the first two.
    assert.deepEqual(allocateUnits(-10n, whole([1, 1, 1])), [-3n, -3n, -4n]);
    assert.deepEqual(allocateUnits(-7n, whole([1, 2, 3, 4])), [-1n, -1n, -2n, -3n]);
  });

  const weightArb = fc.oneof(
    fc.nat({ max: 1000 }).map((value) => rational(BigInt(value))),
    fc.tuple(fc.nat({ max: 10 ** 6 }), fc.integer({ min: 1, max: 1000 }))
      .map(([numerator, denominator]) => rational(BigInt(numerator), BigInt(denominator))),
    fc.constant(rational(0n)),
  );
  const weightsArb = fc.array(weightArb, { minLength: 1, maxLength: 8 });
  const totalArb = fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n });

  test('parts sum exactly to the total (fc)', () => {
    fc.assert(fc.property(totalArb, weightsArb, (total, weights) => {
      const parts = allocateUnits(total, weights);
      assert.equal(parts.length, weights.length);
      assert.equal(parts.reduce((a, b) => a + b, 0n), total);
    }), { numRuns: 500 });
  });

  test('each part is the floor or ceiling of its exact share, so within one unit of it (fc)', () => {
    fc.assert(fc.property(totalArb, weightsArb, (total, weights) => {
      const parts = allocateUnits(total, weights);
      const { integer, weightSum } = effectiveWeights(weights);
      parts.forEach((part, index) => {
        const scaled = total * (integer[index] as bigint); // share × weightSum
        const floor = floorDivide(scaled, weightSum);
        assert.ok(part === floor || part === floor + 1n, `part ${index}: ${part} vs floor ${floor}`);
        // |part - share| < 1  <=>  |part × weightSum - total × weight| < weightSum
        const error = part * weightSum - scaled;
        assert.ok((error < 0n ? -error : error) < weightSum);
      });
    }), { numRuns: 500 });
  });

  test('extra units go to the largest remainders, ties to the earlier part (fc)', () => {
    fc.assert(fc.property(totalArb, weightsArb, (total, weights) => {
      const parts = allocateUnits(total, weights);
      const { integer, weightSum } = effectiveWeights(weights);
      // remainder_i × weightSum = total × W_i - floor_i × weightSum, in [0, weightSum).
      const scaledRemainders = integer.map((weight) => {
        const scaled = total * weight;
        return scaled - floorDivide(scaled, weightSum) * weightSum;
      });
      const raised = parts.map((part, index) =>
        part * weightSum !== total * (integer[index] as bigint) - (scaledRemainders[index] as bigint));
      for (let i = 0; i < parts.length; i += 1) {
        for (let j = 0; j < parts.length; j += 1) {
          if (!raised[i] || raised[j]) continue;
          // i got an extra unit and j did not: i's remainder is larger, or equal and i comes first.
          const ri = scaledRemainders[i] as bigint;
          const rj = scaledRemainders[j] as bigint;
          assert.ok(ri > rj || (ri === rj && i < j), `part ${i} raised over part ${j}`);
        }
      }
    }), { numRuns: 500 });
  });

  test('a larger weight never gets fewer units, for a non-negative total (fc)', () => {
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: 10n ** 15n }), weightsArb, (total, weights) => {
      const parts = allocateUnits(total, weights);
      const integer = integerWeights(weights);
      for (let i = 0; i < parts.length; i += 1) {
        for (let j = 0; j < parts.length; j += 1) {
          if ((integer[i] as bigint) > (integer[j] as bigint)) assert.ok((parts[i] as bigint) >= (parts[j] as bigint));
        }
      }
    }), { numRuns: 300 });
  });

  test('scaling every weight by the same positive factor changes nothing (fc)', () => {
    fc.assert(fc.property(totalArb, weightsArb, fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 1, max: 1000 }),
      (total, weights, numerator, denominator) => {
        const factor = rational(BigInt(numerator), BigInt(denominator));
        const scaled = weights.map((weight) => rational(weight.numerator * factor.numerator, weight.denominator * factor.denominator));
        assert.deepEqual(allocateUnits(total, scaled), allocateUnits(total, weights));
      }), { numRuns: 300 });
  });
});
