/**
 * The edits the form makes to the snapshot JSON. Each returns a new document and leaves every field
 * the form does not model (instrument specs, venue overrides, fields the core rejects) where it was,
 * so what the user gave is reported as given. Text is stored exactly as typed, never re-formatted.
 * A blank optional field is removed, which report.md reads as: no id (the core names the position),
 * no chosen leverage, cross margin (no isolated margin), the entry price as the mark.
 */
export type JsonRecord = Readonly<Record<string, unknown>>;

export const isRecord = (value: unknown): value is JsonRecord => typeof value === 'object' && value !== null && !Array.isArray(value);
export const asRecord = (value: unknown): JsonRecord => (isRecord(value) ? value : {});
export const asList = (value: unknown): readonly unknown[] => (Array.isArray(value) ? value : []);

/** The object with `key` set to `value` in its place (appended when new); removed when `value` is undefined. */
export function withKey(object: unknown, key: string, value: unknown): JsonRecord {
  const record = asRecord(object);
  if (value === undefined) return Object.fromEntries(Object.entries(record).filter(([name]) => name !== key));
  return Object.hasOwn(record, key)
    ? Object.fromEntries(Object.entries(record).map(([name, old]) => [name, name === key ? value : old]))
    : { ...record, [key]: value };
}

/** The object with the key `from` renamed to `to`, in its place. */
function renameKey(object: JsonRecord, from: string, to: string): JsonRecord {
  return Object.fromEntries(Object.entries(object).map(([name, value]) => [name === from ? to : name, value]));
}

export const POSITION_KEYS = ['id', 'instrument', 'side', 'quantity', 'entryPrice', 'leverage', 'isolatedMargin'] as const;
export type PositionKey = (typeof POSITION_KEYS)[number];
const OPTIONAL_POSITION_KEYS: readonly PositionKey[] = ['id', 'leverage', 'isolatedMargin'];

/** The position's id as the core names it: its own, or `position-N` when it has none. */
export function positionId(position: unknown, index: number): string {
  const id = asRecord(position).id;
  return typeof id === 'string' && id !== '' ? id : `position-${index + 1}`;
}

/** A field as text for an input: a string as it is, anything else as its JSON, nothing as blank. */
export function fieldText(value: unknown): string {
  if (value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function setVenue(snapshot: unknown, venue: unknown): JsonRecord {
  return withKey(snapshot, 'venue', venue);
}

export function setAccountField(snapshot: unknown, key: 'currency' | 'balance', text: string): JsonRecord {
  return withKey(snapshot, 'account', withKey(asRecord(snapshot).account, key, text));
}

/** The instruments object, or no `instruments` at all when `value` is undefined. */
export function setInstruments(snapshot: unknown, value: unknown): JsonRecord {
  return withKey(snapshot, 'instruments', value);
}

/** `marks` with its blank object removed, so an emptied list reads as "every mark at entry". */
function withMarks(snapshot: unknown, marks: JsonRecord): JsonRecord {
  return withKey(snapshot, 'marks', Object.keys(marks).length ? marks : undefined);
}

/**
 * One field of one position. Renaming a position's instrument carries its mark along when no other
 * position trades the old symbol and the new one has no mark yet, so typing a symbol keeps the price.
 */
export function setPositionField(snapshot: unknown, index: number, key: PositionKey, text: string): JsonRecord {
  const positions = asList(asRecord(snapshot).positions);
  const old = asRecord(positions[index]);
  const value = text === '' && OPTIONAL_POSITION_KEYS.includes(key) ? undefined : text;
  const edited = positions.map((position, at) => (at === index ? withKey(old, key, value) : position));
  let next = withKey(snapshot, 'positions', edited);
  const before = old.instrument;
  if (key === 'instrument' && typeof before === 'string') {
    const marks = asRecord(asRecord(snapshot).marks);
    const stillTraded = edited.some((position) => asRecord(position).instrument === before);
    if (Object.hasOwn(marks, before) && !stillTraded && text !== '' && !Object.hasOwn(marks, text)) {
      next = withMarks(next, renameKey(marks, before, text));
    }
  }
  return next;
}

/** A new position: a copy of the last one (so the report stays whole) under a fresh id, or a blank long. */
export function addPosition(snapshot: unknown): JsonRecord {
  const positions = asList(asRecord(snapshot).positions);
  const taken = new Set(positions.map(positionId));
  let number = positions.length + 1;
  while (taken.has(`position-${number}`)) number += 1;
  const last = asRecord(positions[positions.length - 1]);
  const copied = Object.fromEntries(['instrument', 'side', 'quantity', 'entryPrice', 'leverage']
    .flatMap((key) => (last[key] === undefined ? [] : [[key, last[key]]])));
  const added = { id: `position-${number}`, instrument: '', side: 'long', quantity: '', entryPrice: '', ...copied };
  return withKey(snapshot, 'positions', [...positions, added]);
}

export function removePosition(snapshot: unknown, index: number): JsonRecord {
  return withKey(snapshot, 'positions', asList(asRecord(snapshot).positions).filter((_, at) => at !== index));
}

/** The symbols with a mark field: every position's instrument, then the marks of other symbols. */
export function markSymbols(snapshot: unknown): string[] {
  const record = asRecord(snapshot);
  const traded = asList(record.positions).flatMap((position) => {
    const symbol = asRecord(position).instrument;
    return typeof symbol === 'string' && symbol !== '' ? [symbol] : [];
  });
  return [...new Set([...traded, ...Object.keys(asRecord(record.marks))])];
}

export function setMark(snapshot: unknown, symbol: string, text: string): JsonRecord {
  return withMarks(snapshot, withKey(asRecord(snapshot).marks, symbol, text === '' ? undefined : text));
}

/** `shocks` as a list, removed when emptied (no shocks asked for). */
function withShocks(snapshot: unknown, shocks: readonly unknown[]): JsonRecord {
  return withKey(snapshot, 'shocks', shocks.length ? shocks : undefined);
}

export function setShock(snapshot: unknown, index: number, text: string): JsonRecord {
  return withShocks(snapshot, asList(asRecord(snapshot).shocks).map((shock, at) => (at === index ? text : shock)));
}

/** A new shock, a copy of the last so the report stays whole; the user then types the move. */
export function addShock(snapshot: unknown): JsonRecord {
  const shocks = asList(asRecord(snapshot).shocks);
  return withShocks(snapshot, [...shocks, shocks.length ? shocks[shocks.length - 1] : '-0.01']);
}

export function removeShock(snapshot: unknown, index: number): JsonRecord {
  return withShocks(snapshot, asList(asRecord(snapshot).shocks).filter((_, at) => at !== index));
}
