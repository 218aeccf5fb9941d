/**
 * Untrusted JSON -> a validated AccountSnapshot, or every problem found, each naming its field
 * (spec/report.md): `positions[1].quantity: must be a positive decimal written as a string, got "-3"`.
 * Nothing is computed from a snapshot that has a problem.
 */
import type { AccountSnapshot } from '../account/account-snapshot.js';
import type { Position } from '../account/position.js';
import { compare, dec, sum, toDecimalString, type Decimal } from '../money/decimal.js';
import { CURRENCY_CODE_PATTERN, currencyDecimals } from '../money/currency.js';
import { asAmount, asInstrumentId, asPrice, asRate, type InstrumentId, type Price, type Rate } from '../money/units.js';
import { err, ok, type Problem, type Result } from '../result.js';
import type { VenueProfile } from '../venue/venue-profile.js';
import {
  childPath, describe, isObject, ProblemList, readArray, readDecimal, readObject, readString, rejectUnknownKeys,
} from './input-reader.js';
import { parseInstruments } from './parse-instruments.js';
import { checkPositionFields, parsePositions } from './parse-positions.js';
import { parseVenue } from './parse-venue.js';

const SNAPSHOT_FIELDS = ['venue', 'account', 'instruments', 'positions', 'marks', 'shocks'] as const;
const ACCOUNT_FIELDS = ['currency', 'balance'] as const;
const MINUS_ONE = dec('-1');

function checkPrecision(amount: Decimal | undefined, decimals: number, currency: string, path: string, problems: ProblemList): void {
  if (amount && amount.scale > decimals && amount.units % 10n ** BigInt(amount.scale - decimals) !== 0n) {
    problems.add(path, 'input/out-of-range', `${currency} amounts carry at most ${decimals} decimals, got "${toDecimalString(amount)}"`);
  }
}

function parseAccount(value: unknown, problems: ProblemList): { currency?: string; balance?: Decimal } {
  const account = readObject(value, 'account', problems);
  if (!account) return {};
  rejectUnknownKeys(account, ACCOUNT_FIELDS, 'account', problems);
  const text = readString(account.currency, 'account.currency', problems);
  const currency = text !== undefined && CURRENCY_CODE_PATTERN.test(text) ? text : undefined;
  if (text !== undefined && !currency) {
    problems.add('account.currency', 'input/wrong-type', `must be a currency code such as "USD" or "USDT", got ${describe(text)}`);
  }
  const balance = readDecimal(account.balance, 'account.balance', problems, 'any');
  if (currency && balance) checkPrecision(balance, currencyDecimals(currency), currency, 'account.balance', problems);
  return { ...(currency ? { currency } : {}), ...(balance ? { balance } : {}) };
}

function checkPositionsAgainstAccount(positions: readonly Position[], currency: string, balance: Decimal, problems: ProblemList): void {
  const decimals = currencyDecimals(currency);
  positions.forEach((position, index) => {
    const path = childPath('positions', index);
    const settles = position.instrument.settlementCurrency;
    if (settles && settles !== currency) {
      problems.add(childPath(path, 'instrument'), 'input/not-supported',
        `${position.instrument.symbol} settles in ${settles} but the account is in ${currency}`);
    }
    checkPrecision(position.isolatedMargin, decimals, currency, childPath(path, 'isolatedMargin'), problems);
  });
  const kinds = new Set(positions.map((position) => position.instrument.kind === 'inverse'));
  if (kinds.size > 1) {
    problems.add('positions', 'input/not-supported',
      'an inverse contract settles in the coin and a linear one in the quote currency: one account cannot margin both');
  }
  const isolated = positions.flatMap((position) => (position.isolatedMargin ? [position.isolatedMargin] : []));
  if (isolated.length && compare(sum(isolated), balance) > 0) {
    const index = positions.findIndex((position) => position.isolatedMargin);
    problems.add(childPath(childPath('positions', index), 'isolatedMargin'), 'input/out-of-range',
      `isolated margins total ${toDecimalString(sum(isolated))} ${currency}, more than the balance ${toDecimalString(balance)}: the wallet holds them`);
  }
}

function parseMarks(
  value: unknown, positions: readonly Position[], known: ReadonlySet<string>, problems: ProblemList,
): Map<InstrumentId, Price> {
  const marks = new Map<InstrumentId, Price>();
  if (value !== undefined) {
    const object = readObject(value, 'marks', problems);
    for (const [symbol, price] of Object.entries(object ?? {})) {
      const path = childPath('marks', symbol);
      if (!known.has(symbol)) {
        problems.add(path, 'input/unknown-instrument', `no instrument ${describe(symbol)} at this venue or in "instruments"`);
        continue;
      }
      const parsed = readDecimal(price, path, problems, 'positive');
      if (parsed) marks.set(asInstrumentId(symbol), asPrice(parsed));
    }
  }
  for (const position of positions) {
    const symbol = position.instrument.symbol;
    if (marks.has(symbol) || (isObject(value) && value[symbol] !== undefined)) continue;
    const entries = positions.filter((each) => each.instrument.symbol === symbol).map((each) => each.entryPrice);
    if (entries.every((entry) => compare(entry, position.entryPrice) === 0)) marks.set(symbol, position.entryPrice);
    else if (!problems.items.some((problem) => problem.path === childPath('marks', symbol))) {
      problems.add(childPath('marks', symbol), 'input/required', `required: the positions on ${symbol} were opened at different prices`);
    }
  }
  return marks;
}

function parseShocks(value: unknown, problems: ProblemList): Rate[] {
  if (value === undefined) return [];
  const list = readArray(value, 'shocks', problems) ?? [];
  return list.flatMap((entry, index) => {
    const path = childPath('shocks', index);
    const move = readDecimal(entry, path, problems, 'any');
    if (move && compare(move, MINUS_ONE) <= 0) {
      problems.add(path, 'input/out-of-range', `a move must be above -1 (a fall of 100 %), got ${describe(entry)}`);
      return [];
    }
    return move ? [asRate(move)] : [];
  });
}

export function parseSnapshot(value: unknown): Result<AccountSnapshot, readonly Problem[]> {
  const problems = new ProblemList();
  const snapshot = readObject(value, '', problems);
  if (!snapshot) return err([{ path: '', code: 'input/wrong-type', message: `a snapshot must be a JSON object, got ${describe(value)}` }]);
  rejectUnknownKeys(snapshot, SNAPSHOT_FIELDS, '', problems);
  const venue: VenueProfile | undefined = parseVenue(snapshot.venue, 'venue', problems);
  const { currency, balance } = parseAccount(snapshot.account, problems);
  const shocks = parseShocks(snapshot.shocks, problems);
  if (!venue) {
    // Without a venue the instruments cannot be resolved, but every position's own fields can be checked.
    checkPositionFields(snapshot.positions, 'positions', problems);
    return err(problems.items);
  }
  const instruments = parseInstruments(snapshot.instruments, venue, 'instruments', problems);
  const positions = parsePositions(snapshot.positions, venue, instruments, 'positions', problems);
  if (currency && balance) checkPositionsAgainstAccount(positions, currency, balance, problems);
  const marks = parseMarks(snapshot.marks, positions, new Set(instruments.keys()), problems);
  if (!problems.empty || !currency || !balance) return err(problems.items);
  return ok({
    venue,
    currency,
    currencyDecimals: currencyDecimals(currency),
    balance: asAmount(balance),
    positions,
    marks,
    instruments: new Map([...instruments].flatMap(([symbol, instrument]) => (instrument ? [[asInstrumentId(symbol), instrument] as const] : []))),
    shocks,
  });
}
