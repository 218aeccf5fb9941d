/**
 * Server-Sent Events over fetch (spec/service.md, `GET /v1/events/stream`). EventSource cannot send
 * an `Authorization` header, so the stream is read with fetch and a ReadableStream and parsed here
 * the way the HTML standard's event-stream interpretation says:
 * - a line ends at CRLF, LF or CR; a line that starts with `:` is a comment;
 * - `field: value` (one space after the colon is dropped; a line with no colon is a field with an
 *   empty value); `data` lines join with "\n", `event` names the type, `id` sets the last event id
 *   (unless it holds NUL), `retry` (digits) the reconnection time;
 * - a blank line dispatches the event, or nothing when no `data` came.
 *
 * Following a stream: after a drop (a network error, the stream ending, the service restarting, or
 * no byte for WATCHDOG_MS while the service sends a comment every 15 s) it reconnects after
 * 1 s, 2 s, 4 s, … at most MAX_DELAY_MS, sending the `Last-Event-ID` of the last event it handed on,
 * so the service resumes right after it. A 4xx other than 408 and 429 stops it: the key is wrong,
 * and asking again will not help.
 */

export interface StreamMessage {
  /** The last event id when the event was dispatched ('' when none was ever given). */
  readonly id: string;
  /** The `event` field, `message` when absent. */
  readonly event: string;
  readonly data: string;
}

export class EventStreamParser {
  private buffer = '';
  private data: string[] = [];
  private hasData = false;
  private type = '';
  private lastId = '';
  /** Milliseconds the stream asked to wait before reconnecting (`retry:`), when it did. */
  retryMs: number | undefined;

  /** Feeds decoded text; returns the events its blank lines completed, in order. */
  push(text: string): StreamMessage[] {
    this.buffer += text;
    const messages: StreamMessage[] = [];
    let start = 0;
    for (;;) {
      const newline = this.buffer.indexOf('\n', start);
      const carriage = this.buffer.indexOf('\r', start);
      const end = carriage >= 0 && (newline < 0 || carriage < newline) ? carriage : newline;
      if (end < 0) break;
      // A CR at the very end may be the first half of a CRLF split across chunks: wait for the next.
      if (end === carriage && end === this.buffer.length - 1) break;
      const line = this.buffer.slice(start, end);
      start = end + (end === carriage && this.buffer[end + 1] === '\n' ? 2 : 1);
      const message = this.line(line);
      if (message) messages.push(message);
    }
    this.buffer = this.buffer.slice(start);
    return messages;
  }

  private line(line: string): StreamMessage | undefined {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') {
      this.data.push(value);
      this.hasData = true;
    } else if (field === 'event') {
      this.type = value;
    } else if (field === 'id') {
      if (!value.includes('\0')) this.lastId = value;
    } else if (field === 'retry') {
      if (/^\d+$/.test(value)) this.retryMs = Number(value);
    }
    return undefined;
  }

  private dispatch(): StreamMessage | undefined {
    const message = this.hasData ? { id: this.lastId, event: this.type || 'message', data: this.data.join('\n') } : undefined;
    this.data = [];
    this.hasData = false;
    this.type = '';
    return message;
  }
}

export type StreamState =
  | { readonly kind: 'connecting' }
  | { readonly kind: 'connected' }
  /** `at`: when the next attempt starts (ms since the epoch). */
  | { readonly kind: 'reconnecting'; readonly at: number; readonly reason: string }
  | { readonly kind: 'stopped'; readonly reason: string };

export interface FollowOptions {
  readonly url: string;
  /** Sent on every attempt: `authorization`. */
  readonly headers: Readonly<Record<string, string>>;
  /** Resume after this event id ('' = from now). */
  readonly lastEventId: string;
  /** Each chunk's complete events, in order. */
  readonly onMessages: (messages: readonly StreamMessage[]) => void;
  readonly onState: (state: StreamState) => void;
  /** A response that stops the stream (a 4xx): its status and body, for the page to show. */
  readonly onRefused: (status: number, body: string) => void;
}

export const FIRST_DELAY_MS = 1_000;
export const MAX_DELAY_MS = 15_000;
/** Three of the service's 15 s keep-alive comments missed: the connection is dead. */
export const WATCHDOG_MS = 45_000;

/** The wait before reconnection attempt `attempt` (0-based): 1 s doubled each time, capped. */
export function reconnectDelay(attempt: number, requestedMs?: number): number {
  const doubled = FIRST_DELAY_MS * 2 ** Math.min(attempt, 10);
  return Math.min(MAX_DELAY_MS, Math.max(doubled, requestedMs ?? 0));
}

/** Reads the stream, and reads it again after every drop, until `stop()`. */
export function followEventStream(options: FollowOptions): { stop: () => void } {
  let stopped = false;
  let lastEventId = options.lastEventId;
  let attempt = 0;
  let requestedMs: number | undefined;
  let controller: AbortController | undefined;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;

  const scheduleRetry = (reason: string): void => {
    if (stopped) return;
    const delay = reconnectDelay(attempt, requestedMs);
    attempt += 1;
    options.onState({ kind: 'reconnecting', at: Date.now() + delay, reason });
    retryTimer = setTimeout(() => void connect(), delay);
  };

  const connect = async (): Promise<void> => {
    if (stopped) return;
    controller = new AbortController();
    const signal = controller.signal;
    let watchdog: ReturnType<typeof setTimeout> | undefined;
    const arm = (): void => {
      clearTimeout(watchdog);
      watchdog = setTimeout(() => controller?.abort(new Error('no data for 45 s')), WATCHDOG_MS);
    };
    options.onState({ kind: 'connecting' });
    try {
      arm();
      const response = await fetch(options.url, {
        headers: { ...options.headers, accept: 'text/event-stream', ...(lastEventId !== '' ? { 'last-event-id': lastEventId } : {}) },
        signal,
      });
      if (!response.ok || !response.body) {
        const body = await response.text().catch(() => '');
        clearTimeout(watchdog);
        if (response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429) {
          stopped = true;
          options.onState({ kind: 'stopped', reason: `the service refused the stream (${response.status})` });
          options.onRefused(response.status, body);
          return;
        }
        scheduleRetry(`the service answered ${response.status}`);
        return;
      }
      attempt = 0;
      options.onState({ kind: 'connected' });
      const parser = new EventStreamParser();
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        arm();
        const messages = parser.push(value);
        requestedMs = parser.retryMs ?? requestedMs;
        if (messages.length === 0 || stopped) continue;
        const last = messages[messages.length - 1];
        if (last && last.id !== '') lastEventId = last.id;
        options.onMessages(messages);
      }
      clearTimeout(watchdog);
      scheduleRetry('the stream ended');
    } catch {
      clearTimeout(watchdog);
      if (stopped) return;
      const reason = signal.aborted ? String((signal.reason as Error | undefined)?.message ?? 'aborted') : 'the service is unreachable';
      scheduleRetry(reason);
    }
  };

  void connect();
  return {
    stop: () => {
      stopped = true;
      clearTimeout(retryTimer);
      controller?.abort(new Error('stopped'));
    },
  };
}
