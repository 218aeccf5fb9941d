/**
 * `stopout serve`: start-up, recovery, the clocks that drive deadlines and snapshots, and a
 * graceful stop (spec/service.md).
 *
 * Start-up: open the ledger (SQLite in --data, or PostgreSQL at STOPOUT_DATABASE_URL), listen (and
 * say so on standard output), recover (the last snapshot, checked account by account against its
 * state hashes, then the log's tail), and only then answer `/health` with ok. SIGTERM: stop taking
 * requests, let those in flight finish and become durable, write a snapshot so the next start is
 * quick, close the ledger, exit 0.
 */
import type { FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { buildApp } from './app.js';
import { makeAdminKey, sha256Hex, ADMIN_KEY_MINIMUM } from './auth/keys.js';
import { ServiceContext, type ServiceOptions } from './context.js';
import { IdempotencyGate } from './idempotency.js';
import { GroupCommitter } from './ledger/group-commit.js';
import { SqliteStore } from './ledger/sqlite-store.js';
import type { CommitBatch, LedgerStore } from './ledger/store.js';
import type { LiveState } from './live/live-state.js';
import { capture, restore } from './live/snapshot-codec.js';
import { ServiceMetrics } from './metrics.js';
import { EventBus } from './out/event-bus.js';
import { WebhookDispatcher } from './out/webhooks.js';
import { endStreams } from './routes/events.js';
import { closeSimulationPool } from './routes/stateless.js';

export interface RunningService {
  readonly url: string;
  readonly context: ServiceContext;
  readonly app: FastifyInstance;
  /** The admin key when this start made one (printed once), else undefined. */
  readonly madeAdminKey?: string;
  /** Stops as SIGTERM does; resolves when the ledger is closed. */
  stop(): Promise<void>;
}

export interface Recovery {
  readonly fromSnapshot: number | null;
  readonly entries: number;
  readonly milliseconds: number;
}

export class StartupError extends Error {}

export async function openStore(options: ServiceOptions): Promise<LedgerStore> {
  if (options.databaseUrl) {
    const { PostgresStore } = await import('./ledger/postgres-store.js');
    return PostgresStore.open(options.databaseUrl);
  }
  return new SqliteStore(options.data);
}

/**
 * The fold brought back: the last snapshot (if any, and if asked to use it), then every entry
 * after it. Checks that the entries follow one another and that the events they give are the
 * events the ledger holds.
 */
export async function recoverLive(
  live: LiveState, store: LedgerStore, useSnapshot: boolean, onProgress?: (seq: number, last: number) => void,
): Promise<Recovery> {
  const started = performance.now();
  const header = useSnapshot ? await store.latestSnapshot() : null;
  if (header) {
    await restore(live, (index) => store.readSnapshotChunk(header.id, index), header.chunks);
    if (live.seq !== header.seq) throw new Error(`snapshot ${header.id} restores to entry ${live.seq}, saved at ${header.seq}`);
  }
  const last = onProgress ? await store.lastSeq() : 0;
  let entries = 0;
  for (;;) {
    const page = await store.readEntries(live.seq, 10_000);
    for (const entry of page) {
      if (entry.seq !== live.seq + 1) throw new Error(`the ledger skips from entry ${live.seq} to ${entry.seq}`);
      live.apply(entry);
      entries += 1;
    }
    onProgress?.(live.seq, last);
    if (page.length < 10_000) break;
  }
  const lastEvent = await store.lastEventId();
  if (lastEvent !== live.eventId) throw new Error(`the ledger holds events up to ${lastEvent}, its entries give ${live.eventId}`);
  return { fromSnapshot: header ? header.seq : null, entries, milliseconds: performance.now() - started };
}

async function recover(context: ServiceContext): Promise<Recovery> {
  const recovery = await recoverLive(context.live, context.store, true);
  context.bus.highWater = context.live.eventId;
  return recovery;
}

/** Snapshots: after `snapshotEvery` entries, written in the background; one at a time. */
class Snapshots {
  private lastSeq = 0;
  private running: Promise<void> | null = null;

  constructor(private readonly context: ServiceContext) {}

  async init(): Promise<void> {
    this.lastSeq = (await this.context.store.latestSnapshot())?.seq ?? 0;
  }

  maybe(): void {
    if (this.running || this.context.status !== 'ok') return;
    if (this.context.live.seq - this.lastSeq < this.context.options.snapshotEvery) return;
    this.running = this.take().finally(() => { this.running = null; });
  }

  /** Takes one now (after any running one); durable entries only: it completes once everything it holds is. */
  async take(): Promise<void> {
    if (this.running) await this.running;
    const { store, committer, live } = this.context;
    if (live.seq === this.lastSeq) return;
    const saved = capture(live);
    const id = await store.beginSnapshot(saved.seq, Date.now());
    for (let index = 0; index < saved.chunks; index++) {
      await store.writeSnapshotChunk(id, index, saved.chunk(index));
      await new Promise((resolve) => setImmediate(resolve));
    }
    await committer.durable();
    await store.completeSnapshot(id, saved.chunks, saved.hash(), 2);
    this.lastSeq = saved.seq;
  }

  async settle(): Promise<void> {
    if (this.running) await this.running;
  }
}

/** After each commit: the metrics, the tick-to-event latency, and the events out to the streams and webhooks. */
function publishDurable(context: ServiceContext): (batch: CommitBatch) => void {
  return (batch) => {
    context.metrics.commitBatches.inc();
    const now = performance.now();
    for (const event of batch.events) {
      context.metrics.events.inc({ type: event.type });
      const received = context.tickReceived.get(event.seq);
      if (received !== undefined) context.metrics.tickToEventSeconds.observe((now - received) / 1000);
    }
    for (const entry of batch.entries) context.tickReceived.delete(entry.seq);
    context.bus.publish(batch.events);
  };
}

/**
 * The admin key: STOPOUT_ADMIN_KEY's, else the one the ledger holds, else one made now (its hash
 * committed to the ledger, the key returned to be printed once).
 */
async function settleAdminKey(context: ServiceContext): Promise<string | undefined> {
  if (context.options.adminKey !== undefined) {
    context.adminHash = sha256Hex(context.options.adminKey);
    return undefined;
  }
  if (context.live.adminKeyHash) {
    context.adminHash = context.live.adminKeyHash;
    return undefined;
  }
  const made = makeAdminKey();
  const applied = context.apply({ type: 'admin-key', body: { hash: sha256Hex(made) } });
  await context.committer.commit(applied.entries, applied.events);
  context.adminHash = context.live.adminKeyHash;
  return made;
}

/**
 * What runs on the service's clock: Reg T deadlines that ended, snapshots when due, quiet bands of
 * accounts not keyed yet (a few milliseconds at a time), and the pruning of old idempotency records.
 * Returns what stops them.
 */
function startClocks(context: ServiceContext, snapshots: Snapshots): () => void {
  const { options, live, committer } = context;
  const deadlines = setInterval(() => {
    if (context.status !== 'ok') return;
    if (options.deadlineCheckMs > 0) {
      for (const entry of live.dueDeadlines(context.now())) {
        const applied = context.apply(entry);
        void committer.commit(applied.entries, applied.events);
      }
    }
    snapshots.maybe();
  }, options.deadlineCheckMs > 0 ? options.deadlineCheckMs : 1000);
  const keying = setInterval(() => {
    if (context.status === 'ok' && live.pending.size) live.keyPending(8);
  }, 20);
  const pruning = setInterval(() => { void context.gate.prune(); }, 3_600_000);
  for (const timer of [deadlines, keying, pruning]) timer.unref();
  const unsubscribe = context.bus.subscribe(() => snapshots.maybe());
  return () => {
    for (const timer of [deadlines, keying, pruning]) clearInterval(timer);
    unsubscribe();
  };
}

export async function startService(options: ServiceOptions, announce: (line: string) => void = (line) => process.stdout.write(`${line}\n`)): Promise<RunningService> {
  if (options.adminKey !== undefined && options.adminKey.length < ADMIN_KEY_MINIMUM) {
    throw new StartupError(`STOPOUT_ADMIN_KEY: at least ${ADMIN_KEY_MINIMUM} characters, got ${options.adminKey.length}`);
  }
  const store = await openStore(options);
  let fatal = (error: Error): void => { throw error; };
  const answerDelay = Number(process.env.STOPOUT_FAULT_ANSWER_DELAY_MS ?? '0');
  const committer = new GroupCommitter(store, (error) => fatal(error), Number.isFinite(answerDelay) && answerDelay > 0 ? answerDelay : 0);
  const bus = new EventBus();
  const holder: { context?: ServiceContext } = {};
  const metrics = new ServiceMetrics(() => (holder.context as ServiceContext).live);
  const gate = new IdempotencyGate(store, committer, () => (holder.context as ServiceContext).now());
  const ready = new ServiceContext(options, store, committer, gate, bus, metrics);
  holder.context = ready;
  fatal = (error) => {
    process.stderr.write(`stopout: the ledger failed to commit (${error.message}); stopping so that start-up recovers from what is durable\n`);
    process.exit(1);
  };
  committer.onDurable = publishDurable(ready);

  const app = await buildApp(ready);
  const snapshots = new Snapshots(ready);
  const webhooks = new WebhookDispatcher(ready);
  // Streams never end by themselves: close them first, or closing the server would wait for them.
  app.addHook('preClose', async () => endStreams());
  await app.listen({ host: options.host, port: options.port });
  const address = app.server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  announce(`stopout listening on ${url}`);

  let madeAdminKey: string | undefined;
  try {
    const recovery = await recover(ready);
    app.log.info({ recovery }, 'ledger recovered');
    madeAdminKey = await settleAdminKey(ready);
    await snapshots.init();
  } catch (error) {
    await app.close();
    await store.close();
    throw error;
  }
  ready.status = 'ok';
  webhooks.start();

  const stopClocks = startClocks(ready, snapshots);

  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      ready.status = 'stopping';
      stopClocks();
      await app.close();
      await committer.drain();
      await webhooks.stop();
      await snapshots.settle();
      await snapshots.take();
      await closeSimulationPool();
      await store.close();
    })();
    return stopping;
  };
  return { url, context: ready, app, ...(madeAdminKey ? { madeAdminKey } : {}), stop };
}
