/**
 * A simulation worker thread (pool.ts): takes tasks one at a time, builds the task's simulation from
 * its input (kept for the next task with the same input, its memos warm), claims blocks from the
 * task's shared counter and posts each back, then says it is done.
 */
import { parentPort } from 'node:worker_threads';
import { claimedBlocks, prepare } from './run.js';
import type { FromWorker, ToWorker } from './pool.js';
import type { Simulation } from './simulation.js';

const port = parentPort;
let last: { readonly key: string; readonly simulation: Simulation } | undefined;

function simulationFor(input: unknown, data: Parameters<typeof prepare>[1]): Simulation {
  const key = JSON.stringify({ input, data: data ? [data.bars.length, data.fundingRows?.length ?? null] : null });
  if (last?.key === key) return last.simulation;
  const prepared = prepare(input, data);
  if (!prepared.ok) throw new Error(prepared.error.map((problem) => `${problem.path}: ${problem.message}`).join('; '));
  last = { key, simulation: prepared.value };
  return prepared.value;
}

port?.on('message', (message: ToWorker) => {
  const { id, task } = message;
  try {
    const simulation = simulationFor(task.input, task.data);
    for (const result of claimedBlocks(simulation, task.next, task.everyTick)) {
      const transfer = result.variants.flatMap((variant) => [variant.losses.buffer, variant.liquidationSteps.buffer, variant.counts.buffer]);
      port.postMessage({ type: 'block', id, result } satisfies FromWorker, transfer as ArrayBuffer[]);
    }
    port.postMessage({ type: 'done', id } satisfies FromWorker);
  } catch (error) {
    port.postMessage({ type: 'failed', id, message: error instanceof Error ? error.message : String(error) } satisfies FromWorker);
  }
});
