/**
 * Words for the service's fields and values, for reading only: a camelCase key as words
 * (`marginLevel` -> `Margin level`), a status as words, a time as `2026-12-05 01:24:52Z`. The
 * figures themselves stay the service's strings (in data-value); a fraction such as the margin level
 * is shown as a percent and an amount with its digits grouped (lib/format.ts), never re-rounded.
 */
import { groupDigits, percent } from '../../lib/format.js';
import type { Leaf } from '../../lib/figures.js';

const WORDS: Readonly<Record<string, string>> = {
  pnl: 'P&L', unrealizedPnl: 'Unrealized P&L', realizedPnl: 'Realized P&L', adl: 'ADL', id: 'Id', stateHash: 'State hash',
};

/** Fractions of one, shown as a percent. */
const FRACTIONS = new Set(['marginLevel']);

export function label(key: string): string {
  const known = WORDS[key];
  if (known) return known;
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/-/g, ' ').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function statusText(status: string): string {
  return status.replace(/-/g, ' ');
}

export function timeText(time: unknown): string {
  return typeof time === 'string' ? time.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '–';
}

/** A leaf as a person reads it; `key` is the last part of its path. */
export function leafText(key: string, value: Leaf): string {
  if (value === null) return '–';
  if (typeof value !== 'string') return String(value);
  if (FRACTIONS.has(key)) return percent(value, 2);
  if (key === 'status' || key === 'to' || key === 'from') return statusText(value);
  if (key === 'time' || key === 'deadline') return timeText(value);
  return groupDigits(value);
}
