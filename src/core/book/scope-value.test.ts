// The book's exact valuation against the core's (../margin/scope-valuation.ts valueScope): the
// same accounts, written once as a report snapshot and once as book rows, must give the same
// equity, Rl and Rc to the unit, for every margin scope. And the double path against bigint.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Instrument } from '../instrument/instrument.js';
import { markPrices } from '../liquidation/threshold-price.js';
import { marginScopes } from '../margin/margin-scope.js';
import { valueScope as coreValueScope } from '../margin/scope-valuation.js';
import { dec, decimal, multiply, toDecimalString } from '../money/decimal.js';
import { rational } from '../money/rational.js';
import { asLeverage, asPrice } from '../money/units.js';
import { parseSnapshot } from '../snapshot/parse-snapshot.js';
import { binanceUsdm } from '../venue/profiles/binance-usdm.js';
import { hyperliquid } from '../venue/profiles/hyperliquid.js';
import { mt5Standard } from '../venue/profiles/mt5-standard.js';
import type { VenueProfile } from '../venue/venue-profile.js';
import { bookSpecFromRows, type BookPositionRow } from './book-spec.js';
import { OPEN_CROSS, OPEN_ISOLATED, createBookState, requirementDenominatorOf } from './book-state.js';
import {
  VALUE_EQUITY, VALUE_LIQUIDATION, VALUE_MARGIN_CALL, VALUE_SIZE, valueCrossScope, valueIsolatedScope, valuePositions,
  valuePositionsInBigint,
} from './scope-value.js';
import { bookInstrument, bookVenue, positionRates } from './venue-terms.js';

interface TradedInstrument {
  readonly instrument: Instrument;
  readonly lotSize: string;
  /** Price range in ticks. */
  readonly prices: readonly [number, number];
  readonly maxLots: number;
}

interface VenueCase {
  readonly profile: VenueProfile;
  readonly currency: string;
  readonly decimals: number;
  readonly traded: readonly TradedInstrument[];
  readonly leverages: readonly number[];
}

function ticked(instrument: Instrument | undefined, tickSize: string): Instrument {
  assert.ok(instrument);
  return { ...instrument, tickSize: asPrice(dec(tickSize)) };
}

// Exposures stay inside each instrument's first maintenance tier (the book's linear model).
fc.configureGlobal({ includeErrorInReport: true });

const CASES: readonly VenueCase[] = [
  {
    profile: binanceUsdm, currency: 'USDT', decimals: 8, leverages: [2, 10, 20, 50, 125],
    traded: [
      { instrument: ticked(binanceUsdm.instruments.BTCUSDT, '0.1'), lotSize: '0.001', prices: [300_000, 700_000], maxLots: 100 },
      { instrument: ticked(binanceUsdm.instruments.ETHUSDT, '0.01'), lotSize: '0.01', prices: [100_000, 400_000], maxLots: 100 },
    ],
  },
  {
    profile: hyperliquid, currency: 'USDC', decimals: 6, leverages: [1, 3, 10, 20],
    traded: [
      { instrument: ticked(hyperliquid.instruments.BTC, '1'), lotSize: '0.001', prices: [30_000, 70_000], maxLots: 1000 },
      { instrument: ticked(hyperliquid.instruments.SOL, '0.001'), lotSize: '0.1', prices: [50_000, 300_000], maxLots: 1000 },
    ],
  },
  {
    profile: mt5Standard, currency: 'USD', decimals: 2, leverages: [30, 50, 100, 200, 500],
    traded: [
      { instrument: ticked(mt5Standard.instruments.EURUSD, '0.00001'), lotSize: '100', prices: [100_000, 150_000], maxLots: 1000 },
      { instrument: ticked(mt5Standard.instruments.XAUUSD, '0.01'), lotSize: '0.1', prices: [150_000, 300_000], maxLots: 1000 },
    ],
  },
];

interface Generated {
  readonly instrument: number;
  readonly long: boolean;
  readonly lots: number;
  /** Entry as a fraction of the price: 0.9 .. 1.1. */
  readonly entry: number;
  readonly leverage: number;
  readonly isolatedMargin: number | null;
}

const generatedAccount = (venue: VenueCase) => fc.record({
  prices: fc.tuple(...venue.traded.map((traded) => fc.integer({ min: traded.prices[0], max: traded.prices[1] }))),
  balance: fc.integer({ min: 0, max: 10 ** (venue.decimals + 5) }),
  positions: fc.array(fc.record({
    instrument: fc.integer({ min: 0, max: venue.traded.length - 1 }),
    long: fc.boolean(),
    lots: fc.integer({ min: 1, max: 1000 }),
    entry: fc.double({ min: 0.9, max: 1.1, noNaN: true }),
    leverage: fc.constantFrom(...venue.leverages),
    isolatedMargin: venue.profile.isolatedMargin
      ? fc.option(fc.integer({ min: 1, max: 10 ** (venue.decimals + 4) }), { nil: null })
      : fc.constant(null),
  }), { minLength: 1, maxLength: 5 }),
});

const text = (units: number, scale: number): string => toDecimalString(decimal(BigInt(units), scale));

function compareWithCore(venue: VenueCase, prices: readonly number[], free: number, generated: readonly Generated[]): void {
  const { traded, decimals } = venue;
  // The wallet holds the isolated margins.
  const balance = free + generated.reduce((total, each) => total + (each.isolatedMargin ?? 0), 0);
  const rows: BookPositionRow[] = generated.map((each) => {
    const { instrument, lotSize, maxLots } = traded[each.instrument]!;
    const price = prices[each.instrument]!;
    const rates = positionRates(venue.profile, instrument, asLeverage(dec(String(each.leverage))));
    assert.ok(lotSize);
    return {
      account: 0,
      instrument: each.instrument,
      side: each.long ? 'long' : 'short',
      lots: 1 + (each.lots % maxLots),
      entry: Math.max(1, Math.round(price * each.entry)),
      liquidationRate: rates.liquidation,
      marginCallRate: rates.marginCall,
      ...(each.isolatedMargin === null ? {} : { isolatedMargin: each.isolatedMargin }),
    };
  });
  const snapshot = parseSnapshot({
    venue: venue.profile.id,
    account: { currency: venue.currency, balance: text(balance, decimals) },
    positions: rows.map((row, index) => {
      const { instrument, lotSize } = traded[row.instrument]!;
      const tick = instrument.tickSize!;
      return {
        id: `p${index}`,
        instrument: instrument.symbol,
        side: row.side,
        quantity: toDecimalString(multiply(dec(lotSize), decimal(BigInt(row.lots)))),
        entryPrice: toDecimalString(multiply(tick, decimal(BigInt(row.entry)))),
        leverage: String(generated[index]!.leverage),
        ...(row.isolatedMargin === undefined ? {} : { isolatedMargin: text(row.isolatedMargin, decimals) }),
      };
    }),
    marks: Object.fromEntries(traded.map(({ instrument }, index) => [
      instrument.symbol, toDecimalString(multiply(instrument.tickSize!, decimal(BigInt(prices[index]!)))),
    ])),
  });
  assert.ok(snapshot.ok, snapshot.ok ? '' : JSON.stringify(snapshot.error));
  const state = createBookState(bookSpecFromRows({
    venues: [bookVenue(venue.profile)],
    instruments: traded.map(({ instrument, lotSize }) => bookInstrument(instrument, dec(lotSize), decimals)),
    prices: [...prices],
    accounts: [{ venue: 0, balance }],
    positions: rows,
  }));
  const marks = markPrices(snapshot.value);
  const value = new Float64Array(VALUE_SIZE);
  for (const scope of marginScopes(snapshot.value)) {
    if (scope.kind === 'cross' && scope.positions.length === 0) continue;
    const core = coreValueScope(venue.profile, scope, marks, decimals);
    if (scope.kind === 'cross') valueCrossScope(state, 0, value);
    else valueIsolatedScope(state, Number(scope.id.slice(1)), value);
    const book = [value[VALUE_EQUITY], value[VALUE_LIQUIDATION], value[VALUE_MARGIN_CALL]].map((each) => BigInt(each!));
    assert.deepEqual(book, [core.equity.units, core.liquidationRequirement.units, core.marginCallRequirement.units], `${venue.profile.id} ${scope.id}`);
  }
}

describe('the book values a scope as the core does', () => {
  for (const venue of CASES) {
    test(`${venue.profile.id}: equity, Rl and Rc of every scope equal valueScope's, to the unit`, () => {
      fc.assert(fc.property(generatedAccount(venue), ({ prices, balance, positions }) => {
        compareWithCore(venue, prices, balance, positions);
      }), { numRuns: 60 });
    });
  }

  test('the seed article: $500 at 1:75 on 30 000 EURUSD at 1.25 is called below $500 and stopped out at $250', () => {
    const eurusd = ticked(mt5Standard.instruments.EURUSD, '0.00001');
    const rates = positionRates(mt5Standard, eurusd, asLeverage(dec('75')));
    assert.deepEqual(rates.marginCall, rational(1n, 75n));
    assert.deepEqual(rates.liquidation, rational(1n, 150n));
    const state = createBookState(bookSpecFromRows({
      venues: [bookVenue(mt5Standard)],
      instruments: [bookInstrument(eurusd, dec('1000'), 2)],
      prices: [125_000],
      accounts: [{ venue: 0, balance: 50_000 }],
      positions: [{ account: 0, instrument: 0, side: 'long', lots: 30, entry: 125_000, liquidationRate: rates.liquidation, marginCallRate: rates.marginCall }],
    }));
    const value = new Float64Array(VALUE_SIZE);
    valueCrossScope(state, 0, value);
    // Notional 37 500 USD = 3 750 000 cents; Rc = 1/75 of it, Rl = half that.
    assert.deepEqual([...value.subarray(0, 3)], [50_000, 25_000, 50_000]);
    // The -1.5 % gap: 1.23125, P&L -562.50, equity -62.50.
    state.prices[0] = 123_125;
    valueCrossScope(state, 0, value);
    assert.equal(value[VALUE_EQUITY], -6_250);
  });
});

describe('the double path is exact', () => {
  // Large lots, unit values with large denominators and rates with large prime denominators push
  // intermediates past 2^52 while the results stay in range: the bigint path takes over.
  const row = fc.record({
    long: fc.boolean(),
    lots: fc.oneof(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 1, max: 2 ** 40 })),
    entry: fc.integer({ min: 1, max: 2 ** 30 }),
    rate: fc.constantFrom(rational(1n, 250n), rational(1n, 999_983n), rational(7n, 1_000_003n), rational(0n)),
    isolated: fc.boolean(),
  });
  test('valuePositions equals the bigint valuation, or both refuse amounts beyond 2^52', () => {
    fc.assert(fc.property(
      fc.array(row, { minLength: 1, maxLength: 6 }),
      fc.constantFrom(rational(1n), rational(10_000n), rational(1n, 10n), rational(3n, 1_000_000_007n)),
      fc.integer({ min: 1, max: 2 ** 30 }),
      fc.integer({ min: -(2 ** 50), max: 2 ** 50 }),
      (rows, unitValue, price, balance) => {
        let state;
        try {
          state = createBookState(bookSpecFromRows({
            venues: [{ id: 'v', liquidationTrigger: 'below', liquidationOrder: 'whole-scope', deficit: 'venue-absorbs', isolatedMargin: true }],
            instruments: [{ symbol: 'X', unitValue }],
            prices: [price],
            accounts: [{ venue: 0, balance }],
            positions: rows.map((each) => ({
              account: 0, instrument: 0, side: each.long ? 'long' : 'short', lots: each.lots, entry: each.entry,
              liquidationRate: each.rate, marginCallRate: each.rate, ...(each.isolated ? { isolatedMargin: 1000 } : {}),
            })),
          }));
        } catch (error) {
          assert.ok(error instanceof RangeError); // factors themselves beyond 2^52: refused when built
          return;
        }
        const fast = new Float64Array(VALUE_SIZE);
        const slow = new Float64Array(VALUE_SIZE);
        for (const open of [OPEN_CROSS, OPEN_ISOLATED]) {
          const collateral = open === OPEN_CROSS ? balance : 1000;
          const run = (into: Float64Array, valuation: typeof valuePositions): string => {
            try {
              valuation(state, 0, rows.length, open, collateral, requirementDenominatorOf(state, 0), into);
              return [...into].join(',');
            } catch (error) {
              assert.ok(error instanceof RangeError);
              return 'refused';
            }
          };
          assert.equal(run(fast, valuePositions), run(slow, valuePositionsInBigint));
        }
      },
    ), { numRuns: 400 });
  });
});
