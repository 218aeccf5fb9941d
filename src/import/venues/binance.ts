/**
 * Binance USDⓈ-M (fapi) and COIN-M (dapi) futures, as their REST API returns them
 * (spec/venue-formats.md §2; https://developers.binance.com/docs/derivatives/).
 *
 *   positionRisk     GET /fapi/v2 or /fapi/v3/positionRisk, GET /dapi/v1/positionRisk (§2.1, §2.2, §2.7)
 *                    side = positionSide LONG/SHORT, else the sign of positionAmt; quantity = |positionAmt|
 *                    (base units; COIN-M: contracts); entry = entryPrice; mark = markPrice;
 *                    leverage = leverage (v2, dapi) or notional / positionInitialMargin (v3);
 *                    isolated: marginType "isolated" (v2, dapi), or isolatedWallet ≠ 0 (v3: ccxt's rule);
 *                    isolatedMargin = isolatedWallet, else isolatedMargin − unRealizedProfit
 *   leverageBracket  GET /fapi/v1/leverageBracket, GET /dapi/v2/leverageBracket (§2.4, §2.7)
 *                    tiers {floor notionalFloor | qtyFloor, rate maintMarginRatio, deduction cum,
 *                    maxLeverage initialLeverage}; maxLeverage = brackets[0].initialLeverage
 *   account          GET /fapi/v2 or /fapi/v3/account, GET /dapi/v1/account (§2.3)
 *                    balance = the margin asset's crossWalletBalance + the isolated wallets
 *   exchangeInfo     PRICE_FILTER.tickSize, contractSize (COIN-M: USD per contract), marginAsset (§2.5, §2.7)
 *   premiumIndex     markPrice, where positionRisk's own is "0" (§2.5); lastFundingRate as the
 *                    snapshot's funding rate of each held symbol
 *
 * The balance: the core's cross collateral is balance − Σ isolated margins (core/margin/margin-scope.ts),
 * and Binance's cross LP stands on the asset's crossWalletBalance (§2.6), so the balance is the cross
 * wallet plus the isolated wallets of the positions imported: the asset's walletBalance when
 * positionRisk holds every position (§2.3: walletBalance − crossWalletBalance = Σ isolated wallets).
 */
import { abs, add, dec, divide, isZero, multiply, rescale, sign, subtract, sum, toDecimalString, type Decimal } from '../../core/money/decimal.js';
import { builtInInstrument, builtInVenue } from '../../core/venue/built-in-venues.js';
import type { Instrument } from '../../core/instrument/instrument.js';
import type {
  FileKind, FilesByKind, ImportFile, ImportResult, InstrumentJson, PositionJson, TierJson, VenueFigure, VenueImporter,
} from '../import-types.js';
import { decimalOf, fieldPath, FileReader, ImportProblems, isObject, isZeroText, plain, type JsonObject } from '../venue-json.js';

type Flavour = 'usdm' | 'coinm';

/** What differs between the two markets: names, endpoints and the contract's kind. */
interface BinanceMarket {
  readonly flavour: Flavour;
  readonly venue: 'binance-usdm' | 'binance-coinm';
  readonly kind: 'linear' | 'inverse';
  readonly positionRiskCall: string;
  readonly bracketCall: string;
  readonly accountCall: string;
  readonly exchangeInfoCall: string;
  /** The position's signed notional: USDⓈ-M `notional` (quote), COIN-M `notionalValue` (coin). */
  readonly notionalField: 'notional' | 'notionalValue';
  /** Bracket floor: USDⓈ-M `notionalFloor`; COIN-M `qtyFloor`, which the docs misspell `qtylFloor` (§2.7). */
  readonly floorKeys: readonly string[];
}

const USDM: BinanceMarket = {
  flavour: 'usdm',
  venue: 'binance-usdm',
  kind: 'linear',
  positionRiskCall: 'GET /fapi/v2/positionRisk or /fapi/v3/positionRisk',
  bracketCall: 'GET /fapi/v1/leverageBracket',
  accountCall: 'GET /fapi/v2/account or /fapi/v3/account',
  exchangeInfoCall: 'GET /fapi/v1/exchangeInfo',
  notionalField: 'notional',
  floorKeys: ['notionalFloor'],
};

const COINM: BinanceMarket = {
  flavour: 'coinm',
  venue: 'binance-coinm',
  kind: 'inverse',
  positionRiskCall: 'GET /dapi/v1/positionRisk',
  bracketCall: 'GET /dapi/v2/leverageBracket',
  accountCall: 'GET /dapi/v1/account',
  exchangeInfoCall: 'GET /dapi/v1/exchangeInfo',
  notionalField: 'notionalValue',
  floorKeys: ['qtyFloor', 'qtylFloor'],
};

// ---------------------------------------------------------------------------------------------
// Shapes: each file's kind, and which of the two markets it comes from.

/** COIN-M symbols are `<coin>USD_PERP` or `<coin>USD_<yymmdd>`; USDⓈ-M dated ones end `USDT_<yymmdd>`. */
const COINM_SYMBOL = /^[A-Z0-9]+USD_[A-Z0-9]+$/;

function coinmSymbol(value: unknown): boolean {
  return typeof value === 'string' && COINM_SYMBOL.test(value);
}

function rowsOf(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [value];
}

function isPositionRow(row: unknown): row is JsonObject {
  return isObject(row) && 'symbol' in row && 'positionAmt' in row && 'unRealizedProfit' in row;
}

/** dapi rows carry `maxQty`/`notionalValue` where fapi rows carry `maxNotionalValue`/`notional`. */
function positionRowFlavour(row: JsonObject): Flavour {
  return 'maxQty' in row || 'notionalValue' in row || coinmSymbol(row.symbol) ? 'coinm' : 'usdm';
}

function isPositionRisk(value: unknown, flavour: Flavour): boolean {
  if (!Array.isArray(value)) return false;
  return value.every((row) => isPositionRow(row) && positionRowFlavour(row) === flavour);
}

function isBracketEntry(entry: unknown): entry is JsonObject & { brackets: readonly unknown[] } {
  return isObject(entry) && 'symbol' in entry && Array.isArray(entry.brackets);
}

function bracketFlavour(entry: JsonObject & { brackets: readonly unknown[] }): Flavour {
  const quantityKeys = entry.brackets.some((bracket) => isObject(bracket) && Object.keys(bracket).some((key) => key.startsWith('qty')));
  return quantityKeys || coinmSymbol(entry.symbol) ? 'coinm' : 'usdm';
}

function isLeverageBracket(value: unknown, flavour: Flavour): boolean {
  const entries = rowsOf(value);
  return entries.length > 0 && entries.every((entry) => isBracketEntry(entry) && bracketFlavour(entry) === flavour);
}

/** The fapi account has the cross-asset totals (`totalWalletBalance`); the dapi account has none. */
function isAccount(value: unknown, flavour: Flavour): boolean {
  if (!isObject(value) || !Array.isArray(value.assets)) return false;
  const assetsLookRight = value.assets.every((asset) => isObject(asset) && 'asset' in asset && 'walletBalance' in asset);
  return assetsLookRight && ('totalWalletBalance' in value ? 'usdm' : 'coinm') === flavour;
}

function isPremiumIndex(value: unknown, flavour: Flavour): boolean {
  const entries = rowsOf(value);
  return entries.length > 0 && entries.every((entry) => isObject(entry) && 'symbol' in entry && 'markPrice' in entry
    && 'indexPrice' in entry && !('positionAmt' in entry)
    && ('pair' in entry || coinmSymbol(entry.symbol) ? 'coinm' : 'usdm') === flavour);
}

function isExchangeInfo(value: unknown, flavour: Flavour): boolean {
  if (!isObject(value) || !Array.isArray(value.symbols)) return false;
  const symbols = value.symbols;
  if (!symbols.every((entry) => isObject(entry) && 'symbol' in entry && 'filters' in entry)) return false;
  const coinm = symbols.some((entry) => isObject(entry) && (coinmSymbol(entry.symbol) || 'contractStatus' in entry));
  return (coinm ? 'coinm' : 'usdm') === flavour;
}

function kindsOf(market: BinanceMarket): FileKind[] {
  const { flavour } = market;
  return [
    { id: 'positionRisk', description: `positionRisk (${market.positionRiskCall})`, matches: (value) => isPositionRisk(value, flavour) },
    { id: 'leverageBracket', description: `leverageBracket (${market.bracketCall})`, matches: (value) => isLeverageBracket(value, flavour) },
    { id: 'account', description: `account (${market.accountCall})`, matches: (value) => isAccount(value, flavour) },
    {
      id: 'exchangeInfo', description: `exchangeInfo (${market.exchangeInfoCall})`,
      matches: (value) => isExchangeInfo(value, flavour),
    },
    {
      id: 'premiumIndex', description: `premiumIndex (GET /${flavour === 'usdm' ? 'fapi' : 'dapi'}/v1/premiumIndex)`,
      matches: (value) => isPremiumIndex(value, flavour),
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// positionRisk rows.

interface PositionRow {
  readonly file: string;
  readonly index: number;
  readonly symbol: string;
  readonly side: 'long' | 'short';
  /** positionAmt as sent: signed base quantity (USDⓈ-M) or contracts (COIN-M). */
  readonly amount: string;
  readonly entryPrice: string;
  readonly markPrice: string;
  readonly unrealizedProfit: string;
  readonly liquidationPrice?: string;
  readonly notional?: string;
  readonly leverage?: string;
  readonly isolated: boolean;
  /** The field that says cross or isolated: `[0].marginType`, or `[0].isolatedWallet` in v3. */
  readonly marginField: string;
  readonly isolatedWallet?: string;
  readonly positionInitialMargin?: string;
  readonly initialMargin?: string;
  readonly openOrderInitialMargin?: string;
  readonly maintMargin?: string;
  readonly marginAsset?: string;
}

const at = (index: number, key: string): string => fieldPath(fieldPath('', index), key);

function optionalDecimal(reader: FileReader, row: JsonObject, index: number, key: string): string | undefined {
  return row[key] === undefined ? undefined : reader.decimal(row[key], at(index, key));
}

/** LONG and SHORT name the side in hedge mode; BOTH (one-way mode) leaves it to positionAmt's sign. */
function sideOf(reader: FileReader, row: JsonObject, index: number, amount: Decimal): 'long' | 'short' | undefined {
  const bySign = sign(amount) > 0 ? 'long' : 'short';
  const positionSide = row.positionSide === undefined ? 'BOTH' : reader.string(row.positionSide, at(index, 'positionSide'));
  if (positionSide === undefined) return undefined;
  if (positionSide === 'BOTH') return bySign;
  if (positionSide !== 'LONG' && positionSide !== 'SHORT') {
    return reader.problem(at(index, 'positionSide'), `must be "BOTH", "LONG" or "SHORT", got ${JSON.stringify(positionSide)}`);
  }
  const named = positionSide === 'LONG' ? 'long' : 'short';
  if (named !== bySign) {
    return reader.problem(at(index, 'positionAmt'), `a ${positionSide} position with positionAmt of the other sign`);
  }
  return named;
}

/**
 * Cross or isolated. v2 and dapi say so in `marginType` ("isolated", "cross"; the user stream's
 * "CROSSED", §2.5); v3 has no `marginType`: isolated iff its isolated wallet is not zero (ccxt's rule, §2.2).
 */
function marginModeOf(reader: FileReader, row: JsonObject, index: number): { isolated: boolean; field: string } | undefined {
  if (row.marginType !== undefined) {
    const field = at(index, 'marginType');
    const type = reader.string(row.marginType, field)?.toLowerCase();
    if (type === undefined) return undefined;
    if (type === 'isolated') return { isolated: true, field };
    if (type === 'cross' || type === 'crossed') return { isolated: false, field };
    return reader.problem(field, `must be "isolated" or "cross", got ${JSON.stringify(row.marginType)}`);
  }
  const key = row.isolatedWallet !== undefined ? 'isolatedWallet' : 'isolatedMargin';
  const wallet = row[key] === undefined ? '0' : reader.decimal(row[key], at(index, key));
  return wallet === undefined ? undefined : { isolated: !isZeroText(wallet), field: at(index, key) };
}

/**
 * The isolated wallet: `isolatedWallet` where sent. `isolatedMargin` is the wallet PLUS the uPnL
 * (§2.1: the older docs' rows; §2.5: the user stream's `iw` equals isolatedMargin − unRealizedProfit
 * to the last digit), so without `isolatedWallet` the wallet is isolatedMargin − unRealizedProfit.
 */
function isolatedWalletOf(reader: FileReader, row: JsonObject, index: number, unrealizedProfit: string): string | undefined {
  if (row.isolatedWallet !== undefined) return reader.decimal(row.isolatedWallet, at(index, 'isolatedWallet'));
  const margin = reader.decimal(row.isolatedMargin, at(index, 'isolatedMargin'));
  return margin === undefined ? undefined : toDecimalString(subtract(decimalOf(margin), decimalOf(unrealizedProfit)));
}

/** One row: a position, 'flat' (positionAmt 0: left out), or undefined after a problem. */
function readPositionRow(reader: FileReader, value: unknown, index: number): PositionRow | 'flat' | undefined {
  const row = reader.object(value, fieldPath('', index));
  if (!row) return undefined;
  const amount = reader.decimal(row.positionAmt, at(index, 'positionAmt'));
  if (amount === undefined) return undefined;
  if (isZeroText(amount)) return 'flat';
  const symbol = reader.string(row.symbol, at(index, 'symbol'));
  const side = sideOf(reader, row, index, decimalOf(amount));
  const entryPrice = reader.decimal(row.entryPrice, at(index, 'entryPrice'), 'non-negative');
  const markPrice = reader.decimal(row.markPrice, at(index, 'markPrice'), 'non-negative');
  const unrealizedProfit = reader.decimal(row.unRealizedProfit, at(index, 'unRealizedProfit'));
  const liquidationPrice = optionalDecimal(reader, row, index, 'liquidationPrice');
  const notional = optionalDecimal(reader, row, index, 'notional') ?? optionalDecimal(reader, row, index, 'notionalValue');
  const leverage = row.leverage === undefined ? undefined : reader.decimal(row.leverage, at(index, 'leverage'), 'positive', true);
  const mode = marginModeOf(reader, row, index);
  const isolatedWallet = mode?.isolated && unrealizedProfit !== undefined
    ? isolatedWalletOf(reader, row, index, unrealizedProfit) : undefined;
  const positionInitialMargin = optionalDecimal(reader, row, index, 'positionInitialMargin');
  const initialMargin = optionalDecimal(reader, row, index, 'initialMargin');
  const openOrderInitialMargin = optionalDecimal(reader, row, index, 'openOrderInitialMargin');
  const maintMargin = optionalDecimal(reader, row, index, 'maintMargin');
  const marginAsset = row.marginAsset === undefined ? undefined : reader.string(row.marginAsset, at(index, 'marginAsset'));
  if (!symbol || !side || entryPrice === undefined || markPrice === undefined || unrealizedProfit === undefined || !mode) return undefined;
  if (mode.isolated && isolatedWallet === undefined) return undefined;
  return {
    file: reader.file, index, symbol, side, amount, entryPrice, markPrice, unrealizedProfit,
    isolated: mode.isolated, marginField: mode.field,
    ...(liquidationPrice !== undefined ? { liquidationPrice } : {}),
    ...(notional !== undefined ? { notional } : {}),
    ...(leverage !== undefined ? { leverage } : {}),
    ...(isolatedWallet !== undefined ? { isolatedWallet } : {}),
    ...(positionInitialMargin !== undefined ? { positionInitialMargin } : {}),
    ...(initialMargin !== undefined ? { initialMargin } : {}),
    ...(openOrderInitialMargin !== undefined ? { openOrderInitialMargin } : {}),
    ...(maintMargin !== undefined ? { maintMargin } : {}),
    ...(marginAsset !== undefined ? { marginAsset } : {}),
  };
}

function readPositionRows(file: ImportFile, problems: ImportProblems): { open: PositionRow[]; flat: number } {
  const reader = new FileReader(file.name, problems);
  const open: PositionRow[] = [];
  let flat = 0;
  (reader.array(file.value, '') ?? []).forEach((value, index) => {
    const row = readPositionRow(reader, value, index);
    if (row === 'flat') flat += 1;
    else if (row) open.push(row);
  });
  return { open, flat };
}

// ---------------------------------------------------------------------------------------------
// leverageBracket, exchangeInfo, premiumIndex, account.

interface BracketTable {
  readonly file: string;
  readonly field: string;
  readonly tiers: readonly TierJson[];
  readonly maxLeverage: string;
  readonly notionalCoef?: string;
}

function readTier(reader: FileReader, value: unknown, path: string, market: BinanceMarket): TierJson | undefined {
  const bracket = reader.object(value, path);
  if (!bracket) return undefined;
  const floorKey = market.floorKeys.find((key) => bracket[key] !== undefined) ?? market.floorKeys[0] ?? 'notionalFloor';
  const floor = reader.decimal(bracket[floorKey], fieldPath(path, floorKey), 'non-negative', true);
  const rate = reader.decimal(bracket.maintMarginRatio, fieldPath(path, 'maintMarginRatio'), 'non-negative', true);
  const deduction = reader.decimal(bracket.cum, fieldPath(path, 'cum'), 'non-negative', true);
  const maxLeverage = reader.decimal(bracket.initialLeverage, fieldPath(path, 'initialLeverage'), 'positive', true);
  if (floor === undefined || rate === undefined || deduction === undefined || maxLeverage === undefined) return undefined;
  return { floor, rate, deduction, maxLeverage };
}

/** Brackets are JSON numbers (§2.4); an array of symbols, or one object when `symbol` was sent. */
function readBrackets(file: ImportFile, market: BinanceMarket, problems: ImportProblems, into: Map<string, BracketTable>): void {
  const reader = new FileReader(file.name, problems);
  const entries = Array.isArray(file.value) ? file.value.map((entry, index) => [entry, fieldPath('', index)] as const)
    : [[file.value, ''] as const];
  for (const [value, path] of entries) {
    const entry = reader.object(value, path);
    const symbol = entry && reader.string(entry.symbol, fieldPath(path, 'symbol'));
    const list = entry && reader.array(entry.brackets, fieldPath(path, 'brackets'));
    if (!entry || !symbol || !list) continue;
    if (list.length === 0) {
      reader.problem(fieldPath(path, 'brackets'), 'must list at least one bracket');
      continue;
    }
    if (into.has(symbol)) {
      reader.problem(fieldPath(path, 'symbol'), `${symbol}'s brackets are given twice (also in ${into.get(symbol)?.file ?? 'another file'})`);
      continue;
    }
    const tiers = list.map((bracket, index) => readTier(reader, bracket, fieldPath(fieldPath(path, 'brackets'), index), market));
    const coefficient = entry.notionalCoef === undefined
      ? undefined : reader.decimal(entry.notionalCoef, fieldPath(path, 'notionalCoef'), 'positive', true);
    const complete = tiers.filter((tier): tier is TierJson => tier !== undefined);
    const first = complete[0];
    if (complete.length !== tiers.length || !first?.maxLeverage) continue;
    into.set(symbol, {
      file: file.name, field: path, tiers: complete, maxLeverage: first.maxLeverage,
      ...(coefficient !== undefined ? { notionalCoef: coefficient } : {}),
    });
  }
}

interface SymbolInfo {
  readonly tickSize?: string;
  readonly contractSize?: string;
  readonly marginAsset?: string;
}

/** One symbol of exchangeInfo: PRICE_FILTER's tickSize (never `pricePrecision`, §2.5), contractSize, marginAsset. */
function readSymbolInfo(reader: FileReader, value: JsonObject, path: string): SymbolInfo {
  const filters = reader.array(value.filters, fieldPath(path, 'filters')) ?? [];
  const priceFilterIndex = filters.findIndex((filter) => isObject(filter) && filter.filterType === 'PRICE_FILTER');
  const priceFilter = filters[priceFilterIndex];
  const tickPath = fieldPath(fieldPath(fieldPath(path, 'filters'), priceFilterIndex), 'tickSize');
  const tickSize = isObject(priceFilter) ? reader.decimal(priceFilter.tickSize, tickPath, 'positive') : undefined;
  const contractSize = value.contractSize === undefined
    ? undefined : reader.decimal(value.contractSize, fieldPath(path, 'contractSize'), 'positive', true);
  const marginAsset = value.marginAsset === undefined ? undefined : reader.string(value.marginAsset, fieldPath(path, 'marginAsset'));
  return {
    ...(tickSize !== undefined ? { tickSize: plain(decimalOf(tickSize)) } : {}),
    ...(contractSize !== undefined ? { contractSize } : {}),
    ...(marginAsset !== undefined ? { marginAsset } : {}),
  };
}

/** Only the symbols with a position are read: a full exchangeInfo lists hundreds. */
function readExchangeInfo(file: ImportFile, wanted: ReadonlySet<string>, problems: ImportProblems, into: Map<string, SymbolInfo>): void {
  const reader = new FileReader(file.name, problems);
  const symbols = isObject(file.value) && Array.isArray(file.value.symbols) ? file.value.symbols : [];
  symbols.forEach((value, index) => {
    if (!isObject(value) || typeof value.symbol !== 'string' || !wanted.has(value.symbol)) return;
    into.set(value.symbol, readSymbolInfo(reader, value, fieldPath('symbols', index)));
  });
}

interface Mark {
  readonly price: string;
  readonly source: string;
  /** `lastFundingRate`: the rate of the coming funding payment, where the file gives it. */
  readonly fundingRate?: string;
}

function readPremiumIndex(file: ImportFile, problems: ImportProblems, into: Map<string, Mark>): void {
  const reader = new FileReader(file.name, problems);
  const entries = Array.isArray(file.value) ? file.value.map((entry, index) => [entry, fieldPath('', index)] as const)
    : [[file.value, ''] as const];
  for (const [value, path] of entries) {
    if (!isObject(value) || typeof value.symbol !== 'string') continue;
    const price = reader.decimal(value.markPrice, fieldPath(path, 'markPrice'), 'positive');
    const fundingRate = value.lastFundingRate === undefined || value.lastFundingRate === ''
      ? undefined : reader.decimal(value.lastFundingRate, fieldPath(path, 'lastFundingRate'), 'any');
    if (price !== undefined) into.set(value.symbol, { price, source: `${file.name} ${fieldPath(path, 'markPrice')}`, ...(fundingRate ? { fundingRate } : {}) });
  }
}

interface AccountWallet {
  readonly crossWallet: string;
  readonly wallet?: string;
  readonly multiAssets: boolean;
}

/** The margin asset's wallets in `assets[]` (§2.3). */
function readAccount(file: ImportFile, currency: string, problems: ImportProblems): AccountWallet | undefined {
  const reader = new FileReader(file.name, problems);
  const account = reader.object(file.value, '');
  const assets = account && reader.array(account.assets, 'assets');
  if (!account || !assets) return undefined;
  const index = assets.findIndex((asset) => isObject(asset) && asset.asset === currency);
  const asset = assets[index];
  if (!isObject(asset)) return reader.problem('assets', `no ${currency} entry, the asset the positions are margined in`);
  const path = fieldPath('assets', index);
  const crossWallet = reader.decimal(asset.crossWalletBalance, fieldPath(path, 'crossWalletBalance'));
  const wallet = asset.walletBalance === undefined ? undefined : reader.decimal(asset.walletBalance, fieldPath(path, 'walletBalance'));
  if (crossWallet === undefined) return undefined;
  return { crossWallet, multiAssets: account.multiAssetsMargin === true, ...(wallet !== undefined ? { wallet } : {}) };
}

// ---------------------------------------------------------------------------------------------
// Instruments.

interface ResolvedInstrument {
  readonly contractSize: Decimal;
  /** Where the maintenance tiers come from: the user's bracket file, or the venue profile's built-in ones. */
  readonly tiersFrom: 'bracket' | 'built-in';
  /** The snapshot's entry: a full definition (from a bracket file), an override, or nothing. */
  readonly json?: InstrumentJson;
}

interface Sources {
  readonly market: BinanceMarket;
  readonly brackets: ReadonlyMap<string, BracketTable>;
  readonly exchangeInfo: ReadonlyMap<string, SymbolInfo>;
  readonly problems: ImportProblems;
  readonly warnings: string[];
}

function builtInOf(market: BinanceMarket, symbol: string): Instrument | undefined {
  const venue = builtInVenue(market.venue);
  return venue ? builtInInstrument(venue, symbol) : undefined;
}

/** The tick: exchangeInfo's PRICE_FILTER, else the built-in instrument's (said), else none (said). */
function tickSizeOf(sources: Sources, symbol: string, builtIn: Instrument | undefined): string | undefined {
  const fromFile = sources.exchangeInfo.get(symbol)?.tickSize;
  if (fromFile) return fromFile;
  if (builtIn?.tickSize) {
    const tick = plain(builtIn.tickSize);
    sources.warnings.push(`${symbol}: no exchangeInfo, so the built-in tick size ${tick} is used (${sources.market.exchangeInfoCall} gives the current one)`);
    return tick;
  }
  sources.warnings.push(`${symbol}: no tick size (add exchangeInfo, ${sources.market.exchangeInfoCall}); prices are not rounded to a tick, and checked to a relative 1e-7`);
  return undefined;
}

/**
 * USDⓈ-M contracts are one unit of the base (§1.4: ccxt's contractSize 1 for USDⓈ-M); COIN-M
 * contracts are a USD amount that only exchangeInfo (or the built-in profile) gives.
 */
function contractSizeOf(sources: Sources, row: PositionRow, builtIn: Instrument | undefined): string | undefined {
  const fromFile = sources.exchangeInfo.get(row.symbol)?.contractSize;
  if (fromFile) return fromFile;
  if (builtIn) return plain(builtIn.contractSize);
  if (sources.market.kind === 'linear') return '1';
  sources.problems.add(row.file, at(row.index, 'symbol'),
    `the contract size of ${row.symbol} (USD per contract) is in no file: add exchangeInfo (${sources.market.exchangeInfoCall})`);
  return undefined;
}

function definedFromBrackets(sources: Sources, row: PositionRow, table: BracketTable, currency: string): ResolvedInstrument | undefined {
  const builtIn = builtInOf(sources.market, row.symbol);
  const contractSize = contractSizeOf(sources, row, builtIn);
  if (contractSize === undefined) return undefined;
  const tickSize = tickSizeOf(sources, row.symbol, builtIn);
  if (table.notionalCoef !== undefined) {
    sources.warnings.push(`${row.symbol}: the brackets in ${table.file} are this account's own, scaled by notionalCoef ${table.notionalCoef} from the symbol's default; used as sent`);
  }
  return {
    contractSize: dec(contractSize),
    tiersFrom: 'bracket',
    json: {
      kind: sources.market.kind,
      assetClass: 'crypto',
      contractSize,
      ...(tickSize !== undefined ? { tickSize } : {}),
      maxLeverage: table.maxLeverage,
      maintenanceTiers: table.tiers,
      settlementCurrency: currency,
    },
  };
}

/**
 * A symbol's instrument: defined from its bracket file where one is given; else the built-in
 * instrument (said in a warning: brackets change); else a problem naming the file to add.
 */
function resolveInstrument(sources: Sources, row: PositionRow, currency: string): ResolvedInstrument | undefined {
  const { market, problems } = sources;
  const table = sources.brackets.get(row.symbol);
  if (table) return definedFromBrackets(sources, row, table, currency);
  const builtIn = builtInOf(market, row.symbol);
  if (!builtIn) {
    return problems.add(row.file, at(row.index, 'symbol'),
      `a position in ${row.symbol}, which no file defines: add leverageBracket (${market.bracketCall})`);
  }
  if (builtIn.maintenanceTiers.length === 0) {
    return problems.add(row.file, at(row.index, 'symbol'),
      `${market.venue} has no built-in brackets for ${row.symbol}: add leverageBracket (${market.bracketCall})`);
  }
  sources.warnings.push(`${row.symbol}: no leverageBracket, so the built-in brackets are used; brackets change, and are per account (${market.bracketCall})`);
  const tickSize = sources.exchangeInfo.get(row.symbol)?.tickSize;
  const contractSize = sources.exchangeInfo.get(row.symbol)?.contractSize;
  const override = {
    ...(tickSize !== undefined ? { tickSize } : {}),
    ...(contractSize !== undefined ? { contractSize } : {}),
  };
  return {
    contractSize: contractSize !== undefined ? dec(contractSize) : builtIn.contractSize,
    tiersFrom: 'built-in',
    // An entry without `kind` overrides the built-in instrument's fields (spec/report.md); the
    // framework's InstrumentJson type names only full definitions, hence the cast.
    ...(Object.keys(override).length > 0 ? { json: override as InstrumentJson } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// Positions and the venue's own figures.

/** USDⓈ-M: USDT, USDC, … from the symbol's quote (`BTCUSDT`, `BTCUSDT_250328`); COIN-M: the coin (`BTCUSD_PERP`). */
function marginAssetFromSymbol(market: BinanceMarket, symbol: string): string | undefined {
  if (market.flavour === 'coinm') return /^([A-Z0-9]+)USD_/.exec(symbol)?.[1];
  return /^[A-Z0-9]+?(USDT|USDC|BUSD|FDUSD)(_[0-9]+)?$/.exec(symbol)?.[1];
}

const DERIVATION_DIGITS = 12;

/**
 * The entry where an open position's `entryPrice` is 0 (the older docs' SHORT row, §2.1), from
 * uPnL = positionAmt × contractSize × (x_mark − x_entry), x = price (linear) or −1/price (inverse):
 *   linear:  entry = mark − uPnL / positionAmt
 *   inverse: entry = 1 / (1/mark + uPnL / (positionAmt × contractSize))
 * rounded to the mark's decimals.
 */
function derivedEntry(row: PositionRow, kind: 'linear' | 'inverse', contractSize: Decimal): Decimal | undefined {
  const mark = dec(row.markPrice);
  const amount = dec(row.amount);
  const profit = dec(row.unrealizedProfit);
  if (isZero(mark)) return undefined;
  const digits = mark.scale + DERIVATION_DIGITS;
  if (kind === 'linear') return positiveAt(subtract(mark, divide(profit, amount, digits, 'half-even')), mark.scale);
  const inverseEntry = add(divide(dec('1'), mark, digits + 8, 'half-even'), divide(profit, multiply(amount, contractSize), digits + 8, 'half-even'));
  return sign(inverseEntry) > 0 ? positiveAt(divide(dec('1'), inverseEntry, digits, 'half-even'), mark.scale) : undefined;
}

function positiveAt(value: Decimal, scale: number): Decimal | undefined {
  const rounded = rescale(value, scale, 'half-even');
  return sign(rounded) > 0 ? rounded : undefined;
}

function entryOf(sources: Sources, row: PositionRow, contractSize: Decimal): string | undefined {
  if (!isZeroText(row.entryPrice)) return row.entryPrice;
  const derived = derivedEntry(row, sources.market.kind, contractSize);
  if (!derived) {
    return sources.problems.add(row.file, at(row.index, 'entryPrice'),
      `${JSON.stringify(row.entryPrice)} on an open position, and no entry follows from unRealizedProfit and markPrice`);
  }
  const entry = plain(derived);
  sources.warnings.push(`${row.file} ${at(row.index, 'entryPrice')} is ${JSON.stringify(row.entryPrice)} on an open position: `
    + `the entry ${entry} is derived from unRealizedProfit and markPrice (venue-formats.md §2.1)`);
  return entry;
}

/**
 * Leverage: v2 and dapi send it. v3 does not (§2.2); there it is notional / positionInitialMargin
 * (the ADAUSDT example: 12.314277 / 0.61571385 = 20), Binance's leverage being a whole number; where
 * v3 gives no initial margin it is left out, and the core takes the highest the tier allows.
 */
function leverageOf(sources: Sources, row: PositionRow): string | undefined {
  if (row.leverage !== undefined) return row.leverage;
  const margin = row.positionInitialMargin === undefined ? undefined : dec(row.positionInitialMargin);
  const notional = row.notional === undefined ? undefined : abs(dec(row.notional));
  if (!margin || !notional || isZero(margin) || isZero(notional)) {
    sources.warnings.push(`${row.file} ${fieldPath('', row.index)} (${row.symbol}): positionRisk v3 gives no leverage and no positionInitialMargin: `
      + 'leverage is left out, so the initial margin is taken at the highest leverage the bracket allows');
    return undefined;
  }
  const ratio = divide(notional, margin, 8, 'half-even');
  const whole = rescale(ratio, 0, 'half-even');
  if (isZero(whole)) return undefined;
  sources.warnings.push(`${row.file} ${fieldPath('', row.index)} (${row.symbol}): positionRisk v3 gives no leverage: `
    + `${plain(whole)} assumed, from notional / positionInitialMargin = ${row.notional ?? ''} / ${row.positionInitialMargin ?? ''}`);
  return plain(whole);
}

function positionIdOf(row: PositionRow): string {
  return `${row.symbol}-${row.side}`;
}

/** What is known to make ours differ, said beside a figure that disagrees (check.ts). */
interface Reasons {
  /** The tiers are the built-in ones: LP and maintenance may differ. */
  readonly brackets?: string;
  /** The entry was derived: LP and uPnL rest on it. */
  readonly entry?: string;
}

function reasonsOf(resolved: ResolvedInstrument, entryDerived: boolean, market: BinanceMarket): Reasons {
  return {
    ...(resolved.tiersFrom === 'built-in'
      ? { brackets: `no leverageBracket was given: the built-in brackets stand in for the ones that held (${market.bracketCall})` } : {}),
    ...(entryDerived ? { entry: 'the file\'s entryPrice was 0; ours is the entry derived from unRealizedProfit and markPrice' } : {}),
  };
}

function because(...reasons: (string | undefined)[]): { why?: string } {
  const known = reasons.filter((reason): reason is string => reason !== undefined);
  return known.length > 0 ? { why: known.join('; ') } : {};
}

/**
 * v3's initial margin of the position itself: `positionInitialMargin`; its `initialMargin` adds the
 * open orders' (`openOrderInitialMargin`), which the report does not count.
 */
function initialMarginFigure(row: PositionRow, id: string, source: (key: string) => string, reasons: Reasons): VenueFigure[] {
  if (row.positionInitialMargin !== undefined) {
    return [{ position: id, field: 'initialMargin', venue: row.positionInitialMargin, source: source('positionInitialMargin'), ...because(reasons.entry) }];
  }
  if (row.initialMargin === undefined) return [];
  const orders = row.openOrderInitialMargin !== undefined && !isZeroText(row.openOrderInitialMargin)
    ? 'Binance\'s initialMargin includes its open orders\' (openOrderInitialMargin), the report\'s does not' : undefined;
  return [{ position: id, field: 'initialMargin', venue: row.initialMargin, source: source('initialMargin'), ...because(orders) }];
}

function figuresOf(row: PositionRow, id: string, market: BinanceMarket, reasons: Reasons): VenueFigure[] {
  const source = (key: string): string => `${row.file} ${at(row.index, key)}`;
  const figures: VenueFigure[] = [];
  if (row.liquidationPrice !== undefined) {
    // Binance sends "0" where there is no liquidation price (§2.1).
    const venue = isZeroText(row.liquidationPrice) ? null : row.liquidationPrice;
    figures.push({ position: id, field: 'liquidationPrice', venue, source: source('liquidationPrice'), ...because(reasons.brackets, reasons.entry) });
  }
  figures.push({ position: id, field: 'unrealizedPnl', venue: row.unrealizedProfit, source: source('unRealizedProfit'), ...because(reasons.entry) });
  if (row.notional !== undefined) {
    // A signed notional on the wire (negative for shorts); the report's is a magnitude.
    figures.push({ position: id, field: 'notional', venue: toDecimalString(abs(dec(row.notional))), source: source(market.notionalField) });
  }
  figures.push(...initialMarginFigure(row, id, source, reasons));
  if (row.maintMargin !== undefined) {
    figures.push({ position: id, field: 'maintenanceMargin', venue: row.maintMargin, source: source('maintMargin'), ...because(reasons.brackets) });
  }
  return figures;
}

interface BuiltPosition {
  readonly json: PositionJson;
  readonly figures: readonly VenueFigure[];
}

function buildPosition(sources: Sources, row: PositionRow, resolved: ResolvedInstrument, seen: Set<string>): BuiltPosition | undefined {
  const id = positionIdOf(row);
  if (seen.has(id)) {
    return sources.problems.add(row.file, at(row.index, 'positionAmt'),
      `a second ${row.side} position in ${row.symbol}: one position per symbol and side (ids are made from them)`);
  }
  seen.add(id);
  const entryPrice = entryOf(sources, row, resolved.contractSize);
  if (entryPrice === undefined) return undefined;
  if (row.isolated && row.isolatedWallet !== undefined && sign(dec(row.isolatedWallet)) <= 0) {
    return sources.problems.add(row.file, row.marginField, `an isolated position whose wallet is ${row.isolatedWallet}: it must be above zero`);
  }
  const leverage = leverageOf(sources, row);
  const json: PositionJson = {
    id,
    instrument: row.symbol,
    side: row.side,
    quantity: toDecimalString(abs(dec(row.amount))),
    entryPrice,
    ...(leverage !== undefined ? { leverage } : {}),
    ...(row.isolated && row.isolatedWallet !== undefined ? { isolatedMargin: row.isolatedWallet } : {}),
  };
  const reasons = reasonsOf(resolved, entryPrice !== row.entryPrice, sources.market);
  return { json, figures: figuresOf(row, id, sources.market, reasons) };
}

// ---------------------------------------------------------------------------------------------
// The account and the marks.

function currencyOf(sources: Sources, rows: readonly PositionRow[]): string | undefined {
  let currency: string | undefined;
  for (const row of rows) {
    const asset = row.marginAsset ?? sources.exchangeInfo.get(row.symbol)?.marginAsset ?? marginAssetFromSymbol(sources.market, row.symbol);
    if (asset === undefined) {
      sources.problems.add(row.file, at(row.index, 'symbol'),
        `cannot tell the asset ${row.symbol} is margined in: add exchangeInfo (${sources.market.exchangeInfoCall})`);
      continue;
    }
    if (currency !== undefined && asset !== currency) {
      sources.problems.add(row.file, at(row.index, 'symbol'),
        `${row.symbol} is margined in ${asset}, the positions before it in ${currency}: a snapshot has one account currency; import each asset's positions on their own`);
      continue;
    }
    currency = asset;
  }
  return currency;
}

/**
 * balance = crossWalletBalance + Σ isolated wallets: the core takes the isolated margins back out
 * for the cross scope, which then stands on Binance's cross wallet (see the module comment).
 */
function balanceOf(sources: Sources, rows: readonly PositionRow[], accountFiles: readonly ImportFile[], currency: string): string | undefined {
  const { market, problems, warnings } = sources;
  const isolatedTotal = sum(rows.filter((row) => row.isolated).map((row) => dec(row.isolatedWallet ?? '0')));
  const firstCross = rows.find((row) => !row.isolated);
  const [accountFile, ...extra] = accountFiles;
  for (const file of extra) problems.add(file.name, '', `one account file is enough; ${accountFile?.name ?? ''} is already the account`);
  if (!accountFile) {
    if (firstCross) {
      return problems.add(firstCross.file, firstCross.marginField,
        `${firstCross.symbol} is cross-margined, which needs the cross wallet: add account (${market.accountCall})`);
    }
    warnings.push(`no account file: the balance is the sum of the isolated wallets, ${toDecimalString(isolatedTotal)} ${currency} (${market.accountCall} gives the cross wallet)`);
    return toDecimalString(isolatedTotal);
  }
  const account = readAccount(accountFile, currency, problems);
  if (!account) return undefined;
  const balance = add(dec(account.crossWallet), isolatedTotal);
  if (account.wallet !== undefined && !isZero(subtract(dec(account.wallet), balance))) {
    warnings.push(`${accountFile.name}: ${currency} walletBalance ${account.wallet} is not crossWalletBalance + the isolated wallets in positionRisk `
      + `(${toDecimalString(balance)}); the latter is used, so the cross scope stands on the cross wallet (are some positions missing?)`);
  }
  if (account.multiAssets) {
    warnings.push(`${accountFile.name}: Multi-Assets mode is on; only the ${currency} cross wallet is counted`);
  }
  return toDecimalString(balance);
}

/** positionRisk's own mark (its figures were computed at it); premiumIndex where that is "0". */
function marksOf(sources: Sources, rows: readonly PositionRow[], premium: ReadonlyMap<string, Mark>): Record<string, string> {
  const marks: Record<string, string> = {};
  for (const row of rows) {
    if (marks[row.symbol] !== undefined) continue;
    const index = premium.get(row.symbol);
    if (!isZeroText(row.markPrice)) {
      marks[row.symbol] = row.markPrice;
      if (index && !isZero(subtract(dec(index.price), dec(row.markPrice)))) {
        sources.warnings.push(`${row.symbol}: positionRisk's mark ${row.markPrice} is used, not ${index.source} ${index.price}: the venue's figures were computed at it`);
      }
    } else if (index) {
      marks[row.symbol] = index.price;
    } else {
      sources.problems.add(row.file, at(row.index, 'markPrice'), `${JSON.stringify(row.markPrice)}: add premiumIndex for ${row.symbol}'s mark`);
    }
  }
  return marks;
}

// ---------------------------------------------------------------------------------------------
// The build.

function readOpenRows(market: BinanceMarket, files: readonly ImportFile[], problems: ImportProblems): PositionRow[] {
  const rows: PositionRow[] = [];
  if (files.length === 0) {
    problems.add('', 'files', `give positionRisk (${market.positionRiskCall})`);
    return rows;
  }
  for (const file of files) {
    const { open, flat } = readPositionRows(file, problems);
    rows.push(...open);
    if (open.length === 0 && problems.empty) {
      problems.add(file.name, flat > 0 ? '[*].positionAmt' : '', flat > 0
        ? `every position is flat (positionAmt 0 in all ${flat}): nothing to import`
        : 'no positions: nothing to import');
    }
  }
  return rows;
}

function buildBinance(market: BinanceMarket, files: FilesByKind): ImportResult {
  const problems = new ImportProblems();
  const warnings: string[] = [];
  const rows = readOpenRows(market, files.get('positionRisk') ?? [], problems);
  const brackets = new Map<string, BracketTable>();
  for (const file of files.get('leverageBracket') ?? []) readBrackets(file, market, problems, brackets);
  const exchangeInfo = new Map<string, SymbolInfo>();
  const symbols = new Set(rows.map((row) => row.symbol));
  for (const file of files.get('exchangeInfo') ?? []) readExchangeInfo(file, symbols, problems, exchangeInfo);
  const premium = new Map<string, Mark>();
  for (const file of files.get('premiumIndex') ?? []) readPremiumIndex(file, problems, premium);
  if (!problems.empty) return { ok: false, error: problems.items };

  const sources: Sources = { market, brackets, exchangeInfo, problems, warnings };
  const currency = currencyOf(sources, rows);
  const resolved = new Map<string, ResolvedInstrument | undefined>();
  for (const row of rows) {
    if (currency !== undefined && !resolved.has(row.symbol)) resolved.set(row.symbol, resolveInstrument(sources, row, currency));
  }
  if (!problems.empty || currency === undefined) return { ok: false, error: problems.items };

  const seen = new Set<string>();
  const built = rows.map((row) => {
    const instrument = resolved.get(row.symbol);
    return instrument ? buildPosition(sources, row, instrument, seen) : undefined;
  });
  const balance = balanceOf(sources, rows, files.get('account') ?? [], currency);
  const marks = marksOf(sources, rows, premium);
  if (!problems.empty || balance === undefined) return { ok: false, error: problems.items };

  const instruments = Object.fromEntries([...resolved].flatMap(([symbol, instrument]) => (instrument?.json ? [[symbol, instrument.json]] : [])));
  const positions = built.flatMap((position) => (position ? [position] : []));
  // premiumIndex's lastFundingRate of each held symbol: the report's days to liquidation at it.
  const funding = Object.fromEntries([...symbols].flatMap((symbol) => {
    const rate = premium.get(symbol)?.fundingRate;
    return rate === undefined ? [] : [[symbol, rate] as const];
  }));
  return {
    ok: true,
    value: {
      snapshot: {
        venue: market.venue,
        account: { currency, balance },
        ...(Object.keys(instruments).length > 0 ? { instruments } : {}),
        positions: positions.map((position) => position.json),
        marks,
        ...(Object.keys(funding).length > 0 ? { funding } : {}),
      },
      figures: positions.flatMap((position) => position.figures),
      warnings,
    },
  };
}

function importerFor(market: BinanceMarket): VenueImporter {
  return { venue: market.venue, kinds: kindsOf(market), build: (files) => buildBinance(market, files) };
}

export const binanceUsdmImporter: VenueImporter = importerFor(USDM);
export const binanceCoinmImporter: VenueImporter = importerFor(COINM);
