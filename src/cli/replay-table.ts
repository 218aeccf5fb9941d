/**
 * `stopout replay --format table`: the events as a timeline a person can read, then the totals, then
 * what holding the positions cost (funding paid and received, overnight financing, trading fees).
 */
import Table from 'cli-table3';
import { add, parseDecimal, rescale, summarize, toDecimalString, ZERO, type Decimal, type EngineEvent, type EngineState } from '../core/index.js';
import { groupDigits } from './money-text.js';

export const PLAIN = { head: [] as string[], border: [] as string[] };
/** One line per event: no rules between rows. */
export const COMPACT = { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' };

/** The fields worth a column, in reading order; the rest go into "details". */
const MAIN_FIELDS = ['position', 'scope', 'price', 'quantity', 'pnl', 'amount'] as const;

function details(event: EngineEvent): string {
  return Object.entries(event.fields)
    .filter(([key]) => !(MAIN_FIELDS as readonly string[]).includes(key))
    .map(([key, value]) => `${key}=${/^-?\d+(\.\d+)?$/.test(value) ? groupDigits(value) : value}`)
    .join(' ');
}

/** The sum of one field over some events, exact (the amounts are the engine's decimal strings), at least `decimals` places. */
function total(events: readonly EngineEvent[], key: string, decimals = 0): string {
  const sum = events.reduce<Decimal>((running, event) => add(running, parseDecimal(event.fields[key] ?? '0') ?? ZERO), ZERO);
  return groupDigits(toDecimalString(sum.scale < decimals ? rescale(sum, decimals, 'half-even') : sum));
}

const plural = (count: number, word: string): string => `${count} ${word}${count === 1 ? '' : 's'}`;

/**
 * One line per kind of holding cost the replay met: funding payments (paid and received apart,
 * as a funding file mixes both signs), financing rollovers and the nights they counted, fees.
 */
function holdingCosts(events: readonly EngineEvent[], currency: string, decimals: number): string[] {
  const ofType = (...types: string[]): EngineEvent[] => events.filter((event) => types.includes(event.type));
  const paid = ofType('funding-paid');
  const received = ofType('funding-received');
  const financing = ofType('financing-charged');
  const fees = ofType('fee-charged');
  const lines: string[] = [];
  if (paid.length + received.length) {
    lines.push(`Funding: ${plural(paid.length + received.length, 'payment')}, ${total(paid, 'amount', decimals)} ${currency} paid, ${total(received, 'amount', decimals)} ${currency} received`);
  }
  if (financing.length) {
    lines.push(`Financing: ${plural(financing.length, 'rollover')} (${total(financing, 'nights')} nights), ${total(financing, 'amount', decimals)} ${currency} charged (negative: credited)`);
  }
  if (fees.length) lines.push(`Trading fees: ${plural(fees.length, 'fill')}, ${total(fees, 'amount', decimals)} ${currency}`);
  return lines;
}

export function timelineTable(state: EngineState, events: readonly EngineEvent[]): string {
  const timeline = new Table({
    head: ['#', 'Time', 'Event', 'Position', 'Price', 'Quantity', 'P&L', 'Amount', 'Details'],
    style: PLAIN,
    chars: COMPACT,
    colAligns: ['right', 'left', 'left', 'left', 'right', 'right', 'right', 'right', 'left'],
  });
  events.forEach((event, index) => {
    const field = (key: string): string => {
      const value = event.fields[key];
      return value === undefined ? '' : groupDigits(value);
    };
    timeline.push([
      String(index + 1), event.time ?? '', event.type, event.fields.position ?? event.fields.scope ?? '',
      field('price'), field('quantity'), field('pnl'), field('amount'), details(event),
    ]);
  });
  const summary = summarize(state, events);
  const totals = new Table({ head: ['Totals', state.snapshot.currency], style: PLAIN, chars: COMPACT, colAligns: ['left', 'right'] });
  for (const [key, value] of Object.entries(summary.totals)) totals.push([key, groupDigits(value)]);
  totals.push(['balance', groupDigits(summary.account.balance ?? '')]);
  totals.push(['equity', groupDigits(summary.account.equity ?? '')]);
  const lines = [events.length ? timeline.toString() : '(no events)', '', totals.toString()];
  if (summary.debt) lines.push('', `Debt: ${summary.debt.status}, ${groupDigits(summary.debt.outstanding)} ${state.snapshot.currency} outstanding`);
  const costs = holdingCosts(events, state.snapshot.currency, state.snapshot.currencyDecimals);
  if (costs.length) lines.push('', ...costs);
  return lines.join('\n');
}
