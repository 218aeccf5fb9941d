/**
 * MetaTrader 5 (venue-formats.md §7; the MQL5 reference pages cited there): the MetaTrader5 Python
 * package's own output, each saved with `json.dump`:
 *
 *   account_info()._asdict()              -> venue (stop-out levels), account {currency, balance}, leverage
 *   [p._asdict() for p in positions_get()] -> positions, marks (price_current), the venue's `profit`
 *   symbol_info(s)._asdict() of each symbol -> instruments: one object per file, a list, or an object
 *                                             keyed by symbol
 *
 * MT5 has no liquidation price: the broker closes positions when the margin level
 * equity / margin × 100 falls to `margin_so_so` (§7.1). Its figures (MQL5 ENUM_SYMBOL_CALC_MODE, §7.3):
 *
 *   forex (0):        margin = lots × contract size / leverage × margin rate   (in currency_margin)
 *   CFD leverage (4): margin = lots × contract size × price / leverage × margin rate
 *   CFD (2), forex without leverage (5): the same without "/ leverage"
 *   profit = (close − open) × contract size × lots, close = bid for a buy, ask for a sell (in currency_profit)
 *
 * so a position is `quantity = volume × trade_contract_size` base units of a `cfd` (contract size 1)
 * whose P&L is counted in `currency_profit` and margin in `currency_margin`, each converted to the
 * deposit currency.
 *
 * Numbers: the package gives Python floats, saved as JSON numbers. Each is read by the decimal text
 * of its first 15 significant digits (DBL_DIG: every decimal of up to 15 digits survives a double),
 * then by its shortest decimal text (FileReader.decimal with numbers allowed). The 15-digit step
 * drops the noise of a double the broker computed rather than parsed: the package's documented
 * example prints `ask=1.5523099999999999` for a 5-digit symbol
 * (https://www.mql5.com/en/docs/python_metatrader5/mt5symbolselect_py, EURCAD).
 */
import { add, compare, dec, decimal, multiply, normalize, rescale, sign, toDecimalString, type Decimal } from '../../core/money/decimal.js';
import { compareRational, fromDecimal } from '../../core/money/rational.js';
import { builtInVenue } from '../../core/venue/built-in-venues.js';
import type { AssetClass } from '../../core/instrument/instrument.js';
import { WEEKDAYS, type VenueProfile } from '../../core/venue/venue-profile.js';
import type {
  FileKind, FilesByKind, ImportFile, ImportResult, InstrumentJson, PositionJson, SnapshotJson, VenueFigure, VenueImporter,
} from '../import-types.js';
import { FileReader, ImportProblems, fieldPath, isObject, type JsonObject } from '../venue-json.js';

// ---------------------------------------------------------------------------------------------
// Kinds, by shape (spec/import.md "Input")

const has = (value: unknown, keys: readonly string[]): value is JsonObject =>
  isObject(value) && keys.every((key) => Object.hasOwn(value, key));

const ACCOUNT_KEYS = ['login', 'currency', 'balance', 'leverage', 'margin_so_mode', 'margin_so_so'] as const;
const POSITION_KEYS = ['ticket', 'type', 'volume', 'price_open', 'symbol'] as const;
const SYMBOL_KEYS = ['name', 'trade_contract_size', 'currency_profit'] as const;

const isSymbolInfo = (value: unknown): value is JsonObject => has(value, SYMBOL_KEYS);

/** One object, a non-empty list of them, or a non-empty object keyed by symbol. */
function isSymbolInfos(value: unknown): boolean {
  if (isSymbolInfo(value)) return true;
  const entries = Array.isArray(value) ? value : isObject(value) ? Object.values(value) : [];
  return entries.length > 0 && entries.every(isSymbolInfo);
}

const ACCOUNT: FileKind = {
  id: 'account',
  description: 'account_info()._asdict() (MetaTrader5 Python package)',
  matches: (value) => has(value, ACCOUNT_KEYS),
};
/** `positions_get()` returns an empty tuple for an account with none: `[]` is a positions file. */
const POSITIONS: FileKind = {
  id: 'positions',
  description: 'positions_get() as a list of _asdict()',
  matches: (value) => Array.isArray(value) && value.every((entry) => has(entry, POSITION_KEYS)),
};
const SYMBOLS: FileKind = {
  id: 'symbols',
  description: 'symbol_info()._asdict() of each symbol (one object, a list, or an object keyed by symbol)',
  matches: isSymbolInfos,
};

// ---------------------------------------------------------------------------------------------
// Reading MT5's numbers

/** A double's first 15 significant digits (see the module comment); anything else as it came. */
function fifteenDigits(value: unknown): unknown {
  return typeof value === 'number' && Number.isFinite(value) ? Number(value.toPrecision(15)) : value;
}

function readNumber(reader: FileReader, value: unknown, field: string, rule: 'any' | 'positive' | 'non-negative'): string | undefined {
  return reader.decimal(fifteenDigits(value), field, rule, true);
}

/** An optional number: absent or null is undefined, with no problem. */
function readOptionalNumber(reader: FileReader, object: JsonObject, key: string, base: string): string | undefined {
  const value = object[key];
  return value === undefined || value === null ? undefined : readNumber(reader, value, fieldPath(base, key), 'any');
}

const isZeroDecimal = (text: string): boolean => sign(dec(text)) === 0;
const plainText = (value: Decimal): string => toDecimalString(normalize(value));

/** An MT5 percentage as a fraction: 50.0 -> "0.5" (exact: a shift of two decimals). */
const percentToFraction = (text: string): string => {
  const value = dec(text);
  return plainText(decimal(value.units, value.scale + 2));
};

/** An amount written with at least the account's `currency_digits` (145.0 -> "145.00"); never rounded. */
function amountText(text: string, digits: number | undefined): string {
  const value = dec(text);
  return digits !== undefined && value.scale < digits ? toDecimalString(rescale(value, digits, 'half-even')) : text;
}

// ---------------------------------------------------------------------------------------------
// The account (§7.1)

interface Account {
  readonly file: string;
  readonly currency: string;
  readonly balance: string;
  readonly credit: string | undefined;
  readonly leverage: string;
  readonly moneyMode: boolean;
  readonly marginCall: string | undefined;
  readonly stopOut: string | undefined;
  readonly currencyDigits: number | undefined;
}

const STOPOUT_MODE_PERCENT = 0;
const STOPOUT_MODE_MONEY = 1;

function readAccount(file: ImportFile, problems: ImportProblems): Account | undefined {
  const reader = new FileReader(file.name, problems);
  const object = reader.object(file.value, '');
  if (!object) return undefined;
  const before = problems.items.length;
  const currency = reader.string(object.currency, 'currency');
  const balance = readNumber(reader, object.balance, 'balance', 'any');
  const credit = readOptionalNumber(reader, object, 'credit', '');
  const leverage = reader.integer(object.leverage, 'leverage');
  if (leverage !== undefined && leverage <= 0) reader.problem('leverage', `must be above zero, got ${leverage}`);
  const mode = reader.integer(object.margin_so_mode, 'margin_so_mode');
  if (mode !== undefined && mode !== STOPOUT_MODE_PERCENT && mode !== STOPOUT_MODE_MONEY) {
    reader.problem('margin_so_mode', `must be 0 (ACCOUNT_STOPOUT_MODE_PERCENT) or 1 (ACCOUNT_STOPOUT_MODE_MONEY), got ${mode}`);
  }
  const marginCall = readNumber(reader, object.margin_so_call, 'margin_so_call', 'positive');
  const stopOut = readNumber(reader, object.margin_so_so, 'margin_so_so', 'positive');
  const digits = object.currency_digits === undefined ? undefined : reader.integer(object.currency_digits, 'currency_digits');
  if (problems.items.length > before || !currency || !balance || leverage === undefined || mode === undefined) return undefined;
  return {
    file: file.name, currency, balance, credit, leverage: String(leverage), moneyMode: mode === STOPOUT_MODE_MONEY,
    marginCall, stopOut, currencyDigits: digits,
  };
}

/**
 * mt5-standard: the account's own levels, as fractions of the used margin. Money mode (levels in
 * deposit currency) is not modelled: whether MT5 then compares equity or free margin is unverified
 * (§7.1, §11.6). esma-retail-cfd keeps its regulatory levels (ESMA 2018/796: close-out at 50 %).
 */
function venueFor(id: string, profile: VenueProfile, account: Account, problems: ImportProblems, warnings: string[]): SnapshotJson['venue'] | undefined {
  const levels = `margin call ${account.marginCall ?? '?'}, stop-out ${account.stopOut ?? '?'}`;
  if (id === 'esma-retail-cfd') {
    if (account.moneyMode) {
      warnings.push(`${account.file}: the broker sets its levels in money (${levels} ${account.currency}); kept esma-retail-cfd's, which are ESMA's (a close-out at 50 % of the initial margin)`);
    } else if (account.marginCall && account.stopOut && !(sameLevel(account.marginCall, profile.marginCall) && sameLevel(account.stopOut, profile.liquidation))) {
      warnings.push(`${account.file}: the account's levels (${levels} %) differ from esma-retail-cfd's (margin call 100 %, close-out 50 %); kept the venue's, which are ESMA's rule; to model this broker's own, use {"extends": "mt5-standard", "stopOutLevel": ...}`);
    }
    return id;
  }
  if (account.moneyMode) {
    problems.add(account.file, 'margin_so_mode',
      `1 (ACCOUNT_STOPOUT_MODE_MONEY: ${levels} ${account.currency}) is not modelled: Stopout's levels are fractions of the used margin, and what MT5 compares in money mode (equity or free margin) is unverified`);
    return undefined;
  }
  if (!account.marginCall || !account.stopOut) return undefined;
  if (compare(dec(account.stopOut), dec(account.marginCall)) > 0) {
    problems.add(account.file, 'margin_so_so', `the stop-out level ${account.stopOut} % is above the margin call level ${account.marginCall} %`);
    return undefined;
  }
  return { extends: id, marginCallLevel: percentToFraction(account.marginCall), stopOutLevel: percentToFraction(account.stopOut) };
}

/**
 * The venue's triple-swap weekday from the symbols' SYMBOL_SWAP_ROLLOVER3DAYS, where it is not the
 * profile's; symbols that disagree keep the first one's, with a warning (Stopout has one per venue).
 */
function withTripleDay(venue: SnapshotJson['venue'], held: readonly SymbolSpec[], profile: VenueProfile, warnings: string[]): SnapshotJson['venue'] {
  const days = [...new Set(held.flatMap((spec) => (spec.swap && spec.swap.mode !== 0 && spec.swap.tripleDay !== undefined ? [spec.swap.tripleDay] : [])))];
  const first = days[0];
  if (first === undefined) return venue;
  const tripleDay = WEEKDAYS[first] ?? 'wednesday';
  if (days.length > 1) warnings.push(`the symbols charge triple swaps on different weekdays (${days.map((day) => WEEKDAYS[day]).join(', ')}): ${tripleDay} is used for all`);
  if (profile.financing?.tripleDay === tripleDay) return venue;
  return typeof venue === 'string' ? { extends: venue, financing: { tripleDay } } : { ...venue, financing: { tripleDay } };
}

function sameLevel(percent: string, threshold: VenueProfile['marginCall']): boolean {
  return threshold !== null && compareRational(fromDecimal(dec(percentToFraction(percent))), threshold.level) === 0;
}

// ---------------------------------------------------------------------------------------------
// Symbols (§7.3)

interface SymbolSource {
  readonly file: string;
  /** Where the symbol's object is in its file: "" (the whole file), "[1]", "EURUSD". */
  readonly base: string;
  readonly object: JsonObject;
}

interface SymbolSpec {
  readonly name: string;
  readonly source: SymbolSource;
  readonly contractSize: string;
  readonly tickSize: string;
  readonly baseCurrency: string;
  readonly profitCurrency: string;
  readonly marginCurrency: string;
  readonly calcMode: number;
  readonly path: string;
  readonly marginInitial: string | undefined;
  readonly bid: string | undefined;
  readonly ask: string | undefined;
  readonly swap: Swap | undefined;
}

/** The symbol's swap terms: SYMBOL_SWAP_MODE, SYMBOL_SWAP_LONG / _SHORT, SYMBOL_SWAP_ROLLOVER3DAYS (0 = Sunday). */
interface Swap {
  readonly mode: number;
  readonly long: string;
  readonly short: string;
  readonly tripleDay: number | undefined;
}

function readSwap(reader: FileReader, object: JsonObject, base: string): Swap | undefined {
  if (object.swap_mode === undefined || object.swap_mode === null) return undefined;
  const mode = reader.integer(object.swap_mode, fieldPath(base, 'swap_mode'));
  const long = readOptionalNumber(reader, object, 'swap_long', base);
  const short = readOptionalNumber(reader, object, 'swap_short', base);
  const day = object.swap_rollover3days === undefined ? undefined : reader.integer(object.swap_rollover3days, fieldPath(base, 'swap_rollover3days'));
  if (day !== undefined && (day < 0 || day > 6)) {
    reader.problem(fieldPath(base, 'swap_rollover3days'), `a weekday from 0 (Sunday) to 6 (Saturday), got ${day}`);
    return undefined;
  }
  return mode === undefined || long === undefined || short === undefined ? undefined : { mode, long, short, tripleDay: day };
}

/**
 * The snapshot's `financing` entry of a symbol, from its swap mode (MQL5 ENUM_SYMBOL_SWAP_MODE):
 * 1 POINTS gives swap points a night; 5 INTEREST_CURRENT a yearly percentage of the current price
 * (as a fraction). 0 DISABLED charges nothing. The money modes (2-4) and the reopen modes (7, 8)
 * are not carried, and a warning says so.
 */
const SWAP_POINTS = 1;
const SWAP_INTEREST_CURRENT = 5;
function financingOf(spec: SymbolSpec, warnings: string[]): Record<string, string> | undefined {
  const { swap } = spec;
  if (!swap || swap.mode === 0) return undefined;
  if (swap.mode === SWAP_POINTS) return { longPoints: swap.long, shortPoints: swap.short };
  if (swap.mode === SWAP_INTEREST_CURRENT) return { longRate: percentToFraction(swap.long), shortRate: percentToFraction(swap.short) };
  warnings.push(`${spec.name}: swap_mode ${swap.mode} (money or reopen) is not carried into "financing": days to liquidation leave its swaps out`);
  return undefined;
}

function symbolSources(files: readonly ImportFile[]): SymbolSource[] {
  return files.flatMap((file): SymbolSource[] => {
    if (isSymbolInfo(file.value)) return [{ file: file.name, base: '', object: file.value }];
    const entries: [string, unknown][] = Array.isArray(file.value)
      ? file.value.map((value, index) => [fieldPath('', index), value])
      : isObject(file.value) ? Object.entries(file.value).map(([key, value]) => [fieldPath('', key), value]) : [];
    return entries.flatMap(([base, value]) => (isSymbolInfo(value) ? [{ file: file.name, base, object: value }] : []));
  });
}

/** The symbols by `name`; a name given twice is a problem. */
function indexSymbols(sources: readonly SymbolSource[], problems: ImportProblems): Map<string, SymbolSource> {
  const byName = new Map<string, SymbolSource>();
  for (const source of sources) {
    const name = typeof source.object.name === 'string' ? source.object.name : undefined;
    if (name === undefined || name === '') {
      problems.add(source.file, fieldPath(source.base, 'name'), 'must be the symbol\'s name, a non-empty string');
      continue;
    }
    const earlier = byName.get(name);
    if (earlier) problems.add(source.file, fieldPath(source.base, 'name'), `${JSON.stringify(name)} is given twice (also in ${earlier.file})`);
    else byName.set(name, source);
  }
  return byName;
}

function readSymbol(name: string, source: SymbolSource, problems: ImportProblems): SymbolSpec | undefined {
  const reader = new FileReader(source.file, problems);
  const { object, base } = source;
  const at = (key: string): string => fieldPath(base, key);
  const before = problems.items.length;
  const contractSize = readNumber(reader, object.trade_contract_size, at('trade_contract_size'), 'positive');
  const tickSize = readNumber(reader, object.trade_tick_size, at('trade_tick_size'), 'positive');
  const baseCurrency = reader.string(object.currency_base, at('currency_base'));
  const profitCurrency = reader.string(object.currency_profit, at('currency_profit'));
  const marginCurrency = reader.string(object.currency_margin, at('currency_margin'));
  const calcMode = reader.integer(object.trade_calc_mode, at('trade_calc_mode'));
  const path = object.path === undefined ? '' : reader.string(object.path, at('path'));
  const marginInitial = readOptionalNumber(reader, object, 'margin_initial', base);
  const bid = readOptionalNumber(reader, object, 'bid', base);
  const ask = readOptionalNumber(reader, object, 'ask', base);
  const swap = readSwap(reader, object, base);
  if (problems.items.length > before || !contractSize || !tickSize || !baseCurrency || !profitCurrency || !marginCurrency
    || calcMode === undefined || path === undefined) return undefined;
  return {
    name, source, contractSize, tickSize, baseCurrency, profitCurrency, marginCurrency, calcMode, path, marginInitial,
    bid: bid && sign(dec(bid)) > 0 ? bid : undefined, ask: ask && sign(dec(ask)) > 0 ? ask : undefined, swap,
  };
}

/**
 * Asset classes (spec/report.md), from MT5's own currencies, then the symbol's `path`:
 * - gold: base XAU, or a symbol starting XAU or GOLD;
 * - crypto: a path with "crypto", or a coin as the base;
 * - a currency pair (two currencies, named base + profit, in a forex path or a forex calc mode): fx-major when both are among USD, EUR, JPY, GBP, CAD, CHF (ESMA Decision (EU)
 *   2018/796 Annex I, as src/core/venue/cfd-catalog.ts has it: AUDUSD is not a major), else fx-minor;
 * - a path with stock, share or equit: equity;
 * - an index path, or a symbol named like one: index-major for the indices ESMA names (S&P 500,
 *   Dow, NASDAQ, FTSE 100, DAX, CAC 40, Nikkei 225, ASX 200, EURO STOXX 50), else index-minor;
 * - otherwise commodity (silver, oil, ...), said in a warning where nothing in the path says so.
 */
const ESMA_MAJOR_CURRENCIES = new Set(['USD', 'EUR', 'JPY', 'GBP', 'CAD', 'CHF']);
/** ISO 4217 codes of the currencies brokers quote pairs in; a code not here (XBR, a coin) is no currency. */
const CURRENCIES = new Set([
  ...ESMA_MAJOR_CURRENCIES, 'AUD', 'NZD', 'SEK', 'NOK', 'DKK', 'PLN', 'CZK', 'HUF', 'RON', 'TRY', 'ZAR', 'MXN', 'BRL', 'CLP',
  'SGD', 'HKD', 'CNH', 'CNY', 'THB', 'INR', 'KRW', 'TWD', 'ILS', 'RUB', 'AED', 'SAR', 'KWD', 'QAR',
]);
const METALS = new Set(['XAU', 'XAG', 'XPT', 'XPD']);
const COINS = new Set(['BTC', 'ETH', 'LTC', 'XRP', 'BCH', 'SOL', 'ADA', 'DOGE', 'DOT', 'BNB', 'LINK', 'XLM', 'TRX', 'AVAX']);
const MAJOR_INDEX = /^(US500|SPX|SP500|US30|DJ30|DJI|WS30|US100|NAS100|NDX|USTEC|UK100|FTSE|GER30|GER40|DE30|DE40|DAX|FRA40|FR40|CAC|JP225|JPN225|NIKKEI|N225|AUS200|AU200|ASX200|EU50|EUSTX50|ESTX50|STOXX50)/;
const FOREX_MODES = new Set([0, 5]);

function isCurrencyPair(spec: SymbolSpec): boolean {
  const { baseCurrency: base, profitCurrency: profit } = spec;
  return CURRENCIES.has(base) && CURRENCIES.has(profit) && base !== profit
    && (spec.name.toUpperCase().startsWith(base + profit) || /forex|\bfx|currenc/i.test(spec.path) || FOREX_MODES.has(spec.calcMode));
}

function assetClassOf(spec: SymbolSpec): { readonly assetClass: AssetClass; readonly guessed: boolean } {
  const symbol = spec.name.toUpperCase();
  const path = spec.path.toLowerCase();
  const found = (assetClass: AssetClass) => ({ assetClass, guessed: false });
  if (spec.baseCurrency === 'XAU' || /^(XAU|GOLD)/.test(symbol)) return found('gold');
  if (path.includes('crypto') || COINS.has(spec.baseCurrency)) return found('crypto');
  if (isCurrencyPair(spec)) {
    const major = ESMA_MAJOR_CURRENCIES.has(spec.baseCurrency) && ESMA_MAJOR_CURRENCIES.has(spec.profitCurrency);
    return found(major ? 'fx-major' : 'fx-minor');
  }
  if (/stock|share|equit/.test(path)) return found('equity');
  if (MAJOR_INDEX.test(symbol)) return found('index-major');
  if (/indic|index|indices/.test(path)) return found('index-minor');
  return { assetClass: 'commodity', guessed: !/metal|energ|commod|oil|agri|soft/.test(path) && !METALS.has(spec.baseCurrency) };
}

// ---------------------------------------------------------------------------------------------
// Positions (§7.2)

interface Mt5Position {
  readonly file: string;
  readonly index: number;
  readonly ticket: number;
  readonly symbol: string;
  readonly side: 'long' | 'short';
  readonly volume: string;
  readonly priceOpen: string;
  readonly priceCurrent: string;
  readonly profit: string;
  readonly swap: string | undefined;
}

const POSITION_TYPE_BUY = 0;
const POSITION_TYPE_SELL = 1;

function readPosition(file: string, entry: unknown, index: number, problems: ImportProblems): Mt5Position | 'flat' | undefined {
  const reader = new FileReader(file, problems);
  const base = fieldPath('', index);
  const at = (key: string): string => fieldPath(base, key);
  const object = reader.object(entry, base);
  if (!object) return undefined;
  const before = problems.items.length;
  const ticket = reader.integer(object.ticket, at('ticket'));
  const symbol = reader.string(object.symbol, at('symbol'));
  const type = reader.integer(object.type, at('type'));
  if (type !== undefined && type !== POSITION_TYPE_BUY && type !== POSITION_TYPE_SELL) {
    reader.problem(at('type'), `must be 0 (POSITION_TYPE_BUY) or 1 (POSITION_TYPE_SELL), got ${type}`);
  }
  const volume = readNumber(reader, object.volume, at('volume'), 'non-negative');
  const priceOpen = readNumber(reader, object.price_open, at('price_open'), 'positive');
  const priceCurrent = readNumber(reader, object.price_current, at('price_current'), 'positive');
  const profit = readNumber(reader, object.profit, at('profit'), 'any');
  const swap = readOptionalNumber(reader, object, 'swap', base);
  if (problems.items.length > before || ticket === undefined || !symbol || type === undefined || !volume || !priceOpen
    || !priceCurrent || !profit) return undefined;
  if (isZeroDecimal(volume)) return 'flat';
  return {
    file, index, ticket, symbol, side: type === POSITION_TYPE_BUY ? 'long' : 'short', volume, priceOpen, priceCurrent, profit, swap,
  };
}

function readPositions(files: readonly ImportFile[], problems: ImportProblems, warnings: string[]): Mt5Position[] {
  const positions: Mt5Position[] = [];
  const tickets = new Map<number, string>();
  for (const file of files) {
    const list = Array.isArray(file.value) ? file.value : [];
    list.forEach((entry, index) => {
      const position = readPosition(file.name, entry, index, problems);
      if (position === 'flat') {
        warnings.push(`${file.name}: ${fieldPath('', index)} has volume 0, a flat position: left out`);
        return;
      }
      if (!position) return;
      const earlier = tickets.get(position.ticket);
      if (earlier !== undefined) {
        problems.add(file.name, fieldPath(fieldPath('', index), 'ticket'), `ticket ${position.ticket} is given twice (also in ${earlier})`);
        return;
      }
      tickets.set(position.ticket, file.name);
      positions.push(position);
    });
  }
  return positions;
}

/**
 * The position id: symbol and side as spec/import.md asks, and the ticket, since a hedging account
 * holds several positions per symbol and side: "EURUSD-long-50412345".
 */
const positionId = (position: Mt5Position): string => `${position.symbol}-${position.side}-${position.ticket}`;

// ---------------------------------------------------------------------------------------------
// Leverage (§7.2: account-level; §7.3: per calc mode)

const LEVERAGED_MODES = new Set([0, 4]);
const UNLEVERAGED_MODES = new Set([2, 5]);
const CALC_MODE_NAMES: Readonly<Record<number, string>> = {
  0: 'forex', 1: 'futures', 2: 'CFD', 3: 'CFD index', 4: 'CFD leverage', 5: 'forex without leverage',
};

/**
 * Forex and CFD-leverage symbols: the account's leverage. CFD and forex-without-leverage: 1 (their
 * margin is the whole notional × the margin rate). The margin rate itself (SymbolInfoMarginRate) is
 * not in symbol_info(): 1 is assumed, said once. Above the venue's cap for the asset class (the
 * broker lowers it by that margin rate), the cap is used and said.
 */
function leverageFor(
  spec: SymbolSpec, assetClass: AssetClass, account: Account, profile: VenueProfile, problems: ImportProblems, warnings: string[],
): string | undefined {
  const chosen = LEVERAGED_MODES.has(spec.calcMode) ? account.leverage : UNLEVERAGED_MODES.has(spec.calcMode) ? '1' : undefined;
  if (chosen === undefined) {
    const name = CALC_MODE_NAMES[spec.calcMode] ?? 'an exchange mode';
    problems.add(spec.source.file, fieldPath(spec.source.base, 'trade_calc_mode'),
      `${spec.calcMode} (${name}) is not modelled: Stopout margins a CFD on notional (MT5 modes 0 forex, 2 CFD, 4 CFD leverage, 5 forex without leverage)`);
    return undefined;
  }
  const cap = profile.leverageCaps[assetClass];
  if (cap && compare(dec(chosen), cap) > 0) {
    warnings.push(`${spec.name}: the account's 1:${chosen} is above ${profile.id}'s 1:${plainText(cap)} cap for ${assetClass}; `
      + `the broker lowers it by the symbol's margin rate, which symbol_info() does not give: used 1:${plainText(cap)}`);
    return plainText(cap);
  }
  return chosen;
}

// ---------------------------------------------------------------------------------------------
// Marks

/**
 * One mark per symbol. MT5's `price_current` is the bid for a buy and the ask for a sell (§7.2),
 * and `profit` is counted from it, so the mark is the `price_current` of the symbol's positions:
 * every position then agrees with MT5 on a symbol held one way (every netting account, most hedging
 * ones). A symbol held both ways takes the side with more positions (the buys on a tie, MT5's
 * charts being bid charts), and the other side differs by the spread, said as the figure's `why`.
 */
function markFor(positions: readonly Mt5Position[]): { readonly price: string; readonly side: 'long' | 'short' } {
  const longs = positions.filter((position) => position.side === 'long');
  const shorts = positions.filter((position) => position.side === 'short');
  const chosen = longs.length >= shorts.length ? longs : shorts;
  const first = chosen[0] ?? positions[0];
  if (!first) throw new RangeError('a mark needs at least one position');
  return { price: first.priceCurrent, side: first.side };
}

/** A conversion pair with no position: the midpoint of its bid and ask, exactly. */
function midpoint(spec: SymbolSpec): string | undefined {
  if (!spec.bid || !spec.ask) return undefined;
  return plainText(multiply(add(dec(spec.bid), dec(spec.ask)), dec('0.5')));
}

// ---------------------------------------------------------------------------------------------
// Currencies: settlementCurrency = currency_profit, marginCurrency = currency_margin

/**
 * The pair whose price converts `currency` to the deposit currency: a symbol whose base and profit
 * currencies are the two, by MT5's own currencies (a broker's "EURUSD.m" is found too); one named
 * exactly base + profit first.
 */
function conversionPair(currency: string, deposit: string, specs: readonly SymbolSpec[]): SymbolSpec | undefined {
  const pairs = specs.filter((spec) => (spec.baseCurrency === currency && spec.profitCurrency === deposit)
    || (spec.baseCurrency === deposit && spec.profitCurrency === currency));
  return pairs.find((spec) => spec.name === spec.baseCurrency + spec.profitCurrency) ?? pairs[0];
}

/**
 * Whether the instrument says its margin currency. Always for a conversion pair (so the two
 * currencies it converts between are stated, whatever the broker named it) and for a symbol counted
 * in a currency not the account's. Left out where it changes nothing: margin in the profit currency, or forex margin in
 * the base (lots × contract size / leverage, valued at the pair's own price, is its notional /
 * leverage) on a symbol that settles in the account's currency (EURUSD in a USD account). There the
 * snapshot stays one the core reads without marginCurrency.
 */
function writesMarginCurrency(spec: SymbolSpec, deposit: string, convertsOthers: boolean): boolean {
  if (spec.marginCurrency === spec.profitCurrency) return false;
  return convertsOthers || spec.profitCurrency !== deposit || spec.marginCurrency !== spec.baseCurrency;
}

// ---------------------------------------------------------------------------------------------
// The snapshot

interface Built {
  readonly instruments: Record<string, InstrumentJson>;
  readonly marks: Record<string, string>;
}

/** What the held symbols and their conversion pairs make of the snapshot. */
interface Holdings extends Built {
  readonly positions: PositionJson[];
  readonly figures: VenueFigure[];
  readonly assetClasses: Map<string, AssetClass>;
}

/**
 * Quantities are in base units, as src/core/venue/cfd-catalog.ts and spec/report.md count a CFD
 * (EURUSD 100 000 = one standard lot): the position's quantity is volume × trade_contract_size, so
 * the instrument's contract size is 1 (the lot size lives in the quantity, never twice).
 */
function instrumentJson(spec: SymbolSpec, assetClass: AssetClass, marginCurrency: boolean): InstrumentJson {
  return {
    kind: 'cfd', assetClass, contractSize: '1', tickSize: spec.tickSize, settlementCurrency: spec.profitCurrency,
    ...(marginCurrency ? { marginCurrency: spec.marginCurrency } : {}),
  };
}

/** Every currency a held symbol is counted in that is not the account's, with the first position needing it. */
function foreignCurrencies(specs: readonly SymbolSpec[], deposit: string, positions: readonly Mt5Position[]): Map<string, Mt5Position> {
  const needed = new Map<string, Mt5Position>();
  for (const spec of specs) {
    const first = positions.find((position) => position.symbol === spec.name);
    const currencies = [spec.profitCurrency, ...(writesMarginCurrency(spec, deposit, false) ? [spec.marginCurrency] : [])];
    for (const currency of currencies) if (first && currency !== deposit && !needed.has(currency)) needed.set(currency, first);
  }
  return needed;
}

/** The conversion pairs' instruments and marks, or a problem naming the pair nothing prices. */
function addConversions(
  held: readonly SymbolSpec[], all: readonly SymbolSpec[], deposit: string, positions: readonly Mt5Position[], built: Holdings,
  problems: ImportProblems, warnings: string[],
): void {
  for (const [currency, first] of foreignCurrencies(held, deposit, positions)) {
    const pair = conversionPair(currency, deposit, all);
    const where = { file: first.file, field: fieldPath(fieldPath('', first.index), 'symbol') };
    if (!pair) {
      problems.add(where.file, where.field, `${first.symbol} is counted in ${currency} and the account in ${deposit}: `
        + `give symbol_info() of ${currency}${deposit} (or ${deposit}${currency}), whose price converts one to the other`);
      continue;
    }
    const assetClass = built.assetClasses.get(pair.name) ?? assetClassOf(pair).assetClass;
    built.instruments[pair.name] = instrumentJson(pair, assetClass, writesMarginCurrency(pair, deposit, true));
    if (built.marks[pair.name] !== undefined) continue;
    const mid = midpoint(pair);
    if (!mid) {
      problems.add(pair.source.file, fieldPath(pair.source.base, 'bid'),
        `${pair.name} converts ${currency} to ${deposit} for ${first.symbol}, but has no bid and ask to price it (and no position gives its price_current)`);
      continue;
    }
    built.marks[pair.name] = mid;
    warnings.push(`${pair.name}: converts ${currency} to ${deposit}; no position in it, so its mark is the midpoint of symbol_info's bid ${pair.bid ?? ''} and ask ${pair.ask ?? ''}`);
  }
}

function readAll(specs: ReadonlyMap<string, SymbolSource>, problems: ImportProblems): SymbolSpec[] {
  return [...specs].flatMap(([name, source]) => readSymbol(name, source, problems) ?? []);
}

/** Readable symbols only: the conversion search looks through every given symbol, quietly. */
function readQuietly(specs: ReadonlyMap<string, SymbolSource>): SymbolSpec[] {
  return readAll(specs, new ImportProblems());
}

function warnAboutAccount(account: Account, positions: readonly Mt5Position[], warnings: string[]): void {
  if (account.credit && !isZeroDecimal(account.credit)) {
    warnings.push(`${account.file}: credit ${account.credit} ${account.currency} left out of the balance (balance only); MT5 counts it in equity, so its stop-out comes later than ours`);
  }
  const swaps = positions.flatMap((position) => (position.swap && !isZeroDecimal(position.swap) ? [dec(position.swap)] : []));
  if (swaps.length) {
    const total = plainText(swaps.reduce((sum, swap) => add(sum, swap)));
    warnings.push(`the positions' accrued swaps (${total} ${account.currency}) are in MT5's equity but not in the balance used (MT5 books them at close)`);
  }
  warnings.push(`leverage: the account's 1:${account.leverage} for each forex or CFD-leverage position (MT5 leverage is account-level); `
    + 'a symbol\'s margin rate (SymbolInfoMarginRate) is not in symbol_info(): 1 assumed');
}

function warnAboutSymbol(spec: SymbolSpec, guessed: boolean, hedged: boolean, warnings: string[]): void {
  if (guessed) warnings.push(`${spec.name}: path ${JSON.stringify(spec.path)} names no asset class: taken as a commodity`);
  if (spec.marginInitial && !isZeroDecimal(spec.marginInitial)) {
    warnings.push(`${spec.name}: margin_initial ${spec.marginInitial} (a margin per lot) is not used: Stopout margins on contract size × price / leverage`);
  }
  if (UNLEVERAGED_MODES.has(spec.calcMode)) {
    warnings.push(`${spec.name}: trade_calc_mode ${spec.calcMode} (${CALC_MODE_NAMES[spec.calcMode] ?? ''}) margins the whole notional: leverage 1`);
  }
  if (hedged) warnings.push(`${spec.name}: held both ways (a hedging account); Stopout margins each position in full, where MT5 may margin the hedged volume by margin_hedged`);
}

/** The three kinds, each at least once, and one account. */
function requireFiles(files: FilesByKind, problems: ImportProblems): ImportFile | undefined {
  const accounts = files.get(ACCOUNT.id) ?? [];
  for (const kind of [ACCOUNT, POSITIONS, SYMBOLS]) {
    if ((files.get(kind.id) ?? []).length === 0) problems.add('', 'files', `required: ${kind.description}`);
  }
  accounts.slice(1).forEach((file) => problems.add(file.name, '', `a second account_info(): give one account (the first is ${accounts[0]?.name ?? ''})`));
  return problems.empty ? accounts[0] : undefined;
}

/** The symbol_info of each symbol a position holds; a missing one is a problem at the first position on it. */
function heldSymbols(positions: readonly Mt5Position[], sources: ReadonlyMap<string, SymbolSource>, problems: ImportProblems): SymbolSpec[] {
  const names = [...new Set(positions.map((position) => position.symbol))];
  return names.flatMap((name) => {
    const source = sources.get(name);
    const first = positions.find((position) => position.symbol === name);
    if (!source) {
      if (first) {
        problems.add(first.file, fieldPath(fieldPath('', first.index), 'symbol'),
          `no symbol_info for ${JSON.stringify(name)}: give mt5.symbol_info(${JSON.stringify(name)})._asdict()`);
      }
      return [];
    }
    return readSymbol(name, source, problems) ?? [];
  });
}


/** One held symbol: its instrument, its mark, its positions and MT5's profit of each. */
function addHeld(
  spec: SymbolSpec, positions: readonly Mt5Position[], account: Account, profile: VenueProfile, into: Holdings,
  problems: ImportProblems, warnings: string[],
): void {
  const { assetClass, guessed } = assetClassOf(spec);
  into.assetClasses.set(spec.name, assetClass);
  const mine = positions.filter((position) => position.symbol === spec.name);
  const mark = markFor(mine);
  const leverage = leverageFor(spec, assetClass, account, profile, problems, warnings);
  warnAboutSymbol(spec, guessed, new Set(mine.map((position) => position.side)).size > 1, warnings);
  into.instruments[spec.name] = instrumentJson(spec, assetClass, writesMarginCurrency(spec, account.currency, false));
  into.marks[spec.name] = mark.price;
  for (const position of mine) {
    into.positions.push({
      id: positionId(position), instrument: spec.name, side: position.side,
      quantity: plainText(multiply(dec(position.volume), dec(spec.contractSize))), entryPrice: position.priceOpen,
      ...(leverage ? { leverage } : {}),
    });
    into.figures.push(profitFigure(position, spec, mark, account));
  }
}

function build(id: string, files: FilesByKind): ImportResult {
  const problems = new ImportProblems();
  const warnings: string[] = [];
  const profile = builtInVenue(id);
  if (!profile) throw new RangeError(`no built-in venue ${id}`);
  const accountFile = requireFiles(files, problems);
  if (!accountFile) return { ok: false, error: problems.items };
  const positionFiles = files.get(POSITIONS.id) ?? [];
  const account = readAccount(accountFile, problems);
  const positions = readPositions(positionFiles, problems, warnings);
  const sources = indexSymbols(symbolSources(files.get(SYMBOLS.id) ?? []), problems);
  if (positions.length === 0 && problems.empty) {
    positionFiles.forEach((file) => problems.add(file.name, '', 'no open position (positions_get() returned none, or only flat ones): nothing to import'));
  }
  const held = heldSymbols(positions, sources, problems);
  if (!account || !problems.empty) return { ok: false, error: problems.items };

  const venue = venueFor(id, profile, account, problems, warnings);
  const holdings: Holdings = { instruments: {}, marks: {}, positions: [], figures: [], assetClasses: new Map() };
  for (const spec of held) addHeld(spec, positions, account, profile, holdings, problems, warnings);
  addConversions(held, readQuietly(sources), account.currency, positions, holdings, problems, warnings);
  if (id === 'esma-retail-cfd') {
    warnings.push('esma-retail-cfd values the initial margin at entry (ESMA: a payment to enter the CFD); MT5 reports it at current prices, so the used margin differs from account_info().margin');
  }
  warnAboutAccount(account, positions, warnings);
  if (!problems.empty || !venue) return { ok: false, error: problems.items };
  const financing = Object.fromEntries(held.flatMap((spec) => {
    const rates = financingOf(spec, warnings);
    return rates ? [[spec.name, rates] as const] : [];
  }));
  const snapshot: SnapshotJson = {
    venue: withTripleDay(venue, held, profile, warnings),
    ...(Object.keys(financing).length ? { financing } : {}),
    account: { currency: account.currency, balance: amountText(account.balance, account.currencyDigits) },
    instruments: holdings.instruments,
    positions: holdings.positions,
    marks: holdings.marks,
  };
  return { ok: true, value: { snapshot, figures: holdings.figures, warnings } };
}

/**
 * MT5's `profit`: the position's floating P&L in the deposit currency (swap apart), counted from
 * its price_current, written with the account's currency digits. Known causes of a difference: a
 * symbol held both ways (one mark for both sides: the spread), and a conversion from the profit
 * currency, whose rate MT5 takes from a side of the pair it does not document.
 */
function profitFigure(position: Mt5Position, spec: SymbolSpec, mark: { readonly side: 'long' | 'short' }, account: Account): VenueFigure {
  const why = position.side !== mark.side
    ? `MT5 counts a ${position.side === 'long' ? 'buy from the bid' : 'sell from the ask'} and Stopout has one mark for ${spec.name} (the ${mark.side === 'long' ? 'bid' : 'ask'}): the spread × quantity`
    : spec.profitCurrency !== account.currency
      ? `MT5 converts ${spec.profitCurrency} to ${account.currency} at a rate of its own (which side of the pair is not documented); Stopout at the conversion pair's mark`
      : undefined;
  return {
    position: positionId(position),
    field: 'unrealizedPnl',
    venue: amountText(position.profit, account.currencyDigits),
    source: `${position.file} ${fieldPath(fieldPath('', position.index), 'profit')}`,
    ...(why ? { why } : {}),
  };
}

const importerFor = (venue: string): VenueImporter => ({
  venue,
  kinds: [ACCOUNT, POSITIONS, SYMBOLS],
  build: (files) => build(venue, files),
});

/** mt5-standard, and esma-retail-cfd: EU and UK brokers run MetaTrader 5 too. */
export const mt5Importers: readonly VenueImporter[] = [importerFor('mt5-standard'), importerFor('esma-retail-cfd')];
