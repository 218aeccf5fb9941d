/**
 * One webhook attempt, and what it is made of: the Standard Webhooks signature and headers, the
 * backoff before the next attempt, which webhooks want an event, and the POST itself (a 2xx within
 * WEBHOOK_TIMEOUT_MS delivers; anything else has failed). The dispatcher (webhooks.ts) decides when.
 */
import { createHmac } from 'node:crypto';
import type { StoredEvent } from '../live/entries.js';
import type { WebhookRecord } from '../live/live-state.js';

/** How long a receiver has to answer one attempt. */
export const WEBHOOK_TIMEOUT_MS = 10_000;
/** How much of a receiver's answer is read (and thrown away) so the connection can be reused. */
const RESPONSE_READ_MAX = 64 * 1024;

// -------------------------------------------------------------------------------------------------
// The pure parts.

/** The HMAC key of a Standard Webhooks secret: the base64 after `whsec_`. */
export function signingKey(secret: string): Buffer {
  return Buffer.from(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret, 'base64');
}

/** `v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`. */
export function webhookSignature(secret: string, messageId: string, timestampSeconds: number, body: string): string {
  return `v1,${createHmac('sha256', signingKey(secret)).update(`${messageId}.${timestampSeconds}.${body}`).digest('base64')}`;
}

/** The webhook-id of an event's message: stable across retries. */
export function webhookMessageId(eventId: number): string {
  return `evt_${eventId}`;
}

/** The headers of one attempt made at `nowMs` (wall clock). */
export function webhookHeaders(secret: string, eventId: number, nowMs: number, body: string): Record<string, string> {
  const id = webhookMessageId(eventId);
  const timestamp = Math.floor(nowMs / 1000);
  return {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': webhookSignature(secret, id, timestamp, body),
  };
}

/**
 * The wait after the `attempt`-th failed attempt (1-based), whole milliseconds:
 * ⌈(0.5 + 0.5·unit) × min(maxMs, baseMs × 2^(attempt−1))⌉, `unit` uniform in [0, 1).
 */
export function retryDelayMs(attempt: number, baseMs: number, maxMs: number, unit: number): number {
  const cap = Math.min(maxMs, baseMs * 2 ** (attempt - 1));
  return Math.ceil((0.5 + 0.5 * unit) * cap);
}

/** Whether a webhook gets an event: live, made before it, of a type and account it asks for. */
export function webhookWants(
  hook: Pick<WebhookRecord, 'deleted' | 'afterEvent' | 'types' | 'account'>,
  event: Pick<StoredEvent, 'id' | 'type' | 'account'>,
): boolean {
  return !hook.deleted && event.id > hook.afterEvent
    && (hook.types === undefined || hook.types.includes(event.type))
    && (hook.account === undefined || hook.account === event.account);
}

// -------------------------------------------------------------------------------------------------
// One HTTP attempt.

export interface Outcome {
  readonly delivered: boolean;
  readonly responseCode: number | null;
  readonly error: string | null;
  /** Cut short by stop(): not recorded, made again after the restart. */
  readonly stopped: boolean;
}

async function drain(response: Response): Promise<void> {
  const reader = response.body?.getReader();
  if (!reader) return;
  try {
    let read = 0;
    while (read < RESPONSE_READ_MAX) {
      const chunk = await reader.read();
      if (chunk.done) return;
      read += chunk.value.byteLength;
    }
    await reader.cancel();
  } catch {
    // The answer's status is what counts; a body cut short changes nothing.
  }
}

/** An error as one line, with its cause's code where there is one. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause as { code?: unknown; message?: unknown } | undefined;
  const detail = cause ? (typeof cause.code === 'string' ? cause.code : typeof cause.message === 'string' ? cause.message : '') : '';
  return detail ? `${error.message} (${detail})` : error.message;
}

/** What aborts an attempt: stop(), or the receiver's time running out. */
export class AttemptAborted extends Error {
  constructor(message: string, readonly stopped: boolean) {
    super(message);
    this.name = 'AttemptAborted';
  }
}

/**
 * One POST. `open` holds its controller while it runs, for stop() to abort. (A controller of its
 * own rather than AbortSignal.any over a long-lived signal, which some Node 20 releases leak.)
 */
export async function post(url: string, headers: Record<string, string>, body: string, open: Set<AbortController>): Promise<Outcome> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new AttemptAborted(`no answer within ${WEBHOOK_TIMEOUT_MS} ms`, false)), WEBHOOK_TIMEOUT_MS);
  open.add(controller);
  try {
    const response = await fetch(url, { method: 'POST', headers, body, redirect: 'manual', signal: controller.signal });
    await drain(response);
    const delivered = response.status >= 200 && response.status < 300;
    return {
      delivered, responseCode: response.status, stopped: false,
      error: delivered ? null : `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`,
    };
  } catch (error) {
    const reason: unknown = controller.signal.aborted ? controller.signal.reason : error;
    return { delivered: false, responseCode: null, error: describeError(reason), stopped: reason instanceof AttemptAborted && reason.stopped };
  } finally {
    clearTimeout(timer);
    open.delete(controller);
  }
}

