/**
 * Untrusted JSON -> a validated AccountSnapshot, or every problem found, each naming its field
 * (spec/report.md): `positions[1].quantity: must be a positive decimal written as a string, got "-3"`.
 * Nothing is computed from a snapshot that has a problem.
 *
 * Besides the fields of report.md, two optional ones (issue 12; parse-holding-rates.ts):
 * `"funding": {"BTCUSDT": "0.0001"}` (the current rate per funding interval, by instrument) and
 * `"financing": {"EURUSD": {"longRate": "-0.05", "shortRate": "0.01"}}` (yearly, or
 * `{"longPoints", "shortPoints"}`): the report then projects the cost of holding (holding-costs.ts).
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
import { parseHoldingRates } from './parse-holding-rates.js';
import type { Instrument } from '../instrument/instrument.js';
import { conversionNeedMessage, conversionPairs, withConversion, type ConversionNeed } from '../instrument/conversion.js';

const SNAPSHOT_FIELDS = ['venue', 'account', 'instruments', 'positions', 'marks', 'shocks', 'funding', 'financing'] as const;
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

function checkPositionsAgainstAccount(
  positions: readonly Position[], currency: string, balance: Decimal, needs: ReadonlyMap<string, ConversionNeed>, problems: ProblemList,
): void {
  const decimals = currencyDecimals(currency);
  positions.forEach((position, index) => {
    const path = childPath('positions', index);
    const need = needs.get(position.instrument.symbol);
    if (need) problems.add(childPath(path, 'instrument'), 'input/not-supported', conversionNeedMessage(position.instrument, need, currency));
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

/**
 * Each instrument resolved for the account's currency (conversion.ts): the pair that converts it,
 * where one is known; the currencies that cannot be converted, by symbol, where none is.
 */
function resolveConversions(
  instruments: ReadonlyMap<string, Instrument | undefined>, currency: string,
): { instruments: Map<string, Instrument | undefined>; needs: Map<string, ConversionNeed> } {
  const known = (symbol: string): boolean => instruments.get(symbol) !== undefined;
  const resolved = new Map<string, Instrument | undefined>();
  const needs = new Map<string, ConversionNeed>();
  for (const [symbol, instrument] of instruments) {
    if (!instrument) {
      resolved.set(symbol, instrument);
      continue;
    }
    const outcome = withConversion(instrument, currency, known);
    if ('need' in outcome) needs.set(symbol, outcome.need);
    resolved.set(symbol, 'instrument' in outcome ? outcome.instrument : instrument);
  }
  return { instruments: resolved, needs };
}

/** The marks of the pairs that convert the positions' currencies: each required, naming what it converts. */
function requireConversionMarks(positions: readonly Position[], marks: ReadonlyMap<InstrumentId, Price>, currency: string, problems: ProblemList): void {
  const reported = new Set<string>();
  for (const position of positions) {
    for (const pair of conversionPairs(position.instrument)) {
      if (marks.has(pair) || reported.has(pair)) continue;
      reported.add(pair);
      problems.add(childPath('marks', pair), 'input/required',
        `required: ${position.instrument.symbol} is counted in ${conversionCurrencyOf(position.instrument, pair)}, converted into ${currency} at the mark of ${pair}`);
    }
  }
}

function conversionCurrencyOf(instrument: Instrument, pair: string): string {
  const { profit, margin } = instrument.conversion ?? {};
  if (profit?.pair === pair) return profit.currency;
  return typeof margin === 'object' && margin.pair === pair ? `${margin.currency} (its margin)` : pair;
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
  const parsedInstruments = parseInstruments(snapshot.instruments, venue, 'instruments', problems);
  const { instruments, needs } = currency
    ? resolveConversions(parsedInstruments, currency) : { instruments: parsedInstruments, needs: new Map<string, ConversionNeed>() };
  const positions = parsePositions(snapshot.positions, venue, instruments, 'positions', problems);
  if (currency && balance) checkPositionsAgainstAccount(positions, currency, balance, needs, problems);
  const marks = parseMarks(snapshot.marks, positions, new Set(instruments.keys()), problems);
  if (currency) requireConversionMarks(positions, marks, currency, problems);
  const holding = parseHoldingRates(snapshot.funding, snapshot.financing, venue, instruments, problems);
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
    ...(holding ? { holding } : {}),
  });
}
