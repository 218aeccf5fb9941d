/**
 * One step in progress: the state as it changes and the events so far. `step` builds one per
 * command and keeps it only if the command is accepted, so a rejected command changes nothing.
 */
import type { AccountSnapshot } from '../account/account-snapshot.js';
import type { Position } from '../account/position.js';
import { add, decimal, isZero, rescale, subtract, toDecimalString, type Decimal } from '../money/decimal.js';
import { asAmount } from '../money/units.js';
import type { Instant } from './instant.js';
import type { EngineEvent, EngineState, EventType, Totals } from './engine-types.js';

export type TotalsKey = keyof Totals;

export class Transaction {
  state: EngineState;
  readonly events: EngineEvent[] = [];

  constructor(state: EngineState, readonly time: Instant | undefined) {
    this.state = time ? { ...state, time } : state;
  }

  get snapshot(): AccountSnapshot {
    return this.state.snapshot;
  }

  get decimals(): number {
    return this.state.snapshot.currencyDecimals;
  }

  get zero(): Decimal {
    return decimal(0n, this.decimals);
  }

  /** An amount as the contract writes it: the account currency's decimals. */
  amount(value: Decimal): string {
    return toDecimalString(value.scale < this.decimals ? rescale(value, this.decimals, 'half-even') /* widening: exact */ : value);
  }

  emit(type: EventType, fields: Readonly<Record<string, string>>): void {
    this.events.push({ type, ...(this.time ? { time: this.time.text } : {}), fields });
  }

  update(patch: Partial<EngineState>): void {
    this.state = { ...this.state, ...patch };
  }

  updateSnapshot(patch: Partial<AccountSnapshot>): void {
    this.state = { ...this.state, snapshot: { ...this.state.snapshot, ...patch } };
  }

  /** Moves the balance (the ledger) by `delta`. */
  credit(delta: Decimal): void {
    if (!isZero(delta)) this.updateSnapshot({ balance: asAmount(add(this.snapshot.balance, delta)) });
  }

  debit(delta: Decimal): void {
    this.credit(subtract(this.zero, delta));
  }

  count(key: TotalsKey, delta: Decimal): void {
    if (isZero(delta)) return;
    this.state = { ...this.state, totals: { ...this.state.totals, [key]: add(this.state.totals[key], delta) } };
  }

  replacePositions(positions: readonly Position[]): void {
    this.updateSnapshot({ positions });
  }
}
