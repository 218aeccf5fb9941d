/**
 * Price paths as log moves: x_k = ln(S_k / S_0) for observation k = 1..steps, per instrument, written
 * into one reused Float64Array per path (observation-major: [(k - 1) × n + i]).
 *
 * - GBM (dS/S = mu dt + sigma dW), exact in log space:
 *     x_k = x_{k-1} + (mu - sigma²/2 - lambda × kappa) dt + sigma √dt Z_k  (+ jumps, + gaps)
 *   with Merton jumps (Merton, "Option pricing when underlying stock returns are discontinuous",
 *   J. Financial Economics 3, 1976): a Poisson process of intensity lambda per year whose jumps add
 *   a Normal(mean, stdev) log size; kappa = E[e^J - 1] = exp(mean + stdev²/2) - 1 compensates the
 *   drift so E[S_T] = S_0 e^{mu T} still holds. Arrival times are drawn as exponential gaps in
 *   continuous time, so a step's jump count is Poisson(lambda dt) exactly.
 *   Several instruments: Z = L ε with L the Cholesky factor of the correlation matrix; a jump or a
 *   gap hits every instrument at once, with one size (a market-wide move).
 * - Scheduled gaps: at the first observation at or after each gap time, x moves by Normal(mean, stdev)
 *   on top of the diffusion: weekends (the next Monday 00:00 UTC in calendar time, every 5 trading
 *   days in trading time), every day, every n days, or on listed days (news).
 * - Block bootstrap (Künsch, "The jackknife and the bootstrap for general stationary observations",
 *   Annals of Statistics 17, 1989): the path's returns are blocks of `block` consecutive historical
 *   log returns (close to close), each starting at a uniformly drawn bar.
 * - Replay: one historical path, the file's prices relative to its first, walked through each bar as
 *   `stopout replay` walks it (open, the extreme against the account, the other extreme, close).
 */
import { ZIGGURAT_KN, ZIGGURAT_WN, type PathRandom } from './random.js';

export interface PathModel {
  /** Columns, in order. */
  readonly columns: number;
  readonly steps: number;
  /**
   * Writes a path's moves into `out`, and each column's lowest and highest x over the path into
   * `range` ([2i], [2i + 1]): a variant whose quiet band holds the whole range has nothing to do.
   */
  generate(random: PathRandom, out: Float64Array, range: Float64Array): void;
}

/** Lowest and highest x of each column over a path written in `out`. */
function rangeOf(out: Float64Array, columns: number, steps: number, range: Float64Array): void {
  for (let i = 0; i < columns; i++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let k = 0, index = i; k < steps; k++, index += columns) {
      const x = out[index] as number;
      if (x < lo) lo = x;
      if (x > hi) hi = x;
    }
    range[2 * i] = lo;
    range[2 * i + 1] = hi;
  }
}

export interface GbmTerms {
  /** Per column, per step: the drift of x (compensated) and sigma √dt. */
  readonly drift: readonly number[];
  readonly diffusion: readonly number[];
  /** Lower-triangular Cholesky factor, row-major n × n; null = independent. */
  readonly cholesky: Float64Array | null;
  /** Jumps per step (lambda dt); 0 = none. */
  readonly jumpRate: number;
  readonly jumpMean: number;
  readonly jumpStdev: number;
  /** Gaps per observation (index k - 1). */
  readonly gapCounts: Uint8Array | null;
  readonly gapMean: number;
  readonly gapStdev: number;
}

export class GbmModel implements PathModel {
  readonly columns: number;
  private readonly epsilon: Float64Array;
  /** The generator's state, while the hot loop holds it in locals. */
  private readonly state = new Int32Array(4);

  constructor(readonly steps: number, readonly terms: GbmTerms) {
    this.columns = terms.drift.length;
    this.epsilon = new Float64Array(this.columns);
  }

  generate(random: PathRandom, out: Float64Array, range: Float64Array): void {
    if (this.columns === 1) this.generateOne(random, out, range);
    else {
      this.generateMany(random, out);
      rangeOf(out, this.columns, this.steps, range);
    }
  }

  /**
   * One instrument: the hot loop of the simulator. xoshiro128** and the ziggurat's fast path
   * (random.ts next() and normal()) run inline with the generator's state in locals; the loop
   * breaks out for the rare cases (a ziggurat wedge or tail, a jump, a gap), which run through
   * the generator itself. The numbers drawn are exactly those of calling normal() each step.
   */
  private generateOne(random: PathRandom, out: Float64Array, range: Float64Array): void {
    const { steps, state } = this;
    const { jumpRate, jumpMean, jumpStdev, gapCounts, gapMean, gapStdev } = this.terms;
    const drift = this.terms.drift[0] as number;
    const diffusion = this.terms.diffusion[0] as number;
    let nextJump = jumpRate > 0 ? random.exponential() / jumpRate : Infinity;
    random.saveState(state);
    let s0 = state[0] as number;
    let s1 = state[1] as number;
    let s2 = state[2] as number;
    let s3 = state[3] as number;
    let x = 0;
    let lo = Infinity;
    let hi = -Infinity;
    let k = 0;
    // The first step (index) with a jump or a scheduled gap: the loop leaves the fast path there.
    let nextEvent = this.nextEvent(0, nextJump);
    while (k < steps) {
      let rejectedValue = 0;
      let rejectedLayer = -1;
      let rare = false;
      for (; k < steps; k++) {
        const scrambled = Math.imul(s1, 5);
        const bits = Math.imul((scrambled << 7) | (scrambled >>> 25), 9);
        const t = s1 << 9;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = (s3 << 11) | (s3 >>> 21);
        const value = bits >> 7;
        const layer = bits & 127;
        if (!(Math.abs(value) < (ZIGGURAT_KN[layer] as number))) {
          rejectedValue = value;
          rejectedLayer = layer;
          rare = true;
          break;
        }
        x += drift + diffusion * (value * (ZIGGURAT_WN[layer] as number));
        if (k >= nextEvent) {
          rare = true;
          break;
        }
        out[k] = x;
        if (x < lo) lo = x;
        if (x > hi) hi = x;
      }
      if (!rare) break;
      state[0] = s0;
      state[1] = s1;
      state[2] = s2;
      state[3] = s3;
      random.loadState(state);
      if (rejectedLayer >= 0) x += drift + diffusion * random.normalSlow(rejectedValue, rejectedLayer);
      while (nextJump <= k + 1) {
        x += jumpMean + jumpStdev * random.normal();
        nextJump += random.exponential() / jumpRate;
      }
      if (gapCounts !== null) {
        for (let g = gapCounts[k] as number; g > 0; g--) x += gapMean + gapStdev * random.normal();
      }
      out[k] = x;
      if (x < lo) lo = x;
      if (x > hi) hi = x;
      k++;
      nextEvent = this.nextEvent(k, nextJump);
      random.saveState(state);
      s0 = state[0] as number;
      s1 = state[1] as number;
      s2 = state[2] as number;
      s3 = state[3] as number;
    }
    state[0] = s0;
    state[1] = s1;
    state[2] = s2;
    state[3] = s3;
    random.loadState(state);
    range[0] = lo;
    range[1] = hi;
  }

  /** The first step index from `from` holding a jump (arrival time `nextJump`, in steps) or a gap. */
  private nextEvent(from: number, nextJump: number): number {
    let event = nextJump === Infinity ? Infinity : Math.max(from, Math.ceil(nextJump) - 1);
    const { gapCounts } = this.terms;
    if (gapCounts !== null) {
      for (let k = from; k < event && k < this.steps; k++) {
        if ((gapCounts[k] as number) > 0) {
          event = k;
          break;
        }
      }
    }
    return event;
  }

  private generateMany(random: PathRandom, out: Float64Array): void {
    const { steps, columns: n, epsilon } = this;
    const { drift, diffusion, cholesky, jumpRate, jumpMean, jumpStdev, gapCounts, gapMean, gapStdev } = this.terms;
    let nextJump = jumpRate > 0 ? random.exponential() / jumpRate : Infinity;
    for (let k = 0; k < steps; k++) {
      for (let i = 0; i < n; i++) epsilon[i] = random.normal();
      let shock = 0;
      while (nextJump <= k + 1) {
        shock += jumpMean + jumpStdev * random.normal();
        nextJump += random.exponential() / jumpRate;
      }
      if (gapCounts !== null) {
        for (let g = gapCounts[k] as number; g > 0; g--) shock += gapMean + gapStdev * random.normal();
      }
      const row = k * n;
      const previous = row - n;
      for (let i = 0; i < n; i++) {
        let z = epsilon[i] as number;
        if (cholesky !== null) {
          z = 0;
          for (let j = 0; j <= i; j++) z += (cholesky[i * n + j] as number) * (epsilon[j] as number);
        }
        const before = k === 0 ? 0 : (out[previous + i] as number);
        out[row + i] = before + (drift[i] as number) + (diffusion[i] as number) * z + shock;
      }
    }
  }
}

/** Moving-block bootstrap of one instrument's historical log returns. */
export class BootstrapModel implements PathModel {
  readonly columns = 1;

  constructor(readonly steps: number, private readonly returns: Float64Array, private readonly block: number) {}

  generate(random: PathRandom, out: Float64Array, range: Float64Array): void {
    const starts = this.returns.length - this.block + 1;
    let x = 0;
    let k = 0;
    while (k < this.steps) {
      const first = Math.floor(random.uniform() * starts);
      for (let j = 0; j < this.block && k < this.steps; j++, k++) {
        x += this.returns[first + j] as number;
        out[k] = x;
      }
    }
    rangeOf(out, 1, this.steps, range);
  }
}

/** One fixed path: the same moves for every path. */
export class ReplayModel implements PathModel {
  readonly columns = 1;
  readonly steps: number;

  private readonly range = new Float64Array(2);

  constructor(private readonly moves: Float64Array) {
    this.steps = moves.length;
    rangeOf(moves, 1, this.steps, this.range);
  }

  generate(_random: PathRandom, out: Float64Array, range: Float64Array): void {
    out.set(this.moves);
    range.set(this.range);
  }
}

/** The lower-triangular L with L Lᵀ = matrix, or the index of the row where it fails (not positive definite). */
export function cholesky(matrix: readonly (readonly number[])[]): Float64Array | number {
  const n = matrix.length;
  const factor = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = matrix[i]?.[j] ?? 0;
      for (let k = 0; k < j; k++) sum -= (factor[i * n + k] as number) * (factor[j * n + k] as number);
      if (i === j) {
        if (sum <= -1e-12) return i;
        factor[i * n + i] = Math.sqrt(Math.max(sum, 0));
      } else {
        const diagonal = factor[j * n + j] as number;
        // A zero pivot (a perfectly correlated pair) leaves nothing for this entry to take up:
        // the matrix is valid only if nothing is left.
        if (diagonal > 0) factor[i * n + j] = sum / diagonal;
        else if (Math.abs(sum) > 1e-12) return i;
      }
    }
  }
  return factor;
}

const MS_PER_DAY = 86_400_000;

/**
 * Days (from the start) of the scheduled gaps within the horizon. Weekends: in calendar time
 * (daysPerYear >= 365) each Monday 00:00 UTC after the start; in trading time, every 5 trading days
 * counted from the start's weekday (a Monday start: days 5, 10, ...).
 */
export function gapDays(
  schedule: { readonly every?: 'weekend' | 'day' | number; readonly at: readonly number[] },
  startMs: number, horizonDays: number, daysPerYear: number,
): number[] {
  const days: number[] = [...schedule.at.filter((day) => day > 0 && day <= horizonDays)];
  const every = schedule.every;
  if (every === undefined) return days.sort((a, b) => a - b);
  let first: number;
  let interval: number;
  const startDay = startMs / MS_PER_DAY;
  const weekday = (((Math.floor(startDay) + 3) % 7) + 7) % 7; // 0 = Monday
  if (every === 'weekend') {
    if (daysPerYear >= 365) {
      interval = 7;
      first = Math.floor(startDay) + (7 - weekday) - startDay;
    } else {
      interval = 5;
      first = Math.max(0, 5 - Math.min(weekday, 5)) - (startDay - Math.floor(startDay));
      if (first <= 0) first += 5;
    }
  } else {
    interval = every === 'day' ? 1 : every;
    first = interval;
  }
  for (let day = first; day <= horizonDays + 1e-9; day += interval) if (day > 0) days.push(day);
  return days.sort((a, b) => a - b);
}

/** Gaps per observation: a gap at day g lands on the first observation at or after it. */
export function gapCountsFor(days: readonly number[], steps: number, stepDays: number): Uint8Array | null {
  if (days.length === 0) return null;
  const counts = new Uint8Array(steps);
  for (const day of days) {
    const k = Math.max(1, Math.ceil(day / stepDays - 1e-9));
    if (k <= steps) counts[k - 1] = Math.min(255, (counts[k - 1] as number) + 1);
  }
  return counts;
}
