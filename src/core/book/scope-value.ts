/**
 * A margin scope valued exactly at the book's current prices, decided as
 * ../margin/scope-valuation.ts decides (on the exact figures, never the rounded ones). With M the
 * account's common denominator (book-state.ts), the scope's slacks
 *
 *   S_l = (equity - Rl) × M = C × M + Σ (direction × P_i × (price_i - entry_i) - Lq_i × price_i)
 *   S_c = (equity - Rc) × M = C × M + Σ (direction × P_i × (price_i - entry_i) - Cq_i × price_i)
 *   C: cross collateral = balance - Σ isolated margins;  isolated collateral = the position's margin
 *
 * are integers, and the status is read off their signs:
 *   liquidate  S_l < 0, or S_l = 0 where the venue liquidates on reaching Rl
 *              (bankrupt, equity < 0, lies within it: Rl >= 0)
 *   called     S_c < 0
 * A scope is in margin call (../engine/margin-calls.ts) when its status is not healthy at a venue
 * with calls of its own, and only when it is 'called' at one without (which only liquidates).
 *
 * In doubles while every intermediate stays below 2^52 (checked: safe-integer.ts), else in bigint.
 * Results go to a caller's Float64Array, so valuing allocates nothing. The figures events show and
 * fees are capped at (P&L rounded down per position, requirements rounded up per scope) are
 * computed apart, in bigint, only when an event needs them.
 */
import { rational, type Rational } from '../money/rational.js';
import type { BookState } from './book-state.js';
import * as layout from './book-state.js';
import * as safeIntegerModule from './safe-integer.js';

// Imported functions and constants as module-local bindings: tsx loads these modules as CommonJS,
// where every use of a named import is a getter call.
const { denominatorOf, endPositionOf, firstPositionOf, venueOf } = layout;
const { SAFE_BOUND, ceilingDivide, ceilingDivideBig, floorDivide, floorDivideBig, toSafeNumber } = safeIntegerModule;

// The record layout as module-local constants: V8 folds these into optimized loops, while each
// read of an imported binding stays a load and a check.
const {
  ACCOUNT_BALANCE, ACCOUNT_ISOLATED_TOTAL, ACCOUNT_STRIDE, FIELD_CALL, FIELD_DIRECTION, FIELD_ENTRY, FIELD_INSTRUMENT,
  FIELD_LIQUIDATION, FIELD_PNL, FIELD_STATE, OPEN_CROSS, OPEN_ISOLATED, POSITION_STRIDE,
} = layout;

/** Slots of a valuation. */
/** S_l = (equity - Rl) × M. */
export const VALUE_LIQUIDATION = 0;
/** S_c = (equity - Rc) × M. */
export const VALUE_MARGIN_CALL = 1;
/** How many positions are open in the scope. */
export const VALUE_OPEN = 2;
/** 1 when both slacks are exact (below 2^52); 0 when only their signs are (a bigint valuation beyond 2^52). */
export const VALUE_EXACT = 3;
export const VALUE_SIZE = 4;

const BIG_BOUND = BigInt(SAFE_BOUND);

function valueInBigint(
  state: BookState, first: number, end: number, open: number, collateral: number, denominator: number, out: Float64Array,
): void {
  const { position, prices } = state;
  let liquidation = BigInt(collateral) * BigInt(denominator);
  let marginCall = liquidation;
  for (let index = first; index < end; index += 1) {
    const record = index * POSITION_STRIDE;
    if (position[record + FIELD_STATE] !== open) continue;
    const price = BigInt(prices[position[record + FIELD_INSTRUMENT]!]!);
    const pnl = BigInt(position[record + FIELD_DIRECTION]! * position[record + FIELD_PNL]!) * (price - BigInt(position[record + FIELD_ENTRY]!));
    liquidation += pnl - BigInt(position[record + FIELD_LIQUIDATION]!) * price;
    marginCall += pnl - BigInt(position[record + FIELD_CALL]!) * price;
  }
  const exact = liquidation < BIG_BOUND && liquidation > -BIG_BOUND && marginCall < BIG_BOUND && marginCall > -BIG_BOUND;
  // Number() keeps a bigint's sign and never turns a non-zero one into zero: the status stays exact.
  out[VALUE_LIQUIDATION] = Number(liquidation);
  out[VALUE_MARGIN_CALL] = Number(marginCall);
  out[VALUE_EXACT] = exact ? 1 : 0;
}

/**
 * Values the positions first ..< end whose state is `open` (OPEN_CROSS or OPEN_ISOLATED) on top of
 * `collateral`, with common denominator `denominator`.
 */
export function valuePositions(
  state: BookState, first: number, end: number, open: number, collateral: number, denominator: number, out: Float64Array,
): void {
  const { position, prices } = state;
  let liquidation = collateral * denominator;
  let marginCall = liquidation;
  let magnitude = Math.abs(liquidation);
  let count = 0;
  for (let index = first; index < end; index += 1) {
    const record = index * POSITION_STRIDE;
    if (position[record + FIELD_STATE] !== open) continue;
    const price = prices[position[record + FIELD_INSTRUMENT]!]!;
    const pnl = position[record + FIELD_DIRECTION]! * position[record + FIELD_PNL]! * (price - position[record + FIELD_ENTRY]!);
    const positionLiquidation = position[record + FIELD_LIQUIDATION]! * price;
    const positionCall = position[record + FIELD_CALL]! * price;
    liquidation += pnl - positionLiquidation;
    marginCall += pnl - positionCall;
    magnitude += Math.abs(pnl) + positionLiquidation + positionCall;
    count += 1;
  }
  out[VALUE_OPEN] = count;
  // Every term and partial sum is at most `magnitude`; below 2^52 they were all exact (safe-integer.ts).
  if (magnitude < SAFE_BOUND) {
    out[VALUE_LIQUIDATION] = liquidation;
    out[VALUE_MARGIN_CALL] = marginCall;
    out[VALUE_EXACT] = 1;
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
    crossCollateral(state, account), denominatorOf(state, account), out,
  );
}

export function valueIsolatedScope(state: BookState, position: number, out: Float64Array): void {
  valuePositions(
    state, position, position + 1, OPEN_ISOLATED, state.isolatedMargin[position]!,
    denominatorOf(state, state.positionAccount[position]!), out,
  );
}

/** Scope `scope` (see book-state.ts for scope numbers). */
export function valueScope(state: BookState, scope: number, out: Float64Array): void {
  if (scope < state.accountCount) valueCrossScope(state, scope, out);
  else valueIsolatedScope(state, scope - state.accountCount, out);
}

/** The account a scope belongs to. */
export function scopeAccount(state: BookState, scope: number): number {
  return scope < state.accountCount ? scope : state.positionAccount[scope - state.accountCount]!;
}

/** Position `index`'s P&L at the current price, rounded down to the unit: what a close books. */
export function positionPnl(state: BookState, index: number): number {
  const { position, prices } = state;
  const record = index * POSITION_STRIDE;
  const denominator = denominatorOf(state, state.positionAccount[index]!);
  const price = prices[position[record + FIELD_INSTRUMENT]!]!;
  const scaledPnl = position[record + FIELD_DIRECTION]! * position[record + FIELD_PNL]! * (price - position[record + FIELD_ENTRY]!);
  if (Math.abs(scaledPnl) < SAFE_BOUND) return floorDivide(scaledPnl, denominator);
  const move = BigInt(position[record + FIELD_DIRECTION]!) * (BigInt(price) - BigInt(position[record + FIELD_ENTRY]!));
  return toSafeNumber(floorDivideBig(BigInt(position[record + FIELD_PNL]!) * move, BigInt(denominator)), 'P&L');
}

/** A position's notional at the current price, exactly, in account units. */
export function positionNotional(state: BookState, index: number): Rational {
  const record = index * POSITION_STRIDE;
  const price = state.prices[state.position[record + FIELD_INSTRUMENT]!]!;
  return rational(
    BigInt(state.position[record + FIELD_PNL]!) * BigInt(price),
    BigInt(denominatorOf(state, state.positionAccount[index]!)),
  );
}

/** A scope's figures as rounded for display: equity (P&L down per position), Rl and Rc (up). */
export interface DisplayFigures {
  readonly equity: bigint;
  readonly liquidation: bigint;
  readonly marginCall: bigint;
}

function scopeRange(state: BookState, scope: number): { first: number; end: number; open: number; collateral: number } {
  if (scope < state.accountCount) {
    return {
      first: firstPositionOf(state, scope), end: endPositionOf(state, scope), open: OPEN_CROSS, collateral: crossCollateral(state, scope),
    };
  }
  const position = scope - state.accountCount;
  return { first: position, end: position + 1, open: OPEN_ISOLATED, collateral: state.isolatedMargin[position]! };
}

export function displayFigures(state: BookState, scope: number): DisplayFigures {
  const { position, prices } = state;
  const { first, end, open, collateral } = scopeRange(state, scope);
  const common = denominatorOf(state, scopeAccount(state, scope));
  let equity = collateral;
  let liquidation = 0;
  let marginCall = 0;
  let magnitude = Math.abs(collateral);
  for (let index = first; index < end; index += 1) {
    const record = index * POSITION_STRIDE;
    if (position[record + FIELD_STATE] !== open) continue;
    const price = prices[position[record + FIELD_INSTRUMENT]!]!;
    const scaledPnl = position[record + FIELD_DIRECTION]! * position[record + FIELD_PNL]! * (price - position[record + FIELD_ENTRY]!);
    const pnl = floorDivide(scaledPnl, common);
    equity += pnl;
    liquidation += position[record + FIELD_LIQUIDATION]! * price;
    marginCall += position[record + FIELD_CALL]! * price;
    magnitude += Math.abs(scaledPnl) + Math.abs(pnl) + position[record + FIELD_LIQUIDATION]! * price + position[record + FIELD_CALL]! * price;
  }
  // Every term and partial sum is at most `magnitude`: below 2^52 all were exact (safe-integer.ts).
  if (magnitude < SAFE_BOUND) {
    return {
      equity: BigInt(equity), liquidation: BigInt(ceilingDivide(liquidation, common)), marginCall: BigInt(ceilingDivide(marginCall, common)),
    };
  }
  return displayFiguresInBigint(state, scope);
}

/** The same figures, always in bigint. */
export function displayFiguresInBigint(state: BookState, scope: number): DisplayFigures {
  const { position, prices } = state;
  const { first, end, open, collateral } = scopeRange(state, scope);
  const denominator = BigInt(denominatorOf(state, scopeAccount(state, scope)));
  let equity = BigInt(collateral);
  let liquidation = 0n;
  let marginCall = 0n;
  for (let index = first; index < end; index += 1) {
    const record = index * POSITION_STRIDE;
    if (position[record + FIELD_STATE] !== open) continue;
    const price = BigInt(prices[position[record + FIELD_INSTRUMENT]!]!);
    const pnl = BigInt(position[record + FIELD_DIRECTION]! * position[record + FIELD_PNL]!) * (price - BigInt(position[record + FIELD_ENTRY]!));
    equity += floorDivideBig(pnl, denominator);
    liquidation += BigInt(position[record + FIELD_LIQUIDATION]!) * price;
    marginCall += BigInt(position[record + FIELD_CALL]!) * price;
  }
  return { equity, liquidation: ceilingDivideBig(liquidation, denominator), marginCall: ceilingDivideBig(marginCall, denominator) };
}

/** A scope's exact equity, Rl and Rc, as valueScope in ../margin/scope-valuation.ts gives them: for tests and reports. */
export function exactFigures(state: BookState, scope: number): { equity: Rational; liquidation: Rational; marginCall: Rational } {
  const { position, prices } = state;
  const { first, end, open, collateral } = scopeRange(state, scope);
  const denominator = BigInt(denominatorOf(state, scopeAccount(state, scope)));
  let equity = BigInt(collateral) * denominator;
  let liquidation = 0n;
  let marginCall = 0n;
  for (let index = first; index < end; index += 1) {
    const record = index * POSITION_STRIDE;
    if (position[record + FIELD_STATE] !== open) continue;
    const price = BigInt(prices[position[record + FIELD_INSTRUMENT]!]!);
    equity += BigInt(position[record + FIELD_DIRECTION]! * position[record + FIELD_PNL]!) * (price - BigInt(position[record + FIELD_ENTRY]!));
    liquidation += BigInt(position[record + FIELD_LIQUIDATION]!) * price;
    marginCall += BigInt(position[record + FIELD_CALL]!) * price;
  }
  return {
    equity: rational(equity, denominator),
    liquidation: rational(liquidation, denominator),
    marginCall: rational(marginCall, denominator),
  };
}

/** Whether slack S_l breaches Rl: below it, or at it where the venue liquidates on reaching it. */
export function breachesLiquidation(state: BookState, account: number, slack: number): boolean {
  return slack < 0 || (slack === 0 && state.venueAtOrBelow[venueOf(state, account)] === 1);
}

/** What a valuation means for a scope: 2 = liquidate, 1 = in margin call, 0 = healthy. */
export const STATUS_HEALTHY = 0;
export const STATUS_CALLED = 1;
export const STATUS_LIQUIDATE = 2;

export function scopeStatus(state: BookState, account: number, out: Float64Array): number {
  if (breachesLiquidation(state, account, out[VALUE_LIQUIDATION]!)) return STATUS_LIQUIDATE;
  return out[VALUE_MARGIN_CALL]! < 0 ? STATUS_CALLED : STATUS_HEALTHY;
}

/** Whether a scope of `account` with status `status` is in margin call. */
export function isCalled(state: BookState, account: number, status: number): boolean {
  return state.venueCalls[venueOf(state, account)] === 1 ? status !== STATUS_HEALTHY : status === STATUS_CALLED;
}
