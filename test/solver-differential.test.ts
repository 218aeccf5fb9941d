// Differential test of the exact piecewise solver against the naive reference (bisection over the
// tick grid with the same exact evaluation): on every sampled account both find the same tick.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { thresholdPrice, toDecimalString } from '../src/core/index.js';
import { marginScopes } from '../src/core/margin/margin-scope.js';
import { bisectLiquidationPrice } from './support/naive-threshold.js';
import { sampleAccounts } from './support/sample-accounts.js';

test('the piecewise solver and tick bisection agree on 300 sampled accounts', () => {
  const accounts = sampleAccounts(300);
  let withPrice = 0;
  for (const snapshot of accounts) {
    const position = snapshot.positions[0];
    assert.ok(position);
    const scope = marginScopes(snapshot).find((each) => each.positions.includes(position));
    assert.ok(scope);
    const solved = thresholdPrice(snapshot, scope, position, 'liquidation');
    const bisected = bisectLiquidationPrice(snapshot);
    assert.equal(solved && toDecimalString(solved), bisected && toDecimalString(bisected),
      `${snapshot.venue.id} ${position.side} ${position.quantity.units} at ${toDecimalString(position.entryPrice)}`);
    if (solved) withPrice += 1;
  }
  assert.ok(withPrice > 250, `most sampled accounts have a liquidation price (${withPrice})`);
});
