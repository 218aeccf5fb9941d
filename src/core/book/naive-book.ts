/**
 * The reference risk book: on every tick it rescans every account, every order and every scope,
 * in account order, with no index. A scan in floating point screens each account: an order
 * reached, or a scope whose figures are within their rounding and float error of a threshold
 * (or of the call it has open), sends the account to the exact procedure both books share
 * (settle-account.ts). Every other account provably has no event:
 *
 *   exact equity E in (E_lin - n, E_lin],  exact requirement R in [R_lin, R_lin + 1)
 *   (n positions: P&L rounded down each, requirement rounded up once), and the float sums are
 *   within (n + 4) × 2^-52 × Σ|terms| of the exact linear ones.
 *
 * The scan reads its own compact columns, in account order with each account's cross positions
 * first and its isolated ones after (so the loops have no unpredictable branch): instrument,
 * P&L per tick (signed), entry, Rl and Rc per tick of price, and the band [low, high] outside
 * which an order fires. A settled account's columns are refreshed (closed positions weigh nothing).
 * Its cost is the whole book per tick; the indexed book (indexed-book.ts) must produce exactly its
 * events while visiting only what a tick can cross.
 */
import type { BookEvent } from './book-events.js';
import { NO_TRIGGER, type BookSpec } from './book-spec.js';
import {
  checkTick, cloneBookState, createBookState, endPositionOf, firstPositionOf, requirementDenominatorOf, venueOf,
  type BookState,
} from './book-state.js';
import * as layout from './book-state.js';
import { VALUE_SIZE, crossCollateral } from './scope-value.js';
import { assessStartingCalls, settleAccount } from './settle-account.js';

// The record layout as module-local constants: V8 folds these into optimized loops, while each
// read of an imported binding stays a load and a check.
const {
  ACCOUNT_RECORDED_DEBT, ACCOUNT_STRIDE, CLOSED, FIELD_CALL_FACTOR, FIELD_DIRECTION, FIELD_ENTRY, FIELD_INSTRUMENT,
  FIELD_LIQUIDATION_FACTOR, FIELD_PNL_DENOMINATOR, FIELD_PNL_FACTOR, FIELD_STATE, OPEN_CROSS, OPEN_ISOLATED,
  POSITION_STRIDE,
} = layout;

const EPSILON = 2 ** -52;

/** The scan's columns, indexed by slot: account a's slots are firstPositionOf(a) ..< endPositionOf(a). */
export interface NaiveColumns {
  /** The position in each slot. */
  readonly position: Int32Array;
  /** Per account: its first isolated slot (cross slots come before). */
  readonly isolatedFrom: Int32Array;
  /** Per account: how many cross positions are open. */
  readonly crossOpen: Int32Array;
  readonly instrument: Int32Array;
  readonly pnlPerTick: Float64Array;
  readonly entry: Float64Array;
  readonly liquidationPerTick: Float64Array;
  readonly callPerTick: Float64Array;
  /** An order fires at price <= low or >= high. */
  readonly low: Float64Array;
  readonly high: Float64Array;
}

export interface NaiveBook {
  readonly state: BookState;
  readonly columns: NaiveColumns;
  readonly value: Float64Array;
}

/** Writes slot `slot` from position `position`; a closed position weighs nothing and fires nothing. */
function fillSlot(state: BookState, columns: NaiveColumns, slot: number, position: number): void {
  const record = position * POSITION_STRIDE;
  const data = state.position;
  columns.position[slot] = position;
  columns.instrument[slot] = data[record + FIELD_INSTRUMENT]!;
  columns.entry[slot] = data[record + FIELD_ENTRY]!;
  if (data[record + FIELD_STATE] === CLOSED) {
    columns.pnlPerTick[slot] = 0;
    columns.liquidationPerTick[slot] = 0;
    columns.callPerTick[slot] = 0;
    columns.low[slot] = -Infinity;
    columns.high[slot] = Infinity;
    return;
  }
  const denominator = requirementDenominatorOf(state, state.positionAccount[position]!);
  const direction = data[record + FIELD_DIRECTION]!;
  columns.pnlPerTick[slot] = direction * (data[record + FIELD_PNL_FACTOR]! / data[record + FIELD_PNL_DENOMINATOR]!);
  columns.liquidationPerTick[slot] = data[record + FIELD_LIQUIDATION_FACTOR]! / denominator;
  columns.callPerTick[slot] = data[record + FIELD_CALL_FACTOR]! / denominator;
  const stopLoss = state.stopLoss[position]!;
  const takeProfit = state.takeProfit[position]!;
  const below = direction > 0 ? stopLoss : takeProfit;
  const above = direction > 0 ? takeProfit : stopLoss;
  columns.low[slot] = below === NO_TRIGGER ? -Infinity : below;
  columns.high[slot] = above === NO_TRIGGER ? Infinity : above;
}

function createColumns(state: BookState): NaiveColumns {
  const count = state.positionCount;
  const columns: NaiveColumns = {
    position: new Int32Array(count),
    isolatedFrom: new Int32Array(state.accountCount),
    crossOpen: new Int32Array(state.accountCount),
    instrument: new Int32Array(count),
    pnlPerTick: new Float64Array(count),
    entry: new Float64Array(count),
    liquidationPerTick: new Float64Array(count),
    callPerTick: new Float64Array(count),
    low: new Float64Array(count),
    high: new Float64Array(count),
  };
  for (let account = 0; account < state.accountCount; account += 1) {
    const first = firstPositionOf(state, account);
    const end = endPositionOf(state, account);
    let slot = first;
    for (let position = first; position < end; position += 1) {
      if (state.position[position * POSITION_STRIDE + FIELD_STATE] !== OPEN_ISOLATED) {
        fillSlot(state, columns, slot, position);
        slot += 1;
      }
    }
    columns.isolatedFrom[account] = slot;
    for (let position = first; position < end; position += 1) {
      if (state.position[position * POSITION_STRIDE + FIELD_STATE] === OPEN_ISOLATED) {
        fillSlot(state, columns, slot, position);
        slot += 1;
      }
    }
  }
  for (let account = 0; account < state.accountCount; account += 1) refreshAccount(state, columns, account);
  return columns;
}

/** Re-reads account `account`'s slots after it was settled (positions may have closed). */
function refreshAccount(state: BookState, columns: NaiveColumns, account: number): void {
  let open = 0;
  for (let slot = firstPositionOf(state, account); slot < endPositionOf(state, account); slot += 1) {
    const position = columns.position[slot]!;
    fillSlot(state, columns, slot, position);
    if (state.position[position * POSITION_STRIDE + FIELD_STATE] === OPEN_CROSS) open += 1;
  }
  columns.crossOpen[account] = open;
}

export function createNaiveBook(spec: BookSpec): NaiveBook {
  const state = createBookState(spec);
  const value = new Float64Array(VALUE_SIZE);
  assessStartingCalls(state, value);
  return { state, columns: createColumns(state), value };
}

export function cloneNaiveBook(book: NaiveBook): NaiveBook {
  const state = cloneBookState(book.state);
  return { state, columns: createColumns(state), value: new Float64Array(VALUE_SIZE) };
}

/**
 * Whether a scope with these float figures certainly has nothing to do: not liquidatable, and
 * its margin call (`called`, 0 or 1) certainly stays as it is.
 */
function scopeQuiet(
  equity: number, liquidation: number, marginCall: number, count: number, magnitude: number, called: number, atOrBelow: number,
): boolean {
  const floatError = magnitude * (count + 4) * EPSILON;
  const roundingSlack = floatError + count + 1;
  if (equity - liquidation - roundingSlack < atOrBelow) return false;
  if (called === 1) return equity - marginCall + floatError < 0;
  return equity - marginCall - roundingSlack >= 0;
}

/** Whether an empty cross scope certainly has nothing to settle (settle-account.ts, settleEmptyCross). */
function emptyCrossQuiet(state: BookState, account: number, collateral: number): boolean {
  if (collateral >= 0) return state.called[account] === 0;
  const recorded = state.account[account * ACCOUNT_STRIDE + ACCOUNT_RECORDED_DEBT]!;
  return state.venueAbsorbs[venueOf(state, account)] === 0 && -collateral <= recorded;
}

/** Whether account `account` certainly has no event at the current prices. */
function accountQuiet(book: NaiveBook, account: number): boolean {
  const { state, columns } = book;
  const { prices } = state;
  const { instrument, pnlPerTick, entry, liquidationPerTick, callPerTick, low, high } = columns;
  const atOrBelow = state.venueAtOrBelow[venueOf(state, account)]!;
  const collateral = crossCollateral(state, account);
  const isolatedFrom = columns.isolatedFrom[account]!;
  let equity = collateral;
  let liquidation = 0;
  let marginCall = 0;
  let magnitude = Math.abs(collateral);
  const first = firstPositionOf(state, account);
  for (let slot = first; slot < isolatedFrom; slot += 1) {
    const price = prices[instrument[slot]!]!;
    if (price <= low[slot]! || price >= high[slot]!) return false;
    const pnl = pnlPerTick[slot]! * (price - entry[slot]!);
    const positionLiquidation = liquidationPerTick[slot]! * price;
    const positionCall = callPerTick[slot]! * price;
    equity += pnl;
    liquidation += positionLiquidation;
    marginCall += positionCall;
    magnitude += Math.abs(pnl) + positionLiquidation + positionCall;
  }
  const end = endPositionOf(state, account);
  for (let slot = isolatedFrom; slot < end; slot += 1) {
    const position = columns.position[slot]!;
    if (state.position[position * POSITION_STRIDE + FIELD_STATE] !== OPEN_ISOLATED) continue;
    const price = prices[instrument[slot]!]!;
    if (price <= low[slot]! || price >= high[slot]!) return false;
    const pnl = pnlPerTick[slot]! * (price - entry[slot]!);
    const positionLiquidation = liquidationPerTick[slot]! * price;
    const positionCall = callPerTick[slot]! * price;
    const margin = state.isolatedMargin[position]!;
    const size = margin + Math.abs(pnl) + positionLiquidation + positionCall;
    const called = state.called[state.accountCount + position]!;
    if (!scopeQuiet(margin + pnl, positionLiquidation, positionCall, 1, size, called, atOrBelow)) return false;
  }
  const open = columns.crossOpen[account]!;
  if (open === 0) return emptyCrossQuiet(state, account, collateral);
  return scopeQuiet(equity, liquidation, marginCall, isolatedFrom - first, magnitude, state.called[account]!, atOrBelow);
}

/** Moves `instrument` to `price` (ticks) and appends what follows to `events`. */
export function applyNaiveTick(book: NaiveBook, instrument: number, price: number, events: BookEvent[]): void {
  const { state, value, columns } = book;
  checkTick(state, instrument, price);
  state.tick += 1;
  state.prices[instrument] = price;
  for (let account = 0; account < state.accountCount; account += 1) {
    if (accountQuiet(book, account)) continue;
    settleAccount(state, account, value, events);
    refreshAccount(state, columns, account);
  }
}
