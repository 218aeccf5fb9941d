// `npm run bench`: each figure as a ratio against a baseline measured in the same run.
// 1. Liquidation prices: the exact piecewise solver against the naive reference (bisection over
//    the tick grid with the same exact evaluation), on the same sampled accounts.
// 2. P&L over many positions: exact decimals against binary floats: the price of exactness.
// 3. A whole report (Binance's two-position cross example with a shock) for scale, against the
//    solver alone on the same account.
import { Bench } from 'tinybench';
import {
  add, buildReport, decimal, multiply, parseSnapshot, subtract, thresholdPrice, toDecimalString, ZERO,
  type Decimal,
} from '../src/core/index.js';
import { marginScopes } from '../src/core/margin/margin-scope.js';
import { bisectLiquidationPrice } from '../test/support/naive-threshold.js';
import { sampleAccounts, seededIntegers } from '../test/support/sample-accounts.js';

const TIME_MS = Number(process.env.BENCH_TIME_MS ?? 1000);

interface Row { readonly task: string; readonly meanMicroseconds: number; readonly samples: number; readonly versusBaseline: string }

async function compare(title: string, tasks: Record<string, () => void>, baseline: string): Promise<Row[]> {
  const bench = new Bench({ time: TIME_MS, warmupTime: 200 });
  for (const [name, task] of Object.entries(tasks)) bench.add(name, task);
  if (process.stderr.isTTY) process.stderr.write(`running: ${title}...\r`);
  await bench.run();
  const mean = (name: string): number => {
    const task = bench.getTask(name);
    if (!task?.result || !('latency' in task.result)) throw new Error(`no result for ${name}`);
    return task.result.latency.mean;
  };
  return Object.keys(tasks).map((name) => ({
    task: name,
    meanMicroseconds: Math.round(mean(name) * 1000 * 10) / 10,
    samples: bench.getTask(name)?.runs ?? 0,
    versusBaseline: name === baseline ? 'baseline' : `${(mean(name) / mean(baseline)).toFixed(2)}x the baseline's time`,
  }));
}

// 1. Solvers, on 200 sampled single-position accounts (both find the same ticks: test/solver-differential).
const accounts = sampleAccounts(200);
const solverRows = await compare('liquidation price solvers', {
  'exact piecewise solver, 200 accounts': () => {
    for (const snapshot of accounts) {
      const position = snapshot.positions[0];
      const scope = position && marginScopes(snapshot).find((each) => each.positions.includes(position));
      if (position && scope) thresholdPrice(snapshot, scope, position, 'liquidation');
    }
  },
  'naive tick bisection, 200 accounts (baseline)': () => {
    for (const snapshot of accounts) bisectLiquidationPrice(snapshot);
  },
}, 'naive tick bisection, 200 accounts (baseline)');

// 2. P&L of 10 000 positions: quantity × (mark - entry), summed.
const next = seededIntegers(11);
const positions = Array.from({ length: 10_000 }, () => ({
  quantity: decimal(BigInt(next(1, 1_000_000)), 3),
  entry: decimal(BigInt(next(1_000_000, 9_000_000)), 2),
  mark: decimal(BigInt(next(1_000_000, 9_000_000)), 2),
}));
const floats = positions.map(({ quantity, entry, mark }) => ({
  quantity: Number(toDecimalString(quantity)), entry: Number(toDecimalString(entry)), mark: Number(toDecimalString(mark)),
}));
let sink: Decimal = ZERO;
let floatSink = 0;
const pnlRows = await compare('P&L arithmetic', {
  'exact decimal P&L, 10 000 positions': () => {
    let total = ZERO;
    for (const { quantity, entry, mark } of positions) total = add(total, multiply(quantity, subtract(mark, entry)));
    sink = total;
  },
  'binary float P&L, 10 000 positions (baseline)': () => {
    let total = 0;
    for (const { quantity, entry, mark } of floats) total += quantity * (mark - entry);
    floatSink = total;
  },
}, 'binary float P&L, 10 000 positions (baseline)');

// 3. A whole report against the solver alone, on Binance's cross example.
const example = parseSnapshot({
  venue: 'binance-usdm',
  account: { currency: 'USDT', balance: '1535443.01' },
  positions: [
    { id: 'btc', instrument: 'BTCUSDT', side: 'long', quantity: '109.488', entryPrice: '32481.98', leverage: '5' },
    { id: 'eth', instrument: 'ETHUSDT', side: 'long', quantity: '3683.979', entryPrice: '1456.84', leverage: '5' },
  ],
  marks: { BTCUSDT: '31967.27', ETHUSDT: '1335.18' },
  shocks: ['-0.1'],
});
if (!example.ok) throw new Error('the benchmark account is invalid');
const crossScope = marginScopes(example.value)[0];
const reportRows = await compare('report', {
  'full report (2 positions × 3 prices, 1 shock)': () => { buildReport(example.value); },
  'one liquidation price on the same account (baseline)': () => {
    const position = example.value.positions[0];
    if (position && crossScope) thresholdPrice(example.value, crossScope, position, 'liquidation');
  },
}, 'one liquidation price on the same account (baseline)');

if (process.stderr.isTTY) process.stderr.write(' '.repeat(60) + '\r');
console.table([...solverRows, ...pnlRows, ...reportRows]);
// Keep the results alive so the arithmetic is not optimised away.
if (sink.units === 1n && floatSink === 1) console.log('');
