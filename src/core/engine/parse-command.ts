/**
 * Untrusted command JSON (spec/engine.md) -> a Command, or problems naming each field:
 * `commands[3].amount: must be a positive decimal written as a string, got the number 100`.
 * Shape and type errors are problems with the file; whether the venue accepts a well-formed command
 * (enough margin, a known position, a leverage under the cap) is the engine's call, as a `rejected` event.
 */
import type { Instrument } from '../instrument/instrument.js';
import { abs, compare, ONE, type Decimal } from '../money/decimal.js';
import { asAmount, asInstrumentId, asLeverage, asPositionId, asPrice, asQuantity, asRate, type InstrumentId, type Price } from '../money/units.js';
import {
  childPath, describe, readChoice, readDecimal, readObject, readString, rejectUnknownKeys, type JsonObject, type ProblemList,
} from '../snapshot/input-reader.js';
import { DEBT_ACTIONS, LIQUIDITY, type Command, type Execution, type OpenOrder, type StopTrigger } from './engine-types.js';
import { parseInstant, type Instant } from './instant.js';

export const COMMAND_TYPES = ['mark', 'deposit', 'withdraw', 'open', 'close', 'stop-loss', 'take-profit', 'add-margin', 'debt', 'funding', 'financing'] as const;

const FIELDS: Readonly<Record<(typeof COMMAND_TYPES)[number], readonly string[]>> = {
  mark: ['prices'],
  deposit: ['amount'],
  withdraw: ['amount'],
  open: ['position', 'liquidity', 'feeRate'],
  close: ['position', 'quantity', 'liquidity', 'feeRate'],
  'stop-loss': ['position', 'price', 'loss', 'lossPercent'],
  'take-profit': ['position', 'price'],
  'add-margin': ['position', 'amount'],
  debt: ['action', 'amount'],
  funding: ['instrument', 'rate'],
  financing: ['instrument', 'longRate', 'shortRate', 'longPoints', 'shortPoints', 'days', 'dayCount'],
};

const OPEN_FIELDS = ['id', 'instrument', 'side', 'quantity', 'leverage', 'isolatedMargin'] as const;

export interface CommandContext {
  readonly instruments: ReadonlyMap<string, Instrument>;
  /** Decimals of the account currency: amounts may not be finer. */
  readonly currencyDecimals: number;
}

function readTime(value: unknown, path: string, problems: ProblemList): Instant | undefined {
  if (value === undefined) return undefined;
  const text = readString(value, path, problems);
  if (text === undefined) return undefined;
  return parseInstant(text) ?? problems.add(path, 'input/wrong-type',
    `must be an ISO 8601 time such as "2015-01-15T09:30:00Z", got ${describe(value)}`);
}

function readAmount(value: unknown, path: string, context: CommandContext, problems: ProblemList): Decimal | undefined {
  const amount = readDecimal(value, path, problems, 'positive');
  if (amount && amount.scale > context.currencyDecimals && amount.units % 10n ** BigInt(amount.scale - context.currencyDecimals) !== 0n) {
    return problems.add(path, 'input/out-of-range', `the account books at most ${context.currencyDecimals} decimals, got ${describe(value)}`);
  }
  return amount;
}

function readInstrument(value: unknown, path: string, context: CommandContext, problems: ProblemList): Instrument | undefined {
  const symbol = readString(value, path, problems);
  if (symbol === undefined) return undefined;
  const instrument = context.instruments.get(symbol);
  return instrument ?? problems.add(path, 'input/unknown-instrument',
    `unknown instrument ${describe(symbol)}; known: ${[...context.instruments.keys()].join(', ')}`);
}

function readPrices(value: unknown, path: string, context: CommandContext, problems: ProblemList): Map<InstrumentId, Price> | undefined {
  const object = readObject(value, path, problems);
  if (!object) return undefined;
  const prices = new Map<InstrumentId, Price>();
  for (const [symbol, price] of Object.entries(object)) {
    const instrument = readInstrument(symbol, childPath(path, symbol), context, problems);
    const parsed = readDecimal(price, childPath(path, symbol), problems, 'positive');
    if (instrument && parsed) prices.set(asInstrumentId(instrument.symbol), asPrice(parsed));
  }
  if (prices.size === 0 && Object.keys(object).length === 0) problems.add(path, 'input/required', 'required: at least one instrument\'s price');
  return prices;
}

function readOpen(value: unknown, path: string, context: CommandContext, problems: ProblemList): OpenOrder | undefined {
  const object = readObject(value, path, problems);
  if (!object) return undefined;
  rejectUnknownKeys(object, OPEN_FIELDS, path, problems);
  const field = (key: string): string => childPath(path, key);
  const id = readString(object.id, field('id'), problems);
  const instrument = readInstrument(object.instrument, field('instrument'), context, problems);
  const side = readChoice(object.side, ['long', 'short'] as const, field('side'), problems);
  const quantity = readDecimal(object.quantity, field('quantity'), problems, 'positive');
  const leverage = object.leverage === undefined ? undefined : readDecimal(object.leverage, field('leverage'), problems, 'positive');
  const isolatedMargin = object.isolatedMargin === undefined ? undefined : readAmount(object.isolatedMargin, field('isolatedMargin'), context, problems);
  if (!id || !instrument || !side || !quantity || (object.leverage !== undefined && !leverage) || (object.isolatedMargin !== undefined && !isolatedMargin)) return undefined;
  return {
    id: asPositionId(id), instrument, side, quantity: asQuantity(quantity),
    ...(leverage ? { leverage: asLeverage(leverage) } : {}),
    ...(isolatedMargin ? { isolatedMargin: asAmount(isolatedMargin) } : {}),
  };
}

function readStop(object: JsonObject, path: string, context: CommandContext, problems: ProblemList): StopTrigger | undefined {
  const given = (['price', 'loss', 'lossPercent'] as const).filter((key) => object[key] !== undefined);
  if (given.length !== 1) {
    return problems.add(path, given.length ? 'input/conflict' : 'input/required',
      `give exactly one of "price", "loss" (money) or "lossPercent" (of the balance)${given.length ? `, got ${given.join(' and ')}` : ''}`);
  }
  const key = given[0];
  if (key === 'price') {
    const price = readDecimal(object.price, childPath(path, 'price'), problems, 'positive');
    return price && { kind: 'price', price: asPrice(price) };
  }
  if (key === 'loss') {
    const amount = readAmount(object.loss, childPath(path, 'loss'), context, problems);
    return amount && { kind: 'loss', amount: asAmount(amount) };
  }
  const fraction = readDecimal(object.lossPercent, childPath(path, 'lossPercent'), problems, 'positive');
  if (fraction && compare(fraction, ONE) > 0) {
    return problems.add(childPath(path, 'lossPercent'), 'input/out-of-range', `a fraction of the balance, at most 1 ("0.10" = 10 %), got ${describe(object.lossPercent)}`);
  }
  return fraction && { kind: 'lossPercent', fraction: asRate(fraction) };
}

/** "liquidity" (maker | taker) and "feeRate" (a fraction of the notional, between -1 and 1) on an open or a close. */
function readExecution(object: JsonObject, path: string, problems: ProblemList): Execution | undefined {
  const liquidity = object.liquidity === undefined ? undefined : readChoice(object.liquidity, LIQUIDITY, childPath(path, 'liquidity'), problems);
  const feeRate = object.feeRate === undefined ? undefined : readDecimal(object.feeRate, childPath(path, 'feeRate'), problems, 'any');
  if (feeRate && compare(abs(feeRate), ONE) >= 0) {
    return problems.add(childPath(path, 'feeRate'), 'input/out-of-range', `a fraction of the notional between -1 and 1 ("0.0005" = 0.05 %), got ${describe(object.feeRate)}`);
  }
  if ((object.liquidity !== undefined && !liquidity) || (object.feeRate !== undefined && !feeRate)) return undefined;
  return { ...(liquidity ? { liquidity } : {}), ...(feeRate ? { feeRate: asRate(feeRate) } : {}) };
}

function readBody(type: (typeof COMMAND_TYPES)[number], object: JsonObject, path: string, context: CommandContext, problems: ProblemList): Command | undefined {
  const field = (key: string): string => childPath(path, key);
  const positionId = (): string | undefined => readString(object.position, field('position'), problems);
  switch (type) {
    case 'mark': {
      const prices = readPrices(object.prices, field('prices'), context, problems);
      return prices && { type, prices };
    }
    case 'deposit':
    case 'withdraw': {
      const amount = readAmount(object.amount, field('amount'), context, problems);
      return amount && { type, amount: asAmount(amount) };
    }
    case 'open': {
      const position = readOpen(object.position, field('position'), context, problems);
      const execution = readExecution(object, path, problems);
      return position && execution && { type, position, ...execution };
    }
    case 'close': {
      const id = positionId();
      const quantity = object.quantity === undefined ? undefined : readDecimal(object.quantity, field('quantity'), problems, 'positive');
      const execution = readExecution(object, path, problems);
      if (!id || !execution || (object.quantity !== undefined && !quantity)) return undefined;
      return { type, position: asPositionId(id), ...(quantity ? { quantity: asQuantity(quantity) } : {}), ...execution };
    }
    case 'stop-loss': {
      const id = positionId();
      const trigger = readStop(object, path, context, problems);
      return id && trigger ? { type, position: asPositionId(id), trigger } : undefined;
    }
    case 'take-profit': {
      const id = positionId();
      const price = readDecimal(object.price, field('price'), problems, 'positive');
      return id && price ? { type, position: asPositionId(id), price: asPrice(price) } : undefined;
    }
    case 'add-margin': {
      const id = positionId();
      const amount = readAmount(object.amount, field('amount'), context, problems);
      return id && amount ? { type, position: asPositionId(id), amount: asAmount(amount) } : undefined;
    }
    case 'funding': {
      const instrument = readInstrument(object.instrument, field('instrument'), context, problems);
      const rate = readDecimal(object.rate, field('rate'), problems, 'any');
      if (rate && compare(abs(rate), ONE) >= 0) {
        return problems.add(field('rate'), 'input/out-of-range', `a funding rate is a fraction of notional below 1 ("0.0001" = 0.01 %), got ${describe(object.rate)}`);
      }
      return instrument && rate ? { type, instrument, rate: asRate(rate) } : undefined;
    }
    case 'financing': {
      const instrument = readInstrument(object.instrument, field('instrument'), context, problems);
      const byRate = object.longRate !== undefined || object.shortRate !== undefined;
      const byPoints = object.longPoints !== undefined || object.shortPoints !== undefined;
      if (byRate === byPoints) {
        return problems.add(path, byRate ? 'input/conflict' : 'input/required',
          'give "longRate" and "shortRate" (yearly, on notional) or "longPoints" and "shortPoints" (MT5 swap points a night), not both');
      }
      const [longKey, shortKey] = byRate ? ['longRate', 'shortRate'] : ['longPoints', 'shortPoints'];
      const long = readDecimal(object[longKey], field(longKey), problems, 'any');
      const short = readDecimal(object[shortKey], field(shortKey), problems, 'any');
      const days = object.days === undefined ? undefined : readDecimal(object.days, field('days'), problems, 'positive');
      const dayCount = object.dayCount === undefined ? undefined : readDecimal(object.dayCount, field('dayCount'), problems, 'positive');
      if (instrument && byPoints && !instrument.tickSize) {
        return problems.add(field('instrument'), 'input/not-supported', `${instrument.symbol} has no tick size: swap points are counted in it`);
      }
      if (!instrument || !long || !short || (object.days !== undefined && !days) || (object.dayCount !== undefined && !dayCount)) return undefined;
      return { type, instrument, long, short, ...(days ? { days } : {}), ...(dayCount ? { dayCount } : {}), unit: byRate ? 'rate' : 'points' };
    }
    case 'debt': {
      const action = readChoice(object.action, DEBT_ACTIONS, field('action'), problems);
      if (action === 'repay') {
        const amount = readAmount(object.amount, field('amount'), context, problems);
        return amount && { type, action, amount: asAmount(amount) };
      }
      if (action && object.amount !== undefined) problems.add(field('amount'), 'input/unknown-field', `only "repay" takes an amount; "${action}" acts on the whole debt`);
      return action && { type, action };
    }
  }
}

export function parseCommand(value: unknown, path: string, context: CommandContext, problems: ProblemList): Command | undefined {
  const object = readObject(value, path, problems);
  if (!object) return undefined;
  const type = readChoice(object.type, COMMAND_TYPES, childPath(path, 'type'), problems);
  if (!type) return undefined;
  rejectUnknownKeys(object, ['type', 'time', ...FIELDS[type]], path, problems);
  const time = readTime(object.time, childPath(path, 'time'), problems);
  const before = problems.items.length;
  const body = readBody(type, object, path, context, problems);
  if (!body || problems.items.length > before) return undefined;
  return time ? { ...body, time } : body;
}
