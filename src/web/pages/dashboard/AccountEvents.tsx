/**
 * One account's events, newest first (account-events.ts), PAGE_SIZE at a time with a button for
 * older ones. Each event's fields are figures with `data-field` `events.<id>.<field>`, the event's
 * own fields as `GET /v1/events` gives them.
 */
import { useState } from 'preact/hooks';
import { Figure } from '../../components/Figure.js';
import type { ServiceEvent } from '../../lib/service-client.js';
import { label, leafText, statusText, timeText } from './event-text.js';
import { TableWrap } from './TableWrap.js';

export const PAGE_SIZE = 25;
const SHOWN_APART = new Set(['id', 'account', 'type', 'time']);

function Details({ event }: { readonly event: ServiceEvent }) {
  const fields = Object.entries(event).filter(([key]) => !SHOWN_APART.has(key));
  if (fields.length === 0) return <span class="muted">–</span>;
  return (
    <ul class="details">
      {fields.map(([key, value]) => {
        const leaf = typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value === null ? value : JSON.stringify(value);
        return <li key={key}><span class="muted">{label(key)}</span> <Figure field={`events.${event.id}.${key}`} value={leaf}>{leafText(key, leaf)}</Figure></li>;
      })}
    </ul>
  );
}

export function AccountEventsTable({ events }: { readonly events: readonly ServiceEvent[] }) {
  const [shown, setShown] = useState(PAGE_SIZE);
  if (events.length === 0) return <p class="muted">No event yet.</p>;
  const visible = events.slice(0, shown);
  return (
    <>
      <TableWrap label="Events table">
        <table class="events">
          <caption class="visually-hidden">The account's events, newest first</caption>
          <thead><tr><th scope="col">Time</th><th scope="col" class="text">Event</th><th scope="col" class="text">Details</th><th scope="col">Id</th></tr></thead>
          <tbody>
            {visible.map((event) => (
              <tr key={event.id} data-event-id={event.id} class={event.type === 'rejected' || event.type === 'position-liquidated' ? 'alerting' : undefined}>
                <td class="text time"><Figure field={`events.${event.id}.time`} value={typeof event.time === 'string' ? event.time : null}>{timeText(event.time)}</Figure></td>
                <td class="text"><Figure field={`events.${event.id}.type`} value={event.type}>{statusText(event.type)}</Figure></td>
                <td class="text"><Details event={event} /></td>
                <td><Figure field={`events.${event.id}.id`} value={event.id} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      <p class="muted">Showing {visible.length.toLocaleString('en-US')} of {events.length.toLocaleString('en-US')} events.</p>
      {events.length > shown ? (
        <div class="actions"><button type="button" onClick={() => setShown(shown + PAGE_SIZE)}>Show {Math.min(PAGE_SIZE, events.length - shown)} older events</button></div>
      ) : null}
    </>
  );
}
