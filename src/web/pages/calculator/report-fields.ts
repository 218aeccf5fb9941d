/**
 * The report's fields (report.md) as the page lays them out, and the rule that keeps the page whole:
 * a leaf of the report that no section lays out (a field the core adds later) is still shown, under
 * "More figures", so every leaf appears exactly once with its data-field and data-value.
 */
import type { ReportJson } from '../../../core/index.js';
import { leaves, type Leaf } from '../../lib/figures.js';

const VENUE_FIGURES = ['id', 'name', 'deficitPolicy', 'cureDays'] as const;
const ACCOUNT_FIGURES = [
  'equity', 'balance', 'unrealizedPnl', 'initialMargin', 'maintenanceMargin', 'freeMargin', 'marginLevel', 'marginCallEquity',
  'liquidationEquity', 'depositToCure', 'status',
] as const;
const POSITION_FIGURES = [
  'id', 'instrument', 'side', 'liquidationPrice', 'marginCallPrice', 'bankruptcyPrice', 'markPrice', 'entryPrice', 'quantity',
  'leverage', 'margin', 'notional', 'unrealizedPnl', 'initialMargin', 'maintenanceMargin', 'status',
] as const;
const SHOCK_FIGURES = ['move', 'pnl', 'equity', 'status', 'liquidated', 'clientLoss', 'debt', 'venueLoss', 'equityAfter'] as const;
const CLOSED_FIGURES = ['position', 'quantity', 'price', 'pnl'] as const;
const WARNING_FIGURES = ['code', 'message'] as const;
const HOLDING_FIGURES = [
  'basis', 'kind', 'paymentHours', 'perPayment', 'perDay', 'paymentsToMarginCall', 'daysToMarginCall', 'paymentsToLiquidation', 'daysToLiquidation',
] as const;
const HOLDING_POSITION_FIGURES = ['id', 'perPayment', 'perDay', 'paymentsToLiquidation', 'daysToLiquidation'] as const;
const HORIZON_FIGURES = ['1', '7', '30'] as const;

const has = (keys: readonly string[], key: string | undefined): boolean => key !== undefined && keys.includes(key);

/** Whether a section of the report view lays out this leaf. */
function laidOut(path: string): boolean {
  const [head, second, third, fourth, fifth, sixth] = path.split('.');
  const index = (text: string | undefined): boolean => text !== undefined && /^\d+$/.test(text);
  switch (head) {
    case 'venue': return has(VENUE_FIGURES, second) && third === undefined;
    case 'currency': return second === undefined;
    case 'account': return has(ACCOUNT_FIGURES, second) && third === undefined;
    case 'positions': return index(second) && has(POSITION_FIGURES, third) && fourth === undefined;
    case 'warnings': return index(second) && has(WARNING_FIGURES, third) && fourth === undefined;
    case 'shocks':
      if (!index(second)) return false;
      if (third === 'marks') return fourth !== undefined; // a symbol may hold a dot
      if (third === 'closed') return index(fourth) && has(CLOSED_FIGURES, fifth) && sixth === undefined;
      return has(SHOCK_FIGURES, third) && fourth === undefined;
    case 'holding':
      if (second === 'positions') {
        if (!index(third)) return false;
        if (fourth === 'liquidationPriceAfter') return has(HORIZON_FIGURES, fifth) && sixth === undefined;
        return has(HOLDING_POSITION_FIGURES, fourth) && fifth === undefined;
      }
      return has(HOLDING_FIGURES, second) && third === undefined;
    default: return false;
  }
}

/** The report's leaves that no section lays out, with their paths. */
export function otherLeaves(report: ReportJson): [string, Leaf][] {
  return leaves(report).filter(([path]) => !laidOut(path));
}
