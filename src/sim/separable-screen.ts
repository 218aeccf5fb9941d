/**
 * The fast path for an account on several instruments: a float screen that says "look here", with
 * the reducer deciding (DESIGN.md: screening indexes in the hot path, the exact check before any
 * event).
 *
 * A margin scope's slacks S_l = equity - Rl and S_c = equity - Rc are separable by instrument: the
 * equity is the collateral plus each position's P&L, and the requirements are sums over positions
 * (or over exposures, which never span two instruments) of a function of that instrument's price
 * (../core/margin/margin-scope.ts). So, with every other price held,
 *
 *   S(p) = S(p_ref) + Σ_i T_i(p_i),   T_i(p_i) = S(p_ref with p_i) - S(p_ref)
 *
 * and T_i is monotone in p_i when every position on instrument i has the same side (P&L moves by
 * the quantity, a requirement by a rate below one of it). T_i is tabulated exactly (valueScope) on a
 * log-price grid, once per set of positions; a price between grid points is bounded by the
 * neighbouring points. The reducer is skipped only where every scope's bounds keep it clear of
 * liquidation and of a change in its margin call, with room for the float error.
 *
 * An instrument counted in another currency at its own price (EURUSD's margin in EUR, USDJPY's P&L
 * in JPY) keeps both properties: its T_i is still a function of p_i alone, and monotone (paying
 * runner only; the path engine gives such accounts a band).
 *
 * A payment (funding, financing) moves a scope's collateral and nothing its requirements are made
 * of, so it moves both slacks by its amount: S' = S + Δ. The screen takes such shifts per scope
 * (paying-runner.ts), and the tables, differences in which the collateral cancels, serve every
 * state whose positions differ only in their isolated margins.
 */
import type { AccountSnapshot, PriceMap } from '../core/account/account-snapshot.js';
import type { EngineState } from '../core/engine/engine-types.js';
import { marginScopes, type MarginScope } from '../core/margin/margin-scope.js';
import { valueScope } from '../core/margin/scope-valuation.js';
import { decimal, divide, multiply } from '../core/money/decimal.js';
import { fromDecimal, subtractRational, type Rational } from '../core/money/rational.js';
import type { PriceColumn } from './ticks.js';

/** Grid: log moves from the start price in [-SPAN, SPAN], every STEP. */
const SPAN = 1.5;
const STEP = 0.004;
const POINTS = Math.round((2 * SPAN) / STEP) + 1;
/** Relative room for the float error of converting and summing the exact figures. */
const RELATIVE_ROOM = 1e-9;

const toNumber = (value: Rational): number => Number(value.numerator) / Number(value.denominator);

/** One scope's bounds: per instrument it trades, lower bounds of T_l and T_c and upper bounds of T_c per grid cell. */
interface ScopeTables {
  readonly id: string;
  readonly columns: readonly number[];
  readonly lowerL: readonly Float64Array[];
  readonly lowerC: readonly Float64Array[];
  readonly upperC: readonly Float64Array[];
  /** The largest |T| over the grid, for the float room. */
  readonly scale: number;
}

/** The tables of one set of positions: shared by every state that holds them. */
export class SeparableTables {
  private constructor(readonly scopes: readonly ScopeTables[], readonly reference: PriceMap, readonly columns: readonly PriceColumn[]) {}

  /**
   * Tables for the state's positions, or undefined when the screen does not apply: an instrument
   * held on both sides (not monotone).
   */
  static build(state: EngineState, columns: readonly PriceColumn[], referenceTicks: ArrayLike<number>): SeparableTables | undefined {
    const { snapshot } = state;
    if (snapshot.positions.length === 0) return undefined;
    const sides = new Map<string, string>();
    for (const position of snapshot.positions) {
      const side = sides.get(position.instrument.symbol);
      if (side !== undefined && side !== position.side) return undefined;
      sides.set(position.instrument.symbol, position.side);
    }
    const priceAt = (column: PriceColumn, ticks: number): Rational => fromDecimal(multiply(decimal(BigInt(ticks)), column.tick));
    const reference: PriceMap = new Map(columns.map((column, index) => [column.symbol, priceAt(column, referenceTicks[index] as number)]));
    const scopes = marginScopes(snapshot).filter((scope) => scope.positions.length > 0).map((scope): ScopeTables => {
      const base = slacks(snapshot, scope, reference);
      const held = columns.flatMap((column, index) => (scope.positions.some((position) => position.instrument.symbol === column.symbol) ? [index] : []));
      let scale = Math.abs(toNumber(base.l)) + Math.abs(toNumber(base.c));
      const tables = held.map((index) => {
        const column = columns[index] as PriceColumn;
        const l = new Float64Array(POINTS);
        const c = new Float64Array(POINTS);
        for (let j = 0; j < POINTS; j++) {
          const ticks = Math.max(1, Math.round(column.startTicks * Math.exp(-SPAN + j * STEP)));
          const at = slacks(snapshot, scope, new Map(reference).set(column.symbol, priceAt(column, ticks)));
          l[j] = toNumber(subtractRational(at.l, base.l));
          c[j] = toNumber(subtractRational(at.c, base.c));
          scale = Math.max(scale, Math.abs(l[j] as number), Math.abs(c[j] as number));
        }
        // A price in cell j (x in [x_j, x_j+1)) rounds to a tick between the points' ticks; one cell
        // more on each side covers the float error of finding the cell.
        const bound = (values: Float64Array, pick: (a: number, b: number) => number): Float64Array =>
          Float64Array.from({ length: POINTS }, (_, j) => pick(values[Math.max(0, j - 1)] as number, values[Math.min(POINTS - 1, j + 2)] as number));
        return { lowerL: bound(l, Math.min), lowerC: bound(c, Math.min), upperC: bound(c, Math.max) };
      });
      return {
        id: scope.id, columns: held, scale,
        lowerL: tables.map((table) => table.lowerL), lowerC: tables.map((table) => table.lowerC), upperC: tables.map((table) => table.upperC),
      };
    });
    return new SeparableTables(scopes, reference, columns);
  }

  /** The screen for one state holding these positions: each scope's slacks at the reference prices. */
  screen(state: EngineState): SeparableScreen {
    const { snapshot } = state;
    const byId = new Map(marginScopes(snapshot).map((scope) => [scope.id, scope]));
    const bases = this.scopes.map((tables) => {
      const scope = byId.get(tables.id);
      const base = scope ? slacks(snapshot, scope, this.reference) : undefined;
      const l = base ? toNumber(base.l) : Number.NaN;
      const c = base ? toNumber(base.c) : Number.NaN;
      return { l, c, room: RELATIVE_ROOM * (tables.scale + Math.abs(l) + Math.abs(c)) + 1e-12, called: state.marginCalls.has(tables.id) };
    });
    return new SeparableScreen(this.scopes, bases, orderBounds(state, this.columns));
  }
}

/**
 * Per column, the log moves strictly inside every stop-loss and take-profit on it
 * (../core/engine/trigger-orders.ts reached(): a falling trigger fills at a mark at or below it, a
 * rising one at or above), as [low, high] pairs; a stop at T ticks leaves ticks > floor(T) quiet,
 * a take-profit ticks < ceil(T), widened by the float slack.
 */
function orderBounds(state: EngineState, columns: readonly PriceColumn[]): Float64Array {
  const bounds = new Float64Array(2 * columns.length);
  for (let i = 0; i < columns.length; i++) {
    bounds[2 * i] = -Infinity;
    bounds[2 * i + 1] = Infinity;
  }
  for (const position of state.snapshot.positions) {
    const orders = state.orders.get(position.id);
    const i = columns.findIndex((column) => column.symbol === position.instrument.symbol);
    const column = columns[i];
    if (!orders || !column) continue;
    for (const [kind, trigger] of [['stop-loss', orders.stopLoss], ['take-profit', orders.takeProfit]] as const) {
      if (!trigger) continue;
      const falls = (position.side === 'long') === (kind === 'stop-loss');
      if (falls) {
        const quietFrom = Number(divide(trigger, column.tick, 0, 'floor').units) + 1;
        bounds[2 * i] = Math.max(bounds[2 * i] as number, Math.log(quietFrom / column.startTicks) + ORDER_SLACK);
      } else {
        const quietTo = Number(divide(trigger, column.tick, 0, 'ceiling').units) - 1;
        bounds[2 * i + 1] = quietTo < 1 ? -Infinity : Math.min(bounds[2 * i + 1] as number, Math.log(quietTo / column.startTicks) - ORDER_SLACK);
      }
    }
  }
  return bounds;
}

/** Room for the float error of exp and log around an order's tick (relative). */
const ORDER_SLACK = 1e-9;

function slacks(snapshot: AccountSnapshot, scope: MarginScope, prices: PriceMap): { l: Rational; c: Rational } {
  const { exact } = valueScope(snapshot.venue, scope, prices, snapshot.currencyDecimals);
  return { l: subtractRational(exact.equity, exact.liquidation), c: subtractRational(exact.equity, exact.marginCall) };
}

interface Base {
  readonly l: number;
  readonly c: number;
  readonly room: number;
  readonly called: boolean;
}

const cellOf = (x: number): number => Math.floor((x + SPAN) / STEP);
/** Room for the float error of a cell's edge, well inside the cell next to it. */
const CELL_SLACK = 1e-12;

export class SeparableScreen {
  /** One observation as a range of one point per column. */
  private readonly point: Float64Array;
  /** No shift, for each scope. */
  private readonly unshifted: Float64Array;

  constructor(
    private readonly scopes: readonly ScopeTables[],
    private readonly bases: readonly Base[],
    /** Per column, the log moves inside every order on it (orderBounds). */
    private readonly orders: Float64Array,
  ) {
    this.point = new Float64Array(orders.length);
    this.unshifted = new Float64Array(scopes.length);
  }

  /** The scopes' ids, in the order shifts are given. */
  get scopeIds(): readonly string[] {
    return this.scopes.map((scope) => scope.id);
  }

  /**
   * Whether a mark at these log moves (from the start prices, one per column, at moves[offset + i])
   * provably leaves the state as it is: no scope near liquidation, none near issuing or clearing a call.
   */
  quiet(moves: Float64Array, offset: number, shifts?: Float64Array): boolean {
    const point = this.point;
    for (let i = 0; i < point.length / 2; i++) point[2 * i] = point[2 * i + 1] = moves[offset + i] as number;
    return shifts ? this.quietAcrossShifted(point, shifts, shifts) : this.quietAcross(point);
  }

  /** Whether every price the path visits (each column within its [min, max] of x) is quiet. */
  quietAcross(range: Float64Array): boolean {
    return this.quietAcrossShifted(range, this.unshifted, this.unshifted);
  }

  /**
   * For a state whose quiet prices lie beyond a frontier on one column (every position on it on
   * one side, no order, no call: `direction` +1 for longs, quiet at and above; -1 for shorts), the
   * log moves [xlo, xhi) on which quiet() holds with these shifts, found by bisection over the
   * cells (the test is monotone in the cell there); undefined where no cell is quiet. A move in a
   * cell is within the bounds of the cells next to it (build()), so the edges need no more room.
   */
  quietInterval(column: number, direction: 1 | -1, shifts: Float64Array): { xlo: number; xhi: number } | undefined {
    const point = this.point;
    point.fill(0);
    const quietCell = (cell: number): boolean => {
      point[2 * column] = point[2 * column + 1] = -SPAN + (cell + 0.5) * STEP;
      return this.quietAcrossShifted(point, shifts, shifts);
    };
    const first = 1;
    const last = POINTS - 3;
    if (!quietCell(direction > 0 ? last : first)) return undefined;
    // The quiet cells run from `edge` to the last (longs), or from the first to `edge` (shorts).
    let quiet = direction > 0 ? last : first;
    let noisy = direction > 0 ? first - 1 : last + 1;
    while (Math.abs(quiet - noisy) > 1) {
      const middle = Math.floor((quiet + noisy) / 2);
      if (quietCell(middle)) quiet = middle;
      else noisy = middle;
    }
    const lowCell = direction > 0 ? quiet : first;
    const highCell = direction > 0 ? last : quiet;
    return { xlo: -SPAN + lowCell * STEP + CELL_SLACK, xhi: -SPAN + (highCell + 1) * STEP - CELL_SLACK };
  }

  /**
   * Whether every price in the range is quiet with each scope's slacks moved by any amount between
   * its low and high shift (money, the account currency): payments the state has not booked.
   */
  quietAcrossShifted(range: Float64Array, low: Float64Array, high: Float64Array): boolean {
    const { orders } = this;
    for (let i = 0; i < orders.length; i += 2) {
      if (!((range[i] as number) >= (orders[i] as number) && (range[i + 1] as number) <= (orders[i + 1] as number))) return false;
    }
    for (let s = 0; s < this.scopes.length; s++) {
      const tables = this.scopes[s] as ScopeTables;
      const base = this.bases[s] as Base;
      const down = low[s] as number;
      const up = high[s] as number;
      let l = base.l + down;
      let lowC = base.c + down;
      let highC = base.c + up;
      for (let k = 0; k < tables.columns.length; k++) {
        const column = tables.columns[k] as number;
        const low = cellOf(range[2 * column] as number);
        const high = cellOf(range[2 * column + 1] as number);
        if (!(low >= 1 && high < POINTS - 2)) return false;
        // Monotone in the price: the extremes of a range of cells are at its ends.
        const lowerL = tables.lowerL[k] as Float64Array;
        const lowerC = tables.lowerC[k] as Float64Array;
        const upperC = tables.upperC[k] as Float64Array;
        l += Math.min(lowerL[low] as number, lowerL[high] as number);
        lowC += Math.min(lowerC[low] as number, lowerC[high] as number);
        highC += Math.max(upperC[low] as number, upperC[high] as number);
      }
      if (!clear(base, l, lowC, highC, RELATIVE_ROOM * Math.max(Math.abs(down), Math.abs(up)))) return false;
    }
    return true;
  }
}

/** Bounds on a scope's slacks that keep it clear of liquidation and of issuing or clearing its call, with room for a shift's float error. */
function clear(base: Base, l: number, lowC: number, highC: number, shiftRoom: number): boolean {
  const room = base.room + shiftRoom;
  return l > room && (base.called ? highC < -room : lowC > room);
}
