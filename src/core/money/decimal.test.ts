// Checks the exact decimal (units × 10^-scale): strict parsing of untrusted text, printing that
// round-trips, exact add / subtract / multiply (ring laws, checked against a bigint reference),
// compare as a total order, rescaling, division under every named rounding mode (checked by bigint
// cross-multiplication against the exact quotient), rounding to a tick, and normalize.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  abs, add, compare, dec, decimal, divide, equals, greaterThan, lessThan, max, MAX_DECIMAL_DIGITS, min, multiply,
  negate, normalize, ONE, parseDecimal, rescale, roundToIncrement, sign, subtract, sum, toDecimalString, ZERO,
  type Decimal,
} from './decimal.js';
import type { RoundingMode } from './rounding.js';

const MODES: readonly RoundingMode[] = ['floor', 'ceiling', 'down', 'up', 'half-even', 'half-up'];

// Moderate sizes: up to 20 digits of units and 12 of scale keep every literal under MAX_DECIMAL_DIGITS.
const unitsArb = fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n });
const decimalArb: fc.Arbitrary<Decimal> = fc
  .record({ units: unitsArb, scale: fc.nat({ max: 12 }) })
  .map(({ units, scale }) => decimal(units, scale));
const nonZeroDecimalArb = decimalArb.filter((value) => value.units !== 0n);
const modeArb = fc.constantFrom(...MODES);

/** Reference value comparison, independent of the module: both sides brought to a common scale. */
function sameValue(a: Decimal, b: Decimal): boolean {
  const scale = Math.max(a.scale, b.scale);
  return a.units * 10n ** BigInt(scale - a.scale) === b.units * 10n ** BigInt(scale - b.scale);
}

function assertSameValue(actual: Decimal, expected: Decimal): void {
  assert.ok(sameValue(actual, expected), `${toDecimalString(actual)} !== ${toDecimalString(expected)}`);
}

/** Expected results written as literals: compare by value and by printed form. */
function assertDecimal(actual: Decimal, expected: string): void {
  assert.equal(toDecimalString(actual), expected);
}

describe('parseDecimal', () => {
  test('accepts plain decimal literals, keeping the written scale', () => {
    assert.deepEqual(parseDecimal('0'), { units: 0n, scale: 0 });
    assert.deepEqual(parseDecimal('-0.015'), { units: -15n, scale: 3 });
    assert.deepEqual(parseDecimal('31967.27'), { units: 3196727n, scale: 2 });
    assert.deepEqual(parseDecimal('1.2500'), { units: 12500n, scale: 4 });
    assert.deepEqual(parseDecimal('007'), { units: 7n, scale: 0 });
    assert.deepEqual(parseDecimal('-0'), { units: 0n, scale: 0 });
  });

  test('rejects exponents, signs other than a leading minus, bare points, spaces, hex and the empty string', () => {
    for (const text of ['1e5', '+1', '.5', '1.', ' 1', '1 ', '', '0x10', '-', '--1', '1.2.3', '1,5', '1\n', 'NaN', 'Infinity', '١']) {
      assert.equal(parseDecimal(text), undefined, JSON.stringify(text));
    }
  });

  test(`accepts ${MAX_DECIMAL_DIGITS} digits and rejects ${MAX_DECIMAL_DIGITS + 1}, counting both sides of the point`, () => {
    assert.equal(MAX_DECIMAL_DIGITS, 40);
    const forty = '9'.repeat(40);
    assert.deepEqual(parseDecimal(forty), { units: 10n ** 40n - 1n, scale: 0 });
    assert.deepEqual(parseDecimal(`-${forty}`), { units: -(10n ** 40n - 1n), scale: 0 });
    assert.equal(parseDecimal('9'.repeat(41)), undefined);
    assert.equal(parseDecimal(`${'1'.repeat(20)}.${'1'.repeat(21)}`), undefined);
    assert.deepEqual(parseDecimal(`${'1'.repeat(20)}.${'1'.repeat(20)}`)?.scale, 20);
  });

  test('dec throws on a malformed literal and agrees with parseDecimal otherwise', () => {
    assert.throws(() => dec('1e5'), RangeError);
    assert.throws(() => dec(''), RangeError);
    assert.deepEqual(dec('-12.340'), parseDecimal('-12.340'));
  });

  test('decimal() refuses a negative or fractional scale', () => {
    assert.throws(() => decimal(1n, -1), RangeError);
    assert.throws(() => decimal(1n, 1.5), RangeError);
    assert.throws(() => decimal(1n, Number.NaN), RangeError);
  });
});

describe('toDecimalString', () => {
  test('prints exactly `scale` fractional digits, with leading zeros and the sign', () => {
    assertDecimal(decimal(-5n, 2), '-0.05');
    assertDecimal(decimal(5n, 0), '5');
    assertDecimal(decimal(0n, 3), '0.000');
    assertDecimal(decimal(123456n, 3), '123.456');
    assertDecimal(decimal(-123456n, 6), '-0.123456');
    assertDecimal(decimal(10n ** 25n, 0), '10000000000000000000000000');
  });

  test('round-trips through parseDecimal, preserving units and scale (fc)', () => {
    fc.assert(fc.property(decimalArb, (value) => {
      const text = toDecimalString(value);
      assert.match(text, /^-?\d+(\.\d+)?$/);
      assert.equal(text.split('.')[1]?.length ?? 0, value.scale);
      assert.deepEqual(parseDecimal(text), value);
    }), { numRuns: 500 });
  });
});

describe('add, subtract, multiply are exact', () => {
  test('worked examples', () => {
    // 0.1 + 0.2 = 0.3 exactly (1 + 2 tenths), not 0.30000000000000004.
    assertDecimal(add(dec('0.1'), dec('0.2')), '0.3');
    // 31967.27 - 0.015: at scale 3, 31967270 - 15 = 31967255.
    assertDecimal(subtract(dec('31967.27'), dec('0.015')), '31967.255');
    // 1.5 × -0.25 = -0.375 (15 × -25 = -375 at scale 1 + 2).
    assertDecimal(multiply(dec('1.5'), dec('-0.25')), '-0.375');
    assertDecimal(negate(dec('-2.50')), '2.50');
    assertDecimal(abs(dec('-2.50')), '2.50');
    assertDecimal(sum([dec('1.1'), dec('2.22'), dec('-0.333')]), '2.987');
    assertDecimal(sum([]), '0');
  });

  test('agree with a bigint reference (fc)', () => {
    fc.assert(fc.property(decimalArb, decimalArb, (a, b) => {
      const scale = Math.max(a.scale, b.scale);
      const x = a.units * 10n ** BigInt(scale - a.scale);
      const y = b.units * 10n ** BigInt(scale - b.scale);
      assert.deepEqual(add(a, b), { units: x + y, scale });
      assert.deepEqual(subtract(a, b), { units: x - y, scale });
      assert.deepEqual(multiply(a, b), { units: a.units * b.units, scale: a.scale + b.scale });
    }), { numRuns: 300 });
  });

  test('commutativity and associativity (fc)', () => {
    fc.assert(fc.property(decimalArb, decimalArb, decimalArb, (a, b, c) => {
      assert.deepEqual(add(a, b), add(b, a));
      assert.deepEqual(multiply(a, b), multiply(b, a));
      assert.deepEqual(add(add(a, b), c), add(a, add(b, c)));
      assert.deepEqual(multiply(multiply(a, b), c), multiply(a, multiply(b, c)));
    }), { numRuns: 300 });
  });

  test('multiplication distributes over addition (fc)', () => {
    fc.assert(fc.property(decimalArb, decimalArb, decimalArb, (a, b, c) => {
      assert.deepEqual(multiply(a, add(b, c)), add(multiply(a, b), multiply(a, c)));
    }), { numRuns: 300 });
  });

  test('a + b - b = a, a - a = 0, and the identities 0 and 1 (fc)', () => {
    fc.assert(fc.property(decimalArb, decimalArb, (a, b) => {
      const back = subtract(add(a, b), b);
      assertSameValue(back, a);
      assert.equal(back.scale, Math.max(a.scale, b.scale));
      assert.equal(subtract(a, a).units, 0n);
      assert.deepEqual(add(a, ZERO), a);
      assert.deepEqual(multiply(a, ONE), a);
      assert.equal(multiply(a, ZERO).units, 0n);
      assert.deepEqual(add(a, negate(a)), decimal(0n, a.scale));
      assert.deepEqual(negate(negate(a)), a);
    }), { numRuns: 300 });
  });
});

describe('compare', () => {
  test('orders by value, whatever the scale', () => {
    assert.equal(compare(dec('1.50'), dec('1.5')), 0);
    assert.equal(compare(dec('-0.001'), dec('0')), -1);
    assert.equal(compare(dec('10'), dec('9.999')), 1);
    assert.equal(compare(dec('-10'), dec('-9.999')), -1);
    assert.ok(equals(dec('0.000'), ZERO));
    assert.ok(lessThan(dec('1.09'), dec('1.1')));
    assert.ok(greaterThan(dec('1.1'), dec('1.09')));
    assertDecimal(min(dec('2'), dec('1.99')), '1.99');
    assertDecimal(max(dec('2'), dec('1.99')), '2');
    assert.equal(sign(dec('-0.01')), -1);
    assert.equal(sign(dec('0.00')), 0);
    assert.equal(sign(dec('3')), 1);
  });

  test('is consistent with the sign of the difference and with the reference order (fc)', () => {
    fc.assert(fc.property(decimalArb, decimalArb, (a, b) => {
      assert.equal(compare(a, b), sign(subtract(a, b)));
      assert.equal(compare(a, b), -compare(b, a) || 0);
      assert.equal(compare(a, b) === 0, sameValue(a, b));
    }), { numRuns: 300 });
  });

  test('is a total order: reflexive, antisymmetric, transitive (fc)', () => {
    // Small units make equal values at different scales common.
    const small = fc.record({ units: fc.bigInt({ min: -50n, max: 50n }), scale: fc.nat({ max: 2 }) })
      .map(({ units, scale }) => decimal(units, scale));
    fc.assert(fc.property(small, small, small, (a, b, c) => {
      assert.equal(compare(a, a), 0);
      if (compare(a, b) <= 0 && compare(b, a) <= 0) assert.ok(sameValue(a, b));
      if (compare(a, b) <= 0 && compare(b, c) <= 0) assert.ok(compare(a, c) <= 0);
      const sorted = [a, b, c].sort(compare);
      assert.ok(compare(sorted[0] as Decimal, sorted[1] as Decimal) <= 0);
      assert.ok(compare(sorted[1] as Decimal, sorted[2] as Decimal) <= 0);
    }), { numRuns: 500 });
  });
});

describe('rescale', () => {
  test('grows exactly and shrinks by the named mode', () => {
    assert.deepEqual(rescale(dec('1.5'), 3, 'floor'), { units: 1500n, scale: 3 });
    assertDecimal(rescale(dec('1.25'), 1, 'half-even'), '1.2');
    assertDecimal(rescale(dec('1.35'), 1, 'half-even'), '1.4');
    assertDecimal(rescale(dec('1.25'), 1, 'half-up'), '1.3');
    assertDecimal(rescale(dec('-1.25'), 1, 'floor'), '-1.3');
    assertDecimal(rescale(dec('-1.25'), 1, 'ceiling'), '-1.2');
    assertDecimal(rescale(dec('-1.21'), 0, 'up'), '-2');
    assertDecimal(rescale(dec('-1.99'), 0, 'down'), '-1');
  });

  test('up then down again is the identity, for every mode (fc)', () => {
    fc.assert(fc.property(decimalArb, fc.nat({ max: 10 }), modeArb, (value, extra, mode) => {
      const grown = rescale(value, value.scale + extra, mode);
      assertSameValue(grown, value);
      assert.deepEqual(rescale(grown, value.scale, mode), value);
    }), { numRuns: 300 });
  });
});

/**
 * Checks q (at `scale`) against the exact a / b by cross-multiplication. In units of 10^-scale the
 * exact quotient is E / D with E = a.units × 10^(scale + b.scale), D = b.units × 10^a.scale (D made
 * positive).
 */
function checkQuotient(a: Decimal, b: Decimal, scale: number, mode: RoundingMode, q: bigint): void {
  let exact = a.units * 10n ** BigInt(scale + b.scale);
  let denominator = b.units * 10n ** BigInt(a.scale);
  if (denominator < 0n) {
    exact = -exact;
    denominator = -denominator;
  }
  const atOrBelow = q * denominator <= exact; // q <= E/D
  const atOrAbove = q * denominator >= exact; // q >= E/D
  const withinOneBelow = exact < (q + 1n) * denominator; // E/D < q + 1
  const withinOneAbove = (q - 1n) * denominator < exact; // q - 1 < E/D
  const twiceError = 2n * (exact - q * denominator); // 2 (E/D - q) × D
  const nearest = (twiceError < 0n ? -twiceError : twiceError) <= denominator;
  const tie = (twiceError < 0n ? -twiceError : twiceError) === denominator;
  const context = `${toDecimalString(a)} / ${toDecimalString(b)} at ${scale} ${mode} -> ${q}`;
  switch (mode) {
    case 'floor':
      assert.ok(atOrBelow && withinOneBelow, context);
      break;
    case 'ceiling':
      assert.ok(atOrAbove && withinOneAbove, context);
      break;
    case 'down':
      assert.ok(exact >= 0n ? atOrBelow && withinOneBelow : atOrAbove && withinOneAbove, context);
      break;
    case 'up':
      assert.ok(exact >= 0n ? atOrAbove && withinOneAbove : atOrBelow && withinOneBelow, context);
      break;
    case 'half-up':
      assert.ok(nearest, context);
      // A tie goes away from zero: |q| × D > |E|.
      if (tie) assert.ok(exact > 0n ? atOrAbove : atOrBelow, context);
      break;
    case 'half-even':
      assert.ok(nearest, context);
      if (tie) assert.equal(q % 2n, 0n, context);
      break;
  }
}

describe('divide', () => {
  test('ties: half-even to the even digit, half-up away from zero', () => {
    // 0.125 at 2 dp lies halfway between 0.12 and 0.13: half-even keeps the even 2, half-up goes to 3.
    assertDecimal(divide(dec('0.125'), ONE, 2, 'half-even'), '0.12');
    assertDecimal(divide(dec('0.135'), ONE, 2, 'half-even'), '0.14');
    assertDecimal(divide(dec('-0.125'), ONE, 2, 'half-even'), '-0.12');
    assertDecimal(divide(dec('-0.135'), ONE, 2, 'half-even'), '-0.14');
    assertDecimal(divide(dec('0.125'), ONE, 2, 'half-up'), '0.13');
    assertDecimal(divide(dec('-0.125'), ONE, 2, 'half-up'), '-0.13');
    // 1 / 8 = 0.125 reached by division, not by literal.
    assertDecimal(divide(dec('1'), dec('8'), 2, 'half-even'), '0.12');
    assertDecimal(divide(dec('-1'), dec('8'), 2, 'half-up'), '-0.13');
    // Just off the tie: 0.1251 rounds up either way.
    assertDecimal(divide(dec('0.1251'), ONE, 2, 'half-even'), '0.13');
  });

  test('directed modes on 2 / 3 and -2 / 3 at 4 dp (0.66666...)', () => {
    const expected: Record<RoundingMode, [string, string]> = {
      floor: ['0.6666', '-0.6667'],
      ceiling: ['0.6667', '-0.6666'],
      down: ['0.6666', '-0.6666'],
      up: ['0.6667', '-0.6667'],
      'half-even': ['0.6667', '-0.6667'],
      'half-up': ['0.6667', '-0.6667'],
    };
    for (const mode of MODES) {
      assertDecimal(divide(dec('2'), dec('3'), 4, mode), expected[mode][0]);
      assertDecimal(divide(dec('2'), dec('-3'), 4, mode), expected[mode][1]);
      assertDecimal(divide(dec('-2'), dec('3'), 4, mode), expected[mode][1]);
      assertDecimal(divide(dec('-2'), dec('-3'), 4, mode), expected[mode][0]);
    }
  });

  test('mixed scales: 45000 / 0.996 at 2 dp = 45180.72 (floor) / 45180.73 (ceiling)', () => {
    // 45000 / 0.996 = 45180.722891566...
    assertDecimal(divide(dec('45000'), dec('0.996'), 2, 'floor'), '45180.72');
    assertDecimal(divide(dec('45000'), dec('0.996'), 2, 'ceiling'), '45180.73');
    assertDecimal(divide(dec('-45000'), dec('-0.996'), 2, 'ceiling'), '45180.73');
    assertDecimal(divide(dec('6.25'), dec('2.5'), 0, 'floor'), '2');
    assertDecimal(divide(dec('6.25'), dec('2.5'), 3, 'floor'), '2.500');
  });

  test('every mode is within one unit of the exact quotient and on its promised side (fc)', () => {
    fc.assert(fc.property(decimalArb, nonZeroDecimalArb, fc.nat({ max: 8 }), modeArb, (a, b, scale, mode) => {
      const q = divide(a, b, scale, mode);
      assert.equal(q.scale, scale);
      checkQuotient(a, b, scale, mode, q.units);
    }), { numRuns: 1000 });
  });

  test('floor <= every mode <= ceiling, and ceiling - floor is 0 or 1 unit (fc)', () => {
    fc.assert(fc.property(decimalArb, nonZeroDecimalArb, fc.nat({ max: 8 }), (a, b, scale) => {
      const floor = divide(a, b, scale, 'floor').units;
      const ceiling = divide(a, b, scale, 'ceiling').units;
      assert.ok(ceiling - floor === 0n || ceiling - floor === 1n);
      for (const mode of MODES) {
        const q = divide(a, b, scale, mode).units;
        assert.ok(floor <= q && q <= ceiling, mode);
      }
    }), { numRuns: 300 });
  });

  test('exact quotients come back unchanged: (a × b) / b = a at a\'s scale (fc)', () => {
    fc.assert(fc.property(decimalArb, nonZeroDecimalArb, modeArb, (a, b, mode) => {
      assert.deepEqual(divide(multiply(a, b), b, a.scale, mode), a);
    }), { numRuns: 300 });
  });

  test('division by zero throws, whatever the zero\'s scale', () => {
    assert.throws(() => divide(ONE, ZERO, 2, 'floor'), RangeError);
    assert.throws(() => divide(ONE, dec('0.00'), 2, 'half-even'), RangeError);
  });
});

describe('roundToIncrement', () => {
  test('to a 0.1 tick: 45180.7228 -> 45180.7 (floor), 45180.8 (ceiling)', () => {
    // 45180.7228 / 0.1 = 451807.228 ticks: floor 451807, ceiling 451808.
    const value = dec('45180.7228');
    const tick = dec('0.1');
    assertDecimal(normalize(roundToIncrement(value, tick, 'floor')), '45180.7');
    assertDecimal(normalize(roundToIncrement(value, tick, 'ceiling')), '45180.8');
    assertDecimal(normalize(roundToIncrement(value, tick, 'half-even')), '45180.7');
    assertDecimal(normalize(roundToIncrement(value, tick, 'down')), '45180.7');
    assertDecimal(normalize(roundToIncrement(value, tick, 'up')), '45180.8');
    // The result carries the larger of the two scales (here the value's 4).
    assertDecimal(roundToIncrement(value, tick, 'floor'), '45180.7000');
  });

  test('to a 0.5 tick, including ties', () => {
    // 45180.7228 / 0.5 = 90361.4456 ticks: floor 90361 (45180.5), ceiling 90362 (45181.0), nearest 90361.
    assertDecimal(roundToIncrement(dec('45180.7228'), dec('0.5'), 'floor'), '45180.5000');
    assertDecimal(roundToIncrement(dec('45180.7228'), dec('0.5'), 'ceiling'), '45181.0000');
    assertDecimal(roundToIncrement(dec('45180.7228'), dec('0.5'), 'half-up'), '45180.5000');
    // 45180.75 / 0.5 = 90361.5 (tie): half-even picks the even 90362 = 45181.00, half-up too.
    assertDecimal(roundToIncrement(dec('45180.75'), dec('0.5'), 'half-even'), '45181.00');
    assertDecimal(roundToIncrement(dec('45180.75'), dec('0.5'), 'half-up'), '45181.00');
    // 45180.25 / 0.5 = 90360.5 (tie): half-even 90360 = 45180.00, half-up 90361 = 45180.50.
    assertDecimal(roundToIncrement(dec('45180.25'), dec('0.5'), 'half-even'), '45180.00');
    assertDecimal(roundToIncrement(dec('45180.25'), dec('0.5'), 'half-up'), '45180.50');
    // -1.25 / 0.5 = -2.5 (tie): half-even -2 = -1.00, half-up -3 = -1.50, floor -3, ceiling -2.
    assertDecimal(roundToIncrement(dec('-1.25'), dec('0.5'), 'half-even'), '-1.00');
    assertDecimal(roundToIncrement(dec('-1.25'), dec('0.5'), 'half-up'), '-1.50');
    assertDecimal(roundToIncrement(dec('-1.25'), dec('0.5'), 'floor'), '-1.50');
    assertDecimal(roundToIncrement(dec('-1.25'), dec('0.5'), 'ceiling'), '-1.00');
    // An increment coarser than the value's scale: 1234 to a step of 25 -> 1225 / 1250.
    assertDecimal(roundToIncrement(dec('1234'), dec('25'), 'floor'), '1225');
    assertDecimal(roundToIncrement(dec('1234'), dec('25'), 'ceiling'), '1250');
  });

  test('rejects a zero or negative increment', () => {
    assert.throws(() => roundToIncrement(ONE, ZERO, 'floor'), RangeError);
    assert.throws(() => roundToIncrement(ONE, dec('-0.1'), 'floor'), RangeError);
  });

  test('lands on a multiple of the increment, bracketed by floor and ceiling (fc)', () => {
    const incrementArb = fc.record({ units: fc.bigInt({ min: 1n, max: 10n ** 6n }), scale: fc.nat({ max: 8 }) })
      .map(({ units, scale }) => decimal(units, scale));
    fc.assert(fc.property(decimalArb, incrementArb, modeArb, (value, increment, mode) => {
      const rounded = roundToIncrement(value, increment, mode);
      const floor = roundToIncrement(value, increment, 'floor');
      const ceiling = roundToIncrement(value, increment, 'ceiling');
      // A multiple: rounded / increment is a whole number.
      const ratio = divide(rounded, increment, 0, 'floor');
      assertSameValue(multiply(ratio, increment), rounded);
      assert.ok(compare(floor, value) <= 0 && compare(value, ceiling) <= 0);
      assert.ok(compare(floor, rounded) <= 0 && compare(rounded, ceiling) <= 0, mode);
      const gap = subtract(ceiling, floor);
      assert.ok(gap.units === 0n || sameValue(gap, increment));
      // Agrees with dividing by the increment to whole ticks under the same mode.
      assertSameValue(rounded, multiply(divide(value, increment, 0, mode), increment));
    }), { numRuns: 500 });
  });
});

describe('normalize', () => {
  test('strips trailing fractional zeros only', () => {
    assert.deepEqual(normalize(dec('1.2500')), { units: 125n, scale: 2 });
    assert.deepEqual(normalize(dec('100')), { units: 100n, scale: 0 });
    assert.deepEqual(normalize(dec('100.00')), { units: 100n, scale: 0 });
    assert.deepEqual(normalize(dec('-0.10')), { units: -1n, scale: 1 });
    assert.deepEqual(normalize(dec('0.000')), { units: 0n, scale: 0 });
    assert.deepEqual(normalize(dec('1.0203')), { units: 10203n, scale: 4 });
    assert.deepEqual(normalize(dec('0.0050')), { units: 5n, scale: 3 });
  });

  test('keeps the value, leaves no trailing zero, and forgets any extra scale (fc)', () => {
    fc.assert(fc.property(decimalArb, fc.nat({ max: 6 }), (value, extra) => {
      const normal = normalize(value);
      assertSameValue(normal, value);
      assert.ok(normal.scale <= value.scale);
      assert.ok(normal.scale === 0 || normal.units % 10n !== 0n);
      assert.deepEqual(normalize(rescale(value, value.scale + extra, 'floor')), normal);
    }), { numRuns: 300 });
  });
});
