/**
 * The ids of the events the page has handled, for programs (received-log.ts): runs of consecutive
 * ids in `data-first-id` / `data-last-id`, with `data-count` and `data-duplicates` (events dropped as
 * already handled) on the list. Present in the page, hidden from view.
 */
import type { ReceivedLog } from './received-log.js';

export function ReceivedEvents({ log }: { readonly log: ReceivedLog }) {
  return (
    <ol class="visually-hidden" aria-label="Events received" data-count={log.count} data-duplicates={log.duplicates} data-last-id={log.last}>
      {log.runs.map(([first, last]) => (
        <li key={first} data-first-id={first} data-last-id={last}>{first === last ? `Event ${first}` : `Events ${first} to ${last}`}</li>
      ))}
    </ol>
  );
}
