/**
 * Why: the venue's formulas filled in with this account's numbers, as the core implements them,
 * and the documents the venue profile follows (formulas.ts `explain`). The account's own rules
 * first, then one disclosure per position; every result shown is the report's figure.
 */
import { useId, useMemo } from 'preact/hooks';
import type { AnalysisProps } from './analysis-props.js';
import type { FormulaLine } from './formulas.js';
import { explain } from './formulas.js';
import { Pieces } from './Answer.js';
import './analysis.css';

function Lines({ lines }: { readonly lines: readonly FormulaLine[] }) {
  return (
    <dl class="formulas">
      {lines.map((line, index) => (
        <div key={`${line.label}-${index}`} class="formula">
          <dt>{line.label}</dt>
          <dd><Pieces pieces={line.pieces} /></dd>
        </div>
      ))}
    </dl>
  );
}

export function WhyPanel({ snapshot, report }: AnalysisProps) {
  const key = JSON.stringify(snapshot);
  const view = useMemo(() => explain(snapshot, report), [key]);
  const heading = useId();
  return (
    <section class="card analysis why" aria-labelledby={heading} data-why>
      <h2 id={heading}>Why: the venue's formulas with your numbers</h2>
      <p>{view.venue}. {view.rule}</p>
      <h3>The account</h3>
      <Lines lines={view.account} />
      {view.positions.length ? <h3>Each position</h3> : null}
      {view.positions.map((position) => (
        <details key={position.index} open={view.positions.length === 1}>
          <summary>{position.title}</summary>
          <Lines lines={position.lines} />
        </details>
      ))}
      <h3>Sources</h3>
      <ul class="sources">
        {view.sources.map((source) => (
          <li key={source.title}>
            {source.url ? <a href={source.url} target="_blank" rel="noopener noreferrer">{source.title}</a> : source.title}
          </li>
        ))}
      </ul>
    </section>
  );
}
