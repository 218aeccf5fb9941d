/**
 * Results as a person reads them (spec/web.md: separators, a currency sign, a percent), from the
 * simulator's strings (src/sim/statistics.ts): a probability shifted into a percent, an amount
 * grouped with its currency, trailing zeros beyond the cents dropped. Nothing is rounded: the
 * digits shown are the digits of the results JSON.
 */
import { money, percent } from '../../lib/format.js';

/** `-304.35075000` -> `-304.35075`, `10000.00000000` -> `10000.00`: zeros after the cents dropped. */
export function trimmedAmount(text: string): string {
  const match = /^(-?\d+)\.(\d*?)0*$/.exec(text);
  if (!match) return text;
  const [, whole = '', fraction = ''] = match;
  return `${whole}.${fraction.padEnd(2, '0')}`;
}

export function amount(text: string, currency: string): string {
  return money(trimmedAmount(text), currency);
}

/** A probability as a percent: `0.325000` -> `32.5 %`. */
export function chance(text: string): string {
  return percent(text);
}

/** A standard error in percentage points: `0.010473` -> `1.0473`. */
export function points(text: string): string {
  return percent(text).replace(/ %$/, '');
}

/** Days as the results give them, or a dash for a variant never liquidated. */
export function days(text: string | null): string {
  return text === null ? '–' : `${text} d`;
}
