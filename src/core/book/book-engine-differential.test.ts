// The risk book against the engine (../engine/step.ts): random small books of what the book
// supports (Binance USDⓈ-M, Hyperliquid, MT5; cross and isolated; stop-losses and take-profits;
// linear and CFD instruments) run through both books and, account by account, through the engine's
// step(), each tick a mark command for the accounts holding the instrument. Every tick, every
// account must get the same events (types, order, positions, prices, quantities, P&L, fees,
// deficits, debt, margin-call figures and reasons), and every balance must end the same.
//
// The engine runs the real venue profiles: Binance charges its 0.5 % liquidation fee and its 0.05 %
// taker fee on stop-loss and take-profit fills, Hyperliquid its 0.045 % (the book charges them too), insurance funds are unlimited (the engine's default market: no auto-deleveraging),
// and positions stay far below Hyperliquid's 100 000 USDC partial-liquidation size and Binance's
// first maintenance bracket (50 000 USDT per instrument and side), the book's linear model.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { exactDecimal } from '../engine/fills.js';
import { step } from '../engine/step.js';
import type { EngineEvent } from '../engine/engine-types.js';
import { dec, decimal } from '../money/decimal.js';
import { asInstrumentId, asPrice } from '../money/units.js';
import { binanceUsdm } from '../venue/profiles/binance-usdm.js';
import { mt5Standard } from '../venue/profiles/mt5-standard.js';
import type { BookEvent, BookScope } from './book-events.js';
import { ACCOUNT_BALANCE, balanceOf, createBookState, denominatorOf } from './book-state.js';
import {
  STATUS_HEALTHY, VALUE_LIQUIDATION, VALUE_MARGIN_CALL, VALUE_SIZE, displayFigures, scopeStatus, valueCrossScope,
} from './scope-value.js';
import { applyIndexedTick, createIndexedBook, type IndexedBook } from './indexed-book.js';
import { applyNaiveTick, createNaiveBook, type NaiveBook } from './naive-book.js';
import { seededRandom } from './seeded-random.js';
import { ceilingDivideBig } from './safe-integer.js';
import type { BookSpec } from './book-spec.js';
import {
  canonical, engineFor, FAMILIES, pick, planBook, priceText, quantityText, specOf, text, walk, type Plan,
} from '../../../test/support/book-plan.js';

type Shown = Readonly<Record<string, string>>;

function fromEngine(event: EngineEvent): Shown {
  const fields = event.fields;
  switch (event.type) {
    case 'stop-loss-filled':
    case 'take-profit-filled':
      return { type: event.type, position: fields.position!, price: canonical(fields.price), quantity: canonical(fields.quantity), pnl: canonical(fields.pnl) };
    case 'position-liquidated':
      return {
        type: event.type, position: fields.position!, price: canonical(fields.price), quantity: canonical(fields.quantity),
        pnl: canonical(fields.pnl), fee: canonical(fields.fee),
      };
    case 'fee-charged':
      return {
        type: event.type, position: fields.position!, instrument: fields.instrument!, liquidity: fields.liquidity!,
        rate: canonical(fields.rate), amount: canonical(fields.amount),
      };
    case 'deficit-absorbed':
      return { type: event.type, amount: canonical(fields.amount) };
    case 'debt-recorded':
      return { type: event.type, amount: canonical(fields.amount), outstanding: canonical(fields.outstanding) };
    case 'margin-call-issued':
      return {
        type: event.type, scope: fields.scope!, equity: canonical(fields.equity), requirement: canonical(fields.marginCallEquity),
        liquidationRequirement: canonical(fields.liquidationEquity),
      };
    case 'margin-call-cleared':
      return fields.reason === 'equity restored'
        ? { type: event.type, scope: fields.scope!, reason: fields.reason, equity: canonical(fields.equity) }
        : { type: event.type, scope: fields.scope!, reason: fields.reason! };
    default:
      return { type: event.type, ...fields };
  }
}

function fromBook(plan: Plan, event: BookEvent): Shown {
  const decimals = FAMILIES[plan.accounts[event.account]!.family]!.decimals;
  const amount = (units: bigint): string => text(decimal(units, decimals));
  const scope = (ref: BookScope): string => (ref.kind === 'cross' ? 'cross' : `p${ref.position}`);
  switch (event.type) {
    case 'stop-loss-filled':
    case 'take-profit-filled':
    case 'position-liquidated': {
      const instrument = plan.positions[event.position]!.row.instrument;
      return {
        type: event.type, position: `p${event.position}`, price: priceText(plan, instrument, event.price),
        quantity: quantityText(plan, instrument, event.quantity), pnl: amount(event.pnl),
        ...(event.type === 'position-liquidated' ? { fee: amount(event.fee) } : {}),
      };
    }
    case 'fee-charged':
      return {
        type: event.type, position: `p${event.position}`, instrument: plan.instruments[event.instrument]!.traded.symbol,
        liquidity: event.liquidity, rate: text(exactDecimal(event.rate)), amount: amount(event.amount),
      };
    case 'deficit-absorbed':
      return { type: event.type, amount: amount(event.amount) };
    case 'debt-recorded':
      return { type: event.type, amount: amount(event.amount), outstanding: amount(event.outstanding) };
    case 'margin-call-issued':
      return {
        type: event.type, scope: scope(event.scope), equity: amount(event.equity), requirement: amount(event.requirement),
        liquidationRequirement: amount(event.liquidationRequirement),
      };
    case 'margin-call-cleared':
      return event.reason === 'equity restored'
        ? { type: event.type, scope: scope(event.scope), reason: event.reason, equity: amount(event.equity) }
        : { type: event.type, scope: scope(event.scope), reason: event.reason };
  }
}

/**
 * Counts the order fills whose taker fee the cross wallet capped, and those it could not pay at
 * all (no fee-charged follows), against the fee due: ⌈rate × lots × unitValue × price⌉.
 */
function countFeeCaps(plan: Plan, spec: BookSpec, events: readonly BookEvent[], into: Compared): void {
  events.forEach((event, at) => {
    if (event.type !== 'stop-loss-filled' && event.type !== 'take-profit-filled') return;
    const rate = FAMILIES[plan.accounts[event.account]!.family]!.profile.fees.taker;
    const value = spec.instruments[plan.positions[event.position]!.row.instrument]!.unitValue;
    const due = ceilingDivideBig(
      rate.numerator * BigInt(event.quantity) * value.numerator * BigInt(event.price), rate.denominator * value.denominator,
    );
    if (due <= 0n) return;
    const fee = events.slice(at + 1).find((each) => each.type === 'fee-charged' && each.position === event.position);
    const key = fee === undefined ? 'fee due, cross wallet empty' : fee.type === 'fee-charged' && fee.amount < due ? 'fee capped by the cross wallet' : undefined;
    if (key) into.counts[key] = (into.counts[key] ?? 0) + 1;
  });
}

interface Compared {
  readonly counts: Record<string, number>;
  fees: number;
}

/**
 * Runs the plan through both books and the engine over `ticks` ([instrument, price]); fails at the
 * first tick and account where they differ. False when the book refuses the plan (liquidatable at
 * the start).
 */
function compare(plan: Plan, seed: number, ticks: readonly (readonly [number, number])[], into: Compared): boolean {
  let indexed: IndexedBook;
  let naive: NaiveBook;
  const spec = specOf(plan);
  try {
    indexed = createIndexedBook(spec);
    naive = createNaiveBook(spec);
  } catch (error) {
    if (error instanceof RangeError && /liquidatable/.test(error.message)) return false;
    throw error;
  }
  const engines = plan.accounts.map((_, account) => engineFor(plan, account));
  ticks.forEach(([instrument, price], tick) => {
    const fromIndexed: BookEvent[] = [];
    const fromNaive: BookEvent[] = [];
    applyIndexedTick(indexed, instrument, price, fromIndexed);
    applyNaiveTick(naive, instrument, price, fromNaive);
    assert.deepEqual(fromIndexed, fromNaive, `seed ${seed} tick ${tick + 1}: indexed and naive books`);
    const mark = asPrice(dec(priceText(plan, instrument, price)));
    const symbol = asInstrumentId(plan.instruments[instrument]!.traded.symbol);
    plan.accounts.forEach((_, account) => {
      const own = fromIndexed.filter((event) => event.account === account);
      countFeeCaps(plan, spec, own, into);
      const book = own.map((event) => fromBook(plan, event));
      let engine: Shown[] = [];
      // The mark reaches the accounts holding the instrument now (positions are named p<index in the plan>).
      if (engines[account]!.snapshot.positions.some((position) => plan.positions[Number(position.id.slice(1))]!.row.instrument === instrument)) {
        const result = step(engines[account]!, { type: 'mark', prices: new Map([[symbol, mark]]) });
        engines[account] = result.state;
        engine = result.events.map(fromEngine);
      }
      assert.deepEqual(book, engine, `seed ${seed} tick ${tick + 1} (${symbol} at ${price} ticks) account ${account} (${FAMILIES[plan.accounts[account]!.family]!.profile.id})`);
      for (const event of book) {
        const key = event.type === 'margin-call-cleared' ? `${event.type} (${event.reason})` : event.type!;
        into.counts[key] = (into.counts[key] ?? 0) + 1;
        if (event.fee !== undefined && event.fee !== '0') into.fees += 1;
      }
      if (indexed.pending[account] === 1) {
        into.counts['left in breach by a fee, pending'] = (into.counts['left in breach by a fee, pending'] ?? 0) + 1;
      }
      if (book.filter((event) => event.reason === 'positions closed').length > 1) {
        into.counts['calls in one account clearing together'] = (into.counts['calls in one account clearing together'] ?? 0) + 1;
      }
    });
  });
  plan.accounts.forEach((account, index) => {
    const decimals = FAMILIES[account.family]!.decimals;
    assert.equal(text(decimal(BigInt(balanceOf(indexed.state, index)), decimals)), text(engines[index]!.snapshot.balance), `seed ${seed} account ${index}'s final balance`);
  });
  return true;
}

const MT5 = FAMILIES.findIndex((family) => family.profile === mt5Standard);
const BINANCE = FAMILIES.findIndex((family) => family.profile === binanceUsdm);

/**
 * One Binance account holding an isolated position with a stop-loss, beside a cross wallet that
 * holds nothing, less than the taker fee the stop's fill owes, or up to twice it. A gap fills the
 * stop (before any liquidation), mostly past where the isolated margin runs out: the scope's
 * deficit is absorbed and its margin returns nothing, so the fee meets the thin wallet alone.
 */
function thinWalletCase(seed: number): { readonly plan: Plan; readonly ticks: [number, number][] } {
  const random = seededRandom(seed);
  const base = planBook(seed, BINANCE, 1);
  const planned = base.positions[0]!;
  const { instrument, side, lots, entry, liquidationRate, marginCallRate } = planned.row;
  const price = base.prices[instrument]!;
  const direction = side === 'long' ? 1 : -1;
  const value = specOf(base).instruments[instrument]!.unitValue;
  const perTick = (lots * Number(value.numerator)) / Number(value.denominator);
  const margin = Math.ceil((1.5 * perTick * price) / planned.leverage);
  // Ticks against the entry that take the whole margin, then up to half a percent more.
  const exhausted = entry - direction * (Math.ceil(margin / perTick) + random.integer(0, Math.ceil(price / 200)));
  const fill = random.next() < 0.7 ? exhausted : price - direction * random.integer(1, Math.ceil(price / 100));
  const stopLoss = price - direction * random.integer(1, Math.abs(fill - price));
  const rate = binanceUsdm.fees.taker;
  const due = Number(ceilingDivideBig(rate.numerator * BigInt(lots * fill) * value.numerator, rate.denominator * value.denominator));
  const wallet = pick(random, [0, random.integer(1, due - 1), random.integer(due, 2 * due)]);
  return {
    plan: {
      ...base,
      accounts: [{ family: BINANCE, balance: margin + wallet }],
      positions: [{ ...planned, row: { account: 0, instrument, side, lots, entry, liquidationRate, marginCallRate, isolatedMargin: margin, stopLoss } }],
    },
    ticks: [[instrument, fill]],
  };
}

interface EdgeCase {
  readonly plan: Plan;
  readonly ticks: [number, number][];
  /** Whether the rounded figures (P&L down per position, Rl and Rc up) would act on another tick than the exact ones. */
  readonly roundingDiffers: boolean;
}

/**
 * One MT5 account (fractional cents a tick, so rounding matters) whose balance puts its exact
 * equity within a cent of Rl or of Rc at a price `steps` ticks against it; the walk goes there a
 * tick at a time, four ticks beyond, and back.
 */
function edgeCase(seed: number): EdgeCase {
  const random = seededRandom(seed);
  const base = planBook(seed, MT5, 1, true);
  const state = createBookState(specOf({ ...base, accounts: [{ ...base.accounts[0]!, balance: 0 }] }));
  const instrument = pick(random, [...new Set(base.positions.map((each) => each.row.instrument))]);
  const start = base.prices[instrument]!;
  const value = new Float64Array(VALUE_SIZE);
  const liquidation = random.next() < 0.5;
  const slackAt = (price: number): number => {
    state.prices[instrument] = price;
    valueCrossScope(state, 0, value);
    return value[liquidation ? VALUE_LIQUIDATION : VALUE_MARGIN_CALL]!;
  };
  const direction = slackAt(start - 1) < slackAt(start + 1) ? -1 : 1;
  const steps = random.integer(5, 40);
  // Slacks are in units of 1/M cent, with a balance of zero: the balance moves them by whole cents.
  const balance = Math.ceil(-slackAt(start + direction * steps) / denominatorOf(state, 0)) + random.integer(-1, 1);
  const path = Array.from({ length: steps + 4 }, (_, at) => start + direction * (at + 1));
  const ticks: [number, number][] = [...path, ...path.slice(-5, -1).reverse()].map((price) => [instrument, price]);
  // Where each way of deciding would first act along the path.
  const first = (decide: () => boolean): number => path.findIndex((price) => {
    state.prices[instrument] = price;
    return decide();
  });
  state.account[ACCOUNT_BALANCE] = balance;
  const exact = first(() => {
    valueCrossScope(state, 0, value);
    return scopeStatus(state, 0, value) !== STATUS_HEALTHY;
  });
  const rounded = first(() => {
    const shown = displayFigures(state, 0);
    return shown.equity <= shown.liquidation || shown.equity < shown.marginCall;
  });
  return { plan: { ...base, accounts: [{ ...base.accounts[0]!, balance }] }, ticks, roundingDiffers: exact !== rounded };
}

describe('the book acts as the engine does', () => {
  test('random small books at Binance, Hyperliquid and MT5: the same events per account, tick by tick, and the same balances', (t) => {
    const compared: Compared = { counts: {}, fees: 0 };
    let books = 0;
    for (let seed = 1; books < 400; seed += 1) {
      assert.ok(seed < 2_000, 'too many generated books start liquidatable');
      const plan = planBook(seed);
      if (compare(plan, seed, walk(plan, seed + 10_000, 60), compared)) books += 1;
    }
    // The walks must reach every kind of event, or the comparison proves little.
    const kinds = [
      'margin-call-issued', 'margin-call-cleared (equity restored)', 'margin-call-cleared (positions closed)', 'stop-loss-filled',
      'take-profit-filled', 'fee-charged', 'position-liquidated', 'deficit-absorbed', 'debt-recorded', 'calls in one account clearing together',
      'left in breach by a fee, pending',
    ];
    for (const kind of kinds) assert.ok((compared.counts[kind] ?? 0) >= 3, `${kind}: ${compared.counts[kind] ?? 0} in ${JSON.stringify(compared.counts)}`);
    assert.ok(compared.fees >= 3, `liquidation fees charged: ${compared.fees}`);
    t.diagnostic(`${books} books; events compared: ${JSON.stringify(compared.counts)}; liquidations with a fee: ${compared.fees}`);
  });

  test('Binance stop-loss fills beside a thin cross wallet: the taker fee capped at what the wallet holds, none from an empty one', (t) => {
    const compared: Compared = { counts: {}, fees: 0 };
    let books = 0;
    for (let seed = 1; books < 150; seed += 1) {
      assert.ok(seed < 1_000, 'too many thin-wallet cases start liquidatable');
      const thin = thinWalletCase(seed);
      if (compare(thin.plan, seed, thin.ticks, compared)) books += 1;
    }
    for (const kind of ['fee-charged', 'fee capped by the cross wallet', 'fee due, cross wallet empty']) {
      assert.ok((compared.counts[kind] ?? 0) >= 20, `${kind}: ${compared.counts[kind] ?? 0} in ${JSON.stringify(compared.counts)}`);
    }
    t.diagnostic(`${books} books; events: ${JSON.stringify(compared.counts)}`);
  });

  test('MT5 accounts walked tick by tick through a cent around Rl or Rc: called and stopped out on the engine\'s tick, not where rounding would', (t) => {
    const compared: Compared = { counts: {}, fees: 0 };
    let books = 0;
    let differing = 0;
    for (let seed = 1; books < 300; seed += 1) {
      assert.ok(seed < 2_000, 'too many edge cases start liquidatable');
      const edge = edgeCase(seed);
      if (!compare(edge.plan, seed, edge.ticks, compared)) continue;
      books += 1;
      if (edge.roundingDiffers) differing += 1;
    }
    // The walks must pass where the rounded figures would act on another tick, or they prove little.
    assert.ok(differing >= 30, `rounding would have acted on another tick in ${differing} of ${books} walks`);
    assert.ok((compared.counts['position-liquidated'] ?? 0) >= 20 && (compared.counts['margin-call-issued'] ?? 0) >= 20, JSON.stringify(compared.counts));
    t.diagnostic(`${books} walks, ${differing} where rounding would have acted on another tick; events: ${JSON.stringify(compared.counts)}`);
  });
});
