/** A simulation worker thread: builds the simulation from the task's input and runs its blocks (run.ts). */
import { parentPort, workerData } from 'node:worker_threads';
import { claimedBlocks, prepare, type WorkerMessage, type WorkerTask } from './run.js';

const task = workerData as WorkerTask;
const port = parentPort;
if (port) {
  try {
    const prepared = prepare(task.input, task.data);
    if (!prepared.ok) throw new Error(prepared.error.map((problem) => `${problem.path}: ${problem.message}`).join('; '));
    for (const result of claimedBlocks(prepared.value, task.next, task.everyTick)) {
      const transfer = result.variants.flatMap((variant) => [variant.losses.buffer, variant.liquidationSteps.buffer, variant.counts.buffer]);
      port.postMessage({ type: 'block', result } satisfies WorkerMessage, transfer as ArrayBuffer[]);
    }
  } catch (error) {
    port.postMessage({ type: 'failed', message: error instanceof Error ? error.message : String(error) } satisfies WorkerMessage);
  }
}
