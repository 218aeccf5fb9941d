// The spec's own published cases, run by the spec's own checker against `npx stopout report`,
// exactly as a reviewer would. Needs ../shared (absent from a bare clone) and a built dist/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const checker = resolve(root, '../shared/tools/check-oracles.mjs');
const oracles = resolve(root, '../shared/spec/oracles.jsonl');
const missing = !existsSync(checker) || !existsSync(oracles);

test('../shared/spec/oracles.jsonl: every published case passes through npx stopout report', {
  skip: missing ? '../shared is not present beside this checkout' : false,
}, () => {
  const run = spawnSync(process.execPath, [checker, oracles], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  const lines = run.stdout.trim().split('\n');
  const summary = lines[lines.length - 1] ?? '';
  assert.match(summary, /^\d+ passed, 0 failed$/, run.stdout);
  assert.equal(run.status, 0, run.stdout + run.stderr);
});
