// A dYdX v4 account written as the indexer would send it (spec/venue-formats.md §5), from its cash,
// positions and oracle prices: the other way round from src/import/venues/dydx.ts.
//
//   USDC of a subaccount = its cash − Σ size × entryPrice     (so equity = USDC + Σ size × oracle, §5.1)
//   equity        = USDC + Σ size × oraclePrice
//   freeCollateral = equity − Σ |size × oraclePrice| × initialMarginFraction         (§5.1)
//   unrealizedPnl = size × (oraclePrice − entryPrice)
// Cross positions sit in subaccount 0; each isolated one in its own child 128 × i (helpers.ts
// getChildSubaccountNums), written as a parent-subaccount response; an all-cross account as a
// plain subaccount response.
import fc from 'fast-check';
import {
  abs, add, dec, decimal, divide, multiply, negate, normalize, sign, subtract, sum, toDecimalString, type Decimal,
} from '../../../src/core/index.js';

export interface DydxMarket {
  readonly ticker: string;
  readonly tickSize: string;
  readonly initialMarginFraction: string;
  readonly maintenanceMarginFraction: string;
}

/** BTC-USD and ETH-USD as in the §5.2 example; SOL-USD constructed at the 5 % / 3 % mid-cap fractions. */
export const DYDX_MARKETS: readonly DydxMarket[] = [
  { ticker: 'BTC-USD', tickSize: '1', initialMarginFraction: '0.02', maintenanceMarginFraction: '0.012' },
  { ticker: 'ETH-USD', tickSize: '0.1', initialMarginFraction: '0.02', maintenanceMarginFraction: '0.012' },
  { ticker: 'SOL-USD', tickSize: '0.001', initialMarginFraction: '0.05', maintenanceMarginFraction: '0.03' },
];

export interface DydxPosition {
  readonly market: DydxMarket;
  readonly side: 'long' | 'short';
  readonly quantity: string;
  readonly entryPrice: string;
  readonly oraclePrice: string;
  /** Present: in its own child subaccount, with this cash. */
  readonly isolatedMargin?: string;
}

export interface DydxAccount {
  readonly balance: string;
  readonly positions: readonly DydxPosition[];
}

const text = (value: Decimal): string => toDecimalString(normalize(value));

function positionOf(market: DydxMarket): fc.Arbitrary<DydxPosition> {
  return fc.record({
    side: fc.constantFrom('long' as const, 'short' as const),
    quantity: fc.integer({ min: 1, max: 5000 }),
    entry: fc.integer({ min: 100_0, max: 5_000_0 }),
    oracle: fc.integer({ min: 80_000, max: 6_000_000 }),
    isolated: fc.boolean(),
    extraMargin: fc.integer({ min: 1, max: 1_000_000_000 }),
  }).map(({ side, quantity, entry, oracle, isolated, extraMargin }) => {
    const size = decimal(BigInt(quantity), 3);
    const entryPrice = decimal(BigInt(entry), 1);
    const initial = multiply(multiply(size, entryPrice), dec(market.initialMarginFraction));
    return {
      market, side, quantity: text(size), entryPrice: text(entryPrice), oraclePrice: text(decimal(BigInt(oracle), 3)),
      ...(isolated ? { isolatedMargin: text(add(divide(initial, dec('1'), 6, 'ceiling'), decimal(BigInt(extraMargin), 6))) } : {}),
    };
  });
}

/** Accounts of one to three positions on distinct markets, cross or isolated. */
export const dydxAccounts: fc.Arbitrary<DydxAccount> = fc
  .subarray([...DYDX_MARKETS], { minLength: 1 })
  .chain((markets) => fc.tuple(fc.tuple(...markets.map(positionOf)), fc.integer({ min: 1, max: 2_000_000_000_000 })))
  .map(([positions, crossCash]) => {
    const isolated = sum(positions.flatMap((position) => (position.isolatedMargin ? [dec(position.isolatedMargin)] : [])));
    return { balance: text(add(isolated, decimal(BigInt(crossCash), 6))), positions };
  });

const signedSize = (position: DydxPosition): Decimal => (position.side === 'long' ? dec(position.quantity) : negate(dec(position.quantity)));

function subaccount(number: number, cash: Decimal, positions: readonly DydxPosition[]): Record<string, unknown> {
  const usdc = subtract(cash, sum(positions.map((position) => multiply(signedSize(position), dec(position.entryPrice)))));
  const value = (position: DydxPosition): Decimal => multiply(signedSize(position), dec(position.oraclePrice));
  const equity = add(usdc, sum(positions.map(value)));
  const initial = sum(positions.map((position) => multiply(abs(value(position)), dec(position.market.initialMarginFraction))));
  return {
    address: 'dydx14zzueazeh0hj67cghhf9jypslcf9sh2n5k6art',
    subaccountNumber: number,
    equity: text(equity),
    freeCollateral: text(subtract(equity, initial)),
    openPerpetualPositions: Object.fromEntries(positions.map((position) => [position.market.ticker, {
      market: position.market.ticker,
      status: 'OPEN',
      side: position.side === 'long' ? 'LONG' : 'SHORT',
      size: text(signedSize(position)),
      maxSize: text(signedSize(position)),
      entryPrice: position.entryPrice,
      unrealizedPnl: text(multiply(signedSize(position), subtract(dec(position.oraclePrice), dec(position.entryPrice)))),
      netFunding: '0',
      subaccountNumber: number,
    }])),
    // The indexer sends the size unsigned and the sign as the side.
    assetPositions: sign(usdc) === 0 ? {} : {
      USDC: { size: text(abs(usdc)), symbol: 'USDC', side: sign(usdc) > 0 ? 'LONG' : 'SHORT', assetId: '0', subaccountNumber: number },
    },
    marginEnabled: true,
  };
}

/** The subaccount (or parent subaccount) response and the perpetualMarkets response. */
export function dydxExport(account: DydxAccount): { subaccount: unknown; perpetualMarkets: unknown; equity: string; freeCollateral: string } {
  const cross = account.positions.filter((position) => !position.isolatedMargin);
  const isolated = account.positions.filter((position) => position.isolatedMargin);
  const isolatedTotal = sum(isolated.map((position) => dec(position.isolatedMargin ?? '0')));
  const children = [
    subaccount(0, subtract(dec(account.balance), isolatedTotal), cross),
    ...isolated.map((position, index) => subaccount(128 * (index + 1), dec(position.isolatedMargin ?? '0'), [position])),
  ];
  const total = (key: 'equity' | 'freeCollateral'): string => text(sum(children.map((child) => dec(String(child[key])))));
  const [only] = children;
  const response = isolated.length === 0 && only
    ? { subaccount: only }
    : { subaccount: { address: 'dydx14zzueazeh0hj67cghhf9jypslcf9sh2n5k6art', parentSubaccountNumber: 0, equity: total('equity'), freeCollateral: total('freeCollateral'), childSubaccounts: children } };
  const oracleOf = (market: DydxMarket): string => account.positions.find((position) => position.market.ticker === market.ticker)?.oraclePrice ?? '100';
  const perpetualMarkets = {
    markets: Object.fromEntries(DYDX_MARKETS.map((market) => [market.ticker, {
      ticker: market.ticker, status: 'ACTIVE', oraclePrice: oracleOf(market), tickSize: market.tickSize,
      initialMarginFraction: market.initialMarginFraction, maintenanceMarginFraction: market.maintenanceMarginFraction,
      openInterestLowerCap: '0', openInterestUpperCap: '0', marketType: 'CROSS',
    }])),
  };
  return { subaccount: response, perpetualMarkets, equity: total('equity'), freeCollateral: total('freeCollateral') };
}
