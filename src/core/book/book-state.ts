/**
 * The state both risk books share: accounts, positions and prices in typed arrays. Each
 * position's numeric terms sit in one 8-number record, and each account's in another, with an
 * account's positions contiguous: valuing an account touches a few adjacent cache lines rather
 * than one line per field. Books are mutable by design: a tick updates them in place.
 *
 * Exact terms, computed once in bigint and held as integers below 2^52 (safe-integer.ts), over
 * M, the account's common denominator of every lots × unitValue and lots × unitValue × rate:
 *   pnl_i × M  = direction × P_i × (price - entry)          P_i  = lots × unitValue × M
 *   Rl × M     = Σ Lq_i × price_i,  Rc × M = Σ Cq_i × price_i   Lq_i = P_i × liquidation rate, Cq_i likewise
 * so a scope's exact equity and requirements, scaled by M, are integers: the book decides on them
 * exactly, as ../margin/scope-valuation.ts does. An account whose M, or whose P + Lq + Cq summed
 * over its positions, reaches 2^52 is refused when the book is built.
 *
 * Margin scopes: scope `a` is account a's cross scope; scope `accountCount + i` is isolated
 * position i's own scope.
 */
import { rational, type Rational } from '../money/rational.js';
import type { BookSpec, BookVenue } from './book-spec.js';
import * as bookSpecModule from './book-spec.js';
import * as safeIntegerModule from './safe-integer.js';

// Imported functions and constants as module-local bindings: tsx loads these modules as CommonJS,
// where every use of a named import is a getter call.
const { NO_TRIGGER } = bookSpecModule;
const { SAFE_BOUND, addAmounts } = safeIntegerModule;

/** Fields of a position record in `BookState.position`. */
export const POSITION_STRIDE = 8;
export const FIELD_INSTRUMENT = 0;
export const FIELD_DIRECTION = 1;
export const FIELD_ENTRY = 2;
/** P: account units × M per tick of price, > 0. */
export const FIELD_PNL = 3;
/** Lq: Rl × M per tick of price. */
export const FIELD_LIQUIDATION = 4;
/** Cq: Rc × M per tick of price. */
export const FIELD_CALL = 5;
/** CLOSED, OPEN_CROSS or OPEN_ISOLATED. Field 7 is spare: records stay on 64-byte lines. */
export const FIELD_STATE = 6;

/** Fields of an account record in `BookState.account`. */
export const ACCOUNT_STRIDE = 8;
/** Its positions are ACCOUNT_FIRST ..< ACCOUNT_END. */
export const ACCOUNT_FIRST = 0;
export const ACCOUNT_END = 1;
/** Index into `venues`. */
export const ACCOUNT_VENUE = 2;
/** Wallet balance, isolated margins included. */
export const ACCOUNT_BALANCE = 3;
/** Σ margins of the account's open isolated positions. */
export const ACCOUNT_ISOLATED_TOTAL = 4;
/** M, the common denominator of its P&L and requirement terms. */
export const ACCOUNT_DENOMINATOR = 5;
/** 1 where some position's Rc rate differs from its Rl rate. */
export const ACCOUNT_SEPARATE_CALL = 6;
/** Debt already recorded against the account's emptied cross scope. */
export const ACCOUNT_RECORDED_DEBT = 7;

export const CLOSED = 0;
export const OPEN_CROSS = 1;
export const OPEN_ISOLATED = 2;

export interface BookState {
  readonly venues: readonly BookVenue[];
  readonly accountCount: number;
  readonly positionCount: number;
  readonly instrumentCount: number;
  /** Current price of every instrument, in ticks. */
  readonly prices: Float64Array;
  /** POSITION_STRIDE numbers per position. */
  readonly position: Float64Array;
  readonly positionAccount: Int32Array;
  readonly lots: Float64Array;
  readonly isolatedMargin: Float64Array;
  readonly stopLoss: Float64Array;
  readonly takeProfit: Float64Array;
  /** ACCOUNT_STRIDE numbers per account. */
  readonly account: Float64Array;
  /** Per venue: 1 where equity equal to Rl liquidates. */
  readonly venueAtOrBelow: Uint8Array;
  /** Per venue: 1 where the venue absorbs deficits. */
  readonly venueAbsorbs: Uint8Array;
  /** Per venue: 1 where a stop-out closes the largest loss first and re-checks. */
  readonly venueLargestLossFirst: Uint8Array;
  /** Per venue: 1 where the venue issues margin calls of its own. */
  readonly venueCalls: Uint8Array;
  /** Per venue: the liquidation fee rate (zero for none). */
  readonly venueFeeRate: readonly Rational[];
  /** Per venue: the taker fee rate on stop-loss and take-profit fills (zero for none). */
  readonly venueTakerFeeRate: readonly Rational[];
  /** Per scope: 1 while a margin call is open. */
  readonly called: Uint8Array;
  /** Per scope with a call open: when it was issued (callSequence then), so calls clear in issue order. */
  readonly callOrder: Float64Array;
  /** Margin calls issued so far. */
  callSequence: number;
  /** Ticks applied so far. */
  tick: number;
}

/** Account `account`'s wallet balance, in account units. */
export function balanceOf(state: BookState, account: number): number {
  return state.account[account * ACCOUNT_STRIDE + ACCOUNT_BALANCE]!;
}

/** Account `account`'s positions are firstPositionOf ..< endPositionOf. */
export function firstPositionOf(state: BookState, account: number): number {
  return state.account[account * ACCOUNT_STRIDE + ACCOUNT_FIRST]!;
}

export function endPositionOf(state: BookState, account: number): number {
  return state.account[account * ACCOUNT_STRIDE + ACCOUNT_END]!;
}

export function venueOf(state: BookState, account: number): number {
  return state.account[account * ACCOUNT_STRIDE + ACCOUNT_VENUE]!;
}

/** M, account `account`'s common denominator (see the module comment). */
export function denominatorOf(state: BookState, account: number): number {
  return state.account[account * ACCOUNT_STRIDE + ACCOUNT_DENOMINATOR]!;
}

/** Adds `amount` (units, may be negative) to account `account`'s balance; it must stay in range. */
export function credit(state: BookState, account: number, amount: number): void {
  const at = account * ACCOUNT_STRIDE + ACCOUNT_BALANCE;
  state.account[at] = addAmounts(state.account[at]!, amount);
}

export function isolatedScope(state: BookState, position: number): number {
  return state.accountCount + position;
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a < 0n ? -a : a;
}

function safe(value: bigint, what: string): number {
  if (value >= BigInt(SAFE_BOUND) || value <= -BigInt(SAFE_BOUND)) {
    throw new RangeError(`${what} is beyond the book's exact range (2^52)`);
  }
  return Number(value);
}

function checkInteger(value: number, what: string, minimum: number): void {
  if (!Number.isInteger(value) || value < minimum || value >= SAFE_BOUND) {
    throw new RangeError(`${what} must be an integer from ${minimum} below 2^52, got ${value}`);
  }
}

/** Whether a stop-loss is reached at `price`: a long's at or below it, a short's at or above. */
export function stopLossReached(direction: number, trigger: number, price: number): boolean {
  if (trigger === NO_TRIGGER) return false;
  return direction > 0 ? price <= trigger : price >= trigger;
}

/** Whether a take-profit is reached at `price`: a long's at or above it, a short's at or below. */
export function takeProfitReached(direction: number, trigger: number, price: number): boolean {
  if (trigger === NO_TRIGGER) return false;
  return direction > 0 ? price >= trigger : price <= trigger;
}

function checkSpec(spec: BookSpec): void {
  const { accounts, positions } = spec;
  spec.venues.forEach((venue) => {
    const fee = venue.liquidationFeeRate;
    if (fee && (fee.numerator < 0n || fee.numerator > fee.denominator)) {
      throw new RangeError(`${venue.id}: the liquidation fee rate must be a fraction from 0 to 1`);
    }
    // A negative taker rate is a rebate, as the engine allows one (credited, rounded down).
    const taker = venue.takerFeeRate;
    if (taker && (taker.numerator < -taker.denominator || taker.numerator > taker.denominator)) {
      throw new RangeError(`${venue.id}: the taker fee rate must be a fraction from -1 to 1, got ${taker.numerator}/${taker.denominator}`);
    }
  });
  spec.prices.forEach((price, index) => checkInteger(price, `prices[${index}]`, 1));
  accounts.venue.forEach((venue, index) => {
    if (!spec.venues[venue]) throw new RangeError(`accounts[${index}].venue ${venue} is not a venue`);
    checkInteger(accounts.balance[index] ?? Number.NaN, `accounts[${index}].balance`, -SAFE_BOUND + 1);
  });
  let previousAccount = 0;
  for (let index = 0; index < positions.account.length; index += 1) {
    const where = `positions[${index}]`;
    const account = positions.account[index] ?? -1;
    if (account < previousAccount || account >= accounts.venue.length) {
      throw new RangeError(`${where}.account ${account}: positions must be grouped by account in ascending order`);
    }
    previousAccount = account;
    const instrument = positions.instrument[index] ?? -1;
    if (!spec.instruments[instrument]) throw new RangeError(`${where}.instrument ${instrument} is not an instrument`);
    const direction = positions.direction[index];
    if (direction !== 1 && direction !== -1) throw new RangeError(`${where}.direction must be 1 or -1`);
    checkInteger(positions.lots[index] ?? Number.NaN, `${where}.lots`, 1);
    checkInteger(positions.entry[index] ?? Number.NaN, `${where}.entry`, 1);
    for (const column of ['liquidationRate', 'marginCallRate'] as const) {
      const rate = spec.rates[positions[column][index] ?? -1];
      if (!rate || rate.numerator < 0n) throw new RangeError(`${where}.${column} must name a rate of at least zero`);
    }
    const venue = spec.venues[accounts.venue[account] ?? -1];
    if (positions.isolated[index] === 1) {
      if (!venue?.isolatedMargin) throw new RangeError(`${where}: ${venue?.id ?? 'the venue'} has no isolated margin`);
      checkInteger(positions.isolatedMargin[index] ?? Number.NaN, `${where}.isolatedMargin`, 1);
    }
    const price = spec.prices[instrument] ?? 0;
    for (const [column, reached] of [['stopLoss', stopLossReached], ['takeProfit', takeProfitReached]] as const) {
      const trigger = positions[column][index] ?? NO_TRIGGER;
      if (trigger !== NO_TRIGGER) checkInteger(trigger, `${where}.${column}`, 1);
      if (reached(direction, trigger, price)) {
        throw new RangeError(`${where}.${column} ${trigger} is already reached at the starting price ${price}`);
      }
    }
  }
}

interface ExactTerms {
  /** lots × unitValue, and it times each rate. */
  readonly pnl: Rational;
  readonly liquidation: Rational;
  readonly marginCall: Rational;
}

function exactTerms(spec: BookSpec, index: number): ExactTerms {
  const { positions } = spec;
  const value = spec.instruments[positions.instrument[index] ?? 0]?.unitValue ?? rational(0n);
  const perTick = rational(BigInt(positions.lots[index] ?? 0) * value.numerator, value.denominator);
  const rate = (column: 'liquidationRate' | 'marginCallRate'): Rational => {
    const chosen = spec.rates[positions[column][index] ?? 0] ?? rational(0n);
    return rational(perTick.numerator * chosen.numerator, perTick.denominator * chosen.denominator);
  };
  return { pnl: perTick, liquidation: rate('liquidationRate'), marginCall: rate('marginCallRate') };
}

/** `value` × M as an integer (M is a multiple of its denominator). */
function scaled(value: Rational, denominator: bigint): bigint {
  return value.numerator * (denominator / value.denominator);
}

/** The book's state at the spec's starting prices, with no margin call yet assessed. */
export function createBookState(spec: BookSpec): BookState {
  checkSpec(spec);
  const accountCount = spec.accounts.venue.length;
  const positionCount = spec.positions.account.length;
  const { positions } = spec;
  const state: BookState = {
    venues: spec.venues,
    accountCount,
    positionCount,
    instrumentCount: spec.instruments.length,
    prices: Float64Array.from(spec.prices),
    position: new Float64Array(positionCount * POSITION_STRIDE),
    positionAccount: Int32Array.from(positions.account),
    lots: Float64Array.from(positions.lots),
    isolatedMargin: new Float64Array(positionCount),
    stopLoss: Float64Array.from(positions.stopLoss),
    takeProfit: Float64Array.from(positions.takeProfit),
    account: new Float64Array(accountCount * ACCOUNT_STRIDE),
    venueAtOrBelow: Uint8Array.from(spec.venues.map((venue) => (venue.liquidationTrigger === 'at-or-below' ? 1 : 0))),
    venueAbsorbs: Uint8Array.from(spec.venues.map((venue) => (venue.deficit === 'venue-absorbs' ? 1 : 0))),
    venueLargestLossFirst: Uint8Array.from(spec.venues.map((venue) => (venue.liquidationOrder === 'largest-loss-first' ? 1 : 0))),
    venueCalls: Uint8Array.from(spec.venues.map((venue) => (venue.marginCall === false ? 0 : 1))),
    venueFeeRate: spec.venues.map((venue) => venue.liquidationFeeRate ?? rational(0n)),
    venueTakerFeeRate: spec.venues.map((venue) => venue.takerFeeRate ?? rational(0n)),
    called: new Uint8Array(accountCount + positionCount),
    callOrder: new Float64Array(accountCount + positionCount),
    callSequence: 0,
    tick: 0,
  };
  let next = 0;
  for (let account = 0; account < accountCount; account += 1) {
    const first = next;
    while (next < positionCount && positions.account[next] === account) next += 1;
    const accountRecord = account * ACCOUNT_STRIDE;
    state.account[accountRecord + ACCOUNT_FIRST] = first;
    state.account[accountRecord + ACCOUNT_END] = next;
    state.account[accountRecord + ACCOUNT_VENUE] = spec.accounts.venue[account]!;
    state.account[accountRecord + ACCOUNT_BALANCE] = spec.accounts.balance[account]!;
    const terms = Array.from({ length: next - first }, (_, offset) => exactTerms(spec, first + offset));
    const denominator = terms.reduce(
      (common, term) => [term.pnl.denominator, term.liquidation.denominator, term.marginCall.denominator]
        .reduce((lcm, each) => (lcm / gcd(lcm, each)) * each, common),
      1n,
    );
    state.account[accountRecord + ACCOUNT_DENOMINATOR] = safe(denominator, `account ${account}'s common denominator`);
    let isolatedTotal = 0;
    let termTotal = 0n;
    terms.forEach((term, offset) => {
      const index = first + offset;
      const record = index * POSITION_STRIDE;
      const where = `position ${index}`;
      const isolated = positions.isolated[index] === 1;
      const pnl = scaled(term.pnl, denominator);
      const liquidation = scaled(term.liquidation, denominator);
      const marginCall = scaled(term.marginCall, denominator);
      termTotal += pnl + liquidation + marginCall;
      state.position[record + FIELD_INSTRUMENT] = positions.instrument[index] ?? 0;
      state.position[record + FIELD_DIRECTION] = positions.direction[index] ?? 1;
      state.position[record + FIELD_ENTRY] = positions.entry[index] ?? 0;
      state.position[record + FIELD_PNL] = safe(pnl, `${where}'s P&L per tick`);
      state.position[record + FIELD_LIQUIDATION] = safe(liquidation, `${where}'s Rl per tick`);
      state.position[record + FIELD_CALL] = safe(marginCall, `${where}'s Rc per tick`);
      state.position[record + FIELD_STATE] = isolated ? OPEN_ISOLATED : OPEN_CROSS;
      if (liquidation !== marginCall) state.account[accountRecord + ACCOUNT_SEPARATE_CALL] = 1;
      if (isolated) {
        const margin = positions.isolatedMargin[index] ?? 0;
        state.isolatedMargin[index] = margin;
        isolatedTotal += margin;
      }
    });
    safe(termTotal, `account ${account}'s terms per tick, summed`);
    state.account[accountRecord + ACCOUNT_ISOLATED_TOTAL] = safe(BigInt(isolatedTotal), `account ${account}'s isolated margins`);
  }
  return state;
}

/** A tick must move a known instrument to a positive integer price. */
export function checkTick(state: BookState, instrument: number, price: number): void {
  if (!(instrument >= 0 && instrument < state.instrumentCount && Number.isInteger(instrument))) {
    throw new RangeError(`tick for unknown instrument ${instrument}`);
  }
  if (!(price >= 1 && price < SAFE_BOUND && Number.isInteger(price))) {
    throw new RangeError(`tick price must be a positive integer below 2^52, got ${price}`);
  }
}

/** A deep copy, for running the same book twice. */
export function cloneBookState(state: BookState): BookState {
  return {
    ...state,
    prices: state.prices.slice(),
    position: state.position.slice(),
    lots: state.lots.slice(),
    isolatedMargin: state.isolatedMargin.slice(),
    stopLoss: state.stopLoss.slice(),
    takeProfit: state.takeProfit.slice(),
    account: state.account.slice(),
    called: state.called.slice(),
    callOrder: state.callOrder.slice(),
  };
}
