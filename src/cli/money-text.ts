/** Amounts for people: "-$1,234.50". Exact: grouping works on the decimal's digits, never a float. */
import { rescale, toDecimalString, type Decimal } from '../core/index.js';

export function moneyText(value: Decimal, decimals: number, symbol = '$'): string {
  const text = toDecimalString(rescale(value, decimals, 'half-even'));
  const negative = text.startsWith('-');
  const [whole = '', fraction] = (negative ? text.slice(1) : text).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${negative ? '-' : ''}${symbol}${grouped}${fraction === undefined ? '' : `.${fraction}`}`;
}
