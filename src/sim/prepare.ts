/**
 * A simulation from untrusted input: the input read (sim-input.ts), then the account and the model
 * built (simulation.ts), or every problem found. Browser-safe (no Node module): the CLI's runner
 * (run.ts), its worker threads (worker.ts) and the web app's workers all start here, so each builds
 * the same simulation from the same input.
 */
import { err, type Problem, type Result } from '../core/result.js';
import { parseSnapshot } from '../core/snapshot/parse-snapshot.js';
import { parseSimulationInput } from './sim-input.js';
import { buildSimulation, type ModelData, type Simulation } from './simulation.js';

/** Parses and builds, or says what is wrong with the input. */
export function prepare(input: unknown, data?: ModelData): Result<Simulation, readonly Problem[]> {
  const parsed = parseSimulationInput(input);
  if (!parsed.ok) {
    // Say what is wrong with the account too, not only after the rest is fixed.
    const account = typeof input === 'object' && input !== null ? (input as { account?: unknown }).account : undefined;
    const snapshot = typeof account === 'object' && account !== null && !Array.isArray(account) ? parseSnapshot(account) : undefined;
    const more = snapshot && !snapshot.ok ? snapshot.error.map((problem) => ({ ...problem, path: problem.path ? `account.${problem.path}` : 'account' })) : [];
    return err([...parsed.error, ...more]);
  }
  return buildSimulation(parsed.value, data);
}
