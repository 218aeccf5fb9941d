/**
 * What the import tests assert, in one place: an import that must succeed (with or without the
 * check), one that must be refused, a problem or a warning that must be among those given, and the
 * core's report of an imported snapshot.
 */
import assert from 'node:assert/strict';
import { buildReport } from '../../src/core/report/account-report.js';
import { reportToJson, type ReportJson } from '../../src/core/report/report-json.js';
import { parseSnapshot } from '../../src/core/snapshot/parse-snapshot.js';
import {
  importAccount, importAndCheck, type CheckedImport, type ImportFile, type ImportOptions, type ImportOutcome, type ImportProblem,
  type SnapshotJson,
} from '../../src/import/index.js';

export function importedOk(venue: string, files: readonly ImportFile[], options: ImportOptions = {}): ImportOutcome {
  const result = importAccount(venue, files, options);
  assert.ok(result.ok, result.ok ? '' : JSON.stringify(result.error, null, 1));
  return result.value;
}

export function checkedOk(venue: string, files: readonly ImportFile[], options: ImportOptions = {}): CheckedImport {
  const result = importAndCheck(venue, files, options);
  assert.ok(result.ok, result.ok ? '' : JSON.stringify(result.error, null, 1));
  return result.value;
}

export function refused(venue: string, files: readonly ImportFile[], options: ImportOptions = {}): readonly ImportProblem[] {
  const result = importAccount(venue, files, options);
  assert.equal(result.ok, false, 'the import should have been refused');
  return result.ok ? [] : result.error;
}

export function hasProblem(problems: readonly ImportProblem[], file: string, field: string, words: RegExp): void {
  assert.ok(
    problems.some((problem) => problem.file === file && problem.field === field && words.test(problem.message)),
    `expected a problem at ${file} ${field} matching ${String(words)}, got ${JSON.stringify(problems)}`,
  );
}

export function hasWarning(warnings: readonly string[], words: RegExp): void {
  assert.ok(warnings.some((warning) => words.test(warning)), `no warning matching ${String(words)} in ${JSON.stringify(warnings)}`);
}

/** The core's report of an imported snapshot. */
export function reportOf(snapshot: SnapshotJson): ReportJson {
  const parsed = parseSnapshot(snapshot);
  assert.ok(parsed.ok, parsed.ok ? '' : JSON.stringify(parsed.error));
  return reportToJson(buildReport(parsed.value));
}
