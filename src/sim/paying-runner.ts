/**
 * A variant whose account pays (or receives) funding or financing over the horizon (payments.ts):
 * the path engine of path-engine.ts with the payments stepped in, fast, and identical to the engine
 * stepped on every observation (`everyTick`, the reference the differential test holds it to).
 *
 * A payment moves a scope's collateral by its amount and nothing its requirements are made of, so
 * while an account is clear of every threshold the payments are worked out by the engine's
 * formulas (payment-template.ts) and left pending, and each observation is screened with every
 * scope's slacks moved by what its positions have paid so far (separable-screen.ts): through a
 * quiet interval of log moves where every position is on one side of one instrument (a hot loop
 * up to the next payment), else point by point, with the exact figures where the float bounds
 * cannot clear it (exact-clearance.ts; a tick found clear clears every tick beyond it).
 * A path clear of every threshold throughout (its range of prices, with the payments' lowest and
 * highest running totals) books nothing: its outcome is the start's, plus the payments.
 *
 * Where the mark, or a payment after it, breaches the liquidation requirement of a one-position
 * account, the whole-liquidation template (fast-liquidation.ts) settles it with the payments
 * pending. Anywhere else that is not clear (a call, a stop, a partial liquidation, a payment with
 * no template, a cure deadline), the pending payments are booked by the reducer, each at the
 * prices of its own observation, and the reducer takes the observation and its payments.
 *
 * Bands (bands.ts) hold for one state, which every payment changes, so a paying variant screens
 * one instrument too, and one counted in another currency at its own price (EURUSD's margin in
 * EUR, USDJPY's P&L in JPY: still a function of its own column). Accounts the screen does not
 * serve (an instrument held on both sides, a value that moves with another column) are stepped on
 * every observation, and a payment on a position whose P&L is converted is booked by the reducer.
 */
import type { EngineState } from '../core/engine/engine-types.js';
import type { Instant } from '../core/engine/instant.js';
import type { Position } from '../core/account/position.js';
import { step } from '../core/engine/step.js';
import { exactlyBreached, exactlyClear } from './exact-clearance.js';
import { checkedLiquidationTemplate, units, type LiquidationTemplate } from './fast-liquidation.js';
import { deadlineOf, isIdle, numberOfUnits, paid, VariantRunner, type Memo, type PathOutcome, type Pending, type Worth } from './path-engine.js';
import { amountAt, PaymentTemplate, type PaymentCommand } from './payment-template.js';
import type { PaymentSchedule } from './payments.js';
import type { Policy } from './sim-input.js';
import { shapeKey } from './state-keys.js';
import { priceOfTicks, ticksOf, type PriceColumn } from './ticks.js';

/** A template with each term's scope as an index into the screen's shifts. */
interface Carried {
  readonly template: PaymentTemplate;
  readonly scopes: Int32Array;
}

/** A whole liquidation the template settles: at these ticks of the position's column. */
interface Liquidation {
  readonly template: LiquidationTemplate;
  readonly ticks: number;
}

interface PayingMemo extends Memo {
  /** The positions without their isolated margins (state-keys.ts): what templates are kept by. */
  readonly shape: string;
  /** Per screen scope, the isolated margin in account units (NaN for the cross scope). */
  readonly margins: Float64Array | undefined;
  /**
   * Where the quiet prices lie, when they lie on one side of a frontier: +1 (every position long on
   * one instrument, no order, no call: a mark at or above a quiet tick is quiet, as every scope's
   * slacks rise with the price), -1 (short: at or below), 0 (no such frontier).
   */
  readonly monotone: 1 | -1 | 0;
  /** The column of that instrument. */
  readonly column: number;
}

export class PayingRunner extends VariantRunner {
  /** Per state memo, its whole-liquidation template, or null. */
  private readonly liquidations = new WeakMap<Memo, LiquidationTemplate | null>();
  /** Per shape, per command: its template, or null where the reducer books it. */
  private readonly templates = new Map<string, Map<PaymentCommand, Carried | null>>();
  /** Payments worked out and not booked: totals in account units, and the schedule entries. */
  private readonly pending: Pending = { balance: 0, funding: 0, financing: 0 };
  private readonly entries: number[] = [];
  /** Per screen scope: the pending payments in account units, and in money (what the screen takes). */
  private readonly shiftUnits: Float64Array;
  private readonly shifts: Float64Array;
  private readonly trialUnits: Float64Array;
  private readonly trial: Float64Array;
  private readonly low: Float64Array;
  private readonly high: Float64Array;
  private readonly ticks: Float64Array;
  private readonly unit: number;
  /** The quiet frontier of the state and shifts now (PayingMemo.monotone), in ticks; NaN: none found yet. */
  private frontier = Number.NaN;
  /** A whole liquidation a payment led to (carry()), for run() to settle. */
  private liquidation: Liquidation | undefined;
  /** The quiet interval of the state and shifts now; null: not found yet. */
  private interval: { xlo: number; xhi: number } | undefined | null = null;

  constructor(
    name: string, start: EngineState, policy: Policy, columns: readonly PriceColumn[], times: readonly Instant[],
    readonly schedule: PaymentSchedule,
  ) {
    super(name, start, policy, columns, times);
    // A scope per isolated position and the cross one; positions are only ever closed.
    const scopes = start.snapshot.positions.length + 1;
    this.shiftUnits = new Float64Array(scopes);
    this.shifts = new Float64Array(scopes);
    this.trialUnits = new Float64Array(scopes);
    this.trial = new Float64Array(scopes);
    this.low = new Float64Array(scopes);
    this.high = new Float64Array(scopes);
    this.ticks = new Float64Array(columns.length);
    this.unit = 10 ** start.snapshot.currencyDecimals;
  }

  protected override buildMemo(state: EngineState): PayingMemo {
    const screen = this.crossColumn(state) ? undefined : this.screenFor(state, shapeKey(state));
    const margins = screen && Float64Array.from(screen.scopeIds, (id) => {
      const margin = state.snapshot.positions.find((position) => position.id === id)?.isolatedMargin;
      return id !== 'cross' && margin ? Number(units(margin, state.snapshot.currencyDecimals)) : Number.NaN;
    });
    return {
      band: undefined, fast: undefined, screen, worth: this.worthOf(state), deadlineMs: deadlineOf(state), idle: isIdle(state),
      shape: shapeKey(state), margins, ...this.frontierOf(state),
    };
  }

  /** Whether the state's quiet prices have a frontier (PayingMemo.monotone), and on which column. */
  private frontierOf(state: EngineState): { monotone: 1 | -1 | 0; column: number } {
    const { positions } = state.snapshot;
    const first = positions[0];
    const none = { monotone: 0 as const, column: -1 };
    if (!first || state.orders.size > 0 || state.marginCalls.size > 0 || this.crossColumn(state)) return none;
    if (positions.some((position) => position.instrument.symbol !== first.instrument.symbol || position.side !== first.side)) return none;
    return { monotone: first.side === 'long' ? 1 : -1, column: this.columnOf.get(first.instrument.symbol) ?? -1 };
  }

  private memoOf(state: EngineState): PayingMemo {
    return this.memoFor(state, this.ticks) as PayingMemo;
  }

  override run(moves: Float64Array, range: Float64Array, steps: number, everyTick = false): PathOutcome {
    const n = this.columns.length;
    const { schedule } = this;
    const outcome = this.resetOutcome();
    let state = this.start;
    this.startMemo ??= this.memoOf(state);
    let memo = this.startMemo as PayingMemo;
    this.clearPending();
    let entry = everyTick || !this.untouched(memo, state, moves, range) ? 0 : schedule.steps.length;
    for (let k = entry === 0 ? 1 : steps + 1; k <= steps && !memo.idle; k++) {
      if (!everyTick && memo.monotone !== 0 && memo.deadlineMs === Infinity) {
        // The hot loop, up to the next payment: moves inside the quiet interval change nothing.
        const interval = this.quietInterval(memo);
        if (interval) {
          const stop = Math.min(steps + 1, schedule.steps[entry] ?? steps + 1);
          const { xlo, xhi } = interval;
          for (let index = (k - 1) * n + memo.column; k < stop; k++, index += n) {
            const x = moves[index] as number;
            if (x < xlo || x >= xhi) break;
          }
          if (k > steps) break;
        }
      }
      const offset = (k - 1) * n;
      const time = this.times[k];
      const screen = everyTick ? undefined : memo.screen;
      const beforeDeadline = time === undefined || time.ms < memo.deadlineMs;
      const commands = schedule.steps[entry] === k ? schedule.commands[entry++] : undefined;
      if (screen && beforeDeadline) {
        if (!commands && (screen.quiet(moves, offset, this.shifts) || this.beyondFrontier(memo, state, moves, offset))) continue;
        const carried = commands ? this.carry(memo, state, commands, moves, offset, entry - 1) : 'no';
        if (carried === 'carried') continue;
        // Liquidated whole by this mark, or by a payment right after it: the template settles it.
        const liquidated = carried === 'liquidated' ? this.liquidation : this.liquidatedAt(memo, state, moves, offset, this.shiftUnits);
        if (liquidated !== undefined) return this.settleWith(outcome, liquidated.template, liquidated.ticks, k, state, this.pending);
      }
      state = this.book(state, moves, outcome);
      state = this.observe(state, this.ticksAt(moves, offset), time, k, outcome, everyTick);
      if (commands) state = this.pay(state, commands, time, k, outcome);
      memo = this.memoOf(state);
      this.forgetFrontier();
    }
    this.valueWithPending(outcome, state, memo.worth, moves, (steps - 1) * n);
    return outcome;
  }

  /**
   * The outcome at the horizon with the payments worked out and not booked: the balance they move
   * (to the unit, as the reducer would book it) and the funding and financing totals.
   */
  private valueWithPending(outcome: PathOutcome, state: EngineState, worth: Worth, moves: Float64Array, last: number): void {
    const { pending } = this;
    const decimals = state.snapshot.currencyDecimals;
    const base = pending.balance === 0 ? worth.base : numberOfUnits(units(worth.balance, decimals) + BigInt(pending.balance), decimals) + worth.costBasis;
    this.valueAtHorizon(outcome, state, worth, moves, last, base);
    const figures = this.figuresOf(state);
    if (pending.funding !== 0) outcome.funding = paid(figures.funding + BigInt(pending.funding), decimals);
    if (pending.financing !== 0) outcome.financing = paid(figures.financing + BigInt(pending.financing), decimals);
  }

  /**
   * The whole liquidation of the state's one position by the mark at this observation, with the
   * payments not booked, where its template (fast-liquidation.ts) settles it: the venue acts at
   * once (no cure period) on a breach (exact-clearance.ts), and takes the position whole.
   */
  private liquidatedAt(memo: PayingMemo, state: EngineState, moves: Float64Array, offset: number, shiftUnits: Float64Array): Liquidation | undefined {
    const template = this.liquidationTemplate(memo, state);
    if (!template) return undefined;
    const position = state.snapshot.positions[0] as Position;
    const ticks = this.ticksAt(moves, offset);
    const at = ticks[this.columnOf.get(position.instrument.symbol) as number] as number;
    const scope = position.isolatedMargin ? position.id : 'cross';
    const index = memo.screen?.scopeIds.indexOf(scope) ?? -1;
    const shift = index < 0 ? 0 : (shiftUnits[index] as number);
    return template.applies(at) && exactlyBreached(state, this.columns, ticks, scope, shift) ? { template, ticks: at } : undefined;
  }

  /**
   * The whole-liquidation template of a state with one position (made once per state and checked
   * against step() at prices the venue liquidates it at), or null where none applies: orders, a
   * cure period, a debt, a market of its own, a stock, another currency, or any figure that differs.
   */
  private liquidationTemplate(memo: PayingMemo, state: EngineState): LiquidationTemplate | null {
    let template = this.liquidations.get(memo);
    if (template === undefined) {
      template = checkedLiquidationTemplate(state, this.columns) ?? null;
      this.liquidations.set(memo, template);
    }
    return template;
  }

  /** The screen's quiet interval for the state and the shifts now (SeparableScreen.quietInterval), kept until either changes. */
  private quietInterval(memo: PayingMemo): { xlo: number; xhi: number } | undefined {
    if (this.interval === null) this.interval = memo.screen?.quietInterval(memo.column, memo.monotone as 1 | -1, this.shifts);
    return this.interval;
  }

  /**
   * clear() with the current shifts, spared where the frontier says so: a tick found clear leaves
   * every tick beyond it clear too, until the state or the shifts change.
   */
  private beyondFrontier(memo: PayingMemo, state: EngineState, moves: Float64Array, offset: number): boolean {
    const { monotone, column } = memo;
    const { frontier } = this;
    if (monotone !== 0) {
      const ticks = ticksOf(this.columns[column] as PriceColumn, moves[offset + column] as number);
      if (monotone > 0 ? ticks >= frontier : ticks <= frontier) return true;
      if (!this.clear(memo, state, moves, offset, this.shiftUnits)) return false;
      this.frontier = Number.isNaN(frontier) || (monotone > 0 ? ticks < frontier : ticks > frontier) ? ticks : frontier;
      return true;
    }
    return this.clear(memo, state, moves, offset, this.shiftUnits);
  }

  /** The screen's test on exact figures, where its float bounds could not clear the observation (exact-clearance.ts). */
  private clear(memo: PayingMemo, state: EngineState, moves: Float64Array, offset: number, shiftUnits: Float64Array): boolean {
    this.counters.checkedExactly++;
    return exactlyClear(state, this.columns, this.ticksAt(moves, offset), memo.screen?.scopeIds ?? [], shiftUnits);
  }

  private ticksAt(moves: Float64Array, offset: number): Float64Array {
    const { ticks, columns } = this;
    for (let i = 0; i < ticks.length; i++) ticks[i] = ticksOf(columns[i] as PriceColumn, moves[offset + i] as number);
    return ticks;
  }

  /** The state or the shifts changed: the frontier and the quiet interval are found again. */
  private forgetFrontier(): void {
    this.frontier = Number.NaN;
    this.interval = null;
  }

  private clearPending(): void {
    this.forgetFrontier();
    this.pending.balance = 0;
    this.pending.funding = 0;
    this.pending.financing = 0;
    this.entries.length = 0;
    this.shiftUnits.fill(0);
    this.shifts.fill(0);
  }

  /** The template of a command on the memo's positions, with its scopes (made and checked once per shape). */
  private carried(memo: PayingMemo, state: EngineState, command: PaymentCommand): Carried | null {
    let byCommand = this.templates.get(memo.shape);
    if (!byCommand) {
      byCommand = new Map();
      this.templates.set(memo.shape, byCommand);
    }
    const known = byCommand.get(command);
    if (known !== undefined) return known;
    const template = memo.screen && PaymentTemplate.build(state, this.columns, command);
    // Marks off the tick grid (a snapshot's) check nothing: the reducer books this one, and the next state is asked.
    if (template === 'unchecked') return null;
    const ids = memo.screen?.scopeIds ?? [];
    const scopes = template && Int32Array.from(template.terms, (term) => ids.indexOf(term.scope));
    const carried = template && scopes && scopes.every((index) => index >= 0) ? { template, scopes } : null;
    byCommand.set(command, carried);
    return carried;
  }

  /**
   * Works out the payments of one schedule entry (at the observation at `offset`) into the trial
   * shifts and totals, from the committed ones; false where one has no template. An isolated
   * position pays at most the margin it has left. `check` is called with the trial shifts after
   * each payment.
   */
  private workOut(memo: PayingMemo, state: EngineState, commands: readonly PaymentCommand[], moves: Float64Array, offset: number, check: (shifts: Float64Array) => boolean): boolean {
    const { trialUnits, trial, unit, pending } = this;
    const margins = memo.margins as Float64Array;
    for (const command of commands) {
      const carried = this.carried(memo, state, command);
      if (!carried) return false;
      const { terms } = carried.template;
      let total = 0;
      for (let t = 0; t < terms.length; t++) {
        const term = terms[t] as (typeof terms)[number];
        const scope = carried.scopes[t] as number;
        let amount = amountAt(term, ticksOf(this.columns[term.column] as PriceColumn, moves[offset + term.column] as number));
        // An isolated position pays at most the margin it has left (commands.ts bookOnPosition).
        const left = term.isolated ? (margins[scope] as number) + (trialUnits[scope] as number) : Infinity;
        if (left + amount < 0) amount = -left;
        const shifted = (trialUnits[scope] as number) + amount;
        trialUnits[scope] = shifted;
        trial[scope] = shifted / unit;
        total += amount;
      }
      pending.balance += total;
      if (carried.template.total === 'funding') pending.funding += total;
      else pending.financing += total;
      if (!check(trial)) return false;
    }
    return true;
  }

  /**
   * A payment observation the fast path can carry: the mark quiet at the shifts so far, and after
   * each payment at the shifts it leaves. Commits the payments as pending ('carried'); or, where a
   * payment leaves the position to be liquidated whole at this mark, keeps the payments up to it
   * pending and the liquidation in `this.liquidation` ('liquidated'); or leaves everything as it
   * was ('no').
   */
  private carry(memo: PayingMemo, state: EngineState, commands: readonly PaymentCommand[], moves: Float64Array, offset: number, entry: number): 'carried' | 'liquidated' | 'no' {
    const screen = memo.screen;
    if (!screen || !(screen.quiet(moves, offset, this.shifts) || this.clear(memo, state, moves, offset, this.shiftUnits))) return 'no';
    const saved = { ...this.pending };
    this.trialUnits.set(this.shiftUnits);
    this.trial.set(this.shifts);
    this.liquidation = undefined;
    const quiet = (shifts: Float64Array): boolean => {
      if (screen.quiet(moves, offset, shifts) || this.clear(memo, state, moves, offset, this.trialUnits)) return true;
      this.liquidation = this.liquidatedAt(memo, state, moves, offset, this.trialUnits);
      return false;
    };
    if (!this.workOut(memo, state, commands, moves, offset, quiet)) {
      if (this.liquidation) return 'liquidated';
      Object.assign(this.pending, saved);
      return 'no';
    }
    this.shiftUnits.set(this.trialUnits);
    this.shifts.set(this.trial);
    this.forgetFrontier();
    this.entries.push(entry);
    return 'carried';
  }

  /**
   * A path whose every price is quiet with every scope moved by anything between the lowest and
   * the highest running total of its payments: nothing happens on it but the payments, all
   * worked out and left pending.
   */
  private untouched(memo: PayingMemo, state: EngineState, moves: Float64Array, range: Float64Array): boolean {
    const screen = memo.screen;
    if (!screen || memo.deadlineMs !== Infinity) return false;
    const { low, high, schedule } = this;
    const n = this.columns.length;
    low.fill(0);
    high.fill(0);
    this.trialUnits.fill(0);
    this.trial.fill(0);
    const widen = (shifts: Float64Array): boolean => {
      for (let s = 0; s < shifts.length; s++) {
        const value = shifts[s] as number;
        if (value < (low[s] as number)) low[s] = value;
        if (value > (high[s] as number)) high[s] = value;
      }
      return true;
    };
    for (let entry = 0; entry < schedule.steps.length; entry++) {
      const offset = ((schedule.steps[entry] as number) - 1) * n;
      if (!this.workOut(memo, state, schedule.commands[entry] as readonly PaymentCommand[], moves, offset, widen)) {
        this.clearPending();
        return false;
      }
    }
    if (!screen.quietAcrossShifted(range, low, high)) {
      this.clearPending();
      return false;
    }
    return true;
  }

  /**
   * The payments worked out and not booked, booked by the reducer, each at the prices of its own
   * observation. The marks there were found quiet (the screen, or exact-clearance.ts): a mark
   * that changes nothing leaves only its prices in the state, so they are set as such, and the
   * reducer steps the payments themselves.
   */
  private book(state: EngineState, moves: Float64Array, outcome: PathOutcome): EngineState {
    const n = this.columns.length;
    let booked = state;
    for (const entry of this.entries) {
      const k = this.schedule.steps[entry] as number;
      booked = this.pay(this.marked(booked, this.ticksAt(moves, (k - 1) * n)), this.schedule.commands[entry] as readonly PaymentCommand[], this.times[k], k, outcome);
    }
    this.clearPending();
    return booked;
  }

  /** The state with the prices of a quiet mark at these ticks: all such a mark changes. */
  private marked(state: EngineState, ticks: ArrayLike<number>): EngineState {
    const marks = new Map(state.snapshot.marks);
    this.columns.forEach((column, index) => marks.set(column.symbol, priceOfTicks(column, ticks[index] as number)));
    return { ...state, snapshot: { ...state.snapshot, marks } };
  }

  /** Payments through the reducer, each followed by the client's answer to a call it leaves open. */
  private pay(state: EngineState, commands: readonly PaymentCommand[], time: Instant | undefined, k: number, outcome: PathOutcome): EngineState {
    let paid = state;
    for (const command of commands) {
      this.counters.stepped++;
      paid = this.answer(step(paid, command), time, k, outcome);
    }
    return paid;
  }
}

