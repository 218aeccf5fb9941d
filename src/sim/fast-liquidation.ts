/**
 * The columnar fast path of the commonest event a path meets: the venue closes an account's only
 * position at the tick that crossed its liquidation price, and the account is left flat. The money
 * moves by the engine's own formulas (../core/engine/liquidation.ts, fills.ts, deficits.ts,
 * debt.ts), in integer account units:
 *
 *   P&L       = floor(unrealized P&L at the fill)                       (closeAt: rounded down)
 *   equity    = collateral + P&L      (isolated: its margin; cross: the wallet less isolated margins)
 *   fee       = min(ceil(fee rate × notional at the fill), max(equity, 0))   (chargeFees)
 *   left      = equity - fee;  left < 0: the venue, its fund or its backstop absorbs -left
 *               (settleDeficit), or, at a client-debt venue, the flat account owes -balance (recordDebt)
 *
 * A template is made for one engine state (memoised by the path engine) and checked against step()
 * itself at ticks on both sides of the bankruptcy price before it is used: where any figure differs
 * the template is not used, and the reducer settles every such path. The simulator's differential
 * test holds the two to identical outcomes over random accounts at every venue.
 */
import type { Position } from '../core/account/position.js';
import type { EngineState, StepResult } from '../core/engine/engine-types.js';
import { notionalAt, unrealizedPnlAt } from '../core/margin/position-measures.js';
import { fromDecimal, multiplyRational, toDecimal } from '../core/money/rational.js';
import { decimal, multiply, toApproximateNumber, type Decimal } from '../core/money/decimal.js';

export interface FastSettlement {
  /** The account's balance after the close, in account units. */
  readonly balance: bigint;
  /** What the venue, its fund or its backstop absorbed. */
  readonly absorbed: bigint;
  /** What the client owes afterwards. */
  readonly debt: bigint;
}

/** A booked amount in whole account units (it never has more decimals than the currency). */
export const units = (value: Decimal, decimals: number): bigint => {
  if (value.scale === decimals) return value.units;
  if (value.scale < decimals) return value.units * 10n ** BigInt(decimals - value.scale);
  throw new RangeError(`${value.units}e-${value.scale} has more than ${decimals} decimals`);
};

export class LiquidationTemplate {
  private readonly position: Position;
  private readonly decimals: number;
  private readonly balance: bigint;
  private readonly collateral: bigint;
  private readonly absorbs: boolean;
  /** Above this notional the venue liquidates in part (Hyperliquid): the reducer settles those. */
  private readonly partialAbove: number;

  constructor(state: EngineState, readonly tick: Decimal, readonly issuesCall: boolean) {
    const { snapshot } = state;
    const position = snapshot.positions[0];
    if (!position || snapshot.positions.length !== 1) throw new RangeError('a liquidation template needs exactly one position');
    this.position = position;
    this.decimals = snapshot.currencyDecimals;
    this.balance = units(snapshot.balance, this.decimals);
    this.collateral = position.isolatedMargin ? units(position.isolatedMargin, this.decimals) : this.balance;
    this.absorbs = snapshot.venue.deficit.kind !== 'client-debt';
    const partial = snapshot.venue.partialLiquidation;
    this.partialAbove = partial ? toApproximateNumber(toDecimal(partial.notionalAbove, 12, 'floor')) * (1 - 1e-9) : Infinity;
    this.feeRate = snapshot.venue.liquidationFeeRate;
  }

  private readonly feeRate: EngineState['snapshot']['venue']['liquidationFeeRate'];

  /** Whether the template settles a fill at `ticks`: not where the venue would liquidate only a part. */
  applies(ticks: number): boolean {
    if (this.partialAbove === Infinity) return true;
    const price = ticks * toApproximateNumber(this.tick);
    const size = toApproximateNumber(this.position.quantity) * toApproximateNumber(this.position.instrument.contractSize);
    const notional = this.position.instrument.kind === 'inverse' ? size / price : size * price;
    return notional < this.partialAbove;
  }

  settle(ticks: number): FastSettlement {
    const price = fromDecimal(multiply(decimal(BigInt(ticks)), this.tick));
    const pnl = units(toDecimal(unrealizedPnlAt(this.position, price), this.decimals, 'floor'), this.decimals);
    const equity = this.collateral + pnl;
    let fee = 0n;
    if (this.feeRate) {
      const uncapped = units(toDecimal(multiplyRational(notionalAt(this.position, price), this.feeRate), this.decimals, 'ceiling'), this.decimals);
      const room = equity > 0n ? equity : 0n;
      fee = uncapped < room ? uncapped : room;
    }
    const left = equity - fee;
    let balance = this.balance + pnl - fee;
    let absorbed = 0n;
    if (left < 0n && this.absorbs) {
      absorbed = -left;
      balance += absorbed;
    }
    const debt = !this.absorbs && balance < 0n ? -balance : 0n;
    return { balance, absorbed, debt };
  }

  /** Whether the reducer's step at this tick (from the template's state) booked exactly what settle() says. */
  agreesWith(ticks: number, before: EngineState, result: StepResult): boolean {
    const expected = this.settle(ticks);
    const { snapshot, totals, debt } = result.state;
    if (snapshot.positions.length !== 0) return false;
    const types = result.events.map((event) => event.type);
    if (!types.includes('position-liquidated') || types.includes('rejected')) return false;
    if (types.includes('margin-call-issued') !== this.issuesCall) return false;
    const absorbed = units(totals.venueLoss, this.decimals) - units(before.totals.venueLoss, this.decimals);
    const owed = debt ? units(debt.outstanding, this.decimals) : 0n;
    return units(snapshot.balance, this.decimals) === expected.balance && absorbed === expected.absorbed && owed === expected.debt;
  }
}
