/**
 * Client debt: what a client owes once every position is closed and the balance is below zero, at a
 * venue without negative balance protection. The venue recovers it in stages, as brokers do: a
 * demand letter, collections, legal action; it ends repaid (in full, perhaps over several partial
 * repayments) or written off, when the venue takes the loss.
 *
 *   open -> demand -> collections -> legal     (stages only move forward; any may be skipped)
 *   any active stage -> repaid | written-off
 *
 * A repayment is money in: it counts as a deposit. A write-off credits the balance back to zero
 * and counts as the venue's loss, so the ledger identity holds throughout.
 */
import { compare, isNegative, isPositive, min, negate, subtract, type Decimal } from '../money/decimal.js';
import type { Amount } from '../money/units.js';
import { DEBT_STAGES, type Debt, type DebtAction, type DebtStatus, type RejectionCode } from './engine-types.js';
import type { Transaction } from './transaction.js';

export interface DebtRefusal {
  readonly code: RejectionCode;
  readonly message: string;
}

/** The debt still being recovered, or null when there is none (or it has ended). */
function activeDebt(debt: Debt | null): Debt | null {
  return debt && (DEBT_STAGES as readonly string[]).includes(debt.status) ? debt : null;
}

function changeStatus(tx: Transaction, debt: Debt, to: DebtStatus, outstanding: Decimal): void {
  tx.update({ debt: { status: to, outstanding } });
  if (to !== debt.status) tx.emit('debt-status-changed', { from: debt.status, to });
}

/** Records (more) debt when the account is flat with a negative balance at a client-debt venue. */
export function recordDebt(tx: Transaction): void {
  const { venue, positions, balance } = tx.snapshot;
  if (venue.deficit.kind !== 'client-debt' || positions.length > 0 || !isNegative(balance)) return;
  const owed = negate(balance);
  const debt = activeDebt(tx.state.debt);
  const before = debt ? debt.outstanding : tx.zero;
  if (compare(owed, before) <= 0) return;
  const added = subtract(owed, before);
  tx.count('debtRecorded', added);
  tx.update({ debt: { status: debt ? debt.status : 'open', outstanding: owed } });
  tx.emit('debt-recorded', { amount: tx.amount(added), outstanding: tx.amount(owed) });
}

/** Applies up to `amount` of money in to the outstanding debt. Returns what it repaid. */
export function repay(tx: Transaction, amount: Amount): Decimal {
  const debt = activeDebt(tx.state.debt);
  if (!debt) return tx.zero;
  const repaid = min(amount, debt.outstanding);
  if (!isPositive(repaid)) return tx.zero;
  const outstanding = subtract(debt.outstanding, repaid);
  tx.count('debtRepaid', repaid);
  tx.update({ debt: { ...debt, outstanding } });
  tx.emit('debt-repaid', { amount: tx.amount(repaid), outstanding: tx.amount(outstanding) });
  if (!isPositive(outstanding)) changeStatus(tx, debt, 'repaid', outstanding);
  return repaid;
}

/** A debt action, or why it is refused. */
export function applyDebtAction(tx: Transaction, action: DebtAction, amount?: Amount): DebtRefusal | undefined {
  const debt = activeDebt(tx.state.debt);
  if (!debt) {
    const ended = tx.state.debt;
    return { code: 'debt/none', message: ended ? `the debt is already ${ended.status}` : 'the account owes nothing' };
  }
  switch (action) {
    case 'repay': {
      if (!amount) return { code: 'debt/overpayment', message: 'a repayment needs an amount' };
      if (compare(amount, debt.outstanding) > 0) {
        return { code: 'debt/overpayment', message: `repays ${tx.amount(amount)} but only ${tx.amount(debt.outstanding)} is owed` };
      }
      tx.credit(amount);
      tx.count('deposits', amount);
      repay(tx, amount);
      return undefined;
    }
    case 'write-off': {
      const amountOff = debt.outstanding;
      tx.credit(amountOff);
      tx.count('venueLoss', amountOff);
      tx.count('absorbedByVenue', amountOff);
      tx.count('debtWrittenOff', amountOff);
      tx.emit('debt-written-off', { amount: tx.amount(amountOff) });
      changeStatus(tx, debt, 'written-off', tx.zero);
      return undefined;
    }
    default: {
      const from = DEBT_STAGES.indexOf(debt.status as (typeof DEBT_STAGES)[number]);
      const to = DEBT_STAGES.indexOf(action);
      if (to <= from) {
        return { code: 'debt/invalid-transition', message: `the debt is at ${debt.status}; it cannot move back or stay at ${action}` };
      }
      changeStatus(tx, debt, action, debt.outstanding);
      return undefined;
    }
  }
}
