/**
 * `instruments`: specs that add to or override the venue's own.
 *
 * An entry that names its `kind` defines the instrument anew (nothing is taken from the venue's
 * instrument of the same symbol); an entry without `kind` overrides fields of the venue's built-in
 * instrument. Tiers' deductions are derived where left out (maintenance-tiers.ts), and at
 * Hyperliquid an instrument without tiers gets one at 1 / (2 × max leverage).
 */
import { ASSET_CLASSES, INSTRUMENT_KINDS, type Instrument, type MaintenanceTier } from '../instrument/instrument.js';
import { withDerivedDeductions, type TierInput } from '../instrument/maintenance-tiers.js';
import { compare, dec, sign, type Decimal } from '../money/decimal.js';
import { fromDecimal, rational, divideRational, multiplyRational, RATIONAL_ONE, type Rational } from '../money/rational.js';
import { asInstrumentId, asLeverage, asPrice, asQuantity } from '../money/units.js';
import { CURRENCY_CODE_PATTERN } from '../money/currency.js';
import type { VenueProfile } from '../venue/venue-profile.js';
import { builtInInstrument } from '../venue/built-in-venues.js';
import {
  childPath, describe, readArray, readChoice, readDecimal, readObject, rejectUnknownKeys, readString, type ProblemList,
} from './input-reader.js';

const INSTRUMENT_FIELDS = [
  'kind', 'assetClass', 'contractSize', 'tickSize', 'maxLeverage', 'maintenanceTiers', 'settlementCurrency', 'marginCurrency',
] as const;
const TIER_FIELDS = ['floor', 'rate', 'deduction', 'maxLeverage'] as const;

/**
 * `halfInitial`: at a venue whose maintenance is half the initial margin at the tier's max leverage
 * (Hyperliquid's margin tables list only `lowerBound` and `maxLeverage`), a tier may give its
 * `maxLeverage` alone; its rate is then 1 / (2 × maxLeverage), exactly (1/6 for 3x is no decimal).
 */
function parseTiers(value: unknown, path: string, problems: ProblemList, halfInitial: boolean): MaintenanceTier[] | undefined {
  const list = readArray(value, path, problems);
  if (!list) return undefined;
  if (list.length === 0) return problems.add(path, 'input/out-of-range', 'must list at least one tier');
  const tiers: TierInput[] = [];
  let previousFloor: Decimal | undefined;
  list.forEach((entry, index) => {
    const tierPath = childPath(path, index);
    const object = readObject(entry, tierPath, problems);
    if (!object) return;
    rejectUnknownKeys(object, TIER_FIELDS, tierPath, problems);
    const floor = readDecimal(object.floor, childPath(tierPath, 'floor'), problems, 'non-negative');
    const rateFromLeverage = halfInitial && object.rate === undefined && object.maxLeverage !== undefined;
    const rate = rateFromLeverage ? undefined : readDecimal(object.rate, childPath(tierPath, 'rate'), problems, 'non-negative');
    const deduction = object.deduction === undefined
      ? undefined : readDecimal(object.deduction, childPath(tierPath, 'deduction'), problems, 'non-negative');
    const maxLeverage = object.maxLeverage === undefined
      ? undefined : readDecimal(object.maxLeverage, childPath(tierPath, 'maxLeverage'), problems, 'positive');
    if (rate && compare(rate, dec('1')) > 0) {
      problems.add(childPath(tierPath, 'rate'), 'input/out-of-range', `must be a fraction of notional from 0 to 1, got ${describe(object.rate)}`);
    }
    if (floor) {
      if (index === 0 && sign(floor) !== 0) {
        problems.add(childPath(tierPath, 'floor'), 'input/out-of-range', `the first tier must start at "0", got ${describe(object.floor)}`);
      }
      if (previousFloor && compare(floor, previousFloor) <= 0) {
        problems.add(childPath(tierPath, 'floor'), 'input/out-of-range', 'floors must rise from one tier to the next');
      }
      previousFloor = floor;
    }
    const exactRate = rate ? fromDecimal(rate) : rateFromLeverage && maxLeverage ? halfInitialRate(maxLeverage) : undefined;
    if (floor && exactRate) {
      tiers.push({
        floor: fromDecimal(floor),
        rate: exactRate,
        ...(deduction ? { deduction: fromDecimal(deduction) } : {}),
        ...(maxLeverage ? { maxLeverage: asLeverage(maxLeverage) } : {}),
      });
    }
  });
  return tiers.length === list.length ? withDerivedDeductions(tiers) : undefined;
}

/** Hyperliquid: "maintenance margin is half of the initial margin at max leverage". */
function halfInitialRate(maxLeverage: Decimal): Rational {
  return multiplyRational(rational(1n, 2n), divideRational(RATIONAL_ONE, fromDecimal(maxLeverage)));
}

function halfInitialAtMaxLeverage(maxLeverage: Decimal): MaintenanceTier[] {
  return withDerivedDeductions([{ floor: rational(0n), rate: halfInitialRate(maxLeverage) }]);
}

function parseInstrument(
  symbol: string, value: unknown, base: Instrument | undefined, venue: VenueProfile, path: string, problems: ProblemList,
): Instrument | undefined {
  const object = readObject(value, path, problems);
  if (!object) return undefined;
  rejectUnknownKeys(object, INSTRUMENT_FIELDS, path, problems);
  const defining = object.kind !== undefined;
  if (!defining && !base) {
    return problems.add(path, 'input/unknown-instrument',
      `${venue.id} has no built-in instrument ${describe(symbol)} to override; give its "kind" and "assetClass" to define it`);
  }
  const field = (key: (typeof INSTRUMENT_FIELDS)[number]): string => childPath(path, key);
  const problemsBefore = problems.items.length;
  const kind = defining ? readChoice(object.kind, INSTRUMENT_KINDS, field('kind'), problems) : base?.kind;
  const assetClass = object.assetClass !== undefined || defining
    ? readChoice(object.assetClass, ASSET_CLASSES, field('assetClass'), problems) : base?.assetClass;
  const contractSize = object.contractSize !== undefined
    ? readDecimal(object.contractSize, field('contractSize'), problems, 'positive')
    : defining ? dec('1') : base?.contractSize;
  const tickSize = object.tickSize !== undefined ? readDecimal(object.tickSize, field('tickSize'), problems, 'positive')
    : defining ? undefined : base?.tickSize;
  const maxLeverage = object.maxLeverage !== undefined ? readDecimal(object.maxLeverage, field('maxLeverage'), problems, 'positive')
    : defining ? undefined : base?.maxLeverage;
  const settlementCurrency = object.settlementCurrency !== undefined
    ? readString(object.settlementCurrency, field('settlementCurrency'), problems)
    : defining ? undefined : base?.settlementCurrency;
  if (settlementCurrency !== undefined && !CURRENCY_CODE_PATTERN.test(settlementCurrency)) {
    problems.add(field('settlementCurrency'), 'input/wrong-type', `must be a currency code such as "USDT", got ${describe(settlementCurrency)}`);
  }
  // MT5 SYMBOL_CURRENCY_MARGIN: a forex pair's base, in which its margin is counted (conversion.ts).
  const marginCurrency = object.marginCurrency !== undefined
    ? readString(object.marginCurrency, field('marginCurrency'), problems)
    : defining ? undefined : base?.marginCurrency;
  if (marginCurrency !== undefined && !CURRENCY_CODE_PATTERN.test(marginCurrency)) {
    problems.add(field('marginCurrency'), 'input/wrong-type', `must be a currency code such as "EUR", got ${describe(marginCurrency)}`);
  }
  let tiers = object.maintenanceTiers !== undefined
    ? parseTiers(object.maintenanceTiers, field('maintenanceTiers'), problems, venue.maintenance.kind === 'half-initial-at-max-leverage')
    : defining ? [] : base?.maintenanceTiers;
  if (kind && !venue.instrumentKinds.includes(kind)) {
    problems.add(field('kind'), 'input/not-supported',
      `${venue.id} trades ${venue.instrumentKinds.join(' and ')} instruments, not ${kind}`);
  }
  if (tiers && tiers.length === 0) {
    if (venue.maintenance.kind === 'instrument-tiers') {
      problems.add(field('maintenanceTiers'), 'input/required', `required at ${venue.id}: its maintenance margin is set by tiers of notional`);
    } else if (venue.maintenance.kind === 'half-initial-at-max-leverage') {
      if (maxLeverage) tiers = halfInitialAtMaxLeverage(maxLeverage);
      else problems.add(field('maxLeverage'), 'input/required', `required at ${venue.id} when no maintenanceTiers are given: maintenance is half the initial margin at max leverage`);
    }
  }
  if (problems.items.length > problemsBefore) return undefined;
  if (!kind || !assetClass || !contractSize || !tiers) {
    return problems.add(path, 'input/malformed', 'an incomplete instrument: give at least its "kind" and "assetClass"');
  }
  return {
    symbol: asInstrumentId(symbol),
    kind,
    assetClass,
    contractSize: asQuantity(contractSize),
    maintenanceTiers: tiers,
    ...(tickSize ? { tickSize: asPrice(tickSize) } : {}),
    ...(maxLeverage ? { maxLeverage: asLeverage(maxLeverage) } : {}),
    ...(settlementCurrency ? { settlementCurrency } : {}),
    ...(marginCurrency ? { marginCurrency } : {}),
  };
}

/** The venue's instruments with the snapshot's added or overridden; undefined entries failed to parse. */
export function parseInstruments(
  value: unknown, venue: VenueProfile, path: string, problems: ProblemList,
): Map<string, Instrument | undefined> {
  const instruments = new Map<string, Instrument | undefined>(Object.entries(venue.instruments));
  if (value === undefined) return instruments;
  const object = readObject(value, path, problems);
  if (!object) return instruments;
  for (const [symbol, spec] of Object.entries(object)) {
    instruments.set(symbol, parseInstrument(symbol, spec, builtInInstrument(venue, symbol), venue, childPath(path, symbol), problems));
  }
  return instruments;
}
