/**
 * The simulation input is edited as the JSON it is (spec/simulate.md), one value at a path: the
 * form reads a field at `variants[1].leverage` and writes it back there, so what the form does not
 * show (a correlation, a variant's balance) is kept as it was. Paths are written as the core writes
 * a Problem's path (`model.jumps.mean`, `variants[0].name`), so a problem lands under its field.
 */
export type Segment = string | number;

/** `variants[1].leverage` -> ['variants', 1, 'leverage']; `instruments["A B"]` -> ['instruments', 'A B']. */
export function segments(path: string): Segment[] {
  const parts: Segment[] = [];
  const pattern = /([^.[\]]+)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/g;
  for (const match of path.matchAll(pattern)) {
    if (match[1] !== undefined) parts.push(match[1]);
    else if (match[2] !== undefined) parts.push(Number(match[2]));
    else if (match[3] !== undefined) parts.push(JSON.parse(match[3]) as string);
  }
  return parts;
}

function child(value: unknown, key: Segment): unknown {
  if (typeof value !== 'object' || value === null) return undefined;
  return (value as Record<string, unknown>)[key];
}

/** The value at `path`, or undefined where the input has none. */
export function valueAt(root: unknown, path: string): unknown {
  return segments(path).reduce(child, root);
}

/** A copy of `root` with `value` at `path` (objects made on the way); undefined removes the key. */
export function withValue<T>(root: T, path: string, value: unknown): T {
  const parts = segments(path);
  const copy = structuredClone(root) as unknown;
  let at = copy as Record<Segment, unknown>;
  parts.forEach((key, index) => {
    const last = index === parts.length - 1;
    if (last) {
      if (value === undefined && !Array.isArray(at)) delete at[key];
      else at[key] = value;
      return;
    }
    const next = at[key];
    if (typeof next !== 'object' || next === null) at[key] = typeof parts[index + 1] === 'number' ? [] : {};
    at = at[key] as Record<Segment, unknown>;
  });
  return copy as T;
}

/** The text a field shows for a value: a string as it is, anything else as JSON, nothing as ''. */
export function fieldText(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * A decimal field's text as the input's value: '' removes it, `{...}` that is JSON becomes that
 * object (a figure per instrument), anything else stays the string the user typed, so the core's
 * own parser says what is wrong with it.
 */
export function decimalValue(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  if (trimmed.startsWith('{')) {
    try {
      return JSON.parse(trimmed) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}

/** A count's text (steps, paths, seed, block) as the JSON number the input wants, or the text when it is not one. */
export function countValue(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  if (/^-?\d+$/.test(trimmed) && Number.isSafeInteger(Number(trimmed))) return Number(trimmed);
  return text;
}
