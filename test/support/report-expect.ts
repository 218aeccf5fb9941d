/** The report of a snapshot given as JSON, as the CLI and the service make it: accepted, or refused with its problems. */
import assert from 'node:assert/strict';
import { formatProblem, reportFromJson, type ReportJson } from '../../src/core/index.js';

type Json = Record<string, unknown>;

export function report(snapshot: Json): ReportJson {
  const result = reportFromJson(snapshot);
  assert.ok(result.ok, result.ok ? '' : result.error.map(formatProblem).join('\n'));
  return result.value;
}

export function problems(snapshot: Json): string[] {
  const result = reportFromJson(snapshot);
  assert.ok(!result.ok, 'expected the snapshot to be refused');
  return result.error.map(formatProblem);
}
