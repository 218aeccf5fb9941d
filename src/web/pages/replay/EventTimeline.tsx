/**
 * The events of the replay, in the order `stopout replay` writes its JSON lines: what happened,
 * at which price and when, and the event's other figures. Every leaf of `eventToJson(event)` is a figure
 * `events.N.<leaf>` (spec/web.md), its value the core's string.
 */
import { Figure } from '../../components/Figure.js';
import { eventName, fieldName, markerOf, readableTime, valueText } from './event-text.js';

export interface EventTimelineProps {
  readonly events: readonly Record<string, string>[];
  readonly currency: string;
}

const OWN_COLUMNS = new Set(['type', 'time', 'price']);

export function EventTimeline({ events, currency }: EventTimelineProps) {
  if (events.length === 0) return <p class="muted">The engine emitted no event.</p>;
  return (
    <ol class="replay-events" aria-label="Events, in order">
      {events.map((event, index) => {
        const field = (key: string): string => `events.${index}.${key}`;
        const marker = markerOf(event.type ?? '');
        const rest = Object.entries(event).filter(([key]) => !OWN_COLUMNS.has(key));
        return (
          <li key={index} class={marker ? `marked-${marker.colour}` : undefined}>
            <p class="event-head">
              <strong><Figure field={field('type')} value={event.type ?? ''}>{eventName(event.type ?? '')}</Figure></strong>
              {event.price === undefined ? null : <> at <Figure field={field('price')} value={event.price}>{valueText('price', event.price, currency)}</Figure></>}
              {event.time === undefined ? null : <span class="muted event-time"><Figure field={field('time')} value={event.time}>{readableTime(event.time)}</Figure></span>}
            </p>
            {rest.length > 0 ? (
              <p class="event-figures">
                {rest.map(([key, value]) => (
                  <span key={key} class="event-figure">
                    <span class="muted">{fieldName(key)}</span>{' '}
                    <Figure field={field(key)} value={value}>{valueText(key, value, currency)}</Figure>
                  </span>
                ))}
              </p>
            ) : null}
          </li>
        );
      })}
    </ol>
  );
}
