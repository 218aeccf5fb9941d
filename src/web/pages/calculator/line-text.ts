/**
 * What happens at each line of a chart, in words, from the core's figures at that price
 * (price-lines.ts): the legend under the chart and the tooltip near a line say the same. A
 * stop-loss beyond the liquidation price is never reached: the venue closes the position first.
 */
import { compare, isNegative, isZero, parseDecimal } from '../../../core/index.js';
import { money, price } from '../../lib/format.js';
import type { LineKind, PriceLine } from './price-lines.js';
import { deficitText } from './report-text.js';

export const LINE_NAMES: Readonly<Record<LineKind, string>> = {
  takeProfit: 'Take-profit',
  entry: 'Entry',
  mark: 'Mark',
  marginCall: 'Margin call',
  liquidation: 'Liquidation',
  bankruptcy: 'Bankruptcy',
  stopLoss: 'Stop-loss',
};

export interface LineContext {
  readonly currency: string;
  readonly deficitPolicy: string;
  /** Whether other positions share the chart, so each line names its position. */
  readonly named: boolean;
  /** The position's liquidation price, if it has one. */
  readonly liquidationPrice: string | null;
}

/** "your loss there is $502.25" / "your profit there is …" / "no profit or loss", from the P&L's text. */
function pnlPhrase(pnl: string, currency: string): string {
  const value = parseDecimal(pnl);
  if (!value || isZero(value)) return 'no profit or loss on the position';
  return isNegative(value) ? `your loss there is ${money(pnl.slice(1), currency)}` : `your profit there is ${money(pnl, currency)}`;
}

/** Whether a stop-loss at `stop` lies past the liquidation price, on the position's losing side. */
function beyondLiquidation(stop: string, liquidation: string | null, side: string): boolean {
  const stopValue = parseDecimal(stop);
  const liquidationValue = liquidation ? parseDecimal(liquidation) : undefined;
  if (!stopValue || !liquidationValue) return false;
  const order = compare(stopValue, liquidationValue);
  return side === 'short' ? order > 0 : order < 0;
}

/** The line's name as drawn on the chart: "Liquidation", or "Liquidation (btc)" when positions share it. */
export function lineTitle(line: PriceLine, named: boolean): string {
  return named ? `${LINE_NAMES[line.kind]} (${line.positionId})` : LINE_NAMES[line.kind];
}

export function describeLine(line: PriceLine, context: LineContext): string {
  const { currency } = context;
  const head = `${lineTitle(line, context.named)} ${price(line.price)}`;
  const pnl = pnlPhrase(line.outcome.pnl, currency);
  const equity = `equity ${money(line.outcome.equity, currency)}`;
  switch (line.kind) {
    case 'entry': return `${head}: where ${line.positionId} was opened; ${pnl}, ${equity}.`;
    case 'mark': return `${head}: the price now; ${pnl}, ${equity}.`;
    case 'marginCall': return `${head}: the venue calls for more margin; ${pnl}, ${equity}.`;
    case 'liquidation': return `${head}: the venue closes the position; ${pnl}, ${equity}.`;
    case 'bankruptcy':
      return `${head}: the margin behind the position is used up; ${pnl}. A gap past it leaves a deficit, and ${deficitText(context.deficitPolicy)}.`;
    case 'stopLoss':
      return beyondLiquidation(line.price, context.liquidationPrice, line.side)
        ? `${head}: never reached, the venue liquidates first at ${price(context.liquidationPrice)}; here ${pnl}, ${equity}.`
        : `${head}: your order closes the position; ${pnl}, ${equity}.`;
    case 'takeProfit': return `${head}: your order closes the position; ${pnl}, ${equity}.`;
  }
}
