/**
 * `stopout simulate SIM.json`: many price paths through the engine (spec/simulate.md). A readable
 * table (default, with a progress bar on a terminal) or the results object (--json). --paths,
 * --seed and --workers override the input; the results of a seed do not depend on --workers.
 * A bootstrap or replay model's file, and model.funding's file (Binance's funding-rate history), are
 * read relative to the simulation file (or, failing that, to the working directory), as `replay`
 * reads its price and funding files.
 */
import { readFile } from 'node:fs/promises';
import Table from 'cli-table3';
import { formatProblem, parseFundingFile, parseInstant, type FundingRow } from '../core/index.js';
import { BLOCK_PATHS } from '../sim/blocks.js';
import { runSimulation } from '../sim/run.js';
import type { ModelData } from '../sim/simulation.js';
import type { SimulationResults, VariantResults } from '../sim/statistics.js';
import { EXIT_BAD_INPUT, EXIT_OK } from './exit-codes.js';
import { groupDigits } from './money-text.js';
import { locateBeside, readPriceBars } from './price-input.js';
import { Progress } from './progress.js';
import { COMPACT, PLAIN } from './replay-table.js';
import { readJsonInput } from './read-input.js';
import type { CommandOutput } from './report-command.js';

export interface SimulateOptions {
  readonly json?: boolean;
  readonly paths?: string;
  readonly seed?: string;
  readonly workers?: string;
}

const failure = (message: string): CommandOutput => ({ stdout: '', stderr: `${message}\n`, exitCode: EXIT_BAD_INPUT });

function wholeNumber(option: string, text: string | undefined, minimum: number, maximum: number): number | string | undefined {
  if (text === undefined) return undefined;
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < minimum || value > maximum) return `${option}: must be a whole number from ${minimum} to ${maximum}, got ${JSON.stringify(text)}`;
  return value;
}

/** The rows of model.funding's file, or what is wrong with it (one line per problem, each naming the field and the file). */
async function fundingRows(input: unknown, source: string): Promise<readonly FundingRow[] | undefined | string> {
  const funding = (input as { model?: { funding?: { file?: unknown } } } | null)?.model?.funding;
  if (typeof funding !== 'object' || funding === null || typeof funding.file !== 'string' || funding.file === '') return undefined;
  const path = await locateBeside(funding.file, source);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a directory, not a file' : (error as Error).message;
    return `model.funding.file: cannot read ${path}: ${reason}`;
  }
  const rows = parseFundingFile(text);
  return rows.ok ? rows.value : rows.error.map((problem) => `model.funding.file: ${path}: ${formatProblem(problem)}`).join('\n');
}

/** The bars of a bootstrap or replay model's file and the rows of a funding file, or the reason they cannot be read. */
async function modelData(input: unknown, source: string): Promise<ModelData | undefined | string> {
  const rows = await fundingRows(input, source);
  if (typeof rows === 'string') return rows;
  const bars = await modelBars(input, source);
  if (typeof bars === 'string') return bars;
  if (!bars && !rows) return undefined;
  return { bars: bars?.bars ?? [], ...(rows ? { fundingRows: rows } : {}) };
}

/** The bars of a bootstrap or replay model's file, or the one-line reason they cannot be read. */
async function modelBars(input: unknown, source: string): Promise<ModelData | undefined | string> {
  const model = (input as { model?: { type?: unknown; file?: unknown; from?: unknown; to?: unknown } } | null)?.model;
  if (!model || (model.type !== 'bootstrap' && model.type !== 'replay') || typeof model.file !== 'string' || model.file === '') return undefined;
  const path = await locateBeside(model.file, source);
  const from = typeof model.from === 'string' ? parseInstant(model.from) : undefined;
  const to = typeof model.to === 'string' ? parseInstant(model.to) : undefined;
  const read = await readPriceBars(path, 'model.file', { ...(from ? { fromMs: from.ms } : {}), ...(to ? { toMs: to.ms } : {}) });
  if ('error' in read) return read.error.startsWith('model.file: ') ? read.error : read.error.split('\n').map((line) => `model.file: ${line}`).join('\n');
  return { bars: read.bars };
}

export async function runSimulate(source: string, options: SimulateOptions): Promise<CommandOutput> {
  const paths = wholeNumber('--paths', options.paths, 1, 1e9);
  const seed = wholeNumber('--seed', options.seed, 0, Number.MAX_SAFE_INTEGER);
  const workers = wholeNumber('--workers', options.workers, 1, 256);
  const bad = [paths, seed, workers].filter((value): value is string => typeof value === 'string');
  if (bad.length) return failure(bad.join('\n'));
  const read = await readJsonInput(source);
  if (!read.ok) return failure(read.message);
  let input = read.value;
  if (typeof input === 'object' && input !== null && !Array.isArray(input)) {
    input = { ...input, ...(typeof paths === 'number' ? { paths } : {}), ...(typeof seed === 'number' ? { seed } : {}) };
  }
  const data = await modelData(input, source);
  if (typeof data === 'string') return failure(data);
  const declared = (input as { paths?: unknown }).paths;
  const total = typeof declared === 'number' && Number.isSafeInteger(declared) ? declared : 10_000;
  const progress = new Progress('simulating', total > BLOCK_PATHS ? total : 0);
  let shown = 0;
  const result = await runSimulation(input, data, {
    ...(typeof workers === 'number' ? { workers } : {}),
    onProgress: (done) => { progress.tick(done - shown); shown = done; },
  });
  progress.done();
  if (!result.ok) return failure(result.error.map(formatProblem).join('\n'));
  if (options.json) return { stdout: `${JSON.stringify(result.value, null, 2)}\n`, stderr: '', exitCode: EXIT_OK };
  return { stdout: `${resultsTable(result.value)}\n`, stderr: '', exitCode: EXIT_OK };
}

function chance(results: VariantResults, name: keyof VariantResults['probabilities']): string {
  const p = Number(results.probabilities[name]);
  const se = Number(results.standardErrors[name]);
  return `${(100 * p).toFixed(2)} % ± ${(100 * se).toFixed(2)}`;
}

/** Money for reading: to the cent, grouped (the JSON keeps the currency's own decimals). */
function money(text: string): string {
  return groupDigits(Number(text).toFixed(2));
}

const ROWS: readonly (readonly [string, (variant: VariantResults) => string])[] = [
  ['margin call', (variant) => chance(variant, 'marginCall')],
  ['liquidation', (variant) => chance(variant, 'liquidation')],
  ['below zero (a deficit)', (variant) => chance(variant, 'negativeBalance')],
  ['client owes a debt', (variant) => chance(variant, 'debt')],
  ['mean loss', (variant) => money(variant.loss.mean)],
  ['VaR 95 % / ES 95 %', (variant) => `${money(variant.loss.var95)} / ${money(variant.loss.es95)}`],
  ['VaR 99 % / ES 99 %', (variant) => `${money(variant.loss.var99)} / ${money(variant.loss.es99)}`],
  ['mean debt / largest', (variant) => `${money(variant.debt.mean)} / ${money(variant.debt.max)}`],
  ['venue loss (mean)', (variant) => money(variant.venueLoss.mean)],
  ['funds added (mean)', (variant) => money(variant.fundsAdded.mean)],
  ['fees / funding / financing paid (mean)', (variant) => `${money(variant.costs.fees)} / ${money(variant.costs.funding)} / ${money(variant.costs.financing)}`],
  ['liquidated by day p10 / p50 / p90', (variant) => {
    const { p10, p50, p90 } = variant.timeToLiquidationDays;
    return p50 === null ? '-' : `${p10} / ${p50} / ${p90}`;
  }],
];

/** A probability for reading: a percentage to two places. */
function percent(text: string | undefined): string {
  return text === undefined ? '-' : `${(100 * Number(text)).toFixed(2)} %`;
}

/** One row per day of liquidationByDay (every variant has the same days): the odds as they grow over the horizon. */
function liquidationByDayRows(results: SimulationResults): (readonly [string, (variant: VariantResults) => string])[] {
  const days = Object.keys(results.variants[0]?.liquidationByDay ?? {});
  return days.map((day) => [`  by day ${day}`, (variant) => percent(variant.liquidationByDay[day])] as const);
}

/** The variants side by side, one row per figure; probabilities with one standard error. */
export function resultsTable(results: SimulationResults): string {
  const table = new Table({
    head: ['', ...results.variants.map((variant) => variant.name)],
    style: PLAIN, chars: COMPACT,
    colAligns: ['left', ...results.variants.map(() => 'right' as const)],
  });
  // The liquidation row, then the share liquidated by each day: how the odds grow over the horizon.
  const after = ROWS.findIndex(([label]) => label === 'liquidation') + 1;
  const rows = [...ROWS.slice(0, after), ...liquidationByDayRows(results), ...ROWS.slice(after)];
  for (const [label, cell] of rows) table.push([label, ...results.variants.map(cell)]);
  const title = `${groupDigits(String(results.paths))} path${results.paths === 1 ? "" : "s"} × ${results.steps} steps over ${results.horizonDays} days (${results.model}, seed ${results.seed}); losses are the client's, in the account currency`;
  return `${title}\n${table.toString()}`;
}
