// A Hyperliquid account written as the venue's info endpoint would send it (spec/venue-formats.md
// §4), from its cash, positions and marks: the other way round from src/import/venues/hyperliquid.ts,
// so that a property can import what this writes and get the account back.
//
//   szi = ±quantity            rawUsd (isolated) = M − szi × entryPx           (§4.1)
//   crossMarginSummary.totalRawUsd = (cash − Σ M) − Σ_cross szi × entryPx
//   accountValue = totalRawUsd + Σ szi × mark      positionValue = |szi| × mark
//   unrealizedPnl = szi × (mark − entryPx)         marginUsed = rawUsd + positionValue (isolated),
//                                                              positionValue / leverage (cross)
//   liquidationPx (§4.3, l = 1 / (2 × maxLeverage) of the asset's first tier):
//     isolated   −rawUsd / (szi × (1 − side × l))
//     cross      −(crossRawUsd + Σ_other (szi_j − |szi_j| × l_j) × mark_j) / (szi × (1 − side × l)),
//                the docs' one-position formula with the other cross positions held at their marks.
import fc from 'fast-check';
import {
  abs, add, dec, decimal, divide, multiply, normalize, sign, subtract, sum, toDecimalString, type Decimal,
} from '../../../src/core/index.js';

export interface HyperliquidCoin {
  readonly name: string;
  readonly szDecimals: number;
  readonly maxLeverage: number;
  /** A margin table id ≥ 50 from MARGIN_TABLES, where the coin is tiered. */
  readonly marginTableId?: number;
  /** First-tier max leverage (the table's, else the coin's). */
  readonly firstTierLeverage: number;
}

/** The coins the property trades: three of the built-in profile's, and one on the docs' "tiered 10x" table 51. */
export const HYPERLIQUID_COINS: readonly HyperliquidCoin[] = [
  { name: 'BTC', szDecimals: 5, maxLeverage: 40, firstTierLeverage: 40 },
  { name: 'ETH', szDecimals: 4, maxLeverage: 25, firstTierLeverage: 25 },
  { name: 'SOL', szDecimals: 2, maxLeverage: 20, firstTierLeverage: 20 },
  { name: 'TIERED', szDecimals: 1, maxLeverage: 10, marginTableId: 51, firstTierLeverage: 10 },
];

/** The docs' meta example's table 51 (hyperliquid.gitbook.io … /info-endpoint/perpetuals). */
export const MARGIN_TABLES = [
  [51, { description: 'tiered 10x', marginTiers: [{ lowerBound: '0.0', maxLeverage: 10 }, { lowerBound: '3000000.0', maxLeverage: 5 }] }],
] as const;

export interface HyperliquidPosition {
  readonly coin: HyperliquidCoin;
  readonly side: 'long' | 'short';
  readonly quantity: string;
  readonly entryPrice: string;
  readonly mark: string;
  readonly leverage: number;
  /** Present: isolated with this margin (USDC, 6 decimals). */
  readonly isolatedMargin?: string;
}

export interface HyperliquidAccount {
  /** The cash the core means: cross cash plus the isolated margins. */
  readonly balance: string;
  readonly positions: readonly HyperliquidPosition[];
}

const text = (value: Decimal): string => toDecimalString(normalize(value));
const units = (min: number, max: number, scale: number): fc.Arbitrary<string> =>
  fc.integer({ min, max }).map((count) => toDecimalString(decimal(BigInt(count), scale)));

function positionOf(coin: HyperliquidCoin): fc.Arbitrary<HyperliquidPosition> {
  return fc.record({
    side: fc.constantFrom('long' as const, 'short' as const),
    quantity: units(1, 5 * 10 ** Math.min(coin.szDecimals, 3), Math.min(coin.szDecimals, 3)),
    entry: fc.integer({ min: 100_0, max: 5_000_0 }),
    move: fc.integer({ min: -20, max: 20 }),
    leverage: fc.integer({ min: 1, max: coin.maxLeverage }),
    isolated: fc.boolean(),
    extraMargin: fc.integer({ min: 0, max: 1_000_000_000 }),
  }).map(({ side, quantity, entry, move, leverage, isolated, extraMargin }) => {
    const entryPrice = decimal(BigInt(entry), 1);
    const mark = decimal(BigInt(Math.round(entry * (100 + move) / 100)), 1);
    // An isolated margin at least the initial margin at entry (qty × entry / leverage), up to 1000 USDC more.
    const initial = divide(multiply(dec(quantity), entryPrice), dec(String(leverage)), 6, 'ceiling');
    const margin = add(initial, decimal(BigInt(extraMargin), 6));
    return {
      coin, side, quantity, entryPrice: text(entryPrice), mark: text(mark), leverage,
      ...(isolated ? { isolatedMargin: text(margin) } : {}),
    };
  });
}

/** Accounts of one to four positions on distinct coins, cross or isolated, with cash above the isolated margins. */
export const hyperliquidAccounts: fc.Arbitrary<HyperliquidAccount> = fc
  .subarray([...HYPERLIQUID_COINS], { minLength: 1 })
  .chain((coins) => fc.tuple(fc.tuple(...coins.map(positionOf)), fc.integer({ min: 1, max: 2_000_000_000_000 })))
  .map(([positions, crossCash]) => {
    const isolated = sum(positions.flatMap((position) => (position.isolatedMargin ? [dec(position.isolatedMargin)] : [])));
    return { balance: text(add(isolated, decimal(BigInt(crossCash), 6))), positions };
  });

const signedSize = (position: HyperliquidPosition): Decimal =>
  position.side === 'long' ? dec(position.quantity) : multiply(dec('-1'), dec(position.quantity));
const maintenanceRate = (position: HyperliquidPosition): Decimal => divide(dec('1'), dec(String(2 * position.coin.firstTierLeverage)), 12, 'half-even');
const rawUsdOf = (position: HyperliquidPosition, margin: string): Decimal =>
  subtract(dec(margin), multiply(signedSize(position), dec(position.entryPrice)));

/** The price of `position` where its scope's equity meets maintenance (§4.3); null when none above 0. */
function liquidationPriceOf(position: HyperliquidPosition, scopeRawUsd: Decimal, others: readonly HyperliquidPosition[]): string | null {
  const held = sum(others.map((other) => multiply(
    subtract(signedSize(other), multiply(abs(signedSize(other)), maintenanceRate(other))), dec(other.mark))));
  const size = signedSize(position);
  const slope = subtract(size, multiply(abs(size), maintenanceRate(position)));
  const price = divide(multiply(dec('-1'), add(scopeRawUsd, held)), slope, 8, 'half-even');
  return sign(price) > 0 ? text(price) : null;
}

function summary(rawUsd: Decimal, positions: readonly HyperliquidPosition[], marginUsed: (position: HyperliquidPosition) => Decimal): Record<string, string> {
  return {
    accountValue: text(add(rawUsd, sum(positions.map((position) => multiply(signedSize(position), dec(position.mark)))))),
    totalMarginUsed: text(sum(positions.map(marginUsed))),
    totalNtlPos: text(sum(positions.map((position) => multiply(dec(position.quantity), dec(position.mark))))),
    totalRawUsd: text(rawUsd),
  };
}

/** `clearinghouseState` and `metaAndAssetCtxs` for the account. */
export function hyperliquidExport(account: HyperliquidAccount): { clearinghouseState: unknown; metaAndAssetCtxs: unknown } {
  const cross = account.positions.filter((position) => !position.isolatedMargin);
  const isolated = account.positions.filter((position) => position.isolatedMargin);
  const isolatedTotal = sum(isolated.map((position) => dec(position.isolatedMargin ?? '0')));
  const crossRawUsd = subtract(subtract(dec(account.balance), isolatedTotal),
    sum(cross.map((position) => multiply(signedSize(position), dec(position.entryPrice)))));
  const positionValue = (position: HyperliquidPosition): Decimal => multiply(dec(position.quantity), dec(position.mark));
  const marginUsed = (position: HyperliquidPosition): Decimal => (position.isolatedMargin
    ? add(rawUsdOf(position, position.isolatedMargin), positionValue(position))
    : divide(positionValue(position), dec(String(position.leverage)), 6, 'half-even'));
  const assetPositions = account.positions.map((position) => {
    const rawUsd = position.isolatedMargin ? rawUsdOf(position, position.isolatedMargin) : undefined;
    const liquidationPx = rawUsd
      ? liquidationPriceOf(position, rawUsd, [])
      : liquidationPriceOf(position, crossRawUsd, cross.filter((other) => other !== position));
    return {
      position: {
        coin: position.coin.name,
        cumFunding: { allTime: '0.0', sinceChange: '0.0', sinceOpen: '0.0' },
        entryPx: position.entryPrice,
        leverage: rawUsd ? { rawUsd: text(rawUsd), type: 'isolated', value: position.leverage } : { type: 'cross', value: position.leverage },
        liquidationPx,
        marginUsed: text(marginUsed(position)),
        maxLeverage: position.coin.maxLeverage,
        positionValue: text(positionValue(position)),
        szi: text(signedSize(position)),
        unrealizedPnl: text(multiply(signedSize(position), subtract(dec(position.mark), dec(position.entryPrice)))),
      },
      type: 'oneWay',
    };
  });
  const allRawUsd = add(crossRawUsd, sum(isolated.map((position) => rawUsdOf(position, position.isolatedMargin ?? '0'))));
  const crossSummary = summary(crossRawUsd, cross, marginUsed);
  const clearinghouseState = {
    assetPositions,
    crossMaintenanceMarginUsed: '0.0',
    crossMarginSummary: crossSummary,
    marginSummary: summary(allRawUsd, account.positions, marginUsed),
    time: 1708622398623,
    withdrawable: crossSummary.accountValue,
  };
  const markOf = (coin: HyperliquidCoin): string => account.positions.find((position) => position.coin.name === coin.name)?.mark ?? '1000.0';
  const metaAndAssetCtxs = [
    {
      universe: HYPERLIQUID_COINS.map((coin) => ({
        name: coin.name, szDecimals: coin.szDecimals, maxLeverage: coin.maxLeverage,
        ...(coin.marginTableId ? { marginTableId: coin.marginTableId } : {}),
      })),
      marginTables: MARGIN_TABLES,
    },
    HYPERLIQUID_COINS.map((coin) => ({ funding: '0.0000125', markPx: markOf(coin), oraclePx: markOf(coin) })),
  ];
  return { clearinghouseState, metaAndAssetCtxs };
}
