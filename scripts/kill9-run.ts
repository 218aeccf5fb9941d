// Runs the kill -9 harness (test/support/kill-harness.ts) with --kills N (default 100) and --seed S.
import { rmSync } from 'node:fs';
import { runKillTest } from '../test/support/kill-harness.js';
import { temporaryFolder } from '../test/support/service-harness.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const at = args.indexOf(name);
  const value = at >= 0 ? Number(args[at + 1]) : fallback;
  if (!Number.isSafeInteger(value) || value < 1) {
    process.stderr.write(`${name}: a whole number from 1, got ${args[at + 1] ?? ''}\n`);
    process.exit(2);
  }
  return value;
};
const kills = option('--kills', 100);
const seed = option('--seed', 1);
const data = temporaryFolder('stopout-kill9-');
const tty = Boolean(process.stderr.isTTY);
try {
  const figures = await runKillTest({
    kills, seed, data,
    onProgress: (done, partial) => {
      if (tty) process.stderr.write(`\rkill ${done}/${kills}: ${partial.requests ?? 0} requests, ${partial.retried ?? 0} retried`);
    },
  });
  if (tty) process.stderr.write('\r\x1b[K');
  const ok = figures.lost === 0 && figures.appliedTwice === 0 && figures.phantom === 0 && figures.stateHash === figures.replayHash && figures.snapshotAgrees && figures.conserved;
  process.stdout.write(`kills ${figures.kills}, requests ${figures.requests}, acknowledged ${figures.acknowledged} (refused ${figures.refused}), retried ${figures.retried}, ` +
    `lost ${figures.lost}, applied twice ${figures.appliedTwice}, phantom ${figures.phantom}; ledger entries ${figures.entries}; ` +
    `state hash ${figures.stateHash === figures.replayHash ? 'equals' : 'DIFFERS FROM'} a fresh replay; snapshot ${figures.snapshotAgrees ? 'agrees' : 'DISAGREES'}; ` +
    `money ${figures.conserved ? 'conserved' : 'NOT conserved'}; ${figures.seconds.toFixed(1)} s\n`);
  process.stdout.write(`${JSON.stringify({ kill9: figures })}\n`);
  process.exitCode = ok ? 0 : 1;
} finally {
  rmSync(data, { recursive: true, force: true });
}
