// Issue 12, first part: perpetual funding as an engine command (`{"type": "funding", "instrument",
// "rate"}`; spec/engine.md shapes as the issue fixes them). Each position on the instrument pays or
// receives rate × notional at the mark; longs pay a positive rate. Published formula: Binance,
// "Introduction to Binance Futures Funding Rates": funding amount = nominal value of positions ×
// funding rate (nominal value = mark price × size); for a coin-margined contract the position value
// is face value × contracts / mark (Bitget's funding-cost formula states both). Money stays conserved
// to the unit: balance = deposits - withdrawals + realizedPnl - fees + funding + venueLoss.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  formatProblem, toDecimalString, type EngineEvent, type EngineState,
} from '../src/core/index.js';
import { parseCommand } from '../src/core/engine/parse-command.js';
import { ProblemList } from '../src/core/snapshot/input-reader.js';
import { summarize } from '../src/core/engine/summary.js';
import { stateToJson } from '../src/core/engine/state-json.js';
import { parseSnapshot } from '../src/core/snapshot/parse-snapshot.js';
import { engineFrom, stepJson } from './support/engine-steps.js';

type Json = Record<string, unknown>;



const engine = engineFrom;
const run = (start: EngineState, ...json: Json[]): { state: EngineState; events: EngineEvent[] } => stepJson(start, ...json);

const btc = (positions: Json[], balance = '10000'): Json => ({
  venue: 'binance-usdm', account: { currency: 'USDT', balance }, positions, marks: { BTCUSDT: '50000' },
});

describe('funding at Binance USDⓈ-M: rate × nominal value at the mark', () => {
  test('a 1 BTC long at mark 50 000, rate 0.01 %: nominal 50 000 × 0.0001 = 5 USDT paid; the short beside it receives 5', () => {
    const start = engine(btc([
      { id: 'long', instrument: 'BTCUSDT', side: 'long', quantity: '1', entryPrice: '48000', leverage: '10' },
      { id: 'short', instrument: 'BTCUSDT', side: 'short', quantity: '1', entryPrice: '48000', leverage: '10' },
    ]));
    const { state, events } = run(start, { type: 'funding', instrument: 'BTCUSDT', rate: '0.0001' });
    assert.deepEqual(events.map((event) => [event.type, event.fields.position, event.fields.amount]), [
      ['funding-paid', 'long', '5.00000000'], ['funding-received', 'short', '5.00000000'],
    ]);
    assert.equal(toDecimalString(state.snapshot.balance), '10000.00000000');
    assert.equal(toDecimalString(state.totals.funding), '0.00000000');
    assert.equal(summarize(state, []).totals.funding, '0.00000000');
  });

  test('a negative rate: the short pays, 2 BTC × 50 000 × 0.0003 = 30 USDT, from its isolated margin', () => {
    const start = engine(btc([{ id: 's', instrument: 'BTCUSDT', side: 'short', quantity: '2', entryPrice: '50000', leverage: '20', isolatedMargin: '5000' }]));
    const { state, events } = run(start, { type: 'funding', instrument: 'BTCUSDT', rate: '-0.0003' });
    assert.deepEqual(events.map((event) => [event.type, event.fields.amount]), [['funding-paid', '30.00000000']]);
    const margin = state.snapshot.positions[0]?.isolatedMargin;
    assert.ok(margin);
    assert.equal(toDecimalString(margin), '4970.00000000');
    assert.equal(toDecimalString(state.snapshot.balance), '9970.00000000');
    assert.equal(toDecimalString(state.totals.funding), '-30.00000000');
  });

  test('a rounding case: 0.001 BTC × 50 000.1 × 0.0001 = 0.00500001 paid exactly; 0.0001234 of it rounds against the account', () => {
    const start = engine({ ...btc([{ id: 'l', instrument: 'BTCUSDT', side: 'long', quantity: '0.001', entryPrice: '50000', leverage: '10' }]), marks: { BTCUSDT: '50000.1' } });
    const paid = run(start, { type: 'funding', instrument: 'BTCUSDT', rate: '0.0001' });
    assert.equal(paid.events[0]?.fields.amount, '0.00500001');
    // 50.0001 × 0.0001234 = 0.00617001234: paid rounded up to 0.00617002.
    const odd = run(start, { type: 'funding', instrument: 'BTCUSDT', rate: '0.0001234' });
    assert.equal(odd.events[0]?.fields.amount, '0.00617002');
  });

  test('funding can liquidate: a cross long at the edge of its maintenance is liquidated by the payment alone', () => {
    // 10 BTC at 50 000 with a wallet of 6 000: maintenance 500 000 × 0.5 % - 50 (the bracket from
    // 50 000) = 2 450. A 1 % payment of 5 000 USDT leaves equity 1 000 < 2 450, with no move in the price.
    const start = engine(btc([{ id: 'l', instrument: 'BTCUSDT', side: 'long', quantity: '10', entryPrice: '50000', leverage: '100' }], '6000'));
    const { events } = run(start, { type: 'funding', instrument: 'BTCUSDT', rate: '0.01' });
    assert.deepEqual(events.map((event) => event.type).slice(0, 2), ['funding-paid', 'position-liquidated']);
  });
});

describe('funding that drains an isolated margin', () => {
  test('an isolated long whose profit keeps it alive pays at most its margin, is left with zero, and its saved state parses back', () => {
    // 1 BTC long from 40 000 at mark 50 000 with 100 isolated: a 1 % payment is 500, so 100 is taken
    // (the margin, no more) and equity 10 000 (the profit) still covers maintenance (50 000 × 0.4 % = 200).
    const start = engine(btc([{ id: 'l', instrument: 'BTCUSDT', side: 'long', quantity: '1', entryPrice: '40000', leverage: '125', isolatedMargin: '100' }], '1000'));
    const { state, events } = run(start, { type: 'funding', instrument: 'BTCUSDT', rate: '0.01' });
    assert.deepEqual(events.map((event) => [event.type, event.fields.amount]), [['funding-paid', '100.00000000']]);
    const margin = state.snapshot.positions[0]?.isolatedMargin;
    assert.ok(margin);
    assert.equal(toDecimalString(margin), '0');
    const saved = JSON.parse(JSON.stringify(stateToJson(state, { venue: 'binance-usdm', instruments: undefined }))) as { account: unknown };
    const parsed = parseSnapshot(saved.account);
    assert.ok(parsed.ok, parsed.ok ? '' : parsed.error.map(formatProblem).join('\n'));
  });
});

describe('funding on a coin-margined contract: face value × contracts / mark × rate, in the coin', () => {
  test('10 BTCUSD_PERP contracts (100 USD each) long at mark 50 000, rate 0.01 %: 1 000 / 50 000 × 0.0001 = 0.000002 BTC', () => {
    const start = engine({
      venue: 'binance-coinm', account: { currency: 'BTC', balance: '1' },
      instruments: { BTCUSD_PERP: { maintenanceTiers: [{ floor: '0', rate: '0.004' }] } },
      positions: [{ id: 'c', instrument: 'BTCUSD_PERP', side: 'long', quantity: '10', entryPrice: '50000', leverage: '10' }],
      marks: { BTCUSD_PERP: '50000' },
    });
    const { events } = run(start, { type: 'funding', instrument: 'BTCUSD_PERP', rate: '0.0001' });
    assert.deepEqual(events.map((event) => [event.type, event.fields.amount]), [['funding-paid', '0.00000200']]);
  });
});

describe('funding: bad input and edge cases', () => {
  test('no mark for the instrument is refused; a rate of 100 % or more is a problem naming the field', () => {
    const start = engine({ venue: 'binance-usdm', account: { currency: 'USDT', balance: '100' }, positions: [] });
    const refused = run(start, { type: 'funding', instrument: 'ETHUSDT', rate: '0.0001' });
    assert.deepEqual(refused.events.map((event) => [event.type, event.fields.code]), [['rejected', 'risk/no-mark']]);
    const problems = new ProblemList();
    parseCommand({ type: 'funding', instrument: 'BTCUSDT', rate: '1' }, 'command', { instruments: start.instruments, currencyDecimals: 8 }, problems);
    assert.deepEqual(problems.items.map(formatProblem), ['command.rate: a funding rate is a fraction of notional below 1 ("0.0001" = 0.01 %), got "1"']);
  });

  test('an instrument the account does not hold: nothing moves', () => {
    const start = engine(btc([]));
    const { state, events } = run(start, { type: 'funding', instrument: 'BTCUSDT', rate: '0.0001' });
    assert.deepEqual(events, []);
    assert.equal(toDecimalString(state.snapshot.balance), '10000');
  });
});

describe('overnight financing: yearly rates on notional, or MT5 swap points', () => {
  test('Saxo\'s published example: 1 500 × 18.44 = 27 660 EUR at 3.5 % for one night over 360 days = 2.69 EUR charged', () => {
    // Saxo help centre, "How is CFD financing calculated": 27 660.00 × 3.5 % / 360 = 2.689… -> 2.69.
    const start = engine({
      venue: { extends: 'esma-retail-cfd' }, account: { currency: 'EUR', balance: '10000' },
      instruments: { BAMI: { kind: 'cfd', assetClass: 'equity', tickSize: '0.0001', settlementCurrency: 'EUR' } },
      positions: [{ id: 'bpm', instrument: 'BAMI', side: 'long', quantity: '1500', entryPrice: '18.44', leverage: '5' }],
      marks: { BAMI: '18.44' },
    });
    const { state, events } = run(start, { type: 'financing', instrument: 'BAMI', longRate: '-0.035', shortRate: '0.01', days: '1', dayCount: '360' });
    assert.deepEqual(events.map((event) => [event.type, event.fields.amount, event.fields.nights]), [['financing-charged', '2.69', '1']]);
    assert.equal(toDecimalString(state.totals.financing), '-2.69');
    assert.equal(summarize(state, []).totals.financing, '-2.69');
  });

  test('MT5 swap points, triple on Wednesday: 1 lot EURUSD long at -6.5 points: 6.5 × 0.00001 × 100 000 × 3 = 19.50 USD', () => {
    const start = engine({
      venue: 'mt5-standard', account: { currency: 'USD', balance: '5000' },
      positions: [
        { id: 'l', instrument: 'EURUSD', side: 'long', quantity: '100000', entryPrice: '1.10000', leverage: '100' },
        { id: 's', instrument: 'EURUSD', side: 'short', quantity: '100000', entryPrice: '1.10000', leverage: '100' },
      ],
      marks: { EURUSD: '1.10000' },
    });
    const { state, events } = run(start, { type: 'financing', instrument: 'EURUSD', longPoints: '-6.5', shortPoints: '1.2', days: '3' });
    // The short is credited 1.2 × 0.00001 × 100 000 × 3 = 3.60: shown as a charge of -3.60.
    assert.deepEqual(events.map((event) => [event.fields.position, event.fields.amount]), [['l', '19.50'], ['s', '-3.60']]);
    assert.equal(toDecimalString(state.totals.financing), '-15.90');
  });

  test('USDJPY in a USD account: swap points count in JPY and are converted at the USDJPY mark', () => {
    const start = engine({
      venue: 'mt5-standard', account: { currency: 'USD', balance: '1000' },
      positions: [{ id: 'uj', instrument: 'USDJPY', side: 'long', quantity: '100000', entryPrice: '150.000', leverage: '100' }],
      marks: { USDJPY: '150.000' },
    });
    // 15 points × 0.001 × 100 000 = 1 500 JPY ÷ 150 = 10.00 USD credited.
    const { events } = run(start, { type: 'financing', instrument: 'USDJPY', longPoints: '15', shortPoints: '-25', days: '1' });
    assert.equal(events[0]?.fields.amount, '-10.00');
  });

  test('without "days": one night, three at a rollover on the venue\'s triple day (Wednesday at MT5), by the command\'s UTC time', () => {
    const start = engine({
      venue: 'mt5-standard', account: { currency: 'USD', balance: '5000' },
      positions: [{ id: 'l', instrument: 'EURUSD', side: 'long', quantity: '100000', entryPrice: '1.10000', leverage: '100' }],
      marks: { EURUSD: '1.10000' },
    });
    const swap = { type: 'financing', instrument: 'EURUSD', longPoints: '-6.5', shortPoints: '1.2' };
    // 2024-03-05 was a Tuesday, 2024-03-06 a Wednesday: 6.50, then 19.50 (6.5 × 0.00001 × 100 000 × 3).
    const { events } = run(start, { ...swap, time: '2024-03-05T21:00:00Z' }, { ...swap, time: '2024-03-06T21:00:00Z' }, swap);
    assert.deepEqual(events.map((event) => [event.fields.nights, event.fields.amount]), [['1', '6.50'], ['3', '19.50'], ['1', '6.50']]);
  });

  test('a yearly rate at a venue counts over its day count: 365 at MT5 unless the command gives another', () => {
    const start = engine({
      venue: 'mt5-standard', account: { currency: 'USD', balance: '5000' },
      positions: [{ id: 'l', instrument: 'EURUSD', side: 'long', quantity: '100000', entryPrice: '1.10000', leverage: '100' }],
      marks: { EURUSD: '1.10000' },
    });
    // 110 000 × 5 % / 365 = 15.0684… charged 15.07; over 360 days 15.2777… -> 15.28.
    const { events } = run(start, { type: 'financing', instrument: 'EURUSD', longRate: '-0.05', shortRate: '0' },
      { type: 'financing', instrument: 'EURUSD', longRate: '-0.05', shortRate: '0', dayCount: '360' });
    assert.deepEqual(events.map((event) => event.fields.amount), ['15.07', '15.28']);
  });

  test('bad input: both rates and points, or neither', () => {
    const start = engine(btc([]));
    const problems = new ProblemList();
    parseCommand({ type: 'financing', instrument: 'BTCUSDT', longRate: '0.01', shortRate: '0', longPoints: '1', shortPoints: '1' }, 'command', { instruments: start.instruments, currencyDecimals: 8 }, problems);
    assert.match(problems.items.map(formatProblem).join('\n'), /^command: give "longRate" and "shortRate" .* not both$/);
  });
});
