/**
 * The event log, then the live stream, with nothing missed and nothing repeated across the seam:
 * the history is read page by page (`GET /v1/events`, one account's when given) up to its last id H,
 * then `GET /v1/events/stream` is followed from `Last-Event-ID: H` (lib/event-stream.ts), and again
 * from the last id it handed on after every drop. Progress while reading: the last id read against
 * the ledger's last event id (`GET /v1/ledger`, when the key may read it). A log that cannot be read
 * for now (the service down, a 5xx, 408, 429) is read on with the stream's backoff, after the last
 * event read; one refused (another 4xx: a wrong key) is not.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { followEventStream, reconnectDelay, type StreamState } from '../../lib/event-stream.js';
import { readProblem, type ServiceClient, type ServiceEvent, type ServiceProblem } from '../../lib/service-client.js';

export interface EventFeed {
  /** idle: no key; history: reading the log; live: following the stream. */
  readonly phase: 'idle' | 'history' | 'live';
  /** While reading the log: the last id read, of the ledger's last id (null when it cannot be read). */
  readonly progress: { readonly done: number; readonly total: number | null; readonly events: number } | null;
  readonly stream: StreamState | null;
  /** Why the log or the stream was refused (a wrong key: 401, 403). */
  readonly problem: ServiceProblem | null;
}

export interface FeedHandlers {
  /** A batch of events, in order: a page of the history (`live` false) or a chunk of the stream. */
  readonly onEvents: (events: readonly ServiceEvent[], live: boolean) => void;
  /** The history is read; the stream starts. */
  readonly onHistoryRead?: () => void;
}

const IDLE: EventFeed = { phase: 'idle', progress: null, stream: null, problem: null };

/** A failure that may pass: asking again later may work. */
const passing = (problem: ServiceProblem): boolean => problem.status === 0 || problem.status >= 500 || problem.status === 408 || problem.status === 429;

function parseEvent(data: string): ServiceEvent | undefined {
  try {
    const value = JSON.parse(data) as ServiceEvent;
    return typeof value.id === 'number' && typeof value.type === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

export function useEventFeed(client: ServiceClient | null, account: string | undefined, handlers: FeedHandlers): EventFeed {
  const [feed, setFeed] = useState<EventFeed>(IDLE);
  const current = useRef(handlers);
  current.current = handlers;

  useEffect(() => {
    if (!client) {
      setFeed(IDLE);
      return undefined;
    }
    const controller = new AbortController();
    let stop: (() => void) | undefined;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let last = 0;
    let count = 0;
    const read = async (attempt: number): Promise<void> => {
      setFeed({ phase: 'history', progress: { done: last, total: null, events: count }, stream: null, problem: null });
      const ledger = await client.ledger();
      const total = ledger.ok ? ledger.value.events : null;
      const answer = await client.events(account, last, (page) => {
        if (controller.signal.aborted) return;
        const end = page[page.length - 1];
        if (end) last = end.id;
        count += page.length;
        current.current.onEvents(page, false);
        setFeed((state) => ({ ...state, progress: { done: last, total, events: count } }));
      }, controller.signal);
      if (controller.signal.aborted) return;
      if (!answer.ok && passing(answer.problem)) {
        // The pages read so far are handled: read on after the last of them.
        const delay = reconnectDelay(attempt);
        setFeed({ phase: 'idle', progress: null, stream: { kind: 'reconnecting', at: Date.now() + delay, reason: answer.problem.detail }, problem: null });
        retry = setTimeout(() => void read(attempt + 1), delay);
        return;
      }
      if (!answer.ok) {
        setFeed({ phase: 'idle', progress: null, stream: { kind: 'stopped', reason: answer.problem.detail }, problem: answer.problem });
        return;
      }
      current.current.onHistoryRead?.();
      setFeed((state) => ({ ...state, phase: 'live', progress: null }));
      stop = followEventStream({
        url: client.streamUrl(account),
        headers: client.headers(),
        lastEventId: String(last),
        onMessages: (messages) => {
          const events = messages.flatMap((message) => parseEvent(message.data) ?? []);
          if (events.length) current.current.onEvents(events, true);
        },
        onState: (stream) => setFeed((state) => ({ ...state, stream })),
        onRefused: (status, body) => setFeed((state) => ({ ...state, problem: readProblem(status, body) })),
      }).stop;
    };
    void read(0);
    return () => {
      clearTimeout(retry);
      controller.abort();
      stop?.();
    };
  }, [client, account]);

  return feed;
}
