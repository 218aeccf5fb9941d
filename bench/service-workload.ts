// The service benchmark's workload (bench/service.ts), generated from a seed so that every process
// that needs it (the orchestrator, the in-process book) builds the same one.
//
// Accounts: report.md snapshots at six venues (mt5-standard and esma-retail-cfd on EURUSD/GBPUSD,
// binance-usdm on BTCUSDT/ETHUSDT, bybit-linear on BTCUSDT, hyperliquid on BTC/ETH/SOL, dydx-v4 on
// BTC-USD/ETH-USD), each position at one of the venue's usual leverages, cross, or isolated where the
// venue has isolated margin; entries within 0.3 % of the mark and a balance of 1.5 to 6 times the
// cross initial margin (plus the isolated margins), so accounts start healthy at various distances
// from their margin calls and liquidations.
//
// Ticks: four feeds (FX, USDT perpetuals, Hyperliquid, dYdX), one feed per tick in turn, each a
// random walk of its instruments' prices on their tick grids (log steps of `volatility`, 1 bp by
// default). Every `spikeEvery`-th batch holds a spike: in its middle, one tick of each feed moves
// every price by s (the walk is not moved, so the feed's next tick comes back), with s = -1 %,
// +1.5 %, -2 %, ... alternating in sign and growing by half a point up to 10 %: each spike reaches
// accounts the last one in its direction did not.
//
// Numbers are sized with doubles (this is a workload, not a booked amount) and written as exact
// decimal strings on each instrument's grid.

export interface InstrumentSpec {
  readonly symbol: string;
  readonly start: number;
  /** Price decimals (the tick grid). */
  readonly decimals: number;
  readonly quantityDecimals: number;
}

export interface VenueSpec {
  readonly id: string;
  readonly currency: string;
  readonly isolated: boolean;
  readonly instruments: readonly InstrumentSpec[];
  readonly leverages: readonly number[];
  /** Share of the accounts. */
  readonly weight: number;
}

const FX: readonly InstrumentSpec[] = [
  { symbol: 'EURUSD', start: 1.08, decimals: 5, quantityDecimals: 0 },
  { symbol: 'GBPUSD', start: 1.27, decimals: 5, quantityDecimals: 0 },
];
const USDT: readonly InstrumentSpec[] = [
  { symbol: 'BTCUSDT', start: 60_000, decimals: 1, quantityDecimals: 3 },
  { symbol: 'ETHUSDT', start: 3_000, decimals: 2, quantityDecimals: 3 },
];
const HYPERLIQUID: readonly InstrumentSpec[] = [
  { symbol: 'BTC', start: 60_000, decimals: 1, quantityDecimals: 4 },
  { symbol: 'ETH', start: 3_000, decimals: 2, quantityDecimals: 3 },
  { symbol: 'SOL', start: 150, decimals: 3, quantityDecimals: 1 },
];
const DYDX: readonly InstrumentSpec[] = [
  { symbol: 'BTC-USD', start: 60_000, decimals: 1, quantityDecimals: 4 },
  { symbol: 'ETH-USD', start: 3_000, decimals: 2, quantityDecimals: 3 },
];

/** The price feeds: each tick carries one of them. */
export const FEEDS: readonly (readonly InstrumentSpec[])[] = [FX, USDT, HYPERLIQUID, DYDX];

export const VENUES: readonly VenueSpec[] = [
  { id: 'mt5-standard', currency: 'USD', isolated: false, instruments: FX, leverages: [20, 50, 100, 200], weight: 30 },
  { id: 'esma-retail-cfd', currency: 'USD', isolated: false, instruments: FX, leverages: [5, 10, 20, 30], weight: 15 },
  { id: 'binance-usdm', currency: 'USDT', isolated: true, instruments: USDT, leverages: [5, 10, 20, 50, 100], weight: 25 },
  { id: 'bybit-linear', currency: 'USDT', isolated: true, instruments: USDT.slice(0, 1), leverages: [5, 10, 25, 50, 100], weight: 10 },
  { id: 'hyperliquid', currency: 'USDC', isolated: true, instruments: HYPERLIQUID, leverages: [3, 5, 10, 20], weight: 15 },
  { id: 'dydx-v4', currency: 'USDC', isolated: true, instruments: DYDX, leverages: [2, 5, 10, 20], weight: 5 },
];

/**
 * The scale book's venues (10 positions an account): the tiered venues (binance-usdm, bybit-linear)
 * are left out, because creating such an account costs the service 0.1 to 0.4 s (its answer's
 * report solves every position's liquidation price over the tiers), which would make loading 10^5
 * of them take hours; bench/service.ts says so in its table.
 */
export const SCALE_VENUES: readonly VenueSpec[] = [
  { ...(VENUES[0] as VenueSpec), weight: 35 },
  { ...(VENUES[1] as VenueSpec), weight: 15 },
  { ...(VENUES[4] as VenueSpec), weight: 35 },
  { ...(VENUES[5] as VenueSpec), weight: 15 },
];

/** mulberry32: a small seeded generator (uniform in [0, 1)). */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

/** `value` rounded to `decimals` places, as a decimal string (at least one unit of the last place). */
export function fixed(value: number, decimals: number): string {
  const units = Math.max(1, Math.round(value * 10 ** decimals));
  if (decimals === 0) return String(units);
  const text = String(units).padStart(decimals + 1, '0');
  return `${text.slice(0, -decimals)}.${text.slice(-decimals)}`;
}

export interface AccountSpec {
  readonly id: string;
  readonly snapshot: Record<string, unknown>;
  readonly positions: number;
}

/**
 * Account `index` of a workload: its venue by the weights of `venues`, `positions` positions (or 1 to 3
 * when absent) spread over the venue's instruments, a third of them isolated where the venue allows.
 */
export function makeAccount(prefix: string, index: number, seed: number, positions?: number, venues: readonly VenueSpec[] = VENUES): AccountSpec {
  const random = seeded(Math.imul(seed + 1, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b));
  const total = venues.reduce((sum, venue) => sum + venue.weight, 0);
  let draw = random() * total;
  const venue = venues.find((each) => (draw -= each.weight) < 0) ?? (venues[0] as VenueSpec);
  const count = positions ?? 1 + Math.floor(random() * 3);
  let crossMargin = 0;
  let isolatedMargin = 0;
  const list: Record<string, unknown>[] = [];
  for (let at = 0; at < count; at++) {
    const instrument = positions === undefined ? pick(random, venue.instruments) : venue.instruments[at % venue.instruments.length] as InstrumentSpec;
    const leverage = pick(random, venue.leverages);
    const notional = 500 * 40 ** random();
    const entry = instrument.start * (1 + (random() - 0.5) * 0.006);
    const quantity = fixed(notional / instrument.start, instrument.quantityDecimals);
    const initial = (Number(quantity) * entry) / leverage;
    const position: Record<string, unknown> = {
      id: `p${at}`, instrument: instrument.symbol, side: random() < 0.5 ? 'long' : 'short', quantity,
      entryPrice: fixed(entry, instrument.decimals), leverage: String(leverage),
    };
    if (venue.isolated && random() < 1 / 3) {
      const margin = initial * (1.1 + random());
      position.isolatedMargin = fixed(margin, 2);
      isolatedMargin += Number(position.isolatedMargin);
    } else {
      crossMargin += initial;
    }
    list.push(position);
  }
  const balance = crossMargin * (1.5 + 4.5 * random()) + isolatedMargin + 10;
  const marks = Object.fromEntries(venue.instruments.map((instrument) => [instrument.symbol, fixed(instrument.start, instrument.decimals)]));
  return {
    id: `${prefix}${index}`,
    positions: count,
    snapshot: { venue: venue.id, account: { currency: venue.currency, balance: fixed(balance, 2) }, positions: list, marks },
  };
}

export interface TickJson {
  readonly time: string;
  readonly prices: Record<string, string>;
}

export interface TickStreamOptions {
  readonly batches: number;
  readonly batchSize: number;
  /** The first tick's time (ms); each tick is 1 ms after the one before. */
  readonly startMs: number;
  readonly seed: number;
  /** Per-tick log step's standard deviation. */
  readonly volatility: number;
  /** A spike in every this many batches (0: none). */
  readonly spikeEvery: number;
  readonly formatTime: (ms: number) => string;
}

/** The tick stream, as the bodies of POST /v1/prices (`{"ticks": [...]}`), one per batch. */
export function tickBatches(options: TickStreamOptions): TickJson[][] {
  const random = seeded(options.seed * 7919 + 17);
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const logs = FEEDS.map((feed) => feed.map(() => 0));
  const batches: TickJson[][] = [];
  let tick = 0;
  let spikes = 0;
  for (let batch = 0; batch < options.batches; batch++) {
    const spiking = options.spikeEvery > 0 && batch % options.spikeEvery === options.spikeEvery - 1;
    const spikeAt = Math.floor(options.batchSize / 2);
    const size = spiking ? Math.sign((spikes % 2) - 0.5) * Math.min(0.1, 0.01 + 0.005 * spikes) : 0;
    if (spiking) spikes += 1;
    const ticks: TickJson[] = [];
    for (let at = 0; at < options.batchSize; at++, tick++) {
      const feedIndex = tick % FEEDS.length;
      const feed = FEEDS[feedIndex] as readonly InstrumentSpec[];
      const walk = logs[feedIndex] as number[];
      const spike = spiking && at >= spikeAt && at < spikeAt + FEEDS.length ? size : 0;
      const prices: Record<string, string> = {};
      feed.forEach((instrument, index) => {
        walk[index] = (walk[index] as number) + options.volatility * normal();
        prices[instrument.symbol] = fixed(instrument.start * Math.exp(walk[index] as number) * (1 + spike), instrument.decimals);
      });
      ticks.push({ time: options.formatTime(options.startMs + tick), prices });
    }
    batches.push(ticks);
  }
  return batches;
}

/** POST /v1/accounts's body for an account. */
export function accountBody(account: AccountSpec): string {
  return JSON.stringify({ id: account.id, snapshot: account.snapshot });
}
