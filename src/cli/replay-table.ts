/** `stopout replay --format table`: the events as a timeline a person can read, then the totals. */
import Table from 'cli-table3';
import { summarize, type EngineEvent, type EngineState } from '../core/index.js';
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
  return lines.join('\n');
}
