// A snapshot written out as Binance's API would return it (spec/venue-formats.md §2), for the
// importer's round-trip property: positionRisk (fapi v2 or v3; dapi), leverageBracket (JSON numbers),
// account (the margin asset's wallets) and exchangeInfo (tick, COIN-M contract size). The venue's
// own figures in positionRisk (liquidationPrice, unRealizedProfit, notional, v3 margins) are the
// core's report of the snapshot, so an import of the export checks against itself.
import { add, dec, negate, reportFromJson, subtract, toDecimalString, type ReportJson } from '../../../src/core/index.js';
import type { ImportFile, InstrumentJson, PositionJson, SnapshotJson } from '../../../src/import/import-types.js';

export interface BinanceExportOptions {
  /** USDⓈ-M only: which positionRisk (v2 has leverage and marginType; v3 has neither, §2.2). */
  readonly positionRisk: 'v2' | 'v3';
  /** v2 only: send isolatedWallet, or leave the importer isolatedMargin (the wallet plus uPnL, §2.1). */
  readonly isolatedWallet: boolean;
  /** Hedge mode (LONG/SHORT rows) even where no symbol holds both sides. */
  readonly hedgeMode: boolean;
  /** COIN-M only: the docs' misspelt `qtylFloor` instead of `qtyFloor` (§2.7). */
  readonly misspeltFloor: boolean;
}

type ReportPosition = ReportJson['positions'][number];

const signed = (position: PositionJson, value: string): string =>
  (position.side === 'short' ? toDecimalString(negate(dec(value))) : value);

/** A figure the report always gives (uPnL, notional, margins); the liquidation price may be null. */
function figure(figures: ReportPosition, key: string): string {
  const value = figures[key];
  if (typeof value !== 'string') throw new Error(`the report gives no ${key}`);
  return value;
}

const liquidationText = (figures: ReportPosition): string => figures.liquidationPrice ?? '0';

function positionSideOf(position: PositionJson, hedged: boolean): string {
  if (!hedged) return 'BOTH';
  return position.side === 'long' ? 'LONG' : 'SHORT';
}

/** isolatedMargin on the wire is the isolated wallet plus the uPnL (§2.1, §2.5). */
function isolatedMarginText(position: PositionJson, figures: ReportPosition): string {
  return position.isolatedMargin === undefined ? '0' : toDecimalString(add(dec(position.isolatedMargin), dec(figure(figures, 'unrealizedPnl'))));
}

function usdmRow(position: PositionJson, figures: ReportPosition, snapshot: SnapshotJson, hedged: boolean, options: BinanceExportOptions): Record<string, unknown> {
  const mark = snapshot.marks[position.instrument] ?? position.entryPrice;
  const common = {
    symbol: position.instrument,
    positionSide: positionSideOf(position, hedged),
    positionAmt: signed(position, position.quantity),
    entryPrice: position.entryPrice,
    breakEvenPrice: position.entryPrice,
    markPrice: mark,
    unRealizedProfit: figure(figures, 'unrealizedPnl'),
    liquidationPrice: liquidationText(figures),
    isolatedMargin: isolatedMarginText(position, figures),
    notional: signed(position, figure(figures, 'notional')),
    updateTime: 0,
  };
  if (options.positionRisk === 'v3') {
    return {
      ...common,
      marginAsset: snapshot.account.currency,
      isolatedWallet: position.isolatedMargin ?? '0',
      initialMargin: figure(figures, 'initialMargin'),
      maintMargin: figure(figures, 'maintenanceMargin'),
      positionInitialMargin: figure(figures, 'initialMargin'),
      openOrderInitialMargin: '0',
      adl: 0,
      bidNotional: '0',
      askNotional: '0',
    };
  }
  const wallet = position.isolatedMargin === undefined ? { isolatedWallet: '0' }
    : options.isolatedWallet ? { isolatedWallet: position.isolatedMargin } : {};
  return {
    ...common,
    leverage: position.leverage ?? '20',
    maxNotionalValue: '1000000',
    marginType: position.isolatedMargin === undefined ? 'cross' : 'isolated',
    isAutoAddMargin: 'false',
    ...wallet,
  };
}

/** GET /dapi/v1/positionRisk: positionAmt in contracts, coin amounts, `notionalValue` and `maxQty` (§2.7). */
function coinmRow(position: PositionJson, figures: ReportPosition, snapshot: SnapshotJson, hedged: boolean): Record<string, unknown> {
  return {
    symbol: position.instrument,
    positionAmt: signed(position, position.quantity),
    entryPrice: position.entryPrice,
    breakEvenPrice: position.entryPrice,
    markPrice: snapshot.marks[position.instrument] ?? position.entryPrice,
    unRealizedProfit: figure(figures, 'unrealizedPnl'),
    liquidationPrice: liquidationText(figures),
    leverage: position.leverage ?? '20',
    maxQty: '1000',
    marginType: position.isolatedMargin === undefined ? 'cross' : 'isolated',
    isolatedMargin: isolatedMarginText(position, figures),
    isAutoAddMargin: 'false',
    positionSide: positionSideOf(position, hedged),
    notionalValue: signed(position, figure(figures, 'notional')),
    isolatedWallet: position.isolatedMargin ?? '0',
    updateTime: 0,
  };
}

/** Brackets as JSON numbers (§2.4); the snapshot's tiers carry every bracket's cum and leverage. */
function bracketEntry(symbol: string, instrument: InstrumentJson, coinm: boolean, options: BinanceExportOptions): Record<string, unknown> {
  const tiers = instrument.maintenanceTiers ?? [];
  const floorKey = coinm ? (options.misspeltFloor ? 'qtylFloor' : 'qtyFloor') : 'notionalFloor';
  const capKey = coinm ? 'qtyCap' : 'notionalCap';
  return {
    symbol,
    brackets: tiers.map((tier, index) => ({
      bracket: index + 1,
      initialLeverage: Number(tier.maxLeverage ?? instrument.maxLeverage ?? '1'),
      [capKey]: Number(tiers[index + 1]?.floor ?? '1000000000'),
      [floorKey]: Number(tier.floor),
      maintMarginRatio: Number(tier.rate),
      cum: Number(tier.deduction ?? '0'),
    })),
  };
}

function exchangeInfoOf(snapshot: SnapshotJson, coinm: boolean): Record<string, unknown> {
  return {
    timezone: 'UTC',
    symbols: Object.entries(snapshot.instruments ?? {}).map(([symbol, instrument]) => ({
      symbol,
      contractType: 'PERPETUAL',
      marginAsset: snapshot.account.currency,
      ...(coinm ? { contractStatus: 'TRADING', contractSize: Number(instrument.contractSize) } : { status: 'TRADING' }),
      filters: instrument.tickSize === undefined ? [] : [{ filterType: 'PRICE_FILTER', tickSize: instrument.tickSize }],
    })),
  };
}

/** The cross wallet is the balance less the isolated wallets (core/margin/margin-scope.ts). */
function accountOf(snapshot: SnapshotJson, coinm: boolean): Record<string, unknown> {
  const isolated = snapshot.positions.reduce((total, position) => add(total, dec(position.isolatedMargin ?? '0')), dec('0'));
  const crossWallet = toDecimalString(subtract(dec(snapshot.account.balance), isolated));
  const asset = { asset: snapshot.account.currency, walletBalance: snapshot.account.balance, crossWalletBalance: crossWallet };
  return coinm
    ? { assets: [asset], positions: [], canTrade: true, canDeposit: true, canWithdraw: true, feeTier: 0, updateTime: 0 }
    : { totalWalletBalance: snapshot.account.balance, totalCrossWalletBalance: crossWallet, assets: [asset], positions: [] };
}

function reportOf(snapshot: SnapshotJson): ReportJson {
  const report = reportFromJson(snapshot);
  if (!report.ok) throw new Error(`the snapshot to export is not valid: ${JSON.stringify(report.error)}`);
  return report.value;
}

function figuresFor(report: ReportJson, position: PositionJson): ReportPosition {
  const figures = report.positions.find((each) => each.id === position.id);
  if (!figures) throw new Error(`no report for ${position.id}`);
  return figures;
}

function hedgedOf(snapshot: SnapshotJson, options: BinanceExportOptions): boolean {
  const symbols = snapshot.positions.map((position) => position.instrument);
  return options.hedgeMode || new Set(symbols).size < symbols.length;
}

function exportBinance(snapshot: SnapshotJson, options: BinanceExportOptions, coinm: boolean): ImportFile[] {
  const report = reportOf(snapshot);
  const hedged = hedgedOf(snapshot, options);
  const rows = snapshot.positions.map((position) => (coinm
    ? coinmRow(position, figuresFor(report, position), snapshot, hedged)
    : usdmRow(position, figuresFor(report, position), snapshot, hedged, options)));
  const brackets = Object.entries(snapshot.instruments ?? {}).map(([symbol, instrument]) => bracketEntry(symbol, instrument, coinm, options));
  return [
    { name: 'positionRisk.json', value: rows },
    { name: 'leverageBracket.json', value: brackets.length === 1 ? brackets[0] : brackets },
    { name: 'account.json', value: accountOf(snapshot, coinm) },
    { name: 'exchangeInfo.json', value: exchangeInfoOf(snapshot, coinm) },
  ];
}

export function exportBinanceUsdm(snapshot: SnapshotJson, options: BinanceExportOptions): ImportFile[] {
  return exportBinance(snapshot, options, false);
}

export function exportBinanceCoinm(snapshot: SnapshotJson, options: BinanceExportOptions): ImportFile[] {
  return exportBinance(snapshot, options, true);
}
