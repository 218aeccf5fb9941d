/**
 * Worker threads for simulations. A pool keeps its threads between runs (unreferenced while idle,
 * so they never hold the process open): a service or a benchmark pays for starting them once, and a
 * thread that ran the same input before starts with its memos and its compiled code warm. A run
 * without a pool of its own gets a pool for that run alone.
 */
import { Worker } from 'node:worker_threads';
import type { BlockResult } from './blocks.js';
import type { ModelData } from './simulation.js';

export interface WorkerTask {
  readonly input: unknown;
  readonly data: ModelData | undefined;
  /** One Int32: the next block to claim (Atomics.add). */
  readonly next: SharedArrayBuffer;
  readonly everyTick: boolean;
}

export interface ToWorker {
  readonly id: number;
  readonly task: WorkerTask;
}

export type FromWorker =
  | { readonly type: 'block'; readonly id: number; readonly result: BlockResult }
  | { readonly type: 'done'; readonly id: number }
  | { readonly type: 'failed'; readonly id: number; readonly message: string };

/**
 * A worker thread running worker.js; under tsx (tests, benchmarks run from the sources) it runs
 * worker.ts, with tsx's loader registered in the thread first.
 */
function startWorker(): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./worker.js', import.meta.url));
  const source = new URL('./worker.ts', import.meta.url).href;
  const bootstrap = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(source)}); });`;
  return new Worker(bootstrap, { eval: true });
}

export class SimulationPool {
  private readonly threads: Worker[] = [];
  private nextId = 0;
  /** Runs take the pool one at a time. */
  private queue: Promise<unknown> = Promise.resolve();

  /** Starts `count` threads now (a pool starts them on first use otherwise). */
  warm(count: number): void {
    while (this.threads.length < count) {
      const worker = startWorker();
      worker.unref();
      this.threads.push(worker);
    }
  }

  /** Runs the task on `count` threads of the pool; `onBlock` gets each block as it arrives. */
  run(task: WorkerTask, count: number, onBlock: (result: BlockResult) => void): Promise<void> {
    const run = this.queue.then(() => this.runNow(task, count, onBlock));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private runNow(task: WorkerTask, count: number, onBlock: (result: BlockResult) => void): Promise<void> {
    if (count <= 0) return Promise.resolve();
    this.warm(count);
    const id = this.nextId++;
    return Promise.all(this.threads.slice(0, count).map((worker) => new Promise<void>((resolve, reject) => {
      const finish = (error?: Error): void => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.unref();
        if (error) reject(error);
        else resolve();
      };
      const onMessage = (message: FromWorker): void => {
        if (message.id !== id) return;
        if (message.type === 'block') onBlock(message.result);
        else finish(message.type === 'failed' ? new Error(message.message) : undefined);
      };
      const onError = (error: Error): void => finish(error);
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.ref();
      worker.postMessage({ id, task } satisfies ToWorker);
    }))).then(() => undefined);
  }

  /** Stops the threads. */
  async close(): Promise<void> {
    const threads = this.threads.splice(0);
    await Promise.all(threads.map((worker) => worker.terminate()));
  }
}
