/**
 * The service as the tests use it: started in this process (startService, real HTTP on loopback) or
 * as the `stopout serve` command in a child process (for kill -9), and a small JSON client.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { DEFAULT_OPTIONS, type ServiceOptions } from '../../src/service/context.js';
import { startService, type RunningService } from '../../src/service/service.js';
import { CLI_MAIN } from './run-cli.js';

export const ADMIN_KEY = 'test-admin-key-0123456789-abcdefghijklmnop';

export interface Answer<T = unknown> {
  readonly status: number;
  readonly body: T;
  readonly headers: Headers;
  readonly text: string;
}

/** A JSON client bound to a base URL and (optionally) a key. */
export class Client {
  constructor(readonly url: string, readonly key?: string) {}

  withKey(key: string | undefined): Client {
    return new Client(this.url, key);
  }

  async request<T = Record<string, unknown>>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer<T>> {
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers: {
        ...(this.key !== undefined ? { authorization: `Bearer ${this.key}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try { parsed = text ? JSON.parse(text) : undefined; } catch { /* not JSON: keep the text */ }
    return { status: response.status, body: parsed as T, headers: response.headers, text };
  }

  get<T = Record<string, unknown>>(path: string): Promise<Answer<T>> { return this.request<T>('GET', path); }
  post<T = Record<string, unknown>>(path: string, body: unknown, headers?: Record<string, string>): Promise<Answer<T>> { return this.request<T>('POST', path, body, headers); }

  /** Every item of a cursor-paged list. */
  async all<T>(path: string): Promise<T[]> {
    const items: T[] = [];
    let after: string | null = null;
    do {
      const separator = path.includes('?') ? '&' : '?';
      const page: Answer<{ items: T[]; next: string | null }> = await this.get<{ items: T[]; next: string | null }>(`${path}${separator}limit=1000${after !== null ? `&after=${after}` : ''}`);
      assert.equal(page.status, 200, `${path}: ${page.text}`);
      items.push(...page.body.items);
      after = page.body.next;
    } while (after !== null);
    return items;
  }
}

export interface InProcess {
  readonly running: RunningService;
  readonly admin: Client;
  readonly data: string;
  stop(): Promise<void>;
}

/** A TCP port free on loopback now (for a service restarted on the same port). */
export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export function temporaryFolder(prefix = 'stopout-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A service in this process on a free port, with a fresh ledger folder unless one is given. */
export async function startInProcess(overrides: Partial<ServiceOptions> = {}): Promise<InProcess> {
  const data = overrides.data ?? temporaryFolder();
  const options: ServiceOptions = {
    ...DEFAULT_OPTIONS, port: 0, data, adminKey: ADMIN_KEY, logLevel: 'silent', rateLimitPerMinute: 0, ...overrides,
  };
  const running = await startService(options, () => undefined);
  return {
    running,
    data,
    admin: new Client(running.url, ADMIN_KEY),
    async stop() {
      await running.stop();
      if (overrides.data === undefined) rmSync(data, { recursive: true, force: true });
    },
  };
}

export interface Spawned {
  readonly child: ChildProcess;
  readonly url: string;
  readonly admin: Client;
  /** Resolves with the exit code (or the signal's name). */
  readonly exited: Promise<number | string>;
  readonly stdout: () => string;
  readonly stderr: () => string;
}

/** `stopout serve` (the built CLI) in a child process; resolves once /health says ok. */
export async function spawnService(data: string, extraArgs: readonly string[] = [], env: NodeJS.ProcessEnv = {}): Promise<Spawned> {
  const child = spawn(process.execPath, [CLI_MAIN, 'serve', '--port', '0', '--data', data, '--log-level', 'warn', '--rate-limit', '0', ...extraArgs], {
    env: { ...process.env, STOPOUT_ADMIN_KEY: ADMIN_KEY, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => { out += chunk.toString('utf8'); });
  child.stderr?.on('data', (chunk: Buffer) => { err += chunk.toString('utf8'); });
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  const started = Date.now();
  let url: string | undefined;
  while (!url) {
    const match = /stopout listening on (http:\/\/\S+)/.exec(out);
    if (match) url = match[1];
    else {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`stopout serve exited: ${err}`);
      if (Date.now() - started > 60_000) throw new Error(`stopout serve did not start: ${out}\n${err}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
  const admin = new Client(url, ADMIN_KEY);
  for (;;) {
    try {
      const health = await admin.get('/health');
      if (health.status === 200) break;
    } catch { /* not yet */ }
    if (Date.now() - started > 120_000) throw new Error(`stopout serve never became healthy: ${err}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return { child, url, admin, exited, stdout: () => out, stderr: () => err };
}
