/**
 * The dashboard's order: the account closest to its stop-out first. Margin level = equity / used
 * margin, the service's decimal string, compared exactly with the core's decimals (no floats); an
 * account with no margin level (no margin used) last; ties by id.
 */
import { compare, parseDecimal } from '../../../core/index.js';
import type { AccountRow } from '../../lib/service-client.js';

export function byMarginLevel(a: AccountRow, b: AccountRow): number {
  const left = a.marginLevel === null ? undefined : parseDecimal(a.marginLevel);
  const right = b.marginLevel === null ? undefined : parseDecimal(b.marginLevel);
  if (left && right) {
    const order = compare(left, right);
    if (order !== 0) return order;
  } else if (left || right) {
    return left ? -1 : 1;
  }
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
