/**
 * Margin calls, per margin scope: issued when equity falls below the margin-call requirement Rc
 * (MT5: margin level under 100 %), cleared once it is back at or above it, or the scope has closed.
 * A gap straight through the stop-out issues the call on the same tick, before the stop-out: the
 * account crossed the margin-call level on its way down, however briefly.
 * At a venue with a cure period (Reg T: `cureDays` business days) the call carries the deadline
 * after which the broker sells; the seed article's three answers to a call (close a position, add
 * funds, wait) are the commands close, deposit and the marks that follow.
 */
import { depositToCure, type MarginStatus, type ScopeValuation } from '../margin/scope-valuation.js';
import type { VenueProfile } from '../venue/venue-profile.js';
import { addBusinessDays, formatInstant } from './instant.js';
import type { MarginCall } from './engine-types.js';
import { decisionOf, scopesOf, valuationOf } from './valuation-cache.js';
import type { Transaction } from './transaction.js';

/**
 * Whether the scope is in margin call: below the margin-call requirement. A venue with no margin
 * call of its own (Rc = Rl: the crypto perpetuals) never calls; it only liquidates.
 */
export function isCalled(venue: VenueProfile, status: MarginStatus): boolean {
  return status === 'margin-call' || (status !== 'healthy' && venue.marginCall !== null);
}

/**
 * Issues and clears margin calls. Run before the venue liquidates too (`issueOnly`), so a gap
 * straight through the stop-out still shows the call the account went through on its way down.
 */
export function reviewMarginCalls(tx: Transaction, issueOnly = false): void {
  const { venue } = tx.snapshot;
  const calls = new Map(tx.state.marginCalls);
  const open = new Set<string>();
  for (const scope of scopesOf(tx.snapshot)) {
    if (scope.positions.length === 0) continue;
    open.add(scope.id);
    const decision = decisionOf(tx.snapshot, scope.id);
    if (!decision) continue;
    const called = isCalled(venue, decision.status);
    const existing = calls.get(scope.id);
    if (called === Boolean(existing)) continue;
    // Something to say: the booked figures.
    const valuation = valuationOf(tx.snapshot, scope.id) as ScopeValuation;
    if (called && !existing) {
      const deadlineMs = venue.cureDays > 0 && tx.time ? addBusinessDays(tx.time.ms, venue.cureDays) : undefined;
      const call: MarginCall = { ...(tx.time ? { issuedAt: tx.time } : {}), ...(deadlineMs !== undefined ? { deadlineMs } : {}) };
      calls.set(scope.id, call);
      tx.emit('margin-call-issued', {
        scope: scope.id,
        equity: tx.amount(valuation.equity),
        marginCallEquity: tx.amount(valuation.marginCallRequirement),
        liquidationEquity: tx.amount(valuation.liquidationRequirement),
        depositToCure: tx.amount(depositToCure(venue, valuation)),
        ...(deadlineMs !== undefined ? { deadline: formatInstant(deadlineMs) } : {}),
      });
    } else if (!called && existing && !issueOnly) {
      calls.delete(scope.id);
      tx.emit('margin-call-cleared', { scope: scope.id, equity: tx.amount(valuation.equity), reason: 'equity restored' });
    }
  }
  for (const id of [...calls.keys()]) {
    if (open.has(id) || issueOnly) continue;
    calls.delete(id);
    tx.emit('margin-call-cleared', { scope: id, reason: 'positions closed' });
  }
  tx.update({ marginCalls: calls });
}
