// Issue 12 in the simulator (spec/simulate.md, model.funding and model.financing): holding costs
// paid on every path through the engine's own `funding` and `financing` commands.
// - No volatility: every path is the flat one, and it does what `stopout replay` does over the
//   same flat marks with the same payments: the same liquidation day, balance and totals.
// - A funding file (Binance's layout) read beside the simulation, its rates cycled.
// - P(liquidation in 30 days) of a 20x long rises with funding: two runs on the same seed, and,
//   path by path, every path liquidated without funding is liquidated with it, no later.
// - Bad input: exit 2 and one line per problem naming the field.
// The fast path against the engine on every observation, with funding, financing and fees, is
// test/simulate-differential.test.ts. CLI cases spawn `node dist/cli/main.js` (npm test builds first).
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBlock } from '../src/sim/blocks.js';
import { prepare } from '../src/sim/prepare.js';
import { pick } from './support/report-path.js';
import { assertNoCrash, assertRejected, stopout, type Run } from './support/run-cli.js';

const scratch = mkdtempSync(join(tmpdir(), 'stopout-simulate-funding-test-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

let files = 0;
/** Writes files into a fresh directory of the scratch space; returns the path of the first. */
function write(entries: Readonly<Record<string, string>>): string {
  files += 1;
  const where = join(scratch, `case-${files}`);
  mkdirSync(where);
  for (const [name, text] of Object.entries(entries)) writeFileSync(join(where, name), text);
  return join(where, Object.keys(entries)[0] ?? '');
}

function assertOk(run: Run): void {
  assertNoCrash(run);
  assert.equal(run.status, 0, `exit code (stderr: ${run.stderr})`);
  assert.equal(run.stderr, '', 'nothing on standard error');
}

type Json = Record<string, unknown>;

interface Variant {
  readonly name: string;
  readonly probabilities: Readonly<Record<string, string>>;
  readonly loss: Readonly<Record<string, string>>;
  readonly debt: Readonly<Record<string, string>>;
  readonly venueLoss: Readonly<Record<string, string>>;
  readonly costs: Readonly<Record<string, string>>;
  readonly timeToLiquidationDays: Readonly<Record<string, string | null>>;
  readonly liquidationByDay: Readonly<Record<string, string>>;
}

function simulate(sim: Json): Variant[] {
  const run = stopout(['simulate', write({ 'sim.json': JSON.stringify(sim) }), '--json']);
  assertOk(run);
  return (JSON.parse(run.stdout) as { variants: Variant[] }).variants;
}

function replay(scenario: Json): { summary: Json; events: Record<string, string>[] } {
  const path = write({ 'scenario.json': JSON.stringify(scenario) });
  const summary = stopout(['replay', path, '--summary']);
  assertOk(summary);
  const events = stopout(['replay', path]);
  assertOk(events);
  return {
    summary: JSON.parse(summary.stdout) as Json,
    events: events.stdout.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, string>),
  };
}

const START = Date.parse('2026-01-05T00:00:00Z'); // a Monday, the simulator's default start
const DAY_MS = 86_400_000;
const iso = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');
const amount = (value: unknown): number => Number(value);

// ------------------------------------------------------------------------------------------------
// No volatility: the flat path, as `stopout replay` plays it with the same payments
// ------------------------------------------------------------------------------------------------

interface FlatCase {
  readonly id: string;
  readonly account: Json;
  readonly instrument: string;
  readonly mark: string;
  readonly model: Json;
  readonly horizonDays: number;
  readonly steps: number;
  /** The payments, as `replay` takes them, at observation k (1-based) of the simulator's steps. */
  readonly payments: readonly { readonly k: number; readonly command: Json }[];
  /** Worked by hand (the test checks replay against it, and the simulator against replay). */
  readonly liquidationDay: number;
  readonly funding: number;
  readonly financing: number;
}

const FLAT_CASES: readonly FlatCase[] = [
  {
    // Binance USDⓈ-M, long 1 BTC at 40 000, isolated margin 2 000, funding 0.3 % every 8 hours: each
    // payment is 40 000 x 0.003 = 120 USDT out of the isolated margin. Maintenance is 0.4 % of
    // 40 000 = 160: after j payments the margin 2 000 - 120 j is below it first at j = 16
    // (2 000 - 1 920 = 80 < 160), at 16 x 8 h = day 5.3333. The position closes at 40 000 (P&L 0) and
    // the 0.5 % liquidation fee (200) takes what is left (80); the wallet keeps its 500.
    id: 'binance-usdm isolated long paying 0.3 % funding every 8 hours: liquidated on the 16th payment',
    account: {
      venue: 'binance-usdm', account: { currency: 'USDT', balance: '2500' },
      positions: [{ id: 'b', instrument: 'BTCUSDT', side: 'long', quantity: '1', entryPrice: '40000', leverage: '20', isolatedMargin: '2000' }],
      marks: { BTCUSDT: '40000' },
    },
    instrument: 'BTCUSDT', mark: '40000',
    model: { type: 'gbm', volatility: '0', drift: '0', funding: '0.003' },
    horizonDays: 10, steps: 30,
    payments: Array.from({ length: 30 }, (_, index) => ({ k: index + 1, command: { type: 'funding', instrument: 'BTCUSDT', rate: '0.003' } })),
    liquidationDay: 16 / 3, funding: 1920, financing: 0,
  },
  {
    // MT5, long 10 oz of gold at 2 000, 1:100 (margin 20 000 / 100 = 200), balance 1 150, swap -365 %
    // a year: 20 000 x 3.65 / 365 = 200 USD a night. From Monday 5 January 2026, the rollovers end
    // Monday (1 night, equity 950), Tuesday (1, 750), Wednesday (3, carrying the weekend: 150, a
    // margin level of 75 %, a call) and Thursday (1, -50): stop-out at the 50 % level on day 4.
    // No negative balance protection: the client owes 50. Charged 6 nights = 1 200.
    id: 'mt5-standard gold long paying swaps, triple on Wednesday: called on day 3, stopped out on day 4 owing 50',
    account: {
      venue: 'mt5-standard', account: { currency: 'USD', balance: '1150' },
      positions: [{ id: 'g', instrument: 'XAUUSD', side: 'long', quantity: '10', entryPrice: '2000', leverage: '100' }],
      marks: { XAUUSD: '2000' },
    },
    instrument: 'XAUUSD', mark: '2000',
    model: { type: 'gbm', volatility: '0', drift: '0', daysPerYear: '260', financing: { XAUUSD: { longRate: '-3.65', shortRate: '0' } } },
    horizonDays: 7, steps: 7,
    // Observation k is midnight ending day k - 1 of the week (Monday = day 0); none after Saturday or Sunday.
    payments: [[1, '1'], [2, '1'], [3, '3'], [4, '1'], [5, '1']].map(([k, days]) => ({
      k: Number(k), command: { type: 'financing', instrument: 'XAUUSD', longRate: '-3.65', shortRate: '0', days, dayCount: '365' },
    })),
    liquidationDay: 4, funding: 0, financing: 1200,
  },
];

/** The simulator's observations as replay commands: a flat mark at each step's time, then that step's payments. */
function replayCommands(each: FlatCase): Json[] {
  const stepMs = (each.horizonDays * DAY_MS) / each.steps;
  return Array.from({ length: each.steps }, (_, index) => {
    const k = index + 1;
    const time = iso(START + k * stepMs);
    return [
      { type: 'mark', time, prices: { [each.instrument]: each.mark } },
      ...each.payments.filter((payment) => payment.k === k).map((payment) => ({ ...payment.command, time })),
    ];
  }).flat();
}

describe('no volatility: funding and financing as `stopout replay` books them over flat marks', () => {
  for (const each of FLAT_CASES) {
    test(each.id, () => {
      const { summary, events } = replay({ account: each.account, commands: replayCommands(each) });
      const liquidations = events.filter((event) => event.type === 'position-liquidated');
      assert.equal(liquidations.length, 1, 'replay liquidates the position once');
      const day = (Date.parse(liquidations[0]?.time ?? '') - START) / DAY_MS;
      assert.ok(Math.abs(day - each.liquidationDay) < 1e-9, `replay liquidates on day ${each.liquidationDay} (worked by hand), got ${day}`);
      assert.equal(0 - amount(pick(summary, 'totals.funding')), each.funding, 'replay: funding paid, as worked by hand');
      assert.equal(0 - amount(pick(summary, 'totals.financing')), each.financing, 'replay: financing charged, as worked by hand');

      const paths = 50;
      const variants = simulate({ account: each.account, model: each.model, horizonDays: String(each.horizonDays), steps: each.steps, paths, seed: 5 });
      const base = variants[0];
      assert.ok(base);
      assert.equal(base.probabilities.liquidation, '1.000000', 'every path is liquidated');
      for (const key of ['p10', 'p50', 'p90'] as const) {
        assert.ok(Math.abs(Number(base.timeToLiquidationDays[key]) - day) < 1e-4, `timeToLiquidationDays.${key}: ${base.timeToLiquidationDays[key]}, replay ${day}`);
      }
      for (const [key, share] of Object.entries(base.liquidationByDay)) {
        assert.equal(share, Number(key) + 1e-9 >= day ? '1.000000' : '0.000000', `liquidationByDay.${key}`);
      }
      const totals = (field: string): number => amount(pick(summary, `totals.${field}`));
      // Flat and flat again: the client lost what was put in less the balance left.
      const balance = amount(pick(summary, 'account.balance'));
      assert.equal(Number(base.loss.mean), totals('deposits') - balance, 'loss = deposits - the balance replay leaves');
      assert.equal(Number(base.costs.funding), 0 - totals('funding'), 'costs.funding = what replay paid');
      assert.equal(Number(base.costs.financing), 0 - totals('financing'), 'costs.financing = what replay charged');
      assert.equal(Number(base.costs.fees), totals('fees'), 'costs.fees = replay\'s fees');
      assert.equal(Number(base.debt.mean), totals('debtOutstanding'), 'debt = replay\'s');
      assert.equal(Number(base.venueLoss.mean), totals('venueLoss'), 'venue loss = replay\'s');
      const called = events.some((event) => event.type === 'margin-call-issued');
      assert.equal(base.probabilities.marginCall, called ? '1.000000' : '0.000000', 'a margin call as replay issues one');
    });
  }
});

// ------------------------------------------------------------------------------------------------
// A funding file, cycled
// ------------------------------------------------------------------------------------------------

describe('model.funding.file: Binance\'s funding-rate history, its rates in order, cycled', () => {
  test('two rates over six payments: 0.1 %, 0.2 %, 0.1 %, ... of 40 000', () => {
    const sim = {
      account: {
        venue: 'binance-usdm', account: { currency: 'USDT', balance: '5000' },
        positions: [{ id: 'b', instrument: 'BTCUSDT', side: 'long', quantity: '1', entryPrice: '40000', leverage: '20' }],
        marks: { BTCUSDT: '40000' },
      },
      model: { type: 'gbm', volatility: '0', drift: '0', funding: { file: 'BTCUSDT-funding.csv' } },
      horizonDays: '2', steps: 6, paths: 10,
    };
    const path = write({
      'sim.json': JSON.stringify(sim),
      // The file's times are not used: the rates are charged in order, one every 8 hours.
      'BTCUSDT-funding.csv': 'symbol,fundingTime,fundingRate,markPrice\nBTCUSDT,1700000000000,0.00100000,36000.0\nBTCUSDT,1700028800000,0.00200000,36100.0\n',
    });
    const run = stopout(['simulate', path, '--json']);
    assertOk(run);
    const base = (JSON.parse(run.stdout) as { variants: Variant[] }).variants[0];
    // 3 x (40 000 x 0.001) + 3 x (40 000 x 0.002) = 120 + 240 = 360.
    assert.equal(base?.costs.funding, '360.00000000');
    assert.equal(base?.probabilities.liquidation, '0.000000');
  });
});

// ------------------------------------------------------------------------------------------------
// The odds grow with funding
// ------------------------------------------------------------------------------------------------

describe('P(liquidation in 30 days) of a 20x long rises with funding', () => {
  const run = (funding: string | undefined): ReturnType<typeof runBlock> => {
    const prepared = prepare({
      account: {
        venue: 'binance-usdm', account: { currency: 'USDT', balance: '3000' },
        positions: [{ id: 'b', instrument: 'BTCUSDT', side: 'long', quantity: '1', entryPrice: '60000', leverage: '20' }],
        marks: { BTCUSDT: '60000' },
      },
      model: { type: 'gbm', volatility: '0.5', drift: '0', ...(funding ? { funding } : {}) },
      horizonDays: '30', steps: 360, paths: 1000, seed: 12,
    });
    assert.ok(prepared.ok, prepared.ok ? '' : JSON.stringify(prepared.error));
    return runBlock(prepared.value, 0);
  };

  test('the same seed with 0.03 % every 8 hours: more paths liquidated, each no later', () => {
    const without = run(undefined).variants[0];
    const paying = run('0.0003').variants[0];
    assert.ok(without && paying);
    const liquidated = (steps: Int32Array): number => steps.reduce((count, step) => count + (step > 0 ? 1 : 0), 0);
    assert.ok(liquidated(paying.liquidationSteps) > liquidated(without.liquidationSteps),
      `liquidated with funding ${liquidated(paying.liquidationSteps)}, without ${liquidated(without.liquidationSteps)}`);
    without.liquidationSteps.forEach((step, path) => {
      if (step === 0) return;
      const withFunding = paying.liquidationSteps[path] ?? 0;
      assert.ok(withFunding > 0 && withFunding <= step, `path ${path}: liquidated at observation ${step} without funding, ${withFunding} with it`);
    });
    assert.ok(paying.fundingSum > 0 && without.fundingSum === 0, 'the paths paid funding only where it was charged');
  });

  test('the results say it by day: liquidationByDay grows to the liquidation probability', () => {
    const variants = simulate({
      account: {
        venue: 'binance-usdm', account: { currency: 'USDT', balance: '3000' },
        positions: [{ id: 'b', instrument: 'BTCUSDT', side: 'long', quantity: '1', entryPrice: '60000', leverage: '20' }],
        marks: { BTCUSDT: '60000' },
      },
      model: { type: 'gbm', volatility: '0.5', drift: '0', funding: '0.0003' },
      horizonDays: '45', steps: 270, paths: 2000, seed: 12,
      variants: [{ name: 'no funding', funding: '0' }],
    });
    const [base, none] = variants;
    assert.ok(base && none);
    assert.deepEqual(Object.keys(base.liquidationByDay), ['1', '7', '30', '45'], 'days 1, 7, 30 and the horizon');
    for (const variant of [base, none]) {
      const shares = Object.values(variant.liquidationByDay).map(Number);
      shares.forEach((share, index) => assert.ok(index === 0 || share >= (shares[index - 1] as number), `${variant.name}: the share liquidated never falls`));
      assert.equal(variant.liquidationByDay['45'], variant.probabilities.liquidation, `${variant.name}: by the horizon, the liquidation probability`);
    }
    assert.ok(Number(base.liquidationByDay['30']) > Number(none.liquidationByDay['30']), 'by day 30, more with funding');
    assert.equal(none.costs.funding, '0.00000000');
    assert.ok(Number(base.costs.funding) > 0);
  });
});

// ------------------------------------------------------------------------------------------------
// Bad input
// ------------------------------------------------------------------------------------------------

const BTC_ACCOUNT = {
  venue: 'binance-usdm', account: { currency: 'USDT', balance: '3000' },
  positions: [{ id: 'b', instrument: 'BTCUSDT', side: 'long', quantity: '1', entryPrice: '60000', leverage: '20' }],
  marks: { BTCUSDT: '60000' },
};
const GOLD_ACCOUNT = {
  venue: 'mt5-standard', account: { currency: 'USD', balance: '3000' },
  positions: [{ id: 'g', instrument: 'XAUUSD', side: 'long', quantity: '10', entryPrice: '2000', leverage: '100' }],
  marks: { XAUUSD: '2000' },
};

function simWith(account: Json, model: Json, more: Json = {}): Json {
  return { account, model: { type: 'gbm', volatility: '0.5', ...model }, horizonDays: '7', steps: 28, paths: 10, ...more };
}

describe('bad funding and financing: exit 2, one line per problem naming the field', () => {
  const rejected = (sim: Json, lines: Parameters<typeof assertRejected>[1], extra: Readonly<Record<string, string>> = {}): void => {
    assertRejected(stopout(['simulate', write({ 'sim.json': JSON.stringify(sim), ...extra }), '--json']), lines);
  };

  test('a rate that is not a decimal string, or not below 1', () => {
    rejected(simWith(BTC_ACCOUNT, { funding: 0.0001 }), [['model.funding: ', 'written as a string', '0.0001']]);
    rejected(simWith(BTC_ACCOUNT, { funding: '1.5' }), [['model.funding: ', 'below 1', '"1.5"']]);
    rejected(simWith(BTC_ACCOUNT, { funding: { BTCUSDT: 'ten' } }), [['model.funding.BTCUSDT: ', '"ten"']]);
  });

  test('an instrument the account does not hold, or no perpetual at all', () => {
    rejected(simWith(BTC_ACCOUNT, { funding: { ETHUSDT: '0.0001' } }), [['model.funding.ETHUSDT: ', 'not a perpetual the account holds', 'BTCUSDT']]);
    rejected(simWith(GOLD_ACCOUNT, { funding: '0.0001' }), [['model.funding: ', 'perpetual contracts', 'holds none']]);
    rejected(simWith(GOLD_ACCOUNT, { financing: { EURUSD: { longRate: '-0.05', shortRate: '0.01' } } }), [['model.financing.EURUSD: ', 'not an instrument the account holds', 'XAUUSD']]);
  });

  test('a variant\'s own funding, named at the variant', () => {
    rejected(simWith(BTC_ACCOUNT, { funding: '0.0001' }, { variants: [{ name: 'eth', funding: { ETHUSDT: '0.0001' } }] }),
      [['variants[0].funding.ETHUSDT: ', 'not a perpetual the account holds']]);
    rejected(simWith(BTC_ACCOUNT, {}, { variants: [{ name: 'x', funding: '-2' }] }), [['variants[0].funding: ', 'below 1']]);
  });

  test('financing given both ways, or half given', () => {
    rejected(simWith(GOLD_ACCOUNT, { financing: { XAUUSD: { longRate: '-0.05', shortRate: '0.01', longPoints: '-3' } } }), [['model.financing.XAUUSD: ', 'not both']]);
    rejected(simWith(GOLD_ACCOUNT, { financing: { XAUUSD: { longRate: '-0.05' } } }), [['model.financing.XAUUSD.shortRate: ', 'required']]);
    rejected(simWith(GOLD_ACCOUNT, { financing: { longPoints: '-3', shortPoints: '1', dayCount: '360' } }), [['model.financing.dayCount: ', 'swap points']]);
    rejected(simWith(GOLD_ACCOUNT, {}, { variants: [{ name: 'x', financing: 'cheap' }] }), [['variants[0].financing: ', 'object']]);
  });

  test('a funding file that is missing, malformed, for another contract, or given to a variant', () => {
    rejected(simWith(BTC_ACCOUNT, { funding: { file: 'missing.csv' } }), [['model.funding.file: cannot read ', 'no such file']]);
    rejected(simWith(BTC_ACCOUNT, { funding: { file: 'f.csv' } }), [['model.funding.file: ', 'f.csv', 'line 3, fundingRate', '"abc"']],
      { 'f.csv': 'symbol,fundingTime,fundingRate,markPrice\nBTCUSDT,1700000000000,0.0001,1\nBTCUSDT,1700028800000,abc,1\n' });
    rejected(simWith(BTC_ACCOUNT, { funding: { file: 'f.csv' } }), [['model.funding.file: ', 'no rows for a perpetual the account holds', 'ETHUSDT']],
      { 'f.csv': 'symbol,fundingTime,fundingRate,markPrice\nETHUSDT,1700000000000,0.0001,1\n' });
    rejected(simWith(BTC_ACCOUNT, {}, { variants: [{ name: 'x', funding: { file: 'f.csv' } }] }), [['variants[0].funding.file: ', 'read once, in model.funding']]);
  });

  test('in-process, a funding file nobody read says so (the web and the service read none)', () => {
    const prepared = prepare(simWith(BTC_ACCOUNT, { funding: { file: 'f.csv' } }));
    assert.ok(!prepared.ok);
    assert.deepEqual(prepared.error.map((problem) => problem.path), ['model.funding.file']);
    assert.match(prepared.error[0]?.message ?? '', /was not read/);
  });
});
