// Checks firstBoundary: from x0, moving down (or up), the first x > 0 where g(x) < 0 (or >= 0), for
// g affine between breakpoints and free to jump at them. The answer is the supremum (moving down) or
// infimum (moving up) of the satisfying set on that side, or x0 when x0 already satisfies, or null.
// Hand-built exact functions (lines, kinks, jumps across zero, two roots, g = 0, a zero plateau),
// then fast-check: affine a + b x against -a / b, and random piecewise functions against a reference
// that knows each piece's line and reads one-sided limits instead of sampling.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  addRational, compareRational, divideRational, multiplyRational, negateRational, rational, RATIONAL_ZERO,
  signRational, type Rational,
} from '../money/rational.js';
import { firstBoundary, type Condition, type PiecewiseAffine } from './piecewise-root.js';

const r = (numerator: number, denominator = 1): Rational => rational(BigInt(numerator), BigInt(denominator));
/** x -> intercept + slope × x */
const line = (intercept: Rational, slope: Rational) => (x: Rational): Rational =>
  addRational(intercept, multiplyRational(slope, x));
const below = (x: Rational, point: Rational): boolean => compareRational(x, point) < 0;
const atOrBelow = (x: Rational, point: Rational): boolean => compareRational(x, point) <= 0;

function assertBoundary(actual: Rational | null, expected: Rational | null, context = ''): void {
  if (expected === null) assert.equal(actual, null, context);
  else assert.deepEqual(actual, expected, context);
}

describe('firstBoundary on a single line', () => {
  // g(x) = x - 3: negative on (0, 3), non-negative from 3.
  const increasing: PiecewiseAffine = { evaluate: line(r(-3), r(1)), breakpoints: [] };

  test('increasing line, root 3: moving down from 10 finds 3, moving up finds nothing', () => {
    assertBoundary(firstBoundary(increasing, r(10), -1, 'negative'), r(3));
    assertBoundary(firstBoundary(increasing, r(10), 1, 'negative'), null);
    // Starting on the root (g(3) = 0 is not negative): the negative side is below.
    assertBoundary(firstBoundary(increasing, r(3), -1, 'negative'), r(3));
    assertBoundary(firstBoundary(increasing, r(3), 1, 'negative'), null);
  });

  test('a start that already satisfies the condition is its own answer', () => {
    assertBoundary(firstBoundary(increasing, r(1), -1, 'negative'), r(1));
    assertBoundary(firstBoundary(increasing, r(1), 1, 'negative'), r(1));
    assertBoundary(firstBoundary(increasing, r(3), 1, 'non-negative'), r(3));
  });

  test('seeking non-negative from a negative start: up reaches the root (g(3) = 0 counts), down never', () => {
    assertBoundary(firstBoundary(increasing, r(1), 1, 'non-negative'), r(3));
    assertBoundary(firstBoundary(increasing, r(1, 1000), 1, 'non-negative'), r(3));
    assertBoundary(firstBoundary(increasing, r(1), -1, 'non-negative'), null);
  });

  test('decreasing line g(x) = 7 - x: the negative side is above 7, found moving up', () => {
    const decreasing: PiecewiseAffine = { evaluate: line(r(7), r(-1)), breakpoints: [] };
    assertBoundary(firstBoundary(decreasing, r(2), 1, 'negative'), r(7));
    assertBoundary(firstBoundary(decreasing, r(2), -1, 'negative'), null);
    assertBoundary(firstBoundary(decreasing, r(9), -1, 'non-negative'), r(7));
  });

  test('a fractional root: g(x) = 3x - 1 has its root at 1/3', () => {
    const fn: PiecewiseAffine = { evaluate: line(r(-1), r(3)), breakpoints: [] };
    assertBoundary(firstBoundary(fn, r(5), -1, 'negative'), r(1, 3));
    assertBoundary(firstBoundary(fn, r(1, 7), 1, 'non-negative'), r(1, 3));
  });

  test('a root at or below zero is outside the domain x > 0', () => {
    // g(x) = x + 2 > 0 for every x > 0; g(x) = x is 0 only at 0.
    assertBoundary(firstBoundary({ evaluate: line(r(2), r(1)), breakpoints: [] }, r(5), -1, 'negative'), null);
    assertBoundary(firstBoundary({ evaluate: line(r(0), r(1)), breakpoints: [] }, r(5), -1, 'negative'), null);
    // g(x) = -x < 0 for every x > 0: seeking non-negative finds nothing either way.
    const minus: PiecewiseAffine = { evaluate: line(r(0), r(-1)), breakpoints: [] };
    assertBoundary(firstBoundary(minus, r(5), -1, 'non-negative'), null);
    assertBoundary(firstBoundary(minus, r(5), 1, 'non-negative'), null);
  });

  test('extra breakpoints (duplicates, zero, negative, off the kinks) change nothing', () => {
    const padded: PiecewiseAffine = { evaluate: increasing.evaluate, breakpoints: [r(0), r(-1), r(5), r(5), r(7, 2), r(100)] };
    assertBoundary(firstBoundary(padded, r(10), -1, 'negative'), r(3));
    assertBoundary(firstBoundary(padded, r(10), 1, 'negative'), null);
    assertBoundary(firstBoundary(padded, r(1), 1, 'non-negative'), r(3));
    // A breakpoint on the root itself.
    assertBoundary(firstBoundary({ evaluate: increasing.evaluate, breakpoints: [r(3)] }, r(10), -1, 'negative'), r(3));
  });
});

describe('firstBoundary with kinks and jumps', () => {
  test('continuous kink: g = x - 5 below 4, 2x - 9 from 4 (both -1 at 4); root 4.5 on the second piece', () => {
    // The first piece's own root 5 lies beyond its range; the real root is 9 / 2.
    const fn: PiecewiseAffine = {
      evaluate: (x) => (below(x, r(4)) ? line(r(-5), r(1))(x) : line(r(-9), r(2))(x)),
      breakpoints: [r(4)],
    };
    assertBoundary(firstBoundary(fn, r(10), -1, 'negative'), r(9, 2));
    assertBoundary(firstBoundary(fn, r(1), 1, 'non-negative'), r(9, 2));
    assertBoundary(firstBoundary(fn, r(10), 1, 'negative'), null);
    assertBoundary(firstBoundary(fn, r(4), 1, 'non-negative'), r(9, 2));
  });

  test('continuous kink with the root on the breakpoint: g = x - 4 below 4, 3(x - 4) from 4', () => {
    const fn: PiecewiseAffine = {
      evaluate: (x) => (below(x, r(4)) ? line(r(-4), r(1))(x) : line(r(-12), r(3))(x)),
      breakpoints: [r(4)],
    };
    assertBoundary(firstBoundary(fn, r(10), -1, 'negative'), r(4));
    assertBoundary(firstBoundary(fn, r(1), 1, 'non-negative'), r(4));
  });

  test('a jump from negative to positive at 4: the boundary is the breakpoint, whichever side owns it', () => {
    // g = x - 10 below 4 (negative there), g = x from 4 (positive): g(4) = 4.
    const rightOwned: PiecewiseAffine = {
      evaluate: (x) => (below(x, r(4)) ? line(r(-10), r(1))(x) : x),
      breakpoints: [r(4)],
    };
    // Same, but g(4) = 4 - 10 = -6 belongs to the left piece.
    const leftOwned: PiecewiseAffine = {
      evaluate: (x) => (atOrBelow(x, r(4)) ? line(r(-10), r(1))(x) : x),
      breakpoints: [r(4)],
    };
    for (const fn of [rightOwned, leftOwned]) {
      assertBoundary(firstBoundary(fn, r(8), -1, 'negative'), r(4));
      assertBoundary(firstBoundary(fn, r(1), 1, 'non-negative'), r(4));
      assertBoundary(firstBoundary(fn, r(8), 1, 'negative'), null);
    }
    // The pieces' own roots (10 and 0) lie outside their ranges: nothing else is found.
    assertBoundary(firstBoundary(rightOwned, r(2), -1, 'non-negative'), null);
  });

  test('a jump from positive to negative at 4, found moving up', () => {
    // g = x below 4 (positive), g = x - 10 from 4 (negative on [4, 10)), and the mirror ownership.
    const rightOwned: PiecewiseAffine = {
      evaluate: (x) => (below(x, r(4)) ? x : line(r(-10), r(1))(x)),
      breakpoints: [r(4)],
    };
    const leftOwned: PiecewiseAffine = {
      evaluate: (x) => (atOrBelow(x, r(4)) ? x : line(r(-10), r(1))(x)),
      breakpoints: [r(4)],
    };
    for (const fn of [rightOwned, leftOwned]) {
      assertBoundary(firstBoundary(fn, r(1), 1, 'negative'), r(4));
      assertBoundary(firstBoundary(fn, r(1), -1, 'negative'), null);
      // Coming back down from 20: non-negative again from 10 upward, negative on (4, 10).
      assertBoundary(firstBoundary(fn, r(20), -1, 'negative'), r(10));
      assertBoundary(firstBoundary(fn, r(7), 1, 'non-negative'), r(10));
      assertBoundary(firstBoundary(fn, r(7), -1, 'non-negative'), r(4));
    }
  });

  test('a jump that does not cross zero, and a single negative point at a breakpoint', () => {
    // g = x + 1 below 4, x + 2 from 4: positive everywhere.
    const jump: PiecewiseAffine = {
      evaluate: (x) => (below(x, r(4)) ? line(r(1), r(1))(x) : line(r(2), r(1))(x)),
      breakpoints: [r(4)],
    };
    assertBoundary(firstBoundary(jump, r(10), -1, 'negative'), null);
    assertBoundary(firstBoundary(jump, r(1), 1, 'negative'), null);
    // g = 1 except g(4) = -1: the only negative point is the breakpoint itself.
    const spike: PiecewiseAffine = {
      evaluate: (x) => (compareRational(x, r(4)) === 0 ? r(-1) : r(1)),
      breakpoints: [r(4)],
    };
    assertBoundary(firstBoundary(spike, r(10), -1, 'negative'), r(4));
    assertBoundary(firstBoundary(spike, r(1), 1, 'negative'), r(4));
    assertBoundary(firstBoundary(spike, r(4), 1, 'non-negative'), r(4));
  });

  test('two roots: g = 2 - x below 4, x - 6 from 4 (continuous, -2 at 4) is negative on (2, 6)', () => {
    const fn: PiecewiseAffine = {
      evaluate: (x) => (below(x, r(4)) ? line(r(2), r(-1))(x) : line(r(-6), r(1))(x)),
      breakpoints: [r(4)],
    };
    assertBoundary(firstBoundary(fn, r(10), -1, 'negative'), r(6));
    assertBoundary(firstBoundary(fn, r(1), 1, 'negative'), r(2));
    assertBoundary(firstBoundary(fn, r(10), 1, 'negative'), null);
    assertBoundary(firstBoundary(fn, r(1), -1, 'negative'), null);
    assertBoundary(firstBoundary(fn, r(3), -1, 'negative'), r(3));
    assertBoundary(firstBoundary(fn, r(4), -1, 'non-negative'), r(2));
    assertBoundary(firstBoundary(fn, r(4), 1, 'non-negative'), r(6));
    assertBoundary(firstBoundary(fn, r(1, 2), 1, 'non-negative'), r(1, 2));
  });

  test('two roots with a jump between them: 1 - x below 3, x - 8 from 3, negative on (1, 8)', () => {
    // g(3-) = 1 - 3 = -2 and g(3) = 3 - 8 = -5: a jump that stays negative; the roots are 1 and 8.
    const fn: PiecewiseAffine = {
      evaluate: (x) => (below(x, r(3)) ? line(r(1), r(-1))(x) : line(r(-8), r(1))(x)),
      breakpoints: [r(3)],
    };
    assertBoundary(firstBoundary(fn, r(20), -1, 'negative'), r(8));
    assertBoundary(firstBoundary(fn, r(1, 2), 1, 'negative'), r(1));
    assertBoundary(firstBoundary(fn, r(3), -1, 'non-negative'), r(1));
    assertBoundary(firstBoundary(fn, r(3), 1, 'non-negative'), r(8));
  });

  test('g identically zero is never negative, and always non-negative', () => {
    const zero: PiecewiseAffine = { evaluate: () => RATIONAL_ZERO, breakpoints: [r(2), r(5)] };
    for (const x0 of [r(1), r(2), r(3), r(100)]) {
      assertBoundary(firstBoundary(zero, x0, -1, 'negative'), null);
      assertBoundary(firstBoundary(zero, x0, 1, 'negative'), null);
      assertBoundary(firstBoundary(zero, x0, 1, 'non-negative'), x0);
      assertBoundary(firstBoundary(zero, x0, -1, 'non-negative'), x0);
    }
  });

  test('a zero plateau: g = x - 2 below 2, 0 on [2, 6], x - 6 above 6', () => {
    const fn: PiecewiseAffine = {
      evaluate: (x) => (below(x, r(2)) ? line(r(-2), r(1))(x) : atOrBelow(x, r(6)) ? RATIONAL_ZERO : line(r(-6), r(1))(x)),
      breakpoints: [r(2), r(6)],
    };
    assertBoundary(firstBoundary(fn, r(4), -1, 'negative'), r(2));
    assertBoundary(firstBoundary(fn, r(4), 1, 'negative'), null);
    assertBoundary(firstBoundary(fn, r(1), 1, 'non-negative'), r(2));
  });
});

const conditionArb = fc.constantFrom<Condition>('negative', 'non-negative');
const directionArb = fc.constantFrom<1 | -1>(1, -1);
const smallRational = (maxNumerator: number, maxDenominator: number): fc.Arbitrary<Rational> =>
  fc.tuple(fc.integer({ min: -maxNumerator, max: maxNumerator }), fc.integer({ min: 1, max: maxDenominator }))
    .map(([numerator, denominator]) => r(numerator, denominator));
const positiveRational = fc.tuple(fc.integer({ min: 1, max: 400 }), fc.integer({ min: 1, max: 12 }))
  .map(([numerator, denominator]) => r(numerator, denominator));

function satisfiesSign(sign: number, condition: Condition): boolean {
  return condition === 'negative' ? sign < 0 : sign >= 0;
}

describe('firstBoundary on random lines (fc)', () => {
  test('for g(x) = a + b x the boundary is -a / b when positive and on the searched side, else null', () => {
    const caseArb = fc.tuple(smallRational(50, 7), smallRational(20, 5), positiveRational, fc.boolean(), directionArb, conditionArb)
      .map(([a, b, x, startOnRoot, direction, condition]) => {
        // Now and then start exactly on the root, where g(x0) = 0.
        const root = signRational(b) === 0 ? null : negateRational(divideRational(a, b));
        const x0 = startOnRoot && root !== null && signRational(root) > 0 ? root : x;
        return { a, b, x0, direction, condition };
      });
    fc.assert(fc.property(caseArb, ({ a, b, x0, direction, condition }) => {
      const g = line(a, b);
      const fn: PiecewiseAffine = { evaluate: g, breakpoints: [] };
      let expected: Rational | null;
      if (satisfiesSign(signRational(g(x0)), condition)) expected = x0;
      else if (signRational(b) === 0) expected = null;
      else {
        const root = negateRational(divideRational(a, b));
        // The satisfying set is (0, root) when negative-and-rising or non-negative-and-falling
        // (the latter as (0, root]); otherwise it lies above the root. x0 fails, so it is on the other side.
        const setBelowRoot = (condition === 'negative') === (signRational(b) > 0);
        if (direction < 0) expected = setBelowRoot && signRational(root) > 0 ? root : null;
        else expected = setBelowRoot ? null : root;
      }
      assertBoundary(firstBoundary(fn, x0, direction, condition), expected,
        `a=${a.numerator}/${a.denominator} b=${b.numerator}/${b.denominator} x0=${x0.numerator}/${x0.denominator} ${direction} ${condition}`);
    }), { numRuns: 2000 });
  });
});

/** A random piecewise-affine function described by its pieces, so the reference can read limits. */
interface Pieces {
  readonly breaks: readonly Rational[]; // sorted, distinct, positive
  readonly lines: readonly { intercept: Rational; slope: Rational }[]; // breaks.length + 1
  readonly atBreak: readonly ('left' | 'right' | Rational)[]; // g at each break
  readonly extra: readonly Rational[]; // harmless extra breakpoints
}

const countBelow = (breaks: readonly Rational[], x: Rational, orEqual: boolean): number =>
  breaks.filter((point) => (orEqual ? compareRational(point, x) <= 0 : compareRational(point, x) < 0)).length;

function lineValue(pieces: Pieces, index: number, x: Rational): Rational {
  const piece = pieces.lines[index];
  if (!piece) throw new Error(`no piece ${index}`);
  return line(piece.intercept, piece.slope)(x);
}

function evaluatePieces(pieces: Pieces, x: Rational): Rational {
  const at = pieces.breaks.findIndex((point) => compareRational(point, x) === 0);
  if (at >= 0) {
    const rule = pieces.atBreak[at];
    if (rule === 'left') return lineValue(pieces, at, x);
    if (rule === 'right') return lineValue(pieces, at + 1, x);
    if (rule) return rule;
  }
  return lineValue(pieces, countBelow(pieces.breaks, x, false), x);
}

/** Sign of g just beyond x: `side` -1 = limit from below, +1 = from above. */
function limitSign(pieces: Pieces, x: Rational, side: 1 | -1): number {
  const index = countBelow(pieces.breaks, x, side > 0);
  const piece = pieces.lines[index];
  if (!piece) throw new Error(`no piece ${index}`);
  const value = signRational(lineValue(pieces, index, x));
  return value !== 0 ? value : side * signRational(piece.slope);
}

/**
 * Reference: every place the sign can change is a break, a root of some piece inside its own open
 * range, or x0. Moving down, the answer is the largest such p <= x0 where g(p) or g just below p
 * satisfies (the supremum); moving up, the smallest p >= x0 where g(p) or g just above p does.
 */
function referenceBoundary(pieces: Pieces, x0: Rational, direction: 1 | -1, condition: Condition): Rational | null {
  if (satisfiesSign(signRational(evaluatePieces(pieces, x0)), condition)) return x0;
  const candidates: Rational[] = [...pieces.breaks, x0];
  pieces.lines.forEach(({ intercept, slope }, index) => {
    if (signRational(slope) === 0) return;
    const root = negateRational(divideRational(intercept, slope));
    const low = pieces.breaks[index - 1] ?? RATIONAL_ZERO;
    const high = pieces.breaks[index];
    if (compareRational(root, low) > 0 && (!high || compareRational(root, high) < 0)) candidates.push(root);
  });
  const onSide = candidates
    .filter((point) => compareRational(point, x0) * direction >= 0)
    .sort((p, q) => compareRational(p, q) * direction);
  for (const point of onSide) {
    if (satisfiesSign(signRational(evaluatePieces(pieces, point)), condition)) return point;
    // Just beyond the point, away from x0: the whole cell up to the next candidate has that sign.
    if (satisfiesSign(limitSign(pieces, point, direction), condition)) return point;
  }
  return null;
}

describe('firstBoundary on random piecewise functions (fc)', () => {
  const breaksArb = fc.array(positiveRational, { maxLength: 5 }).map((points) =>
    [...points].sort(compareRational).filter((point, index, all) => index === 0 || compareRational(point, all[index - 1] as Rational) !== 0));
  const piecesArb: fc.Arbitrary<Pieces> = breaksArb.chain((breaks) => fc.record({
    breaks: fc.constant(breaks),
    lines: fc.array(fc.record({ intercept: smallRational(30, 3), slope: fc.oneof(smallRational(4, 2), fc.constant(RATIONAL_ZERO)) }),
      { minLength: breaks.length + 1, maxLength: breaks.length + 1 }),
    atBreak: fc.array(fc.oneof(fc.constant<'left'>('left'), fc.constant<'right'>('right'), smallRational(5, 1)),
      { minLength: breaks.length, maxLength: breaks.length }),
    extra: fc.array(smallRational(40, 3), { maxLength: 3 }),
  }));
  const caseArb = piecesArb.chain((pieces) => fc.record({
    pieces: fc.constant(pieces),
    // x0 often lands on a break or on a grid point that is a root.
    x0: pieces.breaks.length > 0
      ? fc.oneof(positiveRational, fc.constantFrom(...pieces.breaks), fc.integer({ min: 1, max: 40 }).map((n) => r(n, 2)))
      : fc.oneof(positiveRational, fc.integer({ min: 1, max: 40 }).map((n) => r(n, 2))),
    direction: directionArb,
    condition: conditionArb,
  }));

  test('agrees with a reference that reads one-sided limits of the known pieces', () => {
    fc.assert(fc.property(caseArb, ({ pieces, x0, direction, condition }) => {
      const fn: PiecewiseAffine = {
        evaluate: (x) => evaluatePieces(pieces, x),
        breakpoints: [...pieces.extra, ...pieces.breaks],
      };
      assertBoundary(firstBoundary(fn, x0, direction, condition), referenceBoundary(pieces, x0, direction, condition));
    }), { numRuns: 3000 });
  });

  test('whatever it returns is on the searched side and satisfies the condition there or just beyond it', () => {
    fc.assert(fc.property(caseArb, ({ pieces, x0, direction, condition }) => {
      const fn: PiecewiseAffine = { evaluate: (x) => evaluatePieces(pieces, x), breakpoints: pieces.breaks };
      const boundary = firstBoundary(fn, x0, direction, condition);
      if (boundary === null) return;
      assert.ok(signRational(boundary) > 0);
      assert.ok(compareRational(boundary, x0) * direction >= 0, 'on the searched side');
      const here = satisfiesSign(signRational(fn.evaluate(boundary)), condition);
      const beside = satisfiesSign(limitSign(pieces, boundary, direction), condition);
      assert.ok(here || beside);
    }), { numRuns: 1000 });
  });
});
