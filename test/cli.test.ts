// The built `stopout` command on bad input (spec/report.md): `stopout report FILE|-` exits 2, writes
// nothing at all to standard output, and writes one line per problem to standard error, each naming
// the field, never a stack trace or a thrown error's "Error:" prefix. Good input exits 0 with JSON in
// which every decimal is a string. Spawns `node dist/cli/main.js` (npm test builds dist first).
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertNoCrash, assertRejected, stopout, type Line, type Run } from './support/run-cli.js';

const scratch = mkdtempSync(join(tmpdir(), 'stopout-cli-test-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const BUILT_IN_IDS = [
  'binance-usdm', 'binance-coinm', 'bybit-linear', 'hyperliquid', 'dydx-v4', 'esma-retail-cfd', 'mt5-standard', 'us-reg-t',
];


let files = 0;
/** Writes `text` to a new file in the scratch directory and returns its path. */
function inputFile(text: string): string {
  files += 1;
  const path = join(scratch, `snapshot-${files}.json`);
  writeFileSync(path, text);
  return path;
}

const reportText = (text: string, ...options: string[]): { run: Run; file: string } => {
  const file = inputFile(text);
  return { run: stopout(['report', file, ...options]), file };
};
const reportJson = (value: unknown, ...options: string[]): Run => reportText(JSON.stringify(value, null, 2), ...options).run;
const reportStdin = (text: string, ...options: string[]): Run => stopout(['report', '-', ...options], text);

/** Standard error shows no sign of a thrown error: no stack frames, no "Error:"/"TypeError:" prefix, no internal error. */
type JsonObject = { [key: string]: unknown };

function btcPosition(overrides: JsonObject = {}): JsonObject {
  return { id: 'btc', instrument: 'BTCUSDT', side: 'long', quantity: '1', entryPrice: '30000', leverage: '10', ...overrides };
}

/** A valid snapshot (one long BTCUSDT at Binance USDⓈ-M) with some top-level fields replaced. */
function snapshot(overrides: JsonObject = {}): JsonObject {
  return {
    venue: 'binance-usdm',
    account: { currency: 'USDT', balance: '10000' },
    positions: [btcPosition()],
    marks: { BTCUSDT: '29000' },
    ...overrides,
  };
}

const withPosition = (overrides: JsonObject): JsonObject => snapshot({ positions: [btcPosition(overrides)] });
const withInstruments = (instruments: JsonObject): JsonObject => snapshot({ instruments });
const withTiers = (tiers: unknown): JsonObject => withInstruments({ BTCUSDT: { maintenanceTiers: tiers } });
const mt5 = (venue: unknown, balance = '1000'): JsonObject => ({ venue, account: { currency: 'USD', balance }, positions: [] });

describe('stopout report: unreadable input', () => {
  test('malformed JSON names the line and column', () => {
    const { run, file } = reportText('{"venue": "mt5-standard",\n "account": {"currency": "USD" "balance": "1"}}');
    assertRejected(run, [[`${file}: not valid JSON: `, 'line 2, column 32']]);
  });
  test('a trailing comma names the line and column', () => {
    const { run, file } = reportText('{\n  "venue": "mt5-standard",\n}');
    assertRejected(run, [[`${file}: not valid JSON: `, 'a property name was expected', 'line 3, column 1']]);
  });
  test('a document cut short names the line and column', () => {
    const { run, file } = reportText('{"venue": "mt5-standard", "account": {');
    assertRejected(run, [[`${file}: not valid JSON: `, 'line 1, column 39']]);
  });
  test('malformed JSON on standard input', () => {
    assertRejected(reportStdin('{"venue" "mt5-standard"}'), [['standard input: not valid JSON: ', 'line 1, column 10']]);
  });
  test('an unexpected token names the line and column', () => {
    const { run, file } = reportText('{"venue": }');
    assertRejected(run, [[`${file}: not valid JSON: `, 'line 1, column 11']]);
  });
  test('an unexpected token in a multi-line document is one line of stderr', () => {
    const { run, file } = reportText('{\n  "venue": tru\n}');
    assertRejected(run, [[`${file}: not valid JSON: `, 'line 2, column']]);
  });
  test('input that ends too early names the line and column', () => {
    const { run, file } = reportText('{"venue":');
    assertRejected(run, [[`${file}: not valid JSON: `, 'line 1, column 10']]);
  });
  test('text after the document names its place once', () => {
    const { run, file } = reportText('{"venue": "x"} x');
    assertRejected(run, [[`${file}: not valid JSON: `, 'line 1, column 16']]);
    assert.doesNotMatch(run.stderr, /position/);
  });
  test('a UTF-8 byte-order mark is accepted, or rejected with a readable message', () => {
    const { run, file } = reportText(`\ufeff${JSON.stringify(snapshot())}`);
    assertNoCrash(run);
    if (run.status !== 0) assertRejected(run, [[`${file}: `, 'line 1, column 1']]);
  });
  test('an empty file', () => {
    const { run, file } = reportText('');
    assertRejected(run, [[`${file}: empty: expected a JSON snapshot`]]);
  });
  test('a file of only whitespace', () => {
    const { run, file } = reportText(' \n\t\n');
    assertRejected(run, [[`${file}: empty: expected a JSON snapshot`]]);
  });
  test('empty standard input', () => {
    assertRejected(reportStdin(''), [['standard input: empty: expected a JSON snapshot']]);
  });
  test('a missing file', () => {
    const missing = join(scratch, 'no-such-snapshot.json');
    assertRejected(stopout(['report', missing]), [[`${missing}: cannot read: no such file`]]);
  });
  test('a directory instead of a file', () => {
    const directory = join(scratch, 'a-directory.json');
    mkdirSync(directory);
    assertRejected(stopout(['report', directory]), [[`${directory}: not a file`]]);
  });
  const topLevel: [string, string][] = [['[]', 'an array'], ['42', 'the number 42'], ['null', 'null'], ['"binance-usdm"', '"binance-usdm"']];
  for (const [text, got] of topLevel) {
    test(`a top level that is not an object: ${text}`, () => {
      const { run } = reportText(text);
      assertRejected(run, [[`a snapshot must be a JSON object, got ${got}`]]);
      assert.equal(run.stderr, `a snapshot must be a JSON object, got ${got}\n`);
    });
  }
});

describe('stopout report: invalid snapshots', () => {
  const venueLine: Line = ['venue: unknown venue "kraken"; built-in venues are: ', ...BUILT_IN_IDS];
  const cases: [string, unknown, Line[]][] = [
    ['missing venue', snapshot({ venue: undefined }), [['venue: required']]],
    ['missing account', snapshot({ account: undefined }), [['account: required']]],
    ['missing account.currency', snapshot({ account: { balance: '10000' } }), [['account.currency: required']]],
    ['missing account.balance', snapshot({ account: { currency: 'USDT' } }), [['account.balance: required']]],
    ['missing positions', snapshot({ positions: undefined, marks: undefined }), [['positions: required']]],
    ['missing positions[0].instrument', withPosition({ instrument: undefined }), [['positions[0].instrument: required']]],
    ['missing positions[0].side', withPosition({ side: undefined }), [['positions[0].side: required', 'long, short']]],
    ['missing positions[0].quantity', withPosition({ quantity: undefined }), [['positions[0].quantity: required']]],
    ['missing positions[0].entryPrice', withPosition({ entryPrice: undefined }), [['positions[0].entryPrice: required']]],
    ['unknown venue', snapshot({ venue: 'kraken' }), [venueLine]],
    ['unknown base venue', snapshot({ venue: { extends: 'kraken' } }), [['venue.extends: unknown venue "kraken"', ...BUILT_IN_IDS]]],
    ['unknown instrument', snapshot({ positions: [btcPosition({ instrument: 'DOGEUSDT' })], marks: undefined }),
      [['positions[0].instrument: unknown instrument "DOGEUSDT" at binance-usdm; define it under "instruments"']]],
    ['quantity "-3"', withPosition({ quantity: '-3' }), [['positions[0].quantity: must be a positive decimal', 'got "-3"']]],
    ['quantity "0"', withPosition({ quantity: '0' }), [['positions[0].quantity: must be a positive decimal', 'got "0"']]],
    ['entryPrice "-1"', withPosition({ entryPrice: '-1' }), [['positions[0].entryPrice: must be a positive decimal', 'got "-1"']]],
    ['entryPrice "0"', withPosition({ entryPrice: '0' }), [['positions[0].entryPrice: must be a positive decimal', 'got "0"']]],
    ['mark "0"', snapshot({ marks: { BTCUSDT: '0' } }), [['marks.BTCUSDT: must be a positive decimal', 'got "0"']]],
    ['quantity "abc"', withPosition({ quantity: 'abc' }), [['positions[0].quantity: must be a positive decimal written as a string, got "abc"']]],
    ['quantity "1e3"', withPosition({ quantity: '1e3' }), [['positions[0].quantity: must be a positive decimal written as a string, got "1e3"']]],
    ['quantity "1,000"', withPosition({ quantity: '1,000' }), [['positions[0].quantity: must be a positive decimal written as a string, got "1,000"']]],
    ['quantity " 5"', withPosition({ quantity: ' 5' }), [['positions[0].quantity: must be a positive decimal written as a string, got " 5"']]],
    ['quantity as the JSON number 3', withPosition({ quantity: 3 }),
      [['positions[0].quantity: must be a positive decimal written as a string (decimals travel as JSON strings), got the number 3']]],
    ['balance as a JSON number', snapshot({ account: { currency: 'USDT', balance: 10000 } }),
      [['account.balance: must be a decimal written as a string (decimals travel as JSON strings), got the number 10000']]],
    ['unknown keys at every level', {
      venue: { extends: 'binance-usdm', stopOut: '0.5' },
      extra: 1,
      account: { currency: 'USDT', balance: '10000', equity: '1' },
      instruments: { BTCUSDT: { tick: '0.1', maintenanceTiers: [{ floor: '0', rate: '0.004', cum: '0' }] } },
      positions: [btcPosition({ price: '1' })],
    }, [
      ['extra: unknown field; expected one of: venue, account, instruments, positions, marks, shocks, funding, financing'],
      ['venue.stopOut: unknown field; expected one of: extends, ', 'stopOutLevel'],
      ['account.equity: unknown field; expected one of: currency, balance'],
      ['instruments.BTCUSDT.tick: unknown field; expected one of: kind, ', 'tickSize'],
      ['instruments.BTCUSDT.maintenanceTiers[0].cum: unknown field; expected one of: floor, rate, deduction, maxLeverage'],
      ['positions[0].price: unknown field; expected one of: id, instrument, side, quantity, entryPrice, leverage, isolatedMargin'],
    ]],
    ['side "buy"', withPosition({ side: 'buy' }), [['positions[0].side: must be one of long, short, got "buy"']]],
    ['kind "future"', withInstruments({ XBTUSDT: { kind: 'future', assetClass: 'crypto', maintenanceTiers: [{ floor: '0', rate: '0.01' }] } }),
      [['instruments.XBTUSDT.kind: must be one of linear, inverse, stock, cfd, got "future"']]],
    ['assetClass "stocks"', withInstruments({ XBTUSDT: { kind: 'linear', assetClass: 'stocks', maintenanceTiers: [{ floor: '0', rate: '0.01' }] } }),
      [['instruments.XBTUSDT.assetClass: must be one of fx-major, ', 'got "stocks"']]],
    ['75:1 on EURUSD at esma-retail-cfd', {
      venue: 'esma-retail-cfd', account: { currency: 'USD', balance: '500' },
      positions: [{ instrument: 'EURUSD', side: 'long', quantity: '30000', entryPrice: '1.25', leverage: '75' }],
    }, [['positions[0].leverage: 75:1 is above the 30:1 cap for fx-major at esma-retail-cfd', 'ESMA Decision (EU) 2018/796']]],
    ['leverage above an instrument\'s maxLeverage', {
      venue: 'hyperliquid', account: { currency: 'USDC', balance: '10000' },
      positions: [{ instrument: 'BTC', side: 'long', quantity: '1', entryPrice: '30000', leverage: '45' }],
    }, [['positions[0].leverage: 45:1 is above BTC\'s maximum leverage of 40:1 at hyperliquid']]],
    ['isolatedMargin at mt5-standard', {
      ...mt5('mt5-standard'),
      positions: [{ instrument: 'EURUSD', side: 'long', quantity: '1000', entryPrice: '1.1', leverage: '100', isolatedMargin: '10' }],
    }, [['positions[0].isolatedMargin: mt5-standard has no isolated margin']]],
    ['isolated margins above the balance', withPosition({ isolatedMargin: '20000' }),
      [['positions[0].isolatedMargin: isolated margins total 20000 USDT, more than the balance 10000']]],
    ['USD balance "100.123"', mt5('mt5-standard', '100.123'), [['account.balance: USD amounts carry at most 2 decimals, got "100.123"']]],
    ['shocks at or below -1 and not decimals', snapshot({ shocks: ['-1', '-0.5', 'abc', -0.1] }), [
      ['shocks[0]: a move must be above -1', 'got "-1"'],
      ['shocks[2]: must be a decimal written as a string, got "abc"'],
      ['shocks[3]: must be a decimal written as a string (decimals travel as JSON strings), got the number -0.1'],
    ]],
    ['a mark for an unknown instrument', snapshot({ marks: { BTCUSDT: '29000', FOO: '1' } }), [['marks.FOO: no instrument "FOO"']]],
    ['positions at different entries with no mark',
      snapshot({ positions: [btcPosition(), btcPosition({ id: 'btc-2', entryPrice: '31000' })], marks: undefined }),
      [['marks.BTCUSDT: required', 'opened at different prices']]],
    ['duplicate position ids', snapshot({ positions: [btcPosition(), btcPosition({ side: 'short' })] }),
      [['positions[1].id: "btc" is already the id of an earlier position']]],
    ['stopOutLevel above marginCallLevel', mt5({ extends: 'mt5-standard', marginCallLevel: '0.8', stopOutLevel: '0.9' }),
      [['venue.stopOutLevel: the stop-out level must not be above the margin-call level']]],
    ['maintenanceLong on a non-securities venue', mt5({ extends: 'mt5-standard', maintenanceLong: '0.3' }),
      [['venue.maintenanceLong: applies to securities venues only; mt5-standard']]],
    ['cureDays on a crypto venue', snapshot({ venue: { extends: 'binance-usdm', cureDays: '3' } }),
      [['venue.cureDays: applies to securities venues only; binance-usdm']]],
    ['negativeBalanceProtection not a boolean', mt5({ extends: 'mt5-standard', negativeBalanceProtection: 'yes' }),
      [['venue.negativeBalanceProtection: must be true or false, got "yes"']]],
    ['an empty tier list', withTiers([]), [['instruments.BTCUSDT.maintenanceTiers: must list at least one tier']]],
    ['a first floor other than 0', withTiers([{ floor: '10', rate: '0.004' }]),
      [['instruments.BTCUSDT.maintenanceTiers[0].floor: the first tier must start at "0", got "10"']]],
    ['floors that do not increase', withTiers([{ floor: '0', rate: '0.004' }, { floor: '5', rate: '0.005' }, { floor: '5', rate: '0.01' }]),
      [['instruments.BTCUSDT.maintenanceTiers[2].floor: floors must rise from one tier to the next']]],
    ['a tier rate above 1', withTiers([{ floor: '0', rate: '1.5' }]),
      [['instruments.BTCUSDT.maintenanceTiers[0].rate: must be a fraction of notional from 0 to 1, got "1.5"']]],
    ['an instrument without kind that the venue does not have', withInstruments({ DOGEUSDT: { tickSize: '0.00001' } }),
      [['instruments.DOGEUSDT: binance-usdm has no built-in instrument "DOGEUSDT" to override; give its "kind"']]],
    ['a binance-coinm contract without tiers', {
      venue: 'binance-coinm', account: { currency: 'BTC', balance: '1' },
      positions: [{ instrument: 'BTCUSD_PERP', side: 'long', quantity: '10', entryPrice: '30000', leverage: '10' }],
    }, [['positions[0].instrument: BTCUSD_PERP has no maintenance tiers at binance-coinm', 'instruments.BTCUSD_PERP.maintenanceTiers']]],
    ['several problems, all reported, in a stable order', {
      venue: 'binance-usdm',
      extra: true,
      account: { currency: 'USDT', balance: '1,0' },
      positions: [
        btcPosition({ id: 'a', quantity: '-1' }),
        btcPosition({ id: 'b', side: 'buy', entryPrice: 30000 }),
        btcPosition({ id: 'c', instrument: 'NOPE' }),
        btcPosition({ id: 'a' }),
      ],
      marks: { BTCUSDT: '29000', ZZZ: '1' },
      shocks: ['-2'],
    }, [
      ['extra: unknown field'],
      ['account.balance: must be a decimal written as a string, got "1,0"'],
      ['shocks[0]: a move must be above -1'],
      ['positions[0].quantity: must be a positive decimal', 'got "-1"'],
      ['positions[1].side: must be one of long, short, got "buy"'],
      ['positions[1].entryPrice: must be a positive decimal written as a string (decimals travel as JSON strings), got the number 30000'],
      ['positions[2].instrument: unknown instrument "NOPE"'],
      ['positions[3].id: "a" is already the id of an earlier position'],
      ['marks.ZZZ: no instrument "ZZZ"'],
    ]],
  ];
  for (const [name, input, lines] of cases) {
    test(name, () => {
      assertRejected(reportJson(input), lines);
    });
  }

  test('the same problems in the same order on every run', () => {
    const input = JSON.stringify(snapshot({ extra: 1, venue: 'binance-usdm', positions: [btcPosition({ quantity: '-1', side: 'buy' })] }));
    const first = reportText(input).run;
    const second = reportStdin(input);
    assert.equal(first.status, 2);
    assert.equal(second.stderr, first.stderr);
    assert.equal(first.stderr.split('\n').filter(Boolean).length, 3);
  });
  test('bad input on standard input', () => {
    assertRejected(reportStdin(JSON.stringify(withPosition({ quantity: '-3' }))), [['positions[0].quantity: must be a positive decimal', 'got "-3"']]);
  });
  test('bad input with --format table still prints nothing on stdout', () => {
    assertRejected(reportJson(snapshot({ venue: 'kraken' }), '--format', 'table'), [venueLine]);
  });

  for (const id of ['toString', '__proto__']) {
    test(`venue ${JSON.stringify(id)} is an unknown venue (exit 2), not an internal error`, () => {
      assertRejected(reportJson(snapshot({ venue: id })), [[`venue: unknown venue "${id}"`]]);
    });
  }
  test('an instruments entry "toString" and a position on it are rejected, not silently dropped', () => {
    const input = snapshot({ instruments: { toString: { tickSize: '1' } }, positions: [btcPosition({ instrument: 'toString' })], marks: undefined });
    const run = reportJson(input);
    assert.equal(run.status, 2, `stdout: ${run.stdout.slice(0, 400)}`);
    assertNoCrash(run);
    assert.equal(run.stdout, '');
  });
  test('a symbol with a newline in it still gives one line per problem', () => {
    const input = {
      venue: 'hyperliquid', account: { currency: 'USDC', balance: '1000' },
      instruments: { 'DOGE\nUSD': { kind: 'linear', assetClass: 'crypto', maxLeverage: '2' } },
      positions: [{ instrument: 'DOGE\nUSD', side: 'long', quantity: '10', entryPrice: '0.1', leverage: '3' }],
    };
    assertRejected(reportJson(input), [['positions[0].leverage: 3:1 is above ']]);
  });
});

/** Every path in a JSON value at which a JSON number sits. */
function numberPaths(value: unknown, path = ''): string[] {
  if (typeof value === 'number') return [path || '(top level)'];
  if (Array.isArray(value)) return value.flatMap((each, index) => numberPaths(each, `${path}[${index}]`));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, each]) => numberPaths(each, path ? `${path}.${key}` : key));
  }
  return [];
}

const DECIMAL = /^-?\d+(\.\d+)?$/;

describe('stopout report: good input', () => {
  // Two positions, one isolated; a small gap and one that liquidates (so "closed" fills are written too).
  const good = snapshot({
    positions: [btcPosition(), btcPosition({ id: 'eth', instrument: 'ETHUSDT', quantity: '2', entryPrice: '2000', isolatedMargin: '500' })],
    marks: { BTCUSDT: '29000', ETHUSDT: '1950' },
    shocks: ['-0.015', '-0.5'],
  });
  const goodText = JSON.stringify(good, null, 2);

  function assertReport(run: Run): Record<string, unknown> {
    assertNoCrash(run);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stderr, '');
    const report: unknown = JSON.parse(run.stdout);
    assert.ok(report !== null && typeof report === 'object' && !Array.isArray(report));
    const object = report as Record<string, unknown>;
    const account = object.account as Record<string, unknown>;
    for (const key of ['equity', 'unrealizedPnl', 'initialMargin', 'maintenanceMargin', 'freeMargin', 'marginLevel',
      'marginCallEquity', 'liquidationEquity', 'depositToCure']) {
      assert.match(String(account[key]), DECIMAL, `account.${key} is a decimal string`);
      assert.equal(typeof account[key], 'string', `account.${key}`);
    }
    const positions = object.positions as Record<string, unknown>[];
    assert.equal(positions.length, 2);
    for (const position of positions) {
      for (const key of ['notional', 'unrealizedPnl', 'initialMargin', 'maintenanceMargin', 'liquidationPrice', 'marginCallPrice', 'bankruptcyPrice']) {
        const field = position[key];
        assert.ok(field === null || (typeof field === 'string' && DECIMAL.test(field)), `positions.${key} is a decimal string or null: ${String(field)}`);
      }
    }
    const shocks = object.shocks as Record<string, unknown>[];
    assert.equal(shocks.length, 2);
    for (const shock of shocks) {
      for (const key of ['move', 'pnl', 'equity', 'clientLoss', 'debt', 'venueLoss']) {
        assert.equal(typeof shock[key], 'string', `shocks.${key}`);
        assert.match(String(shock[key]), DECIMAL);
      }
      assert.equal(typeof shock.liquidated, 'boolean');
    }
    assert.equal(shocks[1]?.liquidated, true, 'a 50 % gap liquidates a 10x long');
    // The contract's rule, walked over the whole document: every decimal is a string. The one JSON
    // number is venue.cureDays, a whole count of days (as the engine summary's event counts are).
    assert.deepEqual(numberPaths(report).filter((path) => path !== 'venue.cureDays'), []);
    return object;
  }

  test('a file: exit 0, JSON on stdout, every decimal a string', () => {
    assertReport(reportText(goodText).run);
  });
  test('standard input (-): the same report', () => {
    const fromStdin = assertReport(reportStdin(goodText));
    const fromFile = JSON.parse(reportText(goodText).run.stdout) as unknown;
    assert.deepEqual(fromStdin, fromFile);
  });
  test('the only JSON number in the report is a whole count: venue.cureDays', () => {
    const report = JSON.parse(reportText(goodText).run.stdout) as { venue: { cureDays: unknown } };
    assert.deepEqual(numberPaths(report), ['venue.cureDays']);
    assert.ok(Number.isInteger(report.venue.cureDays));
  });
  test('--format table prints the account table', () => {
    const { run } = reportText(goodText, '--format', 'table');
    assertNoCrash(run);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stderr, '');
    assert.match(run.stdout, /Equity/);
    assert.match(run.stdout, /Account/);
    assert.match(run.stdout, /Binance USDⓈ-M/);
    assert.throws(() => JSON.parse(run.stdout) as unknown, 'a table, not JSON');
  });
  test('--format table from standard input', () => {
    const run = reportStdin(goodText, '--format', 'table');
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /Equity/);
  });
});

describe('stopout report: warnings', () => {
  // 3 BTC at 30 000 and 10x need 9 000 of margin; the account holds 5 000. Reported all the same.
  const overLeveraged = snapshot({ account: { currency: 'USDT', balance: '5000' }, positions: [btcPosition({ quantity: '3' })] });
  const message = 'initial margin 9000.00000000 USDT (at the entry prices) is more than the balance 5000.00000000 USDT: '
    + 'the venue would not have let these positions open';

  test('an account whose margin is within its balance: an empty warnings list', () => {
    const run = reportJson(snapshot());
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual((JSON.parse(run.stdout) as { warnings: unknown }).warnings, []);
  });
  test('an over-leveraged snapshot: exit 0, the full report, and a warning that names the figures', () => {
    const run = reportJson(overLeveraged);
    assertNoCrash(run);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stderr, '');
    const report = JSON.parse(run.stdout) as { account: { initialMargin: string }; warnings: unknown };
    assert.equal(report.account.initialMargin, '8700.00000000', 'the report is still given, at the mark of 29 000');
    assert.deepEqual(report.warnings, [{ code: 'account/initial-margin-above-balance', message }]);
  });
  test('--format table prints the warning below the tables', () => {
    const run = reportJson(overLeveraged, '--format', 'table');
    assert.equal(run.status, 0, run.stderr);
    const below = run.stdout.slice(run.stdout.lastIndexOf('┘'));
    assert.match(below, /Warnings:/);
    assert.ok(below.includes(`${message} [account/initial-margin-above-balance]`), run.stdout);
  });
});

describe('stopout: usage errors and demo', () => {
  function assertUsageError(run: Run, fragment: string): void {
    assertNoCrash(run);
    assert.equal(run.status, 2, run.stderr);
    assert.equal(run.stdout, '');
    assert.ok(run.stderr.includes(fragment), `stderr ${JSON.stringify(run.stderr)} should contain ${JSON.stringify(fragment)}`);
  }
  test('an unknown option', () => {
    assertUsageError(stopout(['report', inputFile(JSON.stringify(snapshot())), '--bogus']), "unknown option '--bogus'");
  });
  test('an unknown format', () => {
    assertUsageError(stopout(['report', inputFile(JSON.stringify(snapshot())), '--format', 'xml']), 'Allowed choices are json, table');
  });
  test('no file argument', () => {
    assertUsageError(stopout(['report']), "missing required argument 'file'");
  });
  test('two file arguments', () => {
    assertUsageError(stopout(['report', 'a.json', 'b.json']), 'too many arguments');
  });
  test('an unknown command', () => {
    assertUsageError(stopout(['repot', 'a.json']), 'unknown command "repot"');
  });
  test('an unknown command asked for help is still unknown (exit 2), not answered with the general help', () => {
    const run = stopout(['simulat', '--help']);
    assertUsageError(run, 'unknown command "simulat"');
    assert.match(run.stderr, /commands: report, import, replay, simulate, serve, ledger, demo/);
  });
  test('demo: exit 0, and it is about negative balance protection', () => {
    const run = stopout(['demo']);
    assertNoCrash(run);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stderr, '');
    assert.match(run.stdout, /negative balance protection/i);
    // The odds, simulated: protection leaves the client no debt; without it some paths end in one.
    const rows = run.stdout.split('\n').filter((line) => line.startsWith('│') && line.includes('protection') && line.includes('%'));
    // Cells: account, margin call, stopped out, below zero, client owes, largest debt.
    const owes = (label: string): number => Number.parseFloat((rows.find((line) => line.includes(label)) ?? '').split('│')[5] ?? '');
    assert.equal(rows.length, 4, run.stdout);
    assert.equal(owes('(EURUSD), with protection'), 0);
    assert.ok(owes('(GBPUSD), without protection') > 0, rows.join('\n'));
  });
});
