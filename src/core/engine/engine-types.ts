/**
 * The engine's public vocabulary (spec/engine.md): the commands it takes, the events it emits and
 * the state it folds. The HTTP service takes the same commands and emits the same events, so field
 * names here are a contract.
 */
import type { AccountSnapshot } from '../account/account-snapshot.js';
import type { Side } from '../instrument/coordinate.js';
import type { Instrument } from '../instrument/instrument.js';
import type { Decimal } from '../money/decimal.js';
import type { Amount, InstrumentId, Leverage, PositionId, Price, Quantity, Rate } from '../money/units.js';
import type { Instant } from './instant.js';

export interface OpenOrder {
  readonly id: PositionId;
  readonly instrument: Instrument;
  readonly side: Side;
  readonly quantity: Quantity;
  readonly leverage?: Leverage;
  /** Present = open isolated with this margin. */
  readonly isolatedMargin?: Amount;
}

/**
 * How an open or a close trades: as a taker unless it says it rested on the book (a maker), at the
 * venue's fee for that side unless it names its own rate.
 */
export interface Execution {
  readonly liquidity?: Liquidity;
  readonly feeRate?: Rate;
}
export const LIQUIDITY = ['maker', 'taker'] as const;
export type Liquidity = (typeof LIQUIDITY)[number];

/** A stop-loss trigger: a price, a loss in money, or a loss as a fraction of the balance when placed. */
export type StopTrigger =
  | { readonly kind: 'price'; readonly price: Price }
  | { readonly kind: 'loss'; readonly amount: Amount }
  | { readonly kind: 'lossPercent'; readonly fraction: Rate };

export const DEBT_ACTIONS = ['demand', 'collections', 'legal', 'repay', 'write-off'] as const;
export type DebtAction = (typeof DEBT_ACTIONS)[number];

interface Timed { readonly time?: Instant }

export type Command = Timed & (
  | { readonly type: 'mark'; readonly prices: ReadonlyMap<InstrumentId, Price> }
  | { readonly type: 'deposit'; readonly amount: Amount }
  | { readonly type: 'withdraw'; readonly amount: Amount }
  | ({ readonly type: 'open'; readonly position: OpenOrder } & Execution)
  | ({ readonly type: 'close'; readonly position: PositionId; readonly quantity?: Quantity } & Execution)
  | { readonly type: 'stop-loss'; readonly position: PositionId; readonly trigger: StopTrigger }
  | { readonly type: 'take-profit'; readonly position: PositionId; readonly price: Price }
  | { readonly type: 'add-margin'; readonly position: PositionId; readonly amount: Amount }
  /** Perpetual funding: each position on the instrument pays (long, positive rate) or receives rate × notional at the mark. */
  | { readonly type: 'funding'; readonly instrument: Instrument; readonly rate: Rate }
  /**
   * Overnight financing (CFD and forex "swap"): yearly rates on notional for `days` nights over a
   * `dayCount`-day year, or MT5 swap points per unit per night; positive credits the holder.
   * Without `days`: one night, or three at a rollover on the venue's triple day (by the command's
   * time); without `dayCount`: the venue's (365 where it sets none).
   */
  | { readonly type: 'financing'; readonly instrument: Instrument; readonly days?: Decimal; readonly dayCount?: Decimal;
      readonly long: Decimal; readonly short: Decimal; readonly unit: 'rate' | 'points' }
  | { readonly type: 'debt'; readonly action: Exclude<DebtAction, 'repay'> }
  | { readonly type: 'debt'; readonly action: 'repay'; readonly amount: Amount }
);

export type CommandType = Command['type'];

export const EVENT_TYPES = [
  'deposited', 'withdrawn', 'position-opened', 'position-closed', 'stop-loss-set', 'take-profit-set', 'margin-added',
  'margin-call-issued', 'margin-call-cleared', 'stop-loss-filled', 'take-profit-filled', 'position-liquidated',
  'deficit-absorbed', 'adl-executed', 'debt-recorded', 'debt-status-changed', 'debt-repaid',
  'debt-written-off', 'funding-paid', 'funding-received', 'financing-charged', 'fee-charged', 'rejected',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** One event: its type, its time when known, and the amounts it moved, each a decimal string. */
export interface EngineEvent {
  readonly type: EventType;
  readonly time?: string;
  readonly fields: Readonly<Record<string, string>>;
}

/** Stable codes of `rejected` events: the venue refuses the command and nothing changes. */
export type RejectionCode =
  | 'risk/insufficient-margin' | 'risk/leverage-above-cap' | 'risk/unknown-position' | 'risk/withdrawal-breaches-margin'
  | 'risk/insufficient-funds' | 'risk/duplicate-position' | 'risk/no-mark' | 'risk/not-isolated'
  | 'risk/isolated-not-supported' | 'risk/order-would-trigger' | 'risk/quantity-above-position'
  | 'risk/settlement-mismatch' | 'risk/leverage-required' | 'risk/no-loss-trigger' | 'risk/sub-unit-amount'
  | 'debt/none' | 'debt/invalid-transition' | 'debt/overpayment' | 'time/out-of-order';

export interface TriggerOrders {
  readonly stopLoss?: Price;
  readonly takeProfit?: Price;
}

/** A margin call open on one scope ("cross" or an isolated position's id). */
export interface MarginCall {
  readonly issuedAt?: Instant;
  /** Reg T: when the cure period ends and the broker may sell; absent = no cure period. */
  readonly deadlineMs?: number;
}

/** The debt lifecycle: open -> demand -> collections -> legal, ending repaid or written off. */
export const DEBT_STAGES = ['open', 'demand', 'collections', 'legal'] as const;
export type DebtStatus = (typeof DEBT_STAGES)[number] | 'repaid' | 'written-off';

export interface Debt {
  readonly status: DebtStatus;
  readonly outstanding: Decimal;
}

/** An opposite position auto-deleveraging may close: other traders the scenario names. */
export interface Counterparty {
  readonly id: string;
  readonly instrument: Instrument;
  readonly side: Side;
  readonly quantity: Quantity;
  readonly entryPrice: Price;
  readonly leverage: Leverage;
}

export interface Market {
  /** The insurance fund's balance in the account currency; null = deep enough for any deficit. */
  readonly insuranceFund: Decimal | null;
  readonly counterparties: readonly Counterparty[];
}

/**
 * Money in and out, to the last unit. Conservation (spec/engine.md), checked after every step:
 *   balance + Σ cost basis of open stock positions
 *     = deposits - withdrawals + realizedPnl - fees + funding + financing + venueLoss
 * where funding is what perpetual funding paid in (negative: paid out), the starting balance (with the cost of stocks held) and every debt repayment count as
 * deposits, and venueLoss is what the venue, its insurance fund or auto-deleveraged traders absorbed.
 */
export interface Totals {
  readonly deposits: Decimal;
  readonly withdrawals: Decimal;
  readonly realizedPnl: Decimal;
  readonly fees: Decimal;
  /** Funding received less funding paid (negative when the account paid more than it received). */
  readonly funding: Decimal;
  /** Overnight financing credited less charged (negative when the account was charged more). */
  readonly financing: Decimal;
  readonly venueLoss: Decimal;
  readonly absorbedByVenue: Decimal;
  readonly absorbedByInsuranceFund: Decimal;
  readonly absorbedByDeleveraging: Decimal;
  readonly debtRecorded: Decimal;
  readonly debtRepaid: Decimal;
  readonly debtWrittenOff: Decimal;
}

export interface EngineState {
  /** Venue, balance, open positions and marks: a report.md snapshot of the account now. */
  readonly snapshot: AccountSnapshot;
  readonly instruments: ReadonlyMap<InstrumentId, Instrument>;
  readonly orders: ReadonlyMap<PositionId, TriggerOrders>;
  readonly marginCalls: ReadonlyMap<string, MarginCall>;
  readonly totals: Totals;
  readonly debt: Debt | null;
  readonly market: Market;
  /** Hyperliquid: until when (ms) liquidations take whole positions after a partial one. */
  readonly partialCooldownUntilMs: number | null;
  /** The last time a command carried. */
  readonly time: Instant | null;
  /** Commands applied so far. */
  readonly sequence: number;
}

export interface StepResult {
  readonly state: EngineState;
  readonly events: readonly EngineEvent[];
}
