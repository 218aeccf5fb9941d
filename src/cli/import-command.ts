/**
 * `stopout import <venue> [files…]` (spec/import.md): the venue's own API responses in, a report.md
 * snapshot out on standard output; `--check` sets each figure the venue reported beside the core's.
 * Files come saved, or fetched live: `--address` (Hyperliquid, dYdX: public data) or `--live` (a
 * read-only key in STOPOUT_<VENUE>_KEY and _SECRET). Nothing is written but standard output; what
 * was assumed goes to standard error as warnings; bad input is exit 2 with one line per problem.
 */
import Table from 'cli-table3';
import { formatImportProblem, importAccount, importAndCheck, type CheckRow, type ImportFile, type ImportProblem } from '../import/index.js';
import { fetchAccountFiles } from '../import/live/fetch-account.js';
import { EXIT_BAD_INPUT, EXIT_OK } from './exit-codes.js';
import { readJsonInput } from './read-input.js';
import type { CommandOutput } from './report-command.js';

export interface ImportOptions {
  readonly check?: boolean;
  readonly address?: string;
  readonly live?: boolean;
  readonly apiUrl?: string;
  readonly subaccount?: string;
  readonly venue?: string;
  readonly format: 'json' | 'table';
}

const failure = (problems: readonly ImportProblem[]): CommandOutput => ({
  stdout: '', stderr: `${problems.map(formatImportProblem).join('\n')}\n`, exitCode: EXIT_BAD_INPUT,
});

async function readFiles(paths: readonly string[]): Promise<{ files: ImportFile[]; problems: ImportProblem[] }> {
  const files: ImportFile[] = [];
  const problems: ImportProblem[] = [];
  for (const path of paths) {
    const input = await readJsonInput(path);
    if (input.ok) files.push({ name: path === '-' ? 'standard input' : path, value: input.value });
    else problems.push({ file: '', field: '', message: input.message });
  }
  return { files, problems };
}

function subaccountOf(text: string | undefined): number | ImportProblem | undefined {
  if (text === undefined) return undefined;
  return /^\d+$/.test(text) ? Number(text) : { file: '', field: '--subaccount', message: `must be a whole number such as 0 or 128, got ${JSON.stringify(text)}` };
}

export async function runImport(venue: string, paths: readonly string[], options: ImportOptions): Promise<CommandOutput> {
  const fetching = options.address !== undefined || options.live === true;
  if (fetching && paths.length > 0) {
    return failure([{ file: '', field: 'files', message: 'give saved files or fetch live (--address, --live), not both' }]);
  }
  if (!fetching && paths.length === 0) {
    return failure([{ file: '', field: 'files', message: `give the saved API responses of ${venue}, or fetch them with --address (hyperliquid, dydx-v4) or --live (binance-usdm, binance-coinm, bybit-linear)` }]);
  }
  let files: ImportFile[];
  if (fetching) {
    const subaccount = subaccountOf(options.subaccount);
    if (typeof subaccount === 'object') return failure([subaccount]);
    const fetched = await fetchAccountFiles(venue, {
      ...(options.address !== undefined ? { address: options.address } : {}),
      ...(options.live ? { live: true } : {}),
      ...(options.apiUrl !== undefined ? { apiUrl: options.apiUrl } : {}),
      ...(subaccount !== undefined ? { subaccount } : {}),
      env: process.env,
    });
    if (!fetched.ok) return failure(fetched.problems);
    files = fetched.files;
  } else {
    const read = await readFiles(paths);
    if (read.problems.length) return failure(read.problems);
    files = read.files;
  }
  const importOptions = options.venue !== undefined ? { venue: options.venue } : {};
  if (!options.check) {
    const imported = importAccount(venue, files, importOptions);
    if (!imported.ok) return failure(imported.error);
    return { stdout: `${JSON.stringify(imported.value.snapshot, null, 2)}\n`, stderr: warningsText(imported.value.warnings), exitCode: EXIT_OK };
  }
  const checked = importAndCheck(venue, files, importOptions);
  if (!checked.ok) return failure(checked.error);
  const { snapshot, check, warnings } = checked.value;
  const stdout = options.format === 'table' ? checkTable(check) : JSON.stringify({ snapshot, check }, null, 2);
  return { stdout: `${stdout}\n`, stderr: warningsText(warnings), exitCode: EXIT_OK };
}

function warningsText(warnings: readonly string[]): string {
  return warnings.map((warning) => `warning: ${warning}\n`).join('');
}

/** The check as a table: each figure the venue reported beside ours, agreeing or not, and why not. */
export function checkTable(rows: readonly CheckRow[]): string {
  const table = new Table({
    head: ['Position', 'Figure', 'Venue', 'Stopout', 'Difference', 'Agrees', 'Why not'],
    colAligns: ['left', 'left', 'right', 'right', 'right', 'left', 'left'],
    style: { head: [], border: [] },
    wordWrap: true,
    colWidths: [null, null, null, null, null, null, 48],
  });
  for (const row of rows) {
    table.push([row.position, row.field, row.venue ?? 'none', row.stopout ?? 'none', row.difference ?? '', row.agrees ? 'yes' : 'NO', row.why ?? '']);
  }
  const agree = rows.filter((row) => row.agrees).length;
  return `${table.toString()}\n${rows.length} figures the venue reported: ${agree} agree, ${rows.length - agree} do not.`;
}
