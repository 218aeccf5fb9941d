/**
 * Margin calls, per margin scope: issued when equity falls below the margin-call requirement Rc
 * (MT5: margin level under 100 %), cleared once it is back at or above it, or the scope has closed.
 * At a venue with a cure period (Reg T: `cureDays` business days) the call carries the deadline
 * after which the broker sells; the seed article's three answers to a call (close a position, add
 * funds, wait) are the commands close, deposit and the marks that follow.
 */
import { depositToCure } from '../margin/scope-valuation.js';
import { addBusinessDays, formatInstant } from './instant.js';
import type { MarginCall } from './engine-types.js';
import { scopesOf, valuationOf } from './valuation-cache.js';
import type { Transaction } from './transaction.js';

export function reviewMarginCalls(tx: Transaction): void {
  const { venue } = tx.snapshot;
  const calls = new Map(tx.state.marginCalls);
  const open = new Set<string>();
  for (const scope of scopesOf(tx.snapshot)) {
    if (scope.positions.length === 0) continue;
    open.add(scope.id);
    const valuation = valuationOf(tx.snapshot, scope.id);
    if (!valuation) continue;
    const called = valuation.status !== 'healthy';
    const existing = calls.get(scope.id);
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
    } else if (!called && existing) {
      calls.delete(scope.id);
      tx.emit('margin-call-cleared', { scope: scope.id, equity: tx.amount(valuation.equity), reason: 'equity restored' });
    }
  }
  for (const id of [...calls.keys()]) {
    if (open.has(id)) continue;
    calls.delete(id);
    tx.emit('margin-call-cleared', { scope: id, reason: 'positions closed' });
  }
  tx.update({ marginCalls: calls });
}
