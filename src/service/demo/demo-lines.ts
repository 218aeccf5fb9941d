/**
 * What the demo prints: one line per event, a tally now and then, the crash announced. Pure
 * functions of what the service answered; the amounts are the event's own strings, never
 * recomputed. Lines stay within about 100 columns; colours only on a terminal (see `Paint`).
 *
 *   Sat 00:33  seed-1000-at-100x   position-liquidated GBPUSD 80000 at 1.2179, P&L -2568.00 USD
 *   Sat 00:33  seed-1000-at-100x   debt-recorded       1568.00 USD, owed 1568.00 USD
 */
import { add, dec, rescale, toDecimalString, type Decimal } from '../../core/index.js';

export type Json = Readonly<Record<string, unknown>>;

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
/** The longest demo account id, and the longest event type (position-liquidated). */
export const ACCOUNT_WIDTH = 19;
export const TYPE_WIDTH = 19;

/** "Thu 11:36" (UTC) from an ISO 8601 time or milliseconds; blanks when there is none. */
export function clockText(time: string | number | undefined): string {
  if (time === undefined) return '         ';
  const date = new Date(time);
  if (Number.isNaN(date.getTime())) return String(time).slice(0, 9).padEnd(9);
  const hours = String(date.getUTCHours()).padStart(2, '0');
  const minutes = String(date.getUTCMinutes()).padStart(2, '0');
  return `${WEEKDAYS[date.getUTCDay()]} ${hours}:${minutes}`;
}

/** ANSI colours on a terminal; nothing otherwise. */
export interface Paint {
  (text: string, colour: Colour): string;
}
export type Colour = 'red' | 'yellow' | 'green' | 'magenta' | 'cyan' | 'dim' | 'bold';

const CODES: Readonly<Record<Colour, string>> = {
  red: '31', yellow: '33', green: '32', magenta: '35', cyan: '36', dim: '2', bold: '1',
};

export const plain: Paint = (text) => text;
export const ansi: Paint = (text, colour) => `\u001b[${CODES[colour]}m${text}\u001b[0m`;

const TYPE_COLOURS: Readonly<Record<string, Colour>> = {
  'margin-call-issued': 'yellow',
  'margin-call-cleared': 'green',
  'position-liquidated': 'red',
  'deficit-absorbed': 'magenta',
  'adl-executed': 'magenta',
  'debt-recorded': 'red',
  'debt-status-changed': 'red',
  'stop-loss-filled': 'cyan',
  'take-profit-filled': 'green',
};

const text = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));
const isZeroText = (value: unknown): boolean => typeof value === 'string' && /^-?0(\.0+)?$/.test(value);

/** The event's key amounts, as the event gives them, in a few words. */
export function eventDetails(event: Json, currency: string): string {
  const money = (value: unknown): string => `${text(value)}${currency ? ` ${currency}` : ''}`;
  switch (event.type) {
    case 'margin-call-issued': {
      const deadline = typeof event.deadline === 'string' ? `, sale from ${clockText(event.deadline)}` : '';
      return `equity ${text(event.equity)} < ${money(event.marginCallEquity)}${deadline}`;
    }
    case 'margin-call-cleared':
      return event.equity !== undefined ? `equity ${money(event.equity)}` : text(event.reason ?? '');
    case 'position-liquidated': {
      const fee = event.fee !== undefined && !isZeroText(event.fee) ? `, fee ${text(event.fee)}` : '';
      return `${text(event.instrument)} ${text(event.quantity)} at ${text(event.price)}, P&L ${money(event.pnl)}${fee}`;
    }
    case 'stop-loss-filled':
    case 'take-profit-filled':
      return `${text(event.instrument)} ${text(event.quantity)} at ${text(event.price)} (set ${text(event.trigger)}), P&L ${money(event.pnl)}`;
    case 'deficit-absorbed': {
      const fund = event.fundAfter === undefined ? '' : isZeroText(event.fundAfter) ? ', fund now empty' : `, fund left ${text(event.fundAfter)}`;
      return `${money(event.amount)} by ${text(event.by)}${fund}`;
    }
    case 'adl-executed':
      return `${text(event.counterparty)} ${text(event.side)} ${text(event.quantity)} ${text(event.instrument)} at ${text(event.price)}`;
    case 'debt-recorded':
      return `${money(event.amount)}, owed ${money(event.outstanding)}`;
    case 'debt-repaid':
      return `${money(event.amount)}, still owed ${money(event.outstanding)}`;
    case 'debt-written-off':
      return money(event.amount);
    case 'debt-status-changed':
      return `${text(event.from)} -> ${text(event.to)}`;
    case 'stop-loss-set':
    case 'take-profit-set':
      return `${text(event.position)} at ${text(event.price)}`;
    case 'rejected':
      return `${text(event.code)}: ${text(event.message)}`;
    default: {
      const quiet = new Set(['id', 'account', 'type', 'time']);
      return Object.entries(event).filter(([key]) => !quiet.has(key)).map(([key, value]) => `${key} ${text(value)}`).join(', ');
    }
  }
}

/** One readable line per event: simulated time, account, type, key amounts. */
export function eventLine(event: Json, currency: string, paint: Paint = plain): string {
  const type = text(event.type);
  const account = text(event.account ?? '');
  const colour = TYPE_COLOURS[type];
  const typeText = type.padEnd(TYPE_WIDTH);
  const time = clockText(typeof event.time === 'string' ? event.time : undefined);
  return `${paint(time, 'dim')}  ${account.padEnd(ACCOUNT_WIDTH)} ${colour ? paint(typeText, colour) : paint(typeText, 'dim')} ${eventDetails(event, currency)}`;
}

/** The figures of a tally, as read from GET /v1/accounts, GET /v1/venues/{venue} and GET /v1/events. */
export interface Tally {
  readonly accounts: number;
  readonly marginCallsOpen: number;
  readonly liquidations: number;
  /** Per currency: deficits absorbed (venue + insurance fund + deleveraging), and debt outstanding. */
  readonly absorbed: ReadonlyMap<string, Decimal>;
  readonly debt: ReadonlyMap<string, Decimal>;
}

/** Stablecoins count as dollars in the tally (at par), so that it fits on one line. */
const DOLLARS = new Set(['USD', 'USDT', 'USDC']);

function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** "$27,667 + 0.0091 BTC": dollars (and stablecoins) to the whole dollar, other currencies to 4 decimals. */
export function moneyTotal(byCurrency: ReadonlyMap<string, Decimal>): string {
  let dollars: Decimal = dec('0');
  const others: string[] = [];
  for (const [currency, amount] of [...byCurrency].sort(([a], [b]) => a.localeCompare(b))) {
    if (DOLLARS.has(currency)) dollars = add(dollars, amount);
    else if (amount.units !== 0n) others.push(`${toDecimalString(rescale(amount, 4, 'half-even'))} ${currency}`);
  }
  const whole = toDecimalString(rescale(dollars, 0, 'half-even'));
  const dollarText = whole.startsWith('-') ? `-$${groupThousands(whole.slice(1))}` : `$${groupThousands(whole)}`;
  return [dollarText, ...others].join(' + ');
}

export function tallyLine(tally: Tally, paint: Paint = plain): string {
  const calls = `${tally.marginCallsOpen} margin call${tally.marginCallsOpen === 1 ? '' : 's'} open`;
  const liquidations = `${tally.liquidations} liquidation${tally.liquidations === 1 ? '' : 's'}`;
  return paint(`== ${tally.accounts} accounts, ${calls}, ${liquidations}, absorbed ${moneyTotal(tally.absorbed)}, debt ${moneyTotal(tally.debt)}`, 'bold');
}

/** The crash, announced as it is sent: each market's move from the tick before, in percent. */
export function crashLine(timeMs: number, before: Readonly<Record<string, string>>, after: Readonly<Record<string, string>>, paint: Paint = plain): string {
  const move = (symbol: string, label: string): string => {
    const from = Number(before[symbol]);
    const to = Number(after[symbol]);
    const percent = ((to / from - 1) * 100).toFixed(1);
    return `${label} ${percent.startsWith('-') ? '' : '+'}${percent} %`;
  };
  const moves = [move('BTCUSDT', 'BTC'), move('EURUSD', 'EURUSD'), move('US500', 'US500'), move('XAUUSD', 'gold')];
  return paint(`${clockText(timeMs)}  *** CRASH, all at once: ${moves.join(', ')}`, 'bold');
}
