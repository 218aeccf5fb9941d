/**
 * The results of spec/simulate.md from the blocks, combined in block order. Monte Carlo statistics
 * are binary64 (DESIGN.md: the one place floats belong besides screening); every decision behind
 * them (a call, a liquidation, who pays) was taken by the engine on exact figures.
 *
 * - Probabilities p = paths with the event / paths, standard error √(p(1 - p) / paths).
 * - Client loss at the horizon: money put in (the balance, any funds added) minus what the account
 *   is worth at the last observation (balance + open P&L; below zero when the client owes).
 * - VaR_α: the ⌈α n⌉-th smallest loss; ES_α: the mean of the ⌊(1 - α) n⌋ largest (at least one),
 *   Acerbi & Tasche, "On the coherence of expected shortfall", J. Banking & Finance 26 (2002).
 * - Time to liquidation: days to the first liquidation, quantiles ⌈q m⌉-th of the m liquidated paths.
 * - Liquidation by day d (1, 7 and 30 within the horizon, and the horizon): the share of paths
 *   liquidated at an observation d days or less from the start, so the odds show as they grow.
 * - Costs: the mean over paths of what the client paid in trading fees, funding and financing over
 *   the horizon (negative: received), each from the engine's totals.
 */
import { EVENT_NAMES, type BlockResult } from './blocks.js';
import type { Simulation } from './simulation.js';

type Figures = Record<(typeof EVENT_NAMES)[number], string>;

export interface VariantResults {
  readonly name: string;
  readonly probabilities: Figures;
  readonly standardErrors: Figures;
  readonly loss: { readonly mean: string; readonly var95: string; readonly es95: string; readonly var99: string; readonly es99: string };
  readonly debt: { readonly mean: string; readonly max: string };
  readonly venueLoss: { readonly mean: string };
  readonly fundsAdded: { readonly mean: string };
  readonly costs: { readonly fees: string; readonly funding: string; readonly financing: string };
  /** Days ("1", "7", "30" within the horizon, and the horizon) to the share of paths liquidated by then. */
  readonly liquidationByDay: Readonly<Record<string, string>>;
  readonly timeToLiquidationDays: { readonly p10: string | null; readonly p50: string | null; readonly p90: string | null };
}

export interface SimulationResults {
  readonly paths: number;
  readonly seed: number;
  readonly steps: number;
  readonly horizonDays: string;
  readonly model: string;
  readonly variants: readonly VariantResults[];
}

const PROBABILITY_DECIMALS = 6;
const DAY_DECIMALS = 4;

function fixed(value: number, decimals: number): string {
  const text = value.toFixed(decimals);
  return /^-0\.?0*$/.test(text) ? text.slice(1) : text;
}

/** Shortest decimal for a count of days: 7, 0.5, 14.25. */
function days(value: number): string {
  return String(Number(value.toFixed(DAY_DECIMALS)));
}

/** Days a reader asks about: a day, a week, a month, as far as the horizon goes, and the horizon. */
const MILESTONE_DAYS = [1, 7, 30];
const DAY_TOLERANCE = 1e-9;

/** The share of paths liquidated by each milestone day, from the sorted days of their first liquidations. */
function liquidationByDay(sortedDays: readonly number[], horizonDays: number, paths: number): Record<string, string> {
  const milestones = [...MILESTONE_DAYS.filter((day) => day < horizonDays - DAY_TOLERANCE), horizonDays];
  const shares: Record<string, string> = {};
  let count = 0;
  for (const day of milestones) {
    while (count < sortedDays.length && (sortedDays[count] as number) <= day + DAY_TOLERANCE) count++;
    shares[days(day)] = fixed(count / paths, PROBABILITY_DECIMALS);
  }
  return shares;
}

function valueAtRisk(sorted: Float64Array, level: number): number {
  const index = Math.max(0, Math.ceil(level * sorted.length - 1e-9) - 1);
  return sorted[index] as number;
}

function expectedShortfall(sorted: Float64Array, level: number): number {
  const tail = Math.max(1, Math.floor((1 - level) * sorted.length + 1e-9));
  let total = 0;
  for (let i = sorted.length - tail; i < sorted.length; i++) total += sorted[i] as number;
  return total / tail;
}

export function combine(simulation: Simulation, blocks: readonly BlockResult[]): SimulationResults {
  const ordered = [...blocks].sort((a, b) => a.block - b.block);
  const n = simulation.paths;
  const money = (value: number): string => fixed(value, simulation.currencyDecimals);
  const variants = simulation.variants.map((variant, v): VariantResults => {
    const counts = new Array<number>(EVENT_NAMES.length).fill(0);
    let lossSum = 0;
    let debtSum = 0;
    let debtMax = 0;
    let venueLossSum = 0;
    let fundsAddedSum = 0;
    let feesSum = 0;
    let fundingSum = 0;
    let financingSum = 0;
    const losses = new Float64Array(n);
    const liquidationDays: number[] = [];
    let offset = 0;
    for (const block of ordered) {
      const part = block.variants[v];
      if (!part) continue;
      part.counts.forEach((count, index) => { counts[index] = (counts[index] as number) + count; });
      lossSum += part.lossSum;
      debtSum += part.debtSum;
      debtMax = Math.max(debtMax, part.debtMax);
      venueLossSum += part.venueLossSum;
      fundsAddedSum += part.fundsAddedSum;
      feesSum += part.feesSum;
      fundingSum += part.fundingSum;
      financingSum += part.financingSum;
      losses.set(part.losses, offset);
      offset += part.losses.length;
      for (const k of part.liquidationSteps) if (k > 0) liquidationDays.push(simulation.days[k] as number);
    }
    losses.sort();
    liquidationDays.sort((a, b) => a - b);
    const quantile = (q: number): string | null => liquidationDays.length === 0 ? null
      : days(liquidationDays[Math.max(0, Math.ceil(q * liquidationDays.length - 1e-9) - 1)] as number);
    const probabilities = {} as Figures;
    const standardErrors = {} as Figures;
    EVENT_NAMES.forEach((name, index) => {
      const p = (counts[index] as number) / n;
      probabilities[name] = fixed(p, PROBABILITY_DECIMALS);
      standardErrors[name] = fixed(Math.sqrt((p * (1 - p)) / n), PROBABILITY_DECIMALS);
    });
    return {
      name: variant.name,
      probabilities,
      standardErrors,
      loss: {
        mean: money(lossSum / n),
        var95: money(valueAtRisk(losses, 0.95)), es95: money(expectedShortfall(losses, 0.95)),
        var99: money(valueAtRisk(losses, 0.99)), es99: money(expectedShortfall(losses, 0.99)),
      },
      debt: { mean: money(debtSum / n), max: money(debtMax) },
      venueLoss: { mean: money(venueLossSum / n) },
      fundsAdded: { mean: money(fundsAddedSum / n) },
      costs: { fees: money(feesSum / n), funding: money(fundingSum / n), financing: money(financingSum / n) },
      timeToLiquidationDays: { p10: quantile(0.1), p50: quantile(0.5), p90: quantile(0.9) },
      liquidationByDay: liquidationByDay(liquidationDays, simulation.horizonDays, n),
    };
  });
  return {
    paths: n, seed: simulation.input.seed, steps: simulation.steps, horizonDays: days(simulation.horizonDays),
    model: simulation.input.model.type, variants,
  };
}
