// `npm run bench` (last): the service, `stopout serve`, as users run it (the built CLI in a process
// of its own, SQLite ledger in a temporary folder, group commit), with the load generated in
// another process; each figure against a baseline measured in the same run.
//
// 1. Durable commands per second: POST /v1/accounts/{id}/commands, one deposit or withdrawal of 1
//    per request, round the accounts (1,000 by default, made first), each answered once durable;
//    against a bare Fastify hello-world server (the same Fastify, its own process) sent the very
//    same requests. autocannon in a child process, the same settings for both: 64 connections,
//    pipelining 1, 10 s after a 3 s warm-up (the service is restarted after making the accounts,
//    and its first seconds are several times slower).
//    commandRatio = commands / hello-world requests per second.
// 2. Price ticks per second: a book of 10^4 accounts at six venues (bench/service-workload.ts),
//    made with POST /v1/accounts, then batches of 1,000 ticks (random walks, a spike every 10th
//    batch) through POST /v1/prices, one batch in flight as from one ordered feed (a child
//    process). The baseline is the service's own fold, the in-process book: the same ticks in the
//    same batches through LiveState.apply with the same accounts, no HTTP, no ledger.
//    tickRatio = service ticks / in-process ticks per second. The events the two give are compared
//    by count, and the table says how many accounts the risk index had stepped.
// 3. Tick-to-event latency under that load: the feed process also holds GET /v1/events/stream;
//    for each measured batch with events, from the moment it was sent to its first event's arrival.
// 4. Scale: 10^5 accounts of 10 positions (10^6 positions; cross and isolated; mt5-standard,
//    esma-retail-cfd, hyperliquid, dydx-v4), made with POST /v1/accounts, 64 in flight. The
//    service's resident memory once they are in (/proc/<pid>/status VmRSS); then the recovery time
//    from the snapshot SIGTERM writes (restart until /health is ok), against a replay of the whole
//    log (the snapshots deleted, restart until /health is ok). The longest part: at the default
//    size, making the accounts takes about 20 minutes (the service makes ~85 such accounts a second).
//
// Flags: --accounts N and --positions-per-account P (the scale book; default 100000 and 10),
// --book-accounts N (10000), --batches N (measured tick batches, 200), --batch-size N (1000),
// --command-accounts N (1000), --connections N (64), --duration S (10), --warmup S (3),
// --seed K (1), --profile FOLDER (run each service under node --cpu-prof, and print each profile's
// top functions on standard error at the end), --phases commands,ticks,scale (some only; the
// others' figures are then null).
// Prints a table, then one line of JSON: {"service": {...}}. Progress on standard error when it is a terminal.
import Table from 'cli-table3';
import Database from 'better-sqlite3';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type * as Core from '../src/core/index.js';
import type * as Live from '../src/service/live/live-state.js';
import type { AutocannonConfig, AutocannonFigures } from './service-autocannon.js';
import type { FeedConfig, FeedResult } from './service-feed.js';
import { ADMIN_KEY, postMany, residentMegabytes, runChild, send, startHello, startServe, type Server } from './service-processes.js';
import { profileText, summarizeProfile } from './service-profile.js';
import { FEEDS, SCALE_VENUES, accountBody, makeAccount, tickBatches, type AccountSpec } from './service-workload.js';
import { flag, whole } from './flags.js';

// The built service, as `stopout serve` runs it; typed by the sources it is built from.
const DIST = new URL('../dist/', import.meta.url);
const { formatInstant } = (await import(new URL('core/index.js', DIST).href)) as typeof Core;
const { LiveState } = (await import(new URL('service/live/live-state.js', DIST).href)) as typeof Live;

const SCALE_ACCOUNTS = whole('accounts', 100_000);
const POSITIONS_PER_ACCOUNT = whole('positions-per-account', 10);
const BOOK_ACCOUNTS = whole('book-accounts', 10_000);
const BATCHES = whole('batches', 200);
const BATCH_SIZE = whole('batch-size', 1000);
const COMMAND_ACCOUNTS = whole('command-accounts', 1000);
const CONNECTIONS = whole('connections', 64);
const DURATION = flag('duration', 10);
const WARMUP = flag('warmup', 3);
const SEED = whole('seed', 1);
const WARMUP_BATCHES = 5;
const SPIKE_EVERY = 10;
const CONCURRENT_CREATES = 64;
const profileAt = process.argv.indexOf('--profile');
const PROFILE = profileAt >= 0 ? process.argv[profileAt + 1] : undefined;
const phasesAt = process.argv.indexOf('--phases');
const PHASES = new Set((phasesAt >= 0 ? process.argv[phasesAt + 1] ?? '' : 'commands,ticks,scale').split(','));
for (const phase of PHASES) {
  if (!['commands', 'ticks', 'scale'].includes(phase)) {
    console.error(`--phases: a comma-separated list of commands, ticks, scale; got ${JSON.stringify(phase)}`);
    process.exit(2);
  }
}

const tty = process.stderr.isTTY;
function progress(text: string): void {
  if (tty) process.stderr.write(`\r${text.padEnd(78).slice(0, 78)}`);
}
const seconds = (since: number): number => (performance.now() - since) / 1000;
const round = (value: number, digits = 0): number => Number(value.toFixed(digits));
const grouped = (value: number): string => Math.round(value).toLocaleString('en-US');

const work = mkdtempSync(join(tmpdir(), 'stopout-bench-'));
const running = new Set<Server>();
const profiles: { phase: string; folder: string }[] = [];
const failures: string[] = [];
process.on('exit', () => {
  for (const server of running) if (server.child.exitCode === null) server.child.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
});

/** `stopout serve` on `data`, under --cpu-prof when profiling (one folder per phase). */
async function serve(data: string, phase: string, logLevel = 'warn'): Promise<Server> {
  let nodeFlags: string[] = [];
  if (PROFILE) {
    const folder = join(PROFILE, phase);
    mkdirSync(folder, { recursive: true });
    profiles.push({ phase, folder });
    nodeFlags = ['--cpu-prof', '--cpu-prof-dir', folder];
  }
  const server = await startServe({ data, logLevel, nodeFlags });
  running.add(server);
  return server;
}

async function stop(server: Server, signal: NodeJS.Signals = 'SIGTERM'): Promise<number> {
  // A profile is written only on a normal exit.
  const exit = await server.stop(PROFILE ? 'SIGTERM' : signal);
  running.delete(server);
  if (exit.code !== 0 && signal === 'SIGTERM') failures.push(`stopout serve exited with ${exit.code ?? exit.signal} on SIGTERM:\n${server.stderr().slice(-2000)}`);
  return exit.seconds;
}

async function createAccounts(server: Server, count: number, make: (index: number) => AccountSpec, label: string): Promise<number> {
  const started = performance.now();
  await postMany(`${server.url}/v1/accounts`, count, (index) => accountBody(make(index)), {
    concurrency: CONCURRENT_CREATES, expected: 201,
    onProgress: (done) => {
      const rate = done / seconds(started);
      progress(`${label}: ${grouped(done)} / ${grouped(count)} accounts, ${grouped(rate)}/s, ${grouped((count - done) / rate)} s to go`);
    },
  });
  return count / seconds(started);
}

/** A figure from the service's /metrics (0 when absent). */
async function metric(server: Server, name: string): Promise<number> {
  const text = (await send('GET', `${server.url}/metrics`)).text;
  return Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
}

/** The recovery the service logged at start-up (pino's JSON line at info). */
function loggedRecovery(server: Server): { fromSnapshot: number | null; entries: number; milliseconds: number } | undefined {
  const line = server.stderr().split('\n').find((each) => each.includes('"ledger recovered"'));
  return line ? (JSON.parse(line) as { recovery: { fromSnapshot: number | null; entries: number; milliseconds: number } }).recovery : undefined;
}

function percentile(values: readonly number[], fraction: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] as number;
}

function checkLoad(what: string, figures: AutocannonFigures): void {
  if (figures.non2xx > 0 || figures.errors > 0 || figures.timeouts > 0) {
    failures.push(`${what}: ${figures.non2xx} non-2xx answers (${JSON.stringify(figures.statusCodes)}), ${figures.errors} errors, ${figures.timeouts} timeouts`);
  }
}

// ---------------------------------------------------------------------------------------------
// 1. Durable commands against hello world.

async function commandsPhase() {
  const data = join(work, 'commands');
  let server = await serve(data, 'load-command-accounts');
  progress('commands: making the accounts...');
  await createAccounts(server, COMMAND_ACCOUNTS, (index) => makeAccount('c', index, SEED), 'commands');
  await stop(server);
  server = await serve(data, 'commands');
  const load = (url: string): AutocannonConfig => ({
    url, key: ADMIN_KEY, accounts: COMMAND_ACCOUNTS, prefix: 'c', connections: CONNECTIONS, pipelining: 1, warmupSeconds: WARMUP, seconds: DURATION,
  });
  progress(`commands: ${CONNECTIONS} connections, ${WARMUP} s warm-up + ${DURATION} s...`);
  const commitsBefore = await metric(server, 'stopout_ledger_commits_total');
  const commands = await runChild<AutocannonFigures>('bench/service-autocannon.ts', load(server.url));
  const commits = (await metric(server, 'stopout_ledger_commits_total')) - commitsBefore;
  checkLoad('POST /v1/accounts/{id}/commands', commands);
  await stop(server);
  const hello = await startHello();
  running.add(hello);
  progress(`hello world: ${CONNECTIONS} connections, ${WARMUP} s warm-up + ${DURATION} s...`);
  const helloWorld = await runChild<AutocannonFigures>('bench/service-autocannon.ts', load(hello.url));
  checkLoad('hello world', helloWorld);
  await hello.stop();
  running.delete(hello);
  return { commands, helloWorld, commits };
}

// ---------------------------------------------------------------------------------------------
// 2 and 3. Ticks through the service, with an event stream, against the in-process book.

async function ticksPhase() {
  const data = join(work, 'book');
  const accounts = Array.from({ length: BOOK_ACCOUNTS }, (_, index) => makeAccount('b', index, SEED));
  let server = await serve(data, 'load-book');
  const createRate = await createAccounts(server, BOOK_ACCOUNTS, (index) => accounts[index] as AccountSpec, 'book');
  await stop(server);

  progress('ticks: generating the stream...');
  const startMs = Math.ceil(Date.now() / 1000) * 1000 + 1000;
  const batches = tickBatches({
    batches: WARMUP_BATCHES + BATCHES, batchSize: BATCH_SIZE, startMs, seed: SEED, volatility: 0.0001, spikeEvery: SPIKE_EVERY, formatTime: formatInstant,
  });
  const bodies = batches.map((ticks) => JSON.stringify({ ticks }));
  const file = join(work, 'ticks.jsonl');
  writeFileSync(file, `${bodies.join('\n')}\n`);

  server = await serve(data, 'ticks');
  progress(`ticks: ${grouped(BATCHES)} batches of ${grouped(BATCH_SIZE)} through POST /v1/prices...`);
  const feedConfig: FeedConfig = { url: server.url, key: ADMIN_KEY, file, warmup: WARMUP_BATCHES, batchSize: BATCH_SIZE, startMs, maxSeconds: 120 };
  const feed = await runChild<FeedResult>('bench/service-feed.ts', feedConfig);
  failures.push(...feed.failures);
  const resident = residentMegabytes(server.pid).resident;
  await stop(server);

  // The in-process book: the same accounts, the same batches (as many as the service was sent).
  progress('in-process book: loading the accounts...');
  const live = new LiveState();
  accounts.forEach((account, index) => {
    live.apply({ type: 'account', account: account.id, body: { snapshot: account.snapshot, key: { id: `k${index}`, hash: 'unused' } } });
  });
  const parsed = bodies.slice(0, feed.sent).map((body) => JSON.parse(body) as { ticks: { time: string; prices: Record<string, string> }[] });
  let events = 0;
  for (const body of parsed.slice(0, WARMUP_BATCHES)) events += live.apply({ type: 'ticks', body }).events.length;
  progress('in-process book: the same ticks...');
  const steppedBefore = live.stepped;
  const started = performance.now();
  const bookBatchMs: number[] = [];
  for (const body of parsed.slice(WARMUP_BATCHES)) {
    const before = performance.now();
    events += live.apply({ type: 'ticks', body }).events.length;
    bookBatchMs.push(performance.now() - before);
  }
  const bookSeconds = seconds(started);
  const measuredTicks = (parsed.length - WARMUP_BATCHES) * BATCH_SIZE;
  const stepped = live.stepped - steppedBefore;
  if (events !== feed.answeredEvents) failures.push(`the service answered ${feed.answeredEvents} events for the ticks; the in-process book gives ${events}`);

  // Accounts a naive fold would step: those holding one of the tick's instruments (at the start).
  const holders = FEEDS.map((feedInstruments) => accounts.filter((account) => {
    const held = (account.snapshot.positions as { instrument: string }[]).map((position) => position.instrument);
    return feedInstruments.some((instrument) => held.includes(instrument.symbol));
  }).length);
  const holdersPerTick = holders.reduce((sum, count) => sum + count, 0) / holders.length;
  return {
    feed, createRate, resident, events, stepped, measuredTicks, holdersPerTick,
    bookTicksPerSecond: measuredTicks / bookSeconds,
    bookP50BatchMs: percentile(bookBatchMs, 0.5),
    bookP99BatchMs: percentile(bookBatchMs, 0.99),
  };
}

// ---------------------------------------------------------------------------------------------
// 4. Scale: memory and recovery.

async function scalePhase() {
  const data = join(work, 'scale');
  let server = await serve(data, 'load-scale');
  const started = performance.now();
  const createRate = await createAccounts(server, SCALE_ACCOUNTS, (index) => makeAccount('s', index, SEED, POSITIONS_PER_ACCOUNT, SCALE_VENUES), 'scale');
  const loadSeconds = seconds(started);
  const accounts = await metric(server, 'stopout_accounts');
  const positions = await metric(server, 'stopout_open_positions');
  if (accounts !== SCALE_ACCOUNTS || positions !== SCALE_ACCOUNTS * POSITIONS_PER_ACCOUNT) {
    failures.push(`the service holds ${accounts} accounts and ${positions} positions; ${SCALE_ACCOUNTS} and ${SCALE_ACCOUNTS * POSITIONS_PER_ACCOUNT} were made`);
  }
  const memory = residentMegabytes(server.pid);
  progress('scale: SIGTERM (writes a snapshot)...');
  const stopSeconds = await stop(server);

  progress('scale: recovering from the snapshot...');
  server = await serve(data, 'recovery-from-snapshot', 'info');
  const fromSnapshot = { seconds: server.readySeconds, logged: loggedRecovery(server), resident: residentMegabytes(server.pid).resident };
  await stop(server);

  const ledger = new Database(join(data, 'ledger.sqlite'));
  const snapshots = (ledger.prepare('SELECT COUNT(*) AS count FROM snapshots').get() as { count: number }).count;
  ledger.exec('DELETE FROM snapshot_chunks; DELETE FROM snapshots;');
  ledger.close();
  if (snapshots === 0) failures.push('SIGTERM wrote no snapshot');

  progress('scale: recovering from the log alone...');
  server = await serve(data, 'recovery-from-log', 'info');
  const fromLog = { seconds: server.readySeconds, logged: loggedRecovery(server), resident: residentMegabytes(server.pid).resident };
  // Its data is dropped: no need for the snapshot SIGTERM would write (unless profiling).
  await stop(server, 'SIGKILL');
  return { accounts, positions, memory, createRate, loadSeconds, stopSeconds, fromSnapshot, fromLog };
}

// ---------------------------------------------------------------------------------------------

const phaseSeconds: Record<string, number> = {};
async function timed<T>(name: string, run: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await run();
  phaseSeconds[name] = seconds(started);
  return result;
}

const commands = PHASES.has('commands') ? await timed('commands', commandsPhase) : undefined;
const ticks = PHASES.has('ticks') ? await timed('ticks', ticksPhase) : undefined;
const scale = PHASES.has('scale') ? await timed('scale', scalePhase) : undefined;
if (tty) process.stderr.write(`\r${' '.repeat(78)}\r`);

type Row = [string, string] | [{ colSpan: number; content: string }];
const heading = (content: string): Row => [{ colSpan: 2, content }];
const ms = (value: number): string => value.toFixed(1);
const rows: Row[] = [];
const figures: Record<string, number | null> = {
  commandsPerSecond: null, helloWorldPerSecond: null, commandRatio: null,
  ticksPerSecond: null, bookTicksPerSecond: null, tickRatio: null, p50TickToEventMs: null, p99TickToEventMs: null,
  accounts: null, positions: null, residentMegabytes: null, recoveryFromSnapshotSeconds: null, recoveryFromLogSeconds: null,
};

if (commands) {
  const ratio = commands.commands.perSecond / commands.helloWorld.perSecond;
  Object.assign(figures, {
    commandsPerSecond: round(commands.commands.perSecond), helloWorldPerSecond: round(commands.helloWorld.perSecond), commandRatio: round(ratio, 3),
  });
  rows.push(
    heading(`1. durable commands: ${CONNECTIONS} connections, pipelining 1, ${DURATION} s after ${WARMUP} s, over ${grouped(COMMAND_ACCOUNTS)} accounts`),
    ['commands / s (deposit, withdraw; 200 once durable)', grouped(commands.commands.perSecond)],
    ['hello world / s (the same requests; baseline)', grouped(commands.helloWorld.perSecond)],
    ['commands / hello world', ratio.toFixed(3)],
    ['commands: p50 / p99 latency (ms)', `${ms(commands.commands.p50Ms)} / ${ms(commands.commands.p99Ms)}`],
    ['hello world: p50 / p99 latency (ms)', `${ms(commands.helloWorld.p50Ms)} / ${ms(commands.helloWorld.p99Ms)}`],
    ['commands per ledger commit (group commit)', (commands.commands.ok / Math.max(1, commands.commits)).toFixed(1)],
    ['commands: non-2xx / errors', `${commands.commands.non2xx} / ${commands.commands.errors}`],
  );
}

if (ticks) {
  const { feed } = ticks;
  const ratio = feed.ticksPerSecond / ticks.bookTicksPerSecond;
  const p50 = percentile(feed.tickToEventMs, 0.5);
  const p99 = percentile(feed.tickToEventMs, 0.99);
  Object.assign(figures, {
    ticksPerSecond: round(feed.ticksPerSecond), bookTicksPerSecond: round(ticks.bookTicksPerSecond), tickRatio: round(ratio, 3),
    p50TickToEventMs: round(p50, 1), p99TickToEventMs: round(p99, 1),
  });
  rows.push(
    heading(`2. ticks: ${grouped(BOOK_ACCOUNTS)} accounts at six venues, batches of ${grouped(BATCH_SIZE)}, a spike every ${SPIKE_EVERY}th`),
    ['accounts made / s (POST /v1/accounts, 1-3 positions)', grouped(ticks.createRate)],
    ['ticks / s through POST /v1/prices (one batch in flight)', grouped(feed.ticksPerSecond)],
    ['ticks / s, in-process book (LiveState.apply; baseline)', grouped(ticks.bookTicksPerSecond)],
    ['service / in-process book', ratio.toFixed(3)],
    ['measured ticks (batches)', `${grouped(feed.measuredTicks)} (${feed.measuredBatches})`],
    ['batch round trip p50 / p99 (ms); in-process p50 / p99', `${ms(feed.p50BatchMs)} / ${ms(feed.p99BatchMs)}; ${ms(ticks.bookP50BatchMs)} / ${ms(ticks.bookP99BatchMs)}`],
    ['accounts stepped (in-process, measured ticks)', `${grouped(ticks.stepped)} (${(ticks.stepped / ticks.measuredTicks).toFixed(3)} a tick)`],
    ['accounts holding a tick\'s instruments (a naive fold steps them)', `${grouped(ticks.holdersPerTick)} a tick`],
    ['events: service / in-process / streamed', `${grouped(feed.answeredEvents)} / ${grouped(ticks.events)} / ${grouped(feed.streamedEvents)}`],
    ['service resident memory after the ticks (MB)', grouped(ticks.resident)],
    heading('3. tick to event on GET /v1/events/stream, under that load'),
    ['batches with events (measured)', grouped(feed.batchesWithEvents)],
    ['p50 / p99 / max tick to event (ms)', `${ms(p50)} / ${ms(p99)} / ${ms(Math.max(...feed.tickToEventMs))}`],
    ['the event after the batch\'s answer, p50 / p99 (ms)', `${ms(percentile(feed.eventAfterAnswerMs, 0.5))} / ${ms(percentile(feed.eventAfterAnswerMs, 0.99))}`],
  );
}

if (scale) {
  Object.assign(figures, {
    accounts: scale.accounts, positions: scale.positions, residentMegabytes: round(scale.memory.resident),
    recoveryFromSnapshotSeconds: round(scale.fromSnapshot.seconds, 2), recoveryFromLogSeconds: round(scale.fromLog.seconds, 2),
  });
  const logged = (recovery: typeof scale.fromLog.logged): string => (
    recovery ? `${(recovery.milliseconds / 1000).toFixed(2)} (${grouped(recovery.entries)} entries)` : 'not logged');
  rows.push(
    heading(`4. scale: ${grouped(SCALE_ACCOUNTS)} accounts × ${POSITIONS_PER_ACCOUNT} positions at ${SCALE_VENUES.map((venue) => venue.id).join(', ')}`),
    ['accounts / positions in the service (/metrics)', `${grouped(scale.accounts)} / ${grouped(scale.positions)}`],
    ['accounts made / s (POST /v1/accounts, 64 in flight)', `${grouped(scale.createRate)} (${grouped(scale.loadSeconds)} s)`],
    ['resident memory after loading (MB); peak', `${grouped(scale.memory.resident)}; ${grouped(scale.memory.peak)}`],
    ['SIGTERM to exit, snapshot written (s)', scale.stopSeconds.toFixed(2)],
    ['recovery from the snapshot: start to /health ok (s)', scale.fromSnapshot.seconds.toFixed(2)],
    ['  in the service\'s recovery log (s)', logged(scale.fromSnapshot.logged)],
    ['recovery from the log alone: start to /health ok (s)', scale.fromLog.seconds.toFixed(2)],
    ['  in the service\'s recovery log (s)', logged(scale.fromLog.logged)],
    ['resident memory after recovery: snapshot / log (MB)', `${grouped(scale.fromSnapshot.resident)} / ${grouped(scale.fromLog.resident)}`],
  );
}

rows.push(
  heading('run'),
  ['phases (s)', Object.entries(phaseSeconds).map(([name, value]) => `${name} ${value.toFixed(0)}`).join(', ')],
  ['failures', failures.length === 0 ? 'none' : `${failures.length} (on standard error)`],
);
const table = new Table({ head: ['measure', 'value'], colAligns: ['left', 'right'], style: { head: [], border: [], compact: true } });
table.push(...rows);
console.log(table.toString());
for (const failure of failures) console.error(`failure: ${failure}`);
if (PROFILE) {
  for (const { phase, folder } of profiles) {
    for (const file of readdirSync(folder).filter((name) => name.endsWith('.cpuprofile'))) {
      console.error(`\n${profileText(`profile of the service, ${phase} (${join(folder, file)})`, summarizeProfile(join(folder, file)))}`);
    }
  }
}
console.log(JSON.stringify({ service: figures }));
if (failures.length > 0) process.exitCode = 1;
