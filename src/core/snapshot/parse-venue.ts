/**
 * `venue`: a built-in id, or a custom profile that extends one:
 *   {"extends": "mt5-standard", "negativeBalanceProtection": true, "stopOutLevel": "0.40"}
 *
 * Overrides every built-in accepts where they make sense:
 * - negativeBalanceProtection: true = the venue absorbs deficits; false = the client owes them;
 * - marginCallLevel / stopOutLevel: margin level (equity / used margin) as a fraction, "1.00" = 100 %;
 * - maintenanceLong / maintenanceShort: securities venues, fraction of market value;
 * - cureDays: securities venues, days a call may stay unmet before the broker sells.
 */
import { compareRational, fromDecimal } from '../money/rational.js';
import { BUILT_IN_VENUES, builtInVenue } from '../venue/built-in-venues.js';
import type { Threshold, VenueProfile } from '../venue/venue-profile.js';
import {
  childPath, describe, isObject, readBoolean, readDecimal, readString, rejectUnknownKeys, type ProblemList,
} from './input-reader.js';

const OVERRIDES = [
  'extends', 'id', 'name', 'negativeBalanceProtection', 'marginCallLevel', 'stopOutLevel',
  'maintenanceLong', 'maintenanceShort', 'cureDays',
] as const;

function builtIn(id: string, path: string, problems: ProblemList): VenueProfile | undefined {
  const venue = builtInVenue(id);
  if (venue) return venue;
  return problems.add(path, 'input/unknown-venue',
    `unknown venue ${describe(id)}; built-in venues are: ${Object.keys(BUILT_IN_VENUES).join(', ')}`);
}

function readCureDays(value: unknown, path: string, problems: ProblemList): number | undefined {
  const days = typeof value === 'string' && /^\d{1,3}$/.test(value) ? Number(value) : value;
  if (typeof days === 'number' && Number.isInteger(days) && days >= 0 && days <= 365) return days;
  return problems.add(path, 'input/out-of-range', `must be a whole number of days from 0 to 365, got ${describe(value)}`);
}

export function parseVenue(value: unknown, path: string, problems: ProblemList): VenueProfile | undefined {
  if (typeof value === 'string') return builtIn(value, path, problems);
  if (value === undefined) return problems.add(path, 'input/required', 'required: a built-in venue id or {"extends": id, ...}');
  if (!isObject(value)) {
    return problems.add(path, 'input/wrong-type', `must be a built-in venue id or an object {"extends": id, ...}, got ${describe(value)}`);
  }
  const object = value;
  rejectUnknownKeys(object, OVERRIDES, path, problems);
  const baseId = readString(object.extends, childPath(path, 'extends'), problems);
  const base = baseId === undefined ? undefined : builtIn(baseId, childPath(path, 'extends'), problems);
  if (!base) return undefined;

  let venue: VenueProfile = {
    ...base,
    id: object.id === undefined ? base.id : readString(object.id, childPath(path, 'id'), problems) ?? base.id,
    name: object.name === undefined ? `${base.name} (customised)` : readString(object.name, childPath(path, 'name'), problems) ?? base.name,
  };
  if (object.negativeBalanceProtection !== undefined) {
    const protectedBalance = readBoolean(object.negativeBalanceProtection, childPath(path, 'negativeBalanceProtection'), problems);
    if (protectedBalance !== undefined) {
      venue = { ...venue, deficit: protectedBalance ? { kind: 'negative-balance-protection' } : { kind: 'client-debt' } };
    }
  }
  const level = (key: 'marginCallLevel' | 'stopOutLevel'): Threshold | undefined => {
    if (object[key] === undefined) return undefined;
    const parsed = readDecimal(object[key], childPath(path, key), problems, 'positive');
    return parsed ? { basis: 'initial', level: fromDecimal(parsed) } : undefined;
  };
  const marginCall = level('marginCallLevel');
  if (object.stopOutLevel !== undefined && base.liquidation.basis !== 'initial') {
    problems.add(childPath(path, 'stopOutLevel'), 'input/not-supported',
      `${base.id} liquidates on its maintenance margin, not on a margin level; a stop-out level applies to margin-level venues`);
  }
  const stopOut = base.liquidation.basis === 'initial' ? level('stopOutLevel') : undefined;
  if (marginCall) venue = { ...venue, marginCall };
  if (stopOut) venue = { ...venue, liquidation: stopOut };
  const call = venue.marginCall;
  if ((marginCall || stopOut) && call && call.basis === 'initial' && venue.liquidation.basis === 'initial'
    && compareRational(venue.liquidation.level, call.level) > 0) {
    problems.add(childPath(path, stopOut ? 'stopOutLevel' : 'marginCallLevel'), 'input/out-of-range',
      'the stop-out level must not be above the margin-call level: the call is the warning before the stop-out');
  }

  for (const key of ['maintenanceLong', 'maintenanceShort'] as const) {
    if (object[key] === undefined) continue;
    const model = venue.maintenance;
    if (model.kind !== 'securities') {
      problems.add(childPath(path, key), 'input/not-supported', `applies to securities venues only; ${base.id} sets maintenance another way`);
      continue;
    }
    const parsed = readDecimal(object[key], childPath(path, key), problems, 'positive');
    if (parsed) {
      venue = { ...venue, maintenance: { ...model, [key === 'maintenanceLong' ? 'long' : 'short']: fromDecimal(parsed) } };
    }
  }
  if (object.cureDays !== undefined) {
    if (base.maintenance.kind !== 'securities') {
      problems.add(childPath(path, 'cureDays'), 'input/not-supported', `applies to securities venues only; ${base.id} liquidates at once`);
    } else {
      const days = readCureDays(object.cureDays, childPath(path, 'cureDays'), problems);
      if (days !== undefined) venue = { ...venue, cureDays: days };
    }
  }
  return venue;
}
