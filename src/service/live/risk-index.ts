/**
 * The service's risk index: which accounts a tick can cross (DESIGN.md, "Hot paths"). Per built-in
 * venue and instrument, two heaps of the accounts' quiet bands (quiet-band.ts): a max-heap of their
 * lower ends and a min-heap of their upper ends. A tick at price p collects the accounts whose band
 * no longer holds p, in O(log n) each, and touches nothing else; accounts the bands cannot speak for
 * ("always") sit in a set of their own and are collected on every tick of their instruments.
 *
 * Entries are never updated in place: re-keying an account bumps its version and pushes new
 * entries, and the old ones are dropped when they surface (or when a heap holds more dead entries
 * than live ones, and is rebuilt). A collected account must be re-keyed (`set`) before the next tick.
 */

/** A binary heap of (key, slot, version) in parallel arrays; `sign` +1 = max-heap, -1 = min-heap. */
class BandHeap {
  keys: Float64Array = new Float64Array(16);
  slots: Int32Array = new Int32Array(16);
  versions: Int32Array = new Int32Array(16);
  size = 0;

  constructor(private readonly sign: 1 | -1) {}

  private above(a: number, b: number): boolean {
    return this.sign > 0 ? (this.keys[a] as number) > (this.keys[b] as number) : (this.keys[a] as number) < (this.keys[b] as number);
  }

  private swap(a: number, b: number): void {
    const { keys, slots, versions } = this;
    const key = keys[a] as number; keys[a] = keys[b] as number; keys[b] = key;
    const slot = slots[a] as number; slots[a] = slots[b] as number; slots[b] = slot;
    const version = versions[a] as number; versions[a] = versions[b] as number; versions[b] = version;
  }

  private grow(): void {
    const capacity = this.keys.length * 2;
    const keys = new Float64Array(capacity); keys.set(this.keys); this.keys = keys;
    const slots = new Int32Array(capacity); slots.set(this.slots); this.slots = slots;
    const versions = new Int32Array(capacity); versions.set(this.versions); this.versions = versions;
  }

  push(key: number, slot: number, version: number): void {
    if (this.size === this.keys.length) this.grow();
    let at = this.size++;
    this.keys[at] = key;
    this.slots[at] = slot;
    this.versions[at] = version;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (!this.above(at, parent)) break;
      this.swap(at, parent);
      at = parent;
    }
  }

  /** The top key, or NaN when empty. */
  top(): number {
    return this.size ? (this.keys[0] as number) : Number.NaN;
  }

  pop(): void {
    this.size -= 1;
    if (this.size === 0) return;
    this.keys[0] = this.keys[this.size] as number;
    this.slots[0] = this.slots[this.size] as number;
    this.versions[0] = this.versions[this.size] as number;
    let at = 0;
    for (;;) {
      const left = 2 * at + 1;
      if (left >= this.size) break;
      const right = left + 1;
      const child = right < this.size && this.above(right, left) ? right : left;
      if (!this.above(child, at)) break;
      this.swap(at, child);
      at = child;
    }
  }

  /** Keeps only the entries `live` accepts, re-heapified. */
  rebuild(live: (slot: number, version: number) => boolean): void {
    const { keys, slots, versions } = this;
    const count = this.size;
    this.size = 0;
    const kept: [number, number, number][] = [];
    for (let at = 0; at < count; at++) {
      if (live(slots[at] as number, versions[at] as number)) kept.push([keys[at] as number, slots[at] as number, versions[at] as number]);
    }
    for (const [key, slot, version] of kept) this.push(key, slot, version);
  }
}

interface Bucket {
  readonly low: BandHeap;
  readonly high: BandHeap;
  readonly always: Set<number>;
  /** Every account keyed here, banded or always: those a funding tick on the instrument must step. */
  readonly holders: Set<number>;
  /** Accounts with current entries in the heaps. */
  live: number;
}

export interface AccountKeys {
  /** Per instrument the account holds: its band, or 'always'. */
  readonly ranges: ReadonlyMap<string, { readonly lo: number; readonly hi: number } | 'always'>;
}

const NO_HOLDERS: ReadonlySet<number> = new Set();

export class RiskIndex {
  private readonly buckets = new Map<string, Bucket>();
  private versions = new Int32Array(1024);
  /** Per slot: the buckets it has entries in, to take it out of their `always` sets and counts. */
  private readonly memberships: (string[] | undefined)[] = [];

  private bucket(venue: string, symbol: string): Bucket {
    const key = `${venue}\u0000${symbol}`;
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = { low: new BandHeap(1), high: new BandHeap(-1), always: new Set(), holders: new Set(), live: 0 };
      this.buckets.set(key, bucket);
    }
    return bucket;
  }

  private current = (slot: number, version: number): boolean => this.versions[slot] === version;

  /** Takes the account out of the index (its entries die). */
  remove(slot: number): void {
    if (slot >= this.versions.length) {
      const versions = new Int32Array(Math.max(slot + 1, this.versions.length * 2));
      versions.set(this.versions);
      this.versions = versions;
    }
    this.versions[slot] = (this.versions[slot] as number) + 1;
    for (const key of this.memberships[slot] ?? []) {
      const bucket = this.buckets.get(key) as Bucket;
      bucket.holders.delete(slot);
      if (!bucket.always.delete(slot)) bucket.live -= 1;
    }
    this.memberships[slot] = undefined;
  }

  /** (Re-)keys an account at its venue: a band or 'always' per instrument it holds. */
  set(slot: number, venue: string, keys: AccountKeys): void {
    this.remove(slot);
    const version = this.versions[slot] as number;
    const member: string[] = [];
    for (const [symbol, range] of keys.ranges) {
      const bucket = this.bucket(venue, symbol);
      member.push(`${venue}\u0000${symbol}`);
      bucket.holders.add(slot);
      if (range === 'always') {
        bucket.always.add(slot);
        continue;
      }
      bucket.live += 1;
      bucket.low.push(range.lo, slot, version);
      bucket.high.push(range.hi, slot, version);
      if (bucket.low.size > 2 * bucket.live + 64) bucket.low.rebuild(this.current);
      if (bucket.high.size > 2 * bucket.live + 64) bucket.high.rebuild(this.current);
    }
    this.memberships[slot] = member;
  }

  /**
   * Adds to `out` every account at `venue` holding `symbol` whose band does not certainly hold
   * `price`, and every 'always' account. The collected accounts' heap entries are consumed.
   */
  collect(venue: string, symbol: string, price: number, out: Set<number>): void {
    const bucket = this.buckets.get(`${venue}\u0000${symbol}`);
    if (!bucket) return;
    for (const slot of bucket.always) out.add(slot);
    const { low, high } = bucket;
    // A NaN price (never from a parsed positive decimal) would compare false: treat it as crossing all.
    while (low.size && !((low.top()) <= price)) {
      if (this.current(low.slots[0] as number, low.versions[0] as number)) out.add(low.slots[0] as number);
      low.pop();
    }
    while (high.size && !((high.top()) >= price)) {
      if (this.current(high.slots[0] as number, high.versions[0] as number)) out.add(high.slots[0] as number);
      high.pop();
    }
  }

  /**
   * Every account at `venue` keyed under `symbol` (whatever its band): the accounts holding it, or
   * converting through it. A funding payment moves money, which no band speaks for.
   */
  holders(venue: string, symbol: string): ReadonlySet<number> {
    return this.buckets.get(`${venue}\u0000${symbol}`)?.holders ?? NO_HOLDERS;
  }

  /** Buckets with accounts, for metrics and tests: [venue\0symbol, live, always]. */
  sizes(): [string, number, number][] {
    return [...this.buckets].map(([key, bucket]) => [key, bucket.live, bucket.always.size]);
  }
}
