/**
 * One account's reaction to the current prices, the single procedure both books run (the naive
 * book on every account every tick, the indexed book on the accounts its triggers name), so they
 * can only differ in which accounts they visit. Order (book-events.ts):
 *
 * 1. Stop-loss and take-profit orders reached at the price fill there, position by position: the
 *    first price at or beyond the trigger, never the trigger itself after a gap. P&L is rounded down.
 *    An isolated position's scope closes with it: margin + P&L goes back to the wallet, a deficit
 *    the venue absorbs is paid in (deficit-absorbed), one the client owes is charged to the wallet.
 * 2. Each open isolated scope, then the cross scope, is valued exactly (scope-value.ts):
 *    - liquidation (equity < Rl, or <= Rl at 'at-or-below' venues): whole-scope venues close every
 *      position at the tick's price; largest-loss-first venues (MT5 stop-out) close the position
 *      with the lowest P&L (the first on a tie), re-value and repeat while the breach lasts. A
 *      liquidation ends the scope's margin call silently. A cross scope left empty and below zero is
 *      settled: the venue absorbs the deficit (negative balance protection, insurance fund:
 *      deficit-absorbed, balance back to the isolated margins) or the client owes it
 *      (debt-recorded; the balance stays negative);
 *    - otherwise margin-call-issued when equity < Rc and no call is open, margin-call-cleared when
 *      a call is open and equity >= Rc. A scope emptied by stop-loss or take-profit ends its call
 *      with margin-call-cleared.
 */
import {
  credit, endPositionOf, firstPositionOf, isolatedScope, stopLossReached, takeProfitReached, venueOf, type BookState,
} from './book-state.js';
import * as layout from './book-state.js';
import { CROSS_SCOPE, type BookEvent, type BookScope } from './book-events.js';
import {
  STATUS_CALLED, STATUS_LIQUIDATE, VALUE_EQUITY, VALUE_MARGIN_CALL, VALUE_OPEN, breachesLiquidation, crossCollateral,
  positionPnl, scopeStatus, valueCrossScope, valueIsolatedScope, VALUE_LIQUIDATION,
} from './scope-value.js';

// The record layout as module-local constants: V8 folds these into optimized loops, while each
// read of an imported binding stays a load and a check.
const {
  ACCOUNT_ISOLATED_TOTAL, ACCOUNT_RECORDED_DEBT, ACCOUNT_STRIDE, CLOSED, FIELD_DIRECTION, FIELD_INSTRUMENT,
  FIELD_STATE, OPEN_CROSS, OPEN_ISOLATED, POSITION_STRIDE,
} = layout;

function isolatedRef(position: number): BookScope {
  return { kind: 'isolated', position };
}

function pushFill(
  state: BookState, events: BookEvent[], type: 'stop-loss-filled' | 'take-profit-filled' | 'position-liquidated',
  account: number, position: number, pnl: number,
): void {
  events.push({
    type,
    tick: state.tick,
    account,
    position,
    price: state.prices[state.position[position * POSITION_STRIDE + FIELD_INSTRUMENT]!]!,
    quantity: state.lots[position]!,
    pnl: BigInt(pnl),
  });
}

function pushCall(
  state: BookState, events: BookEvent[], type: 'margin-call-issued' | 'margin-call-cleared', account: number,
  scope: BookScope, equity: number, requirement: number,
): void {
  events.push({ type, tick: state.tick, account, scope, equity: BigInt(equity), requirement: BigInt(requirement) });
}

/** Closes isolated position `position` with realised `pnl` and settles what its scope leaves. */
function closeIsolated(state: BookState, account: number, position: number, pnl: number, events: BookEvent[]): number {
  const margin = state.isolatedMargin[position]!;
  state.position[position * POSITION_STRIDE + FIELD_STATE] = CLOSED;
  const isolatedTotal = account * ACCOUNT_STRIDE + ACCOUNT_ISOLATED_TOTAL;
  state.account[isolatedTotal] = state.account[isolatedTotal]! - margin;
  credit(state, account, pnl);
  const left = margin + pnl;
  if (left < 0 && state.venueAbsorbs[venueOf(state, account)] === 1) {
    credit(state, account, -left);
    events.push({ type: 'deficit-absorbed', tick: state.tick, account, scope: isolatedRef(position), amount: BigInt(-left) });
    return 0;
  }
  return left;
}

function fillOrder(
  state: BookState, account: number, position: number, type: 'stop-loss-filled' | 'take-profit-filled', events: BookEvent[],
): void {
  const pnl = positionPnl(state, position);
  pushFill(state, events, type, account, position, pnl);
  if (state.position[position * POSITION_STRIDE + FIELD_STATE] === OPEN_ISOLATED) {
    const left = closeIsolated(state, account, position, pnl, events);
    const scope = isolatedScope(state, position);
    if (state.called[scope] === 1) {
      state.called[scope] = 0;
      pushCall(state, events, 'margin-call-cleared', account, isolatedRef(position), left, 0);
    }
    return;
  }
  state.position[position * POSITION_STRIDE + FIELD_STATE] = CLOSED;
  credit(state, account, pnl);
}

function settleCallState(
  state: BookState, account: number, scope: number, ref: BookScope, value: Float64Array, events: BookEvent[],
): void {
  const below = value[VALUE_EQUITY]! < value[VALUE_MARGIN_CALL]!;
  const called = state.called[scope] === 1;
  if (below === called) return;
  state.called[scope] = below ? 1 : 0;
  pushCall(state, events, below ? 'margin-call-issued' : 'margin-call-cleared', account, ref, value[VALUE_EQUITY]!, value[VALUE_MARGIN_CALL]!);
}

function checkIsolated(state: BookState, account: number, position: number, value: Float64Array, events: BookEvent[]): void {
  valueIsolatedScope(state, position, value);
  const scope = isolatedScope(state, position);
  if (scopeStatus(state, account, value) === STATUS_LIQUIDATE) {
    const pnl = value[VALUE_EQUITY]! - state.isolatedMargin[position]!;
    pushFill(state, events, 'position-liquidated', account, position, pnl);
    closeIsolated(state, account, position, pnl, events);
    state.called[scope] = 0;
    return;
  }
  settleCallState(state, account, scope, isolatedRef(position), value, events);
}

/** An empty cross scope below zero: the venue absorbs the deficit, or the client owes what is not yet recorded. */
function settleEmptyCross(state: BookState, account: number, events: BookEvent[]): void {
  const collateral = crossCollateral(state, account);
  if (collateral >= 0) return;
  if (state.venueAbsorbs[venueOf(state, account)] === 1) {
    credit(state, account, -collateral);
    events.push({ type: 'deficit-absorbed', tick: state.tick, account, scope: CROSS_SCOPE, amount: BigInt(-collateral) });
    return;
  }
  const recorded = account * ACCOUNT_STRIDE + ACCOUNT_RECORDED_DEBT;
  const owed = -collateral - state.account[recorded]!;
  if (owed <= 0) return;
  state.account[recorded] = state.account[recorded]! + owed;
  events.push({ type: 'debt-recorded', tick: state.tick, account, amount: BigInt(owed) });
}

function closeCross(state: BookState, account: number, position: number, events: BookEvent[]): void {
  const pnl = positionPnl(state, position);
  pushFill(state, events, 'position-liquidated', account, position, pnl);
  state.position[position * POSITION_STRIDE + FIELD_STATE] = CLOSED;
  credit(state, account, pnl);
}

/** The open cross position with the lowest P&L (the largest loss), the first one on a tie. */
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

function liquidateCross(state: BookState, account: number, value: Float64Array, events: BookEvent[]): void {
  const first = firstPositionOf(state, account);
  const end = endPositionOf(state, account);
  if (state.venueLargestLossFirst[venueOf(state, account)] === 1) {
    do {
      closeCross(state, account, largestLoss(state, first, end), events);
      valueCrossScope(state, account, value);
    } while (value[VALUE_OPEN]! > 0 && breachesLiquidation(state, account, value[VALUE_EQUITY]!, value[VALUE_LIQUIDATION]!));
    return;
  }
  for (let each = first; each < end; each += 1) {
    if (state.position[each * POSITION_STRIDE + FIELD_STATE] === OPEN_CROSS) closeCross(state, account, each, events);
  }
  value[VALUE_OPEN] = 0;
}

function checkCross(state: BookState, account: number, value: Float64Array, events: BookEvent[]): void {
  valueCrossScope(state, account, value);
  if (value[VALUE_OPEN] === 0) {
    settleEmptyCross(state, account, events);
    if (state.called[account] === 1) {
      state.called[account] = 0;
      pushCall(state, events, 'margin-call-cleared', account, CROSS_SCOPE, crossCollateral(state, account), 0);
    }
    return;
  }
  if (scopeStatus(state, account, value) === STATUS_LIQUIDATE) {
    liquidateCross(state, account, value, events);
    if (value[VALUE_OPEN] === 0) {
      state.called[account] = 0;
      settleEmptyCross(state, account, events);
      return;
    }
  }
  settleCallState(state, account, account, CROSS_SCOPE, value, events);
}

/**
 * Applies the current prices to account `account`: orders, then isolated scopes, then the cross
 * scope. `value` is scratch space of VALUE_SIZE numbers.
 */
export function settleAccount(state: BookState, account: number, value: Float64Array, events: BookEvent[]): void {
  const first = firstPositionOf(state, account);
  const end = endPositionOf(state, account);
  const { position, prices } = state;
  for (let each = first; each < end; each += 1) {
    const record = each * POSITION_STRIDE;
    if (position[record + FIELD_STATE] === CLOSED) continue;
    const direction = position[record + FIELD_DIRECTION]!;
    const price = prices[position[record + FIELD_INSTRUMENT]!]!;
    if (stopLossReached(direction, state.stopLoss[each]!, price)) fillOrder(state, account, each, 'stop-loss-filled', events);
    else if (takeProfitReached(direction, state.takeProfit[each]!, price)) fillOrder(state, account, each, 'take-profit-filled', events);
  }
  for (let each = first; each < end; each += 1) {
    if (position[each * POSITION_STRIDE + FIELD_STATE] === OPEN_ISOLATED) checkIsolated(state, account, each, value, events);
  }
  checkCross(state, account, value, events);
}

/**
 * The margin calls open at the starting prices, set without events. A book must not start with a
 * scope already liquidatable, nor with a balance below its isolated margins.
 */
export function assessStartingCalls(state: BookState, value: Float64Array): void {
  for (let account = 0; account < state.accountCount; account += 1) {
    for (let each = firstPositionOf(state, account); each < endPositionOf(state, account); each += 1) {
      if (state.position[each * POSITION_STRIDE + FIELD_STATE] !== OPEN_ISOLATED) continue;
      valueIsolatedScope(state, each, value);
      const status = scopeStatus(state, account, value);
      if (status === STATUS_LIQUIDATE) throw new RangeError(`position ${each} is liquidatable at the starting prices`);
      state.called[isolatedScope(state, each)] = status === STATUS_CALLED ? 1 : 0;
    }
    valueCrossScope(state, account, value);
    if (value[VALUE_OPEN] === 0) {
      if (crossCollateral(state, account) < 0) throw new RangeError(`account ${account}'s balance is below its isolated margins`);
      continue;
    }
    const status = scopeStatus(state, account, value);
    if (status === STATUS_LIQUIDATE) throw new RangeError(`account ${account}'s cross scope is liquidatable at the starting prices`);
    state.called[account] = status === STATUS_CALLED ? 1 : 0;
  }
}
