/**
 * The page's workers: workers/simulation-worker.ts built into the page as a blob (vite.config.ts),
 * so they start from file:// too, wired to the runner (lib/simulation-runner.ts). As many as the
 * browser reports cores.
 */
import SimulationWorker from '../../workers/simulation-worker.ts?worker&inline';
import type { StartBlockWorker } from '../../lib/simulation-runner.js';
import type { FromBlockWorker } from '../../workers/simulation-worker.js';

export const startWebWorker: StartBlockWorker = (events) => {
  const worker = new SimulationWorker();
  worker.onmessage = (event: MessageEvent<FromBlockWorker>) => events.message(event.data);
  worker.onerror = (event) => {
    event.preventDefault();
    events.error(event.message || 'a simulation worker stopped with an error');
  };
  return { send: (message) => worker.postMessage(message), stop: () => worker.terminate() };
};

/** The browser's cores (navigator.hardwareConcurrency), at least one. */
export function availableWorkers(): number {
  return Math.max(1, navigator.hardwareConcurrency || 1);
}
