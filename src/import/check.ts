/**
 * `--check`: each figure the venue reported beside ours, from the core's own report of the
 * imported snapshot (one source of truth: the same numbers `stopout report` prints).
 *
 * Agreement (spec/import.md): a price within one tick of the instrument (a relative 1e-7 where it
 * has no tick); an amount within one unit of the last decimal the venue sent, or of the last
 * decimal the account currency books where that is coarser (ours is rounded there, by name).
 */
import { abs, compare, decimal, multiply, parseDecimal, sign, subtract, toDecimalString, dec, type Decimal } from '../core/money/decimal.js';
import { buildReport } from '../core/report/account-report.js';
import { reportToJson } from '../core/report/report-json.js';
import { parseSnapshot } from '../core/snapshot/parse-snapshot.js';
import { formatProblem, type Problem, type Result } from '../core/result.js';
import type { CheckedField, SnapshotJson, VenueFigure } from './import-types.js';

export interface CheckRow {
  readonly position: string;
  readonly field: CheckedField;
  readonly venue: string | null;
  readonly stopout: string | null;
  readonly difference: string | null;
  readonly agrees: boolean;
  readonly why: string | null;
  /** Where the venue's figure came from. */
  readonly source: string;
}

const RELATIVE_WITHOUT_TICK = dec('0.0000001');

function unitOf(value: Decimal): Decimal {
  return decimal(1n, value.scale);
}

function larger(a: Decimal, b: Decimal): Decimal {
  return compare(a, b) >= 0 ? a : b;
}

function toleranceFor(field: CheckedField, venue: Decimal, ours: Decimal, tick: Decimal | undefined): Decimal {
  if (field === 'liquidationPrice') return tick ?? abs(multiply(venue, RELATIVE_WITHOUT_TICK));
  return larger(unitOf(venue), unitOf(ours));
}

/** The report of the imported snapshot, and each venue figure beside its own. */
export function checkFigures(
  snapshotJson: SnapshotJson, figures: readonly VenueFigure[],
): Result<CheckRow[], readonly Problem[]> {
  const snapshot = parseSnapshot(snapshotJson);
  if (!snapshot.ok) return snapshot;
  const report = reportToJson(buildReport(snapshot.value));
  const rows = figures.map((figure): CheckRow => {
    const position = report.positions.find((each) => each.id === figure.position);
    const instrument = snapshot.value.positions.find((each) => each.id === figure.position)?.instrument;
    const ours = position ? position[figure.field] ?? null : null;
    const venueValue = figure.venue === null ? undefined : parseDecimal(figure.venue);
    const ourValue = ours === null ? undefined : parseDecimal(ours);
    const base = { position: figure.position, field: figure.field, venue: figure.venue, stopout: ours };
    if (!venueValue || !ourValue) {
      const agrees = !venueValue && !ourValue;
      return { ...base, difference: null, agrees, why: agrees ? null : figure.why ?? noneWhy(ours), source: figure.source };
    }
    const difference = subtract(ourValue, venueValue);
    const tolerance = toleranceFor(figure.field, venueValue, ourValue, instrument?.tickSize);
    const agrees = compare(abs(difference), tolerance) <= 0;
    return {
      ...base,
      difference: toDecimalString(difference),
      agrees,
      why: agrees ? null : figure.why ?? null,
      source: figure.source,
    };
  });
  return { ok: true, value: rows };
}

function noneWhy(ours: string | null): string {
  return ours === null
    ? 'the venue shows a liquidation price, but no positive price of this instrument alone liquidates the account at ours'
    : 'the venue shows none (Binance sends "0", Bybit "" when the price is out of its range), where ours is a price';
}

export function checkProblemsText(problems: readonly Problem[]): string {
  return problems.map((problem) => `the imported snapshot: ${formatProblem(problem)}`).join('\n');
}

/** Counts for a one-line summary: "12 figures: 11 agree, 1 does not". */
export function checkSummary(rows: readonly CheckRow[]): { readonly figures: number; readonly agree: number } {
  return { figures: rows.length, agree: rows.filter((row) => row.agrees).length };
}

export function isSignificant(value: string | null): boolean {
  const parsed = value === null ? undefined : parseDecimal(value);
  return parsed !== undefined && sign(parsed) !== 0;
}
