/**
 * `#/replay` (spec/web.md): a real crash, or a person's own price file, walked through the engine
 * exactly as `stopout replay` walks it (spec/engine.md). The page builds the scenario from the
 * fields (replay-form.ts), parses it with the core's parseScenario (its problems go under their
 * fields), runs the core's replay in the page, and shows the candles with the events marked, the
 * equity after each bar, the events and the summary, each figure the core's string with its
 * `data-field`. The state lives in the URL (replay-query.ts); editing replaces the history entry.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { formatProblem, parsePriceFile, parseScenario, toDecimalString, type Bar, type Problem } from '../../../core/index.js';
import { SelectField } from '../../components/Field.js';
import { navigate, routeHash } from '../../lib/router.js';
import { useTheme } from '../../lib/theme.js';
import { CRASHES, crashById } from '../../data/crashes/crashes.js';
import { CRASH_PRICES } from '../../data/crashes/crash-prices.js';
import { AccountFields } from './AccountFields.js';
import { CrashStory } from './CrashStory.js';
import { PriceFileField, type OwnPrices } from './PriceFileField.js';
import { ReplayResults } from './ReplayResults.js';
import { RunItYourself } from './RunItYourself.js';
import { buildScenario, fieldOfProblem, formFromPreset, type FieldName, type Opening } from './replay-form.js';
import { crashState, fileNameOf, presetIndex, queryOf, readQuery, type PageState } from './replay-query.js';
import { useReplayRun } from './use-replay-run.js';
import './replay.css';

const OWN = 'own';
const EDITED = 'edited';

function priceTextOf(state: PageState, own: OwnPrices | null): string | undefined {
  return state.source.kind === 'crash' ? CRASH_PRICES[state.source.crash.id] : own?.text;
}

function pricesOf(text: string | undefined): ReturnType<typeof parsePriceFile> | undefined {
  return text === undefined ? undefined : parsePriceFile(text);
}

/** Where the scenario opens its position: the first bar's time and open. */
function openingOf(bars: readonly Bar[] | undefined): Opening | undefined {
  const first = bars?.[0];
  return first ? { time: first.time, price: toDecimalString(first.open) } : undefined;
}

/** The core's problems by the field they are about; the rest for a banner. */
function sortProblems(problems: readonly Problem[]): { byField: Partial<Record<FieldName, string>>; rest: string[] } {
  const byField: Partial<Record<FieldName, string>> = {};
  const rest: string[] = [];
  for (const problem of problems) {
    const field = fieldOfProblem(problem.path);
    if (field) byField[field] = byField[field] ? `${byField[field]}\n${formatProblem(problem)}` : formatProblem(problem);
    else rest.push(formatProblem(problem));
  }
  return { byField, rest };
}

export function ReplayPage({ query }: { readonly query: URLSearchParams; readonly id?: string }) {
  const theme = useTheme();
  const queryText = query.toString();
  const [page, setPage] = useState<PageState>(() => readQuery(query));
  const [own, setOwn] = useState<OwnPrices | null>(null);
  const written = useRef(queryText);
  useEffect(() => {
    if (queryText === written.current) return;
    written.current = queryText;
    setPage(readQuery(query));
  }, [queryText]);

  const update = (next: PageState, nextOwn: OwnPrices | null = own): void => {
    setPage(next);
    const nextPrices = pricesOf(priceTextOf(next, nextOwn));
    const nextQuery = queryOf(next, openingOf(nextPrices?.ok ? nextPrices.value : undefined));
    if (!nextQuery) return;
    const hash = routeHash('/replay', nextQuery);
    written.current = hash.split('?')[1] ?? '';
    navigate(hash, true);
  };

  const priceText = priceTextOf(page, own);
  const parsedPrices = useMemo(() => pricesOf(priceText), [priceText]);
  const bars = parsedPrices?.ok ? parsedPrices.value : undefined;
  const fileError = parsedPrices && !parsedPrices.ok ? parsedPrices.error.map(formatProblem).join('\n') : '';
  const opening = openingOf(bars);
  const fileName = fileNameOf(page.source);

  const built = buildScenario(page.form, opening, fileName);
  const scenarioJson = built.ok ? JSON.stringify(built.scenario, null, 2) : '';
  const parsed = useMemo(() => (built.ok ? parseScenario(built.scenario) : undefined), [scenarioJson]);
  const problems = built.ok ? sortProblems(parsed && !parsed.ok ? parsed.error : []) : { byField: { [built.field]: built.message }, rest: [] };
  const scenario = parsed?.ok && opening ? parsed.value : undefined;
  const run = useReplayRun(scenario, scenarioJson, bars);
  const runnable = scenario !== undefined && bars !== undefined;

  const preset = presetIndex(page);
  const crash = page.source.kind === 'crash' ? page.source.crash : undefined;
  const chooseSource = (value: string): void => {
    if (value === OWN) update({ source: { kind: 'own', fileName: own?.name ?? 'prices.csv' }, form: page.form });
    else {
      const chosen = crashById(value);
      if (chosen) update(crashState(chosen));
    }
  };
  const choosePreset = (value: string): void => {
    const chosen = crash?.presets[Number(value)];
    if (crash && chosen) update({ source: page.source, form: formFromPreset(chosen) });
  };
  const loadOwn = (prices: OwnPrices): void => {
    setOwn(prices);
    update({ source: { kind: 'own', fileName: prices.name }, form: page.form }, prices);
  };
  const instrument = scenario?.prices?.instrument ?? page.form.instrument;
  const waiting = bars ? 'Correct the fields marked above to run the replay.'
    : own ? 'Correct the price file to run the replay.'
      : `Choose or paste a price file to run the replay (this link names ${fileName}: a link keeps the account, not the prices).`;

  return (
    <section class="replay" aria-labelledby="replay-title">
      <h1 id="replay-title">Crash replays</h1>
      <p class="muted replay-intro">
        Real crashes, bar by bar, through a venue's real rules: when the margin call comes, where the position is closed, and who pays
        when the market gaps past it. Every figure is computed in your browser by the same engine as <code>npx stopout replay</code>.
      </p>
      {page.problem ? <p class="banner warn" role="alert">The link could not be read ({page.problem}); showing {CRASHES[0]?.title} instead.</p> : null}

      <section class="card" aria-labelledby="replay-choose">
        <h2 id="replay-choose">Choose a crash and an account</h2>
        <div class="row">
          <SelectField label="Prices" value={crash?.id ?? OWN} onValue={chooseSource} class="wide"
            options={[...CRASHES.map((each) => [each.id, each.title] as const), [OWN, 'Your own price file']]} />
          {crash ? (
            <SelectField label="Account" value={preset === undefined ? EDITED : String(preset)} onValue={choosePreset} class="wide"
              options={[
                ...crash.presets.map((each, index) => [String(index), each.label] as const),
                ...(preset === undefined ? [[EDITED, 'Your own account (edited below)'] as const] : []),
              ]} />
          ) : null}
        </div>
        {crash ? <CrashStory crash={crash} bars={bars?.length ?? 0} /> : <PriceFileField prices={own} error={fileError} onPrices={loadOwn} />}
        {crash && fileError ? <p class="banner danger" role="alert">{fileError}</p> : null}
        <AccountFields form={page.form} errors={problems.byField} onChange={(form) => update({ source: page.source, form })} />
        {problems.rest.length ? <div class="banner danger" role="alert">{problems.rest.map((line) => <p key={line}>{line}</p>)}</div> : null}
      </section>

      <ReplayResults run={run} runnable={runnable} message={waiting} instrument={instrument} theme={theme} />

      {built.ok ? (
        <section class="card" aria-labelledby="replay-yourself">
          <h2 id="replay-yourself">Run it yourself</h2>
          <RunItYourself scenarioJson={scenarioJson} fileName={fileName} priceText={crash ? priceText : undefined} />
        </section>
      ) : null}
    </section>
  );
}
