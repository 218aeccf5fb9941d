// Bad input to parseSnapshot (spec/report.md, "Snapshot"): every class of mistake comes back as a
// Problem with the exact path of the field, a stable code and a message that says what to change;
// nothing throws, and every problem in a document is reported at once, in a stable order.
// Each case starts from one valid snapshot and changes one thing.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSnapshot } from './parse-snapshot.js';
import type { Problem, ProblemCode } from '../result.js';

type JsonObject = { [key: string]: unknown };

interface PositionInput extends JsonObject {
  id?: unknown;
  instrument?: unknown;
  side?: unknown;
  quantity?: unknown;
  entryPrice?: unknown;
  leverage?: unknown;
  isolatedMargin?: unknown;
}

interface AccountInput extends JsonObject {
  currency?: unknown;
  balance?: unknown;
}

interface SnapshotInput extends JsonObject {
  venue?: unknown;
  account?: AccountInput;
  instruments?: JsonObject;
  positions?: PositionInput[];
  marks?: JsonObject;
  shocks?: unknown[];
}

/** The built-in venues the contract lists (spec/report.md, "Built-in venues"). */
const BUILT_IN_IDS = [
  'binance-usdm', 'binance-coinm', 'bybit-linear', 'hyperliquid', 'dydx-v4', 'esma-retail-cfd', 'mt5-standard', 'us-reg-t',
];

function btcPosition(overrides: PositionInput = {}): PositionInput {
  return { id: 'btc', instrument: 'BTCUSDT', side: 'long', quantity: '1', entryPrice: '30000', leverage: '10', ...overrides };
}

/**
 * A valid snapshot (one long BTCUSDT at Binance USDⓈ-M), changed by `mutate`, which also gets the
 * account and the first position to change in place.
 */
function snapshot(mutate: (snapshot: SnapshotInput, position: PositionInput, account: AccountInput) => void = () => {}): SnapshotInput {
  const account: AccountInput = { currency: 'USDT', balance: '10000' };
  const position = btcPosition();
  const value: SnapshotInput = { venue: 'binance-usdm', account, positions: [position], marks: { BTCUSDT: '29000' } };
  mutate(value, position, account);
  return value;
}

/** An EU retail CFD account: $500 with one EURUSD position. */
function esmaSnapshot(position: PositionInput = {}): SnapshotInput {
  return {
    venue: 'esma-retail-cfd',
    account: { currency: 'USD', balance: '500' },
    positions: [{ id: 'eurusd', instrument: 'EURUSD', side: 'long', quantity: '30000', entryPrice: '1.25', ...position }],
  };
}

/** An offshore MT5 account with no positions, for venue-level cases. */
function mt5Snapshot(venue: unknown = 'mt5-standard', balance: unknown = '1000', currency: unknown = 'USD'): SnapshotInput {
  return { venue, account: { currency, balance }, positions: [] };
}

function problemsOf(input: unknown): readonly Problem[] {
  const result = parseSnapshot(input);
  if (result.ok) return assert.fail('expected the snapshot to be rejected, but it parsed');
  return result.error;
}

function assertMessage(problem: Problem, fragments: readonly string[]): void {
  for (const fragment of fragments) {
    assert.ok(problem.message.includes(fragment),
      `message of ${problem.path || '(top level)'} ${JSON.stringify(problem.message)} should contain ${JSON.stringify(fragment)}`);
  }
}

/** The input has exactly one problem, at `path`, with `code`, its message containing every fragment. */
function expectProblem(input: unknown, path: string, code: ProblemCode, ...fragments: string[]): Problem {
  const problems = problemsOf(input);
  assert.equal(problems.length, 1, `expected one problem, got ${JSON.stringify(problems, null, 1)}`);
  const [problem] = problems;
  if (!problem) return assert.fail('no problem');
  assert.equal(problem.path, path);
  assert.equal(problem.code, code);
  assertMessage(problem, fragments);
  return problem;
}

function expectAccepted(input: unknown): void {
  const result = parseSnapshot(input);
  assert.ok(result.ok, result.ok ? '' : `expected the snapshot to parse, got ${JSON.stringify(result.error, null, 1)}`);
}

describe('parseSnapshot: bad input', () => {
  test('the base snapshot and its variants used below are valid', () => {
    expectAccepted(snapshot());
    expectAccepted(esmaSnapshot({ leverage: '30' }));
    expectAccepted(mt5Snapshot());
  });

  describe('the top level must be an object', () => {
    const cases: [string, unknown, string][] = [
      ['an array', [], 'got an array'],
      ['a number', 42, 'got the number 42'],
      ['null', null, 'got null'],
      ['a string', 'binance-usdm', 'got "binance-usdm"'],
      ['a boolean', true, 'got the boolean true'],
    ];
    for (const [name, input, got] of cases) {
      test(`${name}: one problem at the top level (empty path)`, () => {
        expectProblem(input, '', 'input/wrong-type', 'a snapshot must be a JSON object', got);
      });
    }
    test('undefined (nothing at all) is a problem, not a throw', () => {
      expectProblem(undefined, '', 'input/wrong-type', 'a snapshot must be a JSON object, got nothing');
    });
  });

  describe('missing required fields', () => {
    test('venue', () => {
      expectProblem(snapshot((s) => { delete s.venue; }), 'venue', 'input/required', 'required', 'built-in venue id');
    });
    test('account', () => {
      expectProblem(snapshot((s) => { delete s.account; }), 'account', 'input/required', 'required');
    });
    test('account.currency', () => {
      expectProblem(snapshot((_, __, a) => { delete a.currency; }), 'account.currency', 'input/required', 'required');
    });
    test('account.balance', () => {
      expectProblem(snapshot((_, __, a) => { delete a.balance; }), 'account.balance', 'input/required', 'required: a decimal');
    });
    test('positions', () => {
      expectProblem(snapshot((s) => { delete s.positions; delete s.marks; }), 'positions', 'input/required', 'required');
    });
    const positionFields: [keyof PositionInput & string, string][] = [
      ['instrument', 'required'],
      ['side', 'required: one of long, short'],
      ['quantity', 'required: a positive decimal'],
      ['entryPrice', 'required: a positive decimal'],
    ];
    for (const [field, message] of positionFields) {
      test(`positions[0].${field}`, () => {
        expectProblem(snapshot((_, p) => { delete p[field]; }), `positions[0].${field}`, 'input/required', message);
      });
    }
    test('a missing field in the second position names index 1', () => {
      const input = snapshot((s) => { s.positions?.push(btcPosition({ id: 'second', quantity: undefined })); });
      expectProblem(input, 'positions[1].quantity', 'input/required', 'required');
    });
    test('an empty positions list is valid (an account with no positions)', () => {
      expectAccepted(snapshot((s) => { s.positions = []; delete s.marks; }));
    });
  });

  describe('wrong containers', () => {
    const cases: [string, (s: SnapshotInput) => void, string, string][] = [
      ['account is a string', (s) => { (s as JsonObject).account = 'USDT'; }, 'account', 'must be an object, got "USDT"'],
      ['positions is an object', (s) => { (s as JsonObject).positions = {}; delete s.marks; }, 'positions', 'must be an array, got an object'],
      ['instruments is an array', (s) => { (s as JsonObject).instruments = []; }, 'instruments', 'must be an object, got an array'],
      ['marks is an array', (s) => { (s as JsonObject).marks = []; }, 'marks', 'must be an object, got an array'],
      ['shocks is a string', (s) => { (s as JsonObject).shocks = '-0.1'; }, 'shocks', 'must be an array, got "-0.1"'],
      ['a position is null', (s) => { s.positions = [null as unknown as PositionInput]; delete s.marks; }, 'positions[0]', 'must be an object, got null'],
      ['an instruments entry is null', (s) => { s.instruments = { BTCUSDT: null }; }, 'instruments.BTCUSDT', 'must be an object, got null'],
    ];
    for (const [name, mutate, path, message] of cases) {
      test(name, () => {
        expectProblem(snapshot(mutate), path, 'input/wrong-type', message);
      });
    }
  });

  describe('unknown venue', () => {
    test('an unknown id lists every built-in venue id', () => {
      const problem = expectProblem(snapshot((s) => { s.venue = 'kraken'; }), 'venue', 'input/unknown-venue', 'unknown venue "kraken"', 'built-in venues are');
      assertMessage(problem, BUILT_IN_IDS);
    });
    test('an unknown base in {"extends": ...} is reported at venue.extends', () => {
      const problem = expectProblem(snapshot((s) => { s.venue = { extends: 'kraken' }; }), 'venue.extends', 'input/unknown-venue', 'unknown venue "kraken"');
      assertMessage(problem, BUILT_IN_IDS);
    });
    test('an empty id is an unknown venue', () => {
      expectProblem(snapshot((s) => { s.venue = ''; }), 'venue', 'input/unknown-venue', 'unknown venue ""');
    });
    test('venue given as an object without "extends"', () => {
      expectProblem(snapshot((s) => { s.venue = { stopOutLevel: '0.3' }; }), 'venue.extends', 'input/required', 'required');
    });
    for (const id of ['toString', 'constructor', '__proto__', 'hasOwnProperty']) {
      test(`venue ${JSON.stringify(id)} (a property of every JS object) is an unknown venue, not a crash`, () => {
        let problems: readonly Problem[] = [];
        assert.doesNotThrow(() => { problems = problemsOf(snapshot((s) => { s.venue = id; })); });
        assert.deepEqual(problems.map((p) => [p.path, p.code]), [['venue', 'input/unknown-venue']]);
      });
    }
    test('{"extends": "toString"} is an unknown venue, not a crash', () => {
      let problems: readonly Problem[] = [];
      assert.doesNotThrow(() => { problems = problemsOf(snapshot((s) => { s.venue = { extends: 'toString' }; })); });
      assert.deepEqual(problems.map((p) => [p.path, p.code]), [['venue.extends', 'input/unknown-venue']]);
    });
  });

  describe('unknown instrument', () => {
    test('a position on an instrument the venue does not list names the venue and suggests "instruments"', () => {
      const input = snapshot((s, p) => { p.instrument = 'DOGEUSDT'; delete s.marks; });
      const problem = expectProblem(input, 'positions[0].instrument', 'input/unknown-instrument',
        'unknown instrument "DOGEUSDT"', 'at binance-usdm', 'define it under "instruments"');
      assertMessage(problem, ['BTCUSDT', 'ETHUSDT']);
    });
    test('an instruments entry without "kind" that the venue does not have', () => {
      expectProblem(snapshot((s) => { s.instruments = { DOGEUSDT: { tickSize: '0.00001' } }; }),
        'instruments.DOGEUSDT', 'input/unknown-instrument',
        'binance-usdm has no built-in instrument "DOGEUSDT" to override', 'give its "kind" and "assetClass"');
    });
    test('a symbol that is not an identifier is quoted in the path', () => {
      expectProblem(snapshot((s) => { s.instruments = { 'BTC/USD': { tickSize: '0.1' } }; }),
        'instruments["BTC/USD"]', 'input/unknown-instrument', '"BTC/USD"');
    });
    test('a mark for an unknown instrument', () => {
      expectProblem(snapshot((s) => { s.marks = { BTCUSDT: '29000', FOO: '1' }; }),
        'marks.FOO', 'input/unknown-instrument', 'no instrument "FOO"', '"instruments"');
    });
    test('a mark for an unknown instrument whose symbol is not an identifier', () => {
      expectProblem(snapshot((s) => { s.marks = { BTCUSDT: '29000', 'BTC/USD': '1' }; }),
        'marks["BTC/USD"]', 'input/unknown-instrument', 'no instrument "BTC/USD"');
    });
    test('a mark named after an Object.prototype member is an unknown instrument', () => {
      expectProblem(snapshot((s) => { s.marks = { BTCUSDT: '29000', toString: '1' }; }),
        'marks.toString', 'input/unknown-instrument', 'no instrument "toString"');
    });
    for (const symbol of ['toString', '__proto__']) {
      test(`an instruments entry ${JSON.stringify(symbol)} without "kind", and a position on it, are rejected`, () => {
        // JSON.parse, as the CLI does: "__proto__" becomes an own key, not the prototype.
        const input: unknown = JSON.parse(JSON.stringify(snapshot((s, p) => {
          s.instruments = { [symbol]: { tickSize: '1' } };
          p.instrument = symbol;
          delete s.marks;
        })));
        const problems = problemsOf(input);
        assert.equal(problems[0]?.path, childPathFor(symbol));
        assert.equal(problems[0]?.code, 'input/unknown-instrument');
      });
    }
  });

  describe('negative and zero quantities and prices', () => {
    const cases: [string, (s: SnapshotInput, p: PositionInput) => void, string, string][] = [
      ['quantity "-3"', (_, p) => { p.quantity = '-3'; }, 'positions[0].quantity', '-3'],
      ['quantity "0"', (_, p) => { p.quantity = '0'; }, 'positions[0].quantity', '0'],
      ['quantity "0.000"', (_, p) => { p.quantity = '0.000'; }, 'positions[0].quantity', '0.000'],
      ['quantity "-0"', (_, p) => { p.quantity = '-0'; }, 'positions[0].quantity', '-0'],
      ['entryPrice "-30000"', (_, p) => { p.entryPrice = '-30000'; }, 'positions[0].entryPrice', '-30000'],
      ['entryPrice "0"', (_, p) => { p.entryPrice = '0'; }, 'positions[0].entryPrice', '0'],
      ['mark "0"', (s) => { s.marks = { BTCUSDT: '0' }; }, 'marks.BTCUSDT', '0'],
      ['mark "-1"', (s) => { s.marks = { BTCUSDT: '-1' }; }, 'marks.BTCUSDT', '-1'],
      ['leverage "0"', (_, p) => { p.leverage = '0'; }, 'positions[0].leverage', '0'],
      ['leverage "-10"', (_, p) => { p.leverage = '-10'; }, 'positions[0].leverage', '-10'],
    ];
    for (const [name, mutate, path, value] of cases) {
      test(name, () => {
        expectProblem(snapshot(mutate), path, 'input/out-of-range', 'must be a positive decimal', `got "${value}"`);
      });
    }
    test('an isolated margin of zero is allowed (funding or financing can drain it; the position lives on its profit), a negative one is not', () => {
      expectAccepted(snapshot((_, p) => { p.isolatedMargin = '0'; }));
      expectProblem(snapshot((_, p) => { p.isolatedMargin = '-1'; }), 'positions[0].isolatedMargin', 'input/out-of-range', 'must be a decimal of zero or more', 'got "-1"');
    });
    test('a negative balance is allowed (a loan or a debt)', () => {
      expectAccepted(snapshot((_, __, a) => { a.balance = '-100'; }));
    });
    test('a negative tier floor', () => {
      expectProblem(snapshot((s) => { s.instruments = { BTCUSDT: { maintenanceTiers: [{ floor: '-1', rate: '0.004' }] } }; }),
        'instruments.BTCUSDT.maintenanceTiers[0].floor', 'input/out-of-range', 'must be a decimal of zero or more', 'got "-1"');
    });
  });

  describe('strings that are not decimals', () => {
    const texts = ['abc', '1e3', '1,000', ' 5', '5 ', '', '+1', '.5', '1.', '0x10', '1_000', 'NaN', 'Infinity', '١٢٣'];
    for (const text of texts) {
      test(`quantity ${JSON.stringify(text)}`, () => {
        expectProblem(snapshot((_, p) => { p.quantity = text; }), 'positions[0].quantity', 'input/not-a-decimal',
          'must be a positive decimal written as a string', `got ${JSON.stringify(text)}`);
      });
    }
    for (const text of ['abc', '1e3', '1,000', ' 5']) {
      test(`balance ${JSON.stringify(text)}`, () => {
        expectProblem(snapshot((_, __, a) => { a.balance = text; }), 'account.balance', 'input/not-a-decimal',
          'must be a decimal written as a string', `got ${JSON.stringify(text)}`);
      });
    }
    test('entryPrice "1e3"', () => {
      expectProblem(snapshot((_, p) => { p.entryPrice = '1e3'; }), 'positions[0].entryPrice', 'input/not-a-decimal', 'got "1e3"');
    });
    test('a mark "29,000"', () => {
      expectProblem(snapshot((s) => { s.marks = { BTCUSDT: '29,000' }; }), 'marks.BTCUSDT', 'input/not-a-decimal', 'got "29,000"');
    });
    test('a very long string is shortened in the message', () => {
      const long = 'x'.repeat(200);
      const problem = expectProblem(snapshot((_, p) => { p.quantity = long; }), 'positions[0].quantity', 'input/not-a-decimal', '...');
      assert.ok(problem.message.length < 200, problem.message);
    });
    test('a decimal longer than the 40 digits accepted says that it is too long', () => {
      const digits = '1'.repeat(41);
      const problem = expectProblem(snapshot((_, p) => { p.quantity = digits; }), 'positions[0].quantity', 'input/out-of-range');
      assert.match(problem.message, /40/);
    });
    test('a decimal of exactly 40 digits is accepted', () => {
      expectAccepted(snapshot((_, __, a) => { a.balance = `${'1'.repeat(32)}.${'0'.repeat(8)}`; }));
    });
  });

  describe('decimals given as JSON numbers', () => {
    const cases: [string, (s: SnapshotInput, p: PositionInput, a: AccountInput) => void, string, string, string][] = [
      ['quantity 3', (_, p) => { p.quantity = 3; }, 'positions[0].quantity', 'a positive decimal', '3'],
      ['entryPrice 30000.5', (_, p) => { p.entryPrice = 30000.5; }, 'positions[0].entryPrice', 'a positive decimal', '30000.5'],
      ['leverage 10', (_, p) => { p.leverage = 10; }, 'positions[0].leverage', 'a positive decimal', '10'],
      ['isolatedMargin 100', (_, p) => { p.isolatedMargin = 100; }, 'positions[0].isolatedMargin', 'a decimal of zero or more', '100'],
      ['balance 10000', (_, __, a) => { a.balance = 10000; }, 'account.balance', 'a decimal', '10000'],
      ['mark 29000', (s) => { s.marks = { BTCUSDT: 29000 }; }, 'marks.BTCUSDT', 'a positive decimal', '29000'],
      ['shock -0.1', (s) => { s.shocks = [-0.1]; }, 'shocks[0]', 'a decimal', '-0.1'],
      ['negative quantity -3', (_, p) => { p.quantity = -3; }, 'positions[0].quantity', 'a positive decimal', '-3'],
      ['tier rate 0.004', (s) => { s.instruments = { BTCUSDT: { maintenanceTiers: [{ floor: '0', rate: 0.004 }] } }; },
        'instruments.BTCUSDT.maintenanceTiers[0].rate', 'a decimal of zero or more', '0.004'],
      ['maxLeverage 20', (s) => { s.instruments = { BTCUSDT: { maxLeverage: 20 } }; }, 'instruments.BTCUSDT.maxLeverage', 'a positive decimal', '20'],
      ['stopOutLevel 0.5', (s) => { s.venue = { extends: 'binance-usdm', marginCallLevel: 0.5 }; }, 'venue.marginCallLevel', 'a positive decimal', '0.5'],
    ];
    for (const [name, mutate, path, wanted, shown] of cases) {
      test(`${name}: the message says decimals are written as strings`, () => {
        expectProblem(snapshot(mutate), path, 'input/not-a-decimal',
          `must be ${wanted} written as a string (decimals travel as JSON strings)`, `got the number ${shown}`);
      });
    }
    test('a boolean where a decimal belongs', () => {
      expectProblem(snapshot((_, p) => { p.quantity = true; }), 'positions[0].quantity', 'input/not-a-decimal', 'got the boolean true');
    });
  });

  describe('unknown keys at every level', () => {
    test('top level', () => {
      expectProblem(snapshot((s) => { s.venues = 'binance-usdm'; }), 'venues', 'input/unknown-field',
        'unknown field; expected one of: venue, account, instruments, positions, marks, shocks, funding, financing');
    });
    test('account', () => {
      expectProblem(snapshot((_, __, a) => { a.equity = '10000'; }), 'account.equity', 'input/unknown-field',
        'unknown field; expected one of: currency, balance');
    });
    test('venue override object', () => {
      expectProblem(snapshot((s) => { s.venue = { extends: 'binance-usdm', stopOut: '0.5' }; }), 'venue.stopOut', 'input/unknown-field',
        'unknown field', 'extends', 'negativeBalanceProtection', 'marginCallLevel', 'stopOutLevel', 'maintenanceLong', 'cureDays');
    });
    test('instruments entry', () => {
      expectProblem(snapshot((s) => { s.instruments = { BTCUSDT: { tick: '0.1' } }; }), 'instruments.BTCUSDT.tick', 'input/unknown-field',
        'unknown field', 'kind', 'assetClass', 'contractSize', 'tickSize', 'maxLeverage', 'maintenanceTiers');
    });
    test('tier', () => {
      const input = snapshot((s) => { s.instruments = { BTCUSDT: { maintenanceTiers: [{ floor: '0', rate: '0.004', cum: '0' }] } }; });
      expectProblem(input, 'instruments.BTCUSDT.maintenanceTiers[0].cum', 'input/unknown-field',
        'unknown field; expected one of: floor, rate, deduction, maxLeverage');
    });
    test('position', () => {
      expectProblem(snapshot((_, p) => { p.price = '30000'; }), 'positions[0].price', 'input/unknown-field',
        'unknown field; expected one of: id, instrument, side, quantity, entryPrice, leverage, isolatedMargin');
    });
    test('a key that is not an identifier is quoted in the path', () => {
      expectProblem(snapshot((_, p) => { p['entry price'] = '30000'; }), 'positions[0]["entry price"]', 'input/unknown-field', 'unknown field');
    });
  });

  describe('wrong enum values', () => {
    test('side "buy"', () => {
      expectProblem(snapshot((_, p) => { p.side = 'buy'; }), 'positions[0].side', 'input/wrong-type', 'must be one of long, short', 'got "buy"');
    });
    test('side "LONG" (case matters)', () => {
      expectProblem(snapshot((_, p) => { p.side = 'LONG'; }), 'positions[0].side', 'input/wrong-type', 'got "LONG"');
    });
    test('kind "future"', () => {
      const input = snapshot((s) => { s.instruments = { XBTUSDT: { kind: 'future', assetClass: 'crypto', maintenanceTiers: [{ floor: '0', rate: '0.01' }] } }; });
      expectProblem(input, 'instruments.XBTUSDT.kind', 'input/wrong-type', 'must be one of linear, inverse, stock, cfd', 'got "future"');
    });
    test('assetClass "stocks"', () => {
      const input = snapshot((s) => { s.instruments = { XBTUSDT: { kind: 'linear', assetClass: 'stocks', maintenanceTiers: [{ floor: '0', rate: '0.01' }] } }; });
      expectProblem(input, 'instruments.XBTUSDT.assetClass', 'input/wrong-type',
        'must be one of fx-major, fx-minor, index-major, index-minor, commodity, gold, equity, crypto', 'got "stocks"');
    });
    test('a new instrument without assetClass', () => {
      const input = snapshot((s) => { s.instruments = { XBTUSDT: { kind: 'linear', maintenanceTiers: [{ floor: '0', rate: '0.01' }] } }; });
      expectProblem(input, 'instruments.XBTUSDT.assetClass', 'input/required', 'required: one of fx-major');
    });
    test('a kind the venue does not trade', () => {
      const input = snapshot((s) => { s.instruments = { XBTUSD: { kind: 'inverse', assetClass: 'crypto', maintenanceTiers: [{ floor: '0', rate: '0.01' }] } }; });
      expectProblem(input, 'instruments.XBTUSD.kind', 'input/not-supported', 'binance-usdm trades linear instruments, not inverse');
    });
    test('a currency code in lower case', () => {
      expectProblem(snapshot((_, __, a) => { a.currency = 'usdt'; }), 'account.currency', 'input/wrong-type',
        'must be a currency code such as "USD" or "USDT"', 'got "usdt"');
    });
  });

  describe('leverage above the cap', () => {
    test('75:1 on EURUSD at esma-retail-cfd breaks ESMA\'s 30:1 for major pairs', () => {
      expectProblem(esmaSnapshot({ leverage: '75' }), 'positions[0].leverage', 'risk/leverage-above-cap',
        '75:1', '30:1', 'fx-major', 'esma-retail-cfd', 'ESMA Decision (EU) 2018/796');
    });
    test('30:1 on EURUSD at esma-retail-cfd is the cap itself and is accepted', () => {
      expectAccepted(esmaSnapshot({ leverage: '30' }));
    });
    test('30.01:1 on EURUSD at esma-retail-cfd is above the cap', () => {
      expectProblem(esmaSnapshot({ leverage: '30.01' }), 'positions[0].leverage', 'risk/leverage-above-cap', '30.01:1', '30:1');
    });
    test('the cap of the asset class: 3:1 on BTCUSD (crypto) at esma-retail-cfd', () => {
      expectProblem(esmaSnapshot({ instrument: 'BTCUSD', quantity: '1', entryPrice: '30000', leverage: '3' }),
        'positions[0].leverage', 'risk/leverage-above-cap', '3:1', '2:1', 'crypto', 'ESMA Decision (EU) 2018/796');
    });
    test('above a built-in instrument\'s maxLeverage: 45:1 on BTC at hyperliquid (40:1)', () => {
      const input = {
        venue: 'hyperliquid', account: { currency: 'USDC', balance: '10000' },
        positions: [{ instrument: 'BTC', side: 'long', quantity: '1', entryPrice: '30000', leverage: '45' }],
      };
      expectProblem(input, 'positions[0].leverage', 'risk/leverage-above-cap', '45:1', 'BTC\'s maximum leverage of 40:1', 'hyperliquid');
    });
    test('above a maxLeverage given under "instruments"', () => {
      const input = snapshot((s, p) => { s.instruments = { BTCUSDT: { maxLeverage: '20' } }; p.leverage = '21'; });
      expectProblem(input, 'positions[0].leverage', 'risk/leverage-above-cap', '21:1', 'BTCUSDT\'s maximum leverage of 20:1', 'binance-usdm');
    });
    test('above the bracket\'s maximum for a position of this size', () => {
      const input = snapshot((s, p, a) => { a.balance = '100000000'; p.quantity = '3000'; p.leverage = '100'; delete s.marks; });
      expectProblem(input, 'positions[0].leverage', 'risk/leverage-above-cap', '100:1', '20:1', 'BTCUSDT', 'of this size');
    });
  });

  describe('isolated margin', () => {
    test('at a venue without isolated margin (mt5-standard)', () => {
      const input = {
        ...mt5Snapshot(),
        positions: [{ instrument: 'EURUSD', side: 'long', quantity: '1000', entryPrice: '1.1', leverage: '100', isolatedMargin: '10' }],
      };
      expectProblem(input, 'positions[0].isolatedMargin', 'input/not-supported', 'mt5-standard has no isolated margin');
    });
    test('isolated margins that add up to more than the balance', () => {
      const input = snapshot((s, p) => {
        p.isolatedMargin = '6000';
        s.positions?.push(btcPosition({ id: 'eth', instrument: 'ETHUSDT', entryPrice: '2000', isolatedMargin: '5000' }));
      });
      expectProblem(input, 'positions[0].isolatedMargin', 'input/out-of-range',
        'isolated margins total 11000 USDT', 'more than the balance 10000');
    });
    test('isolated margins equal to the balance are accepted', () => {
      expectAccepted(snapshot((_, p) => { p.isolatedMargin = '10000'; }));
    });
  });

  describe('more decimals than the account currency carries', () => {
    test('USD balance "100.123"', () => {
      expectProblem(mt5Snapshot('mt5-standard', '100.123'), 'account.balance', 'input/out-of-range',
        'USD amounts carry at most 2 decimals', 'got "100.123"');
    });
    test('USD balance "100.120" (trailing zero) is accepted', () => {
      expectAccepted(mt5Snapshot('mt5-standard', '100.120'));
    });
    test('JPY balance "1000.5" (no minor unit)', () => {
      expectProblem(mt5Snapshot('mt5-standard', '1000.5', 'JPY'), 'account.balance', 'input/out-of-range', 'JPY amounts carry at most 0 decimals');
    });
    test('USDT isolated margin with 9 decimals', () => {
      expectProblem(snapshot((_, p) => { p.isolatedMargin = '100.123456789'; }), 'positions[0].isolatedMargin', 'input/out-of-range',
        'USDT amounts carry at most 8 decimals', 'got "100.123456789"');
    });
  });

  describe('shocks', () => {
    for (const move of ['-1', '-1.5', '-100', '-1.000']) {
      test(`a move of ${move} (at or below a 100 % fall)`, () => {
        expectProblem(snapshot((s) => { s.shocks = [move]; }), 'shocks[0]', 'input/out-of-range', 'a move must be above -1', `got "${move}"`);
      });
    }
    for (const move of ['abc', '-1.5e-2', '-1.5%', '']) {
      test(`a move ${JSON.stringify(move)} that is not a decimal`, () => {
        expectProblem(snapshot((s) => { s.shocks = [move]; }), 'shocks[0]', 'input/not-a-decimal', 'must be a decimal written as a string');
      });
    }
    test('the bad one is located by its index', () => {
      expectProblem(snapshot((s) => { s.shocks = ['-0.015', '0.02', '-2'] ; }), 'shocks[2]', 'input/out-of-range', 'got "-2"');
    });
    test('a move just above -1 is accepted', () => {
      expectAccepted(snapshot((s) => { s.shocks = ['-0.9999', '0', '5']; }));
    });
  });

  describe('marks', () => {
    test('positions on one instrument at different entries need a mark', () => {
      const input = snapshot((s) => {
        delete s.marks;
        s.positions?.push(btcPosition({ id: 'btc-2', entryPrice: '31000' }));
      });
      expectProblem(input, 'marks.BTCUSDT', 'input/required', 'required', 'BTCUSDT', 'opened at different prices');
    });
    test('... and parse once the mark is given', () => {
      expectAccepted(snapshot((s) => { s.positions?.push(btcPosition({ id: 'btc-2', entryPrice: '31000' })); }));
    });
    test('positions at the same entry need no mark', () => {
      expectAccepted(snapshot((s) => { delete s.marks; s.positions?.push(btcPosition({ id: 'btc-2' })); }));
    });
  });

  describe('positions', () => {
    test('duplicate ids', () => {
      const input = snapshot((s) => { s.positions?.push(btcPosition({ side: 'short' })); });
      expectProblem(input, 'positions[1].id', 'input/duplicate', '"btc" is already the id of an earlier position');
    });
    test('an id that is not a string', () => {
      expectProblem(snapshot((_, p) => { p.id = 7; }), 'positions[0].id', 'input/wrong-type', 'must be a non-empty string, got the number 7');
    });
    test('an instrument counted in a currency no listed pair converts into the account\'s', () => {
      const input = { ...mt5Snapshot('mt5-standard', '1000', 'EUR'), positions: [{ id: 'c', instrument: 'USDCAD', side: 'long', quantity: '1000', entryPrice: '1.35', leverage: '10' }] };
      expectProblem(input, 'positions[0].instrument', 'input/not-supported',
        'USDCAD is counted in CAD and the account is in EUR: converting it needs the mark of EURCAD (or CADEUR), which this venue does not list; define it under "instruments" and give its mark');
    });
    test('the mark of a conversion pair is required, naming the pair and what it converts', () => {
      const input = { ...mt5Snapshot('mt5-standard', '1000', 'USD'), positions: [{ id: 'g', instrument: 'EURGBP', side: 'long', quantity: '1000', entryPrice: '0.85', leverage: '10' }], marks: { EURGBP: '0.85', EURUSD: '1.08' } };
      expectProblem(input, 'marks.GBPUSD', 'input/required', 'required: EURGBP is counted in GBP, converted into USD at the mark of GBPUSD');
    });
  });

  describe('venue overrides', () => {
    test('stopOutLevel above marginCallLevel', () => {
      expectProblem(mt5Snapshot({ extends: 'mt5-standard', marginCallLevel: '0.8', stopOutLevel: '0.9' }), 'venue.stopOutLevel', 'input/out-of-range',
        'the stop-out level must not be above the margin-call level');
    });
    test('stopOutLevel above the built-in margin call (100 %)', () => {
      expectProblem(mt5Snapshot({ extends: 'mt5-standard', stopOutLevel: '1.2' }), 'venue.stopOutLevel', 'input/out-of-range',
        'must not be above the margin-call level');
    });
    test('marginCallLevel below the built-in stop-out (50 %) is reported at marginCallLevel', () => {
      expectProblem(mt5Snapshot({ extends: 'mt5-standard', marginCallLevel: '0.4' }), 'venue.marginCallLevel', 'input/out-of-range',
        'must not be above the margin-call level');
    });
    test('stopOutLevel equal to marginCallLevel is accepted', () => {
      expectAccepted(mt5Snapshot({ extends: 'mt5-standard', marginCallLevel: '0.5', stopOutLevel: '0.5' }));
    });
    test('stopOutLevel "0"', () => {
      expectProblem(mt5Snapshot({ extends: 'mt5-standard', stopOutLevel: '0' }), 'venue.stopOutLevel', 'input/out-of-range', 'must be a positive decimal');
    });
    test('maintenanceLong on a non-securities venue', () => {
      expectProblem(mt5Snapshot({ extends: 'mt5-standard', maintenanceLong: '0.3' }), 'venue.maintenanceLong', 'input/not-supported',
        'applies to securities venues only', 'mt5-standard');
    });
    test('maintenanceShort on a crypto venue', () => {
      expectProblem(snapshot((s) => { s.venue = { extends: 'binance-usdm', maintenanceShort: '0.3' }; }), 'venue.maintenanceShort', 'input/not-supported',
        'applies to securities venues only', 'binance-usdm');
    });
    test('maintenanceLong is accepted at us-reg-t', () => {
      expectAccepted(mt5Snapshot({ extends: 'us-reg-t', maintenanceLong: '0.30', cureDays: '5' }));
    });
    test('cureDays on a crypto venue', () => {
      expectProblem(snapshot((s) => { s.venue = { extends: 'binance-usdm', cureDays: '3' }; }), 'venue.cureDays', 'input/not-supported',
        'applies to securities venues only', 'binance-usdm');
    });
    test('cureDays that is not a whole number of days', () => {
      expectProblem(mt5Snapshot({ extends: 'us-reg-t', cureDays: '2.5' }), 'venue.cureDays', 'input/out-of-range',
        'a whole number of days from 0 to 365', 'got "2.5"');
    });
    test('negativeBalanceProtection "yes"', () => {
      expectProblem(mt5Snapshot({ extends: 'mt5-standard', negativeBalanceProtection: 'yes' }), 'venue.negativeBalanceProtection', 'input/wrong-type',
        'must be true or false', 'got "yes"');
    });
    test('negativeBalanceProtection 1', () => {
      expectProblem(mt5Snapshot({ extends: 'mt5-standard', negativeBalanceProtection: 1 }), 'venue.negativeBalanceProtection', 'input/wrong-type',
        'must be true or false', 'got the number 1');
    });
    test('negativeBalanceProtection "true" (a string)', () => {
      expectProblem(mt5Snapshot({ extends: 'mt5-standard', negativeBalanceProtection: 'true' }), 'venue.negativeBalanceProtection', 'input/wrong-type',
        'got "true"');
    });
    test('an empty name', () => {
      expectProblem(mt5Snapshot({ extends: 'mt5-standard', name: '' }), 'venue.name', 'input/wrong-type', 'must be a non-empty string');
    });
  });

  describe('maintenance tiers', () => {
    const withTiers = (tiers: unknown): SnapshotInput => snapshot((s) => { s.instruments = { BTCUSDT: { maintenanceTiers: tiers } }; });
    test('an empty list', () => {
      expectProblem(withTiers([]), 'instruments.BTCUSDT.maintenanceTiers', 'input/out-of-range', 'must list at least one tier');
    });
    test('the first floor is not 0', () => {
      expectProblem(withTiers([{ floor: '10', rate: '0.004' }]), 'instruments.BTCUSDT.maintenanceTiers[0].floor', 'input/out-of-range',
        'the first tier must start at "0"', 'got "10"');
    });
    test('floors that do not increase', () => {
      expectProblem(withTiers([{ floor: '0', rate: '0.004' }, { floor: '50000', rate: '0.005' }, { floor: '50000', rate: '0.01' }]),
        'instruments.BTCUSDT.maintenanceTiers[2].floor', 'input/out-of-range', 'floors must rise from one tier to the next');
    });
    test('floors that decrease', () => {
      expectProblem(withTiers([{ floor: '0', rate: '0.004' }, { floor: '50000', rate: '0.005' }, { floor: '40000', rate: '0.01' }]),
        'instruments.BTCUSDT.maintenanceTiers[2].floor', 'input/out-of-range', 'floors must rise');
    });
    test('a rate above 1', () => {
      expectProblem(withTiers([{ floor: '0', rate: '1.5' }]), 'instruments.BTCUSDT.maintenanceTiers[0].rate', 'input/out-of-range',
        'must be a fraction of notional from 0 to 1', 'got "1.5"');
    });
    test('a rate of exactly 1 is accepted', () => {
      expectAccepted(withTiers([{ floor: '0', rate: '1' }]));
    });
    test('not a list', () => {
      expectProblem(withTiers({ floor: '0', rate: '0.004' }), 'instruments.BTCUSDT.maintenanceTiers', 'input/wrong-type', 'must be an array, got an object');
    });
    test('a tier without rate', () => {
      expectProblem(withTiers([{ floor: '0' }]), 'instruments.BTCUSDT.maintenanceTiers[0].rate', 'input/required', 'required');
    });
    test('a new instrument at a tiered venue without tiers', () => {
      const input = snapshot((s) => { s.instruments = { SOLUSDT: { kind: 'linear', assetClass: 'crypto' } }; });
      expectProblem(input, 'instruments.SOLUSDT.maintenanceTiers', 'input/required', 'required at binance-usdm', 'tiers of notional');
    });
    test('a new instrument at hyperliquid with neither tiers nor maxLeverage', () => {
      const input = {
        venue: 'hyperliquid', account: { currency: 'USDC', balance: '100' },
        instruments: { DOGE: { kind: 'linear', assetClass: 'crypto' } }, positions: [],
      };
      expectProblem(input, 'instruments.DOGE.maxLeverage', 'input/required', 'required at hyperliquid', 'half the initial margin');
    });
    test('a built-in binance-coinm contract used without tiers asks for maintenanceTiers', () => {
      const input = {
        venue: 'binance-coinm', account: { currency: 'BTC', balance: '1' },
        positions: [{ instrument: 'BTCUSD_PERP', side: 'long', quantity: '10', entryPrice: '30000', leverage: '10' }],
      };
      expectProblem(input, 'positions[0].instrument', 'input/required',
        'BTCUSD_PERP has no maintenance tiers at binance-coinm', 'instruments.BTCUSD_PERP.maintenanceTiers');
    });
    test('... and is accepted once they are given', () => {
      expectAccepted({
        venue: 'binance-coinm', account: { currency: 'BTC', balance: '1' },
        instruments: { BTCUSD_PERP: { maintenanceTiers: [{ floor: '0', rate: '0.005' }, { floor: '5', rate: '0.01' }] } },
        positions: [{ instrument: 'BTCUSD_PERP', side: 'long', quantity: '10', entryPrice: '30000', leverage: '10' }],
      });
    });
  });

  describe('several problems at once', () => {
    const messy = (): SnapshotInput => ({
      venue: 'binance-usdm',
      extra: true,
      account: { currency: 'USDT', balance: '1,0' },
      positions: [
        btcPosition({ id: 'a', quantity: '-1' }),
        btcPosition({ id: 'b', side: 'buy', entryPrice: 30000, size: '1' }),
        btcPosition({ id: 'c', instrument: 'NOPE' }),
        btcPosition({ id: 'a' }),
      ],
      marks: { BTCUSDT: '29000', ZZZ: '1' },
      shocks: ['-2'],
    });
    const expected: [string, ProblemCode][] = [
      ['extra', 'input/unknown-field'],
      ['account.balance', 'input/not-a-decimal'],
      ['shocks[0]', 'input/out-of-range'],
      ['positions[0].quantity', 'input/out-of-range'],
      ['positions[1].size', 'input/unknown-field'],
      ['positions[1].side', 'input/wrong-type'],
      ['positions[1].entryPrice', 'input/not-a-decimal'],
      ['positions[2].instrument', 'input/unknown-instrument'],
      ['positions[3].id', 'input/duplicate'],
      ['marks.ZZZ', 'input/unknown-instrument'],
    ];
    test('every problem is reported, not just the first', () => {
      assert.deepEqual(problemsOf(messy()).map((problem) => [problem.path, problem.code]), expected);
    });
    test('in the same order every time', () => {
      assert.deepEqual(problemsOf(messy()), problemsOf(messy()));
    });
    test('problems in tiers, instruments and positions together', () => {
      const input = snapshot((s, p) => {
        s.instruments = { BTCUSDT: { maintenanceTiers: [{ floor: '5', rate: '2' }, { floor: '1', rate: 'x' }] }, DOGE: { tickSize: '1' } };
        p.quantity = '0';
        s.shocks = ['-1'];
      });
      assert.deepEqual(problemsOf(input).map((problem) => problem.path), [
        'shocks[0]',
        'instruments.BTCUSDT.maintenanceTiers[0].rate',
        'instruments.BTCUSDT.maintenanceTiers[0].floor',
        'instruments.BTCUSDT.maintenanceTiers[1].rate',
        'instruments.BTCUSDT.maintenanceTiers[1].floor',
        'instruments.DOGE',
        'positions[0].quantity',
      ]);
    });
    test('an unknown venue does not hide the problems of the positions that do not depend on it', () => {
      const input = snapshot((s, p) => { s.venue = 'kraken'; p.quantity = '-1'; p.side = 'buy'; });
      const paths = problemsOf(input).map((problem) => problem.path);
      for (const path of ['venue', 'positions[0].side', 'positions[0].quantity']) assert.ok(paths.includes(path), `${path} in ${paths.join(', ')}`);
    });
    test('an invalid currency code does not hide a bad balance', () => {
      const paths = problemsOf(mt5Snapshot('mt5-standard', 'abc', 'usd')).map((problem) => problem.path);
      assert.deepEqual(paths, ['account.currency', 'account.balance']);
    });
    test('a currency that is not a string and a bad balance are both reported', () => {
      const paths = problemsOf(mt5Snapshot('mt5-standard', 'abc', 5)).map((problem) => problem.path);
      assert.deepEqual(paths, ['account.currency', 'account.balance']);
    });
  });
});

/** The path parseSnapshot gives an instruments entry (the one rule of input-reader's childPath). */
function childPathFor(symbol: string): string {
  return /^[A-Za-z_][A-Za-z0-9_-]*$/.test(symbol) ? `instruments.${symbol}` : `instruments[${JSON.stringify(symbol)}]`;
}
