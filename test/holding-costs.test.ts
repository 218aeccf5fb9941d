// Issue 12, scope 3: the report's cost of holding. With a funding or financing rate in the snapshot,
// `stopout report` gives what a payment and a day cost at today's marks, the days until the margin
// call and until the liquidation if prices stand still, and the liquidation price after 1, 7 and 30
// days (src/core/report/holding-costs.ts). Worked by hand at Binance (funding, Binance "Introduction
// to Binance Futures Funding Rates": funding = position value × funding rate) and at an MT5 broker
// (financing: notional × yearly rate / 365 a night; or swap points × point × units), then checked
// against the engine stepped one funding interval (or one night) at a time at fixed marks, on random
// cross and isolated accounts at every venue that pays funding or charges financing.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  buildReport, parseSnapshot, step, toDecimalString,
  type AccountSnapshot, type Command, type EngineState, type ReportJson,
} from '../src/core/index.js';
import { initialState } from '../src/core/engine/step.js';
import { reportToJson } from '../src/core/report/report-json.js';
import { firstBreach, HOLDING_HORIZON_DAYS, paymentsWithin } from '../src/core/report/holding-costs.js';
import { dec } from '../src/core/money/decimal.js';
import { rational } from '../src/core/money/rational.js';
import { engineVenue, parseCommandJson, type EngineVenue, type InstrumentSpec } from './support/engine-arbitraries.js';
import { assertNoCrash, stopout } from './support/run-cli.js';
import { problems, report } from './support/report-expect.js';

type Json = Record<string, unknown>;

const btc20x = (extra: Json): Json => ({
  venue: 'binance-usdm',
  account: { currency: 'USDT', balance: '2500' },
  positions: [{ id: 'btc', instrument: 'BTCUSDT', side: 'long', quantity: '1', entryPrice: '50000', leverage: '20', ...extra }],
  marks: { BTCUSDT: '50000' },
  funding: { BTCUSDT: '0.0001' },
});

describe('hand-worked: BTCUSDT 20x long at binance-usdm, funding 0.01 % every 8 h', () => {
  // 1 BTC at mark 50 000: notional 50 000; a payment = 50 000 × 0.0001 = 5 USDT paid, 3 a day = 15.
  // Margin 2 500 (50 000 / 20); maintenance 50 000 × 0.4 % = 200 (Binance's first bracket).
  // Binance liquidates when the margin balance reaches the maintenance (at or below), so the
  // liquidation is the first n with 2 500 - 5n <= 200: n = ceil(2 300 / 5) = 460 payments,
  // 460 × 8 / 24 = 153.33 days. Binance has no margin call of its own: it "calls" where it liquidates.
  // The liquidation price (isolated long, Binance's formula LP = (WB - q × EP) / (q × MMR - q)):
  //   now     (2 500 - 50 000) / (0.004 - 1) = 47 690.76 -> 47 690.7 (down, a long)
  //   1 day   margin 2 500 - 15  = 2 485: 47 515 / 0.996 = 47 705.82 -> 47 705.8
  //   7 days  margin 2 500 - 105 = 2 395: 47 605 / 0.996 = 47 796.18 -> 47 796.1
  //   30 days margin 2 500 - 450 = 2 050: 47 950 / 0.996 = 48 142.57 -> 48 142.5
  // (18 % of the margin in a month: issue 12's "about 18 %".)
  const expectedAfter = { 1: '47705.8', 7: '47796.1', 30: '48142.5' };

  test('isolated: per payment, per day, payments and days to liquidation, the LP after 1, 7 and 30 days', () => {
    const result = report(btc20x({ isolatedMargin: '2500' }));
    assert.equal(result.positions[0]?.liquidationPrice, '47690.7');
    const holding = result.holding;
    assert.ok(holding);
    assert.equal(holding.kind, 'funding');
    assert.equal(holding.paymentHours, 8);
    assert.equal(holding.perPayment, '-5.00000000');
    assert.equal(holding.perDay, '-15.00000000');
    assert.equal(holding.paymentsToLiquidation, '460');
    assert.equal(holding.daysToLiquidation, '153.33');
    assert.equal(holding.paymentsToMarginCall, '460');
    assert.equal(holding.daysToMarginCall, '153.33');
    assert.match(holding.basis, /every 8 h/);
    const position = holding.positions[0];
    assert.ok(position);
    assert.equal(position.paymentsToLiquidation, '460');
    assert.equal(position.daysToLiquidation, '153.33');
    assert.deepEqual(position.liquidationPriceAfter, expectedAfter);
  });

  test('cross, with the same 2 500 in the wallet: the same figures (the wallet pays), no per-position count', () => {
    const holding = report(btc20x({})).holding;
    assert.ok(holding);
    assert.equal(holding.paymentsToLiquidation, '460');
    assert.equal(holding.daysToLiquidation, '153.33');
    const position = holding.positions[0];
    assert.ok(position);
    assert.equal('paymentsToLiquidation' in position, false);
    assert.deepEqual(position.liquidationPriceAfter, expectedAfter);
  });

  test('the short receives: never liquidated by holding, and its liquidation price moves away', () => {
    // Short 1 BTC isolated 2 500: receives 5 a payment. Above 50 000 of notional Binance's second
    // bracket holds (0.5 %, cum 50): LP = (WB + cum + q × EP) / (q × MMR + q), rounded up (a short):
    //   now      (2 500 + 50 + 50 000) / 1.005 = 52 288.56 -> 52 288.6
    //   30 days  (2 950 + 50 + 50 000) / 1.005 = 52 736.32 -> 52 736.4
    const snapshot = btc20x({ isolatedMargin: '2500', side: 'short' });
    const result = report(snapshot);
    assert.equal(result.positions[0]?.liquidationPrice, '52288.6');
    const holding = result.holding;
    assert.ok(holding);
    assert.equal(holding.perDay, '15.00000000');
    assert.equal(holding.paymentsToLiquidation, null);
    assert.equal(holding.daysToLiquidation, null);
    assert.equal(holding.positions[0]?.liquidationPriceAfter['30'], '52736.4');
  });

  test('an account already past liquidation: 0 payments, 0.00 days, no price after', () => {
    // Mark 47 500: the isolated margin balance 2 500 - 2 500 = 0 is below the maintenance 190.
    const holding = report({ ...btc20x({ isolatedMargin: '2500' }), marks: { BTCUSDT: '47500' } }).holding;
    assert.ok(holding);
    assert.equal(holding.paymentsToLiquidation, '0');
    assert.equal(holding.daysToLiquidation, '0.00');
    assert.deepEqual(holding.positions[0]?.liquidationPriceAfter, { 1: null, 7: null, 30: null });
  });

  test('without a rate the report has no "holding"', () => {
    const { funding: _, ...plain } = btc20x({});
    assert.equal(report(plain).holding, undefined);
  });
});

describe('hand-worked: EURUSD overnight financing at mt5-standard', () => {
  // 1 lot (100 000 EUR) long at 1.10000, leverage 1:100, balance 1 500 USD: notional 110 000 USD,
  // used margin 1 100; margin call below 100 % (equity < 1 100), stop-out at 50 % (equity <= 550).
  const eurusd = (financing: Json): Json => ({
    venue: 'mt5-standard',
    account: { currency: 'USD', balance: '1500' },
    positions: [{ id: 'eur', instrument: 'EURUSD', side: 'long', quantity: '100000', entryPrice: '1.10000', leverage: '100' }],
    marks: { EURUSD: '1.10000' },
    financing,
  });

  test('a yearly rate: -5 % on 110 000 over 365 days = 15.068… a night, charged 15.07', () => {
    // Margin call: first n with 1 500 - 15.07n < 1 100: n = floor(400 / 15.07) + 1 = 26 + 1 = 27.
    // Stop-out: first n with 1 500 - 15.07n <= 550: n = ceil(950 / 15.07) = ceil(63.04) = 64.
    // LP, equity = stop-out at price p: balance + 100 000 (p - 1.1) = 0.5 × 100 000 p / 100 = 500 p:
    //   now    p = 108 500 / 99 500 = 1.0904522 -> 1.09045
    //   1 day  balance 1 484.93: p = 108 515.07 / 99 500 = 1.0906037 -> 1.09060
    //   7      balance 1 394.51: p = 108 605.49 / 99 500 = 1.0915124 -> 1.09151
    //   30     balance 1 047.90: p = 108 952.10 / 99 500 = 1.0949959 -> 1.09499
    const holding = report(eurusd({ EURUSD: { longRate: '-0.05', shortRate: '0.01' } })).holding;
    assert.ok(holding);
    assert.equal(holding.kind, 'financing');
    assert.equal(holding.paymentHours, 24);
    assert.equal(holding.perPayment, '-15.07');
    assert.equal(holding.perDay, '-15.07');
    assert.equal(holding.paymentsToMarginCall, '27');
    assert.equal(holding.daysToMarginCall, '27.00');
    assert.equal(holding.paymentsToLiquidation, '64');
    assert.equal(holding.daysToLiquidation, '64.00');
    assert.match(holding.basis, /Wednesday/);
    assert.deepEqual(holding.positions[0]?.liquidationPriceAfter, { 1: '1.09060', 7: '1.09151', 30: '1.09499' });
  });

  test('swap points: -6.5 points × 0.00001 × 100 000 units = 6.50 USD a night', () => {
    // Margin call: floor(400 / 6.5) + 1 = 61 + 1 = 62; stop-out: ceil(950 / 6.5) = ceil(146.15) = 147.
    const holding = report(eurusd({ EURUSD: { longPoints: '-6.5', shortPoints: '1.2' } })).holding;
    assert.ok(holding);
    assert.equal(holding.perDay, '-6.50');
    assert.equal(holding.paymentsToMarginCall, '62');
    assert.equal(holding.paymentsToLiquidation, '147');
    assert.equal(holding.daysToLiquidation, '147.00');
  });
});

describe('firstBreach: the closed form', () => {
  test('strict and at-or-below on an exact multiple; a cap that runs dry first; a cap that never reaches', () => {
    // gap 10, 2 paid a payment: at-or-below reaches 0 after 5; below needs the 6th.
    assert.equal(firstBreach(rational(10n), dec('-2'), false), 5n);
    assert.equal(firstBreach(rational(10n), dec('-2'), true), 6n);
    // a margin of 7 is drained by the 4th payment (2 + 2 + 2 + 1): gap 10 - 7 = 3 > 0, never breached.
    assert.equal(firstBreach(rational(10n), dec('-2'), false, dec('7')), null);
    // gap 6 with a margin of 7: the 3rd payment reaches 0.
    assert.equal(firstBreach(rational(6n), dec('-2'), false, dec('7')), 3n);
    // gap 6.5 (requirement below zero after the margin is gone: E0 - 7 = -0.5 <= 0): ceil(7 / 2) = 4.
    assert.equal(firstBreach(rational(13n, 2n), dec('-2'), false, dec('7')), 4n);
    assert.equal(firstBreach(rational(0n), dec('-2'), false), 0n);
    assert.equal(firstBreach(rational(0n), dec('-2'), true), 1n);
    assert.equal(firstBreach(rational(5n), dec('0'), true), null);
  });
});

describe('bad input for "funding" and "financing": each problem names the field and the value', () => {
  const base = btc20x({});
  const cases: [string, Json, RegExp][] = [
    ['a rate of 1 or more', { ...base, funding: { BTCUSDT: '1.5' } }, /^funding\.BTCUSDT: .*below 1.*got "1\.5"/],
    ['a rate as a JSON number', { ...base, funding: { BTCUSDT: 0.0001 } }, /^funding\.BTCUSDT: .*got the number 0\.0001/],
    ['an unknown instrument', { ...base, funding: { DOGEUSDX: '0.0001' } }, /^funding\.DOGEUSDX: no instrument "DOGEUSDX"/],
    ['not an object', { ...base, funding: '0.0001' }, /^funding: must be an object, got "0\.0001"/],
    ['funding at a venue without funding', { ...base, venue: 'mt5-standard', positions: [], marks: {}, account: { currency: 'USD', balance: '100' }, funding: { EURUSD: '0.0001' } },
      /^funding: mt5-standard pays no perpetual funding .*"fundingIntervalHours"/],
    ['financing at a venue without financing terms', { ...base, funding: undefined, financing: { BTCUSDT: { longRate: '-0.05', shortRate: '0.01' } } },
      /^financing: binance-usdm charges no overnight financing .*"financing"/],
    ['both', { ...base, financing: {} }, /^financing: give "funding" .* or "financing" .*not both/],
  ];
  for (const [name, snapshot, message] of cases) {
    test(name, () => {
      const found = problems(JSON.parse(JSON.stringify(snapshot)) as Json);
      assert.ok(found.some((line) => message.test(line)), found.join('\n'));
    });
  }

  const mt5 = (financing: unknown): Json => ({
    venue: 'mt5-standard', account: { currency: 'USD', balance: '1500' },
    positions: [{ instrument: 'EURUSD', side: 'long', quantity: '100000', entryPrice: '1.1', leverage: '100' }], financing,
  });
  const financingCases: [string, unknown, RegExp][] = [
    ['rates and points together', { EURUSD: { longRate: '-0.05', shortPoints: '1' } }, /^financing\.EURUSD: give "longRate" and "shortRate" .*got both/],
    ['neither', { EURUSD: {} }, /^financing\.EURUSD: give "longRate".*got neither/],
    ['a missing short rate', { EURUSD: { longRate: '-0.05' } }, /^financing\.EURUSD\.shortRate: required/],
    ['a rate that is not a decimal', { EURUSD: { longRate: '-5%', shortRate: '0' } }, /^financing\.EURUSD\.longRate: .*got "-5%"/],
    ['an unknown key', { EURUSD: { longRate: '0', shortRate: '0', days: '3' } }, /^financing\.EURUSD\.days: unknown field/],
    ['an unknown instrument', { XXXYYY: { longRate: '0', shortRate: '0' } }, /^financing\.XXXYYY: no instrument "XXXYYY"/],
  ];
  for (const [name, financing, message] of financingCases) {
    test(`financing: ${name}`, () => {
      const found = problems(mt5(financing));
      assert.ok(found.some((line) => message.test(line)), found.join('\n'));
    });
  }

  test('a venue object that adds the terms is accepted: funding every 4 h, financing over 360 days', () => {
    // 5 USDT every 4 h: 30 a day; ceil(2 300 / 5) = 460 payments = 460 × 4 / 24 = 76.66 days.
    const four = report({ ...base, venue: { extends: 'binance-usdm', fundingIntervalHours: 4 } }).holding;
    assert.equal(four?.perDay, '-30.00000000');
    assert.equal(four?.daysToLiquidation, '76.66');
    // 50 000 × -3.6 % / 360 = 5 USDT a night: 460 nights, 460.00 days.
    const { funding: _, ...rest } = base;
    const financed = report({ ...rest, venue: { extends: 'binance-usdm', financing: { dayCount: 360 } }, financing: { BTCUSDT: { longRate: '-0.036', shortRate: '0' } } }).holding;
    assert.equal(financed?.perDay, '-5.00000000');
    assert.equal(financed?.daysToLiquidation, '460.00');
  });
});

describe('stopout report (the built CLI)', () => {
  test('--format table shows the holding lines: per day, days to margin call and liquidation, the LP after 1, 7, 30 days', () => {
    const run = stopout(['report', '-', '--format', 'table'], JSON.stringify(btc20x({ isolatedMargin: '2500' })));
    assertNoCrash(run);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /Per payment \(funding every 8 h\) │ +-5\.00000000/);
    assert.match(run.stdout, /Per day +│ +-15\.00000000/);
    assert.match(run.stdout, /Margin call in +│ 153\.33 days \(460 payments\)/);
    assert.match(run.stdout, /Liquidation in +│ 153\.33 days \(460 payments\)/);
    assert.match(run.stdout, /│ btc +│ -15\.00000000 │ 153\.33 days \(460 payments\) │ +47,705\.8 │ +47,796\.1 │ +48,142\.5 │/);
    assert.match(run.stdout, /Assumes: prices stand still/);
  });

  test('JSON: the "holding" object; bad input exits 2 naming the field and the value', () => {
    const ok = stopout(['report', '-'], JSON.stringify(btc20x({})));
    assert.equal(ok.status, 0, ok.stderr);
    assert.equal((JSON.parse(ok.stdout) as ReportJson).holding?.daysToLiquidation, '153.33');
    const bad = stopout(['report', '-'], JSON.stringify({ ...btc20x({}), funding: { BTCUSDT: '-2' } }));
    assertNoCrash(bad);
    assert.equal(bad.status, 2);
    assert.equal(bad.stdout, '');
    assert.match(bad.stderr, /^funding\.BTCUSDT: .*got "-2"\n$/);
  });
});

// ---------------------------------------------------------------------------------------------
// Against the engine: step one payment (one funding command per instrument, or one night of
// financing) at a time at fixed marks, and find the first margin call and liquidation.

const FUNDING_VENUES = ['binance-usdm', 'binance-coinm', 'bybit-linear', 'hyperliquid', 'dydx-v4'] as const;
const FINANCING_VENUES = ['esma-retail-cfd', 'mt5-standard'] as const;
/** The longest a check steps: 30 days of hourly funding. */
const MOST_PAYMENTS = 720;

/** Instruments an account can trade with its own mark alone (EURGBP needs two more pairs). */
const tradable = (venue: EngineVenue): readonly InstrumentSpec[] =>
  venue.instruments.filter((spec) => spec.symbol !== 'EURGBP' && !venue.foreign.includes(spec.symbol));

/** Exact decimal text of a positive float, to `decimals` places, rounded down (sizes only: never booked). */
function sized(value: number, decimals: number): string {
  const units = BigInt(Math.max(1, Math.floor(value * 10 ** Math.min(decimals, 6))));
  return toDecimalString({ units: units * 10n ** BigInt(Math.max(0, decimals - 6)), scale: decimals });
}

const unitsText = (units: number, scale: number): string => toDecimalString({ units: BigInt(units), scale });

interface GeneratedPosition {
  readonly spec: number;
  readonly side: 'long' | 'short';
  readonly quantity: number;
  readonly leverage: number;
  readonly isolated: boolean;
  readonly cushion: number;
  readonly markBp: number;
}

const positionArbitrary = fc.record({
  spec: fc.nat({ max: 5 }),
  side: fc.constantFrom('long' as const, 'short' as const),
  quantity: fc.double({ min: 0, max: 1, noNaN: true }),
  leverage: fc.double({ min: 0.05, max: 1, noNaN: true }),
  isolated: fc.boolean(),
  cushion: fc.double({ min: 1.05, max: 2.5, noNaN: true }),
  markBp: fc.integer({ min: -150, max: 150 }),
});

const rateArbitrary = fc.record({
  units: fc.integer({ min: -3000, max: 3000 }),
  financingUnits: fc.integer({ min: -8000, max: 8000 }),
  points: fc.boolean(),
});

/** A starting account at `venue` with a funding or financing rate on each instrument it trades. */
function accountJson(
  venue: EngineVenue, generated: readonly GeneratedPosition[], rates: readonly { units: number; financingUnits: number; points: boolean }[], financing: boolean,
): Json {
  const specs = tradable(venue);
  let crossMargin = 0;
  let isolatedTotal = 0;
  const marks: Record<string, string> = {};
  const positions = generated.map((each, index) => {
    const spec = specs[each.spec % specs.length] as InstrumentSpec;
    const quantityUnits = Math.max(spec.quantity[0], Math.round(spec.quantity[0] + each.quantity * (spec.quantity[1] - spec.quantity[0]) / 20));
    const priceUnits = Math.round((spec.price[0] + spec.price[1]) / 2);
    const entry = unitsText(priceUnits, spec.priceScale);
    const markUnits = priceUnits + Math.round(priceUnits * each.markBp / 10_000);
    marks[spec.symbol] ??= unitsText(markUnits, spec.priceScale);
    const quantity = unitsText(quantityUnits, spec.quantityScale);
    const leverage = Math.max(1, Math.floor(each.leverage * Math.min(spec.maxLeverage, 50)));
    const price = priceUnits / 10 ** spec.priceScale;
    const units = quantityUnits / 10 ** spec.quantityScale;
    const notional = spec.inverse ? units * spec.contractSize / price : units * price * spec.contractSize;
    const margin = notional / leverage;
    const isolated = venue.isolated && each.isolated;
    if (isolated) isolatedTotal += margin * each.cushion;
    else crossMargin += margin * each.cushion;
    return {
      id: `p${index}`, instrument: spec.symbol, side: each.side, quantity, entryPrice: entry, leverage: String(leverage),
      ...(isolated ? { isolatedMargin: sized(margin * each.cushion, venue.decimals) } : {}),
    };
  });
  const symbols = [...new Set(positions.map((position) => position.instrument))];
  const rateOf = (index: number): { units: number; financingUnits: number; points: boolean } => rates[index % rates.length] ?? { units: 1, financingUnits: 1, points: false };
  const holding = financing
    ? {
      financing: Object.fromEntries(symbols.map((symbol, index) => {
        const rate = rateOf(index);
        // Yearly rates up to ±80 % (a month's nights then matter at these leverages), or up to ±80 points a night.
        const long = unitsText(rate.financingUnits, 4);
        const short = unitsText(-Math.round(rate.financingUnits / 3), 4);
        return [symbol, rate.points
          ? { longPoints: unitsText(rate.financingUnits, 2), shortPoints: unitsText(-Math.round(rate.financingUnits / 3), 2) }
          : { longRate: long, shortRate: short }];
      })),
    }
    : { funding: Object.fromEntries(symbols.map((symbol, index) => [symbol, unitsText(rateOf(index).units, 6)])) };
  return {
    venue: venue.id,
    account: { currency: venue.currency, balance: sized(isolatedTotal + crossMargin + 10 ** -Math.min(venue.decimals, 2), venue.decimals) },
    ...(venue.instrumentsJson ? { instruments: venue.instrumentsJson } : {}),
    positions,
    marks,
    ...holding,
  };
}

/** One payment's commands: one per instrument, those the cross account receives on first (a payment is booked at one time). */
function paymentCommands(state: EngineState, snapshot: AccountSnapshot): Command[] {
  const report = buildReport(snapshot);
  const crossNet = (symbol: string): number => report.holding?.positions
    .filter((each) => each.position.instrument.symbol === symbol && !each.position.isolatedMargin)
    .reduce((total, each) => total + Number(toDecimalString(each.perPayment)), 0) ?? 0;
  const funding = [...(snapshot.holding?.funding ?? new Map())].map(([symbol, rate]): [string, Json] =>
    [symbol, { type: 'funding', instrument: symbol, rate: toDecimalString(rate) }]);
  const financing = [...(snapshot.holding?.financing ?? new Map())].map(([symbol, rates]): [string, Json] => [symbol, {
    type: 'financing', instrument: symbol, days: '1',
    ...(rates.unit === 'rate'
      ? { longRate: toDecimalString(rates.long), shortRate: toDecimalString(rates.short) }
      : { longPoints: toDecimalString(rates.long), shortPoints: toDecimalString(rates.short) }),
  }]);
  return [...funding, ...financing]
    .sort(([a], [b]) => crossNet(b) - crossNet(a))
    .map(([, json]) => parseCommandJson(state, json));
}

interface Stepped {
  /** The payment after which each event first happened (any scope), and each isolated scope's liquidation. */
  readonly firstLiquidation: number | null;
  readonly firstMarginCall: number | null;
  readonly scopeLiquidation: ReadonlyMap<string, number>;
  /** The report's JSON of the stepped state after each horizon's payments. */
  readonly reportAfter: ReadonlyMap<number, ReportJson>;
}

function stepPayments(snapshot: AccountSnapshot, payments: number, horizons: ReadonlyMap<number, number>): Stepped {
  let state = initialState({ ...snapshot });
  const commands = paymentCommands(state, snapshot);
  let firstLiquidation: number | null = null;
  let firstMarginCall: number | null = null;
  const scopeLiquidation = new Map<string, number>();
  const reportAfter = new Map<number, ReportJson>();
  for (let payment = 1; payment <= payments; payment++) {
    for (const command of commands) {
      const result = step(state, command);
      assert.notEqual(result.events[0]?.type, 'rejected', JSON.stringify(result.events[0]));
      state = result.state;
      for (const event of result.events) {
        if (event.type === 'position-liquidated') {
          firstLiquidation ??= payment;
          const scope = event.fields.scope ?? '';
          if (!scopeLiquidation.has(scope)) scopeLiquidation.set(scope, payment);
        }
        if (event.type === 'margin-call-issued') firstMarginCall ??= payment;
      }
    }
    for (const [days, count] of horizons) {
      if (count === payment) reportAfter.set(days, plainReport(state.snapshot));
    }
  }
  return { firstLiquidation, firstMarginCall, scopeLiquidation, reportAfter };
}

const reportToJsonOf = (snapshot: AccountSnapshot): ReportJson => reportToJson(buildReport(snapshot));

/** The report of a stepped state, without projecting its rates again. */
function plainReport(snapshot: AccountSnapshot): ReportJson {
  const { holding: _, ...plain } = snapshot;
  return reportToJsonOf(plain);
}

const asCount = (text: string | null | undefined): number | null => (text === null || text === undefined ? null : Number(text));

function checkAgainstEngine(venueId: string, financing: boolean, runs: number): void {
  const venue = engineVenue(venueId);
  let liquidated = 0;
  fc.assert(fc.property(
    fc.array(positionArbitrary, { minLength: 1, maxLength: 3 }), fc.array(rateArbitrary, { minLength: 1, maxLength: 3 }),
    (generated, rates) => {
      const parsed = parseSnapshot(accountJson(venue, generated, rates, financing));
      fc.pre(parsed.ok);
      if (!parsed.ok) return;
      const snapshot = parsed.value;
      const json = reportToJsonOf(snapshot);
      fc.pre(json.account.status === 'healthy');
      const holding = json.holding;
      assert.ok(holding);
      const hours = holding.paymentHours;
      const horizons = new Map(HOLDING_HORIZON_DAYS.map((days) => [days, Number(paymentsWithin(days, hours))]));
      const expected = asCount(holding.paymentsToLiquidation);
      const horizonMost = Math.max(...horizons.values());
      const payments = Math.min(MOST_PAYMENTS, Math.max(horizonMost, expected ?? 0, asCount(holding.paymentsToMarginCall) ?? 0));
      const stepped = stepPayments(snapshot, payments, horizons);
      const label = JSON.stringify({ snapshot: accountJson(venue, generated, rates, financing), holding });
      // The first liquidation happens at exactly paymentsToLiquidation (or not within the payments stepped).
      assert.equal(stepped.firstLiquidation, expected !== null && expected <= payments ? expected : null, `liquidation: ${label}`);
      if (expected !== null && expected <= payments) liquidated += 1;
      // The margin call, where the venue issues one of its own.
      if (snapshot.venue.marginCall) {
        const call = asCount(holding.paymentsToMarginCall);
        assert.equal(stepped.firstMarginCall, call !== null && call <= payments ? call : null, `margin call: ${label}`);
      }
      // Each isolated position's own count.
      holding.positions.forEach((position) => {
        if (position.paymentsToLiquidation === undefined) return;
        const own = asCount(position.paymentsToLiquidation);
        assert.equal(stepped.scopeLiquidation.get(position.id) ?? null, own !== null && own <= payments ? own : null, `isolated ${position.id}: ${label}`);
      });
      // The LP after N days is the report's LP of the stepped state after that many payments.
      for (const [days] of horizons) {
        const after = stepped.reportAfter.get(days);
        assert.ok(after, `stepped to ${days} days`);
        holding.positions.forEach((position) => {
          const predicted = position.liquidationPriceAfter[String(days)] ?? null;
          if (predicted === null) return;
          const found = after.positions.find((each) => each.id === position.id);
          assert.equal(found?.liquidationPrice ?? null, predicted, `${position.id} after ${days} days: ${label}`);
        });
      }
    },
  ), { numRuns: runs, seed: 12, endOnFailure: true });
  assert.ok(liquidated > 0, `${venueId}: some generated accounts are liquidated by holding alone`);
}

describe('against the engine: the first liquidation and margin call happen at exactly the payments the report gives', () => {
  for (const venue of FUNDING_VENUES) test(`${venue}: funding, one interval at a time`, () => checkAgainstEngine(venue, false, 40));
  for (const venue of FINANCING_VENUES) test(`${venue}: financing, one night at a time`, () => checkAgainstEngine(venue, true, 40));
});
