/**
 * The indexed risk book: many accounts on one price stream, where a tick touches only what it can
 * cross. Per instrument, heaps of trigger prices (trigger-index.ts): stop-losses, take-profits and
 * each margin scope's band edges (scope-bands.ts), which stand in for its liquidation and
 * margin-call prices. A tick from p0 to p1 pops the triggers in (p0, p1]; the accounts they name
 * are handled in account order:
 *
 * - an order reached, or a scope whose exact valuation calls for an event: the account is settled
 *   by the same procedure the naive book runs on every account (settle-account.ts), then every
 *   trigger of the account is recomputed;
 * - a band crossed with nothing to do (the slack a band stood for was used up, but the scope is
 *   still where it was): the crossed band is re-armed from the scope's exact valuation, and a
 *   cross scope re-keys all its instruments when what the others have left is too little
 *   ("cross accounts re-key their triggers when another of their instruments moves").
 * Every other account provably has no event, so the events equal the naive book's.
 */
import type { BookEvent } from './book-events.js';
import { NO_TRIGGER, type BookSpec } from './book-spec.js';
import { checkTick, createBookState, endPositionOf, firstPositionOf, isolatedScope, type BookState } from './book-state.js';
import * as layout from './book-state.js';
import { createBandScratch, disarmBand, rekeyBand, rekeyScope, scopeNeedsAction, type BandScratch } from './scope-bands.js';
import { VALUE_SIZE, valueScope } from './scope-value.js';
import { assessStartingCalls, settleAccount } from './settle-account.js';
import { popHeap } from './trigger-heaps.js';
import {
  bandScopeOf, clearTrigger, createTriggerIndex, downHeap, isBandSlot, markBandFired, setTrigger, slotAccount, stopLossSlot,
  takeProfitSlot, upHeap, type TriggerIndex,
} from './trigger-index.js';

// The record layout as module-local constants: V8 folds these into optimized loops, while each
// read of an imported binding stays a load and a check.
const { CLOSED, FIELD_STATE, POSITION_STRIDE } = layout;

/** What the indexed book did, for benchmarks and tests. */
export interface IndexedBookCounters {
  /** Triggers popped. */
  crossings: number;
  /** Accounts settled because a trigger named them and something had to happen. */
  settlements: number;
  /** Bands re-armed alone. */
  bandRekeys: number;
  /** Scopes re-keyed whole. */
  scopeRekeys: number;
}

export interface IndexedBook {
  readonly state: BookState;
  readonly index: TriggerIndex;
  readonly counters: IndexedBookCounters;
  readonly value: Float64Array;
  readonly scratch: BandScratch;
  /** Slots popped by the current tick. */
  fired: Int32Array;
}

function armOrders(state: BookState, index: TriggerIndex): void {
  for (let position = 0; position < state.positionCount; position += 1) {
    if (state.stopLoss[position] !== NO_TRIGGER) setTrigger(index, stopLossSlot(index, position), state.stopLoss[position]!);
    if (state.takeProfit[position] !== NO_TRIGGER) setTrigger(index, takeProfitSlot(index, position), state.takeProfit[position]!);
  }
}

function rekey(book: IndexedBook, scope: number): void {
  valueScope(book.state, scope, book.value);
  rekeyScope(book.state, book.index, scope, book.value, book.scratch);
}

/** Arms every trigger of `account` from scratch (when the book is built). */
function armAccount(book: IndexedBook, account: number): void {
  const { state, index } = book;
  for (let position = firstPositionOf(state, account); position < endPositionOf(state, account); position += 1) {
    if (bandScopeOf(index, index.positionBand[position]!) !== account) rekey(book, isolatedScope(state, position));
  }
  rekey(book, account);
}

/**
 * Re-arms `account` after it was settled: closed positions lose their orders and isolated bands;
 * isolated scopes whose band fired (fired[first ..< end]) re-key; the cross scope, whose positions
 * or collateral may have changed, re-keys with fresh slopes. An isolated scope whose band did not
 * fire kept its status, so its triggers still hold.
 */
function rearmAfterSettlement(book: IndexedBook, account: number, first: number, end: number): void {
  const { state, index, fired } = book;
  for (let position = firstPositionOf(state, account); position < endPositionOf(state, account); position += 1) {
    if (state.position[position * POSITION_STRIDE + FIELD_STATE] !== CLOSED) continue;
    clearTrigger(index, stopLossSlot(index, position));
    clearTrigger(index, takeProfitSlot(index, position));
    const band = index.positionBand[position]!;
    if (bandScopeOf(index, band) !== account) disarmBand(index, band);
  }
  for (let at = first; at < end; at += 1) {
    const slot = fired[at]!;
    if (!isBandSlot(index, slot)) continue;
    const scope = bandScopeOf(index, slot >> 1);
    const stillOpen = scope !== account && state.position[(scope - state.accountCount) * POSITION_STRIDE + FIELD_STATE] !== CLOSED;
    if (stillOpen) rekey(book, scope);
  }
  index.slopesCurrent[account] = 0;
  rekey(book, account);
}

export function createIndexedBook(spec: BookSpec): IndexedBook {
  const state = createBookState(spec);
  const value = new Float64Array(VALUE_SIZE);
  assessStartingCalls(state, value);
  const index = createTriggerIndex(state);
  let widest = 1;
  for (let heap = 0; heap < index.heaps.size.length; heap += 1) {
    widest = Math.max(widest, index.heaps.offset[heap + 1]! - index.heaps.offset[heap]!);
  }
  const book: IndexedBook = {
    state,
    index,
    counters: { crossings: 0, settlements: 0, bandRekeys: 0, scopeRekeys: 0 },
    value,
    scratch: createBandScratch(),
    fired: new Int32Array(widest),
  };
  armOrders(state, index);
  for (let account = 0; account < state.accountCount; account += 1) armAccount(book, account);
  return book;
}

/** Sorts fired[0 ..< count] by account (insertion sort: a tick rarely fires more than a few). */
function sortByAccount(book: IndexedBook, count: number): void {
  const { fired, state, index } = book;
  if (count > 32) {
    const sorted = Array.from(fired.subarray(0, count)).sort((a, b) => slotAccount(state, index, a) - slotAccount(state, index, b));
    fired.set(sorted);
    return;
  }
  for (let next = 1; next < count; next += 1) {
    const slot = fired[next]!;
    const account = slotAccount(state, index, slot);
    let at = next - 1;
    while (at >= 0 && slotAccount(state, index, fired[at]!) > account) {
      fired[at + 1] = fired[at]!;
      at -= 1;
    }
    fired[at + 1] = slot;
  }
}

/** Whether the account whose fired slots are fired[first ..< end] must be settled. */
function mustSettle(book: IndexedBook, first: number, end: number): boolean {
  const { state, index, fired, value } = book;
  for (let at = first; at < end; at += 1) {
    const slot = fired[at]!;
    if (!isBandSlot(index, slot)) return true;
    const scope = bandScopeOf(index, slot >> 1);
    valueScope(state, scope, value);
    if (scopeNeedsAction(state, scope, value)) return true;
  }
  return false;
}

/** Re-arms band `band` of `scope`, valued in `book.value`, after a crossing without an event. */
function rearmBand(book: IndexedBook, scope: number, band: number): void {
  const { state, index, value, counters } = book;
  if (rekeyBand(state, index, scope, band, value, book.scratch)) {
    counters.bandRekeys += 1;
  } else {
    counters.scopeRekeys += 1;
    rekeyScope(state, index, scope, value, book.scratch);
  }
}

function handleAccount(book: IndexedBook, account: number, first: number, end: number, events: BookEvent[]): void {
  const { state, index, fired, value, counters } = book;
  if (mustSettle(book, first, end)) {
    counters.settlements += 1;
    settleAccount(state, account, value, events);
    rearmAfterSettlement(book, account, first, end);
    return;
  }
  if (end === first + 1) {
    // The common case: mustSettle valued this one scope already.
    const band = fired[first]! >> 1;
    rearmBand(book, bandScopeOf(index, band), band);
    return;
  }
  for (let at = first; at < end; at += 1) {
    const band = fired[at]! >> 1;
    const scope = bandScopeOf(index, band);
    valueScope(state, scope, value);
    rearmBand(book, scope, band);
  }
}

function handleFired(book: IndexedBook, count: number, events: BookEvent[]): void {
  const { state, index, fired, counters } = book;
  counters.crossings += count;
  if (count > 1) sortByAccount(book, count);
  let first = 0;
  while (first < count) {
    const account = slotAccount(state, index, fired[first]!);
    let end = first + 1;
    while (end < count && slotAccount(state, index, fired[end]!) === account) end += 1;
    handleAccount(book, account, first, end, events);
    first = end;
  }
}

/** Moves `instrument` to `price` (a positive integer tick) and appends what follows to `events`. */
export function applyIndexedTick(book: IndexedBook, instrument: number, price: number, events: BookEvent[]): void {
  const { state } = book;
  checkTick(state, instrument, price);
  state.tick += 1;
  const previous = state.prices[instrument]!;
  state.prices[instrument] = price;
  let heap: number;
  let key: number;
  if (price > previous) {
    heap = upHeap(instrument);
    key = price;
  } else if (price < previous) {
    heap = downHeap(instrument);
    key = -price;
  } else {
    return;
  }
  const { heaps } = book.index;
  if (heaps.top[heap]! > key) return;
  const { index } = book;
  let count = 0;
  do {
    const slot = popHeap(heaps, heap);
    if (isBandSlot(index, slot)) markBandFired(index, slot);
    book.fired[count] = slot;
    count += 1;
  } while (heaps.top[heap]! <= key);
  handleFired(book, count, events);
}
