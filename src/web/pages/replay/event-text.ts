/**
 * How the replay page reads the engine's events and summary to a person: a name for each event
 * type and each field, the text of a value (amounts with the currency, prices grouped, times in
 * UTC), and which events are marked on the chart. Only wording and digit grouping: every value is
 * the core's string, never re-rounded.
 */
import { groupDigits, money, percent, price } from '../../lib/format.js';
import type { Leaf } from '../../lib/figures.js';

const EVENT_NAMES: Readonly<Record<string, string>> = {
  deposited: 'Deposit',
  withdrawn: 'Withdrawal',
  'position-opened': 'Position opened',
  'position-closed': 'Position closed',
  'stop-loss-set': 'Stop-loss set',
  'take-profit-set': 'Take-profit set',
  'margin-added': 'Margin added',
  'margin-call-issued': 'Margin call',
  'margin-call-cleared': 'Margin call cleared',
  'stop-loss-filled': 'Stop-loss filled',
  'take-profit-filled': 'Take-profit filled',
  'position-liquidated': 'Liquidated',
  'deficit-absorbed': 'Deficit absorbed',
  'adl-executed': 'Auto-deleveraged',
  'debt-recorded': 'Debt recorded',
  'debt-status-changed': 'Debt status changed',
  'debt-repaid': 'Debt repaid',
  'debt-written-off': 'Debt written off',
  rejected: 'Refused by the venue',
};

export function eventName(type: string): string {
  return EVENT_NAMES[type] ?? type;
}

/** The kinds of events the chart marks, each with its colour (a theme key), shape and place. */
export type MarkerKind = 'margin-call' | 'liquidation' | 'stop-loss' | 'deficit' | 'debt';

export interface MarkerStyle {
  readonly kind: MarkerKind;
  readonly text: string;
  readonly colour: 'warn' | 'danger' | 'debt';
  readonly shape: 'circle' | 'arrowUp' | 'square';
  readonly position: 'belowBar' | 'aboveBar';
}

const MARKERS: Readonly<Record<string, MarkerStyle>> = {
  'margin-call-issued': { kind: 'margin-call', text: 'Margin call', colour: 'warn', shape: 'circle', position: 'belowBar' },
  'position-liquidated': { kind: 'liquidation', text: 'Liquidated', colour: 'danger', shape: 'arrowUp', position: 'belowBar' },
  'stop-loss-filled': { kind: 'stop-loss', text: 'Stop filled', colour: 'danger', shape: 'arrowUp', position: 'belowBar' },
  'deficit-absorbed': { kind: 'deficit', text: 'Deficit', colour: 'debt', shape: 'square', position: 'aboveBar' },
  'debt-recorded': { kind: 'debt', text: 'Debt', colour: 'debt', shape: 'square', position: 'aboveBar' },
};

/** The marker of an event type, or undefined for events the chart does not mark. */
export function markerOf(type: string): MarkerStyle | undefined {
  return Object.hasOwn(MARKERS, type) ? MARKERS[type] : undefined;
}

export const MARKER_STYLES: readonly MarkerStyle[] = Object.values(MARKERS);

const FIELD_NAMES: Readonly<Record<string, string>> = {
  pnl: 'P&L',
  realizedPnl: 'realised P&L',
  unrealizedPnl: 'unrealised P&L',
  venueLoss: 'venue loss',
  debtOutstanding: 'debt outstanding',
  by: 'absorbed by',
  stateHash: 'state hash (sha256)',
  insuranceFund: 'insurance fund',
  conservationGap: 'conservation gap',
};

/** `marginCallEquity` -> `margin call equity`. */
export function fieldName(key: string): string {
  return FIELD_NAMES[key] ?? key.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `2015-01-15T00:00:00Z` -> `15 Jan 2015`; `2020-03-13T01:53:00Z` -> `13 Mar 2020, 01:53 UTC`. */
export function readableTime(iso: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?Z$/.exec(iso);
  if (!match) return iso;
  const [, year, month, day, hour, minute, second = '00'] = match;
  const date = `${Number(day)} ${MONTHS[Number(month) - 1] ?? month} ${year}`;
  if (hour === '00' && minute === '00' && second === '00') return date;
  return `${date}, ${hour}:${minute}${second === '00' ? '' : `:${second}`} UTC`;
}

const AMOUNTS = new Set([
  'amount', 'balance', 'initialMargin', 'pnl', 'fee', 'fees', 'equity', 'marginCallEquity', 'liquidationEquity', 'depositToCure',
  'outstanding', 'isolatedMargin', 'unrealizedPnl', 'maintenanceMargin', 'freeMargin', 'notional', 'deposits', 'withdrawals',
  'realizedPnl', 'venueLoss', 'debtOutstanding', 'absorbedByVenue', 'absorbedByInsuranceFund', 'absorbedByDeleveraging',
  'debtRecorded', 'debtRepaid', 'debtWrittenOff', 'conservationGap', 'insuranceFund',
]);
const PRICES = new Set(['price', 'trigger', 'entryPrice', 'markPrice', 'liquidationPrice', 'marginCallPrice', 'bankruptcyPrice']);
const TIMES = new Set(['time', 'deadline']);

/** A leaf as a person reads it, by its key: an amount in the currency, a price, a time, a count. */
export function valueText(key: string, value: Leaf, currency: string): string {
  if (value === null) return '–';
  if (typeof value !== 'string') return typeof value === 'number' ? value.toLocaleString('en-US') : String(value);
  if (AMOUNTS.has(key)) return money(value, currency);
  if (PRICES.has(key)) return price(value);
  if (TIMES.has(key)) return readableTime(value);
  if (key === 'quantity') return groupDigits(value);
  if (key === 'marginLevel') return percent(value);
  return value;
}
