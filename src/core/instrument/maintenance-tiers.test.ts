// Checks tiered maintenance, maintenance(N) = max(0, N × rate_k - deduction_k): deductions derived
// for continuity reproduce Binance's published BTCUSDT "cum" column, explicit deductions are kept,
// tierAt picks the last tier whose floor is at or below the notional, the max(0, ...) clamp, and
// tierBreakpoints listing every notional where the formula changes (so maintenance is affine between
// them). Property tests: exact continuity at every derived floor, and monotonic maintenance.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { dec } from '../money/decimal.js';
import {
  addRational, compareRational, divideRational, fromDecimal, multiplyRational, rational, RATIONAL_ZERO,
  subtractRational, type Rational,
} from '../money/rational.js';
import { asLeverage } from '../money/units.js';
import type { MaintenanceTier } from './instrument.js';
import { tierAt, tierBreakpoints, tieredMaintenance, withDerivedDeductions, type TierInput } from './maintenance-tiers.js';

const q = (text: string): Rational => fromDecimal(dec(text));

/** rate × N - deduction for one tier, without the clamp. */
const formula = (tier: MaintenanceTier, notional: Rational): Rational =>
  subtractRational(multiplyRational(notional, tier.rate), tier.deduction);

// Binance BTCUSDT USDⓈ-M brackets (first five): floor, maintenance rate, published cum.
const BTCUSDT: readonly [string, string, string][] = [
  ['0', '0.004', '0'],
  ['50000', '0.005', '50'],
  ['600000', '0.0065', '950'],
  ['3000000', '0.01', '11450'],
  ['12000000', '0.02', '131450'],
];
const btcInputs: TierInput[] = BTCUSDT.map(([floor, rate]) => ({ floor: q(floor), rate: q(rate) }));

describe('withDerivedDeductions', () => {
  test('reproduces Binance BTCUSDT cum: 0, 50, 950, 11 450, 131 450', () => {
    // deduction_k = deduction_(k-1) + floor_k × (rate_k - rate_(k-1)):
    //   50      = 0     +     50 000 × (0.005  - 0.004)  = 0 + 50
    //   950     = 50    +    600 000 × (0.0065 - 0.005)  = 50 + 900
    //   11 450  = 950   +  3 000 000 × (0.01   - 0.0065) = 950 + 10 500
    //   131 450 = 11 450 + 12 000 000 × (0.02  - 0.01)   = 11 450 + 120 000
    const tiers = withDerivedDeductions(btcInputs);
    assert.deepEqual(tiers.map((tier) => tier.deduction), BTCUSDT.map(([, , cum]) => q(cum)));
    assert.deepEqual(tiers.map((tier) => tier.floor), btcInputs.map((tier) => tier.floor));
    assert.deepEqual(tiers.map((tier) => tier.rate), btcInputs.map((tier) => tier.rate));
  });

  test('300 BTC at 50 000 (15M notional) needs 168 550 USDT', () => {
    // 15 000 000 × 0.02 - 131 450 = 300 000 - 131 450 = 168 550.
    const tiers = withDerivedDeductions(btcInputs);
    const notional = multiplyRational(q('300'), q('50000'));
    assert.deepEqual(tieredMaintenance(tiers, notional), q('168550'));
  });

  test('values inside each bracket', () => {
    const tiers = withDerivedDeductions(btcInputs);
    // 10 000 × 0.004 = 40; 50 000 × 0.005 - 50 = 200 (= 50 000 × 0.004, continuous);
    // 1 000 000 × 0.0065 - 950 = 5 550; 3 000 000 × 0.01 - 11 450 = 18 550 (= 3M × 0.0065 - 950).
    const cases: [string, string][] = [
      ['0', '0'], ['10000', '40'], ['49999.99', '199.99996'], ['50000', '200'], ['1000000', '5550'],
      ['2999999', '18549.9935'], ['3000000', '18550'], ['12000000', '108550'],
    ];
    for (const [notional, expected] of cases) {
      assert.deepEqual(tieredMaintenance(tiers, q(notional)), q(expected), notional);
    }
  });

  test('sorts the tiers by floor', () => {
    const shuffled = [btcInputs[3], btcInputs[0], btcInputs[4], btcInputs[2], btcInputs[1]] as TierInput[];
    assert.deepEqual(withDerivedDeductions(shuffled), withDerivedDeductions(btcInputs));
  });

  test('keeps explicit deductions as given and derives the next tier from them', () => {
    // Tier 2 is given 70 (not the continuous 50); tier 3 derives 70 + 600 000 × 0.0015 = 970.
    const inputs: TierInput[] = [
      { floor: q('0'), rate: q('0.004') },
      { floor: q('50000'), rate: q('0.005'), deduction: q('70') },
      { floor: q('600000'), rate: q('0.0065') },
      { floor: q('3000000'), rate: q('0.01'), deduction: q('0') },
    ];
    const tiers = withDerivedDeductions(inputs);
    assert.deepEqual(tiers.map((tier) => tier.deduction), [q('0'), q('70'), q('970'), q('0')]);
    // An explicit deduction on the first tier is kept too.
    assert.deepEqual(withDerivedDeductions([{ floor: q('0'), rate: q('0.01'), deduction: q('5') }])[0]?.deduction, q('5'));
  });

  test('carries maxLeverage where given and leaves the property out otherwise', () => {
    const tiers = withDerivedDeductions([
      { floor: q('0'), rate: q('0.004'), maxLeverage: asLeverage(dec('125')) },
      { floor: q('50000'), rate: q('0.005') },
    ]);
    assert.deepEqual(tiers[0]?.maxLeverage, dec('125'));
    assert.equal(tiers[1] !== undefined && 'maxLeverage' in tiers[1], false);
  });

  test('no tiers in, no tiers out', () => {
    assert.deepEqual(withDerivedDeductions([]), []);
  });

  // Random increasing floors starting at 0 and positive rates (not necessarily increasing).
  const positive = fc.tuple(fc.integer({ min: 1, max: 10 ** 7 }), fc.integer({ min: 1, max: 10 ** 4 }))
    .map(([numerator, denominator]) => rational(BigInt(numerator), BigInt(denominator)));
  const tiersArb = (rateArb: fc.Arbitrary<Rational>): fc.Arbitrary<TierInput[]> => fc
    .array(fc.tuple(positive, rateArb), { minLength: 1, maxLength: 7 })
    .map((steps) => {
      let floor = RATIONAL_ZERO;
      return steps.map(([gap, rate], index) => {
        if (index > 0) floor = addRational(floor, gap);
        return { floor, rate };
      });
    });
  const rateArb = fc.tuple(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 1, max: 2000 }))
    .map(([numerator, denominator]) => rational(BigInt(numerator), BigInt(denominator)));

  test('derived maintenance is continuous at every floor: rate_(k-1) F - d_(k-1) = rate_k F - d_k (fc)', () => {
    fc.assert(fc.property(tiersArb(rateArb), (inputs) => {
      const tiers = withDerivedDeductions(inputs);
      assert.deepEqual(tiers[0]?.deduction, RATIONAL_ZERO);
      for (let k = 1; k < tiers.length; k += 1) {
        const previous = tiers[k - 1] as MaintenanceTier;
        const current = tiers[k] as MaintenanceTier;
        assert.deepEqual(formula(previous, current.floor), formula(current, current.floor), `floor ${k}`);
        // And tieredMaintenance at the floor (the new tier) equals the old tier's formula carried up to it.
        const below = formula(previous, current.floor);
        const expected = compareRational(below, RATIONAL_ZERO) < 0 ? RATIONAL_ZERO : below;
        assert.deepEqual(tieredMaintenance(tiers, current.floor), expected);
      }
    }), { numRuns: 300 });
  });

  test('with non-decreasing rates, maintenance never falls as notional grows (fc)', () => {
    const increasing = tiersArb(rateArb).map((inputs) => {
      const rates = inputs.map((tier) => tier.rate).sort(compareRational);
      return inputs.map((tier, index) => ({ floor: tier.floor, rate: rates[index] as Rational }));
    });
    const notionalArb = fc.tuple(fc.nat({ max: 10 ** 8 }), fc.integer({ min: 1, max: 100 }))
      .map(([numerator, denominator]) => rational(BigInt(numerator), BigInt(denominator)));
    fc.assert(fc.property(increasing, notionalArb, notionalArb, (inputs, a, b) => {
      const tiers = withDerivedDeductions(inputs);
      const [low, high] = compareRational(a, b) <= 0 ? [a, b] : [b, a];
      assert.ok(compareRational(tieredMaintenance(tiers, low), tieredMaintenance(tiers, high)) <= 0);
      assert.ok(compareRational(tieredMaintenance(tiers, low), RATIONAL_ZERO) >= 0);
    }), { numRuns: 500 });
  });
});

describe('tierAt', () => {
  const tiers = withDerivedDeductions(btcInputs);

  test('picks the last tier whose floor is at or below the notional', () => {
    const cases: [string, number][] = [
      ['0', 0], ['1', 0], ['49999.99', 0], ['50000', 1], ['50000.01', 1], ['599999', 1], ['600000', 2],
      ['3000000', 3], ['11999999.99', 3], ['12000000', 4], ['1000000000', 4],
    ];
    for (const [notional, index] of cases) assert.equal(tierAt(tiers, q(notional)), tiers[index], notional);
  });

  test('below the first floor, the first tier holds', () => {
    const raised = withDerivedDeductions([{ floor: q('100'), rate: q('0.01') }, { floor: q('200'), rate: q('0.02') }]);
    assert.equal(tierAt(raised, q('50')), raised[0]);
  });

  test('an empty schedule throws', () => {
    assert.throws(() => tierAt([], q('1')), RangeError);
    assert.throws(() => tieredMaintenance([], q('1')), RangeError);
  });

  test('matches a linear scan for the last floor <= notional (fc)', () => {
    const notionalArb = fc.tuple(fc.nat({ max: 2 * 10 ** 7 }), fc.integer({ min: 1, max: 100 }))
      .map(([numerator, denominator]) => rational(BigInt(numerator), BigInt(denominator)));
    fc.assert(fc.property(fc.oneof(notionalArb, fc.constantFrom(...tiers.map((tier) => tier.floor))), (notional) => {
      const expected = tiers.filter((tier) => compareRational(tier.floor, notional) <= 0).at(-1);
      assert.equal(tierAt(tiers, notional), expected);
    }), { numRuns: 300 });
  });
});

describe('clamp at zero', () => {
  // One tier, rate 1 %, explicit deduction 100: N × 0.01 - 100 < 0 below N = 10 000.
  const tiers = withDerivedDeductions([{ floor: q('0'), rate: q('0.01'), deduction: q('100') }]);

  test('maintenance is 0 while the deduction exceeds N × rate, then grows', () => {
    assert.deepEqual(tieredMaintenance(tiers, q('5000')), RATIONAL_ZERO); // 50 - 100 < 0
    assert.deepEqual(tieredMaintenance(tiers, q('10000')), RATIONAL_ZERO); // 100 - 100 = 0
    assert.deepEqual(tieredMaintenance(tiers, q('10000.5')), q('0.005'));
    assert.deepEqual(tieredMaintenance(tiers, q('20000')), q('100')); // 200 - 100
  });

  test('the clamp point deduction / rate is a breakpoint', () => {
    assert.deepEqual(tierBreakpoints(tiers), [q('10000')]);
  });
});

describe('tierBreakpoints', () => {
  /** Order-free comparison of point lists. */
  const sorted = (points: readonly Rational[]): Rational[] => [...points].sort(compareRational);

  test('BTCUSDT: every floor above 0 and every clamp point deduction / rate', () => {
    // Clamp points: 50 / 0.005 = 10 000; 950 / 0.0065 = 1 900 000 / 13 = 146 153.84...;
    // 11 450 / 0.01 = 1 145 000; 131 450 / 0.02 = 6 572 500. The floor 0 and the zero deduction add none.
    const points = tierBreakpoints(withDerivedDeductions(btcInputs));
    const expected = [
      q('50000'), q('600000'), q('3000000'), q('12000000'),
      q('10000'), rational(1900000n, 13n), q('1145000'), q('6572500'),
    ];
    assert.deepEqual(sorted(points), sorted(expected));
  });

  test('no clamp point for a zero rate or a non-positive deduction', () => {
    const tiers: MaintenanceTier[] = [
      { floor: q('0'), rate: q('0'), deduction: q('5') },
      { floor: q('100'), rate: q('0.01'), deduction: q('-3') },
      { floor: q('200'), rate: q('0.02'), deduction: q('0') },
    ];
    assert.deepEqual(sorted(tierBreakpoints(tiers)), [q('100'), q('200')]);
  });

  test('maintenance is affine between consecutive breakpoints, clamps included (fc)', () => {
    // Random tiers with random explicit deductions (so clamps fall anywhere); three notionals inside
    // one cell between consecutive breakpoints must be collinear:
    // (m(b) - m(a)) × (c - b) = (m(c) - m(b)) × (b - a).
    const amount = fc.tuple(fc.integer({ min: -1000, max: 10 ** 5 }), fc.integer({ min: 1, max: 10 }))
      .map(([numerator, denominator]) => rational(BigInt(numerator), BigInt(denominator)));
    const tiersWithDeductions = fc.array(
      fc.tuple(fc.integer({ min: 1, max: 10 ** 6 }), fc.integer({ min: 0, max: 100 }), fc.option(amount, { nil: undefined })),
      { minLength: 1, maxLength: 6 },
    ).map((steps) => {
      let floor = 0n;
      return steps.map(([gap, ratePerMille, deduction], index): TierInput => {
        if (index > 0) floor += BigInt(gap);
        const tier = { floor: rational(floor), rate: rational(BigInt(ratePerMille), 1000n) };
        return deduction === undefined ? tier : { ...tier, deduction };
      });
    });
    const fractions = fc.tuple(fc.integer({ min: 1, max: 999 }), fc.integer({ min: 1, max: 999 }), fc.integer({ min: 1, max: 999 }));
    fc.assert(fc.property(tiersWithDeductions, fc.nat({ max: 20 }), fractions, (inputs, pick, [f1, f2, f3]) => {
      const tiers = withDerivedDeductions(inputs);
      const points = sorted([RATIONAL_ZERO, ...tierBreakpoints(tiers)]).filter((point) => compareRational(point, RATIONAL_ZERO) >= 0);
      const cell = pick % points.length;
      const low = points[cell] as Rational;
      const high = points[cell + 1] ?? addRational(low, rational(10n ** 7n));
      if (compareRational(low, high) === 0) return;
      const at = (thousandths: number): Rational =>
        addRational(low, multiplyRational(subtractRational(high, low), rational(BigInt(thousandths), 1000n)));
      const [a, b, c] = [f1, f2, f3].sort((x, y) => x - y).map(at) as [Rational, Rational, Rational];
      if (compareRational(a, b) === 0 || compareRational(b, c) === 0) return;
      const [ma, mb, mc] = [a, b, c].map((notional) => tieredMaintenance(tiers, notional)) as [Rational, Rational, Rational];
      const slopeLeft = divideRational(subtractRational(mb, ma), subtractRational(b, a));
      const slopeRight = divideRational(subtractRational(mc, mb), subtractRational(c, b));
      assert.deepEqual(slopeLeft, slopeRight);
    }), { numRuns: 500 });
  });
});
