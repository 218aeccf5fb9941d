// `npm run bench` (last): the simulator's path-steps per second against numpy in the same run.
//
// 10^5 paths × 1,000 steps of GBM with Merton jumps (sigma 0.8, 4 jumps a year of log size
// N(-5 %, 8 %), 7 days), through the full margin rules of two accounts on the same paths: a Binance
// USDⓈ-M cross account (base) and the same position isolated (variant). One thread, then all cores:
// threads started for the run (as the CLI does) and a warm pool (start-up outside the clock, as for
// numpy, whose pool is started before its clock).
// The baseline is bench/sim_numpy.py: the same model vectorised in numpy, on one process and on as
// many processes as there are cores; its liquidation probabilities must agree with ours within their
// standard errors. The last line is JSON:
//   {"pathSteps", "perSecond", "perSecondAllCores", "numpyPerSecond", "numpyPerSecondAllCores", "ratio", ...}
// with ratio = perSecondAllCores / numpyPerSecondAllCores. `--paths N` (or SIM_BENCH_PATHS) runs fewer paths.
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import type * as Core from '../src/core/index.js';
import type * as Pool from '../src/sim/pool.js';
import type * as Run from '../src/sim/run.js';
import type { SimulationResults } from '../src/sim/statistics.js';

// The built simulator (npm run build), so worker threads load plain JavaScript as they do for users;
// typed by the sources it is built from.
const DIST = new URL('../dist/', import.meta.url);
const { buildReport, parseSnapshot } = (await import(new URL('core/index.js', DIST).href)) as typeof Core;
const { defaultWorkers, runSimulation } = (await import(new URL('sim/run.js', DIST).href)) as typeof Run;
const { SimulationPool } = (await import(new URL('sim/pool.js', DIST).href)) as typeof Pool;
import { ensureNumpy, runNumpyBaseline, type NumpyResult } from './numpy-baseline.js';

const pathsArgument = process.argv.indexOf('--paths');
const PATHS = Number(pathsArgument >= 0 ? process.argv[pathsArgument + 1] : process.env.SIM_BENCH_PATHS ?? 100_000);
if (!Number.isSafeInteger(PATHS) || PATHS < 1) throw new Error(`--paths: a whole number of paths, got ${process.argv[pathsArgument + 1]}`);
const STEPS = 1000;
const HORIZON_DAYS = 7;
const SIGMA = 0.8;
const JUMPS = { intensity: 4, mean: -0.05, stdev: 0.08 };
const TICK = 0.1;

const account = {
  venue: 'binance-usdm',
  account: { currency: 'USDT', balance: '10000' },
  positions: [{ id: 'btc', instrument: 'BTCUSDT', side: 'long', quantity: '0.5', entryPrice: '60000', leverage: '20' }],
  marks: { BTCUSDT: '60000' },
};
const isolated = { name: 'isolated', isolatedMargin: '1500' };

const simulation = {
  account,
  model: {
    type: 'gbm', volatility: String(SIGMA), drift: '0', daysPerYear: '365',
    jumps: { intensity: String(JUMPS.intensity), mean: String(JUMPS.mean), stdev: String(JUMPS.stdev) },
  },
  horizonDays: String(HORIZON_DAYS), steps: STEPS, paths: PATHS, seed: 2026, variants: [isolated],
};

/** The liquidation price as `stopout report` gives it, as a log move from the mark (with half a tick: prices are rounded to the tick). */
function liquidationLog(positions: readonly Record<string, unknown>[]): number {
  const snapshot = parseSnapshot({ ...account, positions });
  if (!snapshot.ok) throw new Error(snapshot.error.map((problem) => problem.message).join('; '));
  const price = buildReport(snapshot.value).positions[0]?.liquidationPrice;
  if (!price) throw new Error('the bench account has no liquidation price');
  return Math.log((Number(price.units) / 10 ** price.scale + TICK / 2) / 60000);
}

async function timed(workers: number, pool?: InstanceType<typeof SimulationPool>): Promise<{ results: SimulationResults; seconds: number }> {
  const started = performance.now();
  const run = await runSimulation(simulation, undefined, { workers, ...(pool ? { pool } : {}) });
  const seconds = (performance.now() - started) / 1000;
  if (!run.ok) throw new Error(run.error.map((problem) => `${problem.path}: ${problem.message}`).join('\n'));
  return { results: run.value, seconds };
}

const cores = defaultWorkers();
const pathSteps = PATHS * STEPS;
process.stderr.write(`simulator: ${PATHS} paths × ${STEPS} steps, GBM + jumps, cross and isolated accounts; ${cores} cores\n`);
// Cold: threads started for the run, as `stopout simulate` does (thread start-up included).
const cold = await timed(cores);
// Warm, like numpy's figures (interpreter and process pool started before its clock): this thread
// after one run, and a pool whose threads ran the same input once.
const one = await timed(1);
const pool = new SimulationPool();
await timed(cores, pool);
const all = await timed(cores, pool);
await pool.close();
for (const other of [cold, all]) {
  if (JSON.stringify(one.results) !== JSON.stringify(other.results)) throw new Error('results differ between 1 thread and all cores');
}

ensureNumpy();
const numpyParams = {
  paths: PATHS, steps: STEPS, dtYears: HORIZON_DAYS / 365 / STEPS, seed: 2026, mu: 0, sigma: SIGMA, jumps: JUMPS,
  variants: [
    { name: 'base', side: 'long' as const, liquidationLog: liquidationLog(account.positions), marginCallLog: null },
    { name: 'isolated', side: 'long' as const, liquidationLog: liquidationLog(account.positions.map((position) => ({ ...position, isolatedMargin: '1500' }))), marginCallLog: null },
  ],
  chunk: 2048,
};
const numpyOne: NumpyResult = runNumpyBaseline({ ...numpyParams, processes: 1 });
const numpyAll: NumpyResult = runNumpyBaseline({ ...numpyParams, processes: Math.max(1, availableParallelism()) });

const agreement = all.results.variants.map((variant, index) => {
  const ours = Number(variant.probabilities.liquidation);
  const oursSE = Number(variant.standardErrors.liquidation);
  const theirs = numpyAll.variants[index]?.liquidation ?? Number.NaN;
  const theirsSE = numpyAll.variants[index]?.liquidationSE ?? Number.NaN;
  const z = (ours - theirs) / Math.sqrt(oursSE ** 2 + theirsSE ** 2);
  return { variant: variant.name, liquidation: ours, numpy: theirs, standardErrors: Number(z.toFixed(2)), agree: Math.abs(z) <= 3 };
});

const rows = [
  { measure: 'stopout simulate, 1 thread', seconds: one.seconds, perSecond: pathSteps / one.seconds },
  { measure: `stopout simulate, ${cores} threads (a warm pool)`, seconds: all.seconds, perSecond: pathSteps / all.seconds },
  { measure: `stopout simulate, ${cores} threads started for the run`, seconds: cold.seconds, perSecond: pathSteps / cold.seconds },
  { measure: 'numpy, 1 process (baseline)', seconds: numpyOne.seconds, perSecond: numpyOne.perSecond },
  { measure: `numpy, ${numpyAll.processes} processes (baseline)`, seconds: numpyAll.seconds, perSecond: numpyAll.perSecond },
];
console.table(rows.map((row) => ({ ...row, seconds: Number(row.seconds.toFixed(3)), 'M path-steps/s': Number((row.perSecond / 1e6).toFixed(1)) })));
console.table(agreement);
const perSecond = pathSteps / one.seconds;
const perSecondAllCores = pathSteps / all.seconds;
console.log(JSON.stringify({
  pathSteps, perSecond: Math.round(perSecond), perSecondAllCores: Math.round(perSecondAllCores),
  perSecondAllCoresColdStart: Math.round(pathSteps / cold.seconds),
  numpyPerSecond: Math.round(numpyOne.perSecond), numpyPerSecondAllCores: Math.round(numpyAll.perSecond),
  ratio: Number((perSecondAllCores / numpyAll.perSecond).toFixed(2)),
  ratioOneThread: Number((perSecond / numpyOne.perSecond).toFixed(2)),
  agree: agreement.every((row) => row.agree),
}));
