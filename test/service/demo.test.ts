// The demo (`stopout serve --demo`, what `npm start` shows): its accounts and feed checked in
// process, then the real thing run from dist/ (built by `npm run build` before the tests) until a
// newcomer would have seen margin calls, liquidations, a deficit absorbed, a debt and a Reg T sale.
// STOPOUT_DEMO_SPEED=4 runs the same ticks four times faster (a tick every 62.5 ms, the crash about
// 6 s in), so the run takes some 15 s instead of a minute.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import {
  buildReport, compare, dec, formatInstant, parseScenario, parseSnapshot, replay, roundToIncrement,
} from '../../src/core/index.js';
import { DEMO_ACCOUNTS, DEMO_VENUES, snapshotProblems } from '../../src/service/demo/demo-accounts.js';
import { EventStreamParser } from '../../src/service/demo/demo-client.js';
import { CRASH_TICK, DemoFeed, FEED_INSTRUMENTS, tickTimeMs } from '../../src/service/demo/demo-feed.js';
import { eventLine, moneyTotal } from '../../src/service/demo/demo-lines.js';
import { demoSpeed } from '../../src/service/demo/demo.js';

const START = Date.parse('2025-03-06T10:00:00Z');
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = `${ROOT}dist/cli/main.js`;

const marksOf = (snapshot: unknown): Record<string, string> => (snapshot as { marks: Record<string, string> }).marks;

test('the demo has 30 to 50 accounts besides the seed two, at all eight venues, each a valid snapshot, healthy at its entry prices', () => {
  assert.deepEqual(snapshotProblems(), []);
  assert.ok(DEMO_ACCOUNTS.length >= 32 && DEMO_ACCOUNTS.length <= 52, `${DEMO_ACCOUNTS.length} accounts`);
  assert.deepEqual(new Set(DEMO_VENUES), new Set(['mt5-standard', 'binance-usdm', 'bybit-linear', 'hyperliquid', 'dydx-v4', 'binance-coinm', 'esma-retail-cfd', 'us-reg-t']));
  assert.equal(new Set(DEMO_ACCOUNTS.map((account) => account.id)).size, DEMO_ACCOUNTS.length);
  for (const id of ['seed-500-at-75-nbp', 'seed-1000-at-100x']) assert.ok(DEMO_ACCOUNTS.some((account) => account.id === id), id);
  const positions = DEMO_ACCOUNTS.flatMap((account) => (account.body.snapshot as { positions: { isolatedMargin?: string }[] }).positions);
  assert.ok(positions.some((position) => position.isolatedMargin !== undefined) && positions.some((position) => position.isolatedMargin === undefined), 'cross and isolated');
  for (const account of DEMO_ACCOUNTS) {
    const parsed = parseSnapshot(account.body.snapshot);
    assert.ok(parsed.ok, account.id);
    assert.equal(buildReport(parsed.value).account.status, 'healthy', account.id);
  }
});

test("the feed's first tick is every account's entry marks, and moves nothing: no account has an event", () => {
  const first = new DemoFeed(START).next();
  assert.equal(first.index, 0);
  assert.equal(first.timeMs, START);
  for (const account of DEMO_ACCOUNTS) {
    const marks = marksOf(account.body.snapshot);
    for (const [symbol, mark] of Object.entries(marks)) assert.equal(first.prices[symbol], mark, `${account.id} ${symbol}`);
    const scenario = parseScenario({
      account: account.body.snapshot, ...(account.body.market ? { market: account.body.market } : {}),
      commands: [{ type: 'mark', time: formatInstant(first.timeMs), prices: Object.fromEntries(Object.keys(marks).map((symbol) => [symbol, first.prices[symbol]])) }],
    });
    assert.ok(scenario.ok, account.id);
    const events = [...replay(scenario.value.start, scenario.value.commands)].flatMap((step) => step.events);
    assert.deepEqual(events, [], account.id);
  }
});

test('every price is a decimal at its tick size, the same every run (a fixed seed), whatever the start time, with no jump between chunks of paths', () => {
  const feed = new DemoFeed(START);
  const other = new DemoFeed(START + 86_400_000 * 3);
  const ticks = new Map(FEED_INSTRUMENTS.map((each) => [each.symbol, dec(each.tickSize)]));
  let previous: Readonly<Record<string, string>> | undefined;
  for (let k = 0; k < 1200; k++) {
    const tick = feed.next();
    if (previous && k !== CRASH_TICK) {
      // After the crash the paths go on at normal volatility: no hourly move of 5 %, across the
      // chunk boundaries (ticks 609 and 1121) too.
      for (const [symbol, text] of Object.entries(tick.prices)) {
        assert.ok(Math.abs(Number(text) / Number(previous[symbol]) - 1) < 0.05, `tick ${k} ${symbol} ${previous[symbol]} -> ${text}`);
      }
    }
    previous = tick.prices;
    assert.deepEqual(other.next().prices, tick.prices);
    assert.equal(tick.timeMs, tickTimeMs(START, k));
    for (const [symbol, text] of Object.entries(tick.prices)) {
      assert.match(text, /^\d+(\.\d+)?$/, `${symbol} ${text}`);
      const price = dec(text);
      const tickSize = ticks.get(symbol) ?? dec('1');
      assert.ok(price.scale <= tickSize.scale, `${symbol} ${text}: more digits than the tick ${tickSize.units}e-${tickSize.scale}`);
      assert.equal(compare(roundToIncrement(price, tickSize, 'half-even'), price), 0, `${symbol} ${text} is not a multiple of its tick`);
    }
  }
});

test('the crash gaps every market at once at tick 96: crypto -8 to -15 %, FX -2 to -3 %, stocks about -10 %', () => {
  const feed = new DemoFeed(START);
  const ticks = Array.from({ length: CRASH_TICK + 2 }, () => feed.next());
  const move = (symbol: string, k: number): number => Number(ticks[k]?.prices[symbol]) / Number(ticks[k - 1]?.prices[symbol]) - 1;
  const within = (value: number, low: number, high: number, what: string): void => assert.ok(value >= low && value <= high, `${what}: ${value}`);
  for (const symbol of ['BTCUSDT', 'ETHUSDT', 'BTC-USD']) within(move(symbol, CRASH_TICK), -0.15, -0.08, symbol);
  for (const symbol of ['EURUSD', 'GBPUSD']) within(move(symbol, CRASH_TICK), -0.03, -0.02, symbol);
  for (const symbol of ['US500', 'AAPL', 'TSLA']) within(move(symbol, CRASH_TICK), -0.12, -0.08, symbol);
  within(Math.abs(move('BTCUSDT', CRASH_TICK - 1)), 0, 0.01, 'the minute before');
  // A minute a tick up to the crash, an hour a tick after it.
  assert.equal(tickTimeMs(START, CRASH_TICK) - tickTimeMs(START, CRASH_TICK - 1), 60_000);
  assert.equal(tickTimeMs(START, CRASH_TICK + 1) - tickTimeMs(START, CRASH_TICK), 3_600_000);
});

test('the event stream parser takes lines cut anywhere, comments, CRLF and multi-line data', () => {
  const text = ': stopout events\n\nid: 7\nevent: debt-recorded\ndata: {"amount":"500.00"}\n\r\n: keep-alive\n\nid: 8\r\nevent: x\r\ndata: a\r\ndata: b\r\n\r\n';
  for (const size of [1, 2, 5, text.length]) {
    const parser = new EventStreamParser();
    const messages = [];
    for (let at = 0; at < text.length; at += size) messages.push(...parser.push(text.slice(at, at + size)));
    assert.deepEqual(messages, [
      { id: '7', event: 'debt-recorded', data: '{"amount":"500.00"}' },
      { id: '8', event: 'x', data: 'a\nb' },
    ], `chunks of ${size}`);
  }
});

test('an event line gives the time, account, type and the amounts as the event wrote them', () => {
  const liquidated = { id: 3, account: 'seed-1000-at-100x', type: 'position-liquidated', time: '2025-03-06T10:45:00Z', position: 'gbpusd', instrument: 'GBPUSD', side: 'long', scope: 'cross', price: '1.2250', quantity: '80000', pnl: '-2000.00', fee: '0.00' };
  assert.equal(eventLine(liquidated, 'USD'), 'Thu 10:45  seed-1000-at-100x   position-liquidated GBPUSD 80000 at 1.2250, P&L -2000.00 USD');
  assert.match(eventLine({ account: 'a', type: 'deficit-absorbed', time: '2025-03-06T10:45:00Z', amount: '62.50', by: 'venue' }, 'USD'), /deficit-absorbed\s+62\.50 USD by venue$/);
  assert.match(eventLine({ account: 'a', type: 'debt-recorded', time: '2025-03-06T10:45:00Z', amount: '500.00', outstanding: '500.00' }, 'USD'), /debt-recorded\s+500\.00 USD, owed 500\.00 USD$/);
  assert.equal(moneyTotal(new Map([['USD', dec('62.50')], ['USDT', dec('1000.4')], ['BTC', dec('0.00907476')]])), '$1,063 + 0.0091 BTC');
  assert.equal(demoSpeed('4'), 4);
  assert.equal(demoSpeed('fast'), 1);
  assert.equal(demoSpeed(undefined), 1);
});

test('stopout serve --demo: calls, liquidations, deficits, debts and a Reg T sale within the first minute; SIGTERM exits 0', { timeout: 150_000 }, async () => {
  assert.ok(existsSync(MAIN), `${MAIN} is missing: run npm run build first`);
  const started = performance.now();
  const child = spawn(process.execPath, [MAIN, 'serve', '--demo', '--port', '0'], {
    cwd: ROOT,
    env: { ...process.env, STOPOUT_ADMIN_KEY: 'demo-test-admin-key-0123456789abcdefghij', STOPOUT_DEMO_SPEED: '4', NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => { stderr += chunk; });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
  const wanted: Record<string, RegExp> = {
    'a margin call': /^\w{3} \d\d:\d\d {2}\S+\s+margin-call-issued\s+equity /m,
    'a liquidation': /^\w{3} \d\d:\d\d {2}\S+\s+position-liquidated\s+\S+ \S+ at [\d.]+, P&L -/m,
    'a deficit absorbed by the venue': /^\w{3} \d\d:\d\d {2}\S+\s+deficit-absorbed\s+[\d.]+ USD by venue$/m,
    'a deficit absorbed by an insurance fund': /^\w{3} \d\d:\d\d {2}\S+\s+deficit-absorbed\s+[\d.]+ \w+ by insurance-fund/m,
    'a debt recorded': /^\w{3} \d\d:\d\d {2}\S+\s+debt-recorded\s+[\d.]+ USD, owed /m,
    'the Reg T sale': /^\w{3} \d\d:\d\d {2}regt-\S+\s+position-liquidated\s+(AAPL|MSFT|TSLA) /m,
    'a tally': /^== \d+ accounts, \d+ margin calls? open, \d+ liquidations?, absorbed \$[\d,]+/m,
  };
  const missing = (): string[] => Object.entries(wanted).filter(([, pattern]) => !pattern.test(stdout)).map(([what]) => what);
  const seen = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), 90_000);
    const check = (): void => {
      if (missing().length === 0) {
        clearTimeout(timer);
        resolve(true);
      }
    };
    child.stdout.on('data', (chunk: string) => { stdout += chunk; check(); });
    void exited.then(() => { clearTimeout(timer); resolve(false); });
  });
  const seconds = (performance.now() - started) / 1000;
  child.kill('SIGTERM');
  const { code, signal } = await exited;
  const context = `\n--- stdout ---\n${stdout.slice(-4000)}\n--- stderr ---\n${stderr}`;
  assert.ok(seen, `not seen within 90 s: ${missing().join(', ')}${context}`);
  assert.equal(signal, null, context);
  assert.equal(code, 0, context);
  assert.match(stdout, new RegExp(`^Created ${DEMO_ACCOUNTS.length} accounts at 8 venues: every POST /v1/accounts answered 201\\.$`, 'm'), context);
  assert.match(stdout, /^\w{3} \d\d:\d\d {2}the feed's first tick, at the accounts' entry prices: 0 events$/m, context);
  assert.match(stdout, /\*\*\* CRASH, all at once: BTC -\d+\.\d %, EURUSD -2\.\d %, US500 -\d+\.\d %/, context);
  assert.match(stdout, /curl -N -H "Authorization: Bearer \$STOPOUT_ADMIN_KEY" http:\/\/127\.0\.0\.1:\d+\/v1\/events\/stream/, context);
  assert.match(stdout, /^demo stopped after \d+ ticks/m, context);
  assert.doesNotMatch(stdout, /^demo: /m, context);
  assert.ok(!stdout.includes('\u001b['), 'no colours when standard output is not a terminal');
  assert.doesNotMatch(stderr, /Error|at .*\.js:\d+/, context);
  // At a quarter of the pace, "within the first minute" is within 15 s of the feed's start (plus start-up).
  assert.ok(seconds < 30, `took ${seconds.toFixed(1)} s${context}`);
});
