/**
 * Running a simulation on all cores: the blocks (blocks.ts) striped over worker threads, each worker
 * building the same simulation from the same input, the main thread combining the blocks in order.
 * One worker runs in this thread. The results do not depend on the number of workers.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { err, ok, type Problem, type Result } from '../core/result.js';
import { blockCount, runBlock, type BlockResult } from './blocks.js';
import { parseSimulationInput } from './sim-input.js';
import { buildSimulation, type ModelData, type Simulation } from './simulation.js';
import { combine, type SimulationResults } from './statistics.js';

export interface RunOptions {
  /** Worker threads; default: the number of cores. */
  readonly workers?: number;
  /** Called with the paths finished so far. */
  readonly onProgress?: (paths: number) => void;
  /** Step the reducer on every observation (the reference the fast path is tested against). */
  readonly everyTick?: boolean;
}

export interface WorkerTask {
  readonly input: unknown;
  readonly data: ModelData | undefined;
  readonly worker: number;
  readonly workers: number;
  readonly everyTick: boolean;
}

export type WorkerMessage =
  | { readonly type: 'block'; readonly result: BlockResult }
  | { readonly type: 'failed'; readonly message: string };

export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}

/** Parses and builds, or says what is wrong with the input. */
export function prepare(input: unknown, data?: ModelData): Result<Simulation, readonly Problem[]> {
  const parsed = parseSimulationInput(input);
  if (!parsed.ok) return parsed;
  return buildSimulation(parsed.value, data);
}

/** The blocks of worker `worker` of `workers`: every workers-th block from its own index. */
export function* blocksOf(simulation: Simulation, worker: number, workers: number, everyTick: boolean): Generator<BlockResult> {
  const total = blockCount(simulation.paths);
  for (let block = worker; block < total; block += workers) yield runBlock(simulation, block, everyTick);
}

function workerUrl(): { url: URL; execArgv: string[] } {
  const typescript = import.meta.url.endsWith('.ts');
  return {
    url: new URL(typescript ? './worker.ts' : './worker.js', import.meta.url),
    execArgv: typescript ? ['--import', 'tsx'] : [],
  };
}

function runWorker(task: WorkerTask, onBlock: (result: BlockResult) => void): Promise<void> {
  const { url, execArgv } = workerUrl();
  return new Promise((resolve, reject) => {
    const worker = new Worker(url, { workerData: task, execArgv });
    let failed = false;
    worker.on('message', (message: WorkerMessage) => {
      if (message.type === 'block') onBlock(message.result);
      else { failed = true; reject(new Error(message.message)); }
    });
    worker.on('error', (error) => { failed = true; reject(error); });
    worker.on('exit', (code) => {
      if (failed) return;
      if (code === 0) resolve();
      else reject(new Error(`simulation worker ${task.worker} exited with code ${code}`));
    });
  });
}

export async function runSimulation(input: unknown, data: ModelData | undefined, options: RunOptions = {}): Promise<Result<SimulationResults, readonly Problem[]>> {
  const prepared = prepare(input, data);
  if (!prepared.ok) return err(prepared.error);
  const simulation = prepared.value;
  const total = blockCount(simulation.paths);
  const workers = Math.max(1, Math.min(options.workers ?? defaultWorkers(), total));
  const everyTick = options.everyTick ?? false;
  const blocks: BlockResult[] = [];
  let done = 0;
  const onBlock = (result: BlockResult): void => {
    blocks.push(result);
    done += result.paths;
    options.onProgress?.(done);
  };
  if (workers === 1) {
    for (const result of blocksOf(simulation, 0, 1, everyTick)) onBlock(result);
  } else {
    await Promise.all(Array.from({ length: workers }, (_, worker) => runWorker({ input, data, worker, workers, everyTick }, onBlock)));
  }
  return ok(combine(simulation, blocks));
}
