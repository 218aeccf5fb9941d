/**
 * ccxt's unified structures (spec/venue-formats.md §1; ccxt/ccxt ts/src/base/types.ts), imported
 * through the venue's own importer. `--venue` names the venue whose responses the `info` fields hold.
 *
 * ccxt keeps each exchange response in `info`; its unified fields are JS floats, and some are ccxt's
 * own computations, not the venue's (§1.1 traps 2–4: Binance's cross `collateral` solved back from
 * the liquidation price, `maintenanceMargin` without `cum`, the account method's liquidation price).
 * So no unified float is used: the venue's own response files are rebuilt from the `info` fields and
 * handed to that venue's importer, one code path per venue (§1.5):
 *
 *   --venue          Position.info             LeverageTier.info         Balance.info          Market.info
 *   binance-usdm,    a positionRisk row        a leverageBracket bracket an account response an exchangeInfo symbol
 *   binance-coinm                              (regrouped by market id into {symbol, brackets})
 *   bybit-linear     a position list row       a risk-limit row          wallet-balance resp.  an instruments-info row
 *   hyperliquid      an assetPositions entry   (none: §1.2)              clearinghouseState    universe entry + asset ctx
 *   dydx-v4          an openPerpetualPositions (none: §1.2)              the subaccount        a perpetualMarkets market
 *                    entry
 *
 * Hyperliquid and dYdX keep the account's positions and its cash in one response (the balance's
 * info): that response is imported whole, and positions given beside it must be in it. A float that
 * has a string in `info` is compared with it and the string is used; a float with none is listed in a
 * warning as ignored. Problems, figure sources and warnings that name a rebuilt file are mapped back
 * to the user's file and the field in it: `positions.json [0].info.positionAmt`.
 */
import { abs, compare, parseDecimal, type Decimal } from '../../core/money/decimal.js';
import { classifyFiles } from '../classify.js';
import type { FileKind, FilesByKind, ImportOptions, ImportProblem, ImportResult, VenueFigure, VenueImporter } from '../import-types.js';
import { describeValue, fieldPath, ImportProblems, isObject, numberText, type JsonObject } from '../venue-json.js';
import { binanceCoinmImporter, binanceUsdmImporter } from './binance.js';
import { bybitLinearImporter } from './bybit.js';
import { dydxImporter } from './dydx.js';
import { hyperliquidImporter } from './hyperliquid.js';

/** The venues whose raw `info` ccxt objects are read for (`--venue`). */
export const CCXT_SOURCE_VENUES = ['binance-usdm', 'binance-coinm', 'bybit-linear', 'hyperliquid', 'dydx-v4'] as const;
const VENUES = CCXT_SOURCE_VENUES;
type Venue = (typeof VENUES)[number];

/** The venue importers, imported directly (index.ts imports this file; its registry would be a cycle). */
const VENUE_IMPORTERS: Readonly<Record<Venue, VenueImporter>> = {
  'binance-usdm': binanceUsdmImporter,
  'binance-coinm': binanceCoinmImporter,
  'bybit-linear': bybitLinearImporter,
  hyperliquid: hyperliquidImporter,
  'dydx-v4': dydxImporter,
};

// ---------------------------------------------------------------------------------------------
// The unified shapes (types.ts `Position`, `LeverageTier`, `Balances`, `MarketInterface`).

function has(object: JsonObject, ...keys: readonly string[]): boolean {
  return keys.every((key) => Object.hasOwn(object, key));
}

/** symbol and side, and contracts or info; no `amount` (ccxt's orders and trades have one). */
function isPosition(value: unknown): value is JsonObject {
  return isObject(value) && typeof value.symbol === 'string' && has(value, 'side') && !has(value, 'amount')
    && (has(value, 'contracts') || isObject(value.info));
}

function isTier(value: unknown): value is JsonObject {
  return isObject(value) && (has(value, 'maintenanceMarginRate') || (has(value, 'tier') && (has(value, 'minNotional') || has(value, 'maxNotional'))));
}

function isMarket(value: unknown): value is JsonObject {
  return isObject(value) && typeof value.symbol === 'string' && has(value, 'id') && isObject(value.precision);
}

/** An array of `test`, or a dictionary by unified symbol of them (loadMarkets). */
function arrayOrDictionary(value: unknown, test: (entry: unknown) => boolean): boolean {
  const entries = Array.isArray(value) ? value : isObject(value) ? Object.values(value) : [];
  return entries.length > 0 && entries.every(test);
}

/** fetchMarketLeverageTiers: one array; fetchLeverageTiers: a dictionary of arrays by unified symbol. */
function isLeverageTiers(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0 && value.every(isTier);
  if (!isObject(value)) return false;
  const lists = Object.values(value);
  return lists.length > 0 && lists.every((list) => Array.isArray(list) && list.every(isTier)) && lists.some((list) => Array.isArray(list) && list.length > 0);
}

const KINDS = {
  positions: {
    id: 'positions',
    description: 'ccxt Positions (fetchPositions: [{symbol, side, contracts, ..., info}])',
    matches: (value) => Array.isArray(value) && value.length > 0 && value.every(isPosition),
  },
  leverageTiers: {
    id: 'leverageTiers',
    description: 'ccxt LeverageTiers (fetchLeverageTiers: {symbol: [{tier, minNotional, maxNotional, maintenanceMarginRate, maxLeverage, info}]}, or one array)',
    matches: isLeverageTiers,
  },
  balance: {
    id: 'balance',
    description: 'a ccxt Balances object (fetchBalance: {info, free, used, total, <currency>: {...}})',
    matches: (value) => isObject(value) && has(value, 'info') && (isObject(value.total) || isObject(value.free) || isObject(value.used)),
  },
  markets: {
    id: 'markets',
    description: 'ccxt Markets (fetchMarkets or loadMarkets: [{id, symbol, precision, contractSize, ..., info}])',
    matches: (value) => arrayOrDictionary(value, isMarket),
  },
} satisfies Record<string, FileKind>;

// ---------------------------------------------------------------------------------------------
// Reading the unified objects: each with its `info`, where it sits in the user's file.

interface Item {
  readonly file: string;
  /** "[0]", `["BTC/USDT:USDT"][1]`, "" (a Balances object). */
  readonly path: string;
  readonly object: JsonObject;
  readonly info: JsonObject;
  /** A tier's unified symbol, and the path of its group (`["BTC/USDT:USDT"]`; "" for one array). */
  readonly symbol?: string;
  readonly group?: string;
}

type Entry = Omit<Item, 'info'> & { readonly value: unknown };

function infoPath(item: Pick<Item, 'path'>): string {
  return fieldPath(item.path, 'info');
}

function entriesOf(file: string, value: unknown, kind: keyof typeof KINDS): Entry[] {
  if (kind === 'balance') return isObject(value) ? [{ file, path: '', object: value, value }] : [];
  if (kind === 'leverageTiers' && isObject(value)) {
    return Object.entries(value).flatMap(([symbol, tiers]) => (Array.isArray(tiers) ? tiers : []).flatMap((tier: unknown, index) => {
      const group = fieldPath('', symbol);
      return isObject(tier) ? [{ file, path: fieldPath(group, index), object: tier, value: tier, symbol, group }] : [];
    }));
  }
  const pairs: [string, unknown][] = Array.isArray(value) ? value.map((entry, index) => [fieldPath('', index), entry])
    : isObject(value) ? Object.entries(value).map(([key, entry]) => [fieldPath('', key), entry]) : [];
  return pairs.flatMap(([path, entry]) => {
    if (!isObject(entry)) return [];
    const symbol = typeof entry.symbol === 'string' ? entry.symbol : undefined;
    return [{ file, path, object: entry, value: entry, ...(symbol ? { symbol } : {}), ...(kind === 'leverageTiers' ? { group: '' } : {}) }];
  });
}

/** The entry's `info`, an object: ccxt's copy of the venue's own response. */
function withInfo(entry: Entry, venue: Venue, problems: ImportProblems): Item | undefined {
  const info = entry.object.info;
  const field = infoPath(entry);
  if (isObject(info)) return { ...entry, info };
  return problems.add(entry.file, field, info === undefined
    ? `required: ccxt keeps ${venue}'s own response in info, and its strings are what is imported (ccxt's floats are not used for money)`
    : `must be ${venue}'s response as ccxt kept it, an object; got ${describeValue(info)}`);
}

// ---------------------------------------------------------------------------------------------
// Each venue's position row, to say early (and by field) that an `info` is not the venue's.

const COINM_SYMBOL = /^[A-Z0-9]+USD_[A-Z0-9]+$/;

function isBinanceRow(info: JsonObject): boolean {
  return has(info, 'symbol', 'positionAmt', 'unRealizedProfit');
}

function isCoinmRow(info: JsonObject): boolean {
  return has(info, 'maxQty') || has(info, 'notionalValue') || (typeof info.symbol === 'string' && COINM_SYMBOL.test(info.symbol));
}

interface RowShape {
  readonly description: string;
  readonly matches: (info: JsonObject) => boolean;
}

const POSITION_ROWS: Readonly<Record<Venue, RowShape>> = {
  'binance-usdm': { description: 'a positionRisk row (GET /fapi/v2 or v3/positionRisk)', matches: (info) => isBinanceRow(info) && !isCoinmRow(info) },
  'binance-coinm': { description: 'a positionRisk row (GET /dapi/v1/positionRisk)', matches: (info) => isBinanceRow(info) && isCoinmRow(info) },
  'bybit-linear': { description: 'a position list row (GET /v5/position/list)', matches: (info) => has(info, 'symbol', 'positionIdx', 'size') },
  hyperliquid: {
    description: 'an assetPositions entry of the clearinghouseState ({type, position})',
    matches: (info) => isObject(info.position) && has(info.position, 'coin', 'szi'),
  },
  'dydx-v4': { description: 'an openPerpetualPositions entry of the subaccount', matches: (info) => has(info, 'market', 'side', 'size', 'entryPrice') },
};

/** Binance's account positions (ccxt's fetchAccountPositions): `unrealizedProfit`, lower-case r (§2.3). */
function isBinanceAccountRow(info: JsonObject): boolean {
  return has(info, 'symbol', 'positionAmt', 'unrealizedProfit') && !has(info, 'unRealizedProfit');
}

function checkPositionRow(item: Item, venue: Venue, problems: ImportProblems): boolean {
  if (POSITION_ROWS[venue].matches(item.info)) return true;
  const field = infoPath(item);
  if (venue.startsWith('binance') && isBinanceAccountRow(item.info)) {
    problems.add(item.file, field, 'a row of Binance\'s account positions (ccxt\'s fetchAccountPositions), whose liquidationPrice and collateral '
      + 'ccxt computes itself without cum or the other positions (venue-formats.md §1.1 traps 2 and 4): use fetchPositions, whose info is positionRisk');
    return false;
  }
  const other = VENUES.find((each) => each !== venue && POSITION_ROWS[each].matches(item.info));
  problems.add(item.file, field, other
    ? `${POSITION_ROWS[other].description} of ${other}, not ${POSITION_ROWS[venue].description} of ${venue}: is --venue right?`
    : `not ${POSITION_ROWS[venue].description} of ${venue}, which is what ccxt keeps in a ${venue} Position's info`);
  return false;
}

// ---------------------------------------------------------------------------------------------
// ccxt's floats beside the venue's strings: the string is used; a float with none is ignored.

/** Where a unified float's value is in `info` (the first path present), and whether it is compared as a magnitude. */
interface FloatRule {
  readonly paths: readonly (readonly string[])[];
  readonly magnitude?: true;
}

const rule = (...paths: string[]): FloatRule => ({ paths: paths.map((path) => path.split('.')) });
const magnitudeRule = (...paths: string[]): FloatRule => ({ ...rule(...paths), magnitude: true });

/** types.ts `Position`: every numeric field that could be money, a price or a size. */
const POSITION_FLOATS = [
  'contracts', 'contractSize', 'entryPrice', 'markPrice', 'lastPrice', 'notional', 'leverage', 'unrealizedPnl', 'realizedPnl',
  'collateral', 'initialMargin', 'initialMarginPercentage', 'maintenanceMargin', 'maintenanceMarginPercentage', 'marginRatio',
  'liquidationPrice', 'percentage', 'stopLossPrice', 'takeProfitPrice',
] as const;
const TIER_FLOATS = ['minNotional', 'maxNotional', 'maintenanceMarginRate', 'maxLeverage'] as const;

type FloatRules = Readonly<Partial<Record<string, FloatRule>>>;

/** The mapping of ccxt 4.5.84's parsers (venue-formats.md §1.1 table, §1.2). */
const BINANCE_POSITION: FloatRules = {
  contracts: magnitudeRule('positionAmt'), entryPrice: rule('entryPrice'), markPrice: rule('markPrice'),
  unrealizedPnl: rule('unRealizedProfit'), liquidationPrice: rule('liquidationPrice'),
  notional: magnitudeRule('notional', 'notionalValue'), leverage: rule('leverage'),
};

const POSITION_RULES: Readonly<Record<Venue, FloatRules>> = {
  'binance-usdm': BINANCE_POSITION,
  'binance-coinm': BINANCE_POSITION,
  'bybit-linear': {
    contracts: magnitudeRule('size'), entryPrice: rule('avgPrice', 'entryPrice'), markPrice: rule('markPrice'),
    unrealizedPnl: rule('unrealisedPnl'), liquidationPrice: rule('liqPrice'), notional: magnitudeRule('positionValue'),
    leverage: rule('leverage'), initialMargin: rule('positionIM'), maintenanceMargin: rule('positionMM'),
  },
  hyperliquid: {
    contracts: magnitudeRule('position.szi'), entryPrice: rule('position.entryPx'), unrealizedPnl: rule('position.unrealizedPnl'),
    liquidationPrice: rule('position.liquidationPx'), notional: magnitudeRule('position.positionValue'),
    leverage: rule('position.leverage.value'), collateral: rule('position.marginUsed'),
  },
  'dydx-v4': { contracts: magnitudeRule('size'), entryPrice: rule('entryPrice'), unrealizedPnl: rule('unrealizedPnl') },
};

const BINANCE_TIER: FloatRules = {
  minNotional: rule('notionalFloor', 'qtyFloor', 'qtylFloor'), maxNotional: rule('notionalCap', 'qtyCap'),
  maintenanceMarginRate: rule('maintMarginRatio'), maxLeverage: rule('initialLeverage'),
};

/** ccxt gives tiers for Binance and Bybit only (hyperliquid: fetchLeverageTiers false; dydx: not in `has`, §1.2). */
const TIER_RULES: Readonly<Partial<Record<Venue, FloatRules>>> = {
  'binance-usdm': BINANCE_TIER,
  'binance-coinm': BINANCE_TIER,
  // minNotional is the previous tier's riskLimitValue, set by ccxt: no string of its own.
  'bybit-linear': { maxNotional: rule('riskLimitValue'), maintenanceMarginRate: rule('maintenanceMargin'), maxLeverage: rule('maxLeverage') },
};

function valueAt(info: JsonObject, path: readonly string[]): unknown {
  return path.reduce<unknown>((value, key) => (isObject(value) ? value[key] : undefined), info);
}

/** A JSON number by its shortest round-trip text; a string as sent. Undefined where it is no decimal. */
function decimalOfJson(value: unknown): Decimal | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? parseDecimal(numberText(value)) : undefined;
  return typeof value === 'string' ? parseDecimal(value.trim()) : undefined;
}

function sameValue(float: Decimal, venue: Decimal, magnitude: boolean): boolean {
  return compare(magnitude ? abs(float) : float, magnitude ? abs(venue) : venue) === 0;
}

/** One item's floats: each beside its string in info (a warning where they differ), or listed as ignored. */
function compareFloats(item: Item, fields: readonly string[], rules: FloatRules, ignored: Set<string>, warnings: string[]): void {
  for (const field of fields) {
    const float = item.object[field];
    if (float === undefined || float === null) continue;
    const found = rules[field]?.paths.map((path) => ({ path, value: valueAt(item.info, path) })).find((each) => each.value !== undefined);
    if (!found) {
      ignored.add(field);
      continue;
    }
    const ours = decimalOfJson(float);
    const theirs = decimalOfJson(found.value);
    if (!ours || !theirs || sameValue(ours, theirs, rules[field]?.magnitude === true)) continue;
    const venueField = found.path.reduce(fieldPath, infoPath(item));
    warnings.push(`${item.file} ${fieldPath(item.path, field)} is ${typeof float === 'number' ? numberText(float) : JSON.stringify(float)}`
      + ` where ${venueField} says ${JSON.stringify(found.value)}: the venue's value is used, never ccxt's float`);
  }
}

function plural(count: number, one: string, many: string): string {
  return count === 1 ? one : many;
}

function ignoredWarning(file: string, ignored: ReadonlySet<string>, what: string): string[] {
  if (ignored.size === 0) return [];
  return [`${file}: ccxt's ${[...ignored].join(', ')} ${plural(ignored.size, 'has', 'have')} no value of the venue's own in ${what}' info: `
    + 'ignored (ccxt computes them, venue-formats.md §1.1); the venue\'s figures are read from info'];
}

// ---------------------------------------------------------------------------------------------
// The input: every unified object with its info, checked against the venue.

interface Input {
  readonly positions: readonly Item[];
  readonly tiers: readonly Item[];
  readonly balances: readonly Item[];
  readonly markets: readonly Item[];
}

interface Context {
  readonly venue: Venue;
  readonly problems: ImportProblems;
  readonly warnings: string[];
}

function itemsOf(files: FilesByKind, kind: keyof typeof KINDS, context: Context): Item[] {
  return (files.get(KINDS[kind].id) ?? []).flatMap((file) => entriesOf(file.name, file.value, kind))
    .flatMap((entry) => withInfo(entry, context.venue, context.problems) ?? []);
}

function byFile(items: readonly Item[]): [string, Item[]][] {
  const groups = new Map<string, Item[]>();
  for (const item of items) groups.set(item.file, [...(groups.get(item.file) ?? []), item]);
  return [...groups];
}

function readPositions(files: FilesByKind, context: Context): Item[] {
  const { venue, problems, warnings } = context;
  const read = itemsOf(files, 'positions', context).filter((item) => checkPositionRow(item, venue, problems));
  for (const [file, items] of byFile(read)) {
    const ignored = new Set<string>();
    for (const item of items) compareFloats(item, POSITION_FLOATS, POSITION_RULES[venue], ignored, warnings);
    warnings.push(...ignoredWarning(file, ignored, 'the Positions'));
  }
  return read;
}

function readTiers(files: FilesByKind, context: Context): Item[] {
  const { venue, problems, warnings } = context;
  const rules = TIER_RULES[venue];
  if (!rules) {
    for (const file of files.get(KINDS.leverageTiers.id) ?? []) {
      problems.add(file.name, '', `ccxt gives no leverage tiers for ${venue} (venue-formats.md §1.2): its margin tiers come with the markets' info`);
    }
    return [];
  }
  const read = itemsOf(files, 'leverageTiers', context);
  for (const [file, items] of byFile(read)) {
    const ignored = new Set<string>();
    for (const item of items) compareFloats(item, TIER_FLOATS, rules, ignored, warnings);
    warnings.push(...ignoredWarning(file, ignored, 'the tiers'));
  }
  return read;
}

const BALANCE_FLOATS = ['free', 'used', 'total', 'debt'] as const;

function readBalances(files: FilesByKind, context: Context): Item[] {
  const read = itemsOf(files, 'balance', context);
  for (const item of read) {
    const present = BALANCE_FLOATS.filter((key) => item.object[key] !== undefined);
    if (present.length === 0) continue;
    context.warnings.push(`${item.file}: ccxt's ${present.join(', ')} ${plural(present.length, 'is', 'are')} ignored: the balance is the venue's own wallet figure in info `
      + '(venue-formats.md §1.3: ccxt\'s total is the margin balance at Binance and Hyperliquid, the wallet at Bybit)');
  }
  return read;
}

const MARKET_FLOATS = ['contractSize', 'precision', 'limits'] as const;

function readMarkets(files: FilesByKind, context: Context): Item[] {
  const read = itemsOf(files, 'markets', context);
  for (const [file, items] of byFile(read)) {
    const present = MARKET_FLOATS.filter((key) => items.some((item) => item.object[key] !== undefined && item.object[key] !== null));
    if (present.length === 0) continue;
    context.warnings.push(`${file}: ccxt's ${present.join(', ')} ${plural(present.length, 'is', 'are')} ignored: tick size, contract size and max leverage are read from each market's info`);
  }
  return read;
}

function readInput(files: FilesByKind, context: Context): Input {
  return {
    positions: readPositions(files, context),
    tiers: readTiers(files, context),
    balances: readBalances(files, context),
    markets: readMarkets(files, context),
  };
}

// ---------------------------------------------------------------------------------------------
// The venue's files, rebuilt from info, each with where its parts came from.

/** A part of a rebuilt file (`at`) and where it is in the user's file; `exact`: nothing below it is the user's. */
interface Origin {
  readonly at: string;
  readonly file: string;
  readonly field: string;
  readonly exact?: true;
}

interface RebuiltFile {
  readonly name: string;
  /** The venue importer's kinds this file must be (the check that the info is the venue's). */
  readonly kinds: readonly string[];
  readonly value: unknown;
  readonly origins: readonly Origin[];
}

function rebuilt(file: string, kind: string, value: unknown, origins: readonly Origin[], kinds: readonly string[] = [kind]): RebuiltFile {
  return { name: `${file} (info as ${kind})`, kinds, value, origins };
}

/** The wrapper written around the infos: it maps to the user's file as a whole. */
function wrapper(file: string): Origin {
  return { at: '', file, field: '', exact: true };
}

function listOrigins(items: readonly Item[], listPath: string): Origin[] {
  return items.map((item, index) => ({ at: fieldPath(listPath, index), file: item.file, field: infoPath(item) }));
}

function infoFile(item: Item, kind: string, kinds?: readonly string[]): RebuiltFile {
  return rebuilt(item.file, kind, item.info, [{ at: '', file: item.file, field: infoPath(item) }], kinds);
}

function stringAt(object: JsonObject, key: string): string | undefined {
  const value = object[key];
  return typeof value === 'string' ? value : undefined;
}

/** Not spot, not an option: ccxt's `type` and flags (MarketInterface). */
function isContractMarket(market: JsonObject): boolean {
  return market.spot !== true && market.type !== 'spot' && market.type !== 'option' && market.option !== true;
}

function requirePositions(input: Input, context: Context): boolean {
  if (input.positions.length > 0) return true;
  if (context.problems.empty) context.problems.add('', 'files', `give ${KINDS.positions.description} from ${context.venue}`);
  return false;
}

/** The settle currency of a unified symbol `BASE/QUOTE:SETTLE[-YYMMDD]`. */
function settleOf(symbol: string): string | undefined {
  return /:([A-Za-z0-9]+)/.exec(symbol)?.[1];
}

// Binance (§2): positionRisk, leverageBracket, account, exchangeInfo.

/** Unified symbol → Binance market id, from the positions' info and the markets. */
function binanceMarketIds(input: Input): Map<string, string> {
  const ids = new Map<string, string>();
  for (const item of input.positions) {
    const id = stringAt(item.info, 'symbol');
    if (typeof item.object.symbol === 'string' && id) ids.set(item.object.symbol, id);
  }
  for (const item of input.markets) {
    const id = stringAt(item.info, 'symbol') ?? stringAt(item.object, 'id');
    if (typeof item.object.symbol === 'string' && id && !ids.has(item.object.symbol)) ids.set(item.object.symbol, id);
  }
  return ids;
}

/** One file's tiers regrouped by market id: `[{symbol, brackets: [info, ...]}]` (GET /fapi/v1/leverageBracket, §2.4). */
function bracketFile(file: string, items: readonly Item[], ids: ReadonlyMap<string, string>, context: Context): RebuiltFile[] {
  const groups = new Map<string, Item[]>();
  const unknown = new Set<string>();
  for (const item of items) {
    const id = item.symbol === undefined ? undefined : ids.get(item.symbol);
    if (id === undefined) unknown.add(item.symbol ?? fieldPath(item.path, 'symbol'));
    else groups.set(id, [...(groups.get(id) ?? []), item]);
  }
  if (unknown.size > 0) {
    context.warnings.push(`${file}: the tiers of ${[...unknown].join(', ')} are left out: no position or market gives their ${context.venue} market id`);
  }
  if (groups.size === 0) return [];
  const entries = [...groups];
  const origins = entries.flatMap(([, tiers], index): Origin[] => {
    const group = tiers[0]?.group ?? '';
    return [
      { at: fieldPath('', index), file, field: group },
      { at: fieldPath(fieldPath('', index), 'brackets'), file, field: group, exact: true },
      ...listOrigins(tiers, fieldPath(fieldPath('', index), 'brackets')),
    ];
  });
  return [rebuilt(file, 'leverageBracket', entries.map(([symbol, tiers]) => ({ symbol, brackets: tiers.map((tier) => tier.info) })), [wrapper(file), ...origins])];
}

function binanceMarketFits(venue: Venue, market: JsonObject): boolean {
  if (!isContractMarket(market)) return false;
  return venue === 'binance-coinm' ? market.inverse === true || market.linear === false : market.inverse !== true;
}

function rebuildBinance(input: Input, context: Context): RebuiltFile[] {
  if (!requirePositions(input, context)) return [];
  const ids = binanceMarketIds(input);
  const wanted = new Set(input.positions.flatMap((item) => stringAt(item.info, 'symbol') ?? []));
  return [
    ...byFile(input.positions).map(([file, items]) => rebuilt(file, 'positionRisk', items.map((item) => item.info),
      [wrapper(file), { at: '[*]', file, field: '[*].info' }, ...listOrigins(items, '')])),
    ...byFile(input.tiers).flatMap(([file, items]) => bracketFile(file, items, ids, context)),
    ...input.balances.map((item) => infoFile(item, 'account')),
    ...byFile(input.markets).flatMap(([file, items]) => {
      const chosen = items.filter((item) => binanceMarketFits(context.venue, item.object) && wanted.has(stringAt(item.info, 'symbol') ?? ''));
      return chosen.length === 0 ? [] : [rebuilt(file, 'exchangeInfo', { symbols: chosen.map((item) => item.info) }, [wrapper(file), ...listOrigins(chosen, 'symbols')])];
    }),
  ];
}

// Bybit (§3): the v5 envelope around each list.

const BYBIT_SETTLE = 'USDT';

function bybitList(list: readonly unknown[]): JsonObject {
  return { retCode: 0, retMsg: 'OK', result: { category: 'linear', list } };
}

function bybitFiles(items: readonly Item[], kind: string): RebuiltFile[] {
  return byFile(items).map(([file, each]) => rebuilt(file, kind, bybitList(each.map((item) => item.info)), [wrapper(file), ...listOrigins(each, 'result.list')]));
}

/** bybit-linear is Bybit's USDT perpetuals: a position settled in another coin is not its (§3). */
function bybitSettles(item: Item, problems: ImportProblems): boolean {
  const symbol = stringAt(item.object, 'symbol') ?? '';
  const settle = settleOf(symbol);
  if (settle === undefined || settle === BYBIT_SETTLE) return true;
  problems.add(item.file, fieldPath(item.path, 'symbol'), `${symbol} settles in ${settle}: bybit-linear imports Bybit's ${BYBIT_SETTLE} perpetuals`);
  return false;
}

function rebuildBybit(input: Input, context: Context): RebuiltFile[] {
  if (!requirePositions(input, context)) return [];
  if (!input.positions.map((item) => bybitSettles(item, context.problems)).every(Boolean)) return [];
  const wanted = new Set(input.positions.flatMap((item) => stringAt(item.info, 'symbol') ?? []));
  const markets = input.markets.filter((item) => isContractMarket(item.object) && item.object.inverse !== true
    && wanted.has(stringAt(item.info, 'symbol') ?? ''));
  return [
    ...bybitFiles(input.positions, 'positionList'),
    ...bybitFiles(input.tiers, 'riskLimit'),
    ...input.balances.map((item) => infoFile(item, 'walletBalance')),
    ...bybitFiles(markets, 'instrumentsInfo'),
  ];
}

// Hyperliquid (§4): the clearinghouseState (the balance's info), metaAndAssetCtxs from the markets.

/** An account's positions in one venue response: the key to match a ccxt Position by, and its signed size. */
interface HeldPosition {
  readonly key: string;
  readonly size: unknown;
}

/** Each Position must be in the response imported; positions fetched at another moment are a problem. */
function checkHeld(positions: readonly Item[], held: readonly HeldPosition[], where: string, own: (info: JsonObject) => HeldPosition, context: Context): void {
  for (const item of positions) {
    const { key, size } = own(item.info);
    const found = held.find((each) => each.key === key);
    const ours = decimalOfJson(size);
    const theirs = found ? decimalOfJson(found.size) : undefined;
    if (ours && theirs && compare(ours, theirs) === 0) continue;
    const sizePath = POSITION_RULES[context.venue].contracts?.paths[0] ?? [];
    context.problems.add(item.file, sizePath.reduce(fieldPath, infoPath(item)),
      `${key} ${JSON.stringify(size)} is not in ${where} (${found ? `there: ${JSON.stringify(found.size)}` : `no ${key} position there`}): `
      + 'the positions and the balance were fetched at different moments; fetch them again together (the balance\'s response, positions and cash of one moment, is what is imported)');
  }
}

function hyperliquidHeld(info: JsonObject): HeldPosition {
  const position = isObject(info.position) ? info.position : {};
  return { key: String(position.coin), size: position.szi };
}

function leverageTypeOf(item: Item): unknown {
  return valueAt(item.info, ['position', 'leverage', 'type']);
}

/** Positions only, all isolated: a state whose cross cash is 0, so the balance is their isolated margins (spec/import.md). */
function isolatedOnlyState(input: Input, context: Context): RebuiltFile | undefined {
  const [first] = input.positions;
  if (!first) {
    return context.problems.add('', 'files', `give ${KINDS.balance.description} (its info is the clearinghouseState), or ${KINDS.positions.description}`);
  }
  const cross = input.positions.find((item) => leverageTypeOf(item) !== 'isolated');
  if (cross) {
    return context.problems.add(cross.file, ['position', 'leverage', 'type'].reduce(fieldPath, infoPath(cross)),
      'a cross position stands on the account\'s cross cash, which only the clearinghouseState has: give ccxt\'s fetchBalance output (its info is the clearinghouseState)');
  }
  context.warnings.push('hyperliquid: no balance (ccxt\'s fetchBalance, whose info is the clearinghouseState): every position is isolated, '
    + 'so the balance is the sum of their isolated margins (rawUsd + szi × entryPx) and the cross cash is taken as 0');
  const state = { assetPositions: input.positions.map((item) => item.info), crossMarginSummary: { totalRawUsd: '0' }, marginSummary: {} };
  return rebuilt(first.file, 'clearinghouseState', state, [wrapper(first.file), ...listOrigins(input.positions, 'assetPositions')]);
}

function hyperliquidState(input: Input, context: Context): RebuiltFile | undefined {
  const [balance, ...extra] = input.balances;
  for (const item of extra) context.problems.add(item.file, '', `one balance per import (one account); ${balance?.file ?? ''} is already it`);
  if (!balance) return isolatedOnlyState(input, context);
  const entries = Array.isArray(balance.info.assetPositions) ? balance.info.assetPositions : [];
  const held = entries.flatMap((entry) => (isObject(entry) ? [hyperliquidHeld(entry)] : []));
  checkHeld(input.positions, held, `${balance.file} ${fieldPath(infoPath(balance), 'assetPositions')}`, hyperliquidHeld, context);
  return infoFile(balance, 'clearinghouseState');
}

/** Margin tables with ids below 50 are one tier at max leverage = id (docs "Margin tiers", §4.2); above, ccxt's markets lack the table. */
const FIRST_TIERED_TABLE = 50;

/** ccxt's swap market info is the universe entry merged with its asset context (hyperliquid.ts fetchSwapMarkets). */
function universeEntry(item: Item, context: Context): JsonObject {
  const { marginTableId, ...entry } = item.info;
  if (typeof marginTableId !== 'number' || marginTableId < FIRST_TIERED_TABLE) return item.info;
  context.warnings.push(`${item.file} ${fieldPath(infoPath(item), 'marginTableId')}: margin table ${marginTableId} is not in ccxt's markets `
    + `(it keeps no marginTables): ${String(item.info.name)} is taken as one tier at its maxLeverage, so the table's higher tiers are not applied`);
  return entry;
}

function rebuildHyperliquid(input: Input, context: Context): RebuiltFile[] {
  const state = hyperliquidState(input, context);
  if (!state || !isObject(state.value)) return [];
  const entries = Array.isArray(state.value.assetPositions) ? state.value.assetPositions : [];
  const coins = new Set(entries.flatMap((entry) => (isObject(entry) ? [hyperliquidHeld(entry).key] : [])));
  const markets = byFile(input.markets.filter((item) => coins.has(String(item.info.name)) && has(item.info, 'maxLeverage')))
    .map(([file, items]) => rebuilt(file, 'metaAndAssetCtxs', [{ universe: items.map((item) => universeEntry(item, context)) }, items.map((item) => item.info)],
      [wrapper(file), ...listOrigins(items, fieldPath(fieldPath('', 0), 'universe')), ...listOrigins(items, fieldPath('', 1))]));
  return [state, ...markets];
}

// dYdX (§5): the subaccount (the balance's info), perpetualMarkets from the markets.

function dydxHeld(info: JsonObject): HeldPosition {
  return { key: String(info.market), size: info.size };
}

/** The open positions of a subaccount response, and of a parent's children. */
function dydxPositions(response: JsonObject): HeldPosition[] {
  const subaccount = isObject(response.subaccount) ? response.subaccount : response;
  const children = Array.isArray(subaccount.childSubaccounts) ? subaccount.childSubaccounts : [];
  return [subaccount, ...children].flatMap((each) => {
    const open = isObject(each) && isObject(each.openPerpetualPositions) ? each.openPerpetualPositions : {};
    return Object.values(open).flatMap((position) => (isObject(position) ? [dydxHeld(position)] : []));
  });
}

function subaccountFile(item: Item): RebuiltFile {
  const kinds = ['subaccount', 'parentSubaccount'];
  if (isObject(item.info.subaccount)) return infoFile(item, 'subaccount', kinds);
  // The bare subaccount, without the response's `subaccount` key around it.
  return rebuilt(item.file, 'subaccount', { subaccount: item.info },
    [{ at: '', file: item.file, field: infoPath(item), exact: true }, { at: 'subaccount', file: item.file, field: infoPath(item) }], kinds);
}

function rebuildDydx(input: Input, context: Context): RebuiltFile[] {
  if (input.balances.length === 0) {
    const [first] = input.positions;
    context.problems.add(first?.file ?? '', first ? '' : 'files', 'dYdX positions stand on the subaccount\'s USDC, which ccxt\'s Positions do not carry: '
      + `give ${KINDS.balance.description} (ccxt's fetchBalance; its info is the subaccount)`);
    return [];
  }
  const held = input.balances.flatMap((item) => dydxPositions(item.info));
  checkHeld(input.positions, held, input.balances.map((item) => `${item.file} info`).join(', '), dydxHeld, context);
  const tickers = new Set(held.map((each) => each.key));
  const markets = byFile(input.markets.filter((item) => tickers.has(String(item.info.ticker)) && has(item.info, 'oraclePrice')))
    .map(([file, items]) => rebuilt(file, 'perpetualMarkets', { markets: Object.fromEntries(items.map((item) => [String(item.info.ticker), item.info])) },
      [wrapper(file), ...items.map((item) => ({ at: fieldPath('markets', String(item.info.ticker)), file, field: infoPath(item) }))]));
  return [...input.balances.map(subaccountFile), ...markets];
}

const REBUILD: Readonly<Record<Venue, (input: Input, context: Context) => RebuiltFile[]>> = {
  'binance-usdm': rebuildBinance,
  'binance-coinm': rebuildBinance,
  'bybit-linear': rebuildBybit,
  hyperliquid: rebuildHyperliquid,
  'dydx-v4': rebuildDydx,
};

// ---------------------------------------------------------------------------------------------
// Mapping the venue importer's words back to the user's files.

function startsPath(field: string, prefix: string): boolean {
  if (prefix === '') return true;
  const next = field.charAt(prefix.length);
  return field.startsWith(prefix) && (next === '' || next === '.' || next === '[');
}

/** The user's file and field of a field of a rebuilt file: the longest origin that holds it. */
function locate(file: RebuiltFile, field: string): { readonly file: string; readonly field: string } {
  const origin = file.origins.filter((each) => startsPath(field, each.at))
    .reduce<Origin | undefined>((best, each) => (!best || each.at.length > best.at.length ? each : best), undefined);
  if (!origin) return { file: file.name, field };
  const rest = origin.exact ? '' : field.slice(origin.at.length);
  // Below the root a key joins with a dot ("info" + "assetPositions[0]"); an index joins as it is.
  const joined = origin.at === '' && rest !== '' && !rest.startsWith('[') ? `${origin.field}.${rest}` : `${origin.field}${rest}`;
  return { file: origin.file, field: joined.replace(/^\./, '') };
}

const PATH_AFTER_NAME = /^ ((?:\[|[A-Za-z_$][\w$]*[.[])[^\s,;:()]*)/;

/** Each mention of a rebuilt file, and the field after it, as the user's file and field. */
function mapText(text: string, files: readonly RebuiltFile[]): string {
  const longestFirst = [...files].sort((a, b) => b.name.length - a.name.length);
  return longestFirst.reduce((current, file) => current.split(file.name).map((part, index) => {
    if (index === 0) return part;
    const match = PATH_AFTER_NAME.exec(part);
    const where = locate(file, match?.[1] ?? '');
    return `${[where.file, where.field].filter((each) => each !== '').join(' ')}${match ? part.slice(match[0].length) : part}`;
  }).join(''), text);
}

function mapProblem(problem: ImportProblem, files: readonly RebuiltFile[]): ImportProblem {
  const file = files.find((each) => each.name === problem.file);
  const message = mapText(problem.message, files);
  if (file) return { ...locate(file, problem.field), message };
  return { file: mapText(problem.file, files), field: problem.field, message };
}

/** What the venue gives for this file, and what the info is instead, where another venue gives it. */
function shapeProblem(file: RebuiltFile, venue: Venue): ImportProblem {
  const importer = VENUE_IMPORTERS[venue];
  const expected = importer.kinds.filter((kind) => file.kinds.includes(kind.id)).map((kind) => kind.description).join(' or ');
  const other = VENUES.filter((each) => each !== venue)
    .flatMap((each) => VENUE_IMPORTERS[each].kinds.filter((kind) => kind.matches(file.value)).map((kind) => `${each}'s ${kind.description}`))[0];
  return {
    ...locate(file, ''),
    message: `${venue}'s ${expected} is what ccxt keeps here, and this is not one${other ? `: it is ${other}; is --venue right?` : ''}`,
  };
}

/** The rebuilt files classified by the venue importer's own kinds: each must be the kind it was built as. */
function classifyRebuilt(venue: Venue, files: readonly RebuiltFile[]): { ok: true; value: FilesByKind } | { ok: false; error: ImportProblem[] } {
  const importer = VENUE_IMPORTERS[venue];
  const classified = classifyFiles(importer, files.map((file) => ({ name: file.name, value: file.value })), Object.values(VENUE_IMPORTERS));
  const kindOf = (file: RebuiltFile): string | undefined => (classified.ok
    ? [...classified.value].find(([, each]) => each.some((one) => one.name === file.name))?.[0] : undefined);
  const wrong = files.filter((file) => !file.kinds.includes(kindOf(file) ?? ''));
  if (classified.ok && wrong.length === 0) return classified;
  return { ok: false, error: wrong.map((file) => shapeProblem(file, venue)) };
}

function mapFigure(figure: VenueFigure, files: readonly RebuiltFile[]): VenueFigure {
  return { ...figure, source: mapText(figure.source, files) };
}

function importRebuilt(venue: Venue, files: readonly RebuiltFile[], warnings: readonly string[]): ImportResult {
  const classified = classifyRebuilt(venue, files);
  if (!classified.ok) return classified;
  const built = VENUE_IMPORTERS[venue].build(classified.value, {});
  if (!built.ok) return { ok: false, error: built.error.map((problem) => mapProblem(problem, files)) };
  return {
    ok: true,
    value: {
      snapshot: built.value.snapshot,
      figures: built.value.figures.map((figure) => mapFigure(figure, files)),
      warnings: [...warnings, ...built.value.warnings.map((warning) => mapText(warning, files))],
    },
  };
}

// ---------------------------------------------------------------------------------------------

function venueOf(options: ImportOptions, problems: ImportProblems): Venue | undefined {
  const choices = VENUES.join(', ');
  const venue = VENUES.find((each) => each === options.venue);
  if (venue) return venue;
  return problems.add('', '--venue', options.venue === undefined
    ? `required with ccxt: the venue whose responses the objects' info fields hold; one of: ${choices}`
    : `${JSON.stringify(options.venue)} is not a venue ccxt objects are imported from; one of: ${choices}`);
}

function build(files: FilesByKind, options: ImportOptions): ImportResult {
  const problems = new ImportProblems();
  const warnings: string[] = [];
  const venue = venueOf(options, problems);
  if (!venue) return { ok: false, error: problems.items };
  const context: Context = { venue, problems, warnings };
  const input = readInput(files, context);
  const rebuiltFiles = problems.empty ? REBUILD[venue](input, context) : [];
  if (!problems.empty) return { ok: false, error: problems.items };
  return importRebuilt(venue, rebuiltFiles, warnings);
}

export const ccxtImporter: VenueImporter = {
  venue: 'ccxt',
  kinds: [KINDS.positions, KINDS.leverageTiers, KINDS.balance, KINDS.markets],
  build,
};
