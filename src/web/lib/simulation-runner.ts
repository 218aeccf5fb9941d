/**
 * The browser's counterpart of src/sim/run.ts: a simulation run on web workers
 * (workers/simulation-worker.ts). This thread builds the simulation with the simulator's own
 * `prepare` (to refuse a bad input before any worker starts, and to combine), starts
 * min(workers, blocks) workers, hands out block indexes in order, one per message, keeping
 * IN_FLIGHT of them queued at each worker so none waits on this thread, and combines the blocks
 * with `combine`, the function Node uses. A block's figures depend only on the seed and its index
 * (src/sim/blocks.ts) and `combine` orders them by index, so a seed gives exactly the results of
 * `stopout simulate --json`, whatever the number of workers and whichever finished first.
 *
 * The workers are started for the run and stopped after it; cancelling stops them at once.
 */
import type { Problem } from '../../core/result.js';
import { blockCount, type BlockResult } from '../../sim/blocks.js';
import { prepare } from '../../sim/prepare.js';
import type { ModelData, Simulation } from '../../sim/simulation.js';
import { combine, type SimulationResults } from '../../sim/statistics.js';
import type { FromBlockWorker, ToBlockWorker } from '../workers/simulation-worker.js';

/** What the runner needs of a worker: a way to send it a message, and to stop it. */
export interface BlockWorkerPort {
  send(message: ToBlockWorker): void;
  stop(): void;
}

/** What a worker tells the runner: its messages, and an error that stops it. */
export interface BlockWorkerEvents {
  message(message: FromBlockWorker): void;
  error(message: string): void;
}

/** Starts one worker wired to `events` (the page: a web worker; a test: the handler in-process). */
export type StartBlockWorker = (events: BlockWorkerEvents) => BlockWorkerPort;

export interface BrowserRunOptions {
  /** Workers to start; fewer when the run has fewer blocks. */
  readonly workers: number;
  readonly start: StartBlockWorker;
  /** Called with the paths finished so far, of `total`. */
  readonly onProgress?: (paths: number, total: number) => void;
  /** Aborting stops the workers and ends the run as cancelled. */
  readonly signal?: AbortSignal;
}

export type BrowserRun =
  | {
    readonly status: 'done';
    readonly results: SimulationResults;
    readonly simulation: Simulation;
    /** Every block, in index order (the loss histogram reads their `losses`). */
    readonly blocks: readonly BlockResult[];
    readonly workers: number;
  }
  | { readonly status: 'invalid'; readonly problems: readonly Problem[] }
  | { readonly status: 'failed'; readonly message: string }
  | { readonly status: 'cancelled' };

/** Block indexes queued at each worker at a time. */
const IN_FLIGHT = 2;

/** The workers a run gets: as many as asked for, at most one per block, at least one. */
export function workersFor(simulation: Simulation, available: number): number {
  return Math.max(1, Math.min(Math.floor(available), blockCount(simulation.paths)));
}

export function runInWorkers(input: unknown, data: ModelData | undefined, options: BrowserRunOptions): Promise<BrowserRun> {
  const prepared = prepare(input, data);
  if (!prepared.ok) return Promise.resolve({ status: 'invalid', problems: prepared.error });
  const simulation = prepared.value;
  const total = blockCount(simulation.paths);
  const count = workersFor(simulation, options.workers);
  const { signal, onProgress } = options;
  if (signal?.aborted) return Promise.resolve({ status: 'cancelled' });
  return new Promise((resolve) => {
    const blocks: BlockResult[] = [];
    const ports: BlockWorkerPort[] = [];
    let next = 0;
    let done = 0;
    let finished = false;
    const finish = (outcome: () => BrowserRun): void => {
      if (finished) return;
      finished = true;
      for (const port of ports) port.stop();
      signal?.removeEventListener('abort', onAbort);
      resolve(outcome());
    };
    const onAbort = (): void => finish(() => ({ status: 'cancelled' }));
    signal?.addEventListener('abort', onAbort);
    const handOut = (port: BlockWorkerPort): void => {
      if (next < total) port.send({ type: 'block', block: next++ });
    };
    const complete = (): BrowserRun => {
      const ordered = [...blocks].sort((a, b) => a.block - b.block);
      return { status: 'done', results: combine(simulation, ordered), simulation, blocks: ordered, workers: count };
    };
    for (let index = 0; index < count && !finished; index++) {
      const port = options.start({
        message: (message) => {
          if (finished) return;
          if (message.type === 'failed') {
            finish(() => ({ status: 'failed', message: message.message }));
            return;
          }
          blocks.push(message.result);
          done += message.result.paths;
          onProgress?.(done, simulation.paths);
          if (blocks.length === total) finish(complete);
          else handOut(port);
        },
        error: (message) => finish(() => ({ status: 'failed', message })),
      });
      ports.push(port);
      port.send({ type: 'prepare', input, data });
      for (let queued = 0; queued < IN_FLIGHT; queued++) handOut(port);
    }
  });
}
