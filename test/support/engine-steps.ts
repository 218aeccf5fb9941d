/**
 * Hand-worked engine tests: an account's starting state from its snapshot JSON, and commands given
 * as their JSON (through the contract's parser) stepped one after the other, each checked to keep
 * money conserved to the unit.
 */
import assert from 'node:assert/strict';
import {
  conservationGap, formatProblem, initialState, parseSnapshot, step, toDecimalString, type EngineEvent, type EngineState,
} from '../../src/core/index.js';
import { parseCommand } from '../../src/core/engine/parse-command.js';
import { ProblemList } from '../../src/core/snapshot/input-reader.js';

type Json = Readonly<Record<string, unknown>>;

export function engineFrom(snapshot: Json): EngineState {
  const parsed = parseSnapshot(snapshot);
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.error.map(formatProblem).join('\n'));
  return initialState(parsed.value);
}

export function stepJson(start: EngineState, ...commands: readonly Json[]): { state: EngineState; events: EngineEvent[] } {
  let state = start;
  const events: EngineEvent[] = [];
  for (const json of commands) {
    const problems = new ProblemList();
    const command = parseCommand(json, 'command', { instruments: state.instruments, currencyDecimals: state.snapshot.currencyDecimals }, problems);
    assert.ok(command, problems.items.map(formatProblem).join('\n'));
    const result = step(state, command);
    assert.equal(toDecimalString(conservationGap(result.state)), toDecimalString(conservationGap(state)), 'money is conserved');
    state = result.state;
    events.push(...result.events);
  }
  return { state, events };
}
