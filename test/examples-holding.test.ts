// examples/README.md, "The cost of holding": the figures it gives for the funding and swap examples,
// replayed through the built CLI (`node dist/cli/main.js replay`; npm test builds dist first).
// - btc-2022-12-binance-isolated-20x-funding(-flat).json: 1 BTCUSDT long at 16 442.91, isolated at
//   20x (margin 822.1455), 90 payments of 0.0001 from examples/data/BTCUSDT-funding-2022-12.csv
//   (written in the project: Binance's baseline rate, not its history). The priced one replays
//   Binance_BTCUSDT_d.csv from ../shared and skips when that folder is absent.
// - eurusd-2014-11-mt5-75x-swap.json: the seed article's account (../shared/spec/scenarios.jsonl),
//   November 2014's 20 weekday rollovers at an illustrative -6.5 points a night, held at 1.25.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { REPO_ROOT, stopout } from './support/run-cli.js';

const EXAMPLES = join(REPO_ROOT, 'examples');
const HISTORY = resolve(REPO_ROOT, '..', 'shared', 'data', 'history');
const NO_DATA = existsSync(HISTORY) ? undefined : `no price files: ${HISTORY} is absent (see examples/README.md)`;

const BTC = 'btc-2022-12-binance-isolated-20x-funding';
const BTC_FLAT = 'btc-2022-12-binance-isolated-20x-funding-flat';
const EURUSD = 'eurusd-2014-11-mt5-75x-swap';

const scratch = mkdtempSync(join(tmpdir(), 'stopout-examples-holding-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

type Event = Readonly<Record<string, string>>;
interface Summary {
  readonly account: Readonly<Record<string, string>>;
  readonly positions: readonly Readonly<Record<string, string>>[];
  readonly totals: Readonly<Record<string, string>>;
  readonly events: Readonly<Record<string, number>>;
}

const scenarioOf = (name: string): Record<string, unknown> => JSON.parse(readFileSync(join(EXAMPLES, `${name}.json`), 'utf8')) as Record<string, unknown>;

function replayed(name: string): { events: Event[]; summary: Summary } {
  const file = join(EXAMPLES, `${name}.json`);
  const lines = stopout(['replay', file]);
  const summary = stopout(['replay', file, '--summary']);
  assert.equal(lines.status, 0, lines.stderr);
  assert.equal(summary.stderr, '');
  return {
    events: lines.stdout.trim().split('\n').map((line) => JSON.parse(line) as Event),
    summary: JSON.parse(summary.stdout) as Summary,
  };
}

/** The account as it stands before any payment: the example without its prices, funding and rollovers (the open kept). */
function before(name: string): Summary {
  const scenario = scenarioOf(name);
  const commands = (scenario.commands as readonly { type: string }[]).filter((command) => command.type === 'open');
  const path = join(scratch, `${name}-before.json`);
  writeFileSync(path, JSON.stringify({ account: scenario.account, commands }));
  const run = stopout(['replay', path, '--summary']);
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout) as Summary;
}

const count = (events: readonly Event[], type: string): number => events.filter((event) => event.type === type).length;

describe('the cost-of-holding examples are documented', () => {
  test('examples/README.md names each, and the funding file says what it is', () => {
    const readme = readFileSync(join(EXAMPLES, 'README.md'), 'utf8');
    assert.match(readme, /## The cost of holding/);
    for (const name of [BTC, BTC_FLAT, EURUSD]) assert.ok(readme.includes(`${name}.json`), `${name}.json is not in examples/README.md`);
    const note = readFileSync(join(EXAMPLES, 'data', 'README.md'), 'utf8');
    assert.match(note, /Written in this project/);
    assert.match(note, /baseline/);
  });

  test('the funding file holds 90 rows of 0.00010000, every 8 hours from 30 Nov 2022 00:00 UTC', () => {
    const lines = readFileSync(join(EXAMPLES, 'data', 'BTCUSDT-funding-2022-12.csv'), 'utf8').trim().split('\n');
    assert.equal(lines[0], 'symbol,fundingTime,fundingRate,markPrice');
    const rows = lines.slice(1).map((line) => line.split(','));
    assert.equal(rows.length, 90);
    rows.forEach((row, index) => assert.deepEqual(row, ['BTCUSDT', String(1669766400000 + index * 8 * 3_600_000), '0.00010000', '']));
  });
});

describe('BTC at 20x over a month of funding', () => {
  test('at the open: fee 16 442.91 × 0.05 % = 8.221455, liquidation price 15 683.4', () => {
    const start = before(BTC_FLAT);
    assert.equal(start.totals.fees, '8.22145500');
    assert.equal(start.positions[0]?.liquidationPrice, '15683.4');
    assert.equal(start.account.balance, '9991.77854500');
  });

  test('flat: 90 × (1 × 16 442.91 × 0.0001 = 1.644291) = 147.98619 paid, 18.0 % of the 822.1455 margin; liquidation price 15 832.0', () => {
    const { events, summary } = replayed(BTC_FLAT);
    assert.equal(count(events, 'funding-paid'), 90);
    assert.ok(events.filter((event) => event.type === 'funding-paid').every((event) => event.amount === '1.64429100'));
    assert.equal(count(events, 'position-liquidated'), 0);
    assert.equal(summary.totals.funding, '-147.98619000');
    // 147.98619 / 822.1455 = 0.18 exactly (90 × 0.0001 × 20); / 16 442.91 = 0.009.
    assert.equal(summary.positions[0]?.liquidationPrice, '15832.0');
    // 10 000 - 8.221455 - 147.98619 = 9 843.792355.
    assert.equal(summary.account.balance, '9843.79235500');
    assert.equal(summary.totals.conservationGap, '0.00000000');
    const table = stopout(['replay', join(EXAMPLES, `${BTC_FLAT}.json`), '--format', 'table']).stdout;
    assert.match(table, /funding\s*│\s*-147\.98619000/);
    assert.match(table, /\nFunding: 90 payments, 147\.98619000 USDT paid, 0\.00000000 USDT received\nTrading fees: 1 fill, 8\.22145500 USDT\n$/);
  });

  test('over the daily prices of 30 Nov - 29 Dec 2022: 152.761941 paid, not liquidated, liquidation price 15 836.8', { skip: NO_DATA ?? false }, () => {
    const { events, summary } = replayed(BTC);
    assert.deepEqual(summary.events, { 'position-opened': 1, 'funding-paid': 90, 'fee-charged': 1 });
    assert.equal(summary.totals.funding, '-152.76194100');
    assert.equal(summary.totals.fees, '8.22145500');
    // 10 000 - 8.221455 - 152.761941 = 9 839.016604; the isolated margin 822.1455 - 152.761941 = 669.383559.
    assert.equal(summary.account.balance, '9839.01660400');
    assert.equal(summary.positions[0]?.liquidationPrice, '15836.8');
    assert.equal(summary.positions[0]?.markPrice, '16633.47');
    assert.equal(summary.totals.conservationGap, '0.00000000');
    // Every payment is charged at a daily close: the first, at 00:00 on 30 Nov, at that bar's close 17 163.64.
    assert.deepEqual(events.find((event) => event.type === 'funding-paid'), {
      type: 'funding-paid', time: '2022-11-30T00:00:00Z', position: 'btc', instrument: 'BTCUSDT', rate: '0.00010000', amount: '1.71636400',
    });
  });
});

describe('the seed article\'s EURUSD account over a month of swaps', () => {
  test('at the start: margin level 100 %, stop-out at 1.24161', () => {
    const start = before(EURUSD);
    assert.equal(start.account.marginLevel, '1');
    assert.equal(start.positions[0]?.liquidationPrice, '1.24161');
  });

  test('20 rollovers, 28 nights (Wednesdays triple) × 1.95 = 54.60 USD; margin level 89.08 %, stop-out at 1.24344', () => {
    const { events, summary } = replayed(EURUSD);
    const rollovers = events.filter((event) => event.type === 'financing-charged');
    assert.equal(rollovers.length, 20);
    // One night: 6.5 points × 0.00001 × 30 000 = 1.95 USD; a Wednesday carries 3 nights, 5.85.
    for (const event of rollovers) {
      const wednesday = new Date(event.time ?? '').getUTCDay() === 3;
      assert.deepEqual([event.nights, event.amount], wednesday ? ['3', '5.85'] : ['1', '1.95'], event.time);
    }
    assert.equal(rollovers.filter((event) => event.nights === '3').length, 4);
    assert.equal(summary.totals.financing, '-54.60');
    assert.equal(summary.account.balance, '445.40');
    // 445.40 / 500.00 = 0.8908.
    assert.equal(summary.account.marginLevel, '0.8908');
    assert.equal(summary.positions[0]?.liquidationPrice, '1.24344');
    assert.equal(summary.totals.conservationGap, '0.00');
    // The first night's 1.95 takes equity under the 500.00 margin: the margin call comes with it.
    const call = events.find((event) => event.type === 'margin-call-issued');
    assert.equal(call?.time, '2014-11-03T21:00:00Z');
    assert.equal(call.equity, '498.05');
    const table = stopout(['replay', join(EXAMPLES, `${EURUSD}.json`), '--format', 'table']).stdout;
    assert.match(table, /\nFinancing: 20 rollovers \(28 nights\), 54\.60 USD charged \(negative: credited\)\n$/);
  });
});
