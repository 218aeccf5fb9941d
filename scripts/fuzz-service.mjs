#!/usr/bin/env node
// Fuzzes the service's HTTP edge with malformed requests (test/support/request-fuzz.ts) and checks
// that every one is refused cleanly and writes nothing: a 4xx (never a 5xx) with problem+json, the
// ledger's entries and state hash unchanged by every failed request, its Idempotency-Key free
// afterwards, /health still ok. Prints a summary; exits 1 on any violation.
//
//   npm run fuzz:service
//   node scripts/fuzz-service.mjs --requests 10000 --seed 7
//   node scripts/fuzz-service.mjs --url http://127.0.0.1:8080 --admin-key "$STOPOUT_ADMIN_KEY"   # a running service (a fresh ledger)
import { parseArgs } from 'node:util';
import { tsImport } from 'tsx/esm/api';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '10000' },
    seed: { type: 'string', default: '20261204' },
    url: { type: 'string' },
    'admin-key': { type: 'string' },
    'hash-every': { type: 'string', default: '25' },
    violations: { type: 'string', default: '20' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log('usage: node scripts/fuzz-service.mjs [--requests N] [--seed S] [--hash-every N] [--violations N] [--url URL --admin-key KEY]');
  process.exit(0);
}
const requests = Number(values.requests);
const seed = Number(values.seed);
if (!Number.isSafeInteger(requests) || requests < 1 || !Number.isSafeInteger(seed)) {
  console.error('--requests and --seed take whole numbers');
  process.exit(2);
}

const fuzz = await tsImport('../test/support/request-fuzz.ts', import.meta.url);
let service;
let url = values.url;
let adminKey = values['admin-key'];
if (url === undefined) {
  const harness = await tsImport('../test/support/service-harness.ts', import.meta.url);
  // Deadlines off (no background entries); webhook deliveries as quiet as they go.
  service = await harness.startInProcess({ deadlineCheckMs: 0, webhookAttempts: 1, webhookBaseDelayMs: 3_600_000 });
  url = service.running.url;
  adminKey = harness.ADMIN_KEY;
} else if (adminKey === undefined) {
  console.error('--url needs --admin-key');
  process.exit(2);
}

console.log(`fuzzing ${url}: ${requests} requests, seed ${seed}`);
// A progress line on a terminal (standard error, redrawn), nothing otherwise.
const tty = Boolean(process.stderr.isTTY);
let summary;
try {
  summary = await fuzz.runFuzz({
    url, adminKey, seed, requests, hashEvery: Number(values['hash-every']), inProcess: service !== undefined,
    progress: (done, partial) => {
      if (tty && (done % 50 === 0 || done === requests)) {
        process.stderr.write(`\r  ${done}/${requests} requests, ${partial.violations.length} violations, ${partial.serverErrors} 5xx`);
      }
    },
  });
} finally {
  if (tty) process.stderr.write('\r\x1b[K');
  await service?.stop();
}
console.log(fuzz.formatSummary(summary, Number(values.violations)));
process.exit(summary.violations.length === 0 ? 0 : 1);
