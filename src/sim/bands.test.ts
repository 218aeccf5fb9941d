// The band searches: from a guess (edgeNear) they find exactly what the plain search (edge) finds,
// wherever the guess lies, including at and past the limits; and they ask the predicate only on
// one side of `here`.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { edge, edgeNear } from './bands.js';

describe('band edges', () => {
  test('from any guess, edgeNear finds the edge edge() finds', () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 0, max: 2_000 }), fc.integer({ min: 0, max: 2_000 }),
      fc.integer({ min: -5_000, max: 1_005_000 }), fc.constantFrom<1 | -1>(1, -1), fc.boolean(),
      (here, below, above, guess, direction, unbounded) => {
        const limit = direction > 0 ? (unbounded ? here + above : 1_000_000 + 2_000) : 1;
        const lo = Math.max(1, here - below);
        const hi = unbounded && direction > 0 ? limit : here + above;
        const quiet = (ticks: number): boolean => {
          assert.ok(direction > 0 ? ticks >= here : ticks <= here, `asked about ${ticks} on the wrong side of ${here}`);
          return ticks >= lo && ticks <= hi;
        };
        assert.equal(edgeNear(here, guess, direction, limit, quiet), edge(here, direction, limit, quiet));
      },
    ), { numRuns: 3000 });
  });

  test('a guess on the edge costs a couple of probes; a plain search from far costs dozens', () => {
    let probes = 0;
    const quiet = (ticks: number): boolean => { probes++; return ticks <= 5_000_123; };
    assert.equal(edgeNear(1_000, 5_000_123, 1, 2 ** 52, quiet), 5_000_123);
    const near = probes;
    probes = 0;
    assert.equal(edge(1_000, 1, 2 ** 52, quiet), 5_000_123);
    assert.ok(near <= 4 && probes > 30, `${near} probes from the guess, ${probes} without`);
  });
});
