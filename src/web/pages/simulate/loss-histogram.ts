/**
 * The client's loss at the horizon, path by path, counted in bins: the blocks' `losses` columns
 * (src/sim/blocks.ts) of one variant. Monte Carlo statistics, so binary64 (DESIGN.md): the bin
 * width is a round number (1, 2, 2.5 or 5 × 10^k) near (largest - smallest) / TARGET_BINS, and bin
 * k holds the losses in [from + k·width, from + (k + 1)·width).
 */
import type { BlockResult } from '../../../sim/blocks.js';

export interface Histogram {
  readonly from: number;
  readonly width: number;
  readonly counts: readonly number[];
  readonly paths: number;
}

const TARGET_BINS = 40;

/** Variant `variant`'s losses over every block, in block order. */
export function variantLosses(blocks: readonly BlockResult[], variant: number): Float64Array {
  const total = blocks.reduce((sum, block) => sum + (block.variants[variant]?.losses.length ?? 0), 0);
  const losses = new Float64Array(total);
  let offset = 0;
  for (const block of blocks) {
    const part = block.variants[variant]?.losses;
    if (!part) continue;
    losses.set(part, offset);
    offset += part.length;
  }
  return losses;
}

/** The round step (1, 2, 2.5, 5 × 10^k) at or above `raw`. */
export function roundStep(raw: number): number {
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].find((factor) => factor * power >= raw * (1 - 1e-12)) ?? 10;
  return step * power;
}

export function histogram(losses: Float64Array): Histogram {
  if (losses.length === 0) return { from: 0, width: 1, counts: [], paths: 0 };
  let smallest = Infinity;
  let largest = -Infinity;
  for (const loss of losses) {
    if (loss < smallest) smallest = loss;
    if (loss > largest) largest = loss;
  }
  const width = roundStep(largest > smallest ? (largest - smallest) / TARGET_BINS : Math.max(Math.abs(largest) / 10, 1));
  const from = Math.floor(smallest / width) * width;
  const bins = Math.max(1, Math.floor((largest - from) / width) + 1);
  const counts = new Array<number>(bins).fill(0);
  for (const loss of losses) {
    const bin = Math.min(bins - 1, Math.floor((loss - from) / width));
    counts[bin] = (counts[bin] as number) + 1;
  }
  return { from, width, counts, paths: losses.length };
}
