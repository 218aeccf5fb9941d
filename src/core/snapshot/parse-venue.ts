/**
 * `venue`: a built-in id, or a custom profile that extends one:
 *   {"extends": "mt5-standard", "negativeBalanceProtection": true, "stopOutLevel": "0.40"}
 *
 * Overrides every built-in accepts where they make sense:
 * - negativeBalanceProtection: true = the venue absorbs deficits; false = the client owes them;
 * - marginCallLevel / stopOutLevel: margin level (equity / used margin) as a fraction, "1.00" = 100 %;
 * - maintenanceLong / maintenanceShort: securities venues, fraction of market value;
 * - cureDays: securities venues, days a call may stay unmet before the broker sells;
 * - liquidationFeeRate: the fee on a forced close as a fraction of the closed notional ("0" = none);
 * - fees: {"maker", "taker"}: trading fees on opens and closes, fractions of the filled notional
 *   (your tier's, in place of the base tier's; a negative maker fee is a rebate);
 * - fundingIntervalHours: hours between perpetual funding payments (a symbol on a 4-hour schedule);
 * - financing: {"dayCount", "tripleDay"}: the days a yearly financing rate is counted over (360 or
 *   365) and the weekday whose rollover is charged three nights.
 */
import { abs, compare, ONE } from '../money/decimal.js';
import { compareRational, fromDecimal, type Rational } from '../money/rational.js';
import { BUILT_IN_VENUES, builtInVenue } from '../venue/built-in-venues.js';
import { WEEKDAYS, type Threshold, type VenueProfile } from '../venue/venue-profile.js';
import {
  childPath, describe, isObject, readBoolean, readChoice, readDecimal, readObject, readString, rejectUnknownKeys, type JsonObject, type ProblemList,
} from './input-reader.js';

const OVERRIDES = [
  'extends', 'id', 'name', 'negativeBalanceProtection', 'marginCallLevel', 'stopOutLevel',
  'maintenanceLong', 'maintenanceShort', 'cureDays', 'liquidationFeeRate', 'fees', 'fundingIntervalHours', 'financing',
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

/** marginCallLevel and stopOutLevel: thresholds on the margin level, where the venue uses one. */
function withLevels(venue: VenueProfile, object: JsonObject, path: string, problems: ProblemList): VenueProfile {
  const level = (key: 'marginCallLevel' | 'stopOutLevel'): Threshold | undefined => {
    if (object[key] === undefined) return undefined;
    const parsed = readDecimal(object[key], childPath(path, key), problems, 'positive');
    return parsed ? { basis: 'initial', level: fromDecimal(parsed) } : undefined;
  };
  const marginCall = level('marginCallLevel');
  if (object.stopOutLevel !== undefined && venue.liquidation.basis !== 'initial') {
    problems.add(childPath(path, 'stopOutLevel'), 'input/not-supported',
      `${venue.id} liquidates on its maintenance margin, not on a margin level; a stop-out level applies to margin-level venues`);
  }
  const stopOut = venue.liquidation.basis === 'initial' ? level('stopOutLevel') : undefined;
  const result: VenueProfile = { ...venue, ...(marginCall ? { marginCall } : {}), ...(stopOut ? { liquidation: stopOut } : {}) };
  const call = result.marginCall;
  if ((marginCall || stopOut) && call && call.basis === 'initial' && result.liquidation.basis === 'initial'
    && compareRational(result.liquidation.level, call.level) > 0) {
    problems.add(childPath(path, stopOut ? 'stopOutLevel' : 'marginCallLevel'), 'input/out-of-range',
      'the stop-out level must not be above the margin-call level: the call is the warning before the stop-out');
  }
  return result;
}

/** maintenanceLong, maintenanceShort and cureDays: house requirements of a securities venue. */
function withSecuritiesTerms(venue: VenueProfile, object: JsonObject, path: string, problems: ProblemList): VenueProfile {
  let result = venue;
  for (const key of ['maintenanceLong', 'maintenanceShort'] as const) {
    if (object[key] === undefined) continue;
    const model = result.maintenance;
    if (model.kind !== 'securities') {
      problems.add(childPath(path, key), 'input/not-supported', `applies to securities venues only; ${venue.id} sets maintenance another way`);
      continue;
    }
    const parsed = readDecimal(object[key], childPath(path, key), problems, 'positive');
    if (parsed) {
      result = { ...result, maintenance: { ...model, [key === 'maintenanceLong' ? 'long' : 'short']: fromDecimal(parsed) } };
    }
  }
  if (object.cureDays === undefined) return result;
  if (venue.maintenance.kind !== 'securities') {
    problems.add(childPath(path, 'cureDays'), 'input/not-supported', `applies to securities venues only; ${venue.id} liquidates at once`);
    return result;
  }
  const days = readCureDays(object.cureDays, childPath(path, 'cureDays'), problems);
  return days === undefined ? result : { ...result, cureDays: days };
}

/** A fee rate: a fraction of the notional strictly between -1 and 1. */
function readFeeRate(value: unknown, path: string, problems: ProblemList) {
  const rate = readDecimal(value, path, problems, 'any');
  if (rate && compare(abs(rate), ONE) >= 0) {
    return problems.add(path, 'input/out-of-range', `a fraction of the notional between -1 and 1 ("0.0005" = 0.05 %), got ${describe(value)}`);
  }
  return rate;
}

/** A whole number from `low` to `high`, given as a number or a string of digits. */
function readWhole(value: unknown, path: string, low: number, high: number, problems: ProblemList): number | undefined {
  const number = typeof value === 'string' && /^\d{1,4}$/.test(value) ? Number(value) : value;
  if (typeof number === 'number' && Number.isInteger(number) && number >= low && number <= high) return number;
  return problems.add(path, 'input/out-of-range', `must be a whole number from ${low} to ${high}, got ${describe(value)}`);
}

/** fees, fundingIntervalHours and financing: what holding and trading cost at this venue. */
function withCosts(venue: VenueProfile, object: JsonObject, path: string, problems: ProblemList): VenueProfile {
  let result = venue;
  if (object.fees !== undefined) {
    const fees = readObject(object.fees, childPath(path, 'fees'), problems);
    if (fees) {
      rejectUnknownKeys(fees, ['maker', 'taker'], childPath(path, 'fees'), problems);
      const rate = (key: 'maker' | 'taker'): Rational => {
        const given = fees[key] === undefined ? undefined : readFeeRate(fees[key], childPath(childPath(path, 'fees'), key), problems);
        return given ? fromDecimal(given) : result.fees[key];
      };
      result = { ...result, fees: { maker: rate('maker'), taker: rate('taker') } };
    }
  }
  if (object.fundingIntervalHours !== undefined) {
    const hours = readWhole(object.fundingIntervalHours, childPath(path, 'fundingIntervalHours'), 1, 24, problems);
    if (hours !== undefined) result = { ...result, fundingIntervalHours: hours };
  }
  if (object.financing !== undefined) {
    const terms = readObject(object.financing, childPath(path, 'financing'), problems);
    if (terms) {
      rejectUnknownKeys(terms, ['dayCount', 'tripleDay'], childPath(path, 'financing'), problems);
      const dayCount = terms.dayCount === undefined ? result.financing?.dayCount ?? 365
        : readWhole(terms.dayCount, childPath(childPath(path, 'financing'), 'dayCount'), 360, 366, problems);
      const tripleDay = terms.tripleDay === undefined ? result.financing?.tripleDay ?? 'wednesday'
        : readChoice(terms.tripleDay, WEEKDAYS, childPath(childPath(path, 'financing'), 'tripleDay'), problems);
      if (dayCount !== undefined && tripleDay) result = { ...result, financing: { dayCount, tripleDay } };
    }
  }
  return result;
}

export function parseVenue(value: unknown, path: string, problems: ProblemList): VenueProfile | undefined {
  if (typeof value === 'string') return builtIn(value, path, problems);
  if (value === undefined) return problems.add(path, 'input/required', 'required: a built-in venue id or {"extends": id, ...}');
  if (!isObject(value)) {
    return problems.add(path, 'input/wrong-type', `must be a built-in venue id or an object {"extends": id, ...}, got ${describe(value)}`);
  }
  rejectUnknownKeys(value, OVERRIDES, path, problems);
  const baseId = readString(value.extends, childPath(path, 'extends'), problems);
  const base = baseId === undefined ? undefined : builtIn(baseId, childPath(path, 'extends'), problems);
  if (!base) return undefined;

  let venue: VenueProfile = {
    ...base,
    id: value.id === undefined ? base.id : readString(value.id, childPath(path, 'id'), problems) ?? base.id,
    name: value.name === undefined ? `${base.name} (customised)` : readString(value.name, childPath(path, 'name'), problems) ?? base.name,
  };
  if (value.negativeBalanceProtection !== undefined) {
    const protectedBalance = readBoolean(value.negativeBalanceProtection, childPath(path, 'negativeBalanceProtection'), problems);
    if (protectedBalance !== undefined) {
      venue = { ...venue, deficit: protectedBalance ? { kind: 'negative-balance-protection' } : { kind: 'client-debt' } };
    }
  }
  if (value.liquidationFeeRate !== undefined) {
    const rate = readDecimal(value.liquidationFeeRate, childPath(path, 'liquidationFeeRate'), problems, 'non-negative');
    if (rate && compare(rate, ONE) >= 0) {
      problems.add(childPath(path, 'liquidationFeeRate'), 'input/out-of-range', `must be a fraction below 1, got ${describe(value.liquidationFeeRate)}`);
    } else if (rate) venue = { ...venue, liquidationFeeRate: fromDecimal(rate) };
  }
  return withCosts(withSecuritiesTerms(withLevels(venue, value, path, problems), value, path, problems), value, path, problems);
}
