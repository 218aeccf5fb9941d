/**
 * A simulation run of the page: started with an input, its progress while the workers run, then its
 * results (or why it failed, or that it was cancelled). Each run is tagged with the key of the input
 * it ran, so the page shows results only for the input it shows. A new run, a cancel and leaving
 * the page stop the workers of the run before.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { formatProblem } from '../../../core/index.js';
import type { Simulation, ModelData } from '../../../sim/simulation.js';
import { runInWorkers, workersFor, type BrowserRun } from '../../lib/simulation-runner.js';
import { availableWorkers, startWebWorker } from './start-web-worker.js';

export type DoneRun = Extract<BrowserRun, { status: 'done' }>;

export type RunState =
  | { readonly phase: 'idle' }
  | {
    readonly phase: 'running'; readonly key: string; readonly done: number; readonly total: number; readonly workers: number;
    /** Started by the user's Run (the results take the focus), not by a link (they are only scrolled to). */
    readonly byUser: boolean;
  }
  | { readonly phase: 'done'; readonly key: string; readonly input: unknown; readonly run: DoneRun }
  | { readonly phase: 'failed'; readonly key: string; readonly message: string }
  | { readonly phase: 'cancelled'; readonly key: string };

export interface SimulationRun {
  readonly state: RunState;
  /** Runs `input`, whose simulation (prepared by the page to check it) is `simulation`. */
  start(input: unknown, data: ModelData | undefined, key: string, simulation: Simulation, byUser: boolean): void;
  cancel(): void;
}

/** The state of a run about to start, so the results are busy from the very first render. */
export function runningState(simulation: Simulation, key: string, byUser: boolean): RunState {
  return { phase: 'running', key, done: 0, total: simulation.paths, workers: workersFor(simulation, availableWorkers()), byUser };
}

export function useSimulationRun(initial: RunState): SimulationRun {
  const [state, setState] = useState<RunState>(initial);
  const current = useRef<AbortController | null>(null);
  useEffect(() => () => current.current?.abort(), []);
  const start = (input: unknown, data: ModelData | undefined, key: string, simulation: Simulation, byUser: boolean): void => {
    current.current?.abort();
    const controller = new AbortController();
    current.current = controller;
    const mine = (): boolean => current.current === controller;
    setState(runningState(simulation, key, byUser));
    void runInWorkers(input, data, {
      workers: availableWorkers(),
      start: startWebWorker,
      signal: controller.signal,
      onProgress: (done, total) => {
        if (mine()) setState((before) => (before.phase === 'running' ? { ...before, done, total } : before));
      },
    }).then((outcome) => {
      if (!mine()) return;
      if (outcome.status === 'done') setState({ phase: 'done', key, input, run: outcome });
      else if (outcome.status === 'cancelled') setState({ phase: 'cancelled', key });
      else if (outcome.status === 'failed') setState({ phase: 'failed', key, message: outcome.message });
      else setState({ phase: 'failed', key, message: outcome.problems.map(formatProblem).join('\n') });
    });
  };
  return { state, start, cancel: () => current.current?.abort() };
}
