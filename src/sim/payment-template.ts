/**
 * The columnar fast path of a payment (funding, financing): what each position on the instrument
 * receives (negative: pays) at t ticks, in integer account units, by the engine's own formulas
 * (../core/engine/commands.ts payFunding, chargeFinancing), so the path engine can carry a payment
 * without stepping the reducer while the account stays far from any threshold:
 *
 *   funding             received = ⌊-side × rate × q × contract × x × 10^d⌋
 *   financing (rates)   received = ⌊rate(side) × q × contract × x × nights / dayCount × 10^d⌋
 *   financing (points)  received = ⌊points(side) × q × contract × point × nights × 10^d⌋
 *
 * with side = +1 long, -1 short, x = price (linear, CFD, stock) or 1 / price (inverse), price =
 * t × tick, d the account currency's decimals: each a fraction a × t / c, a / (c × t) or a / c of
 * integers, rounded down (against the account, as the engine books it). An isolated position pays
 * at most its margin: the path engine checks that the margin covers the payment, else the reducer
 * books it. Positions whose P&L (and so notional) is counted in another currency (conversion.ts)
 * have no template; one margined in another currency (EURUSD in USD) has.
 *
 * A template is made for one set of positions and one command, and checked against step() itself
 * at the state's marks before it is used: where any amount differs, the reducer books every such
 * payment. The simulator's differential test holds the two to identical outcomes.
 */
import type { Position } from '../core/account/position.js';
import type { Command, EngineState } from '../core/engine/engine-types.js';
import { step } from '../core/engine/step.js';
import { divideIntegers } from '../core/money/rounding.js';
import { fromDecimal, multiplyRational, rational, type Rational } from '../core/money/rational.js';
import { dec, parseDecimal } from '../core/money/decimal.js';
import { floorDivide, isSafeAmount } from '../core/book/safe-integer.js';
import { units } from './fast-liquidation.js';
import type { PriceColumn } from './ticks.js';

export type PaymentCommand = Extract<Command, { type: 'funding' | 'financing' }>;

/** How the amount moves with the price in ticks t: a t / c, a / (c t), or a / c. */
type Shape = 'linear' | 'inverse' | 'constant';

/** One position's amount at t ticks: ⌊a t / c⌋, ⌊a / (c t)⌋ or ⌊a / c⌋ account units (c > 0). */
export interface PaymentTerm {
  readonly position: string;
  /** Its margin scope: "cross" or the isolated position's id. */
  readonly scope: string;
  readonly isolated: boolean;
  readonly column: number;
  readonly shape: Shape;
  readonly a: bigint;
  readonly c: bigint;
  /** a and c as doubles when both are below 2^52, for the hot path; else NaN. */
  readonly an: number;
  readonly cn: number;
}

const SAFE = 2n ** 52n;
const asSafe = (value: bigint): number => (value < SAFE && value > -SAFE ? Number(value) : Number.NaN);

/** The yearly-rate or per-night factor of a payment on one position, before the price. */
function factorOf(command: PaymentCommand, position: Position, dayCount: Rational): Rational {
  const long = position.side === 'long';
  if (command.type === 'funding') return multiplyRational(fromDecimal(command.rate), rational(long ? -1n : 1n));
  const given = fromDecimal(long ? command.long : command.short);
  const nights = fromDecimal(command.days ?? dec('1'));
  return command.unit === 'rate'
    ? multiplyRational(multiplyRational(given, nights), rational(dayCount.denominator, dayCount.numerator))
    : multiplyRational(given, nights);
}

function termOf(command: PaymentCommand, position: Position, column: PriceColumn, index: number, decimals: number, dayCount: Rational): PaymentTerm | undefined {
  const { instrument } = position;
  // Notional in another currency is converted at a pair's mark (conversion.ts): the reducer books it.
  if (instrument.conversion?.profit) return undefined;
  const size = multiplyRational(fromDecimal(position.quantity), fromDecimal(instrument.contractSize));
  const unit = rational(10n ** BigInt(decimals));
  const tick = fromDecimal(column.tick);
  const base = multiplyRational(multiplyRational(size, factorOf(command, position, dayCount)), unit);
  let shape: Shape;
  let exact: Rational;
  if (command.type === 'financing' && command.unit === 'points') {
    if (!instrument.tickSize) return undefined;
    shape = 'constant';
    exact = multiplyRational(base, fromDecimal(instrument.tickSize));
  } else if (instrument.kind === 'inverse') {
    shape = 'inverse';
    exact = multiplyRational(base, rational(tick.denominator, tick.numerator));
  } else {
    shape = 'linear';
    exact = multiplyRational(base, tick);
  }
  const { numerator: a, denominator: c } = exact;
  return {
    position: position.id, scope: position.isolatedMargin ? position.id : 'cross', isolated: position.isolatedMargin !== undefined,
    column: index, shape, a, c, an: asSafe(a), cn: asSafe(c),
  };
}

/** A term's amount at t ticks, exactly: doubles while every figure stays below 2^52, bigint otherwise. */
export function amountAt(term: PaymentTerm, ticks: number): number {
  const { an, cn } = term;
  if (term.shape === 'constant') return isSafeAmount(an) ? floorDivide(an, cn) : Number(divideIntegers(term.a, term.c, 'floor'));
  if (term.shape === 'linear') {
    const numerator = an * ticks;
    if (isSafeAmount(numerator) && isSafeAmount(cn)) return floorDivide(numerator, cn);
    return Number(divideIntegers(term.a * BigInt(ticks), term.c, 'floor'));
  }
  const denominator = cn * ticks;
  if (isSafeAmount(an) && isSafeAmount(denominator)) return floorDivide(an, denominator);
  return Number(divideIntegers(term.a, term.c * BigInt(ticks), 'floor'));
}

/** What each position received from a payment step, by position id, in account units (negative: paid). */
function bookedAmounts(state: EngineState, command: PaymentCommand): Map<string, bigint> | undefined {
  const result = step(state, command);
  const decimals = state.snapshot.currencyDecimals;
  const amounts = new Map<string, bigint>();
  for (const event of result.events) {
    const sign = event.type === 'funding-received' ? 1n : event.type === 'funding-paid' || event.type === 'financing-charged' ? -1n : 0n;
    if (event.type === 'rejected') return undefined;
    const amount = event.fields.amount === undefined ? undefined : parseDecimal(event.fields.amount);
    const position = event.fields.position;
    if (sign === 0n || !amount || position === undefined) continue;
    amounts.set(position, sign * units(amount, decimals));
  }
  return amounts;
}

export class PaymentTemplate {
  private constructor(readonly command: PaymentCommand, readonly terms: readonly PaymentTerm[]) {}

  /** The funding or financing total the payment books into. */
  get total(): 'funding' | 'financing' {
    return this.command.type;
  }

  /**
   * The template of `command` on the state's positions; undefined where there is none (a position
   * whose notional is counted in another currency, or an amount the reducer books differently at
   * the state's marks); 'unchecked' where the state's mark is off the tick grid (a snapshot's),
   * so a state on it must be asked again.
   */
  static build(state: EngineState, columns: readonly PriceColumn[], command: PaymentCommand): PaymentTemplate | 'unchecked' | undefined {
    const { snapshot } = state;
    const symbol = command.instrument.symbol;
    const index = columns.findIndex((column) => column.symbol === symbol);
    const column = columns[index];
    const mark = snapshot.marks.get(symbol);
    if (!column || !mark) return undefined;
    const ticks = multiplyRational(fromDecimal(mark), rational(fromDecimal(column.tick).denominator, fromDecimal(column.tick).numerator));
    if (ticks.denominator !== 1n) return 'unchecked';
    const dayCount = command.type === 'financing'
      ? fromDecimal(command.dayCount ?? dec(String(snapshot.venue.financing?.dayCount ?? 365)))
      : rational(1n);
    const terms: PaymentTerm[] = [];
    for (const position of snapshot.positions) {
      if (position.instrument.symbol !== symbol) continue;
      const term = termOf(command, position, column, index, snapshot.currencyDecimals, dayCount);
      if (!term) return undefined;
      terms.push(term);
    }
    const template = new PaymentTemplate(command, terms);
    return template.agreesWith(state, Number(ticks.numerator)) ? template : undefined;
  }

  /** Whether the reducer books, at the state's marks (t ticks), exactly the amounts the terms give. */
  private agreesWith(state: EngineState, ticks: number): boolean {
    const booked = bookedAmounts(state, this.command);
    if (!booked) return false;
    const expected = new Map(this.terms.map((term) => [term.position, BigInt(amountAt(term, ticks))]));
    for (const [position, amount] of expected) if ((booked.get(position) ?? 0n) !== amount) return false;
    for (const position of booked.keys()) if (!expected.has(position)) return false;
    return true;
  }
}
