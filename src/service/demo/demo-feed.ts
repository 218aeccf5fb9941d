/**
 * The demo's price feed: seeded paths from the project's own simulator (../../sim/price-model.ts),
 * one tick of every instrument at a time, each tick at an explicit simulated time.
 *
 * - Paths: GBM with Merton jumps, per asset group (crypto, FX, US equities, gold), correlated within
 *   the group (Cholesky); price_k = entry × exp(x_k), x_0 = 0. Same seed, same prices.
 * - The crash: one scheduled gap at tick CRASH_TICK, the same moment for every group: crypto about
 *   -12 %, FX about -2.5 %, US equities about -10 %, gold about +2.5 % (a flight to safety).
 * - The clock: tick 0 at the start time, then one simulated minute a tick up to the crash, then one
 *   simulated hour a tick, so that Reg T's cure period of two business days (up to four calendar
 *   days over a weekend) runs out about 24 ticks a day later: within the demo's first minute.
 * - Prices: a decimal string at the instrument's tick size (the venue's, else the demo's own below),
 *   rounded half-even from the exact product of the entry price and a 12-digit factor, trailing
 *   zeros dropped. Tick 0 is each entry price itself, so nothing moves when the feed starts.
 *
 * After the crash the paths go on at the same volatility, in chunks of POST_CRASH_CHUNK steps, each
 * chunk a fresh stream of the same seed, for as long as the feed runs.
 */
import {
  decimal, dec, multiply, normalize, rescale, roundToIncrement, toDecimalString, type Decimal,
} from '../../core/index.js';
import { cholesky, GbmModel, type GbmTerms } from '../../sim/price-model.js';
import { PathRandom } from '../../sim/random.js';

/** The seed of every run: the demo looks the same each time. */
export const DEMO_SEED = 29;

/** Ticks before the crash (one simulated minute each); the crash is tick CRASH_TICK. */
export const CRASH_TICK = 96;
export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;

const MINUTES_PER_YEAR = 365 * 24 * 60;
const POST_CRASH_CHUNK = 512;
/** A path's moves become an exact factor with this many decimals. */
const FACTOR_DECIMALS = 12;

/** A group of instruments that move together. */
interface AssetGroup {
  readonly name: string;
  /** The path each column drives; several instruments may share one (BTCUSDT, BTC, BTC-USD...). */
  readonly columns: readonly string[];
  /** Annualised volatility per column. */
  readonly volatility: readonly number[];
  /** Correlation between the columns (row-major), or null for one column. */
  readonly correlation: readonly (readonly number[])[] | null;
  /** Merton jumps: intensity a year, log-size mean and standard deviation. */
  readonly jumps: { readonly intensity: number; readonly mean: number; readonly stdev: number };
  /** The crash: a log move with this mean and standard deviation, at tick CRASH_TICK. */
  readonly crash: { readonly mean: number; readonly stdev: number };
}

export const ASSET_GROUPS: readonly AssetGroup[] = [
  {
    name: 'crypto', columns: ['BTC', 'ETH'], volatility: [0.5, 0.65], correlation: [[1, 0.8], [0.8, 1]],
    jumps: { intensity: 12, mean: -0.005, stdev: 0.02 }, crash: { mean: Math.log(0.88), stdev: 0.015 },
  },
  {
    name: 'fx', columns: ['EURUSD', 'GBPUSD'], volatility: [0.07, 0.08], correlation: [[1, 0.6], [0.6, 1]],
    jumps: { intensity: 4, mean: 0, stdev: 0.003 }, crash: { mean: Math.log(0.975), stdev: 0.002 },
  },
  {
    name: 'equities', columns: ['US500', 'AAPL', 'MSFT', 'TSLA'], volatility: [0.16, 0.25, 0.24, 0.55],
    correlation: [[1, 0.75, 0.75, 0.5], [0.75, 1, 0.6, 0.4], [0.75, 0.6, 1, 0.4], [0.5, 0.4, 0.4, 1]],
    jumps: { intensity: 6, mean: -0.002, stdev: 0.01 }, crash: { mean: Math.log(0.9), stdev: 0.004 },
  },
  {
    name: 'gold', columns: ['XAU'], volatility: [0.14], correlation: null,
    jumps: { intensity: 4, mean: 0, stdev: 0.006 }, crash: { mean: Math.log(1.025), stdev: 0.003 },
  },
];

/** Each instrument the feed quotes: its path, its entry price (tick 0) and its tick size. */
export interface FeedInstrument {
  readonly symbol: string;
  readonly column: string;
  readonly entry: string;
  readonly tickSize: string;
}

/**
 * The instruments the demo's accounts hold, at every venue that lists them. Tick sizes are the
 * venue profiles' (src/core/venue/profiles); where a profile lists none (ETHUSDT, Hyperliquid, dYdX),
 * the demo's accounts declare the one given here (demo-accounts.ts passes it as instruments.tickSize).
 */
export const FEED_INSTRUMENTS: readonly FeedInstrument[] = [
  { symbol: 'BTCUSDT', column: 'BTC', entry: '96000', tickSize: '0.1' },
  { symbol: 'ETHUSDT', column: 'ETH', entry: '3600', tickSize: '0.01' },
  { symbol: 'BTC', column: 'BTC', entry: '96000', tickSize: '1' },
  { symbol: 'ETH', column: 'ETH', entry: '3600', tickSize: '0.1' },
  { symbol: 'BTC-USD', column: 'BTC', entry: '96000', tickSize: '1' },
  { symbol: 'BTCUSD_PERP', column: 'BTC', entry: '96000', tickSize: '0.1' },
  { symbol: 'BTCUSD', column: 'BTC', entry: '96000', tickSize: '0.01' },
  { symbol: 'EURUSD', column: 'EURUSD', entry: '1.25', tickSize: '0.00001' },
  { symbol: 'GBPUSD', column: 'GBPUSD', entry: '1.25', tickSize: '0.00001' },
  { symbol: 'XAUUSD', column: 'XAU', entry: '2650', tickSize: '0.01' },
  { symbol: 'US500', column: 'US500', entry: '5900', tickSize: '0.1' },
  { symbol: 'AAPL', column: 'AAPL', entry: '230', tickSize: '0.01' },
  { symbol: 'MSFT', column: 'MSFT', entry: '420', tickSize: '0.01' },
  { symbol: 'TSLA', column: 'TSLA', entry: '350', tickSize: '0.01' },
];

export const ENTRY_PRICES: Readonly<Record<string, string>> = Object.fromEntries(FEED_INSTRUMENTS.map((each) => [each.symbol, each.entry]));

/** The simulated time of tick `k` (ms): a minute a tick to the crash, then an hour a tick. */
export function tickTimeMs(startMs: number, k: number): number {
  return k <= CRASH_TICK ? startMs + k * MINUTE_MS : startMs + CRASH_TICK * MINUTE_MS + (k - CRASH_TICK) * HOUR_MS;
}

export interface FeedTick {
  readonly index: number;
  readonly timeMs: number;
  readonly prices: Readonly<Record<string, string>>;
}

function termsFor(group: AssetGroup, stepMinutes: number, steps: number, crashAtStep: number | null): GbmTerms {
  const dt = stepMinutes / MINUTES_PER_YEAR;
  const { intensity, mean, stdev } = group.jumps;
  const kappa = Math.exp(mean + (stdev * stdev) / 2) - 1;
  let factor: Float64Array | null = null;
  if (group.correlation) {
    const result = cholesky(group.correlation);
    if (typeof result === 'number') throw new Error(`demo: the ${group.name} correlation matrix is not positive semi-definite`);
    factor = result;
  }
  let gapCounts: Uint8Array | null = null;
  if (crashAtStep !== null) {
    gapCounts = new Uint8Array(steps);
    gapCounts[crashAtStep - 1] = 1;
  }
  return {
    drift: group.volatility.map((sigma) => (-(sigma * sigma) / 2 - intensity * kappa) * dt),
    diffusion: group.volatility.map((sigma) => sigma * Math.sqrt(dt)),
    cholesky: factor,
    jumpRate: intensity * dt, jumpMean: mean, jumpStdev: stdev,
    gapCounts, gapMean: group.crash.mean, gapStdev: group.crash.stdev,
  };
}

/** The exact price entry × e^x at the tick size, as a string without trailing zeros. */
export function priceAt(entry: Decimal, tickSize: Decimal, x: number): string {
  if (x === 0) return toDecimalString(normalize(entry));
  const factor = decimal(BigInt(Math.round(Math.exp(x) * 10 ** FACTOR_DECIMALS)), FACTOR_DECIMALS);
  const rounded = roundToIncrement(multiply(entry, factor), tickSize, 'half-even');
  const atTick = rescale(rounded, Math.max(tickSize.scale, 0), 'half-even');
  // A price is positive: a path can't round to zero at these sizes, but never send one.
  return toDecimalString(normalize(atTick.units > 0n ? atTick : tickSize));
}

/**
 * Tick after tick, forever: tick 0 at the entry prices, the crash at CRASH_TICK. Pure given the
 * seed and the start time; `next()` is cheap (a chunk of paths is drawn every few hundred ticks).
 */
export class DemoFeed {
  private index = 0;
  /** Per group: the log level reached at the end of the last chunk, per column. */
  private readonly levels: number[][];
  /** Per group: the current chunk's moves, observation-major, and where the chunk starts. */
  private readonly chunks: { moves: Float64Array; firstTick: number; steps: number }[];
  private readonly random = new PathRandom();
  private readonly parsed = FEED_INSTRUMENTS.map((each) => ({ ...each, entryDecimal: dec(each.entry), tickDecimal: dec(each.tickSize) }));

  constructor(private readonly startMs: number, private readonly seed = DEMO_SEED) {
    this.levels = ASSET_GROUPS.map((group) => group.columns.map(() => 0));
    this.chunks = ASSET_GROUPS.map(() => ({ moves: new Float64Array(0), firstTick: 1, steps: 0 }));
  }

  /** The next tick (the first call gives tick 0). */
  next(): FeedTick {
    const k = this.index;
    this.index += 1;
    const x = new Map<string, number>();
    ASSET_GROUPS.forEach((group, g) => {
      group.columns.forEach((column, i) => x.set(column, k === 0 ? 0 : this.move(g, k, i)));
    });
    const prices: Record<string, string> = {};
    for (const each of this.parsed) prices[each.symbol] = priceAt(each.entryDecimal, each.tickDecimal, x.get(each.column) ?? 0);
    return { index: k, timeMs: tickTimeMs(this.startMs, k), prices };
  }

  /** Column i of group g at tick k (k >= 1): the level before the chunk plus the chunk's move. */
  private move(g: number, k: number, i: number): number {
    let chunk = this.chunks[g] as { moves: Float64Array; firstTick: number; steps: number };
    if (k >= chunk.firstTick + chunk.steps) chunk = this.drawChunk(g, k);
    const group = ASSET_GROUPS[g] as AssetGroup;
    const n = group.columns.length;
    return ((this.levels[g] as number[])[i] as number) + (chunk.moves[(k - chunk.firstTick) * n + i] as number);
  }

  /** Draws the chunk that starts at tick k: ticks 1..CRASH_TICK (a minute each), then hours. */
  private drawChunk(g: number, k: number): { moves: Float64Array; firstTick: number; steps: number } {
    const group = ASSET_GROUPS[g] as AssetGroup;
    const n = group.columns.length;
    const previous = this.chunks[g] as { moves: Float64Array; firstTick: number; steps: number };
    if (previous.steps > 0) {
      const levels = this.levels[g] as number[];
      for (let i = 0; i < n; i++) levels[i] = (levels[i] as number) + (previous.moves[(previous.steps - 1) * n + i] as number);
    }
    const preCrash = k <= CRASH_TICK;
    const steps = preCrash ? CRASH_TICK : POST_CRASH_CHUNK;
    const chunkIndex = preCrash ? 0 : 1 + Math.floor((k - CRASH_TICK - 1) / POST_CRASH_CHUNK);
    const model = new GbmModel(steps, termsFor(group, preCrash ? 1 : 60, steps, preCrash ? CRASH_TICK : null));
    const moves = new Float64Array(steps * n);
    this.random.reset(this.seed, chunkIndex * ASSET_GROUPS.length + g);
    model.generate(this.random, moves, new Float64Array(2 * n));
    const chunk = { moves, firstTick: preCrash ? 1 : CRASH_TICK + 1 + (chunkIndex - 1) * POST_CRASH_CHUNK, steps };
    this.chunks[g] = chunk;
    return chunk;
  }
}
