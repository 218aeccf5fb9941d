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
import { engineFrom, stepJson } from './support/engine-steps.js';

type Json = Record<string, unknown>;



const engine = engineFrom;
const run = (start: EngineState, json: Json): { state: EngineState; events: EngineEvent[] } => stepJson(start, json);

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
