/**
 * A venue is the same machine with different parameters (../../DESIGN: "The one idea"):
 *
 * 1. two requirement functions of the positions at their marks: the margin-call requirement Rc and
 *    the liquidation requirement Rl. A margin scope (the cross account, or one isolated position) is
 *    in margin call when equity < Rc and is force-closed when equity < Rl;
 * 2. a liquidation procedure: what is closed first, and when (at once, or after a cure period);
 * 3. a deficit policy: who pays when the close leaves equity below zero.
 *
 * Profiles are data. Each built-in cites its sources at the top of its file; custom profiles are
 * JSON that `extends` a built-in and overrides fields.
 */
import type { Rational } from '../money/rational.js';
import type { Leverage } from '../money/units.js';
import type { AssetClass, Instrument, InstrumentKind } from '../instrument/instrument.js';

/** Whether requirements are valued at the current mark or at the position's entry price. */
export type ValuationBasis = 'mark' | 'entry';

/** How the venue sets the maintenance requirement of one exposure (a scope's positions on one instrument and side). */
export type MaintenanceModel =
  /** The instrument's tiers by exposure notional (Binance, Bybit, dYdX). */
  | { readonly kind: 'instrument-tiers' }
  /**
   * Hyperliquid: the instrument's tiers when given; otherwise one tier at half the initial margin
   * at the asset's max leverage: rate = 1 / (2 × maxLeverage).
   */
  | { readonly kind: 'half-initial-at-max-leverage' }
  /**
   * FINRA Rule 4210(c): long 25 % of market value; short, for a stock at $5 or more, the greater of
   * $5.00 a share or 30 %; below $5, the greater of $2.50 a share or 100 %.
   */
  | { readonly kind: 'securities'; readonly long: Rational; readonly short: Rational }
  /** No schedule of its own: the venue's thresholds are fractions of the used (initial) margin (MT5, ESMA). */
  | { readonly kind: 'none' };

/** A requirement: `level` × the scope's initial (used) margin, or × its maintenance margin. */
export interface Threshold {
  readonly basis: 'initial' | 'maintenance';
  readonly level: Rational;
}

export type DeficitPolicy =
  /** The venue absorbs any deficit; the client never owes more than the balance (EU, UK, AU retail). */
  | { readonly kind: 'negative-balance-protection' }
  /** The client owes the deficit as a debt, which the venue recovers. */
  | { readonly kind: 'client-debt' }
  /** The venue's insurance fund (or backstop vault) pays; when it cannot, auto-deleveraging. */
  | { readonly kind: 'insurance-fund'; readonly fund: string; readonly fallback: string };

/**
 * Which positions a force-close takes:
 * - `whole-scope`: every position of the scope at once (crypto perpetuals, at a gap);
 * - `largest-loss-first`: the position with the largest loss, then re-check, until the scope
 *   is back at or above Rl (MT5 stop-out, ESMA margin close-out);
 * - `until-requirement-met`: sell just enough, largest requirement first, to meet Rl (Reg T / FINRA).
 */
export type LiquidationOrder = 'whole-scope' | 'largest-loss-first' | 'until-requirement-met';

/**
 * When equity exactly equals Rl: `at-or-below` venues liquidate ("margin ratio reaches 100 %",
 * "the mark price reaches the liquidation price", "margin level reaches the stop out level");
 * `below` venues wait for it to fall under ("falls below", "less than").
 */
export type LiquidationTrigger = 'below' | 'at-or-below';

/**
 * How the venue ranks the opposite positions it auto-deleverages when the insurance fund cannot
 * cover a deficit (highest first):
 * - `leverage-pnl` (Binance): unrealised P&L / collateral × margin ratio (maintenance / margin balance);
 * - `pnl-times-effective-leverage` (Bybit, Hyperliquid, dYdX): unrealised P&L / position margin ×
 *   notional / (position margin + unrealised P&L).
 */
export type AdlRanking = 'leverage-pnl' | 'pnl-times-effective-leverage';

/** Hyperliquid: a liquidatable position above `notionalAbove` is closed `fraction` at a time, then a cooldown. */
export interface PartialLiquidation {
  readonly notionalAbove: Rational;
  readonly fraction: Rational;
  /** After a partial close, liquidations within this many seconds take the whole position. */
  readonly cooldownSeconds: number;
}

/** Trading fees at the venue's base tier, as fractions of the filled notional (negative = a rebate). */
export interface FeeSchedule {
  readonly maker: Rational;
  readonly taker: Rational;
}

export const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/**
 * Overnight financing (CFD and forex "swap"): charged at each rollover on notional at a yearly rate
 * over `dayCount` days; the rollover on `tripleDay` is charged three nights (it carries the weekend).
 */
export interface FinancingTerms {
  readonly dayCount: number;
  readonly tripleDay: Weekday;
}

export interface VenueProfile {
  readonly id: string;
  readonly name: string;
  /** The venue's own documents this profile follows. */
  readonly sources: readonly string[];
  readonly instrumentKinds: readonly InstrumentKind[];
  readonly isolatedMargin: boolean;
  /** The regulatory or venue minimum initial margin, as a fraction of notional, by asset class. */
  readonly initialMarginRates: Readonly<Partial<Record<AssetClass, Rational>>>;
  /** The highest leverage the venue allows, by asset class; `leverageRule` names the rule. */
  readonly leverageCaps: Readonly<Partial<Record<AssetClass, Leverage>>>;
  readonly leverageRule: string;
  readonly maintenance: MaintenanceModel;
  readonly valuation: { readonly cross: ValuationBasis; readonly isolated: ValuationBasis };
  /** Null: the venue issues no margin call of its own before it liquidates (Rc = Rl). */
  readonly marginCall: Threshold | null;
  readonly liquidation: Threshold;
  readonly liquidationTrigger: LiquidationTrigger;
  readonly liquidationOrder: LiquidationOrder;
  /** Days a margin call may stay unmet before the force-close (Reg T); 0 = at once. */
  readonly cureDays: number;
  readonly deficit: DeficitPolicy;
  /** Fee on a forced close, as a fraction of the closed notional, paid to the insurance fund; absent = none. */
  readonly liquidationFeeRate?: Rational;
  readonly partialLiquidation?: PartialLiquidation;
  /** What an open or a close pays, by whether it took liquidity (taker) or rested on the book (maker). */
  readonly fees: FeeSchedule;
  /** Perpetual funding: hours between payments; absent = the venue's products pay no funding. */
  readonly fundingIntervalHours?: number;
  /** Overnight financing of positions held past the rollover; absent = none. */
  readonly financing?: FinancingTerms;
  /** Absent: the venue does not auto-deleverage. */
  readonly adlRanking?: AdlRanking;
  readonly instruments: Readonly<Record<string, Instrument>>;
}
