/**
 * The indexed book's trigger index: per instrument, an up-heap and a down-heap of trigger slots
 * (trigger-heaps.ts), so a tick from p0 to p1 visits only the triggers in (p0, p1].
 *
 * Slots:
 * - a band is one margin scope's stake in one instrument (a cross scope has one band per
 *   instrument it trades, an isolated scope one). Band b owns slot 2b (down: fires at price <=
 *   its trigger) and slot 2b + 1 (up: fires at price >= its trigger); while every instrument of the
 *   scope stays strictly between its band's two triggers, the scope's status cannot change
 *   (scope-bands.ts sets them);
 * - position i owns slot 2B + 2i, its stop-loss, and 2B + 2i + 1, its take-profit (B bands), whose
 *   triggers are the orders' prices and never move.
 * Heap 2k holds instrument k's up-triggers (key = price), heap 2k + 1 its down-triggers (key = -price).
 */
import {
  FIELD_DIRECTION, FIELD_INSTRUMENT, FIELD_STATE, OPEN_ISOLATED, POSITION_STRIDE, endPositionOf, firstPositionOf,
  isolatedScope, type BookState,
} from './book-state.js';
import { NO_TRIGGER } from './book-spec.js';
import { createTriggerHeaps, heapKeyOf, removeFromHeap, setHeapKey, type TriggerHeaps } from './trigger-heaps.js';

/** Fields of a band record in `TriggerIndex.band`. */
export const BAND_STRIDE = 8;
export const BAND_INSTRUMENT = 0;
export const BAND_SCOPE = 1;
/** Set when the scope's triggers are computed: d(equity - Rl)/d(price), per tick. */
export const BAND_LIQUIDATION_SLOPE = 2;
/** d(equity - Rc)/d(price), per tick. */
export const BAND_CALL_SLOPE = 3;
/** A bound on the floating-point error of the two slopes; 0 for a band without open positions. */
export const BAND_SLOPE_ERROR = 4;
/** The armed down-trigger's price, or -Infinity. */
export const BAND_DOWN = 5;
/** The armed up-trigger's price, or Infinity. */
export const BAND_UP = 6;

export interface TriggerIndex {
  /** Per scope: its first band and how many. */
  readonly bandFirst: Int32Array;
  readonly bandCount: Int32Array;
  /** BAND_STRIDE numbers per band; a scope's bands are contiguous. */
  readonly band: Float64Array;
  /** Per position: the band of its instrument in its scope. */
  readonly positionBand: Int32Array;
  /** Per scope: 1 while its bands' slopes match its open positions. */
  readonly slopesCurrent: Uint8Array;
  readonly bandTotal: number;
  /** Per slot: the heap it belongs to. */
  readonly slotHeap: Int32Array;
  readonly heaps: TriggerHeaps;
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

/** Marks band slot `slot` as no longer armed (it was popped: its trigger fired). */
export function markBandFired(index: TriggerIndex, slot: number): void {
  if ((slot & 1) === 0) index.band[(slot >> 1) * BAND_STRIDE + BAND_DOWN] = -Infinity;
  else index.band[(slot >> 1) * BAND_STRIDE + BAND_UP] = Infinity;
}

/** The account a slot's owner belongs to. */
export function slotAccount(state: BookState, index: TriggerIndex, slot: number): number {
  if (slot < 2 * index.bandTotal) {
    const scope = bandScopeOf(index, slot >> 1);
    return scope < state.accountCount ? scope : state.positionAccount[scope - state.accountCount]!;
  }
  return state.positionAccount[(slot - 2 * index.bandTotal) >> 1]!;
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

/** Bands, slots and empty heaps for `state`'s scopes and orders. */
export function createTriggerIndex(state: BookState): TriggerIndex {
  const { accountCount, positionCount, position } = state;
  const scopeCount = accountCount + positionCount;
  const bandFirst = new Int32Array(scopeCount);
  const bandCount = new Int32Array(scopeCount);
  const positionBand = new Int32Array(positionCount);
  const bandInstrument: number[] = [];
  const bandScope: number[] = [];
  const crossBands = new Map<number, number>();
  for (let account = 0; account < accountCount; account += 1) {
    const first = firstPositionOf(state, account);
    const end = endPositionOf(state, account);
    crossBands.clear();
    bandFirst[account] = bandInstrument.length;
    for (let each = first; each < end; each += 1) {
      if (position[each * POSITION_STRIDE + FIELD_STATE] === OPEN_ISOLATED) continue;
      const instrument = position[each * POSITION_STRIDE + FIELD_INSTRUMENT]!;
      let band = crossBands.get(instrument);
      if (band === undefined) {
        band = bandInstrument.length;
        crossBands.set(instrument, band);
        bandInstrument.push(instrument);
        bandScope.push(account);
      }
      positionBand[each] = band;
    }
    bandCount[account] = bandInstrument.length - bandFirst[account]!;
    for (let each = first; each < end; each += 1) {
      if (position[each * POSITION_STRIDE + FIELD_STATE] !== OPEN_ISOLATED) continue;
      const scope = isolatedScope(state, each);
      bandFirst[scope] = bandInstrument.length;
      bandCount[scope] = 1;
      positionBand[each] = bandInstrument.length;
      bandInstrument.push(position[each * POSITION_STRIDE + FIELD_INSTRUMENT]!);
      bandScope.push(scope);
    }
  }
  const bandTotal = bandInstrument.length;

  const slotHeap = new Int32Array(2 * bandTotal + 2 * positionCount);
  const capacities = new Int32Array(2 * state.instrumentCount);
  const use = (slot: number, heap: number): void => {
    slotHeap[slot] = heap;
    capacities[heap] = capacities[heap]! + 1;
  };
  for (let band = 0; band < bandTotal; band += 1) {
    use(2 * band, downHeap(bandInstrument[band]!));
    use(2 * band + 1, upHeap(bandInstrument[band]!));
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
  const band = new Float64Array(bandTotal * BAND_STRIDE);
  for (let each = 0; each < bandTotal; each += 1) {
    const record = each * BAND_STRIDE;
    band[record + BAND_INSTRUMENT] = bandInstrument[each]!;
    band[record + BAND_SCOPE] = bandScope[each]!;
    band[record + BAND_DOWN] = -Infinity;
    band[record + BAND_UP] = Infinity;
  }
  return {
    bandFirst,
    bandCount,
    band,
    positionBand,
    slopesCurrent: new Uint8Array(scopeCount),
    bandTotal,
    slotHeap,
    heaps: createTriggerHeaps(capacities, slotHeap.length),
  };
}
