/**
 * Funding-rate history files -> the `funding` commands replay applies, in time order. The layouts
 * Binance publishes its funding history in:
 *
 * - GET /fapi/v1/fundingRate (Binance USDⓈ-M API, "Get Funding Rate History"): a JSON array of
 *   `{"symbol", "fundingTime", "fundingRate", "markPrice"}`, fundingTime in epoch milliseconds, the
 *   rate and the mark as decimal strings (markPrice "" on old rows);
 * - the same as CSV, header `symbol,fundingTime,fundingRate,markPrice` (columns in any order,
 *   others ignored, markPrice optional and may be empty);
 * - Binance's public data dumps (data.binance.vision, futures/um/monthly/fundingRate):
 *   `calc_time,funding_interval_hours,last_funding_rate`, one symbol a file and no symbol column,
 *   so the scenario's `funding.instrument` names it.
 *
 * fundingTime: epoch milliseconds (digits under 10^11 are read as seconds, as in price files) or
 * ISO 8601 text. Rates and prices are read as decimal text, never through a float. Every problem
 * names its line (CSV) or entry (JSON) and its field; nothing is replayed from a file with one.
 *
 * Payment = rate × notional at the mark, longs paying a positive rate (Binance "Introduction to
 * Binance Futures Funding Rates": funding amount = nominal value of positions × funding rate): the
 * engine's `funding` command does the arithmetic; this file only says when and at what rate.
 */
import type { Instrument } from '../instrument/instrument.js';
import { abs, compare, ONE, parseDecimal, sign } from '../money/decimal.js';
import { asInstrumentId, asPrice, asRate, type InstrumentId, type Price, type Rate } from '../money/units.js';
import { err, ok, type Problem, type Result } from '../result.js';
import type { Command } from '../engine/engine-types.js';
import { formatInstant, instantOf, parseInstant } from '../engine/instant.js';

export interface FundingRow {
  /** Where the row is, for messages: "line 4" in a CSV file, "[3]" in a JSON array. */
  readonly where: string;
  /** Absent when the file has no symbol column (a data.binance.vision dump). */
  readonly symbol?: string;
  readonly ms: number;
  readonly rate: Rate;
  readonly markPrice?: Price;
}

/** Which rows a replay applies, and what it knows to check them against. */
export interface FundingSelection {
  /** The instruments the account knows (the scenario's engine state). */
  readonly instruments: ReadonlyMap<string, Instrument>;
  /** The scenario's `funding.instrument`: only its rows, the others skipped with a warning. */
  readonly instrument?: InstrumentId;
  /** The instrument the price file prices: its ticks are the marks, so its rows' markPrice is not applied. */
  readonly priced?: InstrumentId;
  /** The price window (`prices.from`/`prices.to`): payments outside it are skipped, as bars are. */
  readonly fromMs?: number;
  readonly toMs?: number;
}

export interface FundingSchedule {
  /** `funding` commands in time order, each with its row's time, a row's markPrice as a `mark` just before it. */
  readonly commands: readonly Command[];
  readonly payments: number;
  /** Rows for symbols other than `funding.instrument`, by symbol: left out. */
  readonly skipped: ReadonlyMap<string, number>;
}

const MAX_PROBLEMS = 20;
const LAYOUT_HELP = 'needs the columns symbol, fundingTime and fundingRate (markPrice optional), as Binance\'s GET /fapi/v1/fundingRate, '
  + 'or calc_time and last_funding_rate (a data.binance.vision dump)';

const COLUMN_NAMES = {
  symbol: ['symbol'],
  time: ['fundingtime', 'calc_time'],
  rate: ['fundingrate', 'last_funding_rate'],
  markPrice: ['markprice'],
} as const;

type Column = keyof typeof COLUMN_NAMES;
type Layout = Partial<Record<Column, number>>;

/** The cells of one CSV line; a cell in double quotes loses them (exports that quote every cell). */
function cellsOf(line: string): string[] {
  return line.replace(/\r$/, '').split(',').map((cell) => cell.trim().replace(/^"(.*)"$/, '$1'));
}

function layoutOf(header: readonly string[]): Layout | string {
  const names = header.map((cell) => cell.toLowerCase());
  const layout: Layout = {};
  for (const column of Object.keys(COLUMN_NAMES) as Column[]) {
    const index = names.findIndex((name) => (COLUMN_NAMES[column] as readonly string[]).includes(name));
    if (index >= 0) layout[column] = index;
  }
  const missing = [layout.time === undefined ? 'fundingTime' : '', layout.rate === undefined ? 'fundingRate' : ''].filter(Boolean);
  return missing.length ? `${LAYOUT_HELP}; no ${missing.join(' or ')} column in ${JSON.stringify(header.join(','))}` : layout;
}

/** Epoch milliseconds (or seconds, under 10^11), or ISO 8601 text; undefined for anything else. */
function readTime(text: string): number | undefined {
  if (/^\d{9,16}$/.test(text)) {
    const value = Number(text);
    return value >= 1e11 ? value : value * 1000;
  }
  return parseInstant(text)?.ms;
}

/** The pieces of one row as text (JSON numbers already refused), checked one field at a time. */
interface RawRow {
  readonly where: string;
  readonly symbol?: string;
  readonly time: string;
  readonly rate: string;
  readonly markPrice?: string;
}

function field(where: string, name: string): string {
  return where.startsWith('[') ? `${where}.${name}` : `${where}, ${name}`;
}

function checkRow(raw: RawRow, problems: Problem[]): FundingRow | undefined {
  const before = problems.length;
  const problem = (name: string, code: Problem['code'], message: string): void => {
    problems.push({ path: field(raw.where, name), code, message });
  };
  if (raw.symbol !== undefined && raw.symbol === '') problem('symbol', 'input/required', 'required: the contract, such as "BTCUSDT"');
  const ms = raw.time === '' ? undefined : readTime(raw.time);
  if (ms === undefined) {
    problem('fundingTime', raw.time === '' ? 'input/required' : 'input/wrong-type',
      `must be epoch milliseconds such as 1672531200000 or an ISO 8601 time, got ${JSON.stringify(raw.time)}`);
  }
  const rate = parseDecimal(raw.rate);
  if (!rate) problem('fundingRate', raw.rate === '' ? 'input/required' : 'input/not-a-decimal', `must be a decimal such as "0.00010000", got ${JSON.stringify(raw.rate)}`);
  else if (compare(abs(rate), ONE) >= 0) problem('fundingRate', 'input/out-of-range', `a funding rate is a fraction of notional below 1 ("0.0001" = 0.01 %), got ${JSON.stringify(raw.rate)}`);
  const mark = raw.markPrice ? parseDecimal(raw.markPrice) : undefined;
  if (raw.markPrice && (!mark || sign(mark) <= 0)) problem('markPrice', 'input/not-a-decimal', `must be a positive decimal or empty, got ${JSON.stringify(raw.markPrice)}`);
  if (problems.length > before || ms === undefined || !rate) return undefined;
  return {
    where: raw.where, ms, rate: asRate(rate),
    ...(raw.symbol !== undefined ? { symbol: raw.symbol } : {}),
    ...(mark ? { markPrice: asPrice(mark) } : {}),
  };
}

function csvRows(text: string): { rows: RawRow[] } | { problems: Problem[] } {
  const lines = text.split('\n');
  const headerIndex = lines.findIndex((line) => line.trim() !== '');
  if (headerIndex < 0) return { problems: [{ path: 'header', code: 'input/malformed', message: `the file is empty: it ${LAYOUT_HELP}` }] };
  const layout = layoutOf(cellsOf(lines[headerIndex] ?? ''));
  if (typeof layout === 'string') return { problems: [{ path: `line ${headerIndex + 1}`, code: 'input/malformed', message: layout }] };
  const rows: RawRow[] = [];
  const cell = (cells: readonly string[], column: Column): string | undefined => {
    const index = layout[column];
    return index === undefined ? undefined : cells[index] ?? '';
  };
  for (let index = headerIndex + 1; index < lines.length; index += 1) {
    const line = lines[index] ?? '';
    if (line.trim() === '') continue;
    const cells = cellsOf(line);
    const symbol = cell(cells, 'symbol');
    const markPrice = cell(cells, 'markPrice');
    rows.push({
      where: `line ${index + 1}`, time: cell(cells, 'time') ?? '', rate: cell(cells, 'rate') ?? '',
      ...(symbol !== undefined ? { symbol } : {}), ...(markPrice !== undefined ? { markPrice } : {}),
    });
  }
  return { rows };
}

/** A JSON value as the text of one field: strings as they are; numbers refused (a rate is never a float) except an integer time. */
function jsonText(value: unknown, path: string, name: string, problems: Problem[], integerAllowed: boolean): string | undefined {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number' && integerAllowed && Number.isSafeInteger(value)) return String(value);
  problems.push({
    path: `${path}.${name}`, code: typeof value === 'number' ? 'input/not-a-decimal' : 'input/wrong-type',
    message: typeof value === 'number'
      ? `must be a decimal written as a string, as Binance sends it (a JSON number is a float), got the number ${String(value)}`
      : `must be a string, got ${Array.isArray(value) ? 'an array' : typeof value}`,
  });
  return undefined;
}

function jsonRows(text: string): { rows: RawRow[] } | { problems: Problem[] } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { problems: [{ path: '', code: 'input/malformed', message: `not valid JSON: ${(error as Error).message}` }] };
  }
  if (!Array.isArray(value)) {
    const message = typeof value === 'object' && value !== null && 'msg' in value ? `: ${String((value as { msg: unknown }).msg)}` : '';
    return { problems: [{ path: '', code: 'input/wrong-type', message: `must be the JSON array GET /fapi/v1/fundingRate returns, got ${typeof value === 'object' && value !== null ? 'an object' : typeof value}${message}` }] };
  }
  const problems: Problem[] = [];
  const rows: RawRow[] = [];
  value.forEach((entry: unknown, index) => {
    const where = `[${index}]`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      problems.push({ path: where, code: 'input/wrong-type', message: 'must be an object {"symbol", "fundingTime", "fundingRate", "markPrice"}' });
      return;
    }
    const object = entry as Readonly<Record<string, unknown>>;
    const symbol = jsonText(object.symbol, where, 'symbol', problems, false);
    const time = jsonText(object.fundingTime, where, 'fundingTime', problems, true);
    const rate = jsonText(object.fundingRate, where, 'fundingRate', problems, false);
    const markPrice = jsonText(object.markPrice, where, 'markPrice', problems, false);
    if (symbol === undefined || time === undefined || rate === undefined || markPrice === undefined) return;
    rows.push({ where, symbol, time, rate, markPrice });
  });
  return problems.length ? { problems } : { rows };
}

/** The rows of a funding file, in time order (a file holding several symbols may list them one after the other). */
export function parseFundingFile(text: string): Result<FundingRow[], readonly Problem[]> {
  const body = text.replace(/^\uFEFF/, '');
  const raw = body.trimStart().startsWith('[') || body.trimStart().startsWith('{') ? jsonRows(body) : csvRows(body);
  if ('problems' in raw) return err(raw.problems);
  const problems: Problem[] = [];
  const rows: FundingRow[] = [];
  for (const each of raw.rows) {
    const row = checkRow(each, problems);
    if (row) rows.push(row);
    if (problems.length >= MAX_PROBLEMS) break;
  }
  if (problems.length) return err(problems);
  if (rows.length === 0) return err([{ path: 'rows', code: 'input/out-of-range', message: 'no funding rows in the file' }]);
  const ordered = rows.map((row, index) => ({ row, index })).sort((a, b) => a.row.ms - b.row.ms || a.index - b.index).map(({ row }) => row);
  const seen = new Map<string, string>();
  for (const row of ordered) {
    const key = `${row.symbol ?? ''}@${row.ms}`;
    const first = seen.get(key);
    if (first) {
      return err([{ path: field(row.where, 'fundingTime'), code: 'input/duplicate', message: `a second payment for ${row.symbol ?? 'the symbol'} at ${formatInstant(row.ms)}: ${first} has one` }]);
    }
    seen.set(key, row.where);
  }
  return ok(ordered);
}

/**
 * The symbol each row pays on. With `funding.instrument`, rows for other symbols are skipped (a
 * file from GET /fapi/v1/fundingRate without a symbol holds every contract: a warning, not an
 * error). Without it, every symbol must be one the account knows: a typo (BTCUSD for BTCUSDT)
 * would otherwise replay no funding at all and look like a cheap month.
 */
function instrumentOf(row: FundingRow, selection: FundingSelection, problems: Problem[], skipped: Map<string, number>, reported: Set<string>): Instrument | undefined {
  const { instruments, instrument } = selection;
  const known = [...instruments.keys()].join(', ');
  if (row.symbol === undefined) {
    if (!instrument) {
      problems.push({ path: 'funding.instrument', code: 'input/required', message: 'required: the file has no symbol column (a data.binance.vision dump): name the contract it holds' });
    }
    return instrument ? instruments.get(instrument) : undefined;
  }
  if (instrument && row.symbol !== instrument) {
    skipped.set(row.symbol, (skipped.get(row.symbol) ?? 0) + 1);
    return undefined;
  }
  const found = instruments.get(row.symbol);
  if (!found && !reported.has(row.symbol)) {
    reported.add(row.symbol);
    problems.push({
      path: field(row.where, 'symbol'), code: 'input/unknown-instrument',
      message: `unknown instrument ${JSON.stringify(row.symbol)}; the account knows ${known}. To replay one symbol of a file that holds several, set "funding.instrument"`,
    });
  }
  return found;
}

/** The file's rows as engine commands for this account: the chosen symbol, inside the price window, a mark before each payment where no price file prices it. */
export function fundingSchedule(rows: readonly FundingRow[], selection: FundingSelection): Result<FundingSchedule, readonly Problem[]> {
  const problems: Problem[] = [];
  const skipped = new Map<string, number>();
  const reported = new Set<string>();
  const commands: Command[] = [];
  let payments = 0;
  let chosen = 0;
  for (const row of rows) {
    const instrument = instrumentOf(row, selection, problems, skipped, reported);
    if (problems.some((problem) => problem.path === 'funding.instrument')) break;
    if (!instrument) continue;
    chosen += 1;
    if ((selection.fromMs !== undefined && row.ms < selection.fromMs) || (selection.toMs !== undefined && row.ms > selection.toMs)) continue;
    const time = instantOf(row.ms);
    const symbol = asInstrumentId(instrument.symbol);
    if (row.markPrice && symbol !== selection.priced) commands.push({ type: 'mark', time, prices: new Map([[symbol, row.markPrice]]) });
    commands.push({ type: 'funding', time, instrument, rate: row.rate });
    payments += 1;
  }
  if (problems.length) return err(problems.slice(0, MAX_PROBLEMS));
  if (chosen === 0) {
    return err([{ path: 'rows', code: 'input/out-of-range', message: `no rows for ${selection.instrument ?? 'the account'} in the file; it holds ${[...skipped.keys()].join(', ')}` }]);
  }
  if (payments === 0) return err([{ path: 'rows', code: 'input/out-of-range', message: 'no funding rows inside the price window (prices.from to prices.to)' }]);
  return ok({ commands, payments, skipped });
}
