/**
 * A margin scope valued exactly at the book's current prices, as ../margin/scope-valuation.ts
 * values it (P&L rounded down per position, requirements rounded up once per scope):
 *
 *   equity = collateral + Σ ⌊direction × pnlFactor × (price - entry) / pnlDenominator⌋
 *   Rl     = ⌈Σ liquidationFactor × price / L⌉,   Rc = ⌈Σ marginCallFactor × price / L⌉
 *   cross collateral = balance - Σ isolated margins;  isolated collateral = the position's margin
 *
 * In doubles while every intermediate stays below 2^52 (checked: safe-integer.ts), else in bigint.
 * Results go to a caller's Float64Array, so valuing allocates nothing.
 */
import { endPositionOf, firstPositionOf, requirementDenominatorOf, venueOf, type BookState } from './book-state.js';
import * as layout from './book-state.js';
import { ceilingDivide, ceilingDivideBig, floorDivide, floorDivideBig, SAFE_BOUND, toSafeNumber } from './safe-integer.js';

// The record layout as module-local constants: V8 folds these into optimized loops, while each
// read of an imported binding stays a load and a check.
const {
  ACCOUNT_BALANCE, ACCOUNT_ISOLATED_TOTAL, ACCOUNT_STRIDE, FIELD_CALL_FACTOR, FIELD_DIRECTION, FIELD_ENTRY,
  FIELD_INSTRUMENT, FIELD_LIQUIDATION_FACTOR, FIELD_PNL_DENOMINATOR, FIELD_PNL_FACTOR, FIELD_STATE, OPEN_CROSS,
  OPEN_ISOLATED, POSITION_STRIDE,
} = layout;

/** Slots of a valuation. */
export const VALUE_EQUITY = 0;
export const VALUE_LIQUIDATION = 1;
export const VALUE_MARGIN_CALL = 2;
/** How many positions are open in the scope. */
export const VALUE_OPEN = 3;
export const VALUE_SIZE = 4;

function valueInBigint(
  state: BookState, first: number, end: number, open: number, collateral: number, denominator: number, out: Float64Array,
): void {
  const { position, prices } = state;
  let equity = BigInt(collateral);
  let liquidation = 0n;
  let marginCall = 0n;
  for (let index = first; index < end; index += 1) {
    const record = index * POSITION_STRIDE;
    if (position[record + FIELD_STATE] !== open) continue;
    const price = BigInt(prices[position[record + FIELD_INSTRUMENT]!]!);
    const move = BigInt(position[record + FIELD_DIRECTION]!) * (price - BigInt(position[record + FIELD_ENTRY]!));
    equity += floorDivideBig(BigInt(position[record + FIELD_PNL_FACTOR]!) * move, BigInt(position[record + FIELD_PNL_DENOMINATOR]!));
    liquidation += BigInt(position[record + FIELD_LIQUIDATION_FACTOR]!) * price;
    marginCall += BigInt(position[record + FIELD_CALL_FACTOR]!) * price;
  }
  const common = BigInt(denominator);
  out[VALUE_EQUITY] = toSafeNumber(equity, 'equity');
  out[VALUE_LIQUIDATION] = toSafeNumber(ceilingDivideBig(liquidation, common), 'liquidation requirement');
  out[VALUE_MARGIN_CALL] = toSafeNumber(ceilingDivideBig(marginCall, common), 'margin-call requirement');
}

/**
 * Values the positions first ..< end whose state is `open` (OPEN_CROSS or OPEN_ISOLATED) on top of
 * `collateral`, with requirement denominator `denominator`.
 */
export function valuePositions(
  state: BookState, first: number, end: number, open: number, collateral: number, denominator: number, out: Float64Array,
): void {
  const { position, prices } = state;
  let equity = collateral;
  let magnitude = Math.abs(collateral);
  let largest = 0;
  let liquidation = 0;
  let marginCall = 0;
  let count = 0;
  for (let index = first; index < end; index += 1) {
    const record = index * POSITION_STRIDE;
    if (position[record + FIELD_STATE] !== open) continue;
    const price = prices[position[record + FIELD_INSTRUMENT]!]!;
    const scaled = position[record + FIELD_DIRECTION]! * position[record + FIELD_PNL_FACTOR]! * (price - position[record + FIELD_ENTRY]!);
    largest = Math.max(largest, Math.abs(scaled));
    const pnl = floorDivide(scaled, position[record + FIELD_PNL_DENOMINATOR]!);
    equity += pnl;
    magnitude += Math.abs(pnl);
    liquidation += position[record + FIELD_LIQUIDATION_FACTOR]! * price;
    marginCall += position[record + FIELD_CALL_FACTOR]! * price;
    count += 1;
  }
  out[VALUE_OPEN] = count;
  if (Math.max(largest, magnitude, liquidation, marginCall) < SAFE_BOUND) {
    out[VALUE_EQUITY] = equity;
    out[VALUE_LIQUIDATION] = ceilingDivide(liquidation, denominator);
    out[VALUE_MARGIN_CALL] = ceilingDivide(marginCall, denominator);
    return;
  }
  valueInBigint(state, first, end, open, collateral, denominator, out);
}

/** The same valuation, always in bigint: the reference the double path is tested against. */
export function valuePositionsInBigint(
  state: BookState, first: number, end: number, open: number, collateral: number, denominator: number, out: Float64Array,
): void {
  let count = 0;
  for (let index = first; index < end; index += 1) if (state.position[index * POSITION_STRIDE + FIELD_STATE] === open) count += 1;
  out[VALUE_OPEN] = count;
  valueInBigint(state, first, end, open, collateral, denominator, out);
}

export function crossCollateral(state: BookState, account: number): number {
  const record = account * ACCOUNT_STRIDE;
  return state.account[record + ACCOUNT_BALANCE]! - state.account[record + ACCOUNT_ISOLATED_TOTAL]!;
}

export function valueCrossScope(state: BookState, account: number, out: Float64Array): void {
  valuePositions(
    state, firstPositionOf(state, account), endPositionOf(state, account), OPEN_CROSS,
    crossCollateral(state, account), requirementDenominatorOf(state, account), out,
  );
}

export function valueIsolatedScope(state: BookState, position: number, out: Float64Array): void {
  valuePositions(
    state, position, position + 1, OPEN_ISOLATED, state.isolatedMargin[position]!,
    requirementDenominatorOf(state, state.positionAccount[position]!), out,
  );
}

/** Scope `scope` (see book-state.ts for scope numbers). */
export function valueScope(state: BookState, scope: number, out: Float64Array): void {
  if (scope < state.accountCount) valueCrossScope(state, scope, out);
  else valueIsolatedScope(state, scope - state.accountCount, out);
}

/** Position `index`'s P&L at the current price, rounded down to the unit. */
export function positionPnl(state: BookState, index: number): number {
  const { position, prices } = state;
  const record = index * POSITION_STRIDE;
  const price = prices[position[record + FIELD_INSTRUMENT]!]!;
  const scaled = position[record + FIELD_DIRECTION]! * position[record + FIELD_PNL_FACTOR]! * (price - position[record + FIELD_ENTRY]!);
  if (Math.abs(scaled) < SAFE_BOUND) return floorDivide(scaled, position[record + FIELD_PNL_DENOMINATOR]!);
  const move = BigInt(position[record + FIELD_DIRECTION]!) * (BigInt(price) - BigInt(position[record + FIELD_ENTRY]!));
  return toSafeNumber(
    floorDivideBig(BigInt(position[record + FIELD_PNL_FACTOR]!) * move, BigInt(position[record + FIELD_PNL_DENOMINATOR]!)),
    'P&L',
  );
}

/** Whether equity breaches Rl: below it, or at it where the venue liquidates on reaching it. */
export function breachesLiquidation(state: BookState, account: number, equity: number, requirement: number): boolean {
  return equity < requirement || (equity === requirement && state.venueAtOrBelow[venueOf(state, account)] === 1);
}

/** What a valuation means for a scope: 2 = liquidate, 1 = in margin call, 0 = healthy. */
export const STATUS_HEALTHY = 0;
export const STATUS_CALLED = 1;
export const STATUS_LIQUIDATE = 2;

export function scopeStatus(state: BookState, account: number, out: Float64Array): number {
  const equity = out[VALUE_EQUITY]!;
  if (breachesLiquidation(state, account, equity, out[VALUE_LIQUIDATION]!)) return STATUS_LIQUIDATE;
  return equity < out[VALUE_MARGIN_CALL]! ? STATUS_CALLED : STATUS_HEALTHY;
}
