/**
 * Running a simulation on all cores: this thread and workers - 1 worker threads (pool.ts) claim
 * blocks (blocks.ts) one at a time from a shared counter, each thread building the same simulation
 * from the same input; this thread combines the blocks in index order. Which thread ran a block
 * never changes what it holds, so the results do not depend on the number of workers.
 * Building the simulation from the input (prepare.ts) is browser-safe; this file is Node's.
 */
import { availableParallelism } from 'node:os';
import { err, ok, type Problem, type Result } from '../core/result.js';
import { blockCount, runBlock, type BlockResult } from './blocks.js';
import { SimulationPool } from './pool.js';
import { prepare } from './prepare.js';
import type { ModelData, Simulation } from './simulation.js';
import { combine, type SimulationResults } from './statistics.js';

/** Where worker.ts and the tests have always found it. */
export { prepare };

export interface RunOptions {
  /** Threads, this one included; default: the number of cores, fewer for a run too small to share. */
  readonly workers?: number;
  /** Called with the paths finished so far. */
  readonly onProgress?: (paths: number) => void;
  /** Step the reducer on every observation (the reference the fast path is tested against). */
  readonly everyTick?: boolean;
  /** Threads kept between runs (pool.ts); default: threads started for this run and stopped after it. */
  readonly pool?: SimulationPool;
}

export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}

/**
 * A thread takes about a tenth of a second to start and warm up, so a run gets one only for each
 * quarter-second of work it has (about 5 ns a path-step per account): small runs stay on this
 * thread. The results are the same either way.
 */
const SECONDS_PER_PATH_STEP = 5e-9;
const SECONDS_PER_THREAD = 0.25;

function worthwhileThreads(simulation: Simulation): number {
  const seconds = simulation.paths * simulation.steps * (1 + simulation.variants.length) * SECONDS_PER_PATH_STEP;
  return Math.max(1, Math.floor(seconds / SECONDS_PER_THREAD));
}

/** Blocks claimed from the shared counter until none is left. */
export function* claimedBlocks(simulation: Simulation, next: SharedArrayBuffer, everyTick: boolean): Generator<BlockResult> {
  const counter = new Int32Array(next);
  const total = blockCount(simulation.paths);
  for (let block = Atomics.add(counter, 0, 1); block < total; block = Atomics.add(counter, 0, 1)) yield runBlock(simulation, block, everyTick);
}

export async function runSimulation(input: unknown, data: ModelData | undefined, options: RunOptions = {}): Promise<Result<SimulationResults, readonly Problem[]>> {
  const prepared = prepare(input, data);
  if (!prepared.ok) return err(prepared.error);
  const simulation = prepared.value;
  const total = blockCount(simulation.paths);
  // As many threads as asked for (up to one per block); by default, the cores the work is worth.
  const workers = Math.max(1, Math.min(options.workers ?? Math.min(defaultWorkers(), worthwhileThreads(simulation)), total));
  const everyTick = options.everyTick ?? false;
  const blocks: BlockResult[] = [];
  let done = 0;
  const onBlock = (result: BlockResult): void => {
    blocks.push(result);
    done += result.paths;
    options.onProgress?.(done);
  };
  const next = new SharedArrayBuffer(4);
  const pool = options.pool ?? new SimulationPool();
  try {
    const others = pool.run({ input, data, next, everyTick }, workers - 1, onBlock);
    for (const result of claimedBlocks(simulation, next, everyTick)) {
      onBlock(result);
      // Let the workers' blocks in between ours, so progress moves with all of them.
      if (workers > 1) await new Promise((resolve) => setImmediate(resolve));
    }
    await others;
  } finally {
    if (!options.pool) await pool.close();
  }
  return ok(combine(simulation, blocks));
}
