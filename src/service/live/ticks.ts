/**
 * A tick of the price feed as the fold reads it: its venue, its time, its prices exactly (as a mark
 * carries them) and as doubles (for the risk index). The edge has validated it before it reached
 * the ledger, so a tick that does not parse here is a bug.
 */
import { parseInstant, type Instant } from '../../core/index.js';
import type { Price } from '../../core/money/units.js';
import { childPath, ProblemList, readDecimal } from '../../core/snapshot/input-reader.js';
import type { TickPrices } from './account-marks.js';
import type { TickJson } from './entries.js';

/** A tick as the fold reads it. */
export interface ParsedTick {
  readonly venue?: string;
  readonly time: Instant;
  readonly prices: TickPrices;
  /** The same prices as doubles, for the risk index. */
  readonly approximate: readonly (readonly [string, number])[];
}

/** Parses a tick's prices; throws when an entry holds what the edge would have refused (a bug). */
export function parseTickPrices(prices: Readonly<Record<string, unknown>>, path: string, problems: ProblemList): Map<string, Price> {
  const parsed = new Map<string, Price>();
  for (const [symbol, value] of Object.entries(prices)) {
    const price = readDecimal(value, childPath(path, symbol), problems, 'positive');
    if (price) parsed.set(symbol, price as Price);
  }
  return parsed;
}

export function parseTick(tick: TickJson): ParsedTick {
  const problems = new ProblemList();
  const prices = parseTickPrices(tick.prices, 'prices', problems);
  const time = parseInstant(tick.time);
  if (!problems.empty || !time) throw new TypeError(`a ledger tick does not parse: ${JSON.stringify(tick)}`);
  return {
    ...(tick.venue !== undefined ? { venue: tick.venue } : {}),
    time,
    prices,
    approximate: Object.entries(tick.prices).map(([symbol, text]) => [symbol, Number(text)]),
  };
}
