/**
 * The logic of "Import from your venue" (spec/import.md, in the browser): the responses a person
 * pasted or picked, as text with a name each ("response 1", or the file's own name), parsed as
 * JSON and handed to the same `importAndCheck` as `npx stopout import --check`. Either the snapshot,
 * the warnings and the check rows come back, or every problem as "file: field: message", and then
 * nothing is loaded. No DOM here: the panel (ImportPanel.tsx) only shows what this returns.
 */
import { BUILT_IN_VENUES } from '../../../core/index.js';
import {
  CCXT_SOURCE_VENUES, formatImportProblem, importAndCheck, importerFor, IMPORT_VENUES, type CheckRow, type ImportFile, type ImportProblem, type SnapshotJson,
} from '../../../import/index.js';

/** One response as the person gave it: pasted (named "response N") or a picked file (its own name). */
export interface ResponseText {
  readonly name: string;
  readonly text: string;
}

export type PanelOutcome =
  | {
    readonly ok: true;
    readonly venue: string;
    readonly files: readonly string[];
    readonly snapshot: SnapshotJson;
    readonly warnings: readonly string[];
    readonly check: readonly CheckRow[];
  }
  | { readonly ok: false; readonly problems: readonly string[] };

/** The import venues, as the select offers them (index.ts `IMPORT_VENUES`). */
export const IMPORT_VENUE_OPTIONS: readonly (readonly [string, string])[] = IMPORT_VENUES.map((venue) => [venue, venue]);

/** The built-in venues, for ccxt's `--venue`: which venue the unified objects come from. */
export const CCXT_VENUE_OPTIONS: readonly (readonly [string, string])[] =
  CCXT_SOURCE_VENUES.map((id) => [id, `${id}: ${BUILT_IN_VENUES[id]?.name ?? id}`]);

export const CCXT = 'ccxt';

/** The name a pasted response goes by in messages: "response 1", "response 2", … */
export function pastedName(index: number): string {
  return `response ${index + 1}`;
}

/** What the venue's importer reads, one kind a line: "positionRisk (GET /fapi/v2 or v3/positionRisk)". */
export function acceptedKinds(venue: string): readonly string[] {
  return importerFor(venue)?.kinds.map((kind) => kind.description) ?? [];
}

/** The pasted texts (blank boxes left out) and the picked files, in that order. */
export function responsesOf(pasted: readonly string[], picked: readonly ResponseText[]): ResponseText[] {
  const named = pasted.map((text, index): ResponseText => ({ name: pastedName(index), text }));
  return [...named, ...picked].filter((response) => response.text.trim() !== '');
}

type Parsed = { readonly ok: true; readonly value: ImportFile[] } | { readonly ok: false; readonly error: ImportProblem[] };

/** Each response's JSON, or one problem for each that is not JSON (the parser's own words). */
export function parseResponses(responses: readonly ResponseText[]): Parsed {
  const files: ImportFile[] = [];
  const problems: ImportProblem[] = [];
  for (const response of responses) {
    try {
      files.push({ name: response.name, value: JSON.parse(response.text) as unknown });
    } catch (error) {
      problems.push({ file: response.name, field: '', message: `not JSON: ${error instanceof Error ? error.message : String(error)}` });
    }
  }
  return problems.length ? { ok: false, error: problems } : { ok: true, value: files };
}

const refused = (problems: readonly ImportProblem[]): PanelOutcome => ({ ok: false, problems: problems.map(formatImportProblem) });

/**
 * The import of these responses as `venue` (with ccxt, `ccxtVenue` is `--venue`): the snapshot to
 * load, or every problem. Responses that are not JSON are refused before any is read as the venue's.
 */
export function importResponses(venue: string, responses: readonly ResponseText[], ccxtVenue: string): PanelOutcome {
  if (responses.length === 0) {
    return refused([{ file: '', field: '', message: 'nothing to import: paste a response of the venue\'s API, or pick the saved files' }]);
  }
  const parsed = parseResponses(responses);
  if (!parsed.ok) return refused(parsed.error);
  const result = importAndCheck(venue, parsed.value, venue === CCXT ? { venue: ccxtVenue } : {});
  if (!result.ok) return refused(result.error);
  const { snapshot, warnings, check } = result.value;
  return { ok: true, venue, files: responses.map((response) => response.name), snapshot, warnings, check };
}

const FIELD_NAMES: Readonly<Record<CheckRow['field'], string>> = {
  liquidationPrice: 'Liquidation price',
  unrealizedPnl: 'Unrealised P&L',
  initialMargin: 'Initial margin',
  maintenanceMargin: 'Maintenance margin',
  notional: 'Notional',
};

/** The check row's field as a person reads it: "Liquidation price". */
export function fieldName(field: CheckRow['field']): string {
  return FIELD_NAMES[field];
}

/** "4 figures: all 4 agree" / "5 figures: 4 agree, 1 does not". */
export function checkSummaryText(check: readonly CheckRow[]): string {
  const agree = check.filter((row) => row.agrees).length;
  const differ = check.length - agree;
  if (check.length === 0) return 'The venue sent no figure the report also gives.';
  const figures = check.length === 1 ? '1 figure' : `${check.length} figures`;
  if (differ === 0) return `${figures} of the venue's: ${check.length === 1 ? 'it agrees' : `all ${agree} agree`} with ours.`;
  return `${figures} of the venue's: ${agree} agree with ours, ${differ} ${differ === 1 ? 'does' : 'do'} not.`;
}

/** "Imported 2 positions from 3 responses (binance-usdm)". */
export function importedSummary(outcome: Extract<PanelOutcome, { ok: true }>): string {
  const count = outcome.snapshot.positions.length;
  const positions = count === 1 ? '1 position' : `${count} positions`;
  const files = outcome.files.length === 1 ? '1 response' : `${outcome.files.length} responses`;
  return `Imported ${positions} from ${files} of ${outcome.venue} (${outcome.files.join(', ')}): the account above and the report are now the venue's.`;
}

/** Whether the page still shows the account as imported (an edit since makes the check table history). */
export function showsImported(snapshot: unknown, imported: SnapshotJson): boolean {
  return JSON.stringify(snapshot) === JSON.stringify(imported);
}
