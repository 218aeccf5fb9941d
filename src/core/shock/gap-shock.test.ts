// Isolated deficits: an insurance fund absorbs them (the client loses the isolated margin only);
// where the client owes deficits they are charged to the wallet, which can leave a debt.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dec, toDecimalString } from '../money/decimal.js';
import { asRate } from '../money/units.js';
import { parseSnapshot } from '../snapshot/parse-snapshot.js';
import { applyShock } from './gap-shock.js';

function gap(venue: unknown, move: string) {
  // Wallet 10 000 USDT, of which 1 000 isolated behind 1 BTC long at 50 000 (50x).
  const parsed = parseSnapshot({
    venue,
    account: { currency: 'USDT', balance: '10000' },
    positions: [{ id: 'b', instrument: 'BTCUSDT', side: 'long', quantity: '1', entryPrice: '50000', leverage: '50', isolatedMargin: '1000' }],
  });
  assert.ok(parsed.ok, JSON.stringify(!parsed.ok && parsed.error));
  const outcome = applyShock(parsed.value, asRate(dec(move)));
  return Object.fromEntries(
    (['pnl', 'clientLoss', 'venueLoss', 'debt', 'equityAfter'] as const).map((key) => [key, toDecimalString(outcome[key])]),
  );
}

test('a gap through an isolated position: the insurance fund takes the deficit, the wallet is untouched', () => {
  // -50 %: P&L -25 000 on 1 000 margin: the fund absorbs 24 000; the client keeps 9 000.
  assert.deepEqual(gap('binance-usdm', '-0.5'), {
    pnl: '-25000.00000000', clientLoss: '1000.00000000', venueLoss: '24000.00000000', debt: '0.00000000', equityAfter: '9000.00000000',
  });
});

test('the same gap where the client owes deficits: charged to the wallet, the rest owed', () => {
  // The 24 000 deficit comes out of the 9 000 wallet, leaving 15 000 owed.
  assert.deepEqual(gap({ extends: 'binance-usdm', negativeBalanceProtection: false }, '-0.5'), {
    pnl: '-25000.00000000', clientLoss: '25000.00000000', venueLoss: '0.00000000', debt: '15000.00000000', equityAfter: '-15000.00000000',
  });
});

test('a deficit the wallet can cover leaves no debt', () => {
  // -3 %: P&L -1 500 on 1 000 margin: 500 charged to the 9 000 wallet.
  assert.deepEqual(gap({ extends: 'binance-usdm', negativeBalanceProtection: false }, '-0.03'), {
    pnl: '-1500.00000000', clientLoss: '1500.00000000', venueLoss: '0.00000000', debt: '0.00000000', equityAfter: '8500.00000000',
  });
});
