/**
 * The crash bars the web app ships (src/web/data/crashes/<id>.csv): a window of bars around each
 * crash, cut from the project's history data (../shared/data/history, whose README gives each
 * file's source and licence). The app ships these figures only, never the files.
 *
 * Each output is the project's own price layout, `time,open,high,low,close`, oldest first, the time
 * in ISO 8601 UTC and every price exactly as the source wrote it (no rounding, no re-formatting),
 * which the core's parsePriceFile reads. A window starts at the bar the examples/ scenarios open
 * on, so the page's presets replay the examples' accounts over the same first bars.
 *
 *   node scripts/extract-crash-bars.mjs [--history DIR] [--out DIR]
 *
 * Same history in, same bytes out: the browser test re-runs it into a temporary folder and compares.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The windows: daily files give `count` bars from `from`; the 1-minute file gives every bar from
 * `from` to `to` (both included), which is the whole window the history README describes, merged
 * into bars of `minutes` minutes from `from` on, so a crash ships as a few dozen bars.
 */
const WINDOWS = [
  { id: 'chf-2015', file: 'USDCHF_DAILY.csv', from: '2015-01-05T00:00:00Z', count: 40 },
  { id: 'gbp-2016', file: 'GBPUSD_DAILY.csv', from: '2016-10-03T00:00:00Z', count: 40 },
  { id: 'btc-2020-03', file: 'Binance_BTCUSDT_d.csv', from: '2020-03-11T00:00:00Z', count: 40 },
  { id: 'btc-2020-03-13', file: 'BTCUSDT_1m_crash_windows.csv', from: '2020-03-13T01:03:00Z', to: '2020-03-13T03:25:00Z', minutes: 5 },
  { id: 'btc-2021-05-19', file: 'BTCUSDT_1m_crash_windows.csv', from: '2021-05-19T10:38:00Z', to: '2021-05-19T15:06:00Z', minutes: 5 },
];

/** Milliseconds since the epoch as `2015-01-15T00:00:00Z` (whole seconds, as the sources are). */
function isoTime(ms) {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

/**
 * The rows of one history file as { ms, open, high, low, close } with the price cells' own text.
 * The header names the columns: `open_time_ms` (Binance klines), `Unix` in milliseconds
 * (CryptoDataDownload, after a banner line) or `Year,Month,Day` (the MetaTrader exports).
 */
function readHistory(path) {
  const lines = readFileSync(path, 'utf8').replace(/^\uFEFF/, '').split('\n').map((line) => line.replace(/\r$/, ''));
  const headerAt = lines.findIndex((line) => /(^|,)(open|Open)(,|$)/.test(line));
  if (headerAt < 0) throw new Error(`${path}: no header line with an open column`);
  const names = lines[headerAt].split(',').map((name) => name.trim().toLowerCase());
  const column = (name) => {
    const index = names.indexOf(name);
    if (index < 0) throw new Error(`${path}: no ${name} column`);
    return index;
  };
  const [open, high, low, close] = ['open', 'high', 'low', 'close'].map(column);
  let timeOf;
  if (names.includes('open_time_ms')) {
    const at = column('open_time_ms');
    timeOf = (cells) => Number(cells[at]);
  } else if (names.includes('unix')) {
    const at = column('unix');
    timeOf = (cells) => Number(cells[at]);
  } else {
    const [year, month, day] = ['year', 'month', 'day'].map(column);
    timeOf = (cells) => Date.UTC(Number(cells[year]), Number(cells[month]) - 1, Number(cells[day]));
  }
  const rows = lines.slice(headerAt + 1).filter((line) => line.trim() !== '').map((line) => {
    const cells = line.split(',').map((cell) => cell.trim());
    const ms = timeOf(cells);
    if (!Number.isFinite(ms)) throw new Error(`${path}: a row without a time: ${line}`);
    return { ms, open: cells[open], high: cells[high], low: cells[low], close: cells[close] };
  });
  return rows.sort((a, b) => a.ms - b.ms);
}

/** The bars of one window, checked: the first bar is at `from`, and the window is complete. */
function cut(rows, window) {
  const from = Date.parse(window.from);
  const start = rows.findIndex((row) => row.ms >= from);
  if (start < 0 || rows[start].ms !== from) throw new Error(`${window.id}: no bar at ${window.from} in ${window.file}`);
  if (window.count !== undefined) {
    const bars = rows.slice(start, start + window.count);
    if (bars.length !== window.count) throw new Error(`${window.id}: ${window.file} has only ${bars.length} bars from ${window.from}`);
    return bars;
  }
  const to = Date.parse(window.to);
  const bars = rows.slice(start).filter((row) => row.ms <= to);
  if (bars.at(-1)?.ms !== to) throw new Error(`${window.id}: no bar at ${window.to} in ${window.file}`);
  return bars;
}

/**
 * Consecutive bars merged into bars of `minutes` minutes, the first starting at the window's first
 * bar: the first open, the highest high, the lowest low, the last close, each cell's own text (the
 * comparison is by value; the text is kept). The last bar may cover fewer minutes.
 */
function merge(bars, minutes) {
  const span = minutes * 60_000;
  const start = bars[0].ms;
  const groups = new Map();
  for (const bar of bars) {
    const key = start + Math.floor((bar.ms - start) / span) * span;
    const group = groups.get(key);
    if (!group) {
      groups.set(key, { ...bar, ms: key });
      continue;
    }
    if (Number(bar.high) > Number(group.high)) group.high = bar.high;
    if (Number(bar.low) < Number(group.low)) group.low = bar.low;
    group.close = bar.close;
  }
  return [...groups.values()];
}

function csv(bars) {
  return `time,open,high,low,close\n${bars.map((bar) => `${isoTime(bar.ms)},${bar.open},${bar.high},${bar.low},${bar.close}`).join('\n')}\n`;
}

function option(args, name, fallback) {
  const at = args.indexOf(name);
  return at >= 0 && args[at + 1] ? resolve(args[at + 1]) : fallback;
}

function main(args) {
  const history = option(args, '--history', resolve(REPO, '..', 'shared', 'data', 'history'));
  const out = option(args, '--out', join(REPO, 'src', 'web', 'data', 'crashes'));
  mkdirSync(out, { recursive: true });
  const read = new Map();
  for (const window of WINDOWS) {
    if (!read.has(window.file)) read.set(window.file, readHistory(join(history, window.file)));
    const cutBars = cut(read.get(window.file), window);
    const bars = window.minutes ? merge(cutBars, window.minutes) : cutBars;
    writeFileSync(join(out, `${window.id}.csv`), csv(bars));
    console.log(`${window.id}.csv: ${bars.length} bars, ${isoTime(bars[0].ms)} to ${isoTime(bars.at(-1).ms)}, from ${window.file}`);
  }
}

main(process.argv.slice(2));
