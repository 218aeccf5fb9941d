/**
 * Exact boundaries of { x > 0 : g(x) < 0 } for a function g that is affine between known
 * breakpoints (and may jump at them).
 *
 * Why this terminates and is exact: the breakpoints split (0, ∞) into finitely many segments; on
 * each, g is affine, so two exact evaluations give its line and the line gives its one root (if
 * any). Breakpoints, roots and x0 split (0, ∞) into finitely many cells on which g has a constant
 * sign, found by one exact evaluation per cell. Walking the cells from x0 is then a finite scan.
 * No iteration, no tolerance: the tier that holds at the answer is the tier used to find it.
 */
import {
  addRational, compareRational, divideRational, midpoint, multiplyRational, rational,
  RATIONAL_ONE, signRational, subtractRational, type Rational,
} from '../money/rational.js';

export interface PiecewiseAffine {
  /** Exact value at x > 0. */
  readonly evaluate: (x: Rational) => Rational;
  /** Points in (0, ∞) outside which g is affine on each side; extra points are harmless. */
  readonly breakpoints: readonly Rational[];
}

export type Condition = 'negative' | 'non-negative';

function sortedUnique(points: readonly Rational[]): Rational[] {
  const positive = points.filter((point) => signRational(point) > 0).sort(compareRational);
  return positive.filter((point, index) => index === 0 || compareRational(point, positive[index - 1] as Rational) !== 0);
}

/** Two points strictly inside the segment (low, high); low 0 = from zero, high undefined = to infinity. */
function samplePoints(low: Rational | undefined, high: Rational | undefined): [Rational, Rational] {
  if (!low && !high) return [RATIONAL_ONE, rational(2n)];
  if (!low && high) return [multiplyRational(high, rational(1n, 4n)), multiplyRational(high, rational(1n, 2n))];
  if (low && !high) return [addRational(low, RATIONAL_ONE), addRational(low, rational(2n))];
  const span = subtractRational(high as Rational, low as Rational);
  return [
    addRational(low as Rational, multiplyRational(span, rational(1n, 3n))),
    addRational(low as Rational, multiplyRational(span, rational(2n, 3n))),
  ];
}

function rootsInSegments(fn: PiecewiseAffine, breakpoints: readonly Rational[]): Rational[] {
  const roots: Rational[] = [];
  for (let index = 0; index <= breakpoints.length; index += 1) {
    const low = breakpoints[index - 1];
    const high = breakpoints[index];
    const [first, second] = samplePoints(low, high);
    const firstValue = fn.evaluate(first);
    const slope = divideRational(subtractRational(fn.evaluate(second), firstValue), subtractRational(second, first));
    if (signRational(slope) === 0) continue;
    // g(x) = g(first) + slope × (x - first) = 0
    const root = subtractRational(first, divideRational(firstValue, slope));
    const aboveLow = low ? compareRational(root, low) > 0 : signRational(root) > 0;
    const belowHigh = high ? compareRational(root, high) < 0 : true;
    if (aboveLow && belowHigh) roots.push(root);
  }
  return roots;
}

function satisfies(value: Rational, condition: Condition): boolean {
  return condition === 'negative' ? signRational(value) < 0 : signRational(value) >= 0;
}

/**
 * Starting at x0 and moving in `direction` (+1 up, -1 down), the first x at which `condition`
 * holds: the boundary of the first cell or point where it does. For a cell met moving down that is
 * its upper end; moving up, its lower end. Null when it holds nowhere on that side.
 */
export function firstBoundary(fn: PiecewiseAffine, x0: Rational, direction: 1 | -1, condition: Condition): Rational | null {
  if (signRational(x0) <= 0) throw new RangeError('the starting coordinate must be positive');
  if (satisfies(fn.evaluate(x0), condition)) return x0;
  const breakpoints = sortedUnique(fn.breakpoints);
  const points = sortedUnique([...breakpoints, ...rootsInSegments(fn, breakpoints), x0]);
  const start = points.findIndex((point) => compareRational(point, x0) === 0);
  if (direction < 0) {
    for (let index = start; index >= 1; index -= 1) {
      const upper = points[index] as Rational;
      const lower = points[index - 1] as Rational;
      if (satisfies(fn.evaluate(midpoint(lower, upper)), condition)) return upper;
      if (satisfies(fn.evaluate(lower), condition)) return lower;
    }
    const lowest = points[0] as Rational;
    return satisfies(fn.evaluate(divideRational(lowest, rational(2n))), condition) ? lowest : null;
  }
  for (let index = start; index < points.length - 1; index += 1) {
    const lower = points[index] as Rational;
    const upper = points[index + 1] as Rational;
    if (satisfies(fn.evaluate(midpoint(lower, upper)), condition)) return lower;
    if (satisfies(fn.evaluate(upper), condition)) return upper;
  }
  const highest = points[points.length - 1] as Rational;
  return satisfies(fn.evaluate(addRational(highest, RATIONAL_ONE)), condition) ? highest : null;
}
