// The numpy baseline for bench/simulate.ts: runs bench/sim_numpy.py (same model, vectorised numpy,
// optionally over a process pool) on one JSON object and reads its JSON answer back.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('./sim_numpy.py', import.meta.url));

export interface NumpyVariant {
  readonly name: string;
  readonly side: 'long' | 'short';
  /** Log of liquidation price / start price: liquidated once x <= this (long) or x >= this (short). */
  readonly liquidationLog: number;
  /** Same for the margin call; null when the variant has none. */
  readonly marginCallLog: number | null;
}

export interface NumpyJumps {
  /** Poisson jumps per year. */
  readonly intensity: number;
  /** Mean and standard deviation of the log jump size. */
  readonly mean: number;
  readonly stdev: number;
}

export interface NumpyParams {
  readonly paths: number;
  readonly steps: number;
  /** Horizon / steps, in years. */
  readonly dtYears: number;
  readonly seed: number;
  /** Annualised drift and volatility: dS/S = mu dt + sigma dW. */
  readonly mu: number;
  readonly sigma: number;
  /** Merton jumps (compensated, so E[S_T] = S_0 e^{mu T}); null for plain GBM. */
  readonly jumps: NumpyJumps | null;
  readonly variants: readonly NumpyVariant[];
  /** 1 = the python process alone; N = a multiprocessing pool of N workers over path chunks. */
  readonly processes: number;
  /** Paths per chunk (memory: chunk x steps float64 per process). */
  readonly chunk: number;
  /**
   * How jumps are drawn (same law either way): 'path' (default) draws each path's jump count over
   * the horizon and places the jumps in uniform steps; 'step' draws a Poisson count for every step.
   */
  readonly jumpSampling?: 'path' | 'step';
}

export interface NumpyVariantResult {
  readonly name: string;
  readonly liquidation: number;
  readonly liquidationSE: number;
  readonly marginCall: number | null;
  readonly marginCallSE: number | null;
  /** Mean first liquidation step (1-based) over the liquidated paths; null when none was. */
  readonly meanLiquidationStep: number | null;
}

export interface NumpyResult {
  readonly pathSteps: number;
  /** Wall time of the simulation alone (no interpreter start, JSON parsing or pool start-up). */
  readonly seconds: number;
  readonly perSecond: number;
  readonly processes: number;
  readonly variants: readonly NumpyVariantResult[];
}

function canImportNumpy(): boolean {
  return spawnSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;
}

function aptInstall(): { ok: boolean; output: string } {
  const run = spawnSync('apt-get', ['install', '-y', 'python3-numpy'], {
    encoding: 'utf8',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  return { ok: run.status === 0, output: `${run.error?.message ?? ''}${run.stdout ?? ''}${run.stderr ?? ''}` };
}

/** Makes sure `python3 -c "import numpy"` works, installing python3-numpy with apt-get if not. */
export function ensureNumpy(): void {
  if (canImportNumpy()) return;
  process.stderr.write('numpy baseline: python3 cannot import numpy; running apt-get install -y python3-numpy\n');
  let install = aptInstall();
  if (!install.ok && /Unable to locate package|has no installation candidate|404\s+Not Found|Failed to fetch/i.test(install.output)) {
    process.stderr.write('numpy baseline: package lists missing or stale; running apt-get update, then installing again\n');
    spawnSync('apt-get', ['update'], { stdio: 'ignore' });
    install = aptInstall();
  }
  if (!canImportNumpy()) {
    throw new Error(
      'numpy baseline: python3 still cannot import numpy (install python3 and numpy, e.g. apt-get install python3-numpy'
      + ` or pip install numpy).${install.output ? `\napt-get said:\n${install.output.trim()}` : ''}`,
    );
  }
}

/** Runs bench/sim_numpy.py on `params` and returns its figures. Call ensureNumpy() first. */
export function runNumpyBaseline(params: NumpyParams): NumpyResult {
  const run = spawnSync('python3', [SCRIPT], {
    input: JSON.stringify(params),
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  if (run.error) throw new Error(`numpy baseline: cannot run python3: ${run.error.message}`);
  if (run.status !== 0) {
    const how = run.status === null ? `signal ${run.signal}` : `exit code ${run.status}`;
    throw new Error(`numpy baseline: ${SCRIPT} failed (${how}):\n${run.stderr.trim()}`);
  }
  try {
    return JSON.parse(run.stdout) as NumpyResult;
  } catch {
    throw new Error(`numpy baseline: ${SCRIPT} printed no JSON:\n${run.stdout.trim()}\n${run.stderr.trim()}`);
  }
}
