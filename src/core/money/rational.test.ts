// Checks exact fractions: the canonical form (lowest terms, positive denominator), the field laws,
// compareRational as the order of the difference, toDecimal agreeing with decimal divide under every
// mode, rounding a threshold to a tick (the long liquidation price (5000 - 50000) / (0.004 - 1)),
// and reciprocal / midpoint / sum.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { dec, decimal, divide, roundToIncrement, toDecimalString, type Decimal } from './decimal.js';
import {
  addRational, compareRational, divideRational, fromDecimal, midpoint, multiplyRational, negateRational, rational,
  RATIONAL_ONE, RATIONAL_ZERO, reciprocal, roundRationalToIncrement, signRational, subtractRational, sumRational,
  toDecimal, type Rational,
} from './rational.js';
import type { RoundingMode } from './rounding.js';

const MODES: readonly RoundingMode[] = ['floor', 'ceiling', 'down', 'up', 'half-even', 'half-up'];

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

/** The canonical form every constructor and operation must return. */
function assertCanonical(value: Rational): void {
  assert.ok(value.denominator > 0n, `denominator ${value.denominator} must be positive`);
  // Lowest terms; zero is 0/1 (gcd(0, d) = d, so this also forces d = 1).
  assert.equal(gcd(value.numerator, value.denominator), 1n, `${value.numerator}/${value.denominator} is not reduced`);
}

const rationalArb: fc.Arbitrary<Rational> = fc
  .tuple(fc.bigInt({ min: -(10n ** 9n), max: 10n ** 9n }), fc.bigInt({ min: -(10n ** 9n), max: 10n ** 9n }))
  .filter(([, denominator]) => denominator !== 0n)
  .map(([numerator, denominator]) => rational(numerator, denominator));
const nonZeroRationalArb = rationalArb.filter((value) => value.numerator !== 0n);
const decimalArb: fc.Arbitrary<Decimal> = fc
  .record({ units: fc.bigInt({ min: -(10n ** 18n), max: 10n ** 18n }), scale: fc.nat({ max: 10 }) })
  .map(({ units, scale }) => decimal(units, scale));
const modeArb = fc.constantFrom(...MODES);

describe('rational', () => {
  test('reduces to lowest terms with a positive denominator', () => {
    assert.deepEqual(rational(6n, -4n), { numerator: -3n, denominator: 2n });
    assert.deepEqual(rational(-6n, -4n), { numerator: 3n, denominator: 2n });
    assert.deepEqual(rational(0n, -5n), { numerator: 0n, denominator: 1n });
    assert.deepEqual(rational(7n), { numerator: 7n, denominator: 1n });
    assert.deepEqual(rational(-12n, 18n), { numerator: -2n, denominator: 3n });
    assert.deepEqual(RATIONAL_ZERO, { numerator: 0n, denominator: 1n });
    assert.deepEqual(RATIONAL_ONE, { numerator: 1n, denominator: 1n });
  });

  test('a zero denominator throws', () => {
    assert.throws(() => rational(1n, 0n), RangeError);
  });

  test('every constructed value is canonical (fc)', () => {
    fc.assert(fc.property(rationalArb, (value) => assertCanonical(value)), { numRuns: 500 });
  });

  test('fromDecimal reads units over 10^scale: 0.004 = 1/250, -31967.27 = -3196727/100', () => {
    assert.deepEqual(fromDecimal(dec('0.004')), { numerator: 1n, denominator: 250n });
    assert.deepEqual(fromDecimal(dec('-31967.27')), { numerator: -3196727n, denominator: 100n });
    assert.deepEqual(fromDecimal(dec('1.500')), { numerator: 3n, denominator: 2n });
    assert.deepEqual(fromDecimal(dec('0.00')), RATIONAL_ZERO);
  });
});

describe('arithmetic', () => {
  test('worked examples', () => {
    // 1/2 + 1/3 = 5/6; 1/6 + 1/3 = 1/2 (reduced); 2/3 × 9/4 = 3/2; (3/4) / (-9/8) = -2/3.
    assert.deepEqual(addRational(rational(1n, 2n), rational(1n, 3n)), rational(5n, 6n));
    assert.deepEqual(addRational(rational(1n, 6n), rational(1n, 3n)), { numerator: 1n, denominator: 2n });
    assert.deepEqual(addRational(rational(1n, 4n), rational(1n, 4n)), { numerator: 1n, denominator: 2n });
    assert.deepEqual(multiplyRational(rational(2n, 3n), rational(9n, 4n)), { numerator: 3n, denominator: 2n });
    assert.deepEqual(divideRational(rational(3n, 4n), rational(-9n, 8n)), { numerator: -2n, denominator: 3n });
    assert.deepEqual(subtractRational(rational(1n, 3n), rational(1n, 2n)), { numerator: -1n, denominator: 6n });
    assert.deepEqual(negateRational(rational(-5n, 7n)), { numerator: 5n, denominator: 7n });
    assert.deepEqual(sumRational([rational(1n, 2n), rational(1n, 3n), rational(1n, 6n)]), RATIONAL_ONE);
    assert.deepEqual(sumRational([]), RATIONAL_ZERO);
    assert.equal(signRational(rational(-1n, 3n)), -1);
    assert.equal(signRational(rational(0n, 3n)), 0);
    assert.equal(signRational(rational(1n, -3n)), -1);
  });

  test('results stay canonical (fc)', () => {
    fc.assert(fc.property(rationalArb, nonZeroRationalArb, (a, b) => {
      for (const value of [addRational(a, b), subtractRational(a, b), multiplyRational(a, b), divideRational(a, b),
        negateRational(a), reciprocal(b), midpoint(a, b), subtractRational(a, a)]) {
        assertCanonical(value);
      }
    }), { numRuns: 300 });
  });

  test('addition and multiplication: commutative, associative, distributive (fc)', () => {
    fc.assert(fc.property(rationalArb, rationalArb, rationalArb, (a, b, c) => {
      assert.deepEqual(addRational(a, b), addRational(b, a));
      assert.deepEqual(multiplyRational(a, b), multiplyRational(b, a));
      assert.deepEqual(addRational(addRational(a, b), c), addRational(a, addRational(b, c)));
      assert.deepEqual(multiplyRational(multiplyRational(a, b), c), multiplyRational(a, multiplyRational(b, c)));
      assert.deepEqual(multiplyRational(a, addRational(b, c)), addRational(multiplyRational(a, b), multiplyRational(a, c)));
    }), { numRuns: 300 });
  });

  test('identities and inverses: a + 0 = a, a × 1 = a, a + (-a) = 0, a × (1/a) = 1 (fc)', () => {
    fc.assert(fc.property(rationalArb, nonZeroRationalArb, (a, b) => {
      assert.deepEqual(addRational(a, RATIONAL_ZERO), a);
      assert.deepEqual(multiplyRational(a, RATIONAL_ONE), a);
      assert.deepEqual(multiplyRational(a, RATIONAL_ZERO), RATIONAL_ZERO);
      assert.deepEqual(addRational(a, negateRational(a)), RATIONAL_ZERO);
      assert.deepEqual(subtractRational(a, a), RATIONAL_ZERO);
      assert.deepEqual(multiplyRational(b, reciprocal(b)), RATIONAL_ONE);
      assert.deepEqual(multiplyRational(divideRational(a, b), b), a);
      assert.deepEqual(addRational(subtractRational(a, b), b), a);
      assert.deepEqual(subtractRational(a, b), addRational(a, negateRational(b)));
    }), { numRuns: 300 });
  });

  test('agrees with exact decimal arithmetic through fromDecimal (fc)', () => {
    fc.assert(fc.property(decimalArb, decimalArb, (a, b) => {
      const x = fromDecimal(a);
      const y = fromDecimal(b);
      // a + b = (a.units × 10^b.scale + b.units × 10^a.scale) / 10^(a.scale + b.scale); a × b likewise.
      const sum = decimal(a.units * 10n ** BigInt(b.scale) + b.units * 10n ** BigInt(a.scale), a.scale + b.scale);
      assert.deepEqual(addRational(x, y), fromDecimal(sum));
      assert.deepEqual(multiplyRational(x, y), fromDecimal(decimal(a.units * b.units, a.scale + b.scale)));
    }), { numRuns: 300 });
  });

  test('reciprocal of a reciprocal is the value; reciprocal keeps the sign; reciprocal of zero throws (fc)', () => {
    assert.deepEqual(reciprocal(rational(-2n, 3n)), { numerator: -3n, denominator: 2n });
    assert.throws(() => reciprocal(RATIONAL_ZERO), RangeError);
    assert.throws(() => divideRational(RATIONAL_ONE, rational(0n, 7n)), RangeError);
    fc.assert(fc.property(nonZeroRationalArb, (a) => {
      assert.deepEqual(reciprocal(reciprocal(a)), a);
      assert.equal(signRational(reciprocal(a)), signRational(a));
    }), { numRuns: 300 });
  });

  test('midpoint lies halfway: 2 × midpoint(a, b) = a + b, and between a and b (fc)', () => {
    assert.deepEqual(midpoint(rational(1n, 3n), rational(1n, 2n)), rational(5n, 12n));
    fc.assert(fc.property(rationalArb, rationalArb, (a, b) => {
      const middle = midpoint(a, b);
      assert.deepEqual(multiplyRational(middle, rational(2n)), addRational(a, b));
      const [low, high] = compareRational(a, b) <= 0 ? [a, b] : [b, a];
      assert.ok(compareRational(low, middle) <= 0 && compareRational(middle, high) <= 0);
    }), { numRuns: 300 });
  });
});

describe('compareRational', () => {
  test('orders by value', () => {
    assert.equal(compareRational(rational(1n, 3n), rational(1n, 2n)), -1);
    assert.equal(compareRational(rational(-1n, 3n), rational(-1n, 2n)), 1);
    assert.equal(compareRational(rational(2n, 4n), rational(1n, 2n)), 0);
    assert.equal(compareRational(rational(1n, -3n), RATIONAL_ZERO), -1);
  });

  test('is the sign of the difference, antisymmetric and transitive (fc)', () => {
    const small = fc.tuple(fc.bigInt({ min: -20n, max: 20n }), fc.bigInt({ min: 1n, max: 6n }))
      .map(([numerator, denominator]) => rational(numerator, denominator));
    const either = fc.oneof(small, rationalArb);
    fc.assert(fc.property(either, either, either, (a, b, c) => {
      assert.equal(compareRational(a, b), signRational(subtractRational(a, b)));
      assert.equal(compareRational(a, b), -compareRational(b, a) || 0);
      assert.equal(compareRational(a, a), 0);
      if (compareRational(a, b) <= 0 && compareRational(b, c) <= 0) assert.ok(compareRational(a, c) <= 0);
    }), { numRuns: 500 });
  });
});

describe('toDecimal', () => {
  test('worked examples: 2/3 at 4 dp, 1/8 at 2 dp (a tie)', () => {
    assert.equal(toDecimalString(toDecimal(rational(2n, 3n), 4, 'floor')), '0.6666');
    assert.equal(toDecimalString(toDecimal(rational(2n, 3n), 4, 'half-even')), '0.6667');
    assert.equal(toDecimalString(toDecimal(rational(-2n, 3n), 4, 'ceiling')), '-0.6666');
    assert.equal(toDecimalString(toDecimal(rational(1n, 8n), 2, 'half-even')), '0.12');
    assert.equal(toDecimalString(toDecimal(rational(-1n, 8n), 2, 'half-up')), '-0.13');
    assert.equal(toDecimalString(toDecimal(rational(7n), 0, 'floor')), '7');
  });

  test('agrees with decimal divide for every mode: toDecimal(a / b) = divide(a, b) (fc)', () => {
    const nonZeroDecimal = decimalArb.filter((value) => value.units !== 0n);
    fc.assert(fc.property(decimalArb, nonZeroDecimal, fc.nat({ max: 10 }), modeArb, (a, b, scale, mode) => {
      const viaRational = toDecimal(divideRational(fromDecimal(a), fromDecimal(b)), scale, mode);
      assert.deepEqual(viaRational, divide(a, b, scale, mode));
    }), { numRuns: 1000 });
  });
});

describe('roundRationalToIncrement', () => {
  // A long's liquidation price with wallet 5000, entry notional 50000 for 1 BTC, maintenance rate 0.004:
  // (5000 - 50000) / (0.004 - 1) = -45000 / -0.996 = 45000000 / 996 = 3750000 / 83 (dividing by 12) = 45180.722891566...
  const threshold = divideRational(
    subtractRational(fromDecimal(dec('5000')), fromDecimal(dec('50000'))),
    subtractRational(fromDecimal(dec('0.004')), RATIONAL_ONE),
  );

  test('the worked threshold is exactly 3750000 / 83', () => {
    assert.deepEqual(threshold, { numerator: 3750000n, denominator: 83n });
  });

  test('rounds the threshold to 0.01 and 0.1 ticks, at the tick\'s scale', () => {
    // 45180.7228... / 0.01 = 4518072.28... ticks: floor 4518072, ceiling 4518073.
    assert.equal(toDecimalString(roundRationalToIncrement(threshold, dec('0.01'), 'floor')), '45180.72');
    assert.equal(toDecimalString(roundRationalToIncrement(threshold, dec('0.01'), 'ceiling')), '45180.73');
    assert.equal(toDecimalString(roundRationalToIncrement(threshold, dec('0.01'), 'half-even')), '45180.72');
    assert.equal(toDecimalString(roundRationalToIncrement(threshold, dec('0.1'), 'floor')), '45180.7');
    assert.equal(toDecimalString(roundRationalToIncrement(threshold, dec('0.1'), 'ceiling')), '45180.8');
    // A 0.5 tick: 90361.44... ticks -> 45180.5 / 45181.0.
    assert.equal(toDecimalString(roundRationalToIncrement(threshold, dec('0.5'), 'floor')), '45180.5');
    assert.equal(toDecimalString(roundRationalToIncrement(threshold, dec('0.5'), 'ceiling')), '45181.0');
    // A negated threshold: floor and ceiling swap roles.
    assert.equal(toDecimalString(roundRationalToIncrement(negateRational(threshold), dec('0.01'), 'floor')), '-45180.73');
    assert.equal(toDecimalString(roundRationalToIncrement(negateRational(threshold), dec('0.01'), 'down')), '-45180.72');
  });

  test('rejects a zero or negative increment', () => {
    assert.throws(() => roundRationalToIncrement(threshold, dec('0'), 'floor'), RangeError);
    assert.throws(() => roundRationalToIncrement(threshold, dec('-0.01'), 'floor'), RangeError);
  });

  test('on a decimal input, agrees in value with roundToIncrement (fc)', () => {
    const incrementArb = fc.record({ units: fc.bigInt({ min: 1n, max: 10n ** 6n }), scale: fc.nat({ max: 8 }) })
      .map(({ units, scale }) => decimal(units, scale));
    fc.assert(fc.property(decimalArb, incrementArb, modeArb, (value, increment, mode) => {
      const rounded = roundRationalToIncrement(fromDecimal(value), increment, mode);
      assert.equal(rounded.scale, increment.scale);
      assert.deepEqual(fromDecimal(rounded), fromDecimal(roundToIncrement(value, increment, mode)));
    }), { numRuns: 500 });
  });

  test('floor <= value <= ceiling, at most one increment apart (fc)', () => {
    const incrementArb = fc.constantFrom(dec('0.01'), dec('0.1'), dec('0.5'), dec('1'), dec('25'), dec('0.0001'));
    fc.assert(fc.property(rationalArb, incrementArb, (value, increment) => {
      const floor = fromDecimal(roundRationalToIncrement(value, increment, 'floor'));
      const ceiling = fromDecimal(roundRationalToIncrement(value, increment, 'ceiling'));
      assert.ok(compareRational(floor, value) <= 0 && compareRational(value, ceiling) <= 0);
      const gap = subtractRational(ceiling, floor);
      assert.ok(signRational(gap) === 0 || compareRational(gap, fromDecimal(increment)) === 0);
    }), { numRuns: 500 });
  });
});
