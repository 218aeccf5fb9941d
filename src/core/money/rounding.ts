/**
 * Named rounding for every lossy step (dinero.js v2's named divide operations).
 *
 * - `floor`: toward -infinity. Amounts credited to the client, and prices where a long is liquidated.
 * - `ceiling`: toward +infinity. Requirements and charges (they round against the account).
 * - `down`: toward zero. `up`: away from zero.
 * - `half-even`: to nearest, ties to even (banker's rounding). `half-up`: to nearest, ties away from zero.
 */
export type RoundingMode = 'floor' | 'ceiling' | 'down' | 'up' | 'half-even' | 'half-up';

/** `numerator / denominator` as an integer, rounded by `mode`. The denominator must not be zero. */
export function divideIntegers(numerator: bigint, denominator: bigint, mode: RoundingMode): bigint {
  if (denominator === 0n) throw new RangeError('division by zero');
  if (denominator < 0n) {
    numerator = -numerator;
    denominator = -denominator;
  }
  const quotient = numerator / denominator; // truncates toward zero
  const remainder = numerator - quotient * denominator;
  if (remainder === 0n) return quotient;
  const negative = numerator < 0n;
  const twiceRemainder = 2n * (negative ? -remainder : remainder);
  switch (mode) {
    case 'down':
      return quotient;
    case 'up':
      return negative ? quotient - 1n : quotient + 1n;
    case 'floor':
      return negative ? quotient - 1n : quotient;
    case 'ceiling':
      return negative ? quotient : quotient + 1n;
    case 'half-up':
      if (twiceRemainder >= denominator) return negative ? quotient - 1n : quotient + 1n;
      return quotient;
    case 'half-even': {
      if (twiceRemainder > denominator || (twiceRemainder === denominator && quotient % 2n !== 0n)) {
        return negative ? quotient - 1n : quotient + 1n;
      }
      return quotient;
    }
  }
}
