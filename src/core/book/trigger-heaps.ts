/**
 * Indexed 4-ary min-heaps of trigger slots in typed arrays, many heaps in one array. Each heap has
 * a fixed capacity (known when the book is built); each slot belongs to one heap and sits in it at
 * most once, so a slot's key can be changed or the slot removed in O(log n) without leaving garbage
 * behind. Entries are (key, slot) pairs side by side, so a node's four children are one cache line
 * and a heap of thousands of triggers is six levels deep. `top[heap]` mirrors the smallest key
 * (Infinity when empty) in a small dense array, so the common question "does this tick cross
 * anything?" is one load.
 *
 * Down-triggers (fire when price <= trigger) are kept with key -trigger, so every heap is a
 * min-heap and "fires at price x" reads `top <= x` (x = price for up-heaps, -price for down-heaps),
 * and the slots a tick fires are collected in place (collectAtMost) rather than popped.
 */

export interface TriggerHeaps {
  /** Heap h's entries are offset[h] ..< offset[h] + capacity. */
  readonly offset: Int32Array;
  readonly size: Int32Array;
  readonly top: Float64Array;
  /** Entry e is (entries[2e], entries[2e + 1]) = (key, slot). */
  readonly entries: Float64Array;
  /** Per slot: its entry, or NOT_IN_HEAP. */
  readonly where: Int32Array;
}

export const NOT_IN_HEAP = -1;
const ARITY = 4;

export function createTriggerHeaps(capacities: Int32Array, slotCount: number): TriggerHeaps {
  const offset = new Int32Array(capacities.length + 1);
  for (let heap = 0; heap < capacities.length; heap += 1) offset[heap + 1] = offset[heap]! + capacities[heap]!;
  const total = offset[capacities.length]!;
  return {
    offset,
    size: new Int32Array(capacities.length),
    top: new Float64Array(capacities.length).fill(Infinity),
    entries: new Float64Array(2 * total),
    where: new Int32Array(slotCount).fill(NOT_IN_HEAP),
  };
}

function place(heaps: TriggerHeaps, entry: number, slot: number, key: number): void {
  heaps.entries[2 * entry] = key;
  heaps.entries[2 * entry + 1] = slot;
  heaps.where[slot] = entry;
}

function siftUp(heaps: TriggerHeaps, base: number, start: number, slot: number, key: number): void {
  const { entries } = heaps;
  let entry = start;
  while (entry > base) {
    const parent = base + ((entry - base - 1) >> 2);
    const parentKey = entries[2 * parent]!;
    if (parentKey <= key) break;
    place(heaps, entry, entries[2 * parent + 1]!, parentKey);
    entry = parent;
  }
  place(heaps, entry, slot, key);
}

function siftDown(heaps: TriggerHeaps, base: number, end: number, start: number, slot: number, key: number): void {
  const { entries } = heaps;
  let entry = start;
  for (;;) {
    const first = base + ARITY * (entry - base) + 1;
    if (first >= end) break;
    let least = first;
    let leastKey = entries[2 * first]!;
    const last = Math.min(first + ARITY, end);
    for (let child = first + 1; child < last; child += 1) {
      const childKey = entries[2 * child]!;
      if (childKey < leastKey) {
        least = child;
        leastKey = childKey;
      }
    }
    if (leastKey >= key) break;
    place(heaps, entry, entries[2 * least + 1]!, leastKey);
    entry = least;
  }
  place(heaps, entry, slot, key);
}

function refreshTop(heaps: TriggerHeaps, heap: number): void {
  heaps.top[heap] = heaps.size[heap]! > 0 ? heaps.entries[2 * heaps.offset[heap]!]! : Infinity;
}

/** Puts `slot` in `heap` with `key`, or moves it to `key` if it is there already. */
export function setHeapKey(heaps: TriggerHeaps, heap: number, slot: number, key: number): void {
  const base = heaps.offset[heap]!;
  const entry = heaps.where[slot]!;
  if (entry === NOT_IN_HEAP) {
    const size = heaps.size[heap]!;
    if (base + size >= heaps.offset[heap + 1]!) throw new RangeError(`trigger heap ${heap} is full`);
    heaps.size[heap] = size + 1;
    siftUp(heaps, base, base + size, slot, key);
  } else {
    const old = heaps.entries[2 * entry]!;
    if (key < old) siftUp(heaps, base, entry, slot, key);
    else if (key > old) siftDown(heaps, base, base + heaps.size[heap]!, entry, slot, key);
  }
  refreshTop(heaps, heap);
}

/** Takes `slot` out of `heap`, if it is there. */
export function removeFromHeap(heaps: TriggerHeaps, heap: number, slot: number): void {
  const entry = heaps.where[slot]!;
  if (entry === NOT_IN_HEAP) return;
  const base = heaps.offset[heap]!;
  const size = heaps.size[heap]! - 1;
  heaps.size[heap] = size;
  heaps.where[slot] = NOT_IN_HEAP;
  const lastEntry = base + size;
  if (entry !== lastEntry) {
    const lastKey = heaps.entries[2 * lastEntry]!;
    const lastSlot = heaps.entries[2 * lastEntry + 1]!;
    const parent = base + ((entry - base - 1) >> 2);
    if (entry > base && heaps.entries[2 * parent]! > lastKey) siftUp(heaps, base, entry, lastSlot, lastKey);
    else siftDown(heaps, base, lastEntry, entry, lastSlot, lastKey);
  }
  refreshTop(heaps, heap);
}

function collect(entries: Float64Array, base: number, end: number, entry: number, bound: number, out: Int32Array, count: number): number {
  if (entry >= end || entries[2 * entry]! > bound) return count;
  out[count] = entries[2 * entry + 1]!;
  let collected = count + 1;
  const first = base + ARITY * (entry - base) + 1;
  for (let child = first; child < first + ARITY; child += 1) collected = collect(entries, base, end, child, bound, out, collected);
  return collected;
}

/**
 * Writes the slots of `heap` whose key is at most `bound` into out[count ..], leaving them in the
 * heap (the caller moves or removes each), and returns the new count. Only the entries at most
 * `bound` and their children are read: below a larger key the heap holds only larger ones.
 */
export function collectAtMost(heaps: TriggerHeaps, heap: number, bound: number, out: Int32Array, count: number): number {
  const base = heaps.offset[heap]!;
  return collect(heaps.entries, base, base + heaps.size[heap]!, base, bound, out, count);
}

/** Removes and returns the slot with the smallest key; the heap must not be empty. */
export function popHeap(heaps: TriggerHeaps, heap: number): number {
  const slot = heaps.entries[2 * heaps.offset[heap]! + 1]!;
  removeFromHeap(heaps, heap, slot);
  return slot;
}

export function heapKeyOf(heaps: TriggerHeaps, slot: number): number | undefined {
  const entry = heaps.where[slot]!;
  return entry === NOT_IN_HEAP ? undefined : heaps.entries[2 * entry];
}
