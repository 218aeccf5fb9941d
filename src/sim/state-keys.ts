/**
 * Keys of engine states for the path engine's memos: two states with the same key get the same
 * answer from what is memoised under it.
 */
import type { EngineState } from '../core/engine/engine-types.js';
import type { Decimal } from '../core/money/decimal.js';

const text = (value: Decimal | undefined | null): string => (value ? `${value.units}e${value.scale}` : '-');

function positionText(state: EngineState): string {
  return state.snapshot.positions.map((position) =>
    `${position.id}:${position.instrument.symbol}:${position.side}:${text(position.quantity)}:${text(position.entryPrice)}:${text(position.leverage)}:${text(position.isolatedMargin)}`).join(',');
}

/** The positions alone: what the separable screen's tables depend on. */
export function positionsKey(state: EngineState): string {
  return positionText(state);
}

/**
 * The positions without their isolated margins: what payment templates and, where payments move
 * the margins, the screen's tables depend on (a margin is collateral, which their differences cancel).
 */
export function shapeKey(state: EngineState): string {
  return state.snapshot.positions.map((position) =>
    `${position.id}:${position.instrument.symbol}:${position.side}:${text(position.quantity)}:${text(position.entryPrice)}:${text(position.leverage)}:${position.isolatedMargin ? 'i' : 'c'}`).join(',');
}

/** What decides whether a mark changes the state (bands, fast settlements): money, positions, orders, calls. */
export function stateKey(state: EngineState): string {
  const orders = [...state.orders].map(([id, order]) => `${id}:${text(order.stopLoss)}:${text(order.takeProfit)}`);
  const calls = [...state.marginCalls].map(([scope, call]) => `${scope}:${call.deadlineMs ?? ''}`);
  return `${text(state.snapshot.balance)}|${positionText(state)}|${orders.join(',')}|${calls.join(',')}|${state.debt?.status ?? ''}`;
}

/** Everything step() reads but the marks and the time: two states with this key step alike. */
export function fullKey(state: EngineState): string {
  const totals = Object.values(state.totals).map(text).join(',');
  return `${stateKey(state)}|${totals}|${text(state.debt?.outstanding)}|${text(state.market.insuranceFund)}|${state.market.counterparties.length}`;
}
