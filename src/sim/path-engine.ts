/**
 * One variant's account walked along simulated paths by the engine's own reducer (../core/engine
 * step.ts), fast: the reducer is called only on the observations where it can do something.
 *
 * Per distinct account state (a memo): an account on one instrument and one side gets a band of
 * prices on which a mark changes nothing (bands.ts), and, when its only position would be
 * liquidated whole, a template that settles that liquidation by the engine's formulas
 * (fast-liquidation.ts); an account on several instruments gets the separable screen
 * (separable-screen.ts); anything else is stepped on every observation. A margin call with a cure
 * deadline (Reg T) ends the quiet stretch at the deadline. Marks the reducer does see are memoised
 * where their result cannot depend on the time.
 *
 * `everyTick` turns all of this off: the reference the fast path is differentially tested against.
 * A variant that pays funding or financing runs in paying-runner.ts, which extends this one.
 */
import { conversionPairs } from '../core/instrument/conversion.js';
import { step } from '../core/engine/step.js';
import type { EngineEvent, EngineState, StepResult } from '../core/engine/engine-types.js';
import type { Instant } from '../core/engine/instant.js';
import type { Decimal } from '../core/money/decimal.js';
import { asAmount } from '../core/money/units.js';
import { costBasis } from '../core/margin/position-measures.js';
import { sumRational } from '../core/money/rational.js';
import { exactDecimal } from '../core/engine/fills.js';
import { SAFE_BOUND } from '../core/book/safe-integer.js';
import { findBand, findFast, usable, type Band, type Fast } from './bands.js';
import { units, type LiquidationTemplate, type SettledUnits } from './fast-liquidation.js';
import { SeparableTables, type SeparableScreen } from './separable-screen.js';
import type { Policy } from './sim-input.js';
import { fullKey, positionsKey, stateKey } from './state-keys.js';
import { markCommand, ticksOf, type PriceColumn } from './ticks.js';

/** The account's worth at the horizon in floats: base + Σ a × (coordinate(price) - coordinate(entry)). */
export interface Worth {
  readonly base: number;
  /** The balance and the cost basis in base, apart: payments not yet booked move the balance (paying-runner.ts). */
  readonly balance: Decimal;
  readonly costBasis: number;
  readonly terms: readonly {
    readonly column: number; readonly a: number; readonly entry: number; readonly inverse: boolean;
    /** The pair that converts the P&L into the account currency: its column, or its mark held. */
    readonly rate?: { readonly column: number; readonly held: number; readonly inverted: boolean };
  }[];
}

interface Figures {
  readonly moneyIn: number;
  readonly debt: number;
  readonly venueLoss: number;
  /** Totals in account units: fees paid, funding and financing received (negative: paid). */
  readonly fees: bigint;
  readonly funding: bigint;
  readonly financing: bigint;
  /** The same as the outcome counts them: what the client paid, in the currency. */
  readonly feesPaid: number;
  readonly fundingPaid: number;
  readonly financingPaid: number;
}

export interface Memo {
  /** undefined: no band (several instruments, or both sides of one): the screen, or every tick. */
  readonly band: Band | null | undefined;
  /** Accounts on several instruments: the separable screen (separable-screen.ts), when it applies. */
  readonly screen: SeparableScreen | undefined;
  readonly fast: Fast | undefined;
  readonly worth: Worth;
  /** The earliest cure deadline of an open call (ms), or Infinity. */
  readonly deadlineMs: number;
  /** No position, order or call: no price and no payment can change anything. */
  readonly idle: boolean;
}

/** What one path did to one variant's account. */
export interface PathOutcome {
  marginCall: boolean;
  liquidation: boolean;
  negativeBalance: boolean;
  debt: boolean;
  /** Observation (1-based) of the first liquidation; 0 = none. */
  liquidationStep: number;
  /** Deposits - withdrawals - the account's worth at the horizon: positive = the client lost. */
  loss: number;
  debtAmount: number;
  venueLoss: number;
  fundsAdded: number;
  /** Deposits made in answer to margin calls. */
  deposits: number;
  /** What holding and trading cost the client over the path (negative: received): fees, funding, financing. */
  fees: number;
  funding: number;
  financing: number;
}

/** Distinct (state, prices) steps kept per variant; the memo is emptied when it is full. */
const TRANSITION_MEMO_SIZE = 100_000;
/** Distinct states whose bands or screens are kept; emptied when full (payments make a state a payment). */
const STATE_MEMO_SIZE = 50_000;

/**
 * Booked amounts as binary64 for the statistics, one conversion for every figure (the fast path and
 * the reducer's path must agree to the bit): units / 10^scale.
 */
export const numberOfUnits = (units: bigint | number, scale: number): number => (units === 0n || units === 0 ? 0 : Number(units) / 10 ** scale);
export const numberOf = (value: Decimal): number => numberOfUnits(value.units, value.scale);
/** Account units plus a settlement's, in doubles while both are exact there (they are below 2^52 in practice). */
function addUnits(total: bigint, more: number): number | bigint {
  const sum = Number(total) + more;
  return Math.abs(sum) < SAFE_BOUND && Number.isSafeInteger(Number(total)) ? sum : total + BigInt(more);
}

/** What the client paid, from a total received (negative: paid) in account units. */
export const paid = (received: bigint, scale: number): number => numberOfUnits(-received, scale);
/** After this many memo lookups, the memo is dropped unless at least this share of them were hits. */
const MEMO_TRIAL = 2048;
const MEMO_MINIMUM_HIT_RATE = 0.25;

export class VariantRunner {
  private readonly memo = new Map<string, Memo>();
  private readonly lastByPositions = new Map<string, Memo>();
  protected readonly columnOf: ReadonlyMap<string, number>;
  private readonly transitions = new Map<string, StepResult>();
  /** The starting prices in ticks, and the starting state's memo (every path starts there). */
  protected readonly startTicks: Float64Array;
  protected startMemo: Memo | undefined;
  private readonly figures = new WeakMap<EngineState, Figures>();
  /** Separable-screen tables per set of positions (null: the screen does not apply). */
  private readonly tables = new Map<string, SeparableTables | null>();
  /** The outcome of the path last run: one object, overwritten by the next path (read it before). */
  protected readonly outcome: PathOutcome;
  /** The last fast settlement, likewise reused. */
  private readonly settled: SettledUnits = { balance: 0, absorbed: 0, debt: 0, fee: 0 };
  /** How paths were handled: observations the reducer stepped, liquidations the template settled, observations checked on exact figures. */
  readonly counters = { stepped: 0, settledFast: 0, checkedExactly: 0 };
  /** Whether steps are memoised: their result cannot depend on the time (no cure period, no partial-liquidation cooldown) and they repeat. */
  private remember: boolean;
  private lookups = 0;
  private hits = 0;

  constructor(
    readonly name: string,
    readonly start: EngineState,
    readonly policy: Policy,
    readonly columns: readonly PriceColumn[],
    /** Time of observation k (0 = the start). */
    readonly times: readonly Instant[],
  ) {
    this.columnOf = new Map(columns.map((column, index) => [column.symbol, index]));
    this.startTicks = Float64Array.from(columns, (column) => Math.round(column.startTicks));
    this.outcome = {
      marginCall: false, liquidation: false, negativeBalance: false, debt: false, liquidationStep: 0,
      loss: 0, debtAmount: 0, venueLoss: 0, fundsAdded: 0, deposits: 0, fees: 0, funding: 0, financing: 0,
    };
    const { venue } = start.snapshot;
    this.remember = venue.cureDays === 0 && venue.partialLiquidation === undefined;
  }

  protected memoFor(state: EngineState, ticks: ArrayLike<number>): Memo {
    const key = stateKey(state);
    let memo = this.memo.get(key);
    if (!memo) {
      if (this.memo.size >= STATE_MEMO_SIZE) {
        this.memo.clear();
        this.lastByPositions.clear();
      }
      const positions = positionsKey(state);
      memo = this.buildMemo(state, ticks, this.lastByPositions.get(positions));
      this.memo.set(key, memo);
      this.lastByPositions.set(positions, memo);
    }
    return memo;
  }

  /**
   * What the fast path needs to know about a state: its band, fast settlement or screen, its worth.
   * The last memo of a state with the same positions (`hint`) seeds the searches (bands.ts).
   * Instruments counted in another currency (conversion.ts): the band is sound only where each
   * position's value moves with its own column alone; the fast settlement and the separable screen
   * assume plain linear or inverse values, so every other observation goes to the reducer.
   */
  protected buildMemo(state: EngineState, ticks: ArrayLike<number>, hint: Memo | undefined): Memo {
    const converted = isConverted(state);
    const crossColumn = this.crossColumn(state);
    const band = crossColumn ? undefined : findBand(state, this.columns, ticks, hint?.band ?? undefined);
    return {
      band,
      fast: band && !converted ? findFast(state, this.columns, band, hint?.fast) : undefined,
      screen: band === undefined && !converted ? this.screenFor(state, positionsKey(state)) : undefined,
      worth: this.worthOf(state), deadlineMs: deadlineOf(state), idle: isIdle(state),
    };
  }

  /** Whether a position's value moves with another column than its own (a conversion pair the model moves). */
  protected crossColumn(state: EngineState): boolean {
    return state.snapshot.positions.some((position) => conversionPairs(position.instrument).some((pair) => this.columnOf.has(pair)));
  }

  protected worthOf(state: EngineState): Worth {
    const { snapshot } = state;
    const held = numberOf(exactDecimal(sumRational(snapshot.positions.map(costBasis))));
    const base = numberOf(snapshot.balance) + held;
    const terms = snapshot.positions.map((position) => {
      const inverse = position.instrument.kind === 'inverse';
      const direction = inverse ? (position.side === 'long' ? -1 : 1) : (position.side === 'long' ? 1 : -1);
      const size = numberOf(position.quantity) * numberOf(position.instrument.contractSize);
      const entry = numberOf(position.entryPrice);
      const profit = position.instrument.conversion?.profit;
      // P&L counted in another currency, converted at its pair: a column of the model, else its mark held.
      const rate = profit ? {
        column: this.columnOf.get(profit.pair) ?? -1,
        held: numberOf(snapshot.marks.get(profit.pair) ?? position.entryPrice),
        inverted: profit.inverted,
      } : undefined;
      return {
        column: this.columnOf.get(position.instrument.symbol) ?? -1, a: direction * size, entry: inverse ? 1 / entry : entry, inverse,
        ...(rate ? { rate } : {}),
      };
    });
    return { base, balance: snapshot.balance, costBasis: held, terms };
  }

  /** The separable screen for a state on several instruments, its tables shared by every state whose positions give this key. */
  protected screenFor(state: EngineState, key: string): SeparableScreen | undefined {
    let tables = this.tables.get(key);
    if (tables === undefined) {
      tables = SeparableTables.build(state, this.columns, this.startTicks) ?? null;
      this.tables.set(key, tables);
    }
    return tables?.screen(state);
  }

  /**
   * Runs one path: `moves` holds x for observation k at [(k - 1) × columns + i], k = 1..steps.
   * `everyTick` steps the reducer on every observation (the reference). The outcome object is the
   * runner's own, overwritten by the next path.
   */
  run(moves: Float64Array, range: Float64Array, steps: number, everyTick = false): PathOutcome {
    const n = this.columns.length;
    let ticks = this.startTicks;
    let state = this.start;
    const outcome = this.resetOutcome();
    this.startMemo ??= this.memoFor(state, ticks);
    let memo = this.startMemo;
    let band = usable(memo.band, ticks);
    // The whole path inside the starting band (the common case): nothing happens on it.
    const untouched = !everyTick && memo.deadlineMs === Infinity && (band
      ? (range[2 * band.column] as number) >= band.xlo && (range[2 * band.column + 1] as number) <= band.xhi
      : band === undefined && memo.screen !== undefined && memo.screen.quietAcross(range));
    for (let k = untouched ? steps + 1 : 1; k <= steps; k++) {
      if (!everyTick && band && memo.deadlineMs === Infinity) {
        // The hot loop: observations inside the band's float bounds cannot change anything.
        const { xlo, xhi } = band;
        let index = (k - 1) * n + band.column;
        for (; k <= steps; k++, index += n) {
          const x = moves[index] as number;
          if (x < xlo || x > xhi) break;
        }
        if (k > steps) break;
      }
      const offset = (k - 1) * n;
      const time = this.times[k];
      if (!everyTick && band === undefined && memo.screen && (time === undefined || time.ms < memo.deadlineMs) && memo.screen.quiet(moves, offset)) continue;
      if (!everyTick && band !== undefined && (time === undefined || time.ms < memo.deadlineMs)) {
        if (band === null) break;
        const x = moves[offset + band.column] as number;
        if (x >= band.xlo && x <= band.xhi) continue;
        const t = ticksOf(this.columns[band.column] as PriceColumn, x);
        if (t >= band.lo && t <= band.hi) continue;
        const fast = memo.fast;
        if (fast && (fast.long ? t <= fast.threshold : t >= fast.threshold) && fast.template.applies(t)) {
          return this.settleFast(outcome, fast, t, k, state);
        }
      }
      if (ticks === this.startTicks) ticks = new Float64Array(n);
      for (let i = 0; i < n; i++) ticks[i] = ticksOf(this.columns[i] as PriceColumn, moves[offset + i] as number);
      state = this.observe(state, ticks, time, k, outcome, everyTick);
      memo = this.memoFor(state, ticks);
      band = usable(memo.band, ticks);
    }
    this.valueAtHorizon(outcome, state, memo.worth, moves, (steps - 1) * n);
    return outcome;
  }

  protected resetOutcome(): PathOutcome {
    const outcome = this.outcome;
    outcome.marginCall = false;
    outcome.liquidation = false;
    outcome.negativeBalance = false;
    outcome.debt = false;
    outcome.liquidationStep = 0;
    outcome.loss = 0;
    outcome.debtAmount = 0;
    outcome.venueLoss = 0;
    outcome.fundsAdded = 0;
    outcome.deposits = 0;
    outcome.fees = 0;
    outcome.funding = 0;
    outcome.financing = 0;
    return outcome;
  }

  /**
   * The client's loss, the debt, the venue's loss and the costs once the path ends, the account
   * valued at the last observation (moves[last + i]); `base`: the worth before open P&L, where
   * payments not yet booked move it (paying-runner.ts).
   */
  protected valueAtHorizon(outcome: PathOutcome, state: EngineState, worth: Worth, moves: Float64Array, last: number, base = worth.base): void {
    let value = base;
    const { terms } = worth;
    for (let t = 0; t < terms.length; t++) {
      const term = terms[t] as Worth['terms'][number];
      const column = this.columns[term.column] as PriceColumn;
      const price = ticksOf(column, moves[last + term.column] as number) * column.tickValue;
      const pnl = term.a * ((term.inverse ? 1 / price : price) - term.entry);
      const { rate } = term;
      if (!rate) {
        value += pnl;
        continue;
      }
      const rateColumn = this.columns[rate.column];
      const mark = rateColumn ? ticksOf(rateColumn, moves[last + rate.column] as number) * rateColumn.tickValue : rate.held;
      value += rate.inverted ? pnl / mark : pnl * mark;
    }
    const figures = this.figuresOf(state);
    outcome.loss = figures.moneyIn - value;
    outcome.debtAmount = figures.debt;
    outcome.venueLoss = figures.venueLoss;
    outcome.fees = figures.feesPaid;
    outcome.funding = figures.fundingPaid;
    outcome.financing = figures.financingPaid;
  }

  /**
   * An observation the reducer sees: the mark, then the client's answer to a margin call still open
   * after the venue acted (not one a stop-out already closed): close every position, or deposit.
   */
  protected observe(state: EngineState, ticks: ArrayLike<number>, time: Instant | undefined, k: number, outcome: PathOutcome, everyTick: boolean): EngineState {
    this.counters.stepped++;
    const marked = everyTick ? step(state, markCommand(this.columns, ticks, time)) : this.markStep(state, ticks, time);
    return this.answer(marked, time, k, outcome);
  }

  /** A step's result, then the client's answer to a margin call it issued and left open. */
  protected answer(result: StepResult, time: Instant | undefined, k: number, outcome: PathOutcome): EngineState {
    let after = result.state;
    const called = this.record(outcome, result.events, k) && after.marginCalls.size > 0;
    if (!called) return after;
    const { policy } = this;
    if (policy.onMarginCall === 'close') {
      for (const position of after.snapshot.positions) {
        const closed = step(after, time ? { type: 'close', time, position: position.id } : { type: 'close', position: position.id });
        after = closed.state;
        this.record(outcome, closed.events, k);
      }
    } else if (policy.onMarginCall === 'add-funds' && policy.amount && outcome.deposits < policy.times) {
      const amount = asAmount(policy.amount);
      const deposited = step(after, time ? { type: 'deposit', time, amount } : { type: 'deposit', amount });
      after = deposited.state;
      outcome.deposits++;
      outcome.fundsAdded += numberOf(amount);
      this.record(outcome, deposited.events, k);
    }
    return after;
  }

  /**
   * A mark through the reducer, memoised: step() is pure, so the same state and prices give the same
   * result. Only where time cannot matter (no cure periods, no partial-liquidation cooldown); the
   * remembered state takes this command's time.
   */
  private markStep(state: EngineState, ticks: ArrayLike<number>, time: Instant | undefined): StepResult {
    if (!this.remember) return step(state, markCommand(this.columns, ticks, time));
    const key = `${fullKey(state)}@${Array.prototype.join.call(ticks, ',')}`;
    const known = this.transitions.get(key);
    this.lookups++;
    if (known) {
      this.hits++;
      return { state: { ...known.state, time: time ?? known.state.time }, events: known.events };
    }
    if (this.lookups >= MEMO_TRIAL && this.hits < this.lookups * MEMO_MINIMUM_HIT_RATE) {
      // Prices too fine to repeat (8 decimals without a tick size): remembering only costs.
      this.remember = false;
      this.transitions.clear();
    }
    const result = step(state, markCommand(this.columns, ticks, time));
    if (this.transitions.size >= TRANSITION_MEMO_SIZE) this.transitions.clear();
    this.transitions.set(key, result);
    return result;
  }

  /** A state's money as the outcome counts it: deposits - withdrawals, the debt, the venue's loss, the costs (kept per state object). */
  protected figuresOf(state: EngineState): Figures {
    let figures = this.figures.get(state);
    if (!figures) {
      const { totals } = state;
      const decimals = state.snapshot.currencyDecimals;
      const fees = units(totals.fees, decimals);
      const funding = units(totals.funding, decimals);
      const financing = units(totals.financing, decimals);
      figures = {
        moneyIn: numberOf(totals.deposits) - numberOf(totals.withdrawals),
        debt: state.debt ? numberOf(state.debt.outstanding) : 0,
        venueLoss: numberOf(totals.venueLoss),
        fees, funding, financing,
        feesPaid: numberOfUnits(fees, decimals), fundingPaid: paid(funding, decimals), financingPaid: paid(financing, decimals),
      };
      this.figures.set(state, figures);
    }
    return figures;
  }

  /** A path ended by a whole liquidation, settled by the template: the account is flat, nothing more can happen. */
  private settleFast(outcome: PathOutcome, fast: Fast, ticks: number, k: number, state: EngineState): PathOutcome {
    return this.settleWith(outcome, fast.template, ticks, k, state);
  }

  /**
   * A whole liquidation settled by a template (fast-liquidation.ts) from `state`, with `pending`
   * payments worked out since it and not booked (paying-runner.ts).
   */
  protected settleWith(outcome: PathOutcome, template: LiquidationTemplate, ticks: number, k: number, state: EngineState, pending?: Pending): PathOutcome {
    const settled = this.settled;
    template.settleUnits(ticks, settled, pending?.balance ?? 0);
    this.counters.settledFast++;
    const decimals = state.snapshot.currencyDecimals;
    if (!outcome.liquidation) outcome.liquidationStep = k;
    outcome.liquidation = true;
    if (template.issuesCall) outcome.marginCall = true;
    if (settled.absorbed > 0 || settled.balance < 0) outcome.negativeBalance = true;
    if (settled.debt > 0) outcome.debt = true;
    // The state's own totals: states alike for the memo may differ in what the venue absorbed before.
    outcome.loss = this.figuresOf(state).moneyIn - numberOfUnits(settled.balance, decimals);
    outcome.debtAmount = numberOfUnits(settled.debt, decimals);
    outcome.venueLoss = settled.absorbed === 0 ? this.figuresOf(state).venueLoss
      : numberOfUnits(units(state.totals.venueLoss, decimals) + BigInt(settled.absorbed), decimals);
    const figures = this.figuresOf(state);
    outcome.fees = settled.fee === 0 ? figures.feesPaid : numberOfUnits(addUnits(figures.fees, settled.fee), decimals);
    outcome.funding = pending && pending.funding !== 0 ? paid(figures.funding + BigInt(pending.funding), decimals) : figures.fundingPaid;
    outcome.financing = pending && pending.financing !== 0 ? paid(figures.financing + BigInt(pending.financing), decimals) : figures.financingPaid;
    return outcome;
  }

  /** Folds a step's events into the outcome; true when a margin call was issued. */
  protected record(outcome: PathOutcome, events: readonly EngineEvent[], k: number): boolean {
    let called = false;
    for (const event of events) {
      switch (event.type) {
        case 'margin-call-issued': outcome.marginCall = true; called = true; break;
        case 'position-liquidated':
          if (!outcome.liquidation) outcome.liquidationStep = k;
          outcome.liquidation = true;
          break;
        case 'deficit-absorbed': outcome.negativeBalance = true; break;
        case 'debt-recorded': outcome.debt = true; outcome.negativeBalance = true; break;
        case 'rejected': throw new Error(`the engine refused a simulated ${event.fields.command ?? 'command'}: ${event.fields.message ?? ''}`);
        default: break;
      }
    }
    return called;
  }
}

/** Payments worked out by the fast path and not yet booked, in account units (paying-runner.ts). */
export interface Pending {
  balance: number;
  funding: number;
  financing: number;
}

/** Whether a position is counted in a currency other than the account's (conversion.ts). */
export function isConverted(state: EngineState): boolean {
  return state.snapshot.positions.some((position) => position.instrument.conversion);
}

/** No position, order or call: nothing a price or a payment does can change the state. */
export function isIdle(state: EngineState): boolean {
  return state.snapshot.positions.length === 0 && state.orders.size === 0 && state.marginCalls.size === 0;
}

export function deadlineOf(state: EngineState): number {
  let deadline = Infinity;
  for (const call of state.marginCalls.values()) {
    if (call.deadlineMs !== undefined && call.deadlineMs < deadline) deadline = call.deadlineMs;
  }
  return deadline;
}
