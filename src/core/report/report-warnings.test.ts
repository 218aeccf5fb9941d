// Report warnings (report-warnings.ts), worked by hand. MT5 margin is notional / leverage, Binance's
// notional / leverage as well (above its minimum rate); Reg T asks 50 % of a long's cost.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSnapshot } from '../snapshot/parse-snapshot.js';
import type { AccountSnapshot } from '../account/account-snapshot.js';
import { buildReport } from './account-report.js';
import { reportToJson } from './report-json.js';
import { reportWarnings } from './report-warnings.js';

function snapshot(json: unknown): AccountSnapshot {
  const parsed = parseSnapshot(json);
  if (!parsed.ok) throw new Error(parsed.error.map((problem) => problem.message).join('; '));
  return parsed.value;
}

const mt5 = (balance: string, quantity: string, mark = '1.25'): unknown => ({
  venue: 'mt5-standard',
  account: { currency: 'USD', balance },
  positions: [{ id: 'gu', instrument: 'GBPUSD', side: 'long', quantity, entryPrice: '1.25', leverage: '100' }],
  marks: { GBPUSD: mark },
});

const btc = (overrides: Record<string, string> = {}): Record<string, string> => ({
  id: 'btc', instrument: 'BTCUSDT', side: 'long', quantity: '1', entryPrice: '30000', leverage: '10', ...overrides,
});

describe('report warnings: none for an account the venue could have opened', () => {
  test('$1,000 at 100x: 80 000 GBPUSD at 1.25 uses exactly the balance (1 000), which is allowed', () => {
    assert.deepEqual(reportWarnings(snapshot(mt5('1000', '80000'))), []);
  });
  test('a cross and an isolated position, each within its margin', () => {
    const account = snapshot({
      venue: 'binance-usdm',
      account: { currency: 'USDT', balance: '10000' },
      positions: [btc({ isolatedMargin: '3000' }), btc({ id: 'eth', instrument: 'ETHUSDT', quantity: '2', entryPrice: '2000' })],
      marks: { BTCUSDT: '30000', ETHUSDT: '2000' },
    });
    // btc: 30 000 / 10 = 3 000 = its isolated margin; eth: 4 000 / 10 = 400 <= 10 000 - 3 000.
    assert.deepEqual(reportWarnings(account), []);
  });
  test('a winning position: its margin at the mark is above the balance, at entry it is not', () => {
    // 80 000 × 1.30 / 100 = 1 040 at the mark; 80 000 × 1.25 / 100 = 1 000 when it opened.
    const account = snapshot(mt5('1000', '80000', '1.30'));
    assert.equal(reportToJson(buildReport(account)).account.initialMargin, '1040.00');
    assert.deepEqual(reportWarnings(account), []);
  });
  test('securities bought on margin: a loan of 5 000 for 10 000 of stock is Reg T 50 %', () => {
    const account = snapshot({
      venue: 'us-reg-t',
      account: { currency: 'USD', balance: '-5000' },
      positions: [{ id: 'aapl', instrument: 'AAPL', side: 'long', quantity: '100', entryPrice: '100' }],
    });
    assert.deepEqual(reportWarnings(account), []);
  });
});

describe('report warnings: cross', () => {
  test('120 000 GBPUSD at 1.25 at 100x needs 1 500 of margin on a balance of 1 000', () => {
    assert.deepEqual(reportWarnings(snapshot(mt5('1000', '120000'))), [{
      code: 'account/initial-margin-above-balance',
      message: 'initial margin 1500.00 USD (at the entry prices) is more than the balance 1000.00 USD: '
        + 'the venue would not have let these positions open',
    }]);
  });
  test('the cross positions draw on the balance less the isolated margins', () => {
    const account = snapshot({
      venue: 'binance-usdm',
      account: { currency: 'USDT', balance: '10000' },
      positions: [btc({ isolatedMargin: '3000' }), btc({ id: 'eth', instrument: 'ETHUSDT', quantity: '40', entryPrice: '2000' })],
      marks: { BTCUSDT: '30000', ETHUSDT: '2000' },
    });
    // eth: 80 000 / 10 = 8 000 > 10 000 - 3 000 = 7 000; btc is within its own 3 000.
    assert.deepEqual(reportWarnings(account), [{
      code: 'account/initial-margin-above-balance',
      message: 'initial margin of the cross positions 8000.00000000 USDT (at the entry prices) is more than the 7000.00000000 USDT '
        + 'the cross positions can draw on (balance 10000.00000000 USDT, less isolated margins 3000.00000000 USDT): '
        + 'the venue would not have let these positions open',
    }]);
  });
  test('stocks count at cost: a loan of 6 000 for 10 000 of stock leaves 4 000 for a 5 000 requirement', () => {
    const account = snapshot({
      venue: 'us-reg-t',
      account: { currency: 'USD', balance: '-6000' },
      positions: [{ id: 'aapl', instrument: 'AAPL', side: 'long', quantity: '100', entryPrice: '100' }],
    });
    assert.deepEqual(reportWarnings(account).map((warning) => warning.message), [
      'initial margin 5000.00 USD (at the entry prices) is more than the 4000.00 USD the cross positions can draw on '
        + '(balance -6000.00 USD, plus stocks at cost 10000.00 USD): the venue would not have let these positions open',
    ]);
  });
});

describe('report warnings: isolated', () => {
  test('1 BTC at 30 000 and 10x needs 3 000 but holds 2 000 of isolated margin', () => {
    const account = snapshot({
      venue: 'binance-usdm',
      account: { currency: 'USDT', balance: '10000' },
      positions: [btc({ isolatedMargin: '2000' })],
      marks: { BTCUSDT: '30000' },
    });
    assert.deepEqual(reportWarnings(account), [{
      code: 'position/initial-margin-above-isolated-margin',
      message: 'position btc: initial margin 3000.00000000 USDT (at the entry price) is more than its isolated margin '
        + '2000.00000000 USDT: the venue would not have let it open',
    }]);
  });
  test('one warning per scope, cross first, then the isolated positions in order', () => {
    const account = snapshot({
      venue: 'binance-usdm',
      account: { currency: 'USDT', balance: '5000' },
      positions: [
        btc({ id: 'a', isolatedMargin: '1000' }),
        btc({ id: 'ok', isolatedMargin: '3000' }),
        btc({ id: 'b', isolatedMargin: '500' }),
        btc({ id: 'cross', quantity: '0.5' }),
      ],
      marks: { BTCUSDT: '30000' },
    });
    // cross: 15 000 / 10 = 1 500 > 5 000 - 4 500 = 500.
    assert.deepEqual(reportWarnings(account).map((warning) => [warning.code, warning.message.split(':')[0]]), [
      ['account/initial-margin-above-balance', 'initial margin of the cross positions 1500.00000000 USDT (at the entry prices) is more than the 500.00000000 USDT the cross positions can draw on (balance 5000.00000000 USDT, less isolated margins 4500.00000000 USDT)'],
      ['position/initial-margin-above-isolated-margin', 'position a'],
      ['position/initial-margin-above-isolated-margin', 'position b'],
    ]);
  });
});

describe('report warnings: in the report', () => {
  test('the report JSON always has warnings: an empty list when nothing is wrong', () => {
    for (const json of [mt5('1000', '80000'), { venue: 'mt5-standard', account: { currency: 'USD', balance: '0' }, positions: [] }]) {
      const report = reportToJson(buildReport(snapshot(json)));
      assert.ok(Object.hasOwn(report, 'warnings'));
      assert.deepEqual(report.warnings, []);
    }
  });
  test('the report JSON carries each warning as {code, message}, and the figures are still reported', () => {
    const report = reportToJson(buildReport(snapshot(mt5('1000', '120000'))));
    assert.deepEqual(report.warnings.map((warning) => Object.keys(warning)), [['code', 'message']]);
    assert.equal(report.warnings[0]?.code, 'account/initial-margin-above-balance');
    assert.equal(report.account.initialMargin, '1500.00');
    assert.equal(report.account.status, 'margin-call');
  });
});
