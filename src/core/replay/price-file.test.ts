// parsePriceFile on the layouts real price files come in, each fixture a few rows written here by
// hand around published figures (the USD/CHF and GBP/USD event days, the BTC/USDT lows of March
// 2020 and May 2021, the S&P 500 on 19 October 1987). Other columns hold made-up values. No row is
// copied from a data file.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { toDecimalString } from '../money/decimal.js';
import type { Problem } from '../result.js';
import { parsePriceFile, type Bar, type PriceFileOptions } from './price-file.js';

/** A bar as plain text: time, open, high, low, close. */
type Row = readonly [time: string, open: string, high: string, low: string, close: string];

const row = (bar: Bar): Row => [
  bar.time, toDecimalString(bar.open), toDecimalString(bar.high), toDecimalString(bar.low), toDecimalString(bar.close),
];

function bars(text: string, options: PriceFileOptions = {}): Row[] {
  const result = parsePriceFile(text, options);
  assert.ok(result.ok, `expected bars, got ${JSON.stringify(!result.ok && result.error)}`);
  return result.value.map(row);
}

function problems(text: string, options: PriceFileOptions = {}): readonly Problem[] {
  const result = parsePriceFile(text, options);
  assert.ok(!result.ok, `expected problems, got bars ${JSON.stringify(result.ok && result.value.map(row))}`);
  return result.error;
}

const ms = (iso: string): number => Date.parse(iso);

// 13 Mar 2020, 02:15-02:17 UTC: the 1-minute futures low of 3,621.81 at 02:16 (data README).
const KLINES_MARCH_2020 = [
  '1584065700000,3790.50,3801.00,3702.10,3712.40,2100.500,1584065759999,7900000.12345,15000,900.250,3400000.00000,0',
  '1584065760000,3712.40,3755.00,3621.81,3741.00,3300.125,1584065819999,12100000.50000,21000,1500.000,5500000.00000,0',
  '1584065820000,3741.00,3890.00,3735.20,3880.00,1800.000,1584065879999,6900000.00000,12000,1000.500,3850000.00000,0',
].join('\n');

const MARCH_2020_BARS: Row[] = [
  ['2020-03-13T02:15:00Z', '3790.50', '3801.00', '3702.10', '3712.40'],
  ['2020-03-13T02:16:00Z', '3712.40', '3755.00', '3621.81', '3741.00'],
  ['2020-03-13T02:17:00Z', '3741.00', '3890.00', '3735.20', '3880.00'],
];

describe('layouts', () => {
  test('Binance klines without a header, as Binance publishes them: epoch-ms open time, then open, high, low, close', () => {
    assert.deepEqual(bars(`${KLINES_MARCH_2020}\n`), MARCH_2020_BARS);
  });

  test('Binance klines with a header line', () => {
    const header = 'open_time_ms,open,high,low,close,volume,close_time_ms,quote_volume,trades,taker_buy_base_volume,taker_buy_quote_volume,ignore';
    assert.deepEqual(bars(`${header}\n${KLINES_MARCH_2020}\n`), MARCH_2020_BARS);
  });

  test('time,open,high,low,close: the time in ISO 8601, epoch seconds or epoch milliseconds gives the same bars', () => {
    // 19 May 2021, 13:09-13:10 UTC: the futures low of 28,688.00 at 13:10.
    const rows = (first: string, second: string): string => [
      'time,open,high,low,close',
      `${first},31170.52,31315.00,29800.00,29890.00`,
      `${second},29890.00,32040.00,28688.00,31290.00`,
    ].join('\n');
    const expected: Row[] = [
      ['2021-05-19T13:09:00Z', '31170.52', '31315.00', '29800.00', '29890.00'],
      ['2021-05-19T13:10:00Z', '29890.00', '32040.00', '28688.00', '31290.00'],
    ];
    assert.deepEqual(bars(rows('2021-05-19T13:09:00Z', '2021-05-19T13:10:00Z')), expected);
    assert.deepEqual(bars(rows('2021-05-19T15:09:00+02:00', '2021-05-19 13:10:00Z')), expected);
    assert.deepEqual(bars(rows('1621429740', '1621429800')), expected);
    assert.deepEqual(bars(rows('1621429740000', '1621429800000')), expected);
  });

  test('time,price ticks become bars whose open, high, low and close are the tick', () => {
    const text = 'time,price\n2015-01-15T09:29:00Z,1.20100\n2015-01-15T09:30:00Z,1.20098\n2015-01-15T09:31:00Z,0.98500\n';
    assert.deepEqual(bars(text), [
      ['2015-01-15T09:29:00Z', '1.20100', '1.20100', '1.20100', '1.20100'],
      ['2015-01-15T09:30:00Z', '1.20098', '1.20098', '1.20098', '1.20098'],
      ['2015-01-15T09:31:00Z', '0.98500', '0.98500', '0.98500', '0.98500'],
    ]);
  });

  test('headerless time,price ticks (two columns) are read as ticks, not klines', () => {
    assert.deepEqual(bars('1584065760000,3621.81\n1584065761000,3630.00\n'), [
      ['2020-03-13T02:16:00Z', '3621.81', '3621.81', '3621.81', '3621.81'],
      ['2020-03-13T02:16:01Z', '3630.00', '3630.00', '3630.00', '3630.00'],
    ]);
  });

  test('a banner line, then a CryptoDataDownload header (Unix ms before Date), newest first: turned around', () => {
    // 12 Mar 2020: open 7,934.58, low 4,410.00, close 4,800.00; 13 Mar low 3,782.13 (data README).
    const text = [
      'https://www.example.com/a-banner-line',
      'Unix,Date,Symbol,Open,High,Low,Close,Volume BTC,Volume USDT,tradecount',
      '1584057600000,2020-03-13,BTCUSDT,4800.01,5900.00,3782.13,5500.00,250000.5,1200000000.25,2000000',
      '1583971200000,2020-03-12,BTCUSDT,7934.58,7970.00,4410.00,4800.00,260000.1,1500000000.75,2100000',
      '1583884800000,2020-03-11,BTCUSDT,7890.00,7990.00,7600.00,7934.52,70000.0,540000000.00,900000',
    ].join('\n');
    assert.deepEqual(bars(text), [
      ['2020-03-11T00:00:00Z', '7890.00', '7990.00', '7600.00', '7934.52'],
      ['2020-03-12T00:00:00Z', '7934.58', '7970.00', '4410.00', '4800.00'],
      ['2020-03-13T00:00:00Z', '4800.01', '5900.00', '3782.13', '5500.00'],
    ]);
  });

  test('Year,Month,Day columns (a MetaTrader export), newest first, the indicator columns ignored', () => {
    // USD/CHF, 15 Jan 2015: 1.01827 / 1.02199 / 0.83429 / 0.83775 (data README).
    const text = [
      'Year,Month,Day,Open,High,Low,Close,Volume,Return,MA5,MA14,MACD,RSI',
      '2015,1,16,0.83800,0.88000,0.82800,0.85700,120000,1.02,0.95,0.99,-0.01,20.5',
      '2015,1,15,1.01827,1.02199,0.83429,0.83775,150000,0.82,0.98,1.00,-0.01,10.1',
      '2015,1,14,1.01900,1.02400,1.01400,1.01860,60000,1.00,1.01,1.00,0.00,60.2',
    ].join('\n');
    assert.deepEqual(bars(text), [
      ['2015-01-14T00:00:00Z', '1.01900', '1.02400', '1.01400', '1.01860'],
      ['2015-01-15T00:00:00Z', '1.01827', '1.02199', '0.83429', '0.83775'],
      ['2015-01-16T00:00:00Z', '0.83800', '0.88000', '0.82800', '0.85700'],
    ]);
  });

  test('Yahoo Finance: M/D/YYYY dates, oldest first, CRLF line endings, Adj Close and Volume ignored', () => {
    // S&P 500: 282.70 on 10/16/1987, 224.84 on 10/19/1987 (-20.47 %), opening at the previous close.
    const text = [
      'Date,Open,High,Low,Close,Adj Close,Volume',
      '10/16/1987,298.00,299.00,281.00,282.70,282.70,338500000',
      '10/19/1987,282.70,282.70,224.83,224.84,224.84,604300000',
      '10/20/1987,225.10,245.60,216.40,236.83,236.83,608100000',
      '',
    ].join('\r\n');
    assert.deepEqual(bars(text), [
      ['1987-10-16T00:00:00Z', '298.00', '299.00', '281.00', '282.70'],
      ['1987-10-19T00:00:00Z', '282.70', '282.70', '224.83', '224.84'],
      ['1987-10-20T00:00:00Z', '225.10', '245.60', '216.40', '236.83'],
    ]);
  });

  test('a MetaTrader YYYY.MM.DD date', () => {
    // GBP/USD, 7 Oct 2016: 1.26143 / 1.26216 / 1.14754 / 1.24390 (data README).
    assert.deepEqual(bars('Date,Open,High,Low,Close\n2016.10.07,1.26143,1.26216,1.14754,1.24390\n'), [
      ['2016-10-07T00:00:00Z', '1.26143', '1.26216', '1.14754', '1.24390'],
    ]);
  });

  test('a byte-order mark, CRLF endings, blank lines and padded, upper-case header names are all tolerated', () => {
    const text = '\uFEFF TIME , Open ,HIGH,low, Close \r\n\r\n2016-10-07, 1.26143 ,1.26216,1.14754,1.24390\r\n\r\n2016-10-10,1.24074,1.24434,1.23440,1.23609\r\n';
    assert.deepEqual(bars(text), [
      ['2016-10-07T00:00:00Z', '1.26143', '1.26216', '1.14754', '1.24390'],
      ['2016-10-10T00:00:00Z', '1.24074', '1.24434', '1.23440', '1.23609'],
    ]);
  });

  test('the BOM does not hide a Binance kline first row', () => {
    assert.deepEqual(bars(`\uFEFF${KLINES_MARCH_2020}`), MARCH_2020_BARS);
  });

  test('decimals keep the digits written: no binary rounding, trailing zeros kept', () => {
    const [bar] = bars('time,price\n2021-05-19T13:10:00Z,28688.00000001\n');
    assert.equal(bar?.[1], '28688.00000001');
  });
});

describe('the from/to window', () => {
  test('keeps the bars at or after "from" and at or before "to", both ends included', () => {
    assert.deepEqual(bars(KLINES_MARCH_2020, { fromMs: ms('2020-03-13T02:16:00Z'), toMs: ms('2020-03-13T02:16:00Z') }), [MARCH_2020_BARS[1]]);
    assert.deepEqual(bars(KLINES_MARCH_2020, { fromMs: ms('2020-03-13T02:15:30Z') }), MARCH_2020_BARS.slice(1));
    assert.deepEqual(bars(KLINES_MARCH_2020, { toMs: ms('2020-03-13T02:16:59Z') }), MARCH_2020_BARS.slice(0, 2));
  });

  test('picks one of two windows in one file, as the 1-minute crash file holds', () => {
    const text = [
      KLINES_MARCH_2020,
      '1621429800000,29890.00,32040.00,28688.00,31290.00,5000.000,1621429859999,150000000.00000,90000,2500.000,75000000.00000,0',
    ].join('\n');
    assert.deepEqual(bars(text, { fromMs: ms('2021-05-19T00:00:00Z'), toMs: ms('2021-05-19T23:59:59Z') }), [
      ['2021-05-19T13:10:00Z', '29890.00', '32040.00', '28688.00', '31290.00'],
    ]);
    assert.equal(bars(text, { toMs: ms('2020-03-14T00:00:00Z') }).length, 3);
  });

  test('applies to a newest-first file after it is turned around', () => {
    const text = 'Year,Month,Day,Open,High,Low,Close\n2015,1,16,0.838,0.88,0.828,0.857\n2015,1,15,1.01827,1.02199,0.83429,0.83775\n2015,1,14,1.019,1.024,1.014,1.0186\n';
    assert.deepEqual(bars(text, { fromMs: ms('2015-01-15'), toMs: ms('2015-01-16') }).map((row) => row[0]), ['2015-01-15T00:00:00Z', '2015-01-16T00:00:00Z']);
  });
});

describe('problems', () => {
  test('a bad decimal names its line and column', () => {
    const text = 'time,open,high,low,close\n2016-10-06,1.27410,1.27593,1.26013,1.26143\n2016-10-07,1.26143,1.26216,1.14754,1.2439O\n';
    assert.deepEqual(problems(text), [
      { path: 'line 3, close', code: 'input/not-a-decimal', message: 'must be a positive decimal, got "1.2439O"' },
    ]);
  });

  test('a zero, negative, exponent or missing price is refused, naming the column', () => {
    const text = 'time,open,high,low,close\n2015-01-14,0,1.02,1.01,1.01\n2015-01-15,1.01827,1.02199,-0.83429,0.83775\n2015-01-16,1e0,1,1,1\n2015-01-19,1,1,1\n';
    assert.deepEqual(problems(text).map((problem) => problem.path), ['line 2, open', 'line 3, low', 'line 4, open', 'line 5, close']);
  });

  test('every bad line is reported, not just the first; the line numbers count the banner and header', () => {
    const text = 'a banner\nUnix,Open,High,Low,Close\n1584057600000,4800.01,5900,3782.13,x\n1583971200000,7934.58,7970,4410,4800\n1583884800000,y,7990,7600,7934.52\n';
    assert.deepEqual(problems(text).map((problem) => problem.path), ['line 3, close', 'line 5, open']);
  });

  test('a high below the close (or the open) is refused on its line', () => {
    // GBP/USD 7 Oct 2016 with high and close swapped.
    const [problem, ...rest] = problems('time,open,high,low,close\n2016-10-07,1.26143,1.24390,1.14754,1.26216\n');
    assert.deepEqual(rest, []);
    assert.equal(problem?.path, 'line 2');
    assert.equal(problem?.code, 'input/out-of-range');
    assert.match(problem?.message ?? '', /high must be at least the open and close/);
  });

  test('a low above the open or close is refused on its line', () => {
    const [problem] = problems('time,open,high,low,close\n2016-10-07,1.26143,1.26216,1.25000,1.24390\n');
    assert.equal(problem?.path, 'line 2');
    assert.equal(problem?.code, 'input/out-of-range');
  });

  test('a time that is neither ISO 8601, a date nor epoch seconds/milliseconds names its line', () => {
    assert.deepEqual(problems('time,price\n2015-01-15T09:30:00Z,1.2\n15.01.2015 09:31,0.98\n'), [
      { path: 'line 3', code: 'input/wrong-type', message: 'the time is not an ISO 8601 time, a date or epoch seconds/milliseconds' },
    ]);
    assert.equal(problems('time,price\n2015-02-30,1.2\n')[0]?.path, 'line 2');
  });

  test('rows out of time order are refused, naming the line and the time that breaks the order', () => {
    const text = 'time,price\n2015-01-14,1.0186\n2015-01-16,0.857\n2015-01-15,0.83775\n2015-01-19,0.877\n';
    const [problem, ...rest] = problems(text);
    assert.deepEqual(rest, []);
    assert.equal(problem?.path, 'line 4');
    assert.equal(problem?.code, 'input/out-of-order');
    assert.match(problem?.message ?? '', /2015-01-15T00:00:00Z comes out of order/);
  });

  test('a repeated time is refused, in an oldest-first and in a newest-first file', () => {
    const ascending = 'time,price\n2015-01-14,1.0186\n2015-01-15,0.83775\n2015-01-15,0.83775\n2015-01-16,0.857\n';
    const descending = 'time,price\n2015-01-16,0.857\n2015-01-15,0.83775\n2015-01-15,0.83775\n2015-01-14,1.0186\n';
    for (const text of [ascending, descending]) {
      const [problem] = problems(text);
      assert.equal(problem?.code, 'input/out-of-order');
      assert.match(problem?.message ?? '', /2015-01-15T00:00:00Z/);
    }
    const klines = `${KLINES_MARCH_2020}\n${KLINES_MARCH_2020.split('\n')[2] ?? ''}`;
    assert.equal(problems(klines)[0]?.code, 'input/out-of-order');
  });

  test('a window with no bars in it is refused, as is a file with a header and no rows', () => {
    for (const [text, options] of [
      [KLINES_MARCH_2020, { fromMs: ms('2021-05-19T00:00:00Z') }],
      [KLINES_MARCH_2020, { toMs: ms('2020-03-13T02:14:59Z') }],
      [KLINES_MARCH_2020, { fromMs: ms('2020-03-13T02:15:01Z'), toMs: ms('2020-03-13T02:15:59Z') }],
      ['time,price\n', {}],
      ['time,price\r\n\r\n', {}],
    ] as const) {
      assert.deepEqual(problems(text, options), [
        { path: 'rows', code: 'input/out-of-range', message: 'no rows in the file (or in the window asked for)' },
      ]);
    }
  });

  test('no header with a time and prices, and no kline rows: refused, saying which columns it needs', () => {
    const expected = [{
      path: 'header', code: 'input/malformed',
      message: 'needs a time column (time, open_time_ms, unix, date, or year/month/day) and open, high, low and close columns, or a price column; or Binance kline rows without a header',
    }];
    for (const text of [
      '', '\n\n',
      'open,high,low,close\n1.0,1.1,0.9,1.05\n', // prices but no time column
      'time,open,high,low\n2015-01-15T09:30:00Z,x,1,1\n', // no close and no price column
      'time;price\n2015-01-15;1.2\n', // not comma-separated
      'symbol,bid,ask\nEURUSD,1.1,1.2\n',
      'b1\nb2\nb3\nb4\nb5\ntime,price\n2015-01-15,1.2\n', // the header must be within the first five lines
    ]) {
      assert.deepEqual(problems(text), expected, JSON.stringify(text));
    }
  });
});

describe('dates outside ISO 8601', () => {
  // Year,Month,Day, M/D/YYYY and YYYY.MM.DD refuse impossible days as ISO dates do, rather than
  // rolling 2015-02-30 over into March.
  test('an impossible Year,Month,Day date is refused', () => {
    assert.equal(problems('Year,Month,Day,Open,High,Low,Close\n2015,2,30,1,1,1,1\n')[0]?.path, 'line 2');
    assert.equal(problems('Year,Month,Day,Open,High,Low,Close\n2015,13,1,1,1,1,1\n')[0]?.path, 'line 2');
  });
  test('an impossible M/D/YYYY or YYYY.MM.DD date is refused', () => {
    assert.equal(problems('Date,Open,High,Low,Close\n2/30/2015,1,1,1,1\n')[0]?.path, 'line 2');
    assert.equal(problems('Date,Open,High,Low,Close\n2015.02.30,1,1,1,1\n')[0]?.path, 'line 2');
  });
});
