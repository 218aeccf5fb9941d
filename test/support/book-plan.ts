/**
 * Random small books of what the risk book supports (Binance USDⓈ-M, Hyperliquid, MT5; cross and
 * isolated; stop-losses and take-profits; linear and CFD instruments), written both as the book's
 * columns and as engine scenarios, and random walks over their prices: shared by the book-engine
 * differential test (src/core/book/book-engine-differential.test.ts) and the benchmark that runs the
 * same book through the book's own settlement and through the service's fold (bench/book-versus-step.ts).
 */
import assert from 'node:assert/strict';
import { parseScenario } from '../../src/core/engine/parse-scenario.js';
import { step } from '../../src/core/engine/step.js';
import type { EngineState } from '../../src/core/engine/engine-types.js';
import type { Instrument } from '../../src/core/instrument/instrument.js';
import { dec, decimal, multiply, normalize, parseDecimal, toDecimalString, type Decimal } from '../../src/core/money/decimal.js';
import { asInstrumentId, asLeverage, asPrice } from '../../src/core/money/units.js';
import { binanceUsdm } from '../../src/core/venue/profiles/binance-usdm.js';
import { hyperliquid } from '../../src/core/venue/profiles/hyperliquid.js';
import { mt5Standard } from '../../src/core/venue/profiles/mt5-standard.js';
import type { VenueProfile } from '../../src/core/venue/venue-profile.js';
import { bookSpecFromRows, type BookPositionRow, type BookSpec } from '../../src/core/book/book-spec.js';
import { parseSnapshot } from '../../src/core/snapshot/parse-snapshot.js';
import { seededRandom, type SeededRandom } from '../../src/core/book/seeded-random.js';
import { bookInstrument, bookVenue, positionRates } from '../../src/core/book/venue-terms.js';

export interface Traded {
  readonly symbol: string;
  readonly tickSize: string;
  readonly lotSizes: readonly string[];
  /** Starting price range, in ticks. */
  readonly prices: readonly [number, number];
}

export interface Family {
  /** The venue as the scenario names it: a built-in id, or a custom profile extending one. */
  readonly venue: unknown;
  readonly profile: VenueProfile;
  readonly currency: string;
  readonly decimals: number;
  readonly traded: readonly Traded[];
  readonly leverages: readonly number[];
}

/** A venue profile as a scenario's snapshot would read it. */
export function customVenue(venue: unknown): VenueProfile {
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

export const FAMILIES: readonly Family[] = [
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
export interface PlannedInstrument {
  readonly family: number;
  readonly traded: Traded;
  readonly instrument: Instrument;
  readonly lotSize: string;
}

export interface PlannedPosition {
  readonly row: BookPositionRow;
  readonly leverage: number;
}

export interface Plan {
  readonly instruments: readonly PlannedInstrument[];
  readonly prices: readonly number[];
  readonly accounts: readonly { readonly family: number; readonly balance: number }[];
  readonly positions: readonly PlannedPosition[];
}

export function pick<T>(random: SeededRandom, items: readonly T[]): T {
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

/**
 * A random book; `only` restricts its accounts to one family (`families` to some), and `accounts`
 * sets how many there are.
 */
export function planBook(seed: number, only?: number, accountsWanted?: number, crossOnly = false, families?: readonly number[]): Plan {
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
    const familyIndex = only ?? (families ? pick(random, families) : random.integer(0, FAMILIES.length - 1));
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

export function specOf(plan: Plan): BookSpec {
  return bookSpecFromRows({
    venues: FAMILIES.map((family) => bookVenue(family.profile)),
    instruments: plan.instruments.map((each) => bookInstrument(each.instrument, dec(each.lotSize), FAMILIES[each.family]!.decimals)),
    prices: plan.prices,
    accounts: plan.accounts.map((account) => ({ venue: account.family, balance: account.balance })),
    positions: plan.positions.map((each) => each.row),
  });
}

export const text = (value: Decimal): string => toDecimalString(normalize(value));
export const canonical = (written: string | undefined): string => {
  const parsed = written === undefined ? undefined : parseDecimal(written);
  assert.ok(parsed, `not a decimal: ${written}`);
  return text(parsed);
};

export function priceText(plan: Plan, instrument: number, ticks: number): string {
  return text(multiply(dec(plan.instruments[instrument]!.traded.tickSize), decimal(BigInt(ticks))));
}

export function quantityText(plan: Plan, instrument: number, lots: number): string {
  return text(multiply(dec(plan.instruments[instrument]!.lotSize), decimal(BigInt(lots))));
}

/** Account `account` of the plan as a scenario (spec/engine.md): its snapshot, and its orders as commands. */
export function accountScenarioJson(plan: Plan, account: number): { account: Record<string, unknown>; commands: Record<string, unknown>[] } {
  const family = FAMILIES[plan.accounts[account]!.family]!;
  const mine = plan.positions.map((each, index) => ({ ...each, index })).filter((each) => each.row.account === account);
  const held = [...new Set(mine.map((each) => each.row.instrument))];
  const amount = (units: number): string => text(decimal(BigInt(units), family.decimals));
  return {
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
  };
}

/** The engine's starting state for account `account`, with its orders set and its starting calls issued. */
export function engineFor(plan: Plan, account: number): EngineState {
  const mine = plan.positions.filter((each) => each.row.account === account);
  const held = [...new Set(mine.map((each) => each.row.instrument))];
  const scenario = parseScenario(accountScenarioJson(plan, account));
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

/** A random walk over the plan's instruments: steps of up to ~1 %, and gaps of 2-8 % one tick in ten. */
export function walk(plan: Plan, seed: number, count: number): [number, number][] {
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

