// The processes of the service benchmark (bench/service.ts): `stopout serve` as users run it (the
// built CLI, in a process of its own), the hello-world baseline, the load generators (child
// processes that print one JSON line), and a small keep-alive HTTP client for the set-up.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI_MAIN = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
export const ADMIN_KEY = 'bench-admin-key-0123456789-abcdefghijklmnopqrstuv';

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface Server {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly url: string;
  readonly exited: Promise<Exit>;
  /** Seconds from the spawn to listening (and, for the service, to /health ok). */
  readonly readySeconds: number;
  stderr(): string;
  /** Sends `signal` and waits for the exit; resolves with it and the seconds it took. */
  stop(signal?: NodeJS.Signals): Promise<Exit & { readonly seconds: number }>;
}

export interface ServeOptions {
  readonly data: string;
  readonly logLevel?: string;
  /** Node flags for the service process (e.g. --cpu-prof). */
  readonly nodeFlags?: readonly string[];
  readonly extraArgs?: readonly string[];
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function spawnListening(command: readonly string[], what: string, env: NodeJS.ProcessEnv): Promise<Omit<Server, 'readySeconds'> & { started: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, command, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => { out += chunk.toString('utf8'); });
  child.stderr?.on('data', (chunk: Buffer) => { err = (err + chunk.toString('utf8')).slice(-200_000); });
  const exited = new Promise<Exit>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  let url: string | undefined;
  while (!url) {
    const match = /listening on (http:\/\/\S+)/.exec(out);
    if (match) url = match[1];
    else if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${what} exited before listening:\n${err}`);
    else await sleep(5);
  }
  return {
    child, pid: child.pid as number, url, exited, started,
    stderr: () => err,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      const from = performance.now();
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const exit = await exited;
      return { ...exit, seconds: (performance.now() - from) / 1000 };
    },
  };
}

/** `stopout serve --port 0` on a ledger folder; resolves once /health answers ok. */
export async function startServe(options: ServeOptions): Promise<Server> {
  const command = [
    ...(options.nodeFlags ?? []), CLI_MAIN, 'serve', '--port', '0', '--data', options.data, '--rate-limit', '0',
    '--log-level', options.logLevel ?? 'warn', ...(options.extraArgs ?? []),
  ];
  const server = await spawnListening(command, 'stopout serve', { ...process.env, STOPOUT_ADMIN_KEY: ADMIN_KEY });
  for (;;) {
    const health = await send('GET', `${server.url}/health`).catch(() => undefined);
    if (health?.status === 200) break;
    if (server.child.exitCode !== null) throw new Error(`stopout serve exited while recovering:\n${server.stderr()}`);
    await sleep(2);
  }
  return { ...server, readySeconds: (performance.now() - server.started) / 1000 };
}

/** The hello-world Fastify server (bench/service-hello.ts) in a process of its own. */
export async function startHello(nodeFlags: readonly string[] = []): Promise<Server> {
  const server = await spawnListening([...nodeFlags, '--import', 'tsx', 'bench/service-hello.ts'], 'the hello-world server', process.env);
  return { ...server, readySeconds: (performance.now() - server.started) / 1000 };
}

/** Runs a load generator (a bench/service-*.ts script) in a child process on `config`; resolves with its JSON line. */
export function runChild<T>(script: string, config: unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, JSON.stringify(config)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => { out += chunk.toString('utf8'); });
    child.stderr.on('data', (chunk: Buffer) => { err += chunk.toString('utf8'); });
    child.on('exit', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      if (code !== 0) {
        reject(new Error(`${script} failed (exit ${code}):\n${err}${out}`));
        return;
      }
      try {
        resolve(JSON.parse(line) as T);
      } catch {
        reject(new Error(`${script} printed no JSON:\n${out}\n${err}`));
      }
    });
  });
}

/** The process's resident memory and its peak, in MB (/proc/<pid>/status). */
export function residentMegabytes(pid: number): { readonly resident: number; readonly peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kilobytes = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
  return { resident: kilobytes('VmRSS') / 1024, peak: kilobytes('VmHWM') / 1024 };
}

const agent = new Agent({ keepAlive: true, maxSockets: 256 });

export interface Answer {
  readonly status: number;
  readonly text: string;
}

/** One request (JSON body), on keep-alive connections. */
export function send(method: string, url: string, body?: string, key?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = request(url, {
      method, agent,
      headers: {
        ...(key !== undefined ? { authorization: `Bearer ${key}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {}),
      },
    }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => { text += chunk; });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
      response.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/**
 * POSTs `count` bodies (made on demand) with `concurrency` requests in flight; every answer must
 * be `expected`. Throws on the first that is not, saying what it was.
 */
export async function postMany(
  url: string, count: number, body: (index: number) => string, options: { concurrency: number; expected: number; onProgress?: (done: number) => void },
): Promise<void> {
  let next = 0;
  let done = 0;
  let failure: Error | undefined;
  const worker = async (): Promise<void> => {
    while (next < count && !failure) {
      const index = next++;
      const text = body(index);
      const answer = await send('POST', url, text, ADMIN_KEY).catch((error: Error) => ({ status: 0, text: error.message }));
      if (answer.status !== options.expected) {
        failure ??= new Error(`POST ${url} #${index} answered ${answer.status}: ${answer.text.slice(0, 2000)}\nthe request: ${text.slice(0, 2000)}`);
        return;
      }
      done += 1;
      if (done % 1000 === 0) options.onProgress?.(done);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  if (failure) throw failure;
}
