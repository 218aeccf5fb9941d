/** Rows as both stores read them back, turned into the ledger's types (numbers as JS numbers). */
import type { LedgerEntry, SequencedEntry, StoredEvent } from '../live/entries.js';
import type { DeliveryRecord, StoredDelivery } from './store.js';

export interface EntryRow { seq: number; type: string; account: string | null; body: string }
export interface EventRow { id: number; seq: number; account: string; type: string; body: string }
export interface DeliveryRow {
  id: number; webhook: string; event: number; account: string; attempt: number; status: string;
  response_code: number | null; time_ms: number; next_retry_ms: number | null; error: string | null;
}

export function entryFromRow(row: EntryRow): SequencedEntry {
  const entry = { type: row.type, ...(row.account !== null ? { account: row.account } : {}), body: JSON.parse(row.body) as unknown };
  return { ...(entry as LedgerEntry), seq: Number(row.seq) };
}

export function eventFromRow(row: EventRow): StoredEvent {
  return { id: Number(row.id), seq: Number(row.seq), account: row.account, type: row.type, json: JSON.parse(row.body) as Record<string, unknown> };
}

export function deliveryFromRow(row: DeliveryRow): StoredDelivery {
  return {
    id: Number(row.id), webhook: row.webhook, event: Number(row.event), account: row.account, attempt: Number(row.attempt),
    status: row.status as DeliveryRecord['status'], responseCode: row.response_code === null ? null : Number(row.response_code),
    timeMs: Number(row.time_ms), nextRetryMs: row.next_retry_ms === null ? null : Number(row.next_retry_ms), error: row.error,
  };
}

