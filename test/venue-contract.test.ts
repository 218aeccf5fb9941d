// One contract, every venue (CONVENTIONS.md 11): the same checks run against a representative
// account at each of the eight built-in profiles, on the venue's own built-in instruments.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  add, builtInVenueIds, compare, dec, isZero, negate, reportFromJson, subtract, sum, type ReportJson,
} from '../src/core/index.js';

interface VenueAccount {
  readonly venue: string;
  readonly currency: string;
  readonly balance: string;
  readonly instrument: string;
  readonly quantity: string;
  readonly entryPrice: string;
  readonly leverage?: string;
  readonly isolatedMargin?: string;
  /** The built-in cap for the instrument's asset class, to test one above it. */
  readonly cap?: string;
  readonly instruments?: Readonly<Record<string, unknown>>;
  /** Securities: the cost of the position, part of the client's stake. */
  readonly costBasis?: string;
}

const ACCOUNTS: readonly VenueAccount[] = [
  { venue: 'binance-usdm', currency: 'USDT', balance: '2000', instrument: 'BTCUSDT', quantity: '0.5', entryPrice: '60000', leverage: '20', cap: '125' },
  {
    venue: 'binance-coinm', currency: 'BTC', balance: '0.02', instrument: 'BTCUSD_PERP', quantity: '100', entryPrice: '60000', leverage: '20', cap: '125',
    instruments: { BTCUSD_PERP: { maintenanceTiers: [{ floor: '0', rate: '0.004' }, { floor: '5', rate: '0.005' }] } },
  },
  { venue: 'bybit-linear', currency: 'USDT', balance: '1000', instrument: 'BTCUSDT', quantity: '0.1', entryPrice: '60000', leverage: '25', isolatedMargin: '240', cap: '100' },
  { venue: 'hyperliquid', currency: 'USDC', balance: '700', instrument: 'ETH', quantity: '2', entryPrice: '3000', leverage: '10', cap: '25' },
  { venue: 'dydx-v4', currency: 'USDC', balance: '700', instrument: 'BTC-USD', quantity: '0.1', entryPrice: '60000', leverage: '10', cap: '20' },
  { venue: 'esma-retail-cfd', currency: 'USD', balance: '5000', instrument: 'EURUSD', quantity: '100000', entryPrice: '1.10', cap: '30' },
  { venue: 'mt5-standard', currency: 'USD', balance: '2000', instrument: 'EURUSD', quantity: '100000', entryPrice: '1.10', leverage: '100', cap: '1000' },
  { venue: 'us-reg-t', currency: 'USD', balance: '-10000', instrument: 'AAPL', quantity: '100', entryPrice: '200', cap: '2', costBasis: '20000' },
];

function snapshot(account: VenueAccount, changes: { venue?: unknown; mark?: string; shocks?: string[]; leverage?: string } = {}): unknown {
  return {
    venue: changes.venue ?? account.venue,
    account: { currency: account.currency, balance: account.balance },
    ...(account.instruments ? { instruments: account.instruments } : {}),
    positions: [{
      id: 'p', instrument: account.instrument, side: 'long', quantity: account.quantity, entryPrice: account.entryPrice,
      ...(changes.leverage ?? account.leverage ? { leverage: changes.leverage ?? account.leverage } : {}),
      ...(account.isolatedMargin ? { isolatedMargin: account.isolatedMargin } : {}),
    }],
    marks: { [account.instrument]: changes.mark ?? account.entryPrice },
    ...(changes.shocks ? { shocks: changes.shocks } : {}),
  };
}

function report(json: unknown): ReportJson {
  const result = reportFromJson(json);
  assert.ok(result.ok, result.ok ? '' : JSON.stringify(result.error));
  return result.value;
}

const field = (record: Readonly<Record<string, unknown>> | undefined, key: string): string => {
  const value = record?.[key];
  assert.equal(typeof value, 'string', `${key} is a decimal string`);
  return value as string;
};

/** Every number in the report is a decimal string; the only JSON numbers are counts (cure days). */
function walkDecimals(value: unknown, path: string): void {
  if (path === 'report.venue.cureDays') {
    assert.ok(Number.isInteger(value), 'cure days is a whole number');
    return;
  }
  assert.notEqual(typeof value, 'number', `${path} is a JSON number; decimals travel as strings`);
  if (Array.isArray(value)) value.forEach((item, index) => walkDecimals(item, `${path}[${index}]`));
  else if (value && typeof value === 'object') for (const [key, item] of Object.entries(value)) walkDecimals(item, `${path}.${key}`);
}

test('the suite covers every built-in venue', () => {
  assert.deepEqual([...ACCOUNTS.map((account) => account.venue)].sort(), builtInVenueIds().sort());
});

for (const account of ACCOUNTS) {
  describe(`venue contract: ${account.venue}`, () => {
    const base = report(snapshot(account));
    const position = base.positions[0];
    const liquidation = position?.liquidationPrice;
    const marginCall = position?.marginCallPrice;
    const bankruptcy = position?.bankruptcyPrice;

    test('a healthy account: complete report, decimals as strings', () => {
      walkDecimals(base, 'report');
      assert.equal(base.account.status, 'healthy');
      assert.equal(base.venue.id, account.venue);
      for (const key of ['notional', 'unrealizedPnl', 'initialMargin', 'maintenanceMargin']) field(position, key);
    });

    test('the figures add up', () => {
      const a = base.account;
      const stake = add(dec(field(a, 'balance')), dec(account.costBasis ?? '0'));
      assert.equal(compare(dec(field(a, 'equity')), add(stake, dec(field(a, 'unrealizedPnl')))), 0, 'equity = balance (+ cost) + P&L');
      assert.equal(compare(dec(field(a, 'freeMargin')), subtract(dec(field(a, 'equity')), dec(field(a, 'initialMargin')))), 0, 'free = equity - initial');
      assert.equal(compare(sum(base.positions.map((each) => dec(field(each, 'initialMargin')))), dec(field(a, 'initialMargin'))), 0);
      assert.equal(compare(sum(base.positions.map((each) => dec(field(each, 'maintenanceMargin')))), dec(field(a, 'maintenanceMargin'))), 0);
      assert.ok(compare(dec(field(a, 'marginCallEquity')), dec(field(a, 'liquidationEquity'))) >= 0, 'the call comes before the stop-out');
      assert.ok(compare(dec(field(a, 'initialMargin')), dec(field(a, 'maintenanceMargin'))) > 0, 'maintenance is not the initial margin');
      assert.ok(isZero(dec(field(a, 'depositToCure'))));
    });

    test('a long is bankrupt below its liquidation price, called at or above it, all below the mark', () => {
      assert.ok(liquidation && marginCall && bankruptcy, 'all three prices exist');
      assert.ok(compare(dec(bankruptcy), dec(liquidation)) <= 0, `bankruptcy ${bankruptcy} <= liquidation ${liquidation}`);
      assert.ok(compare(dec(liquidation), dec(marginCall)) <= 0, `liquidation ${liquidation} <= margin call ${marginCall}`);
      assert.ok(compare(dec(marginCall), dec(account.entryPrice)) < 0, 'all below the mark');
    });

    test('marked at the liquidation price the venue acts: liquidation, or a call with a cure period', () => {
      assert.ok(liquidation);
      const atLiquidation = report(snapshot(account, { mark: liquidation }));
      const expected = base.venue.cureDays > 0 ? 'margin-call' : 'liquidation';
      assert.equal(atLiquidation.positions[0]?.status, expected);
      assert.ok(compare(dec(field(atLiquidation.account, 'depositToCure')), dec('0')) > 0, 'a deposit would cure it');
    });

    test('a gap far through the bankruptcy price: closed at the gap, and the deficit goes where the venue says', () => {
      const gapped = report(snapshot(account, { shocks: ['-0.6'] }));
      const shock = gapped.shocks[0] as Record<string, unknown>;
      assert.equal(shock.liquidated, true);
      const pnl = dec(field(shock, 'pnl'));
      assert.equal(compare(add(dec(field(shock, 'clientLoss')), dec(field(shock, 'venueLoss'))), negate(pnl)), 0, 'conserved');
      const closed = shock.closed as { price: string }[];
      assert.equal(closed[0]?.price, (shock.marks as Record<string, string>)[account.instrument], 'filled at the gapped mark, not the liquidation price');
      if (base.venue.deficitPolicy === 'client-debt') {
        assert.ok(compare(dec(field(shock, 'debt')), dec('0')) > 0 && isZero(dec(field(shock, 'venueLoss'))));
      } else {
        assert.ok(compare(dec(field(shock, 'venueLoss')), dec('0')) > 0 && isZero(dec(field(shock, 'debt'))));
      }
    });

    test('a small move is marked, not closed', () => {
      const moved = report(snapshot(account, { shocks: ['-0.001'] }));
      const shock = moved.shocks[0] as Record<string, unknown>;
      assert.equal(shock.liquidated, false);
      assert.equal(compare(dec(field(shock, 'clientLoss')), negate(dec(field(shock, 'pnl')))), 0);
    });

    test('leverage above the cap is refused, naming the cap', () => {
      assert.ok(account.cap);
      const above = add(dec(account.cap), dec('1'));
      const result = reportFromJson(snapshot(account, { leverage: `${above.units}` }));
      assert.ok(!result.ok);
      const problem = result.error.find((each) => each.code === 'risk/leverage-above-cap');
      assert.ok(problem, JSON.stringify(result.error));
      assert.equal(problem.path, 'positions[0].leverage');
      assert.match(problem.message, new RegExp(`${account.cap}:1`));
    });

    test('negative balance protection, switched, changes who pays', () => {
      const protectedBalance = base.venue.deficitPolicy !== 'client-debt';
      const flipped = report(snapshot(account, { venue: { extends: account.venue, negativeBalanceProtection: !protectedBalance }, shocks: ['-0.6'] }));
      const shock = flipped.shocks[0] as Record<string, unknown>;
      const owes = compare(dec(field(shock, 'debt')), dec('0')) > 0;
      assert.equal(owes, protectedBalance, protectedBalance ? 'without protection the client owes' : 'with protection the client owes nothing');
    });
  });
}
