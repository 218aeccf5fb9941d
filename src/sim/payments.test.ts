// The payment schedule (payments.ts): when funding and financing fall, which observation charges
// them, how many nights a rollover carries, and a funding file's rates cycled.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { instantOf, type Instant } from '../core/engine/instant.js';
import { dec, toDecimalString } from '../core/money/decimal.js';
import { parseFundingFile } from '../core/replay/funding-file.js';
import { parseSnapshot } from '../core/snapshot/parse-snapshot.js';
import { nightsAt, paymentSchedule, type ScheduleRequest } from './payments.js';
import type { HoldingCosts } from './sim-input.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const MONDAY = Date.parse('2026-01-05T00:00:00Z');

function snapshotOf(account: Record<string, unknown>) {
  const parsed = parseSnapshot(account);
  assert.ok(parsed.ok, parsed.ok ? '' : JSON.stringify(parsed.error));
  return parsed.value;
}

const BTC = snapshotOf({
  venue: 'binance-usdm', account: { currency: 'USDT', balance: '1000' },
  positions: [{ id: 'b', instrument: 'BTCUSDT', side: 'long', quantity: '0.1', entryPrice: '60000', leverage: '10' }],
  marks: { BTCUSDT: '60000' },
});
const GOLD = snapshotOf({
  venue: 'mt5-standard', account: { currency: 'USD', balance: '3000' },
  positions: [{ id: 'g', instrument: 'XAUUSD', side: 'long', quantity: '10', entryPrice: '2000', leverage: '100' }],
  marks: { XAUUSD: '2000' },
});

/** Observations every `stepHours` from `startMs` for `days`. */
function times(startMs: number, days: number, stepHours: number): Instant[] {
  return Array.from({ length: (days * 24) / stepHours + 1 }, (_, k) => instantOf(startMs + k * stepHours * HOUR));
}

function schedule(snapshot: ReturnType<typeof snapshotOf>, costs: HoldingCosts, at: Instant[], more: Partial<ScheduleRequest> = {}) {
  const built = paymentSchedule({ snapshot, costs, paths: { funding: 'model.funding', financing: 'model.financing' }, times: at, ...more });
  assert.deepEqual(built.problems, []);
  return built.schedule;
}

describe('funding', () => {
  test('every 8 hours at 00:00, 08:00 and 16:00 UTC, at the observation on that time', () => {
    // Start 05:00: the first payment is 08:00, then 16:00, 00:00, ...: 2 days hold 6.
    const hourly = times(MONDAY + 5 * HOUR, 2, 1);
    const built = schedule(BTC, { funding: { kind: 'rate', rate: dec('0.0001') } }, hourly);
    assert.deepEqual([...built.steps], [3, 11, 19, 27, 35, 43]);
    assert.deepEqual(built.commands.map((commands) => commands.map((command) => command.time?.text)).flat(), [
      '2026-01-05T08:00:00Z', '2026-01-05T16:00:00Z', '2026-01-06T00:00:00Z', '2026-01-06T08:00:00Z', '2026-01-06T16:00:00Z', '2026-01-07T00:00:00Z',
    ]);
  });

  test('a step coarser than the interval charges every payment within it at its end', () => {
    // Daily steps from Monday 00:00: 08:00 and 16:00 fall inside step 1, 00:00 Tuesday ends it.
    const built = schedule(BTC, { funding: { kind: 'rate', rate: dec('0.0001') } }, times(MONDAY, 2, 24));
    assert.deepEqual([...built.steps], [1, 2]);
    assert.deepEqual(built.commands.map((commands) => commands.length), [3, 3]);
  });

  test('a file\'s rates in order, cycled; a zero rate pays nothing and is left out', () => {
    const rows = parseFundingFile('symbol,fundingTime,fundingRate\nBTCUSDT,1700000000000,0.0001\nBTCUSDT,1700028800000,0\nBTCUSDT,1700057600000,-0.0002\n');
    assert.ok(rows.ok);
    const built = schedule(BTC, { funding: { kind: 'file', file: 'f.csv' } }, times(MONDAY, 2, 8), { fundingRows: rows.value });
    const rates = built.commands.flat().map((command) => (command.type === 'funding' ? toDecimalString(command.rate) : ''));
    // Payments 1..6 take rates 1, 2, 3, 1, 2, 3 of the file; the zero ones are not charged.
    assert.deepEqual(rates, ['0.0001', '-0.0002', '0.0001', '-0.0002']);
    assert.deepEqual([...built.steps], [1, 3, 4, 6]);
  });

  test('several observations at one time (a replayed bar\'s walk): the last of them', () => {
    const at = [instantOf(MONDAY), ...[1, 1, 1, 1, 2, 2, 2, 2].map((bar) => instantOf(MONDAY + bar * 8 * HOUR))];
    assert.deepEqual([...schedule(BTC, { funding: { kind: 'rate', rate: dec('0.0001') } }, at).steps], [4, 8]);
  });
});

describe('financing', () => {
  test('nights at each UTC midnight: three for the triple day, none after a Saturday or a Sunday', () => {
    // 2026-01-06 00:00 ends Monday 5 January.
    const ends = (weekday: number): number => MONDAY + (weekday + 1) * DAY;
    assert.deepEqual([0, 1, 2, 3, 4, 5, 6].map((day) => nightsAt(ends(day), 'wednesday')), [1, 1, 3, 1, 1, 0, 0]);
    assert.deepEqual([0, 1, 2, 3, 4, 5, 6].map((day) => nightsAt(ends(day), undefined)), [1, 1, 1, 1, 1, 1, 1]);
  });

  test('a week of MT5 swaps: 7 nights over 5 rollovers, the venue\'s day count', () => {
    const built = schedule(GOLD, { financing: { kind: 'all', rates: { unit: 'rate', long: dec('-0.05'), short: dec('0.01') } } }, times(MONDAY, 7, 6));
    const charged = built.commands.flat();
    assert.deepEqual(charged.map((command) => (command.type === 'financing' ? toDecimalString(command.days ?? dec('0')) : '')), ['1', '1', '3', '1', '1']);
    assert.equal(charged.reduce((nights, command) => nights + (command.type === 'financing' ? Number(toDecimalString(command.days ?? dec('0'))) : 0), 0), 7);
    assert.ok(charged.every((command) => command.type === 'financing' && command.dayCount && toDecimalString(command.dayCount) === '365'));
    assert.deepEqual([...built.steps], [4, 8, 12, 16, 20]);
  });
});

describe('what cannot be charged', () => {
  test('funding on an account with no perpetual, on an instrument not held', () => {
    const none = paymentSchedule({ snapshot: GOLD, costs: { funding: { kind: 'rate', rate: dec('0.0001') } }, paths: { funding: 'model.funding', financing: 'model.financing' }, times: times(MONDAY, 1, 8) });
    assert.deepEqual(none.problems.map((problem) => problem.path), ['model.funding']);
    const other = paymentSchedule({ snapshot: BTC, costs: { funding: { kind: 'per-instrument', rates: new Map([['ETHUSDT', dec('0.0001')]]) } }, paths: { funding: 'variants[0].funding', financing: 'model.financing' }, times: times(MONDAY, 1, 8) });
    assert.deepEqual(other.problems.map((problem) => problem.path), ['variants[0].funding.ETHUSDT']);
  });
});
