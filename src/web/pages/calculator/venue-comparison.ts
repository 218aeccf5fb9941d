/**
 * The other venues, pure: the same snapshot with only `venue` replaced by each built-in id (a
 * custom venue object first, as "your venue"), each reported by the core with the ladder's 10 %
 * gap; a venue that cannot hold the positions is given the core's own problems (formatProblem).
 */
import { BUILT_IN_VENUES, formatProblem, reportFromJson, type DeficitPolicy, type ReportJson } from '../../../core/index.js';
import { withoutHoldingRates } from './holding-edit.js';
import { basisPointMove, deficitWords, directionsAtRisk, parsedSnapshot, remembered, text, type Snapshot } from './analysis.js';

export type CompareResult =
  | {
    readonly ok: true;
    readonly status: string;
    readonly deficitPolicy: string;
    readonly deficitWords: string;
    readonly liquidationPrices: readonly (string | null)[];
    readonly gap: { readonly move: string; readonly clientLoss: string; readonly debt: string } | null;
  }
  | { readonly ok: false; readonly problems: readonly string[] };

export interface CompareRow {
  /** The built-in venue id, or null for the snapshot's own custom venue ("your venue"). */
  readonly id: string | null;
  readonly name: string;
  /** The venue the snapshot names. */
  readonly current: boolean;
  readonly result: CompareResult;
}

/** The ladder's −10 % gap (+10 % for an account that is only short). */
export function comparisonGap(report: ReportJson): string | null {
  const [direction] = directionsAtRisk(report);
  return direction ? basisPointMove(direction, 1000) : null;
}

function compareResult(snapshot: Snapshot, venue: unknown, gap: string | null, policy: DeficitPolicy | undefined): CompareResult {
  // Without the holding rates: another venue may charge neither, and no figure compared depends on them.
  const result = reportFromJson({ ...withoutHoldingRates(snapshot), venue, shocks: gap ? [gap] : [] });
  if (!result.ok) return { ok: false, problems: result.error.map(formatProblem) };
  const report = result.value;
  const [shock] = report.shocks;
  return {
    ok: true,
    status: report.account.status ?? '',
    deficitPolicy: report.venue.deficitPolicy,
    deficitWords: policy ? deficitWords(policy) : report.venue.deficitPolicy,
    liquidationPrices: report.positions.map((position) => position.liquidationPrice ?? null),
    gap: shock ? { move: text(shock, 'move'), clientLoss: text(shock, 'clientLoss'), debt: text(shock, 'debt') } : null,
  };
}

/** The same positions at every built-in venue; a custom venue first, as "your venue". */
export function compareVenues(snapshot: Snapshot, report: ReportJson): CompareRow[] {
  return remembered(`compare\u0000${JSON.stringify(snapshot)}`, () => {
    const gap = comparisonGap(report);
    const own = snapshot.venue;
    const custom = typeof own === 'string' ? [] : [{
      id: null, name: report.venue.name, current: true,
      result: compareResult(snapshot, own, gap, parsedSnapshot(snapshot).venue.deficit),
    }];
    return [
      ...custom,
      ...Object.values(BUILT_IN_VENUES).map((venue) => ({
        id: venue.id, name: venue.name, current: own === venue.id, result: compareResult(snapshot, venue.id, gap, venue.deficit),
      })),
    ];
  });
}
