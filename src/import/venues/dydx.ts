/**
 * dYdX v4 indexer (spec/venue-formats.md §5): a subaccount (GET /v4/addresses/{address}/subaccountNumber/{n})
 * or a parent subaccount (…/parentSubaccountNumber/{n}), plus GET /v4/perpetualMarkets, into a snapshot.
 *
 *   side = side (LONG | SHORT, and the sign of `size`)   quantity = |size|   entryPrice = entryPrice
 *   USDC  Q = assetPositions.USDC.size, negative when its side is SHORT
 *   cash  C = Q + Σ size × entryPrice          (one subaccount)
 *
 * The indexer's USDC is net of the positions' cost: §5.1 derives, exactly, equity = Q + Σ size × oracle
 * (608580.951601 + 0.001 × 3850.024845 − 4.1368 × 108086.86937 = 161451.040416029). So the cash the
 * core means (deposits + realised P&L) is C, and the core's equity C + Σ size × (oracle − entryPrice)
 * is the indexer's `equity`. C is rounded half-even to USDC's 6 decimals where size × entryPrice runs
 * longer (entry prices come with up to 26 decimals).
 *
 * Parent subaccounts (dydxprotocol/v4-chain indexer/services/comlink/src/lib/helpers.ts
 * `getChildSubaccountNums`): parent n < 128 has children n + 128 × i; child n itself is the cross
 * subaccount, each other child holds one isolated position. So the cross cash is the balance less the
 * isolated margins (margin-scope.ts), an isolated margin is its child's C, and
 *   balance = C(cross child) + Σ C(isolated children).
 *
 * Markets (§5.2): marks = oraclePrice (dYdX margins at the oracle price); tickSize; maxLeverage =
 * 1 / initialMarginFraction; one tier {floor 0, rate maintenanceMarginFraction}. The indexer reports
 * no leverage per position, so none is written: the core then margins at 1 / max leverage = the IMF.
 */
import { abs, add, compare, divide, dec, multiply, negate, parseDecimal, rescale, sign, sum, ONE, type Decimal } from '../../core/money/decimal.js';
import { currencyDecimals } from '../../core/money/currency.js';
import { builtInInstrument, builtInVenue } from '../../core/venue/built-in-venues.js';
import type {
  FileKind, FilesByKind, ImportFile, ImportResult, InstrumentJson, PositionJson, VenueFigure, VenueImporter,
} from '../import-types.js';
import { decimalOf, fieldPath, FileReader, ImportProblems, isObject, plain, type JsonObject } from '../venue-json.js';

const VENUE = 'dydx-v4';
const CURRENCY = 'USDC';
const USDC_DECIMALS = currencyDecimals(CURRENCY);
/** helpers.ts MAX_PARENT_SUBACCOUNTS: children of parent n are n + 128 × i. */
const PARENT_SUBACCOUNTS = 128;
/** Decimals of 1 / IMF where it does not end (no governed IMF so far: 0.02, 0.05, 0.1, 0.2, 1). */
const LEVERAGE_DECIMALS = 8;

function subaccountOf(value: unknown): JsonObject | undefined {
  return isObject(value) && isObject(value.subaccount) ? value.subaccount : undefined;
}

const SUBACCOUNT: FileKind = {
  id: 'subaccount',
  description: 'subaccount (GET /v4/addresses/{address}/subaccountNumber/{n})',
  matches: (value) => {
    const subaccount = subaccountOf(value);
    return subaccount !== undefined && subaccount.childSubaccounts === undefined
      && (isObject(subaccount.openPerpetualPositions) || isObject(subaccount.assetPositions));
  },
};
const PARENT_SUBACCOUNT: FileKind = {
  id: 'parentSubaccount',
  description: 'parent subaccount (GET /v4/addresses/{address}/parentSubaccountNumber/{n})',
  matches: (value) => Array.isArray(subaccountOf(value)?.childSubaccounts),
};
const PERPETUAL_MARKETS: FileKind = {
  id: 'perpetualMarkets',
  description: 'perpetualMarkets (GET /v4/perpetualMarkets)',
  matches: (value) => isObject(value) && isObject(value.markets),
};

interface ReadPosition {
  readonly json: PositionJson;
  readonly market: string;
  readonly signedSize: Decimal;
  readonly path: string;
  readonly unrealizedPnl?: string;
}

/** One subaccount as read: its number, cash C (exact) and open positions. */
interface ReadSubaccount {
  readonly reader: FileReader;
  readonly path: string;
  readonly number: number;
  readonly address?: string;
  readonly cash: Decimal;
  readonly positions: readonly ReadPosition[];
}

interface Market {
  readonly instrument: InstrumentJson;
  readonly mark: string;
}

function readPosition(reader: FileReader, key: string, value: unknown, base: string, warnings: string[]): ReadPosition | undefined {
  const path = fieldPath(base, key);
  const position = reader.object(value, path);
  if (!position) return undefined;
  const field = (name: string): string => fieldPath(path, name);
  if (position.status !== undefined && position.status !== 'OPEN') {
    warnings.push(`dydx-v4: ${reader.file} ${path} has status ${JSON.stringify(position.status)}: left out`);
    return undefined;
  }
  const market = position.market === undefined ? key : reader.string(position.market, field('market'));
  const side = position.side;
  if (side !== 'LONG' && side !== 'SHORT') reader.problem(field('side'), `must be "LONG" or "SHORT", got ${JSON.stringify(side) ?? 'nothing'}`);
  const size = reader.decimal(position.size, field('size'));
  const entryPrice = reader.decimal(position.entryPrice, field('entryPrice'), 'positive');
  const unrealizedPnl = position.unrealizedPnl === undefined ? undefined : reader.decimal(position.unrealizedPnl, field('unrealizedPnl'));
  if (market === undefined || size === undefined || entryPrice === undefined || (side !== 'LONG' && side !== 'SHORT')) return undefined;
  const signedSize = decimalOf(size);
  if (sign(signedSize) === 0) return undefined;
  if (sign(signedSize) !== (side === 'LONG' ? 1 : -1)) {
    return reader.problem(field('size'), `a ${side} position's size is ${side === 'LONG' ? 'positive' : 'negative'}, got "${size}"`);
  }
  const ourSide = side === 'LONG' ? 'long' : 'short';
  const json: PositionJson = { id: `${market}-${ourSide}`, instrument: market, side: ourSide, quantity: plain(abs(signedSize)), entryPrice };
  return { json, market, signedSize, path, ...(unrealizedPnl !== undefined ? { unrealizedPnl } : {}) };
}

/** Q: the USDC asset position, signed by its side; 0 where the indexer lists none. */
function readUsdc(reader: FileReader, assets: unknown, base: string, warnings: string[]): Decimal | undefined {
  const path = fieldPath(base, 'assetPositions');
  if (assets === undefined) return dec('0');
  const object = reader.object(assets, path);
  if (!object) return undefined;
  for (const symbol of Object.keys(object).filter((each) => each !== CURRENCY)) {
    warnings.push(`dydx-v4: ${reader.file} ${fieldPath(path, symbol)}: only USDC is collateral here; ${symbol} is left out`);
  }
  if (object.USDC === undefined) return dec('0');
  const usdcPath = fieldPath(path, CURRENCY);
  const usdc = reader.object(object.USDC, usdcPath);
  if (!usdc) return undefined;
  const size = reader.decimal(usdc.size, fieldPath(usdcPath, 'size'));
  const side = usdc.side;
  if (side !== 'LONG' && side !== 'SHORT') {
    return reader.problem(fieldPath(usdcPath, 'side'), `must be "LONG" or "SHORT", got ${JSON.stringify(side) ?? 'nothing'}`);
  }
  if (size === undefined) return undefined;
  const amount = decimalOf(size);
  if (sign(amount) < 0 && side === 'LONG') return reader.problem(fieldPath(usdcPath, 'size'), `a LONG balance is not negative, got "${size}"`);
  return side === 'SHORT' ? negate(abs(amount)) : amount;
}

function readSubaccount(reader: FileReader, value: unknown, path: string, warnings: string[]): ReadSubaccount | undefined {
  const subaccount = reader.object(value, path);
  if (!subaccount) return undefined;
  const numberPath = fieldPath(path, 'subaccountNumber');
  const number = subaccount.subaccountNumber === undefined ? 0 : reader.integer(subaccount.subaccountNumber, numberPath);
  const address = typeof subaccount.address === 'string' ? subaccount.address : undefined;
  const positionsPath = fieldPath(path, 'openPerpetualPositions');
  const open = subaccount.openPerpetualPositions === undefined ? {} : reader.object(subaccount.openPerpetualPositions, positionsPath);
  const positions = Object.entries(open ?? {}).map(([key, entry]) => readPosition(reader, key, entry, positionsPath, warnings));
  const usdc = readUsdc(reader, subaccount.assetPositions, path, warnings);
  if (number === undefined || usdc === undefined || !open) return undefined;
  const read = positions.filter((each): each is ReadPosition => each !== undefined);
  const cost = sum(read.map((position) => multiply(position.signedSize, decimalOf(position.json.entryPrice))));
  return { reader, path, number, cash: add(usdc, cost), positions: read, ...(address ? { address } : {}) };
}

/** Every subaccount of every subaccount and parent-subaccount file. */
function readSubaccounts(files: FilesByKind, problems: ImportProblems, warnings: string[]): ReadSubaccount[] {
  const read: (ReadSubaccount | undefined)[] = [];
  for (const file of files.get(SUBACCOUNT.id) ?? []) {
    read.push(readSubaccount(new FileReader(file.name, problems), subaccountOf(file.value), 'subaccount', warnings));
  }
  for (const file of files.get(PARENT_SUBACCOUNT.id) ?? []) {
    const reader = new FileReader(file.name, problems);
    const children = subaccountOf(file.value)?.childSubaccounts;
    if (Array.isArray(children) && children.length === 0) reader.problem('subaccount.childSubaccounts', 'no child subaccount: nothing to import');
    (Array.isArray(children) ? children : []).forEach((child, index) => {
      read.push(readSubaccount(reader, child, fieldPath('subaccount.childSubaccounts', index), warnings));
    });
  }
  return read.filter((each): each is ReadSubaccount => each !== undefined);
}

/** All subaccounts must be one parent's: one address, numbers n + 128 × i for one n, none twice. */
function checkOneParent(subaccounts: readonly ReadSubaccount[]): boolean {
  const [first] = subaccounts;
  const seen = new Set<number>();
  let consistent = true;
  for (const each of subaccounts) {
    const problem = first && oneParentProblem(first, each, seen);
    if (problem) {
      each.reader.problem(problem.field, problem.message);
      consistent = false;
    }
    seen.add(each.number);
  }
  return consistent;
}

function oneParentProblem(first: ReadSubaccount, each: ReadSubaccount, seen: ReadonlySet<number>): { field: string; message: string } | undefined {
  const field = fieldPath(each.path, 'subaccountNumber');
  if (each.address !== undefined && first.address !== undefined && each.address !== first.address) {
    return { field: fieldPath(each.path, 'address'), message: `another address than ${first.address}: import one account at a time` };
  }
  if (each.number % PARENT_SUBACCOUNTS !== first.number % PARENT_SUBACCOUNTS) {
    return { field, message: `subaccount ${each.number} is not of the same parent as ${first.number} (children of parent n are n + 128 × i): import one parent at a time` };
  }
  return seen.has(each.number) ? { field, message: `subaccount ${each.number} given twice` } : undefined;
}

function usdc(value: Decimal): Decimal {
  return value.scale > USDC_DECIMALS ? rescale(value, USDC_DECIMALS, 'half-even') : value;
}

/**
 * The positions and the balance. One subaccount: every position is cross. Several: the child below
 * 128 is the cross one, each other child's one position is isolated with its C as margin.
 */
function arrange(subaccounts: readonly ReadSubaccount[], warnings: string[]): { positions: PositionJson[]; balance: Decimal; read: ReadPosition[] } | undefined {
  const single = subaccounts.length === 1;
  const cross = subaccounts.filter((each) => single || each.number < PARENT_SUBACCOUNTS);
  const isolated = subaccounts.filter((each) => !single && each.number >= PARENT_SUBACCOUNTS);
  const positions: PositionJson[] = cross.flatMap((each) => each.positions.map((position) => position.json));
  const read = cross.flatMap((each) => each.positions);
  let balance = sum(cross.map((each) => usdc(each.cash)));
  let failed = false;
  for (const child of isolated) {
    const [position, ...others] = child.positions;
    if (!position) {
      if (sign(child.cash) !== 0) {
        warnings.push(`dydx-v4: subaccount ${child.number} holds ${plain(child.cash)} USDC and no position: left out of the balance (it backs no cross position)`);
      }
      continue;
    }
    if (others.length > 0) {
      child.reader.problem(fieldPath(child.path, 'openPerpetualPositions'),
        `an isolated subaccount with ${others.length + 1} positions: Stopout's isolated margin holds one; import this subaccount on its own`);
      failed = true;
      continue;
    }
    const margin = usdc(child.cash);
    if (sign(margin) <= 0) {
      child.reader.problem(fieldPath(child.path, 'assetPositions'),
        `USDC + size × entryPrice = ${plain(margin)}: an isolated position's margin must be above zero`);
      failed = true;
      continue;
    }
    // The same market cross and isolated in a child: the child's number keeps the ids apart.
    const taken = positions.some((each) => each.id === position.json.id);
    positions.push({ ...position.json, ...(taken ? { id: `${position.json.id}-${child.number}` } : {}), isolatedMargin: plain(margin) });
    read.push(position);
    balance = add(balance, margin);
  }
  if (cross.length === 0 && isolated.length > 0) {
    warnings.push('dydx-v4: no cross subaccount (number below 128) given: the balance is the sum of the isolated margins');
  }
  if (subaccounts.some((each) => compare(usdc(each.cash), each.cash) !== 0)) {
    warnings.push(`dydx-v4: cash = USDC + Σ size × entryPrice, rounded half-even to USDC's ${USDC_DECIMALS} decimals`);
  }
  return failed ? undefined : { positions, balance, read };
}

/** 1 / IMF, exact where it ends, else rounded down (a lower max leverage: a higher initial margin). */
function maxLeverageOf(fraction: Decimal, ticker: string, warnings: string[]): string {
  const leverage = divide(ONE, fraction, LEVERAGE_DECIMALS, 'down');
  if (compare(multiply(leverage, fraction), ONE) !== 0) {
    warnings.push(`dydx-v4: ${ticker} max leverage 1 / ${plain(fraction)} rounded down to ${plain(leverage)}`);
  }
  return plain(leverage);
}

function readMarket(reader: FileReader, value: unknown, path: string, ticker: string, warnings: string[]): Market | undefined {
  const market = reader.object(value, path);
  if (!market) return undefined;
  const field = (name: string): string => fieldPath(path, name);
  const mark = reader.decimal(market.oraclePrice, field('oraclePrice'), 'positive');
  const tickSize = reader.decimal(market.tickSize, field('tickSize'), 'positive');
  const initial = reader.decimal(market.initialMarginFraction, field('initialMarginFraction'), 'positive');
  const maintenance = reader.decimal(market.maintenanceMarginFraction, field('maintenanceMarginFraction'), 'non-negative');
  if (maintenance !== undefined && compare(decimalOf(maintenance), ONE) > 0) {
    return reader.problem(field('maintenanceMarginFraction'), `must be a fraction from 0 to 1, got "${maintenance}"`);
  }
  if (mark === undefined || tickSize === undefined || initial === undefined || maintenance === undefined) return undefined;
  if (market.status !== undefined && market.status !== 'ACTIVE') {
    warnings.push(`dydx-v4: ${ticker} has status ${JSON.stringify(market.status)}`);
  }
  const upperCap = typeof market.openInterestUpperCap === 'string' ? parseDecimal(market.openInterestUpperCap) : undefined;
  if (upperCap && sign(upperCap) > 0) {
    warnings.push(`dydx-v4: ${ticker}'s initial margin fraction rises with open interest (openInterestUpperCap ${plain(upperCap)}): the base ${initial} is used`);
  }
  return {
    mark,
    instrument: {
      kind: 'linear',
      assetClass: 'crypto',
      contractSize: '1',
      tickSize,
      maxLeverage: maxLeverageOf(decimalOf(initial), ticker, warnings),
      maintenanceTiers: [{ floor: '0', rate: maintenance }],
      settlementCurrency: CURRENCY,
    },
  };
}

/** The market of each ticker the positions need, from the first perpetualMarkets file naming it. */
function readMarkets(
  files: readonly ImportFile[], tickers: ReadonlySet<string>, problems: ImportProblems, warnings: string[],
): Map<string, Market | undefined> {
  const markets = new Map<string, Market | undefined>();
  for (const file of files) {
    const reader = new FileReader(file.name, problems);
    const object = isObject(file.value) && isObject(file.value.markets) ? file.value.markets : {};
    for (const ticker of tickers) {
      if (markets.has(ticker) || object[ticker] === undefined) continue;
      markets.set(ticker, readMarket(reader, object[ticker], fieldPath('markets', ticker), ticker, warnings));
    }
  }
  return markets;
}

/** A market no perpetualMarkets file gives: its mark is only there, so this is a problem either way. */
function missingMarket(reader: FileReader, position: ReadPosition, marketFiles: readonly ImportFile[]): undefined {
  const venue = builtInVenue(VENUE);
  const builtIn = venue !== undefined && builtInInstrument(venue, position.market) !== undefined;
  const wanted = marketFiles.length === 0
    ? 'needs perpetualMarkets (GET /v4/perpetualMarkets)'
    : `is in no perpetualMarkets file given (${marketFiles.map((file) => file.name).join(', ')})`;
  return reader.problem(position.path, builtIn
    ? `${position.market} ${wanted}: the built-in profile has its margin fractions, but its oracle price (the mark) is only there`
    : `${position.market} ${wanted}: its oracle price (the mark) and margin fractions are only there`);
}

function figureOf(subaccounts: readonly ReadSubaccount[], position: ReadPosition, id: string): VenueFigure[] {
  if (position.unrealizedPnl === undefined) return [];
  const file = subaccounts.find((each) => each.positions.includes(position))?.reader.file ?? '';
  return [{ position: id, field: 'unrealizedPnl', venue: position.unrealizedPnl, source: `${file} ${fieldPath(position.path, 'unrealizedPnl')}` }];
}

function build(files: FilesByKind): ImportResult {
  const problems = new ImportProblems();
  const warnings: string[] = [];
  const subaccounts = readSubaccounts(files, problems, warnings);
  if (subaccounts.length === 0 && problems.empty) {
    problems.add('', 'files', `required: a ${SUBACCOUNT.description} or a ${PARENT_SUBACCOUNT.description}`);
  }
  if (!problems.empty || !checkOneParent(subaccounts)) return { ok: false, error: problems.items };
  const arranged = arrange(subaccounts, warnings);
  if (!arranged) return { ok: false, error: problems.items };
  const [first] = subaccounts;
  if (arranged.positions.length === 0 && first) {
    first.reader.problem(fieldPath(first.path, 'openPerpetualPositions'), 'no open position: nothing to import');
  }
  const marketFiles = files.get(PERPETUAL_MARKETS.id) ?? [];
  const markets = readMarkets(marketFiles, new Set(arranged.read.map((position) => position.market)), problems, warnings);
  const instruments: Record<string, InstrumentJson> = {};
  const marks: Record<string, string> = {};
  const figures: VenueFigure[] = [];
  arranged.read.forEach((position, index) => {
    const reader = subaccounts.find((each) => each.positions.includes(position))?.reader;
    const market = markets.get(position.market);
    if (!markets.has(position.market) && reader) missingMarket(reader, position, marketFiles);
    if (market) {
      instruments[position.market] = market.instrument;
      marks[position.market] = market.mark;
    }
    figures.push(...figureOf(subaccounts, position, arranged.positions[index]?.id ?? position.json.id));
  });
  if (!problems.empty) return { ok: false, error: problems.items };
  warnings.push('dydx-v4: the indexer reports no leverage: none is written, so initial margin is at the market\'s initial margin fraction (1 / max leverage); nor any liquidation price: only unrealised P&L is checked');
  return {
    ok: true,
    value: {
      snapshot: {
        venue: VENUE,
        account: { currency: CURRENCY, balance: plain(arranged.balance) },
        instruments,
        positions: arranged.positions,
        marks,
      },
      figures,
      warnings,
    },
  };
}

export const dydxImporter: VenueImporter = {
  venue: VENUE,
  kinds: [SUBACCOUNT, PARENT_SUBACCOUNT, PERPETUAL_MARKETS],
  build: (files) => build(files),
};
