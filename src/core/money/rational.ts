/**
 * Exact fractions (bigint numerator over positive bigint denominator, in lowest terms). The price
 * solvers work in rationals so that a threshold such as (5000 - 50000) / (0.004 - 1) is found
 * exactly and rounded once, by name, to the instrument's tick.
 */
import { decimal, type Decimal } from './decimal.js';
import { divideIntegers, type RoundingMode } from './rounding.js';

export interface Rational {
  readonly numerator: bigint;
  readonly denominator: bigint;
}

const SAFE_INTEGER_BOUND = 2n ** 53n;

/** Euclid's algorithm; in bigint only while an operand is at or above 2^53, then in exact doubles (far faster). */
function gcd(a: bigint, b: bigint): bigint {
  a = a < 0n ? -a : a;
  b = b < 0n ? -b : b;
  if (a === 1n || b === 1n) return 1n;
  while (a >= SAFE_INTEGER_BOUND || b >= SAFE_INTEGER_BOUND) {
    if (b === 0n) return a;
    const remainder = a % b;
    a = b;
    b = remainder;
  }
  let x = Number(a);
  let y = Number(b);
  while (y !== 0) {
    const remainder = x % y;
    x = y;
    y = remainder;
  }
  return BigInt(x);
}

export function rational(numerator: bigint, denominator = 1n): Rational {
  if (denominator === 0n) throw new RangeError('zero denominator');
  if (denominator < 0n) {
    numerator = -numerator;
    denominator = -denominator;
  }
  const divisor = gcd(numerator, denominator);
  return divisor > 1n ? { numerator: numerator / divisor, denominator: denominator / divisor } : { numerator, denominator };
}

export const RATIONAL_ZERO: Rational = rational(0n);
export const RATIONAL_ONE: Rational = rational(1n);

export function fromDecimal(value: Decimal): Rational {
  return rational(value.units, 10n ** BigInt(value.scale));
}

export function addRational(a: Rational, b: Rational): Rational {
  if (a.denominator === b.denominator) return rational(a.numerator + b.numerator, a.denominator);
  return rational(a.numerator * b.denominator + b.numerator * a.denominator, a.denominator * b.denominator);
}

export function subtractRational(a: Rational, b: Rational): Rational {
  return addRational(a, negateRational(b));
}

export function multiplyRational(a: Rational, b: Rational): Rational {
  return rational(a.numerator * b.numerator, a.denominator * b.denominator);
}

export function divideRational(a: Rational, b: Rational): Rational {
  if (b.numerator === 0n) throw new RangeError('division by zero');
  return rational(a.numerator * b.denominator, a.denominator * b.numerator);
}

export function negateRational(a: Rational): Rational {
  return { numerator: -a.numerator, denominator: a.denominator };
}

export function reciprocal(a: Rational): Rational {
  return divideRational(RATIONAL_ONE, a);
}

export function compareRational(a: Rational, b: Rational): -1 | 0 | 1 {
  const left = a.numerator * b.denominator;
  const right = b.numerator * a.denominator;
  return left < right ? -1 : left > right ? 1 : 0;
}

export function signRational(a: Rational): -1 | 0 | 1 {
  return a.numerator < 0n ? -1 : a.numerator > 0n ? 1 : 0;
}

export function sumRational(values: readonly Rational[]): Rational {
  return values.reduce(addRational, RATIONAL_ZERO);
}

export function midpoint(a: Rational, b: Rational): Rational {
  return multiplyRational(addRational(a, b), rational(1n, 2n));
}

/** The fraction as a decimal with `scale` fractional digits, rounded by `mode`. */
export function toDecimal(value: Rational, scale: number, mode: RoundingMode): Decimal {
  return decimal(divideIntegers(value.numerator * 10n ** BigInt(scale), value.denominator, mode), scale);
}

/** The fraction rounded to a whole multiple of `increment` (a tick size), by `mode`, as a decimal at the increment's scale. */
export function roundRationalToIncrement(value: Rational, increment: Decimal, mode: RoundingMode): Decimal {
  if (increment.units <= 0n) throw new RangeError('increment must be positive');
  const step = fromDecimal(increment);
  const steps = divideIntegers(value.numerator * step.denominator, value.denominator * step.numerator, mode);
  return decimal(steps * increment.units, increment.scale);
}
