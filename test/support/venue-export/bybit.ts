/**
 * A snapshot written out as the Bybit v5 responses that describe it (venue-formats.md §3): the
 * inverse of src/import/venues/bybit.ts, for the export → import round trip. Each response is
 * written in one of the three forms the importer accepts (the whole response, its `result`, or
 * the bare `list`), with the variations Bybit itself shows: hedge-mode positionIdx, risk limits in
 * percent (the docs' example) or fractions (a testnet capture), tiers out of order, flat rows, marks
 * in the positions or in tickers only, and the margin mode in account info or in each position's
 * deprecated tradeMode.
 */
import { dec, divide, multiply, normalize, subtract, toDecimalString, type Decimal } from '../../../src/core/money/decimal.js';
import type { ImportFile, InstrumentJson, PositionJson, SnapshotJson, TierJson } from '../../../src/import/import-types.js';

export type ResponseShape = 'response' | 'result' | 'list';

export interface BybitExportOptions {
  readonly shape: ResponseShape;
  /** positionIdx 1 (buy side) and 2 (sell side) rather than 0. */
  readonly hedge: boolean;
  /** maintenanceMargin and initialMargin in percent ("0.5" for 0.5 %), as the docs' example. */
  readonly percent: boolean;
  /** Risk-limit tiers listed from the highest cap down (Bybit does not promise an order). */
  readonly reverseTiers: boolean;
  /** markPrice "" in the positions: the marks come from tickers only. */
  readonly marksInTickers: boolean;
  /** Flat rows listed before the open ones, as Bybit lists a symbol asked for by name. */
  readonly flatSymbols: readonly string[];
  /** Account info with the account's margin mode; without it, each position's tradeMode says it. */
  readonly accountInfo: boolean;
  readonly walletBalance: boolean;
}

type Json = Readonly<Record<string, unknown>>;

const text = (value: Decimal): string => toDecimalString(normalize(value));

function wrap(shape: ResponseShape, category: string | undefined, list: readonly Json[]): unknown {
  const result = { ...(category ? { category } : {}), list, nextPageCursor: '' };
  if (shape === 'list') return list;
  if (shape === 'result') return result;
  return { retCode: 0, retMsg: 'OK', result, retExtInfo: {}, time: 1700000000000 };
}

function pnl(position: PositionJson, mark: string): string {
  const move = subtract(dec(mark), dec(position.entryPrice));
  const signed = position.side === 'long' ? move : multiply(dec('-1'), move);
  return text(multiply(signed, dec(position.quantity)));
}

function positionIndex(side: PositionJson['side'], options: BybitExportOptions): number {
  if (!options.hedge) return 0;
  return side === 'long' ? 1 : 2;
}

function positionRow(position: PositionJson, snapshot: SnapshotJson, options: BybitExportOptions): Json {
  const mark = snapshot.marks[position.instrument] ?? position.entryPrice;
  const value = multiply(dec(position.quantity), dec(position.entryPrice));
  return {
    positionIdx: positionIndex(position.side, options),
    riskId: 1,
    riskLimitValue: '2000000',
    symbol: position.instrument,
    side: position.side === 'long' ? 'Buy' : 'Sell',
    size: position.quantity,
    avgPrice: position.entryPrice,
    positionValue: text(value),
    // The unified account sends tradeMode 0 for every position (§3.1); the classic account 1 for isolated.
    tradeMode: !options.accountInfo && position.isolatedMargin !== undefined ? 1 : 0,
    positionStatus: 'Normal',
    autoAddMargin: 0,
    leverage: position.leverage ?? '',
    markPrice: options.marksInTickers ? '' : mark,
    liqPrice: '',
    bustPrice: '',
    positionIM: position.isolatedMargin ?? text(divide(value, dec(position.leverage ?? '1'), 8, 'ceiling')),
    positionMM: '',
    unrealisedPnl: pnl(position, mark),
    cumRealisedPnl: '0',
    createdTime: '1700000000000',
    updatedTime: '1700000000000',
  };
}

function flatRow(symbol: string, index: number, options: BybitExportOptions): Json {
  return {
    positionIdx: options.hedge ? 1 + (index % 2) : 0, riskId: 1, riskLimitValue: '2000000', symbol, side: '', size: '0',
    avgPrice: '0', positionValue: '0', tradeMode: 0, leverage: '10', markPrice: '1', liqPrice: '', positionIM: '0',
    positionMM: '0', unrealisedPnl: '0',
  };
}

/** A rate written as Bybit's percent: 0.005 -> "0.5". */
function percentOf(rate: string): string {
  return text(multiply(dec(rate), dec('100')));
}

/** initialMargin at the tier's max leverage: 1 / maxLeverage, rounded up to four places (percent: two). */
function initialMarginText(maxLeverage: string, percent: boolean): string {
  return percent ? text(divide(dec('100'), dec(maxLeverage), 2, 'ceiling')) : text(divide(dec('1'), dec(maxLeverage), 4, 'ceiling'));
}

function riskLimitRows(symbol: string, tiers: readonly TierJson[], options: BybitExportOptions): Json[] {
  const rows = tiers.map((tier, index): Json => {
    const next = tiers[index + 1];
    const cap = next ? next.floor : text(multiply(dec(tier.floor === '0' ? '1000000' : tier.floor), dec('2')));
    const maxLeverage = tier.maxLeverage ?? '100';
    return {
      id: index + 1,
      symbol,
      riskLimitValue: cap,
      maintenanceMargin: options.percent ? percentOf(tier.rate ?? '0') : tier.rate ?? '0',
      initialMargin: initialMarginText(maxLeverage, options.percent),
      isLowestRisk: index === 0 ? 1 : 0,
      maxLeverage,
      mmDeduction: tier.deduction ?? '',
    };
  });
  return options.reverseTiers ? rows.reverse() : rows;
}

function instrumentRow(symbol: string, instrument: InstrumentJson): Json {
  return {
    symbol,
    contractType: 'LinearPerpetual',
    status: 'Trading',
    baseCoin: symbol.replace(/USDT$/, ''),
    quoteCoin: 'USDT',
    settleCoin: 'USDT',
    leverageFilter: { minLeverage: '1', ...(instrument.maxLeverage ? { maxLeverage: instrument.maxLeverage } : {}), leverageStep: '0.01' },
    priceFilter: { minPrice: instrument.tickSize ?? '0.0001', maxPrice: '1999999.80', tickSize: instrument.tickSize ?? '0.0001' },
    lotSizeFilter: { minOrderQty: '0.001', qtyStep: '0.001' },
  };
}

function marginModeOf(positions: readonly PositionJson[]): string {
  return positions.every((position) => position.isolatedMargin !== undefined) ? 'ISOLATED_MARGIN' : 'REGULAR_MARGIN';
}

/** The files, in the order position list, account info, wallet balance, risk limits, instruments info, tickers. */
export function exportBybit(snapshot: SnapshotJson, options: BybitExportOptions): ImportFile[] {
  const instruments = Object.entries(snapshot.instruments ?? {});
  const rows = [
    ...options.flatSymbols.map((symbol, index) => flatRow(symbol, index, options)),
    ...snapshot.positions.map((position) => positionRow(position, snapshot, options)),
  ];
  const files: ImportFile[] = [{ name: 'position-list.json', value: wrap(options.shape, 'linear', rows) }];
  if (options.accountInfo) {
    const result = { marginMode: marginModeOf(snapshot.positions), unifiedMarginStatus: 4, updatedTime: '1700000000000' };
    files.push({ name: 'account-info.json', value: options.shape === 'response' ? { retCode: 0, retMsg: 'OK', result } : result });
  }
  if (options.walletBalance) {
    const coin = [{ coin: 'USDT', walletBalance: snapshot.account.balance, equity: snapshot.account.balance }];
    files.push({ name: 'wallet-balance.json', value: wrap(options.shape, undefined, [{ accountType: 'UNIFIED', coin }]) });
  }
  const tiers = instruments.flatMap(([symbol, instrument]) => riskLimitRows(symbol, instrument.maintenanceTiers ?? [], options));
  files.push({ name: 'risk-limit.json', value: wrap(options.shape, 'linear', tiers) });
  files.push({ name: 'instruments-info.json', value: wrap(options.shape, 'linear', instruments.map(([symbol, instrument]) => instrumentRow(symbol, instrument))) });
  if (options.marksInTickers) {
    const tickers = Object.entries(snapshot.marks).map(([symbol, mark]): Json => ({ symbol, lastPrice: mark, indexPrice: mark, markPrice: mark }));
    files.push({ name: 'tickers.json', value: wrap(options.shape, 'linear', tickers) });
  }
  return files;
}
