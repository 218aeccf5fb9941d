/**
 * The simulator page, `#/simulate` (spec/web.md; spec/simulate.md): the simulation input in, edited
 * as the JSON it is and kept in the URL (`?s=<base64url>`, replaced on every edit), checked on every
 * edit by the simulator's own `prepare` with its problems under their fields; the results out,
 * computed in web workers when the user presses Run, or at once for a link with `&run=1`. A bootstrap
 * or replay reads a price file the user picks; the file is not in the link.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { formatProblem, parseInstant, parsePriceFile, type Bar, type Problem, type Result } from '../../../core/index.js';
import { prepare } from '../../../sim/prepare.js';
import type { ModelData } from '../../../sim/simulation.js';
import { navigate, routeHash } from '../../lib/router.js';
import { useTheme } from '../../lib/theme.js';
import { decodeState, encodeState } from '../../lib/url-state.js';
import { AccountField } from './AccountField.js';
import type { FormContext, SimulationInput } from './bind-field.js';
import { DEFAULT_INPUT } from './default-input.js';
import { fieldText, valueAt, withValue } from './input-paths.js';
import { LeverageSweep } from './LeverageSweep.js';
import { ModelFields } from './ModelFields.js';
import type { PickedFile } from './PriceFileField.js';
import { looseProblems, problemsLeft } from './problems.js';
import { ResultsView } from './ResultsView.js';
import { RunFields } from './RunFields.js';
import { runningState, useSimulationRun } from './use-simulation-run.js';
import { VariantsEditor } from './VariantsEditor.js';
import './simulate.css';

interface FormState {
  readonly input: SimulationInput;
  /** The account as the user typed it (it may not be JSON yet). */
  readonly accountText: string;
  readonly accountError?: string;
  /** Why the link's `s` could not be read (the default input is shown instead). */
  readonly linkError?: string;
}

function formOf(input: SimulationInput, linkError?: string): FormState {
  return { input, accountText: JSON.stringify(input.account ?? {}, null, 2), ...(linkError ? { linkError } : {}) };
}

function formFromLink(encoded: string): FormState {
  if (!encoded) return formOf(DEFAULT_INPUT);
  const decoded = decodeState(encoded);
  if (!decoded.ok) return formOf(DEFAULT_INPUT, decoded.message);
  const value = decoded.value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return formOf(DEFAULT_INPUT, 's: a simulation must be a JSON object');
  return formOf(value as SimulationInput);
}

/** The bars of the picked file, in the model's from/to window, when the model reads a file. */
function fileBars(picked: PickedFile | undefined, input: SimulationInput): Result<Bar[], readonly Problem[]> | undefined {
  const type = valueAt(input, 'model.type');
  if (!picked || (type !== 'bootstrap' && type !== 'replay')) return undefined;
  const from = parseInstant(fieldText(valueAt(input, 'model.from')));
  const to = parseInstant(fieldText(valueAt(input, 'model.to')));
  return parsePriceFile(picked.text, { ...(from ? { fromMs: from.ms } : {}), ...(to ? { toMs: to.ms } : {}) });
}

/** The model's data when the file's bars are good. */
function modelData(bars: ReturnType<typeof fileBars>): ModelData | undefined {
  return bars?.ok ? { bars: bars.value } : undefined;
}

export function SimulatePage({ query }: { readonly query: URLSearchParams }) {
  const encoded = query.get('s') ?? '';
  const autoRun = query.get('run') === '1';
  const theme = useTheme();
  const [form, setForm] = useState(() => formFromLink(encoded));
  const [picked, setPicked] = useState<PickedFile | undefined>(undefined);
  const [fileVersion, setFileVersion] = useState(0);
  const written = useRef(encoded);
  const { input } = form;
  const inputKey = JSON.stringify(input);
  const runKey = `${inputKey}\n${fileVersion}`;
  const bars = useMemo(() => fileBars(picked, input), [picked, fieldText(valueAt(input, 'model.type')), fieldText(valueAt(input, 'model.from')), fieldText(valueAt(input, 'model.to'))]);
  const data = useMemo(() => modelData(bars), [bars]);
  const fileError = picked && bars && !bars.ok ? bars.error.map((problem) => `${picked.name}: ${formatProblem(problem)}`).join('\n') : undefined;
  const check = useMemo(() => prepare(input, data), [inputKey, data]);
  const problems = check.ok ? [] : check.error;
  const runnable = check.ok && !form.accountError;
  const run = useSimulationRun(autoRun && check.ok ? runningState(check.value, runKey, false) : { phase: 'idle' });
  const running = run.state.phase === 'running';

  // A link opened, or the URL changed from outside (back, forward): show its input; run it on `run=1`.
  useEffect(() => {
    let shown = form;
    if (encoded !== written.current) {
      written.current = encoded;
      shown = formFromLink(encoded);
      setForm(shown);
    }
    if (!autoRun) return;
    const linkedData = modelData(fileBars(picked, shown.input));
    const prepared = prepare(shown.input, linkedData);
    if (prepared.ok) run.start(shown.input, linkedData, `${JSON.stringify(shown.input)}\n${fileVersion}`, prepared.value, false);
  }, [encoded, autoRun]);

  const update = (next: SimulationInput, more: Partial<FormState> = {}): void => {
    const { linkError: _dropped, ...rest } = form;
    setForm({ ...rest, ...more, input: next });
    const text = encodeState(next);
    written.current = text;
    navigate(routeHash('/simulate', { s: text }), true);
  };
  const context: FormContext = { input, problems, onInput: (next) => update(next) };
  const onAccountText = (text: string): void => {
    try {
      update({ ...input, account: JSON.parse(text) as unknown }, { accountText: text, accountError: undefined });
    } catch (error) {
      setForm({ ...form, accountText: text, accountError: `not JSON: ${(error as Error).message}` });
    }
  };
  const onFile = (file: PickedFile): void => {
    setPicked(file);
    setFileVersion((version) => version + 1);
    update(withValue(input, 'model.file', file.name));
  };
  const loose = looseProblems(problems);
  const currency = fieldText(valueAt(input, 'account.account.currency'));
  return (
    <div class="sim-page">
      <h1>Simulator</h1>
      <p class="sim-lead">
        Many price paths through the same engine as the calculator, to price what one snapshot cannot: how likely a margin call,
        a liquidation, a balance below zero and a debt are, and how large the loss. It runs in this page, on web workers.
      </p>
      {form.linkError ? <p class="banner danger" role="alert">The link's simulation could not be read ({form.linkError}); this is the default one.</p> : null}
      <form onSubmit={(event) => {
        event.preventDefault();
        if (check.ok && runnable && !running) run.start(input, data, runKey, check.value, true);
      }}>
        <fieldset class="sim-fieldset" disabled={running}>
          <div class="grid two">
            <div>
              <ModelFields context={context} picked={picked} fileError={fileError} onFile={onFile} />
              <RunFields context={context} />
            </div>
            <div>
              <AccountField text={form.accountText} account={form.accountError ? undefined : valueAt(input, 'account')} onText={onAccountText}
                error={form.accountError ?? problemsLeft(problems, 'account', [])} />
              <section class="card" aria-labelledby="sim-variants-heading">
                <h2 id="sim-variants-heading">Variants</h2>
                <VariantsEditor context={context} />
                <LeverageSweep context={context} data={data} />
              </section>
            </div>
          </div>
        </fieldset>
        {loose.length ? (
          <ul class="sim-problems" role="alert">{loose.map((problem, index) => <li key={index}>{formatProblem(problem)}</li>)}</ul>
        ) : null}
        <div class="actions sim-run-bar">
          <button type="submit" class="primary" disabled={!runnable || running}>Run</button>
          {running ? <button type="button" onClick={run.cancel}>Cancel</button> : null}
          {runnable ? <a class="button" href={routeHash('/simulate', { s: encodeState(input), run: '1' })}>Link to these results</a> : null}
          {!runnable && !running ? <span class="muted">Fix the input above to run it.</span> : null}
        </div>
      </form>
      <ResultsView state={run.state} inputKey={runKey} currency={currency} theme={theme} />
    </div>
  );
}
