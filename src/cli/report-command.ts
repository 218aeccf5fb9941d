/** `stopout report FILE|-`: the risk report of one snapshot, as JSON or as tables. */
import { formatProblem, reportFromJson } from '../core/index.js';
import { EXIT_BAD_INPUT, EXIT_OK } from './exit-codes.js';
import { readJsonInput } from './read-input.js';
import { reportTable } from './report-table.js';

export type ReportFormat = 'json' | 'table';

export interface CommandOutput {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

export async function runReport(source: string, format: ReportFormat): Promise<CommandOutput> {
  const input = await readJsonInput(source);
  if (!input.ok) return { stdout: '', stderr: `${input.message}\n`, exitCode: EXIT_BAD_INPUT };
  const report = reportFromJson(input.value);
  if (!report.ok) {
    return { stdout: '', stderr: `${report.error.map(formatProblem).join('\n')}\n`, exitCode: EXIT_BAD_INPUT };
  }
  const stdout = format === 'table' ? reportTable(report.value) : JSON.stringify(report.value, null, 2);
  return { stdout: `${stdout}\n`, stderr: '', exitCode: EXIT_OK };
}
