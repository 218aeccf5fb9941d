// Deadlines run on the service's clock (issue 9): a Reg T margin call whose cure period ends is acted
// on at the deadline even when no price of the account moves. Here the feed moves the clock (ticks of
// another instrument), the service's timer finds the deadline, and the account's scenario holds the
// mark that carried the time; `stopout replay --summary` of it is the account's summary.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { stopout } from '../support/run-cli.js';
import { startInProcess, temporaryFolder } from '../support/service-harness.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

test('a Reg T call is acted on at its deadline by the service\'s clock, with no price of its own moving', async () => {
  const service = await startInProcess({ deadlineCheckMs: 20 });
  try {
    const { admin } = service;
    // 100 AAPL bought at 100 on a 5 000 loan: equity 5 000 against a 25 % requirement.
    const created = await admin.post('/v1/accounts', {
      id: 'regt',
      snapshot: {
        venue: 'us-reg-t', account: { currency: 'USD', balance: '-5000' },
        positions: [{ id: 'aapl', instrument: 'AAPL', side: 'long', quantity: '100', entryPrice: '100' }], marks: { AAPL: '100' },
      },
    });
    assert.equal(created.status, 201, created.text);
    // Friday: AAPL falls to 62; equity 1 200 is under 25 % of 6 200. The call is issued, due Tuesday.
    const friday = await admin.post('/v1/prices', { time: '2031-01-03T15:00:00Z', prices: { AAPL: '62' } });
    assert.equal(friday.status, 200, friday.text);
    const called = await admin.get<{ items: { type: string; deadline?: string }[] }>('/v1/events?account=regt');
    const call = called.body.items.find((event) => event.type === 'margin-call-issued');
    assert.equal(call?.deadline, '2031-01-07T15:00:00Z', called.text);
    // Another instrument ticks on past the deadline: the service's clock moves, AAPL does not.
    for (const time of ['2031-01-06T10:00:00Z', '2031-01-07T16:00:00Z']) {
      const tick = await admin.post('/v1/prices', { time, prices: { MSFT: '300' } });
      assert.equal(tick.status, 200, tick.text);
    }
    let types: string[] = [];
    for (let wait = 0; wait < 100 && !types.includes('position-liquidated'); wait++) {
      await sleep(20);
      types = (await admin.get<{ items: { type: string }[] }>('/v1/events?account=regt')).body.items.map((event) => event.type);
    }
    assert.ok(types.includes('position-liquidated'), `the broker sold at the deadline: ${types.join(', ')}`);
    const scenario = await admin.get<{ commands: { type: string; time: string; prices: Record<string, string> }[] }>('/v1/accounts/regt/scenario');
    assert.deepEqual(scenario.body.commands.at(-1), { type: 'mark', time: '2031-01-07T15:00:00Z', prices: { AAPL: '62' } },
      'the deadline is a mark of the account\'s own price, at the deadline');
    const folder = temporaryFolder('stopout-deadline-');
    writeFileSync(join(folder, 'regt.json'), scenario.text);
    const replayed = stopout(['replay', join(folder, 'regt.json'), '--summary']);
    assert.equal(replayed.status, 0, replayed.stderr);
    const account = await admin.get<{ summary: unknown }>('/v1/accounts/regt');
    assert.deepEqual(JSON.parse(replayed.stdout), account.body.summary);
  } finally {
    await service.stop();
  }
});
