/**
 * The exact decimal: an integer number of units at a decimal scale, value = units × 10^-scale
 * (dinero.js v2's amount + scale; nautilus' fixed-point values). Parsed from strings, never from
 * binary floats. Addition, subtraction and multiplication are exact (the scale grows as needed);
 * every operation that can lose digits (division, rescaling) takes a named RoundingMode.
 */
import { divideIntegers, type RoundingMode } from './rounding.js';

export interface Decimal {
  readonly units: bigint;
  readonly scale: number;
}

/** The longest decimal literal accepted from untrusted input: guards bigint arithmetic. */
export const MAX_DECIMAL_DIGITS = 40;

const DECIMAL_PATTERN = /^(-)?(\d+)(?:\.(\d+))?$/;

export function decimal(units: bigint, scale = 0): Decimal {
  if (!Number.isInteger(scale) || scale < 0) throw new RangeError(`scale must be a whole number >= 0, got ${scale}`);
  return { units, scale };
}

export const ZERO: Decimal = decimal(0n);
export const ONE: Decimal = decimal(1n);

/** Parses "123", "-0.015", "31967.27". Returns undefined for anything else (exponents, spaces, "+1", ".5"). */
export function parseDecimal(text: string): Decimal | undefined {
  const match = DECIMAL_PATTERN.exec(text);
  if (!match) return undefined;
  const [, minus, whole = '', fraction = ''] = match;
  if (whole.length + fraction.length > MAX_DECIMAL_DIGITS) return undefined;
  const units = BigInt(whole + fraction);
  return decimal(minus ? -units : units, fraction.length);
}

/** A decimal from a literal the program itself wrote; a malformed literal is a bug and throws. */
export function dec(text: string): Decimal {
  const parsed = parseDecimal(text);
  if (!parsed) throw new RangeError(`not a decimal literal: ${JSON.stringify(text)}`);
  return parsed;
}

function pow10(exponent: number): bigint {
  return 10n ** BigInt(exponent);
}

/** The same value with `scale` digits after the point; exact when scale grows, rounded when it shrinks. */
export function rescale(value: Decimal, scale: number, mode: RoundingMode): Decimal {
  if (scale === value.scale) return value;
  if (scale > value.scale) return decimal(value.units * pow10(scale - value.scale), scale);
  return decimal(divideIntegers(value.units, pow10(value.scale - scale), mode), scale);
}

function aligned(a: Decimal, b: Decimal): [bigint, bigint, number] {
  const scale = Math.max(a.scale, b.scale);
  return [rescale(a, scale, 'down').units, rescale(b, scale, 'down').units, scale];
}

export function add(a: Decimal, b: Decimal): Decimal {
  const [x, y, scale] = aligned(a, b);
  return decimal(x + y, scale);
}

export function subtract(a: Decimal, b: Decimal): Decimal {
  const [x, y, scale] = aligned(a, b);
  return decimal(x - y, scale);
}

export function multiply(a: Decimal, b: Decimal): Decimal {
  return decimal(a.units * b.units, a.scale + b.scale);
}

export function negate(a: Decimal): Decimal {
  return decimal(-a.units, a.scale);
}

export function abs(a: Decimal): Decimal {
  return a.units < 0n ? negate(a) : a;
}

/** `a / b` with `scale` digits after the point, rounded by `mode`. */
export function divide(a: Decimal, b: Decimal, scale: number, mode: RoundingMode): Decimal {
  if (b.units === 0n) throw new RangeError('division by zero');
  // a/b = (a.units / 10^a.scale) / (b.units / 10^b.scale); scaled by 10^scale.
  const numerator = a.units * pow10(scale + b.scale);
  const denominator = b.units * pow10(a.scale);
  return decimal(divideIntegers(numerator, denominator, mode), scale);
}

export function compare(a: Decimal, b: Decimal): -1 | 0 | 1 {
  const [x, y] = aligned(a, b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function sign(a: Decimal): -1 | 0 | 1 {
  return a.units < 0n ? -1 : a.units > 0n ? 1 : 0;
}

export const isZero = (a: Decimal): boolean => a.units === 0n;
export const isNegative = (a: Decimal): boolean => a.units < 0n;
export const isPositive = (a: Decimal): boolean => a.units > 0n;
export const equals = (a: Decimal, b: Decimal): boolean => compare(a, b) === 0;
export const lessThan = (a: Decimal, b: Decimal): boolean => compare(a, b) < 0;
export const greaterThan = (a: Decimal, b: Decimal): boolean => compare(a, b) > 0;

export function min(a: Decimal, b: Decimal): Decimal {
  return compare(a, b) <= 0 ? a : b;
}

export function max(a: Decimal, b: Decimal): Decimal {
  return compare(a, b) >= 0 ? a : b;
}

export function sum(values: readonly Decimal[]): Decimal {
  return values.reduce(add, ZERO);
}

/** The value rounded to a whole multiple of `increment` (a tick size, a lot step), by `mode`. */
export function roundToIncrement(value: Decimal, increment: Decimal, mode: RoundingMode): Decimal {
  if (increment.units <= 0n) throw new RangeError('increment must be positive');
  const [x, step, scale] = aligned(value, increment);
  return decimal(divideIntegers(x, step, mode) * step, scale);
}

/** The same value with trailing fractional zeros removed ("1.2500" -> "1.25"). */
export function normalize(value: Decimal): Decimal {
  let { units, scale } = value;
  while (scale > 0 && units % 10n === 0n) {
    units /= 10n;
    scale -= 1;
  }
  return decimal(units, scale);
}

/** Plain notation with exactly `scale` fractional digits: never an exponent, never a binary float. */
export function toDecimalString(value: Decimal): string {
  const negative = value.units < 0n;
  const digits = (negative ? -value.units : value.units).toString().padStart(value.scale + 1, '0');
  const whole = digits.slice(0, digits.length - value.scale);
  const fraction = digits.slice(digits.length - value.scale);
  return `${negative ? '-' : ''}${whole}${value.scale > 0 ? `.${fraction}` : ''}`;
}

/** A lossy float for statistics and display scaling only; never for booked amounts. */
export function toApproximateNumber(value: Decimal): number {
  return Number(toDecimalString(value));
}
