/**
 * Where the reducer provably does nothing, and where a liquidation can be settled without it, for
 * an account whose positions all sit on one instrument on one side: its scopes' status is then
 * monotone in that price, so the ticks at which a mark leaves the state as it is form one band
 * around the last price the reducer saw (below it a margin call, a stop or a liquidation; above it
 * a call cleared or a take-profit). Both are found by asking the reducer itself: a mark at a probe
 * price, on the same state, emits an event or not (doubling out, then bisection). The band is held
 * as two log-price bounds widened by 10^-9, so a float comparison can only say "look here": a tick
 * outside them is rounded exactly and compared with the band's ticks.
 */
import type { EngineState, StepResult } from '../core/engine/engine-types.js';
import { step } from '../core/engine/step.js';
import { thresholdPrice } from '../core/liquidation/threshold-price.js';
import { marginScopes } from '../core/margin/margin-scope.js';
import { divide, toApproximateNumber, type Decimal } from '../core/money/decimal.js';
import { LiquidationTemplate } from './fast-liquidation.js';
import { markCommand, MAX_TICKS, type PriceColumn } from './ticks.js';

/** Ticks lo..hi of one column on which a mark changes nothing, and their float bounds in log moves. */
export interface Band {
  readonly column: number;
  readonly lo: number;
  readonly hi: number;
  readonly xlo: number;
  readonly xhi: number;
}

/** The fast settlement of a whole liquidation from a state, and where it starts (fast-liquidation.ts). */
export interface Fast {
  readonly template: LiquidationTemplate;
  readonly column: number;
  /** Long: liquidated at ticks <= this; short: at ticks >= this. */
  readonly threshold: number;
  readonly long: boolean;
}

const SLACK = 1e-9;

/** A mark at `candidate` ticks on one column (the others at `ticks`), stepped from `state`. */
function prober(state: EngineState, columns: readonly PriceColumn[], ticks: ArrayLike<number>, column: number): (candidate: number) => StepResult {
  const probe = Array.from(ticks, (value) => Math.round(value));
  return (candidate) => {
    probe[column] = candidate;
    return step(state, markCommand(columns, probe, state.time ?? undefined));
  };
}

/**
 * The band of ticks around `ticks` on which a mark leaves `state` as it is; null when nothing can
 * happen at any price (no positions); undefined when there is no single band (several instruments,
 * or both sides of one).
 */
export function findBand(state: EngineState, columns: readonly PriceColumn[], ticks: ArrayLike<number>, hint?: Band): Band | null | undefined {
  const { positions } = state.snapshot;
  if (positions.length === 0 && state.orders.size === 0 && state.marginCalls.size === 0) return null;
  const symbols = new Set(positions.map((position) => position.instrument.symbol));
  const sides = new Set(positions.map((position) => position.side));
  if (symbols.size !== 1 || sides.size !== 1) return undefined;
  const column = columns.findIndex((each) => symbols.has(each.symbol));
  if (column < 0) return undefined;
  const stepAt = prober(state, columns, ticks, column);
  const quiet = (candidate: number): boolean => stepAt(candidate).events.length === 0;
  const here = Math.round(ticks[column] as number);
  if (!quiet(here)) return undefined;
  // Where the searches start: the report's solver's liquidation and margin-call prices and the
  // orders' triggers (the band ends one tick short of the nearest on each side), else the band of a
  // state with the same positions (a path that got here by another route). The searches then find
  // the exact edges by asking the reducer, in a few probes when the guess is right.
  // A hint's edge that two probes confirm is taken as it is.
  const useHint = hint && hint.column === column && hint.lo <= here && here <= hint.hi ? hint : undefined;
  const confirmed = (tick: number | undefined, direction: 1 | -1, limit: number): boolean =>
    tick !== undefined && quiet(tick) && (tick === limit || !quiet(tick + direction));
  let triggers: number[] | undefined;
  const guess = (direction: 1 | -1): number | undefined => {
    triggers ??= triggerTicks(state, columns[column] as PriceColumn);
    const beyond = triggers.filter((trigger) => (direction > 0 ? trigger > here : trigger < here));
    if (beyond.length) return direction > 0 ? Math.min(...beyond) - 1 : Math.max(...beyond) + 1;
    return direction > 0 ? useHint?.hi ?? MAX_TICKS : useHint?.lo;
  };
  const search = (direction: 1 | -1, limit: number): number => {
    if (confirmed(direction > 0 ? useHint?.hi : useHint?.lo, direction, limit)) return (direction > 0 ? useHint?.hi : useHint?.lo) as number;
    const start = guess(direction);
    return start === undefined ? edge(here, direction, limit, quiet) : edgeNear(here, start, direction, limit, quiet);
  };
  const hi = search(1, MAX_TICKS);
  const lo = search(-1, 1);
  const startTicks = (columns[column] as PriceColumn).startTicks;
  return {
    column, lo, hi,
    xlo: lo <= 1 ? -Infinity : Math.log(lo / startTicks) + SLACK,
    xhi: hi >= MAX_TICKS ? Infinity : Math.log(hi / startTicks) - SLACK,
  };
}

/**
 * Ticks where something may happen to a one-instrument account: each scope's liquidation and
 * margin-call prices (../core/liquidation/threshold-price.ts, the first tick where the venue acts,
 * from the state's marks) and every order's trigger. Only guesses: the reducer decides.
 */
function triggerTicks(state: EngineState, column: PriceColumn): number[] {
  const { snapshot } = state;
  const ticks: number[] = [];
  const toTicks = (price: Decimal): number => toApproximateNumber(divide(price, column.tick, 0, 'half-even'));
  for (const scope of marginScopes(snapshot)) {
    const position = scope.positions[0];
    if (!position) continue;
    for (const kind of ['liquidation', 'margin-call'] as const) {
      const price = thresholdPrice(snapshot, scope, position, kind);
      if (price) ticks.push(toTicks(price));
    }
  }
  for (const order of state.orders.values()) {
    if (order.stopLoss) ticks.push(toTicks(order.stopLoss));
    if (order.takeProfit) ticks.push(toTicks(order.takeProfit));
  }
  return ticks;
}

/**
 * The fast settlement from this state, when it has one position liquidated whole (no orders, no
 * cure period, no debt yet, the engine's default market): its threshold found by asking the
 * reducer, and its figures checked against the reducer's at five ticks past the threshold.
 */
export function findFast(state: EngineState, columns: readonly PriceColumn[], band: Band, hint?: Fast): Fast | undefined {
  const { snapshot } = state;
  const position = snapshot.positions[0];
  if (!position || snapshot.positions.length !== 1 || state.orders.size > 0 || state.debt !== null) return undefined;
  if (snapshot.venue.cureDays !== 0 || position.instrument.kind === 'stock') return undefined;
  if (state.market.insuranceFund !== null || state.market.counterparties.length > 0) return undefined;
  const { column } = band;
  const long = position.side === 'long';
  const stepAt = prober(state, columns, columns.map((each) => each.startTicks), column);
  const liquidates = (candidate: number): boolean => stepAt(candidate).events.some((event) => event.type === 'position-liquidated');
  const first = long ? band.lo - 1 : band.hi + 1;
  if (first < 1 || first > MAX_TICKS) return undefined;
  const limit = long ? 1 : MAX_TICKS;
  const direction = long ? -1 : 1;
  const spares = (candidate: number): boolean => !liquidates(candidate);
  const guess = hint && hint.column === column && hint.long === long && (long ? hint.threshold < first : hint.threshold > first) ? hint.threshold : undefined;
  const threshold = liquidates(first) ? first
    : guess !== undefined ? firstFrom(edgeNear(first, guess - direction, direction, limit, spares), direction, limit)
      : edgeOf(first, direction, limit, spares);
  if (threshold === undefined) return undefined;
  const issuesCall = stepAt(threshold).events.some((event) => event.type === 'margin-call-issued');
  const template = new LiquidationTemplate(state, (columns[column] as PriceColumn).tick, issuesCall);
  const checks = long
    ? [threshold, threshold - 1, Math.floor(threshold * 0.97), Math.floor(threshold * 0.8), Math.floor(threshold * 0.3)]
    : [threshold, threshold + 1, Math.ceil(threshold * 1.03), Math.ceil(threshold * 1.25), Math.ceil(threshold * 3)];
  for (const candidate of checks) {
    if (candidate < 1 || candidate > MAX_TICKS || !template.applies(candidate)) continue;
    if (!template.agreesWith(candidate, state, stepAt(candidate))) return undefined;
  }
  return { template, column, threshold, long };
}

/** A memoised band holds for a path only if its last price lies in it (it must; otherwise step every tick). */
export function usable(band: Band | null | undefined, ticks: ArrayLike<number>): Band | null | undefined {
  if (!band) return band;
  const here = Math.round(ticks[band.column] as number);
  return here >= band.lo && here <= band.hi ? band : undefined;
}

/**
 * From `here` (where `good` holds), the first tick in `direction` where it stops holding, given
 * that it holds on one interval around `here`; undefined if it holds all the way to `limit`.
 */
function edgeOf(here: number, direction: 1 | -1, limit: number, good: (ticks: number) => boolean): number | undefined {
  return firstFrom(edge(here, direction, limit, good), direction, limit);
}

/** The tick after the last good one, or undefined when the last good one is the limit. */
function firstFrom(last: number, direction: 1 | -1, limit: number): number | undefined {
  return last === limit ? undefined : last + direction;
}

/**
 * edge() when the answer is probably near `guess` (beyond `here` in `direction`): from the guess,
 * outward if it is quiet, back toward `here` if not, by doubling steps, then bisection. Same
 * answer, far fewer probes when the guess is close.
 */
export function edgeNear(here: number, guess: number, direction: 1 | -1, limit: number, quiet: (ticks: number) => boolean): number {
  const clamp = (value: number): number => (direction > 0 ? Math.min(limit, Math.max(here, value)) : Math.max(limit, Math.min(here, value)));
  const start = clamp(guess);
  if (quiet(start)) return start === limit ? limit : edge(start, direction, limit, quiet);
  let bad = start;
  let distance = 1;
  for (;;) {
    const candidate = clamp(start - direction * distance);
    if (quiet(candidate)) {
      let good = candidate;
      while (Math.abs(bad - good) > 1) {
        const middle = Math.floor((good + bad) / 2);
        if (quiet(middle)) good = middle;
        else bad = middle;
      }
      return good;
    }
    bad = candidate;
    if (candidate === here) return here;
    distance *= 2;
  }
}

/**
 * The farthest tick from `here` in `direction` up to which every tick is quiet, given that quiet
 * ticks form one interval around `here`: doubling steps out, then bisection.
 */
export function edge(here: number, direction: 1 | -1, limit: number, quiet: (ticks: number) => boolean): number {
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
