/**
 * Trigger bands: the prices at which the indexed book must look at a margin scope again.
 *
 * A scope's slacks (scope-value.ts: S_l = (equity - Rl) × M, S_c = (equity - Rc) × M) are exactly
 * affine in its instruments' prices, in integers:
 *   S = K + Σ_b A_b × p_b,   A_b = Σ over band b's open positions of direction × P - Lq (or - Cq)
 *   K = C × M - Σ over open positions of direction × P × entry
 * so the book values a scope from its bands, one multiply-add per instrument rather than per
 * position (valueBands), and from a valuation S(p0), while each instrument b moves at most room_b
 * ticks against the scope,
 *   S(p) >= S(p0) - Σ_b |A_b| × room_b.
 * The watched conditions, each a budget B that Σ_b |A_b| × room_b may use:
 *   - not liquidatable: S_l >= t (t = 1 at 'at-or-below' venues, else 0):  B = S_l(p0) - t;
 *   - with a margin call of its own, not called: S_c >= 0:                   B = S_c(p0);
 *     called: S_c <= -1:                                                       B = -S_c(p0) - 1.
 * Against the scope means the direction that lowers S (raises it, for a call waiting to clear).
 * The figures are exact, so no allowance for rounding or floating-point error is needed.
 *
 * Re-keying (after an event, or when a band is crossed with nothing to do: the budget it stood
 * for was used up, but the status is where it was) splits the budget to make crossings rare. A
 * random walk re-armed r ticks from its price crosses at a rate ∝ 1/r, so with relative rooms
 * x_b = room_b / p_b and weights w_b = |A_b| × p_b, minimising Σ 1/x_b subject to
 * Σ w_b × x_b = B gives x_b ∝ 1/√w_b:
 *   room_b = ⌊B × p_b / (√w_b × Σ_i √w_i)⌋,  shrunk by 2^-30 for the floating-point error,
 * and Σ_b |A_b| × room_b <= B. A scope with one instrument in a condition gets ⌊B / |A|⌋ exactly:
 * its trigger is the first tick where its status changes. A band's armed trigger moves only when
 * it must: one that leaves between half its new room and all of it stays (tighter is as safe),
 * which spares most heap updates; a crossed one always moves. Either way a trigger never lets the
 * scope's status change unseen: crossing it makes the book value the scope exactly.
 *
 * A valuation beyond 2^52 (bigint: only its sign is exact) arms the scope's bands one tick either
 * side of their prices, so it is valued again whenever one of its instruments moves.
 */
import type { BookState } from './book-state.js';
import * as layout from './book-state.js';
import * as safeIntegerModule from './safe-integer.js';
import * as scopeValueModule from './scope-value.js';
import type { TriggerIndex } from './trigger-index.js';
import * as bandLayout from './trigger-index.js';

// Imported functions and constants as module-local bindings: tsx loads these modules as CommonJS,
// where every use of a named import is a getter call. The record layouts become constants V8 folds
// into the loops.
const { denominatorOf, endPositionOf, firstPositionOf } = layout;
const { SAFE_BOUND, floorDivide } = safeIntegerModule;
const { VALUE_EXACT, VALUE_LIQUIDATION, VALUE_MARGIN_CALL, VALUE_OPEN, crossCollateral, valueScope } = scopeValueModule;
const { clearBandTrigger, setBandTrigger } = bandLayout;
const {
  FIELD_CALL, FIELD_DIRECTION, FIELD_ENTRY, FIELD_LIQUIDATION, FIELD_PNL, FIELD_STATE, OPEN_CROSS, OPEN_ISOLATED,
  POSITION_STRIDE,
} = layout;
const {
  BAND_CALL_SLOPE, BAND_DOWN, BAND_INSTRUMENT, BAND_LIQUIDATION_SLOPE, BAND_STRIDE, BAND_UP, HEADER_ACCOUNT, HEADER_AT_OR_BELOW,
  HEADER_BAND_COUNT, HEADER_CALLED, HEADER_CONSTANT, HEADER_OPEN, HEADER_SCOPE, HEADER_SEPARATE_CALL, TALLY_KEPT, TALLY_MOVED,
} = bandLayout;

const SHRINK = 1 - 2 ** -30;
/** A re-keyed band keeps an armed trigger that leaves at least this share of its new room (armBand). */
const KEEP = 0.5;

/**
 * Working space for re-keying, owned by a book: the band's rooms ([down, up], in ticks; Infinity =
 * no trigger on that side) and the scope's watched conditions (each a budget, the slopes it
 * watches, and an orientation: +1 the slack must not fall, -1 it must not rise).
 */
export interface BandScratch {
  readonly rooms: Float64Array;
  conditionCount: number;
  readonly budget: Float64Array;
  readonly orientation: Float64Array;
  readonly call: Uint8Array;
  /** Per condition: Σ √(|A_b| × p_b), and how many bands have a slope in it. */
  readonly weight: Float64Array;
  readonly live: Int32Array;
  /** Per condition c and band b of the scope (b - its first band): √(|A_b| × p_b), at [c × bands + b]. */
  readonly roots: Float64Array;
  /** The most bands a scope has. */
  readonly bands: number;
}

/** Working space for scopes of up to `bands` bands. */
export function createBandScratch(bands: number): BandScratch {
  return {
    rooms: new Float64Array(2),
    conditionCount: 0,
    budget: new Float64Array(2),
    orientation: new Float64Array(2),
    call: new Uint8Array(2),
    weight: new Float64Array(2),
    live: new Int32Array(2),
    roots: new Float64Array(2 * bands),
    bands,
  };
}

/**
 * Recomputes `scope`'s slopes, constant and open count from its open positions and collateral:
 * when the book is built, and whenever a settlement changed its positions or money.
 */
export function refreshScope(state: BookState, index: TriggerIndex, scope: number): void {
  const { band: bands } = index;
  const header = index.scopeHeader[scope]!;
  const headerRecord = header * BAND_STRIDE;
  const firstBand = header + 1;
  const endBand = firstBand + bands[headerRecord + HEADER_BAND_COUNT]!;
  for (let band = firstBand; band < endBand; band += 1) {
    const record = band * BAND_STRIDE;
    bands[record + BAND_LIQUIDATION_SLOPE] = 0;
    bands[record + BAND_CALL_SLOPE] = 0;
  }
  const account = bands[headerRecord + HEADER_ACCOUNT]!;
  const isolated = scope >= state.accountCount;
  const first = isolated ? scope - state.accountCount : firstPositionOf(state, account);
  const end = isolated ? first + 1 : endPositionOf(state, account);
  const open = isolated ? OPEN_ISOLATED : OPEN_CROSS;
  const collateral = isolated ? state.isolatedMargin[first]! : crossCollateral(state, account);
  const denominator = denominatorOf(state, account);
  const { position } = state;
  let constant = collateral * denominator;
  let magnitude = Math.abs(constant);
  let count = 0;
  for (let each = first; each < end; each += 1) {
    const record = each * POSITION_STRIDE;
    if (position[record + FIELD_STATE] !== open) continue;
    count += 1;
    const at = index.positionBand[each]! * BAND_STRIDE;
    const pnl = position[record + FIELD_DIRECTION]! * position[record + FIELD_PNL]!;
    // Exact: Σ (P + Lq + Cq) over an account is below 2^52 (book-state.ts).
    bands[at + BAND_LIQUIDATION_SLOPE] = bands[at + BAND_LIQUIDATION_SLOPE]! + pnl - position[record + FIELD_LIQUIDATION]!;
    bands[at + BAND_CALL_SLOPE] = bands[at + BAND_CALL_SLOPE]! + pnl - position[record + FIELD_CALL]!;
    const atEntry = pnl * position[record + FIELD_ENTRY]!;
    constant -= atEntry;
    magnitude += Math.abs(atEntry);
  }
  bands[headerRecord + HEADER_OPEN] = count;
  // Every term and partial sum is at most `magnitude`: below 2^52, K is exact (safe-integer.ts).
  bands[headerRecord + HEADER_CONSTANT] = magnitude < SAFE_BOUND ? constant : Number.NaN;
}

/**
 * Values the scope of header record `header` exactly from its bands (its slopes must be current:
 * refreshScope), into `out` as valueScope does; from its positions when K or a product is beyond
 * the double path's range.
 */
export function valueBands(state: BookState, index: TriggerIndex, header: number, out: Float64Array): void {
  const bands = index.band;
  const headerRecord = header * BAND_STRIDE;
  const constant = bands[headerRecord + HEADER_CONSTANT]!;
  let liquidation = constant;
  let marginCall = constant;
  let magnitude = Math.abs(constant);
  const { prices } = state;
  const firstBand = header + 1;
  const endBand = firstBand + bands[headerRecord + HEADER_BAND_COUNT]!;
  for (let band = firstBand; band < endBand; band += 1) {
    const record = band * BAND_STRIDE;
    const price = prices[bands[record + BAND_INSTRUMENT]!]!;
    const liquidationSlope = bands[record + BAND_LIQUIDATION_SLOPE]!;
    const callSlope = bands[record + BAND_CALL_SLOPE]!;
    liquidation += liquidationSlope * price;
    marginCall += callSlope * price;
    magnitude += (Math.abs(liquidationSlope) + Math.abs(callSlope)) * price;
  }
  // Every product and partial sum is at most `magnitude`: below 2^52 all were exact. NaN (K not exact) fails too.
  if (magnitude < SAFE_BOUND) {
    out[VALUE_LIQUIDATION] = liquidation;
    out[VALUE_MARGIN_CALL] = marginCall;
    out[VALUE_OPEN] = bands[headerRecord + HEADER_OPEN]!;
    out[VALUE_EXACT] = 1;
    return;
  }
  valueScope(state, bands[headerRecord + HEADER_SCOPE]!, out);
}

/** What a scope's valuation calls for (scopeNeedsAction). */
export const NO_ACTION = 0;
export const CALL_CHANGES = 1;
export const LIQUIDATE = 2;

/**
 * What valuation `value` of the scope of header `header` calls for: a liquidation, a margin call
 * to issue or clear (scope-value.ts), or nothing.
 */
export function scopeNeedsAction(index: TriggerIndex, header: number, value: Float64Array): number {
  const headerRecord = header * BAND_STRIDE;
  const liquidation = value[VALUE_LIQUIDATION]!;
  if (liquidation < 0 || (liquidation === 0 && index.band[headerRecord + HEADER_AT_OR_BELOW] === 1)) return LIQUIDATE;
  // Not liquidatable: in margin call exactly when S_c < 0, with or without calls of the venue's own.
  return (value[VALUE_MARGIN_CALL]! < 0) !== (index.band[headerRecord + HEADER_CALLED] === 1) ? CALL_CHANGES : NO_ACTION;
}

/** Sets the scope's watched conditions in `conditions` from its exact valuation `value`. */
function watchConditions(index: TriggerIndex, header: number, value: Float64Array, conditions: BandScratch): void {
  const headerRecord = header * BAND_STRIDE;
  conditions.budget[0] = value[VALUE_LIQUIDATION]! - index.band[headerRecord + HEADER_AT_OR_BELOW]!;
  conditions.orientation[0] = 1;
  conditions.call[0] = 0;
  conditions.conditionCount = 1;
  if (index.band[headerRecord + HEADER_SEPARATE_CALL] === 1) {
    const slack = value[VALUE_MARGIN_CALL]!;
    const called = index.band[headerRecord + HEADER_CALLED] === 1;
    conditions.budget[1] = called ? -slack - 1 : slack;
    conditions.orientation[1] = called ? -1 : 1;
    conditions.call[1] = 1;
    conditions.conditionCount = 2;
  }
}

function slopeOf(index: TriggerIndex, band: number, call: number): number {
  return index.band[band * BAND_STRIDE + (call === 1 ? BAND_CALL_SLOPE : BAND_LIQUIDATION_SLOPE)]!;
}

/** 1: a fall in price is against the condition; -1: a rise. */
function adverseSide(slope: number, orientation: number): number {
  return slope * orientation > 0 ? 1 : -1;
}

function restrict(rooms: Float64Array, side: number, room: number): void {
  if (side > 0) {
    if (room < rooms[0]!) rooms[0] = room;
  } else if (room < rooms[1]!) {
    rooms[1] = room;
  }
}

/** Per condition: each band's √(|A_b| × p_b), their sum, and how many bands have a slope in it. */
function weigh(state: BookState, index: TriggerIndex, firstBand: number, endBand: number, scratch: BandScratch): void {
  for (let each = 0; each < scratch.conditionCount; each += 1) {
    const call = scratch.call[each]!;
    const at = each * scratch.bands - firstBand;
    let total = 0;
    let live = 0;
    for (let band = firstBand; band < endBand; band += 1) {
      const slope = slopeOf(index, band, call);
      const root = slope === 0 ? 0 : Math.sqrt(Math.abs(slope) * state.prices[index.band[band * BAND_STRIDE + BAND_INSTRUMENT]!]!);
      scratch.roots[at + band] = root;
      if (slope !== 0) live += 1;
      total += root;
    }
    scratch.weight[each] = total;
    scratch.live[each] = live;
  }
}

/** Band `band`'s share of condition `each`'s budget, in ticks, B × p / (√(|A| × p) × Σ√): a float, before flooring. */
function share(scratch: BandScratch, each: number, band: number, firstBand: number, price: number): number {
  const root = scratch.roots[each * scratch.bands + band - firstBand]!;
  return (scratch.budget[each]! * price) / (root * scratch.weight[each]!);
}

/**
 * Arms the band's triggers from `rooms`: one tick past each room. With `keep` (a fraction below
 * 1), a side whose armed trigger leaves a room between keep × the new room and the new room keeps
 * it: a tighter trigger is as safe, and not moving it spares a heap update.
 */
function armBand(state: BookState, index: TriggerIndex, band: number, rooms: Float64Array, keep: number): void {
  const record = band * BAND_STRIDE;
  const price = state.prices[index.band[record + BAND_INSTRUMENT]!]!;
  const downRoom = rooms[0]! < price - 1 ? rooms[0]! : price - 1;
  const armedDown = index.band[record + BAND_DOWN]!;
  const downLeft = armedDown === -Infinity ? price - 1 : price - armedDown - 1;
  if (!(downLeft <= downRoom && downLeft >= keep * downRoom)) {
    const down = downRoom === price - 1 ? -Infinity : price - downRoom - 1;
    index.band[record + BAND_DOWN] = down;
    if (down >= 1) setBandTrigger(index, band, 0, down);
    else clearBandTrigger(index, band, 0);
    index.tally[TALLY_MOVED] = index.tally[TALLY_MOVED]! + 1;
  } else if (armedDown !== -Infinity) {
    index.tally[TALLY_KEPT] = index.tally[TALLY_KEPT]! + 1;
  }
  const upRoom = rooms[1]!;
  const armedUp = index.band[record + BAND_UP]!;
  const upLeft = armedUp - price - 1;
  if (!(upLeft <= upRoom && upLeft >= keep * upRoom)) {
    const up = price + upRoom + 1;
    index.band[record + BAND_UP] = up;
    if (up < Infinity) setBandTrigger(index, band, 1, up);
    else clearBandTrigger(index, band, 1);
    index.tally[TALLY_MOVED] = index.tally[TALLY_MOVED]! + 1;
  } else if (armedUp !== Infinity) {
    index.tally[TALLY_KEPT] = index.tally[TALLY_KEPT]! + 1;
  }
}

/** Arms band `band` one tick either side of its price: any move of its instrument fires it. */
export function armEveryTick(state: BookState, index: TriggerIndex, band: number, scratch: BandScratch): void {
  scratch.rooms[0] = 0;
  scratch.rooms[1] = 0;
  armBand(state, index, band, scratch.rooms, 1);
}

/** Disarms a band (its scope closed, or it no longer trades the instrument). */
export function disarmBand(index: TriggerIndex, band: number): void {
  if (index.band[band * BAND_STRIDE + BAND_DOWN] !== -Infinity) {
    index.band[band * BAND_STRIDE + BAND_DOWN] = -Infinity;
    clearBandTrigger(index, band, 0);
  }
  if (index.band[band * BAND_STRIDE + BAND_UP] !== Infinity) {
    index.band[band * BAND_STRIDE + BAND_UP] = Infinity;
    clearBandTrigger(index, band, 1);
  }
}

/**
 * Recomputes every trigger of the scope of header `header` from its exact valuation `value` at the
 * current prices (valueBands or valueScope). A scope without open positions is disarmed.
 */
export function rekeyScope(state: BookState, index: TriggerIndex, header: number, value: Float64Array, scratch: BandScratch): void {
  const firstBand = header + 1;
  const endBand = firstBand + index.band[header * BAND_STRIDE + HEADER_BAND_COUNT]!;
  const { rooms } = scratch;
  if (value[VALUE_OPEN] === 0) {
    for (let band = firstBand; band < endBand; band += 1) disarmBand(index, band);
    return;
  }
  if (value[VALUE_EXACT] === 0) {
    // Only the slack's sign is exact: look again at every move of an instrument the slacks depend on.
    for (let band = firstBand; band < endBand; band += 1) {
      rooms[0] = 0;
      rooms[1] = 0;
      if (slopeOf(index, band, 0) === 0 && slopeOf(index, band, 1) === 0) disarmBand(index, band);
      else armBand(state, index, band, rooms, 1);
    }
    return;
  }
  watchConditions(index, header, value, scratch);
  weigh(state, index, firstBand, endBand, scratch);
  const { budget, orientation, call } = scratch;
  // A scope on one instrument gets its exact triggers; others may keep tighter ones.
  const keep = scratch.live[0]! > 1 || (scratch.conditionCount > 1 && scratch.live[1]! > 1) ? KEEP : 1;
  for (let band = firstBand; band < endBand; band += 1) {
    rooms[0] = Infinity;
    rooms[1] = Infinity;
    const price = state.prices[index.band[band * BAND_STRIDE + BAND_INSTRUMENT]!]!;
    for (let each = 0; each < scratch.conditionCount; each += 1) {
      const slope = slopeOf(index, band, call[each]!);
      if (slope === 0) continue;
      const available = budget[each]!;
      let room = 0;
      if (available > 0) {
        room = scratch.live[each] === 1
          ? floorDivide(available, Math.abs(slope))
          : Math.floor(share(scratch, each, band, firstBand, price) * SHRINK);
      }
      restrict(rooms, adverseSide(slope, orientation[each]!), room);
    }
    armBand(state, index, band, rooms, keep);
  }
}
