// `npm run bench` (second part): the multi-account risk book on one price stream, the indexed book
// against the naive full rescan, measured in the same run.
//
// Workload (src/core/book/random-book.ts): N positions (default 10^6) over N / 10 accounts at three
// venue families (Binance USDⓈ-M-like, Hyperliquid-like, MT5-like; cross and isolated mixed, stop-
// losses and take-profits), min(1000, max(30, N / 1000)) instruments, and a tick stream of random
// walks (one instrument per tick, a normal step of half a basis point by default) with 1-5 % gaps
// on one tick in 10 000.
//
// Both books decide on exact figures and emit the engine's events (src/core/book/book-events.ts).
//
// 1. The indexed book runs the whole stream. Throughput is wall time over every tick. Latency is
//    sampled: every 64th tick is timed alone with process.hrtime.bigint (the timer's own cost,
//    a few tens of nanoseconds, is included in each sample), so the sampling barely slows the run.
// 2. The naive book (every account re-valued on every tick) runs a prefix of the same stream, as
//    many ticks as fit its time budget, and its events are compared with the indexed book's events
//    over the same prefix (the indexed run records them).
//
// Flags: --positions N, --ticks T, --naive-seconds S (default 20 at 500 000 positions or more,
// else 5), --volatility BP (per-tick step in basis points, default 0.5), --gaps P (gap chance per
// tick, default 0.0001), --seed K.
// Prints a table, then a last line of JSON.
import Table from 'cli-table3';
import type { BookEvent } from '../src/core/book/index.js';
import * as book from '../src/core/book/index.js';
import { flag } from './flags.js';

// Module-local bindings: tsx loads the sources as CommonJS, where each use of a named import is a
// getter call (two here, through index.ts), which would be timed with every tick.
const { applyIndexedTick, applyNaiveTick, createIndexedBook, createNaiveBook, randomBook, randomTicks } = book;


const positions = Math.round(flag('positions', 1_000_000));
const accounts = Math.max(1, Math.round(positions / 10));
const instruments = Math.min(1000, Math.max(30, Math.round(positions / 1000)));
const tickCount = Math.round(flag('ticks', Math.min(10_000_000, Math.max(1_000_000, positions * 10))));
const naiveSeconds = flag('naive-seconds', positions >= 500_000 ? 20 : 5);
const volatilityBasisPoints = flag('volatility', 0.5);
const gapChance = flag('gaps', 0.0001);
const seed = Math.round(flag('seed', 1));
/** The indexed book keeps its events for this many first ticks, for the comparison. */
const RECORDED_TICKS = 100_000;
const LATENCY_EVERY = 64;

const tty = process.stderr.isTTY;
function progress(text: string): void {
  if (tty) process.stderr.write(`\r${text.padEnd(70)}`);
}

function seconds(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

progress('building the workload...');
let started = process.hrtime.bigint();
const spec = randomBook({ accounts, positions, instruments, seed });
const stream = randomTicks(spec.prices, { ticks: tickCount, seed: seed + 1, volatility: volatilityBasisPoints / 10_000, gapChance });
const workloadSeconds = seconds(started);

progress('building the indexed book...');
started = process.hrtime.bigint();
let indexed: ReturnType<typeof createIndexedBook> | undefined = createIndexedBook(spec);
const buildSeconds = seconds(started);

// 1. The indexed book over the whole stream, in a function (module top-level code is only ever
// optimized on the stack, which would time the harness as much as the book).
const recorded: BookEvent[] = [];
const recordedEnds = new Int32Array(RECORDED_TICKS + 1);
const eventCounts = new Map<string, number>();
const samples = new Float64Array(Math.ceil(tickCount / LATENCY_EVERY));
let sampleCount = 0;
const recordedTicks = Math.min(RECORDED_TICKS, tickCount);

function runIndexed(book: NonNullable<typeof indexed>): void {
  const { instrument: tickInstrument, price: tickPrice } = stream;
  const scratch: BookEvent[] = [];
  for (let tick = 0; tick < recordedTicks; tick += 1) {
    applyIndexedTick(book, tickInstrument[tick]!, tickPrice[tick]!, recorded);
    recordedEnds[tick + 1] = recorded.length;
  }
  const chunk = 1 << 20;
  for (let from = recordedTicks; from < tickCount; from += chunk) {
    const to = Math.min(tickCount, from + chunk);
    for (let tick = from; tick < to; tick += 1) {
      if (tick % LATENCY_EVERY === 0) {
        const before = process.hrtime.bigint();
        applyIndexedTick(book, tickInstrument[tick]!, tickPrice[tick]!, scratch);
        samples[sampleCount] = Number(process.hrtime.bigint() - before);
        sampleCount += 1;
      } else {
        applyIndexedTick(book, tickInstrument[tick]!, tickPrice[tick]!, scratch);
      }
      if (scratch.length > 0) {
        for (const event of scratch) eventCounts.set(event.type, (eventCounts.get(event.type) ?? 0) + 1);
        scratch.length = 0;
      }
    }
    progress(`indexed book: ${to.toLocaleString('en-US')} / ${tickCount.toLocaleString('en-US')} ticks`);
  }
}

started = process.hrtime.bigint();
runIndexed(indexed);
const indexedSeconds = seconds(started);
for (const event of recorded) eventCounts.set(event.type, (eventCounts.get(event.type) ?? 0) + 1);
const counters = { ...indexed.counters };
indexed = undefined;
const ticksPerSecond = tickCount / indexedSeconds;
const sorted = samples.subarray(0, sampleCount).sort();
/** The sampled tick latency at `fraction`, in microseconds. */
const percentile = (fraction: number): number => {
  if (sampleCount === 0) return 0;
  return sorted[Math.min(sampleCount - 1, Math.floor(fraction * sampleCount))]! / 1000;
};

// 2. The naive book over a prefix, within its time budget.
progress('building the naive book...');
const naive = createNaiveBook(spec);
const naiveEvents: BookEvent[] = [];
let naiveTicks = 0;
started = process.hrtime.bigint();
while (naiveTicks < recordedTicks && seconds(started) < naiveSeconds) {
  applyNaiveTick(naive, stream.instrument[naiveTicks]!, stream.price[naiveTicks]!, naiveEvents);
  naiveTicks += 1;
  if (naiveTicks % 16 === 0) progress(`naive book: ${naiveTicks} ticks, ${seconds(started).toFixed(1)} s`);
}
const naiveElapsed = seconds(started);
const naiveTicksPerSecond = naiveTicks / naiveElapsed;
const indexedPrefix = recorded.slice(0, recordedEnds[naiveTicks]);
const text = (events: readonly BookEvent[]): string => JSON.stringify(events, (_, value: unknown) => (
  typeof value === 'bigint' ? value.toString() : value
));
const eventsIdentical = naiveTicks > 0 && text(indexedPrefix) === text(naiveEvents);
if (tty) process.stderr.write(`\r${' '.repeat(70)}\r`);

const round = (value: number, digits = 0): number => Number(value.toFixed(digits));
const table = new Table({ head: ['measure', 'value'], colAligns: ['left', 'right'], style: { head: [], border: [], compact: true } });
const grouped = (value: number): string => value.toLocaleString('en-US');
const venueShares = spec.venues.map((venue, index) => `${venue.id} ${spec.accounts.venue.filter((each) => each === index).length}`).join(', ');
const isolated = spec.positions.isolated.reduce((total, each) => total + each, 0);
table.push(
  ['positions / accounts / instruments', `${grouped(positions)} / ${grouped(accounts)} / ${grouped(instruments)}`],
  ['accounts by venue', venueShares],
  ['isolated positions', grouped(isolated)],
  ['workload build (s)', round(workloadSeconds, 2)],
  ['indexed book build (s)', round(buildSeconds, 2)],
  ['tick stream: step (bp) / gap chance', `${volatilityBasisPoints} / ${gapChance}`],
  ['indexed: ticks', grouped(tickCount)],
  ['indexed: ticks / s', grouped(round(ticksPerSecond))],
  [
    'indexed: p50 / p99 / p99.9 / max tick (µs, 1 tick in 64 timed)',
    [percentile(0.5).toFixed(2), percentile(0.99).toFixed(2), percentile(0.999).toFixed(1), percentile(1).toFixed(0)].join(' / '),
  ],
  ['indexed: triggers crossed / accounts settled', `${grouped(counters.crossings)} / ${grouped(counters.settlements)}`],
  ['indexed: triggers crossed per tick', (counters.crossings / tickCount).toFixed(3)],
  ['indexed: scopes re-keyed without an event', grouped(counters.rekeys)],
  ['indexed: band triggers moved / kept when re-keyed', `${grouped(counters.triggersMoved)} / ${grouped(counters.triggersKept)}`],
  ...[...eventCounts].sort().map(([type, count]): [string, string] => [`events: ${type}`, grouped(count)]),
  ['naive: ticks (prefix of the same stream)', grouped(naiveTicks)],
  ['naive: ticks / s', round(naiveTicksPerSecond, 1)],
  ['indexed / naive throughput', `${grouped(round(ticksPerSecond / naiveTicksPerSecond))}x`],
  ['events compared on the prefix', grouped(naiveEvents.length)],
  ['events identical', String(eventsIdentical)],
);
console.log(table.toString());
console.log(JSON.stringify({
  positions,
  ticksPerSecond: round(ticksPerSecond),
  naiveTicksPerSecond: round(naiveTicksPerSecond, 1),
  ratio: round(ticksPerSecond / naiveTicksPerSecond),
  p99Microseconds: round(percentile(0.99), 3),
  eventsIdentical,
}));
if (!eventsIdentical) process.exitCode = 1;
