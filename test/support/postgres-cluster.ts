/**
 * A throwaway PostgreSQL cluster for tests: `initdb` into a fresh temporary folder, then the
 * `postgres` server itself on a random high port of 127.0.0.1, with `fsync=on` (the ledger's
 * durability is what is under test). Nothing of the machine's own PostgreSQL is used or touched.
 *
 * PostgreSQL refuses to run as root, so when the tests run as root both `initdb` and the server run
 * as the `postgres` user: spawned with that uid and gid (what `runuser -u postgres --` does, minus
 * PAM and the extra process), so the pid we hold is the server's own. The server is detached (its
 * own process group: a Ctrl-C in the terminal reaches the test runner, which stops it in order).
 *
 * A test process that ends without calling `stop()` (a crash, an uncaught error, SIGINT/SIGTERM)
 * still leaves nothing running: an exit hook kills every server started here, with its backends,
 * and removes its folder. Only SIGKILL of the test process itself can bypass that.
 */
import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { accessSync, chownSync, closeSync, constants, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import pg from 'pg';

export interface PostgresCluster {
  /** A connection string to the cluster's database `stopout` (user postgres, trust auth, no password). */
  readonly url: string;
  readonly port: number;
  /** The postmaster's pid. */
  readonly pid: number;
  /** Creates another empty database and returns its connection string. */
  createDatabase(name: string): Promise<string>;
  /**
   * Creates an empty schema in the database `stopout` and returns a connection string whose
   * connections work in it (search_path): a fresh ledger, at a fraction of a new database's cost.
   */
  createSchema(name: string): Promise<string>;
  /** Stops the server (fast shutdown, then SIGKILL after a timeout) and removes its folder. */
  stop(): Promise<void>;
}

const PREFERRED_BINARIES = '/usr/lib/postgresql/15/bin';
const PORTS = { first: 40_000, count: 20_000 };
const PORT_ATTEMPTS = 10;
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;
const DATABASE = 'stopout';

interface RunAs { readonly uid: number; readonly gid: number }

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

let binariesFound: string | null | undefined;
/** The folder holding `initdb` and `postgres`: PostgreSQL 15's, else `pg_config --bindir`, else PATH. */
function binaries(): string | undefined {
  if (binariesFound === undefined) {
    const candidates = [PREFERRED_BINARIES];
    const bindir = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
    if (bindir.status === 0) candidates.push(bindir.stdout.trim());
    candidates.push(...(process.env.PATH ?? '').split(delimiter).filter((folder) => folder !== ''));
    binariesFound = candidates.find((folder) => executable(join(folder, 'initdb')) && executable(join(folder, 'postgres'))) ?? null;
  }
  return binariesFound ?? undefined;
}

/** Who the server runs as: the `postgres` user when we are root, ourselves otherwise. */
function runAs(): RunAs | undefined | 'missing' {
  if (process.getuid?.() !== 0) return undefined;
  const uid = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0) return 'missing';
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/** Why a cluster cannot be started here (one line), or undefined when it can. */
export function postgresAvailable(): string | undefined {
  if (binaries() === undefined) {
    return `PostgreSQL server binaries (initdb, postgres) not found in ${PREFERRED_BINARIES}, pg_config --bindir or PATH`;
  }
  if (runAs() === 'missing') return 'running as root and there is no postgres user to run PostgreSQL as';
  return undefined;
}

// Every server started and not yet stopped, for the exit hook.
const running = new Map<number, { readonly folder: string }>();

function killGroup(pid: number, signal: NodeJS.Signals): void {
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, signal);
    } catch {
      // Already gone.
    }
  }
}

function killAllNow(): void {
  for (const [pid, { folder }] of running) {
    killGroup(pid, 'SIGKILL');
    try {
      rmSync(folder, { recursive: true, force: true, maxRetries: 3 });
    } catch {
      // A dying backend may still hold a file; the folder is in the temporary directory.
    }
  }
  running.clear();
}

let hooked = false;
function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', killAllNow);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = (): void => {
      killAllNow();
      process.removeListener(signal, onSignal);
      // Nobody else handles it: die of it, as we would have without this hook.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}

function spawnOptions(user: RunAs | undefined, folder: string): SpawnOptions {
  return {
    cwd: folder,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: folder, LANG: 'C', LC_ALL: 'C' },
    ...(user ?? {}),
  };
}

function runToEnd(command: string, args: readonly string[], options: SpawnOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    child.stderr?.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    child.once('error', reject);
    child.once('close', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`${command} ${args.join(' ')} exited with ${code}:\n${output}`));
    });
  });
}

/** A temporary folder the server's user can write to (os.tmpdir(), or /tmp if that user cannot reach it). */
function makeFolder(user: RunAs | undefined): string {
  for (const parent of [...new Set([tmpdir(), '/tmp'])]) {
    const folder = mkdtempSync(join(parent, 'stopout-pg-'));
    if (!user) return folder;
    chownSync(folder, user.uid, user.gid);
    if (spawnSync('test', ['-w', folder], { uid: user.uid, gid: user.gid }).status === 0) return folder;
    rmSync(folder, { recursive: true, force: true });
  }
  throw new Error('no temporary folder the postgres user can write to');
}

/** A name that needs no quoting in SQL. */
function plainName(name: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`not a plain SQL name: ${name}`);
  return name;
}

function randomPort(): number {
  return PORTS.first + Math.floor(Math.random() * PORTS.count);
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** The data folder of the server answering on `port`, or undefined while none answers. */
async function answeringDataFolder(port: number): Promise<string | undefined> {
  const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres', connectionTimeoutMillis: 1_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.query<{ data_directory: string }>('SHOW data_directory')).rows[0]?.data_directory;
  } catch {
    return undefined;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function adminQuery(port: number, sql: string, database = 'postgres'): Promise<void> {
  const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

interface Server { readonly child: ChildProcess; readonly pid: number; readonly exited: Promise<void>; hasExited(): boolean }

function spawnServer(bin: string, data: string, socket: string, port: number, user: RunAs | undefined, folder: string, log: string): Server {
  const logFd = openSync(log, 'a');
  let child: ChildProcess;
  try {
    child = spawn(join(bin, 'postgres'), [
      '-D', data, '-p', String(port), '-k', socket, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=on',
    ], { ...spawnOptions(user, folder), detached: true, stdio: ['ignore', logFd, logFd] });
  } finally {
    closeSync(logFd);
  }
  if (child.pid === undefined) throw new Error(`could not start ${join(bin, 'postgres')}`);
  const pid = child.pid;
  running.set(pid, { folder });
  let done = false;
  const exited = new Promise<void>((resolve) => child.once('exit', () => { done = true; resolve(); }));
  // The test process may end without waiting for the server: the exit hook kills it then.
  child.unref();
  return { child, pid, exited, hasExited: () => done };
}

async function stopServer(server: Server): Promise<void> {
  if (server.hasExited()) return;
  server.child.ref();
  try {
    process.kill(server.pid, 'SIGINT'); // fast shutdown: disconnect clients, checkpoint, exit
  } catch {
    // Already gone.
  }
  const timer = delay(STOP_TIMEOUT_MS, 'timeout' as const, { ref: false });
  if ((await Promise.race([server.exited.then(() => 'exited' as const), timer])) === 'timeout') {
    killGroup(server.pid, 'SIGKILL');
    await server.exited;
  }
}

/** Waits until our server (not another on the same port) accepts connections; rejects if it exits first or the timeout passes. */
async function waitReady(server: Server, port: number, data: string, log: string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (server.hasExited()) throw new Error(`postgres exited while starting:\n${readFileSync(log, 'utf8')}`);
    if ((await answeringDataFolder(port)) === data) return;
    if (Date.now() > deadline) throw new Error(`postgres did not accept connections within ${START_TIMEOUT_MS} ms:\n${readFileSync(log, 'utf8')}`);
    await delay(50);
  }
}

/** Starts a fresh cluster with an empty database `stopout`. */
export async function startPostgres(): Promise<PostgresCluster> {
  const reason = postgresAvailable();
  const bin = binaries();
  const who = runAs();
  if (reason !== undefined || bin === undefined || who === 'missing') throw new Error(reason ?? 'PostgreSQL is unavailable');
  hookExit();
  const folder = makeFolder(who);
  const data = join(folder, 'data');
  const socket = join(folder, 'socket');
  const log = join(folder, 'server.log');
  mkdirSync(socket);
  if (who) chownSync(socket, who.uid, who.gid);
  try {
    await runToEnd(join(bin, 'initdb'), [
      '-D', data, '--auth=trust', '-U', 'postgres', '--no-sync', '--encoding=UTF8', '--locale=C',
    ], spawnOptions(who, folder));
  } catch (error) {
    rmSync(folder, { recursive: true, force: true });
    throw error;
  }

  // A port free now may be taken by the time the server binds it: then try another.
  let server: Server | undefined;
  let port = 0;
  for (let attempt = 1; server === undefined; attempt += 1) {
    port = randomPort();
    if (!(await portIsFree(port)) && attempt < PORT_ATTEMPTS) continue;
    const candidate = spawnServer(bin, data, socket, port, who, folder, log);
    try {
      await waitReady(candidate, port, data, log);
      server = candidate;
    } catch (error) {
      await stopServer(candidate);
      running.delete(candidate.pid);
      if (attempt >= PORT_ATTEMPTS || !/could not bind|Address already in use/i.test(readFileSync(log, 'utf8'))) {
        rmSync(folder, { recursive: true, force: true });
        throw error;
      }
    }
  }
  const started = server;

  const url = (database: string): string => `postgresql://postgres@127.0.0.1:${port}/${database}`;
  let stopping: Promise<void> | undefined;
  const cluster: PostgresCluster = {
    url: url(DATABASE),
    port,
    pid: started.pid,
    async createDatabase(name: string): Promise<string> {
      await adminQuery(port, `CREATE DATABASE ${plainName(name)}`);
      return url(name);
    },
    async createSchema(name: string): Promise<string> {
      await adminQuery(port, `CREATE SCHEMA ${plainName(name)}`, DATABASE);
      return `${url(DATABASE)}?options=${encodeURIComponent(`-c search_path=${name}`)}`;
    },
    stop(): Promise<void> {
      stopping ??= (async () => {
        await stopServer(started);
        running.delete(started.pid);
        rmSync(folder, { recursive: true, force: true, maxRetries: 3 });
      })();
      return stopping;
    },
  };
  try {
    await cluster.createDatabase(DATABASE);
  } catch (error) {
    await cluster.stop();
    throw error;
  }
  return cluster;
}
