#!/usr/bin/env node
// `npm run bench`: the core's benchmarks, then the risk book, then the simulator against numpy, then
// the risk book's own settlement against the service's fold on the same book and ticks, then the
// web app (the calculator's JavaScript, gzipped, keystroke to figures, and simulator paths per
// second in Chromium against Node), then the
// service (`stopout serve` against a hello-world server and its own in-process book), each
// printing its table and a JSON line; the service's JSON ({"service": {...}}) is the last line.
// Extra arguments go to the benchmark that knows them, each taking its own: the risk book
// (`--positions`, `--ticks`, `--naive-seconds`), the simulator (`--paths N`), the book against the
// fold (`--book-versus-accounts`, `--book-versus-ticks`), the web app (`--keystrokes`, `--web-sim-paths`, `--web-sim-steps`), the service
// (`--accounts`, `--positions-per-account`, `--book-accounts`, `--batches`, `--batch-size`,
// `--command-accounts`, `--connections`, `--duration`, `--warmup`, `--seed`, `--profile`, `--phases`).
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const only = (names) => args.flatMap((arg, index) => (names.includes(arg) && args[index + 1] !== undefined ? [arg, args[index + 1]] : []));
const runs = [
  ['bench/run.ts', []],
  ['bench/risk-book.ts', only(['--positions', '--ticks', '--naive-seconds'])],
  ['bench/simulate.ts', only(['--paths'])],
  ['bench/book-versus-step.ts', only(['--book-versus-accounts', '--book-versus-ticks'])],
  ['bench/web-page.ts', only(['--keystrokes'])],
  ['bench/web-simulate.ts', only(['--web-sim-paths', '--web-sim-steps'])],
  ['bench/service.ts', only([
    '--accounts', '--positions-per-account', '--book-accounts', '--batches', '--batch-size', '--command-accounts',
    '--connections', '--duration', '--warmup', '--seed', '--profile', '--phases',
  ])],
];
for (const [script, extra] of runs) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', script, ...extra], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
