/**
 * Runs the replay of a scenario over its bars whenever either changes, and says how far it is:
 * `busy` (aria-busy on the results) holds until the outcome of exactly this scenario and these bars
 * is in, and a newer run cancels an older one, so the figures shown are never a mix of two runs.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Bar, Scenario } from '../../../core/index.js';
import { runReplay, type ReplayOutcome } from './run-replay.js';

export interface ReplayRun {
  /** The latest finished outcome: of the current inputs unless `busy`. */
  readonly outcome?: ReplayOutcome | undefined;
  readonly progress?: { readonly done: number; readonly total: number } | undefined;
  readonly busy: boolean;
  /** A thrown error: a bug in the page or the core, said plainly. */
  readonly failure?: string | undefined;
}

interface Finished {
  readonly text: string;
  readonly bars: readonly Bar[];
  readonly outcome?: ReplayOutcome;
  readonly failure?: string;
}

/** `text` identifies the scenario (its JSON); `bars` are compared by identity. */
export function useReplayRun(scenario: Scenario | undefined, text: string, bars: readonly Bar[] | undefined): ReplayRun {
  const [finished, setFinished] = useState<Finished | null>(null);
  const [progress, setProgress] = useState<{ done: number; total: number } | undefined>(undefined);
  const generation = useRef(0);
  const runnable = scenario !== undefined && bars !== undefined && scenario.prices !== undefined;

  useEffect(() => {
    if (!scenario || !bars || !scenario.prices) return;
    generation.current += 1;
    const mine = generation.current;
    const current = (): boolean => generation.current === mine;
    setProgress({ done: 0, total: bars.length });
    runReplay(scenario, bars, scenario.prices.instrument, {
      onProgress: (done, total) => { if (current()) setProgress({ done, total }); },
      cancelled: () => !current(),
    }).then(
      (outcome) => { if (outcome && current()) setFinished({ text, bars, outcome }); },
      (error: unknown) => { if (current()) setFinished({ text, bars, failure: (error as Error).message }); },
    );
  }, [text, bars]);

  useEffect(() => () => { generation.current += 1; }, []);

  const fresh = finished !== null && finished.text === text && finished.bars === bars;
  return {
    outcome: finished?.outcome,
    progress,
    busy: runnable && !fresh,
    failure: fresh ? finished?.failure : undefined,
  };
}
