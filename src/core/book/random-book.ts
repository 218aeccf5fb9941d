/**
 * Seeded random books and tick streams, for the differential tests and the benchmark.
 *
 * Three venue families, their terms taken from the built-in profiles (venue-terms.ts):
 * - Binance USDⓈ-M-like: USDT (8 decimals), BTCUSDT's tick and first bracket (Rl = Rc = 0.4 % of
 *   notional, no margin call of its own), liquidation at or below with a 0.5 % fee, insurance
 *   fund, isolated allowed, a 0.05 % taker fee on stop-loss and take-profit fills, leverage 5-100;
 * - Hyperliquid-like: USDC (6 decimals), BTC / ETH / SOL maintenance 1 / (2 × max leverage),
 *   liquidation below, backstop vault, isolated allowed, a 0.045 % taker fee, leverage 3-20;
 * - MT5-like: USD (2 decimals), EURUSD / XAUUSD / US500, call at 100 % and stop-out at 50 % of the
 *   initial margin (1 / leverage), largest loss first, client debt, cross only, no fee, leverage 50-500.
 * Instrument i belongs to family i mod 3 (a synthetic copy of one of the family's instruments with
 * its own price); an account trades its venue's instruments. Entries sit within a fifth of the
 * initial margin of the starting price, wallets hold 1-3 × the cross initial margin, so no scope
 * starts liquidatable (an MT5 account may start in margin call). Stop-losses sit 30-90 % of the
 * initial margin away, take-profits 0.5-5 %.
 *
 * Ticks: a random instrument per tick, moved by a normal step of `volatility` × price (at least
 * one tick; by default half a basis point, the busy end of trade-to-trade moves: EURUSD moves
 * about 0.1-0.2 bp and BTC 0.2-0.5 bp a trade), or with probability `gapChance` gapped 1-5 % up
 * or down.
 */
import type { Instrument } from '../instrument/instrument.js';
import { dec } from '../money/decimal.js';
import { asLeverage, asPrice } from '../money/units.js';
import { binanceUsdm } from '../venue/profiles/binance-usdm.js';
import { hyperliquid } from '../venue/profiles/hyperliquid.js';
import { mt5Standard } from '../venue/profiles/mt5-standard.js';
import type { VenueProfile } from '../venue/venue-profile.js';
import { positionColumns, rateTable, type BookInstrument, type BookSpec } from './book-spec.js';
import { seededRandom, type SeededRandom } from './seeded-random.js';
import { bookInstrument, bookVenue, positionRates } from './venue-terms.js';

interface Template {
  readonly instrument: Instrument;
  readonly lotSizes: readonly string[];
  /** Range of starting prices, in ticks. */
  readonly price: readonly [number, number];
}

interface Family {
  readonly profile: VenueProfile;
  readonly decimals: number;
  readonly templates: readonly Template[];
  readonly leverages: readonly number[];
}

function withTick(instrument: Instrument | undefined, tickSize: string): Instrument {
  if (!instrument) throw new RangeError('missing template instrument');
  return { ...instrument, tickSize: asPrice(dec(tickSize)) };
}

const FAMILIES: readonly Family[] = [
  {
    profile: binanceUsdm,
    decimals: 8,
    templates: [
      { instrument: withTick(binanceUsdm.instruments.BTCUSDT, '0.1'), lotSizes: ['0.001', '0.0001'], price: [20_000, 1_000_000] },
    ],
    leverages: [5, 10, 20, 50, 100],
  },
  {
    profile: hyperliquid,
    decimals: 6,
    templates: [
      { instrument: withTick(hyperliquid.instruments.BTC, '0.1'), lotSizes: ['0.001'], price: [100_000, 1_000_000] },
      { instrument: withTick(hyperliquid.instruments.ETH, '0.01'), lotSizes: ['0.01'], price: [100_000, 500_000] },
      { instrument: withTick(hyperliquid.instruments.SOL, '0.001'), lotSizes: ['0.1', '1'], price: [50_000, 300_000] },
    ],
    leverages: [3, 5, 10, 20],
  },
  {
    profile: mt5Standard,
    decimals: 2,
    templates: [
      { instrument: withTick(mt5Standard.instruments.EURUSD, '0.00001'), lotSizes: ['1000', '100'], price: [90_000, 150_000] },
      { instrument: withTick(mt5Standard.instruments.XAUUSD, '0.01'), lotSizes: ['1', '0.1'], price: [150_000, 300_000] },
      { instrument: withTick(mt5Standard.instruments.US500, '0.1'), lotSizes: ['1'], price: [30_000, 60_000] },
    ],
    leverages: [50, 100, 200, 500],
  },
];

export interface RandomBookOptions {
  readonly accounts: number;
  readonly positions: number;
  readonly instruments: number;
  readonly seed: number;
  /** Share of positions opened isolated where the venue allows it; default 0.3. */
  readonly isolatedShare?: number;
  /** Chance of a stop-loss, and separately of a take-profit, per position; default 0.3. */
  readonly orderShare?: number;
  /** How many distinct instruments an account trades at most; default 8. */
  readonly instrumentsPerAccount?: number;
}

function pick<T>(random: SeededRandom, items: readonly T[]): T {
  const item = items[random.integer(0, items.length - 1)];
  if (item === undefined) throw new RangeError('pick from an empty list');
  return item;
}

interface InstrumentPlan {
  readonly family: number;
  readonly template: Template;
  readonly book: BookInstrument;
  /** Account units per lot per tick, approximately. */
  readonly unitValue: number;
}

function planInstruments(count: number, random: SeededRandom, prices: Float64Array): InstrumentPlan[] {
  return Array.from({ length: count }, (_, index) => {
    const family = index % FAMILIES.length;
    const { templates, decimals } = FAMILIES[family]!;
    const template = templates[Math.floor(index / FAMILIES.length) % templates.length]!;
    const lotSize = pick(random, template.lotSizes);
    const book = bookInstrument(template.instrument, dec(lotSize), decimals);
    prices[index] = random.integer(template.price[0], template.price[1]);
    return {
      family,
      template,
      book: { ...book, symbol: `${book.symbol}-${index}` },
      unitValue: Number(book.unitValue.numerator) / Number(book.unitValue.denominator),
    };
  });
}

export function randomBook(options: RandomBookOptions): BookSpec {
  const random = seededRandom(options.seed);
  const isolatedShare = options.isolatedShare ?? 0.3;
  const orderShare = options.orderShare ?? 0.3;
  const perAccount = options.instrumentsPerAccount ?? 8;
  const prices = new Float64Array(options.instruments);
  const plans = planInstruments(options.instruments, random, prices);
  const byFamily = FAMILIES.map((_, family) => plans.flatMap((plan, index) => (plan.family === family ? [index] : [])));
  const families = FAMILIES.map((_, family) => family).filter((family) => byFamily[family]!.length > 0);
  const venues = FAMILIES.map((family) => bookVenue(family.profile));
  const table = rateTable();
  const rateCache = new Map<string, readonly [number, number]>();
  const ratesOf = (family: number, template: Template, leverage: number): readonly [number, number] => {
    const key = `${family}/${template.instrument.symbol}/${leverage}`;
    let cached = rateCache.get(key);
    if (!cached) {
      const rates = positionRates(FAMILIES[family]!.profile, template.instrument, asLeverage(dec(String(leverage))));
      cached = [table.indexOf(rates.liquidation), table.indexOf(rates.marginCall)];
      rateCache.set(key, cached);
    }
    return cached;
  };

  const count = options.positions;
  const positions = positionColumns(count);

  const accountVenue = new Int32Array(options.accounts);
  const balance = new Float64Array(options.accounts);
  let next = 0;
  for (let account = 0; account < options.accounts; account += 1) {
    const family = pick(random, families);
    accountVenue[account] = family;
    const { leverages, decimals } = FAMILIES[family]!;
    const traded = Array.from({ length: random.integer(1, perAccount) }, () => pick(random, byFamily[family]!));
    const end = Math.floor(((account + 1) * count) / options.accounts);
    let crossMargin = 0;
    let isolatedMargins = 0;
    for (; next < end; next += 1) {
      const instrument = pick(random, traded);
      const plan = plans[instrument]!;
      const leverage = pick(random, leverages);
      const price = prices[instrument]!;
      const notional = random.integer(100, 20_000) * 10 ** decimals;
      const lots = Math.max(1, Math.round(notional / (plan.unitValue * price)));
      const margin = Math.ceil((lots * plan.unitValue * price) / leverage);
      const direction = random.next() < 0.5 ? 1 : -1;
      const [liquidationRate, marginCallRate] = ratesOf(family, plan.template, leverage);
      positions.account[next] = account;
      positions.instrument[next] = instrument;
      positions.direction[next] = direction;
      positions.lots[next] = lots;
      positions.entry[next] = Math.max(1, Math.round(price * (1 + ((random.next() * 2 - 1) * 0.2) / leverage)));
      positions.liquidationRate[next] = liquidationRate;
      positions.marginCallRate[next] = marginCallRate;
      if (venues[family]!.isolatedMargin && random.next() < isolatedShare) {
        positions.isolated[next] = 1;
        positions.isolatedMargin[next] = margin;
        isolatedMargins += margin;
      } else {
        crossMargin += margin;
      }
      const marginMove = price / leverage;
      if (random.next() < orderShare) {
        positions.stopLoss[next] = Math.max(1, Math.round(price - direction * Math.max(1, marginMove * (0.3 + 0.6 * random.next()))));
      }
      if (random.next() < orderShare) {
        positions.takeProfit[next] = Math.max(1, Math.round(price + direction * Math.max(1, price * (0.005 + 0.045 * random.next()))));
      }
    }
    balance[account] = Math.ceil(crossMargin * (1 + 2 * random.next())) + isolatedMargins;
  }
  return {
    venues,
    instruments: plans.map((plan) => plan.book),
    rates: table.rates,
    prices,
    accounts: { venue: accountVenue, balance },
    positions,
  };
}

export interface TickStream {
  readonly instrument: Int32Array;
  readonly price: Float64Array;
}

export interface TickStreamOptions {
  readonly ticks: number;
  readonly seed: number;
  /** Standard deviation of a step, as a fraction of the price; default 0.00005 (half a basis point). */
  readonly volatility?: number;
  /** Chance that a tick is a gap of 1-5 %; default 0.0001. */
  readonly gapChance?: number;
}

export function randomTicks(startingPrices: Float64Array, options: TickStreamOptions): TickStream {
  const random = seededRandom(options.seed);
  const volatility = options.volatility ?? 0.00005;
  const gapChance = options.gapChance ?? 0.0001;
  const prices = Float64Array.from(startingPrices);
  const instrument = new Int32Array(options.ticks);
  const price = new Float64Array(options.ticks);
  for (let tick = 0; tick < options.ticks; tick += 1) {
    const chosen = random.integer(0, prices.length - 1);
    const now = prices[chosen]!;
    let step: number;
    if (random.next() < gapChance) {
      step = Math.round(now * (0.01 + 0.04 * random.next())) * (random.next() < 0.5 ? -1 : 1);
    } else {
      step = Math.round(now * volatility * random.normal());
      if (step === 0) step = random.next() < 0.5 ? -1 : 1;
    }
    const moved = Math.max(1, now + step);
    prices[chosen] = moved;
    instrument[tick] = chosen;
    price[tick] = moved;
  }
  return { instrument, price };
}
