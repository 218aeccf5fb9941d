/**
 * Trigger bands: the prices at which the indexed book must look at a margin scope again.
 *
 * A scope's watched quantities are affine in each of its instruments' prices up to rounding:
 *   S_l = equity - Rl,  S_c = equity - Rc,  S_lin(p) = collateral + Σ pnl_i(p) - Σ rate_i × notional_i(p)
 * and rounding (P&L down per position, requirement up once) keeps S within (S_lin - n - 1, S_lin]
 * for n open positions. So from an exact valuation S(p0), while each instrument j moves at most
 * room_j ticks against the scope,
 *   S(p) > S(p0) - n - 1 - Σ_j |slope_j| × room_j.
 * The watched conditions, each with a budget B in account units that Σ |slope_j| × room_j may use:
 *   - not liquidatable: S_l >= t (t = 1 at 'at-or-below' venues, else 0):  B = S_l(p0) - t - n - 1;
 *   - with a margin call of its own, not called: S_c >= 0:                   B = S_c(p0) - n - 1;
 *     called: S_c <= -1 (S <= S_lin < S(p0) + n + 1 + gains):                 B = -S_c(p0) - n - 1.
 * Against the scope means the direction that lowers S (raises it, for a call waiting to clear).
 *
 * Full re-key (any event, or a band too tight to extend): the budget is split so every instrument
 * may move the same fraction of its price, room_j = ⌊B × p_j / Σ_i |slope_i| × p_i⌋. Incremental
 * re-key, when one band's trigger is crossed without an event (another of the scope's instruments
 * may have moved since): the crossed band gets what the others' remaining rooms leave of the
 * budget, B - Σ_{i≠j} |slope_i| × remaining_i, as long as that is at least half its even share;
 * the other bands keep their triggers. Either way a trigger never lets the scope's status change
 * unseen: crossing it makes the book value the scope exactly.
 *
 * Slopes are floating point with a bounded error (|slope| + (n + 4) × 2^-52 × Σ|terms| bounds the
 * true one); rooms are shrunk by 2^-30 to absorb the rest. A scope on a single instrument then
 * has its triggers moved out to the exact tick where the status changes, found by valuing the few
 * ticks past the conservative trigger exactly (the rounding window is (2n + 3) / |slope| ticks
 * wide; scope-bands.test.ts holds both kinds of trigger to brute force).
 */
import { endPositionOf, firstPositionOf, requirementDenominatorOf, venueOf, type BookState } from './book-state.js';
import * as layout from './book-state.js';
import {
  STATUS_LIQUIDATE, VALUE_EQUITY, VALUE_LIQUIDATION, VALUE_MARGIN_CALL, VALUE_OPEN, VALUE_SIZE, scopeStatus, valueScope,
} from './scope-value.js';
import { clearTrigger, setTrigger, type TriggerIndex } from './trigger-index.js';
import * as bandLayout from './trigger-index.js';

// The record layout as module-local constants: V8 folds these into optimized loops, while each
// read of an imported binding stays a load and a check.
const {
  ACCOUNT_SEPARATE_CALL, ACCOUNT_STRIDE, FIELD_CALL_FACTOR, FIELD_DIRECTION, FIELD_LIQUIDATION_FACTOR,
  FIELD_PNL_DENOMINATOR, FIELD_PNL_FACTOR, FIELD_STATE, OPEN_CROSS, OPEN_ISOLATED, POSITION_STRIDE,
} = layout;
const { BAND_CALL_SLOPE, BAND_DOWN, BAND_INSTRUMENT, BAND_LIQUIDATION_SLOPE, BAND_SLOPE_ERROR, BAND_STRIDE, BAND_UP } = bandLayout;

const SHRINK = 1 - 2 ** -30;
const GROW = 1 + 2 ** -30;
/** Relative error of one floating-point operation; a sum of n terms of a few operations each is within (n + 4) of it. */
const EPSILON = 2 ** -52;
/** How many ticks past a single-instrument scope's conservative trigger are valued exactly. */
const EXACT_SCAN = 8;

/**
 * Working space for re-keying, owned by a book: the band's rooms ([down, up], in ticks; Infinity =
 * no trigger on that side), the scope's watched conditions (each a budget, the slopes it watches,
 * and an orientation: +1 the quantity must not fall, -1 it must not rise), and a valuation for
 * exact scans.
 */
export interface BandScratch {
  readonly rooms: Float64Array;
  conditionCount: number;
  readonly budget: Float64Array;
  readonly orientation: Float64Array;
  readonly call: Uint8Array;
  readonly value: Float64Array;
}

export function createBandScratch(): BandScratch {
  return {
    rooms: new Float64Array(2),
    conditionCount: 0,
    budget: new Float64Array(2),
    orientation: new Float64Array(2),
    call: new Uint8Array(2),
    value: new Float64Array(VALUE_SIZE),
  };
}

function scopeAccount(state: BookState, scope: number): number {
  return scope < state.accountCount ? scope : state.positionAccount[scope - state.accountCount]!;
}

/** Sets the slopes of `scope`'s bands from its open positions. */
function computeSlopes(state: BookState, index: TriggerIndex, scope: number): void {
  index.slopesCurrent[scope] = 1;
  const { band: bands } = index;
  const firstBand = index.bandFirst[scope]!;
  const endBand = firstBand + index.bandCount[scope]!;
  for (let band = firstBand; band < endBand; band += 1) {
    const record = band * BAND_STRIDE;
    bands[record + BAND_LIQUIDATION_SLOPE] = 0;
    bands[record + BAND_CALL_SLOPE] = 0;
    bands[record + BAND_SLOPE_ERROR] = 0;
  }
  const account = scopeAccount(state, scope);
  const isolated = scope >= state.accountCount;
  const first = isolated ? scope - state.accountCount : firstPositionOf(state, account);
  const end = isolated ? first + 1 : endPositionOf(state, account);
  const open = isolated ? OPEN_ISOLATED : OPEN_CROSS;
  const denominator = requirementDenominatorOf(state, account);
  const { position } = state;
  let count = 0;
  for (let each = first; each < end; each += 1) {
    const record = each * POSITION_STRIDE;
    if (position[record + FIELD_STATE] !== open) continue;
    count += 1;
    const band = index.positionBand[each]!;
    const pnl = position[record + FIELD_DIRECTION]! * (position[record + FIELD_PNL_FACTOR]! / position[record + FIELD_PNL_DENOMINATOR]!);
    const liquidation = position[record + FIELD_LIQUIDATION_FACTOR]! / denominator;
    const call = position[record + FIELD_CALL_FACTOR]! / denominator;
    const at = band * BAND_STRIDE;
    bands[at + BAND_LIQUIDATION_SLOPE] = bands[at + BAND_LIQUIDATION_SLOPE]! + pnl - liquidation;
    bands[at + BAND_CALL_SLOPE] = bands[at + BAND_CALL_SLOPE]! + pnl - call;
    bands[at + BAND_SLOPE_ERROR] = bands[at + BAND_SLOPE_ERROR]! + Math.abs(pnl) + liquidation + call;
  }
  const relativeError = (count + 4) * EPSILON;
  for (let band = firstBand; band < endBand; band += 1) {
    const at = band * BAND_STRIDE + BAND_SLOPE_ERROR;
    bands[at] = bands[at]! * relativeError;
  }
}

/** Sets the scope's watched conditions in `conditions`. */
function watchConditions(state: BookState, scope: number, value: Float64Array, conditions: BandScratch): void {
  const account = scopeAccount(state, scope);
  const equity = value[VALUE_EQUITY]!;
  const slack = value[VALUE_OPEN]! + 1;
  const atOrBelow = state.venueAtOrBelow[venueOf(state, account)]!;
  conditions.budget[0] = equity - value[VALUE_LIQUIDATION]! - atOrBelow - slack;
  conditions.orientation[0] = 1;
  conditions.call[0] = 0;
  conditions.conditionCount = 1;
  if (state.account[account * ACCOUNT_STRIDE + ACCOUNT_SEPARATE_CALL] === 1) {
    const called = state.called[scope] === 1;
    const callSlack = equity - value[VALUE_MARGIN_CALL]!;
    conditions.budget[1] = called ? -callSlack - slack : callSlack - slack;
    conditions.orientation[1] = called ? -1 : 1;
    conditions.call[1] = 1;
    conditions.conditionCount = 2;
  }
}

function slopeOf(index: TriggerIndex, band: number, call: number): number {
  return call === 1 ? index.band[band * BAND_STRIDE + BAND_CALL_SLOPE]! : index.band[band * BAND_STRIDE + BAND_LIQUIDATION_SLOPE]!;
}

/** 1: only a fall in price is against the condition; -1: only a rise; 0: either (the slope's sign is unsure). */
function adverseSide(slope: number, error: number, orientation: number): number {
  const facing = slope * orientation;
  if (facing > error) return 1;
  if (facing < -error) return -1;
  return 0;
}

function restrict(rooms: Float64Array, side: number, room: number): void {
  if (side >= 0 && room < rooms[0]!) rooms[0] = room;
  if (side <= 0 && room < rooms[1]!) rooms[1] = room;
}

/** Σ |slope| × price over the scope's bands, grown to bound its rounding. */
function weight(state: BookState, index: TriggerIndex, scope: number, call: number): number {
  const firstBand = index.bandFirst[scope]!;
  const endBand = firstBand + index.bandCount[scope]!;
  let total = 0;
  for (let band = firstBand; band < endBand; band += 1) {
    const record = band * BAND_STRIDE;
    total += (Math.abs(slopeOf(index, band, call)) + index.band[record + BAND_SLOPE_ERROR]!) * state.prices[index.band[record + BAND_INSTRUMENT]!]!;
  }
  return total * GROW;
}

function statusCode(state: BookState, scope: number, value: Float64Array): number {
  valueScope(state, scope, value);
  return scopeStatus(state, scopeAccount(state, scope), value);
}

/**
 * Scans up to `scan` ticks from `trigger` away from the price (step -1 or +1) for the first tick
 * where the scope's status differs from now; returns it, or the tick past the scan when there is
 * none. Only for a scope on one instrument, `instrument`.
 */
export function exactTrigger(
  state: BookState, scope: number, instrument: number, trigger: number, step: number, scan: number, scratch: Float64Array,
): number {
  const { prices } = state;
  const saved = prices[instrument]!;
  const now = state.called[scope]!;
  let tick = trigger;
  for (let scanned = 0; scanned < scan && tick >= 1; scanned += 1, tick += step) {
    prices[instrument] = tick;
    if (statusCode(state, scope, scratch) !== now) break;
  }
  prices[instrument] = saved;
  return tick;
}

/** Arms the band's triggers from `scratch.rooms`, scanning `scan` ticks past them exactly (0: none). */
function armBand(state: BookState, index: TriggerIndex, scope: number, band: number, scratch: BandScratch, scan: number): void {
  const price = state.prices[index.band[band * BAND_STRIDE + BAND_INSTRUMENT]!]!;
  const instrument = index.band[band * BAND_STRIDE + BAND_INSTRUMENT]!;
  let down = price - scratch.rooms[0]! - 1;
  let up = price + scratch.rooms[1]! + 1;
  if (scan > 0 && down >= 1) down = exactTrigger(state, scope, instrument, down, -1, scan, scratch.value);
  if (scan > 0 && up < Infinity) up = exactTrigger(state, scope, instrument, up, 1, scan, scratch.value);
  if (down < 1) down = -Infinity;
  if (down !== index.band[band * BAND_STRIDE + BAND_DOWN]) {
    index.band[band * BAND_STRIDE + BAND_DOWN] = down;
    if (down >= 1) setTrigger(index, 2 * band, down);
    else clearTrigger(index, 2 * band);
  }
  if (up !== index.band[band * BAND_STRIDE + BAND_UP]) {
    index.band[band * BAND_STRIDE + BAND_UP] = up;
    if (up < Infinity) setTrigger(index, 2 * band + 1, up);
    else clearTrigger(index, 2 * band + 1);
  }
}

/** Disarms a band (its trigger fired, or its scope closed). */
export function disarmBand(index: TriggerIndex, band: number): void {
  if (index.band[band * BAND_STRIDE + BAND_DOWN] !== -Infinity) {
    index.band[band * BAND_STRIDE + BAND_DOWN] = -Infinity;
    clearTrigger(index, 2 * band);
  }
  if (index.band[band * BAND_STRIDE + BAND_UP] !== Infinity) {
    index.band[band * BAND_STRIDE + BAND_UP] = Infinity;
    clearTrigger(index, 2 * band + 1);
  }
}

/**
 * How many ticks past the conservative triggers to value exactly: EXACT_SCAN when the scope trades
 * one instrument with slopes steep enough for the scan to reach the status change, else 0.
 */
function exactScan(index: TriggerIndex, scope: number, liveBands: number, open: number): number {
  if (liveBands !== 1) return 0;
  const band = index.bandFirst[scope]!;
  const record = band * BAND_STRIDE;
  const steepest = Math.min(Math.abs(index.band[record + BAND_LIQUIDATION_SLOPE]!), Math.abs(index.band[record + BAND_CALL_SLOPE]!));
  const shallowest = steepest - index.band[record + BAND_SLOPE_ERROR]!;
  return shallowest * EXACT_SCAN >= 2 * open + 4 ? EXACT_SCAN : 0;
}

/**
 * Recomputes every trigger of `scope` from its exact valuation `value` at the current prices
 * (`scratch`, VALUE_SIZE numbers, is used for exact scans). A scope without open positions is disarmed.
 */
export function rekeyScope(state: BookState, index: TriggerIndex, scope: number, value: Float64Array, scratch: BandScratch): void {
  const firstBand = index.bandFirst[scope]!;
  const endBand = firstBand + index.bandCount[scope]!;
  if (value[VALUE_OPEN] === 0) {
    for (let band = firstBand; band < endBand; band += 1) disarmBand(index, band);
    return;
  }
  if (index.slopesCurrent[scope] === 0) computeSlopes(state, index, scope);
  watchConditions(state, scope, value, scratch);
  const { rooms, budget, orientation, call } = scratch;
  const weights0 = weight(state, index, scope, call[0]!);
  const weights1 = scratch.conditionCount > 1 ? weight(state, index, scope, call[1]!) : 0;
  let liveBands = 0;
  for (let band = firstBand; band < endBand; band += 1) if (index.band[band * BAND_STRIDE + BAND_SLOPE_ERROR]! > 0) liveBands += 1;
  const scan = exactScan(index, scope, liveBands, value[VALUE_OPEN]!);
  for (let band = firstBand; band < endBand; band += 1) {
    rooms[0] = Infinity;
    rooms[1] = Infinity;
    const error = index.band[band * BAND_STRIDE + BAND_SLOPE_ERROR]!;
    if (error > 0) {
      const price = state.prices[index.band[band * BAND_STRIDE + BAND_INSTRUMENT]!]!;
      for (let each = 0; each < scratch.conditionCount; each += 1) {
        const slope = slopeOf(index, band, call[each]!);
        const total = each === 0 ? weights0 : weights1;
        const room = budget[each]! <= 0 ? 0 : Math.floor(((budget[each]! * price) / total) * SHRINK);
        restrict(rooms, adverseSide(slope, error, orientation[each]!), room);
      }
    }
    armBand(state, index, scope, band, scratch, scan);
  }
}

/** How far instrument `band` may still move from its price toward `side` (1 down, -1 up, 0 either) before a trigger. */
function remainingRoom(state: BookState, index: TriggerIndex, band: number, side: number): number {
  const price = state.prices[index.band[band * BAND_STRIDE + BAND_INSTRUMENT]!]!;
  const down = index.band[band * BAND_STRIDE + BAND_DOWN]!;
  const downRoom = down === -Infinity ? price - 1 : price - down - 1;
  const upRoom = index.band[band * BAND_STRIDE + BAND_UP]! - price - 1;
  if (side > 0) return downRoom;
  if (side < 0) return upRoom;
  return downRoom > upRoom ? downRoom : upRoom;
}

/**
 * Re-arms band `band` of `scope` after its trigger was crossed without an event, leaving the
 * scope's other bands alone; false when the budget left is too small, and the caller re-keys the
 * whole scope. `value` is the scope's exact valuation now.
 */
export function rekeyBand(
  state: BookState, index: TriggerIndex, scope: number, band: number, value: Float64Array, scratch: BandScratch,
): boolean {
  const firstBand = index.bandFirst[scope]!;
  const endBand = firstBand + index.bandCount[scope]!;
  watchConditions(state, scope, value, scratch);
  const { rooms } = scratch;
  const error = index.band[band * BAND_STRIDE + BAND_SLOPE_ERROR]!;
  const price = state.prices[index.band[band * BAND_STRIDE + BAND_INSTRUMENT]!]!;
  rooms[0] = Infinity;
  rooms[1] = Infinity;
  let liveBands = 0;
  for (let each = 0; each < scratch.conditionCount; each += 1) {
    const call = scratch.call[each]!;
    const orientation = scratch.orientation[each]!;
    const budget = scratch.budget[each]!;
    let others = 0;
    let total = 0;
    liveBands = 0;
    for (let other = firstBand; other < endBand; other += 1) {
      const otherError = index.band[other * BAND_STRIDE + BAND_SLOPE_ERROR]!;
      if (otherError === 0) continue;
      liveBands += 1;
      const steepness = Math.abs(slopeOf(index, other, call)) + otherError;
      total += steepness * state.prices[index.band[other * BAND_STRIDE + BAND_INSTRUMENT]!]!;
      if (other !== band) {
        others += steepness * remainingRoom(state, index, other, adverseSide(slopeOf(index, other, call), otherError, orientation));
      }
    }
    const steepness = Math.abs(slopeOf(index, band, call)) + error;
    const left = budget - others * GROW;
    const evenShare = (budget * price) / (total * GROW);
    if (!(left > 0) || left / steepness < evenShare / 2) return false;
    restrict(rooms, adverseSide(slopeOf(index, band, call), error, orientation), Math.floor((left / steepness) * SHRINK));
  }
  armBand(state, index, scope, band, scratch, exactScan(index, scope, liveBands, value[VALUE_OPEN]!));
  return true;
}

/** Whether valuation `value` of `scope` calls for an event: a liquidation, or a margin call to issue or clear. */
export function scopeNeedsAction(state: BookState, scope: number, value: Float64Array): boolean {
  const status = scopeStatus(state, scopeAccount(state, scope), value);
  return status === STATUS_LIQUIDATE || status !== state.called[scope];
}
