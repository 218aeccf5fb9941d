/**
 * Reading a venue's JSON: every problem names the file and the field, and decimals are the venue's
 * own strings, checked and kept as sent (a venue's "0.00000" stays "0.00000"; only the report
 * rounds). Where a venue sends a JSON number (Binance's brackets), it is read by its shortest
 * round-trip decimal text, which is the digits the venue wrote for up to 15 significant digits.
 */
import { compare, dec, normalize, parseDecimal, sign, toDecimalString, type Decimal } from '../core/money/decimal.js';
import type { ImportProblem } from './import-types.js';

export type JsonObject = Readonly<Record<string, unknown>>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `[1].positionAmt`, `result.list[0].size`, `assetPositions[0].position.szi`. */
export function fieldPath(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  const step = /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
  return base ? `${base}${step}` : step.replace(/^\./, '');
}

export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (typeof value === 'number') return `the number ${String(value)}`;
  if (typeof value === 'boolean') return `the boolean ${String(value)}`;
  return Array.isArray(value) ? 'an array' : 'an object';
}

export type SignRule = 'any' | 'positive' | 'non-negative';

/** Problems collected for one import, each naming its file and field. */
export class ImportProblems {
  readonly items: ImportProblem[] = [];

  add(file: string, field: string, message: string): undefined {
    this.items.push({ file, field, message });
    return undefined;
  }

  get empty(): boolean {
    return this.items.length === 0;
  }
}

/** One file being read: its name, and where problems go. */
export class FileReader {
  constructor(readonly file: string, readonly problems: ImportProblems) {}

  problem(field: string, message: string): undefined {
    return this.problems.add(this.file, field, message);
  }

  object(value: unknown, field: string): JsonObject | undefined {
    if (isObject(value)) return value;
    return this.problem(field, value === undefined ? 'required' : `must be an object, got ${describeValue(value)}`);
  }

  array(value: unknown, field: string): readonly unknown[] | undefined {
    if (Array.isArray(value)) return value;
    return this.problem(field, value === undefined ? 'required' : `must be an array, got ${describeValue(value)}`);
  }

  string(value: unknown, field: string): string | undefined {
    if (typeof value === 'string' && value !== '') return value;
    return this.problem(field, value === undefined ? 'required' : `must be a non-empty string, got ${describeValue(value)}`);
  }

  /**
   * A decimal as the venue sent it: a JSON string (or, where `numbers` allows, a JSON number), in
   * plain notation, returned as a string for the snapshot. `rule` checks its sign.
   */
  decimal(value: unknown, field: string, rule: SignRule = 'any', numbers = false): string | undefined {
    const text = typeof value === 'string' ? value.trim()
      : typeof value === 'number' && numbers && Number.isFinite(value) ? numberText(value) : undefined;
    const parsed = text === undefined ? undefined : parseDecimal(text);
    if (!parsed || text === undefined) {
      const wanted = numbers ? 'a decimal' : 'a decimal written as a string';
      return this.problem(field, value === undefined ? `required: ${wanted}` : `must be ${wanted}, got ${describeValue(value)}`);
    }
    if ((rule === 'positive' && sign(parsed) <= 0) || (rule === 'non-negative' && sign(parsed) < 0)) {
      return this.problem(field, `must be ${rule === 'positive' ? 'above zero' : 'zero or more'}, got ${describeValue(value)}`);
    }
    return toDecimalString(parsed);
  }

  /** A whole number sent as a JSON number (Bybit's positionIdx, Hyperliquid's leverage.value). */
  integer(value: unknown, field: string): number | undefined {
    if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
    if (typeof value === 'string' && /^-?\d+$/.test(value)) return Number(value);
    return this.problem(field, value === undefined ? 'required: a whole number' : `must be a whole number, got ${describeValue(value)}`);
  }
}

/** A JSON number's decimal text without exponent: 0.0065 -> "0.0065", 1e-7 -> "0.0000001". */
export function numberText(value: number): string {
  const text = String(value);
  if (!/e/i.test(text)) return text;
  const [mantissa = '0', exponentText = '0'] = text.toLowerCase().split('e');
  const exponent = Number(exponentText);
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace(/^-/, '').replace('.', '');
  const point = mantissa.replace(/^-/, '').indexOf('.');
  const integerDigits = (point < 0 ? digits.length : point) + exponent;
  const body = integerDigits <= 0 ? `0.${'0'.repeat(-integerDigits)}${digits}`
    : integerDigits >= digits.length ? `${digits}${'0'.repeat(integerDigits - digits.length)}`
      : `${digits.slice(0, integerDigits)}.${digits.slice(integerDigits)}`;
  return `${negative ? '-' : ''}${body}`;
}

/** A decimal string, exact; throws only on a string the readers above did not produce. */
export function decimalOf(text: string): Decimal {
  return dec(text);
}

/** The string of a decimal without trailing zeros: "20.000" -> "20". */
export function plain(value: Decimal): string {
  return toDecimalString(normalize(value));
}

export function isZeroText(text: string): boolean {
  const parsed = parseDecimal(text);
  return parsed !== undefined && sign(parsed) === 0;
}

export function compareText(a: string, b: string): -1 | 0 | 1 {
  return compare(dec(a), dec(b));
}
