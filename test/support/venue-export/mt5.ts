// An MT5 account as the MetaTrader5 Python package gives it (venue-formats.md §7), made from a
// plain description, with MT5's own figures worked by its formulas (§7.3) in exact decimals:
//   profit  = (close − open) × contract size × lots, close = bid for a buy, ask for a sell, in the
//             profit currency, rounded to the account's 2 currency digits as the terminal books it;
//   margin  = lots × contract size / leverage in the base currency (forex, mode 0), valued at the
//             position's price_current; lots × contract size × price_current / leverage (CFD
//             leverage, mode 4); the account's margin is their sum, rounded to 2 digits;
//   equity  = balance + the positions' profits (no credit, no swap).
// Same-currency accounts only: every symbol here is quoted in USD and the account is in USD, so no
// conversion rate enters. The JSON numbers are the decimals' own doubles, as json.dump writes them.
import { add, dec, fromDecimal, multiply, rescale, subtract, sum, toDecimal, toDecimalString, type Decimal } from '../../../src/core/index.js';
import { divideRational, rational, sumRational, type Rational } from '../../../src/core/money/rational.js';
import type { ImportFile } from '../../../src/import/index.js';

export interface Mt5SymbolTemplate {
  readonly name: string;
  readonly base: string;
  readonly contractSize: string;
  readonly tickSize: string;
  /** Decimals of price (SYMBOL_DIGITS). */
  readonly digits: number;
  /** Decimals of a volume (volume_step 0.01 -> 2). */
  readonly volumeDigits: number;
  /** ENUM_SYMBOL_CALC_MODE: 0 forex, 4 CFD leverage. */
  readonly calcMode: 0 | 4;
  readonly path: string;
  /** A price range, in ticks, the generated quotes stay in. */
  readonly ticks: readonly [number, number];
}

export const MT5_SYMBOLS: readonly Mt5SymbolTemplate[] = [
  { name: 'EURUSD', base: 'EUR', contractSize: '100000', tickSize: '0.00001', digits: 5, volumeDigits: 2, calcMode: 0, path: 'Forex\\Majors\\EURUSD', ticks: [90_000, 140_000] },
  { name: 'GBPUSD', base: 'GBP', contractSize: '100000', tickSize: '0.00001', digits: 5, volumeDigits: 2, calcMode: 0, path: 'Forex\\Majors\\GBPUSD', ticks: [110_000, 160_000] },
  { name: 'AUDUSD', base: 'AUD', contractSize: '100000', tickSize: '0.00001', digits: 5, volumeDigits: 2, calcMode: 0, path: 'Forex\\Majors\\AUDUSD', ticks: [55_000, 80_000] },
  { name: 'XAUUSD', base: 'XAU', contractSize: '100', tickSize: '0.01', digits: 2, volumeDigits: 2, calcMode: 4, path: 'Metals\\XAUUSD', ticks: [150_000, 300_000] },
  { name: 'US500', base: 'USD', contractSize: '1', tickSize: '0.1', digits: 1, volumeDigits: 1, calcMode: 4, path: 'Indices\\US500', ticks: [30_000, 60_000] },
];

export interface Mt5PositionInput {
  readonly ticket: number;
  readonly symbol: Mt5SymbolTemplate;
  readonly side: 'long' | 'short';
  /** Decimal strings. */
  readonly lots: string;
  readonly open: string;
  readonly bid: string;
  readonly ask: string;
}

export interface Mt5AccountInput {
  readonly balance: string;
  readonly leverage: number;
  /** Percentages, as account_info() gives margin_so_call and margin_so_so. */
  readonly marginCall: number;
  readonly stopOut: number;
  readonly positions: readonly Mt5PositionInput[];
}

export interface Mt5Export {
  readonly files: readonly ImportFile[];
  /** MT5's own figures, as decimal strings: profits and equity at 2 digits, the margin at 8. */
  readonly profits: readonly string[];
  readonly equity: string;
  readonly margin: string;
}

const cents = (value: Decimal): Decimal => rescale(value, 2, 'half-even');
const double = (text: string): number => Number(text);

function priceCurrent(position: Mt5PositionInput): string {
  return position.side === 'long' ? position.bid : position.ask;
}

export function mt5Profit(position: Mt5PositionInput): Decimal {
  const move = subtract(dec(priceCurrent(position)), dec(position.open));
  const signed = position.side === 'long' ? move : multiply(move, dec('-1'));
  return cents(multiply(multiply(signed, dec(position.symbol.contractSize)), dec(position.lots)));
}

/**
 * Forex: lots × contract size / leverage in the base currency, valued at price_current; CFD
 * leverage: lots × contract size × price_current / leverage. Both the same product, exact.
 */
function mt5Margin(position: Mt5PositionInput, leverage: number): Rational {
  const notional = multiply(multiply(dec(position.lots), dec(position.symbol.contractSize)), dec(priceCurrent(position)));
  return divideRational(fromDecimal(notional), rational(BigInt(leverage)));
}

function symbolInfo(template: Mt5SymbolTemplate, bid: string, ask: string): Record<string, unknown> {
  return {
    custom: false, chart_mode: 0, select: true, visible: true, digits: template.digits, spread_float: true,
    trade_calc_mode: template.calcMode, trade_mode: 4, margin_hedged_use_leg: false, bid: double(bid), ask: double(ask),
    point: double(template.tickSize), trade_tick_size: double(template.tickSize), trade_contract_size: double(template.contractSize),
    volume_min: double(`0.${'0'.repeat(template.volumeDigits - 1)}1`), volume_step: double(`0.${'0'.repeat(template.volumeDigits - 1)}1`),
    margin_initial: 0, margin_maintenance: 0, margin_hedged: double(template.contractSize),
    currency_base: template.base, currency_profit: 'USD', currency_margin: template.calcMode === 0 ? template.base : 'USD',
    description: template.name, name: template.name, path: template.path,
  };
}

export function mt5Export(input: Mt5AccountInput): Mt5Export {
  const profits = input.positions.map(mt5Profit);
  const margins = input.positions.map((position) => mt5Margin(position, input.leverage));
  const equity = add(dec(input.balance), sum(profits));
  const margin = toDecimal(sumRational(margins), 8, 'half-even');
  const account = {
    login: 51000001, trade_mode: 0, leverage: input.leverage, limit_orders: 200, margin_so_mode: 0, trade_allowed: true,
    trade_expert: true, margin_mode: 2, currency_digits: 2, fifo_close: false, balance: double(input.balance), credit: 0,
    profit: double(toDecimalString(sum(profits))), equity: double(toDecimalString(equity)), margin: double(toDecimalString(margin)),
    margin_so_call: input.marginCall, margin_so_so: input.stopOut, currency: 'USD', name: 'Generated', server: 'Generated-Demo',
  };
  const positions = input.positions.map((position, index) => ({
    ticket: position.ticket, time: 1710400000, type: position.side === 'long' ? 0 : 1, magic: 0, identifier: position.ticket,
    reason: 0, volume: double(position.lots), price_open: double(position.open), sl: 0, tp: 0,
    price_current: double(priceCurrent(position)), swap: 0, profit: double(toDecimalString(profits[index] ?? dec('0'))),
    symbol: position.symbol.name, comment: '', external_id: '',
  }));
  const symbols = Object.fromEntries(input.positions.map((position) => [position.symbol.name, symbolInfo(position.symbol, position.bid, position.ask)]));
  return {
    files: [
      { name: 'account.json', value: JSON.parse(JSON.stringify(account)) },
      { name: 'positions.json', value: JSON.parse(JSON.stringify(positions)) },
      { name: 'symbols.json', value: JSON.parse(JSON.stringify(symbols)) },
    ],
    profits: profits.map(toDecimalString),
    equity: toDecimalString(cents(equity)),
    margin: toDecimalString(margin),
  };
}
