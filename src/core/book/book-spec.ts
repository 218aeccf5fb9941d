/**
 * What a risk book is built from: venues, instruments, accounts and positions, in columns (a book
 * holds up to millions of positions, so its input is typed arrays, not objects).
 *
 * Units: prices are integer ticks of the instrument's tick size, quantities integer lots, amounts
 * integer account units (10^-decimals of the settlement currency). An instrument's `unitValue` is
 * the exact value of one lot moving one tick, in account units:
 *
 *   unitValue = lot size × contract size × tick size × 10^decimals
 *   P&L       = direction × lots × unitValue × (price - entry)          (linear and CFD)
 *   notional  = lots × unitValue × price
 *
 * A position's liquidation and margin-call rates are exact fractions of its notional at the mark:
 * Rl = Σ liquidationRate × notional and Rc = Σ marginCallRate × notional over a margin scope (see
 * venue-terms.ts for how they follow from a venue profile). Decisions are taken on the exact
 * figures, as ../margin/scope-valuation.ts takes them; rounded ones (P&L down per position, Rl
 * and Rc up per scope) are only shown in events and booked.
 */
import type { Rational } from '../money/rational.js';

export type BookLiquidationTrigger = 'below' | 'at-or-below';
export type BookLiquidationOrder = 'whole-scope' | 'largest-loss-first';
export type BookDeficitPolicy = 'venue-absorbs' | 'client-debt';

/** The parts of a venue's procedure the book applies. */
export interface BookVenue {
  readonly id: string;
  readonly liquidationTrigger: BookLiquidationTrigger;
  readonly liquidationOrder: BookLiquidationOrder;
  readonly deficit: BookDeficitPolicy;
  readonly isolatedMargin: boolean;
  /**
   * Whether the venue issues margin calls of its own (MT5's at 100 %). One that does not (the
   * crypto perpetuals: Rc = Rl) never calls, it only liquidates. Absent: it does.
   */
  readonly marginCall?: boolean;
  /**
   * Fee on a forced close, as a fraction of the closed notional at the fill: ⌈rate × notional⌉,
   * taken out of what the scope has left, never creating a deficit. Absent: none.
   */
  readonly liquidationFeeRate?: Rational;
  /**
   * Taker fee on a stop-loss or take-profit fill (they trigger market orders), as a fraction of the
   * filled notional at the fill price: ⌈rate × notional⌉, paid from the cross wallet (balance less
   * the open isolated margins), at most what it holds, nothing when it holds nothing. Absent: none.
   */
  readonly takerFeeRate?: Rational;
}

export interface BookInstrument {
  readonly symbol: string;
  /** Account units per lot per tick, exact. */
  readonly unitValue: Rational;
}

export interface BookAccountColumns {
  /** Index into `venues`. */
  readonly venue: Int32Array;
  /** Wallet balance in account units (isolated margins included). */
  readonly balance: Float64Array;
}

/** Stop-loss or take-profit price of a position without one. Prices are positive ticks. */
export const NO_TRIGGER = 0;

export interface BookPositionColumns {
  /** Index into accounts; positions are grouped by account, in ascending account order. */
  readonly account: Int32Array;
  /** Index into `instruments`. */
  readonly instrument: Int32Array;
  /** +1 long, -1 short. */
  readonly direction: Int8Array;
  readonly lots: Float64Array;
  readonly entry: Float64Array;
  /** Index into `rates`. */
  readonly liquidationRate: Int32Array;
  /** Index into `rates`. */
  readonly marginCallRate: Int32Array;
  /** 1 = isolated (own margin), 0 = cross. */
  readonly isolated: Uint8Array;
  /** Account units, for isolated positions. */
  readonly isolatedMargin: Float64Array;
  /** Tick, or NO_TRIGGER. */
  readonly stopLoss: Float64Array;
  /** Tick, or NO_TRIGGER. */
  readonly takeProfit: Float64Array;
}

export interface BookSpec {
  readonly venues: readonly BookVenue[];
  readonly instruments: readonly BookInstrument[];
  /** The distinct rates positions refer to. */
  readonly rates: readonly Rational[];
  /** The starting price of every instrument, in ticks. */
  readonly prices: Float64Array;
  readonly accounts: BookAccountColumns;
  readonly positions: BookPositionColumns;
}

/** One position as a row, for small books written by hand. */
export interface BookPositionRow {
  readonly account: number;
  readonly instrument: number;
  readonly side: 'long' | 'short';
  readonly lots: number;
  readonly entry: number;
  readonly liquidationRate: Rational;
  readonly marginCallRate: Rational;
  /** Present = isolated with this margin, in account units. */
  readonly isolatedMargin?: number;
  readonly stopLoss?: number;
  readonly takeProfit?: number;
}

export interface BookRows {
  readonly venues: readonly BookVenue[];
  readonly instruments: readonly BookInstrument[];
  readonly prices: readonly number[];
  readonly accounts: readonly { readonly venue: number; readonly balance: number }[];
  readonly positions: readonly BookPositionRow[];
}

/** Interns rates by value into a table, returning each one's index. */
export function rateTable(): { readonly rates: Rational[]; readonly indexOf: (rate: Rational) => number } {
  const rates: Rational[] = [];
  const indexes = new Map<string, number>();
  return {
    rates,
    indexOf(rate: Rational): number {
      const key = `${rate.numerator}/${rate.denominator}`;
      const known = indexes.get(key);
      if (known !== undefined) return known;
      rates.push(rate);
      indexes.set(key, rates.length - 1);
      return rates.length - 1;
    },
  };
}

/** Empty position columns for `count` positions, with no stop-loss or take-profit set. */
export function positionColumns(count: number): BookPositionColumns {
  return {
    account: new Int32Array(count),
    instrument: new Int32Array(count),
    direction: new Int8Array(count),
    lots: new Float64Array(count),
    entry: new Float64Array(count),
    liquidationRate: new Int32Array(count),
    marginCallRate: new Int32Array(count),
    isolated: new Uint8Array(count),
    isolatedMargin: new Float64Array(count),
    stopLoss: new Float64Array(count).fill(NO_TRIGGER),
    takeProfit: new Float64Array(count).fill(NO_TRIGGER),
  };
}

/** Columns from rows. */
export function bookSpecFromRows(rows: BookRows): BookSpec {
  const table = rateTable();
  const count = rows.positions.length;
  const positions = positionColumns(count);

  rows.positions.forEach((row, index) => {
    positions.account[index] = row.account;
    positions.instrument[index] = row.instrument;
    positions.direction[index] = row.side === 'long' ? 1 : -1;
    positions.lots[index] = row.lots;
    positions.entry[index] = row.entry;
    positions.liquidationRate[index] = table.indexOf(row.liquidationRate);
    positions.marginCallRate[index] = table.indexOf(row.marginCallRate);
    positions.isolated[index] = row.isolatedMargin === undefined ? 0 : 1;
    positions.isolatedMargin[index] = row.isolatedMargin ?? 0;
    positions.stopLoss[index] = row.stopLoss ?? NO_TRIGGER;
    positions.takeProfit[index] = row.takeProfit ?? NO_TRIGGER;
  });
  return {
    venues: rows.venues,
    instruments: rows.instruments,
    rates: table.rates,
    prices: Float64Array.from(rows.prices),
    accounts: {
      venue: Int32Array.from(rows.accounts.map((account) => account.venue)),
      balance: Float64Array.from(rows.accounts.map((account) => account.balance)),
    },
    positions,
  };
}
