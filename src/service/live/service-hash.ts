/**
 * The service's state hash: sha256 over every account, in creation order, of its id, its state
 * hash and its event counts, then the feed's latest prices. Two folds of the same ledger give the
 * same hash, whatever took them there (a live run, a snapshot and a tail, a fresh replay of every
 * entry): the kill -9 tests compare them across processes.
 */
import { createHash } from 'node:crypto';
import { add, conservationGap, decimal, rescale, toDecimalString, type Decimal } from '../../core/index.js';
import type { LiveState } from './live-state.js';
import { stateHash } from './state-hash.js';

export function serviceStateHash(live: LiveState): string {
  const digest = createHash('sha256');
  for (const account of live.slots) {
    const counts = [...account.eventCounts].sort(([a], [b]) => a.localeCompare(b));
    digest.update(`${account.id}\u0000${stateHash(live.materialize(account), account.source)}\u0000${JSON.stringify(counts)}\n`);
  }
  for (const [venue, prices] of [...live.feed].sort(([a], [b]) => a.localeCompare(b))) {
    for (const [symbol, price] of [...prices].sort(([a], [b]) => a.localeCompare(b))) digest.update(`${venue}\u0000${symbol}\u0000${toDecimalString(price)}\n`);
  }
  return digest.digest('hex');
}

/** Σ over accounts of each one's conservation gap, per currency: zero, to the last unit. */
export function serviceConservationGap(live: LiveState): Record<string, string> {
  const sums = new Map<string, { gap: Decimal; decimals: number }>();
  for (const account of live.slots) {
    const { snapshot } = account.state;
    const current = sums.get(snapshot.currency) ?? { gap: decimal(0n, snapshot.currencyDecimals), decimals: snapshot.currencyDecimals };
    current.gap = add(current.gap, conservationGap(account.state));
    sums.set(snapshot.currency, current);
  }
  return Object.fromEntries([...sums].sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, { gap, decimals }]) => [currency, toDecimalString(gap.scale <= decimals ? rescale(gap, decimals, 'half-even') : gap)]));
}
