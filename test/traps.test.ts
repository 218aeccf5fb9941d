// DESIGN.md's "traps that peers fell into", the ones a risk report can fall into, each with a
// worked case that the trap gets wrong.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { reportFromJson, type ReportJson } from '../src/core/index.js';

function report(snapshot: unknown): ReportJson {
  const result = reportFromJson(snapshot);
  assert.ok(result.ok, result.ok ? '' : JSON.stringify(result.error));
  return result.value;
}

const TWO_BRACKETS = [{ floor: '0', rate: '0.004' }, { floor: '50000', rate: '0.005' }];
const btc = (positions: unknown[], balance = '10000', marks?: Record<string, string>): unknown => ({
  venue: 'binance-usdm',
  account: { currency: 'USDT', balance },
  instruments: { BTCUSDT: { kind: 'linear', assetClass: 'crypto', maintenanceTiers: TWO_BRACKETS } },
  positions,
  ...(marks ? { marks } : {}),
});

test('maintenance margin is not the initial margin', () => {
  // 1 BTC at 50 000 at 10x: initial 5 000, maintenance 0.4 % = 200 (not 5 000).
  const figures = report(btc([{ id: 'b', instrument: 'BTCUSDT', side: 'long', quantity: '1', entryPrice: '50000', leverage: '10' }])).positions[0];
  assert.equal(figures?.initialMargin, '5000.00000000');
  assert.equal(figures?.maintenanceMargin, '200.00000000');
});

test('the tier is the one that holds at the liquidation price, not at entry', () => {
  // 1.05 BTC at 50 000 = 52 500 notional: the 0.5 % bracket (cum 50) at entry. Isolated 5 250:
  // with the entry bracket: (5 250 + 50 - 52 500) / (1.05 × (0.005 - 1)) = 45 178.27;
  // but there the notional is 47 437 < 50 000, so the 0.4 % bracket holds:
  // (5 250 - 52 500) / (1.05 × (0.004 - 1)) = 45 180.72, where it does hold (47 439.76 < 50 000).
  const figures = report(btc([{ id: 'b', instrument: 'BTCUSDT', side: 'long', quantity: '1.05', entryPrice: '50000', leverage: '10', isolatedMargin: '5250' }])).positions[0];
  assert.equal(figures?.liquidationPrice, '45180.72289156');
});

test('hedge-mode margin is per exposure, not per fill: tiers apply to the summed notional', () => {
  // Two longs of 0.6 BTC at 50 000 (30 000 each) are one exposure of 60 000: 0.5 % bracket, cum 50:
  // 60 000 × 0.005 - 50 = 250, not 2 × 30 000 × 0.004 = 240.
  const twoFills = report(btc([
    { id: 'a', instrument: 'BTCUSDT', side: 'long', quantity: '0.6', entryPrice: '50000', leverage: '10' },
    { id: 'b', instrument: 'BTCUSDT', side: 'long', quantity: '0.6', entryPrice: '50000', leverage: '10' },
  ]));
  assert.equal(twoFills.account.maintenanceMargin, '250.00000000');
  const oneFill = report(btc([{ id: 'a', instrument: 'BTCUSDT', side: 'long', quantity: '1.2', entryPrice: '50000', leverage: '10' }]));
  assert.equal(oneFill.account.maintenanceMargin, twoFills.account.maintenanceMargin);
  assert.equal(oneFill.positions[0]?.liquidationPrice, twoFills.positions[0]?.liquidationPrice);
});

test('a 1x linear short is liquidatable; a 1x inverse short is not', () => {
  // Linear: near p = 100 000 the notional is in the 0.5 % bracket (cum 50):
  // 50 000 + (50 000 - p) = 0.005 p - 50 -> p = 100 050 / 1.005 = 99 552.238805970..., rounded up.
  const linear = report(btc([{ id: 's', instrument: 'BTCUSDT', side: 'short', quantity: '1', entryPrice: '50000', leverage: '1', isolatedMargin: '50000' }], '50000'));
  assert.equal(linear.positions[0]?.liquidationPrice, '99552.23880598');
  // Inverse: equity (coin) = 0.002 + 100 × (1/p - 1/50 000) = 100 / p, maintenance 0.004 × 100 / p: never met.
  const inverse = report({
    venue: 'binance-coinm',
    account: { currency: 'BTC', balance: '0.002' },
    instruments: { BTCUSD_PERP: { maintenanceTiers: [{ floor: '0', rate: '0.004' }] } },
    positions: [{ id: 's', instrument: 'BTCUSD_PERP', side: 'short', quantity: '1', entryPrice: '50000', leverage: '1' }],
  });
  assert.equal(inverse.positions[0]?.liquidationPrice, null);
});

test('a gap is filled at the gapped price, not at the liquidation price it jumped over', () => {
  // Liquidation price 45 180.72; a -20 % gap from 50 000 fills at 40 000: P&L -10 000 on 5 000 margin.
  const gapped = report({ ...(btc([{ id: 'b', instrument: 'BTCUSDT', side: 'long', quantity: '1', entryPrice: '50000', leverage: '10', isolatedMargin: '5000' }], '5000') as object), shocks: ['-0.2'] });
  const shock = gapped.shocks[0] as { closed: { price: string; pnl: string }[]; clientLoss: string; venueLoss: string };
  assert.deepEqual(shock.closed.map((fill) => [fill.price, fill.pnl]), [['40000', '-10000.00000000']]);
  assert.equal(shock.clientLoss, '5000.00000000');
  assert.equal(shock.venueLoss, '5000.00000000');
});

test('a wallet balance is not the stake: a loaned securities account', () => {
  // 100 shares at 40 bought with 2 400 of own money: balance -1 600 (the loan), equity 2 400, not -1 600.
  const loaned = report({
    venue: 'us-reg-t',
    account: { currency: 'USD', balance: '-1600' },
    positions: [{ id: 'x', instrument: 'AAPL', side: 'long', quantity: '100', entryPrice: '40' }],
  });
  assert.equal(loaned.account.equity, '2400.00');
  assert.equal(loaned.account.status, 'healthy');
});

test('an account is never left open below zero: a gap past bankruptcy closes everything', () => {
  // MT5 closes the largest loser first and re-checks: with equity below zero, every position goes.
  const gapped = report({
    venue: 'mt5-standard',
    account: { currency: 'USD', balance: '1000' },
    positions: [
      { id: 'eu', instrument: 'EURUSD', side: 'long', quantity: '50000', entryPrice: '1.10', leverage: '100' },
      { id: 'gu', instrument: 'GBPUSD', side: 'long', quantity: '50000', entryPrice: '1.30', leverage: '100' },
    ],
    shocks: ['-0.05'],
  });
  const shock = gapped.shocks[0] as { closed: { position: string }[]; equityAfter: string; debt: string };
  assert.deepEqual(shock.closed.map((fill) => fill.position).sort(), ['eu', 'gu']);
  assert.equal(shock.equityAfter, `-${shock.debt}`);
});

test('MT5 stops out the largest loser first and stops once the level is restored', () => {
  // Balance 2 000. A long EURUSD 100 000 at 1.10 (margin 1 100) and a short EURUSD 20 000 at 1.10 (margin 220),
  // both at 100:1. Gap -1 %: long -1 100, short +220, equity 1 120 < stop-out? 50 % of 1 320 = 660: no.
  // Gap -1.5 %: long -1 650, short +330: equity 680; used margin at the gapped mark 1 300.2; 50 % = 650.1: no.
  // Gap -1.7 %: long -1 870, short +374: equity 504 < 50 % × 1 297.56: close the long (largest loss);
  // then equity 504 with the short alone (margin 216.26, 50 % = 108.13): stop.
  const gapped = report({
    venue: 'mt5-standard',
    account: { currency: 'USD', balance: '2000' },
    positions: [
      { id: 'long', instrument: 'EURUSD', side: 'long', quantity: '100000', entryPrice: '1.10', leverage: '100' },
      { id: 'short', instrument: 'EURUSD', side: 'short', quantity: '20000', entryPrice: '1.10', leverage: '100' },
    ],
    shocks: ['-0.017'],
  });
  const shock = gapped.shocks[0] as { closed: { position: string; pnl: string }[]; equityAfter: string };
  assert.deepEqual(shock.closed.map((fill) => [fill.position, fill.pnl]), [['long', '-1870.00']]);
  assert.equal(shock.equityAfter, '504.00');
});
