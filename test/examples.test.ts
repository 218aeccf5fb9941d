// The scenarios in examples/ replay real crashes (the franc on 15 Jan 2015, sterling on 7 Oct 2016,
// bitcoin on 12-13 Mar 2020 and 19 May 2021). Each one runs through the built CLI
// (`node dist/cli/main.js replay`; npm test builds dist first), and the test checks the outcomes
// that examples/README.md documents: the opening trading fee, when the margin call came, what closed
// the position, at which price, for what P&L, and who paid. It also checks that the money is
// conserved. The README's "cost of holding" examples (a `funding` file or `financing` commands) are
// checked here only for a clean replay and conserved money; their figures are not crash outcomes.
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
  /**
   * The taker fee the open pays (issue 12): rate × 1 BTC × the opening price, rounded up to the
   * account currency's decimals; null where the venue charges none (the MT5 and ESMA profiles).
   */
  readonly openingFee: string | null;
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
  'chf-2015-esma-30x': { openingFee: null, marginCall: CHF_DAY, close: liquidated(CHF_DAY, '0.83429', '-16814.00', '0.00'), ...money('0.00', '0.00', '6814.00', '0.00', '0.00') },
  'chf-2015-esma-30x-stop': {
    openingFee: null, marginCall: null, close: stopped(CHF_DAY, '0.83429', '-16814.00'), ...money('0.00', '0.00', '6814.00', '0.00', '0.00'),
  },
  'chf-2015-mt5-100x': { openingFee: null, marginCall: CHF_DAY, close: liquidated(CHF_DAY, '0.83429', '-16814.00', '0.00'), ...money('-6814.00', '-6814.00', '0.00', '0.00', '6814.00') },
  'chf-2015-mt5-100x-stop': { openingFee: null, marginCall: null, close: stopped(CHF_DAY, '0.83429', '-16814.00'), ...money('-6814.00', '-6814.00', '0.00', '0.00', '6814.00') },
  'chf-2015-mt5-500x': { openingFee: null, marginCall: CHF_DAY, close: liquidated(CHF_DAY, '0.83429', '-16814.00', '0.00'), ...money('-14814.00', '-14814.00', '0.00', '0.00', '14814.00') },

  // 3-7 Oct 2016, long 100 000 GBPUSD from 1.29211: the slide calls the ESMA account on the 4th; the flash crash closes all at 1.14754.
  'gbp-2016-esma-30x': {
    openingFee: null, marginCall: '2016-10-04T00:00:00Z', close: liquidated(GBP_DAY, '1.14754', '-14457.00', '0.00'), ...money('0.00', '0.00', '8457.00', '0.00', '0.00'),
  },
  'gbp-2016-esma-30x-stop': {
    openingFee: null, marginCall: '2016-10-04T00:00:00Z', close: stopped(GBP_DAY, '1.14754', '-14457.00'), ...money('0.00', '0.00', '8457.00', '0.00', '0.00'),
  },
  'gbp-2016-mt5-100x': { openingFee: null, marginCall: GBP_DAY, close: liquidated(GBP_DAY, '1.14754', '-14457.00', '0.00'), ...money('-8457.00', '-8457.00', '0.00', '0.00', '8457.00') },
  'gbp-2016-mt5-100x-stop': { openingFee: null, marginCall: null, close: stopped(GBP_DAY, '1.14754', '-14457.00'), ...money('-8457.00', '-8457.00', '0.00', '0.00', '8457.00') },

  // 11-13 Mar 2020 (daily bars), long 1 BTC from 7 894.57, wallet 10 000: a daily bar's fills are at its low.
  // The open pays the taker fee out of the wallet, never out of an isolated margin, so no liquidation
  // price below moves: Binance 0.05 % × 7 894.57 = 3.947285; Bybit 0.055 % × 7 894.57 = 4.3420135;
  // Hyperliquid 0.045 % × 7 894.57 = 3.5525565, up to USDC's 6 decimals 3.552557.
  // Each final balance is the one before fees (10 000 - the isolated margin lost) less that fee.
  // Cross: 10 000 - 3.947285 = 9 996.052715; equity 9 996.052715 - 2 315.97 (1 × (5 578.60 - 7 894.57)) = 7 680.082715.
  'btc-2020-03-12-binance-cross-10x': {
    openingFee: '3.94728500', marginCall: null, close: null,
    ...money('9996.05271500', '7680.08271500', '0.00000000', '0.00000000', '0.00000000'),
  },
  // 10 000 - 789.46 - 3.947285 = 9 206.592715; the fund pays 3 484.57 - 789.46 = 2 695.11, as before fees.
  'btc-2020-03-12-binance-isolated-10x': {
    openingFee: '3.94728500', marginCall: null, close: liquidated('2020-03-12T00:00:00Z', '4410.0', '-3484.57000000', '0.00000000'),
    ...money('9206.59271500', '9206.59271500', '0.00000000', '2695.11000000', '0.00000000'),
  },
  // 10 000 - 394.73 - 3.947285 = 9 601.322715.
  'btc-2020-03-12-binance-isolated-20x': {
    openingFee: '3.94728500', marginCall: null, close: liquidated('2020-03-12T00:00:00Z', '4410.0', '-3484.57000000', '0.00000000'),
    ...money('9601.32271500', '9601.32271500', '0.00000000', '3089.84000000', '0.00000000'),
  },
  // 10 000 - 157.90 - 3.947285 = 9 838.152715.
  'btc-2020-03-12-binance-isolated-50x': {
    openingFee: '3.94728500', marginCall: null, close: liquidated('2020-03-11T00:00:00Z', '7590.0', '-304.57000000', '0.00000000'),
    ...money('9838.15271500', '9838.15271500', '0.00000000', '146.67000000', '0.00000000'),
  },
  // 10 000 - 157.90 - 4.3420135 = 9 837.7579865.
  'btc-2020-03-12-bybit-isolated-50x': {
    openingFee: '4.34201350', marginCall: null, close: liquidated('2020-03-11T00:00:00Z', '7590.0', '-304.57000000', '0.00000000'),
    ...money('9837.75798650', '9837.75798650', '0.00000000', '146.67000000', '0.00000000'),
  },
  // 10 000 - 197.37 - 3.552557 = 9 799.077443.
  'btc-2020-03-12-hyperliquid-isolated-40x': {
    openingFee: '3.552557', marginCall: null, close: liquidated('2020-03-11T00:00:00Z', '7590.0', '-304.570000', '0.000000'),
    ...money('9799.077443', '9799.077443', '0.000000', '107.200000', '0.000000'),
  },

  // 13 Mar 2020, 01:03-03:25 UTC (1-minute bars), long 1 BTC from 4 562.61 at 10x isolated (margin 456.27).
  // Opening fees: Binance 0.05 % × 4 562.61 = 2.281305; Bybit 0.055 % × 4 562.61 = 2.5094355;
  // Hyperliquid 0.045 % × 4 562.61 = 2.0531745, up to 2.053175.
  // 10 000 - 456.27 - 2.281305 = 9 541.448695.
  'btc-2020-03-13-binance-isolated-10x': {
    openingFee: '2.28130500', marginCall: null, close: liquidated('2020-03-13T01:55:00Z', '4072.00', '-490.61000000', '0.00000000'),
    ...money('9541.44869500', '9541.44869500', '0.00000000', '34.34000000', '0.00000000'),
  },
  // 10 000 - 433.61 - 2.5094355 = 9 563.8805645.
  'btc-2020-03-13-bybit-isolated-10x': {
    openingFee: '2.50943550', marginCall: null, close: liquidated('2020-03-13T01:54:00Z', '4129.00', '-433.61000000', '0.00000000'),
    ...money('9563.88056450', '9563.88056450', '0.00000000', '0.00000000', '0.00000000'),
  },
  // 10 000 - 422.67 - 2.053175 = 9 575.276825.
  'btc-2020-03-13-hyperliquid-isolated-10x': {
    openingFee: '2.053175', marginCall: null, close: liquidated('2020-03-13T01:53:00Z', '4139.94', '-422.670000', '0.000000'),
    ...money('9575.276825', '9575.276825', '0.000000', '0.000000', '0.000000'),
  },

  // 19 May 2021, 10:38-15:06 UTC (1-minute bars), long 1 BTC from 39 209.22, wallet 10 000.
  // Opening fees: Binance 0.05 % × 39 209.22 = 19.60461; Bybit 0.055 % × 39 209.22 = 21.565071;
  // Hyperliquid 0.045 % × 39 209.22 = 17.644149.
  // Cross: the fee leaves 9 980.39539 in the wallet, so the liquidation price rises from 29 326.5
  // to (39 209.22 - 9 980.39539) / (1 - 0.004) = 29 346.2 (Binance's cross formula, maintenance
  // 0.4 %): still first crossed by the 13:10 minute. The fund pays 10 521.22 - 9 980.39539 = 540.82461.
  'btc-2021-05-19-binance-cross-10x': {
    openingFee: '19.60461000', marginCall: null, close: liquidated('2021-05-19T13:10:00Z', '28688.00', '-10521.22000000', '0.00000000'),
    ...money('0.00000000', '0.00000000', '0.00000000', '540.82461000', '0.00000000'),
  },
  // 10 000 - 3 920.93 - 19.60461 = 6 059.46539.
  'btc-2021-05-19-binance-isolated-10x': {
    openingFee: '19.60461000', marginCall: null, close: liquidated('2021-05-19T12:49:00Z', '35110.79', '-4098.43000000', '0.00000000'),
    ...money('6059.46539000', '6059.46539000', '0.00000000', '177.50000000', '0.00000000'),
  },
  // 10 000 - 1 960.47 - 19.60461 = 8 019.92539 (the 51.25 liquidation fee came out of the 1 960.47).
  'btc-2021-05-19-binance-isolated-20x': {
    openingFee: '19.60461000', marginCall: null, close: liquidated('2021-05-19T11:30:00Z', '37300.00', '-1909.22000000', '51.25000000'),
    ...money('8019.92539000', '8019.92539000', '0.00000000', '0.00000000', '0.00000000'),
  },
  // 10 000 - 639.49 - 115.70919 - 19.60461 = 9 225.1962.
  'btc-2021-05-19-binance-isolated-50x': {
    openingFee: '19.60461000', marginCall: null, close: liquidated('2021-05-19T11:26:00Z', '38569.73', '-639.49000000', '115.70919000'),
    ...money('9225.19620000', '9225.19620000', '0.00000000', '0.00000000', '0.00000000'),
  },
  // 10 000 - 639.49 - 21.565071 = 9 338.944929.
  'btc-2021-05-19-bybit-isolated-50x': {
    openingFee: '21.56507100', marginCall: null, close: liquidated('2021-05-19T11:26:00Z', '38569.73', '-639.49000000', '0.00000000'),
    ...money('9338.94492900', '9338.94492900', '0.00000000', '0.00000000', '0.00000000'),
  },
  // 10 000 - 571.22 - 17.644149 = 9 411.135851.
  'btc-2021-05-19-hyperliquid-isolated-40x': {
    openingFee: '17.644149', marginCall: null, close: liquidated('2021-05-19T11:24:00Z', '38638.00', '-571.220000', '0.000000'),
    ...money('9411.135851', '9411.135851', '0.000000', '0.000000', '0.000000'),
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

// The cost-of-holding examples (funding and swaps, no crash) have their own test: test/examples-holding.test.ts.
const HOLDING = /-funding(-flat)?\.json$|-swap\.json$/;
const names = readdirSync(EXAMPLES).filter((name) => name.endsWith('.json') && !HOLDING.test(name)).map((name) => name.slice(0, -'.json'.length)).sort();
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

    test(`${name}: opening fee, margin call, close, price and P&L as documented`, { skip: NO_DATA ?? false }, async () => {
      const { events, summary } = await replayed(name);
      assert.equal(events.filter((event) => event.type === 'rejected').length, 0, JSON.stringify(events));
      assert.equal(events[0]?.type, 'position-opened');
      const fees = events.filter((event) => event.type === 'fee-charged');
      assert.deepEqual(
        fees.map((event) => ({ position: event.position, liquidity: event.liquidity, amount: event.amount })),
        expected.openingFee === null ? [] : [{ position: 'btc', liquidity: 'taker', amount: expected.openingFee }],
        'the open pays the taker fee, and nothing else pays one',
      );
      if (expected.openingFee !== null) assert.equal(events[1]?.type, 'fee-charged', 'the fee follows the open');
      const decimals = DECIMALS[scenarioOf(name).account.account.currency] ?? 2;
      assert.equal(
        units(summary.totals.fees, decimals),
        units(expected.openingFee ?? '0', decimals) + units(expected.close?.fee ?? '0', decimals),
        'totals.fees: the opening fee and the liquidation fee',
      );
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
      // The ledger identity, recomputed here: balance = deposits - withdrawals + realized P&L - fees
      // + funding + financing (both signed, received - paid) + venue loss.
      const at = (key: string): bigint => units(totals[key], decimals);
      assert.equal(
        units(summary.account.balance, decimals),
        at('deposits') - at('withdrawals') + at('realizedPnl') - at('fees') + at('funding') + at('financing') + at('venueLoss'),
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
