// The indexed book against the naive full rescan: over random books (three venue families, cross
// and isolated, stop-losses and take-profits; venues with and without margin calls of their own,
// liquidation fees and taker fees on order fills, a rebate among them) and random tick streams
// (random walks with gaps), the two must emit identical events, tick by tick, and end in identical
// states. Money is conserved in both: every balance moves only by booked P&L, fees and absorbed deficits.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { rational, type Rational } from '../money/rational.js';
import type { BookEvent } from './book-events.js';
import { bookSpecFromRows, type BookPositionRow, type BookSpec, type BookVenue } from './book-spec.js';
import { balanceOf, type BookState } from './book-state.js';
import { applyIndexedTick, createIndexedBook } from './indexed-book.js';
import { applyNaiveTick, createNaiveBook } from './naive-book.js';
import { randomBook, randomTicks, type RandomBookOptions, type TickStreamOptions } from './random-book.js';

fc.configureGlobal({ includeErrorInReport: true });

interface Outcome {
  readonly events: number;
  readonly counts: Readonly<Record<string, number>>;
}

function checkConservation(spec: BookSpec, state: BookState, events: readonly BookEvent[]): void {
  const expected = spec.accounts.balance.map((balance) => balance);
  for (const event of events) {
    if (event.type === 'stop-loss-filled' || event.type === 'take-profit-filled') {
      expected[event.account] = expected[event.account]! + Number(event.pnl);
    } else if (event.type === 'position-liquidated') {
      expected[event.account] = expected[event.account]! + Number(event.pnl) - Number(event.fee);
    } else if (event.type === 'fee-charged') {
      expected[event.account] = expected[event.account]! - Number(event.amount);
    } else if (event.type === 'deficit-absorbed') {
      expected[event.account] = expected[event.account]! + Number(event.amount);
    }
  }
  const balances = expected.map((_, account) => balanceOf(state, account));
  assert.deepEqual([...balances], [...expected], 'balances = starting balances + booked P&L - fees + absorbed deficits');
}

/** Runs both books over the stream; fails at the first tick whose events differ. */
function compareBooks(spec: BookSpec, instruments: Int32Array, prices: Float64Array): Outcome {
  const indexed = createIndexedBook(spec);
  const naive = createNaiveBook(spec);
  const all: BookEvent[] = [];
  for (let tick = 0; tick < instruments.length; tick += 1) {
    const fromIndex: BookEvent[] = [];
    const fromNaive: BookEvent[] = [];
    applyIndexedTick(indexed, instruments[tick]!, prices[tick]!, fromIndex);
    applyNaiveTick(naive, instruments[tick]!, prices[tick]!, fromNaive);
    assert.deepEqual(fromIndex, fromNaive, `tick ${tick + 1}`);
    all.push(...fromIndex);
  }
  for (const field of ['account', 'called', 'position'] as const) {
    assert.deepEqual(indexed.state[field], naive.state[field], `final ${field}`);
  }
  checkConservation(spec, indexed.state, all);
  const counts: Record<string, number> = {};
  for (const event of all) counts[event.type] = (counts[event.type] ?? 0) + 1;
  return { events: all.length, counts };
}

function compareRandom(book: RandomBookOptions, stream: Omit<TickStreamOptions, 'seed'>): Outcome {
  const spec = randomBook(book);
  const ticks = randomTicks(spec.prices, { ...stream, seed: book.seed + 1 });
  return compareBooks(spec, ticks.instrument, ticks.price);
}

describe('indexed book = naive rescan', () => {
  const volatile = { ticks: 3_000, volatility: 0.003, gapChance: 0.01 };

  test('mixed venues, cross and isolated, orders: identical events and states over many seeds', () => {
    const totals: Record<string, number> = {};
    for (let seed = 1; seed <= 12; seed += 1) {
      const { counts } = compareRandom({ accounts: 40, positions: 320, instruments: 9, seed }, volatile);
      for (const [type, count] of Object.entries(counts)) totals[type] = (totals[type] ?? 0) + count;
    }
    // The streams must exercise every kind of event, or the comparison proves little.
    for (const type of [
      'margin-call-issued', 'margin-call-cleared', 'stop-loss-filled', 'take-profit-filled', 'fee-charged', 'position-liquidated', 'deficit-absorbed',
      'debt-recorded',
    ]) {
      assert.ok((totals[type] ?? 0) > 5, `${type}: ${totals[type] ?? 0}`);
    }
  });

  test('cross accounts over many instruments (re-keyed as other instruments move)', () => {
    for (let seed = 20; seed < 26; seed += 1) {
      compareRandom({ accounts: 30, positions: 360, instruments: 30, seed, isolatedShare: 0, instrumentsPerAccount: 10 }, volatile);
    }
  });

  test('mostly isolated, few instruments, hedged accounts, quiet walks with rare gaps', () => {
    for (let seed = 40; seed < 44; seed += 1) {
      compareRandom({ accounts: 30, positions: 300, instruments: 3, seed, isolatedShare: 0.9, orderShare: 0.6 }, { ticks: 4_000, volatility: 0.0005, gapChance: 0.002 });
    }
  });

  // Small books of any shape: random venues, rates, unit values and positions, random walks of any size.
  const VENUES: readonly BookVenue[] = [
    {
      id: 'a', liquidationTrigger: 'at-or-below', liquidationOrder: 'whole-scope', deficit: 'venue-absorbs', isolatedMargin: true,
      marginCall: false, liquidationFeeRate: rational(1n, 200n), takerFeeRate: rational(1n, 2000n),
    },
    { id: 'b', liquidationTrigger: 'below', liquidationOrder: 'whole-scope', deficit: 'client-debt', isolatedMargin: true },
    {
      id: 'c', liquidationTrigger: 'at-or-below', liquidationOrder: 'largest-loss-first', deficit: 'client-debt', isolatedMargin: true,
      liquidationFeeRate: rational(3n, 1000n), takerFeeRate: rational(1n, 50n),
    },
    {
      id: 'd', liquidationTrigger: 'below', liquidationOrder: 'largest-loss-first', deficit: 'venue-absorbs', isolatedMargin: false, marginCall: false,
      takerFeeRate: rational(-1n, 10_000n),
    },
  ];
  const RATES: readonly (readonly [Rational, Rational])[] = [
    [rational(1n, 250n), rational(1n, 250n)], [rational(1n, 80n), rational(1n, 40n)], [rational(1n, 200n), rational(1n, 100n)],
    [rational(3n, 70n), rational(3n, 35n)], [rational(0n), rational(1n, 100n)],
  ];
  const position = fc.record({
    account: fc.integer({ min: 0, max: 3 }),
    instrument: fc.integer({ min: 0, max: 2 }),
    long: fc.boolean(),
    lots: fc.integer({ min: 1, max: 30 }),
    entry: fc.integer({ min: -40, max: 40 }),
    rates: fc.integer({ min: 0, max: RATES.length - 1 }),
    isolatedMargin: fc.option(fc.integer({ min: 1, max: 20_000 }), { nil: null }),
    stopLoss: fc.option(fc.integer({ min: 1, max: 60 }), { nil: null }),
    takeProfit: fc.option(fc.integer({ min: 1, max: 60 }), { nil: null }),
  });
  const book = fc.record({
    venues: fc.tuple(...[0, 1, 2, 3].map(() => fc.integer({ min: 0, max: VENUES.length - 1 }))),
    balances: fc.tuple(...[0, 1, 2, 3].map(() => fc.integer({ min: 0, max: 60_000 }))),
    unitValues: fc.tuple(...[0, 1, 2].map(() => fc.constantFrom(rational(1n), rational(1n, 10n), rational(7n, 3n), rational(5n)))),
    positions: fc.array(position, { minLength: 1, maxLength: 14 }),
    steps: fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: -40, max: 40 })), { minLength: 1, maxLength: 120 }),
  });

  test('arbitrary small books and walks (fast-check)', () => {
    let compared = 0;
    fc.assert(fc.property(book, (generated) => {
      const prices = [1_000, 1_000, 1_000];
      const rows: BookPositionRow[] = [...generated.positions].sort((a, b) => a.account - b.account).map((each) => {
        const venue = VENUES[generated.venues[each.account]!]!;
        const direction = each.long ? 1 : -1;
        return {
          account: each.account,
          instrument: each.instrument,
          side: each.long ? 'long' : 'short',
          lots: each.lots,
          entry: 1_000 + each.entry,
          liquidationRate: RATES[each.rates]![0],
          marginCallRate: RATES[each.rates]![1],
          ...(each.isolatedMargin !== null && venue.isolatedMargin ? { isolatedMargin: each.isolatedMargin } : {}),
          ...(each.stopLoss === null ? {} : { stopLoss: 1_000 - direction * each.stopLoss }),
          ...(each.takeProfit === null ? {} : { takeProfit: 1_000 + direction * each.takeProfit }),
        };
      });
      const isolated = [0, 1, 2, 3].map((account) => rows.filter((row) => row.account === account).reduce((total, row) => total + (row.isolatedMargin ?? 0), 0));
      const spec = bookSpecFromRows({
        venues: VENUES,
        instruments: generated.unitValues.map((unitValue, index) => ({ symbol: `I${index}`, unitValue })),
        prices,
        accounts: [0, 1, 2, 3].map((account) => ({ venue: generated.venues[account]!, balance: generated.balances[account]! + isolated[account]! })),
        positions: rows,
      });
      try {
        createNaiveBook(spec);
      } catch (error) {
        if (error instanceof RangeError && /liquidatable/.test(error.message)) return;
        throw error;
      }
      const walk = [...prices];
      const instruments = Int32Array.from(generated.steps.map(([instrument]) => instrument));
      const ticks = Float64Array.from(generated.steps.map(([instrument, step]) => {
        walk[instrument] = Math.max(1, walk[instrument]! + step);
        return walk[instrument]!;
      }));
      compareBooks(spec, instruments, ticks);
      compared += 1;
    }), { numRuns: 300 });
    assert.ok(compared > 120, `only ${compared} generated books were valid`);
  });
});
