/**
 * Splits a whole number of units in proportion to weights by largest remainder, so the parts sum
 * exactly to the whole (Hamilton's method; dinero.js `allocate`). Ties go to the earlier part.
 */
import { compareRational, divideRational, multiplyRational, rational, subtractRational, sumRational, type Rational } from './rational.js';

export function allocateUnits(total: bigint, weights: readonly Rational[]): bigint[] {
  if (weights.length === 0) return [];
  const weightSum = sumRational(weights);
  const fractions = weightSum.numerator === 0n
    ? weights.map(() => rational(1n, BigInt(weights.length)))
    : weights.map((weight) => divideRational(weight, weightSum));
  const exact = fractions.map((fraction) => multiplyRational(rational(total), fraction));
  const parts = exact.map((share) => {
    const floor = share.numerator / share.denominator;
    return share.numerator < 0n && floor * share.denominator !== share.numerator ? floor - 1n : floor;
  });
  let remaining = total - parts.reduce((a, b) => a + b, 0n);
  const order = exact
    .map((share, index) => ({ index, remainder: subtractRational(share, rational(parts[index] as bigint)) }))
    .sort((a, b) => compareRational(b.remainder, a.remainder) || a.index - b.index);
  for (const { index } of order) {
    if (remaining <= 0n) break;
    parts[index] = (parts[index] as bigint) + 1n;
    remaining -= 1n;
  }
  return parts;
}
