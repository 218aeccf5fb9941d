/**
 * Bybit v5 linear (USDT perpetuals): the unified account's own responses in, a snapshot out
 * (spec/venue-formats.md §3; https://bybit-exchange.github.io/docs/v5/).
 *
 *   GET /v5/position/list?category=linear      positions: size, avgPrice, leverage, markPrice and
 *                                                the venue's liqPrice, positionIM, positionMM, ...
 *   GET /v5/account/info                        result.marginMode, account-wide (§3.2)
 *   GET /v5/account/wallet-balance              result.list[].coin[]: the USDT walletBalance (§3.3)
 *   GET /v5/market/risk-limit?category=linear   maintenance tiers (§3.4)
 *   GET /v5/market/instruments-info             tick size, max leverage, settle coin (§3.5)
 *   GET /v5/market/tickers                      markPrice, where a position does not carry it
 *
 * Each may be the whole response ({retCode, result}), its `result`, or the bare `list`.
 *
 * Margin mode is the account's: ISOLATED_MARGIN makes every position isolated, with
 * isolatedMargin = positionIM; REGULAR_MARGIN makes them cross; PORTFOLIO_MARGIN is not modelled.
 * Without account info, each position's deprecated `tradeMode` (1 = isolated) is used where present.
 * positionIM includes the fee Bybit reserves to close the position at its bankruptcy price (§3.1,
 * §3.6), so as an isolated margin it is a little more than the margin that holds the position.
 *
 * Risk-limit tiers, sorted by riskLimitValue (Bybit does not sort them): tier n starts where tier
 * n-1's riskLimitValue ends; rate = maintenanceMargin as a fraction, read as a percent where
 * initialMargin × maxLeverage ≈ 100 and as a fraction where it is ≈ 1 (the docs' example is in
 * percent, a testnet capture in fractions, §3.4); deduction = mmDeduction, or derived where "".
 */
import { abs, add, compare, dec, divide, multiply, type Decimal } from '../../core/money/decimal.js';
import { toDecimal, type Rational } from '../../core/money/rational.js';
import { builtInInstrument } from '../../core/venue/built-in-venues.js';
import { bybitLinear } from '../../core/venue/profiles/bybit-linear.js';
import type {
  FileKind, FilesByKind, ImportFile, ImportResult, InstrumentJson, PositionJson, TierJson, VenueFigure, VenueImporter,
} from '../import-types.js';
import { decimalOf, fieldPath, FileReader, ImportProblems, isObject, isZeroText, plain, type JsonObject } from '../venue-json.js';

const VENUE = 'bybit-linear';
const SETTLE_COIN = 'USDT';
const CATEGORY = 'linear';

const NEEDED = {
  accountInfo: 'account info (GET /v5/account/info: result.marginMode)',
  walletBalance: 'wallet balance (GET /v5/account/wallet-balance?accountType=UNIFIED)',
  riskLimit: 'risk limits (GET /v5/market/risk-limit?category=linear)',
  instrumentsInfo: 'instruments info (GET /v5/market/instruments-info?category=linear)',
  tickers: 'tickers (GET /v5/market/tickers?category=linear)',
} as const;

/**
 * The known causes of a disagreement, said beside it by `--check`. The fee reserve is derived from
 * ccxt's copy of a v5 XRPUSDT response (long 100 at 0.3615, 10x, 1 % maintenance): the bankruptcy
 * price 0.3615 × 0.9 = 0.32535, the taker fee to close there 100 × 0.32535 × 0.06 % = 0.019521, and
 * positionIM = 3.615 + 0.019521 = 3.634521, positionMM = 0.3615 + 0.019521 = 0.381021: both carry it,
 * so it cancels in Bybit's liqPrice (entry - (IM - MM) / size), but not in ours when positionIM is
 * the isolated margin. positionValue is at entry in every documented example (100 × 0.3615 = 36.15
 * at a mark of 0.3432).
 */
const WHY = {
  isolatedLiquidation: 'positionIM, taken as the isolated margin, includes the fee Bybit reserves to close at the bankruptcy price '
    + '(venue-formats.md §3.6); Bybit counts that reserve in its maintenance margin too, so it moves our price and not Bybit\'s',
  crossLiquidation: 'Bybit calls a cross liqPrice in the unified account an estimate: the account\'s maintenance rate in USD, '
    + 'with collateral haircuts, decides (venue-formats.md §3.6)',
  initialMargin: 'positionIM is the value at entry / leverage plus the fee Bybit reserves to close (venue-formats.md §3.1); '
    + 'the report\'s cross initial margin is at mark',
  maintenanceMargin: 'positionMM includes the fee Bybit reserves to close at the bankruptcy price '
    + '(ccxt\'s XRPUSDT example: 0.381021 = 36.15 × 1 % + 100 × 0.32535 × 0.06 %)',
  notional: 'Bybit\'s positionValue is size × avgPrice, at entry; the report\'s notional is at mark',
} as const;

// ---------------------------------------------------------------------------------------------
// Shapes: the response, its result, or the bare list.

interface Envelope {
  /** `result`, or the object itself when sent without the response around it. */
  readonly body: JsonObject | undefined;
  readonly bodyPath: string;
  readonly list: readonly unknown[] | undefined;
  readonly listPath: string;
}

function envelopeOf(value: unknown): Envelope {
  if (Array.isArray(value)) return { body: undefined, bodyPath: '', list: value, listPath: '' };
  if (!isObject(value)) return { body: undefined, bodyPath: '', list: undefined, listPath: '' };
  const wrapped = isObject(value.result) ? value.result : undefined;
  const body = wrapped ?? value;
  const bodyPath = wrapped ? 'result' : '';
  return { body, bodyPath, list: Array.isArray(body.list) ? body.list : undefined, listPath: fieldPath(bodyPath, 'list') };
}

function has(item: JsonObject, ...keys: readonly string[]): boolean {
  return keys.every((key) => Object.hasOwn(item, key));
}

/** A non-empty list whose every entry passes `test`. */
function listOf(value: unknown, test: (item: JsonObject) => boolean): boolean {
  const { list } = envelopeOf(value);
  return list !== undefined && list.length > 0 && list.every((item) => isObject(item) && test(item));
}

const KINDS = {
  positionList: {
    id: 'positionList',
    description: 'position list (GET /v5/position/list?category=linear)',
    matches: (value) => listOf(value, (item) => has(item, 'symbol', 'positionIdx', 'size')),
  },
  accountInfo: {
    id: 'accountInfo',
    description: NEEDED.accountInfo,
    matches: (value) => {
      const { body, list } = envelopeOf(value);
      return body !== undefined && list === undefined && typeof body.marginMode === 'string';
    },
  },
  walletBalance: {
    id: 'walletBalance',
    description: NEEDED.walletBalance,
    matches: (value) => listOf(value, (item) => Array.isArray(item.coin)),
  },
  riskLimit: {
    id: 'riskLimit',
    description: NEEDED.riskLimit,
    matches: (value) => listOf(value, (item) => has(item, 'symbol', 'riskLimitValue', 'maintenanceMargin') && !has(item, 'positionIdx')),
  },
  instrumentsInfo: {
    id: 'instrumentsInfo',
    description: NEEDED.instrumentsInfo,
    matches: (value) => listOf(value, (item) => has(item, 'symbol') && isObject(item.priceFilter)),
  },
  tickers: {
    id: 'tickers',
    description: NEEDED.tickers,
    // lastPrice tells a ticker from Bybit's positions and Binance's positionRisk, which carry markPrice too;
    // contracts, from a ccxt Position.
    matches: (value) => listOf(value, (item) => has(item, 'symbol', 'markPrice', 'lastPrice')
      && !['positionIdx', 'size', 'positionAmt', 'contracts'].some((key) => has(item, key))),
  },
} satisfies Record<string, FileKind>;

// ---------------------------------------------------------------------------------------------
// Every file: Bybit's answer code, and the category (inverse and option data are not this venue's).

function checkAnswer(reader: FileReader, value: unknown): boolean {
  const before = reader.problems.items.length;
  if (isObject(value) && value.retCode !== undefined && value.retCode !== 0 && value.retCode !== '0') {
    reader.problem('retCode', `Bybit answered retCode ${JSON.stringify(value.retCode)} (${JSON.stringify(value.retMsg ?? '')}), not data`);
  }
  const { body, bodyPath } = envelopeOf(value);
  const category = body?.category;
  if (category !== undefined && category !== CATEGORY) {
    const inverse = category === 'inverse'
      ? ': inverse contracts are sized in USD and margined in the coin, which bybit-linear (USDT perpetuals) does not model'
      : '';
    reader.problem(fieldPath(bodyPath, 'category'), `category ${JSON.stringify(category)}, not "${CATEGORY}"${inverse}`);
  }
  return reader.problems.items.length === before;
}

interface Entry {
  readonly reader: FileReader;
  readonly item: JsonObject;
  readonly path: string;
}

/**
 * Each list entry of each file of a kind, with its reader and path; files with a bad answer are
 * skipped. With `symbols`, only the entries of those symbols: a market file may list every
 * instrument Bybit has, and the others' oddities are none of this account's business.
 */
function entriesOf(files: readonly ImportFile[] | undefined, problems: ImportProblems, symbols?: ReadonlySet<string>): Entry[] {
  return (files ?? []).flatMap((file) => {
    const reader = new FileReader(file.name, problems);
    if (!checkAnswer(reader, file.value)) return [];
    const { list, listPath } = envelopeOf(file.value);
    return (list ?? []).flatMap((item, index): Entry[] => {
      const path = fieldPath(listPath, index);
      if (symbols && isObject(item) && typeof item.symbol === 'string' && !symbols.has(item.symbol)) return [];
      const object = reader.object(item, path);
      return object ? [{ reader, item: object, path }] : [];
    });
  });
}

/** A string Bybit leaves "" where there is none (leverage in portfolio margin, liqPrice out of range). */
function optionalText(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

// ---------------------------------------------------------------------------------------------
// Positions (§3.1).

interface OpenPosition {
  readonly id: string;
  readonly symbol: string;
  readonly side: 'long' | 'short';
  readonly quantity: string;
  readonly entryPrice: string;
  readonly leverage: string | undefined;
  readonly mark: string | undefined;
  readonly entry: Entry;
}

/** positionIdx 0: one-way, side Buy/Sell; 1 and 2: the buy and sell sides of hedge mode. */
function sideOf(entry: Entry): 'long' | 'short' | 'flat' | undefined {
  const { reader, item, path } = entry;
  const index = reader.integer(item.positionIdx, fieldPath(path, 'positionIdx'));
  const side = item.side;
  const fromSide = side === 'Buy' ? 'long' : side === 'Sell' ? 'short' : side === '' || side === 'None' ? 'flat' : undefined;
  if (fromSide === undefined) {
    return reader.problem(fieldPath(path, 'side'), `must be "Buy", "Sell" or "" (no position), got ${JSON.stringify(side)}`);
  }
  if (index === undefined || index === 0) return fromSide;
  const fromIndex = index === 1 ? 'long' : index === 2 ? 'short' : undefined;
  if (!fromIndex) return reader.problem(fieldPath(path, 'positionIdx'), `must be 0 (one-way), 1 or 2 (hedge mode), got ${index}`);
  if (fromSide !== 'flat' && fromSide !== fromIndex) {
    return reader.problem(fieldPath(path, 'side'), `is ${JSON.stringify(side)} but positionIdx ${index} is the ${index === 1 ? 'buy' : 'sell'} side`);
  }
  return fromIndex;
}

function readPosition(entry: Entry): OpenPosition | 'flat' | undefined {
  const { reader, item, path } = entry;
  const field = (key: string): string => fieldPath(path, key);
  const symbol = reader.string(item.symbol, field('symbol'));
  const side = sideOf(entry);
  const size = reader.decimal(item.size, field('size'), 'non-negative');
  if (side === 'flat' || (size !== undefined && isZeroText(size))) return 'flat';
  // avgPrice (REST); the WebSocket position topic and the v3 API call it entryPrice (§3.1).
  const entryKey = item.avgPrice === undefined && item.entryPrice !== undefined ? 'entryPrice' : 'avgPrice';
  const entryPrice = reader.decimal(item[entryKey], field(entryKey), 'positive');
  const leverageText = optionalText(item.leverage);
  const leverage = leverageText === undefined ? undefined : reader.decimal(leverageText, field('leverage'), 'positive');
  const markText = optionalText(item.markPrice);
  const mark = markText === undefined ? undefined : reader.decimal(markText, field('markPrice'), 'positive');
  if (!symbol || !side || !size || !entryPrice) return undefined;
  return { id: `${symbol}-${side}`, symbol, side, quantity: size, entryPrice, leverage, mark, entry };
}

function readPositions(files: readonly ImportFile[] | undefined, problems: ImportProblems): OpenPosition[] {
  if (!files || files.length === 0) {
    problems.add('', 'files', `give the ${KINDS.positionList.description}`);
    return [];
  }
  const open: OpenPosition[] = [];
  let flat = 0;
  for (const entry of entriesOf(files, problems)) {
    const position = readPosition(entry);
    if (position === 'flat') flat += 1;
    else if (position && open.some((other) => other.id === position.id)) {
      entry.reader.problem(fieldPath(entry.path, 'symbol'), `a second ${position.side} ${position.symbol} position: each symbol and side once`);
    } else if (position) open.push(position);
  }
  if (open.length === 0 && problems.empty) {
    const names = files.map((file) => file.name).join(', ');
    problems.add(names, '', flat > 0 ? `only flat positions (${flat} listed): no open position to report` : 'no positions');
  }
  return open;
}

// ---------------------------------------------------------------------------------------------
// Margin mode (§3.2): the account's, or each position's deprecated tradeMode.

type MarginMode = 'isolated' | 'cross';

function accountMarginMode(files: readonly ImportFile[] | undefined, problems: ImportProblems): MarginMode | 'unknown' | undefined {
  const modes = (files ?? []).map((file): MarginMode | undefined => {
    const reader = new FileReader(file.name, problems);
    if (!checkAnswer(reader, file.value)) return undefined;
    const { body, bodyPath } = envelopeOf(file.value);
    const field = fieldPath(bodyPath, 'marginMode');
    const mode = body?.marginMode;
    if (mode === 'ISOLATED_MARGIN') return 'isolated';
    if (mode === 'REGULAR_MARGIN') return 'cross';
    if (mode === 'PORTFOLIO_MARGIN') {
      return reader.problem(field, 'portfolio margin is not modelled: Bybit sets its requirement by stressing the whole portfolio, '
        + 'not by tiers per position');
    }
    return reader.problem(field, `must be "ISOLATED_MARGIN", "REGULAR_MARGIN" or "PORTFOLIO_MARGIN", got ${JSON.stringify(mode)}`);
  });
  if (modes.length === 0) return 'unknown';
  if (modes.some((mode) => mode === undefined)) return undefined;
  if (new Set(modes).size > 1) {
    problems.add((files ?? []).map((file) => file.name).join(', '), 'result.marginMode', 'account info files disagree on the margin mode');
    return undefined;
  }
  return modes[0];
}

/** tradeMode, deprecated in the unified account (always 0 there): 0 cross, 1 isolated. */
function tradeModeOf(position: OpenPosition): MarginMode | undefined {
  const { reader, item, path } = position.entry;
  const field = fieldPath(path, 'tradeMode');
  if (item.tradeMode === undefined) {
    return reader.problem(field, `the margin mode is unknown: give ${NEEDED.accountInfo}; Bybit's unified account sets it for the whole account`);
  }
  const mode = reader.integer(item.tradeMode, field);
  if (mode === 0) return 'cross';
  if (mode === 1) return 'isolated';
  return mode === undefined ? undefined : reader.problem(field, `must be 0 (cross) or 1 (isolated), got ${mode}`);
}

/** positionIM (positionBalance, deprecated, where positionIM is not sent). */
function isolatedMarginOf(position: OpenPosition, warnings: string[]): string | undefined {
  const { reader, item, path } = position.entry;
  const key = optionalText(item.positionIM) === undefined && optionalText(item.positionBalance) !== undefined ? 'positionBalance' : 'positionIM';
  if (key === 'positionBalance') warnings.push(`${position.id}: isolated margin from positionBalance (deprecated), as positionIM is not sent`);
  return reader.decimal(item[key], fieldPath(path, key), 'positive');
}

// ---------------------------------------------------------------------------------------------
// Risk limits (§3.4) and instruments (§3.5).

const NEAR_ONE = [dec('0.9'), dec('1.1')] as const;
const NEAR_HUNDRED = [dec('90'), dec('110')] as const;

function within(value: Decimal, [low, high]: readonly [Decimal, Decimal]): boolean {
  return compare(value, low) >= 0 && compare(value, high) <= 0;
}

/**
 * maintenanceMargin as a fraction of notional. Bybit's docs show percent ("0.5" with initialMargin
 * "1" at 100x) and a testnet capture fractions ("0.005", "0.01" at 100x): initialMargin ×
 * maxLeverage ≈ 1 says fractions, ≈ 100 percent. Undefined when it says neither.
 */
export function tierRate(maintenanceMargin: string, initialMargin: string, maxLeverage: string): string | undefined {
  const product = multiply(dec(initialMargin), dec(maxLeverage));
  if (within(product, NEAR_ONE)) return maintenanceMargin;
  const maintenance = dec(maintenanceMargin);
  return within(product, NEAR_HUNDRED) ? plain(divide(maintenance, dec('100'), maintenance.scale + 2, 'down')) : undefined;
}

interface RiskTier {
  readonly cap: string;
  readonly rate: string;
  readonly deduction: string | undefined;
  readonly maxLeverage: string | undefined;
  readonly entry: Entry;
}

function readRiskTier(entry: Entry): { symbol: string; tier: RiskTier } | undefined {
  const { reader, item, path } = entry;
  const field = (key: string): string => fieldPath(path, key);
  const symbol = reader.string(item.symbol, field('symbol'));
  const cap = reader.decimal(item.riskLimitValue, field('riskLimitValue'), 'positive', true);
  // maintenanceMargin and initialMargin are documented as numbers, sent as strings.
  const maintenance = reader.decimal(item.maintenanceMargin, field('maintenanceMargin'), 'non-negative', true);
  const initial = reader.decimal(item.initialMargin, field('initialMargin'), 'positive', true);
  const maxLeverage = reader.decimal(item.maxLeverage, field('maxLeverage'), 'positive', true);
  const deductionText = optionalText(item.mmDeduction);
  const deduction = deductionText === undefined ? undefined : reader.decimal(deductionText, field('mmDeduction'), 'non-negative');
  if (!symbol || !cap || !maintenance || !initial || !maxLeverage) return undefined;
  const rate = tierRate(maintenance, initial, maxLeverage);
  if (rate === undefined) {
    return reader.problem(field('maintenanceMargin'), `cannot tell a percent from a fraction: initialMargin × maxLeverage = `
      + `${plain(multiply(dec(initial), dec(maxLeverage)))}, neither about 1 (fractions) nor about 100 (percent)`);
  }
  return { symbol, tier: { cap, rate, deduction, maxLeverage, entry } };
}

function readRiskLimits(files: readonly ImportFile[] | undefined, problems: ImportProblems, symbols: ReadonlySet<string>): Map<string, RiskTier[]> {
  const bySymbol = new Map<string, RiskTier[]>();
  for (const entry of entriesOf(files, problems, symbols)) {
    const read = readRiskTier(entry);
    if (read) bySymbol.set(read.symbol, [...(bySymbol.get(read.symbol) ?? []), read.tier]);
  }
  return bySymbol;
}

/** Tiers by riskLimitValue: each starts at the previous one's cap; the last cap bounds the position, not the rate. */
function tiersFromRiskLimits(tiers: readonly RiskTier[]): TierJson[] | undefined {
  const sorted = [...tiers].sort((a, b) => compare(decimalOf(a.cap), decimalOf(b.cap)));
  const repeated = sorted.find((tier, index) => index > 0 && compare(decimalOf(tier.cap), decimalOf(sorted[index - 1]?.cap ?? '0')) === 0);
  if (repeated) {
    return repeated.entry.reader.problem(fieldPath(repeated.entry.path, 'riskLimitValue'), 'the same riskLimitValue twice for one symbol');
  }
  return sorted.map((tier, index): TierJson => ({
    floor: index === 0 ? '0' : sorted[index - 1]?.cap ?? '0',
    rate: tier.rate,
    ...(tier.deduction !== undefined ? { deduction: tier.deduction } : {}),
    ...(tier.maxLeverage !== undefined ? { maxLeverage: tier.maxLeverage } : {}),
  }));
}

interface InstrumentInfo {
  readonly tickSize: string | undefined;
  readonly maxLeverage: string | undefined;
}

function readInstrumentInfo(entry: Entry): { symbol: string; info: InstrumentInfo } | undefined {
  const { reader, item, path } = entry;
  const field = (...keys: string[]): string => keys.reduce(fieldPath, path);
  const symbol = reader.string(item.symbol, field('symbol'));
  const contractType = item.contractType;
  if (contractType !== undefined && contractType !== 'LinearPerpetual' && contractType !== 'LinearFutures') {
    reader.problem(field('contractType'), `${JSON.stringify(contractType)} is not a linear contract`);
  }
  const settle = item.settleCoin;
  if (settle !== undefined && settle !== SETTLE_COIN) {
    reader.problem(field('settleCoin'), `settles in ${JSON.stringify(settle)}: bybit-linear is Bybit's USDT perpetuals`);
  }
  const priceFilter = reader.object(item.priceFilter, field('priceFilter'));
  const tickSize = priceFilter ? reader.decimal(priceFilter.tickSize, field('priceFilter', 'tickSize'), 'positive') : undefined;
  const leverageFilter = isObject(item.leverageFilter) ? item.leverageFilter : undefined;
  const maxLeverage = leverageFilter?.maxLeverage === undefined
    ? undefined : reader.decimal(leverageFilter.maxLeverage, field('leverageFilter', 'maxLeverage'), 'positive');
  return symbol ? { symbol, info: { tickSize, maxLeverage } } : undefined;
}

function readInstruments(files: readonly ImportFile[] | undefined, problems: ImportProblems, symbols: ReadonlySet<string>): Map<string, InstrumentInfo> {
  const bySymbol = new Map<string, InstrumentInfo>();
  for (const entry of entriesOf(files, problems, symbols)) {
    const read = readInstrumentInfo(entry);
    if (read) bySymbol.set(read.symbol, read.info);
  }
  return bySymbol;
}

/** An exact rate or amount of a built-in tier, written out (they are decimals; 18 places suffice). */
function rationalText(value: Rational): string {
  return plain(toDecimal(value, 18, 'half-even'));
}

function builtInTiers(symbol: string): TierJson[] | undefined {
  return builtInInstrument(bybitLinear, symbol)?.maintenanceTiers.map((tier): TierJson => ({
    floor: rationalText(tier.floor),
    rate: rationalText(tier.rate),
    deduction: rationalText(tier.deduction),
    ...(tier.maxLeverage ? { maxLeverage: plain(tier.maxLeverage) } : {}),
  }));
}

interface MarketData {
  readonly riskLimits: ReadonlyMap<string, readonly RiskTier[]>;
  readonly instruments: ReadonlyMap<string, InstrumentInfo>;
}

/** The instrument a position needs, from Bybit's own data; Stopout's built-in BTCUSDT tiers only where none are given. */
function instrumentFor(position: OpenPosition, market: MarketData, warnings: string[]): InstrumentJson | undefined {
  const { symbol } = position;
  const info = market.instruments.get(symbol);
  const builtIn = builtInInstrument(bybitLinear, symbol);
  const { reader, path } = position.entry;
  if (!info && !symbol.endsWith(SETTLE_COIN)) {
    return reader.problem(fieldPath(path, 'symbol'), `cannot tell that ${symbol} settles in ${SETTLE_COIN}: give its ${NEEDED.instrumentsInfo}`);
  }
  const given = market.riskLimits.get(symbol);
  let tiers = given ? tiersFromRiskLimits(given) : builtInTiers(symbol);
  if (!given && tiers) {
    warnings.push(`${symbol}: no risk limits given; used Stopout's built-in ${symbol} tiers (Bybit margin parameters). `
      + `Give ${NEEDED.riskLimit} for the tiers in force`);
  }
  if (!given && !tiers) {
    tiers = reader.problem(fieldPath(path, 'symbol'),
      `no maintenance tiers for ${symbol}: give its risk limits (GET /v5/market/risk-limit?category=linear&symbol=${symbol})`);
  }
  if (!tiers) return undefined;
  const tickSize = info?.tickSize ?? (builtIn?.tickSize ? plain(builtIn.tickSize) : undefined);
  if (!tickSize) warnings.push(`${symbol}: no tick size (give ${NEEDED.instrumentsInfo}); prices are reported to 8 decimals`);
  const maxLeverage = info?.maxLeverage ?? tiers[0]?.maxLeverage ?? (builtIn?.maxLeverage ? plain(builtIn.maxLeverage) : undefined);
  return {
    kind: 'linear',
    assetClass: 'crypto',
    contractSize: '1',
    ...(tickSize ? { tickSize } : {}),
    ...(maxLeverage ? { maxLeverage } : {}),
    maintenanceTiers: tiers,
    settlementCurrency: SETTLE_COIN,
  };
}

// ---------------------------------------------------------------------------------------------
// Marks and balance.

function readTickers(files: readonly ImportFile[] | undefined, problems: ImportProblems, symbols: ReadonlySet<string>): Map<string, string> {
  const marks = new Map<string, string>();
  for (const { reader, item, path } of entriesOf(files, problems, symbols)) {
    const symbol = reader.string(item.symbol, fieldPath(path, 'symbol'));
    const mark = reader.decimal(item.markPrice, fieldPath(path, 'markPrice'), 'positive');
    if (symbol && mark) marks.set(symbol, mark);
  }
  return marks;
}

/** The USDT coin's walletBalance (§3.3): deposits and realised P&L, before unrealised P&L. */
function walletBalance(files: readonly ImportFile[] | undefined, problems: ImportProblems): string | undefined {
  const file = files?.[0];
  if (!file) return undefined;
  const reader = new FileReader(file.name, problems);
  if (!checkAnswer(reader, file.value)) return undefined;
  const { list, listPath } = envelopeOf(file.value);
  for (const [index, account] of (list ?? []).entries()) {
    const coins = isObject(account) && Array.isArray(account.coin) ? account.coin : [];
    const found = coins.findIndex((coin) => isObject(coin) && coin.coin === SETTLE_COIN);
    const coin = coins[found];
    if (isObject(coin)) {
      const coinPath = fieldPath(fieldPath(fieldPath(listPath, index), 'coin'), found);
      return reader.decimal(coin.walletBalance, fieldPath(coinPath, 'walletBalance'), 'any');
    }
  }
  return reader.problem(fieldPath(fieldPath(listPath, 0), 'coin'), `no ${SETTLE_COIN} coin: the wallet of Bybit's USDT perpetuals is its ${SETTLE_COIN} walletBalance`);
}

// ---------------------------------------------------------------------------------------------
// The venue's own figures (`--check`).

function figuresOf(position: OpenPosition, mode: MarginMode): VenueFigure[] {
  const { reader, item, path } = position.entry;
  const figure = (key: string, field: VenueFigure['field'], why?: string): VenueFigure[] => {
    if (item[key] === undefined) return [];
    const text = optionalText(item[key]);
    const source = `${reader.file} ${fieldPath(path, key)}`;
    if (field !== 'liquidationPrice' && text === undefined) return [];
    // liqPrice "" (out of [minPrice, maxPrice]) or "0": Bybit shows none.
    const venue = text === undefined || (field === 'liquidationPrice' && isZeroText(text)) ? null : text;
    const magnitude = venue !== null && field === 'notional' ? plain(abs(dec(venue))) : venue;
    return [{ position: position.id, field, venue: magnitude, source, ...(why ? { why } : {}) }];
  };
  const checkable = (key: string): boolean => optionalText(item[key]) === undefined
    || reader.decimal(item[key], fieldPath(path, key), 'any') !== undefined;
  const keys = ['liqPrice', 'unrealisedPnl', 'positionValue', 'positionIM', 'positionMM'];
  if (!keys.every(checkable)) return [];
  return [
    ...figure('liqPrice', 'liquidationPrice', mode === 'isolated' ? WHY.isolatedLiquidation : WHY.crossLiquidation),
    ...figure('unrealisedPnl', 'unrealizedPnl'),
    ...figure('positionIM', 'initialMargin', WHY.initialMargin),
    ...figure('positionMM', 'maintenanceMargin', WHY.maintenanceMargin),
    ...figure('positionValue', 'notional', WHY.notional),
  ];
}

// ---------------------------------------------------------------------------------------------

function marginModes(open: readonly OpenPosition[], files: FilesByKind, problems: ImportProblems, warnings: string[]): MarginMode[] | undefined {
  const account = accountMarginMode(files.get(KINDS.accountInfo.id), problems);
  if (account === undefined) return undefined;
  if (account !== 'unknown') return open.map(() => account);
  const modes = open.map(tradeModeOf);
  if (modes.some((mode) => mode === undefined)) return undefined;
  warnings.push(`no account info: each position's margin mode is its tradeMode, which Bybit deprecated (the unified account sends 0 `
    + `for every position); give ${NEEDED.accountInfo} to be sure`);
  return modes.filter((mode): mode is MarginMode => mode !== undefined);
}

function markOf(position: OpenPosition, tickers: ReadonlyMap<string, string>): string | undefined {
  const mark = position.mark ?? tickers.get(position.symbol);
  if (mark) return mark;
  const { reader, path } = position.entry;
  return reader.problem(fieldPath(path, 'markPrice'), `no mark price for ${position.symbol}: give ${NEEDED.tickers}`);
}

function balanceOf(
  positions: readonly PositionJson[], files: FilesByKind, problems: ImportProblems, warnings: string[],
): string | undefined {
  const wallet = files.get(KINDS.walletBalance.id);
  if (wallet) return walletBalance(wallet, problems);
  const margins = positions.map((position) => position.isolatedMargin);
  if (margins.some((margin) => margin === undefined)) {
    const names = (files.get(KINDS.positionList.id) ?? []).map((file) => file.name).join(', ');
    problems.add(names, '', `cross positions need the account's wallet: give ${NEEDED.walletBalance}`);
    return undefined;
  }
  warnings.push(`no wallet balance: the balance is the sum of the isolated positions' positionIM, as if the wallet held nothing else`);
  return plain(margins.reduce((total: Decimal, margin) => (margin === undefined ? total : add(total, decimalOf(margin))), dec('0')));
}

/** Per symbol, once: hedge mode's two sides share the instrument and the mark (and any problem with them). */
function once<T>(cache: Map<string, T | undefined>, symbol: string, make: () => T | undefined): T | undefined {
  if (!cache.has(symbol)) cache.set(symbol, make());
  return cache.get(symbol);
}

function build(files: FilesByKind): ImportResult {
  const problems = new ImportProblems();
  const warnings: string[] = [];
  const open = readPositions(files.get(KINDS.positionList.id), problems);
  if (!problems.empty) return { ok: false, error: problems.items };
  const modes = marginModes(open, files, problems, warnings) ?? [];
  const symbols = new Set(open.map((position) => position.symbol));
  const market: MarketData = {
    riskLimits: readRiskLimits(files.get(KINDS.riskLimit.id), problems, symbols),
    instruments: readInstruments(files.get(KINDS.instrumentsInfo.id), problems, symbols),
  };
  const tickers = readTickers(files.get(KINDS.tickers.id), problems, symbols);
  const instruments = new Map<string, InstrumentJson | undefined>();
  const marks = new Map<string, string | undefined>();
  const positions: PositionJson[] = [];
  const figures: VenueFigure[] = [];
  open.forEach((position, index) => {
    const mode = modes[index];
    const instrument = once(instruments, position.symbol, () => instrumentFor(position, market, warnings));
    const mark = once(marks, position.symbol, () => markOf(position, tickers));
    const isolatedMargin = mode === 'isolated' ? isolatedMarginOf(position, warnings) : undefined;
    if (position.leverage === undefined) warnings.push(`${position.id}: no leverage sent; the report uses the highest the tiers allow`);
    if (!mode || !instrument || !mark || (mode === 'isolated' && !isolatedMargin)) return;
    positions.push({
      id: position.id,
      instrument: position.symbol,
      side: position.side,
      quantity: position.quantity,
      entryPrice: position.entryPrice,
      ...(position.leverage !== undefined ? { leverage: position.leverage } : {}),
      ...(isolatedMargin !== undefined ? { isolatedMargin } : {}),
    });
    figures.push(...figuresOf(position, mode));
  });
  if (modes.includes('isolated')) {
    warnings.push('isolated margin = positionIM, which includes the fee Bybit reserves to close at the bankruptcy price '
      + '(venue-formats.md §3.6): our liquidation price is that fee / size further from entry than Bybit\'s');
  }
  const balance = problems.empty ? balanceOf(positions, files, problems, warnings) : undefined;
  if (!problems.empty || balance === undefined) return { ok: false, error: problems.items };
  return {
    ok: true,
    value: {
      snapshot: {
        venue: VENUE,
        account: { currency: SETTLE_COIN, balance },
        instruments: Object.fromEntries(defined(instruments)),
        positions,
        marks: Object.fromEntries(defined(marks)),
      },
      figures,
      warnings,
    },
  };
}

function defined<T>(cache: ReadonlyMap<string, T | undefined>): [string, T][] {
  return [...cache].flatMap(([symbol, value]): [string, T][] => (value === undefined ? [] : [[symbol, value]]));
}

export const bybitLinearImporter: VenueImporter = {
  venue: VENUE,
  kinds: [KINDS.positionList, KINDS.accountInfo, KINDS.walletBalance, KINDS.riskLimit, KINDS.instrumentsInfo, KINDS.tickers],
  build: (files) => build(files),
};
