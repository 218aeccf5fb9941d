/**
 * The reference risk book: on every tick it rescans every account, every order and every scope,
 * in account order, with no index. A scan in floating point screens each account: an order
 * reached, or a scope whose slacks are within their float error of a threshold (or of the call it
 * has open), sends the account to the exact procedure both books share (settle-account.ts). Every
 * other account provably has no event: the status is decided on the exact figures
 *
 *   S_l = equity - Rl,  S_c = equity - Rc   (scope-value.ts; no rounding enters the decision)
 *
 * and the float sums are within (n + 4) × 2^-52 × Σ|terms| of them.
 *
 * The scan reads its own compact columns, in account order with each account's cross positions
 * first and its isolated ones after (so the loops have no unpredictable branch): instrument,
 * P&L per tick (signed), entry, Rl and Rc per tick of price, and the band [low, high] outside
 * which an order fires. A settled account's columns are refreshed (closed positions weigh nothing).
 * Its cost is the whole book per tick; the indexed book (indexed-book.ts) must produce exactly its
 * events while visiting only what a tick can cross.
 */
import type { BookEvent } from './book-events.js';
import type { BookSpec } from './book-spec.js';
import * as bookSpecModule from './book-spec.js';
import type { BookState } from './book-state.js';
import * as layout from './book-state.js';
import * as scopeValueModule from './scope-value.js';
import * as settleAccountModule from './settle-account.js';

// Imported functions and constants as module-local bindings: tsx loads these modules as CommonJS,
// where every use of a named import is a getter call.
const { NO_TRIGGER } = bookSpecModule;
const { checkTick, cloneBookState, createBookState, denominatorOf, endPositionOf, firstPositionOf } = layout;
const { VALUE_SIZE, crossCollateral } = scopeValueModule;
const { assessStartingCalls, settleAccount } = settleAccountModule;

// The record layout as module-local constants: V8 folds these into optimized loops, while each
// read of an imported binding stays a load and a check.
const {
  CLOSED, FIELD_CALL, FIELD_DIRECTION, FIELD_ENTRY, FIELD_INSTRUMENT, FIELD_LIQUIDATION, FIELD_PNL, FIELD_STATE, OPEN_CROSS,
  OPEN_ISOLATED, POSITION_STRIDE,
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
  const denominator = denominatorOf(state, state.positionAccount[position]!);
  const direction = data[record + FIELD_DIRECTION]!;
  columns.pnlPerTick[slot] = direction * (data[record + FIELD_PNL]! / denominator);
  columns.liquidationPerTick[slot] = data[record + FIELD_LIQUIDATION]! / denominator;
  columns.callPerTick[slot] = data[record + FIELD_CALL]! / denominator;
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
 * Whether a scope with these float figures certainly has nothing to do: certainly not
 * liquidatable (S_l > 0 beyond the float error), and its margin call (`called`, 0 or 1) certainly
 * stays as it is (S_c < 0 while called, S_c >= 0 while not).
 */
function scopeQuiet(equity: number, liquidation: number, marginCall: number, count: number, magnitude: number, called: number): boolean {
  const floatError = magnitude * (count + 4) * EPSILON;
  if (!(equity - liquidation - floatError > 0)) return false;
  if (called === 1) return equity - marginCall + floatError < 0;
  return equity - marginCall - floatError >= 0;
}

/** Whether account `account` certainly has no event at the current prices. */
function accountQuiet(book: NaiveBook, account: number): boolean {
  const { state, columns } = book;
  const { prices } = state;
  const { instrument, pnlPerTick, entry, liquidationPerTick, callPerTick, low, high } = columns;
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
    if (!scopeQuiet(margin + pnl, positionLiquidation, positionCall, 1, size, called)) return false;
  }
  // A cross scope without positions has nothing to do: what it left was settled when it closed.
  if (columns.crossOpen[account] === 0) return true;
  return scopeQuiet(equity, liquidation, marginCall, isolatedFrom - first, magnitude, state.called[account]!);
}

/** Moves `instrument` to `price` (ticks) and appends what follows to `events`. */
export function applyNaiveTick(book: NaiveBook, instrument: number, price: number, events: BookEvent[]): void {
  const { state, value, columns } = book;
  checkTick(state, instrument, price);
  state.tick += 1;
  state.prices[instrument] = price;
  for (let account = 0; account < state.accountCount; account += 1) {
    if (accountQuiet(book, account) || !holds(book, account, instrument)) continue;
    settleAccount(state, account, value, events);
    refreshAccount(state, columns, account);
  }
}

/**
 * Whether `account` has an open position on `instrument`: the accounts a price reaches, as marks
 * reach the engine. Only these can have something to do, but for a scope a settlement left in
 * breach (a fee after a partial stop-out), which waits, as in the engine, for the next move of an
 * instrument the account holds.
 */
function holds(book: NaiveBook, account: number, instrument: number): boolean {
  const { state, columns } = book;
  for (let slot = firstPositionOf(state, account); slot < endPositionOf(state, account); slot += 1) {
    if (columns.instrument[slot] !== instrument) continue;
    if (state.position[columns.position[slot]! * POSITION_STRIDE + FIELD_STATE] !== CLOSED) return true;
  }
  return false;
}
