/**
 * `positions`: each names an instrument the venue (or the snapshot) defines, a side, a positive
 * quantity and entry price, and optionally the leverage chosen and an isolated margin. Leverage
 * above the venue's cap is refused with the cap and the rule that sets it: 75:1 on a major pair at
 * an EU retail CFD broker breaks ESMA's 30:1.
 */
import type { Position } from '../account/position.js';
import type { Instrument } from '../instrument/instrument.js';
import { leverageCap, entryNotional } from '../margin/position-measures.js';
import { normalize, toDecimalString } from '../money/decimal.js';
import { compareRational, fromDecimal, toDecimal } from '../money/rational.js';
import { asAmount, asLeverage, asPositionId, asPrice, asQuantity } from '../money/units.js';
import { tierAt } from '../instrument/maintenance-tiers.js';
import type { VenueProfile } from '../venue/venue-profile.js';
import {
  childPath, describe, readArray, readChoice, readDecimal, readObject, readString, rejectUnknownKeys, type ProblemList,
} from './input-reader.js';

const POSITION_FIELDS = ['id', 'instrument', 'side', 'quantity', 'entryPrice', 'leverage', 'isolatedMargin'] as const;

const ratio = (value: Parameters<typeof toDecimalString>[0]): string => `${toDecimalString(normalize(value))}:1`;

/** The message for leverage above the cap, naming which cap and the rule behind it. */
function capMessage(venue: VenueProfile, position: Position): string | undefined {
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

export function parsePositions(
  value: unknown, venue: VenueProfile, instruments: ReadonlyMap<string, Instrument | undefined>, path: string,
  problems: ProblemList,
): Position[] {
  const list = readArray(value, path, problems) ?? [];
  const positions: Position[] = [];
  const seen = new Set<string>();
  list.forEach((entry, index) => {
    const positionPath = childPath(path, index);
    const field = (key: (typeof POSITION_FIELDS)[number]): string => childPath(positionPath, key);
    const object = readObject(entry, positionPath, problems);
    if (!object) return;
    rejectUnknownKeys(object, POSITION_FIELDS, positionPath, problems);
    const before = problems.items.length;
    const id = object.id === undefined ? `position-${index + 1}` : readString(object.id, field('id'), problems);
    if (id !== undefined && seen.has(id)) problems.add(field('id'), 'input/duplicate', `${describe(id)} is already the id of an earlier position`);
    if (id !== undefined) seen.add(id);
    const symbol = readString(object.instrument, field('instrument'), problems);
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
    const side = readChoice(object.side, ['long', 'short'] as const, field('side'), problems);
    const quantity = readDecimal(object.quantity, field('quantity'), problems, 'positive');
    const entryPrice = readDecimal(object.entryPrice, field('entryPrice'), problems, 'positive');
    const leverage = object.leverage === undefined ? undefined : readDecimal(object.leverage, field('leverage'), problems, 'positive');
    const isolatedMargin = object.isolatedMargin === undefined
      ? undefined : readDecimal(object.isolatedMargin, field('isolatedMargin'), problems, 'positive');
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
