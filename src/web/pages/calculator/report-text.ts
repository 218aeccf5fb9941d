/**
 * Words for the report's codes, and the sign of an amount read from its decimal text (the core's
 * parser, never a float): what a person reads beside the figures.
 */
import { isNegative, isZero, parseDecimal } from '../../../core/index.js';

const STATUS: Readonly<Record<string, string>> = {
  healthy: 'Healthy',
  'margin-call': 'Margin call',
  liquidation: 'Being liquidated',
  bankrupt: 'Bankrupt',
};

export const statusText = (status: string | null | undefined): string => (status ? STATUS[status] ?? status : '–');

const DEFICIT: Readonly<Record<string, string>> = {
  'client-debt': 'you owe it, as a debt',
  'negative-balance-protection': 'the broker absorbs it (negative balance protection)',
  'insurance-fund': 'the insurance fund, then auto-deleveraging',
};

/** Who pays what a gap leaves below zero, for the venue's deficit policy. */
export const deficitText = (policy: string): string => DEFICIT[policy] ?? policy;

/** `neg` for an amount below zero, `pos` above, nothing for zero or no amount. */
export function signClass(text: string | null | undefined): string | undefined {
  const value = text ? parseDecimal(text) : undefined;
  if (!value || isZero(value)) return undefined;
  return isNegative(value) ? 'neg' : 'pos';
}

/** Whether an amount is non-zero. */
export function nonZero(text: string | null | undefined): boolean {
  const value = text ? parseDecimal(text) : undefined;
  return value !== undefined && !isZero(value);
}
