/**
 * Text for reading. The figures themselves are the core's strings, already in the venue's
 * precision; this only groups digits, adds a sign or a percent, and never rounds an amount.
 */
import { groupDigits } from '../../core/index.js';

/** `1234567.891` -> `1,234,567.891` (the fraction untouched): the core's grouping. */
export { groupDigits };

const SIGNS: Readonly<Record<string, string>> = { USD: '$', EUR: '€', GBP: '£', JPY: '¥', CHF: 'CHF ' };

/** An amount in the account currency: `$1,000.00`, `−$62.50`, `1,535,443.01 USDT`. */
export function money(text: string | null | undefined, currency: string): string {
  if (text === null || text === undefined) return '–';
  const negative = text.startsWith('-');
  const grouped = groupDigits(negative ? text.slice(1) : text);
  const sign = SIGNS[currency];
  const body = sign ? `${sign}${grouped}` : `${grouped} ${currency}`;
  return negative ? `−${body}` : body;
}

/** A price: grouped, exactly the core's digits. */
export function price(text: string | null | undefined): string {
  return text === null || text === undefined ? '–' : groupDigits(text);
}

/**
 * A fraction as a percent: `0.015` -> `1.5 %`. The digits come from the decimal text, shifted by two
 * places, so nothing is rounded unless `decimals` asks for it (then half away from zero, for display only).
 */
export function percent(text: string | null | undefined, decimals?: number): string {
  if (text === null || text === undefined) return '–';
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) return text;
  const [, sign = '', whole = '', fraction = ''] = match;
  const digits = `${whole}${fraction.padEnd(2, '0')}`;
  const point = whole.length + 2;
  let shifted = `${digits.slice(0, point).replace(/^0+(?=\d)/, '')}${digits.length > point ? `.${digits.slice(point)}` : ''}`;
  if (decimals !== undefined) shifted = Number(shifted).toFixed(decimals);
  shifted = shifted.replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
  return `${sign === '-' ? '−' : ''}${groupDigits(shifted)} %`;
}
