/**
 * The replay's answer in one sentence: whether the position survived, what closed it (the venue's
 * liquidation or the client's own stop), at which price and when, and who paid what the margin did
 * not cover: the client as a debt, the broker, or an insurance fund. Every figure is a string of
 * the events or the summary; a figure is zero or not by the core's decimal, never by a float.
 */
import { isZero, parseDecimal } from '../../../core/index.js';
import { money } from '../../lib/format.js';
import { readableTime, valueText } from './event-text.js';
import type { ReplayOutcome } from './run-replay.js';

const nonZero = (text: string | undefined): boolean => {
  const value = text === undefined ? undefined : parseDecimal(text);
  return value !== undefined && !isZero(value);
};

export function ReplayAnswer({ outcome }: { readonly outcome: ReplayOutcome }) {
  const { events, summary, currency } = outcome;
  const totals = summary.totals;
  const refused = events.find((event) => event.type === 'rejected');
  if (refused) {
    return <p class="answer danger" role="status">The venue refused the order: {refused.message}</p>;
  }
  const close = events.find((event) => event.type === 'position-liquidated' || event.type === 'stop-loss-filled');
  if (!close) {
    return summary.positions.length > 0
      ? <p class="answer safe" role="status">The position survived the whole window. Equity at the end: {money(summary.account.equity, currency)}.</p>
      : <p class="answer safe" role="status">Nothing was liquidated. Balance at the end: {money(summary.account.balance, currency)}.</p>;
  }
  const how = close.type === 'stop-loss-filled'
    ? `The stop-loss at ${valueText('price', close.trigger ?? '', currency)} filled at ${valueText('price', close.price ?? '', currency)}`
    : `Liquidated at ${valueText('price', close.price ?? '', currency)}`;
  const when = close.time ? ` on ${readableTime(close.time)}` : '';
  const pnl = close.pnl ? `, a realised P&L of ${money(close.pnl, currency)}` : '';
  if (nonZero(totals.debtOutstanding)) {
    return <p class="answer danger" role="status">{how}{when}{pnl}. The gap left a debt: the client owes {money(totals.debtOutstanding, currency)}.</p>;
  }
  const payers = [
    nonZero(totals.absorbedByVenue) ? `the broker absorbs ${money(totals.absorbedByVenue, currency)} (negative balance protection)` : '',
    nonZero(totals.absorbedByInsuranceFund) ? `the insurance fund pays ${money(totals.absorbedByInsuranceFund, currency)}` : '',
    nonZero(totals.absorbedByDeleveraging) ? `auto-deleveraged traders cover ${money(totals.absorbedByDeleveraging, currency)}` : '',
  ].filter(Boolean);
  if (payers.length > 0) {
    return <p class="answer warn" role="status">{how}{when}{pnl}. The margin did not cover it: {payers.join(', and ')}.</p>;
  }
  return <p class="answer warn" role="status">{how}{when}{pnl}. The margin covered the loss; the client owes nothing.</p>;
}
