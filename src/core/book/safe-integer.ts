/**
 * Exact integer arithmetic in binary64 doubles, for the risk book's hot path.
 *
 * A double holds every integer of magnitude below 2^53 exactly, and the product or sum of two exact
 * integers is exact whenever the true result is below 2^53 in magnitude. Rounding is monotone, so a
 * computed result at or above a bound means the true one reached it too: checking the computed
 * magnitude against SAFE_BOUND decides whether a chain of integer operations stayed exact. Callers
 * check, and redo the computation in bigint when it did not.
 *
 * Division rounds by name, with the remainder corrected exactly:
 *   floorDivide(n, d) = ⌊n / d⌋,  ceilingDivide(n, d) = ⌈n / d⌉,   |n|, d < 2^52, d > 0
 * (below 2^52 the quotient's double is within one of the true floor, and q × d stays below 2^53).
 * Results are never -0, so they compare and print as the integers they are.
 */

/** Magnitudes below this bound are exact integers through the book's arithmetic. */
export const SAFE_BOUND = 2 ** 52;

/** Whether `value` is an integer the book's double arithmetic holds exactly. */
export function isSafeAmount(value: number): boolean {
  return Number.isInteger(value) && Math.abs(value) < SAFE_BOUND;
}

/** ⌊numerator / denominator⌋ for integers with |numerator| < 2^52 and 0 < denominator < 2^52. */
export function floorDivide(numerator: number, denominator: number): number {
  let quotient = Math.floor(numerator / denominator);
  const remainder = numerator - quotient * denominator;
  if (remainder < 0) quotient -= 1;
  else if (remainder >= denominator) quotient += 1;
  return quotient + 0;
}

/** ⌈numerator / denominator⌉ for integers with |numerator| < 2^52 and 0 < denominator < 2^52. */
export function ceilingDivide(numerator: number, denominator: number): number {
  return 0 - floorDivide(-numerator, denominator);
}

/** ⌊numerator / denominator⌋ in bigint, denominator > 0. */
export function floorDivideBig(numerator: bigint, denominator: bigint): bigint {
  const quotient = numerator / denominator;
  return numerator % denominator < 0n ? quotient - 1n : quotient;
}

/** ⌈numerator / denominator⌉ in bigint, denominator > 0. */
export function ceilingDivideBig(numerator: bigint, denominator: bigint): bigint {
  return -floorDivideBig(-numerator, denominator);
}

/** A bigint amount as a double, which must hold it exactly: the book keeps amounts below 2^52 units. */
export function toSafeNumber(value: bigint, what: string): number {
  const result = Number(value);
  if (!(Math.abs(result) < SAFE_BOUND)) {
    throw new RangeError(`${what} ${value} is beyond the book's exact range (2^52 account units)`);
  }
  return result;
}

/** a + b for amounts, which must stay in the exact range. */
export function addAmounts(a: number, b: number): number {
  const result = a + b;
  if (!(Math.abs(result) < SAFE_BOUND)) throw new RangeError(`amount ${a} + ${b} is beyond the book's exact range (2^52 account units)`);
  return result;
}
