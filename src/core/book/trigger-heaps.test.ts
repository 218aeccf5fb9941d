import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { collectAtMost, createTriggerHeaps, heapKeyOf, popHeap, removeFromHeap, setHeapKey } from './trigger-heaps.js';

const HEAPS = 3;
const SLOTS = 24;
const heapOf = (slot: number): number => slot % HEAPS;

const operation = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), slot: fc.integer({ min: 0, max: SLOTS - 1 }), key: fc.integer({ min: -50, max: 50 }) }),
  fc.record({ kind: fc.constant('remove' as const), slot: fc.integer({ min: 0, max: SLOTS - 1 }) }),
  fc.record({ kind: fc.constant('pop' as const), heap: fc.integer({ min: 0, max: HEAPS - 1 }) }),
);

describe('indexed trigger heaps', () => {
  test('behave as a map from slot to key per heap, with the least key on top', () => {
    fc.assert(fc.property(fc.array(operation, { maxLength: 300 }), (operations) => {
      const capacities = Int32Array.from({ length: HEAPS }, (_, heap) => Math.ceil((SLOTS - heap) / HEAPS));
      const heaps = createTriggerHeaps(capacities, SLOTS);
      const reference = Array.from({ length: HEAPS }, () => new Map<number, number>());
      for (const op of operations) {
        if (op.kind === 'set') {
          setHeapKey(heaps, heapOf(op.slot), op.slot, op.key);
          reference[heapOf(op.slot)]!.set(op.slot, op.key);
        } else if (op.kind === 'remove') {
          removeFromHeap(heaps, heapOf(op.slot), op.slot);
          reference[heapOf(op.slot)]!.delete(op.slot);
        } else if (reference[op.heap]!.size > 0) {
          const least = Math.min(...reference[op.heap]!.values());
          const slot = popHeap(heaps, op.heap);
          assert.equal(reference[op.heap]!.get(slot), least);
          reference[op.heap]!.delete(slot);
        }
        reference.forEach((entries, heap) => {
          assert.equal(heaps.size[heap], entries.size);
          assert.equal(heaps.top[heap], entries.size ? Math.min(...entries.values()) : Infinity);
        });
      }
      for (let slot = 0; slot < SLOTS; slot += 1) assert.equal(heapKeyOf(heaps, slot), reference[heapOf(slot)]!.get(slot));
    }), { numRuns: 300 });
  });

  test('collect exactly the slots at or below a bound, leaving the heap as it was', () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: SLOTS - 1 }), fc.integer({ min: -50, max: 50 }))), fc.integer({ min: -60, max: 60 }), (sets, bound) => {
      const heaps = createTriggerHeaps(Int32Array.from([SLOTS]), SLOTS);
      const reference = new Map<number, number>();
      for (const [slot, key] of sets) {
        setHeapKey(heaps, 0, slot, key);
        reference.set(slot, key);
      }
      const before = heaps.entries.slice();
      const out = new Int32Array(SLOTS);
      const count = collectAtMost(heaps, 0, bound, out, 0);
      const expected = [...reference].filter(([, key]) => key <= bound).map(([slot]) => slot).sort((a, b) => a - b);
      assert.deepEqual([...out.subarray(0, count)].sort((a, b) => a - b), expected);
      assert.deepEqual(heaps.entries, before);
    }), { numRuns: 300 });
  });

  test('refuse to hold more slots than their capacity', () => {
    const heaps = createTriggerHeaps(Int32Array.from([1]), 2);
    setHeapKey(heaps, 0, 0, 5);
    assert.throws(() => setHeapKey(heaps, 0, 1, 6), RangeError);
  });
});
