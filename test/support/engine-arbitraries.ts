// Generators and checks shared by the engine's property tests (issue 3): a seeded PRNG, one trading
// set-up per built-in venue, random starting accounts and random command sequences written as the
// public scenario JSON (spec/engine.md), and the invariants every step must keep. Sequences are built
// step by step against the engine's own state (so closes, stops and debt actions name real positions
// and sensible prices), and each command goes through the contract's parser before it is applied.
// Every generated decimal comes from integer units and a scale, never from a float's rendering.
import {
  add, compare, conservationGap, dec, decimal, EVENT_TYPES, eventToJson, formatInstant, isNegative, isPositive, isZero,
  marginScopes, negate, parseInstant, parseScenario, step, subtract, sum, toDecimalString,
  type Command, type Decimal, type EngineEvent, type EngineState, type InstrumentId, type StepResult,
} from '../../src/core/index.js';
import { parseCommand, type CommandContext } from '../../src/core/engine/parse-command.js';
import { ProblemList } from '../../src/core/snapshot/input-reader.js';

export type Json = Record<string, unknown>;

// ---------------------------------------------------------------------------------------------
// A small seeded PRNG (SplitMix32): the same seed gives the same sequence on every platform.

export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A uniform 32-bit unsigned integer. */
  next(): number {
    this.state = (this.state + 0x9e3779b9) | 0;
    let z = this.state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  }

  /** A uniform float in [0, 1). */
  float(): number {
    return this.next() / 4_294_967_296;
  }

  /** A uniform integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.float() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.float() < probability;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.float() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }

  /** One of the entries, with probability proportional to its weight. */
  weighted<T>(entries: readonly (readonly [T, number])[]): T {
    const total = entries.reduce((acc, [, weight]) => acc + weight, 0);
    let at = this.float() * total;
    for (const [item, weight] of entries) {
      at -= weight;
      if (at < 0) return item;
    }
    const last = entries[entries.length - 1];
    if (!last) throw new Error('weighted pick from an empty list');
    return last[0];
  }
}

/** A well-mixed 32-bit seed for sequence `index` of a run seeded with `base`. */
export function sequenceSeed(base: number, index: number): number {
  let z = (base ^ Math.imul(index + 1, 0x9e3779b9)) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x7feb352d);
  z = Math.imul(z ^ (z >>> 15), 0x846ca68b);
  return (z ^ (z >>> 16)) >>> 0;
}

// ---------------------------------------------------------------------------------------------
// Venues: one trading set-up each.

export interface InstrumentSpec {
  readonly symbol: string;
  /** Range of starting marks, in units at `priceScale` (a multiple of the tick where there is one). */
  readonly price: readonly [number, number];
  readonly priceScale: number;
  /** The instrument's tick, when it has one: the report rounds its prices to it. */
  readonly tick?: string;
  readonly quantity: readonly [number, number];
  readonly quantityScale: number;
  /** The highest leverage any position of the generated sizes may take (the tier's or the cap). */
  readonly maxLeverage: number;
  /** Quote-currency value of one contract (inverse) or units per quantity (linear, stock, CFD). */
  readonly contractSize: number;
  readonly inverse?: boolean;
}

export type DeficitKind = 'negative-balance-protection' | 'insurance-fund' | 'client-debt';

export interface EngineVenue {
  readonly id: string;
  readonly currency: string;
  readonly decimals: number;
  readonly instruments: readonly InstrumentSpec[];
  /** Instruments the account cannot trade (counted in a currency no listed pair converts, or a coin it does not hold). */
  readonly foreign: readonly string[];
  /** Definitions the snapshot must carry under "instruments" (tiers the venue does not ship, extra contracts). */
  readonly instrumentsJson?: Json;
  readonly isolated: boolean;
  readonly deficit: DeficitKind;
  readonly stocks: boolean;
  readonly cureDays: number;
  /** A typical account's balance, in the account currency. */
  readonly typicalBalance: number;
  /** Chance that a sequence carries times on its commands (1 where times matter: the Reg T cure). */
  readonly timed: number;
  /** Chance that a mark gaps 5-50 % rather than ticking. */
  readonly gaps: number;
}

const BTC_LINEAR = { price: [20_000_0, 100_000_0], priceScale: 1, tick: '0.1', contractSize: 1 } as const;
const COINM_TIERS = [{ floor: '0', rate: '0.004' }, { floor: '5', rate: '0.005' }, { floor: '10', rate: '0.01' }];

export const ENGINE_VENUES: readonly EngineVenue[] = [
  {
    id: 'binance-usdm', currency: 'USDT', decimals: 8, isolated: true, deficit: 'insurance-fund', stocks: false, cureDays: 0,
    typicalBalance: 5_000, timed: 0.3, gaps: 0.15, foreign: [],
    instruments: [
      { symbol: 'BTCUSDT', ...BTC_LINEAR, quantity: [1, 3_000], quantityScale: 3, maxLeverage: 100 },
      { symbol: 'ETHUSDT', price: [1_000_00, 5_000_00], priceScale: 2, quantity: [1, 50_000], quantityScale: 3, maxLeverage: 100, contractSize: 1 },
    ],
  },
  {
    id: 'binance-coinm', currency: 'BTC', decimals: 8, isolated: true, deficit: 'insurance-fund', stocks: false, cureDays: 0,
    typicalBalance: 0.1, timed: 0.3, gaps: 0.15, foreign: ['ETHUSD_PERP'],
    instrumentsJson: {
      BTCUSD_PERP: { maintenanceTiers: COINM_TIERS },
      // A quarterly delivery contract on the same coin, so two positions can have two marks.
      BTCUSD_250627: { kind: 'inverse', assetClass: 'crypto', contractSize: '100', tickSize: '0.1', settlementCurrency: 'BTC', maintenanceTiers: COINM_TIERS },
    },
    instruments: [
      { symbol: 'BTCUSD_PERP', ...BTC_LINEAR, contractSize: 100, inverse: true, quantity: [1, 300], quantityScale: 0, maxLeverage: 125 },
      { symbol: 'BTCUSD_250627', ...BTC_LINEAR, contractSize: 100, inverse: true, quantity: [1, 300], quantityScale: 0, maxLeverage: 125 },
    ],
  },
  {
    id: 'bybit-linear', currency: 'USDT', decimals: 8, isolated: true, deficit: 'insurance-fund', stocks: false, cureDays: 0,
    typicalBalance: 5_000, timed: 0.3, gaps: 0.15, foreign: [],
    instrumentsJson: {
      ETHUSDT: { kind: 'linear', assetClass: 'crypto', tickSize: '0.01', maxLeverage: '50', settlementCurrency: 'USDT', maintenanceTiers: [{ floor: '0', rate: '0.01' }, { floor: '1000000', rate: '0.015' }] },
    },
    instruments: [
      { symbol: 'BTCUSDT', ...BTC_LINEAR, quantity: [1, 3_000], quantityScale: 3, maxLeverage: 100 },
      { symbol: 'ETHUSDT', price: [1_000_00, 5_000_00], priceScale: 2, tick: '0.01', quantity: [1, 50_000], quantityScale: 3, maxLeverage: 50, contractSize: 1 },
    ],
  },
  {
    id: 'hyperliquid', currency: 'USDC', decimals: 6, isolated: true, deficit: 'insurance-fund', stocks: false, cureDays: 0,
    typicalBalance: 5_000, timed: 0.5, gaps: 0.15, foreign: [],
    instruments: [
      { symbol: 'BTC', price: [20_000_0, 100_000_0], priceScale: 1, quantity: [1, 5_000], quantityScale: 3, maxLeverage: 40, contractSize: 1 },
      { symbol: 'ETH', price: [1_000_00, 5_000_00], priceScale: 2, quantity: [1, 60_000], quantityScale: 3, maxLeverage: 25, contractSize: 1 },
      { symbol: 'SOL', price: [10_000, 300_000], priceScale: 3, quantity: [1, 20_000], quantityScale: 1, maxLeverage: 20, contractSize: 1 },
    ],
  },
  {
    id: 'dydx-v4', currency: 'USDC', decimals: 6, isolated: true, deficit: 'insurance-fund', stocks: false, cureDays: 0,
    typicalBalance: 5_000, timed: 0.3, gaps: 0.15, foreign: [],
    instruments: [
      { symbol: 'BTC-USD', price: [20_000_0, 100_000_0], priceScale: 1, quantity: [1, 3_000], quantityScale: 3, maxLeverage: 20, contractSize: 1 },
      { symbol: 'ETH-USD', price: [1_000_00, 5_000_00], priceScale: 2, quantity: [1, 50_000], quantityScale: 3, maxLeverage: 20, contractSize: 1 },
    ],
  },
  {
    id: 'esma-retail-cfd', currency: 'USD', decimals: 2, isolated: false, deficit: 'negative-balance-protection', stocks: false,
    cureDays: 0, typicalBalance: 2_000, timed: 0.3, gaps: 0.15, foreign: ['EURSEK'],
    instrumentsJson: { EURSEK: { kind: 'cfd', assetClass: 'fx-minor', tickSize: '0.0001', settlementCurrency: 'SEK', marginCurrency: 'EUR' } },
    instruments: [
      { symbol: 'EURUSD', price: [90_000, 140_000], priceScale: 5, tick: '0.00001', quantity: [1_000, 300_000], quantityScale: 0, maxLeverage: 30, contractSize: 1 },
      { symbol: 'GBPUSD', price: [110_000, 160_000], priceScale: 5, tick: '0.00001', quantity: [1_000, 300_000], quantityScale: 0, maxLeverage: 30, contractSize: 1 },
      { symbol: 'XAUUSD', price: [1_500_00, 3_000_00], priceScale: 2, tick: '0.01', quantity: [1, 200], quantityScale: 0, maxLeverage: 20, contractSize: 1 },
      { symbol: 'BTCUSD', price: [20_000_00, 100_000_00], priceScale: 2, tick: '0.01', quantity: [1, 300], quantityScale: 2, maxLeverage: 2, contractSize: 1 },
      // Last, so the two-position cases keep EURUSD and GBPUSD. Counted in JPY, converted through itself; in GBP and EUR, through GBPUSD and EURUSD (conversion.ts).
      { symbol: 'USDJPY', price: [130_000, 160_000], priceScale: 3, tick: '0.001', quantity: [1_000, 300_000], quantityScale: 0, maxLeverage: 30, contractSize: 1 },
      { symbol: 'EURGBP', price: [80_000, 90_000], priceScale: 5, tick: '0.00001', quantity: [1_000, 300_000], quantityScale: 0, maxLeverage: 30, contractSize: 1 },
    ],
  },
  {
    id: 'mt5-standard', currency: 'USD', decimals: 2, isolated: false, deficit: 'client-debt', stocks: false, cureDays: 0,
    typicalBalance: 2_000, timed: 0.3, gaps: 0.15, foreign: ['EURSEK'],
    instrumentsJson: { EURSEK: { kind: 'cfd', assetClass: 'fx-minor', tickSize: '0.0001', settlementCurrency: 'SEK', marginCurrency: 'EUR' } },
    instruments: [
      { symbol: 'EURUSD', price: [90_000, 140_000], priceScale: 5, tick: '0.00001', quantity: [1_000, 300_000], quantityScale: 0, maxLeverage: 1000, contractSize: 1 },
      { symbol: 'GBPUSD', price: [110_000, 160_000], priceScale: 5, tick: '0.00001', quantity: [1_000, 300_000], quantityScale: 0, maxLeverage: 1000, contractSize: 1 },
      { symbol: 'US500', price: [3_000_0, 6_000_0], priceScale: 1, tick: '0.1', quantity: [1, 100], quantityScale: 0, maxLeverage: 500, contractSize: 1 },
      { symbol: 'AAPL', price: [100_00, 300_00], priceScale: 2, tick: '0.01', quantity: [1, 500], quantityScale: 0, maxLeverage: 20, contractSize: 1 },
      // Last, so the two-position cases keep EURUSD and GBPUSD. Counted in JPY, converted through itself; in GBP and EUR, through GBPUSD and EURUSD (conversion.ts).
      { symbol: 'USDJPY', price: [130_000, 160_000], priceScale: 3, tick: '0.001', quantity: [1_000, 300_000], quantityScale: 0, maxLeverage: 1000, contractSize: 1 },
      { symbol: 'EURGBP', price: [80_000, 90_000], priceScale: 5, tick: '0.00001', quantity: [1_000, 300_000], quantityScale: 0, maxLeverage: 1000, contractSize: 1 },
    ],
  },
  {
    id: 'us-reg-t', currency: 'USD', decimals: 2, isolated: false, deficit: 'client-debt', stocks: true, cureDays: 2,
    typicalBalance: 20_000, timed: 1, gaps: 0.3, foreign: [],
    instruments: [
      { symbol: 'AAPL', price: [20_00, 400_00], priceScale: 2, tick: '0.01', quantity: [1, 1_000], quantityScale: 0, maxLeverage: 2, contractSize: 1 },
      { symbol: 'TSLA', price: [3_00, 400_00], priceScale: 2, tick: '0.01', quantity: [1, 1_000], quantityScale: 0, maxLeverage: 2, contractSize: 1 },
      { symbol: 'SPY', price: [200_00, 600_00], priceScale: 2, tick: '0.01', quantity: [1, 300], quantityScale: 0, maxLeverage: 2, contractSize: 1 },
    ],
  },
];

/** The pairs whose marks convert an instrument of the generated CFD accounts (all in USD) into USD. */
export const CONVERSION_PAIRS: Readonly<Record<string, readonly string[]>> = { EURGBP: ['GBPUSD', 'EURUSD'] };

export function engineVenue(id: string): EngineVenue {
  const found = ENGINE_VENUES.find((venue) => venue.id === id);
  if (!found) throw new Error(`no engine venue ${id}`);
  return found;
}

// ---------------------------------------------------------------------------------------------
// Numbers: exact text from integer units; floats only to size the random values.

export const text = (units: bigint, scale: number): string => toDecimalString(decimal(units, scale));

/** A float for sizing only (never booked). */
export const approximate = (value: Decimal): number => Number(toDecimalString(value));

/** `value` (>= one unit) written with up to `decimals` decimals. */
export function amountText(rng: Rng, value: number, decimals: number): string {
  const digits = rng.pick([0, Math.min(2, decimals), decimals]);
  const units = BigInt(Math.max(1, Math.floor(Math.abs(value) * 10 ** Math.min(digits, 6))));
  return text(units * 10n ** BigInt(Math.max(0, digits - 6)), digits);
}

/** A decimal's units at `scale` (rounded down when finer). */
export function unitsAt(value: Decimal, scale: number): bigint {
  return scale >= value.scale ? value.units * 10n ** BigInt(scale - value.scale) : value.units / 10n ** BigInt(value.scale - scale);
}

/** Approximate notional of a position in the account currency. */
export function notionalOf(spec: InstrumentSpec, quantity: number, price: number): number {
  return spec.inverse ? (quantity * spec.contractSize) / price : quantity * price * spec.contractSize;
}

/** A price `bp` basis points away from `units` (at least one unit). */
export function moved(units: bigint, bp: number): bigint {
  const next = units + (units * BigInt(Math.round(bp))) / 10_000n;
  return next > 0n ? next : 1n;
}

const spec = (venue: EngineVenue, symbol: string): InstrumentSpec | undefined =>
  venue.instruments.find((each) => each.symbol === symbol);

const START_MS = parseInstant('2024-01-05T14:30:00Z')?.ms ?? 0;

// ---------------------------------------------------------------------------------------------
// Random scenarios.

/** The starting account, the market, and commands chosen one at a time against the engine's state. */
export class ScenarioGenerator {
  readonly account: Json;
  readonly market: Json | undefined;
  readonly commands: Json[] = [];
  private readonly starts = new Map<string, bigint>();
  private timeMs: number | undefined;
  private ids = 0;

  constructor(private readonly rng: Rng, readonly venue: EngineVenue) {
    for (const each of venue.instruments) this.starts.set(each.symbol, BigInt(rng.int(each.price[0], each.price[1])));
    this.timeMs = rng.chance(venue.timed) ? START_MS + rng.int(0, 60 * 24 * 20) * 60_000 : undefined;
    this.account = this.startingAccount();
    this.market = venue.deficit === 'insurance-fund' && rng.chance(0.7) ? this.randomMarket() : undefined;
  }

  /** The scenario so far, as the public JSON. */
  scenario(): Json {
    return { account: this.account, ...(this.market ? { market: this.market } : {}), commands: this.commands };
  }

  private startPrice(each: InstrumentSpec): bigint {
    return this.starts.get(each.symbol) ?? BigInt(each.price[0]);
  }

  private quantityUnits(each: InstrumentSpec): bigint {
    // Sizes spread over orders of magnitude: mostly small, sometimes near the top of the range.
    const [low, high] = each.quantity;
    const top = this.rng.chance(0.25) ? high : Math.max(low, Math.floor(high / this.rng.pick([1, 5, 20, 100])));
    return BigInt(this.rng.int(low, top));
  }

  private leverageFor(each: InstrumentSpec, cap = each.maxLeverage): number {
    return this.rng.chance(0.3) ? this.rng.int(1, Math.min(cap, 5)) : this.rng.int(1, cap);
  }

  private startingAccount(): Json {
    const { rng, venue } = this;
    const positions: Json[] = [];
    let needed = 0;
    let isolatedTotal = decimal(0n);
    let stockCash = 0;
    const count = rng.weighted([[0, 30], [1, 45], [2, 25]] as const);
    for (let index = 0; index < count; index += 1) {
      const each = rng.pick(venue.instruments);
      const side = rng.pick(['long', 'short'] as const);
      const quantity = this.quantityUnits(each);
      const entry = moved(this.startPrice(each), rng.int(-300, 300));
      const quantityValue = Number(quantity) / 10 ** each.quantityScale;
      const notional = notionalOf(each, quantityValue, Number(entry) / 10 ** each.priceScale);
      const position: Json = {
        id: `s${index}`, instrument: each.symbol, side, quantity: text(quantity, each.quantityScale), entryPrice: text(entry, each.priceScale),
      };
      if (venue.stocks) {
        // Cash after buying on margin (a loan) or after a short sale (proceeds held), with equity
        // from under the FINRA maintenance requirement to above the Reg T initial one.
        const equity = notional * (side === 'long' ? 0.2 + rng.float() * 0.6 : 0.25 + rng.float() * 0.6);
        stockCash += side === 'long' ? equity - notional : notional + equity;
      } else {
        const leverage = this.leverageFor(each, Math.min(each.maxLeverage, 50));
        position.leverage = String(leverage);
        const margin = notional / leverage;
        if (venue.isolated && rng.chance(0.3)) {
          const isolated = amountText(rng, margin * (1 + rng.float() * 1.5), venue.decimals);
          position.isolatedMargin = isolated;
          isolatedTotal = add(isolatedTotal, dec(isolated));
        } else {
          needed += margin;
        }
      }
      positions.push(position);
    }
    // The wallet holds the isolated margins, and a cross part that may or may not cover the rest.
    const cross = venue.stocks ? stockCash : count === 0 ? rng.float() * venue.typicalBalance * 2 : needed * (0.6 + rng.float() * 3);
    const crossText = cross < 0 ? `-${amountText(rng, -cross, venue.decimals)}` : amountText(rng, cross, venue.decimals);
    const marks: Record<string, string> = {};
    // Held instruments, and the pairs that convert them into the account currency (EURGBP in a USD
    // account: GBPUSD and EURUSD), always have a mark; the others mostly.
    const marked = new Set(positions.flatMap((position) => [position.instrument as string, ...(CONVERSION_PAIRS[position.instrument as string] ?? [])]));
    for (const each of venue.instruments) {
      if (marked.has(each.symbol) || rng.chance(0.85)) marks[each.symbol] = text(this.startPrice(each), each.priceScale);
    }
    // Now and then the trader's own fee tier: a maker rebate, a higher taker fee, or none at all.
    const fees = rng.chance(0.15) ? rng.pick([{ maker: '-0.0001', taker: '0.0007' }, { maker: '0', taker: '0' }, { maker: '0.0004', taker: '0.001' }]) : undefined;
    return {
      venue: fees ? { extends: venue.id, fees } : venue.id,
      account: { currency: venue.currency, balance: toDecimalString(add(dec(crossText), isolatedTotal)) },
      ...(venue.instrumentsJson ? { instruments: venue.instrumentsJson } : {}),
      positions,
      marks,
    };
  }

  private randomMarket(): Json {
    const { rng, venue } = this;
    const fund = rng.chance(0.15) ? '0' : amountText(rng, rng.float() * venue.typicalBalance * 0.2, venue.decimals);
    const counterparties = Array.from({ length: rng.int(0, 3) }, (_, index) => {
      const each = rng.pick(venue.instruments);
      return {
        id: `c${index}`, instrument: each.symbol, side: rng.pick(['long', 'short']),
        quantity: text(this.quantityUnits(each), each.quantityScale),
        entryPrice: text(moved(this.startPrice(each), rng.int(-2_000, 2_000)), each.priceScale),
        leverage: String(rng.int(1, 20)),
      };
    });
    return { insuranceFund: fund, counterparties };
  }

  private nextTime(): string | undefined {
    if (this.timeMs === undefined) return undefined;
    const { rng } = this;
    const step = rng.weighted([['none', 15], ['seconds', 30], ['hours', 25], ['days', 30]] as const);
    this.timeMs += step === 'none' ? 0
      : step === 'seconds' ? rng.int(1, 59) * 1000
        : step === 'hours' ? rng.int(1, 30) * 3_600_000 : rng.int(1, 4) * 86_400_000;
    return formatInstant(this.timeMs);
  }

  /** The next command, chosen against the engine's current state; it is also appended to `commands`. */
  next(state: EngineState): Json {
    const body = this.body(state);
    const time = this.nextTime();
    const command = time === undefined ? body : { ...body, time };
    this.commands.push(command);
    return command;
  }

  private body(state: EngineState): Json {
    const { rng, venue } = this;
    const positions = state.snapshot.positions;
    const activeDebt = state.debt !== null && ['open', 'demand', 'collections', 'legal'].includes(state.debt.status);
    const type = rng.weighted([
      ['mark', 36], ['open', positions.length >= 4 ? 6 : 16], ['close', positions.length ? 10 : 1], ['deposit', 5], ['withdraw', 7],
      ['stop-loss', positions.length ? 8 : 1], ['take-profit', positions.length ? 5 : 1],
      ['add-margin', positions.some((each) => each.isolatedMargin) ? 6 : 1], ['debt', activeDebt ? 14 : 2],
      ['funding', positions.length ? 4 : 1], ['financing', positions.length ? 3 : 1],
    ] as const);
    switch (type) {
      case 'funding': return this.funding(state);
      case 'financing': return this.financing(state);
      case 'mark': return this.mark(state);
      case 'open': return this.open(state);
      case 'close': return this.close(state);
      case 'deposit': return { type, amount: amountText(rng, rng.float() * venue.typicalBalance, venue.decimals) };
      case 'withdraw': {
        const balance = approximate(state.snapshot.balance);
        const value = rng.chance(0.6) && balance > 0 ? balance * rng.float() : rng.float() * venue.typicalBalance;
        return { type, amount: amountText(rng, value, venue.decimals) };
      }
      case 'stop-loss': return this.stopLoss(state);
      case 'take-profit': return this.takeProfit(state);
      case 'add-margin': {
        const isolated = positions.filter((each) => each.isolatedMargin);
        const target = isolated.length && rng.chance(0.85) ? rng.pick(isolated).id : this.someId(state);
        return { type, position: target, amount: amountText(rng, rng.float() * venue.typicalBalance * 0.3, venue.decimals) };
      }
      case 'debt': {
        const action = rng.weighted([['demand', 15], ['collections', 12], ['legal', 10], ['repay', 40], ['write-off', 8]] as const);
        if (action !== 'repay') return { type, action };
        const owed = state.debt ? approximate(state.debt.outstanding) : venue.typicalBalance * 0.1;
        const value = rng.chance(0.15) ? owed * (1 + rng.float()) + 1 : owed * rng.float();
        const exact = state.debt && rng.chance(0.15) && isPositive(state.debt.outstanding);
        return { type, action, amount: exact && state.debt ? toDecimalString(state.debt.outstanding) : amountText(rng, value, venue.decimals) };
      }
    }
  }

  /** A funding payment on a held instrument (now and then another), at a rate of a few basis points, or now and then a large one. */
  private funding(state: EngineState): Json {
    const { rng, venue } = this;
    const held = venue.instruments.filter((each) => state.snapshot.positions.some((position) => position.instrument.symbol === each.symbol));
    const each = held.length && rng.chance(0.85) ? rng.pick(held) : rng.pick(venue.instruments);
    const magnitude = rng.chance(0.1) ? rng.int(1_000, 50_000) : rng.int(0, 300);
    return { type: 'funding', instrument: each.symbol, rate: text(BigInt((rng.chance(0.7) ? 1 : -1) * magnitude), 6) };
  }

  /** Overnight financing: yearly rates (now and then MT5 swap points) for one to three nights. */
  private financing(state: EngineState): Json {
    const { rng, venue } = this;
    const held = venue.instruments.filter((each) => state.snapshot.positions.some((position) => position.instrument.symbol === each.symbol));
    const each = held.length && rng.chance(0.85) ? rng.pick(held) : rng.pick(venue.instruments);
    const figure = (scale: number, large: number): string => text(BigInt(rng.int(-large, large / 4)), scale);
    const nights = String(rng.pick([1, 1, 1, 3]));
    return rng.chance(0.7) || !each.tick
      ? { type: 'financing', instrument: each.symbol, longRate: figure(4, rng.chance(0.1) ? 50_000 : 800), shortRate: figure(4, 800), days: nights, ...(rng.chance(0.5) ? { dayCount: '360' } : {}) }
      : { type: 'financing', instrument: each.symbol, longPoints: figure(1, 200), shortPoints: figure(1, 200), days: nights };
  }

  /** An open position's id, or now and then one that is not open. */
  private someId(state: EngineState): string {
    const positions = state.snapshot.positions;
    return positions.length && this.rng.chance(0.9) ? this.rng.pick(positions).id : this.rng.pick(['nope', 's9', `o${this.ids + 1}`]);
  }

  private currentUnits(state: EngineState, each: InstrumentSpec): bigint {
    const mark = state.snapshot.marks.get(each.symbol as InstrumentId);
    return mark ? unitsAt(mark, each.priceScale) : this.startPrice(each);
  }

  private mark(state: EngineState): Json {
    const { rng, venue } = this;
    const held = venue.instruments.filter((each) => state.snapshot.positions.some((position) => position.instrument.symbol === each.symbol));
    const first = held.length && rng.chance(0.75) ? rng.pick(held) : rng.pick(venue.instruments);
    const chosen = rng.chance(0.2) ? venue.instruments : [first];
    const prices: Record<string, string> = {};
    for (const each of chosen) {
      const current = this.currentUnits(state, each);
      const bp = rng.chance(venue.gaps) ? (rng.chance(0.5) ? 1 : -1) * rng.int(500, 5_000)
        : rng.chance(0.05) ? 0 : rng.int(-80, 80);
      prices[each.symbol] = text(moved(current, bp), each.priceScale);
    }
    return { type: 'mark', prices };
  }

  private open(state: EngineState): Json {
    const { rng, venue } = this;
    const foreign = venue.foreign.length > 0 && rng.chance(0.05);
    const each = rng.pick(venue.instruments);
    const instrument = foreign ? rng.pick(venue.foreign) : each.symbol;
    const existing = state.snapshot.positions;
    const id = existing.length && rng.chance(0.05) ? rng.pick(existing).id : `o${(this.ids += 1)}`;
    const quantity = this.quantityUnits(each);
    const position: Json = { id, instrument, side: rng.pick(['long', 'short']), quantity: text(quantity, each.quantityScale) };
    const choice = rng.weighted([['within', 60], ['fraction', 10], ['above', 15], ['none', 15]] as const);
    const leverage = choice === 'within' ? this.leverageFor(each)
      : choice === 'fraction' ? rng.int(10, each.maxLeverage * 10) / 10
        : choice === 'above' ? each.maxLeverage + rng.int(1, each.maxLeverage) : undefined;
    if (leverage !== undefined) position.leverage = String(leverage);
    if (venue.isolated ? rng.chance(0.35) : rng.chance(0.03)) {
      const price = Number(this.currentUnits(state, each)) / 10 ** each.priceScale;
      const margin = notionalOf(each, Number(quantity) / 10 ** each.quantityScale, price) / (leverage ?? each.maxLeverage);
      position.isolatedMargin = amountText(rng, margin * (0.3 + rng.float() * 2.2), venue.decimals);
    }
    return { type: 'open', position, ...this.execution() };
  }

  /** How an open or a close trades: mostly as the venue's taker, now and then a maker or a rate of its own. */
  private execution(): Json {
    const { rng } = this;
    const how = rng.weighted([['taker', 70], ['maker', 15], ['rate', 10], ['rebate', 5]] as const);
    return how === 'taker' ? {} : how === 'maker' ? { liquidity: 'maker' }
      : how === 'rate' ? { feeRate: text(BigInt(rng.int(0, 2_000)), 6) } : { liquidity: 'maker', feeRate: text(BigInt(-rng.int(1, 300)), 6) };
  }

  private close(state: EngineState): Json {
    const { rng } = this;
    const positions = state.snapshot.positions;
    const target = positions.length && rng.chance(0.92) ? rng.pick(positions) : undefined;
    if (!target) return { type: 'close', position: this.someId(state) };
    const { units, scale } = target.quantity;
    const how = rng.weighted([['whole', 45], ['partial', 35], ['exact', 8], ['above', 7], ['finer', 5]] as const);
    switch (how) {
      case 'whole': return { type: 'close', position: target.id, ...this.execution() };
      case 'exact': return { type: 'close', position: target.id, quantity: toDecimalString(target.quantity), ...this.execution() };
      case 'above': return { type: 'close', position: target.id, quantity: text(units + BigInt(rng.int(1, 1000)), scale) };
      case 'finer': return { type: 'close', position: target.id, quantity: text(BigInt(rng.int(1, 19)), scale + 1) };
      case 'partial': {
        if (units <= 1n) return { type: 'close', position: target.id };
        const part = 1n + (units - 1n) * BigInt(rng.int(0, 1_000)) / 1_000n;
        return { type: 'close', position: target.id, quantity: text(part >= units ? units - 1n : part, scale), ...this.execution() };
      }
    }
  }

  /** A price `bp` basis points from the position's mark, on the side where the position `gains` (or loses). */
  private priceAway(state: EngineState, id: string, towardProfit: boolean): string | undefined {
    const position = state.snapshot.positions.find((each) => each.id === id);
    const each = position && spec(this.venue, position.instrument.symbol);
    if (!position || !each) return undefined;
    // Linear or inverse, a long gains as the price rises and a short as it falls.
    const up = towardProfit === (position.side === 'long');
    const wrongSide = this.rng.chance(0.1);
    const bp = this.rng.int(20, 4_000) * ((up !== wrongSide) ? 1 : -1);
    return text(moved(this.currentUnits(state, each), bp), each.priceScale);
  }

  private stopLoss(state: EngineState): Json {
    const { rng, venue } = this;
    const id = this.someId(state);
    const kind = rng.weighted([['price', 50], ['loss', 25], ['lossPercent', 25]] as const);
    if (kind === 'price') return { type: 'stop-loss', position: id, price: this.priceAway(state, id, false) ?? '1' };
    if (kind === 'lossPercent') return { type: 'stop-loss', position: id, lossPercent: text(BigInt(rng.int(1, 100)), 2) };
    const position = state.snapshot.positions.find((each) => each.id === id);
    const each = position && spec(venue, position.instrument.symbol);
    const notional = position && each
      ? notionalOf(each, approximate(position.quantity), Number(this.currentUnits(state, each)) / 10 ** each.priceScale)
      : venue.typicalBalance;
    return { type: 'stop-loss', position: id, loss: amountText(rng, notional * rng.float() * (rng.chance(0.1) ? 3 : 0.6), venue.decimals) };
  }

  private takeProfit(state: EngineState): Json {
    const id = this.someId(state);
    return { type: 'take-profit', position: id, price: this.priceAway(state, id, true) ?? '1' };
  }
}

// ---------------------------------------------------------------------------------------------
// Invariants.

/** The invariants, each checked after every step and reported on its own. */
export const INVARIANTS = {
  conservation: 'money is conserved to the last unit: balance + cost of stocks held = deposits - withdrawals + realizedPnl - fees + venueLoss',
  rejection: 'a rejected command is one event and leaves the state object itself unchanged; an accepted one advances the sequence',
  events: 'every event has a known type and string fields',
  'venue-loss': 'venueLoss = absorbedByVenue + absorbedByInsuranceFund + absorbedByDeleveraging',
  'non-negative': 'totals (but fees, which maker rebates may take below zero), debt outstanding and the insurance fund are never negative',
  'debt-ledger': 'debt recorded - repaid - written off = outstanding; flat at a client-debt venue, the active debt = -balance',
  'protected-balance': 'at negative-balance-protection and insurance-fund venues the balance is never negative once the account is flat',
  bookkeeping: 'positions hold positive quantities; no order or margin call is left on a closed position or scope',
  decimals: 'the balance, the totals, the debt and the isolated margins carry at most the account currency\'s decimals (a saved state parses back)',
  crash: 'the engine never throws',
  contract: 'generated JSON parses, and the scenario replayed whole gives the events it gave step by step',
} as const;

export type Invariant = keyof typeof INVARIANTS;

export interface Violation {
  readonly invariant: Invariant;
  readonly message: string;
}

const ACTIVE_DEBT = new Set(['open', 'demand', 'collections', 'legal']);
const ZERO = decimal(0n);

/** What a step broke: the invariants of issue 3, checked after every step. */
export function checkStep(before: EngineState, result: StepResult): Violation[] {
  const { state, events } = result;
  const violations: Violation[] = [];
  const rejected = events.some((event) => event.type === 'rejected');
  if (rejected) {
    if (events.length !== 1) {
      violations.push({ invariant: 'rejection', message: `a rejected command emitted ${events.length} events: ${events.map((event) => event.type).join(', ')}` });
    }
    if (state !== before) violations.push({ invariant: 'rejection', message: 'a rejected command changed the state' });
  } else if (state.sequence !== before.sequence + 1) {
    violations.push({ invariant: 'rejection', message: `an accepted command moved the sequence from ${before.sequence} to ${state.sequence}` });
  }
  for (const event of events) {
    if (!(EVENT_TYPES as readonly string[]).includes(event.type)) violations.push({ invariant: 'events', message: `unknown event type ${event.type}` });
    for (const [key, value] of Object.entries(event.fields)) {
      if (typeof value !== 'string') violations.push({ invariant: 'events', message: `${event.type}.${key} is not a string` });
    }
  }
  return [...violations, ...checkState(state)];
}

/** The invariants of one state. */
export function checkState(state: EngineState): Violation[] {
  const { totals, snapshot } = state;
  const violations: Violation[] = [];
  const broken = (invariant: Invariant, message: string): void => {
    violations.push({ invariant, message });
  };
  const gap = conservationGap(state);
  if (!isZero(gap)) broken('conservation', `conservation gap ${toDecimalString(gap)}`);
  const absorbed = sum([totals.absorbedByVenue, totals.absorbedByInsuranceFund, totals.absorbedByDeleveraging]);
  if (compare(totals.venueLoss, absorbed) !== 0) {
    broken('venue-loss', `venueLoss ${toDecimalString(totals.venueLoss)} != absorbed by venue + insurance fund + deleveraging ${toDecimalString(absorbed)}`);
  }
  // Fees are not among them: a maker rebate pays the account.
  for (const key of ['deposits', 'withdrawals', 'venueLoss', 'absorbedByVenue', 'absorbedByInsuranceFund', 'absorbedByDeleveraging', 'debtRecorded', 'debtRepaid', 'debtWrittenOff'] as const) {
    if (isNegative(totals[key])) broken('non-negative', `totals.${key} is negative: ${toDecimalString(totals[key])}`);
  }
  const outstanding = state.debt ? state.debt.outstanding : ZERO;
  if (isNegative(outstanding)) broken('non-negative', `debt outstanding is negative: ${toDecimalString(outstanding)}`);
  const fund = state.market.insuranceFund;
  if (fund !== null && isNegative(fund)) broken('non-negative', `the insurance fund is negative: ${toDecimalString(fund)}`);
  const ledger = subtract(subtract(totals.debtRecorded, totals.debtRepaid), totals.debtWrittenOff);
  if (compare(ledger, outstanding) !== 0) {
    broken('debt-ledger', `debt recorded - repaid - written off = ${toDecimalString(ledger)} but ${toDecimalString(outstanding)} is outstanding`);
  }
  const flat = snapshot.positions.length === 0;
  const policy = snapshot.venue.deficit.kind;
  if (flat && policy !== 'client-debt' && isNegative(snapshot.balance)) {
    broken('protected-balance', `flat with a negative balance ${toDecimalString(snapshot.balance)} at a ${policy} venue`);
  }
  if (flat && policy === 'client-debt' && isNegative(snapshot.balance)) {
    const active = state.debt && ACTIVE_DEBT.has(state.debt.status) ? state.debt.outstanding : ZERO;
    if (compare(active, negate(snapshot.balance)) !== 0) {
      broken('debt-ledger', `flat with balance ${toDecimalString(snapshot.balance)} but the active debt is ${toDecimalString(active)}`);
    }
  }
  for (const position of snapshot.positions) {
    if (!isPositive(position.quantity)) broken('bookkeeping', `position ${position.id} holds ${toDecimalString(position.quantity)}`);
    if (position.isolatedMargin && isNegative(position.isolatedMargin)) broken('bookkeeping', `position ${position.id} has negative isolated margin`);
  }
  const decimals = snapshot.currencyDecimals;
  const fine = (value: Decimal): boolean => value.scale <= decimals || value.units % 10n ** BigInt(value.scale - decimals) === 0n;
  const amounts: [string, Decimal][] = [
    ['balance', snapshot.balance], ...Object.entries(totals).map(([key, value]): [string, Decimal] => [`totals.${key}`, value]),
    ...(state.debt ? [['debt', state.debt.outstanding] as [string, Decimal]] : []),
    ...snapshot.positions.flatMap((position): [string, Decimal][] => (position.isolatedMargin ? [[`${position.id}.isolatedMargin`, position.isolatedMargin]] : [])),
  ];
  for (const [name, value] of amounts) {
    if (!fine(value)) broken('decimals', `${name} ${toDecimalString(value)} has more than the ${decimals} decimals ${snapshot.currency} books`);
  }
  const ids = new Set<string>(snapshot.positions.map((position) => position.id));
  for (const id of state.orders.keys()) if (!ids.has(id)) broken('bookkeeping', `an order is left on closed position ${id}`);
  const scopes = new Set(marginScopes(snapshot).filter((scope) => scope.positions.length > 0).map((scope) => scope.id));
  for (const scope of state.marginCalls.keys()) if (!scopes.has(scope)) broken('bookkeeping', `a margin call is left on closed scope ${scope}`);
  return violations;
}

// ---------------------------------------------------------------------------------------------
// Open engine bugs: the engine's tests that fail because of them are marked todo, with the reason.
// Delete an entry once the engine is fixed; its tests then run strictly again.

/** A check of the engine's tests beyond the step invariants: to the exact tick, and saved states parsing back. */
export type EngineCheck = Invariant | 'exact-tick' | 'save-state' | 'state-hash';

// None open. (Fixed: decisions on rounded rather than exact figures; isolated losses leaking into the
// wallet on a partial close; sub-cent cash from fractional shares; margin kept at the scale it was written.)
export const OPEN_ENGINE_BUGS: Readonly<Record<string, Partial<Record<EngineCheck, string>>>> = {};

/** The todo option for a venue's check, when an open engine bug breaks it. */
export function openBug(venue: string, check: EngineCheck): { todo?: string } {
  const reason = OPEN_ENGINE_BUGS[venue]?.[check];
  return reason ? { todo: reason } : {};
}

// ---------------------------------------------------------------------------------------------
// Running sequences.

export interface Failure {
  readonly venue: string;
  readonly seed: number;
  readonly index: number;
  readonly invariant: Invariant;
  readonly message: string;
  /** The shrunk scenario: the starting account and the fewest commands that still break the invariant. */
  readonly scenario: Json;
}

export interface ScenarioRun {
  readonly violations: readonly (Violation & { readonly at: number })[];
  readonly events: readonly EngineEvent[];
  readonly state?: EngineState;
}

const describeError = (error: unknown): string => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

const problemText = (problems: readonly { path: string; message: string }[]): string =>
  problems.map((problem) => `${problem.path}: ${problem.message}`).join('; ');

/** A whole scenario's JSON through parseScenario and the engine, checking every step; stops at a throw. */
export function runScenarioJson(json: Json): ScenarioRun {
  const parsed = parseScenario(json);
  if (!parsed.ok) return { violations: [{ invariant: 'contract', message: `the scenario does not parse: ${problemText(parsed.error)}`, at: -1 }], events: [] };
  let state = parsed.value.start;
  const violations = checkState(state).map((violation) => ({ ...violation, at: -1 }));
  const events: EngineEvent[] = [];
  for (const [at, command] of parsed.value.commands.entries()) {
    let result: StepResult;
    try {
      result = step(state, command);
    } catch (error) {
      violations.push({ invariant: 'crash', message: `step threw ${describeError(error)}`, at });
      return { violations, events };
    }
    events.push(...result.events);
    violations.push(...checkStep(state, result).map((violation) => ({ ...violation, at })));
    state = result.state;
  }
  return { violations, events, state };
}

/** Drops commands (and the market) while the scenario still breaks the same invariant. */
export function shrinkScenario(json: Json, invariant: Invariant): Json {
  const firstAt = (candidate: Json): number | undefined =>
    runScenarioJson(candidate).violations.find((violation) => violation.invariant === invariant)?.at;
  const commands = (value: Json): Json[] => (value.commands as Json[] | undefined) ?? [];
  let current = json;
  const at = firstAt(current);
  if (at !== undefined && at >= 0) current = { ...current, commands: commands(current).slice(0, at + 1) };
  for (let changed = true; changed;) {
    changed = false;
    for (let index = commands(current).length - 1; index >= 0; index -= 1) {
      const candidate = { ...current, commands: commands(current).filter((_, position) => position !== index) };
      if (firstAt(candidate) !== undefined) {
        current = candidate;
        changed = true;
      }
    }
  }
  if (current.market !== undefined) {
    const withoutMarket: Json = { ...current };
    delete withoutMarket.market;
    if (firstAt(withoutMarket) !== undefined) current = withoutMarket;
  }
  return current;
}

export interface ChunkResult {
  readonly venue: string;
  readonly sequences: number;
  readonly steps: number;
  readonly counts: Readonly<Record<string, number>>;
  /** How many sequences broke each invariant. */
  readonly broken: Readonly<Partial<Record<Invariant, number>>>;
  /** The first failing sequence of each invariant, shrunk. */
  readonly failures: readonly Failure[];
  readonly milliseconds: number;
}

export interface ChunkOptions {
  readonly venue: string;
  readonly seed: number;
  readonly from: number;
  readonly to: number;
  /** Every n-th sequence is also replayed whole from its JSON through parseScenario and compared. */
  readonly crossCheckEvery?: number;
}

/**
 * Sequences from..to-1 at one venue: 3 to 8 random commands each, every step checked. Each command is
 * parsed by the contract's parser (as commands[i] of the scenario) before the engine applies it.
 */
export function runSequences(options: ChunkOptions): ChunkResult {
  const started = performance.now();
  const venue = engineVenue(options.venue);
  const counts: Record<string, number> = {};
  const broken: Partial<Record<Invariant, number>> = {};
  const failures: Failure[] = [];
  let steps = 0;
  const fail = (index: number, scenario: Json, violations: readonly Violation[]): void => {
    for (const invariant of new Set(violations.map((violation) => violation.invariant))) {
      broken[invariant] = (broken[invariant] ?? 0) + 1;
      if (failures.some((failure) => failure.invariant === invariant)) continue;
      const message = violations.find((violation) => violation.invariant === invariant)?.message ?? '';
      const shrunk = invariant === 'contract' ? scenario : shrinkScenario(scenario, invariant);
      failures.push({ venue: venue.id, seed: options.seed, index, invariant, message, scenario: shrunk });
    }
  };
  for (let index = options.from; index < options.to; index += 1) {
    const rng = new Rng(sequenceSeed(options.seed, index));
    const generator = new ScenarioGenerator(rng, venue);
    const parsed = parseScenario({ ...generator.scenario(), commands: [] });
    if (!parsed.ok) {
      fail(index, generator.scenario(), [{ invariant: 'contract', message: `the generated account does not parse: ${problemText(parsed.error)}` }]);
      continue;
    }
    let state = parsed.value.start;
    const context: CommandContext = { instruments: state.instruments, currencyDecimals: state.snapshot.currencyDecimals };
    const events: EngineEvent[] = [];
    const violations = checkState(state);
    const length = rng.int(3, 8);
    for (let at = 0; at < length; at += 1) {
      const json = generator.next(state);
      const problems = new ProblemList();
      const command: Command | undefined = parseCommand(json, `commands[${at}]`, context, problems);
      if (!command || !problems.empty) {
        violations.push({ invariant: 'contract', message: `a generated command does not parse: ${problemText(problems.items)}` });
        break;
      }
      let result: StepResult;
      try {
        result = step(state, command);
      } catch (error) {
        violations.push({ invariant: 'crash', message: `step threw ${describeError(error)}` });
        break;
      }
      steps += 1;
      for (const event of result.events) {
        counts[event.type] = (counts[event.type] ?? 0) + 1;
        if (event.type === 'rejected') {
          const code = `rejected ${event.fields.code ?? '?'}`;
          counts[code] = (counts[code] ?? 0) + 1;
        }
      }
      events.push(...result.events);
      violations.push(...checkStep(state, result));
      state = result.state;
    }
    if (options.crossCheckEvery && index % options.crossCheckEvery === 0 && !violations.some((violation) => violation.invariant === 'crash')) {
      const whole = runScenarioJson(generator.scenario());
      if (JSON.stringify(whole.events.map(eventToJson)) !== JSON.stringify(events.map(eventToJson))) {
        violations.push({ invariant: 'contract', message: 'the scenario replayed whole from its JSON gives other events than step by step' });
      }
    }
    if (violations.length) fail(index, generator.scenario(), violations);
  }
  return { venue: venue.id, sequences: options.to - options.from, steps, counts, broken, failures, milliseconds: performance.now() - started };
}

/** A failure as a test prints it: venue, seed, sequence, what broke, and the shrunk scenario. */
export function formatFailure(failure: Failure): string {
  return `${failure.venue}: sequence ${failure.index} of seed ${failure.seed}: ${failure.message}\n`
    + `minimal scenario (stopout replay takes it as is):\n${JSON.stringify(failure.scenario)}`;
}

/** Sums of event counts across chunks. */
export function mergeCounts(results: readonly ChunkResult[]): Record<string, number> {
  const merged: Record<string, number> = {};
  for (const result of results) for (const [key, value] of Object.entries(result.counts)) merged[key] = (merged[key] ?? 0) + value;
  return merged;
}

// ---------------------------------------------------------------------------------------------
// Stepping one scenario by hand.

/** One command's JSON through the contract's parser, against the instruments of `state`; throws on a problem. */
export function parseCommandJson(state: EngineState, json: Json, path = 'command'): Command {
  const problems = new ProblemList();
  const context: CommandContext = { instruments: state.instruments, currencyDecimals: state.snapshot.currencyDecimals };
  const command = parseCommand(json, path, context, problems);
  if (!command || !problems.empty) throw new Error(`${JSON.stringify(json)} does not parse: ${problemText(problems.items)}`);
  return command;
}

/**
 * A scenario stepped one command at a time, every step checked against every invariant; it keeps
 * the JSON of what it ran, so a failing test can print a scenario `stopout replay` takes.
 */
export class SteppedScenario {
  state: EngineState;
  readonly commands: Json[] = [];
  readonly source: { readonly venue: unknown; readonly instruments: unknown };

  constructor(readonly account: Json, readonly market?: Json) {
    const parsed = parseScenario({ account, ...(market ? { market } : {}), commands: [] });
    if (!parsed.ok) throw new Error(`the account does not parse: ${problemText(parsed.error)}\n${JSON.stringify(account)}`);
    this.state = parsed.value.start;
    this.source = parsed.value.source;
    const violations = checkState(this.state);
    if (violations.length) throw new Error(`at the start: ${violations.map((each) => each.message).join('; ')}`);
  }

  /** Applies one command; throws with the scenario so far when an invariant breaks. */
  apply(json: Json): readonly EngineEvent[] {
    this.commands.push(json);
    const before = this.state;
    const result = step(before, parseCommandJson(before, json, `commands[${this.commands.length - 1}]`));
    const violations = checkStep(before, result);
    if (violations.length) throw new Error(`${violations.map((each) => each.message).join('; ')}\n${this.repro()}`);
    this.state = result.state;
    return result.events;
  }

  /** The scenario so far as JSON. */
  scenario(): Json {
    return { account: this.account, ...(this.market ? { market: this.market } : {}), commands: this.commands };
  }

  repro(): string {
    return `scenario: ${JSON.stringify(this.scenario())}`;
  }
}

/** A random scenario of `length` commands at the venue, each chosen against the state the ones before it left. */
export function generateScenario(rng: Rng, venue: EngineVenue, length: number): Json {
  const generator = new ScenarioGenerator(rng, venue);
  const parsed = parseScenario(generator.scenario());
  if (!parsed.ok) throw new Error(`the generated account does not parse: ${problemText(parsed.error)}`);
  let state = parsed.value.start;
  for (let at = 0; at < length; at += 1) state = step(state, parseCommandJson(state, generator.next(state), `commands[${at}]`)).state;
  return generator.scenario();
}

/**
 * A price file (`time,open,high,low,close`) of `count` hourly bars for one of the venue's instruments,
 * starting an hour after `afterMs`, walking from `startUnits` with wicks and now and then a gap.
 */
export function priceFile(rng: Rng, spec: InstrumentSpec, startUnits: bigint, afterMs: number, count: number): string {
  const lines = ['time,open,high,low,close'];
  let close = startUnits;
  for (let index = 1; index <= count; index += 1) {
    const open = moved(close, rng.chance(0.1) ? (rng.chance(0.5) ? 1 : -1) * rng.int(300, 3_000) : rng.int(-30, 30));
    close = moved(open, rng.int(-150, 150));
    const high = moved(open > close ? open : close, rng.int(0, 200));
    const low = moved(open < close ? open : close, -rng.int(0, 200));
    const cells = [open, high, low, close].map((units) => text(units, spec.priceScale));
    lines.push([formatInstant(afterMs + index * 3_600_000), ...cells].join(','));
  }
  return `${lines.join('\n')}\n`;
}
