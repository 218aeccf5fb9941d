/**
 * A simulation ready to run: the price model compiled, and each variant's account as an engine
 * state (spec/simulate.md). Built the same way, from the same input, in every worker, so every
 * worker walks the same paths through the same accounts.
 *
 * Variants edit the account as written, before it is checked:
 * - "leverage": every position's leverage; an isolated position's margin becomes its initial margin
 *   at that leverage (notional at entry / leverage, Binance's "Initial Margin = Notional / Leverage"),
 *   unless the variant sets "isolatedMargin" too;
 * - "quantity": every position's quantity (an isolated margin is re-derived likewise);
 * - "isolatedMargin": every position isolated with this margin;
 * - "venue": the venue (a built-in id or {"extends": ..., overrides});
 * - "balance": the account's balance;
 * - "stopLossPercent": a stop-loss on every position at a loss of this fraction of the balance,
 *   placed through the engine's own "stop-loss" command ("lossPercent", spec/engine.md);
 * - "policy": the answer to a margin call, instead of the simulation's;
 * - "funding" / "financing": what holding the positions costs, instead of the model's (payments.ts).
 */
import type { AccountSnapshot } from '../core/account/account-snapshot.js';
import type { Command, EngineState } from '../core/engine/engine-types.js';
import { instantOf, type Instant } from '../core/engine/instant.js';
import { barWalk } from '../core/engine/replay.js';
import { initialState, step } from '../core/engine/step.js';
import { DECIMALS_WITHOUT_TICK, markPrices } from '../core/liquidation/threshold-price.js';
import { conversionPairs, ratesAt } from '../core/instrument/conversion.js';
import { valuationBasis, marginScopes } from '../core/margin/margin-scope.js';
import { initialMarginAt } from '../core/margin/position-measures.js';
import { decimal, divide, sign, toApproximateNumber, toDecimalString } from '../core/money/decimal.js';
import { fromDecimal, roundRationalToIncrement } from '../core/money/rational.js';
import { asRate, type InstrumentId } from '../core/money/units.js';
import type { Bar } from '../core/replay/price-file.js';
import { err, formatProblem, ok, type Problem, type Result } from '../core/result.js';
import type { JsonObject } from '../core/snapshot/input-reader.js';
import { parseSnapshot } from '../core/snapshot/parse-snapshot.js';
import { VariantRunner } from './path-engine.js';
import { PayingRunner } from './paying-runner.js';
import { paymentSchedule } from './payments.js';
import type { FundingRow } from '../core/replay/funding-file.js';
import type { PriceColumn } from './ticks.js';
import {
  BootstrapModel, cholesky, gapCountsFor, gapDays, GbmModel, ReplayModel, type PathModel,
} from './price-model.js';
import type { GbmModel as GbmInput, PerInstrument, Policy, SimulationInput, VariantInput } from './sim-input.js';

export interface Simulation {
  readonly input: SimulationInput;
  readonly model: PathModel;
  readonly paths: number;
  readonly steps: number;
  readonly horizonDays: number;
  /** Days from the start to observation k (index k, 0 = the start). */
  readonly days: Float64Array;
  readonly currencyDecimals: number;
  readonly variants: readonly VariantRunner[];
}

const MS_PER_DAY = 86_400_000;

const problem = (path: string, message: string): Problem => ({ path, code: 'input/out-of-range', message });

function edited(base: JsonObject, variant: VariantInput, isolatedMargins?: readonly (string | undefined)[]): JsonObject {
  const copy = structuredClone(base) as Record<string, unknown>;
  if (variant.venue !== undefined) copy.venue = variant.venue;
  if (variant.balance && typeof copy.account === 'object' && copy.account !== null) {
    copy.account = { ...(copy.account as JsonObject), balance: toDecimalString(variant.balance) };
  }
  if (Array.isArray(copy.positions)) {
    copy.positions = copy.positions.map((entry: unknown, index: number) => {
      if (typeof entry !== 'object' || entry === null) return entry;
      const position = { ...(entry as JsonObject) } as Record<string, unknown>;
      if (variant.leverage) position.leverage = toDecimalString(variant.leverage);
      if (variant.quantity) position.quantity = toDecimalString(variant.quantity);
      if (variant.isolatedMargin) position.isolatedMargin = toDecimalString(variant.isolatedMargin);
      else if (isolatedMargins?.[index] !== undefined) position.isolatedMargin = isolatedMargins[index];
      return position;
    });
  }
  return copy;
}

function parseAccount(account: JsonObject, where: (problem: Problem) => Problem): Result<AccountSnapshot, readonly Problem[]> {
  const parsed = parseSnapshot(account);
  return parsed.ok ? parsed : err(parsed.error.map(where));
}

/** The variant's account: edited, checked, and (leverage without a margin) isolated margins re-derived. */
function variantSnapshot(base: JsonObject, variant: VariantInput): Result<AccountSnapshot, readonly Problem[]> {
  const where = (inner: Problem): Problem => problem(variant.path, `makes the account invalid: account.${formatProblem(inner)}`);
  const first = parseAccount(edited(base, variant), where);
  if (!first.ok || (!variant.leverage && !variant.quantity) || variant.isolatedMargin) return first;
  const snapshot = first.value;
  const scopes = marginScopes(snapshot);
  const margins = snapshot.positions.map((position) => {
    if (!position.isolatedMargin) return undefined;
    const scope = scopes.find((candidate) => candidate.id === position.id);
    const basis = scope ? valuationBasis(snapshot.venue, scope) : 'mark';
    const entry = fromDecimal(position.entryPrice);
    const initial = initialMarginAt(snapshot.venue, position, entry, basis, ratesAt(position.instrument, markPrices(snapshot), entry));
    return toDecimalString(roundRationalToIncrement(initial, decimal(1n, snapshot.currencyDecimals), 'ceiling'));
  });
  return parseAccount(edited(base, variant, margins), where);
}

/** The starting engine state: the account, with the variant's stop-losses placed by the engine. */
function startState(snapshot: AccountSnapshot, variant: VariantInput | undefined, time: Instant): Result<EngineState, readonly Problem[]> {
  let state = initialState(snapshot);
  if (!variant?.stopLossPercent) return ok(state);
  const fraction = asRate(variant.stopLossPercent);
  for (const position of snapshot.positions) {
    const command: Command = { type: 'stop-loss', time, position: position.id, trigger: { kind: 'lossPercent', fraction } };
    const result = step(state, command);
    const refusal = result.events.find((event) => event.type === 'rejected');
    if (refusal) return err([problem(`${variant.path}.stopLossPercent`, `the venue refuses the stop-loss on ${position.id}: ${refusal.fields.message ?? ''}`)]);
    state = result.state;
  }
  return ok(state);
}

function figureFor(figure: PerInstrument, symbol: string, path: string, problems: Problem[]): number {
  if (typeof figure === 'number') return figure;
  const value = figure.get(symbol);
  if (value === undefined) {
    problems.push({ path, code: 'input/required', message: `gives no figure for ${symbol}, an instrument the account trades or converts through` });
    return 0;
  }
  return value;
}

function gbmModel(model: GbmInput, symbols: readonly string[], steps: number, horizonDays: number, startMs: number): Result<PathModel, readonly Problem[]> {
  const problems: Problem[] = [];
  const dt = horizonDays / model.daysPerYear / steps;
  const jumps = model.jumps;
  const kappa = jumps ? Math.exp(jumps.mean + (jumps.stdev * jumps.stdev) / 2) - 1 : 0;
  const intensity = jumps?.intensity ?? 0;
  const volatility = symbols.map((symbol) => figureFor(model.volatility, symbol, 'model.volatility', problems));
  const drift = symbols.map((symbol, index) => {
    const sigma = volatility[index] as number;
    return (figureFor(model.drift, symbol, 'model.drift', problems) - (sigma * sigma) / 2 - intensity * kappa) * dt;
  });
  for (const [field, figure] of [['model.volatility', model.volatility], ['model.drift', model.drift]] as const) {
    if (typeof figure !== 'number') {
      for (const symbol of figure.keys()) {
        if (!symbols.includes(symbol)) problems.push(problem(`${field}.${symbol}`, `${symbol} is not an instrument the account trades or converts through (${symbols.join(', ')})`));
      }
    }
  }
  let factor: Float64Array | null = null;
  if (model.correlation) {
    const { instruments, matrix } = model.correlation;
    const missing = symbols.filter((symbol) => !instruments.includes(symbol));
    const extra = instruments.filter((symbol) => !symbols.includes(symbol));
    if (missing.length || extra.length) {
      problems.push(problem('model.correlation.instruments', `must list exactly the instruments the account trades or converts through (${symbols.join(', ')})${extra.length ? `; not traded: ${extra.join(', ')}` : ''}`));
    } else {
      const order = symbols.map((symbol) => instruments.indexOf(symbol));
      const reordered = order.map((i) => order.map((j) => matrix[i]?.[j] ?? 0));
      const result = cholesky(reordered);
      if (typeof result === 'number') problems.push(problem('model.correlation.matrix', `is not a valid correlation matrix (not positive semi-definite at ${symbols[result]})`));
      else factor = result;
    }
  }
  if (problems.length) return err(problems);
  const gaps = model.gaps;
  const stepDays = horizonDays / steps;
  return ok(new GbmModel(steps, {
    drift, diffusion: volatility.map((sigma) => sigma * Math.sqrt(dt)), cholesky: factor,
    jumpRate: intensity * dt, jumpMean: jumps?.mean ?? 0, jumpStdev: jumps?.stdev ?? 0,
    gapCounts: gaps ? gapCountsFor(gapDays(gaps, startMs, horizonDays, model.daysPerYear), steps, stepDays) : null,
    gapMean: gaps?.mean ?? 0, gapStdev: gaps?.stdev ?? 0,
  }));
}

/** The historical bars of a bootstrap or replay, and a funding file's rows, read by the caller (I/O stays outside). */
export interface ModelData {
  readonly bars: readonly Bar[];
  readonly fundingRows?: readonly FundingRow[];
}

interface Compiled {
  readonly model: PathModel;
  readonly horizonDays: number;
  readonly days: Float64Array;
  readonly paths: number;
}

function fileModel(input: SimulationInput, snapshot: AccountSnapshot, symbols: readonly string[], data: ModelData | undefined): Result<Compiled, readonly Problem[]> {
  const model = input.model;
  if (model.type === 'gbm') throw new RangeError('not a file model');
  if (symbols.length !== 1) return err([problem('model.type', `a ${model.type} model moves one instrument; the account trades ${symbols.join(', ')}`)]);
  const symbol = symbols[0] as string;
  if (model.instrument !== undefined && model.instrument !== symbol) {
    return err([problem('model.instrument', `the account trades ${symbol}, not ${JSON.stringify(model.instrument)}`)]);
  }
  const bars = data?.bars ?? [];
  if (bars.length < 2) return err([problem('model.file', `has ${bars.length} bar${bars.length === 1 ? '' : 's'} in the window; a ${model.type} needs at least 2`)]);
  if (model.type === 'replay') {
    if (input.pathsGiven && input.paths !== 1) return err([problem('paths', `a replay is one historical path; leave "paths" out or set it to 1, got ${input.paths}`)]);
    if (input.steps !== undefined) return err([problem('steps', 'a replay takes its observations from the file; leave "steps" out')]);
    const net = snapshot.positions.reduce((total, position) => total + (position.side === 'long' ? 1 : -1) * toApproximateNumber(position.quantity), 0);
    const prices: number[] = [];
    const times: number[] = [];
    for (const bar of bars) {
      for (const price of barWalk(bar, net < 0 ? -1 : 1)) {
        prices.push(toApproximateNumber(price));
        times.push(bar.ms);
      }
    }
    const origin = prices[0] as number;
    const moves = Float64Array.from(prices.slice(1), (price) => Math.log(price / origin));
    const firstMs = times[0] as number;
    const days = Float64Array.from(times, (ms) => (ms - firstMs) / MS_PER_DAY);
    return ok({ model: new ReplayModel(moves), horizonDays: days[days.length - 1] as number, days, paths: 1 });
  }
  const steps = input.steps as number;
  const closes = bars.map((bar) => toApproximateNumber(bar.close));
  const returns = Float64Array.from(closes.slice(1), (close, index) => Math.log(close / (closes[index] as number)));
  if (model.block > returns.length) {
    return err([problem('model.block', `is ${model.block} returns, more than the ${returns.length} the file's window holds`)]);
  }
  const intervals = bars.slice(1).map((bar, index) => Math.abs(bar.ms - (bars[index] as Bar).ms)).sort((a, b) => a - b);
  const barDays = (intervals[Math.floor(intervals.length / 2)] as number) / MS_PER_DAY;
  const horizonDays = input.horizonDays ?? steps * barDays;
  if (Math.abs(horizonDays / steps - barDays) > 0.01 * barDays) {
    return err([problem('horizonDays', `is ${horizonDays} days over ${steps} steps (${horizonDays / steps} days a step), but the file's bars are ${barDays} days apart: each step draws one bar's return; leave horizonDays out or set it to ${steps * barDays}`)]);
  }
  return ok({ model: new BootstrapModel(steps, returns, model.block), horizonDays, days: uniformDays(steps, horizonDays), paths: input.paths });
}

function uniformDays(steps: number, horizonDays: number): Float64Array {
  return Float64Array.from({ length: steps + 1 }, (_, k) => (k * horizonDays) / steps);
}

function compileModel(input: SimulationInput, snapshot: AccountSnapshot, symbols: readonly string[], data: ModelData | undefined): Result<Compiled, readonly Problem[]> {
  const model = input.model;
  if (model.type !== 'gbm') return fileModel(input, snapshot, symbols, data);
  const horizonDays = input.horizonDays as number;
  const steps = input.steps as number;
  const compiled = gbmModel(model, symbols, steps, horizonDays, input.start.ms);
  if (!compiled.ok) return compiled;
  return ok({ model: compiled.value, horizonDays, days: uniformDays(steps, horizonDays), paths: input.paths });
}

/**
 * One price column per instrument the account trades, then per pair that converts one of them into
 * the account currency (EURGBP in a USD account: GBPUSD and EURUSD; conversion.ts), so the model
 * moves the conversions too.
 */
function priceColumnSymbols(snapshot: AccountSnapshot): InstrumentId[] {
  const traded = snapshot.positions.map((position) => position.instrument);
  return [...new Set([...traded.map((instrument) => instrument.symbol), ...traded.flatMap((instrument) => conversionPairs(instrument))])];
}

function priceColumns(snapshot: AccountSnapshot): Result<PriceColumn[], readonly Problem[]> {
  const symbols = priceColumnSymbols(snapshot);
  if (symbols.length === 0) return err([problem('account.positions', 'has no open position: there is nothing for a price path to move')]);
  return ok(symbols.map((symbol) => {
    const instrument = snapshot.positions.find((position) => position.instrument.symbol === symbol)?.instrument
      ?? snapshot.instruments?.get(symbol);
    const tick = instrument?.tickSize ?? decimal(1n, DECIMALS_WITHOUT_TICK);
    const mark = snapshot.marks.get(symbol) ?? decimal(0n);
    return { symbol, tick, tickValue: toApproximateNumber(tick), startTicks: toApproximateNumber(divide(mark, tick, 12, 'half-even')) };
  }));
}

/**
 * A problem with the model's funding or financing as a variant inherits it: said of the variant
 * (its venue may pay none), unless the account as given has it too (then it is said once, of the model).
 */
function inherited(found: Problem, variant: VariantInput | undefined): Problem {
  if (!variant || !found.path.startsWith('model.')) return found;
  const field = found.path.startsWith('model.funding') ? 'funding' : 'financing';
  return { ...found, path: variant.path, message: `inherits ${found.path}, which ${found.message}; set "${field}" in the variant ("0" for none)` };
}

export function buildSimulation(input: SimulationInput, data?: ModelData): Result<Simulation, readonly Problem[]> {
  const base = parseAccount(input.account, (inner) => ({ ...inner, path: inner.path ? `account.${inner.path}` : 'account' }));
  if (!base.ok) return base;
  const columns = priceColumns(base.value);
  if (!columns.ok) return columns;
  const symbols = columns.value.map((column) => column.symbol);
  const compiled = compileModel(input, base.value, symbols, data);
  if (!compiled.ok) return compiled;
  const { model, horizonDays, days, paths } = compiled.value;
  const startMs = input.start.ms;
  const times = Array.from(days, (day) => instantOf(Math.round(startMs + day * MS_PER_DAY)));
  const start = times[0] as Instant;
  const problems: Problem[] = [];
  const variants: VariantRunner[] = [];
  const specs: (VariantInput | undefined)[] = [undefined, ...input.variants];
  const baseCostProblems: Problem[] = [];
  for (const variant of specs) {
    const snapshot = variant ? variantSnapshot(input.account, variant) : base;
    if (!snapshot.ok) { problems.push(...snapshot.error); continue; }
    const held = new Set(priceColumnSymbols(snapshot.value));
    if (held.size !== symbols.length || symbols.some((symbol) => !held.has(symbol))) {
      problems.push(problem(variant?.path ?? 'account', 'must trade the same instruments as the account'));
      continue;
    }
    const state = startState(snapshot.value, variant, start);
    if (!state.ok) { problems.push(...state.error); continue; }
    const policy: Policy = variant?.policy ?? input.policy;
    if (policy.amount && sign(policy.amount) <= 0) problems.push(problem('policy.amount', 'must be positive'));
    const payments = paymentSchedule({
      snapshot: snapshot.value, times,
      costs: { ...input.costs, ...(variant?.funding ? { funding: variant.funding } : {}), ...(variant?.financing ? { financing: variant.financing } : {}) },
      paths: { funding: variant?.funding ? `${variant.path}.funding` : 'model.funding', financing: variant?.financing ? `${variant.path}.financing` : 'model.financing' },
      ...(data?.fundingRows ? { fundingRows: data.fundingRows } : {}),
    });
    if (!variant) baseCostProblems.push(...payments.problems);
    if (payments.problems.length) {
      const fresh = payments.problems.filter((each) => !variant || !baseCostProblems.some((known) => known.path === each.path && known.message === each.message));
      problems.push(...fresh.map((each) => inherited(each, variant)));
      continue;
    }
    const name = variant?.name ?? 'base';
    variants.push(payments.schedule.steps.length === 0
      ? new VariantRunner(name, state.value, policy, columns.value, times)
      : new PayingRunner(name, state.value, policy, columns.value, times, payments.schedule));
  }
  if (problems.length) return err(problems);
  return ok({
    input, model, paths, steps: model.steps, horizonDays, days,
    currencyDecimals: base.value.currencyDecimals, variants,
  });
}
