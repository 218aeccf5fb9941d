/**
 * The demo's accounts: the two that started Stopout, and 42 more at every built-in venue, cross
 * and isolated, with and without negative balance protection, from prudent (2x, a Reg T loan at
 * 50 %) to reckless (125x, 1:500), so that one crash sorts them: who is called, who is closed out,
 * who leaves a deficit for the venue or its insurance fund, and who is left owing a debt.
 *
 * Each is a POST /v1/accounts body ({"id", "snapshot", "market"?}) whose snapshot is a report.md
 * snapshot at the feed's entry prices (demo-feed.ts), so the feed's first tick moves nothing.
 * Every id is fixed, so every run looks the same.
 */
import { parseSnapshot, type Problem } from '../../core/index.js';
import { ENTRY_PRICES, FEED_INSTRUMENTS } from './demo-feed.js';

type Json = Readonly<Record<string, unknown>>;

export interface DemoAccount {
  readonly id: string;
  readonly currency: string;
  /** The POST /v1/accounts body. */
  readonly body: { readonly id: string; readonly snapshot: Json; readonly market?: Json };
  /** Commands sent once it exists, before the feed starts (a stop-loss, a take-profit). */
  readonly commands: readonly Json[];
}

interface PositionSpec {
  readonly instrument: string;
  readonly side?: 'long' | 'short';
  readonly quantity: string;
  readonly leverage: string;
  /** Present: an isolated position with this margin. */
  readonly isolatedMargin?: string;
  /** Bought earlier at another price (a Reg T position that has fallen since); else the entry price. */
  readonly boughtAt?: string;
}

interface AccountSpec {
  readonly id: string;
  readonly venue: string | Json;
  readonly currency: string;
  readonly balance: string;
  readonly position: PositionSpec;
  readonly market?: Json;
  readonly commands?: readonly Json[];
}

/** Tick sizes the venue profiles do not list (demo-feed.ts), declared on the accounts that trade them. */
const UNLISTED_TICKS: Readonly<Record<string, readonly string[]>> = {
  'binance-usdm': ['ETHUSDT'], hyperliquid: ['BTC', 'ETH'], 'dydx-v4': ['BTC-USD'],
};

/** COIN-M publishes no bracket snapshot to build in: 0.4 % below 5 BTC of notional, 0.5 % from 5 BTC. */
const COINM_BRACKETS = [{ floor: '0', rate: '0.004', maxLeverage: '125' }, { floor: '5', rate: '0.005', maxLeverage: '100' }];

const SPECS: readonly AccountSpec[] = [
  // The seed article's two accounts (src/cli/demo.ts): margin level 100 % at entry.
  { id: 'seed-500-at-75-nbp', venue: { extends: 'mt5-standard', negativeBalanceProtection: true }, currency: 'USD', balance: '500', position: { instrument: 'EURUSD', quantity: '30000', leverage: '75' } },
  { id: 'seed-1000-at-100x', venue: 'mt5-standard', currency: 'USD', balance: '1000', position: { instrument: 'GBPUSD', quantity: '80000', leverage: '100' } },

  // Binance USDⓈ-M, USDT: BTC at 96 000, ETH at 3 600.
  { id: 'binance-btc-2x', venue: 'binance-usdm', currency: 'USDT', balance: '24000', position: { instrument: 'BTCUSDT', quantity: '0.5', leverage: '2' } },
  { id: 'binance-btc-5x', venue: 'binance-usdm', currency: 'USDT', balance: '4800', position: { instrument: 'BTCUSDT', quantity: '0.25', leverage: '5' } },
  { id: 'binance-btc-10x-iso', venue: 'binance-usdm', currency: 'USDT', balance: '2000', position: { instrument: 'BTCUSDT', quantity: '0.1', leverage: '10', isolatedMargin: '960' } },
  { id: 'binance-btc-20x', venue: 'binance-usdm', currency: 'USDT', balance: '480', position: { instrument: 'BTCUSDT', quantity: '0.1', leverage: '20' } },
  { id: 'binance-btc-50x-iso', venue: 'binance-usdm', currency: 'USDT', balance: '1000', position: { instrument: 'BTCUSDT', quantity: '0.1', leverage: '50', isolatedMargin: '192' } },
  { id: 'binance-btc-125x', venue: 'binance-usdm', currency: 'USDT', balance: '76.8', position: { instrument: 'BTCUSDT', quantity: '0.1', leverage: '125' } },
  {
    id: 'binance-btc-25x-adl', venue: 'binance-usdm', currency: 'USDT', balance: '768', position: { instrument: 'BTCUSDT', quantity: '0.2', leverage: '25' },
    // A small insurance fund, then auto-deleveraging of a profitable short.
    market: { insuranceFund: '10', counterparties: [{ id: 'whale-short', instrument: 'BTCUSDT', side: 'short', quantity: '1', entryPrice: '100000', leverage: '10' }] },
  },
  {
    id: 'binance-short-20x', venue: 'binance-usdm', currency: 'USDT', balance: '480', position: { instrument: 'BTCUSDT', side: 'short', quantity: '0.1', leverage: '20' },
    commands: [{ type: 'take-profit', position: 'btcusdt', price: '90000' }],
  },
  { id: 'binance-eth-3x', venue: 'binance-usdm', currency: 'USDT', balance: '6000', position: { instrument: 'ETHUSDT', quantity: '5', leverage: '3' } },
  { id: 'binance-eth-25x-iso', venue: 'binance-usdm', currency: 'USDT', balance: '1000', position: { instrument: 'ETHUSDT', quantity: '2', leverage: '25', isolatedMargin: '288' } },

  // Bybit USDT perpetuals: isolated maintenance on the entry value.
  { id: 'bybit-btc-3x-iso', venue: 'bybit-linear', currency: 'USDT', balance: '5000', position: { instrument: 'BTCUSDT', quantity: '0.1', leverage: '3', isolatedMargin: '3200' } },
  { id: 'bybit-btc-10x', venue: 'bybit-linear', currency: 'USDT', balance: '960', position: { instrument: 'BTCUSDT', quantity: '0.1', leverage: '10' } },
  { id: 'bybit-btc-25x-iso', venue: 'bybit-linear', currency: 'USDT', balance: '2000', position: { instrument: 'BTCUSDT', quantity: '0.2', leverage: '25', isolatedMargin: '768' } },
  { id: 'bybit-btc-100x-iso', venue: 'bybit-linear', currency: 'USDT', balance: '500', position: { instrument: 'BTCUSDT', quantity: '0.1', leverage: '100', isolatedMargin: '96' } },

  // Hyperliquid, USDC: BTC up to 40x, ETH up to 25x; above 100k of notional, partial liquidations.
  { id: 'hl-btc-4x', venue: 'hyperliquid', currency: 'USDC', balance: '2400', position: { instrument: 'BTC', quantity: '0.1', leverage: '4' } },
  { id: 'hl-btc-15x-iso', venue: 'hyperliquid', currency: 'USDC', balance: '3000', position: { instrument: 'BTC', quantity: '0.2', leverage: '15', isolatedMargin: '1280' } },
  { id: 'hl-btc-40x', venue: 'hyperliquid', currency: 'USDC', balance: '1200', position: { instrument: 'BTC', quantity: '0.5', leverage: '40' } },
  { id: 'hl-eth-10x-iso', venue: 'hyperliquid', currency: 'USDC', balance: '5000', position: { instrument: 'ETH', quantity: '10', leverage: '10', isolatedMargin: '3600' } },
  { id: 'hl-eth-25x', venue: 'hyperliquid', currency: 'USDC', balance: '4320', position: { instrument: 'ETH', quantity: '30', leverage: '25' } },

  // dYdX v4, USDC: BTC-USD up to 20x, maintenance 3 %.
  { id: 'dydx-btc-5x', venue: 'dydx-v4', currency: 'USDC', balance: '1920', position: { instrument: 'BTC-USD', quantity: '0.1', leverage: '5' } },
  { id: 'dydx-btc-12x-iso', venue: 'dydx-v4', currency: 'USDC', balance: '1500', position: { instrument: 'BTC-USD', quantity: '0.1', leverage: '12', isolatedMargin: '800' } },
  { id: 'dydx-btc-20x', venue: 'dydx-v4', currency: 'USDC', balance: '480', position: { instrument: 'BTC-USD', quantity: '0.1', leverage: '20' } },

  // Binance COIN-M, margined in BTC: 100 contracts of 100 USD.
  { id: 'coinm-btc-3x', venue: 'binance-coinm', currency: 'BTC', balance: '0.035', position: { instrument: 'BTCUSD_PERP', quantity: '100', leverage: '3' } },
  { id: 'coinm-btc-20x', venue: 'binance-coinm', currency: 'BTC', balance: '0.0053', position: { instrument: 'BTCUSD_PERP', quantity: '100', leverage: '20' } },
  { id: 'coinm-btc-short-10x', venue: 'binance-coinm', currency: 'BTC', balance: '0.0105', position: { instrument: 'BTCUSD_PERP', side: 'short', quantity: '100', leverage: '10' } },

  // EU retail CFDs (ESMA): leverage capped (30:1 FX majors, 20:1 indices and gold, 5:1 shares), NBP.
  { id: 'esma-eurusd-12x', venue: 'esma-retail-cfd', currency: 'USD', balance: '6000', position: { instrument: 'EURUSD', quantity: '60000', leverage: '30' } },
  { id: 'esma-gbpusd-21x', venue: 'esma-retail-cfd', currency: 'USD', balance: '3500', position: { instrument: 'GBPUSD', quantity: '60000', leverage: '30' } },
  { id: 'esma-us500-17x', venue: 'esma-retail-cfd', currency: 'USD', balance: '3500', position: { instrument: 'US500', quantity: '10', leverage: '20' } },
  { id: 'esma-xau-short-18x', venue: 'esma-retail-cfd', currency: 'USD', balance: '3000', position: { instrument: 'XAUUSD', side: 'short', quantity: '20', leverage: '20' } },
  { id: 'esma-aapl-4x', venue: 'esma-retail-cfd', currency: 'USD', balance: '5500', position: { instrument: 'AAPL', quantity: '100', leverage: '5' } },

  // An offshore MT5 broker: up to 1:500, stop-out at 50 %, the client owes what a gap leaves.
  { id: 'mt5-eurusd-500x', venue: 'mt5-standard', currency: 'USD', balance: '500', position: { instrument: 'EURUSD', quantity: '100000', leverage: '500' } },
  { id: 'mt5-gbpusd-50x', venue: 'mt5-standard', currency: 'USD', balance: '1500', position: { instrument: 'GBPUSD', quantity: '40000', leverage: '50' } },
  {
    id: 'mt5-gbpusd-20x-stop', venue: 'mt5-standard', currency: 'USD', balance: '1500', position: { instrument: 'GBPUSD', quantity: '20000', leverage: '20' },
    commands: [{ type: 'stop-loss', position: 'gbpusd', price: '1.245' }],
  },
  { id: 'mt5-us500-200x', venue: 'mt5-standard', currency: 'USD', balance: '400', position: { instrument: 'US500', quantity: '5', leverage: '200' } },
  { id: 'mt5-us500-50x-nbp', venue: { extends: 'mt5-standard', negativeBalanceProtection: true }, currency: 'USD', balance: '900', position: { instrument: 'US500', quantity: '5', leverage: '50' } },
  { id: 'mt5-xau-short-100x', venue: 'mt5-standard', currency: 'USD', balance: '400', position: { instrument: 'XAUUSD', side: 'short', quantity: '10', leverage: '100' } },
  { id: 'mt5-btc-100x', venue: 'mt5-standard', currency: 'USD', balance: '700', position: { instrument: 'BTCUSD', quantity: '0.5', leverage: '100' } },
  { id: 'mt5-aapl-10x', venue: 'mt5-standard', currency: 'USD', balance: '3000', position: { instrument: 'AAPL', quantity: '100', leverage: '10' } },

  // US Reg T: stock bought half on a loan (a negative balance), maintenance 25 %, two business days to cure.
  { id: 'regt-aapl-50pct', venue: 'us-reg-t', currency: 'USD', balance: '-23000', position: { instrument: 'AAPL', quantity: '200', leverage: '2' } },
  { id: 'regt-msft-50pct', venue: 'us-reg-t', currency: 'USD', balance: '-21000', position: { instrument: 'MSFT', quantity: '100', leverage: '2' } },
  // Bought higher at 50 %, fallen since: equity 27 % of the stock's value, just above maintenance.
  { id: 'regt-tsla-from-511', venue: 'us-reg-t', currency: 'USD', balance: '-25550', position: { instrument: 'TSLA', quantity: '100', leverage: '2', boughtAt: '511' } },
  { id: 'regt-aapl-from-336', venue: 'us-reg-t', currency: 'USD', balance: '-16800', position: { instrument: 'AAPL', quantity: '100', leverage: '2', boughtAt: '336' } },
];

function venueId(venue: string | Json): string {
  return typeof venue === 'string' ? venue : String(venue.extends);
}

function instrumentsFor(venue: string, symbol: string): Json | undefined {
  if (venue === 'binance-coinm') return { [symbol]: { maintenanceTiers: COINM_BRACKETS } };
  if (!UNLISTED_TICKS[venue]?.includes(symbol)) return undefined;
  const tickSize = FEED_INSTRUMENTS.find((each) => each.symbol === symbol)?.tickSize;
  return { [symbol]: { tickSize } };
}

function build(spec: AccountSpec): DemoAccount {
  const { instrument, side = 'long', quantity, leverage, isolatedMargin, boughtAt } = spec.position;
  const mark = ENTRY_PRICES[instrument];
  if (mark === undefined) throw new Error(`demo: no feed price for ${instrument}`);
  const instruments = instrumentsFor(venueId(spec.venue), instrument);
  const snapshot = {
    venue: spec.venue,
    account: { currency: spec.currency, balance: spec.balance },
    ...(instruments ? { instruments } : {}),
    positions: [{
      id: instrument.toLowerCase().replace(/[^a-z0-9]/g, ''), instrument, side, quantity, entryPrice: boughtAt ?? mark, leverage,
      ...(isolatedMargin !== undefined ? { isolatedMargin } : {}),
    }],
    marks: { [instrument]: mark },
  };
  return {
    id: spec.id,
    currency: spec.currency,
    body: { id: spec.id, snapshot, ...(spec.market ? { market: spec.market } : {}) },
    commands: spec.commands ?? [],
  };
}

export const DEMO_ACCOUNTS: readonly DemoAccount[] = SPECS.map(build);

export const DEMO_VENUES: readonly string[] = [...new Set(SPECS.map((spec) => venueId(spec.venue)))];

/** Each account's snapshot checked by the core's own parser: the problems, by account, if any. */
export function snapshotProblems(accounts: readonly DemoAccount[] = DEMO_ACCOUNTS): { readonly id: string; readonly problems: readonly Problem[] }[] {
  return accounts.flatMap((account) => {
    const parsed = parseSnapshot(account.body.snapshot);
    return parsed.ok ? [] : [{ id: account.id, problems: parsed.error }];
  });
}
