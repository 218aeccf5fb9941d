// The scenarios in examples/ replay real crashes (the franc on 15 Jan 2015, sterling on 7 Oct 2016,
// bitcoin on 12-13 Mar 2020 and 19 May 2021). Each one runs through the built CLI
// (`node dist/cli/main.js replay`; npm test builds dist first), and the test checks the outcomes
// that examples/README.md documents: when the margin call came, what closed the position, at which
// price, for what P&L, and who paid. It also checks that the money is conserved.
// The price files live in ../shared/data/history and are not copied into the project. Without
// that folder every test that needs it skips and says why.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

const root = resolve(import.meta.dirname, '..');
const MAIN = join(root, 'dist', 'cli', 'main.js');
const EXAMPLES = join(root, 'examples');
const HISTORY = resolve(root, '..', 'shared', 'data', 'history');
const NO_DATA = existsSync(HISTORY) ? undefined : `no price files: ${HISTORY} is absent (see examples/README.md)`;

/** The example's first force-close or stop-loss fill. */
interface Close {
  readonly event: 'position-liquidated' | 'stop-loss-filled';
  readonly time: string;
  readonly price: string;
  readonly pnl: string;
  /** Liquidation fee; stop-loss fills carry none. */
  readonly fee?: string;
}

interface Expected {
  /** Time of the first margin-call-issued, or null for none. */
  readonly marginCall: string | null;
  readonly close: Close | null;
  /** Final balance and equity. */
  readonly balance: string;
  readonly equity: string;
  readonly absorbedByVenue: string;
  readonly absorbedByInsuranceFund: string;
  readonly debtOutstanding: string;
}

const liquidated = (time: string, price: string, pnl: string, fee: string): Close => ({ event: 'position-liquidated', time, price, pnl, fee });
const stopped = (time: string, price: string, pnl: string): Close => ({ event: 'stop-loss-filled', time, price, pnl });

/** Money outcomes, in the order balance, equity, venue, insurance fund, debt. */
const money = (balance: string, equity: string, venue: string, fund: string, debt: string) =>
  ({ balance, equity, absorbedByVenue: venue, absorbedByInsuranceFund: fund, debtOutstanding: debt });

const CHF_DAY = '2015-01-15T00:00:00Z';
const GBP_DAY = '2016-10-07T00:00:00Z';

const EXPECTED: Readonly<Record<string, Expected>> = {
  // 15 Jan 2015, long 100 000 USDCHF from 1.00243: the day's low 0.83429 is the first price past every level;
  // the margin call and the stop-out come on the same tick (a stop-loss closes the position first).
  'chf-2015-esma-30x': { marginCall: CHF_DAY, close: liquidated(CHF_DAY, '0.83429', '-16814.00', '0.00'), ...money('0.00', '0.00', '6814.00', '0.00', '0.00') },
  'chf-2015-esma-30x-stop': {
    marginCall: null, close: stopped(CHF_DAY, '0.83429', '-16814.00'), ...money('0.00', '0.00', '6814.00', '0.00', '0.00'),
  },
  'chf-2015-mt5-100x': { marginCall: CHF_DAY, close: liquidated(CHF_DAY, '0.83429', '-16814.00', '0.00'), ...money('-6814.00', '-6814.00', '0.00', '0.00', '6814.00') },
  'chf-2015-mt5-100x-stop': { marginCall: null, close: stopped(CHF_DAY, '0.83429', '-16814.00'), ...money('-6814.00', '-6814.00', '0.00', '0.00', '6814.00') },
  'chf-2015-mt5-500x': { marginCall: CHF_DAY, close: liquidated(CHF_DAY, '0.83429', '-16814.00', '0.00'), ...money('-14814.00', '-14814.00', '0.00', '0.00', '14814.00') },

  // 3-7 Oct 2016, long 100 000 GBPUSD from 1.29211: the slide calls the ESMA account on the 4th; the flash crash closes all at 1.14754.
  'gbp-2016-esma-30x': {
    marginCall: '2016-10-04T00:00:00Z', close: liquidated(GBP_DAY, '1.14754', '-14457.00', '0.00'), ...money('0.00', '0.00', '8457.00', '0.00', '0.00'),
  },
  'gbp-2016-esma-30x-stop': {
    marginCall: '2016-10-04T00:00:00Z', close: stopped(GBP_DAY, '1.14754', '-14457.00'), ...money('0.00', '0.00', '8457.00', '0.00', '0.00'),
  },
  'gbp-2016-mt5-100x': { marginCall: GBP_DAY, close: liquidated(GBP_DAY, '1.14754', '-14457.00', '0.00'), ...money('-8457.00', '-8457.00', '0.00', '0.00', '8457.00') },
  'gbp-2016-mt5-100x-stop': { marginCall: null, close: stopped(GBP_DAY, '1.14754', '-14457.00'), ...money('-8457.00', '-8457.00', '0.00', '0.00', '8457.00') },

  // 11-13 Mar 2020 (daily bars), long 1 BTC from 7 894.57, wallet 10 000: a daily bar's fills are at its low.
  'btc-2020-03-12-binance-cross-10x': { marginCall: null, close: null, ...money('10000.00000000', '7684.03000000', '0.00000000', '0.00000000', '0.00000000') },
  'btc-2020-03-12-binance-isolated-10x': {
    marginCall: null, close: liquidated('2020-03-12T00:00:00Z', '4410.0', '-3484.57000000', '0.00000000'),
    ...money('9210.54000000', '9210.54000000', '0.00000000', '2695.11000000', '0.00000000'),
  },
  'btc-2020-03-12-binance-isolated-20x': {
    marginCall: null, close: liquidated('2020-03-12T00:00:00Z', '4410.0', '-3484.57000000', '0.00000000'),
    ...money('9605.27000000', '9605.27000000', '0.00000000', '3089.84000000', '0.00000000'),
  },
  'btc-2020-03-12-binance-isolated-50x': {
    marginCall: null, close: liquidated('2020-03-11T00:00:00Z', '7590.0', '-304.57000000', '0.00000000'),
    ...money('9842.10000000', '9842.10000000', '0.00000000', '146.67000000', '0.00000000'),
  },
  'btc-2020-03-12-bybit-isolated-50x': {
    marginCall: null, close: liquidated('2020-03-11T00:00:00Z', '7590.0', '-304.57000000', '0.00000000'),
    ...money('9842.10000000', '9842.10000000', '0.00000000', '146.67000000', '0.00000000'),
  },
  'btc-2020-03-12-hyperliquid-isolated-40x': {
    marginCall: null, close: liquidated('2020-03-11T00:00:00Z', '7590.0', '-304.570000', '0.000000'),
    ...money('9802.630000', '9802.630000', '0.000000', '107.200000', '0.000000'),
  },

  // 13 Mar 2020, 01:03-03:25 UTC (1-minute bars), long 1 BTC from 4 562.61 at 10x isolated.
  'btc-2020-03-13-binance-isolated-10x': {
    marginCall: null, close: liquidated('2020-03-13T01:55:00Z', '4072.00', '-490.61000000', '0.00000000'),
    ...money('9543.73000000', '9543.73000000', '0.00000000', '34.34000000', '0.00000000'),
  },
  'btc-2020-03-13-bybit-isolated-10x': {
    marginCall: null, close: liquidated('2020-03-13T01:54:00Z', '4129.00', '-433.61000000', '0.00000000'),
    ...money('9566.39000000', '9566.39000000', '0.00000000', '0.00000000', '0.00000000'),
  },
  'btc-2020-03-13-hyperliquid-isolated-10x': {
    marginCall: null, close: liquidated('2020-03-13T01:53:00Z', '4139.94', '-422.670000', '0.000000'),
    ...money('9577.330000', '9577.330000', '0.000000', '0.000000', '0.000000'),
  },

  // 19 May 2021, 10:38-15:06 UTC (1-minute bars), long 1 BTC from 39 209.22, wallet 10 000.
  'btc-2021-05-19-binance-cross-10x': {
    marginCall: null, close: liquidated('2021-05-19T13:10:00Z', '28688.00', '-10521.22000000', '0.00000000'),
    ...money('0.00000000', '0.00000000', '0.00000000', '521.22000000', '0.00000000'),
  },
  'btc-2021-05-19-binance-isolated-10x': {
    marginCall: null, close: liquidated('2021-05-19T12:49:00Z', '35110.79', '-4098.43000000', '0.00000000'),
    ...money('6079.07000000', '6079.07000000', '0.00000000', '177.50000000', '0.00000000'),
  },
  'btc-2021-05-19-binance-isolated-20x': {
    marginCall: null, close: liquidated('2021-05-19T11:30:00Z', '37300.00', '-1909.22000000', '51.25000000'),
    ...money('8039.53000000', '8039.53000000', '0.00000000', '0.00000000', '0.00000000'),
  },
  'btc-2021-05-19-binance-isolated-50x': {
    marginCall: null, close: liquidated('2021-05-19T11:26:00Z', '38569.73', '-639.49000000', '115.70919000'),
    ...money('9244.80081000', '9244.80081000', '0.00000000', '0.00000000', '0.00000000'),
  },
  'btc-2021-05-19-bybit-isolated-50x': {
    marginCall: null, close: liquidated('2021-05-19T11:26:00Z', '38569.73', '-639.49000000', '0.00000000'),
    ...money('9360.51000000', '9360.51000000', '0.00000000', '0.00000000', '0.00000000'),
  },
  'btc-2021-05-19-hyperliquid-isolated-40x': {
    marginCall: null, close: liquidated('2021-05-19T11:24:00Z', '38638.00', '-571.220000', '0.000000'),
    ...money('9428.780000', '9428.780000', '0.000000', '0.000000', '0.000000'),
  },
};

const DECIMALS: Readonly<Record<string, number>> = { CHF: 2, USD: 2, USDT: 8, USDC: 6 };

interface Scenario {
  readonly account: { readonly venue: unknown; readonly account: { readonly currency: string; readonly balance: string } };
  readonly prices: { readonly file: string; readonly instrument: string; readonly from: string; readonly to: string };
}

interface Summary {
  readonly account: Readonly<Record<string, string | null>>;
  readonly positions: readonly unknown[];
  readonly totals: Readonly<Record<string, string>>;
  readonly events: Readonly<Record<string, number>>;
}

type Event = Readonly<Record<string, string>>;

const names = readdirSync(EXAMPLES).filter((name) => name.endsWith('.json')).map((name) => name.slice(0, -'.json'.length)).sort();
const scenarioOf = (name: string): Scenario => JSON.parse(readFileSync(join(EXAMPLES, `${name}.json`), 'utf8')) as Scenario;

async function stopout(args: readonly string[], cwd = root): Promise<string> {
  assert.ok(existsSync(MAIN), `${MAIN} is missing: run npm run build first`);
  const { stdout } = await run(process.execPath, [MAIN, ...args], { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

const parseEvents = (stdout: string): Event[] => stdout.trim().split('\n').map((line) => JSON.parse(line) as Event);

/** Each example's events and summary, replayed once and shared by the tests. */
const replays = new Map<string, Promise<{ events: Event[]; summary: Summary }>>();
function replayed(name: string): Promise<{ events: Event[]; summary: Summary }> {
  let promise = replays.get(name);
  if (!promise) {
    const file = join('examples', `${name}.json`);
    promise = Promise.all([stopout(['replay', file]), stopout(['replay', file, '--summary'])])
      .then(([events, summary]) => ({ events: parseEvents(events), summary: JSON.parse(summary) as Summary }));
    replays.set(name, promise);
  }
  return promise;
}

/** A decimal string as an integer count of 10^-decimals. */
function units(text: string | null | undefined, decimals: number): bigint {
  assert.ok(text !== null && text !== undefined, 'missing amount');
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
  assert.ok(match, `not a decimal: ${text}`);
  const [, minus = '', whole = '', fraction = ''] = match;
  assert.ok(fraction.length <= decimals, `${text} has more than ${decimals} decimals`);
  const value = BigInt(whole + fraction.padEnd(decimals, '0'));
  return minus ? -value : value;
}

describe('the examples are complete and point at the shared price files', () => {
  test('every example has documented outcomes, and every outcome an example', () => {
    assert.deepEqual(names, Object.keys(EXPECTED).sort());
  });

  test('examples/README.md names every example', () => {
    const readme = readFileSync(join(EXAMPLES, 'README.md'), 'utf8');
    for (const name of names) assert.ok(readme.includes(`${name}.json`), `${name}.json is not in examples/README.md`);
  });

  test('each reads a price file in ../shared/data/history by a path relative to itself, over a from/to window', () => {
    for (const name of names) {
      const { prices } = scenarioOf(name);
      const path = resolve(EXAMPLES, prices.file);
      assert.equal(relative(HISTORY, path), prices.file.split('/').at(-1), name);
      assert.ok(prices.from && prices.to, `${name}: a window`);
    }
  });
});

describe('replaying the examples', { concurrency: true }, () => {
  for (const name of names) {
    const expected = EXPECTED[name];
    if (!expected) continue;

    test(`${name}: margin call, close, price and P&L as documented`, { skip: NO_DATA ?? false }, async () => {
      const { events, summary } = await replayed(name);
      assert.equal(events.filter((event) => event.type === 'rejected').length, 0, JSON.stringify(events));
      assert.equal(events[0]?.type, 'position-opened');
      const calls = events.filter((event) => event.type === 'margin-call-issued');
      assert.equal(calls[0]?.time ?? null, expected.marginCall, 'first margin call');
      const closes = events.filter((event) => event.type === 'position-liquidated' || event.type === 'stop-loss-filled');
      if (expected.close === null) {
        assert.deepEqual(closes, []);
        assert.equal(summary.positions.length, 1, 'the position is still open');
        return;
      }
      assert.equal(closes.length, 1, JSON.stringify(closes));
      const [close] = closes;
      assert.deepEqual(
        { event: close?.type, time: close?.time, price: close?.price, pnl: close?.pnl, ...(close?.fee !== undefined ? { fee: close.fee } : {}) },
        expected.close,
      );
      assert.equal(summary.positions.length, 0, 'nothing left open');
    });

    test(`${name}: money is conserved to the last unit`, { skip: NO_DATA ?? false }, async () => {
      const { summary } = await replayed(name);
      const { currency } = scenarioOf(name).account.account;
      const decimals = DECIMALS[currency];
      assert.ok(decimals !== undefined, `a currency this test knows: ${currency}`);
      const { totals } = summary;
      assert.equal(totals.conservationGap, (0).toFixed(decimals));
      // The ledger identity, recomputed here: balance = deposits - withdrawals + realized P&L - fees + venue loss.
      const at = (key: string): bigint => units(totals[key], decimals);
      assert.equal(
        units(summary.account.balance, decimals),
        at('deposits') - at('withdrawals') + at('realizedPnl') - at('fees') + at('venueLoss'),
      );
      assert.equal(at('venueLoss'), at('absorbedByVenue') + at('absorbedByInsuranceFund') + at('absorbedByDeleveraging'));
    });

    test(`${name}: who paid (client, venue or insurance fund) and the final balance`, { skip: NO_DATA ?? false }, async () => {
      const { summary } = await replayed(name);
      const { totals, account } = summary;
      assert.deepEqual(
        {
          balance: account.balance, equity: account.equity, absorbedByVenue: totals.absorbedByVenue,
          absorbedByInsuranceFund: totals.absorbedByInsuranceFund, debtOutstanding: totals.debtOutstanding,
        },
        {
          balance: expected.balance, equity: expected.equity, absorbedByVenue: expected.absorbedByVenue,
          absorbedByInsuranceFund: expected.absorbedByInsuranceFund, debtOutstanding: expected.debtOutstanding,
        },
      );
      // Only a venue without protection leaves the client owing: the debt is then exactly the negative balance.
      const decimals = DECIMALS[scenarioOf(name).account.account.currency] ?? 2;
      const balance = units(account.balance, decimals);
      assert.equal(units(totals.debtOutstanding, decimals), balance < 0n ? -balance : 0n);
    });
  }
});

describe('the price file from elsewhere', () => {
  const name = 'btc-2021-05-19-binance-isolated-10x';
  const file = join(HISTORY, 'BTCUSDT_1m_crash_windows.csv');

  test('prices.file resolves against the scenario, not the working directory', { skip: NO_DATA ?? false }, async () => {
    const elsewhere = await stopout(['replay', join(EXAMPLES, `${name}.json`)], HISTORY);
    assert.deepEqual(parseEvents(elsewhere), (await replayed(name)).events);
  });

  test('--prices PATH replaces prices.file and gives the same replay', { skip: NO_DATA ?? false }, async () => {
    const overridden = await stopout(['replay', join('examples', `${name}.json`), '--prices', file]);
    assert.deepEqual(parseEvents(overridden), (await replayed(name)).events);
  });

  test('--format table prints the timeline and totals', { skip: NO_DATA ?? false }, async () => {
    const table = await stopout(['replay', join('examples', `${name}.json`), '--format', 'table']);
    assert.match(table, /position-liquidated/);
    assert.match(table, /35,110\.79/);
    assert.match(table, /conservationGap\s*│\s*0\.00000000/);
  });

  test('a missing price file exits 2 with one line naming it, and nothing on stdout', async () => {
    assert.ok(existsSync(MAIN), `${MAIN} is missing: run npm run build first`);
    const missing = join(root, 'no-such-dir', 'prices.csv');
    await assert.rejects(
      run(process.execPath, [MAIN, 'replay', join('examples', `${name}.json`), '--prices', missing], { cwd: root, encoding: 'utf8' }),
      (error: { code?: number; stdout?: string; stderr?: string }) => {
        assert.equal(error.code, 2);
        assert.equal(error.stdout, '');
        assert.equal(error.stderr, `--prices: cannot read ${missing}: no such file\n`);
        return true;
      },
    );
  });
});
