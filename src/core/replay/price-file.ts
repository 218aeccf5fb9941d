/**
 * Price files -> bars in time order. The layouts real market data comes in:
 *
 * - the Binance kline layout: open_time_ms,open,high,low,close,volume,close_time_ms,... with or
 *   without a header line (Binance's own files have none);
 * - `time,open,high,low,close` bars and `time,price` ticks, the time in ISO 8601 or epoch
 *   seconds or milliseconds;
 * - exports with a banner line before the header (CryptoDataDownload: Unix,Date,Symbol,Open,...),
 *   with Year,Month,Day columns (MetaTrader exports), or a US M/D/YYYY Date (Yahoo Finance);
 * - newest-first files are turned around.
 *
 * Every problem names its line and column; nothing is replayed from a file with one.
 */
import { compare, max, min, parseDecimal, sign, type Decimal } from '../money/decimal.js';
import { asPrice, type Price } from '../money/units.js';
import { err, ok, type Problem, type Result } from '../result.js';
import { daysFromCivil, formatInstant, isCalendarDate, parseInstant } from '../engine/instant.js';

export interface Bar {
  readonly ms: number;
  readonly time: string;
  readonly open: Price;
  readonly high: Price;
  readonly low: Price;
  readonly close: Price;
}

export interface PriceFileOptions {
  /** Keep bars at or after this instant (ms). */
  readonly fromMs?: number;
  /** Keep bars at or before this instant (ms). */
  readonly toMs?: number;
}

interface Layout {
  readonly time?: number;
  readonly date?: readonly [number, number, number];
  readonly open?: number;
  readonly high?: number;
  readonly low?: number;
  readonly close?: number;
  readonly price?: number;
}

const TIME_NAMES = ['open_time_ms', 'open_time', 'opentime', 'time', 'timestamp', 'unix', 'date', 'datetime'];

function layoutOf(header: readonly string[]): Layout | undefined {
  const names = header.map((cell) => cell.trim().toLowerCase());
  const at = (name: string): number | undefined => {
    const index = names.indexOf(name);
    return index >= 0 ? index : undefined;
  };
  const time = TIME_NAMES.map(at).find((index) => index !== undefined);
  const [year, month, day] = [at('year'), at('month'), at('day')];
  const date = year !== undefined && month !== undefined && day !== undefined ? [year, month, day] as const : undefined;
  const layout: Layout = {
    ...(time !== undefined ? { time } : {}), ...(date ? { date } : {}),
    ...Object.fromEntries((['open', 'high', 'low', 'close', 'price'] as const).flatMap((name) => {
      const index = at(name);
      return index === undefined ? [] : [[name, index]];
    })),
  };
  const hasTime = layout.time !== undefined || layout.date !== undefined;
  const hasPrices = layout.price !== undefined || (layout.open !== undefined && layout.high !== undefined && layout.low !== undefined && layout.close !== undefined);
  return hasTime && hasPrices ? layout : undefined;
}

const US_DATE = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;
const DOTTED_DATE = /^(\d{4})\.(\d{2})\.(\d{2})$/;

/** Midnight UTC of a calendar date; undefined for a date that does not exist (30 February). */
function dayStart(year: number, month: number, day: number): number | undefined {
  return isCalendarDate(year, month, day) ? daysFromCivil(year, month, day) * 86_400_000 : undefined;
}

function readTime(text: string): number | undefined {
  const cell = text.trim();
  if (/^\d{9,16}$/.test(cell)) {
    const value = Number(cell);
    return value >= 1e11 ? value : value * 1000;
  }
  const us = US_DATE.exec(cell);
  if (us) return dayStart(Number(us[3]), Number(us[1]), Number(us[2]));
  const dotted = DOTTED_DATE.exec(cell);
  if (dotted) return dayStart(Number(dotted[1]), Number(dotted[2]), Number(dotted[3]));
  return parseInstant(cell)?.ms;
}

function splitLine(line: string): string[] {
  return line.replace(/\r$/, '').split(',');
}

const COLUMN_NAMES = new Set([...TIME_NAMES, 'year', 'month', 'day', 'open', 'high', 'low', 'close', 'price']);

/** A line naming known columns that still lacks a time or the prices is a header we cannot use, not a banner. */
function looksLikeHeader(cells: readonly string[]): boolean {
  return cells.some((cell) => COLUMN_NAMES.has(cell.trim().toLowerCase()));
}

/** Finds the header (skipping banner lines); a file without one is taken as Binance klines or time,price. */
function findLayout(lines: readonly string[]): { layout: Layout; first: number } | undefined {
  for (let index = 0; index < Math.min(lines.length, 5); index += 1) {
    const cells = splitLine(lines[index] ?? '');
    const layout = layoutOf(cells);
    if (layout) return { layout, first: index + 1 };
    if (looksLikeHeader(cells)) return undefined;
    if (cells.length >= 2 && readTime(cells[0] ?? '') !== undefined && parseDecimal((cells[1] ?? '').trim())) {
      return { layout: cells.length >= 5 ? { time: 0, open: 1, high: 2, low: 3, close: 4 } : { time: 0, price: 1 }, first: index };
    }
  }
  return undefined;
}

function readRow(cells: readonly string[], layout: Layout, line: number, problems: Problem[]): Omit<Bar, 'time'> | undefined {
  const where = `line ${line}`;
  let ms: number | undefined;
  if (layout.date) {
    const [y, m, d] = layout.date.map((index) => Number((cells[index] ?? '').trim()));
    ms = y !== undefined && m !== undefined && d !== undefined ? dayStart(y, m, d) : undefined;
  } else if (layout.time !== undefined) {
    ms = readTime(cells[layout.time] ?? '');
  }
  if (ms === undefined) {
    problems.push({ path: where, code: 'input/wrong-type', message: 'the time is not an ISO 8601 time, a date or epoch seconds/milliseconds' });
    return undefined;
  }
  const price = (name: 'open' | 'high' | 'low' | 'close' | 'price'): Decimal | undefined => {
    const index = layout[name];
    const cell = index === undefined ? '' : (cells[index] ?? '').trim();
    const value = parseDecimal(cell);
    if (value && sign(value) > 0) return value;
    problems.push({ path: `${where}, ${name}`, code: 'input/not-a-decimal', message: `must be a positive decimal, got ${JSON.stringify(cell)}` });
    return undefined;
  };
  if (layout.price !== undefined && layout.open === undefined) {
    const tick = price('price');
    return tick && { ms, open: asPrice(tick), high: asPrice(tick), low: asPrice(tick), close: asPrice(tick) };
  }
  const [open, high, low, close] = [price('open'), price('high'), price('low'), price('close')];
  if (!open || !high || !low || !close) return undefined;
  if (compare(high, max(open, close)) < 0 || compare(low, min(open, close)) > 0) {
    problems.push({ path: where, code: 'input/out-of-range', message: 'the high must be at least the open and close, and the low at most' });
    return undefined;
  }
  return { ms, open: asPrice(open), high: asPrice(high), low: asPrice(low), close: asPrice(close) };
}

export function parsePriceFile(text: string, options: PriceFileOptions = {}): Result<Bar[], readonly Problem[]> {
  const lines = text.replace(/^\uFEFF/, '').split('\n');
  const found = findLayout(lines);
  if (!found) {
    return err([{ path: 'header', code: 'input/malformed', message: 'needs a time column (time, open_time_ms, unix, date, or year/month/day) and open, high, low and close columns, or a price column; or Binance kline rows without a header' }]);
  }
  const problems: Problem[] = [];
  const rows: (Omit<Bar, 'time'> & { readonly line: number })[] = [];
  for (let index = found.first; index < lines.length; index += 1) {
    const line = lines[index] ?? '';
    if (line.trim() === '') continue;
    const row = readRow(splitLine(line), found.layout, index + 1, problems);
    if (row) rows.push({ ...row, line: index + 1 });
    if (problems.length >= 20) break;
  }
  if (problems.length) return err(problems);
  const descending = rows.length > 1 && (rows[0]?.ms ?? 0) > (rows[rows.length - 1]?.ms ?? 0);
  const ordered = descending ? [...rows].reverse() : rows;
  for (let index = 1; index < ordered.length; index += 1) {
    if ((ordered[index]?.ms ?? 0) <= (ordered[index - 1]?.ms ?? 0)) {
      const row = ordered[index];
      return err([{ path: `line ${row?.line ?? 0}`, code: 'input/out-of-order', message: `rows must be in time order with no repeats; ${formatInstant(row?.ms ?? 0)} comes out of order` }]);
    }
  }
  const kept = ordered.filter((row) => (options.fromMs === undefined || row.ms >= options.fromMs) && (options.toMs === undefined || row.ms <= options.toMs));
  if (kept.length === 0) return err([{ path: 'rows', code: 'input/out-of-range', message: 'no rows in the file (or in the window asked for)' }]);
  return ok(kept.map(({ ms, open, high, low, close }) => ({ ms, time: formatInstant(ms), open, high, low, close })));
}
