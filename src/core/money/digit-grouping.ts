/**
 * A decimal's text for reading, its whole part grouped by thousands: "-1234567.891" ->
 * "-1,234,567.891". It works on the digits (never a float), so nothing is rounded; text that is
 * not a plain decimal comes back as it is. The CLI's tables and the web app's figures share it.
 */
export function groupDigits(text: string): string {
  const match = /^(-?)(\d+)(\.\d+)?$/.exec(text);
  if (!match) return text;
  const [, minus = '', whole = '', fraction = ''] = match;
  return `${minus}${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${fraction}`;
}
