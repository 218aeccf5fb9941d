// Hand-worked accounts through both books: the events each tick must cause, with their amounts,
// in the engine's order (../engine/step.ts; book-events.ts).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dec } from '../money/decimal.js';
import { rational, type Rational } from '../money/rational.js';
import { asLeverage, asPrice } from '../money/units.js';
import { binanceUsdm } from '../venue/profiles/binance-usdm.js';
import { mt5Standard } from '../venue/profiles/mt5-standard.js';
import type { BookEvent } from './book-events.js';
import { bookSpecFromRows, type BookInstrument, type BookPositionRow, type BookRows, type BookVenue } from './book-spec.js';
import { balanceOf } from './book-state.js';
import { applyIndexedTick, createIndexedBook } from './indexed-book.js';
import { applyNaiveTick, createNaiveBook } from './naive-book.js';
import { bookInstrument, bookVenue, positionRates } from './venue-terms.js';

/**
 * Runs `ticks` ([instrument, price]) through both books; returns each tick's events and the final
 * balances, which must agree.
 */
function runWithBalances(rows: BookRows, ticks: readonly (readonly [number, number])[]): { events: BookEvent[][]; balances: number[] } {
  const spec = bookSpecFromRows(rows);
  const indexed = createIndexedBook(spec);
  const naive = createNaiveBook(spec);
  const events = ticks.map(([instrument, price]) => {
    const fromIndex: BookEvent[] = [];
    const fromNaive: BookEvent[] = [];
    applyIndexedTick(indexed, instrument, price, fromIndex);
    applyNaiveTick(naive, instrument, price, fromNaive);
    assert.deepEqual(fromIndex, fromNaive);
    return fromIndex;
  });
  const balances = rows.accounts.map((_, account) => balanceOf(indexed.state, account));
  assert.deepEqual(balances, rows.accounts.map((_, account) => balanceOf(naive.state, account)));
  return { events, balances };
}

/** Runs `ticks` ([instrument, price]) through both books; returns each tick's events, which must agree. */
function run(rows: BookRows, ticks: readonly (readonly [number, number])[]): BookEvent[][] {
  return runWithBalances(rows, ticks).events;
}

const cross = { kind: 'cross' } as const;
const isolated = (position: number) => ({ kind: 'isolated', position }) as const;

const btcusdt = bookInstrument({ ...binanceUsdm.instruments.BTCUSDT!, tickSize: asPrice(dec('0.1')) }, dec('0.001'), 8);
const binanceRates = positionRates(binanceUsdm, binanceUsdm.instruments.BTCUSDT!, asLeverage(dec('10')));
const USDT = 100_000_000;

/** A crypto-perpetual-like venue: no margin call of its own, no fee, unless overridden. */
function venue(overrides: Partial<BookVenue>): BookVenue {
  return {
    id: 'test', liquidationTrigger: 'below', liquidationOrder: 'whole-scope', deficit: 'venue-absorbs', isolatedMargin: true,
    marginCall: false, ...overrides,
  };
}

/** Unit value 1: one lot moving one tick is one unit. */
const plain: BookInstrument = { symbol: 'X', unitValue: rational(1n) };
const oneHundredth: Rational = rational(1n, 100n);

/** Long 100 lots at 1 000 with 1 990 of isolated margin and Rl = 1 % of notional: equity = Rl exactly at 990. */
function atTheEdge(trigger: 'below' | 'at-or-below', deficit: 'venue-absorbs' | 'client-debt', stopLoss?: number): BookRows {
  const position: BookPositionRow = {
    account: 0, instrument: 0, side: 'long', lots: 100, entry: 1_000, liquidationRate: oneHundredth, marginCallRate: oneHundredth,
    isolatedMargin: 1_990, ...(stopLoss ? { stopLoss } : {}),
  };
  return {
    venues: [venue({ liquidationTrigger: trigger, deficit })], instruments: [plain], prices: [1_000],
    accounts: [{ venue: 0, balance: 3_000 }], positions: [position],
  };
}

describe('liquidation', () => {
  test('a gap through the liquidation price closes at the gapped price; the insurance fund takes the deficit', () => {
    // 0.1 BTC long at 50 000 with 500 USDT isolated (10x); a gap to 44 000: equity 500 - 600 = -100.
    const events = run({
      venues: [bookVenue(binanceUsdm)], instruments: [btcusdt], prices: [500_000],
      accounts: [{ venue: 0, balance: 1_000 * USDT }],
      positions: [{ account: 0, instrument: 0, side: 'long', lots: 100, entry: 500_000, liquidationRate: binanceRates.liquidation, marginCallRate: binanceRates.marginCall, isolatedMargin: 500 * USDT }],
    }, [[0, 499_000], [0, 440_000], [0, 400_000]]);
    assert.deepEqual(events, [
      [],
      [
        // Nothing is left for the 0.5 % fee; Binance issues no margin call of its own.
        { type: 'position-liquidated', tick: 2, account: 0, position: 0, price: 440_000, quantity: 100, pnl: BigInt(-600 * USDT), fee: 0n },
        { type: 'deficit-absorbed', tick: 2, account: 0, scope: isolated(0), amount: BigInt(100 * USDT) },
      ],
      [],
    ]);
  });

  test('the liquidation fee comes out of what each closed scope has left, position by position, never creating a deficit', () => {
    // Isolated: 0.1 BTC long at 50 000 with 500 USDT; at 45 100, equity 10 <= Rl 18.04: the fee,
    // 0.5 % of 4 510 = 22.55, takes the 10 left. Cross: 0.06 and 0.04 BTC long at 50 000 on 600
    // USDT; at 44 100, equity 10 <= Rl 17.64: the first fee (13.23) takes the 10, the second nothing.
    const position = (lots: number, isolatedMargin?: number): BookPositionRow => ({
      account: 0, instrument: 0, side: 'long', lots, entry: 500_000, liquidationRate: binanceRates.liquidation, marginCallRate: binanceRates.marginCall,
      ...(isolatedMargin === undefined ? {} : { isolatedMargin }),
    });
    const rows = (positions: BookPositionRow[], balance: number): BookRows => ({
      venues: [bookVenue(binanceUsdm)], instruments: [btcusdt], prices: [500_000], accounts: [{ venue: 0, balance }], positions,
    });
    assert.deepEqual(run(rows([position(100, 500 * USDT)], 1_000 * USDT), [[0, 451_000]]), [[
      { type: 'position-liquidated', tick: 1, account: 0, position: 0, price: 451_000, quantity: 100, pnl: BigInt(-490 * USDT), fee: BigInt(10 * USDT) },
    ]]);
    assert.deepEqual(run(rows([position(60), position(40)], 600 * USDT), [[0, 441_000]]), [[
      { type: 'position-liquidated', tick: 1, account: 0, position: 0, price: 441_000, quantity: 60, pnl: BigInt(-354 * USDT), fee: BigInt(10 * USDT) },
      { type: 'position-liquidated', tick: 1, account: 0, position: 1, price: 441_000, quantity: 40, pnl: BigInt(-236 * USDT), fee: 0n },
    ]]);
  });

  test('the seed article without protection: stopped out at 1.23125 after the call, the client owes 62.50', () => {
    // $500 at 1:75, 30 000 EURUSD at 1.25 (lots of 1 000): call below $500 of equity, stop-out at $250.
    const eurusd = { ...mt5Standard.instruments.EURUSD!, tickSize: asPrice(dec('0.00001')) };
    const rates = positionRates(mt5Standard, eurusd, asLeverage(dec('75')));
    const events = run({
      venues: [bookVenue(mt5Standard)], instruments: [bookInstrument(eurusd, dec('1000'), 2)], prices: [125_000],
      accounts: [{ venue: 0, balance: 50_000 }],
      positions: [{ account: 0, instrument: 0, side: 'long', lots: 30, entry: 125_000, liquidationRate: rates.liquidation, marginCallRate: rates.marginCall }],
    }, [[0, 124_990], [0, 123_125]]);
    assert.deepEqual(events, [
      // Equity 500 - 3 = 497 < Rc = 37 497 / 75 = 499.96; Rl = 249.98.
      [{ type: 'margin-call-issued', tick: 1, account: 0, scope: cross, equity: 49_700n, requirement: 49_996n, liquidationRequirement: 24_998n }],
      [
        { type: 'position-liquidated', tick: 2, account: 0, position: 0, price: 123_125, quantity: 30, pnl: -56_250n, fee: 0n },
        { type: 'debt-recorded', tick: 2, account: 0, amount: 6_250n, outstanding: 6_250n },
        { type: 'margin-call-cleared', tick: 2, account: 0, scope: cross, reason: 'positions closed' },
      ],
    ]);
  });

  test('a gap straight through the stop-out issues the margin call first, then stops out, and clears it as the positions closed', () => {
    const eurusd = { ...mt5Standard.instruments.EURUSD!, tickSize: asPrice(dec('0.00001')) };
    const rates = positionRates(mt5Standard, eurusd, asLeverage(dec('75')));
    const events = run({
      venues: [bookVenue(mt5Standard)], instruments: [bookInstrument(eurusd, dec('1000'), 2)], prices: [125_000],
      accounts: [{ venue: 0, balance: 50_000 }],
      positions: [{ account: 0, instrument: 0, side: 'long', lots: 30, entry: 125_000, liquidationRate: rates.liquidation, marginCallRate: rates.marginCall }],
    }, [[0, 123_125]]);
    // At 1.23125: notional 36 937.50, Rc = 492.50, Rl = 246.25, equity -62.50.
    assert.deepEqual(events, [[
      { type: 'margin-call-issued', tick: 1, account: 0, scope: cross, equity: -6_250n, requirement: 49_250n, liquidationRequirement: 24_625n },
      { type: 'position-liquidated', tick: 1, account: 0, position: 0, price: 123_125, quantity: 30, pnl: -56_250n, fee: 0n },
      { type: 'debt-recorded', tick: 1, account: 0, amount: 6_250n, outstanding: 6_250n },
      { type: 'margin-call-cleared', tick: 1, account: 0, scope: cross, reason: 'positions closed' },
    ]]);
  });

  test('equity exactly at Rl: at-or-below venues liquidate there, below venues one tick later', () => {
    const liquidated = (price: number, pnl: bigint, tick: number) => ({ type: 'position-liquidated', tick, account: 0, position: 0, price, quantity: 100, pnl, fee: 0n });
    assert.deepEqual(run(atTheEdge('at-or-below', 'venue-absorbs'), [[0, 991], [0, 990]]), [[], [liquidated(990, -1_000n, 2)]]);
    assert.deepEqual(run(atTheEdge('below', 'venue-absorbs'), [[0, 990], [0, 989]]), [[], [liquidated(989, -1_100n, 2)]]);
  });

  test('the exact figures decide, not the rounded ones: P&L rounded down and Rl rounded up do not liquidate early', () => {
    // One lot worth 1.1 units a tick, 17 units of margin, Rl = 1 % of notional. At 1 318 (one tick
    // below entry) the rounded figures meet (P&L ⌊-1.1⌋ = -2: equity 15; Rl ⌈14.498⌉ = 15), but
    // the exact equity 15.9 is well above Rl 14.498; at 1 317, 14.8 > 14.487; at 1 316, 13.7 <= 14.476.
    const events = run({
      venues: [venue({ liquidationTrigger: 'at-or-below' })], instruments: [{ symbol: 'X', unitValue: rational(11n, 10n) }],
      prices: [1_319], accounts: [{ venue: 0, balance: 17 }],
      positions: [{ account: 0, instrument: 0, side: 'long', lots: 1, entry: 1_319, liquidationRate: oneHundredth, marginCallRate: oneHundredth, isolatedMargin: 17 }],
    }, [[0, 1_318], [0, 1_317], [0, 1_316]]);
    assert.deepEqual(events, [[], [], [{ type: 'position-liquidated', tick: 3, account: 0, position: 0, price: 1_316, quantity: 1, pnl: -4n, fee: 0n }]]);
  });

  test('an isolated deficit the client owes is charged to the wallet, and recorded as debt once the account is flat below zero', () => {
    // Gap to 960: P&L -4 000 on 1 990 of margin; the wallet of 3 000 goes to -1 000.
    assert.deepEqual(run(atTheEdge('below', 'client-debt'), [[0, 960]]), [[
      { type: 'position-liquidated', tick: 1, account: 0, position: 0, price: 960, quantity: 100, pnl: -4_000n, fee: 0n },
      { type: 'debt-recorded', tick: 1, account: 0, amount: 1_000n, outstanding: 1_000n },
    ]]);
    // Gap to 970: P&L -3 000, the wallet goes to 0: nothing owed.
    assert.deepEqual(run(atTheEdge('below', 'client-debt'), [[0, 970]]), [[
      { type: 'position-liquidated', tick: 1, account: 0, position: 0, price: 970, quantity: 100, pnl: -3_000n, fee: 0n },
    ]]);
    // With another isolated position still open nothing is owed yet: the wallet of 7 000 goes to
    // -3 000 at the gap, and the debt (-3 000 + 100 of profit) is recorded when the last one closes.
    const rows = atTheEdge('below', 'client-debt');
    assert.deepEqual(run({
      ...rows,
      instruments: [plain, { symbol: 'Y', unitValue: rational(1n) }], prices: [1_000, 1_000], accounts: [{ venue: 0, balance: 7_000 }],
      positions: [
        rows.positions[0]!,
        { account: 0, instrument: 1, side: 'long', lots: 10, entry: 1_000, liquidationRate: oneHundredth, marginCallRate: oneHundredth, isolatedMargin: 5_000, takeProfit: 1_010 },
      ],
    }, [[0, 900], [1, 1_010]]), [
      [{ type: 'position-liquidated', tick: 1, account: 0, position: 0, price: 900, quantity: 100, pnl: -10_000n, fee: 0n }],
      [
        { type: 'take-profit-filled', tick: 2, account: 0, position: 1, price: 1_010, quantity: 10, pnl: 100n },
        { type: 'debt-recorded', tick: 2, account: 0, amount: 2_900n, outstanding: 2_900n },
      ],
    ]);
  });

  test('largest loss first: the stop-out closes the worst position, re-checks, and the survivor clears the call', () => {
    // Leverage 100: Rc = 1 % and Rl = 0.5 % of notional. A: 1 000 lots of X at 10 000; B: 100 lots of Y at 10 000.
    const rates = { liquidationRate: rational(1n, 200n), marginCallRate: oneHundredth };
    const events = run({
      venues: [venue({ liquidationTrigger: 'at-or-below', liquidationOrder: 'largest-loss-first', deficit: 'client-debt', isolatedMargin: false, marginCall: true })],
      instruments: [plain, { symbol: 'Y', unitValue: rational(1n) }], prices: [10_000, 10_000],
      accounts: [{ venue: 0, balance: 120_000 }],
      positions: [
        { account: 0, instrument: 0, side: 'long', lots: 1_000, entry: 10_000, ...rates },
        { account: 0, instrument: 1, side: 'long', lots: 100, entry: 10_000, ...rates },
      ],
    }, [[0, 9_935], [0, 9_930]]);
    assert.deepEqual(events, [
      // Equity 55 000, Rl 54 675, Rc 109 350.
      [{ type: 'margin-call-issued', tick: 1, account: 0, scope: cross, equity: 55_000n, requirement: 109_350n, liquidationRequirement: 54_675n }],
      // Equity 50 000 <= Rl 54 650: A (-70 000) closes; B alone: equity 50 000 >= Rc 10 000.
      [
        { type: 'position-liquidated', tick: 2, account: 0, position: 0, price: 9_930, quantity: 1_000, pnl: -70_000n, fee: 0n },
        { type: 'margin-call-cleared', tick: 2, account: 0, scope: cross, reason: 'equity restored', equity: 50_000n, requirement: 10_000n },
      ],
    ]);
  });

  test('largest loss first breaks a tie by position order', () => {
    // Two identical longs lose 50 000 each; the first closes, and the second alone clears Rl.
    const position = (): BookPositionRow => ({
      account: 0, instrument: 0, side: 'long', lots: 1_000, entry: 10_000,
      liquidationRate: rational(1n, 200n), marginCallRate: oneHundredth,
    });
    const events = run({
      venues: [venue({ liquidationTrigger: 'at-or-below', liquidationOrder: 'largest-loss-first', deficit: 'client-debt', isolatedMargin: false, marginCall: true })],
      instruments: [plain], prices: [10_000], accounts: [{ venue: 0, balance: 180_000 }], positions: [position(), position()],
    }, [[0, 9_950]]);
    // Called from the start (equity 180 000 < Rc 200 000). Equity 80 000 <= Rl 99 500; after the
    // first close Rl is 49 750. The call stays open (Rc 99 500).
    assert.deepEqual(events, [[
      { type: 'position-liquidated', tick: 1, account: 0, position: 0, price: 9_950, quantity: 1_000, pnl: -50_000n, fee: 0n },
    ]]);
  });

  test('a fee taken after a partial stop-out can leave the rest in breach: the next move of an instrument the account holds stops it out', () => {
    // Rl = 0.5 %, Rc = 1 %, a 1 % fee. A: 1 000 lots of X, B: 100 lots of Y, both long at 10 000, on
    // 120 000. At X = 9 930: equity 50 000 <= Rl 54 650, so A closes (-70 000) and B alone is clear
    // of its Rl (5 000); then A's fee, 99 300, takes the 50 000 left, and B is in breach at equity 0.
    // A move of X (no longer held) or of Z (never held) changes nothing; the next move of Y stops B out.
    const rates = { liquidationRate: rational(1n, 200n), marginCallRate: oneHundredth };
    const events = run({
      venues: [venue({ liquidationTrigger: 'at-or-below', liquidationOrder: 'largest-loss-first', deficit: 'client-debt', marginCall: true, liquidationFeeRate: oneHundredth })],
      instruments: [plain, { symbol: 'Y', unitValue: rational(1n) }, { symbol: 'Z', unitValue: rational(1n) }], prices: [10_000, 10_000, 10_000],
      accounts: [{ venue: 0, balance: 120_000 }],
      positions: [
        { account: 0, instrument: 0, side: 'long', lots: 1_000, entry: 10_000, ...rates },
        { account: 0, instrument: 1, side: 'long', lots: 100, entry: 10_000, ...rates },
      ],
    }, [[0, 9_930], [0, 9_900], [2, 10_050], [1, 10_001]]);
    assert.deepEqual(events, [
      [
        { type: 'margin-call-issued', tick: 1, account: 0, scope: cross, equity: 50_000n, requirement: 109_300n, liquidationRequirement: 54_650n },
        { type: 'position-liquidated', tick: 1, account: 0, position: 0, price: 9_930, quantity: 1_000, pnl: -70_000n, fee: 50_000n },
      ],
      [],
      [],
      [
        // Equity 100 <= Rl 5 000.5; the fee (10 001) takes the 100 left.
        { type: 'position-liquidated', tick: 4, account: 0, position: 1, price: 10_001, quantity: 100, pnl: 100n, fee: 100n },
        { type: 'margin-call-cleared', tick: 4, account: 0, scope: cross, reason: 'positions closed' },
      ],
    ]);
  });

  test('a scope left in breach by a fee is stopped out at the next move of any instrument the account holds, an isolated position\'s too', () => {
    // As above, with an isolated long on Z (50 000 of margin) beside the cross scope: its move is
    // the next price the account sees, and B goes at Y's unchanged price, with nothing left for its fee.
    const rates = { liquidationRate: rational(1n, 200n), marginCallRate: oneHundredth };
    const events = run({
      venues: [venue({ liquidationTrigger: 'at-or-below', liquidationOrder: 'largest-loss-first', deficit: 'client-debt', marginCall: true, liquidationFeeRate: oneHundredth })],
      instruments: [plain, { symbol: 'Y', unitValue: rational(1n) }, { symbol: 'Z', unitValue: rational(1n) }], prices: [10_000, 10_000, 10_000],
      accounts: [{ venue: 0, balance: 170_000 }],
      positions: [
        { account: 0, instrument: 0, side: 'long', lots: 1_000, entry: 10_000, ...rates },
        { account: 0, instrument: 1, side: 'long', lots: 100, entry: 10_000, ...rates },
        { account: 0, instrument: 2, side: 'long', lots: 10, entry: 10_000, ...rates, isolatedMargin: 50_000 },
      ],
    }, [[0, 9_930], [2, 10_050]]);
    assert.deepEqual(events, [
      [
        { type: 'margin-call-issued', tick: 1, account: 0, scope: cross, equity: 50_000n, requirement: 109_300n, liquidationRequirement: 54_650n },
        { type: 'position-liquidated', tick: 1, account: 0, position: 0, price: 9_930, quantity: 1_000, pnl: -70_000n, fee: 50_000n },
      ],
      [
        { type: 'position-liquidated', tick: 2, account: 0, position: 1, price: 10_000, quantity: 100, pnl: 0n, fee: 0n },
        { type: 'margin-call-cleared', tick: 2, account: 0, scope: cross, reason: 'positions closed' },
      ],
    ]);
  });

  test('the calls of scopes that closed clear in the order they were issued', () => {
    // Rl = 0.5 %, Rc = 1 % of notional. An isolated long (2 000 of margin) is called below 989.9,
    // the cross long (2 200 left beside it) below 987.9; a gap to 970 liquidates both.
    const rates = { liquidationRate: rational(1n, 200n), marginCallRate: oneHundredth };
    const events = run({
      venues: [venue({ liquidationTrigger: 'at-or-below', marginCall: true })], instruments: [plain], prices: [1_000],
      accounts: [{ venue: 0, balance: 4_200 }],
      positions: [
        { account: 0, instrument: 0, side: 'long', lots: 100, entry: 1_000, ...rates, isolatedMargin: 2_000 },
        { account: 0, instrument: 0, side: 'long', lots: 100, entry: 1_000, ...rates },
      ],
    }, [[0, 989], [0, 987], [0, 970]]);
    assert.deepEqual(events, [
      [{ type: 'margin-call-issued', tick: 1, account: 0, scope: isolated(0), equity: 900n, requirement: 989n, liquidationRequirement: 495n }],
      [{ type: 'margin-call-issued', tick: 2, account: 0, scope: cross, equity: 900n, requirement: 987n, liquidationRequirement: 494n }],
      [
        { type: 'position-liquidated', tick: 3, account: 0, position: 0, price: 970, quantity: 100, pnl: -3_000n, fee: 0n },
        { type: 'deficit-absorbed', tick: 3, account: 0, scope: isolated(0), amount: 1_000n },
        { type: 'position-liquidated', tick: 3, account: 0, position: 1, price: 970, quantity: 100, pnl: -3_000n, fee: 0n },
        { type: 'deficit-absorbed', tick: 3, account: 0, scope: cross, amount: 800n },
        { type: 'margin-call-cleared', tick: 3, account: 0, scope: isolated(0), reason: 'positions closed' },
        { type: 'margin-call-cleared', tick: 3, account: 0, scope: cross, reason: 'positions closed' },
      ],
    ]);
  });
});

describe('orders', () => {
  test('a stop-loss fills at the tick\'s price before the scope is checked, so the liquidation never comes', () => {
    // Stop at 995; a gap to 980 reaches both the stop and the liquidation (equity 1 990 - 2 000 = -10).
    assert.deepEqual(run(atTheEdge('below', 'venue-absorbs', 995), [[0, 996], [0, 980]]), [[], [
      { type: 'stop-loss-filled', tick: 2, account: 0, position: 0, price: 980, quantity: 100, pnl: -2_000n },
      { type: 'deficit-absorbed', tick: 2, account: 0, scope: isolated(0), amount: 10n },
    ]]);
  });

  test('a take-profit fills at the first price at or beyond it; a short\'s fires on the way down', () => {
    const events = run({
      venues: [venue({})], instruments: [plain], prices: [1_000], accounts: [{ venue: 0, balance: 100_000 }],
      positions: [
        { account: 0, instrument: 0, side: 'long', lots: 10, entry: 1_000, liquidationRate: oneHundredth, marginCallRate: oneHundredth, takeProfit: 1_010 },
        { account: 0, instrument: 0, side: 'short', lots: 5, entry: 1_000, liquidationRate: oneHundredth, marginCallRate: oneHundredth, takeProfit: 990 },
      ],
    }, [[0, 1_009], [0, 1_013], [0, 985]]);
    assert.deepEqual(events, [
      [],
      [{ type: 'take-profit-filled', tick: 2, account: 0, position: 0, price: 1_013, quantity: 10, pnl: 130n }],
      [{ type: 'take-profit-filled', tick: 3, account: 0, position: 1, price: 985, quantity: 5, pnl: 75n }],
    ]);
  });
});

describe('taker fees on order fills', () => {
  // BTCUSDT in lots of 0.0001 BTC at a 0.1 tick, in units of 10^-8 USDT: one lot moving one tick is
  // 0.00001 USDT = 1 000 units. Binance's taker fee is 0.05 % of the filled notional (Binance FAQ
  // 360033544231: "Commission Fee = Notional Value × Fee Rate"), as the engine charges it on
  // stop-loss and take-profit fills (../engine/commands.ts chargeTradeFee).
  const smallLots = bookInstrument({ ...binanceUsdm.instruments.BTCUSDT!, tickSize: asPrice(dec('0.1')) }, dec('0.0001'), 8);
  const takerRate = rational(1n, 2_000n);
  const long = (lots: number, rest: Partial<BookPositionRow>): BookPositionRow => ({
    account: 0, instrument: 0, side: 'long', lots, entry: 500_000, liquidationRate: binanceRates.liquidation, marginCallRate: binanceRates.marginCall, ...rest,
  });

  test('Binance: each fill pays 0.05 % of its notional at the fill price, rounded up, after its own event', () => {
    // On 1 000 USDT, cross: 0.1 BTC long at 50 000 with a stop at 49 000, and 0.0007 BTC short at
    // 50 000 with a take-profit at 49 000; a gap to 48 900.1 fills both, in position order.
    //   stop-loss:   P&L 0.1 × (48 900.1 - 50 000) = -109.99;  fee 0.0005 × 0.1 × 48 900.1 = 0.0005 × 4 890.01 = 2.445005
    //   take-profit: P&L 0.0007 × 1 099.9 = 0.76993;            fee 0.0005 × 0.0007 × 48 900.1 = 0.0005 × 34.23007
    //                = 0.017115035, rounded up to 0.01711504 (the unit is 10^-8 USDT)
    //   balance 1 000 - 109.99 - 2.445005 + 0.76993 - 0.01711504 = 888.31780996
    const { events, balances } = runWithBalances({
      venues: [bookVenue(binanceUsdm)], instruments: [smallLots], prices: [500_000], accounts: [{ venue: 0, balance: 1_000 * USDT }],
      positions: [long(1_000, { stopLoss: 490_000 }), { ...long(7, { takeProfit: 490_000 }), side: 'short' }],
    }, [[0, 489_001]]);
    assert.deepEqual(events, [[
      { type: 'stop-loss-filled', tick: 1, account: 0, position: 0, price: 489_001, quantity: 1_000, pnl: -10_999_000_000n },
      { type: 'fee-charged', tick: 1, account: 0, position: 0, instrument: 0, liquidity: 'taker', rate: takerRate, amount: 244_500_500n },
      { type: 'take-profit-filled', tick: 1, account: 0, position: 1, price: 489_001, quantity: 7, pnl: 76_993_000n },
      { type: 'fee-charged', tick: 1, account: 0, position: 1, instrument: 0, liquidity: 'taker', rate: takerRate, amount: 1_711_504n },
    ]]);
    assert.deepEqual(balances, [88_831_780_996]);
  });

  test('the fee comes from the cross wallet alone: at most what it holds, nothing when it holds nothing', () => {
    // 0.1 BTC long at 50 000 on 500 USDT of isolated margin, a stop at 49 000, and 1 USDT in the
    // cross wallet (a balance of 501). A gap to 44 000 fills the stop: P&L -600, the isolated
    // scope is 100 short and Binance's insurance fund takes it; the wallet is back to 1 USDT.
    // The fee due, 0.0005 × 0.1 × 44 000 = 2.20 USDT, takes the 1 USDT there is.
    const isolatedLong = long(1_000, { isolatedMargin: 500 * USDT, stopLoss: 490_000 });
    const rows = (balance: number): BookRows => ({
      venues: [bookVenue(binanceUsdm)], instruments: [smallLots], prices: [500_000], accounts: [{ venue: 0, balance }], positions: [isolatedLong],
    });
    const filled = { type: 'stop-loss-filled', tick: 1, account: 0, position: 0, price: 440_000, quantity: 1_000, pnl: BigInt(-600 * USDT) } as const;
    const absorbed = { type: 'deficit-absorbed', tick: 1, account: 0, scope: isolated(0), amount: BigInt(100 * USDT) } as const;
    const thin = runWithBalances(rows(501 * USDT), [[0, 440_000]]);
    assert.deepEqual(thin.events, [[
      filled, absorbed, { type: 'fee-charged', tick: 1, account: 0, position: 0, instrument: 0, liquidity: 'taker', rate: takerRate, amount: BigInt(USDT) },
    ]]);
    assert.deepEqual(thin.balances, [0]);
    // With nothing in the cross wallet (a balance of 500), no fee is charged and none is shown.
    const empty = runWithBalances(rows(500 * USDT), [[0, 440_000]]);
    assert.deepEqual(empty.events, [[filled, absorbed]]);
    assert.deepEqual(empty.balances, [0]);
  });
});

describe('books refuse what they cannot hold', () => {
  test('a scope liquidatable at the starting prices, an order already reached, positions out of account order', () => {
    const rows = atTheEdge('at-or-below', 'venue-absorbs');
    assert.throws(() => createIndexedBook(bookSpecFromRows({ ...rows, prices: [990] })), /liquidatable/);
    assert.throws(() => createNaiveBook(bookSpecFromRows({ ...rows, positions: [{ ...rows.positions[0]!, stopLoss: 1_000 }] })), /already reached/);
    assert.throws(() => createIndexedBook(bookSpecFromRows({
      ...rows, accounts: [...rows.accounts, { venue: 0, balance: 0 }],
      positions: [{ ...rows.positions[0]!, account: 1 }, rows.positions[0]!],
    })), /grouped by account/);
    const book = createIndexedBook(bookSpecFromRows(rows));
    assert.throws(() => applyIndexedTick(book, 0, 1.5, []), /positive integer/);
    assert.throws(() => applyIndexedTick(book, 3, 1_000, []), /unknown instrument/);
  });
});
