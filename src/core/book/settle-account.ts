/**
 * One account's reaction to the current prices, the single procedure both books run (the naive
 * book on every account it cannot prove quiet, the indexed book on the accounts its triggers
 * name), so they can only differ in which accounts they visit. It follows the engine's review after
 * a mark (../engine/step.ts), step for step (book-events.ts lists the order of events):
 *
 * 1. Stop-loss and take-profit orders reached at the price fill there, position by position: the
 *    first price at or beyond the trigger, never the trigger itself after a gap. P&L is rounded
 *    down. A scope the fill closes (an isolated position's, or the cross scope's last position) is
 *    settled at once: what it has left below zero is absorbed where the venue absorbs deficits
 *    (deficit-absorbed); at a client-debt venue it stays on the wallet. Then the venue's taker fee
 *    (the order is a market order), as ../engine/commands.ts `chargeTradeFee` charges it:
 *      fee = ⌈taker rate × lots × unitValue × price⌉, at most max(0, balance - Σ open isolated margins)
 *    (a rebate, at a negative rate, is rounded toward zero and not capped); fee-charged unless zero.
 * 2. Margin calls are issued, not yet cleared, for every scope with open positions in margin call
 *    now (the cross scope first, then isolated scopes by position): a gap straight through the
 *    stop-out still shows the call the account went through on its way down.
 * 3. Liquidation, decided exactly (scope-value.ts): each open isolated scope, then the cross scope,
 *    when equity < Rl, or <= Rl at 'at-or-below' venues. Whole-scope venues close every position
 *    at the tick's price; largest-loss-first venues (MT5 stop-out) close the position with the
 *    lowest booked P&L (the first on a tie), re-value and repeat while the breach lasts. The
 *    venue's fee, ⌈rate × notional⌉ per position closed, comes out of what the scope has left
 *    (never creating a deficit), then a closed scope below zero is settled as in 1. Fees come after
 *    the stop-out has stopped, as the engine charges them, so a partial stop-out's fee can leave
 *    the rest in breach; like the engine, the book stops it out at the next price the account sees
 *    (the next move of an instrument it holds: both books settle only accounts holding the ticked
 *    instrument, and the indexed book then fires on any such move, indexed-book.ts `pending`).
 * 4. Debt: an account left without positions, below zero, at a client-debt venue owes its balance;
 *    what is not recorded yet is (debt-recorded).
 * 5. Margin calls: every scope with open positions, the cross scope first, is in margin call while
 *    it is not healthy at a venue with calls of its own (exactly: equity < Rc), and while equity <
 *    Rc without a breach at one without; calls are issued or cleared ('equity restored') as that
 *    changes, then the calls of scopes that closed are cleared ('positions closed'), in the order
 *    they were issued.
 */
import type { Rational } from '../money/rational.js';
import * as safeIntegerModule from './safe-integer.js';
import type { BookState } from './book-state.js';
import * as layout from './book-state.js';
import type { BookEvent, BookScope } from './book-events.js';
import * as bookEventsModule from './book-events.js';
import * as scopeValueModule from './scope-value.js';

// Imported functions and constants as module-local bindings: tsx loads these modules as CommonJS,
// where every use of a named import is a getter call.
const { ceilingDivideBig } = safeIntegerModule;
const { credit, endPositionOf, firstPositionOf, isolatedScope, stopLossReached, takeProfitReached, venueOf } = layout;
const { CROSS_SCOPE } = bookEventsModule;
const {
  STATUS_LIQUIDATE, VALUE_EXACT, VALUE_LIQUIDATION, VALUE_MARGIN_CALL, VALUE_OPEN, breachesLiquidation, crossCollateral,
  displayFigures, isCalled, positionNotional, positionPnl, scopeStatus, valueCrossScope, valueIsolatedScope,
} = scopeValueModule;

// The record layout as module-local constants: V8 folds these into optimized loops, while each
// read of an imported binding stays a load and a check.
const {
  ACCOUNT_BALANCE, ACCOUNT_ISOLATED_TOTAL, ACCOUNT_RECORDED_DEBT, ACCOUNT_STRIDE, CLOSED, FIELD_DIRECTION, FIELD_INSTRUMENT,
  FIELD_STATE, OPEN_CROSS, OPEN_ISOLATED, POSITION_STRIDE,
} = layout;

function isolatedRef(position: number): BookScope {
  return { kind: 'isolated', position };
}

function priceOf(state: BookState, position: number): number {
  return state.prices[state.position[position * POSITION_STRIDE + FIELD_INSTRUMENT]!]!;
}

/** Closes a position, booking `pnl` to the wallet; an isolated one's margin is no longer held. */
function closePosition(state: BookState, account: number, position: number, pnl: number): void {
  const at = position * POSITION_STRIDE + FIELD_STATE;
  if (state.position[at] === OPEN_ISOLATED) {
    const isolatedTotal = account * ACCOUNT_STRIDE + ACCOUNT_ISOLATED_TOTAL;
    state.account[isolatedTotal] = state.account[isolatedTotal]! - state.isolatedMargin[position]!;
  }
  state.position[at] = CLOSED;
  credit(state, account, pnl);
}

function absorbs(state: BookState, account: number): boolean {
  return state.venueAbsorbs[venueOf(state, account)] === 1;
}

/** A closed scope's collateral `left` below zero: absorbed where the venue absorbs deficits. */
function settleClosedScope(state: BookState, account: number, scope: BookScope, left: number, events: BookEvent[]): void {
  if (left >= 0 || !absorbs(state, account)) return;
  credit(state, account, -left);
  events.push({ type: 'deficit-absorbed', tick: state.tick, account, scope, amount: BigInt(-left) });
}

function hasOpenCross(state: BookState, first: number, end: number): boolean {
  for (let each = first; each < end; each += 1) if (state.position[each * POSITION_STRIDE + FIELD_STATE] === OPEN_CROSS) return true;
  return false;
}

function hasOpenPosition(state: BookState, first: number, end: number): boolean {
  for (let each = first; each < end; each += 1) if (state.position[each * POSITION_STRIDE + FIELD_STATE] !== CLOSED) return true;
  return false;
}

/**
 * The taker fee on filling `position` at the current price: ⌈rate × notional⌉ (Binance FAQ
 * 360033544231, "Commission Fee = Notional Value × Fee Rate"), paid from the cross wallet, so at
 * most what it holds (`wallet`) and nothing when it holds nothing. A rebate (a negative rate) is
 * not capped. Bigint: fills are rare, and the product may pass 2^53.
 */
function takerFee(rate: Rational, notional: Rational, wallet: number): number {
  const due = Number(ceilingDivideBig(rate.numerator * notional.numerator, rate.denominator * notional.denominator));
  if (due <= 0) return due;
  const held = wallet > 0 ? wallet : 0;
  return due < held ? due : held;
}

/** Charges the venue's taker fee on `position`, just closed by an order at the current price. */
function chargeOrderFee(state: BookState, account: number, position: number, events: BookEvent[]): void {
  const rate = state.venueTakerFeeRate[venueOf(state, account)]!;
  if (rate.numerator === 0n) return;
  const fee = takerFee(rate, positionNotional(state, position), crossCollateral(state, account));
  if (fee === 0) return;
  credit(state, account, -fee);
  events.push({
    type: 'fee-charged', tick: state.tick, account, position, instrument: state.position[position * POSITION_STRIDE + FIELD_INSTRUMENT]!,
    liquidity: 'taker', rate, amount: BigInt(fee),
  });
}

function fillOrder(
  state: BookState, account: number, position: number, type: 'stop-loss-filled' | 'take-profit-filled', events: BookEvent[],
): void {
  const pnl = positionPnl(state, position);
  const isolated = state.position[position * POSITION_STRIDE + FIELD_STATE] === OPEN_ISOLATED;
  events.push({
    type, tick: state.tick, account, position, price: priceOf(state, position), quantity: state.lots[position]!, pnl: BigInt(pnl),
  });
  closePosition(state, account, position, pnl);
  if (isolated) {
    settleClosedScope(state, account, isolatedRef(position), state.isolatedMargin[position]! + pnl, events);
  } else if (!hasOpenCross(state, firstPositionOf(state, account), endPositionOf(state, account))) {
    settleClosedScope(state, account, CROSS_SCOPE, crossCollateral(state, account), events);
  }
  chargeOrderFee(state, account, position, events);
}

/** The venue's fee on closing `position` at the current price, at most `cap` (what the scope has left). */
function liquidationFee(state: BookState, account: number, position: number, cap: number): number {
  const rate = state.venueFeeRate[venueOf(state, account)]!;
  if (rate.numerator === 0n || cap <= 0) return 0;
  const notional = positionNotional(state, position);
  const fee = Number(ceilingDivideBig(rate.numerator * notional.numerator, rate.denominator * notional.denominator));
  return fee < cap ? fee : cap;
}

/**
 * Charges the fees on the positions closed (closed[i] with booked P&L pnls[i]) out of `left`, in
 * order, and emits their position-liquidated events; returns what the scope has left after fees.
 */
function chargeAndReport(
  state: BookState, account: number, closed: readonly number[], pnls: readonly number[], left: number, events: BookEvent[],
): number {
  let remaining = left > 0 ? left : 0;
  let charged = 0;
  closed.forEach((position, at) => {
    const fee = liquidationFee(state, account, position, remaining);
    remaining -= fee;
    charged += fee;
    if (fee > 0) credit(state, account, -fee);
    events.push({
      type: 'position-liquidated', tick: state.tick, account, position, price: priceOf(state, position),
      quantity: state.lots[position]!, pnl: BigInt(pnls[at]!), fee: BigInt(fee),
    });
  });
  return left - charged;
}

function liquidateIsolated(state: BookState, account: number, position: number, events: BookEvent[]): void {
  const pnl = positionPnl(state, position);
  closePosition(state, account, position, pnl);
  const left = chargeAndReport(state, account, [position], [pnl], state.isolatedMargin[position]! + pnl, events);
  settleClosedScope(state, account, isolatedRef(position), left, events);
}

/** The open cross position with the lowest booked P&L (the largest loss), the first one on a tie. */
function largestLoss(state: BookState, first: number, end: number): number {
  let chosen = first;
  let lowest = Infinity;
  for (let each = first; each < end; each += 1) {
    if (state.position[each * POSITION_STRIDE + FIELD_STATE] !== OPEN_CROSS) continue;
    const pnl = positionPnl(state, each);
    if (pnl < lowest) {
      lowest = pnl;
      chosen = each;
    }
  }
  return chosen;
}

function liquidateCross(state: BookState, account: number, value: Float64Array, events: BookEvent[], closedOut?: number[]): void {
  const first = firstPositionOf(state, account);
  const end = endPositionOf(state, account);
  const closed: number[] = [];
  const pnls: number[] = [];
  if (state.venueLargestLossFirst[venueOf(state, account)] === 1) {
    do {
      const chosen = largestLoss(state, first, end);
      const pnl = positionPnl(state, chosen);
      closePosition(state, account, chosen, pnl);
      closed.push(chosen);
      pnls.push(pnl);
      valueCrossScope(state, account, value);
    } while (value[VALUE_OPEN]! > 0 && breachesLiquidation(state, account, value[VALUE_LIQUIDATION]!));
  } else {
    for (let each = first; each < end; each += 1) {
      if (state.position[each * POSITION_STRIDE + FIELD_STATE] !== OPEN_CROSS) continue;
      const pnl = positionPnl(state, each);
      closePosition(state, account, each, pnl);
      closed.push(each);
      pnls.push(pnl);
    }
  }
  if (closedOut) for (const each of closed) closedOut.push(each);
  const emptied = !hasOpenCross(state, first, end);
  // What the scope has left for fees: its collateral once closed, else its equity as shown.
  const left = emptied ? crossCollateral(state, account) : Number(displayFigures(state, account).equity);
  chargeAndReport(state, account, closed, pnls, left, events);
  if (emptied) settleClosedScope(state, account, CROSS_SCOPE, crossCollateral(state, account), events);
}

function recordDebt(state: BookState, account: number, events: BookEvent[]): void {
  const record = account * ACCOUNT_STRIDE;
  const balance = state.account[record + ACCOUNT_BALANCE]!;
  if (balance >= 0 || absorbs(state, account)) return;
  if (hasOpenPosition(state, firstPositionOf(state, account), endPositionOf(state, account))) return;
  const recorded = state.account[record + ACCOUNT_RECORDED_DEBT]!;
  if (-balance <= recorded) return;
  state.account[record + ACCOUNT_RECORDED_DEBT] = -balance;
  events.push({ type: 'debt-recorded', tick: state.tick, account, amount: BigInt(-balance - recorded), outstanding: BigInt(-balance) });
}

/**
 * Issues or clears (unless `issueOnly`) scope `scope`'s call from its exact valuation `value` (open
 * positions only).
 */
function reviewCall(
  state: BookState, account: number, scope: number, ref: BookScope, value: Float64Array, issueOnly: boolean, events: BookEvent[],
): void {
  const called = isCalled(state, account, scopeStatus(state, account, value));
  if (called === (state.called[scope] === 1) || (issueOnly && !called)) return;
  if (called) issueCall(state, account, scope, ref, events);
  else clearCall(state, account, scope, ref, events);
}

/** Issues a margin call on scope `scope` (`ref` in events), with its figures as shown. */
export function issueCall(state: BookState, account: number, scope: number, ref: BookScope, events: BookEvent[]): void {
  const figures = displayFigures(state, scope);
  state.called[scope] = 1;
  state.callSequence += 1;
  state.callOrder[scope] = state.callSequence;
  events.push({
    type: 'margin-call-issued', tick: state.tick, account, scope: ref,
    equity: figures.equity, requirement: figures.marginCall, liquidationRequirement: figures.liquidation,
  });
}

/** Clears scope `scope`'s margin call: its equity is back at or above Rc. */
export function clearCall(state: BookState, account: number, scope: number, ref: BookScope, events: BookEvent[]): void {
  const figures = displayFigures(state, scope);
  state.called[scope] = 0;
  events.push({
    type: 'margin-call-cleared', tick: state.tick, account, scope: ref, reason: 'equity restored',
    equity: figures.equity, requirement: figures.marginCall,
  });
}

/** How events name scope `scope` of `account`. */
export function scopeRef(state: BookState, account: number, scope: number): BookScope {
  return scope === account ? CROSS_SCOPE : isolatedRef(scope - state.accountCount);
}

/** Clears the calls of the account's scopes that have closed, in the order they were issued. */
function clearClosedCalls(state: BookState, account: number, first: number, end: number, events: BookEvent[]): void {
  let closing: number[] | undefined;
  if (state.called[account] === 1 && !hasOpenCross(state, first, end)) closing = [account];
  for (let each = first; each < end; each += 1) {
    const scope = isolatedScope(state, each);
    if (state.called[scope] === 1 && state.position[each * POSITION_STRIDE + FIELD_STATE] === CLOSED) (closing ??= []).push(scope);
  }
  if (!closing) return;
  if (closing.length > 1) closing.sort((a, b) => state.callOrder[a]! - state.callOrder[b]!);
  for (const scope of closing) {
    state.called[scope] = 0;
    events.push({ type: 'margin-call-cleared', tick: state.tick, account, scope: scopeRef(state, account, scope), reason: 'positions closed' });
  }
}

/**
 * Applies the current prices to account `account`: orders, calls on the way down, liquidations,
 * debt, margin calls. `value` is scratch space of VALUE_SIZE numbers. Positions closed are appended
 * to `closed` when given. Returns whether any position closed (money moved).
 */
export function settleAccount(state: BookState, account: number, value: Float64Array, events: BookEvent[], closed?: number[]): boolean {
  const first = firstPositionOf(state, account);
  const end = endPositionOf(state, account);
  const { position, prices } = state;
  let closedAny = false;
  for (let each = first; each < end; each += 1) {
    const record = each * POSITION_STRIDE;
    if (position[record + FIELD_STATE] === CLOSED) continue;
    const direction = position[record + FIELD_DIRECTION]!;
    const price = prices[position[record + FIELD_INSTRUMENT]!]!;
    if (stopLossReached(direction, state.stopLoss[each]!, price)) fillOrder(state, account, each, 'stop-loss-filled', events);
    else if (takeProfitReached(direction, state.takeProfit[each]!, price)) fillOrder(state, account, each, 'take-profit-filled', events);
    else continue;
    closed?.push(each);
    closedAny = true;
  }
  // The cross valuation serves the calls on the way down and the liquidation check, unless an
  // isolated liquidation moves money in between (an isolated scope is valued on its own position).
  valueCrossScope(state, account, value);
  const crossOpen = value[VALUE_OPEN]!;
  const crossLiquidation = value[VALUE_LIQUIDATION]!;
  const crossCall = value[VALUE_MARGIN_CALL]!;
  const crossExact = value[VALUE_EXACT]!;
  reviewCalls(state, account, value, true, events);
  let isolatedLiquidated = false;
  for (let each = first; each < end; each += 1) {
    if (position[each * POSITION_STRIDE + FIELD_STATE] !== OPEN_ISOLATED) continue;
    valueIsolatedScope(state, each, value);
    if (scopeStatus(state, account, value) !== STATUS_LIQUIDATE) continue;
    liquidateIsolated(state, account, each, events);
    closed?.push(each);
    isolatedLiquidated = true;
  }
  let liquidated = isolatedLiquidated;
  if (isolatedLiquidated) {
    valueCrossScope(state, account, value);
  } else {
    value[VALUE_OPEN] = crossOpen;
    value[VALUE_LIQUIDATION] = crossLiquidation;
    value[VALUE_MARGIN_CALL] = crossCall;
    value[VALUE_EXACT] = crossExact;
  }
  if (value[VALUE_OPEN]! > 0 && scopeStatus(state, account, value) === STATUS_LIQUIDATE) {
    liquidateCross(state, account, value, events, closed);
    liquidated = true;
  }
  closedAny ||= liquidated;
  if (closedAny) recordDebt(state, account, events);
  if (liquidated) {
    valueCrossScope(state, account, value);
  } else {
    value[VALUE_OPEN] = crossOpen;
    value[VALUE_LIQUIDATION] = crossLiquidation;
    value[VALUE_MARGIN_CALL] = crossCall;
    value[VALUE_EXACT] = crossExact;
  }
  reviewCalls(state, account, value, false, events);
  if (closedAny) clearClosedCalls(state, account, first, end, events);
  return closedAny;
}

/**
 * Reviews the calls of every scope with open positions: the cross scope (valued in `value`), then
 * isolated ones by position.
 */
function reviewCalls(state: BookState, account: number, value: Float64Array, issueOnly: boolean, events: BookEvent[]): void {
  if (value[VALUE_OPEN]! > 0) reviewCall(state, account, account, CROSS_SCOPE, value, issueOnly, events);
  for (let each = firstPositionOf(state, account); each < endPositionOf(state, account); each += 1) {
    if (state.position[each * POSITION_STRIDE + FIELD_STATE] !== OPEN_ISOLATED) continue;
    valueIsolatedScope(state, each, value);
    reviewCall(state, account, isolatedScope(state, each), isolatedRef(each), value, issueOnly, events);
  }
}

/**
 * The margin calls open at the starting prices, set without events (issued in the engine's order:
 * the cross scope, then isolated scopes by position). A book must not start with a scope already
 * liquidatable, nor without cross positions and with a balance below its isolated margins.
 */
export function assessStartingCalls(state: BookState, value: Float64Array): void {
  const call = (scope: number, account: number, status: number): void => {
    if (!isCalled(state, account, status)) return;
    state.called[scope] = 1;
    state.callSequence += 1;
    state.callOrder[scope] = state.callSequence;
  };
  for (let account = 0; account < state.accountCount; account += 1) {
    valueCrossScope(state, account, value);
    if (value[VALUE_OPEN] === 0) {
      if (crossCollateral(state, account) < 0) throw new RangeError(`account ${account}'s balance is below its isolated margins`);
    } else {
      const status = scopeStatus(state, account, value);
      if (status === STATUS_LIQUIDATE) throw new RangeError(`account ${account}'s cross scope is liquidatable at the starting prices`);
      call(account, account, status);
    }
    for (let each = firstPositionOf(state, account); each < endPositionOf(state, account); each += 1) {
      if (state.position[each * POSITION_STRIDE + FIELD_STATE] !== OPEN_ISOLATED) continue;
      valueIsolatedScope(state, each, value);
      const status = scopeStatus(state, account, value);
      if (status === STATUS_LIQUIDATE) throw new RangeError(`position ${each} is liquidatable at the starting prices`);
      call(isolatedScope(state, each), account, status);
    }
  }
}
