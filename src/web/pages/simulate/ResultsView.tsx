/**
 * The results of the last run (spec/simulate.md results; spec/web.md figures): a progress bar while
 * the workers run, the container aria-busy until the figures are final; then every leaf of the
 * results JSON as a Figure (the run's figures here, each variant's in the table), the chances as
 * bars with error bars, the margin window of a leverage sweep, and the loss histogram.
 */
import { useEffect, useRef } from 'preact/hooks';
import { Figure } from '../../components/Figure.js';
import { ProgressBar } from '../../components/ProgressBar.js';
import { groupDigits } from '../../lib/format.js';
import type { Theme } from '../../lib/theme.js';
import { LossChart } from './LossChart.js';
import { MarginWindowChart } from './MarginWindowChart.js';
import { windowPoints } from './margin-window.js';
import { ProbabilityChart } from './ProbabilityChart.js';
import type { RunState } from './use-simulation-run.js';
import { VariantsTable } from './VariantsTable.js';

export interface ResultsViewProps {
  readonly state: RunState;
  /** The key of the input the page shows: results of another input are not shown. */
  readonly inputKey: string;
  readonly currency: string;
  readonly theme: Theme;
}

function Finished({ state, currency, theme }: { readonly state: Extract<RunState, { phase: 'done' }>; readonly currency: string; readonly theme: Theme }) {
  const { results, blocks, workers } = state.run;
  const points = windowPoints(state.input);
  return (
    <>
      <dl class="figures sim-summary">
        <dt>Paths</dt><dd><Figure field="paths" value={results.paths}>{groupDigits(String(results.paths))}</Figure></dd>
        <dt>Steps (observations a path)</dt><dd><Figure field="steps" value={results.steps}>{groupDigits(String(results.steps))}</Figure></dd>
        <dt>Horizon</dt><dd><Figure field="horizonDays" value={results.horizonDays}>{results.horizonDays} days</Figure></dd>
        <dt>Model</dt><dd><Figure field="model" value={results.model} /></dd>
        <dt>Seed</dt><dd><Figure field="seed" value={results.seed} /></dd>
      </dl>
      <p class="muted">Run on {workers} web worker{workers === 1 ? '' : 's'}; the same seed gives these figures on any number of them, and the same as <code>npx stopout simulate --json</code>.</p>
      <h3>The variants side by side</h3>
      <VariantsTable results={results} currency={currency} />
      <h3>Chances per variant, with error bars</h3>
      <ProbabilityChart results={results} theme={theme} />
      {points.length >= 2 ? (
        <>
          <h3>The margin window: chances against leverage</h3>
          <MarginWindowChart results={results} points={points} theme={theme} />
        </>
      ) : null}
      <h3>The client's loss at the horizon</h3>
      <LossChart results={results} blocks={blocks} currency={currency} theme={theme} />
    </>
  );
}

export function ResultsView({ state, inputKey, currency, theme }: ResultsViewProps) {
  const current = state.phase !== 'idle' && state.key === inputKey;
  const heading = useRef<HTMLHeadingElement>(null);
  // A run that starts brings its progress, then its results, into view (the form above is long);
  // one the user started takes the focus there too.
  const started = state.phase === 'running' ? `${state.byUser}\n${state.key}` : undefined;
  useEffect(() => {
    if (state.phase !== 'running') return;
    if (state.byUser) heading.current?.focus();
    else heading.current?.scrollIntoView({ block: 'start' });
  }, [started]);
  return (
    <section class="card sim-results" aria-labelledby="sim-results-heading" aria-busy={state.phase === 'running' ? 'true' : undefined}>
      <h2 id="sim-results-heading" ref={heading} tabIndex={-1}>Results</h2>
      {state.phase === 'running' ? (
        <>
          <ProgressBar label="Paths simulated" done={state.done} total={state.total} />
          <p class="muted">On {state.workers} web worker{state.workers === 1 ? '' : 's'}; the figures appear when every path is done.</p>
        </>
      ) : null}
      {state.phase === 'done' && current ? <Finished state={state} currency={currency} theme={theme} /> : null}
      {state.phase === 'cancelled' && current ? <p class="banner info">Cancelled: the workers were stopped, and there are no results.</p> : null}
      {state.phase === 'failed' && current ? <p class="banner danger sim-problems">The simulation failed: {state.message}</p> : null}
      {state.phase === 'idle' || (state.phase !== 'running' && !current) ? (
        <p class="muted">{state.phase === 'idle' ? 'Press Run to simulate: the results appear here.' : 'The input has changed since the last run: press Run for its results.'}</p>
      ) : null}
    </section>
  );
}
