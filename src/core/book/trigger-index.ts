/**
 * The indexed book's trigger index: per instrument, an up-heap and a down-heap of trigger slots
 * (trigger-heaps.ts), so a tick from p0 to p1 visits only the triggers in (p0, p1].
 *
 * Records, 8 numbers each, in one array: every margin scope has a header record followed by its
 * band records, so what a crossing reads about its scope (its constant, flags and call, then each
 * band's slopes and triggers) lies on adjacent cache lines.
 * - A band is one margin scope's stake in one instrument (a cross scope has one band per
 *   instrument it trades, an isolated scope one), with the scope's exact slopes in that
 *   instrument's price. Band record b owns slot 2b (down: fires at price <= its trigger) and slot
 *   2b + 1 (up: fires at price >= its trigger); while every instrument of the scope stays strictly
 *   between its band's two triggers, the scope's status cannot change (scope-bands.ts sets them).
 *   A header's two slots are never armed.
 * - Position i owns slot 2R + 2i, its stop-loss, and 2R + 2i + 1, its take-profit (R records),
 *   whose triggers are the orders' prices and never move.
 * Heap 2k holds instrument k's up-triggers (key = price), heap 2k + 1 its down-triggers (key = -price).
 */
import type { BookState } from './book-state.js';
import * as bookStateModule from './book-state.js';
import * as bookSpecModule from './book-spec.js';
import type { TriggerHeaps } from './trigger-heaps.js';
import * as triggerHeapsModule from './trigger-heaps.js';

// Imported functions and constants as module-local bindings: tsx loads these modules as CommonJS,
// where every use of a named import is a getter call.
const {
  ACCOUNT_SEPARATE_CALL, ACCOUNT_STRIDE, FIELD_DIRECTION, FIELD_INSTRUMENT, FIELD_STATE, OPEN_ISOLATED, POSITION_STRIDE,
  endPositionOf, firstPositionOf, isolatedScope, venueOf,
} = bookStateModule;
const { NO_TRIGGER } = bookSpecModule;
const { createTriggerHeaps, heapKeyOf, removeFromHeap, setHeapKey } = triggerHeapsModule;

/** Numbers per record (header or band) in `TriggerIndex.band`. */
export const BAND_STRIDE = 8;

/** Fields of a band record. */
export const BAND_INSTRUMENT = 0;
export const BAND_SCOPE = 1;
/** A_l = d(S_l)/d(price): Σ direction × P - Lq over the band's open positions (an exact integer). */
export const BAND_LIQUIDATION_SLOPE = 2;
/** A_c = d(S_c)/d(price): Σ direction × P - Cq. */
export const BAND_CALL_SLOPE = 3;
/** Its scope's header record. */
export const BAND_HEADER = 4;
/**
 * The armed down-trigger's price, or -Infinity for none; NaN once it fired this tick (it is still
 * in its heap until the band is re-armed or disarmed, which must move or remove it).
 */
export const BAND_DOWN = 5;
/** The armed up-trigger's price, or Infinity for none; NaN once it fired this tick. */
export const BAND_UP = 6;
/** The account its scope belongs to. */
export const BAND_ACCOUNT = 7;

/** Fields of a header record; its bands are the BAND_COUNT records after it. */
export const HEADER_BAND_COUNT = 0;
export const HEADER_SCOPE = 1;
/** How many of the scope's positions are open. */
export const HEADER_OPEN = 2;
/** K, the part of its slacks that does not move with prices (S = K + Σ_b A_b × p_b, scope-bands.ts), or NaN when not exact. */
export const HEADER_CONSTANT = 3;
export const HEADER_ACCOUNT = 4;
/** 1 where its venue liquidates on reaching Rl. */
export const HEADER_AT_OR_BELOW = 5;
/** 1 where its account has a margin-call rate of its own on some position (Rc != Rl). */
export const HEADER_SEPARATE_CALL = 6;
/** 1 while it has a margin call open: state.called, mirrored after every settlement. */
export const HEADER_CALLED = 7;

export const NO_HEADER = -1;

/** Slots of `TriggerIndex.tally`: band triggers moved (set or cleared in a heap) and kept when re-keyed. */
export const TALLY_MOVED = 0;
export const TALLY_KEPT = 1;

export interface TriggerIndex {
  /** BAND_STRIDE numbers per record: each scope's header, then its bands. */
  readonly band: Float64Array;
  /** Per scope: its header record, or NO_HEADER for a scope number no scope uses (a cross position's). */
  readonly scopeHeader: Int32Array;
  /** Per position: the band of its instrument in its scope. */
  readonly positionBand: Int32Array;
  /** Records, headers included. */
  readonly bandTotal: number;
  /** Per slot: the heap it belongs to. */
  readonly slotHeap: Int32Array;
  readonly heaps: TriggerHeaps;
  /** What re-keying did, for benchmarks (TALLY_MOVED, TALLY_KEPT). */
  readonly tally: Float64Array;
}

export function upHeap(instrument: number): number {
  return 2 * instrument;
}

export function downHeap(instrument: number): number {
  return 2 * instrument + 1;
}

export function stopLossSlot(index: TriggerIndex, position: number): number {
  return 2 * index.bandTotal + 2 * position;
}

export function takeProfitSlot(index: TriggerIndex, position: number): number {
  return 2 * index.bandTotal + 2 * position + 1;
}

export function isBandSlot(index: TriggerIndex, slot: number): boolean {
  return slot < 2 * index.bandTotal;
}

/** The scope band `band` belongs to. */
export function bandScopeOf(index: TriggerIndex, band: number): number {
  return index.band[band * BAND_STRIDE + BAND_SCOPE]!;
}

/** The header record of scope `scope`. */
export function headerOf(index: TriggerIndex, scope: number): number {
  return index.scopeHeader[scope]!;
}

/** Scope `scope`'s bands are bandFirstOf ..< + bandCountOf. */
export function bandFirstOf(index: TriggerIndex, scope: number): number {
  return index.scopeHeader[scope]! + 1;
}

export function bandCountOf(index: TriggerIndex, scope: number): number {
  return index.band[index.scopeHeader[scope]! * BAND_STRIDE + HEADER_BAND_COUNT]!;
}

/** Marks band slot `slot` as fired: its trigger stays in its heap until the band is re-armed or disarmed. */
export function markBandFired(index: TriggerIndex, slot: number): void {
  index.band[(slot >> 1) * BAND_STRIDE + ((slot & 1) === 0 ? BAND_DOWN : BAND_UP)] = Number.NaN;
}

/** The account a slot's owner belongs to. */
export function slotAccount(state: BookState, index: TriggerIndex, slot: number): number {
  if (slot < 2 * index.bandTotal) return index.band[(slot >> 1) * BAND_STRIDE + BAND_ACCOUNT]!;
  return state.positionAccount[(slot - 2 * index.bandTotal) >> 1]!;
}

/** Mirrors the margin calls of `account`'s scopes (state.called) into their headers. */
export function mirrorCalls(state: BookState, index: TriggerIndex, account: number): void {
  index.band[index.scopeHeader[account]! * BAND_STRIDE + HEADER_CALLED] = state.called[account]!;
  for (let position = firstPositionOf(state, account); position < endPositionOf(state, account); position += 1) {
    const scope = isolatedScope(state, position);
    const header = index.scopeHeader[scope]!;
    if (header !== NO_HEADER) index.band[header * BAND_STRIDE + HEADER_CALLED] = state.called[scope]!;
  }
}

/** Arms band `band`'s down-trigger (`up` 0) or up-trigger (`up` 1) to fire at `price`. */
export function setBandTrigger(index: TriggerIndex, band: number, up: number, price: number): void {
  const instrument = index.band[band * BAND_STRIDE + BAND_INSTRUMENT]!;
  if (up === 1) setHeapKey(index.heaps, 2 * instrument, 2 * band + 1, price);
  else setHeapKey(index.heaps, 2 * instrument + 1, 2 * band, -price);
}

export function clearBandTrigger(index: TriggerIndex, band: number, up: number): void {
  const instrument = index.band[band * BAND_STRIDE + BAND_INSTRUMENT]!;
  removeFromHeap(index.heaps, 2 * instrument + 1 - up, 2 * band + up);
}

/** Arms `slot` to fire at `price`. */
export function setTrigger(index: TriggerIndex, slot: number, price: number): void {
  const heap = index.slotHeap[slot]!;
  setHeapKey(index.heaps, heap, slot, (heap & 1) === 0 ? price : -price);
}

export function clearTrigger(index: TriggerIndex, slot: number): void {
  removeFromHeap(index.heaps, index.slotHeap[slot]!, slot);
}

/** The price `slot` fires at, or undefined when it is not armed. */
export function triggerPrice(index: TriggerIndex, slot: number): number | undefined {
  const key = heapKeyOf(index.heaps, slot);
  if (key === undefined) return undefined;
  return (index.slotHeap[slot]! & 1) === 0 ? key : -key;
}

/** Headers, bands, slots and empty heaps for `state`'s scopes and orders. */
export function createTriggerIndex(state: BookState): TriggerIndex {
  const { accountCount, positionCount, position } = state;
  const scopeHeader = new Int32Array(accountCount + positionCount).fill(NO_HEADER);
  const positionBand = new Int32Array(positionCount);
  // Per record: [instrument, scope, account] for a band, [-1, scope, account] for a header.
  const records: number[] = [];
  const header = (scope: number, account: number): number => {
    scopeHeader[scope] = records.length / 3;
    records.push(-1, scope, account);
    return scopeHeader[scope]!;
  };
  const band = (instrument: number, scope: number, account: number): number => {
    records.push(instrument, scope, account);
    return records.length / 3 - 1;
  };
  const crossBands = new Map<number, number>();
  for (let account = 0; account < accountCount; account += 1) {
    const first = firstPositionOf(state, account);
    const end = endPositionOf(state, account);
    crossBands.clear();
    header(account, account);
    for (let each = first; each < end; each += 1) {
      if (position[each * POSITION_STRIDE + FIELD_STATE] === OPEN_ISOLATED) continue;
      const instrument = position[each * POSITION_STRIDE + FIELD_INSTRUMENT]!;
      let known = crossBands.get(instrument);
      if (known === undefined) {
        known = band(instrument, account, account);
        crossBands.set(instrument, known);
      }
      positionBand[each] = known;
    }
    for (let each = first; each < end; each += 1) {
      if (position[each * POSITION_STRIDE + FIELD_STATE] !== OPEN_ISOLATED) continue;
      const scope = isolatedScope(state, each);
      header(scope, account);
      positionBand[each] = band(position[each * POSITION_STRIDE + FIELD_INSTRUMENT]!, scope, account);
    }
  }
  const bandTotal = records.length / 3;

  const slotHeap = new Int32Array(2 * bandTotal + 2 * positionCount);
  const capacities = new Int32Array(2 * state.instrumentCount);
  const use = (slot: number, heap: number): void => {
    slotHeap[slot] = heap;
    capacities[heap] = capacities[heap]! + 1;
  };
  const records8 = new Float64Array(bandTotal * BAND_STRIDE);
  let currentHeader = -1;
  for (let each = 0; each < bandTotal; each += 1) {
    const record = each * BAND_STRIDE;
    const instrument = records[3 * each]!;
    const scope = records[3 * each + 1]!;
    const account = records[3 * each + 2]!;
    if (instrument === -1) {
      currentHeader = each;
      records8[record + HEADER_SCOPE] = scope;
      records8[record + HEADER_ACCOUNT] = account;
      records8[record + HEADER_AT_OR_BELOW] = state.venueAtOrBelow[venueOf(state, account)]!;
      records8[record + HEADER_SEPARATE_CALL] = state.account[account * ACCOUNT_STRIDE + ACCOUNT_SEPARATE_CALL]!;
      records8[record + HEADER_CALLED] = state.called[scope]!;
      continue;
    }
    records8[currentHeader * BAND_STRIDE + HEADER_BAND_COUNT] = records8[currentHeader * BAND_STRIDE + HEADER_BAND_COUNT]! + 1;
    records8[record + BAND_INSTRUMENT] = instrument;
    records8[record + BAND_SCOPE] = scope;
    records8[record + BAND_HEADER] = currentHeader;
    records8[record + BAND_ACCOUNT] = account;
    records8[record + BAND_DOWN] = -Infinity;
    records8[record + BAND_UP] = Infinity;
    use(2 * each, downHeap(instrument));
    use(2 * each + 1, upHeap(instrument));
  }
  for (let each = 0; each < positionCount; each += 1) {
    const instrument = position[each * POSITION_STRIDE + FIELD_INSTRUMENT]!;
    const long = position[each * POSITION_STRIDE + FIELD_DIRECTION]! > 0;
    const stopSlot = 2 * bandTotal + 2 * each;
    slotHeap[stopSlot] = long ? downHeap(instrument) : upHeap(instrument);
    slotHeap[stopSlot + 1] = long ? upHeap(instrument) : downHeap(instrument);
    if (state.stopLoss[each] !== NO_TRIGGER) use(stopSlot, slotHeap[stopSlot]!);
    if (state.takeProfit[each] !== NO_TRIGGER) use(stopSlot + 1, slotHeap[stopSlot + 1]!);
  }
  return {
    band: records8,
    scopeHeader,
    positionBand,
    bandTotal,
    slotHeap,
    heaps: createTriggerHeaps(capacities, slotHeap.length),
    tally: new Float64Array(2),
  };
}
