// The laws the issue names, as fast-check properties over generated accounts at every venue:
// 1. the scope's equity at the solved price equals the requirement within one tick: the venue acts
//    at the reported price under its own rule, and not one tick toward safety;
// 2. the liquidation price lies on the losing side of entry and moves toward entry as leverage rises;
// 3. at a venue valuing maintenance at the mark, one position cross with wallet W liquidates where
//    the same position isolated with margin W does;
// 4. shock outcomes conserve money: client loss + venue loss = -P&L; debt = the unabsorbed deficit.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  add, buildReport, compare, dec, decimal, fromDecimal, isNegative, isZero, marginScopes, markPrices, negate,
  parseSnapshot, reportToJson, sign, subtract, toDecimalString, type AccountSnapshot, type Decimal,
} from '../src/core/index.js';
import { coordinateOfPrice } from '../src/core/instrument/coordinate.js';
import { thresholdGap, type ThresholdKind } from '../src/core/liquidation/threshold-price.js';
import { signRational, type Rational } from '../src/core/money/rational.js';
import { positionFor, VENUE_CASES, type GeneratedPosition, type VenueCase } from './support/arbitraries.js';

fc.configureGlobal({ includeErrorInReport: true });
const RUNS = { numRuns: 50 };
const PRICE_FIELD = { liquidation: 'liquidationPrice', 'margin-call': 'marginCallPrice', bankruptcy: 'bankruptcyPrice' } as const;

interface AccountOptions {
  readonly balance: string;
  readonly isolatedMargin?: string;
  readonly shocks?: readonly string[];
}

function snapshotJson(venue: VenueCase, positions: readonly GeneratedPosition[], options: AccountOptions): unknown {
  const stocks = venue.venue === 'us-reg-t';
  return {
    venue: venue.venue,
    account: { currency: venue.currency, balance: options.balance },
    ...(venue.instruments ? { instruments: venue.instruments } : {}),
    positions: positions.map((position, index) => ({
      id: `p${index}`, instrument: venue.instrument, side: position.side, quantity: position.quantity,
      entryPrice: position.entryPrice,
      ...(stocks ? {} : { leverage: position.leverage }),
      ...(options.isolatedMargin ? { isolatedMargin: options.isolatedMargin } : {}),
    })),
    marks: { [venue.instrument]: positions[0]?.entryPrice },
    ...(options.shocks ? { shocks: options.shocks } : {}),
  };
}

function parsed(json: unknown): AccountSnapshot {
  const result = parseSnapshot(json);
  assert.ok(result.ok, result.ok ? '' : JSON.stringify(result.error));
  return result.value;
}

const amountText = (units: bigint, scale: number): string => toDecimalString(decimal(units, scale));

/** The position's initial margin at entry, from the report (notional / leverage, or the venue rate). */
function initialMargin(venue: VenueCase, position: GeneratedPosition): Decimal {
  const probe = parsed(snapshotJson(venue, [position], { balance: venue.venue === 'us-reg-t' ? '0' : '1000000000' }));
  return buildReport(probe).account.initialMargin;
}

/**
 * A balance `percent` % of the initial margin for derivatives (a healthy account when >= 100 %);
 * for securities, the cash after buying with that much of the Reg T margin (long: a loan) or after
 * a short sale (the proceeds plus the margin).
 */
function balanceFor(venue: VenueCase, position: GeneratedPosition, percent: number): string {
  const margin = initialMargin(venue, position);
  const funded = (margin.units * BigInt(percent)) / 100n;
  if (venue.venue !== 'us-reg-t') return amountText(funded, margin.scale);
  const cost = (margin.units * 2n);
  return amountText(position.side === 'long' ? funded - cost : funded + cost, margin.scale);
}

/** The exact equity - requirement of the first position's scope with its instrument marked at `price`. */
function gapAt(snapshot: AccountSnapshot, kind: ThresholdKind, price: Decimal): Rational {
  const position = snapshot.positions[0];
  assert.ok(position);
  const scope = marginScopes(snapshot).find((each) => each.positions.includes(position));
  assert.ok(scope);
  const gap = thresholdGap(snapshot, scope, position, kind, markPrices(snapshot));
  return gap.evaluate(coordinateOfPrice(position.instrument.kind, fromDecimal(price)));
}

describe('at the solved price the scope reaches its requirement; one tick back it does not', () => {
  for (const venue of VENUE_CASES) {
    test(venue.venue, () => {
      fc.assert(fc.property(
        positionFor(venue), fc.integer({ min: 100, max: 400 }), fc.constantFrom<ThresholdKind>('liquidation', 'margin-call', 'bankruptcy'),
        (position, percent, kind) => {
          const snapshot = parsed(snapshotJson(venue, [position], { balance: balanceFor(venue, position, percent) }));
          const figure = reportToJson(buildReport(snapshot)).positions[0]?.[PRICE_FIELD[kind]];
          if (figure === null || figure === undefined) return;
          const price = dec(figure);
          const tick = snapshot.positions[0]?.instrument.tickSize ?? decimal(1n, 8);
          // A long (linear or inverse) is breached below its price, a short above.
          const safer = position.side === 'long' ? add(price, tick) : subtract(price, tick);
          // The venue acts at the reported price under its own rule, and not one tick toward safety.
          const acts = (gap: Rational): boolean => {
            const order = signRational(gap);
            if (kind === 'bankruptcy') return order <= 0;
            if (kind === 'margin-call' && snapshot.venue.marginCall) return order < 0;
            return order < 0 || (order === 0 && snapshot.venue.liquidationTrigger === 'at-or-below');
          };
          assert.ok(acts(gapAt(snapshot, kind, price)), `${kind} price ${figure}: the venue does not act there`);
          if (sign(safer) > 0) assert.ok(!acts(gapAt(snapshot, kind, safer)), `${kind} price ${figure}: the venue already acts a tick before`);
        },
      ), RUNS);
    });
  }
});

const isolatedVenues = VENUE_CASES.filter((each) => ['binance-usdm', 'binance-coinm', 'bybit-linear', 'hyperliquid', 'dydx-v4'].includes(each.venue));

describe('the liquidation price is on the losing side of entry and nears it as leverage rises', () => {
  for (const venue of isolatedVenues) {
    test(`${venue.venue}: isolated, margin = initial margin at the chosen leverage`, () => {
      fc.assert(fc.property(positionFor(venue), fc.integer({ min: 1, max: venue.maxLeverage }), (position, other) => {
        const entry = dec(position.entryPrice);
        const liquidationAt = (leverage: string): string | null => {
          const chosen = { ...position, leverage };
          const margin = initialMargin(venue, chosen);
          const text = toDecimalString(margin);
          const snapshot = parsed(snapshotJson(venue, [chosen], { balance: text, isolatedMargin: text }));
          return reportToJson(buildReport(snapshot)).positions[0]?.liquidationPrice ?? null;
        };
        const [low, high] = [Number(position.leverage), other].sort((a, b) => a - b) as [number, number];
        const atLow = liquidationAt(String(low));
        const atHigh = liquidationAt(String(high));
        for (const price of [atLow, atHigh]) {
          if (price === null) continue;
          const side = compare(dec(price), entry);
          assert.ok(position.side === 'long' ? side < 0 : side > 0, `${position.side} from ${position.entryPrice} liquidates at ${price}`);
        }
        if (atHigh === null) return;
        if (atLow === null) {
          // Only two positions never liquidate: a long whose margin covers a fall to zero, and a
          // short on an inverse contract at 1x (its coin loss is bounded by its margin as price rises).
          const inverseShort = venue.venue === 'binance-coinm' && position.side === 'short';
          assert.ok(position.side === 'long' || inverseShort, `a ${position.side} at ${low}x with no liquidation price`);
          return;
        }
        const distance = (price: string): Decimal => {
          const difference = subtract(dec(price), entry);
          return isNegative(difference) ? negate(difference) : difference;
        };
        assert.ok(compare(distance(atHigh), distance(atLow)) <= 0, `${high}x liquidates at ${atHigh}, farther from entry than ${low}x at ${atLow}`);
      }), RUNS);
    });
  }
});

describe('cross with wallet W liquidates where isolated with margin W does, where maintenance is at the mark', () => {
  for (const venue of isolatedVenues.filter((each) => each.venue !== 'bybit-linear')) {
    test(venue.venue, () => {
      fc.assert(fc.property(positionFor(venue), fc.integer({ min: 60, max: 400 }), (position, percent) => {
        const wallet = balanceFor(venue, position, percent);
        if (sign(dec(wallet)) <= 0) return;
        const cross = reportToJson(buildReport(parsed(snapshotJson(venue, [position], { balance: wallet }))));
        const isolated = reportToJson(buildReport(parsed(snapshotJson(venue, [position], { balance: wallet, isolatedMargin: wallet }))));
        for (const field of ['liquidationPrice', 'marginCallPrice', 'bankruptcyPrice'] as const) {
          assert.equal(cross.positions[0]?.[field], isolated.positions[0]?.[field], field);
        }
      }), RUNS);
    });
  }
});

const move = fc.integer({ min: -60, max: 60 }).filter((percent) => percent !== 0)
  .map((percent) => toDecimalString(decimal(BigInt(percent), 2)));

describe('gap shocks conserve money to the last unit', () => {
  for (const venue of VENUE_CASES) {
    test(venue.venue, () => {
      fc.assert(fc.property(
        fc.array(positionFor(venue), { minLength: 1, maxLength: 3 }), fc.array(move, { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 100, max: 300 }),
        (generated, shocks, percent) => {
          // Every position at the first one's entry, so one mark serves them all.
          const positions = generated.map((each) => ({ ...each, entryPrice: generated[0]?.entryPrice ?? each.entryPrice }));
          const balance = balanceFor(venue, positions[0] as GeneratedPosition, percent);
          const snapshot = parsed(snapshotJson(venue, positions, { balance, shocks }));
          for (const outcome of buildReport(snapshot).shocks) {
            assert.equal(compare(add(outcome.clientLoss, outcome.venueLoss), negate(outcome.pnl)), 0,
              `client loss ${toDecimalString(outcome.clientLoss)} + venue loss ${toDecimalString(outcome.venueLoss)} != -P&L ${toDecimalString(outcome.pnl)}`);
            assert.ok(!isNegative(outcome.debt) && !isNegative(outcome.venueLoss), 'debts and venue losses are never negative');
            if (snapshot.venue.deficit.kind === 'client-debt') {
              assert.ok(isZero(outcome.venueLoss), 'a venue that books debts absorbs nothing');
              assert.equal(compare(outcome.debt, isNegative(outcome.equityAfter) ? negate(outcome.equityAfter) : decimal(0n)), 0, 'the debt is exactly the deficit left');
            } else {
              assert.ok(isZero(outcome.debt), 'a venue that absorbs deficits records no debt');
              assert.ok(!isNegative(outcome.equityAfter), 'the client never ends below zero');
            }
            if (!outcome.liquidated) assert.equal(compare(outcome.equityAfter, outcome.equity), 0, 'nothing closed, nothing moved');
          }
        },
      ), RUNS);
    });
  }
});
