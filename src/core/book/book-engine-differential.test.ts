// The risk book against the engine (../engine/step.ts): random small books of what the book
// supports (Binance USDⓈ-M, Hyperliquid, MT5; cross and isolated; stop-losses and take-profits;
// linear and CFD instruments) run through both books and, account by account, through the engine's
// step(), each tick a mark command for the accounts holding the instrument. Every tick, every
// account must get the same events (types, order, positions, prices, quantities, P&L, fees,
// deficits, debt, margin-call figures and reasons), and every balance must end the same.
//
// The engine runs the real venue profiles: Binance charges its 0.5 % liquidation fee (the book
// charges it too), insurance funds are unlimited (the engine's default market: no auto-deleveraging),
// and positions stay far below Hyperliquid's 100 000 USDC partial-liquidation size and Binance's
// first maintenance bracket (50 000 USDT per instrument and side), the book's linear model.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseScenario } from '../engine/parse-scenario.js';
import { step } from '../engine/step.js';
import type { EngineEvent, EngineState } from '../engine/engine-types.js';
import type { Instrument } from '../instrument/instrument.js';
import { dec, decimal, multiply, normalize, parseDecimal, toDecimalString, type Decimal } from '../money/decimal.js';
import { asInstrumentId, asLeverage, asPrice } from '../money/units.js';
import { binanceUsdm } from '../venue/profiles/binance-usdm.js';
import { hyperliquid } from '../venue/profiles/hyperliquid.js';
import { mt5Standard } from '../venue/profiles/mt5-standard.js';
import type { VenueProfile } from '../venue/venue-profile.js';
import type { BookEvent, BookScope } from './book-events.js';
import { bookSpecFromRows, type BookPositionRow, type BookSpec } from './book-spec.js';
import { ACCOUNT_BALANCE, balanceOf, createBookState, denominatorOf } from './book-state.js';
import {
  STATUS_HEALTHY, VALUE_LIQUIDATION, VALUE_MARGIN_CALL, VALUE_SIZE, displayFigures, scopeStatus, valueCrossScope,
} from './scope-value.js';
import { applyIndexedTick, createIndexedBook, type IndexedBook } from './indexed-book.js';
import { applyNaiveTick, createNaiveBook, type NaiveBook } from './naive-book.js';
import { parseSnapshot } from '../snapshot/parse-snapshot.js';
import { seededRandom, type SeededRandom } from './seeded-random.js';
import { bookInstrument, bookVenue, positionRates } from './venue-terms.js';

interface Traded {
  readonly symbol: string;
  readonly tickSize: string;
  readonly lotSizes: readonly string[];
  /** Starting price range, in ticks. */
  readonly prices: readonly [number, number];
}

interface Family {
  /** The venue as the scenario names it: a built-in id, or a custom profile extending one. */
  readonly venue: unknown;
  readonly profile: VenueProfile;
  readonly currency: string;
  readonly decimals: number;
  readonly traded: readonly Traded[];
  readonly leverages: readonly number[];
}

/** A venue profile as a scenario's snapshot would read it. */
function customVenue(venue: unknown): VenueProfile {
  const parsed = parseSnapshot({ venue, account: { currency: 'USD', balance: '0' }, positions: [], marks: {} });
  assert.ok(parsed.ok, parsed.ok ? '' : JSON.stringify(parsed.error));
  return parsed.value.venue;
}

const BINANCE_TRADED: readonly Traded[] = [
  { symbol: 'BTCUSDT', tickSize: '0.1', lotSizes: ['0.001', '0.0001'], prices: [200_000, 800_000] },
  { symbol: 'ETHUSDT', tickSize: '0.01', lotSizes: ['0.01'], prices: [100_000, 400_000] },
];

/** Binance with a margin call of its own at 150 % of the initial margin: calls on isolated and cross scopes alike. */
const BINANCE_WITH_CALLS = { extends: 'binance-usdm', id: 'binance-usdm-calls', marginCallLevel: '1.5' };

/** MT5 with a fee on each stop-out close: fees out of the equity left when positions stay open. */
const MT5_WITH_FEE = { extends: 'mt5-standard', id: 'mt5-fee', liquidationFeeRate: '0.002' };

const FAMILIES: readonly Family[] = [
  { venue: 'binance-usdm', profile: binanceUsdm, currency: 'USDT', decimals: 8, leverages: [5, 10, 20, 50, 100], traded: BINANCE_TRADED },
  {
    venue: BINANCE_WITH_CALLS, profile: customVenue(BINANCE_WITH_CALLS), currency: 'USDT', decimals: 8, leverages: [5, 10, 20, 50],
    traded: BINANCE_TRADED,
  },
  {
    venue: 'hyperliquid', profile: hyperliquid, currency: 'USDC', decimals: 6, leverages: [3, 5, 10, 20],
    traded: [
      { symbol: 'BTC', tickSize: '0.1', lotSizes: ['0.001'], prices: [200_000, 800_000] },
      { symbol: 'SOL', tickSize: '0.001', lotSizes: ['0.1', '1'], prices: [50_000, 300_000] },
    ],
  },
  {
    venue: 'mt5-standard', profile: mt5Standard, currency: 'USD', decimals: 2, leverages: [50, 100, 200, 500],
    traded: [
      { symbol: 'EURUSD', tickSize: '0.00001', lotSizes: ['1000', '100'], prices: [100_000, 150_000] },
      { symbol: 'XAUUSD', tickSize: '0.01', lotSizes: ['1', '0.1'], prices: [150_000, 300_000] },
    ],
  },
  {
    venue: MT5_WITH_FEE, profile: customVenue(MT5_WITH_FEE), currency: 'USD', decimals: 2, leverages: [50, 100, 200, 500],
    traded: [
      { symbol: 'EURUSD', tickSize: '0.00001', lotSizes: ['1000', '100'], prices: [100_000, 150_000] },
      { symbol: 'XAUUSD', tickSize: '0.01', lotSizes: ['1', '0.1'], prices: [150_000, 300_000] },
    ],
  },
];

/** A book instrument: family f's traded instrument t with the lot size chosen for this book. */
interface PlannedInstrument {
  readonly family: number;
  readonly traded: Traded;
  readonly instrument: Instrument;
  readonly lotSize: string;
}

interface PlannedPosition {
  readonly row: BookPositionRow;
  readonly leverage: number;
}

interface Plan {
  readonly instruments: readonly PlannedInstrument[];
  readonly prices: readonly number[];
  readonly accounts: readonly { readonly family: number; readonly balance: number }[];
  readonly positions: readonly PlannedPosition[];
}

function pick<T>(random: SeededRandom, items: readonly T[]): T {
  return items[random.integer(0, items.length - 1)]!;
}

function instrumentOf(family: Family, traded: Traded): Instrument {
  const instrument = family.profile.instruments[traded.symbol];
  assert.ok(instrument, traded.symbol);
  return { ...instrument, tickSize: asPrice(dec(traded.tickSize)) };
}

/** Account units per lot per tick, as a float (for sizing only). */
function unitValue(planned: PlannedInstrument): number {
  const value = bookInstrument(planned.instrument, dec(planned.lotSize), FAMILIES[planned.family]!.decimals).unitValue;
  return Number(value.numerator) / Number(value.denominator);
}

/** A random book; `only` restricts its accounts to one family, and `accounts` sets how many there are. */
function planBook(seed: number, only?: number, accountsWanted?: number, crossOnly = false): Plan {
  const random = seededRandom(seed);
  const instruments: PlannedInstrument[] = [];
  const prices: number[] = [];
  FAMILIES.forEach((family, index) => {
    for (const traded of family.traded) {
      instruments.push({ family: index, traded, instrument: instrumentOf(family, traded), lotSize: pick(random, traded.lotSizes) });
      prices.push(random.integer(traded.prices[0], traded.prices[1]));
    }
  });
  const accounts: { family: number; balance: number }[] = [];
  const positions: PlannedPosition[] = [];
  const accountCount = accountsWanted ?? random.integer(2, 6);
  for (let account = 0; account < accountCount; account += 1) {
    const familyIndex = only ?? random.integer(0, FAMILIES.length - 1);
    const family = FAMILIES[familyIndex]!;
    const choices = instruments.flatMap((each, index) => (each.family === familyIndex ? [index] : []));
    let crossMargin = 0;
    let isolatedMargins = 0;
    const count = random.integer(1, 4);
    for (let each = 0; each < count; each += 1) {
      const instrument = pick(random, choices);
      const planned = instruments[instrument]!;
      const price = prices[instrument]!;
      const leverage = pick(random, family.leverages);
      const perLot = unitValue(planned) * price;
      const lots = Math.max(1, Math.round((random.integer(50, 5_000) * 10 ** family.decimals) / perLot));
      const margin = Math.ceil((lots * perLot) / leverage);
      const long = random.next() < 0.5;
      const direction = long ? 1 : -1;
      const rates = positionRates(family.profile, planned.instrument, asLeverage(dec(String(leverage))));
      const isolated = !crossOnly && family.profile.isolatedMargin && random.next() < 0.4;
      const isolatedMargin = isolated ? Math.ceil(margin * (1 + random.next())) : undefined;
      if (isolatedMargin === undefined) crossMargin += margin;
      else isolatedMargins += isolatedMargin;
      const move = (fraction: number): number => Math.max(1, Math.round(price * fraction));
      const stopLoss = random.next() < 0.35 ? Math.max(1, price - direction * move(0.003 + 0.03 * random.next())) : undefined;
      const takeProfit = random.next() < 0.35 ? Math.max(1, price + direction * move(0.003 + 0.03 * random.next())) : undefined;
      positions.push({
        leverage,
        row: {
          account, instrument, side: long ? 'long' : 'short', lots,
          entry: Math.max(1, Math.round(price * (1 + ((random.next() * 2 - 1) * 0.3) / leverage))),
          liquidationRate: rates.liquidation, marginCallRate: rates.marginCall,
          ...(isolatedMargin === undefined ? {} : { isolatedMargin }),
          ...(stopLoss === undefined || stopLoss === price ? {} : { stopLoss }),
          ...(takeProfit === undefined || takeProfit === price ? {} : { takeProfit }),
        },
      });
    }
    // Thin accounts: between a third and twice the cross initial margin, so calls and stop-outs come.
    accounts.push({ family: familyIndex, balance: Math.ceil(crossMargin * (0.35 + 1.65 * random.next())) + isolatedMargins });
  }
  return { instruments, prices, accounts, positions };
}

function specOf(plan: Plan): BookSpec {
  return bookSpecFromRows({
    venues: FAMILIES.map((family) => bookVenue(family.profile)),
    instruments: plan.instruments.map((each) => bookInstrument(each.instrument, dec(each.lotSize), FAMILIES[each.family]!.decimals)),
    prices: plan.prices,
    accounts: plan.accounts.map((account) => ({ venue: account.family, balance: account.balance })),
    positions: plan.positions.map((each) => each.row),
  });
}

const text = (value: Decimal): string => toDecimalString(normalize(value));
const canonical = (written: string | undefined): string => {
  const parsed = written === undefined ? undefined : parseDecimal(written);
  assert.ok(parsed, `not a decimal: ${written}`);
  return text(parsed);
};

function priceText(plan: Plan, instrument: number, ticks: number): string {
  return text(multiply(dec(plan.instruments[instrument]!.traded.tickSize), decimal(BigInt(ticks))));
}

function quantityText(plan: Plan, instrument: number, lots: number): string {
  return text(multiply(dec(plan.instruments[instrument]!.lotSize), decimal(BigInt(lots))));
}

/** The engine's starting state for account `account`, with its orders set and its starting calls issued. */
function engineFor(plan: Plan, account: number): EngineState {
  const family = FAMILIES[plan.accounts[account]!.family]!;
  const mine = plan.positions.map((each, index) => ({ ...each, index })).filter((each) => each.row.account === account);
  const held = [...new Set(mine.map((each) => each.row.instrument))];
  const amount = (units: number): string => text(decimal(BigInt(units), family.decimals));
  const scenario = parseScenario({
    account: {
      venue: family.venue,
      account: { currency: family.currency, balance: amount(plan.accounts[account]!.balance) },
      instruments: Object.fromEntries(held.map((index) => [plan.instruments[index]!.traded.symbol, { tickSize: plan.instruments[index]!.traded.tickSize }])),
      positions: mine.map(({ row, leverage, index }) => ({
        id: `p${index}`,
        instrument: plan.instruments[row.instrument]!.traded.symbol,
        side: row.side,
        quantity: quantityText(plan, row.instrument, row.lots),
        entryPrice: priceText(plan, row.instrument, row.entry),
        leverage: String(leverage),
        ...(row.isolatedMargin === undefined ? {} : { isolatedMargin: amount(row.isolatedMargin) }),
      })),
      marks: Object.fromEntries(held.map((index) => [plan.instruments[index]!.traded.symbol, priceText(plan, index, plan.prices[index]!)])),
    },
    commands: mine.flatMap(({ row, index }) => [
      ...(row.stopLoss === undefined ? [] : [{ type: 'stop-loss', position: `p${index}`, price: priceText(plan, row.instrument, row.stopLoss) }]),
      ...(row.takeProfit === undefined ? [] : [{ type: 'take-profit', position: `p${index}`, price: priceText(plan, row.instrument, row.takeProfit) }]),
    ]),
  });
  assert.ok(scenario.ok, scenario.ok ? '' : JSON.stringify(scenario.error));
  let state = scenario.value.start;
  // Setting the orders, or one mark at the starting prices, issues the calls the book starts with.
  const setup = scenario.value.commands.length > 0 ? scenario.value.commands : [{
    type: 'mark' as const,
    prices: new Map(held.map((index) => [asInstrumentId(plan.instruments[index]!.traded.symbol), asPrice(dec(priceText(plan, index, plan.prices[index]!)))])),
  }];
  for (const command of setup) {
    const result = step(state, command);
    for (const event of result.events) {
      assert.ok(['stop-loss-set', 'take-profit-set', 'margin-call-issued'].includes(event.type), `setup of account ${account}: ${JSON.stringify(event)}`);
    }
    state = result.state;
  }
  return state;
}

type Shown = Readonly<Record<string, string>>;

function fromEngine(event: EngineEvent): Shown {
  const fields = event.fields;
  switch (event.type) {
    case 'stop-loss-filled':
    case 'take-profit-filled':
      return { type: event.type, position: fields.position!, price: canonical(fields.price), quantity: canonical(fields.quantity), pnl: canonical(fields.pnl) };
    case 'position-liquidated':
      return {
        type: event.type, position: fields.position!, price: canonical(fields.price), quantity: canonical(fields.quantity),
        pnl: canonical(fields.pnl), fee: canonical(fields.fee),
      };
    case 'deficit-absorbed':
      return { type: event.type, amount: canonical(fields.amount) };
    case 'debt-recorded':
      return { type: event.type, amount: canonical(fields.amount), outstanding: canonical(fields.outstanding) };
    case 'margin-call-issued':
      return {
        type: event.type, scope: fields.scope!, equity: canonical(fields.equity), requirement: canonical(fields.marginCallEquity),
        liquidationRequirement: canonical(fields.liquidationEquity),
      };
    case 'margin-call-cleared':
      return fields.reason === 'equity restored'
        ? { type: event.type, scope: fields.scope!, reason: fields.reason, equity: canonical(fields.equity) }
        : { type: event.type, scope: fields.scope!, reason: fields.reason! };
    default:
      return { type: event.type, ...fields };
  }
}

function fromBook(plan: Plan, event: BookEvent): Shown {
  const decimals = FAMILIES[plan.accounts[event.account]!.family]!.decimals;
  const amount = (units: bigint): string => text(decimal(units, decimals));
  const scope = (ref: BookScope): string => (ref.kind === 'cross' ? 'cross' : `p${ref.position}`);
  switch (event.type) {
    case 'stop-loss-filled':
    case 'take-profit-filled':
    case 'position-liquidated': {
      const instrument = plan.positions[event.position]!.row.instrument;
      return {
        type: event.type, position: `p${event.position}`, price: priceText(plan, instrument, event.price),
        quantity: quantityText(plan, instrument, event.quantity), pnl: amount(event.pnl),
        ...(event.type === 'position-liquidated' ? { fee: amount(event.fee) } : {}),
      };
    }
    case 'deficit-absorbed':
      return { type: event.type, amount: amount(event.amount) };
    case 'debt-recorded':
      return { type: event.type, amount: amount(event.amount), outstanding: amount(event.outstanding) };
    case 'margin-call-issued':
      return {
        type: event.type, scope: scope(event.scope), equity: amount(event.equity), requirement: amount(event.requirement),
        liquidationRequirement: amount(event.liquidationRequirement),
      };
    case 'margin-call-cleared':
      return event.reason === 'equity restored'
        ? { type: event.type, scope: scope(event.scope), reason: event.reason, equity: amount(event.equity) }
        : { type: event.type, scope: scope(event.scope), reason: event.reason };
  }
}

/** A random walk over the plan's instruments: steps of up to ~1 %, and gaps of 2-8 % one tick in ten. */
function walk(plan: Plan, seed: number, count: number): [number, number][] {
  const random = seededRandom(seed);
  const prices = [...plan.prices];
  return Array.from({ length: count }, () => {
    const instrument = random.integer(0, prices.length - 1);
    const now = prices[instrument]!;
    const size = random.next() < 0.1 ? 0.02 + 0.06 * random.next() : 0.01 * random.next();
    const moved = Math.max(1, Math.round(now * (1 + (random.next() < 0.5 ? -size : size))));
    prices[instrument] = moved === now ? now + 1 : moved;
    return [instrument, prices[instrument]!];
  });
}

interface Compared {
  readonly counts: Record<string, number>;
  fees: number;
}

/**
 * Runs the plan through both books and the engine over `ticks` ([instrument, price]); fails at the
 * first tick and account where they differ. False when the book refuses the plan (liquidatable at
 * the start).
 */
function compare(plan: Plan, seed: number, ticks: readonly (readonly [number, number])[], into: Compared): boolean {
  let indexed: IndexedBook;
  let naive: NaiveBook;
  const spec = specOf(plan);
  try {
    indexed = createIndexedBook(spec);
    naive = createNaiveBook(spec);
  } catch (error) {
    if (error instanceof RangeError && /liquidatable/.test(error.message)) return false;
    throw error;
  }
  const engines = plan.accounts.map((_, account) => engineFor(plan, account));
  ticks.forEach(([instrument, price], tick) => {
    const fromIndexed: BookEvent[] = [];
    const fromNaive: BookEvent[] = [];
    applyIndexedTick(indexed, instrument, price, fromIndexed);
    applyNaiveTick(naive, instrument, price, fromNaive);
    assert.deepEqual(fromIndexed, fromNaive, `seed ${seed} tick ${tick + 1}: indexed and naive books`);
    const mark = asPrice(dec(priceText(plan, instrument, price)));
    const symbol = asInstrumentId(plan.instruments[instrument]!.traded.symbol);
    plan.accounts.forEach((_, account) => {
      const book = fromIndexed.filter((event) => event.account === account).map((event) => fromBook(plan, event));
      let engine: Shown[] = [];
      // The mark reaches the accounts holding the instrument now (positions are named p<index in the plan>).
      if (engines[account]!.snapshot.positions.some((position) => plan.positions[Number(position.id.slice(1))]!.row.instrument === instrument)) {
        const result = step(engines[account]!, { type: 'mark', prices: new Map([[symbol, mark]]) });
        engines[account] = result.state;
        engine = result.events.map(fromEngine);
      }
      assert.deepEqual(book, engine, `seed ${seed} tick ${tick + 1} (${symbol} at ${price} ticks) account ${account} (${FAMILIES[plan.accounts[account]!.family]!.profile.id})`);
      for (const event of book) {
        const key = event.type === 'margin-call-cleared' ? `${event.type} (${event.reason})` : event.type!;
        into.counts[key] = (into.counts[key] ?? 0) + 1;
        if (event.fee !== undefined && event.fee !== '0') into.fees += 1;
      }
      if (indexed.pending[account] === 1) {
        into.counts['left in breach by a fee, pending'] = (into.counts['left in breach by a fee, pending'] ?? 0) + 1;
      }
      if (book.filter((event) => event.reason === 'positions closed').length > 1) {
        into.counts['calls in one account clearing together'] = (into.counts['calls in one account clearing together'] ?? 0) + 1;
      }
    });
  });
  plan.accounts.forEach((account, index) => {
    const decimals = FAMILIES[account.family]!.decimals;
    assert.equal(text(decimal(BigInt(balanceOf(indexed.state, index)), decimals)), text(engines[index]!.snapshot.balance), `seed ${seed} account ${index}'s final balance`);
  });
  return true;
}

const MT5 = FAMILIES.findIndex((family) => family.profile === mt5Standard);

interface EdgeCase {
  readonly plan: Plan;
  readonly ticks: [number, number][];
  /** Whether the rounded figures (P&L down per position, Rl and Rc up) would act on another tick than the exact ones. */
  readonly roundingDiffers: boolean;
}

/**
 * One MT5 account (fractional cents a tick, so rounding matters) whose balance puts its exact
 * equity within a cent of Rl or of Rc at a price `steps` ticks against it; the walk goes there a
 * tick at a time, four ticks beyond, and back.
 */
function edgeCase(seed: number): EdgeCase {
  const random = seededRandom(seed);
  const base = planBook(seed, MT5, 1, true);
  const state = createBookState(specOf({ ...base, accounts: [{ ...base.accounts[0]!, balance: 0 }] }));
  const instrument = pick(random, [...new Set(base.positions.map((each) => each.row.instrument))]);
  const start = base.prices[instrument]!;
  const value = new Float64Array(VALUE_SIZE);
  const liquidation = random.next() < 0.5;
  const slackAt = (price: number): number => {
    state.prices[instrument] = price;
    valueCrossScope(state, 0, value);
    return value[liquidation ? VALUE_LIQUIDATION : VALUE_MARGIN_CALL]!;
  };
  const direction = slackAt(start - 1) < slackAt(start + 1) ? -1 : 1;
  const steps = random.integer(5, 40);
  // Slacks are in units of 1/M cent, with a balance of zero: the balance moves them by whole cents.
  const balance = Math.ceil(-slackAt(start + direction * steps) / denominatorOf(state, 0)) + random.integer(-1, 1);
  const path = Array.from({ length: steps + 4 }, (_, at) => start + direction * (at + 1));
  const ticks: [number, number][] = [...path, ...path.slice(-5, -1).reverse()].map((price) => [instrument, price]);
  // Where each way of deciding would first act along the path.
  const first = (decide: () => boolean): number => path.findIndex((price) => {
    state.prices[instrument] = price;
    return decide();
  });
  state.account[ACCOUNT_BALANCE] = balance;
  const exact = first(() => {
    valueCrossScope(state, 0, value);
    return scopeStatus(state, 0, value) !== STATUS_HEALTHY;
  });
  const rounded = first(() => {
    const shown = displayFigures(state, 0);
    return shown.equity <= shown.liquidation || shown.equity < shown.marginCall;
  });
  return { plan: { ...base, accounts: [{ ...base.accounts[0]!, balance }] }, ticks, roundingDiffers: exact !== rounded };
}

describe('the book acts as the engine does', () => {
  test('random small books at Binance, Hyperliquid and MT5: the same events per account, tick by tick, and the same balances', (t) => {
    const compared: Compared = { counts: {}, fees: 0 };
    let books = 0;
    for (let seed = 1; books < 400; seed += 1) {
      assert.ok(seed < 2_000, 'too many generated books start liquidatable');
      const plan = planBook(seed);
      if (compare(plan, seed, walk(plan, seed + 10_000, 60), compared)) books += 1;
    }
    // The walks must reach every kind of event, or the comparison proves little.
    const kinds = [
      'margin-call-issued', 'margin-call-cleared (equity restored)', 'margin-call-cleared (positions closed)', 'stop-loss-filled',
      'take-profit-filled', 'position-liquidated', 'deficit-absorbed', 'debt-recorded', 'calls in one account clearing together',
      'left in breach by a fee, pending',
    ];
    for (const kind of kinds) assert.ok((compared.counts[kind] ?? 0) >= 3, `${kind}: ${compared.counts[kind] ?? 0} in ${JSON.stringify(compared.counts)}`);
    assert.ok(compared.fees >= 3, `liquidation fees charged: ${compared.fees}`);
    t.diagnostic(`${books} books; events compared: ${JSON.stringify(compared.counts)}; liquidations with a fee: ${compared.fees}`);
  });

  test('MT5 accounts walked tick by tick through a cent around Rl or Rc: called and stopped out on the engine\'s tick, not where rounding would', (t) => {
    const compared: Compared = { counts: {}, fees: 0 };
    let books = 0;
    let differing = 0;
    for (let seed = 1; books < 300; seed += 1) {
      assert.ok(seed < 2_000, 'too many edge cases start liquidatable');
      const edge = edgeCase(seed);
      if (!compare(edge.plan, seed, edge.ticks, compared)) continue;
      books += 1;
      if (edge.roundingDiffers) differing += 1;
    }
    // The walks must pass where the rounded figures would act on another tick, or they prove little.
    assert.ok(differing >= 30, `rounding would have acted on another tick in ${differing} of ${books} walks`);
    assert.ok((compared.counts['position-liquidated'] ?? 0) >= 20 && (compared.counts['margin-call-issued'] ?? 0) >= 20, JSON.stringify(compared.counts));
    t.diagnostic(`${books} walks, ${differing} where rounding would have acted on another tick; events: ${JSON.stringify(compared.counts)}`);
  });
});
