/**
 * `stopout serve`: the service (spec/service.md) in the foreground until SIGTERM or SIGINT. Options
 * from the command line, the database and the admin key from the environment:
 *   STOPOUT_DATABASE_URL=postgres://…   PostgreSQL instead of SQLite in --data
 *   STOPOUT_ADMIN_KEY=<32+ characters>  the admin key; else one is made at first start and printed once
 * `--demo` also runs the demo: accounts at several venues on a live simulated feed (../service/demo/).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_OPTIONS, type ServiceOptions } from '../service/context.js';
import { startService, StartupError } from '../service/service.js';
import { EXIT_BAD_INPUT, EXIT_INTERNAL } from './exit-codes.js';

export interface ServeFlags {
  readonly port: string;
  readonly host: string;
  readonly data?: string;
  readonly demo?: boolean;
  readonly rateLimit: string;
  readonly maxPathSteps: string;
  readonly snapshotEvery: string;
  readonly logLevel?: string;
  readonly webhookBaseDelayMs?: string;
  readonly webhookAttempts?: string;
  readonly heartbeatMs?: string;
  readonly deadlineCheckMs?: string;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function count(value: string | undefined, name: string, fallback: number, minimum = 0): number {
  if (value === undefined) return fallback;
  if (!/^\d{1,15}$/.test(value) || Number(value) < minimum) throw new StartupError(`${name}: a whole number${minimum ? ` from ${minimum}` : ''}, got ${JSON.stringify(value)}`);
  return Number(value);
}

export function serveOptions(flags: ServeFlags, environment: NodeJS.ProcessEnv): ServiceOptions {
  const port = count(flags.port, '--port', DEFAULT_OPTIONS.port);
  if (port > 65_535) throw new StartupError(`--port: from 0 to 65535, got ${flags.port}`);
  const logLevel = flags.logLevel ?? (flags.demo ? 'warn' : DEFAULT_OPTIONS.logLevel);
  if (!LOG_LEVELS.includes(logLevel)) throw new StartupError(`--log-level: one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(logLevel)}`);
  const databaseUrl = environment.STOPOUT_DATABASE_URL?.trim();
  if (databaseUrl !== undefined && databaseUrl !== '' && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new StartupError('STOPOUT_DATABASE_URL: a postgres:// or postgresql:// address');
  }
  const data = flags.data ?? (flags.demo ? mkdtempSync(join(tmpdir(), 'stopout-demo-')) : DEFAULT_OPTIONS.data);
  return {
    ...DEFAULT_OPTIONS,
    host: flags.host,
    port,
    data,
    ...(databaseUrl ? { databaseUrl } : {}),
    ...(environment.STOPOUT_ADMIN_KEY !== undefined ? { adminKey: environment.STOPOUT_ADMIN_KEY } : {}),
    rateLimitPerMinute: count(flags.rateLimit, '--rate-limit', DEFAULT_OPTIONS.rateLimitPerMinute),
    maxPathSteps: count(flags.maxPathSteps, '--max-path-steps', DEFAULT_OPTIONS.maxPathSteps, 1),
    snapshotEvery: count(flags.snapshotEvery, '--snapshot-every', DEFAULT_OPTIONS.snapshotEvery, 1),
    logLevel,
    webhookBaseDelayMs: count(flags.webhookBaseDelayMs, '--webhook-base-delay-ms', DEFAULT_OPTIONS.webhookBaseDelayMs, 1),
    webhookAttempts: count(flags.webhookAttempts, '--webhook-attempts', DEFAULT_OPTIONS.webhookAttempts, 1),
    heartbeatMs: count(flags.heartbeatMs, '--heartbeat-ms', DEFAULT_OPTIONS.heartbeatMs, 1),
    deadlineCheckMs: count(flags.deadlineCheckMs, '--deadline-check-ms', DEFAULT_OPTIONS.deadlineCheckMs),
  };
}

/** Runs until a signal; resolves with the exit code. */
export async function runServe(flags: ServeFlags): Promise<number> {
  let options: ServiceOptions;
  try {
    options = serveOptions(flags, process.env);
  } catch (error) {
    process.stderr.write(`stopout serve: ${(error as Error).message}\n`);
    return EXIT_BAD_INPUT;
  }
  let running;
  try {
    running = await startService(options);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const code = (error as NodeJS.ErrnoException).code;
    process.stderr.write(`stopout serve: ${code === 'EADDRINUSE' ? `port ${options.port} is in use on ${options.host}` : code === 'EACCES' ? `not allowed: ${message}` : message}\n`);
    return error instanceof StartupError || code === 'EADDRINUSE' || code === 'EACCES' || code === 'ECONNREFUSED' ? EXIT_BAD_INPUT : EXIT_INTERNAL;
  }
  process.stdout.write(`ledger: ${running.context.store.kind} at ${running.context.store.location}\n`);
  if (running.madeAdminKey) {
    process.stdout.write(`admin key (shown once; STOPOUT_ADMIN_KEY chooses your own): ${running.madeAdminKey}\n`);
  } else if (options.adminKey === undefined) {
    process.stdout.write('admin key: the one printed when this ledger was made (or set STOPOUT_ADMIN_KEY)\n');
  }
  let stopDemo: (() => Promise<void>) | undefined;
  let signalled = false;
  const stopped = new Promise<number>((resolve) => {
    const onSignal = (): void => {
      if (signalled) return;
      signalled = true;
      void (async () => {
        await stopDemo?.();
        await running.stop();
        resolve(0);
      })();
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  });
  if (flags.demo) {
    const { runDemo } = await import('../service/demo/demo.js');
    const stop = await runDemo(running, running.madeAdminKey ?? options.adminKey ?? '');
    if (signalled) await stop();
    else stopDemo = stop;
  }
  return stopped;
}
