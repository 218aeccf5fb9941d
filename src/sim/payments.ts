/**
 * What holding the positions costs over the horizon (issue 12): the payments a variant's account
 * makes, as the engine's own `funding` and `financing` commands, each stepped in between two price
 * observations.
 *
 * - Funding: every `fundingIntervalHours` of the venue, at the UTC multiples of the interval
 *   (Binance's 00:00, 08:00 and 16:00 UTC), on every perpetual held (a linear or inverse contract),
 *   longs paying a positive rate (Binance "Introduction to Binance Futures Funding Rates": funding
 *   amount = nominal value of positions × funding rate). The rate is model.funding's: one for every
 *   perpetual, one per instrument, or a funding-rate history's rates in time order, one a payment,
 *   cycled from the first when the horizon holds more payments than the file has rows (the file's
 *   times are not used: the paths are not the file's days).
 * - Financing: at each rollover, UTC midnight. At a venue with overnight financing terms (MT5,
 *   CFD brokers: `financing.tripleDay`) the rollover ending the triple day is charged three nights
 *   and none is charged at the end of a Saturday or a Sunday, so a week is charged 7 nights over 5
 *   rollovers (MT5 SYMBOL_SWAP_ROLLOVER3DAYS). Elsewhere every midnight is one night.
 *
 * A payment due at time T is charged in the step (t_{k-1}, t_k] holding T, at its end: after the
 * mark of observation k (the last observation at t_k, where several share it), at its prices. With
 * observations at least as fine as the interval and on its times (hourly steps, 8-hour funding), T
 * is an observation's time, and the order is `stopout replay`'s (a bar, then a payment at its
 * time). A coarser step charges every payment due within it at its end.
 */
import type { AccountSnapshot } from '../core/account/account-snapshot.js';
import type { Position } from '../core/account/position.js';
import type { Instant } from '../core/engine/instant.js';
import type { Instrument } from '../core/instrument/instrument.js';
import { dec, sign, type Decimal } from '../core/money/decimal.js';
import { asRate } from '../core/money/units.js';
import type { FundingRow } from '../core/replay/funding-file.js';
import type { Problem } from '../core/result.js';
import { WEEKDAYS } from '../core/venue/venue-profile.js';
import type { PaymentCommand } from './payment-template.js';
import type { FinancingInput, FinancingRates, FundingInput, HoldingCosts } from './sim-input.js';

export interface PaymentSchedule {
  /** Observations with payments, ascending and distinct. */
  readonly steps: Int32Array;
  /** The payments charged after each of those observations' marks, in time order. */
  readonly commands: readonly (readonly PaymentCommand[])[];
}

export const NO_PAYMENTS: PaymentSchedule = { steps: new Int32Array(0), commands: [] };

/** Where a variant's costs came from, for messages: "model.funding" or "variants[1].funding". */
export interface CostPaths {
  readonly funding: string;
  readonly financing: string;
}

export interface ScheduleRequest {
  readonly snapshot: AccountSnapshot;
  readonly costs: HoldingCosts;
  readonly paths: CostPaths;
  /** A funding file's rows, read by the caller (model.funding.file). */
  readonly fundingRows?: readonly FundingRow[];
  /** Time of each observation, 0 = the start. */
  readonly times: readonly Instant[];
}

const MS_PER_HOUR = 3_600_000;
const MS_PER_DAY = 86_400_000;

const problem = (path: string, message: string): Problem => ({ path, code: 'input/out-of-range', message });

interface Timed {
  readonly ms: number;
  readonly command: (time: Instant) => PaymentCommand;
}

/** One instrument per symbol, in the order the positions hold them. */
function heldInstruments(positions: readonly Position[], keep: (position: Position) => boolean): Map<string, Instrument> {
  const held = new Map<string, Instrument>();
  for (const position of positions) if (keep(position) && !held.has(position.instrument.symbol)) held.set(position.instrument.symbol, position.instrument);
  return held;
}

const isPerpetual = (position: Position): boolean => position.instrument.kind === 'linear' || position.instrument.kind === 'inverse';

/** The rates a funding file gives each perpetual held, or what is wrong. */
function fileRates(funding: Extract<FundingInput, { kind: 'file' }>, rows: readonly FundingRow[] | undefined, perpetuals: ReadonlyMap<string, Instrument>, path: string, problems: Problem[]): Map<string, Decimal[]> {
  const rates = new Map<string, Decimal[]>();
  if (!rows) {
    problems.push(problem(`${path}.file`, 'was not read: only the stopout command line reads files; give the rate itself ("0.0001")'));
    return rates;
  }
  const held = [...perpetuals.keys()];
  const chosen = funding.instrument;
  if (chosen !== undefined && !perpetuals.has(chosen)) {
    problems.push(problem(`${path}.instrument`, `${JSON.stringify(chosen)} is not a perpetual the account holds (${held.join(', ') || 'none'})`));
    return rates;
  }
  for (const row of rows) {
    const symbol = chosen !== undefined ? (row.symbol === undefined || row.symbol === chosen ? chosen : undefined)
      : row.symbol ?? (held.length === 1 ? held[0] : undefined);
    if (symbol === undefined && row.symbol === undefined) {
      problems.push(problem(`${path}.instrument`, `required: the file has no symbol column and the account holds ${held.length} perpetuals (${held.join(', ')}); name the one it prices`));
      return rates;
    }
    if (symbol === undefined || !perpetuals.has(symbol)) continue;
    const list = rates.get(symbol) ?? [];
    if (list.length === 0) rates.set(symbol, list);
    list.push(row.rate);
  }
  if (rates.size === 0) {
    const symbols = [...new Set(rows.map((row) => row.symbol ?? '?'))];
    problems.push(problem(`${path}.file`, `has no rows for a perpetual the account holds (${held.join(', ') || 'none'}); it holds ${symbols.join(', ')}${chosen === undefined ? ': set "instrument" to use one of them' : ''}`));
  }
  return rates;
}

/** Funding rates per perpetual: payment j pays rates[j mod length]. */
function fundingRates(funding: FundingInput, request: ScheduleRequest, perpetuals: ReadonlyMap<string, Instrument>, problems: Problem[]): Map<string, Decimal[]> {
  const path = request.paths.funding;
  if (funding.kind === 'rate') return new Map([...perpetuals.keys()].map((symbol) => [symbol, [funding.rate]]));
  if (funding.kind === 'file') return fileRates(funding, request.fundingRows, perpetuals, path, problems);
  const rates = new Map<string, Decimal[]>();
  for (const [symbol, rate] of funding.rates) {
    if (!perpetuals.has(symbol)) {
      problems.push(problem(`${path}.${symbol}`, `${symbol} is not a perpetual the account holds (${[...perpetuals.keys()].join(', ') || 'none'})`));
    } else rates.set(symbol, [rate]);
  }
  return rates;
}

function fundingPayments(funding: FundingInput, request: ScheduleRequest, startMs: number, endMs: number, problems: Problem[]): Timed[] {
  const { snapshot, paths } = request;
  const perpetuals = heldInstruments(snapshot.positions, isPerpetual);
  const rates = fundingRates(funding, request, perpetuals, problems);
  const paying = [...rates].filter(([, list]) => list.some((rate) => sign(rate) !== 0));
  if (paying.length === 0) {
    if (funding.kind === 'rate' && sign(funding.rate) !== 0 && perpetuals.size === 0) {
      problems.push(problem(paths.funding, 'applies to perpetual contracts (linear or inverse), and the account holds none'));
    }
    return [];
  }
  const hours = snapshot.venue.fundingIntervalHours;
  if (hours === undefined) {
    problems.push(problem(paths.funding, `${snapshot.venue.id} pays no perpetual funding (it sets no fundingIntervalHours): give the venue one ({"extends": "${snapshot.venue.id}", "fundingIntervalHours": 8}), or leave funding out`));
    return [];
  }
  const interval = hours * MS_PER_HOUR;
  const payments: Timed[] = [];
  for (let j = 0, ms = (Math.floor(startMs / interval) + 1) * interval; ms <= endMs; j++, ms += interval) {
    for (const [symbol, list] of paying) {
      const rate = list[j % list.length] as Decimal;
      const instrument = perpetuals.get(symbol) as Instrument;
      if (sign(rate) !== 0) payments.push({ ms, command: (time) => ({ type: 'funding', time, instrument, rate: asRate(rate) }) });
    }
  }
  return payments;
}

function financingRatesBySymbol(financing: FinancingInput, request: ScheduleRequest, held: ReadonlyMap<string, Instrument>, problems: Problem[]): Map<string, FinancingRates> {
  if (financing.kind === 'all') return new Map([...held.keys()].map((symbol) => [symbol, financing.rates]));
  const rates = new Map<string, FinancingRates>();
  for (const [symbol, each] of financing.rates) {
    const instrument = held.get(symbol);
    const path = `${request.paths.financing}.${symbol}`;
    if (!instrument) problems.push(problem(path, `${symbol} is not an instrument the account holds (${[...held.keys()].join(', ')})`));
    else rates.set(symbol, each);
  }
  return rates;
}

function financingPayments(financing: FinancingInput, request: ScheduleRequest, startMs: number, endMs: number, problems: Problem[]): Timed[] {
  const { snapshot, paths } = request;
  const held = heldInstruments(snapshot.positions, () => true);
  const rates = [...financingRatesBySymbol(financing, request, held, problems)]
    .filter(([, each]) => sign(each.long) !== 0 || sign(each.short) !== 0);
  for (const [symbol, each] of rates) {
    if (each.unit === 'points' && !held.get(symbol)?.tickSize) {
      problems.push(problem(financing.kind === 'all' ? paths.financing : `${paths.financing}.${symbol}`, `${symbol} has no tick size: swap points are counted in it`));
    }
  }
  if (rates.length === 0 || problems.length) return [];
  const terms = snapshot.venue.financing;
  const dayCount = dec(String(terms?.dayCount ?? 365));
  const payments: Timed[] = [];
  for (let ms = (Math.floor(startMs / MS_PER_DAY) + 1) * MS_PER_DAY; ms <= endMs; ms += MS_PER_DAY) {
    const nights = nightsAt(ms, terms?.tripleDay);
    if (nights === 0) continue;
    for (const [symbol, each] of rates) {
      const instrument = held.get(symbol) as Instrument;
      payments.push({
        ms,
        command: (time) => ({
          type: 'financing', time, instrument, long: each.long, short: each.short, unit: each.unit,
          days: dec(String(nights)), ...(each.unit === 'rate' ? { dayCount: each.dayCount ?? dayCount } : {}),
        }),
      });
    }
  }
  return payments;
}

/**
 * Nights charged at the rollover at `ms` (a UTC midnight), by the weekday it ends: three on the
 * triple day, none after a Saturday or a Sunday (the triple day carries the weekend); one a day
 * where the venue sets no triple day.
 */
export function nightsAt(ms: number, tripleDay: (typeof WEEKDAYS)[number] | undefined): number {
  if (tripleDay === undefined) return 1;
  const ended = WEEKDAYS[(((Math.floor(ms / MS_PER_DAY) - 1 + 4) % 7) + 7) % 7];
  if (ended === 'saturday' || ended === 'sunday') return 0;
  return ended === tripleDay ? 3 : 1;
}

/** The observation that ends the step holding `ms`: the first at or after it, the last of those at that time. */
function observationFor(ms: number, times: readonly Instant[]): number {
  let low = 1;
  let high = times.length - 1;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((times[middle] as Instant).ms >= ms) high = middle;
    else low = middle + 1;
  }
  const at = (times[low] as Instant).ms;
  while (low + 1 < times.length && (times[low + 1] as Instant).ms === at) low++;
  return low;
}

/** The variant's payments over the horizon, or what is wrong with its costs. */
export function paymentSchedule(request: ScheduleRequest): { schedule: PaymentSchedule; problems: Problem[] } {
  const { costs, times } = request;
  const problems: Problem[] = [];
  const startMs = (times[0] as Instant).ms;
  const endMs = (times[times.length - 1] as Instant).ms;
  const timed = [
    ...(costs.funding ? fundingPayments(costs.funding, request, startMs, endMs, problems) : []),
    ...(costs.financing ? financingPayments(costs.financing, request, startMs, endMs, problems) : []),
  ];
  if (problems.length || timed.length === 0) return { schedule: NO_PAYMENTS, problems };
  // Funding before financing at the same time (the sort is stable): any fixed order would do.
  timed.sort((a, b) => a.ms - b.ms);
  const steps: number[] = [];
  const commands: PaymentCommand[][] = [];
  for (const payment of timed) {
    const k = observationFor(payment.ms, times);
    if (steps[steps.length - 1] !== k) {
      steps.push(k);
      commands.push([]);
    }
    (commands[commands.length - 1] as PaymentCommand[]).push(payment.command(times[k] as Instant));
  }
  return { schedule: { steps: Int32Array.from(steps), commands }, problems };
}
