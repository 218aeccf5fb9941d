/**
 * What a tick makes happen in a risk book. Events are rare, so they are plain objects; amounts are
 * exact bigint account units, prices ticks and quantities lots.
 *
 * Order within a tick: by account, ascending; within an account:
 *   1. stop-loss and take-profit fills, by position (a stop-loss first when both are reached);
 *      an isolated position's fill also settles its scope (deficit-absorbed) and ends its call;
 *   2. each open isolated scope, by position, then the cross scope: a liquidation
 *      (position-liquidated per position closed, then deficit-absorbed or debt-recorded once the
 *      scope is empty and below zero), or else margin-call-issued / margin-call-cleared.
 */

export type BookScope =
  | { readonly kind: 'cross' }
  | { readonly kind: 'isolated'; readonly position: number };

export const CROSS_SCOPE: BookScope = Object.freeze({ kind: 'cross' });

interface AccountEvent {
  /** The tick's number: 1 for the first tick the book applied. */
  readonly tick: number;
  readonly account: number;
}

export interface MarginCallEvent extends AccountEvent {
  readonly type: 'margin-call-issued' | 'margin-call-cleared';
  readonly scope: BookScope;
  readonly equity: bigint;
  readonly requirement: bigint;
}

export interface FillEvent extends AccountEvent {
  readonly type: 'stop-loss-filled' | 'take-profit-filled' | 'position-liquidated';
  readonly position: number;
  /** The tick's price: past the trigger when the market gapped through it. */
  readonly price: number;
  readonly quantity: number;
  /** Realised P&L, rounded down to the unit. */
  readonly pnl: bigint;
}

export interface DeficitAbsorbedEvent extends AccountEvent {
  readonly type: 'deficit-absorbed';
  readonly scope: BookScope;
  readonly amount: bigint;
}

export interface DebtRecordedEvent extends AccountEvent {
  readonly type: 'debt-recorded';
  readonly amount: bigint;
}

export type BookEvent = MarginCallEvent | FillEvent | DeficitAbsorbedEvent | DebtRecordedEvent;
export type BookEventType = BookEvent['type'];
