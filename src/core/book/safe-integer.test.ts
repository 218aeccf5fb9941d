import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { addAmounts, ceilingDivide, ceilingDivideBig, floorDivide, floorDivideBig, SAFE_BOUND, toSafeNumber } from './safe-integer.js';

const numerator = fc.integer({ min: -(SAFE_BOUND - 1), max: SAFE_BOUND - 1 });
const denominator = fc.oneof(
  fc.integer({ min: 1, max: 1000 }),
  fc.integer({ min: 1, max: SAFE_BOUND - 1 }),
);

describe('exact integer division in doubles', () => {
  test('floorDivide and ceilingDivide agree with bigint division below 2^52', () => {
    fc.assert(fc.property(numerator, denominator, (n, d) => {
      assert.equal(floorDivide(n, d), Number(floorDivideBig(BigInt(n), BigInt(d))));
      assert.equal(ceilingDivide(n, d), Number(ceilingDivideBig(BigInt(n), BigInt(d))));
    }), { numRuns: 2000 });
  });

  test('quotients just below an integer, where the double quotient rounds up, still floor correctly', () => {
    // (k × d - 1) / d = k - 1/d rounds to k in binary64 when k is large; the remainder corrects it.
    const d = 3;
    const k = 2 ** 50;
    assert.equal(floorDivide(k * d - 1, d), k - 1);
    assert.equal(ceilingDivide(-(k * d - 1), d), -(k - 1));
    assert.equal(floorDivide(-7, 2), -4);
    assert.equal(ceilingDivide(7, 2), 4);
    assert.equal(ceilingDivide(-7, 2), -3);
  });

  test('bigint floor and ceiling round toward minus and plus infinity', () => {
    assert.equal(floorDivideBig(-7n, 2n), -4n);
    assert.equal(floorDivideBig(7n, 2n), 3n);
    assert.equal(ceilingDivideBig(7n, 2n), 4n);
    assert.equal(ceilingDivideBig(-7n, 2n), -3n);
  });

  test('amounts beyond 2^52 units are refused rather than rounded', () => {
    assert.throws(() => toSafeNumber(2n ** 52n, 'equity'), RangeError);
    assert.equal(toSafeNumber(-(2n ** 52n) + 1n, 'equity'), -(2 ** 52) + 1);
    assert.throws(() => addAmounts(2 ** 51, 2 ** 51), RangeError);
    assert.equal(addAmounts(2 ** 51, -1), 2 ** 51 - 1);
  });
});
