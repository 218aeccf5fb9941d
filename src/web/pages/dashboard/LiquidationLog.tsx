/**
 * The liquidation log (dashboard-state.ts): the latest liquidations and stop-loss fills, newest
 * first, with time, account, position, price, P&L and fee, and the deficit each left and who
 * absorbed it, as the events say: the venue or its insurance fund (`deficit-absorbed`), a
 * deleveraged counterparty (`adl-executed`), or the client, who owes it (`debt-recorded`). Figures:
 * `events.<id>.<field>`, the event's own fields.
 */
import { Figure } from '../../components/Figure.js';
import { money, price } from '../../lib/format.js';
import type { AccountRow, ServiceEvent } from '../../lib/service-client.js';
import type { Liquidation } from './dashboard-state.js';
import { timeText } from './event-text.js';
import { TableWrap } from './TableWrap.js';

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

function EventFigure({ event, name, currency }: { readonly event: ServiceEvent; readonly name: string; readonly currency?: string | undefined }) {
  const value = text(event[name]);
  const shown = currency ? money(value, currency) : price(value);
  return <Figure field={`events.${event.id}.${name}`} value={value} class={value.startsWith('-') ? 'neg' : undefined}>{shown}</Figure>;
}

const ABSORBED_BY: Readonly<Record<string, string>> = { venue: 'the venue', 'insurance-fund': 'the insurance fund' };

function Cover({ event, currency }: { readonly event: ServiceEvent; readonly currency: string | undefined }) {
  if (event.type === 'deficit-absorbed') {
    const by = text(event.by);
    return <li><EventFigure event={event} name="amount" currency={currency} /> absorbed by <Figure field={`events.${event.id}.by`} value={by}>{ABSORBED_BY[by] ?? by}</Figure></li>;
  }
  if (event.type === 'adl-executed') {
    return <li><EventFigure event={event} name="amount" currency={currency} /> by deleveraging <Figure field={`events.${event.id}.counterparty`} value={text(event.counterparty)} /></li>;
  }
  return <li class="debt"><EventFigure event={event} name="amount" currency={currency} /> owed by the client (a debt)</li>;
}

export function LiquidationLog({ liquidations, rows }: { readonly liquidations: readonly Liquidation[]; readonly rows: ReadonlyMap<string, AccountRow> }) {
  if (liquidations.length === 0) return <p class="muted">No liquidation or stop-out yet.</p>;
  return (
    <TableWrap label="Liquidation log">
      <table class="liquidations">
        <caption class="visually-hidden">Liquidations and stop-outs, newest first</caption>
        <thead>
          <tr><th scope="col">Time</th><th scope="col" class="text">Account</th><th scope="col" class="text">Position</th><th scope="col">Price</th><th scope="col">P&amp;L, fee</th><th scope="col" class="text">Deficit, absorbed by</th></tr>
        </thead>
        <tbody>
          {liquidations.map(({ event, cover }) => {
            const currency = rows.get(event.account)?.currency;
            return (
              <tr key={event.id} data-event-id={event.id} data-type={event.type} data-account={event.account}>
                <td class="text time"><Figure field={`events.${event.id}.time`} value={text(event.time)}>{timeText(event.time)}</Figure></td>
                <td class="text"><a href={`#/accounts/${encodeURIComponent(event.account)}`}>{event.account}</a></td>
                <td class="text position">
                  {event.type === 'stop-loss-filled' ? <span class="kind">stop-loss </span> : null}
                  <Figure field={`events.${event.id}.position`} value={text(event.position)} />
                  {' '}<span class="muted"><Figure field={`events.${event.id}.side`} value={text(event.side)} /> <EventFigure event={event} name="quantity" /> <Figure field={`events.${event.id}.instrument`} value={text(event.instrument)} /></span>
                </td>
                <td><EventFigure event={event} name="price" /></td>
                <td>
                  <EventFigure event={event} name="pnl" currency={currency} />
                  {event.fee === undefined ? null : <span class="fee muted">fee <EventFigure event={event} name="fee" currency={currency} /></span>}
                </td>
                <td class="text">{cover.length ? <ul class="cover">{cover.map((each) => <Cover key={each.id} event={each} currency={currency} />)}</ul> : <span class="muted">none</span>}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </TableWrap>
  );
}
