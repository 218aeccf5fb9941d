/**
 * The demo as a client of the service: plain HTTP with Node's global fetch and the admin key, as
 * any user would call it (spec/service.md). A refusal where the demo expects success becomes a
 * DemoFailure carrying the service's problem+json, for the demo to print and stop on.
 */

export type Json = Readonly<Record<string, unknown>>;

/** A request the demo needed and the service refused (or could not be reached for). */
export class DemoFailure extends Error {
  constructor(message: string, readonly detail: string) {
    super(message);
  }
}

export interface Answer {
  readonly status: number;
  readonly body: unknown;
}

export class ServiceClient {
  constructor(readonly url: string, private readonly key: string) {}

  private headers(json: boolean): Record<string, string> {
    return { authorization: `Bearer ${this.key}`, ...(json ? { 'content-type': 'application/json' } : {}) };
  }

  async send(method: 'GET' | 'POST', path: string, body?: unknown, signal?: AbortSignal): Promise<Answer> {
    let response: Response;
    try {
      response = await fetch(`${this.url}${path}`, {
        method, headers: this.headers(body !== undefined), ...(body !== undefined ? { body: JSON.stringify(body) } : {}), ...(signal ? { signal } : {}),
      });
    } catch (error) {
      if (signal?.aborted) throw error;
      throw new DemoFailure(`${method} ${path}: the service did not answer`, (error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message);
    }
    const textBody = await response.text();
    let parsed: unknown = textBody;
    try { parsed = textBody === '' ? null : JSON.parse(textBody); } catch { /* not JSON: kept as text */ }
    return { status: response.status, body: parsed };
  }

  /** The answer's body when its status is `expected`; else a DemoFailure with the problem. */
  async expect(method: 'GET' | 'POST', path: string, expected: number, body?: unknown, signal?: AbortSignal): Promise<Json> {
    const answer = await this.send(method, path, body, signal);
    if (answer.status !== expected) {
      const detail = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body, null, 2);
      throw new DemoFailure(`${method} ${path} answered ${answer.status}, not ${expected}`, detail);
    }
    return (answer.body ?? {}) as Json;
  }

  /**
   * Opens GET /v1/events/stream (after `lastId` when given), calls `onOpen` once the service has
   * answered, and yields each event as it arrives, until the stream ends or `signal` aborts.
   */
  async *events(signal: AbortSignal, lastId?: string, onOpen?: () => void): AsyncGenerator<ServerSentEvent> {
    const response = await fetch(`${this.url}/v1/events/stream`, {
      headers: { ...this.headers(false), accept: 'text/event-stream', ...(lastId ? { 'last-event-id': lastId } : {}) },
      signal,
    });
    if (response.status !== 200 || !response.body) {
      throw new DemoFailure(`GET /v1/events/stream answered ${response.status}`, await response.text());
    }
    onOpen?.();
    const parser = new EventStreamParser();
    const decoder = new TextDecoder();
    const reader = response.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        yield* parser.push(decoder.decode(value, { stream: true }));
      }
    } finally {
      reader.releaseLock();
    }
  }
}

/** One Server-Sent Event: its `id:`, `event:` and `data:` (lines joined by "\n"). */
export interface ServerSentEvent {
  readonly id?: string;
  readonly event?: string;
  readonly data: string;
}

/**
 * The text/event-stream format (WHATWG HTML, "Server-sent events", 9.2.6): lines of `field: value`,
 * an event ends at a blank line, lines starting with ":" are comments, and "\r\n", "\r" or "\n" end
 * a line. Text arrives in chunks cut anywhere; the parser keeps what is not yet a whole line.
 */
export class EventStreamParser {
  private buffer = '';
  private id: string | undefined;
  private event: string | undefined;
  private data: string[] = [];

  push(chunk: string): ServerSentEvent[] {
    this.buffer += chunk;
    const out: ServerSentEvent[] = [];
    for (;;) {
      const match = /\r\n|\r|\n/.exec(this.buffer);
      // A lone "\r" at the end may be the first half of "\r\n": wait for more.
      if (!match || (match[0] === '\r' && match.index === this.buffer.length - 1)) break;
      const line = this.buffer.slice(0, match.index);
      this.buffer = this.buffer.slice(match.index + match[0].length);
      const message = this.line(line);
      if (message) out.push(message);
    }
    return out;
  }

  private line(line: string): ServerSentEvent | undefined {
    if (line === '') {
      if (this.data.length === 0 && this.event === undefined) return undefined;
      const message = { ...(this.id !== undefined ? { id: this.id } : {}), ...(this.event !== undefined ? { event: this.event } : {}), data: this.data.join('\n') };
      this.event = undefined;
      this.data = [];
      return message;
    }
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'id') this.id = value;
    else if (field === 'event') this.event = value;
    else if (field === 'data') this.data.push(value);
    return undefined;
  }
}
