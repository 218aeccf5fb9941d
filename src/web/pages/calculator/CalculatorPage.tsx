/**
 * The calculator (`#/calculator`, spec/web.md): an account in (a report.md snapshot, from the form,
 * a pasted JSON or the link's `s`), its report out, computed in the browser by the same core as
 * `stopout report` (`reportFromJson`), once per change and handed to every panel. Every edit
 * replaces the URL (no new history entry), so a reload or a link shows the same account; loading a
 * pasted snapshot, or one imported from the venue's API responses (ImportPanel), adds one. A problem
 * shows under the field it names, or in the list above the report when no field holds it.
 */
import { useMemo } from 'preact/hooks';
import { reportFromJson } from '../../../core/index.js';
import { navigate } from '../../lib/router.js';
import { Answer } from './Answer.js';
import { CalculatorForm } from './CalculatorForm.js';
import { calculatorHash, readOrders, readSnapshot, type Orders } from './calculator-state.js';
import { CompareVenues } from './CompareVenues.js';
import { CrossMarginPanel } from './CrossMarginPanel.js';
import { ImportLauncher } from './ImportLauncher.js';
import { chartModel, type ChartModel } from './price-lines.js';
import { PriceCharts } from './PriceCharts.js';
import { placeProblems } from './problem-fields.js';
import { ReportView } from './ReportView.js';
import { SharePanel } from './SharePanel.js';
import { ShockLadder } from './ShockLadder.js';
import { isRecord } from './snapshot-edit.js';
import { WhyPanel } from './WhyPanel.js';
import './calculator.css';

const EMPTY_MODEL: ChartModel = { instruments: [], orderErrors: new Map() };

export function CalculatorPage({ query }: { readonly query: URLSearchParams; readonly id?: string }) {
  const encodedSnapshot = query.get('s');
  const encodedOrders = query.get('o');
  const read = useMemo(() => readSnapshot(encodedSnapshot), [encodedSnapshot]);
  const readOrdersResult = useMemo(() => readOrders(encodedOrders), [encodedOrders]);
  const snapshot = read.value;
  const orders = readOrdersResult.value;
  const result = useMemo(() => reportFromJson(snapshot), [snapshot]);
  const report = result.ok ? result.value : null;
  const placed = useMemo(() => placeProblems(result.ok ? [] : result.error, snapshot), [result, snapshot]);
  const model = useMemo(() => (report ? chartModel(snapshot, report, orders) : EMPTY_MODEL), [report, snapshot, orders]);

  const change = (next: unknown, nextOrders: Orders): void => navigate(calculatorHash(next, nextOrders), true);
  const load = (next: unknown): void => navigate(calculatorHash(next, {}), false);
  const linkProblems = [read.problem, readOrdersResult.problem].filter((problem): problem is string => problem !== undefined);
  const analysis = report && isRecord(snapshot) ? { snapshot, report } : null;
  const problemCount = result.ok ? 0 : result.error.length;

  return (
    <div class="calculator">
      <h1>Calculator: can I owe money here?</h1>
      <p class="muted calc-lead">
        One account at one venue: what it can lose, where the venue calls and closes, and who pays when the market gaps past it.
        Every figure is computed in this page by the same code as <code>npx stopout report</code>.
      </p>
      {linkProblems.map((problem) => (
        <p key={problem} class="banner danger" role="alert">The link's account could not be read ({problem}): showing the example account.</p>
      ))}
      {analysis ? <Answer {...analysis} /> : null}
      <div class="grid two">
        <div class="calc-inputs">
          <section class="card" aria-labelledby="calc-form-heading">
            <h2 id="calc-form-heading">Your account</h2>
            <CalculatorForm snapshot={snapshot} orders={orders} problems={placed} orderErrors={model.orderErrors}
              onChange={change} onLoad={load} />
            <div class="actions calc-reset">
              <button type="button" onClick={() => navigate('#/calculator', false)}>Start again from the example</button>
            </div>
          </section>
          <ImportLauncher snapshot={snapshot} onLoad={load} />
        </div>
        <div class="calc-results">
          {report ? <ReportView report={report} /> : (
            <section class="card" aria-labelledby="calc-problems-heading">
              <h2 id="calc-problems-heading">The report</h2>
              <p class="banner danger" role="alert">
                {problemCount === 1 ? 'One problem' : `${problemCount} problems`} to fix before the report: each is shown under its field.
              </p>
              {placed.unplaced.length ? (
                <>
                  <p>These belong to no field of the form (edit them in a JSON field, or paste a corrected snapshot):</p>
                  <ul class="calc-problems">{placed.unplaced.map((problem) => <li key={problem}>{problem}</li>)}</ul>
                </>
              ) : null}
            </section>
          )}
          {report ? <PriceCharts model={model} report={report} /> : null}
          {analysis ? (
            <>
              <CrossMarginPanel {...analysis} />
              <ShockLadder {...analysis} />
              <CompareVenues {...analysis} />
              <WhyPanel {...analysis} />
            </>
          ) : null}
          <SharePanel snapshot={snapshot} orders={orders} report={report} />
        </div>
      </div>
    </div>
  );
}
