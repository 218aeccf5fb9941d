// The book's stop-out against the core's (../liquidation/force-close.ts forceClose): an MT5 account
// gapped through its stop-out level must lose the same positions, in the same order, with the same
// booked P&L, whether the book or the core closes it.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { forceClose } from '../liquidation/force-close.js';
import { marginScopes } from '../margin/margin-scope.js';
import { dec, decimal, multiply, toDecimalString } from '../money/decimal.js';
import { fromDecimal } from '../money/rational.js';
import { asLeverage, asPrice, type InstrumentId } from '../money/units.js';
import { parseSnapshot } from '../snapshot/parse-snapshot.js';
import { mt5Standard } from '../venue/profiles/mt5-standard.js';
import type { BookEvent } from './book-events.js';
import { bookSpecFromRows, type BookPositionRow } from './book-spec.js';
import { applyIndexedTick, createIndexedBook } from './indexed-book.js';
import { applyNaiveTick, createNaiveBook } from './naive-book.js';
import { bookInstrument, bookVenue, positionRates } from './venue-terms.js';

fc.configureGlobal({ includeErrorInReport: true });

const TRADED = [
  { instrument: { ...mt5Standard.instruments.EURUSD!, tickSize: asPrice(dec('0.00001')) }, lotSize: '1000', price: 120_000 },
  { instrument: { ...mt5Standard.instruments.XAUUSD!, tickSize: asPrice(dec('0.01')) }, lotSize: '1', price: 200_000 },
] as const;

const generated = fc.record({
  positions: fc.array(fc.record({
    instrument: fc.integer({ min: 0, max: 1 }),
    long: fc.boolean(),
    lots: fc.integer({ min: 1, max: 50 }),
    entry: fc.integer({ min: -20, max: 20 }),
    leverage: fc.constantFrom(50, 100, 200, 500),
  }), { minLength: 2, maxLength: 6 }),
  /** The balance as a multiple of the initial margin. */
  cover: fc.integer({ min: 30, max: 200 }).map((percent) => percent / 100),
  /** The gap on EURUSD, in ticks of 0.00001 (at 1.20000: up to 4 % either way). */
  gap: fc.integer({ min: -4_800, max: 4_800 }),
});

describe('the book stops out as the core does', () => {
  test('largest loss first: same positions, order and P&L as forceClose at the gapped price', () => {
    let stoppedOut = 0;
    let built = 0;
    let skipped = 0;
    let partly = 0;
    fc.assert(fc.property(generated, ({ positions, cover, gap }) => {
      // One lot moving one tick is one cent on both instruments, so a notional in cents is lots × price.
      const initialMargin = positions.reduce((total, each) => total + (each.lots * TRADED[each.instrument]!.price) / each.leverage, 0);
      const balance = Math.round(initialMargin * cover);
      const rows: BookPositionRow[] = positions.map((each) => {
        const { instrument, price } = TRADED[each.instrument]!;
        const rates = positionRates(mt5Standard, instrument, asLeverage(dec(String(each.leverage))));
        return {
          account: 0, instrument: each.instrument, side: each.long ? 'long' : 'short', lots: each.lots, entry: price + each.entry,
          liquidationRate: rates.liquidation, marginCallRate: rates.marginCall,
        };
      });
      const spec = bookSpecFromRows({
        venues: [bookVenue(mt5Standard)],
        instruments: TRADED.map(({ instrument, lotSize }) => bookInstrument(instrument, dec(lotSize), 2)),
        prices: TRADED.map(({ price }) => price),
        accounts: [{ venue: 0, balance }],
        positions: rows,
      });
      let indexed;
      try {
        indexed = createIndexedBook(spec);
      } catch (error) {
        if (error instanceof RangeError && /liquidatable/.test(error.message)) {
          skipped += 1;
          return;
        }
        throw error;
      }
      built += 1;
      const naive = createNaiveBook(spec);
      const gapped = TRADED[0].price + gap;
      const events: BookEvent[] = [];
      const naiveEvents: BookEvent[] = [];
      applyIndexedTick(indexed, 0, gapped, events);
      applyNaiveTick(naive, 0, gapped, naiveEvents);
      assert.deepEqual(events, naiveEvents);

      const text = (units: number, scale: number) => toDecimalString(decimal(BigInt(units), scale));
      const snapshot = parseSnapshot({
        venue: 'mt5-standard',
        account: { currency: 'USD', balance: text(balance, 2) },
        positions: rows.map((row, index) => ({
          id: `p${index}`,
          instrument: TRADED[row.instrument]!.instrument.symbol,
          side: row.side,
          quantity: toDecimalString(multiply(dec(TRADED[row.instrument]!.lotSize), decimal(BigInt(row.lots)))),
          entryPrice: toDecimalString(multiply(TRADED[row.instrument]!.instrument.tickSize, decimal(BigInt(row.entry)))),
          leverage: String(positions[index]!.leverage),
        })),
        marks: Object.fromEntries(TRADED.map(({ instrument, price }) => [instrument.symbol, toDecimalString(multiply(instrument.tickSize, decimal(BigInt(price))))])),
      });
      assert.ok(snapshot.ok, snapshot.ok ? '' : JSON.stringify(snapshot.error));
      const prices = new Map(TRADED.map(({ instrument, price }, index) => [
        instrument.symbol as InstrumentId,
        fromDecimal(multiply(instrument.tickSize, decimal(BigInt(index === 0 ? gapped : price)))),
      ]));
      const [cross] = marginScopes(snapshot.value);
      assert.ok(cross);
      const core = forceClose(mt5Standard, cross, prices, 2).fills.map((fill) => ({ position: Number(fill.position.id.slice(1)), pnl: fill.pnl.units }));
      const book = events.flatMap((event) => (event.type === 'position-liquidated' ? [{ position: event.position, pnl: event.pnl }] : []));
      assert.deepEqual(book, core);
      if (core.length > 0) stoppedOut += 1;
      if (core.length > 0 && core.length < rows.length) partly += 1;
    }), { numRuns: 500 });
    assert.ok(stoppedOut > 20 && partly > 4, `${stoppedOut} accounts stopped out (${partly} partly) of ${built} (${skipped} skipped)`);
  });
});
