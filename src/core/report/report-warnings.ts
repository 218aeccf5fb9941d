/**
 * Report warnings: a snapshot that no venue would have let come about. A venue opens a position only
 * when its margin scope can put up the initial margin (the engine's `open` refuses it otherwise:
 * engine/commands.ts, "risk/insufficient-margin"). So, for the positions of a real account, taken at
 * their entry prices, where the venue made that check:
 *
 *   cross     Σ initial margin of the cross positions  <=  balance - Σ isolated margins (+ stocks at cost)
 *   isolated  initial margin of the position            <=  its isolated margin (+ the stock at cost)
 *
 * The right-hand side is the scope's collateral (margin/margin-scope.ts). A snapshot that breaks
 * either rule is still reported in full (the user may be asking "what if"), with a warning that names
 * the figures. Initial margin is taken at the entry prices, not at the marks: a position that has
 * since moved has a different notional, but the venue checked the margin when it opened.
 *
 * Every figure is the core's own, as valueScope books it: initial margin per position rounded up to
 * the currency's decimals, collateral to nearest; the comparison is of those booked figures, as the
 * engine's own check is.
 */
import type { AccountSnapshot } from '../account/account-snapshot.js';
import type { Position } from '../account/position.js';
import { add, decimal, greaterThan, isZero, rescale, sum, toDecimalString, type Decimal } from '../money/decimal.js';
import { fromDecimal, sumRational, toDecimal } from '../money/rational.js';
import { marginScopes, positionInitialMargin, type MarginScope } from '../margin/margin-scope.js';
import { costBasis } from '../margin/position-measures.js';

export type ReportWarningCode = 'account/initial-margin-above-balance' | 'position/initial-margin-above-isolated-margin';

export interface ReportWarning {
  readonly code: ReportWarningCode;
  readonly message: string;
}

import { markPrices } from '../liquidation/threshold-price.js';

const CONSEQUENCE = 'the venue would not have let';

/** Σ initial margin of the scope's positions at their entry prices, each rounded up as valueScope rounds it. */
function initialMarginAtEntry(snapshot: AccountSnapshot, scope: MarginScope): Decimal {
  const zero = decimal(0n, snapshot.currencyDecimals);
  const marks = markPrices(snapshot);
  return add(zero, sum(scope.positions.map((position) => {
    // The conversion pairs at their marks (conversion.ts); the position's own price at entry.
    const entry = new Map(marks).set(position.instrument.symbol, fromDecimal(position.entryPrice));
    return toDecimal(positionInitialMargin(snapshot.venue, scope, position, entry), snapshot.currencyDecimals, 'ceiling');
  })));
}

function stocksAtCost(snapshot: AccountSnapshot, positions: readonly Position[]): Decimal {
  return toDecimal(sumRational(positions.map(costBasis)), snapshot.currencyDecimals, 'half-even');
}

export function reportWarnings(snapshot: AccountSnapshot): ReportWarning[] {
  const decimals = snapshot.currencyDecimals;
  const zero = decimal(0n, decimals);
  const money = (value: Decimal): string => `${toDecimalString(rescale(value, decimals, 'half-even'))} ${snapshot.currency}`;
  const isolatedMarginOf = (position: Position): Decimal => add(zero, position.isolatedMargin ?? zero);
  const isolated = snapshot.positions.filter((position) => position.isolatedMargin);
  const warnings: ReportWarning[] = [];
  for (const scope of marginScopes(snapshot)) {
    if (!scope.positions.length) continue;
    const initialMargin = initialMarginAtEntry(snapshot, scope);
    const collateral = toDecimal(scope.collateral, decimals, 'half-even');
    if (!greaterThan(initialMargin, collateral)) continue;
    const atCost = stocksAtCost(snapshot, scope.positions);
    if (scope.kind === 'cross') {
      const isolatedTotal = add(zero, sum(isolated.map(isolatedMarginOf)));
      const parts = [
        `balance ${money(snapshot.balance)}`,
        ...(isZero(isolatedTotal) ? [] : [`less isolated margins ${money(isolatedTotal)}`]),
        ...(isZero(atCost) ? [] : [`plus stocks at cost ${money(atCost)}`]),
      ];
      const available = parts.length === 1 ? `the ${parts[0] ?? ''}` : `the ${money(collateral)} the cross positions can draw on (${parts.join(', ')})`;
      const subject = isolated.length ? 'initial margin of the cross positions' : 'initial margin';
      warnings.push({
        code: 'account/initial-margin-above-balance',
        message: `${subject} ${money(initialMargin)} (at the entry prices) is more than ${available}: ${CONSEQUENCE} these positions open`,
      });
    } else {
      const [position] = scope.positions;
      if (!position) continue;
      const margin = isolatedMarginOf(position);
      const available = isZero(atCost)
        ? `its isolated margin ${money(margin)}`
        : `the ${money(collateral)} it can draw on (isolated margin ${money(margin)}, plus the stock at cost ${money(atCost)})`;
      warnings.push({
        code: 'position/initial-margin-above-isolated-margin',
        message: `position ${position.id}: initial margin ${money(initialMargin)} (at the entry price) is more than ${available}: ${CONSEQUENCE} it open`,
      });
    }
  }
  return warnings;
}
