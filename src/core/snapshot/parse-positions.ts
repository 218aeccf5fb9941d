/**
 * `positions`: each names an instrument the venue (or the snapshot) defines, a side, a positive
 * quantity and entry price, and optionally the leverage chosen and an isolated margin. Leverage
 * above the venue's cap is refused with the cap and the rule that sets it: 75:1 on a major pair at
 * an EU retail CFD broker breaks ESMA's 30:1.
 */
import type { Position } from '../account/position.js';
import type { Instrument } from '../instrument/instrument.js';
import { leverageCap, entryNotional } from '../margin/position-measures.js';
import { normalize, toDecimalString, type Decimal } from '../money/decimal.js';
import { compareRational, fromDecimal, toDecimal } from '../money/rational.js';
import { asAmount, asLeverage, asPositionId, asPrice, asQuantity } from '../money/units.js';
import { tierAt } from '../instrument/maintenance-tiers.js';
import type { VenueProfile } from '../venue/venue-profile.js';
import {
  childPath, describe, readArray, readChoice, readDecimal, readObject, readString, rejectUnknownKeys, type JsonObject,
  type ProblemList,
} from './input-reader.js';

const POSITION_FIELDS = ['id', 'instrument', 'side', 'quantity', 'entryPrice', 'leverage', 'isolatedMargin'] as const;

const ratio = (value: Decimal): string => `${toDecimalString(normalize(value))}:1`;

/** The message for leverage above the cap, naming which cap and the rule behind it. */
export function capMessage(venue: VenueProfile, position: Position): string | undefined {
  const cap = leverageCap(venue, position);
  if (!cap || !position.leverage || compareRational(fromDecimal(position.leverage), cap) <= 0) return undefined;
  const { instrument } = position;
  const chosen = ratio(position.leverage);
  const capText = ratio(toDecimal(cap, 8, 'floor'));
  const venueCap = venue.leverageCaps[instrument.assetClass];
  if (venueCap && compareRational(fromDecimal(venueCap), cap) === 0) {
    return `${chosen} is above the ${capText} cap for ${instrument.assetClass} at ${venue.id} (${venue.leverageRule})`;
  }
  if (instrument.maxLeverage && compareRational(fromDecimal(instrument.maxLeverage), cap) === 0) {
    return `${chosen} is above ${instrument.symbol}'s maximum leverage of ${capText} at ${venue.id}`;
  }
  const tier = tierAt(instrument.maintenanceTiers, entryNotional(position));
  return `${chosen} is above the ${capText} maximum for a ${instrument.symbol} position of this size `
    + `(notional ${toDecimalString(toDecimal(entryNotional(position), 2, 'half-even'))}, in the tier from `
    + `${toDecimalString(toDecimal(tier.floor, 2, 'half-even'))}) at ${venue.id}`;
}

const POSITIONS_REQUIRED = 'required: an array of positions, empty for an account with none';

interface PositionFields {
  readonly id?: string;
  readonly symbol?: string;
  readonly side?: 'long' | 'short';
  readonly quantity?: Decimal;
  readonly entryPrice?: Decimal;
  readonly leverage?: Decimal;
  readonly isolatedMargin?: Decimal;
}

/** A position's own fields, each checked on its own; nothing here needs the venue. */
function readPositionFields(object: JsonObject, positionPath: string, problems: ProblemList, index: number): PositionFields {
  const field = (key: (typeof POSITION_FIELDS)[number]): string => childPath(positionPath, key);
  rejectUnknownKeys(object, POSITION_FIELDS, positionPath, problems);
  const id = object.id === undefined ? `position-${index + 1}` : readString(object.id, field('id'), problems);
  const symbol = readString(object.instrument, field('instrument'), problems);
  const side = readChoice(object.side, ['long', 'short'] as const, field('side'), problems);
  const quantity = readDecimal(object.quantity, field('quantity'), problems, 'positive');
  const entryPrice = readDecimal(object.entryPrice, field('entryPrice'), problems, 'positive');
  const leverage = object.leverage === undefined ? undefined : readDecimal(object.leverage, field('leverage'), problems, 'positive');
  const isolatedMargin = object.isolatedMargin === undefined
    ? undefined : readDecimal(object.isolatedMargin, field('isolatedMargin'), problems, 'non-negative');
  return {
    ...(id !== undefined ? { id } : {}), ...(symbol !== undefined ? { symbol } : {}), ...(side ? { side } : {}),
    ...(quantity ? { quantity } : {}), ...(entryPrice ? { entryPrice } : {}), ...(leverage ? { leverage } : {}),
    ...(isolatedMargin ? { isolatedMargin } : {}),
  };
}

/** The checks that need no venue, for a snapshot whose venue is unknown. */
export function checkPositionFields(value: unknown, path: string, problems: ProblemList): void {
  if (value === undefined) {
    problems.add(path, 'input/required', POSITIONS_REQUIRED);
    return;
  }
  (readArray(value, path, problems) ?? []).forEach((entry, index) => {
    const object = readObject(entry, childPath(path, index), problems);
    if (object) readPositionFields(object, childPath(path, index), problems, index);
  });
}

export function parsePositions(
  value: unknown, venue: VenueProfile, instruments: ReadonlyMap<string, Instrument | undefined>, path: string,
  problems: ProblemList,
): Position[] {
  if (value === undefined) {
    problems.add(path, 'input/required', POSITIONS_REQUIRED);
    return [];
  }
  const list = readArray(value, path, problems) ?? [];
  const positions: Position[] = [];
  const seen = new Set<string>();
  list.forEach((entry, index) => {
    const positionPath = childPath(path, index);
    const field = (key: (typeof POSITION_FIELDS)[number]): string => childPath(positionPath, key);
    const object = readObject(entry, positionPath, problems);
    if (!object) return;
    const before = problems.items.length;
    const { id, symbol, side, quantity, entryPrice, leverage, isolatedMargin } = readPositionFields(object, positionPath, problems, index);
    if (id !== undefined && seen.has(id)) problems.add(field('id'), 'input/duplicate', `${describe(id)} is already the id of an earlier position`);
    if (id !== undefined) seen.add(id);
    const instrument = symbol === undefined ? undefined : instruments.get(symbol);
    if (symbol !== undefined && !instruments.has(symbol)) {
      const known = [...instruments.keys()];
      problems.add(field('instrument'), 'input/unknown-instrument',
        `unknown instrument ${describe(symbol)} at ${venue.id}; define it under "instruments"`
        + (known.length ? ` or use one of: ${known.join(', ')}` : ''));
    }
    if (instrument && instrument.maintenanceTiers.length === 0 && venue.maintenance.kind === 'instrument-tiers') {
      problems.add(field('instrument'), 'input/required',
        `${instrument.symbol} has no maintenance tiers at ${venue.id}: give the venue's current brackets under `
        + `instruments.${instrument.symbol}.maintenanceTiers`);
    }
    if (isolatedMargin && !venue.isolatedMargin) {
      problems.add(field('isolatedMargin'), 'input/not-supported', `${venue.id} has no isolated margin: every position shares the account`);
    }
    if (problems.items.length > before || !id || !instrument || !side || !quantity || !entryPrice) return;
    const position: Position = {
      id: asPositionId(id),
      instrument,
      side,
      quantity: asQuantity(quantity),
      entryPrice: asPrice(entryPrice),
      ...(leverage ? { leverage: asLeverage(leverage) } : {}),
      ...(isolatedMargin ? { isolatedMargin: asAmount(isolatedMargin) } : {}),
    };
    const aboveCap = capMessage(venue, position);
    if (aboveCap) {
      problems.add(field('leverage'), 'risk/leverage-above-cap', aboveCap);
      return;
    }
    if (!leverage && !leverageCap(venue, position) && !venue.initialMarginRates[instrument.assetClass]) {
      problems.add(field('leverage'), 'input/required',
        `required: ${venue.id} sets no leverage cap or margin rate for ${instrument.symbol} to default to`);
      return;
    }
    positions.push(position);
  });
  return positions;
}
