/** Amounts for people: "-$1,234.50". Exact: grouping works on the decimal's digits, never a float. */
import { groupDigits as grouped, rescale, toDecimalString, type Decimal } from '../core/index.js';

export function moneyText(value: Decimal, decimals: number, symbol = '$'): string {
  return groupDigits(toDecimalString(rescale(value, decimals, 'half-even')), symbol);
}

/** "-1234567.5" -> "-1,234,567.5" (the core's grouping), with the symbol after the sign; text that is not a plain decimal is returned as it is. */
export function groupDigits(text: string, symbol = ''): string {
  if (!/^-?\d+(\.\d+)?$/.test(text)) return text;
  const result = grouped(text);
  return result.startsWith('-') ? `-${symbol}${result.slice(1)}` : `${symbol}${result}`;
}
