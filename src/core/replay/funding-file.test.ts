// parseFundingFile and fundingSchedule on the layouts Binance publishes funding history in. The JSON
// rows are the response example of Binance's "Get Funding Rate History" (GET /fapi/v1/fundingRate,
// USDⓈ-M API docs): BTCUSDT -0.03750000 at 1570608000000 and 0.00010000 at 1570636800000, both with
// markPrice 34287.54619963. Other rows are written here by hand.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { initialState } from '../engine/step.js';
import type { Command } from '../engine/engine-types.js';
import { toDecimalString } from '../money/decimal.js';
import { asInstrumentId } from '../money/units.js';
import { formatProblem } from '../result.js';
import { parseSnapshot } from '../snapshot/parse-snapshot.js';
import { fundingSchedule, parseFundingFile, type FundingRow, type FundingSelection } from './funding-file.js';

const BINANCE_EXAMPLE = JSON.stringify([
  { symbol: 'BTCUSDT', fundingRate: '-0.03750000', fundingTime: 1570608000000, markPrice: '34287.54619963' },
  { symbol: 'BTCUSDT', fundingRate: '0.00010000', fundingTime: 1570636800000, markPrice: '34287.54619963' },
]);

const CSV = [
  'symbol,fundingTime,fundingRate,markPrice',
  'BTCUSDT,1672531200000,0.00010000,16542.40',
  'BTCUSDT,2023-01-01T08:00:00Z,-0.00002500,',
  'ETHUSDT,1672531200000,0.00010000,1196.70',
].join('\n');

type Row = readonly [where: string, symbol: string | undefined, time: string, rate: string, mark: string | undefined];

const asRow = (row: FundingRow): Row => [
  row.where, row.symbol, new Date(row.ms).toISOString(), toDecimalString(row.rate), row.markPrice && toDecimalString(row.markPrice),
];

function rows(text: string): FundingRow[] {
  const parsed = parseFundingFile(text);
  assert.ok(parsed.ok, `expected rows, got ${JSON.stringify(!parsed.ok && parsed.error)}`);
  return parsed.value;
}

function problems(text: string): string[] {
  const parsed = parseFundingFile(text);
  assert.ok(!parsed.ok, `expected problems, got ${JSON.stringify(parsed.ok && parsed.value.map(asRow))}`);
  return parsed.error.map(formatProblem);
}

const binanceAccount = (): FundingSelection['instruments'] => {
  const parsed = parseSnapshot({ venue: 'binance-usdm', account: { currency: 'USDT', balance: '1000' }, positions: [] });
  assert.ok(parsed.ok);
  return initialState(parsed.value).instruments;
};

/** A schedule's commands as text: type, time, then the rate or the mark. */
function scheduled(list: readonly FundingRow[], selection: Omit<FundingSelection, 'instruments'>): string[] {
  const result = fundingSchedule(list, { instruments: binanceAccount(), ...selection });
  assert.ok(result.ok, `expected a schedule, got ${JSON.stringify(!result.ok && result.error)}`);
  return result.value.commands.map((command: Command) => {
    const time = command.time?.text ?? '';
    if (command.type === 'funding') return `funding ${time} ${command.instrument.symbol} ${toDecimalString(command.rate)}`;
    if (command.type === 'mark') return `mark ${time} ${[...command.prices].map(([symbol, price]) => `${symbol}=${toDecimalString(price)}`).join(' ')}`;
    return command.type;
  });
}

describe('parseFundingFile: the layouts', () => {
  test('the JSON array GET /fapi/v1/fundingRate returns, as Binance documents it', () => {
    assert.deepEqual(rows(BINANCE_EXAMPLE).map(asRow), [
      ['[0]', 'BTCUSDT', '2019-10-09T08:00:00.000Z', '-0.03750000', '34287.54619963'],
      ['[1]', 'BTCUSDT', '2019-10-09T16:00:00.000Z', '0.00010000', '34287.54619963'],
    ]);
  });

  test('CSV with its header: epoch ms or ISO time, an empty markPrice; several symbols in time order', () => {
    assert.deepEqual(rows(CSV).map(asRow), [
      ['line 2', 'BTCUSDT', '2023-01-01T00:00:00.000Z', '0.00010000', '16542.40'],
      ['line 4', 'ETHUSDT', '2023-01-01T00:00:00.000Z', '0.00010000', '1196.70'],
      ['line 3', 'BTCUSDT', '2023-01-01T08:00:00.000Z', '-0.00002500', undefined],
    ]);
  });

  test('columns in another order, quoted cells, CRLF line ends and a byte-order mark', () => {
    const text = '\uFEFFfundingRate,symbol,fundingTime\r\n"0.0001","BTCUSDT","1672531200000"\r\n';
    assert.deepEqual(rows(text).map(asRow), [['line 2', 'BTCUSDT', '2023-01-01T00:00:00.000Z', '0.0001', undefined]]);
  });

  test('a data.binance.vision dump: calc_time,funding_interval_hours,last_funding_rate, no symbol column', () => {
    const text = 'calc_time,funding_interval_hours,last_funding_rate\n1672531200000,8,0.00010000\n1672560000000,8,0.00005235\n';
    assert.deepEqual(rows(text).map(asRow), [
      ['line 2', undefined, '2023-01-01T00:00:00.000Z', '0.00010000', undefined],
      ['line 3', undefined, '2023-01-01T08:00:00.000Z', '0.00005235', undefined],
    ]);
  });

  test('epoch seconds are read as seconds, as in price files', () => {
    assert.equal(rows('symbol,fundingTime,fundingRate\nBTCUSDT,1672531200,0.0001\n')[0]?.ms, 1672531200000);
  });
});

describe('parseFundingFile: bad input names the line (or entry) and the field', () => {
  test('a missing column', () => {
    assert.deepEqual(problems('symbol,fundingTime,markPrice\nBTCUSDT,1672531200000,16542.4\n'), [
      'line 1: needs the columns symbol, fundingTime and fundingRate (markPrice optional), as Binance\'s GET /fapi/v1/fundingRate, '
      + 'or calc_time and last_funding_rate (a data.binance.vision dump); no fundingRate column in "symbol,fundingTime,markPrice"',
    ]);
  });

  test('a bad rate, a bad time, a bad mark and a rate of 100 %, each with its line', () => {
    const text = [
      'symbol,fundingTime,fundingRate,markPrice',
      'BTCUSDT,1672531200000,0.01%,',
      'BTCUSDT,2023-02-30T00:00:00Z,0.0001,',
      'BTCUSDT,1672560000000,0.0001,-5',
      'BTCUSDT,1672588800000,1,',
      'BTCUSDT,,0.0001,',
    ].join('\n');
    assert.deepEqual(problems(text), [
      'line 2, fundingRate: must be a decimal such as "0.00010000", got "0.01%"',
      'line 3, fundingTime: must be epoch milliseconds such as 1672531200000 or an ISO 8601 time, got "2023-02-30T00:00:00Z"',
      'line 4, markPrice: must be a positive decimal or empty, got "-5"',
      'line 5, fundingRate: a funding rate is a fraction of notional below 1 ("0.0001" = 0.01 %), got "1"',
      'line 6, fundingTime: must be epoch milliseconds such as 1672531200000 or an ISO 8601 time, got ""',
    ]);
  });

  test('JSON: a rate as a number (a float) is refused; so are an object instead of the array and broken JSON', () => {
    assert.deepEqual(problems('[{"symbol":"BTCUSDT","fundingTime":1570608000000,"fundingRate":0.0001}]'), [
      '[0].fundingRate: must be a decimal written as a string, as Binance sends it (a JSON number is a float), got the number 0.0001',
    ]);
    assert.deepEqual(problems('{"code":-1121,"msg":"Invalid symbol."}'), ['must be the JSON array GET /fapi/v1/fundingRate returns, got an object: Invalid symbol.']);
    assert.match(problems('[{"symbol":')[0] ?? '', /^not valid JSON: /);
    assert.deepEqual(problems('[{"symbol":"BTCUSDT","fundingTime":"soon","fundingRate":"0.0001","markPrice":""}]'), [
      '[0].fundingTime: must be epoch milliseconds such as 1672531200000 or an ISO 8601 time, got "soon"',
    ]);
  });

  test('two payments for one symbol at one time; an empty file; a header alone', () => {
    assert.deepEqual(problems('symbol,fundingTime,fundingRate\nBTCUSDT,1672531200000,0.0001\nBTCUSDT,2023-01-01T00:00:00Z,0.0002\n'), [
      'line 3, fundingTime: a second payment for BTCUSDT at 2023-01-01T00:00:00Z: line 2 has one',
    ]);
    assert.match(problems('')[0] ?? '', /^header: the file is empty/);
    assert.deepEqual(problems('symbol,fundingTime,fundingRate\n'), ['rows: no funding rows in the file']);
  });
});

describe('fundingSchedule: which rows, and the commands they become', () => {
  test('each row a funding command at its time; its markPrice a mark just before it when no price file prices the symbol', () => {
    assert.deepEqual(scheduled(rows(BINANCE_EXAMPLE), {}), [
      'mark 2019-10-09T08:00:00Z BTCUSDT=34287.54619963', 'funding 2019-10-09T08:00:00Z BTCUSDT -0.03750000',
      'mark 2019-10-09T16:00:00Z BTCUSDT=34287.54619963', 'funding 2019-10-09T16:00:00Z BTCUSDT 0.00010000',
    ]);
    assert.deepEqual(scheduled(rows(BINANCE_EXAMPLE), { priced: asInstrumentId('BTCUSDT') }), [
      'funding 2019-10-09T08:00:00Z BTCUSDT -0.03750000', 'funding 2019-10-09T16:00:00Z BTCUSDT 0.00010000',
    ]);
  });

  test('funding.instrument keeps its rows and reports the others skipped', () => {
    const result = fundingSchedule(rows(CSV), { instruments: binanceAccount(), instrument: asInstrumentId('ETHUSDT') });
    assert.ok(result.ok);
    assert.equal(result.value.payments, 1);
    assert.deepEqual([...result.value.skipped], [['BTCUSDT', 2]]);
  });

  test('the price window skips payments outside it, both ends kept', () => {
    assert.deepEqual(scheduled(rows(CSV), { priced: asInstrumentId('BTCUSDT'), fromMs: Date.parse('2023-01-01T00:00:01Z'), toMs: Date.parse('2023-01-01T08:00:00Z') }), [
      'funding 2023-01-01T08:00:00Z BTCUSDT -0.00002500',
    ]);
    const none = fundingSchedule(rows(CSV), { instruments: binanceAccount(), fromMs: Date.parse('2024-01-01T00:00:00Z') });
    assert.deepEqual(!none.ok && none.error.map(formatProblem), ['rows: no funding rows inside the price window (prices.from to prices.to)']);
  });

  test('a symbol the account does not know is an error naming it, once, unless funding.instrument picks another', () => {
    const text = 'symbol,fundingTime,fundingRate\nBTCUSD,1672531200000,0.0001\nBTCUSD,1672560000000,0.0001\n';
    const result = fundingSchedule(rows(text), { instruments: binanceAccount() });
    assert.deepEqual(!result.ok && result.error.map(formatProblem), [
      'line 2, symbol: unknown instrument "BTCUSD"; the account knows BTCUSDT, ETHUSDT. To replay one symbol of a file that holds several, set "funding.instrument"',
    ]);
    const picked = fundingSchedule(rows(text), { instruments: binanceAccount(), instrument: asInstrumentId('BTCUSDT') });
    assert.deepEqual(!picked.ok && picked.error.map(formatProblem), ['rows: no rows for BTCUSDT in the file; it holds BTCUSD']);
  });

  test('a file without a symbol column needs funding.instrument', () => {
    const dump = rows('calc_time,funding_interval_hours,last_funding_rate\n1672531200000,8,0.0001\n');
    const result = fundingSchedule(dump, { instruments: binanceAccount() });
    assert.deepEqual(!result.ok && result.error.map(formatProblem), [
      'funding.instrument: required: the file has no symbol column (a data.binance.vision dump): name the contract it holds',
    ]);
    assert.deepEqual(scheduled(dump, { instrument: asInstrumentId('BTCUSDT') }), ['funding 2023-01-01T00:00:00Z BTCUSDT 0.0001']);
  });
});
