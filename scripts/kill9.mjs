#!/usr/bin/env node
// `npm run kill9 -- --kills 100`: the kill -9 test of test/service/kill9.test.ts, with as many kills
// as asked (default 100). Prints the figures: kills, requests acknowledged, lost, applied twice.
// Needs the built command (npm run build).
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/kill9-run.ts', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
process.exit(result.status ?? 1);
