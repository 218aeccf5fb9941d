/**
 * Exact boundaries of { x > 0 : g(x) < 0 } for a function g that is affine between known
 * breakpoints (and may jump at them).
 *
 * Why this terminates and is exact: the breakpoints split (0, ∞) into finitely many segments; on
 * each, g is affine, so two exact evaluations give its line and the line gives its one root (if
 * any). Breakpoints, roots and x0 split (0, ∞) into finitely many cells on which g has a constant
 * sign, found by one exact evaluation per cell. Walking the cells from x0 is then a finite scan,
 * and a segment's root is found only when the walk reaches its segment.
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

/** The root of g's line on the segment (low, high), when it lies strictly inside; two evaluations. */
function rootInSegment(fn: PiecewiseAffine, low: Rational | undefined, high: Rational | undefined): Rational | undefined {
  const [first, second] = samplePoints(low, high);
  const firstValue = fn.evaluate(first);
  const slope = divideRational(subtractRational(fn.evaluate(second), firstValue), subtractRational(second, first));
  if (signRational(slope) === 0) return undefined;
  // g(x) = g(first) + slope × (x - first) = 0
  const root = subtractRational(first, divideRational(firstValue, slope));
  const aboveLow = low ? compareRational(root, low) > 0 : signRational(root) > 0;
  const belowHigh = high ? compareRational(root, high) < 0 : true;
  return aboveLow && belowHigh ? root : undefined;
}

/**
 * The points that split (0, ∞) into cells (breakpoints, and each segment's root), strictly beyond
 * x0 in `direction`, nearest first. Lazily: a segment's root costs two evaluations, and the walk
 * usually stops in the first segment or two, so the segments past the answer are never evaluated.
 */
function* cellEdges(fn: PiecewiseAffine, breakpoints: readonly Rational[], x0: Rational, direction: 1 | -1): Generator<Rational> {
  // Segment j is (breakpoints[j - 1], breakpoints[j]), open at 0 below and at ∞ above.
  let j = direction < 0
    ? breakpoints.findIndex((point) => compareRational(point, x0) >= 0)
    : breakpoints.findIndex((point) => compareRational(point, x0) > 0);
  if (j < 0) j = breakpoints.length;
  for (; j >= 0 && j <= breakpoints.length; j += direction) {
    const low = breakpoints[j - 1];
    const high = breakpoints[j];
    const root = rootInSegment(fn, low, high);
    if (root && direction * compareRational(root, x0) > 0) yield root;
    const far = direction < 0 ? low : high;
    if (far) yield far;
  }
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
  // Walk the cells from x0: each cell's sign by its midpoint, then its far edge itself.
  let near = x0;
  for (const edge of cellEdges(fn, breakpoints, x0, direction)) {
    if (satisfies(fn.evaluate(midpoint(near, edge)), condition)) return near;
    if (satisfies(fn.evaluate(edge), condition)) return edge;
    near = edge;
  }
  // The last cell runs to 0 (or to ∞): one point inside it tells.
  const inside = direction < 0 ? divideRational(near, rational(2n)) : addRational(near, RATIONAL_ONE);
  return satisfies(fn.evaluate(inside), condition) ? near : null;
}
