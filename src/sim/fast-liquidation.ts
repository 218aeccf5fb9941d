/**
 * The columnar fast path of the commonest event a path meets: the venue closes an account's only
 * position at the tick that crossed its liquidation price, and the account is left flat. The money
 * moves by the engine's own formulas (../core/engine/liquidation.ts, fills.ts, deficits.ts,
 * debt.ts), in integer account units:
 *
 *   P&L       = floor(unrealized P&L at the fill)                       (closeAt: rounded down)
 *   equity    = collateral + P&L      (isolated: its margin; cross: the wallet less isolated margins)
 *   fee       = min(ceil(fee rate × notional at the fill), max(equity, 0))   (chargeFees)
 *   left      = equity - fee;  left < 0: the venue, its fund or its backstop absorbs -left
 *               (settleDeficit), or, at a client-debt venue, the flat account owes -balance (recordDebt)
 *
 * A template is made for one engine state (memoised by the path engine) and checked against step()
 * itself at ticks on both sides of the bankruptcy price before it is used: where any figure differs
 * the template is not used, and the reducer settles every such path. The simulator's differential
 * test holds the two to identical outcomes over random accounts at every venue.
 */
import type { Position } from '../core/account/position.js';
import type { EngineState, StepResult } from '../core/engine/engine-types.js';
import { step } from '../core/engine/step.js';
import { markCommand, MAX_TICKS, type PriceColumn } from './ticks.js';
import { pnlDirection } from '../core/instrument/coordinate.js';
import { toDecimal, type Rational } from '../core/money/rational.js';
import { divide, multiply, toApproximateNumber, type Decimal } from '../core/money/decimal.js';
import { divideIntegers } from '../core/money/rounding.js';
import { ceilingDivide, floorDivide, isSafeAmount, SAFE_BOUND } from '../core/book/safe-integer.js';

export interface FastSettlement {
  /** The account's balance after the close, in account units. */
  readonly balance: bigint;
  /** The liquidation fee charged. */
  readonly fee: bigint;
  /** What the venue, its fund or its backstop absorbed. */
  readonly absorbed: bigint;
  /** What the client owes afterwards. */
  readonly debt: bigint;
}

/** A booked amount in whole account units (it never has more decimals than the currency). */
export const units = (value: Decimal, decimals: number): bigint => {
  if (value.scale === decimals) return value.units;
  if (value.scale < decimals) return value.units * 10n ** BigInt(decimals - value.scale);
  throw new RangeError(`${value.units}e-${value.scale} has more than ${decimals} decimals`);
};

/** Integers a, b, c of a figure at t ticks: linear (a t - b) / c, inverse (a - b t) / (c t). */
interface Terms {
  readonly a: bigint;
  readonly b: bigint;
  readonly c: bigint;
}

const pow10 = (exponent: number): bigint => 10n ** BigInt(exponent);

/**
 * The P&L and the fee of closing the position at t ticks, as integer fractions in account units
 * (10^-decimals), from position-measures.ts: P&L = direction × q × contract × (x - x_entry) with
 * x = price (linear) or 1 / price (inverse), price = t × tick; fee = rate × q × contract × x.
 */
function integerTerms(position: Position, tick: Decimal, decimals: number, rate: Rational | undefined): { pnl: Terms; fee: Terms | undefined } {
  const size = multiply(position.quantity, position.instrument.contractSize);
  const direction = pnlDirection(position.instrument.kind, position.side);
  const entry = position.entryPrice;
  const unit = pow10(decimals);
  const sizeScale = pow10(size.scale);
  const tickScale = pow10(tick.scale);
  const entryScale = pow10(entry.scale);
  let pnl: Terms;
  let fee: Terms | undefined;
  if (position.instrument.kind === 'inverse') {
    // x = tickScale / (t × tick units); x_entry = entryScale / entry units.
    // P&L = d × size × (tickScale × entry - t × tick × entryScale) / (sizeScale × t × tick × entry).
    pnl = {
      a: direction * size.units * tickScale * entry.units * unit,
      b: direction * size.units * tick.units * entryScale * unit,
      c: sizeScale * tick.units * entry.units,
    };
    if (rate) fee = { a: rate.numerator * size.units * tickScale * unit, b: 0n, c: rate.denominator * sizeScale * tick.units };
  } else {
    // P&L = d × size × (t × tick × entryScale - entry × tickScale) / (sizeScale × tickScale × entryScale).
    pnl = {
      a: direction * size.units * tick.units * entryScale * unit,
      b: direction * size.units * entry.units * tickScale * unit,
      c: sizeScale * tickScale * entryScale,
    };
    if (rate) fee = { a: rate.numerator * size.units * tick.units * unit, b: 0n, c: rate.denominator * sizeScale * tickScale };
  }
  return { pnl, fee };
}

/** A settlement in account units as doubles (exact integers below 2^52). */
export interface SettledUnits {
  balance: number;
  absorbed: number;
  debt: number;
  /** The liquidation fee charged. */
  fee: number;
}

interface NumberTerms {
  readonly pnl: { readonly a: number; readonly b: number; readonly c: number };
  readonly fee: { readonly a: number; readonly c: number } | undefined;
  readonly balance: number;
  readonly collateral: number;
}

function numberTerms(terms: { readonly pnl: Terms; readonly fee: Terms | undefined }, balance: bigint, collateral: bigint): NumberTerms | undefined {
  const values = [terms.pnl.a, terms.pnl.b, terms.pnl.c, balance, collateral, ...(terms.fee ? [terms.fee.a, terms.fee.c] : [])];
  if (values.some((value) => value >= BIG_BOUND || value <= -BIG_BOUND)) return undefined;
  return {
    pnl: { a: Number(terms.pnl.a), b: Number(terms.pnl.b), c: Number(terms.pnl.c) },
    fee: terms.fee ? { a: Number(terms.fee.a), c: Number(terms.fee.c) } : undefined,
    balance: Number(balance), collateral: Number(collateral),
  };
}

const BIG_BOUND = BigInt(SAFE_BOUND);

/** ⌊n / d⌋ when both are safe integers (d > 0), else NaN (which fails isSafeAmount). */
function safeFloor(numerator: number, denominator: number): number {
  return isSafeAmount(numerator) && isSafeAmount(denominator) ? floorDivide(numerator, denominator) : Number.NaN;
}

function safeCeiling(numerator: number, denominator: number): number {
  return isSafeAmount(numerator) && isSafeAmount(denominator) ? ceilingDivide(numerator, denominator) : Number.NaN;
}

export class LiquidationTemplate {
  private readonly position: Position;
  private readonly decimals: number;
  private readonly balance: bigint;
  private readonly collateral: bigint;
  private readonly absorbs: boolean;
  /** Above this notional the venue liquidates in part (Hyperliquid): the reducer settles those. */
  private readonly partialAbove: number;

  constructor(state: EngineState, readonly tick: Decimal, readonly issuesCall: boolean) {
    const { snapshot } = state;
    const position = snapshot.positions[0];
    if (!position || snapshot.positions.length !== 1) throw new RangeError('a liquidation template needs exactly one position');
    this.position = position;
    this.decimals = snapshot.currencyDecimals;
    this.balance = units(snapshot.balance, this.decimals);
    this.collateral = position.isolatedMargin ? units(position.isolatedMargin, this.decimals) : this.balance;
    this.absorbs = snapshot.venue.deficit.kind !== 'client-debt';
    const partial = snapshot.venue.partialLiquidation;
    this.partialAbove = partial ? toApproximateNumber(toDecimal(partial.notionalAbove, 12, 'floor')) * (1 - 1e-9) : Infinity;
    this.inverse = position.instrument.kind === 'inverse';
    this.terms = integerTerms(position, tick, this.decimals, snapshot.venue.liquidationFeeRate);
    this.numbers = numberTerms(this.terms, this.balance, this.collateral);
  }

  private readonly inverse: boolean;
  private readonly terms: { readonly pnl: Terms; readonly fee: Terms | undefined };
  /** The same terms as doubles, when every one is a safe integer. */
  private readonly numbers: NumberTerms | undefined;

  /** Whether the template settles a fill at `ticks`: not where the venue would liquidate only a part. */
  applies(ticks: number): boolean {
    if (this.partialAbove === Infinity) return true;
    const price = ticks * toApproximateNumber(this.tick);
    const size = toApproximateNumber(this.position.quantity) * toApproximateNumber(this.position.instrument.contractSize);
    const notional = this.position.instrument.kind === 'inverse' ? size / price : size * price;
    return notional < this.partialAbove;
  }

  /**
   * The settlement at `ticks`; `shift`: payments (funding, financing) booked since the template's
   * state, in account units, which move its one position's collateral and the balance alike.
   */
  settle(ticks: number, shift = 0n): FastSettlement {
    const t = BigInt(ticks);
    const { pnl: p, fee: f } = this.terms;
    // P&L and the uncapped fee at the fill, in account units: closeAt (floor) and chargeFees (ceiling).
    const pnl = this.inverse
      ? divideIntegers(p.a - p.b * t, p.c * t, 'floor')
      : divideIntegers(p.a * t - p.b, p.c, 'floor');
    const equity = this.collateral + shift + pnl;
    let fee = 0n;
    if (f) {
      const uncapped = this.inverse ? divideIntegers(f.a, f.c * t, 'ceiling') : divideIntegers(f.a * t, f.c, 'ceiling');
      const room = equity > 0n ? equity : 0n;
      fee = uncapped < room ? uncapped : room;
    }
    const left = equity - fee;
    let balance = this.balance + shift + pnl - fee;
    let absorbed = 0n;
    if (left < 0n && this.absorbs) {
      absorbed = -left;
      balance += absorbed;
    }
    const debt = !this.absorbs && balance < 0n ? -balance : 0n;
    return { balance, fee, absorbed, debt };
  }

  /**
   * settle() in doubles, into `into`: the same integers while every figure stays below 2^52 in
   * magnitude (checked as it goes, safe-integer.ts), which spares the hot path its bigints; through
   * settle() otherwise.
   */
  settleUnits(ticks: number, into: SettledUnits, shift = 0): void {
    const n = this.numbers;
    if (n) {
      const pnl = this.inverse ? safeFloor(n.pnl.a - n.pnl.b * ticks, n.pnl.c * ticks) : safeFloor(n.pnl.a * ticks - n.pnl.b, n.pnl.c);
      let fee = 0;
      const equity = n.collateral + shift + pnl;
      if (n.fee) {
        const uncapped = this.inverse ? safeCeiling(n.fee.a, n.fee.c * ticks) : safeCeiling(n.fee.a * ticks, n.fee.c);
        const room = equity > 0 ? equity : 0;
        fee = uncapped < room ? uncapped : room;
      }
      const left = equity - fee;
      let balance = n.balance + shift + pnl - fee;
      let absorbed = 0;
      if (left < 0 && this.absorbs) {
        absorbed = -left;
        balance += absorbed;
      }
      if (isSafeAmount(pnl) && isSafeAmount(fee) && isSafeAmount(equity) && isSafeAmount(balance) && isSafeAmount(absorbed)) {
        into.balance = balance;
        into.fee = fee;
        into.absorbed = absorbed;
        into.debt = !this.absorbs && balance < 0 ? -balance : 0;
        return;
      }
    }
    const exact = this.settle(ticks, BigInt(shift));
    into.balance = Number(exact.balance);
    into.fee = Number(exact.fee);
    into.absorbed = Number(exact.absorbed);
    into.debt = Number(exact.debt);
  }

  /** Whether the reducer's step at this tick (from the template's state) booked exactly what settle() says. */
  agreesWith(ticks: number, before: EngineState, result: StepResult): boolean {
    const expected = this.settle(ticks);
    const { snapshot, totals, debt } = result.state;
    if (snapshot.positions.length !== 0) return false;
    const types = result.events.map((event) => event.type);
    if (!types.includes('position-liquidated') || types.includes('rejected')) return false;
    if (types.includes('margin-call-issued') !== this.issuesCall) return false;
    const absorbed = units(totals.venueLoss, this.decimals) - units(before.totals.venueLoss, this.decimals);
    const owed = debt ? units(debt.outstanding, this.decimals) : 0n;
    const fee = units(totals.fees, this.decimals) - units(before.totals.fees, this.decimals);
    return units(snapshot.balance, this.decimals) === expected.balance && absorbed === expected.absorbed && owed === expected.debt && fee === expected.fee;
  }
}

/** Fractions of the mark (a long's fall, a short's rise) at which a template is checked against step(). */
const CHECKS_LONG = [0.6, 0.4, 0.2, 0.05];
const CHECKS_SHORT = [1.6, 2.5, 5, 20];
/** Liquidations the reducer must book exactly as the template does before it is used. */
const CHECKS_NEEDED = 2;

/**
 * The template of a one-position state without its liquidation threshold (payments move it: paying-
 * runner.ts), checked against step() at prices well past it, where the venue liquidates the
 * position: undefined where none applies (orders, a cure period, a debt, a market of its own, a
 * stock, another currency), where fewer than two such prices are found, or where any figure differs.
 */
export function checkedLiquidationTemplate(state: EngineState, columns: readonly PriceColumn[]): LiquidationTemplate | undefined {
  const { snapshot } = state;
  const position = snapshot.positions[0];
  if (!position || snapshot.positions.length !== 1 || state.orders.size > 0 || state.debt !== null || position.instrument.conversion) return undefined;
  if (snapshot.venue.cureDays !== 0 || position.instrument.kind === 'stock') return undefined;
  if (state.market.insuranceFund !== null || state.market.counterparties.length > 0) return undefined;
  const column = columns.findIndex((each) => each.symbol === position.instrument.symbol);
  if (column < 0) return undefined;
  const here = columns.map((each) => {
    const mark = snapshot.marks.get(each.symbol);
    return mark ? Math.round(toApproximateNumber(divide(mark, each.tick, 0, 'half-even'))) : Math.round(each.startTicks);
  });
  // A venue that calls before it liquidates issues the call on the same tick, unless one is open.
  const scope = position.isolatedMargin ? position.id : 'cross';
  const template = new LiquidationTemplate(state, (columns[column] as PriceColumn).tick, snapshot.venue.marginCall !== null && !state.marginCalls.has(scope));
  let agreed = 0;
  for (const fraction of position.side === 'long' ? CHECKS_LONG : CHECKS_SHORT) {
    const ticks = Math.min(MAX_TICKS, Math.max(1, Math.round((here[column] as number) * fraction)));
    if (!template.applies(ticks)) continue;
    const probe = [...here];
    probe[column] = ticks;
    const result = step(state, markCommand(columns, probe, state.time ?? undefined));
    if (!result.events.some((event) => event.type === 'position-liquidated')) continue;
    if (!template.agreesWith(ticks, state, result)) return undefined;
    agreed++;
  }
  return agreed >= CHECKS_NEEDED ? template : undefined;
}
