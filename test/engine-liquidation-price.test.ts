// Issue 3: "For every venue, property tests show that the engine liquidates exactly when the mark
// crosses the liquidation price that `stopout report` gives for the same account." For random
// accounts at every venue, the report (reportFromJson) names the liquidation price; the engine is then
// fed marks that walk toward it (halfway, 90 %, 99 %, then 3, 2 and 1 ticks short) or gap straight to
// it. No mark short of the price may liquidate, and the mark at the price must: the report's price is
// the first tick where the venue acts. Where the venue issues margin calls of its own (mt5-standard,
// esma-retail-cfd, us-reg-t) the margin-call price is checked the same way. At us-reg-t liquidation
// waits for the Reg T cure deadline: the call comes exactly at the report's margin-call price, nothing
// is sold before the deadline, and the broker sells at it. A cross account with two positions checks
// that the price depends on the other mark: the other instrument moves first, and the report is asked
// again for the account as the engine holds it. Every step is checked against every invariant,
// conservation first.
//
// The engine decides on amounts rounded to the account currency, the report on exact values, so the
// engine may act a tick or a few 1e-8 increments early where the exact equity - requirement is still
// within that rounding (a few units of the currency). The first two tests allow exactly that slack and
// fail on anything more; the third ("to the tick") allows none, and is todo while the engine bug is open
// (OPEN_ENGINE_BUGS in support/engine-arbitraries.ts).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  add, compare, dec, decimal, formatInstant, fromDecimal, marginScopes, markPrices, multiply, parseInstant, reportFromJson,
  roundToIncrement, sign, stateToJson, subtract, toDecimalString, type Decimal, type EngineEvent, type EngineState, type InstrumentId, type Price,
  type ReportJson,
} from '../src/core/index.js';
import { coordinateOfPrice } from '../src/core/instrument/coordinate.js';
import { thresholdGap } from '../src/core/liquidation/threshold-price.js';
import { compareRational, rational, toDecimal } from '../src/core/money/rational.js';
import {
  CONVERSION_PAIRS, ENGINE_VENUES, Rng, SteppedScenario, amountText, notionalOf, openBug, sequenceSeed, text,
  type EngineVenue, type InstrumentSpec, type Json,
} from './support/engine-arbitraries.js';

const CASES = Number(process.env.ENGINE_LIQUIDATION_CASES ?? 150);
const SEED = Number(process.env.ENGINE_SEED ?? 20_240_105);
/** A Monday: a Reg T call issued on it is due on Wednesday at the same time. */
const MONDAY = parseInstant('2024-01-08T15:00:00Z')?.ms ?? 0;
const MINUTE = 60_000;
const DAY = 86_400_000;

type Side = 'long' | 'short';

interface Holding {
  readonly spec: InstrumentSpec;
  readonly side: Side;
  readonly json: Json;
  /** Approximate initial margin (notional / leverage; Reg T 50 %), to size the balance. */
  readonly margin: number;
  readonly isolatedMargin?: Decimal;
}

function holding(rng: Rng, venue: EngineVenue, spec: InstrumentSpec, id: string, isolated: boolean): Holding {
  const side = rng.pick(['long', 'short'] as const);
  const [low, high] = spec.quantity;
  const quantity = BigInt(rng.int(low, rng.chance(0.5) ? high : Math.max(low, Math.floor(high / 20))));
  const entry = BigInt(rng.int(spec.price[0], spec.price[1]));
  const notional = notionalOf(spec, Number(quantity) / 10 ** spec.quantityScale, Number(entry) / 10 ** spec.priceScale);
  const json: Json = { id, instrument: spec.symbol, side, quantity: text(quantity, spec.quantityScale), entryPrice: text(entry, spec.priceScale) };
  if (venue.stocks) return { spec, side, json, margin: notional / 2 };
  const leverage = rng.chance(0.3) ? rng.int(1, Math.min(5, spec.maxLeverage)) : rng.int(1, Math.min(spec.maxLeverage, 100));
  json.leverage = String(leverage);
  const margin = notional / leverage;
  if (!isolated) return { spec, side, json, margin };
  const isolatedMargin = amountText(rng, margin * (1 + rng.float() * 2), venue.decimals);
  json.isolatedMargin = isolatedMargin;
  return { spec, side, json, margin, isolatedMargin: dec(isolatedMargin) };
}

/** A snapshot holding these positions with a balance that covers their initial margin `cover` times over. */
function account(rng: Rng, venue: EngineVenue, holdings: readonly Holding[], cover: number): Json {
  let cash: Decimal = decimal(0n);
  for (const each of holdings) {
    if (each.isolatedMargin) cash = add(cash, each.isolatedMargin);
  }
  const crossMargin = holdings.filter((each) => !each.isolatedMargin).reduce((total, each) => total + each.margin, 0);
  if (venue.stocks) {
    // Reg T: cash after the purchase (a loan) or the short sale (proceeds held), equity = cover × 50 %.
    const cashValue = holdings.reduce((total, each) => total + (each.side === 'long' ? -2 : 2) * each.margin + cover * each.margin, 0);
    cash = dec(cashValue < 0 ? `-${amountText(rng, -cashValue, venue.decimals)}` : amountText(rng, cashValue, venue.decimals));
  } else {
    const extra = crossMargin > 0 ? crossMargin * cover : rng.chance(0.5) ? 0 : rng.float() * venue.typicalBalance;
    if (extra > 0) cash = add(cash, dec(amountText(rng, extra, venue.decimals)));
  }
  const marks: Record<string, string> = {};
  for (const each of holdings) marks[each.spec.symbol] = String(each.json.entryPrice);
  // The pairs that convert a holding into the account currency (EURGBP: GBPUSD and EURUSD) need marks too.
  for (const pair of holdings.flatMap((each) => CONVERSION_PAIRS[each.spec.symbol] ?? [])) {
    const spec = venue.instruments.find((each) => each.symbol === pair);
    if (spec && marks[pair] === undefined) marks[pair] = text(BigInt(rng.int(spec.price[0], spec.price[1])), spec.priceScale);
  }
  return {
    venue: venue.id,
    account: { currency: venue.currency, balance: toDecimalString(cash) },
    ...(venue.instrumentsJson ? { instruments: venue.instrumentsJson } : {}),
    positions: holdings.map((each) => each.json),
    marks,
  };
}

function report(snapshot: Json): ReportJson {
  const result = reportFromJson(snapshot);
  assert.ok(result.ok, result.ok ? '' : `the report refuses the account: ${JSON.stringify(result.error)}\n${JSON.stringify(snapshot)}`);
  return result.value;
}

const tickOf = (spec: InstrumentSpec): Decimal => dec(spec.tick ?? '0.00000001');

/**
 * The marks from `from` toward `target` that stay short of it: 50 %, 90 % and 99 % of the way
 * (rounded to the tick back toward `from`), then 3, 2 and 1 ticks short; each strictly between.
 */
function approach(from: Decimal, target: Decimal, tick: Decimal, falling: boolean): Decimal[] {
  const distance = subtract(target, from);
  const fractions = ['0.5', '0.9', '0.99'].map((fraction) => roundToIncrement(add(from, multiply(distance, dec(fraction))), tick, falling ? 'ceiling' : 'floor'));
  const ticks = [3n, 2n, 1n].map((count) => (falling ? add : subtract)(target, multiply(tick, decimal(count))));
  const between = (price: Decimal): boolean => sign(price) > 0
    && (falling ? compare(price, target) > 0 && compare(price, from) < 0 : compare(price, target) < 0 && compare(price, from) > 0);
  const points = [...fractions, ...ticks].filter(between);
  points.sort((a, b) => (falling ? compare(b, a) : compare(a, b)));
  return points.filter((price, index) => index === 0 || compare(price, points[index - 1] ?? price) !== 0);
}

const liquidations = (events: readonly EngineEvent[]): EngineEvent[] => events.filter((event) => event.type === 'position-liquidated');
const calls = (events: readonly EngineEvent[]): EngineEvent[] => events.filter((event) => event.type === 'margin-call-issued');

interface Walk {
  readonly run: SteppedScenario;
  /** The position whose instrument the marks walk. */
  readonly position: string;
  readonly symbol: string;
  readonly falling: boolean;
  readonly tick: Decimal;
  current: Decimal;
  time?: number;
}

/**
 * The engine acted short of the report's price, but only within the rounding of its amounts: there
 * the exact equity - requirement (what the report solves) is under (positions in the scope + 2) units
 * of the account currency, the most that rounding the collateral (half-even), each position's P&L
 * (down) and the requirement (up) to the currency's decimals can take off it.
 */
class EarlyWithinRounding extends Error {}

/** The exact equity - requirement of the walked position's scope in `state` with its instrument marked at `price`, and the rounding slack. */
function exactGap(state: EngineState, walk: Walk, price: Decimal, kind: 'liquidation' | 'margin-call'): { gap: string; withinRounding: boolean } {
  const snapshot = { ...state.snapshot, marks: new Map(state.snapshot.marks).set(walk.symbol as InstrumentId, price as Price) };
  const position = snapshot.positions.find((each) => each.id === walk.position);
  const scope = position && marginScopes(snapshot).find((each) => each.positions.includes(position));
  assert.ok(position && scope, `no position ${walk.position}`);
  const gap = thresholdGap(snapshot, scope, position, kind, markPrices(snapshot)).evaluate(coordinateOfPrice(position.instrument.kind, fromDecimal(price)));
  const decimals = snapshot.currencyDecimals;
  const slack = rational(BigInt(scope.positions.length + 2), 10n ** BigInt(decimals));
  return { gap: toDecimalString(toDecimal(gap, decimals + 4, 'half-even')), withinRounding: compareRational(gap, slack) < 0 };
}

function markTo(walk: Walk, price: Decimal): readonly EngineEvent[] {
  walk.current = price;
  if (walk.time !== undefined) walk.time += MINUTE;
  return walk.run.apply({
    type: 'mark', prices: { [walk.symbol]: toDecimalString(price) },
    ...(walk.time !== undefined ? { time: formatInstant(walk.time) } : {}),
  });
}

/** Walks the mark to `target` (or gaps to it): nothing of `kind` short of it, and `kind` at it. Returns the events at the target. */
function walkTo(walk: Walk, target: string, kind: 'liquidation' | 'margin-call', gap: boolean, what: string): readonly EngineEvent[] {
  const price = dec(target);
  for (const short of gap ? [] : approach(walk.current, price, walk.tick, walk.falling)) {
    const before = walk.run.state;
    const events = markTo(walk, short);
    const early = liquidations(events).length ? 'liquidated' : kind === 'margin-call' && calls(events).length ? 'margin call' : undefined;
    if (!early) continue;
    const exact = exactGap(before, walk, short, early === 'liquidated' ? 'liquidation' : 'margin-call');
    const message = `${what}: ${early} at ${toDecimalString(short)}, short of the report's ${kind} price ${target}; `
      + `there the exact equity - requirement is ${exact.gap} ${walk.run.state.snapshot.currency}\n${walk.run.repro()}`;
    if (exact.withinRounding) throw new EarlyWithinRounding(message);
    assert.fail(message);
  }
  const events = markTo(walk, price);
  const acted = kind === 'liquidation' ? liquidations(events) : calls(events);
  assert.ok(acted.length > 0, `${what}: no ${kind} at the report's ${kind} price ${target}; events: ${JSON.stringify(events.map((event) => event.type))}\n${walk.run.repro()}`);
  if (kind === 'liquidation') {
    // Whole-scope liquidations close the other instrument's positions too, at their own marks.
    for (const event of acted.filter((each) => each.fields.instrument === walk.symbol)) {
      assert.equal(event.fields.price, target, `${what}: liquidated at ${event.fields.price}, not at the mark ${target}`);
    }
  }
  return events;
}

/** Where the venue calls before it liquidates, with a threshold of its own. */
const callsFirst = (venue: EngineVenue): boolean => ['mt5-standard', 'esma-retail-cfd'].includes(venue.id);

interface Tally {
  checked: number;
  skipped: number;
  none: number;
  readonly failures: string[];
  /** Accounts where the engine acted short of the report's price within the rounding of its amounts. */
  readonly early: string[];
}

/** Runs one case; an assertion it fails is tallied, so a test reports how many accounts fail and the first few. */
function tallied(tally: Tally, run: () => void): void {
  try {
    run();
  } catch (error) {
    if (error instanceof EarlyWithinRounding) tally.early.push(error.message);
    else if (error instanceof assert.AssertionError) tally.failures.push(error.message.split('\n+ actual')[0] ?? error.message);
    else throw error;
  }
}

function assertNoFailures(tally: Tally, cases: number): void {
  assert.equal(tally.failures.length, 0, `${tally.failures.length} of ${cases} accounts fail. The first:\n${tally.failures.slice(0, 3).join('\n\n')}`);
}

function singlePositionCase(venue: EngineVenue, index: number, tally: Tally): void {
  const rng = new Rng(sequenceSeed(SEED ^ 0x51ed, index));
  const spec = rng.pick(venue.instruments);
  const isolated = venue.isolated && rng.chance(0.4);
  const position = holding(rng, venue, spec, 'p', isolated);
  const snapshot = account(rng, venue, [position], venue.stocks ? 1.02 + rng.float() * 0.9 : 1.02 + rng.float() * 2);
  const figures = report(snapshot);
  const row = figures.positions[0];
  assert.ok(row);
  if (figures.account.status !== 'healthy') {
    tally.skipped += 1;
    return;
  }
  const what = `${venue.id} ${position.side} ${String(position.json.quantity)} ${spec.symbol} at ${String(position.json.entryPrice)}${isolated ? ' isolated' : ''}`;
  const run = new SteppedScenario(snapshot);
  const falling = position.side === 'long';
  const walk: Walk = { run, position: 'p', symbol: spec.symbol, falling, tick: tickOf(spec), current: dec(String(position.json.entryPrice)) };
  const gap = rng.chance(0.2);
  const liquidation = row.liquidationPrice ?? null;
  if (liquidation === null) {
    // No positive price liquidates: not even a fall to one tick, or a rise a hundredfold.
    tally.none += 1;
    const far = falling ? walk.tick : multiply(walk.current, decimal(100n));
    assert.deepEqual(liquidations(markTo(walk, far)).length, 0, `${what}: the report gives no liquidation price, but the engine liquidates at ${toDecimalString(far)}\n${run.repro()}`);
    return;
  }
  if (venue.cureDays > 0) {
    regTCase(walk, row, what, gap);
  } else {
    const call = row.marginCallPrice ?? null;
    if (callsFirst(venue) && call !== null && call !== liquidation) walkTo(walk, call, 'margin-call', gap, what);
    walkTo(walk, liquidation, 'liquidation', gap, what);
  }
  tally.checked += 1;
}

/** Reg T: the call at the report's margin-call price, nothing sold before the deadline two business days on, the sale at it. */
function regTCase(walk: Walk, row: Readonly<Record<string, string | null>>, what: string, gap: boolean): void {
  const call = row.marginCallPrice ?? null;
  assert.ok(call !== null, `${what}: no margin-call price`);
  walk.time = MONDAY;
  const events = walkTo(walk, call, 'margin-call', gap, what);
  assert.equal(liquidations(events).length, 0, `${what}: sold at once at the margin-call price ${call}, before the cure deadline\n${walk.run.repro()}`);
  const issued = walk.time;
  const deadline = calls(events)[0]?.fields.deadline;
  assert.equal(deadline, formatInstant(issued + 2 * DAY), `${what}: a call issued on a Monday is due on Wednesday`);
  walk.time = issued + 2 * DAY - 2 * MINUTE;
  const before = markTo(walk, dec(call));
  assert.equal(liquidations(before).length, 0, `${what}: sold a minute before the cure deadline\n${walk.run.repro()}`);
  const at = markTo(walk, dec(call));
  assert.ok(liquidations(at).length > 0, `${what}: nothing sold at the cure deadline ${deadline ?? '?'} with the call unmet\n${walk.run.repro()}`);
  for (const event of liquidations(at).filter((each) => each.fields.instrument === walk.symbol)) assert.equal(event.fields.price, call);
}

function twoPositionCase(venue: EngineVenue, index: number, tally: Tally): void {
  const rng = new Rng(sequenceSeed(SEED ^ 0x2b0, index));
  const [firstSpec, secondSpec] = venue.instruments;
  assert.ok(firstSpec && secondSpec, `${venue.id} needs two instruments`);
  const [a, b] = rng.chance(0.5) ? [firstSpec, secondSpec] : [secondSpec, firstSpec];
  const holdings = [holding(rng, venue, a, 'a', false), holding(rng, venue, b, 'b', false)];
  const snapshot = account(rng, venue, holdings, venue.stocks ? 1.02 + rng.float() * 0.9 : 1.02 + rng.float() * 2);
  if (report(snapshot).account.status !== 'healthy') {
    tally.skipped += 1;
    return;
  }
  const run = new SteppedScenario(snapshot);
  // The other instrument moves first; the account's liquidation price on `a` moves with it.
  const other = dec(String(holdings[1]?.json.entryPrice));
  const moved = roundToIncrement(multiply(other, dec(text(BigInt(10_000 + rng.int(-500, 500)), 4))), tickOf(b), 'half-even');
  const first = run.apply({ type: 'mark', prices: { [b.symbol]: toDecimalString(moved) } });
  if (liquidations(first).length) {
    tally.skipped += 1;
    return;
  }
  const figures = report(stateToJson(run.state, run.source).account as Json);
  const row = figures.positions.find((each) => each.id === 'a');
  const liquidation = row?.liquidationPrice ?? null;
  if (figures.account.status !== 'healthy' || liquidation === null) {
    tally.none += liquidation === null ? 1 : 0;
    tally.skipped += liquidation === null ? 0 : 1;
    return;
  }
  const what = `${venue.id} cross ${String(holdings[0]?.json.side)} ${a.symbol} with ${String(holdings[1]?.json.side)} ${b.symbol} marked ${toDecimalString(moved)}`;
  const walk: Walk = { run, position: 'a', symbol: a.symbol, falling: holdings[0]?.side === 'long', tick: tickOf(a), current: dec(String(holdings[0]?.json.entryPrice)) };
  if (venue.cureDays > 0) {
    regTCase(walk, row ?? {}, what, rng.chance(0.2));
  } else {
    walkTo(walk, liquidation, 'liquidation', rng.chance(0.2), what);
  }
  tally.checked += 1;
}

for (const venue of ENGINE_VENUES) {
  describe(`${venue.id}: the engine acts exactly at the price \`stopout report\` gives for the same account`, () => {
    const tallies = new Map<string, Tally>();
    const tallyOf = (kind: 'single' | 'pair'): Tally => {
      const cached = tallies.get(kind);
      if (cached) return cached;
      const tally: Tally = { checked: 0, skipped: 0, none: 0, failures: [], early: [] };
      for (let index = 0; index < CASES; index += 1) {
        tallied(tally, () => (kind === 'single' ? singlePositionCase : twoPositionCase)(venue, index, tally));
      }
      tallies.set(kind, tally);
      return tally;
    };
    const summary = (tally: Tally): string => `${tally.checked} walked to the price, ${tally.early.length} acted early within rounding, `
      + `${tally.none} with no liquidation price, ${tally.skipped} skipped`;

    test(`one position${venue.isolated ? ', cross or isolated' : ''}, ${CASES} accounts: nothing short of the price (beyond rounding), and the venue acts at it`, (t) => {
      const tally = tallyOf('single');
      t.diagnostic(summary(tally));
      assertNoFailures(tally, CASES);
      assert.ok(tally.checked + tally.early.length >= CASES * 0.6, `only ${tally.checked} of ${CASES} accounts were walked to the price`);
    });

    test(`two cross positions, the other mark moved first, ${CASES} accounts: the same`, (t) => {
      const tally = tallyOf('pair');
      t.diagnostic(summary(tally));
      assertNoFailures(tally, CASES);
      assert.ok(tally.checked + tally.early.length >= CASES * 0.5, `only ${tally.checked} of ${CASES} accounts were walked to the price`);
    });

    test('to the tick: the engine never acts even one tick short of the report\'s price', openBug(venue.id, 'exact-tick'), () => {
      const early = [...tallyOf('single').early, ...tallyOf('pair').early];
      assert.equal(early.length, 0, `${early.length} of ${2 * CASES} accounts acted short of the price. The first:\n${early.slice(0, 3).join('\n\n')}`);
    });
  });
}
