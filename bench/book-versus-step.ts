// `npm run bench` (part of the service's benchmark): which settles the accounts a tick crosses, the
// risk book's own settlement (src/core/book/indexed-book.ts, proven against step() at three venues)
// or the service's fold (src/service/live/live-state.ts: the same kind of index, the crossed
// accounts handed to step(), proven at all eight). The same book and the same ticks through both,
// in this process, timed in the same run.
//
// Book (test/support/book-plan.ts, the book-engine differential test's generator): accounts at
// Binance USDⓈ-M, Hyperliquid and MT5, cross and isolated, stop-losses and take-profits, thin
// margins; ticks a random walk of one instrument at a time with gaps of 2-8 % one tick in ten.
//
// Flags: --book-versus-accounts N (default 5000), --book-versus-ticks T (default 20000).
// Prints a table, then a JSON line {"bookVersusStep": {...}}.
import Table from 'cli-table3';
import { formatInstant } from '../src/core/index.js';
import { applyIndexedTick, createIndexedBook, type BookEvent } from '../src/core/book/index.js';
import { LiveState } from '../src/service/live/live-state.js';
import { accountScenarioJson, engineFor, FAMILIES, planBook, priceText, specOf, walk, type Plan } from '../test/support/book-plan.js';
import { whole } from './flags.js';


const accounts = whole('book-versus-accounts', 5000);
const tickCount = whole('book-versus-ticks', 20_000);
// One family per venue, so that a tick of a symbol means one instrument in both (the custom
// families share their base venue's symbols).
const families = FAMILIES.flatMap((family, index) => (typeof family.venue === 'string' ? [index] : []));

// A book the risk book takes: its thin accounts (built so that calls and stop-outs come) are left
// out where they are liquidatable at the starting prices already, which the book refuses.
function takeable(plan: Plan): Plan {
  const keep = plan.accounts.map((_, account) => {
    try {
      engineFor(plan, account);
      return true;
    } catch {
      return false;
    }
  });
  const renumber = new Map<number, number>();
  keep.forEach((kept, account) => { if (kept) renumber.set(account, renumber.size); });
  return {
    ...plan,
    accounts: plan.accounts.filter((_, account) => keep[account]),
    positions: plan.positions.filter((each) => keep[each.row.account]).map((each) => ({ ...each, row: { ...each.row, account: renumber.get(each.row.account) as number } })),
  };
}

const seed = 1;
const plan = takeable(planBook(seed, undefined, accounts, false, families));
const indexed = createIndexedBook(specOf(plan));
// Only the included families' instruments (the plan lists every family's; the others hold nothing).
const included = (instrument: number): boolean => families.includes(plan.instruments[instrument]!.family);
const ticks = walk(plan, seed, tickCount * 3).filter(([instrument]) => included(instrument)).slice(0, tickCount);

// The service's fold: the same accounts, their orders, and a first tick at the starting prices
// (which issues the calls the book starts with).
const live = new LiveState();
let clock = Date.parse('2030-01-01T00:00:00Z');
const time = (): string => formatInstant((clock += 1000));
plan.accounts.forEach((_, account) => {
  const scenario = accountScenarioJson(plan, account);
  live.apply({ type: 'account', account: `a${account}`, body: { snapshot: scenario.account, key: { id: `k${account}`, hash: '-' } } });
  for (const command of scenario.commands) live.runCommand(`a${account}`, { ...command, time: time() } as never);
});
const startingPrices = Object.fromEntries(plan.instruments.flatMap((each, index) => (included(index) ? [[each.traded.symbol, priceText(plan, index, plan.prices[index] as number)]] : [])));
live.apply({ type: 'ticks', body: { ticks: [{ time: time(), prices: startingPrices }] } });
const keyingStarted = performance.now();
live.keyPending(Infinity);
const keyingSeconds = (performance.now() - keyingStarted) / 1000;
const tickEntries = ticks.map(([instrument, price]) => ({
  type: 'ticks' as const,
  body: { ticks: [{ time: time(), prices: { [plan.instruments[instrument]!.traded.symbol]: priceText(plan, instrument, price) } }] },
}));

const bookEvents: BookEvent[] = [];
let started = performance.now();
for (const [instrument, price] of ticks) applyIndexedTick(indexed, instrument, price, bookEvents);
const bookSeconds = (performance.now() - started) / 1000;

const steppedBefore = live.stepped;
let serviceEvents = 0;
started = performance.now();
for (const entry of tickEntries) serviceEvents += live.apply(entry).events.length;
const serviceSeconds = (performance.now() - started) / 1000;

const positions = plan.positions.length;
const table = new Table({ head: ['the same book, the same ticks', 'value'], colAligns: ['left', 'right'] });
table.push(
  ['accounts / positions (thin accounts liquidatable at the start left out)', `${plan.accounts.length.toLocaleString('en')} / ${positions.toLocaleString('en')}`],
  ['ticks', ticks.length.toLocaleString('en')],
  ["risk book's own settlement: ticks / s", Math.round(ticks.length / bookSeconds).toLocaleString('en')],
  ["service fold (index + step()): ticks / s", Math.round(ticks.length / serviceSeconds).toLocaleString('en')],
  ['book / fold', (serviceSeconds / bookSeconds).toFixed(1)],
  ['accounts stepped by the fold', (live.stepped - steppedBefore).toLocaleString('en')],
  ["fold's quiet bands, computed before the ticks (s)", keyingSeconds.toFixed(2)],
  ['events: book / fold', `${bookEvents.length.toLocaleString('en')} / ${serviceEvents.toLocaleString('en')}`],
);
console.log(table.toString());
console.log(JSON.stringify({
  bookVersusStep: {
    accounts: plan.accounts.length, positions, ticks: ticks.length,
    bookTicksPerSecond: Math.round(ticks.length / bookSeconds), foldTicksPerSecond: Math.round(ticks.length / serviceSeconds),
    bookEvents: bookEvents.length, foldEvents: serviceEvents,
  },
}));
