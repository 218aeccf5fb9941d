/**
 * A tick of the price feed as the fold reads it: its venue, its time, its prices exactly (as a mark
 * carries them) and as doubles (for the risk index), and the funding rates and financing terms it
 * carries (each a command for every account holding the instrument). The edge has validated it
 * before it reached the ledger, so a tick that does not parse here is a bug.
 */
import { parseInstant, type Instant } from '../../core/index.js';
import type { Instrument } from '../../core/instrument/instrument.js';
import { parseCommand } from '../../core/engine/parse-command.js';
import type { Price } from '../../core/money/units.js';
import { childPath, describe, ProblemList, readDecimal } from '../../core/snapshot/input-reader.js';
import type { TickPrices } from './account-marks.js';
import type { CommandJson, TickJson } from './entries.js';

/**
 * A funding rate or financing terms a tick gives one instrument: a `funding` or `financing` command
 * (spec/engine.md) for every account holding it, at the tick's time.
 */
export interface TickPayment {
  readonly type: 'funding' | 'financing';
  readonly instrument: string;
  /** The command's own fields: {"rate"}, or the financing terms. */
  readonly fields: Readonly<Record<string, string>>;
}

/** A tick as the fold reads it. */
export interface ParsedTick {
  readonly venue?: string;
  readonly time: Instant;
  readonly prices: TickPrices;
  /** The same prices as doubles, for the risk index. */
  readonly approximate: readonly (readonly [string, number])[];
  /** Funding first, then financing, each in the tick's order: applied after its prices. */
  readonly payments: readonly TickPayment[];
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

/** A tick's funding rates and financing terms, funding first, each in the tick's order. */
export function tickPayments(tick: Pick<TickJson, 'funding' | 'financing'>): TickPayment[] {
  return [
    ...Object.entries(tick.funding ?? {}).map(([instrument, rate]): TickPayment => ({ type: 'funding', instrument, fields: { rate } })),
    ...Object.entries(tick.financing ?? {}).map(([instrument, terms]): TickPayment => ({ type: 'financing', instrument, fields: terms })),
  ];
}

/** The engine command a payment is (spec/engine.md), at `time` when given. */
export function paymentCommand(payment: TickPayment, time?: string): Readonly<Record<string, unknown>> & { readonly type: string } {
  return { type: payment.type, ...(time !== undefined ? { time } : {}), instrument: payment.instrument, ...payment.fields };
}

/** The same, as the ledger's command JSON (its time always present). */
export function paymentCommandJson(payment: TickPayment, time: string): CommandJson {
  return paymentCommand(payment, time) as CommandJson;
}

/**
 * Checks a tick's funding and financing against every definition of each instrument the tick can
 * reach (`definitions`: the built-in venues' and the accounts', at the tick's venue or at all):
 * an instrument nobody defines is unknown, and each definition must take the command as the
 * engine's parser would (a rate below 1 in size; swap points only where there is a tick size).
 * Problems name the instrument's entry, `funding.BTCUSDT` or `financing.EURUSD.longRate`.
 */
export function checkTickPayments(
  tick: Pick<TickJson, 'funding' | 'financing'>, path: string, definitions: (symbol: string) => readonly Instrument[], problems: ProblemList,
): void {
  for (const payment of tickPayments(tick)) {
    const field = childPath(childPath(path, payment.type), payment.instrument);
    const found = definitions(payment.instrument);
    if (found.length === 0) {
      const given = payment.type === 'funding' ? `, rate ${describe(payment.fields.rate)}` : '';
      problems.add(field, 'input/unknown-instrument', `unknown instrument ${describe(payment.instrument)}: no venue the tick reaches and no account there defines it${given}`);
      continue;
    }
    const seen = new Set<string>();
    for (const instrument of found) {
      const scratch = new ProblemList();
      parseCommand(paymentCommand(payment), field, { instruments: new Map([[payment.instrument, instrument]]), currencyDecimals: 0 }, scratch);
      for (const problem of scratch.items) {
        // The command's "rate" is the entry itself; its "instrument" is the entry's name.
        const at = problem.path === childPath(field, 'rate') || problem.path === childPath(field, 'instrument') ? field : problem.path;
        const key = `${at}\u0000${problem.message}`;
        if (seen.has(key)) continue;
        seen.add(key);
        problems.add(at, problem.code, problem.message);
      }
    }
  }
}

export function parseTick(tick: TickJson): ParsedTick {
  const problems = new ProblemList();
  const prices = parseTickPrices(tick.prices ?? {}, 'prices', problems);
  const time = parseInstant(tick.time);
  if (!problems.empty || !time) throw new TypeError(`a ledger tick does not parse: ${JSON.stringify(tick)}`);
  return {
    ...(tick.venue !== undefined ? { venue: tick.venue } : {}),
    time,
    prices,
    approximate: Object.entries(tick.prices ?? {}).map(([symbol, text]) => [symbol, Number(text)]),
    payments: tickPayments(tick),
  };
}
