/**
 * The cross-margin panel's figures, pure: for each position the order in which the core's
 * force-close takes it as every mark gaps further against the account (the coarse gaps of
 * analysis.ts, reading `shocks.N.closed` in order: force-close.ts, by the venue's liquidation
 * order), and the maintenance tier that holds at the liquidation price: the core's `tierAt`
 * (maintenance-tiers.ts) at the exposure's notional there, on the venue's valuation basis
 * (notional = quantity × contract size × price; inverse: ÷ price; Bybit isolated: at entry).
 */
import {
  decimal, fromDecimal, normalize, parseDecimal, toDecimal, toDecimalString, type AccountSnapshot, type LiquidationOrder,
  type MaintenanceTier, type Position, type Rational, type ReportJson, type VenueProfile,
} from '../../../core/index.js';
import { tierAt } from '../../../core/instrument/maintenance-tiers.js';
import { notionalOnBasis } from '../../../core/margin/position-measures.js';
import { compareRational, sumRational } from '../../../core/money/rational.js';
import { groupDigits, percent } from '../../lib/format.js';
import { coarseScan, directionsAtRisk, parsedSnapshot, text, type Direction, type Shock, type Snapshot } from './analysis.js';

export interface TierView {
  readonly number: number;
  readonly floor: string;
  /** The next tier's floor; null for the last tier. */
  readonly ceiling: string | null;
  readonly rate: string;
  readonly deduction: string;
  /** A rate or deduction that is no finite decimal (Hyperliquid's 1 / (2 × 3)), shown to 10 places. */
  readonly approximate: boolean;
}

export interface CrossRow {
  readonly index: number;
  readonly id: string;
  readonly instrument: string;
  readonly side: string;
  readonly margin: string;
  readonly liquidationPrice: string | null;
  /** 1 for the first close; positions closed together at a whole-scope venue share a number. */
  readonly closeOrder: number | null;
  /** The coarse gap at which the venue first closes (some of) the position. */
  readonly closedAt: string | null;
  readonly closedQuantity: string | null;
  readonly tierNow: TierView | null;
  readonly tierAtLiquidation: TierView | null;
  readonly notionalAtLiquidation: string | null;
}

export interface CrossView {
  readonly show: boolean;
  readonly order: LiquidationOrder;
  readonly direction: Direction | null;
  readonly rows: readonly CrossRow[];
}

export const ORDER_WORDS: Readonly<Record<LiquidationOrder, string>> = {
  'whole-scope': 'every position of the margin scope at once',
  'largest-loss-first': 'the position with the largest loss first, re-checking after each close',
  'until-requirement-met': 'the position with the largest requirement first, only as much as meets the requirement, re-checking after each sale',
};

/** A rational as decimal text to `places` (half-even), and whether that is exact. */
export function decimalText(value: Rational, places: number): { text: string; exact: boolean } {
  const rounded = toDecimal(value, places, 'half-even');
  return { text: toDecimalString(normalize(rounded)), exact: compareRational(fromDecimal(rounded), value) === 0 };
}

function tierView(tiers: readonly MaintenanceTier[], notional: Rational): TierView {
  const tier = tierAt(tiers, notional);
  const number = tiers.indexOf(tier) + 1;
  const next = tiers[number];
  const rate = decimalText(tier.rate, 10);
  const deduction = decimalText(tier.deduction, 10);
  return {
    number, floor: decimalText(tier.floor, 10).text, ceiling: next ? decimalText(next.floor, 10).text : null,
    rate: rate.text, deduction: deduction.text, approximate: !rate.exact || !deduction.exact,
  };
}

/** "tier 3: notional 600,000–3,000,000 USDT, rate 0.65 %, deduction 950". */
export function tierText(tier: TierView, currency: string): string {
  const range = tier.ceiling ? `${groupDigits(tier.floor)}–${groupDigits(tier.ceiling)}` : `from ${groupDigits(tier.floor)}`;
  const about = tier.approximate ? '≈ ' : '';
  return `tier ${tier.number}: notional ${range} ${currency}, rate ${about}${percent(tier.rate)}, deduction ${about}${groupDigits(tier.deduction)}`;
}

/** The positions sharing a maintenance tier with `position`: same margin scope, instrument and side. */
export function exposureOf(parsed: AccountSnapshot, position: Position): Position[] {
  if (position.isolatedMargin) return [position];
  return parsed.positions.filter((each) => !each.isolatedMargin && each.instrument.symbol === position.instrument.symbol && each.side === position.side);
}

function tiered(venue: VenueProfile, position: Position): boolean {
  return (venue.maintenance.kind === 'instrument-tiers' || venue.maintenance.kind === 'half-initial-at-max-leverage')
    && position.instrument.maintenanceTiers.length > 0;
}

/** The exposure's notional at `price` on the venue's valuation basis (entry at Bybit isolated, ESMA). */
export function exposureNotional(parsed: AccountSnapshot, position: Position, price: Rational): Rational {
  const basis = parsed.venue.valuation[position.isolatedMargin ? 'isolated' : 'cross'];
  return sumRational(exposureOf(parsed, position).map((each) => notionalOnBasis(each, price, basis)));
}

/** The tier that holds for the position's exposure at `price`, or null where the venue sets no tiers. */
export function tierAtPrice(parsed: AccountSnapshot, position: Position, price: string | null): TierView | null {
  const parsedPrice = price ? parseDecimal(price) : undefined;
  if (!parsedPrice || !tiered(parsed.venue, position)) return null;
  return tierView(position.instrument.maintenanceTiers, exposureNotional(parsed, position, fromDecimal(parsedPrice)));
}

interface CloseStep { readonly order: number; readonly move: string; readonly quantity: string }

/** The order in which the core's force-close takes the positions as the gap deepens. */
export function closeOrder(snapshot: Snapshot, direction: Direction, venue: VenueProfile, positions: number): Map<string, CloseStep> {
  const steps = new Map<string, CloseStep>();
  let order = 0;
  const closedOf = (shock: Shock): readonly Record<string, string>[] => (Array.isArray(shock.closed) ? (shock.closed as readonly Record<string, string>[]) : []);
  const everyOneClosed = (shocks: readonly Shock[]): boolean => new Set(shocks.flatMap((shock) => closedOf(shock).map((fill) => fill.position))).size >= positions;
  for (const shock of coarseScan(snapshot, direction, everyOneClosed)) {
    const fresh = closedOf(shock).filter((fill) => !steps.has(fill.position ?? ''));
    if (fresh.length && venue.liquidationOrder === 'whole-scope') order += 1;
    for (const fill of fresh) {
      if (venue.liquidationOrder !== 'whole-scope') order += 1;
      steps.set(fill.position ?? '', { order, move: text(shock, 'move'), quantity: fill.quantity ?? '' });
    }
  }
  return steps;
}

function firstLiquidation(snapshot: Snapshot, direction: Direction): number {
  const liquidated = (shock: Shock): boolean => shock.liquidated === true;
  const index = coarseScan(snapshot, direction, (shocks) => shocks.some(liquidated)).findIndex(liquidated);
  return index < 0 ? Number.POSITIVE_INFINITY : index;
}

export function crossMargin(snapshot: Snapshot, report: ReportJson): CrossView {
  const parsed = parsedSnapshot(snapshot);
  const show = parsed.positions.length >= 2 || parsed.positions.some((position) => !position.isolatedMargin && tiered(parsed.venue, position));
  const directions = directionsAtRisk(report);
  const direction = show && directions.length
    ? directions.reduce((best, each) => (firstLiquidation(snapshot, each) < firstLiquidation(snapshot, best) ? each : best))
    : null;
  const steps = direction ? closeOrder(snapshot, direction, parsed.venue, parsed.positions.length) : new Map<string, CloseStep>();
  const rows = show ? parsed.positions.map((position, index): CrossRow => {
    const figures = report.positions[index] ?? {};
    const liquidationPrice = figures.liquidationPrice ?? null;
    const step = steps.get(position.id);
    const atLiquidation = tierAtPrice(parsed, position, liquidationPrice);
    const notional = atLiquidation && liquidationPrice
      ? toDecimalString(toDecimal(exposureNotional(parsed, position, fromDecimal(parseDecimal(liquidationPrice) ?? decimal(0n))), parsed.currencyDecimals, 'half-even'))
      : null;
    return {
      index, id: position.id, instrument: position.instrument.symbol, side: position.side, margin: figures.margin ?? '',
      liquidationPrice, closeOrder: step?.order ?? null, closedAt: step?.move ?? null, closedQuantity: step?.quantity ?? null,
      tierNow: tierAtPrice(parsed, position, figures.markPrice ?? null), tierAtLiquidation: atLiquidation, notionalAtLiquidation: notional,
    };
  }) : [];
  return { show, order: parsed.venue.liquidationOrder, direction, rows };
}
