/**
 * Every event exactly once. The service's event ids increase (spec/service.md), so an event whose
 * id is not above the last one handled has been handled already: it is dropped and counted. The ids
 * handled are kept as runs of consecutive ids, `[first, last]`, so a program can check that nothing
 * was missed (no gap against `GET /v1/events`) and nothing repeated, without one element per event.
 */
import type { ServiceEvent } from '../../lib/service-client.js';

export interface ReceivedLog {
  readonly runs: readonly (readonly [first: number, last: number])[];
  /** The last id handled; 0 before any. */
  readonly last: number;
  readonly count: number;
  /** Events dropped because their id was not above `last`. */
  readonly duplicates: number;
}

export const EMPTY_LOG: ReceivedLog = { runs: [], last: 0, count: 0, duplicates: 0 };

/** The log after `events`, and those of them seen for the first time, in order. */
export function receive(log: ReceivedLog, events: readonly ServiceEvent[]): { log: ReceivedLog; fresh: ServiceEvent[] } {
  const fresh: ServiceEvent[] = [];
  const runs = log.runs.map((run) => [run[0], run[1]] as [number, number]);
  let { last, duplicates } = log;
  for (const event of events) {
    if (event.id <= last) {
      duplicates += 1;
      continue;
    }
    const open = runs[runs.length - 1];
    if (open && open[1] === event.id - 1) open[1] = event.id;
    else runs.push([event.id, event.id]);
    last = event.id;
    fresh.push(event);
  }
  return { log: { runs, last, count: log.count + fresh.length, duplicates }, fresh };
}
