/**
 * The calculator's state in the URL (spec/web.md): `s` holds the report.md snapshot and `o` the
 * chart-only orders, `{ "<position id>": { "stopLoss": "1.24", "takeProfit": "1.27" } }`, each as
 * JSON in base64url. The snapshot is kept exactly as it was parsed (never re-shaped or re-rounded),
 * so the page reports it as `stopout report` does; with no `s` the page shows the default account.
 */
import { decodeState, encodeState } from '../../lib/url-state.js';
import { routeHash } from '../../lib/router.js';
import { DEFAULT_SNAPSHOT } from './default-snapshot.js';

/** A stop-loss and a take-profit the user drew for one position; not part of the snapshot. */
export interface Order {
  readonly stopLoss?: string;
  readonly takeProfit?: string;
}

export type OrderKey = keyof Order;

export type Orders = Readonly<Record<string, Order>>;

export interface Read<T> {
  readonly value: T;
  /** Why the link's parameter could not be read (the page then shows the default). */
  readonly problem?: string;
}

/** The snapshot of the link's `s`, the default account without one. */
export function readSnapshot(encoded: string | null): Read<unknown> {
  if (encoded === null) return { value: DEFAULT_SNAPSHOT };
  const decoded = decodeState(encoded, 's');
  return decoded.ok ? { value: decoded.value } : { value: DEFAULT_SNAPSHOT, problem: decoded.message };
}

const isRecord = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The orders of the link's `o`: an object of positions, each with string stopLoss / takeProfit. */
export function readOrders(encoded: string | null): Read<Orders> {
  if (encoded === null) return { value: {} };
  const decoded = decodeState(encoded, 'o');
  if (!decoded.ok) return { value: {}, problem: decoded.message };
  if (!isRecord(decoded.value)) return { value: {}, problem: 'o: must be an object of positions, each with "stopLoss" and "takeProfit" prices' };
  const orders: Record<string, Order> = {};
  for (const [id, entry] of Object.entries(decoded.value)) {
    if (!isRecord(entry)) continue;
    const { stopLoss, takeProfit } = entry;
    orders[id] = {
      ...(typeof stopLoss === 'string' ? { stopLoss } : {}),
      ...(typeof takeProfit === 'string' ? { takeProfit } : {}),
    };
  }
  return { value: orders };
}

/** Orders with their blank entries dropped. */
export function compactOrders(orders: Orders): Orders {
  return Object.fromEntries(Object.entries(orders).filter(([, order]) => order.stopLoss || order.takeProfit));
}

/** `#/calculator?s=…&o=…` for this snapshot and these orders (no `o` when there are none). */
export function calculatorHash(snapshot: unknown, orders: Orders): string {
  const kept = compactOrders(orders);
  return routeHash('/calculator', { s: encodeState(snapshot), o: Object.keys(kept).length ? encodeState(kept) : undefined });
}
