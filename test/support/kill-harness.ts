/**
 * kill -9, for real (issue 9). A client sends commands and ticks with idempotency keys, from several
 * workers at once, and records which were acknowledged; the service (`stopout serve`, the built
 * command, in a child process) is killed with SIGKILL at random moments and started again on the
 * same ledger; the client retries every request it does not know the answer to, with the same key
 * and body, until it does. At the end:
 *   - every acknowledged request is applied exactly once (found once in the ledger), every refused
 *     one not at all, and nothing is in the ledger that no acknowledged request asked for;
 *   - the service's state hash equals a fresh replay of the ledger in another process
 *     (`stopout ledger verify`), which also folds from the last snapshot and agrees;
 *   - money is conserved across the service, to the last unit.
 * Used by test/service/kill9.test.ts (20 kills) and scripts/kill9.mjs (100 kills, or any number).
 */
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { Rng } from './engine-arbitraries.js';
import { CLI_MAIN } from './run-cli.js';
import { ADMIN_KEY, Client, spawnService, type Spawned } from './service-harness.js';

export interface KillFigures {
  kills: number;
  requests: number;
  acknowledged: number;
  refused: number;
  /** Requests sent more than once (their first attempt's answer was lost). */
  retried: number;
  lost: number;
  appliedTwice: number;
  phantom: number;
  entries: number;
  stateHash: string;
  replayHash: string;
  snapshotAgrees: boolean;
  conserved: boolean;
  seconds: number;
}

export interface KillOptions {
  readonly kills: number;
  readonly seed: number;
  readonly data: string;
  /** Load between two kills, in ms: uniform in this range. */
  readonly loadMs?: readonly [number, number];
  readonly workers?: number;
  readonly onProgress?: (kills: number, figures: Partial<KillFigures>) => void;
}

interface Sent {
  readonly key: string;
  readonly path: string;
  readonly body: Record<string, unknown>;
  /** What identifies its effect in the ledger. */
  readonly mark: string;
  status?: number;
  attempts: number;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function runKillTest(options: KillOptions): Promise<KillFigures> {
  const started = performance.now();
  const rng = new Rng(options.seed);
  const port = await freePort();
  const args = ['--port', String(port), '--snapshot-every', '250'];
  // Answers held 5 ms after their commit: kills land between "durable" and "answered" too.
  const env = { STOPOUT_FAULT_ANSWER_DELAY_MS: '5' };
  let service: Spawned = await spawnService(options.data, args, env);
  let up = true;
  const client = new Client(service.url, ADMIN_KEY);
  const sent: Sent[] = [];
  let retried = 0;
  let counter = 0;
  const base = Date.parse('2031-03-03T00:00:00Z');
  const nextTime = (): string => new Date(base + (counter += 1) * 1000).toISOString();

  /** Sends until the answer is known: a 2xx or a 4xx. Connection failures and 503s are retried. */
  const deliver = async (request: Sent): Promise<number> => {
    for (;;) {
      request.attempts += 1;
      if (request.attempts === 2) retried += 1;
      try {
        const answer = await client.post<{ code?: string }>(request.path, request.body, { 'idempotency-key': request.key });
        const inFlight = answer.status === 409 && answer.body.code === 'idempotency/in-flight';
        if (answer.status !== 503 && !inFlight) {
          if (answer.status >= 500) throw new Error(`${request.path}: ${answer.status} ${answer.text}`);
          request.status = answer.status;
          return answer.status;
        }
      } catch (error) {
        if (error instanceof Error && /: 5\d\d /.test(error.message)) throw error;
      }
      await sleep(up ? 10 : 50);
    }
  };

  const send = (path: string, body: Record<string, unknown>, mark: string): Promise<number> => {
    const request: Sent = { key: `k-${sent.length}-${rng.next().toString(36)}`, path, body, mark, attempts: 0 };
    sent.push(request);
    return deliver(request);
  };

  // Accounts: two venues, cross, each with a position to move.
  const accounts: { id: string; venue: string; instrument: string; open: string[] }[] = [];
  for (let index = 0; index < 12; index++) {
    const mt5 = index % 2 === 0;
    const id = `acct-${index}`;
    const snapshot = mt5
      ? { venue: 'mt5-standard', account: { currency: 'USD', balance: '5000' }, positions: [{ id: 'p0', instrument: 'EURUSD', side: index % 4 ? 'long' : 'short', quantity: '100000', entryPrice: '1.1000', leverage: '50' }], marks: { EURUSD: '1.1000' } }
      : { venue: 'binance-usdm', account: { currency: 'USDT', balance: '5000' }, positions: [{ id: 'p0', instrument: 'BTCUSDT', side: index % 3 ? 'long' : 'short', quantity: '0.5', entryPrice: '60000', leverage: '20' }], marks: { BTCUSDT: '60000' } };
    await send('/v1/accounts', { id, snapshot }, `account ${id}`);
    accounts.push({ id, venue: mt5 ? 'mt5-standard' : 'binance-usdm', instrument: mt5 ? 'EURUSD' : 'BTCUSDT', open: ['p0'] });
  }

  let running = true;
  const prices = { EURUSD: 110_000, BTCUSDT: 600_000 };
  const tickWorker = async (): Promise<void> => {
    let serial = 0;
    while (running) {
      const ticks = Array.from({ length: rng.int(1, 4) }, () => {
        prices.EURUSD = Math.max(90_000, prices.EURUSD + rng.int(-60, 60));
        prices.BTCUSDT = Math.max(300_000, prices.BTCUSDT + rng.int(-900, 900));
        serial += 1;
        return { prices: { EURUSD: (prices.EURUSD / 100_000).toFixed(5), BTCUSDT: (prices.BTCUSDT / 10).toFixed(1), ZZMARK: `${serial}` } };
      });
      await send('/v1/prices', { ticks }, `ticks ${ticks.map((tick) => tick.prices.ZZMARK).join(',')}`);
      await sleep(rng.int(2, 15));
    }
  };
  const accountWorker = async (owned: typeof accounts): Promise<void> => {
    while (running) {
      const account = rng.pick(owned);
      const time = nextTime();
      const path = `/v1/accounts/${account.id}/commands`;
      const kind = rng.weighted([['deposit', 30], ['withdraw', 15], ['open', 20], ['close', 15], ['stop-loss', 10], ['debt', 5]] as const);
      if (kind === 'deposit' || kind === 'withdraw') {
        await send(path, { type: kind, amount: `${rng.int(1, 400)}.${String(rng.int(0, 99)).padStart(2, '0')}`, time }, `${account.id} ${kind} ${time}`);
      } else if (kind === 'open') {
        const id = `o${counter}`;
        const quantity = account.instrument === 'EURUSD' ? String(rng.int(1, 20) * 1000) : (rng.int(1, 20) / 1000).toFixed(3);
        const status = await send(path, { type: 'open', time, position: { id, instrument: account.instrument, side: rng.chance(0.5) ? 'long' : 'short', quantity, leverage: '10' } }, `${account.id} open ${time}`);
        if (status < 300) account.open.push(id);
      } else if (kind === 'close') {
        const position = account.open.length ? rng.pick(account.open) : 'none';
        const status = await send(path, { type: 'close', position, time }, `${account.id} close ${time}`);
        if (status < 300) account.open = account.open.filter((each) => each !== position);
      } else if (kind === 'stop-loss') {
        const position = account.open.length ? rng.pick(account.open) : 'none';
        await send(path, { type: 'stop-loss', position, lossPercent: '0.5', time }, `${account.id} stop-loss ${time}`);
      } else {
        await send(path, { type: 'debt', action: 'demand', time }, `${account.id} debt ${time}`);
      }
    }
  };

  const workers = options.workers ?? 4;
  const loops = [tickWorker(), ...Array.from({ length: workers }, (_, worker) => accountWorker(accounts.filter((_, index) => index % workers === worker)))];
  const [low, high] = options.loadMs ?? [150, 700];
  let kills = 0;
  for (; kills < options.kills; kills++) {
    await sleep(rng.int(low, high));
    up = false;
    service.child.kill('SIGKILL');
    await service.exited;
    service = await spawnService(options.data, args, env);
    up = true;
    options.onProgress?.(kills + 1, { requests: sent.length, retried });
  }
  await sleep(300);
  running = false;
  await Promise.all(loops);

  // The ledger as the service serves it, then a fresh replay in another process.
  const ledger = await client.get<{ seq: number; stateHash: string; conservationGap: Record<string, string> }>('/v1/ledger');
  const entries = await client.all<{ seq: number; type: string; account?: string; body: Record<string, unknown> }>('/v1/ledger/entries');
  service.child.kill('SIGTERM');
  const exit = await service.exited;
  if (exit !== 0) throw new Error(`stopout serve exited with ${String(exit)} on SIGTERM: ${service.stderr()}`);
  const verify = spawnSync(process.execPath, [CLI_MAIN, 'ledger', 'verify', '--data', options.data], { encoding: 'utf8', timeout: 300_000 });
  if (verify.status !== 0) throw new Error(`stopout ledger verify: ${verify.status} ${verify.stdout} ${verify.stderr}`);
  const replay = JSON.parse(verify.stdout) as { stateHash: string; agree: boolean; conserved: boolean; seq: number };

  const found = new Map<string, number>();
  const count = (mark: string): void => { found.set(mark, (found.get(mark) ?? 0) + 1); };
  for (const entry of entries) {
    if (entry.type === 'account') count(`account ${entry.account ?? ''}`);
    if (entry.type === 'ticks') {
      const ticks = (entry.body.ticks as { prices: Record<string, string> }[]).map((tick) => tick.prices.ZZMARK);
      count(`ticks ${ticks.join(',')}`);
    }
    if (entry.type === 'commands') {
      for (const command of entry.body.commands as { type: string; time: string }[]) {
        if (command.type !== 'mark') count(`${entry.account ?? ''} ${command.type} ${command.time}`);
      }
    }
  }
  let lost = 0;
  let twice = 0;
  let acknowledged = 0;
  let refused = 0;
  const expected = new Set<string>();
  for (const request of sent) {
    const times = found.get(request.mark) ?? 0;
    if (request.status !== undefined && request.status < 300) {
      acknowledged += 1;
      expected.add(request.mark);
      if (times === 0) lost += 1;
      if (times > 1) twice += 1;
    } else {
      refused += 1;
      if (times > 0) twice += 1;
    }
  }
  const phantom = [...found.keys()].filter((mark) => !expected.has(mark)).length;
  return {
    kills, requests: sent.length, acknowledged, refused, retried, lost, appliedTwice: twice, phantom, entries: entries.length,
    stateHash: ledger.body.stateHash, replayHash: replay.stateHash, snapshotAgrees: replay.agree,
    conserved: replay.conserved && Object.values(ledger.body.conservationGap).every((gap) => /^-?0(\.0+)?$/.test(gap)),
    seconds: (performance.now() - started) / 1000,
  };
}
