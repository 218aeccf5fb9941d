/**
 * A web worker of the simulator (spec/web.md: the results computed in web workers). The page's
 * runner (lib/simulation-runner.ts) sends the input once ("prepare"), then one block index at a time
 * ("block"); the worker builds the simulation once with the simulator's own `prepare` and answers
 * each index with `runBlock(simulation, index)`, the same function as Node's worker threads, its
 * typed arrays transferred rather than copied. A block depends only on the seed and its index, so
 * which worker ran it never changes the results.
 *
 * No SharedArrayBuffer: a page opened from file:// is not cross-origin isolated, so the blocks are
 * handed out by message instead of claimed from a shared counter.
 */
import { runBlock, type BlockResult } from '../../sim/blocks.js';
import { prepare } from '../../sim/prepare.js';
import type { ModelData, Simulation } from '../../sim/simulation.js';

export type ToBlockWorker =
  | { readonly type: 'prepare'; readonly input: unknown; readonly data: ModelData | undefined }
  | { readonly type: 'block'; readonly block: number };

export type FromBlockWorker =
  | { readonly type: 'block'; readonly result: BlockResult }
  | { readonly type: 'failed'; readonly message: string };

/** Posts a message, handing over the buffers in `transfer`. */
export type PostFromWorker = (message: FromBlockWorker, transfer: ArrayBuffer[]) => void;

/** The buffers of a block's typed columns, moved to the page instead of copied. */
export function blockBuffers(result: BlockResult): ArrayBuffer[] {
  return result.variants.flatMap((variant) => [variant.counts.buffer, variant.losses.buffer, variant.liquidationSteps.buffer] as ArrayBuffer[]);
}

/** The worker's answer to each message: the simulation built on "prepare", a block run on "block". */
export function blockWorkerHandler(post: PostFromWorker): (message: ToBlockWorker) => void {
  let simulation: Simulation | undefined;
  return (message) => {
    try {
      if (message.type === 'prepare') {
        const prepared = prepare(message.input, message.data);
        if (!prepared.ok) throw new Error(prepared.error.map((problem) => `${problem.path}: ${problem.message}`).join('; '));
        simulation = prepared.value;
        return;
      }
      if (!simulation) throw new Error('a block was asked for before the simulation was prepared');
      const result = runBlock(simulation, message.block, false);
      post({ type: 'block', result }, blockBuffers(result));
    } catch (error) {
      post({ type: 'failed', message: error instanceof Error ? error.message : String(error) }, []);
    }
  };
}

interface WorkerScope {
  postMessage(message: unknown, transfer: ArrayBuffer[]): void;
  addEventListener(type: 'message', listener: (event: { readonly data: ToBlockWorker }) => void): void;
}

// Inside a dedicated worker (which has importScripts), answer the page; imported elsewhere (a test
// runs the handler in-process), do nothing.
if ('importScripts' in globalThis) {
  const scope = globalThis as unknown as WorkerScope;
  const handle = blockWorkerHandler((message, transfer) => scope.postMessage(message, transfer));
  scope.addEventListener('message', (event) => handle(event.data));
}
