/** What every analysis panel of the calculator takes: the snapshot the report was made from, and that report. */
import type { ReportJson } from '../../../core/index.js';

export interface AnalysisProps {
  /** A snapshot the core accepted (report.md), as the JSON the user gave. */
  readonly snapshot: Readonly<Record<string, unknown>>;
  /** `reportFromJson(snapshot)`'s report. */
  readonly report: ReportJson;
}
