/**
 * What a tick makes happen in a risk book. Events are rare, so they are plain objects; amounts are
 * exact bigint account units (shown rounded as the engine shows them: P&L down per position,
 * requirements up per scope), prices ticks and quantities lots.
 *
 * Order within a tick: by account, ascending; within an account, the engine's order
 * (../engine/step.ts after a mark):
 *   1. stop-loss and take-profit fills, by position (a stop-loss first when both are reached),
 *      each followed by the deficit its scope leaves if that closed the scope (deficit-absorbed),
 *      then by the venue's taker fee on the fill (fee-charged);
 *   2. liquidations: each open isolated scope by position, then the cross scope
 *      (position-liquidated per position closed, then deficit-absorbed for a closed scope below zero);
 *   3. debt-recorded, when the account is left without positions below zero at a client-debt venue;
 *   4. margin calls: the cross scope, then each isolated scope by position, issued or cleared
 *      ('equity restored'); then the calls of scopes that closed, cleared ('positions closed') in
 *      the order they were issued.
 */
import type { Rational } from '../money/rational.js';

export type BookScope =
  | { readonly kind: 'cross' }
  | { readonly kind: 'isolated'; readonly position: number };

export const CROSS_SCOPE: BookScope = Object.freeze({ kind: 'cross' });

interface AccountEvent {
  /** The tick's number: 1 for the first tick the book applied. */
  readonly tick: number;
  readonly account: number;
}

export interface MarginCallIssuedEvent extends AccountEvent {
  readonly type: 'margin-call-issued';
  readonly scope: BookScope;
  /** Equity as shown: collateral + Σ P&L rounded down per position. */
  readonly equity: bigint;
  /** Rc rounded up. */
  readonly requirement: bigint;
  /** Rl rounded up. */
  readonly liquidationRequirement: bigint;
}

export type MarginCallClearedEvent = AccountEvent & { readonly type: 'margin-call-cleared'; readonly scope: BookScope } & (
  | { readonly reason: 'equity restored'; readonly equity: bigint; readonly requirement: bigint }
  | { readonly reason: 'positions closed' }
);

export type MarginCallEvent = MarginCallIssuedEvent | MarginCallClearedEvent;

export interface OrderFillEvent extends AccountEvent {
  readonly type: 'stop-loss-filled' | 'take-profit-filled';
  readonly position: number;
  /** The tick's price: past the trigger when the market gapped through it. */
  readonly price: number;
  readonly quantity: number;
  /** Realised P&L, rounded down to the unit. */
  readonly pnl: bigint;
}

export interface LiquidationEvent extends AccountEvent {
  readonly type: 'position-liquidated';
  readonly position: number;
  readonly price: number;
  readonly quantity: number;
  /** Realised P&L, rounded down to the unit. */
  readonly pnl: bigint;
  /** The venue's liquidation fee, rounded up, out of what the scope had left. */
  readonly fee: bigint;
}

export type FillEvent = OrderFillEvent | LiquidationEvent;

/** The venue's taker fee on a stop-loss or take-profit fill, as ../engine/commands.ts charges it. */
export interface FeeChargedEvent extends AccountEvent {
  readonly type: 'fee-charged';
  readonly position: number;
  /** Index into the book's instruments. */
  readonly instrument: number;
  /** Orders trigger market orders: always 'taker' here. */
  readonly liquidity: 'taker';
  /** The venue's taker rate, exact. */
  readonly rate: Rational;
  /** ⌈rate × notional at the fill⌉, at most what the cross wallet held; negative for a rebate. */
  readonly amount: bigint;
}

export interface DeficitAbsorbedEvent extends AccountEvent {
  readonly type: 'deficit-absorbed';
  readonly scope: BookScope;
  readonly amount: bigint;
}

export interface DebtRecordedEvent extends AccountEvent {
  readonly type: 'debt-recorded';
  readonly amount: bigint;
  /** Everything owed now. */
  readonly outstanding: bigint;
}

export type BookEvent = MarginCallEvent | FillEvent | FeeChargedEvent | DeficitAbsorbedEvent | DebtRecordedEvent;
export type BookEventType = BookEvent['type'];
