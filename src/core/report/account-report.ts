/**
 * The risk report of one account snapshot (spec/report.md): every number a trader or a risk desk
 * asks about the account, computed by the same functions the engine uses, so the engine liquidates
 * exactly where the report says it will.
 *
 *   equity       = balance + unrealised P&L (+ market value of securities bought on margin)
 *   free margin  = equity - initial margin          margin level = equity / initial margin
 *   Rc, Rl       = the venue's margin-call and liquidation requirements, summed over margin scopes
 *   deposit to cure = Σ over scopes of max(0, Rc - equity)
 */
import type { AccountSnapshot } from '../account/account-snapshot.js';
import type { Position } from '../account/position.js';
import { add, decimal, divide, sign, subtract, sum, type Decimal } from '../money/decimal.js';
import type { Amount, Price, Rate } from '../money/units.js';
import { thresholdPrice, markPrices } from '../liquidation/threshold-price.js';
import { marginScopes } from '../margin/margin-scope.js';
import {
  depositToCure, valueScope, worstStatus, type MarginStatus, type PositionValuation, type ScopeValuation,
} from '../margin/scope-valuation.js';
import { applyShock, type ShockOutcome } from '../shock/gap-shock.js';
import { reportWarnings, type ReportWarning } from './report-warnings.js';
import { holdingFigures, type HoldingFigures } from './holding-costs.js';

/** Margin level is reported to this many decimals, rounded down. */
export const MARGIN_LEVEL_DECIMALS = 8;

export interface AccountFigures {
  readonly balance: Amount;
  readonly equity: Decimal;
  readonly unrealizedPnl: Decimal;
  readonly initialMargin: Decimal;
  readonly maintenanceMargin: Decimal;
  readonly freeMargin: Decimal;
  /** equity / initial margin as a fraction; null with no positions. */
  readonly marginLevel: Decimal | null;
  readonly marginCallEquity: Decimal;
  readonly liquidationEquity: Decimal;
  readonly depositToCure: Decimal;
  readonly status: MarginStatus;
}

export interface PositionFigures {
  readonly position: Position;
  readonly margin: 'cross' | 'isolated';
  readonly markPrice: Price;
  readonly notional: Decimal;
  readonly unrealizedPnl: Decimal;
  readonly initialMargin: Decimal;
  readonly maintenanceMargin: Decimal;
  readonly liquidationPrice: Price | null;
  readonly marginCallPrice: Price | null;
  readonly bankruptcyPrice: Price | null;
  /** The status of the position's margin scope (the cross account, or itself when isolated). */
  readonly status: MarginStatus;
}

export interface AccountReport {
  readonly snapshot: AccountSnapshot;
  readonly account: AccountFigures;
  readonly positions: readonly PositionFigures[];
  readonly shocks: readonly ShockOutcome[];
  /** What the venue would not have allowed (report-warnings.ts); empty when nothing is wrong. */
  readonly warnings: readonly ReportWarning[];
  /** The cost of holding at the snapshot's funding or financing rate (holding-costs.ts); absent when it gives none. */
  readonly holding?: HoldingFigures;
}

function accountFigures(snapshot: AccountSnapshot, valuations: readonly ScopeValuation[]): AccountFigures {
  const zero = decimal(0n, snapshot.currencyDecimals);
  const total = (pick: (valuation: ScopeValuation) => Decimal): Decimal => add(zero, sum(valuations.map(pick)));
  const equity = total((valuation) => valuation.equity);
  const initialMargin = total((valuation) => valuation.initialMargin);
  const liquidationEquity = total((valuation) => valuation.liquidationRequirement);
  return {
    balance: snapshot.balance,
    equity,
    unrealizedPnl: total((valuation) => valuation.unrealizedPnl),
    initialMargin,
    maintenanceMargin: liquidationEquity,
    freeMargin: subtract(equity, initialMargin),
    marginLevel: sign(initialMargin) > 0 ? divide(equity, initialMargin, MARGIN_LEVEL_DECIMALS, 'floor') : null,
    marginCallEquity: total((valuation) => valuation.marginCallRequirement),
    liquidationEquity,
    depositToCure: total((valuation) => depositToCure(snapshot.venue, valuation)),
    status: worstStatus(valuations.map((valuation) => valuation.status)),
  };
}

/** The account's own figures, without solving any position's prices: what a list of many accounts shows. */
export function buildAccountFigures(snapshot: AccountSnapshot): AccountFigures {
  const prices = markPrices(snapshot);
  return accountFigures(snapshot, marginScopes(snapshot).map((scope) => valueScope(snapshot.venue, scope, prices, snapshot.currencyDecimals)));
}

export function buildReport(snapshot: AccountSnapshot): AccountReport {
  const prices = markPrices(snapshot);
  const scopes = marginScopes(snapshot);
  const valuations = scopes.map((scope) => valueScope(snapshot.venue, scope, prices, snapshot.currencyDecimals));
  const byPosition = new Map<Position, [ScopeValuation, PositionValuation]>();
  for (const valuation of valuations) {
    for (const positionValuation of valuation.positions) byPosition.set(positionValuation.position, [valuation, positionValuation]);
  }
  const positions = snapshot.positions.map((position): PositionFigures => {
    const entry = byPosition.get(position);
    if (!entry) throw new RangeError(`position ${position.id} belongs to no margin scope`);
    const [scopeValuation, valuation] = entry;
    const { scope } = scopeValuation;
    const mark = snapshot.marks.get(position.instrument.symbol);
    if (!mark) throw new RangeError(`no mark for ${position.instrument.symbol}`);
    return {
      position,
      margin: scope.kind,
      markPrice: mark,
      notional: valuation.notional,
      unrealizedPnl: valuation.unrealizedPnl,
      initialMargin: valuation.initialMargin,
      maintenanceMargin: valuation.maintenanceMargin,
      liquidationPrice: thresholdPrice(snapshot, scope, position, 'liquidation', prices),
      marginCallPrice: thresholdPrice(snapshot, scope, position, 'margin-call', prices),
      bankruptcyPrice: thresholdPrice(snapshot, scope, position, 'bankruptcy', prices),
      status: scopeValuation.status,
    };
  });
  return {
    snapshot,
    account: accountFigures(snapshot, valuations),
    positions,
    shocks: snapshot.shocks.map((move: Rate) => applyShock(snapshot, move)),
    warnings: reportWarnings(snapshot),
    ...withHolding(snapshot),
  };
}

function withHolding(snapshot: AccountSnapshot): { holding?: HoldingFigures } {
  const holding = holdingFigures(snapshot);
  return holding ? { holding } : {};
}
