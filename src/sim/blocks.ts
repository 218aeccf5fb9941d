/**
 * Paths run in fixed blocks of BLOCK_PATHS, whatever the number of workers: a block's figures
 * depend only on the seed and its index, and blocks are combined in index order, so the results
 * of a seed are the same, to the last bit, on one worker or many.
 *
 * Per block and variant the statistics are streamed: counts, sums and a maximum, plus two typed
 * columns the quantiles need (each path's loss, and the observation of its first liquidation).
 * No per-path object outlives its path.
 */
import { PathRandom } from './random.js';
import type { Simulation } from './simulation.js';

export const BLOCK_PATHS = 1024;

export const EVENT_NAMES = ['marginCall', 'liquidation', 'negativeBalance', 'debt'] as const;

export interface VariantBlock {
  /** Paths with a margin call, a liquidation, a negative balance, a debt (EVENT_NAMES order). */
  readonly counts: Int32Array;
  lossSum: number;
  debtSum: number;
  debtMax: number;
  venueLossSum: number;
  fundsAddedSum: number;
  /** What the paths paid in trading fees, funding and financing (negative: received). */
  feesSum: number;
  fundingSum: number;
  financingSum: number;
  readonly losses: Float64Array;
  /** Observation of the first liquidation, 0 = none. */
  readonly liquidationSteps: Int32Array;
}

export interface BlockResult {
  readonly block: number;
  readonly paths: number;
  readonly variants: readonly VariantBlock[];
}

export function blockCount(paths: number): number {
  return Math.ceil(paths / BLOCK_PATHS);
}

export function runBlock(simulation: Simulation, block: number, everyTick = false): BlockResult {
  const first = block * BLOCK_PATHS;
  const paths = Math.min(BLOCK_PATHS, simulation.paths - first);
  const { model, steps, variants, input } = simulation;
  const moves = new Float64Array(steps * model.columns);
  const range = new Float64Array(2 * model.columns);
  const random = new PathRandom();
  const results: VariantBlock[] = variants.map(() => ({
    counts: new Int32Array(EVENT_NAMES.length), lossSum: 0, debtSum: 0, debtMax: 0, venueLossSum: 0, fundsAddedSum: 0, feesSum: 0, fundingSum: 0, financingSum: 0,
    losses: new Float64Array(paths), liquidationSteps: new Int32Array(paths),
  }));
  for (let p = 0; p < paths; p++) {
    random.reset(input.seed, first + p);
    model.generate(random, moves, range);
    for (let v = 0; v < variants.length; v++) {
      const outcome = (variants[v] as (typeof variants)[number]).run(moves, range, steps, everyTick);
      const result = results[v] as VariantBlock;
      const { counts } = result;
      if (outcome.marginCall) counts[0] = (counts[0] as number) + 1;
      if (outcome.liquidation) counts[1] = (counts[1] as number) + 1;
      if (outcome.negativeBalance) counts[2] = (counts[2] as number) + 1;
      if (outcome.debt) counts[3] = (counts[3] as number) + 1;
      result.lossSum += outcome.loss;
      result.debtSum += outcome.debtAmount;
      if (outcome.debtAmount > result.debtMax) result.debtMax = outcome.debtAmount;
      result.venueLossSum += outcome.venueLoss;
      result.fundsAddedSum += outcome.fundsAdded;
      result.feesSum += outcome.fees;
      result.fundingSum += outcome.funding;
      result.financingSum += outcome.financing;
      result.losses[p] = outcome.loss;
      result.liquidationSteps[p] = outcome.liquidationStep;
    }
  }
  return { block, paths, variants: results };
}
