/**
 * Reading untrusted JSON with a path for every value, collecting one Problem per thing wrong rather
 * than stopping at the first (Zod's safeParse, without the dependency: the core has none).
 */
import { MAX_DECIMAL_DIGITS, parseDecimal, sign, type Decimal } from '../money/decimal.js';
import type { Problem, ProblemCode } from '../result.js';

const DIGITS_ONLY = /^-?\d+(?:\.\d+)?$/;

export type JsonObject = Readonly<Record<string, unknown>>;

export class ProblemList {
  readonly items: Problem[] = [];

  add(path: string, code: ProblemCode, message: string): undefined {
    this.items.push({ path, code, message });
    return undefined;
  }

  get empty(): boolean {
    return this.items.length === 0;
  }
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** `instruments.BTCUSDT`, `instruments["BTC/USD"]`, `positions[2]`. */
export function childPath(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  const step = IDENTIFIER.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
  return base ? `${base}${step}` : step.replace(/^\./, '');
}

/** How a value is shown in a message: strings quoted, numbers named as such. */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (typeof value === 'number') return `the number ${String(value)}`;
  if (typeof value === 'boolean') return `the boolean ${String(value)}`;
  if (Array.isArray(value)) return 'an array';
  return 'an object';
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function readObject(value: unknown, path: string, problems: ProblemList): JsonObject | undefined {
  if (isObject(value)) return value;
  return problems.add(path, value === undefined ? 'input/required' : 'input/wrong-type',
    value === undefined ? 'required' : `must be an object, got ${describe(value)}`);
}

export function readArray(value: unknown, path: string, problems: ProblemList): readonly unknown[] | undefined {
  if (Array.isArray(value)) return value;
  return problems.add(path, value === undefined ? 'input/required' : 'input/wrong-type',
    value === undefined ? 'required' : `must be an array, got ${describe(value)}`);
}

export function rejectUnknownKeys(object: JsonObject, allowed: readonly string[], path: string, problems: ProblemList): void {
  for (const key of Object.keys(object)) {
    if (!allowed.includes(key)) {
      problems.add(childPath(path, key), 'input/unknown-field', `unknown field; expected one of: ${allowed.join(', ')}`);
    }
  }
}

export function readString(value: unknown, path: string, problems: ProblemList): string | undefined {
  if (typeof value === 'string' && value.length > 0) return value;
  if (value === undefined) return problems.add(path, 'input/required', 'required');
  return problems.add(path, 'input/wrong-type', `must be a non-empty string, got ${describe(value)}`);
}

export function readChoice<T extends string>(
  value: unknown, choices: readonly T[], path: string, problems: ProblemList,
): T | undefined {
  if (typeof value === 'string' && (choices as readonly string[]).includes(value)) return value as T;
  if (value === undefined) return problems.add(path, 'input/required', `required: one of ${choices.join(', ')}`);
  return problems.add(path, 'input/wrong-type', `must be one of ${choices.join(', ')}, got ${describe(value)}`);
}

export function readBoolean(value: unknown, path: string, problems: ProblemList): boolean | undefined {
  if (typeof value === 'boolean') return value;
  return problems.add(path, 'input/wrong-type', `must be true or false, got ${describe(value)}`);
}

export type DecimalRule = 'any' | 'positive' | 'non-negative';

const RULE_WORDS: Record<DecimalRule, string> = {
  any: 'a decimal',
  positive: 'a positive decimal',
  'non-negative': 'a decimal of zero or more',
};

/** A decimal travels as a JSON string ("31967.27"), never a JSON number. */
export function readDecimal(value: unknown, path: string, problems: ProblemList, rule: DecimalRule): Decimal | undefined {
  const wanted = `must be ${RULE_WORDS[rule]} written as a string`;
  if (value === undefined) return problems.add(path, 'input/required', `required: ${RULE_WORDS[rule]}`);
  if (typeof value === 'number') {
    return problems.add(path, 'input/not-a-decimal', `${wanted} (decimals travel as JSON strings), got ${describe(value)}`);
  }
  if (typeof value === 'string' && DIGITS_ONLY.test(value) && value.replace(/\D/g, '').length > MAX_DECIMAL_DIGITS) {
    return problems.add(path, 'input/out-of-range', `has more than ${MAX_DECIMAL_DIGITS} digits, got ${describe(value)}`);
  }
  const parsed = typeof value === 'string' ? parseDecimal(value) : undefined;
  if (!parsed) return problems.add(path, 'input/not-a-decimal', `${wanted}, got ${describe(value)}`);
  if ((rule === 'positive' && sign(parsed) <= 0) || (rule === 'non-negative' && sign(parsed) < 0)) {
    return problems.add(path, 'input/out-of-range', `must be ${RULE_WORDS[rule]}, got ${describe(value)}`);
  }
  return parsed;
}
