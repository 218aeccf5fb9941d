/**
 * The venue steps in: every margin scope that breaches its liquidation requirement at the current
 * marks is force-closed at those marks (the first price the market offers at or past the
 * liquidation price, never the liquidation price itself), by the venue's procedure:
 *
 * - whole scope at once (crypto perpetuals), each isolated position on its own;
 * - largest loser first, re-checking after each close (MT5 stop-out, ESMA close-out);
 * - sell just enough to meet the requirement (FINRA 4210), after the Reg T cure period, or at once
 *   when equity is gone;
 * - partial: Hyperliquid sends 20 % of a position above 100k USDC, then takes whole positions
 *   during a 30 s cooldown; a scope already past bankruptcy goes whole to the backstop vault.
 *
 * A liquidation fee (where the venue charges one) comes out of what is left, never creating a
 * deficit; a deficit is then settled by the venue's policy. Isolated scopes go first, as the
 * cross scope's collateral depends on them.
 */
import type { Position } from '../account/position.js';
import { forceClose } from '../liquidation/force-close.js';
import type { MarginScope } from '../margin/margin-scope.js';
import { notionalAt, partOfPosition } from '../margin/position-measures.js';
import { breachesLiquidation } from '../margin/scope-valuation.js';
import { add, isNegative, isPositive, max, min, negate, subtract, sum, toDecimalString, type Decimal } from '../money/decimal.js';
import { compareRational, fromDecimal, multiplyRational, signRational, toDecimal } from '../money/rational.js';
import { asQuantity, type Quantity } from '../money/units.js';
import { settleDeficit } from './deficits.js';
import { closeAt, type ClosedPart } from './fills.js';
import { decisionOf, markPriceMap, scopeOf, scopesOf, valuationOf } from './valuation-cache.js';
import type { Transaction } from './transaction.js';
import { ratesAt } from '../instrument/conversion.js';

interface PlannedClose {
  readonly position: Position;
  readonly quantity: Quantity;
}

function scopeById(tx: Transaction, id: string): MarginScope | undefined {
  return scopeOf(tx.snapshot, id);
}

/** Whether the venue acts on this scope now: breached and, at a cure venue, the cure period over. */
function mustLiquidate(tx: Transaction, scope: MarginScope): boolean {
  const { venue } = tx.snapshot;
  if (scope.positions.length === 0) return false;
  const decision = decisionOf(tx.snapshot, scope.id);
  if (!decision || !breachesLiquidation(venue, decision.exact.equity, decision.exact.liquidation)) return false;
  if (venue.cureDays === 0 || signRational(decision.exact.equity) < 0) return true;
  const deadline = tx.state.marginCalls.get(scope.id)?.deadlineMs;
  return deadline !== undefined && tx.time !== undefined && tx.time.ms >= deadline;
}

/** Hyperliquid's partial liquidation, when it applies: 20 % of each large position, all of the rest. */
function partialPlan(tx: Transaction, scope: MarginScope): PlannedClose[] | undefined {
  const partial = tx.snapshot.venue.partialLiquidation;
  if (!partial) return undefined;
  const cooling = tx.state.partialCooldownUntilMs;
  if (cooling !== null && (tx.time === undefined || tx.time.ms < cooling)) return undefined;
  const prices = markPriceMap(tx.snapshot);
  const large = (position: Position): boolean => {
    const price = prices.get(position.instrument.symbol) ?? fromDecimal(position.entryPrice);
    return compareRational(notionalAt(position, price, ratesAt(position.instrument, prices, price)), partial.notionalAbove) > 0;
  };
  if (!scope.positions.some(large)) return undefined;
  // Past bankruptcy there is nothing left to sell in parts: the backstop takes the scope whole.
  const decision = decisionOf(tx.snapshot, scope.id);
  if (!decision || signRational(decision.exact.equity) <= 0) return undefined;
  return scope.positions.map((position) => ({
    position,
    quantity: large(position)
      ? asQuantity(partOfPosition(position, multiplyRational(fromDecimal(position.quantity), partial.fraction)))
      : position.quantity,
  }));
}

function plan(tx: Transaction, scope: MarginScope): PlannedClose[] {
  const partial = partialPlan(tx, scope);
  if (partial) {
    const cooldownMs = (tx.snapshot.venue.partialLiquidation?.cooldownSeconds ?? 0) * 1000;
    // Without times the cooldown cannot run out: later liquidations take whole positions.
    tx.update({ partialCooldownUntilMs: tx.time ? tx.time.ms + cooldownMs : Number.MAX_SAFE_INTEGER });
    return partial;
  }
  return forceClose(tx.snapshot.venue, scope, markPriceMap(tx.snapshot), tx.decimals).fills
    .map((fill) => ({ position: fill.position, quantity: fill.quantity }));
}

/** Liquidation fee: rate × closed notional at the fill, rounded up, out of what equity is left. */
function chargeFees(tx: Transaction, closed: readonly ClosedPart[], equityLeft: Decimal): Decimal[] {
  const rate = tx.snapshot.venue.liquidationFeeRate;
  let left = max(equityLeft, tx.zero);
  return closed.map((part) => {
    if (!rate) return tx.zero;
    const fill = fromDecimal(part.price);
    const notional = notionalAt({ ...part.position, quantity: part.quantity }, fill, ratesAt(part.position.instrument, markPriceMap(tx.snapshot), fill));
    const fee = min(toDecimal(multiplyRational(notional, rate), tx.decimals, 'ceiling'), left);
    left = subtract(left, fee);
    if (isPositive(fee)) {
      tx.debit(fee);
      tx.count('fees', fee);
      const fund = tx.state.market.insuranceFund;
      if (fund !== null) tx.update({ market: { ...tx.state.market, insuranceFund: add(fund, fee) } });
    }
    return fee;
  });
}

/** Liquidates one scope; true when anything was closed. */
function liquidateScope(tx: Transaction, scopeId: string): boolean {
  const scope = scopeById(tx, scopeId);
  if (!scope || !mustLiquidate(tx, scope)) return false;
  const isolatedMargin = scope.kind === 'isolated' ? scope.positions[0]?.isolatedMargin : undefined;
  const planned = plan(tx, scope);
  const closed = planned.map(({ position, quantity }) => {
    const current = tx.snapshot.positions.find((each) => each.id === position.id) ?? position;
    return closeAt(tx, current, quantity, tx.snapshot.marks.get(position.instrument.symbol) ?? position.entryPrice);
  });
  const after = scopeById(tx, scopeId);
  const equityAfter = after && after.positions.length
    ? (valuationOf(tx.snapshot, scopeId)?.equity ?? tx.zero)
    : closedScopeCollateral(tx, scopeId, isolatedMargin, closed);
  const fees = chargeFees(tx, closed, equityAfter);
  closed.forEach((part, index) => {
    tx.emit('position-liquidated', {
      position: part.position.id,
      instrument: part.position.instrument.symbol,
      side: part.position.side,
      scope: scopeId,
      price: toDecimalString(part.price),
      quantity: toDecimalString(part.quantity),
      pnl: tx.amount(part.pnl),
      fee: tx.amount(fees[index] ?? tx.zero),
    });
  });
  settleClosedScope(tx, scopeId, isolatedMargin, closed, sum([tx.zero, ...fees]));
  return closed.length > 0;
}

/**
 * What a scope has left once its positions are closed: an isolated position's margin plus the P&L
 * booked on it, or, for the cross account, the wallet less the isolated margins still held.
 */
function closedScopeCollateral(tx: Transaction, scopeId: string, isolatedMargin: Decimal | undefined, closed: readonly ClosedPart[]): Decimal {
  if (scopeId !== 'cross') return add(isolatedMargin ?? tx.zero, sum([tx.zero, ...closed.map((part) => part.pnl)]));
  const held = tx.snapshot.positions.flatMap((position) => (position.isolatedMargin ? [position.isolatedMargin] : []));
  return subtract(tx.snapshot.balance, sum([tx.zero, ...held]));
}

/**
 * However a scope came to close out (liquidation, a stop-loss or a close through a gap), what it
 * has left below zero is a deficit, settled by the venue's policy. `fees` were already debited.
 */
export function settleClosedScope(
  tx: Transaction, scopeId: string, isolatedMargin: Decimal | undefined, closed: readonly ClosedPart[], fees: Decimal,
): void {
  for (const part of closed) if (part.isolatedDeficit) settleDeficit(tx, part.isolatedDeficit, [part]);
  if ((scopeById(tx, scopeId)?.positions.length ?? 0) > 0) return;
  const collateral = closedScopeCollateral(tx, scopeId, isolatedMargin, closed);
  const left = scopeId === 'cross' ? collateral : subtract(collateral, fees);
  if (isNegative(left)) settleDeficit(tx, negate(left), closed);
}

/** Force-closes every scope the venue would act on now; isolated scopes first, then the cross account. */
export function liquidate(tx: Transaction): void {
  const isolated = scopesOf(tx.snapshot).filter((scope) => scope.kind === 'isolated').map((scope) => scope.id);
  for (const id of isolated) liquidateScope(tx, id);
  liquidateScope(tx, 'cross');
}
