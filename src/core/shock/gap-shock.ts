/**
 * A gap: every mark moves by the same fraction at once, nothing trading in between
 * (spec/report.md, "shocks"). The venue then force-closes at the gapped marks, as its procedure
 * says, with no fee or slippage, and its deficit policy says who pays what is left below zero.
 *
 * Seed article, $500 at 1:75 (EURUSD 30 000 at 1.25, notional 37 500, margin 500), gap -1.5 %:
 *   mark 1.23125, P&L 30 000 × (1.23125 - 1.25) = -562.50, equity 500 - 562.50 = -62.50 < 50 % × 500:
 *   stopped out at 1.23125, not at the stop-out level. With negative balance protection the client
 *   loses 500 and the broker 62.50; without it the client loses 562.50 and owes 62.50.
 *
 * The outcomes conserve money to the last unit:
 *   client loss + venue loss = -P&L     and     debt = the deficit the venue does not absorb.
 */
import type { AccountSnapshot, PriceMap } from '../account/account-snapshot.js';
import { add, decimal, isNegative, multiply, negate, subtract, sum, ONE, type Decimal } from '../money/decimal.js';
import { addRational, fromDecimal } from '../money/rational.js';
import { asPrice, type InstrumentId, type Price, type Rate } from '../money/units.js';
import { settleDeficit } from '../deficit/deficit-policy.js';
import { forceClose, type Fill } from '../liquidation/force-close.js';
import { marginScopes, type MarginScope } from '../margin/margin-scope.js';
import { valueScope, worstStatus, type MarginStatus } from '../margin/scope-valuation.js';
import type { VenueProfile } from '../venue/venue-profile.js';

export interface ShockOutcome {
  readonly move: Rate;
  readonly marks: ReadonlyMap<InstrumentId, Price>;
  /** P&L of every position at the gapped marks (from entry), summed. */
  readonly pnl: Decimal;
  /** Account equity right after the gap, before any close. */
  readonly equity: Decimal;
  readonly status: MarginStatus;
  readonly liquidated: boolean;
  readonly fills: readonly Fill[];
  /** What the client loses in the end: balance (plus securities cost) less final equity. */
  readonly clientLoss: Decimal;
  /** What the client owes the venue after the close. */
  readonly debt: Decimal;
  /** The deficit the venue or its insurance fund absorbs. */
  readonly venueLoss: Decimal;
  /** Account equity after the venue's close and the deficit policy. */
  readonly equityAfter: Decimal;
}

export function gappedMarks(snapshot: AccountSnapshot, move: Rate): Map<InstrumentId, Price> {
  const factor = add(ONE, move);
  return new Map([...snapshot.marks].map(([symbol, mark]) => [symbol, asPrice(multiply(mark, factor))]));
}

interface ScopeOutcome {
  readonly fills: readonly Fill[];
  /** The scope's equity once closed and settled. */
  readonly equity: Decimal;
  /** The part of a deficit the venue absorbed. */
  readonly absorbed: Decimal;
  /** An isolated deficit the client owes, charged to the wallet (the cross scope). */
  readonly chargedToWallet: Decimal;
}

/** Force-close one scope at the gapped prices and settle what is left below zero. */
function settleScope(venue: VenueProfile, scope: MarginScope, prices: PriceMap, decimals: number): ScopeOutcome {
  const zero = decimal(0n, decimals);
  const closed = forceClose(venue, scope, prices, decimals);
  const after = valueScope(venue, closed.remaining, prices, decimals);
  const settled = settleDeficit(venue.deficit, after.collateral, after.positions.length > 0);
  if (scope.kind === 'isolated' && isNegative(settled.collateral)) {
    return { fills: closed.fills, equity: zero, absorbed: settled.absorbed, chargedToWallet: settled.collateral };
  }
  return { fills: closed.fills, equity: add(settled.collateral, after.unrealizedPnl), absorbed: settled.absorbed, chargedToWallet: zero };
}

export function applyShock(snapshot: AccountSnapshot, move: Rate): ShockOutcome {
  const { venue, currencyDecimals: decimals } = snapshot;
  const marks = gappedMarks(snapshot, move);
  const prices = new Map([...marks].map(([symbol, price]) => [symbol, fromDecimal(price)]));
  const scopes = marginScopes(snapshot);
  const before = scopes.map((scope) => valueScope(venue, scope, prices, decimals));
  const stake = sum(before.map((valuation) => valuation.collateral));
  const pnl = sum(before.map((valuation) => valuation.unrealizedPnl));

  // Isolated scopes first: where the client owes deficits, an isolated one is charged to the wallet
  // before the cross account is checked.
  const isolated = scopes.filter((scope) => scope.kind === 'isolated').map((scope) => settleScope(venue, scope, prices, decimals));
  const charged = fromDecimal(sum(isolated.map((outcome) => outcome.chargedToWallet)));
  const crossScope = scopes.find((scope) => scope.kind === 'cross');
  const outcomes = crossScope
    ? [settleScope(venue, { ...crossScope, collateral: addRational(crossScope.collateral, charged) }, prices, decimals), ...isolated]
    : isolated;

  const equityAfter = sum(outcomes.map((outcome) => outcome.equity));
  const fills = outcomes.flatMap((outcome) => outcome.fills);
  const zero = decimal(0n, decimals);
  return {
    move,
    marks,
    pnl,
    equity: add(stake, pnl),
    status: worstStatus(before.map((valuation) => valuation.status)),
    liquidated: fills.length > 0,
    fills,
    clientLoss: subtract(stake, equityAfter),
    debt: isNegative(equityAfter) ? negate(equityAfter) : zero,
    venueLoss: add(zero, sum(outcomes.map((outcome) => outcome.absorbed))),
    equityAfter,
  };
}
