/**
 * "Import from your venue": what the venue's API returned, pasted (one box per response) or picked
 * as saved files, read in this page by the importers of `npx stopout import` (import-panel.ts). On
 * success the snapshot is loaded as a pasted snapshot is (the URL, the form, the report and the
 * charts follow), with what the import assumed and each figure the venue reported beside ours
 * (spec/import.md `--check`); on failure every problem is listed, "file: field: message", and the
 * account stays as it was. The check rows carry `data-field="import.check.<i>.<key>"`, paths no
 * report has (spec/web.md).
 */
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { Figure } from '../../components/Figure.js';
import { SelectField, TextAreaField } from '../../components/Field.js';
import { price } from '../../lib/format.js';
import type { CheckRow } from '../../../import/index.js';
import {
  acceptedKinds, CCXT, CCXT_VENUE_OPTIONS, checkSummaryText, fieldName, importedSummary, importResponses, IMPORT_VENUE_OPTIONS,
  pastedName, responsesOf, showsImported, type PanelOutcome, type ResponseText,
} from './import-panel.js';

export interface ImportPanelProps {
  /** The page's account now, to say when it is no longer the one imported. */
  readonly snapshot: unknown;
  /** Loads a snapshot as the pasted-snapshot box does (a new history entry). */
  readonly onLoad: (snapshot: unknown) => void;
}

const firstOption = (options: readonly (readonly [string, string])[]): string => options[0]?.[0] ?? '';

/** The picked files' names and texts, read in the page (nothing is sent anywhere). */
function readPicked(list: FileList | null): Promise<ResponseText[]> {
  const files = list ? Array.from(list) : [];
  return Promise.all(files.map(async (file) => ({ name: file.name, text: await file.text() })));
}

function FilePicker({ picked, onPicked }: { readonly picked: readonly ResponseText[]; readonly onPicked: (files: readonly ResponseText[]) => void }) {
  const id = useId();
  const [generation, setGeneration] = useState(0);
  const [error, setError] = useState<string | undefined>(undefined);
  const pick = (event: Event): void => {
    readPicked((event.currentTarget as HTMLInputElement).files).then((files) => {
      setError(undefined);
      onPicked(files);
    }, (problem: unknown) => setError(`the files could not be read: ${problem instanceof Error ? problem.message : String(problem)}`));
  };
  const forget = (): void => {
    onPicked([]);
    setGeneration(generation + 1);
  };
  return (
    <div class={`field${error ? ' invalid' : ''}`}>
      <label for={id}>Or pick the saved responses (JSON files)</label>
      <input key={generation} id={id} type="file" multiple accept=".json,application/json,text/plain" onChange={pick}
        aria-describedby={`${id}-hint${error ? ` ${id}-error` : ''}`} />
      <small id={`${id}-hint`} class="hint">Several at once; each keeps its name in the messages. Read in this page only.</small>
      {error ? <small id={`${id}-error`} class="error" role="alert">{error}</small> : null}
      {picked.length ? (
        <div class="calc-import-picked">
          <p class="calc-note">Picked: {picked.map((file) => file.name).join(', ')}</p>
          <button type="button" onClick={forget}>Forget the picked files</button>
        </div>
      ) : null}
    </div>
  );
}

function CheckTable({ check }: { readonly check: readonly CheckRow[] }) {
  const none = (text: string | null): string => (text === null ? 'none' : price(text));
  return (
    <div class="table-wrap" tabIndex={0} role="region" aria-label="The venue's figures beside ours (the table scrolls sideways)">
      <table class="calc-table calc-check">
        <caption class="visually-hidden">Each figure the venue reported, beside the report's own</caption>
        <thead>
          <tr>
            <th scope="col">Position</th><th scope="col">Field</th><th scope="col">The venue's</th><th scope="col">Ours</th>
            <th scope="col">Difference</th><th scope="col">Agrees</th><th scope="col">Why</th>
          </tr>
        </thead>
        <tbody>
          {check.map((row, index) => {
            const field = (key: string): string => `import.check.${index}.${key}`;
            return (
              <tr key={index} class={row.agrees ? undefined : 'marked'}>
                <th scope="row"><Figure field={field('position')} value={row.position} /></th>
                <td><Figure field={field('field')} value={row.field}>{fieldName(row.field)}</Figure></td>
                <td>
                  <Figure field={field('venue')} value={row.venue}>{none(row.venue)}</Figure>
                  <small class="calc-source"><Figure field={field('source')} value={row.source} /></small>
                </td>
                <td><Figure field={field('stopout')} value={row.stopout}>{none(row.stopout)}</Figure></td>
                <td><Figure field={field('difference')} value={row.difference}>{row.difference === null ? '–' : price(row.difference)}</Figure></td>
                <td>
                  <Figure field={field('agrees')} value={row.agrees} class={row.agrees ? 'calc-agrees' : 'calc-differs'}>
                    <span aria-hidden="true">{row.agrees ? '✓ ' : '✗ '}</span>{row.agrees ? 'agrees' : 'differs'}
                  </Figure>
                </td>
                <td class="calc-why"><Figure field={field('why')} value={row.why}>{row.why ?? '–'}</Figure></td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function Outcome({ outcome, snapshot }: { readonly outcome: PanelOutcome; readonly snapshot: unknown }) {
  if (!outcome.ok) {
    const count = outcome.problems.length;
    return (
      <div class="banner danger calc-import-problems" role="alert">
        <p>Nothing was imported: {count === 1 ? 'one problem' : `${count} problems`}, each naming the response and the field.</p>
        <ul class="calc-problems">{outcome.problems.map((problem, index) => <li key={index}>{problem}</li>)}</ul>
      </div>
    );
  }
  return (
    <>
      <p class="banner info" role="status">{importedSummary(outcome)}</p>
      {showsImported(snapshot, outcome.snapshot) ? null : (
        <p class="banner warn">The account has been changed since this import; what follows is of the account as imported.</p>
      )}
      {outcome.warnings.length ? (
        <>
          <h3>What the import assumed</h3>
          <ul class="calc-warnings calc-import-warnings">
            {outcome.warnings.map((warning, index) => <li key={index} class="banner warn">{warning}</li>)}
          </ul>
        </>
      ) : null}
      <h3>The venue's figures beside ours</h3>
      <p class="calc-note">{checkSummaryText(outcome.check)}</p>
      {outcome.check.length ? <CheckTable check={outcome.check} /> : null}
    </>
  );
}

export function ImportPanel({ snapshot, onLoad, focusOnOpen }: ImportPanelProps & { readonly focusOnOpen?: boolean }) {
  const [venue, setVenue] = useState(firstOption(IMPORT_VENUE_OPTIONS));
  const [ccxtVenue, setCcxtVenue] = useState(firstOption(CCXT_VENUE_OPTIONS));
  const [pasted, setPasted] = useState<readonly string[]>(['']);
  const [picked, setPicked] = useState<readonly ResponseText[]>([]);
  const [outcome, setOutcome] = useState<PanelOutcome | undefined>(undefined);
  const [focusBox, setFocusBox] = useState<number | undefined>(undefined);
  const boxes = useRef<HTMLDivElement>(null);
  const form = useRef<HTMLFormElement>(null);

  // Opened from its launcher (ImportLauncher.tsx): the focus goes to its first field.
  useEffect(() => {
    if (focusOnOpen) form.current?.querySelector('select')?.focus();
  }, []);

  // A box added or removed with the keyboard: the focus goes to the box it concerns.
  useEffect(() => {
    if (focusBox === undefined) return;
    boxes.current?.querySelectorAll('textarea')[focusBox]?.focus();
    setFocusBox(undefined);
  }, [focusBox]);

  const setBox = (index: number, text: string): void => setPasted(pasted.map((each, at) => (at === index ? text : each)));
  const addBox = (): void => {
    setPasted([...pasted, '']);
    setFocusBox(pasted.length);
  };
  const removeBox = (index: number): void => {
    setPasted(pasted.filter((_, at) => at !== index));
    setFocusBox(Math.max(0, index - 1));
  };
  const submit = (event: Event): void => {
    event.preventDefault();
    const result = importResponses(venue, responsesOf(pasted, picked), ccxtVenue);
    setOutcome(result);
    if (result.ok) onLoad(result.snapshot);
  };
  const kinds = acceptedKinds(venue);

  return (
    <section class="card calc-import" aria-labelledby="calc-import-heading">
      <h2 id="calc-import-heading">Import from your venue</h2>
      <p class="muted calc-note">
        Paste what the venue's API returned (or pick the responses you saved): the same import as <code>npx stopout import --check</code>,
        run in this page. Nothing leaves it.
      </p>
      <form ref={form} class="calc-import-form" onSubmit={submit} aria-label="Import from your venue">
        <SelectField label="Venue of the responses" value={venue} options={IMPORT_VENUE_OPTIONS} onValue={setVenue}
          hint={kinds.length ? `It reads: ${kinds.join('; ')}.` : undefined} />
        {venue === CCXT ? (
          <SelectField label="The venue the ccxt objects come from" value={ccxtVenue} options={CCXT_VENUE_OPTIONS} onValue={setCcxtVenue} />
        ) : null}
        <div ref={boxes}>
          {pasted.map((text, index) => (
            <div key={index} class="calc-import-box">
              <TextAreaField label={`Response ${index + 1} (JSON)`} value={text} rows={4} onValue={(value) => setBox(index, value)}
                hint={index === 0 ? 'One response a box, as the API sent it; any order. Messages call it "response 1".' : `Called "${pastedName(index)}" in messages.`} />
              {pasted.length > 1 ? (
                <button type="button" class="calc-remove" onClick={() => removeBox(index)}>Remove response {index + 1}</button>
              ) : null}
            </div>
          ))}
        </div>
        <div class="actions">
          <button type="button" onClick={addBox}>Add another response</button>
        </div>
        <FilePicker picked={picked} onPicked={setPicked} />
        <div class="actions">
          <button type="submit" class="primary">Import</button>
        </div>
      </form>
      <div class="calc-import-outcome">
        {outcome ? <Outcome outcome={outcome} snapshot={snapshot} /> : null}
      </div>
    </section>
  );
}
