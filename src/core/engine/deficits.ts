/**
 * Who pays a closed-out scope's deficit (the collateral left below zero), by the venue's policy:
 *
 * - negative balance protection: the venue absorbs it (ESMA Decision (EU) 2018/796 Art. 2(1)(c));
 * - insurance fund: the fund pays what it holds; what it cannot is auto-deleveraged: the most
 *   highly ranked opposite positions are closed at the bankrupt position's bankruptcy price, so
 *   those traders give up the profit between the fill and that price (Binance FAQ "What Is
 *   Auto-Deleveraging"; Hyperliquid docs "Auto-deleveraging"). With no one left to deleverage, the
 *   venue takes the rest;
 * - client debt: nothing here; the balance stays negative and the debt lifecycle takes over.
 *
 * Every amount absorbed is credited back to the balance and counted in venueLoss, so the ledger
 * identity holds to the last unit.
 */
import type { Position } from '../account/position.js';
import { coordinateOfPrice, pnlDirection, priceOfCoordinate, type Side } from '../instrument/coordinate.js';
import { exposureMaintenance } from '../margin/maintenance-margin.js';
import { entryNotional, notionalAt, partOfPosition, priceWherePnl, quantityTimesContract, unrealizedPnlAt } from '../margin/position-measures.js';
import { ratesAt } from '../instrument/conversion.js';
import type { PriceMap } from '../account/account-snapshot.js';
import { markPriceMap } from './valuation-cache.js';
import { allocateUnits } from '../money/allocate.js';
import { compare, decimal, isPositive, min, negate, normalize, subtract, sum, toDecimalString, type Decimal } from '../money/decimal.js';
import {
  addRational, compareRational, divideRational, fromDecimal, multiplyRational, rational, RATIONAL_ZERO, signRational,
  toDecimal, type Rational,
} from '../money/rational.js';
import { asPositionId, asQuantity, type Quantity } from '../money/units.js';
import type { AdlRanking, VenueProfile } from '../venue/venue-profile.js';
import type { Counterparty } from './engine-types.js';
import type { ClosedPart } from './fills.js';
import type { Transaction } from './transaction.js';

function absorb(tx: Transaction, by: 'venue' | 'insurance-fund' | 'auto-deleveraging', amount: Decimal, extra: Record<string, string> = {}): void {
  if (!isPositive(amount)) return;
  tx.credit(amount);
  tx.count('venueLoss', amount);
  tx.count(by === 'venue' ? 'absorbedByVenue' : by === 'insurance-fund' ? 'absorbedByInsuranceFund' : 'absorbedByDeleveraging', amount);
  tx.emit('deficit-absorbed', { amount: tx.amount(amount), by, ...extra });
}

/** Settles a closed-out scope's deficit (a positive amount) as the venue's policy says. */
export function settleDeficit(tx: Transaction, deficit: Decimal, closed: readonly ClosedPart[]): void {
  const { venue } = tx.snapshot;
  if (!isPositive(deficit) || venue.deficit.kind === 'client-debt') return;
  if (venue.deficit.kind === 'negative-balance-protection') {
    absorb(tx, 'venue', deficit);
    return;
  }
  const fund = tx.state.market.insuranceFund;
  const covered = fund === null ? deficit : min(deficit, isPositive(fund) ? fund : tx.zero);
  if (fund !== null) tx.update({ market: { ...tx.state.market, insuranceFund: subtract(fund, covered) } });
  absorb(tx, 'insurance-fund', covered, fund === null ? {} : { fundAfter: tx.amount(subtract(fund, covered)) });
  const uncovered = subtract(deficit, covered);
  const deleveraged = venue.adlRanking && isPositive(uncovered) ? autoDeleverage(tx, venue, venue.adlRanking, deficit, uncovered, closed) : tx.zero;
  absorb(tx, 'auto-deleveraging', deleveraged);
  absorb(tx, 'venue', subtract(uncovered, deleveraged));
}

function asPosition(counterparty: Counterparty): Position {
  return {
    id: asPositionId(counterparty.id),
    instrument: counterparty.instrument,
    side: counterparty.side,
    quantity: counterparty.quantity,
    entryPrice: counterparty.entryPrice,
    leverage: counterparty.leverage,
  };
}

/**
 * A counterparty's ADL score at a price; undefined when it has no profit (never deleveraged first).
 *   margin = entry notional / leverage, P&L% = P&L / margin
 *   leverage-pnl:                 P&L% × maintenance / (margin + P&L)      (Binance "LeveragePnL")
 *   pnl-times-effective-leverage: P&L% × notional / (margin + P&L)
 */
export function adlScore(venue: VenueProfile, ranking: AdlRanking, counterparty: Counterparty, price: Rational): Rational | undefined {
  const position = asPosition(counterparty);
  const pnl = unrealizedPnlAt(position, price);
  if (signRational(pnl) <= 0) return undefined;
  const margin = divideRational(entryNotional(position), fromDecimal(counterparty.leverage));
  const pnlShare = divideRational(pnl, margin);
  const weight = ranking === 'leverage-pnl' ? exposureMaintenance(venue, [position], price, 'mark') : notionalAt(position, price);
  return multiplyRational(pnlShare, divideRational(weight, addRational(margin, pnl)));
}

const opposite = (side: Side): Side => (side === 'long' ? 'short' : 'long');

/**
 * The bankruptcy price of a closed part carrying `share` of the deficit: where it would have filled
 * with that share covered. x_b = x_fill + share / (direction × quantity × contract size).
 */
function bankruptcyPrice(part: ClosedPart, share: Rational, prices: PriceMap): Rational {
  const { kind } = part.position.instrument;
  const sized = { ...part.position, quantity: part.quantity };
  if (sized.instrument.conversion) {
    // Counted in another currency: where the part's P&L (account currency) is `share` better than at its fill.
    const fill = fromDecimal(part.price);
    const atFill = unrealizedPnlAt(sized, fill, ratesAt(sized.instrument, prices, fill));
    return priceWherePnl(sized, addRational(atFill, share), prices) ?? RATIONAL_ZERO;
  }
  const x = addRational(
    coordinateOfPrice(kind, fromDecimal(part.price)),
    divideRational(share, multiplyRational(rational(pnlDirection(kind, part.position.side)), quantityTimesContract(sized))),
  );
  return signRational(x) > 0 ? priceOfCoordinate(kind, x) : RATIONAL_ZERO;
}

/** The profitable positions opposite `position`, highest ADL score first (ties by id). */
function rankOpposites(
  venue: VenueProfile, ranking: AdlRanking, counterparties: readonly Counterparty[], position: Position, price: Rational,
): Counterparty[] {
  return counterparties
    .filter((each) => each.instrument.symbol === position.instrument.symbol && each.side === opposite(position.side))
    .flatMap((each) => {
      const score = adlScore(venue, ranking, each, price);
      return score ? [{ each, score }] : [];
    })
    .sort((a, b) => compareRational(b.score, a.score) || (a.each.id < b.each.id ? -1 : a.each.id > b.each.id ? 1 : 0))
    .map(({ each }) => each);
}

/** Takes `needed` from the ranked counterparties in order, each at most its whole position. */
function takeInRankOrder(ranked: readonly Counterparty[], needed: Decimal): { counterparty: Counterparty; quantity: Quantity }[] {
  const takes: { counterparty: Counterparty; quantity: Quantity }[] = [];
  let left = needed;
  for (const each of ranked) {
    if (!isPositive(left)) break;
    const quantity = asQuantity(min(left, each.quantity));
    takes.push({ counterparty: each, quantity });
    left = subtract(left, quantity);
  }
  return takes;
}

/**
 * Deleverages `uncovered` of a `deficit` against the closed parts' opposite positions, highest
 * score first. Each losing part carries shares of both by its loss. A part of quantity Q carrying
 * deficit D_i went bankrupt D_i / Q per unit past its fill, so covering U_i takes Q × U_i / D_i
 * from counterparties, who each give up D_i / Q per unit taken. Returns the amount covered.
 */
function autoDeleverage(
  tx: Transaction, venue: VenueProfile, ranking: AdlRanking, deficit: Decimal, uncovered: Decimal, closed: readonly ClosedPart[],
): Decimal {
  const losing = closed.filter((part) => compare(part.pnl, tx.zero) < 0);
  if (losing.length === 0) return tx.zero;
  const weights = losing.map((part) => fromDecimal(negate(part.pnl)));
  const deficitShares = allocateUnits(deficit.units, weights);
  const uncoveredShares = allocateUnits(uncovered.units, weights);
  let counterparties = [...tx.state.market.counterparties];
  const covered: Decimal[] = [];
  losing.forEach((part, index) => {
    const partDeficit = fromDecimal(decimal(deficitShares[index] ?? 0n, deficit.scale));
    const partUncovered = decimal(uncoveredShares[index] ?? 0n, uncovered.scale);
    if (signRational(partDeficit) <= 0 || !isPositive(partUncovered)) return;
    const price = fromDecimal(part.price);
    const perUnit = divideRational(partDeficit, fromDecimal(part.quantity));
    const needed = partOfPosition(part.position, divideRational(fromDecimal(partUncovered), perUnit));
    const takes = takeInRankOrder(rankOpposites(venue, ranking, counterparties, part.position, price), needed);
    if (takes.length === 0) return;
    const taken = sum(takes.map((take) => take.quantity));
    const worth = toDecimal(multiplyRational(perUnit, fromDecimal(taken)), uncovered.scale, 'floor');
    const coveredHere = min(worth, partUncovered);
    const perCounterparty = allocateUnits(coveredHere.units, takes.map((take) => fromDecimal(take.quantity)));
    const bankrupt = bankruptcyPrice(part, partDeficit, markPriceMap(tx.snapshot));
    takes.forEach((take, at) => {
      tx.emit('adl-executed', {
        counterparty: take.counterparty.id,
        instrument: take.counterparty.instrument.symbol,
        side: take.counterparty.side,
        quantity: toDecimalString(take.quantity),
        price: toDecimalString(normalize(toDecimal(bankrupt, 8, 'half-even'))),
        amount: tx.amount(decimal(perCounterparty[at] ?? 0n, coveredHere.scale)),
        position: part.position.id,
      });
    });
    counterparties = counterparties.flatMap((each) => {
      const take = takes.find((entry) => entry.counterparty.id === each.id);
      if (!take) return [each];
      const rest = subtract(each.quantity, take.quantity);
      return isPositive(rest) ? [{ ...each, quantity: asQuantity(rest) }] : [];
    });
    covered.push(coveredHere);
  });
  tx.update({ market: { ...tx.state.market, counterparties } });
  return covered.length ? sum(covered) : tx.zero;
}

/** The total of a list of amounts in the account's decimals; zero for none. */
export function total(tx: Transaction, amounts: readonly Decimal[]): Decimal {
  return amounts.length ? sum(amounts) : tx.zero;
}
