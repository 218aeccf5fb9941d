/**
 * A leverage sweep: the variants that ask the same question at several leverages (spec/simulate.md
 * variants; sim-input.ts's "leverage" and "quantity"), named "2x", "5x", ...
 *
 * - "same margin": the money at stake stays, the position grows with the leverage:
 *   quantity' = quantity × leverage' / leverage, exact decimals, rounded down at QUANTITY_DECIMALS
 *   more places than the two figures carry (examples/sim/leverage-sweep.json does the same by hand).
 *   For an account with one position that states its leverage.
 * - "same position": the position stays; the leverage only changes the margin an isolated
 *   position holds (simulation.ts re-derives it as notional / leverage). A cross account's
 *   thresholds do not depend on its leverage, so on one this sweep changes nothing.
 */
import { divide, multiply, normalize, parseDecimal, sign, toDecimalString, type Decimal } from '../../../core/index.js';
import { prepare } from '../../../sim/prepare.js';
import type { ModelData } from '../../../sim/simulation.js';
import { isWithin } from './problems.js';

export type SweepMode = 'same-margin' | 'same-position';

export interface SweepVariant {
  readonly name: string;
  readonly leverage: string;
  readonly quantity?: string;
}

export type Sweep = { readonly ok: true; readonly variants: readonly SweepVariant[] } | { readonly ok: false; readonly message: string };

const QUANTITY_DECIMALS = 6;

/** "2, 5, 10" (commas or spaces) -> the leverages, or what is wrong with the list. */
export function parseLeverages(text: string): { readonly ok: true; readonly leverages: readonly Decimal[] } | { readonly ok: false; readonly message: string } {
  const words = text.split(/[\s,;]+/).map((word) => word.replace(/x$/i, '')).filter((word) => word !== '');
  if (words.length === 0) return { ok: false, message: 'give one leverage or more, like "2, 5, 10, 20"' };
  const leverages: Decimal[] = [];
  for (const word of words) {
    const leverage = parseDecimal(word);
    if (!leverage || sign(leverage) <= 0) return { ok: false, message: `${JSON.stringify(word)} is not a positive decimal leverage` };
    leverages.push(normalize(leverage));
  }
  const seen = new Set(leverages.map(toDecimalString));
  if (seen.size !== leverages.length) return { ok: false, message: 'names a leverage twice' };
  return { ok: true, leverages };
}

interface PositionShape {
  readonly quantity?: unknown;
  readonly leverage?: unknown;
}

function positionsOf(account: unknown): readonly PositionShape[] {
  const positions = typeof account === 'object' && account !== null ? (account as { positions?: unknown }).positions : undefined;
  return Array.isArray(positions) ? positions.filter((entry): entry is PositionShape => typeof entry === 'object' && entry !== null) : [];
}

/** Whether any position of the account holds an isolated margin (a "same position" sweep moves those only). */
export function hasIsolatedPosition(account: unknown): boolean {
  return positionsOf(account).some((position) => (position as { isolatedMargin?: unknown }).isolatedMargin !== undefined);
}

export function sweepVariants(account: unknown, leverages: readonly Decimal[], mode: SweepMode): Sweep {
  const named = (leverage: Decimal): string => `${toDecimalString(leverage)}x`;
  if (mode === 'same-position') return { ok: true, variants: leverages.map((leverage) => ({ name: named(leverage), leverage: toDecimalString(leverage) })) };
  const positions = positionsOf(account);
  if (positions.length !== 1) return { ok: false, message: `a sweep of the same margin scales one position; the account has ${positions.length}` };
  const position = positions[0] as PositionShape;
  const quantity = typeof position.quantity === 'string' ? parseDecimal(position.quantity) : undefined;
  const leverage = typeof position.leverage === 'string' ? parseDecimal(position.leverage) : undefined;
  if (!quantity || sign(quantity) <= 0) return { ok: false, message: 'the position needs a positive quantity (a decimal string) to scale' };
  if (!leverage || sign(leverage) <= 0) return { ok: false, message: 'the position needs its leverage (a decimal string) to scale its quantity from' };
  const variants = leverages.map((target) => {
    const scaled = divide(multiply(quantity, target), leverage, quantity.scale + target.scale + QUANTITY_DECIMALS, 'down');
    return { name: named(target), leverage: toDecimalString(target), quantity: toDecimalString(normalize(scaled)) };
  });
  const empty = variants.find((variant) => sign(parseDecimal(variant.quantity) as Decimal) <= 0);
  if (empty) return { ok: false, message: `at ${empty.name} the position would round to nothing` };
  return { ok: true, variants };
}

/**
 * Why the venue refuses a sweep's variant (a leverage above its cap for that notional), in the
 * simulator's own words, or undefined when it takes it, or when the rest of the input cannot be
 * built yet to tell.
 */
export function refusal(input: Readonly<Record<string, unknown>>, data: ModelData | undefined, variant: SweepVariant): string | undefined {
  const check = prepare({ ...input, variants: [variant] }, data);
  if (check.ok) return undefined;
  const own = check.error.filter((problem) => isWithin(problem.path, 'variants[0]'));
  return own.length ? own.map((problem) => problem.message).join('; ') : undefined;
}
