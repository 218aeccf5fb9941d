/**
 * The simulation input (spec/simulate.md), read with a path for every value: one Problem per thing
 * wrong, nothing run from an input that has one. Model parameters are decimal strings like every
 * other figure in Stopout; counts (steps, paths, seed, block) are JSON integers.
 *
 * Fields beyond the spec, each optional:
 * - model.volatility / model.drift may be per instrument: {"BTCUSDT": "0.8", "ETHUSDT": "1.0"};
 * - model.correlation: {"instruments": [...], "matrix": [[...]]}, a correlation matrix of the
 *   instruments' Brownian motions (its Cholesky factor must exist);
 * - model.gaps: {"every": "weekend" | "day" | "<days>", "at": ["<day>", ...], "mean", "stdev"};
 * - bootstrap / replay: "instrument" (the one the file prices), "from" / "to" (a window of it);
 * - "start": the time of the first observation (ISO 8601), so events carry real times and Reg T
 *   cure periods count business days; default 2026-01-05T00:00:00Z, a Monday;
 * - policy "times" (add-funds): how many margin calls the client answers with a deposit (default 1);
 * - variant fields "quantity" (every position's; a leverage sweep keeps the margin and scales the
 *   exposure), "balance" and "policy";
 * - model.funding (issue 12): perpetual funding, a rate a funding interval: "0.0001" for every
 *   perpetual held, {"BTCUSDT": "0.0001"} per instrument, or {"file": "...", "instrument"?} a
 *   funding-rate history (Binance's layout) whose rates are charged in order, one an interval;
 * - model.financing (issue 12): overnight financing, {"EURUSD": {"longRate", "shortRate"}} (yearly,
 *   on notional, positive credits the holder, optional "dayCount") or {"longPoints", "shortPoints"}
 *   (MT5 swap points a night), per instrument, or one such object for every instrument held;
 * - variant fields "funding" and "financing": the same, in place of the model's ("0" for none).
 */
import {
  childPath, describe, isObject, ProblemList, readArray, readChoice, readDecimal, readObject, readString, rejectUnknownKeys,
  type JsonObject,
} from '../core/snapshot/input-reader.js';
import { parseInstant, type Instant } from '../core/engine/instant.js';
import { abs, compare, ONE, parseDecimal, sign, toApproximateNumber, type Decimal } from '../core/money/decimal.js';
import { err, ok, type Problem, type Result } from '../core/result.js';

export const MODEL_TYPES = ['gbm', 'bootstrap', 'replay'] as const;
export type ModelType = (typeof MODEL_TYPES)[number];
export const POLICIES = ['wait', 'close', 'add-funds'] as const;
export type MarginCallResponse = (typeof POLICIES)[number];

/** A figure per instrument, or one for all. */
export type PerInstrument = number | ReadonlyMap<string, number>;

export interface Jumps {
  /** Expected jumps per year. */
  readonly intensity: number;
  /** Mean and standard deviation of the jump's log size. */
  readonly mean: number;
  readonly stdev: number;
}

export interface GapSchedule {
  /** Days between scheduled gaps: 'weekend' (7 calendar or 5 trading days), 'day', or a count. */
  readonly every?: 'weekend' | 'day' | number;
  /** Days (from the start) of one-off gaps: news. */
  readonly at: readonly number[];
  readonly mean: number;
  readonly stdev: number;
}

export interface Correlation {
  readonly instruments: readonly string[];
  readonly matrix: readonly (readonly number[])[];
}

export interface GbmModel {
  readonly type: 'gbm';
  readonly volatility: PerInstrument;
  readonly drift: PerInstrument;
  readonly daysPerYear: number;
  readonly jumps?: Jumps;
  readonly gaps?: GapSchedule;
  readonly correlation?: Correlation;
}

export interface FileModel {
  readonly type: 'bootstrap' | 'replay';
  readonly file: string;
  /** Bootstrap: returns per block. */
  readonly block: number;
  readonly instrument?: string;
  readonly from?: Instant;
  readonly to?: Instant;
}

export type ModelInput = GbmModel | FileModel;

/** Perpetual funding, a rate (a fraction of notional) a funding interval; longs pay a positive rate. */
export type FundingInput =
  | { readonly kind: 'rate'; readonly rate: Decimal }
  | { readonly kind: 'per-instrument'; readonly rates: ReadonlyMap<string, Decimal> }
  /** A funding-rate history: its rates in time order, one an interval, cycled past its end. */
  | { readonly kind: 'file'; readonly file: string; readonly instrument?: string };

/** Overnight financing of one instrument, as the engine's `financing` command takes it. */
export interface FinancingRates {
  /** Yearly rates on notional, or MT5 swap points a night. */
  readonly unit: 'rate' | 'points';
  /** Positive credits the holder, negative charges (MT5's sign for swaps). */
  readonly long: Decimal;
  readonly short: Decimal;
  /** Days the yearly rate is counted over; default the venue's (365 where it sets none). */
  readonly dayCount?: Decimal;
}

export type FinancingInput =
  | { readonly kind: 'all'; readonly rates: FinancingRates }
  | { readonly kind: 'per-instrument'; readonly rates: ReadonlyMap<string, FinancingRates> };

/** What holding the positions costs over the horizon, besides the prices. */
export interface HoldingCosts {
  readonly funding?: FundingInput;
  readonly financing?: FinancingInput;
}

export interface Policy {
  readonly onMarginCall: MarginCallResponse;
  /** add-funds: the deposit. */
  readonly amount?: Decimal;
  /** add-funds: how many calls the client answers with a deposit. */
  readonly times: number;
}

export interface VariantInput {
  readonly name: string;
  readonly path: string;
  readonly leverage?: Decimal;
  /** Every position's quantity (the exposure a leverage sweep scales with the leverage). */
  readonly quantity?: Decimal;
  readonly venue?: unknown;
  readonly stopLossPercent?: Decimal;
  readonly isolatedMargin?: Decimal;
  readonly balance?: Decimal;
  readonly policy?: Policy;
  /** In place of the model's funding or financing. */
  readonly funding?: FundingInput;
  readonly financing?: FinancingInput;
}

export interface SimulationInput {
  /** The report.md snapshot, as written: variants edit it before it is parsed. */
  readonly account: JsonObject;
  readonly model: ModelInput;
  /** model.funding and model.financing. */
  readonly costs: HoldingCosts;
  readonly horizonDays?: number;
  readonly steps?: number;
  readonly paths: number;
  /** Whether the input set "paths" (a replay has one). */
  readonly pathsGiven: boolean;
  readonly seed: number;
  readonly start: Instant;
  readonly policy: Policy;
  readonly variants: readonly VariantInput[];
}

export const DEFAULT_PATHS = 10_000;
export const DEFAULT_START = '2026-01-05T00:00:00Z';
export const MAX_STEPS = 1_000_000;
export const MAX_PATHS = 1e9;

const INPUT_FIELDS = ['account', 'model', 'horizonDays', 'steps', 'paths', 'seed', 'start', 'policy', 'variants'] as const;
const COST_FIELDS = ['funding', 'financing'] as const;
const GBM_FIELDS = ['type', 'volatility', 'drift', 'daysPerYear', 'jumps', 'gaps', 'correlation', ...COST_FIELDS] as const;
const FILE_FIELDS = ['type', 'file', 'block', 'instrument', 'from', 'to', ...COST_FIELDS] as const;
const FUNDING_FILE_FIELDS = ['file', 'instrument'] as const;
const FINANCING_FIELDS = ['longRate', 'shortRate', 'longPoints', 'shortPoints', 'dayCount'] as const;
const JUMP_FIELDS = ['intensity', 'mean', 'stdev'] as const;
const GAP_FIELDS = ['every', 'at', 'mean', 'stdev'] as const;
const POLICY_FIELDS = ['onMarginCall', 'amount', 'times'] as const;
const VARIANT_FIELDS = ['name', 'leverage', 'quantity', 'venue', 'stopLossPercent', 'isolatedMargin', 'balance', 'policy', ...COST_FIELDS] as const;

/** An integer count in [minimum, maximum], as a JSON number. */
export function readCount(value: unknown, path: string, problems: ProblemList, minimum: number, maximum: number): number | undefined {
  if (value === undefined) return problems.add(path, 'input/required', `required: a whole number from ${minimum}`);
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    return problems.add(path, 'input/wrong-type', `must be a whole number (a JSON number), got ${describe(value)}`);
  }
  if (value < minimum || value > maximum) {
    return problems.add(path, 'input/out-of-range', `must be from ${minimum} to ${maximum}, got ${describe(value)}`);
  }
  return value;
}

function readNumber(value: unknown, path: string, problems: ProblemList, rule: 'any' | 'positive' | 'non-negative'): number | undefined {
  const parsed = readDecimal(value, path, problems, rule);
  return parsed === undefined ? undefined : toApproximateNumber(parsed);
}

function readPerInstrument(
  value: unknown, path: string, problems: ProblemList, rule: 'any' | 'non-negative',
): PerInstrument | undefined {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const entries = Object.entries(value as JsonObject).flatMap(([symbol, entry]) => {
      const parsed = readNumber(entry, childPath(path, symbol), problems, rule);
      return parsed === undefined ? [] : [[symbol, parsed] as const];
    });
    if (Object.keys(value).length === 0) return problems.add(path, 'input/out-of-range', 'names no instrument');
    return new Map(entries);
  }
  return readNumber(value, path, problems, rule);
}

function readJumps(value: unknown, path: string, problems: ProblemList): Jumps | undefined {
  const object = readObject(value, path, problems);
  if (!object) return undefined;
  rejectUnknownKeys(object, JUMP_FIELDS, path, problems);
  const intensity = readNumber(object.intensity, childPath(path, 'intensity'), problems, 'non-negative');
  const mean = readNumber(object.mean, childPath(path, 'mean'), problems, 'any');
  const stdev = readNumber(object.stdev, childPath(path, 'stdev'), problems, 'non-negative');
  return intensity === undefined || mean === undefined || stdev === undefined ? undefined : { intensity, mean, stdev };
}

function readGaps(value: unknown, path: string, problems: ProblemList): GapSchedule | undefined {
  const object = readObject(value, path, problems);
  if (!object) return undefined;
  rejectUnknownKeys(object, GAP_FIELDS, path, problems);
  let every: GapSchedule['every'];
  if (object.every !== undefined) {
    if (object.every === 'weekend' || object.every === 'day') every = object.every;
    else {
      const days = typeof object.every === 'string' ? parseDecimal(object.every) : undefined;
      if (days && sign(days) > 0) every = toApproximateNumber(days);
      else problems.add(childPath(path, 'every'), 'input/wrong-type', `must be "weekend", "day" or a positive number of days written as a string, got ${describe(object.every)}`);
    }
  }
  const at = object.at === undefined ? [] : (readArray(object.at, childPath(path, 'at'), problems) ?? [])
    .flatMap((entry, index) => readNumber(entry, childPath(childPath(path, 'at'), index), problems, 'positive') ?? []);
  if (object.every === undefined && object.at === undefined) {
    problems.add(path, 'input/required', 'needs "every" (weekend, day or a number of days) or "at" (days of one-off gaps)');
  }
  const mean = object.mean === undefined ? 0 : readNumber(object.mean, childPath(path, 'mean'), problems, 'any');
  const stdev = readNumber(object.stdev, childPath(path, 'stdev'), problems, 'non-negative');
  if (mean === undefined || stdev === undefined) return undefined;
  return { ...(every === undefined ? {} : { every }), at, mean, stdev };
}

function readCorrelation(value: unknown, path: string, problems: ProblemList): Correlation | undefined {
  const before = problems.items.length;
  const object = readObject(value, path, problems);
  if (!object) return undefined;
  rejectUnknownKeys(object, ['instruments', 'matrix'], path, problems);
  const instruments = (readArray(object.instruments, childPath(path, 'instruments'), problems) ?? [])
    .flatMap((entry, index) => readString(entry, childPath(childPath(path, 'instruments'), index), problems) ?? []);
  const rows = readArray(object.matrix, childPath(path, 'matrix'), problems) ?? [];
  const matrix = rows.map((row, i) => (readArray(row, childPath(childPath(path, 'matrix'), i), problems) ?? [])
    .map((entry, j) => readNumber(entry, `${childPath(childPath(path, 'matrix'), i)}[${j}]`, problems, 'any') ?? Number.NaN));
  if (problems.items.length > before) return undefined;
  const n = instruments.length;
  if (new Set(instruments).size !== n) return problems.add(childPath(path, 'instruments'), 'input/duplicate', 'names an instrument twice');
  if (matrix.length !== n || matrix.some((row) => row.length !== n)) {
    return problems.add(childPath(path, 'matrix'), 'input/out-of-range', `must be ${n} × ${n}, one row and column per instrument`);
  }
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const entry = matrix[i]?.[j] ?? Number.NaN;
      const where = `${childPath(childPath(path, 'matrix'), i)}[${j}]`;
      if (i === j && entry !== 1) return problems.add(where, 'input/out-of-range', `a diagonal entry must be "1", got ${entry}`);
      if (Math.abs(entry) > 1) return problems.add(where, 'input/out-of-range', `a correlation lies in [-1, 1], got ${entry}`);
      if (entry !== (matrix[j]?.[i] ?? Number.NaN)) return problems.add(where, 'input/out-of-range', `the matrix must be symmetric: [${i}][${j}] is ${entry}, [${j}][${i}] is ${matrix[j]?.[i]}`);
    }
  }
  return { instruments, matrix };
}

/** A funding rate: a fraction of notional below 1 in size, as the engine's `funding` command takes it. */
function readFundingRate(value: unknown, path: string, problems: ProblemList): Decimal | undefined {
  const rate = readDecimal(value, path, problems, 'any');
  if (rate && compare(abs(rate), ONE) >= 0) {
    return problems.add(path, 'input/out-of-range', `a funding rate is a fraction of notional below 1 ("0.0001" = 0.01 % an interval), got ${describe(value)}`);
  }
  return rate;
}

/** "0.0001", {"BTCUSDT": "0.0001"}, or {"file": "...", "instrument"?} (only where files are read). */
export function readFunding(value: unknown, path: string, problems: ProblemList, fileAllowed: boolean): FundingInput | undefined {
  if (typeof value === 'string' || typeof value === 'number') {
    const rate = readFundingRate(value, path, problems);
    return rate && { kind: 'rate', rate };
  }
  const object = readObject(value, path, problems);
  if (!object) return undefined;
  if (object.file !== undefined) {
    if (!fileAllowed) return problems.add(childPath(path, 'file'), 'input/not-supported', 'a funding file is read once, in model.funding; give a variant a rate ("0.0001") or rates per instrument');
    rejectUnknownKeys(object, FUNDING_FILE_FIELDS, path, problems);
    const file = readString(object.file, childPath(path, 'file'), problems);
    const instrument = object.instrument === undefined ? undefined : readString(object.instrument, childPath(path, 'instrument'), problems);
    return file === undefined ? undefined : { kind: 'file', file, ...(instrument ? { instrument } : {}) };
  }
  const symbols = Object.keys(object);
  if (symbols.length === 0) return problems.add(path, 'input/out-of-range', 'names no instrument: give a rate ("0.0001"), rates per instrument ({"BTCUSDT": "0.0001"}) or {"file": ...}');
  const rates = new Map(symbols.flatMap((symbol) => {
    const rate = readFundingRate(object[symbol], childPath(path, symbol), problems);
    return rate ? [[symbol, rate] as const] : [];
  }));
  return rates.size === symbols.length ? { kind: 'per-instrument', rates } : undefined;
}

/** {"longRate", "shortRate", "dayCount"?} or {"longPoints", "shortPoints"}: one instrument's financing. */
function readFinancingRates(value: unknown, path: string, problems: ProblemList): FinancingRates | undefined {
  const object = readObject(value, path, problems);
  if (!object) return undefined;
  rejectUnknownKeys(object, FINANCING_FIELDS, path, problems);
  const byRate = object.longRate !== undefined || object.shortRate !== undefined;
  const byPoints = object.longPoints !== undefined || object.shortPoints !== undefined;
  if (byRate === byPoints) {
    return problems.add(path, byRate ? 'input/conflict' : 'input/required',
      'give "longRate" and "shortRate" (yearly, on notional; positive credits the holder) or "longPoints" and "shortPoints" (MT5 swap points a night), not both');
  }
  const [longKey, shortKey] = byRate ? ['longRate', 'shortRate'] : ['longPoints', 'shortPoints'];
  const long = readDecimal(object[longKey], childPath(path, longKey), problems, 'any');
  const short = readDecimal(object[shortKey], childPath(path, shortKey), problems, 'any');
  if (byPoints && object.dayCount !== undefined) return problems.add(childPath(path, 'dayCount'), 'input/conflict', 'applies to yearly rates, not to swap points (charged a night)');
  const dayCount = object.dayCount === undefined ? undefined : readDecimal(object.dayCount, childPath(path, 'dayCount'), problems, 'positive');
  if (!long || !short || (object.dayCount !== undefined && !dayCount)) return undefined;
  return { unit: byRate ? 'rate' : 'points', long, short, ...(dayCount ? { dayCount } : {}) };
}

/** One instrument's rates for every instrument held, or rates per instrument. */
export function readFinancing(value: unknown, path: string, problems: ProblemList): FinancingInput | undefined {
  const object = readObject(value, path, problems);
  if (!object) return undefined;
  const symbols = Object.keys(object);
  if (symbols.some((key) => (FINANCING_FIELDS as readonly string[]).includes(key))) {
    const rates = readFinancingRates(object, path, problems);
    return rates && { kind: 'all', rates };
  }
  if (symbols.length === 0) return problems.add(path, 'input/out-of-range', 'names no instrument: give {"EURUSD": {"longRate": "-0.05", "shortRate": "0.01"}} or {"longPoints", "shortPoints"}');
  const rates = new Map(symbols.flatMap((symbol) => {
    const parsed = readFinancingRates(object[symbol], childPath(path, symbol), problems);
    return parsed ? [[symbol, parsed] as const] : [];
  }));
  return rates.size === symbols.length ? { kind: 'per-instrument', rates } : undefined;
}

function readCosts(object: JsonObject, path: string, problems: ProblemList, fileAllowed: boolean): HoldingCosts {
  const funding = object.funding === undefined ? undefined : readFunding(object.funding, childPath(path, 'funding'), problems, fileAllowed);
  const financing = object.financing === undefined ? undefined : readFinancing(object.financing, childPath(path, 'financing'), problems);
  return { ...(funding ? { funding } : {}), ...(financing ? { financing } : {}) };
}

function readModel(value: unknown, problems: ProblemList): ModelInput | undefined {
  const object = readObject(value, 'model', problems);
  if (!object) return undefined;
  const type = readChoice(object.type, MODEL_TYPES, 'model.type', problems);
  if (!type) return undefined;
  if (type === 'gbm') {
    rejectUnknownKeys(object, GBM_FIELDS, 'model', problems);
    const volatility = readPerInstrument(object.volatility, 'model.volatility', problems, 'non-negative');
    const drift = object.drift === undefined ? 0 : readPerInstrument(object.drift, 'model.drift', problems, 'any');
    const daysPerYear = object.daysPerYear === undefined ? 365 : readNumber(object.daysPerYear, 'model.daysPerYear', problems, 'positive');
    const jumps = object.jumps === undefined ? undefined : readJumps(object.jumps, 'model.jumps', problems);
    const gaps = object.gaps === undefined ? undefined : readGaps(object.gaps, 'model.gaps', problems);
    const correlation = object.correlation === undefined ? undefined : readCorrelation(object.correlation, 'model.correlation', problems);
    if (volatility === undefined || drift === undefined || daysPerYear === undefined) return undefined;
    return {
      type, volatility, drift, daysPerYear,
      ...(jumps ? { jumps } : {}), ...(gaps ? { gaps } : {}), ...(correlation ? { correlation } : {}),
    };
  }
  rejectUnknownKeys(object, type === 'bootstrap' ? FILE_FIELDS : FILE_FIELDS.filter((field) => field !== 'block'), 'model', problems);
  const file = readString(object.file, 'model.file', problems);
  const block = type === 'bootstrap' && object.block !== undefined ? readCount(object.block, 'model.block', problems, 1, MAX_STEPS) : 1;
  const instrument = object.instrument === undefined ? undefined : readString(object.instrument, 'model.instrument', problems);
  const from = object.from === undefined ? undefined : readInstant(object.from, 'model.from', problems);
  const to = object.to === undefined ? undefined : readInstant(object.to, 'model.to', problems);
  if (from && to && to.ms < from.ms) problems.add('model.to', 'input/out-of-order', `${to.text} is before model.from ${from.text}`);
  if (file === undefined || block === undefined) return undefined;
  return { type, file, block, ...(instrument ? { instrument } : {}), ...(from ? { from } : {}), ...(to ? { to } : {}) };
}

function readInstant(value: unknown, path: string, problems: ProblemList): Instant | undefined {
  const text = readString(value, path, problems);
  if (text === undefined) return undefined;
  return parseInstant(text) ?? problems.add(path, 'input/wrong-type', `must be an ISO 8601 time like "2026-01-05T00:00:00Z", got ${describe(value)}`);
}

export function readPolicy(value: unknown, path: string, problems: ProblemList): Policy | undefined {
  const object = readObject(value, path, problems);
  if (!object) return undefined;
  rejectUnknownKeys(object, POLICY_FIELDS, path, problems);
  const onMarginCall = readChoice(object.onMarginCall, POLICIES, childPath(path, 'onMarginCall'), problems);
  if (onMarginCall !== 'add-funds') {
    for (const field of ['amount', 'times'] as const) {
      if (object[field] !== undefined) problems.add(childPath(path, field), 'input/conflict', `applies only to "onMarginCall": "add-funds", not ${describe(object.onMarginCall)}`);
    }
    return onMarginCall ? { onMarginCall, times: 0 } : undefined;
  }
  const amount = readDecimal(object.amount, childPath(path, 'amount'), problems, 'positive');
  const times = object.times === undefined ? 1 : readCount(object.times, childPath(path, 'times'), problems, 1, MAX_STEPS);
  return amount && times !== undefined ? { onMarginCall, amount, times } : undefined;
}

function readVariants(value: unknown, problems: ProblemList): VariantInput[] {
  if (value === undefined) return [];
  const names = new Set<string>(['base']);
  return (readArray(value, 'variants', problems) ?? []).flatMap((entry, index): VariantInput[] => {
    const path = childPath('variants', index);
    const object = readObject(entry, path, problems);
    if (!object) return [];
    rejectUnknownKeys(object, VARIANT_FIELDS, path, problems);
    const name = readString(object.name, childPath(path, 'name'), problems);
    if (name !== undefined && names.has(name)) {
      problems.add(childPath(path, 'name'), 'input/duplicate', `${describe(name)} is taken${name === 'base' ? ' by the account as given' : ' by another variant'}`);
    }
    if (name !== undefined) names.add(name);
    const leverage = object.leverage === undefined ? undefined : readDecimal(object.leverage, childPath(path, 'leverage'), problems, 'positive');
    const quantity = object.quantity === undefined ? undefined : readDecimal(object.quantity, childPath(path, 'quantity'), problems, 'positive');
    const stopLossPercent = object.stopLossPercent === undefined ? undefined
      : readDecimal(object.stopLossPercent, childPath(path, 'stopLossPercent'), problems, 'positive');
    const isolatedMargin = object.isolatedMargin === undefined ? undefined
      : readDecimal(object.isolatedMargin, childPath(path, 'isolatedMargin'), problems, 'positive');
    const balance = object.balance === undefined ? undefined : readDecimal(object.balance, childPath(path, 'balance'), problems, 'positive');
    const policy = object.policy === undefined ? undefined : readPolicy(object.policy, childPath(path, 'policy'), problems);
    const costs = readCosts(object, path, problems, false);
    if (name === undefined) return [];
    return [{
      name, path,
      ...(leverage ? { leverage } : {}), ...(quantity ? { quantity } : {}), ...(object.venue !== undefined ? { venue: object.venue } : {}),
      ...(stopLossPercent ? { stopLossPercent } : {}), ...(isolatedMargin ? { isolatedMargin } : {}),
      ...(balance ? { balance } : {}), ...(policy ? { policy } : {}), ...costs,
    }];
  });
}

/** Reads and checks the fields; the account itself is checked when the variants are built. */
export function parseSimulationInput(value: unknown): Result<SimulationInput, readonly Problem[]> {
  const problems = new ProblemList();
  const input = readObject(value, '', problems);
  if (!input) return err([{ path: '', code: 'input/wrong-type', message: `a simulation must be a JSON object, got ${describe(value)}` }]);
  rejectUnknownKeys(input, INPUT_FIELDS, '', problems);
  const account = readObject(input.account, 'account', problems);
  const model = readModel(input.model, problems);
  const costs = isObject(input.model) ? readCosts(input.model, 'model', problems, true) : {};
  const horizonDays = input.horizonDays === undefined ? undefined : readNumber(input.horizonDays, 'horizonDays', problems, 'positive');
  const steps = input.steps === undefined ? undefined : readCount(input.steps, 'steps', problems, 1, MAX_STEPS);
  const modelType = isObject(input.model) ? input.model.type : undefined;
  if (modelType === 'gbm') {
    if (input.horizonDays === undefined) problems.add('horizonDays', 'input/required', 'required for a gbm model: days the paths run, as a string ("7")');
    if (input.steps === undefined) problems.add('steps', 'input/required', 'required for a gbm model: price observations per path');
  }
  if (modelType === 'bootstrap' && input.steps === undefined) problems.add('steps', 'input/required', 'required for a bootstrap model: returns drawn per path');
  const paths = input.paths === undefined ? DEFAULT_PATHS : readCount(input.paths, 'paths', problems, 1, MAX_PATHS);
  const seed = input.seed === undefined ? 1 : readCount(input.seed, 'seed', problems, 0, Number.MAX_SAFE_INTEGER);
  const start = readInstant(input.start ?? DEFAULT_START, 'start', problems);
  const policy = input.policy === undefined ? { onMarginCall: 'wait' as const, times: 0 } : readPolicy(input.policy, 'policy', problems);
  const variants = readVariants(input.variants, problems);
  if (!problems.empty || !account || !model || paths === undefined || seed === undefined || !start || !policy) return err(problems.items);
  return ok({
    account, model, costs, paths, pathsGiven: input.paths !== undefined, seed, start, policy, variants,
    ...(horizonDays === undefined ? {} : { horizonDays }), ...(steps === undefined ? {} : { steps }),
  });
}
