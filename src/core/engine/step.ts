/**
 * The reducer (spec/engine.md): step(state, command) -> { state, events }. Pure and deterministic:
 * the same state and command always give the same result, byte for byte.
 *
 * After any command that moves prices or money the venue reviews the account, in this order:
 *   1. triggered orders: stop-losses and take-profits the new marks reached fill at those marks;
 *   1b. margin calls are issued for scopes below the margin-call requirement (even when they are
 *      about to be liquidated on this same tick);
 *   2. liquidation: scopes below their liquidation requirement are force-closed (liquidation.ts),
 *      fees charged, deficits settled by the venue's policy;
 *   3. client debt is recorded when the account is left flat below zero;
 *   4. margin calls are issued or cleared.
 * A command the venue refuses yields one `rejected` event with a stable code and the state unchanged.
 */
import type { AccountSnapshot } from '../account/account-snapshot.js';
import { costBasis } from '../margin/position-measures.js';
import { add, decimal, subtract, sum, type Decimal } from '../money/decimal.js';
import { sumRational } from '../money/rational.js';
import { applyCommand, Refusal } from './commands.js';
import { recordDebt } from './debt.js';
import type { Command, EngineEvent, EngineState, Market, StepResult, Totals } from './engine-types.js';
import { exactDecimal } from './fills.js';
import { liquidate } from './liquidation.js';
import { reviewMarginCalls } from './margin-calls.js';
import { Transaction } from './transaction.js';

/** The engine's starting state for an account snapshot: its balance (and cost of stocks held) as the first deposit. */
export function initialState(snapshot: AccountSnapshot, market: Market = { insuranceFund: null, counterparties: [] }): EngineState {
  const zero = decimal(0n, snapshot.currencyDecimals);
  const totals: Totals = {
    deposits: add(add(zero, snapshot.balance), exactDecimal(sumRational(snapshot.positions.map(costBasis)))),
    withdrawals: zero, realizedPnl: zero, fees: zero, funding: zero, financing: zero, venueLoss: zero,
    absorbedByVenue: zero, absorbedByInsuranceFund: zero, absorbedByDeleveraging: zero,
    debtRecorded: zero, debtRepaid: zero, debtWrittenOff: zero,
  };
  return {
    snapshot,
    instruments: snapshot.instruments ?? new Map(Object.values(snapshot.venue.instruments).map((instrument) => [instrument.symbol, instrument])),
    orders: new Map(),
    marginCalls: new Map(),
    totals,
    debt: null,
    market,
    partialCooldownUntilMs: null,
    time: null,
    sequence: 0,
  };
}

export function step(state: EngineState, command: Command): StepResult {
  if (command.time && state.time && command.time.ms < state.time.ms) {
    return rejected(state, command, new Refusal('time/out-of-order', `${command.time.text} is before the last command's time ${state.time.text}`));
  }
  const tx = new Transaction(state, command.time);
  try {
    applyCommand(tx, command);
  } catch (error) {
    if (error instanceof Refusal) return rejected(state, command, error);
    throw error;
  }
  reviewMarginCalls(tx, true);
  liquidate(tx);
  recordDebt(tx);
  reviewMarginCalls(tx);
  tx.update({ sequence: state.sequence + 1 });
  return { state: tx.state, events: tx.events };
}

function rejected(state: EngineState, command: Command, refusal: Refusal): StepResult {
  const event: EngineEvent = {
    type: 'rejected',
    ...(command.time ? { time: command.time.text } : {}),
    fields: { command: command.type, code: refusal.code, message: refusal.message },
  };
  return { state, events: [event] };
}

/** balance + cost of stocks held - (deposits - withdrawals + realizedPnl - fees + funding + financing + venueLoss): zero, always. */
export function conservationGap(state: EngineState): Decimal {
  const { totals, snapshot } = state;
  const ledger = add(snapshot.balance, exactDecimal(sumRational(snapshot.positions.map(costBasis))));
  const expected = sum([
    totals.deposits, subtract(decimal(0n), totals.withdrawals), totals.realizedPnl, subtract(decimal(0n), totals.fees), totals.funding, totals.financing, totals.venueLoss,
  ]);
  return subtract(ledger, expected);
}
