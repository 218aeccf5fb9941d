// Reading a figure out of a report by path ("positions[btc].liquidationPrice", "shocks[0].debt") and
// comparing decimals within a tolerance, exactly (no binary floats).
import {
  abs, compare, dec, multiply, parseDecimal, subtract, type Decimal,
} from '../../src/core/index.js';

export function pick(report: unknown, path: string): unknown {
  let node: unknown = report;
  for (const part of path.split('.')) {
    const indexed = /^(\w+)\[([^\]]+)\]$/.exec(part);
    const record = node as Record<string, unknown> | undefined;
    if (indexed) {
      const list = record?.[indexed[1] as string];
      if (!Array.isArray(list)) return undefined;
      const key = indexed[2] as string;
      node = /^\d+$/.test(key) ? list[Number(key)] : list.find((item: { id?: string }) => item.id === key);
    } else {
      node = record?.[part];
    }
  }
  return node;
}

export interface Tolerance {
  readonly abs?: string;
  readonly rel?: string;
}

/** True when `got` is a decimal string within the tolerance of `want` (absolute, or relative to want). */
export function withinTolerance(got: unknown, want: string, tolerance: Tolerance): boolean {
  if (typeof got !== 'string') return false;
  const value = parseDecimal(got);
  const target = parseDecimal(want);
  if (!value || !target) return false;
  const difference = abs(subtract(value, target));
  const allowed: Decimal = tolerance.rel ? multiply(dec(tolerance.rel), abs(target)) : dec(tolerance.abs ?? '0');
  return compare(difference, allowed) <= 0;
}
