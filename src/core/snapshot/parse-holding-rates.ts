/**
 * The snapshot's optional holding rates (report.md additions, issue 12):
 *
 *   "funding":   {"BTCUSDT": "0.0001"}          the current funding rate per interval, by instrument:
 *                                               a fraction of notional, |rate| < 1; longs pay a positive rate
 *   "financing": {"EURUSD": {"longRate": "-0.05", "shortRate": "0.01"}}
 *                                               yearly rates on notional, positive credits the holder;
 *                or {"EURUSD": {"longPoints": "-6.5", "shortPoints": "1.2"}}   MT5 swap points a night
 *
 * Each names an instrument the venue or the snapshot defines. Funding needs a venue that pays it
 * (`fundingIntervalHours`), financing one that charges it (`financing` terms). Financing at a venue
 * without terms is refused rather than assumed at 365 days with no triple day: the report would
 * then state a schedule the venue never published, and a venue object can add its terms in one
 * line ({"extends": "...", "financing": {"dayCount": 360, "tripleDay": "wednesday"}}). The two are
 * not given together: their payments fall on different schedules (every few hours, once a night).
 */
import type { FinancingRates, HoldingRates } from '../account/holding-rates.js';
import type { Instrument } from '../instrument/instrument.js';
import { abs, compare, ONE } from '../money/decimal.js';
import { asInstrumentId, asRate, type InstrumentId, type Rate } from '../money/units.js';
import type { VenueProfile } from '../venue/venue-profile.js';
import { childPath, describe, readDecimal, readObject, rejectUnknownKeys, type JsonObject, type ProblemList } from './input-reader.js';

type Known = ReadonlyMap<string, Instrument | undefined>;

/** The entries of a by-instrument object whose instrument is known; each unknown one is a problem. */
function knownEntries(object: JsonObject, path: string, instruments: Known, problems: ProblemList): [string, unknown, string][] {
  return Object.entries(object).flatMap(([symbol, value]): [string, unknown, string][] => {
    const at = childPath(path, symbol);
    if (instruments.has(symbol)) return [[symbol, value, at]];
    problems.add(at, 'input/unknown-instrument', `no instrument ${describe(symbol)} at this venue or in "instruments"`);
    return [];
  });
}

function parseFunding(value: unknown, venue: VenueProfile, instruments: Known, problems: ProblemList): Map<InstrumentId, Rate> | undefined {
  const object = readObject(value, 'funding', problems);
  if (!object) return undefined;
  if (venue.fundingIntervalHours === undefined) {
    return problems.add('funding', 'input/not-supported',
      `${venue.id} pays no perpetual funding (it has no "fundingIntervalHours"); a venue object such as {"extends": "${venue.id}", "fundingIntervalHours": 8} can give it one`);
  }
  const rates = new Map<InstrumentId, Rate>();
  for (const [symbol, entry, path] of knownEntries(object, 'funding', instruments, problems)) {
    const rate = readDecimal(entry, path, problems, 'any');
    if (rate && compare(abs(rate), ONE) >= 0) {
      problems.add(path, 'input/out-of-range', `a funding rate is a fraction of notional per interval below 1 ("0.0001" = 0.01 %), got ${describe(entry)}`);
    } else if (rate) rates.set(asInstrumentId(symbol), asRate(rate));
  }
  return rates;
}

function parseFinancingEntry(value: unknown, path: string, instrument: Instrument | undefined, problems: ProblemList): FinancingRates | undefined {
  const object = readObject(value, path, problems);
  if (!object) return undefined;
  rejectUnknownKeys(object, ['longRate', 'shortRate', 'longPoints', 'shortPoints'], path, problems);
  const byRate = object.longRate !== undefined || object.shortRate !== undefined;
  const byPoints = object.longPoints !== undefined || object.shortPoints !== undefined;
  if (byRate === byPoints) {
    return problems.add(path, byRate ? 'input/conflict' : 'input/required',
      `give "longRate" and "shortRate" (yearly, on notional) or "longPoints" and "shortPoints" (MT5 swap points a night), not both, got ${byRate ? 'both' : 'neither'}`);
  }
  const [longKey, shortKey] = byRate ? ['longRate', 'shortRate'] : ['longPoints', 'shortPoints'];
  const long = readDecimal(object[longKey], childPath(path, longKey), problems, 'any');
  const short = readDecimal(object[shortKey], childPath(path, shortKey), problems, 'any');
  if (byPoints && instrument && !instrument.tickSize) {
    return problems.add(path, 'input/not-supported', `${instrument.symbol} has no tick size: swap points are counted in it`);
  }
  return long && short ? { unit: byRate ? 'rate' : 'points', long, short } : undefined;
}

function parseFinancing(
  value: unknown, venue: VenueProfile, instruments: Known, problems: ProblemList,
): Map<InstrumentId, FinancingRates> | undefined {
  const object = readObject(value, 'financing', problems);
  if (!object) return undefined;
  if (!venue.financing) {
    return problems.add('financing', 'input/not-supported',
      `${venue.id} charges no overnight financing (it has no "financing" terms); a venue object such as {"extends": "${venue.id}", "financing": {"dayCount": 365, "tripleDay": "wednesday"}} can give it some`);
  }
  const rates = new Map<InstrumentId, FinancingRates>();
  for (const [symbol, entry, path] of knownEntries(object, 'financing', instruments, problems)) {
    const parsed = parseFinancingEntry(entry, path, instruments.get(symbol), problems);
    if (parsed) rates.set(asInstrumentId(symbol), parsed);
  }
  return rates;
}

/** The snapshot's `funding` and `financing`, or undefined when it gives neither. */
export function parseHoldingRates(
  funding: unknown, financing: unknown, venue: VenueProfile, instruments: Known, problems: ProblemList,
): HoldingRates | undefined {
  if (funding === undefined && financing === undefined) return undefined;
  if (funding !== undefined && financing !== undefined) {
    return problems.add('financing', 'input/conflict',
      'give "funding" (perpetuals, paid every few hours) or "financing" (overnight swaps), not both: their payments fall on different schedules');
  }
  const fundingRates = funding === undefined ? undefined : parseFunding(funding, venue, instruments, problems);
  const financingRates = financing === undefined ? undefined : parseFinancing(financing, venue, instruments, problems);
  return { ...(fundingRates ? { funding: fundingRates } : {}), ...(financingRates ? { financing: financingRates } : {}) };
}
