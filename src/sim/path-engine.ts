/**
 * One variant's account walked along simulated paths by the engine's own reducer (../core/engine
 * step.ts), fast: the reducer is called only on the ticks where it can do something.
 *
 * A tick is a price per instrument, in whole ticks of the instrument's tick size (8 decimals where
 * it has none): tick_i = max(1, round(start_i × exp(x_i))), start_i the mark in ticks and x_i the
 * path's log move. For an account whose positions all sit on one instrument on one side, the
 * scope's status is monotone in that price, so the prices at which the reducer does nothing form one
 * band of ticks around the last one it saw: below it a margin call, a stop or a liquidation; above
 * it a call cleared or a take-profit. The band is found by asking the reducer itself (a mark at a
 * probe price, on a copy of the state, emits no event: bisection), once per distinct state (a memo),
 * and held as two log-price bounds widened by 10^-9 so a float comparison can only say "look here":
 * every tick outside them is rounded exactly, and the reducer decides. Accounts on several
 * instruments or on both sides of one are stepped on every tick. A margin call with a cure deadline
 * (Reg T) ends the band at the deadline.
 *
 * `everyTick` turns the bands off: the reference the fast path is differentially tested against.
 */
import { step } from '../core/engine/step.js';
import type { Command, EngineEvent, EngineState, StepResult } from '../core/engine/engine-types.js';
import { instantOf, type Instant } from '../core/engine/instant.js';
import { decimal, multiply, toApproximateNumber, type Decimal } from '../core/money/decimal.js';
import { asAmount, asPrice, type InstrumentId, type Price } from '../core/money/units.js';
import { costBasis } from '../core/margin/position-measures.js';
import { sumRational } from '../core/money/rational.js';
import { exactDecimal } from '../core/engine/fills.js';
import { LiquidationTemplate, units } from './fast-liquidation.js';
import { SeparableTables, type SeparableScreen } from './separable-screen.js';
import type { Policy } from './sim-input.js';

/** An instrument the paths move: its symbol, tick, and starting mark in ticks. */
export interface PriceColumn {
  readonly symbol: InstrumentId;
  readonly tick: Decimal;
  readonly tickValue: number;
  readonly startTicks: number;
}

/** Where the reducer provably does nothing: ticks lo..hi (one instrument), until an observation. */
interface Band {
  readonly column: number;
  readonly lo: number;
  readonly hi: number;
  readonly xlo: number;
  readonly xhi: number;
}

/** The account's worth at the horizon in floats: base + Σ a × (coordinate(price) - coordinate(entry)). */
interface Worth {
  readonly base: number;
  readonly terms: readonly { readonly column: number; readonly a: number; readonly entry: number; readonly inverse: boolean }[];
}

/** The fast settlement of a whole liquidation from this state, and where it starts (fast-liquidation.ts). */
interface Fast {
  readonly template: LiquidationTemplate;
  readonly column: number;
  /** Long: liquidated at ticks <= this; short: at ticks >= this. */
  readonly threshold: number;
  readonly long: boolean;
}

interface Figures {
  readonly moneyIn: number;
  readonly debt: number;
  readonly venueLoss: number;
}

interface Memo {
  /** undefined: no band (several instruments, or both sides of one): the screen, or every tick. */
  readonly band: Band | null | undefined;
  /** Accounts on several instruments: the separable screen (separable-screen.ts), when it applies. */
  readonly screen: SeparableScreen | undefined;
  readonly fast: Fast | undefined;
  readonly worth: Worth;
  /** The earliest cure deadline of an open call (ms), or Infinity. */
  readonly deadlineMs: number;
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
  state: EngineState;
}

const SLACK = 1e-9;
const MAX_TICKS = 2 ** 52;

export function ticksOf(column: PriceColumn, x: number): number {
  const ticks = Math.round(column.startTicks * Math.exp(x));
  return ticks < 1 ? 1 : ticks > MAX_TICKS ? MAX_TICKS : ticks;
}

export function priceOfTicks(column: PriceColumn, ticks: number): Price {
  return asPrice(multiply(decimal(BigInt(ticks)), column.tick));
}

const text = (value: Decimal | undefined | null): string => (value ? `${value.units}e${value.scale}` : '-');

/** What decides whether a mark changes the state: the money, positions, orders and calls. */
function stateKey(state: EngineState): string {
  const { snapshot } = state;
  const positions = snapshot.positions.map((position) =>
    `${position.id}:${position.side}:${text(position.quantity)}:${text(position.entryPrice)}:${text(position.leverage)}:${text(position.isolatedMargin)}`);
  const orders = [...state.orders].map(([id, order]) => `${id}:${order.stopLoss?.units ?? ''}e${order.stopLoss?.scale ?? ''}:${order.takeProfit?.units ?? ''}e${order.takeProfit?.scale ?? ''}`);
  const calls = [...state.marginCalls].map(([scope, call]) => `${scope}:${call.deadlineMs ?? ''}`);
  return `${snapshot.balance.units}e${snapshot.balance.scale}|${positions.join(',')}|${orders.join(',')}|${calls.join(',')}|${state.debt?.status ?? ''}`;
}

/** The positions alone: what the separable screen's tables depend on. */
function positionsKey(state: EngineState): string {
  return state.snapshot.positions.map((position) =>
    `${position.id}:${position.instrument.symbol}:${position.side}:${text(position.quantity)}:${text(position.entryPrice)}:${text(position.leverage)}:${text(position.isolatedMargin)}`).join(',');
}

/** Everything step() reads but the marks and the time: two states with this key step alike. */
function fullKey(state: EngineState): string {
  const totals = Object.values(state.totals).map(text).join(',');
  return `${stateKey(state)}|${totals}|${text(state.debt?.outstanding)}|${text(state.market.insuranceFund)}|${state.market.counterparties.length}`;
}

/** Distinct (state, prices) steps kept per variant; the memo is emptied when it is full. */
const TRANSITION_MEMO_SIZE = 100_000;
/** After this many memo lookups, the memo is dropped unless at least this share of them were hits. */
const MEMO_TRIAL = 2048;
const MEMO_MINIMUM_HIT_RATE = 0.25;

export class VariantRunner {
  private readonly memo = new Map<string, Memo>();
  private readonly columnOf: ReadonlyMap<string, number>;
  private readonly transitions = new Map<string, StepResult>();
  /** The starting prices in ticks, and the starting state's memo (every path starts there). */
  private readonly startTicks: Float64Array;
  private startMemo: Memo | undefined;
  private readonly figures = new WeakMap<EngineState, Figures>();
  /** Separable-screen tables per set of positions (null: the screen does not apply). */
  private readonly tables = new Map<string, SeparableTables | null>();
  /** How paths were handled: observations the reducer stepped, liquidations the template settled. */
  readonly counters = { stepped: 0, settledFast: 0 };
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
    const { venue } = start.snapshot;
    this.remember = venue.cureDays === 0 && venue.partialLiquidation === undefined;
  }

  private markCommand(ticks: ArrayLike<number>, time: Instant | undefined): Command {
    const prices = new Map<InstrumentId, Price>(this.columns.map((column, index) => [column.symbol, priceOfTicks(column, ticks[index] as number)]));
    return time ? { type: 'mark', time, prices } : { type: 'mark', prices };
  }

  private memoFor(state: EngineState, ticks: ArrayLike<number>): Memo {
    const key = stateKey(state);
    let memo = this.memo.get(key);
    if (!memo) {
      const band = this.findBand(state, ticks);
      memo = {
        band, fast: band ? this.fastFor(state, band) : undefined, screen: band === undefined ? this.screenFor(state) : undefined,
        worth: this.worthOf(state), deadlineMs: deadlineOf(state),
      };
      this.memo.set(key, memo);
    }
    return memo;
  }

  private worthOf(state: EngineState): Worth {
    const { snapshot } = state;
    const base = toApproximateNumber(snapshot.balance) + toApproximateNumber(exactDecimal(sumRational(snapshot.positions.map(costBasis))));
    const terms = snapshot.positions.map((position) => {
      const inverse = position.instrument.kind === 'inverse';
      const direction = inverse ? (position.side === 'long' ? -1 : 1) : (position.side === 'long' ? 1 : -1);
      const size = toApproximateNumber(position.quantity) * toApproximateNumber(position.instrument.contractSize);
      const entry = toApproximateNumber(position.entryPrice);
      return { column: this.columnOf.get(position.instrument.symbol) ?? -1, a: direction * size, entry: inverse ? 1 / entry : entry, inverse };
    });
    return { base, terms };
  }

  /**
   * The band of ticks around `ticks` on which a mark leaves `state` as it is, or null when nothing can
   * happen at any price (no positions), or undefined when the account must be stepped every tick.
   */
  private findBand(state: EngineState, ticks: ArrayLike<number>): Band | null | undefined {
    const { positions } = state.snapshot;
    if (positions.length === 0 && state.orders.size === 0 && state.marginCalls.size === 0) return null;
    const symbols = new Set(positions.map((position) => position.instrument.symbol));
    const sides = new Set(positions.map((position) => position.side));
    if (symbols.size !== 1 || sides.size !== 1) return undefined;
    const column = this.columnOf.get([...symbols][0] as string);
    if (column === undefined) return undefined;
    const probe = Array.from(ticks, (value) => Math.round(value));
    const here = probe[column] as number;
    const quiet = (candidate: number): boolean => {
      probe[column] = candidate;
      const result = step(state, this.markCommand(probe, state.time ?? undefined));
      return result.events.length === 0;
    };
    if (!quiet(here)) return undefined;
    const hi = edge(here, 1, MAX_TICKS, quiet);
    const lo = edge(here, -1, 1, quiet);
    const startTicks = (this.columns[column] as PriceColumn).startTicks;
    return {
      column, lo, hi,
      xlo: lo <= 1 ? -Infinity : Math.log(lo / startTicks) + SLACK,
      xhi: hi >= MAX_TICKS ? Infinity : Math.log(hi / startTicks) - SLACK,
    };
  }

  /** The separable screen for a state on several instruments, its tables shared by every state with the same positions. */
  private screenFor(state: EngineState): SeparableScreen | undefined {
    const key = positionsKey(state);
    let tables = this.tables.get(key);
    if (tables === undefined) {
      tables = SeparableTables.build(state, this.columns, this.startTicks) ?? null;
      this.tables.set(key, tables);
    }
    return tables?.screen(state);
  }

  /**
   * The fast settlement from this state, when it has one position liquidated whole (no orders, no
   * cure period, no debt yet, the engine's default market), its threshold found by asking the
   * reducer, and its figures checked against the reducer's at five ticks past the threshold.
   */
  private fastFor(state: EngineState, band: Band): Fast | undefined {
    const { snapshot } = state;
    const position = snapshot.positions[0];
    if (!position || snapshot.positions.length !== 1 || state.orders.size > 0 || state.debt !== null) return undefined;
    if (snapshot.venue.cureDays !== 0 || position.instrument.kind === 'stock') return undefined;
    if (state.market.insuranceFund !== null || state.market.counterparties.length > 0) return undefined;
    const column = band.column;
    const long = position.side === 'long';
    const probe = Array.from({ length: this.columns.length }, (_, index) => Math.round((this.columns[index] as PriceColumn).startTicks));
    const stepAt = (candidate: number): StepResult => {
      probe[column] = candidate;
      return step(state, this.markCommand(probe, state.time ?? undefined));
    };
    const liquidates = (candidate: number): boolean => stepAt(candidate).events.some((event) => event.type === 'position-liquidated');
    const first = long ? band.lo - 1 : band.hi + 1;
    if (first < 1 || first > MAX_TICKS) return undefined;
    const threshold = liquidates(first) ? first : edgeOf(first, long ? -1 : 1, long ? 1 : MAX_TICKS, (candidate) => !liquidates(candidate));
    if (threshold === undefined) return undefined;
    const issuesCall = stepAt(threshold).events.some((event) => event.type === 'margin-call-issued');
    const template = new LiquidationTemplate(state, (this.columns[column] as PriceColumn).tick, issuesCall);
    const checks = long
      ? [threshold, threshold - 1, Math.floor(threshold * 0.97), Math.floor(threshold * 0.8), Math.floor(threshold * 0.3)]
      : [threshold, threshold + 1, Math.ceil(threshold * 1.03), Math.ceil(threshold * 1.25), Math.ceil(threshold * 3)];
    for (const candidate of checks) {
      if (candidate < 1 || candidate > MAX_TICKS || !template.applies(candidate)) continue;
      if (!template.agreesWith(candidate, state, stepAt(candidate))) return undefined;
    }
    return { template, column, threshold, long };
  }

  /**
   * Runs one path: `moves` holds x for observation k at [(k - 1) × columns + i], k = 1..steps.
   * `everyTick` steps the reducer on every observation (the reference).
   */
  run(moves: Float64Array, range: Float64Array, steps: number, everyTick = false): PathOutcome {
    const n = this.columns.length;
    let ticks = this.startTicks;
    let state = this.start;
    const outcome: PathOutcome = {
      marginCall: false, liquidation: false, negativeBalance: false, debt: false, liquidationStep: 0,
      loss: 0, debtAmount: 0, venueLoss: 0, fundsAdded: 0, state,
    };
    let deposits = 0;
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
      this.counters.stepped++;
      const marked = everyTick ? step(state, this.markCommand(ticks, time)) : this.markStep(state, ticks, time);
      state = marked.state;
      // The client answers a call still open after the venue acted (not one a stop-out already closed).
      let called = this.record(outcome, marked.events, k) && state.marginCalls.size > 0;
      if (called && this.policy.onMarginCall === 'close') {
        for (const position of state.snapshot.positions) {
          const closed = step(state, time ? { type: 'close', time, position: position.id } : { type: 'close', position: position.id });
          state = closed.state;
          this.record(outcome, closed.events, k);
        }
        called = false;
      }
      if (called && this.policy.onMarginCall === 'add-funds' && this.policy.amount && deposits < this.policy.times) {
        const amount = asAmount(this.policy.amount);
        const deposited = step(state, time ? { type: 'deposit', time, amount } : { type: 'deposit', amount });
        state = deposited.state;
        deposits++;
        outcome.fundsAdded += toApproximateNumber(amount);
        this.record(outcome, deposited.events, k);
      }
      memo = this.memoFor(state, ticks);
      band = usable(memo.band, ticks);
    }
    let worth = memo.worth.base;
    for (const term of memo.worth.terms) {
      const column = this.columns[term.column] as PriceColumn;
      const price = ticksOf(column, moves[(steps - 1) * n + term.column] as number) * column.tickValue;
      worth += term.a * ((term.inverse ? 1 / price : price) - term.entry);
    }
    const figures = this.figuresOf(state);
    outcome.loss = figures.moneyIn - worth;
    outcome.debtAmount = figures.debt;
    outcome.venueLoss = figures.venueLoss;
    outcome.state = state;
    return outcome;
  }

  /**
   * A mark through the reducer, memoised: step() is pure, so the same state and prices give the same
   * result. Only where time cannot matter (no cure periods, no partial-liquidation cooldown); the
   * remembered state takes this command's time.
   */
  private markStep(state: EngineState, ticks: ArrayLike<number>, time: Instant | undefined): StepResult {
    if (!this.remember) return step(state, this.markCommand(ticks, time));
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
    const result = step(state, this.markCommand(ticks, time));
    if (this.transitions.size >= TRANSITION_MEMO_SIZE) this.transitions.clear();
    this.transitions.set(key, result);
    return result;
  }

  /** A state's money as the outcome counts it: deposits - withdrawals, the debt, the venue's loss (kept per state object). */
  private figuresOf(state: EngineState): Figures {
    let figures = this.figures.get(state);
    if (!figures) {
      const { totals } = state;
      figures = {
        moneyIn: toApproximateNumber(totals.deposits) - toApproximateNumber(totals.withdrawals),
        debt: state.debt ? toApproximateNumber(state.debt.outstanding) : 0,
        venueLoss: toApproximateNumber(totals.venueLoss),
      };
      this.figures.set(state, figures);
    }
    return figures;
  }

  /** A path ended by a whole liquidation, settled by the template: the account is flat, nothing more can happen. */
  private settleFast(outcome: PathOutcome, fast: Fast, ticks: number, k: number, state: EngineState): PathOutcome {
    const settled = fast.template.settle(ticks);
    this.counters.settledFast++;
    const decimals = state.snapshot.currencyDecimals;
    const amount = (value: bigint): number => (value === 0n ? 0 : toApproximateNumber(decimal(value, decimals)));
    if (!outcome.liquidation) outcome.liquidationStep = k;
    outcome.liquidation = true;
    if (fast.template.issuesCall) outcome.marginCall = true;
    if (settled.absorbed > 0n || settled.balance < 0n) outcome.negativeBalance = true;
    if (settled.debt > 0n) outcome.debt = true;
    // The state's own totals: states alike for the memo may differ in what the venue absorbed before.
    outcome.loss = this.figuresOf(state).moneyIn - amount(settled.balance);
    outcome.debtAmount = amount(settled.debt);
    outcome.venueLoss = settled.absorbed === 0n ? this.figuresOf(state).venueLoss
      : amount(units(state.totals.venueLoss, decimals) + settled.absorbed);
    outcome.state = state;
    return outcome;
  }

  /** Folds a step's events into the outcome; true when a margin call was issued. */
  private record(outcome: PathOutcome, events: readonly EngineEvent[], k: number): boolean {
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

/** A memoised band holds for a path only if its last price lies in it (it must; otherwise step every tick). */
function usable(band: Band | null | undefined, ticks: ArrayLike<number>): Band | null | undefined {
  if (!band) return band;
  const here = Math.round(ticks[band.column] as number);
  return here >= band.lo && here <= band.hi ? band : undefined;
}

function deadlineOf(state: EngineState): number {
  let deadline = Infinity;
  for (const call of state.marginCalls.values()) {
    if (call.deadlineMs !== undefined && call.deadlineMs < deadline) deadline = call.deadlineMs;
  }
  return deadline;
}

/**
 * From `here` (where `good` holds), the first tick in `direction` where it stops holding, given
 * that it holds on one interval around `here`; undefined if it holds all the way to `limit`.
 */
function edgeOf(here: number, direction: 1 | -1, limit: number, good: (ticks: number) => boolean): number | undefined {
  const last = edge(here, direction, limit, good);
  return last === limit ? undefined : last + direction;
}

/**
 * The farthest tick from `here` in `direction` up to which every tick is quiet, given that quiet
 * ticks form one interval around `here`: doubling steps out, then bisection.
 */
function edge(here: number, direction: 1 | -1, limit: number, quiet: (ticks: number) => boolean): number {
  let good = here;
  let distance = 1;
  let bad: number | undefined;
  for (;;) {
    const candidate = direction > 0 ? Math.min(limit, here + distance) : Math.max(limit, here - distance);
    if (!quiet(candidate)) { bad = candidate; break; }
    good = candidate;
    if (candidate === limit) return limit;
    distance *= 2;
  }
  while (Math.abs(bad - good) > 1) {
    const middle = Math.floor((good + bad) / 2);
    if (quiet(middle)) good = middle;
    else bad = middle;
  }
  return good;
}

export { instantOf };
