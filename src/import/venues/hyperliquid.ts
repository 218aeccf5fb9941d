/**
 * Hyperliquid (spec/venue-formats.md §4; POST https://api.hyperliquid.xyz/info): a
 * `clearinghouseState`, with `meta` or `metaAndAssetCtxs` for max leverage, margin tables and marks,
 * into a snapshot.
 *
 *   side = sign(szi)   quantity = |szi|   entryPrice = entryPx   leverage = leverage.value
 *   isolated margin  M_i = rawUsd_i + szi_i × entryPx_i                                   (§4.1)
 *   balance          B   = crossMarginSummary.totalRawUsd + Σ_cross szi × entryPx + Σ_isolated M_i
 *                        = marginSummary.totalRawUsd + Σ_all szi × entryPx
 *
 * `rawUsd` is cash net of the positions' cost at entry (−95.059824 = 4.981226 − 0.0335 × 2986.3, §4.1),
 * so B is the cash the core means (margin-scope.ts: cross collateral = B − Σ M_i = the cross cash), and
 *
 *   equity = B + Σ szi × (mark − entryPx) = marginSummary.totalRawUsd + Σ szi × mark = marginSummary.accountValue.
 *
 * Instruments (§4.2): linear, crypto, contract size 1, `maxLeverage` from the meta universe (else the
 * position's own `maxLeverage`); an asset with `marginTableId` ≥ 50 gets its margin table's tiers as
 * `{floor: lowerBound, maxLeverage}`, whose rate the core derives exactly as 1 / (2 × maxLeverage)
 * (parse-instruments.ts); below 50 the table is one tier at the asset's max leverage, which the core
 * makes itself. Hyperliquid has no fixed tick (5 significant figures, at most 6 − szDecimals decimals,
 * docs "Tick and lot size"), so `tickSize` is left out. Marks: `metaAndAssetCtxs` `markPx`, else
 * positionValue / |szi| (positionValue = |szi| × mark, §4.1).
 */
import { abs, add, compare, divide, multiply, normalize, rescale, sign, sum, type Decimal } from '../../core/money/decimal.js';
import { currencyDecimals } from '../../core/money/currency.js';
import { builtInInstrument, builtInVenue } from '../../core/venue/built-in-venues.js';
import type {
  FileKind, FilesByKind, ImportFile, ImportResult, InstrumentJson, PositionJson, TierJson, VenueFigure, VenueImporter,
} from '../import-types.js';
import { decimalOf, fieldPath, FileReader, ImportProblems, isObject, plain, type JsonObject } from '../venue-json.js';

const VENUE = 'hyperliquid';
const CURRENCY = 'USDC';
const USDC_DECIMALS = currencyDecimals(CURRENCY);
/** Margin tables with ids below 50 are one tier at max leverage = id (docs "Margin tiers", §4.2). */
const FIRST_TIERED_TABLE = 50;
/** Decimals of a mark derived as positionValue / |szi| where the quotient does not end. */
const DERIVED_MARK_DECIMALS = 8;

function isMeta(value: unknown): value is JsonObject {
  return isObject(value) && Array.isArray(value.universe) && (value.marginTables === undefined || Array.isArray(value.marginTables))
    && value.assetPositions === undefined;
}

const CLEARINGHOUSE_STATE: FileKind = {
  id: 'clearinghouseState',
  description: 'clearinghouseState (POST /info {"type":"clearinghouseState","user":"0x..."})',
  matches: (value) => isObject(value) && Array.isArray(value.assetPositions) && isObject(value.marginSummary),
};
const META: FileKind = {
  id: 'meta',
  description: 'meta (POST /info {"type":"meta"}: universe and marginTables)',
  matches: isMeta,
};
const META_AND_ASSET_CONTEXTS: FileKind = {
  id: 'metaAndAssetCtxs',
  description: 'metaAndAssetCtxs (POST /info {"type":"metaAndAssetCtxs"}: [meta, asset contexts])',
  matches: (value) => Array.isArray(value) && value.length === 2 && isMeta(value[0]) && Array.isArray(value[1]),
};

/** What the meta files say of one coin. */
interface AssetMeta {
  readonly maxLeverage: string;
  readonly tiers?: readonly TierJson[];
  readonly mark?: string;
  /** The asset context's `funding`: the current hourly funding rate. */
  readonly funding?: string;
}

/** One universe entry, where it was found. */
interface UniverseEntry {
  readonly reader: FileReader;
  readonly meta: JsonObject;
  readonly entry: JsonObject;
  /** Where the meta object sits in its file: "" (meta) or "[0]" (metaAndAssetCtxs). */
  readonly base: string;
  readonly path: string;
  /** The entry's asset context (metaAndAssetCtxs), with its path. */
  readonly context?: { readonly value: unknown; readonly path: string };
}

interface ReadPosition {
  readonly json: PositionJson;
  readonly coin: string;
  readonly signedSize: Decimal;
  readonly cross: boolean;
  readonly path: string;
  readonly position: JsonObject;
  readonly maxLeverage?: string;
  /** The isolated margin ran past USDC's decimals and was rounded. */
  readonly rounded: boolean;
}

/**
 * A margin-table tier for the core to rate: 1 / (2 × maxLeverage), exactly (1/6 for 3x is no
 * decimal), so it is written without a rate (parse-instruments.ts `halfInitial`).
 */
function leverageTier(floor: string, maxLeverage: string): TierJson {
  return { floor, maxLeverage };
}

/** Every universe entry of every meta file, by coin name; the first file to name a coin wins. */
function indexUniverses(files: FilesByKind, problems: ImportProblems): Map<string, UniverseEntry> {
  const entries = new Map<string, UniverseEntry>();
  const add = (reader: FileReader, meta: JsonObject, base: string, contexts?: { value: readonly unknown[]; path: string }): void => {
    const universe = Array.isArray(meta.universe) ? meta.universe : [];
    universe.forEach((entry, index) => {
      if (!isObject(entry) || typeof entry.name !== 'string' || entries.has(entry.name)) return;
      const path = fieldPath(fieldPath(base, 'universe'), index);
      const context = contexts ? { value: contexts.value[index], path: fieldPath(contexts.path, index) } : undefined;
      entries.set(entry.name, { reader, meta, entry, base, path, ...(context ? { context } : {}) });
    });
  };
  for (const file of files.get(META_AND_ASSET_CONTEXTS.id) ?? []) {
    const [meta, contexts] = Array.isArray(file.value) ? file.value : [];
    if (isObject(meta) && Array.isArray(contexts)) add(new FileReader(file.name, problems), meta, '[0]', { value: contexts, path: '[1]' });
  }
  for (const file of files.get(META.id) ?? []) {
    if (isObject(file.value)) add(new FileReader(file.name, problems), file.value, '');
  }
  return entries;
}

/** The tiers of margin table `id` (`marginTables: [[id, {description, marginTiers}], ...]`). */
function readMarginTable(source: UniverseEntry, id: number, idPath: string): TierJson[] | undefined {
  const { reader, meta } = source;
  const tablesPath = fieldPath(source.base, 'marginTables');
  const tables: readonly unknown[] = Array.isArray(meta.marginTables) ? meta.marginTables : [];
  const index = tables.findIndex((table) => Array.isArray(table) && table[0] === id);
  const found = tables[index];
  if (!Array.isArray(found)) return reader.problem(idPath, `no margin table ${id} in ${tablesPath}`);
  const tablePath = fieldPath(fieldPath(tablesPath, index), 1);
  const table = reader.object(found[1], tablePath);
  if (!table) return undefined;
  const tiersPath = fieldPath(tablePath, 'marginTiers');
  const list = reader.array(table.marginTiers, tiersPath);
  if (!list) return undefined;
  if (list.length === 0) return reader.problem(tiersPath, 'must list at least one tier');
  const tiers = list.map((entry, tierIndex) => {
    const tierPath = fieldPath(tiersPath, tierIndex);
    const tier = reader.object(entry, tierPath);
    if (!tier) return undefined;
    const floor = reader.decimal(tier.lowerBound, fieldPath(tierPath, 'lowerBound'), 'non-negative');
    const maxLeverage = positiveInteger(reader, tier.maxLeverage, fieldPath(tierPath, 'maxLeverage'));
    return floor !== undefined && maxLeverage !== undefined ? leverageTier(floor, maxLeverage) : undefined;
  });
  return tiers.every((tier) => tier !== undefined) ? tiers : undefined;
}

function positiveInteger(reader: FileReader, value: unknown, field: string): string | undefined {
  const read = reader.integer(value, field);
  if (read === undefined) return undefined;
  if (read <= 0) return reader.problem(field, `must be above zero, got ${read}`);
  return String(read);
}

/** The coin's max leverage, margin table and mark from the meta files. */
function readAssetMeta(source: UniverseEntry): AssetMeta | undefined {
  const { reader, entry, path } = source;
  const maxLeverage = positiveInteger(reader, entry.maxLeverage, fieldPath(path, 'maxLeverage'));
  let tiers: TierJson[] | undefined;
  if (entry.marginTableId !== undefined) {
    const idPath = fieldPath(path, 'marginTableId');
    const id = reader.integer(entry.marginTableId, idPath);
    if (id === undefined) return undefined;
    if (id >= FIRST_TIERED_TABLE) {
      tiers = readMarginTable(source, id, idPath);
      if (!tiers) return undefined;
    }
  }
  const mark = source.context ? readMark(reader, source.context.value, source.context.path) : undefined;
  const funding = source.context ? readFunding(reader, source.context.value, source.context.path) : undefined;
  if (maxLeverage === undefined || (source.context && mark === undefined)) return undefined;
  return { maxLeverage, ...(tiers ? { tiers } : {}), ...(mark ? { mark } : {}), ...(funding ? { funding } : {}) };
}

/** The context's `funding`, Hyperliquid's hourly rate (docs "Trading / Funding": paid every hour). */
function readFunding(reader: FileReader, context: unknown, path: string): string | undefined {
  const object = isObject(context) ? context : undefined;
  if (!object || object.funding === undefined || object.funding === null) return undefined;
  return reader.decimal(object.funding, fieldPath(path, 'funding'), 'any');
}

function readMark(reader: FileReader, context: unknown, path: string): string | undefined {
  const object = reader.object(context, path);
  return object ? reader.decimal(object.markPx, fieldPath(path, 'markPx'), 'positive') : undefined;
}

/** `assetPositions[i].position`: undefined for a flat one (szi 0) or one with a problem. */
function readPosition(reader: FileReader, entry: unknown, index: number): ReadPosition | 'flat' | undefined {
  const entryPath = fieldPath('assetPositions', index);
  const wrapper = reader.object(entry, entryPath);
  const path = fieldPath(entryPath, 'position');
  const position = wrapper ? reader.object(wrapper.position, path) : undefined;
  if (!position) return undefined;
  const field = (key: string): string => fieldPath(path, key);
  const coin = reader.string(position.coin, field('coin'));
  const size = reader.decimal(position.szi, field('szi'));
  if (size !== undefined && sign(decimalOf(size)) === 0) return 'flat';
  const entryPrice = reader.decimal(position.entryPx, field('entryPx'), 'positive');
  const leverage = reader.object(position.leverage, field('leverage'));
  const leveragePath = field('leverage');
  const type = leverage?.type;
  if (leverage && type !== 'cross' && type !== 'isolated') {
    reader.problem(fieldPath(leveragePath, 'type'), `must be "cross" or "isolated", got ${JSON.stringify(type) ?? 'nothing'}`);
  }
  const value = leverage ? positiveInteger(reader, leverage.value, fieldPath(leveragePath, 'value')) : undefined;
  const rawUsd = leverage && type === 'isolated' ? reader.decimal(leverage.rawUsd, fieldPath(leveragePath, 'rawUsd')) : undefined;
  const maxLeverage = position.maxLeverage === undefined ? undefined : positiveInteger(reader, position.maxLeverage, field('maxLeverage'));
  if (coin === undefined || size === undefined || entryPrice === undefined || value === undefined
    || (type !== 'cross' && type !== 'isolated') || (type === 'isolated' && rawUsd === undefined)) return undefined;
  const signedSize = decimalOf(size);
  const side = sign(signedSize) > 0 ? 'long' : 'short';
  const exactMargin = rawUsd === undefined ? undefined : add(decimalOf(rawUsd), multiply(signedSize, decimalOf(entryPrice)));
  const isolatedMargin = exactMargin === undefined ? undefined : isolatedMarginOf(reader, exactMargin, fieldPath(leveragePath, 'rawUsd'));
  if (exactMargin !== undefined && isolatedMargin === undefined) return undefined;
  const json: PositionJson = {
    id: `${coin}-${side}`,
    instrument: coin,
    side,
    quantity: plain(abs(signedSize)),
    entryPrice,
    leverage: value,
    ...(isolatedMargin ? { isolatedMargin } : {}),
  };
  const rounded = exactMargin !== undefined && roundsAtUsdc(exactMargin);
  return { json, coin, signedSize, cross: type === 'cross', path, position, rounded, ...(maxLeverage ? { maxLeverage } : {}) };
}

/** M = rawUsd + szi × entryPx (§4.1), to USDC's 6 decimals (half-even) where the product runs longer. */
function isolatedMarginOf(reader: FileReader, exact: Decimal, field: string): string | undefined {
  const margin = usdc(exact);
  if (sign(margin) <= 0) {
    return reader.problem(field, `rawUsd + szi × entryPx = ${plain(margin)}: an isolated position's margin must be above zero`);
  }
  return plain(margin);
}

function usdc(value: Decimal): Decimal {
  return value.scale > USDC_DECIMALS ? rescale(value, USDC_DECIMALS, 'half-even') : value;
}

function roundsAtUsdc(value: Decimal): boolean {
  return compare(usdc(value), value) !== 0;
}

/** B = crossMarginSummary.totalRawUsd + Σ_cross szi × entryPx + Σ_isolated M_i (module comment). */
function balanceOf(reader: FileReader, state: JsonObject, positions: readonly ReadPosition[], warnings: string[]): string | undefined {
  const summary = reader.object(state.crossMarginSummary, 'crossMarginSummary');
  const rawUsd = summary ? reader.decimal(summary.totalRawUsd, 'crossMarginSummary.totalRawUsd') : undefined;
  if (rawUsd === undefined) return undefined;
  const crossCost = sum(positions.filter((position) => position.cross)
    .map((position) => multiply(position.signedSize, decimalOf(position.json.entryPrice))));
  const crossCash = add(decimalOf(rawUsd), crossCost);
  const isolated = sum(positions.flatMap((position) => (position.json.isolatedMargin ? [decimalOf(position.json.isolatedMargin)] : [])));
  if (roundsAtUsdc(crossCash) || positions.some((position) => position.rounded)) {
    warnings.push(`hyperliquid: balance and isolated margins (rawUsd + szi × entryPx) are rounded half-even to USDC's ${USDC_DECIMALS} decimals`);
  }
  return plain(add(usdc(crossCash), isolated));
}

/** The venue's mark, else positionValue / |szi| (exact where the quotient ends). */
function markOf(reader: FileReader, read: ReadPosition, meta: AssetMeta | undefined, warnings: string[]): string | undefined {
  if (meta?.mark) return meta.mark;
  const valuePath = fieldPath(read.path, 'positionValue');
  if (read.position.positionValue === undefined) {
    return reader.problem(valuePath, `required without a metaAndAssetCtxs file giving ${read.coin}'s markPx: the mark is positionValue / |szi|`);
  }
  const value = reader.decimal(read.position.positionValue, valuePath, 'positive');
  if (value === undefined) return undefined;
  const mark = normalize(divide(decimalOf(value), abs(read.signedSize), DERIVED_MARK_DECIMALS, 'half-even'));
  const exact = compare(multiply(mark, abs(read.signedSize)), decimalOf(value)) === 0;
  warnings.push(`hyperliquid: no markPx for ${read.coin} (give metaAndAssetCtxs): mark = positionValue / |szi| = ${value} / ${plain(abs(read.signedSize))} = ${plain(mark)}${exact ? '' : ` (rounded half-even to ${DERIVED_MARK_DECIMALS} decimals)`}`);
  return plain(mark);
}

/** The instrument, from the meta files, else the position's maxLeverage, else the built-in profile. */
function instrumentOf(reader: FileReader, read: ReadPosition, meta: AssetMeta | undefined, warnings: string[]): InstrumentJson | 'built-in' | undefined {
  const base = { kind: 'linear', assetClass: 'crypto', contractSize: '1', settlementCurrency: CURRENCY } as const;
  if (meta) return { ...base, maxLeverage: meta.maxLeverage, ...(meta.tiers ? { maintenanceTiers: meta.tiers } : {}) };
  if (read.maxLeverage) {
    warnings.push(`hyperliquid: no meta names ${read.coin}: its max leverage is the position's maxLeverage (${read.maxLeverage}), one maintenance tier at 1 / (2 × ${read.maxLeverage}); give meta for its margin table`);
    return { ...base, maxLeverage: read.maxLeverage };
  }
  const venue = builtInVenue(VENUE);
  if (venue && builtInInstrument(venue, read.coin)) {
    warnings.push(`hyperliquid: no meta names ${read.coin} and the position gives no maxLeverage: the built-in profile's ${read.coin} is used`);
    return 'built-in';
  }
  return reader.problem(fieldPath(read.path, 'maxLeverage'),
    `required: no meta file names ${read.coin} (give meta or metaAndAssetCtxs), and the built-in profile does not know it`);
}

/** The venue's own figures for one position (§4.1): only those meaning what the report means. */
function figuresOf(reader: FileReader, read: ReadPosition, fromPositionOnly: boolean): VenueFigure[] {
  const { position, path } = read;
  const figure = (field: VenueFigure['field'], key: string, why?: string): VenueFigure[] => {
    const value = position[key];
    if (value === undefined) return [];
    // liquidationPx is null where the venue sees none (unverified, §11.3); every other figure is a decimal.
    const venue = value === null && field === 'liquidationPrice' ? null : reader.decimal(value, fieldPath(path, key));
    if (venue === undefined) return [];
    return [{ position: read.json.id, field, venue, source: `${reader.file} ${fieldPath(path, key)}`, ...(why ? { why } : {}) }];
  };
  return [
    ...figure('liquidationPrice', 'liquidationPx', fromPositionOnly
      ? 'without meta the margin table is not known: ours uses one tier at 1 / (2 × maxLeverage)' : undefined),
    ...figure('unrealizedPnl', 'unrealizedPnl'),
    ...figure('notional', 'positionValue'),
    // marginUsed is the initial margin only for cross; isolated, it is the margin with uPnL (§4.1).
    ...(read.cross ? figure('initialMargin', 'marginUsed') : []),
  ];
}

function singleFile(files: FilesByKind, kind: FileKind, problems: ImportProblems): ImportFile | undefined {
  const list = files.get(kind.id) ?? [];
  const [first, ...rest] = list;
  for (const extra of rest) problems.add(extra.name, '', `one ${kind.id} per import (one account); ${first?.name ?? ''} is already one`);
  if (!first) problems.add('', 'files', `required: a ${kind.description}`);
  return first;
}

function build(files: FilesByKind): ImportResult {
  const problems = new ImportProblems();
  const warnings: string[] = [];
  const file = singleFile(files, CLEARINGHOUSE_STATE, problems);
  if (!file || !isObject(file.value)) return { ok: false, error: problems.items };
  const reader = new FileReader(file.name, problems);
  const state = file.value;
  const entries = Array.isArray(state.assetPositions) ? state.assetPositions : [];
  const read = entries.map((entry, index) => readPosition(reader, entry, index));
  const positions = read.filter((each): each is ReadPosition => typeof each === 'object');
  if (read.length === 0 || read.every((each) => each === 'flat')) {
    reader.problem('assetPositions', 'no open position: nothing but flat positions (szi 0) to import');
  }
  const universes = indexUniverses(files, problems);
  const instruments: Record<string, InstrumentJson> = {};
  const marks: Record<string, string> = {};
  const funding: Record<string, string> = {};
  const figures: VenueFigure[] = [];
  const ids = new Set<string>();
  for (const position of positions) {
    if (ids.has(position.json.id)) reader.problem(fieldPath(position.path, 'coin'), `a second ${position.json.id} position`);
    ids.add(position.json.id);
    const source = universes.get(position.coin);
    const meta = source ? readAssetMeta(source) : undefined;
    if (source && !meta) continue;
    const instrument = instrumentOf(reader, position, meta, warnings);
    if (instrument && instrument !== 'built-in') instruments[position.coin] = instrument;
    const mark = markOf(reader, position, meta, warnings);
    if (mark) marks[position.coin] = mark;
    if (meta?.funding !== undefined) funding[position.coin] = meta.funding;
    figures.push(...figuresOf(reader, position, !meta && instrument !== 'built-in'));
  }
  const balance = balanceOf(reader, state, positions, warnings);
  if (!problems.empty || balance === undefined) return { ok: false, error: problems.items };
  warnings.push('hyperliquid: no fixed tick size (prices carry at most 5 significant figures and 6 − szDecimals decimals): tickSize is left out, and liquidation prices are compared within a relative 1e-7');
  return {
    ok: true,
    value: {
      snapshot: {
        venue: VENUE,
        account: { currency: CURRENCY, balance },
        instruments,
        positions: positions.map((position) => position.json),
        marks,
        ...(Object.keys(funding).length > 0 ? { funding } : {}),
      },
      figures,
      warnings,
    },
  };
}

export const hyperliquidImporter: VenueImporter = {
  venue: VENUE,
  kinds: [CLEARINGHOUSE_STATE, META_AND_ASSET_CONTEXTS, META],
  build: (files) => build(files),
};
