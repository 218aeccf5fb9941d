/**
 * Which form field each of the core's problems belongs under. A problem names its field by a path
 * in the snapshot (`positions[1].quantity`, `account.balance`, `venue`, `marks.BTCUSDT`,
 * `shocks[0]`); a field is keyed by that same path. A problem on the field itself shows the core's
 * message; one inside a JSON field (a custom venue's override, an instrument's spec) or on a
 * position as a whole shows the whole formatted problem, path and all. What no field holds goes in
 * the list above the report.
 */
import { formatProblem, type Problem } from '../../../core/index.js';
import { asList, asRecord, markSymbols, POSITION_KEYS, type JsonRecord } from './snapshot-edit.js';
import { holdingSymbols, holdingTerms } from './holding-edit.js';

/** The core's notation for a child: `marks.BTCUSDT`, `marks["BTC/USD"]`, `positions[2]`. */
export function childPath(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  return /^[A-Za-z_][A-Za-z0-9_-]*$/.test(key) ? `${base}.${key}` : `${base}[${JSON.stringify(key)}]`;
}

export interface PlacedProblems {
  /** Field key (a snapshot path) -> the messages to show under it. */
  readonly byField: ReadonlyMap<string, readonly string[]>;
  /** Problems no field of the form holds, formatted with their paths. */
  readonly unplaced: readonly string[];
}

/** What a section of the form takes: the snapshot, its problems placed by field, and where an edit goes. */
export interface SnapshotSectionProps {
  readonly snapshot: unknown;
  readonly problems: PlacedProblems;
  readonly onSnapshot: (snapshot: JsonRecord) => void;
}

/** The fields of the form for this snapshot, each keyed by its path. */
export function formFields(snapshot: unknown): Set<string> {
  const fields = new Set(['venue', 'account.currency', 'account.balance', 'instruments', 'positions', 'marks', 'shocks']);
  asList(asRecord(snapshot).positions).forEach((_, index) => {
    const path = childPath('positions', index);
    fields.add(path);
    for (const key of POSITION_KEYS) fields.add(childPath(path, key));
  });
  for (const symbol of markSymbols(snapshot)) fields.add(childPath('marks', symbol));
  asList(asRecord(snapshot).shocks).forEach((_, index) => fields.add(childPath('shocks', index)));
  for (const key of holdingFieldKeys(snapshot)) fields.add(key);
  return fields;
}

/** The holding fields (HoldingFields.tsx): both sections, each funding rate, each financing entry and its figures. */
function holdingFieldKeys(snapshot: unknown): string[] {
  const terms = holdingTerms(snapshot);
  const keys = ['funding', 'financing'];
  if (terms.fundingIntervalHours !== undefined) keys.push(...holdingSymbols(snapshot, 'funding').map((symbol) => childPath('funding', symbol)));
  if (terms.financing) {
    for (const symbol of holdingSymbols(snapshot, 'financing')) {
      const path = childPath('financing', symbol);
      keys.push(path, ...['longRate', 'shortRate', 'longPoints', 'shortPoints'].map((key) => childPath(path, key)));
    }
  }
  return keys;
}

const inside = (path: string, base: string): boolean => path.startsWith(`${base}.`) || path.startsWith(`${base}[`);

/** The field holding a problem found deeper inside it, if the form has one. */
function enclosingField(path: string, fields: ReadonlySet<string>): string | undefined {
  for (const base of ['venue', 'instruments']) if (path === base || inside(path, base)) return base;
  const position = /^positions\[\d+\]/.exec(path)?.[0];
  if (position && fields.has(position)) return position;
  if (inside(path, 'marks')) return 'marks';
  if (inside(path, 'shocks')) return 'shocks';
  for (const base of ['funding', 'financing']) if (inside(path, base)) return base;
  return undefined;
}

export function placeProblems(problems: readonly Problem[], snapshot: unknown): PlacedProblems {
  const fields = formFields(snapshot);
  const byField = new Map<string, string[]>();
  const unplaced: string[] = [];
  const put = (field: string, message: string): void => {
    byField.set(field, [...(byField.get(field) ?? []), message]);
  };
  for (const problem of problems) {
    if (fields.has(problem.path)) put(problem.path, problem.message);
    else {
      const field = enclosingField(problem.path, fields);
      if (field) put(field, formatProblem(problem));
      else unplaced.push(formatProblem(problem));
    }
  }
  return { byField, unplaced };
}

/** The messages of one field as the text under it, one a line; undefined when it has none. */
export function fieldError(placed: PlacedProblems, field: string): string | undefined {
  const messages = placed.byField.get(field);
  return messages?.length ? messages.join('\n') : undefined;
}
