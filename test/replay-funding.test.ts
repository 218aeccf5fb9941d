// Issue 12, scope 4: `stopout replay --funding FILE` (and the scenario's "funding" block) applies a
// funding-rate history in Binance's layout, each payment at its time, in order with the prices.
// Published formula: Binance, "Introduction to Binance Futures Funding Rates": funding amount =
// nominal value of positions × funding rate (nominal value = mark price × size); longs pay a
// positive rate. Published rows: the response example of Binance's "Get Funding Rate History"
// (GET /fapi/v1/fundingRate). The CLI tests spawn the built `node dist/cli/main.js` (npm test
// builds first); the property test runs the same core functions in-process.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';

fc.configureGlobal({ includeErrorInReport: true });
import {
  conservationGap, eventToJson, fundingSchedule, parseFundingFile, parsePriceFile, replayWithPayments, toDecimalString,
  type EngineEvent, type EngineState,
} from '../src/core/index.js';
import { asInstrumentId } from '../src/core/money/units.js';
import { engineFrom, stepJson } from './support/engine-steps.js';
import { assertNoCrash, assertRejected, stopout, type Run } from './support/run-cli.js';

const scratch = mkdtempSync(join(tmpdir(), 'stopout-replay-funding-test-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

type Json = Record<string, unknown>;
let folders = 0;

/** A scenario and the files beside it, in a fresh folder; returns the scenario's path. */
function scenarioFile(scenario: Json, files: Readonly<Record<string, string>> = {}): string {
  folders += 1;
  const where = join(scratch, `case-${folders}`);
  mkdirSync(where);
  for (const [name, content] of Object.entries(files)) writeFileSync(join(where, name), content);
  const path = join(where, 'scenario.json');
  writeFileSync(path, JSON.stringify(scenario, null, 2));
  return path;
}

function events(run: Run): Record<string, string>[] {
  assertNoCrash(run);
  assert.equal(run.status, 0, `exit code (stderr: ${run.stderr})`);
  return run.stdout.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, string>);
}

/** The funding events as [type, time, position, amount]. */
const payments = (list: readonly Record<string, string>[]): string[][] => list
  .filter((event) => event.type === 'funding-paid' || event.type === 'funding-received')
  .map((event) => [event.type ?? '', event.time ?? '', event.position ?? '', event.amount ?? '']);

const binance = (positions: Json[], marks: Json = { BTCUSDT: '20000' }, balance = '10000'): Json => ({
  venue: 'binance-usdm', account: { currency: 'USDT', balance }, positions, marks,
});
const long = (id: string, quantity: string, extra: Json = {}): Json => ({ id, instrument: 'BTCUSDT', side: 'long', quantity, entryPrice: '20000', leverage: '10', ...extra });
const short = (id: string, quantity: string): Json => ({ id, instrument: 'BTCUSDT', side: 'short', quantity, entryPrice: '20000', leverage: '10' });

const HEADER = 'symbol,fundingTime,fundingRate,markPrice';

describe('Binance\'s funding amount through a file: nominal value × funding rate', () => {
  test('CSV at the baseline 0.01 %: 2 BTC long at mark 16 542.40 pays 3.30848 USDT; 1 BTC short receives 1.65424', () => {
    // 2 × 16 542.40 = 33 084.80 nominal × 0.0001 = 3.30848 (exact in USDT's 8 decimals);
    // 1 × 16 542.40 × 0.0001 = 1.65424. The row's markPrice is the mark: there is no price file.
    const path = scenarioFile({ account: binance([long('l', '2'), short('s', '1')]), funding: { file: 'f.csv' } }, {
      'f.csv': `${HEADER}\nBTCUSDT,1672531200000,0.00010000,16542.40\n`,
    });
    assert.deepEqual(payments(events(stopout(['replay', path]))), [
      ['funding-paid', '2023-01-01T00:00:00Z', 'l', '3.30848000'],
      ['funding-received', '2023-01-01T00:00:00Z', 's', '1.65424000'],
    ]);
    const summary = JSON.parse(stopout(['replay', path, '--summary']).stdout) as { totals: Record<string, string>; account: Record<string, string> };
    // Funding total = received - paid = 1.65424 - 3.30848 = -1.65424; balance 10 000 - 1.65424.
    assert.equal(summary.totals.funding, '-1.65424000');
    assert.equal(summary.account.balance, '9998.34576000');
    assert.equal(summary.totals.conservationGap, '0.00000000');
  });

  test('the JSON array GET /fapi/v1/fundingRate returns (Binance\'s own example rows), applied to a 0.5 BTC long', () => {
    // Row 1: rate -0.0375 at mark 34 287.54619963: nominal 0.5 × 34 287.54619963 = 17 143.773099815;
    //   the long receives 17 143.773099815 × 0.0375 = 642.8914912430625, rounded down: 642.89149124.
    // Row 2: rate 0.0001: pays 17 143.773099815 × 0.0001 = 1.7143773099815, rounded up: 1.71437731.
    const rows = [
      { symbol: 'BTCUSDT', fundingRate: '-0.03750000', fundingTime: 1570608000000, markPrice: '34287.54619963' },
      { symbol: 'BTCUSDT', fundingRate: '0.00010000', fundingTime: 1570636800000, markPrice: '34287.54619963' },
    ];
    const path = scenarioFile({ account: binance([long('l', '0.5', { leverage: '20' })]) }, { 'rates.json': JSON.stringify(rows) });
    assert.deepEqual(payments(events(stopout(['replay', path, '--funding', join(path, '..', 'rates.json')]))), [
      ['funding-received', '2019-10-09T08:00:00Z', 'l', '642.89149124'],
      ['funding-paid', '2019-10-09T16:00:00Z', 'l', '1.71437731'],
    ]);
  });

  test('--format table lists each payment and ends with the funding paid and received', () => {
    const path = scenarioFile({ account: binance([long('l', '1')]), funding: { file: 'f.csv' } }, {
      'f.csv': `${HEADER}\nBTCUSDT,2023-01-01T00:00:00Z,0.0001,\nBTCUSDT,2023-01-01T08:00:00Z,-0.0003,\n`,
    });
    const run = stopout(['replay', path, '--format', 'table']);
    assert.equal(run.status, 0, run.stderr);
    // At mark 20 000: pays 2.00 then receives 6.00; the funding total is +4.
    assert.match(run.stdout, /funding-paid\s.*\s2\.00000000\s/);
    assert.match(run.stdout, /funding-received\s.*\s6\.00000000\s/);
    assert.match(run.stdout, /funding\s*│\s*4\.00000000/);
    assert.match(run.stdout, /\nFunding: 2 payments, 2\.00000000 USDT paid, 6\.00000000 USDT received\n?$/);
  });
});

describe('payments in order with the prices', () => {
  // Bars (time,open,high,low,close), walked open -> low -> high -> close for a long:
  //   00:00  20 000 / 20 500 / 19 800 / 20 400      08:00  20 400 / 21 000 / 20 300 / 20 800
  const PRICES = 'time,open,high,low,close\n2023-01-01T00:00:00Z,20000,20500,19800,20400\n2023-01-01T08:00:00Z,20400,21000,20300,20800\n';
  // A markPrice of 99 999 on every row: ignored, since the price file prices BTCUSDT.
  const FUNDING = [
    HEADER,
    'BTCUSDT,2022-12-31T16:00:00Z,0.0001,99999', // before the window
    'BTCUSDT,2023-01-01T00:00:00Z,0.0001,99999', // with the first bar: after its walk, at its close 20 400
    'BTCUSDT,2023-01-01T04:00:00Z,0.0001,99999', // between bars: still 20 400
    'BTCUSDT,2023-01-01T08:00:00Z,0.0001,99999', // with the second bar: at its close 20 800
    'BTCUSDT,2023-01-01T16:00:00Z,0.0001,99999', // after the last bar, inside the window: 20 800
    'BTCUSDT,2023-01-02T00:00:00Z,0.0001,99999', // after the window
  ].join('\n');
  const scenario = {
    account: binance([long('l', '1')]),
    prices: { file: 'p.csv', instrument: 'BTCUSDT', from: '2023-01-01T00:00:00Z', to: '2023-01-01T16:00:00Z' },
    funding: { file: 'f.csv', instrument: 'BTCUSDT' },
  };

  test('merged by time, the bar first at equal times, outside the window skipped; 1 BTC × close × 0.0001 each', () => {
    const path = scenarioFile(scenario, { 'p.csv': PRICES, 'f.csv': FUNDING });
    assert.deepEqual(payments(events(stopout(['replay', path]))), [
      ['funding-paid', '2023-01-01T00:00:00Z', 'l', '2.04000000'],
      ['funding-paid', '2023-01-01T04:00:00Z', 'l', '2.04000000'],
      ['funding-paid', '2023-01-01T08:00:00Z', 'l', '2.08000000'],
      ['funding-paid', '2023-01-01T16:00:00Z', 'l', '2.08000000'],
    ]);
  });

  test('a stop-loss the first bar sets off fills before that bar\'s payment: no payment on a closed position', () => {
    const path = scenarioFile({ ...scenario, commands: [{ type: 'stop-loss', position: 'l', price: '19900' }] }, { 'p.csv': PRICES, 'f.csv': FUNDING });
    const types = events(stopout(['replay', path])).map((event) => event.type);
    // The stop fills at the first bar's low, 19 800, and pays the taker fee; the 00:00 payment finds nothing open.
    assert.deepEqual(types, ['stop-loss-set', 'stop-loss-filled', 'fee-charged']);
  });

  test('--funding replaces funding.file', () => {
    const path = scenarioFile(scenario, { 'p.csv': PRICES, 'f.csv': FUNDING, 'other.csv': `${HEADER}\nBTCUSDT,2023-01-01T12:00:00Z,-0.0005,\n` });
    assert.deepEqual(payments(events(stopout(['replay', path, '--funding', join(path, '..', 'other.csv')]))), [
      // At 12:00 the last price is the 08:00 bar's close: 1 × 20 800 × 0.0005 = 10.4, received.
      ['funding-received', '2023-01-01T12:00:00Z', 'l', '10.40000000'],
    ]);
  });
});

describe('bad funding input: exit 2, nothing on stdout, one line naming the file, the line and the field', () => {
  const account = binance([long('l', '1')]);
  const withFile = (text: string, funding: Json = { file: 'f.csv' }): { path: string; file: string } => {
    const path = scenarioFile({ account, funding }, { 'f.csv': text });
    return { path, file: join(path, '..', 'f.csv') };
  };

  test('a missing column', () => {
    const { path, file } = withFile('symbol,fundingTime,markPrice\nBTCUSDT,1672531200000,20000\n');
    assertRejected(stopout(['replay', path]), [[`${file}: line 1: needs the columns symbol, fundingTime and fundingRate`, 'no fundingRate column']]);
  });

  test('a bad rate', () => {
    const { path, file } = withFile(`${HEADER}\nBTCUSDT,1672531200000,0.0001,\nBTCUSDT,1672560000000,1e-4,\n`);
    assertRejected(stopout(['replay', path]), [[`${file}: line 3, fundingRate: must be a decimal`, '"1e-4"']]);
  });

  test('a bad time', () => {
    const { path, file } = withFile(`${HEADER}\nBTCUSDT,01/01/2023 00:00,0.0001,\n`);
    assertRejected(stopout(['replay', path]), [[`${file}: line 2, fundingTime: must be epoch milliseconds`, '"01/01/2023 00:00"']]);
  });

  test('a symbol the account does not know, without funding.instrument', () => {
    const { path, file } = withFile(`${HEADER}\nBTCUSDT,1672531200000,0.0001,\nSOLUSDT,1672531200000,0.0001,\n`);
    assertRejected(stopout(['replay', path]), [[`${file}: line 3, symbol: unknown instrument "SOLUSDT"`, 'BTCUSDT, ETHUSDT', 'funding.instrument']]);
  });

  test('with funding.instrument, other symbols are skipped with one warning line on stderr', () => {
    const { path } = withFile(`${HEADER}\nBTCUSDT,1672531200000,0.0001,\nSOLUSDT,1672531200000,0.0001,\nSOLUSDT,1672560000000,0.0001,\n`, { file: 'f.csv', instrument: 'BTCUSDT' });
    const run = stopout(['replay', path]);
    assertNoCrash(run);
    assert.equal(run.status, 0);
    assert.equal(run.stderr, 'funding.file: skipped 2 rows for SOLUSDT: funding.instrument is BTCUSDT\n');
    assert.deepEqual(payments(run.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, string>)), [
      ['funding-paid', '2023-01-01T00:00:00Z', 'l', '2.00000000'],
    ]);
  });

  test('the scenario\'s funding block: an unknown instrument, a missing file, an unknown field', () => {
    assertRejected(stopout(['replay', scenarioFile({ account, funding: { file: 'f.csv', instrument: 'XRPUSDT' } })]), [
      ['funding.instrument: unknown instrument "XRPUSDT"'],
    ]);
    const missing = scenarioFile({ account, funding: { file: 'nowhere.csv' } });
    assertRejected(stopout(['replay', missing]), [[`funding.file: cannot read ${join(missing, '..', 'nowhere.csv')}: no such file`]]);
    assertRejected(stopout(['replay', scenarioFile({ account, funding: { file: 'f.csv', rate: '0.0001' } })]), [['funding.rate: unknown field']]);
    assertRejected(stopout(['replay', scenarioFile({ account }), '--funding', join(scratch, 'none.csv')]), [[`--funding: cannot read ${join(scratch, 'none.csv')}: no such file`]]);
  });
});

// ---------------------------------------------------------------------------------------------
// The property: replaying a flat price file beside a funding file is the same as stepping the same
// funding commands by hand, and money stays conserved at every step.

const HOUR = 3_600_000;
const START = Date.parse('2023-01-01T00:00:00Z');

const positionArbitrary = fc.record({
  side: fc.constantFrom('long', 'short'),
  units: fc.integer({ min: 1, max: 3000 }), // thousandths of a BTC
  isolated: fc.boolean(),
});
const rateArbitrary = fc.integer({ min: -300, max: 300 }).map((units) => `${units < 0 ? '-' : ''}0.${String(Math.abs(units)).padStart(6, '0')}`);

const btcText = (thousandths: number): string => `${Math.floor(thousandths / 1000)}.${String(thousandths % 1000).padStart(3, '0')}`;

describe('property: replay with a flat price file and a funding file = the funding commands stepped by hand', () => {
  test('same events, same balance, margins and totals; conservation holds at every step', () => {
    fc.assert(fc.property(
      fc.array(positionArbitrary, { minLength: 1, maxLength: 3 }),
      fc.integer({ min: 15_000, max: 70_000 }),
      fc.array(rateArbitrary, { minLength: 1, maxLength: 12 }),
      fc.integer({ min: 1, max: 8 }),
      (positions, price, rates, barHours) => {
        const mark = String(price);
        const snapshot = binance(positions.map((position, index) => ({
          id: `p${index}`, instrument: 'BTCUSDT', side: position.side, quantity: btcText(position.units), entryPrice: mark, leverage: '20',
          // An isolated position's margin: a tenth of its notional, in whole USDT.
          ...(position.isolated ? { isolatedMargin: String(Math.ceil((position.units * price) / 10_000)) } : {}),
        })), { BTCUSDT: mark }, '1000000');
        const start = engineFrom(snapshot);
        const times = rates.map((_, index) => START + index * 8 * HOUR);
        const fundingText = `${HEADER}\n${rates.map((rate, index) => `BTCUSDT,${times[index]},${rate},`).join('\n')}\n`;
        const last = times[times.length - 1] ?? START;
        const barCount = Math.floor((last - START) / (barHours * HOUR)) + 1;
        const priceText = `time,price\n${Array.from({ length: barCount }, (_, index) => `${START + index * barHours * HOUR},${mark}`).join('\n')}\n`;

        const bars = parsePriceFile(priceText);
        const rows = parseFundingFile(fundingText);
        assert.ok(bars.ok && rows.ok);
        const btc = asInstrumentId('BTCUSDT');
        const schedule = fundingSchedule(rows.value, { instruments: start.instruments, priced: btc });
        assert.ok(schedule.ok);
        let replayed: EngineState = start;
        const replayedEvents: EngineEvent[] = [];
        for (const result of replayWithPayments(start, [], bars.value, btc, schedule.value.commands)) {
          assert.equal(toDecimalString(conservationGap(result.state)), toDecimalString(conservationGap(start)), 'conserved at every step');
          replayed = result.state;
          replayedEvents.push(...result.events);
        }

        const byHand = stepJson(start, ...rates.map((rate, index) => ({
          type: 'funding', instrument: 'BTCUSDT', rate, time: new Date(times[index] ?? START).toISOString().replace('.000Z', 'Z'),
        })));
        assert.deepEqual(replayedEvents.map(eventToJson), byHand.events.map(eventToJson));
        assert.equal(toDecimalString(replayed.snapshot.balance), toDecimalString(byHand.state.snapshot.balance));
        assert.deepEqual(
          replayed.snapshot.positions.map((position) => [position.id, position.isolatedMargin && toDecimalString(position.isolatedMargin)]),
          byHand.state.snapshot.positions.map((position) => [position.id, position.isolatedMargin && toDecimalString(position.isolatedMargin)]),
        );
        assert.deepEqual(
          Object.entries(replayed.totals).map(([key, value]) => [key, toDecimalString(value)]),
          Object.entries(byHand.state.totals).map(([key, value]) => [key, toDecimalString(value)]),
        );
        assert.equal(toDecimalString(conservationGap(replayed)), toDecimalString(conservationGap(start)));
      },
    ), { numRuns: 60 });
  });
});
