#!/usr/bin/env node
// `npm run bench`: the core's benchmarks, then the risk book, then the simulator against numpy, each
// printing its table and a JSON line; the simulator's JSON is the last line. Extra arguments go to
// the risk book (`--positions`, `--ticks`, `--naive-seconds`) and the simulator (`--paths N`), each taking the ones it knows.
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const only = (names) => args.flatMap((arg, index) => (names.includes(arg) && args[index + 1] !== undefined ? [arg, args[index + 1]] : []));
const runs = [
  ['bench/run.ts', []],
  ['bench/risk-book.ts', only(['--positions', '--ticks', '--naive-seconds'])],
  ['bench/simulate.ts', only(['--paths'])],
];
for (const [script, extra] of runs) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', script, ...extra], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
