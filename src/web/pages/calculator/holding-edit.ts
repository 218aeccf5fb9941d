/**
 * The snapshot's holding rates as the form edits them (report.md additions, issue 12):
 * `funding` {symbol: rate per interval} at a venue with a funding interval, `financing`
 * {symbol: {longRate, shortRate} | {longPoints, shortPoints}} at a venue with financing terms.
 * Which of the two the form offers comes from the venue as the core reads it (a built-in id, or a
 * custom profile that may add `fundingIntervalHours` or `financing`). Text is kept as typed; a
 * blank rate is removed, and an emptied object with it, so a cleared form gives no `holding`.
 */
import { parseVenue } from '../../../core/snapshot/parse-venue.js';
import { ProblemList } from '../../../core/snapshot/input-reader.js';
import { asList, asRecord, withKey, type JsonRecord } from './snapshot-edit.js';

export type FinancingUnit = 'rate' | 'points';
export type FinancingSide = 'long' | 'short';

export interface HoldingTerms {
  /** Hours between funding payments, when the venue pays funding. */
  readonly fundingIntervalHours?: number;
  /** The financing year and triple day, when the venue charges overnight financing. */
  readonly financing?: { readonly dayCount: number; readonly tripleDay: string };
}

/** What the snapshot's venue charges for holding, as the core reads the venue; nothing when it cannot. */
export function holdingTerms(snapshot: unknown): HoldingTerms {
  const venue = parseVenue(asRecord(snapshot).venue, 'venue', new ProblemList());
  if (!venue) return {};
  return {
    ...(venue.fundingIntervalHours === undefined ? {} : { fundingIntervalHours: venue.fundingIntervalHours }),
    ...(venue.financing ? { financing: venue.financing } : {}),
  };
}

/** The symbols with a rate field: every position's instrument, then any other the rates name. */
export function holdingSymbols(snapshot: unknown, kind: 'funding' | 'financing'): string[] {
  const record = asRecord(snapshot);
  const traded = asList(record.positions).flatMap((position) => {
    const symbol = asRecord(position).instrument;
    return typeof symbol === 'string' && symbol !== '' ? [symbol] : [];
  });
  return [...new Set([...traded, ...Object.keys(asRecord(record[kind]))])];
}

/** `key` set to an object, or removed when the object is empty. */
function withObject(snapshot: unknown, key: string, value: JsonRecord): JsonRecord {
  return withKey(snapshot, key, Object.keys(value).length ? value : undefined);
}

export function setFundingRate(snapshot: unknown, symbol: string, text: string): JsonRecord {
  return withObject(snapshot, 'funding', withKey(asRecord(asRecord(snapshot).funding), symbol, text === '' ? undefined : text));
}

/** The unit an instrument's financing entry is in: points when it gives points, else a yearly rate. */
export function financingUnit(entry: unknown): FinancingUnit {
  const record = asRecord(entry);
  return record.longPoints !== undefined || record.shortPoints !== undefined ? 'points' : 'rate';
}

export const financingKey = (side: FinancingSide, unit: FinancingUnit): string => `${side}${unit === 'points' ? 'Points' : 'Rate'}`;

function setFinancingEntry(snapshot: unknown, symbol: string, entry: JsonRecord): JsonRecord {
  return withObject(snapshot, 'financing', withKey(asRecord(asRecord(snapshot).financing), symbol, Object.keys(entry).length ? entry : undefined));
}

/** One side's figure, in the entry's unit (or `unit`, the one chosen, while the entry is empty). */
export function setFinancingRate(snapshot: unknown, symbol: string, side: FinancingSide, unit: FinancingUnit, text: string): JsonRecord {
  const entry = asRecord(asRecord(asRecord(snapshot).financing)[symbol]);
  const key = financingKey(side, Object.keys(entry).length ? financingUnit(entry) : unit);
  return setFinancingEntry(snapshot, symbol, withKey(entry, key, text === '' ? undefined : text));
}

/** The entry's long and short figures moved to the other unit's keys (the numbers stay as typed); nothing to move, nothing changes. */
export function setFinancingUnit(snapshot: unknown, symbol: string, unit: FinancingUnit): JsonRecord {
  const entry = asRecord(asRecord(asRecord(snapshot).financing)[symbol]);
  const from = financingUnit(entry);
  if (from === unit || Object.keys(entry).length === 0) return asRecord(snapshot);
  const renamed = (key: string): string =>
    key === financingKey('long', from) ? financingKey('long', unit) : key === financingKey('short', from) ? financingKey('short', unit) : key;
  return setFinancingEntry(snapshot, symbol, Object.fromEntries(Object.entries(entry).map(([key, value]) => [renamed(key), value])));
}

/** The snapshot without its holding rates: for reports that only need its shocks or another venue's figures. */
export function withoutHoldingRates(snapshot: JsonRecord): JsonRecord {
  return withKey(withKey(snapshot, 'funding', undefined), 'financing', undefined);
}
