// Engine scenarios worked by hand (test/fixtures/engine-scenarios.ts), run through the core API:
// parseScenario, replay, summarize, conservationGap. For every scenario: each command emits exactly
// the events worked out for it, in order, with every amount; a refused command leaves the state
// untouched (the very same object); money is conserved to the last unit after EVERY step; and the
// final summary has the figures worked out. Price files are written to a scratch directory and read
// back, as the CLI reads them.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  conservationGap, eventToJson, formatProblem, isZero, normalize, parseDecimal, parsePriceFile, parseScenario, replay, summarize,
  toDecimalString, ZERO,
  type Bar, type EngineEvent, type RejectionCode,
} from '../src/core/index.js';
import { ENGINE_SCENARIOS, scenarioJson, type EngineScenario } from './fixtures/engine-scenarios.js';
import { pick } from './support/report-path.js';

const scratch = mkdtempSync(join(tmpdir(), 'stopout-engine-scenarios-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** The fixture's price file, written to disk and read back, as parsed bars. */
function barsOf(fixture: EngineScenario): Bar[] {
  if (!fixture.priceFile) return [];
  const path = join(scratch, `${fixture.id}-${fixture.priceFile.name}`);
  writeFileSync(path, fixture.priceFile.text);
  const parsed = parsePriceFile(readFileSync(path, 'utf8'));
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.error.map(formatProblem).join('\n'));
  return parsed.value;
}

function run(fixture: EngineScenario): void {
  const scenario = parseScenario(scenarioJson(fixture));
  assert.ok(scenario.ok, scenario.ok ? '' : scenario.error.map(formatProblem).join('\n'));
  const { start, commands, prices } = scenario.value;
  assert.equal(commands.length, fixture.steps.length, 'every step is a command');
  assert.ok(isZero(conservationGap(start)), 'money is conserved at the start');

  const everything: EngineEvent[] = [];
  const fromPrices: Record<string, string>[] = [];
  let previous = start;
  let index = 0;
  for (const result of replay(start, commands, barsOf(fixture), prices?.instrument)) {
    const step = fixture.steps[index];
    const where = step ? `step ${index} ${JSON.stringify(step.command)}` : `price tick ${index - fixture.steps.length}`;
    const gap = conservationGap(result.state);
    assert.ok(isZero(gap), `${where}: money is not conserved, gap ${toDecimalString(gap)}`);
    const events = result.events.map(eventToJson);
    if (result.events.some((event) => event.type === 'rejected')) {
      assert.equal(result.events.length, 1, `${where}: a refusal is the only event`);
      assert.equal(result.state, previous, `${where}: a refused command changes nothing`);
    }
    if (step) assert.deepEqual(events, step.events, where);
    else fromPrices.push(...events);
    everything.push(...result.events);
    previous = result.state;
    index += 1;
  }
  assert.ok(index >= fixture.steps.length, 'every command was applied');
  assert.deepEqual(fromPrices, fixture.priceFile?.events ?? [], 'events from the price file');

  const summary = { ...summarize(previous, everything) };
  for (const [path, want] of Object.entries(fixture.summary)) assert.deepEqual(pick(summary, path), want, `summary ${path}`);
  const counts: Record<string, number> = {};
  for (const event of everything) counts[event.type] = (counts[event.type] ?? 0) + 1;
  assert.deepEqual(summary.events, counts, 'summary event counts');

  if (fixture.counterpartiesAfter) {
    assert.deepEqual(
      previous.market.counterparties.map((each) => [each.id, toDecimalString(each.quantity)]),
      fixture.counterpartiesAfter.map(([id, quantity]) => [id, quantity]),
      'opposite positions left after auto-deleveraging',
    );
  }
}

const VENUES = [...new Set(ENGINE_SCENARIOS.map((fixture) => fixture.venue))];

for (const venue of VENUES) {
  describe(`engine scenarios: ${venue}`, () => {
    for (const fixture of ENGINE_SCENARIOS.filter((each) => each.venue === venue)) {
      test(`${fixture.id}: ${fixture.proves}`, () => run(fixture));
    }
  });
}

/**
 * Every rejection code the engine can emit, and where a scenario reaches it. A Record over the
 * RejectionCode union: a new code fails to compile here until a scenario reaches it.
 */
const REACHED_BY: Readonly<Record<RejectionCode, string>> = {
  'risk/insufficient-margin': 'binance-usdm-refusals',
  'risk/leverage-above-cap': 'binance-usdm-refusals',
  'risk/unknown-position': 'binance-usdm-refusals',
  'risk/withdrawal-breaches-margin': 'binance-usdm-refusals',
  'risk/insufficient-funds': 'binance-usdm-refusals',
  'risk/duplicate-position': 'binance-usdm-refusals',
  'risk/no-mark': 'binance-usdm-refusals',
  'risk/not-isolated': 'binance-usdm-refusals',
  'risk/isolated-not-supported': 'mt5-standard-refusals',
  'risk/order-would-trigger': 'binance-usdm-stop-loss-and-take-profit',
  'risk/quantity-above-position': 'binance-usdm-refusals',
  'risk/settlement-mismatch': 'mt5-standard-refusals',
  'risk/leverage-required': 'binance-usdm-refusals',
  'risk/no-loss-trigger': 'binance-usdm-stop-loss-and-take-profit',
  'debt/none': 'mt5-standard-debt-repaid',
  'debt/invalid-transition': 'mt5-standard-stop-out-and-debt-lifecycle',
  'debt/overpayment': 'mt5-standard-stop-out-and-debt-lifecycle',
  'risk/sub-unit-amount': 'us-reg-t-sub-cent-refused',
  'time/out-of-order': 'resumed-time-out-of-order',
};

/** The events a scenario emits, as JSON objects, checking conservation after every step. */
function eventsOf(scenarioValue: unknown): Record<string, string>[] {
  const scenario = parseScenario(scenarioValue);
  assert.ok(scenario.ok, scenario.ok ? '' : scenario.error.map(formatProblem).join('\n'));
  const events: Record<string, string>[] = [];
  for (const result of replay(scenario.value.start, scenario.value.commands)) {
    assert.ok(isZero(conservationGap(result.state)));
    events.push(...result.events.map(eventToJson));
  }
  return events;
}

const numeric = (text: string | undefined): string => toDecimalString(normalize(parseDecimal(text ?? '') ?? ZERO));

// Found while working the scenarios by hand: the engine once took the decimal places a quantity was
// WRITTEN with as its lot step, so trailing zeros changed what the venue did. Each test states the
// behaviour the venue documents.
describe('how a quantity is written does not change what the venue does', () => {
  const hyperliquid = (quantity: string): unknown => ({
    account: {
      venue: 'hyperliquid', account: { currency: 'USDC', balance: '6000' },
      positions: [{ id: 'btc', instrument: 'BTC', side: 'long', quantity, entryPrice: '50000', leverage: '40' }],
    },
    commands: [{ type: 'mark', time: '2024-03-01T00:00:00Z', prices: { BTC: '48800' } }],
  });

  test('hyperliquid: 20 % of 4 BTC is 0.8 BTC whether the quantity is written "4" or "4.00000"', () => {
    // Equity 6 000 - 4 800 = 1 200 < 4 × 48 800 / 80 = 2 440; notional 195 200 > 100 000: 20 % goes,
    // 0.8 BTC, booking 0.8 × -1 200 = -960.
    for (const quantity of ['4', '4.00000']) {
      const liquidated = eventsOf(hyperliquid(quantity)).find((event) => event.type === 'position-liquidated');
      assert.equal(numeric(liquidated?.quantity), '0.8', `written "${quantity}"`);
      assert.equal(liquidated?.pnl, '-960.000000', `written "${quantity}"`);
    }
  });

  test('us-reg-t: the sale to meet a call does not depend on how the share count is written', () => {
    // As in us-reg-t-cure-over-weekend-then-sell-to-requirement: 500 / 7.50 = 66.67 -> 67 shares.
    const sold = ['200', '200.0'].map((quantity) => eventsOf({
      account: {
        venue: 'us-reg-t', account: { currency: 'USD', balance: '-5000' },
        positions: [{ id: 'aapl', instrument: 'AAPL', side: 'long', quantity, entryPrice: '50', leverage: '2' }],
      },
      commands: [
        { type: 'mark', time: '2024-03-01T15:00:00Z', prices: { AAPL: '30' } },
        { type: 'mark', time: '2024-03-05T15:00:00Z', prices: { AAPL: '30' } },
      ],
    }).find((event) => event.type === 'position-liquidated'));
    assert.deepEqual(sold.map((event) => numeric(event?.quantity)), ['67', '67']);
    assert.deepEqual(sold.map((event) => event?.pnl), ['-1340.00', '-1340.00']);
  });

  test('binance-usdm: an adl-executed amount is what the counterparty gives up, quantity × (bankruptcy price - fill)', () => {
    // Long 1 BTC at 20 000 with 1 000: gap to 18 500, equity -500, bankruptcy price 19 000. The fund
    // pays 100; 400 / 500 = 0.8 BTC of the short Q covers the rest, 0.8 × 500 = 400.
    const events = eventsOf({
      account: {
        venue: 'binance-usdm', account: { currency: 'USDT', balance: '1000' },
        positions: [{ id: 'btc', instrument: 'BTCUSDT', side: 'long', quantity: '1', entryPrice: '20000', leverage: '20' }],
      },
      market: { insuranceFund: '100', counterparties: [{ id: 'Q', instrument: 'BTCUSDT', side: 'short', quantity: '1', entryPrice: '20000', leverage: '10' }] },
      commands: [{ type: 'mark', prices: { BTCUSDT: '18500' } }],
    });
    const adl = events.filter((event) => event.type === 'adl-executed');
    assert.equal(adl.length, 1);
    assert.equal(numeric(adl[0]?.quantity), '0.8');
    assert.equal(adl[0]?.price, '19000');
    assert.equal(adl[0]?.amount, '400.00000000');
  });
});

describe('engine scenarios: coverage', () => {
  test('every rejection code is reached by a scenario, with the code and the state unchanged', () => {
    for (const [code, id] of Object.entries(REACHED_BY)) {
      const fixture = ENGINE_SCENARIOS.find((each) => each.id === id);
      assert.ok(fixture, `${code}: no scenario ${id}`);
      const codes = fixture.steps.flatMap((step) => step.events).filter((event) => event.type === 'rejected').map((event) => event.code);
      assert.ok(codes.includes(code), `${code}: not reached in ${id}`);
    }
  });

  test('every built-in venue has a liquidation scenario and a deficit (or debt) scenario', () => {
    const venues = ['binance-usdm', 'binance-coinm', 'bybit-linear', 'hyperliquid', 'dydx-v4', 'esma-retail-cfd', 'mt5-standard', 'us-reg-t'];
    for (const venue of venues) {
      const events = ENGINE_SCENARIOS.filter((each) => each.venue === venue).flatMap((each) => [
        ...each.steps.flatMap((step) => step.events), ...(each.priceFile?.events ?? []),
      ]);
      assert.ok(events.some((event) => event.type === 'position-liquidated'), `${venue}: a liquidation`);
      assert.ok(events.some((event) => event.type === 'deficit-absorbed' || event.type === 'debt-recorded'), `${venue}: a deficit`);
    }
  });

  test('the three responses to a margin call (close, deposit, wait) each have a scenario', () => {
    const ids = ENGINE_SCENARIOS.map((each) => each.id);
    for (const id of ['mt5-standard-margin-call-close', 'mt5-standard-margin-call-deposit', 'mt5-standard-margin-call-wait-recovers', 'mt5-standard-margin-call-wait-stopped-out']) {
      assert.ok(ids.includes(id), id);
    }
  });
});
