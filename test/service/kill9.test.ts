// kill -9 (issue 9): 20 SIGKILLs of the real `stopout serve` at random moments under load, each
// followed by a restart on the same ledger; the client retries what it does not know about. Every
// acknowledged request applied exactly once, nothing else applied, the state hash equal to a fresh
// replay in another process, money conserved. `npm run kill9 -- --kills 100` runs the same longer.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { test } from 'node:test';
import { runKillTest } from '../support/kill-harness.js';
import { temporaryFolder } from '../support/service-harness.js';

test('20 kills -9 under load: every acknowledged request applied exactly once, the state a fresh replay gives', { timeout: 600_000 }, async () => {
  const data = temporaryFolder('stopout-kill9-');
  try {
    const figures = await runKillTest({ kills: 20, seed: 9, data });
    console.log(`kill -9: ${JSON.stringify(figures)}`);
    assert.equal(figures.kills, 20);
    assert.ok(figures.acknowledged > 200, `acknowledged ${figures.acknowledged}`);
    assert.ok(figures.retried > 0, 'some requests were retried after a kill');
    assert.equal(figures.lost, 0, 'acknowledged but not in the ledger');
    assert.equal(figures.appliedTwice, 0, 'applied twice (or applied though refused)');
    assert.equal(figures.phantom, 0, 'in the ledger though no acknowledged request asked for it');
    assert.equal(figures.stateHash, figures.replayHash, 'the service\'s state hash is a fresh replay\'s');
    assert.ok(figures.snapshotAgrees, 'the last snapshot and the tail give the same state');
    assert.ok(figures.conserved, 'money conserved across the service');
  } finally {
    rmSync(data, { recursive: true, force: true });
  }
});
