/**
 * The prices drawn on each instrument's chart, and what the account looks like at each, as the core
 * computes it. Lines: a position's entry, the mark, and the report's margin-call, liquidation and
 * bankruptcy prices, plus the user's stop-loss and take-profit (chart-only orders). At a line at
 * price P on instrument X, the report of the same snapshot with X's mark moved to P (every other
 * mark held, as report.md defines the threshold prices) gives the position's unrealised P&L and the
 * account's equity there: `reportFromJson`, never float arithmetic.
 */
import { formatProblem, reportFromJson, type ReportJson } from '../../../core/index.js';
import type { OrderKey, Orders } from './calculator-state.js';
import { childPath } from './problem-fields.js';
import { asRecord, withKey } from './snapshot-edit.js';
import { withoutHoldingRates } from './holding-edit.js';

export const LINE_KINDS = ['takeProfit', 'entry', 'mark', 'marginCall', 'liquidation', 'bankruptcy', 'stopLoss'] as const;
export type LineKind = (typeof LINE_KINDS)[number];

/** The account at a line: the position's P&L, its status, and the account's equity and status. */
export interface LineOutcome {
  readonly pnl: string;
  readonly positionStatus: string;
  readonly equity: string;
  readonly accountStatus: string;
}

export interface PriceLine {
  readonly kind: LineKind;
  readonly positionIndex: number;
  readonly positionId: string;
  readonly side: string;
  readonly price: string;
  readonly outcome: LineOutcome;
}

export interface InstrumentLines {
  readonly symbol: string;
  readonly mark: string;
  readonly lines: readonly PriceLine[];
}

export interface ChartModel {
  readonly instruments: readonly InstrumentLines[];
  /** Position id -> the core's message for a stop-loss or take-profit it cannot price. */
  readonly orderErrors: ReadonlyMap<string, Readonly<Partial<Record<OrderKey, string>>>>;
}

type Priced = { readonly ok: true; readonly report: ReportJson } | { readonly ok: false; readonly message: string };

/** The report with `symbol`'s mark at `price`, or the core's message for that mark. */
function reportAt(snapshot: unknown, symbol: string, price: string): Priced {
  const marks = withKey(asRecord(snapshot).marks, symbol, price);
  const result = reportFromJson(withoutHoldingRates(withKey(snapshot, 'marks', marks)));
  if (result.ok) return { ok: true, report: result.value };
  const own = result.error.find((problem) => problem.path === childPath('marks', symbol));
  return { ok: false, message: own ? own.message : result.error.map(formatProblem).join('; ') };
}

function outcomeOf(report: ReportJson, index: number): LineOutcome {
  const position = report.positions[index];
  return {
    pnl: position?.unrealizedPnl ?? '',
    positionStatus: position?.status ?? '',
    equity: report.account.equity ?? '',
    accountStatus: report.account.status ?? '',
  };
}

/** The lines of every instrument the report's positions trade, in the order they first appear. */
export function chartModel(snapshot: unknown, report: ReportJson, orders: Orders): ChartModel {
  const cache = new Map<string, Priced>();
  const priced = (symbol: string, price: string): Priced => {
    const key = JSON.stringify([symbol, price]);
    let value = cache.get(key);
    if (!value) {
      value = reportAt(snapshot, symbol, price);
      cache.set(key, value);
    }
    return value;
  };
  const bySymbol = new Map<string, { mark: string; lines: PriceLine[] }>();
  const orderErrors = new Map<string, Partial<Record<OrderKey, string>>>();
  report.positions.forEach((position, index) => {
    const symbol = position.instrument ?? '';
    const positionId = position.id ?? '';
    const side = position.side ?? '';
    const mark = position.markPrice ?? '';
    const entry = bySymbol.get(symbol) ?? { mark, lines: [] };
    bySymbol.set(symbol, entry);
    const order = orders[positionId] ?? {};
    const prices: Record<LineKind, string | null | undefined> = {
      takeProfit: order.takeProfit || undefined,
      entry: position.entryPrice,
      mark,
      marginCall: position.marginCallPrice,
      liquidation: position.liquidationPrice,
      bankruptcy: position.bankruptcyPrice,
      stopLoss: order.stopLoss || undefined,
    };
    for (const kind of LINE_KINDS) {
      const price = prices[kind];
      if (!price) continue;
      const at = kind === 'mark' ? ({ ok: true, report } as const) : priced(symbol, price);
      if (at.ok) entry.lines.push({ kind, positionIndex: index, positionId, side, price, outcome: outcomeOf(at.report, index) });
      else if (kind === 'stopLoss' || kind === 'takeProfit') orderErrors.set(positionId, { ...orderErrors.get(positionId), [kind]: at.message });
    }
  });
  return {
    instruments: [...bySymbol].map(([symbol, { mark, lines }]) => ({ symbol, mark, lines })),
    orderErrors,
  };
}
