// A pool keeps its threads between runs: the results are those of one thread, run after run, and
// an idle pool does not hold the process open (this file ends without closing one of them).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SimulationPool } from './pool.js';
import { runSimulation } from './run.js';

const INPUT = {
  account: {
    venue: 'binance-usdm', account: { currency: 'USDT', balance: '2000' },
    positions: [{ id: 'b', instrument: 'BTCUSDT', side: 'long', quantity: '0.25', entryPrice: '60000', leverage: '10', isolatedMargin: '1500' }],
    marks: { BTCUSDT: '60000' },
  },
  model: { type: 'gbm', volatility: '0.9', jumps: { intensity: '6', mean: '-0.04', stdev: '0.06' } },
  horizonDays: '7', steps: 100, paths: 5000, seed: 3,
  variants: [{ name: '50x', leverage: '50' }],
};

describe('a simulation pool', () => {
  test('gives the results of one thread, on a cold and on a warm pool, and for another input in between', async () => {
    const alone = await runSimulation(INPUT, undefined, { workers: 1 });
    assert.ok(alone.ok);
    const pool = new SimulationPool();
    try {
      const cold = await runSimulation(INPUT, undefined, { workers: 3, pool });
      const other = await runSimulation({ ...INPUT, seed: 4 }, undefined, { workers: 3, pool });
      const warm = await runSimulation(INPUT, undefined, { workers: 3, pool });
      assert.ok(cold.ok && other.ok && warm.ok);
      assert.deepEqual(cold.value, alone.value);
      assert.deepEqual(warm.value, alone.value);
      assert.notDeepEqual(other.value, alone.value);
    } finally {
      await pool.close();
    }
  });

  test('runs queue: two at once on one pool each get their own results', async () => {
    const pool = new SimulationPool();
    const [first, second] = await Promise.all([
      runSimulation(INPUT, undefined, { workers: 2, pool }),
      runSimulation({ ...INPUT, seed: 9 }, undefined, { workers: 2, pool }),
    ]);
    const [firstAlone, secondAlone] = [await runSimulation(INPUT, undefined, { workers: 1 }), await runSimulation({ ...INPUT, seed: 9 }, undefined, { workers: 1 })];
    assert.ok(first.ok && second.ok && firstAlone.ok && secondAlone.ok);
    assert.deepEqual(first.value, firstAlone.value);
    assert.deepEqual(second.value, secondAlone.value);
    // Left open on purpose: idle threads are unreferenced, so the test process still ends.
  });
});
