/**
 * Figures a program can read (spec/web.md): each carries `data-field`, its dotted path in the
 * report or results JSON, and `data-value`, the leaf as text: a string as the JSON has it, a number
 * or a boolean as JSON writes it, null as the empty string.
 */
export type Leaf = string | number | boolean | null;

export function dataValue(leaf: Leaf): string {
  if (leaf === null) return '';
  return typeof leaf === 'string' ? leaf : JSON.stringify(leaf);
}

/** Every leaf of a JSON value with its dotted path, in document order. */
export function leaves(value: unknown, prefix = ''): [string, Leaf][] {
  if (value === null || typeof value !== 'object') return [[prefix, value as Leaf]];
  const entries = Array.isArray(value) ? value.map((item, index) => [String(index), item] as const) : Object.entries(value);
  return entries.flatMap(([key, item]) => leaves(item, prefix ? `${prefix}.${key}` : key));
}
