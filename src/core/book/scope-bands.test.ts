// Trigger bands against brute force: while every instrument of a scope stays strictly between its
// band's triggers, the scope's exact status must not change (no event can be missed); a scope on
// one instrument has its triggers at the exact first tick where the status changes; and valuing a
// scope from its bands gives exactly what valuing it from its positions gives.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { rational, type Rational } from '../money/rational.js';
import type { BookEvent } from './book-events.js';
import { bookSpecFromRows, type BookPositionRow, type BookSpec, type BookVenue } from './book-spec.js';
import { isolatedScope } from './book-state.js';
import { applyIndexedTick, createIndexedBook, type IndexedBook } from './indexed-book.js';
import { STATUS_LIQUIDATE, VALUE_OPEN, VALUE_SIZE, isCalled, scopeAccount, scopeStatus, valueScope } from './scope-value.js';
import { valueBands } from './scope-bands.js';
import { seededRandom } from './seeded-random.js';
import { BAND_DOWN, BAND_INSTRUMENT, BAND_SCOPE, BAND_STRIDE, BAND_UP, bandCountOf, bandFirstOf, headerOf } from './trigger-index.js';

fc.configureGlobal({ includeErrorInReport: true });

const VENUES: readonly BookVenue[] = [
  { id: 'at-or-below', liquidationTrigger: 'at-or-below', liquidationOrder: 'whole-scope', deficit: 'venue-absorbs', isolatedMargin: true },
  { id: 'below', liquidationTrigger: 'below', liquidationOrder: 'whole-scope', deficit: 'venue-absorbs', isolatedMargin: true },
  { id: 'stop-out', liquidationTrigger: 'at-or-below', liquidationOrder: 'largest-loss-first', deficit: 'client-debt', isolatedMargin: true },
  { id: 'no-calls', liquidationTrigger: 'below', liquidationOrder: 'whole-scope', deficit: 'venue-absorbs', isolatedMargin: true, marginCall: false },
];
const RATES: readonly (readonly [Rational, Rational])[] = [
  [rational(1n, 250n), rational(1n, 250n)],
  [rational(1n, 80n), rational(1n, 80n)],
  [rational(1n, 200n), rational(1n, 100n)],
  [rational(1n, 20n), rational(1n, 10n)],
];
const UNIT_VALUES: readonly Rational[] = [rational(1n), rational(1n, 10n), rational(3n), rational(7n, 3n)];

const generatedPosition = fc.record({
  instrument: fc.integer({ min: 0, max: 2 }),
  long: fc.boolean(),
  lots: fc.integer({ min: 1, max: 40 }),
  entry: fc.integer({ min: -300, max: 300 }),
  rates: fc.integer({ min: 0, max: RATES.length - 1 }),
  isolatedMargin: fc.option(fc.integer({ min: 1, max: 50_000 }), { nil: null }),
});

const generatedBook = fc.record({
  venue: fc.integer({ min: 0, max: VENUES.length - 1 }),
  unitValues: fc.tuple(...[0, 1, 2].map(() => fc.integer({ min: 0, max: UNIT_VALUES.length - 1 }))),
  prices: fc.tuple(...[0, 1, 2].map(() => fc.integer({ min: 2_000, max: 5_000 }))),
  balance: fc.integer({ min: 0, max: 400_000 }),
  positions: fc.array(generatedPosition, { minLength: 1, maxLength: 5 }),
});

type Generated = typeof generatedBook extends fc.Arbitrary<infer T> ? T : never;

/** The generated account, or undefined when it starts liquidatable (the book refuses those). */
function build(generated: Generated): IndexedBook | undefined {
  const rows: BookPositionRow[] = generated.positions.map((each) => ({
    account: 0,
    instrument: each.instrument,
    side: each.long ? 'long' : 'short',
    lots: each.lots,
    entry: generated.prices[each.instrument]! + each.entry,
    liquidationRate: RATES[each.rates]![0],
    marginCallRate: RATES[each.rates]![1],
    ...(each.isolatedMargin === null ? {} : { isolatedMargin: each.isolatedMargin }),
  }));
  const isolated = rows.reduce((total, row) => total + (row.isolatedMargin ?? 0), 0);
  const spec: BookSpec = bookSpecFromRows({
    venues: VENUES,
    instruments: generated.unitValues.map((choice, index) => ({ symbol: `I${index}`, unitValue: UNIT_VALUES[choice]! })),
    prices: generated.prices,
    accounts: [{ venue: generated.venue, balance: generated.balance + isolated }],
    positions: rows,
  });
  try {
    return createIndexedBook(spec);
  } catch (error) {
    if (error instanceof RangeError && /liquidatable/.test(error.message)) return undefined;
    throw error;
  }
}

/** The scope's exact status at the book's prices: 0 not in margin call, 1 in margin call, 2 liquidate. */
function statusAt(book: IndexedBook, scope: number, value: Float64Array): number {
  valueScope(book.state, scope, value);
  const account = scopeAccount(book.state, scope);
  const status = scopeStatus(book.state, account, value);
  if (status === STATUS_LIQUIDATE) return 2;
  return isCalled(book.state, account, status) ? 1 : 0;
}

/** Every scope valued from its bands, as the indexed book values it, equals its valuation from its positions. */
function checkBandValues(book: IndexedBook): void {
  const fromBands = new Float64Array(VALUE_SIZE);
  const fromPositions = new Float64Array(VALUE_SIZE);
  for (const scope of scopesOf(book)) {
    valueScope(book.state, scope, fromPositions);
    if (fromPositions[VALUE_OPEN] === 0) continue;
    valueBands(book.state, book.index, headerOf(book.index, scope), fromBands);
    assert.deepEqual([...fromBands], [...fromPositions], `scope ${scope} from its bands`);
  }
}

function scopesOf(book: IndexedBook): number[] {
  const scopes = [0];
  for (let position = 0; position < book.state.positionCount; position += 1) {
    if (book.index.band[(book.index.positionBand[position]!) * BAND_STRIDE + BAND_SCOPE] !== 0) scopes.push(isolatedScope(book.state, position));
  }
  return scopes;
}

/**
 * Prices to try inside a scope's box: each band's instrument anywhere strictly between its
 * triggers (near the edges half the time), the others where they are.
 */
function checkBoxes(book: IndexedBook, seed: number): void {
  const { state, index } = book;
  const random = seededRandom(seed);
  const value = new Float64Array(VALUE_SIZE);
  const saved = Float64Array.from(state.prices);
  for (const scope of scopesOf(book)) {
    valueScope(state, scope, value);
    if (value[VALUE_OPEN] === 0) continue;
    const now = state.called[scope];
    assert.notEqual(statusAt(book, scope, value), 2, `scope ${scope} is liquidatable between ticks`);
    const first = bandFirstOf(index, scope);
    const last = first + bandCountOf(index, scope);
    for (let trial = 0; trial < 60; trial += 1) {
      for (let band = first; band < last; band += 1) {
        const instrument = index.band[band * BAND_STRIDE + BAND_INSTRUMENT]!;
        const low = Math.max(1, index.band[band * BAND_STRIDE + BAND_DOWN]! + 1);
        const high = Math.min(index.band[band * BAND_STRIDE + BAND_UP]! - 1, saved[instrument]! * 4);
        const edge = random.next() < 0.5;
        state.prices[instrument] = edge
          ? (random.next() < 0.5 ? low : high)
          : low + Math.floor(random.next() * (high - low + 1));
      }
      const status = statusAt(book, scope, value);
      state.prices.set(saved);
      assert.equal(status, now, `scope ${scope}: status ${status} inside its box, called ${now}`);
    }
  }
}

describe('trigger bands', () => {
  test('inside every scope\'s box its status cannot change, when built and after ticks', () => {
    fc.assert(fc.property(generatedBook, fc.integer({ min: 1, max: 10_000 }), (generated, seed) => {
      const book = build(generated);
      if (!book) return;
      checkBoxes(book, seed);
      checkBandValues(book);
      const random = seededRandom(seed);
      const events: BookEvent[] = [];
      for (let tick = 0; tick < 40; tick += 1) {
        const instrument = random.integer(0, 2);
        const price = book.state.prices[instrument]!;
        applyIndexedTick(book, instrument, Math.max(1, price + Math.round(random.normal() * price * 0.01)), events);
        checkBoxes(book, seed + tick);
        checkBandValues(book);
      }
    }), { numRuns: 150 });
  });

  test('a single-position scope is triggered at the exact first tick where its status changes', () => {
    let checked = 0;
    fc.assert(fc.property(generatedBook, (generated) => {
      const single = { ...generated, positions: generated.positions.slice(0, 1) };
      const book = build(single);
      if (!book) return;
      const { state, index } = book;
      const scope = single.positions[0]!.isolatedMargin === null ? 0 : isolatedScope(state, 0);
      const band = index.positionBand[0]!;
      const instrument = index.band[band * BAND_STRIDE + BAND_INSTRUMENT]!;
      const price = state.prices[instrument]!;
      const value = new Float64Array(VALUE_SIZE);
      const now = state.called[scope];
      const firstChange = (step: number): number | undefined => {
        for (let tick = price + step; tick >= 1 && tick <= price * 4; tick += step) {
          state.prices[instrument] = tick;
          const status = statusAt(book, scope, value);
          state.prices[instrument] = price;
          if (status !== now) return tick;
        }
        return undefined;
      };
      const down = firstChange(-1);
      const up = firstChange(1);
      if (down !== undefined) assert.equal(index.band[band * BAND_STRIDE + BAND_DOWN], down, `down trigger of a scope at ${price}`);
      if (up !== undefined) assert.equal(index.band[band * BAND_STRIDE + BAND_UP], up, `up trigger of a scope at ${price}`);
      if (down !== undefined || up !== undefined) checked += 1;
    }), { numRuns: 300 });
    assert.ok(checked > 100, `only ${checked} scopes had a status change in range`);
  });
});
