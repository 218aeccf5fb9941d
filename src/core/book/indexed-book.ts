/**
 * The indexed risk book: many accounts on one price stream, where a tick touches only what it can
 * cross. Per instrument, heaps of trigger prices (trigger-index.ts): stop-losses, take-profits and
 * each margin scope's band edges (scope-bands.ts), which stand in for its liquidation and
 * margin-call prices. A tick from p0 to p1 collects the triggers in (p0, p1] (they stay in their
 * heap until handled, so re-arming a band moves its entry once); the accounts they name are
 * handled in account order. Each crossed scope is valued exactly from its bands (one multiply-add
 * per instrument, scope-bands.ts), then:
 *
 * - an order reached, or a scope to liquidate: the account is settled by the same procedure the
 *   naive book runs (settle-account.ts); when positions closed, the cross scope's slopes are
 *   recomputed and its triggers, and those of the closed positions, re-armed;
 * - only margin calls to issue or clear on the crossed scopes: they are issued, then cleared, as
 *   settle-account.ts would (no other scope can have changed, and no money moves), and those
 *   scopes re-keyed;
 * - a band crossed with nothing to do (the budget a band stood for was used up, but the scope's
 *   status is where it was): the crossed band is re-armed from the scope's exact valuation, and
 *   the scope re-keys all its instruments when what the others have left is too little
 *   ("cross accounts re-key their triggers when another of their instruments moves").
 * Every other account provably has no event, so the events equal the naive book's.
 */
import type { BookEvent } from './book-events.js';
import type { BookSpec } from './book-spec.js';
import * as bookSpecModule from './book-spec.js';
import type { BookState } from './book-state.js';
import * as layout from './book-state.js';
import type { BandScratch } from './scope-bands.js';
import * as scopeBandsModule from './scope-bands.js';
import * as scopeValueModule from './scope-value.js';
import * as settleAccountModule from './settle-account.js';
import * as triggerHeapsModule from './trigger-heaps.js';
import type { TriggerIndex } from './trigger-index.js';
import * as triggerIndexModule from './trigger-index.js';

// Imported functions and constants as module-local bindings: tsx loads these modules as CommonJS,
// where every use of a named import is a getter call.
const { NO_TRIGGER } = bookSpecModule;
const { checkTick, createBookState, endPositionOf, firstPositionOf, isolatedScope } = layout;
const {
  CALL_CHANGES, LIQUIDATE, armEveryTick, createBandScratch, disarmBand, refreshScope, rekeyScope, scopeNeedsAction,
  valueBands,
} = scopeBandsModule;
const { VALUE_LIQUIDATION, VALUE_MARGIN_CALL, VALUE_OPEN, VALUE_SIZE, breachesLiquidation } = scopeValueModule;
const { assessStartingCalls, clearCall, issueCall, scopeRef, settleAccount } = settleAccountModule;
const { collectAtMost } = triggerHeapsModule;
const {
  bandScopeOf, clearTrigger, createTriggerIndex, downHeap, headerOf, isBandSlot, markBandFired, mirrorCalls, setTrigger,
  slotAccount, stopLossSlot, takeProfitSlot, upHeap,
} = triggerIndexModule;

// The record layout as module-local constants: V8 folds these into optimized loops, while each
// read of an imported binding stays a load and a check.
const { CLOSED, FIELD_STATE, OPEN_ISOLATED, POSITION_STRIDE } = layout;
const { BAND_HEADER, BAND_STRIDE, HEADER_BAND_COUNT, HEADER_CALLED, TALLY_KEPT, TALLY_MOVED } = triggerIndexModule;

/** What the indexed book did, for benchmarks and tests. */
export interface IndexedBookCounters {
  /** Triggers crossed. */
  readonly crossings: number;
  /** Accounts with something to do when a trigger named them: an event, or several. */
  readonly settlements: number;
  /** Scopes re-keyed after a band was crossed with nothing to do. */
  readonly rekeys: number;
  /** Band triggers moved in (or taken out of) their heaps by re-keying, and kept where they were. */
  readonly triggersMoved: number;
  readonly triggersKept: number;
}

export interface IndexedBook {
  readonly state: BookState;
  readonly index: TriggerIndex;
  readonly counters: IndexedBookCounters;
  /** The counts behind `counters`: crossings, settlements, rekeys. */
  readonly count: Float64Array;
  readonly value: Float64Array;
  readonly scratch: BandScratch;
  /** Slots crossed by the current tick. */
  fired: Int32Array;
  /** Positions the current settlement closed. */
  readonly closed: number[];
  /**
   * Per account: 1 while a settlement left its cross scope in breach (the fee of a partial stop-out
   * comes out after the stop-out stopped, as the engine charges it): as in the engine, the next
   * move of any instrument it holds settles it again, so every band of the account fires on any move.
   */
  readonly pending: Uint8Array;
}

function armOrders(state: BookState, index: TriggerIndex): void {
  for (let position = 0; position < state.positionCount; position += 1) {
    if (state.stopLoss[position] !== NO_TRIGGER) setTrigger(index, stopLossSlot(index, position), state.stopLoss[position]!);
    if (state.takeProfit[position] !== NO_TRIGGER) setTrigger(index, takeProfitSlot(index, position), state.takeProfit[position]!);
  }
}

function rekey(book: IndexedBook, scope: number): void {
  const header = headerOf(book.index, scope);
  valueBands(book.state, book.index, header, book.value);
  rekeyScope(book.state, book.index, header, book.value, book.scratch);
}

/** Computes and arms every scope of `account` from scratch (when the book is built). */
function armAccount(book: IndexedBook, account: number): void {
  const { state, index } = book;
  for (let position = firstPositionOf(state, account); position < endPositionOf(state, account); position += 1) {
    if (bandScopeOf(index, index.positionBand[position]!) === account) continue;
    const scope = isolatedScope(state, position);
    refreshScope(state, index, scope);
    rekey(book, scope);
  }
  refreshScope(state, index, account);
  rekey(book, account);
}

/**
 * Re-arms `account` after it was settled. The positions that closed lose their orders and isolated
 * bands; the isolated scopes whose bands fired (fired[first ..< end]) re-key; the cross scope,
 * whose positions or collateral may have changed, is recomputed and re-keyed. (A settlement closes
 * something: it runs for an order reached or a liquidation. Were nothing closed, only the scopes
 * whose bands fired would re-key: a scope whose band did not fire kept its status.)
 */
function rearmAfterSettlement(book: IndexedBook, account: number, first: number, end: number, closed: boolean): void {
  const { state, index, fired } = book;
  let crossFired = false;
  mirrorCalls(state, index, account);
  for (const position of book.closed) {
    if (state.stopLoss[position] !== NO_TRIGGER) clearTrigger(index, stopLossSlot(index, position));
    if (state.takeProfit[position] !== NO_TRIGGER) clearTrigger(index, takeProfitSlot(index, position));
    const band = index.positionBand[position]!;
    if (bandScopeOf(index, band) !== account) disarmBand(index, band);
  }
  for (let at = first; at < end; at += 1) {
    const slot = fired[at]!;
    if (!isBandSlot(index, slot)) continue;
    const scope = bandScopeOf(index, slot >> 1);
    if (scope === account) {
      crossFired = true;
      continue;
    }
    if (state.position[(scope - state.accountCount) * POSITION_STRIDE + FIELD_STATE] !== CLOSED) rekey(book, scope);
  }
  if (closed) {
    refreshScope(state, index, account);
    rekey(book, account);
    settlePending(book, account);
  } else if (crossFired) {
    rekey(book, account);
  }
}

/** After a settlement that closed positions, with the cross scope valued in book.value: marks or clears the account as pending. */
function settlePending(book: IndexedBook, account: number): void {
  const { state, index, value, scratch } = book;
  const first = firstPositionOf(state, account);
  const end = endPositionOf(state, account);
  if (value[VALUE_OPEN]! > 0 && breachesLiquidation(state, account, value[VALUE_LIQUIDATION]!)) {
    book.pending[account] = 1;
    for (let position = first; position < end; position += 1) {
      if (state.position[position * POSITION_STRIDE + FIELD_STATE] !== CLOSED) armEveryTick(state, index, index.positionBand[position]!, scratch);
    }
    return;
  }
  if (book.pending[account] === 0) return;
  book.pending[account] = 0;
  for (let position = first; position < end; position += 1) {
    if (state.position[position * POSITION_STRIDE + FIELD_STATE] === OPEN_ISOLATED) rekey(book, isolatedScope(state, position));
  }
}

/** The most bands a scope has. */
function widestScope(index: TriggerIndex): number {
  let widest = 1;
  for (const header of index.scopeHeader) {
    if (header >= 0) widest = Math.max(widest, index.band[header * BAND_STRIDE + HEADER_BAND_COUNT]!);
  }
  return widest;
}

const COUNT_CROSSINGS = 0;
const COUNT_SETTLEMENTS = 1;
const COUNT_REKEYS = 2;

export function createIndexedBook(spec: BookSpec): IndexedBook {
  const state = createBookState(spec);
  const value = new Float64Array(VALUE_SIZE);
  assessStartingCalls(state, value);
  const index = createTriggerIndex(state);
  const count = new Float64Array(3);
  let widest = 1;
  for (let heap = 0; heap < index.heaps.size.length; heap += 1) {
    widest = Math.max(widest, index.heaps.offset[heap + 1]! - index.heaps.offset[heap]!);
  }
  const book: IndexedBook = {
    state,
    index,
    counters: {
      get crossings() { return count[COUNT_CROSSINGS]!; },
      get settlements() { return count[COUNT_SETTLEMENTS]!; },
      get rekeys() { return count[COUNT_REKEYS]!; },
      get triggersMoved() { return index.tally[TALLY_MOVED]!; },
      get triggersKept() { return index.tally[TALLY_KEPT]!; },
    },
    count,
    value,
    scratch: createBandScratch(widestScope(index)),
    fired: new Int32Array(widest),
    closed: [],
    pending: new Uint8Array(state.accountCount),
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

/** What the account whose slots fired[first ..< end] fired needs. */
const NOTHING = 0;
/** Only margin calls of the scopes whose bands fired change: no order reached, nothing to liquidate. */
const CALLS = 1;
/** An order reached, or a liquidation: the whole procedure (settle-account.ts). */
const SETTLE = 2;

/** What the account whose slots fired[first ..< end] fired needs; a single band's scope is left valued in book.value. */
function assess(book: IndexedBook, account: number, first: number, end: number): number {
  const { state, index, fired, value } = book;
  if (book.pending[account] === 1) return SETTLE;
  let need = NOTHING;
  for (let at = first; at < end; at += 1) {
    const slot = fired[at]!;
    if (!isBandSlot(index, slot)) return SETTLE;
    const header = index.band[(slot >> 1) * BAND_STRIDE + BAND_HEADER]!;
    valueBands(state, index, header, value);
    const action = scopeNeedsAction(index, header, value);
    if (action === LIQUIDATE) return SETTLE;
    if (action === CALL_CHANGES) need = CALLS;
  }
  return need;
}

/**
 * Issues and clears the margin calls of the scopes whose bands fired, as settleAccount would (no
 * other scope of the account can have changed: its bands did not fire; nothing closes, so no money
 * moves): first the calls to issue, then those to clear, each in scope order (the cross scope,
 * then isolated ones by position), as the engine's two reviews do. Then re-keys those scopes.
 */
function changeCalls(book: IndexedBook, account: number, first: number, end: number, events: BookEvent[]): void {
  const { state, index, fired, value, scratch } = book;
  if (end > first + 1) {
    // A scope has one band per instrument, so each fired slot is another scope: order them by scope.
    const sorted = Array.from(fired.subarray(first, end)).sort((a, b) => bandScopeOf(index, a >> 1) - bandScopeOf(index, b >> 1));
    fired.set(sorted, first);
  }
  for (let pass = 0; pass < 2; pass += 1) {
    const issuing = pass === 0;
    for (let at = first; at < end; at += 1) {
      const band = fired[at]! >> 1;
      const scope = bandScopeOf(index, band);
      if (end > first + 1) valueBands(state, index, index.band[band * BAND_STRIDE + BAND_HEADER]!, value);
      const called = value[VALUE_MARGIN_CALL]! < 0;
      if (called === (state.called[scope] === 1) || called !== issuing) continue;
      if (issuing) issueCall(state, account, scope, scopeRef(state, account, scope), events);
      else clearCall(state, account, scope, scopeRef(state, account, scope), events);
    }
  }
  for (let at = first; at < end; at += 1) {
    const band = fired[at]! >> 1;
    const header = index.band[band * BAND_STRIDE + BAND_HEADER]!;
    index.band[header * BAND_STRIDE + HEADER_CALLED] = state.called[bandScopeOf(index, band)]!;
    if (end > first + 1) valueBands(state, index, header, value);
    rekeyScope(state, index, header, value, scratch);
  }
}

/** Re-arms band `band`, valued in `book.value`, after a crossing without an event. */
function rearmBand(book: IndexedBook, band: number): void {
  const { state, index, value } = book;
  book.count[COUNT_REKEYS] = book.count[COUNT_REKEYS]! + 1;
  rekeyScope(state, index, index.band[band * BAND_STRIDE + BAND_HEADER]!, value, book.scratch);
}

function handleAccount(book: IndexedBook, account: number, first: number, end: number, events: BookEvent[]): void {
  const { state, index, fired, value, count } = book;
  const need = assess(book, account, first, end);
  if (need === SETTLE) {
    count[COUNT_SETTLEMENTS] = count[COUNT_SETTLEMENTS]! + 1;
    book.closed.length = 0;
    const closed = settleAccount(state, account, value, events, book.closed);
    rearmAfterSettlement(book, account, first, end, closed);
    return;
  }
  if (need === CALLS) {
    count[COUNT_SETTLEMENTS] = count[COUNT_SETTLEMENTS]! + 1;
    changeCalls(book, account, first, end, events);
    return;
  }
  if (end === first + 1) {
    // The common case: assess valued this one scope already.
    rearmBand(book, fired[first]! >> 1);
    return;
  }
  for (let at = first; at < end; at += 1) {
    const band = fired[at]! >> 1;
    valueBands(state, index, index.band[band * BAND_STRIDE + BAND_HEADER]!, value);
    rearmBand(book, band);
  }
}

function handleFired(book: IndexedBook, count: number, events: BookEvent[]): void {
  const { state, index, fired } = book;
  book.count[COUNT_CROSSINGS] = book.count[COUNT_CROSSINGS]! + count;
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
  const { index, fired } = book;
  // The fired triggers stay in the heap: re-arming a band moves its entry once, where popping it
  // and arming it again would sift twice. Handling moves every one of them past the price, or removes it.
  const count = collectAtMost(heaps, heap, key, fired, 0);
  for (let at = 0; at < count; at += 1) if (isBandSlot(index, fired[at]!)) markBandFired(index, fired[at]!);
  handleFired(book, count, events);
}
