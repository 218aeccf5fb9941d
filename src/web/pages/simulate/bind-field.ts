/**
 * A form field bound to one value of the simulation input: the text it shows, the core's problems
 * at its path, and the edit that writes the typed text back at that path (input-paths.ts), as a
 * decimal string, a JSON count or plain text. The form never judges a value itself: the core does.
 */
import type { Problem } from '../../../core/index.js';
import { countValue, decimalValue, fieldText, valueAt, withValue } from './input-paths.js';
import { problemAt } from './problems.js';

export type SimulationInput = Readonly<Record<string, unknown>>;

export type FieldKind = 'decimal' | 'count' | 'text';

export interface FormContext {
  readonly input: SimulationInput;
  readonly problems: readonly Problem[];
  readonly onInput: (input: SimulationInput) => void;
}

export interface BoundField {
  readonly value: string;
  readonly error: string | undefined;
  readonly onValue: (text: string) => void;
}

const CONVERT: Readonly<Record<FieldKind, (text: string) => unknown>> = {
  decimal: decimalValue,
  count: countValue,
  text: (text) => (text === '' ? undefined : text),
};

export function bind(context: FormContext, path: string, kind: FieldKind): BoundField {
  return {
    value: fieldText(valueAt(context.input, path)),
    error: problemAt(context.problems, path),
    onValue: (text) => context.onInput(withValue(context.input, path, CONVERT[kind](text))),
  };
}
