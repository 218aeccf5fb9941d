/**
 * The replay's results: while it runs, its progress; then the answer, the candles with the events
 * marked and the equity below, the summary and the timeline. The container holds aria-busy until
 * the figures are final (spec/web.md).
 */
import { ProgressBar } from '../../components/ProgressBar.js';
import type { Theme } from '../../lib/theme.js';
import { EventTimeline } from './EventTimeline.js';
import { ReplayAnswer } from './ReplayAnswer.js';
import { ReplayChart } from './ReplayChart.js';
import { ReplaySummaryView } from './ReplaySummaryView.js';
import type { ReplayRun } from './use-replay-run.js';

export interface ReplayResultsProps {
  readonly run: ReplayRun;
  /** Whether the scenario and its prices are good to run. */
  readonly runnable: boolean;
  /** What to do first when they are not. */
  readonly message: string;
  readonly instrument: string;
  readonly theme: Theme;
}

export function ReplayResults({ run, runnable, message, instrument, theme }: ReplayResultsProps) {
  return (
    <div class="replay-results" aria-busy={run.busy ? 'true' : 'false'} aria-live="polite">
      {!runnable ? <p class="banner info">{message}</p> : null}
      {runnable && run.busy && run.progress ? <ProgressBar label="Replaying bars" done={run.progress.done} total={run.progress.total} /> : null}
      {run.failure ? <p class="banner danger" role="alert">The replay stopped on an error: {run.failure}</p> : null}
      {runnable && run.outcome ? (
        <>
          <ReplayAnswer outcome={run.outcome} />
          <section class="card" aria-labelledby="replay-chart">
            <h2 id="replay-chart">Prices, events and equity</h2>
            <ReplayChart bars={run.outcome.bars} events={run.outcome.events} instrument={instrument} currency={run.outcome.currency} theme={theme} />
          </section>
          <div class="grid two replay-tables">
            <section class="card" aria-labelledby="replay-summary">
              <h2 id="replay-summary">Summary</h2>
              <ReplaySummaryView outcome={run.outcome} />
            </section>
            <section class="card" aria-labelledby="replay-timeline">
              <h2 id="replay-timeline">Timeline</h2>
              <EventTimeline events={run.outcome.events} currency={run.outcome.currency} />
            </section>
          </div>
        </>
      ) : null}
    </div>
  );
}
