/**
 * Instants without the clock: ISO 8601 text <-> milliseconds since 1970-01-01T00:00:00Z, by the
 * proleptic Gregorian calendar (days-from-civil, H. Hinnant, "chrono-compatible low-level date
 * algorithms"). The core has no Date (it must not read the clock); times come in with commands.
 */

export interface Instant {
  /** As the command gave it, echoed on its events. */
  readonly text: string;
  readonly ms: number;
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
const MS_PER_DAY = 86_400_000;

/** Whether year-month-day is a real calendar date. */
export function isCalendarDate(year: number, month: number, day: number): boolean {
  return [year, month, day].every(Number.isInteger) && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

function civilFromDays(days: number): [number, number, number] {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return [yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day];
}

export function daysInMonth(year: number, month: number): number {
  return daysFromCivil(month === 12 ? year + 1 : year, month === 12 ? 1 : month + 1, 1) - daysFromCivil(year, month, 1);
}

/**
 * "2015-01-15", "2015-01-15T09:30:00Z", "2015-01-15T09:30:00.250+01:00"; a time without a zone
 * is UTC. Undefined for anything else, including impossible dates.
 */
export function parseInstant(text: string): Instant | undefined {
  const match = ISO.exec(text);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map((part) => Number(part ?? '0')) as
    [number, number, number, number, number, number];
  const fraction = match[7] ?? '';
  const zone = match[8];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) return undefined;
  let offsetMinutes = 0;
  if (zone && zone !== 'Z') {
    const digits = zone.replace(':', '');
    const hours = Number(digits.slice(1, 3));
    const minutes = Number(digits.slice(3, 5));
    if (hours > 23 || minutes > 59) return undefined;
    offsetMinutes = (zone.startsWith('-') ? -1 : 1) * (hours * 60 + minutes);
  }
  const millis = Number(fraction.padEnd(3, '0').slice(0, 3));
  const ms = daysFromCivil(year, month, day) * MS_PER_DAY + ((hour * 60 + minute - offsetMinutes) * 60 + second) * 1000 + millis;
  return { text, ms };
}

const two = (value: number): string => String(value).padStart(2, '0');

/** Milliseconds since the epoch as "YYYY-MM-DDTHH:MM:SSZ" (with ".sss" when not whole seconds). */
export function formatInstant(ms: number): string {
  const days = Math.floor(ms / MS_PER_DAY);
  const [year, month, day] = civilFromDays(days);
  const within = ms - days * MS_PER_DAY;
  const seconds = Math.floor(within / 1000);
  const millis = within - seconds * 1000;
  const clock = `${two(Math.floor(seconds / 3600))}:${two(Math.floor(seconds / 60) % 60)}:${two(seconds % 60)}`;
  return `${String(year).padStart(4, '0')}-${two(month)}-${two(day)}T${clock}${millis ? `.${String(millis).padStart(3, '0')}` : ''}Z`;
}

export function instantOf(ms: number): Instant {
  return { text: formatInstant(ms), ms };
}

/** 0 = Monday ... 6 = Sunday. */
function weekday(days: number): number {
  return (((days + 3) % 7) + 7) % 7;
}

/**
 * `count` business days (Monday to Friday; exchange holidays are not modelled) after the instant,
 * at the same time of day: a Reg T call issued on Friday with 2 days to cure is due on Tuesday.
 */
export function addBusinessDays(ms: number, count: number): number {
  let days = Math.floor(ms / MS_PER_DAY);
  const within = ms - days * MS_PER_DAY;
  for (let left = count; left > 0;) {
    days += 1;
    if (weekday(days) < 5) left -= 1;
  }
  return days * MS_PER_DAY + within;
}

/** The day of the week in UTC, 0 = Sunday (1970-01-01 was a Thursday). */
export function utcWeekday(instant: Instant): number {
  return (((Math.floor(instant.ms / MS_PER_DAY) + 4) % 7) + 7) % 7;
}
