/**
 * What a tick, a deadline or a command is to one account: the rules of spec/service.md that turn
 * the service's inputs into engine commands, shared by the live fold (live-state.ts) and the
 * reference fold that exports an account's scenario (scenario-export.ts), so the two cannot drift.
 *
 * - A tick is one `mark` carrying the tick's prices of the instruments the account holds, in the
 *   tick's order, at the tick's time; an account holding none of them gets nothing. A tick's
 *   `venue` matches the built-in venue the account's venue is or extends. A tick earlier than the
 *   account's own time (set by a command that carried a later one) is in its past and skips it.
 * - A deadline (a Reg T cure period ending) is a `mark` of the account's own marks of the
 *   instruments it holds, at the deadline: the command that carries the time.
 * - A tick's funding rate or financing terms for an instrument are, after the tick's mark, one
 *   `funding` or `financing` command each (funding first, then financing, in the tick's order), at
 *   the tick's time, for an account with a position on that instrument and a mark for it (the
 *   payment is on notional at the mark); the same venue and time rules as the mark.
 * - An open at a price other than the account's mark is preceded by a mark of the feed's latest
 *   price for its instrument, at the open's time.
 */
import type { Command, EngineState } from '../../core/engine/engine-types.js';
import { parseCommand } from '../../core/engine/parse-command.js';
import type { Instant } from '../../core/engine/instant.js';
import { formatProblem } from '../../core/result.js';
import { compare, toDecimalString, type Decimal } from '../../core/money/decimal.js';
import { asInstrumentId, type InstrumentId, type Price } from '../../core/money/units.js';
import { ProblemList } from '../../core/snapshot/input-reader.js';
import type { CommandJson } from './entries.js';
import { conversionPairs } from '../../core/instrument/conversion.js';
import { paymentCommandJson, type TickPayment } from './ticks.js';

/** The built-in venue id an account's venue JSON is or extends. */
export function venueKeyOf(venue: unknown): string {
  if (typeof venue === 'string') return venue;
  const base = (venue as { extends?: unknown } | null)?.extends;
  if (typeof base !== 'string') throw new TypeError('an account venue is a built-in id or {"extends": id}');
  return base;
}

/**
 * The instruments of the account's open positions, in position order, then the pairs that convert
 * them into the account currency (EURGBP in a USD account: GBPUSD and EURUSD): a tick on any of them
 * moves the account.
 */
export function heldInstruments(state: EngineState): string[] {
  const instruments = state.snapshot.positions.map((position) => position.instrument);
  return [...new Set([...instruments.map((instrument) => instrument.symbol as string), ...instruments.flatMap((instrument) => conversionPairs(instrument))])];
}

/** A tick's prices as the engine reads them, in the tick's order. */
export type TickPrices = ReadonlyMap<string, Price>;

/**
 * The mark a tick carries to an account, or null when it holds none of the tick's instruments, or
 * the tick is in the account's past (a command of its own carried a later time: an account's time
 * never goes backwards).
 */
export function tickMark(state: EngineState, venueKey: string, tickVenue: string | undefined, prices: TickPrices, time: Instant): Command | null {
  if (tickVenue !== undefined && tickVenue !== venueKey) return null;
  if (state.time && time.ms < state.time.ms) return null;
  const held = new Set(heldInstruments(state));
  let subset: Map<InstrumentId, Price> | undefined;
  for (const [symbol, price] of prices) {
    if (!held.has(symbol)) continue;
    subset ??= new Map();
    subset.set(asInstrumentId(symbol), price);
  }
  return subset ? { type: 'mark', time, prices: subset } : null;
}

/**
 * The `funding` or `financing` command a tick's payment is to an account, or null when the tick
 * does not reach it (another venue, or in its past), or it has no position on the instrument, or
 * no mark to take the notional at (the engine would refuse it: nothing is due).
 */
export function tickPayment(state: EngineState, venueKey: string, tickVenue: string | undefined, payment: TickPayment, time: Instant): CommandJson | null {
  if (tickVenue !== undefined && tickVenue !== venueKey) return null;
  if (state.time && time.ms < state.time.ms) return null;
  if (!state.snapshot.positions.some((position) => position.instrument.symbol === payment.instrument)) return null;
  if (!state.snapshot.marks.has(asInstrumentId(payment.instrument))) return null;
  return paymentCommandJson(payment, time.text);
}

/** A deadline's mark: the account's own marks of what it holds, at `time`; null when it holds nothing. */
export function deadlineMark(state: EngineState, time: Instant): Command | null {
  const held = heldInstruments(state);
  if (held.length === 0) return null;
  const prices = new Map<InstrumentId, Price>();
  for (const symbol of held) {
    const mark = state.snapshot.marks.get(asInstrumentId(symbol));
    if (mark) prices.set(asInstrumentId(symbol), mark);
  }
  return prices.size ? { type: 'mark', time, prices } : null;
}

/** The feed's latest price for an open's instrument, as a mark to apply first, or null when none is due. */
export function openMark(state: EngineState, symbol: string, feedPrice: Price | undefined, time: Instant): Command | null {
  if (!feedPrice) return null;
  const mark = state.snapshot.marks.get(asInstrumentId(symbol));
  if (mark && sameDecimal(mark, feedPrice)) return null;
  return { type: 'mark', time, prices: new Map([[asInstrumentId(symbol), feedPrice]]) };
}

/** Equal as the engine's JSON writes them: the same value and the same scale ("1.10" is not "1.1"). */
export function sameDecimal(a: Decimal, b: Decimal): boolean {
  return a.scale === b.scale && compare(a, b) === 0;
}

/** A mark (or any command the service built) as the scenario's JSON. */
export function commandToJson(command: Command): CommandJson {
  if (command.type !== 'mark') throw new TypeError('only marks are built by the service');
  return {
    type: 'mark',
    time: command.time?.text ?? '',
    prices: Object.fromEntries([...command.prices].map(([symbol, price]) => [symbol, toDecimalString(price)])),
  };
}

/** A command's JSON (validated when it was received) read back against the account's state. */
export function commandFromJson(state: EngineState, json: unknown): Command {
  const problems = new ProblemList();
  const context = { instruments: state.instruments, currencyDecimals: state.snapshot.currencyDecimals };
  const command = parseCommand(json, 'command', context, problems);
  if (!command || !problems.empty) {
    throw new TypeError(`a ledger command does not parse: ${problems.items.map(formatProblem).join('; ')}`);
  }
  return command;
}
