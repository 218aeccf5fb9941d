/** Amounts for people: "-$1,234.50". Exact: grouping works on the decimal's digits, never a float. */
import { rescale, toDecimalString, type Decimal } from '../core/index.js';

export function moneyText(value: Decimal, decimals: number, symbol = '$'): string {
  return groupDigits(toDecimalString(rescale(value, decimals, 'half-even')), symbol);
}

/** "-1234567.5" -> "-1,234,567.5"; text that is not a plain decimal is returned as it is. */
export function groupDigits(text: string, symbol = ''): string {
  const match = /^(-?)(\d+)(\.\d+)?$/.exec(text);
  if (!match) return text;
  const [, minus = '', whole = '', fraction = ''] = match;
  return `${minus}${symbol}${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${fraction}`;
}
