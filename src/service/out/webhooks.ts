/**
 * Webhooks out (spec/service.md, POST /v1/webhooks): every durable event goes, as a signed POST, to
 * each live webhook that asks for it (created before the event, its `types` and `account` if set),
 * in event-id order per account, retried with backoff on failure, then kept as a dead letter.
 *
 * Signing, the Standard Webhooks way (https://www.standardwebhooks.com/):
 *   webhook-signature = "v1," + base64(HMAC-SHA256(key, webhook-id + "." + webhook-timestamp + "." + body))
 *   key = base64-decode(the secret after its "whsec_" prefix); webhook-timestamp in unix seconds
 *   (wall clock, as receivers check it); webhook-id = "evt_<event id>", the same on every retry.
 * Retries, exponential backoff with jitter over the upper half, after the n-th failed attempt:
 *   delay(n) = u × min(webhookMaxDelayMs, webhookBaseDelayMs × 2^(n−1)),   u uniform in [0.5, 1]
 * A 2xx answer is delivered; anything else (another status, a network error, no answer within
 * 10 s) has failed. The `webhookAttempts`-th failure is dead, and the account's next event goes.
 * Every attempt is recorded in the ledger's deliveries (GET /v1/webhooks/{id}/deliveries).
 *
 * Each webhook has a lane: one queue per account (the head blocks the account's later events while
 * it waits for a retry; other accounts go on), at most CONCURRENT_ACCOUNTS attempts in flight. The
 * lane has a cursor, `loadedThrough`: every event up to it is queued, finished, or not for this
 * webhook. A lane that is caught up takes events from the bus as they become durable; one that is
 * behind (after a restart, or holding `heldEventsMax` events for a receiver that is down) reads
 * them back from the ledger a page at a time and goes back to the bus once it has caught up, so an
 * event is queued once, in order, and memory stays bounded. After a restart the first pages are
 * checked against the latest recorded attempts: delivered and dead events are skipped, failed ones
 * resume at the next attempt when their retry is due.
 *
 * Nothing here throws into the service: store and network failures are logged (rate-limited) and
 * retried.
 */
import type { ServiceContext } from '../context.js';
import type { StoredEvent } from '../live/entries.js';
import type { WebhookRecord } from '../live/live-state.js';
import type { DeliveryRecord, StoredDelivery } from '../ledger/store.js';
import { AttemptAborted, describeError, post, retryDelayMs, webhookHeaders, webhookWants } from './webhook-attempt.js';

export {
  retryDelayMs, signingKey, WEBHOOK_TIMEOUT_MS, webhookHeaders, webhookMessageId, webhookSignature, webhookWants,
} from './webhook-attempt.js';

/** Attempts in flight at once per webhook (one per account). */
export const CONCURRENT_ACCOUNTS = 8;
/** How long stop() lets attempts in flight finish before it aborts them. */
const STOP_GRACE_MS = 2_000;
/** After a failed ledger read (or an unexpected error), the next try. */
const RECOVER_MS = 1_000;
/** At most one log line this often. */
const LOG_EVERY_MS = 10_000;

// -------------------------------------------------------------------------------------------------
// Lanes.

export interface DispatcherSettings {
  /** Where failures are told, a line at a time (rate-limited); standard error when absent. */
  readonly log?: (line: string) => void;
  /** Events one webhook holds in memory (20 000); past it, later ones are read back from the ledger. */
  readonly heldEventsMax?: number;
  /** Events read from the ledger at a time (1000). */
  readonly pageSize?: number;
}

/** What the lanes share with the dispatcher. */
interface Runtime {
  readonly context: ServiceContext;
  readonly heldEventsMax: number;
  /** A lane behind the bus reads pages while it holds fewer than this. */
  readonly refillBelow: number;
  readonly pageSize: number;
  /** The controllers of the attempts in flight. */
  readonly open: Set<AbortController>;
  stopped(): boolean;
  /** Keeps a piece of work in view so that stop() can wait for it. */
  track(work: Promise<void>): void;
  record(delivery: DeliveryRecord): Promise<void>;
  log(message: string): void;
}

interface Pending {
  readonly event: StoredEvent;
  /** Attempts made so far. */
  attempts: number;
  /** Not before this (wall clock, ms). */
  notBefore: number;
}

interface AccountQueue {
  readonly account: string;
  readonly items: Pending[];
  timer: NodeJS.Timeout | null;
  running: boolean;
}

class WebhookLane {
  private readonly queues = new Map<string, AccountQueue>();
  /** Accounts whose head is due, oldest first. */
  private readonly ready = new Set<AccountQueue>();
  private running = 0;
  private held = 0;
  /** Every event up to this id is queued, finished, or not for this webhook. */
  private loadedThrough: number;
  /** Behind the bus: events come from the ledger, a page at a time. */
  private paged = false;
  private filling = false;
  private fillTimer: NodeJS.Timeout | null = null;
  /** The latest attempt per event before a restart; 'unread' until the first page. */
  private earlier: Map<number, StoredDelivery> | 'unread' | null;
  closed = false;

  constructor(private readonly runtime: Runtime, readonly hook: WebhookRecord, options: { readonly resume: boolean }) {
    this.loadedThrough = hook.afterEvent;
    this.earlier = options.resume ? 'unread' : null;
  }

  /** Starts it given the last event id the bus had published before it: behind that, it reads the ledger. */
  begin(published: number): void {
    if (this.loadedThrough < published) {
      this.paged = true;
      this.fill();
    } else {
      // Nothing made before it is for it, so nothing was attempted before a restart either.
      this.earlier = null;
    }
  }

  /** A batch of durable events from the bus, in id order. */
  take(events: readonly StoredEvent[]): void {
    if (this.closed) return;
    if (this.paged) {
      this.fill();
      return;
    }
    for (const event of events) {
      if (event.id <= this.loadedThrough) continue;
      if (this.held >= this.runtime.heldEventsMax) {
        // The rest is durable: read it back once the receiver has taken some.
        this.paged = true;
        return;
      }
      this.loadedThrough = event.id;
      if (webhookWants(this.hook, event)) this.enqueue(event, undefined);
    }
  }

  /** Stops its timers and starts nothing more; attempts in flight finish (and are recorded). */
  close(): void {
    this.closed = true;
    for (const queue of this.queues.values()) {
      if (queue.timer) clearTimeout(queue.timer);
      queue.timer = null;
    }
    if (this.fillTimer) clearTimeout(this.fillTimer);
    this.fillTimer = null;
    this.ready.clear();
    this.queues.clear();
    this.earlier = null;
  }

  private enqueue(event: StoredEvent, earlier: StoredDelivery | undefined): void {
    if (earlier && earlier.status !== 'failed') return;
    let queue = this.queues.get(event.account);
    if (!queue) {
      queue = { account: event.account, items: [], timer: null, running: false };
      this.queues.set(event.account, queue);
    }
    queue.items.push({ event, attempts: earlier ? earlier.attempt : 0, notBefore: earlier?.nextRetryMs ?? 0 });
    this.held += 1;
    if (queue.items.length === 1) this.schedule(queue);
  }

  /** Makes the account's head due now or at its retry time (unless it is already on its way). */
  private schedule(queue: AccountQueue): void {
    if (this.closed || queue.running || queue.timer || this.ready.has(queue)) return;
    const head = queue.items[0];
    if (!head) {
      this.queues.delete(queue.account);
      return;
    }
    const wait = head.notBefore - Date.now();
    if (wait > 0) {
      queue.timer = setTimeout(() => {
        queue.timer = null;
        if (this.closed) return;
        this.ready.add(queue);
        this.pump();
      }, wait);
      queue.timer.unref();
      return;
    }
    this.ready.add(queue);
    this.pump();
  }

  private pump(): void {
    while (!this.closed && this.running < CONCURRENT_ACCOUNTS) {
      const next = this.ready.values().next();
      if (next.done) return;
      const queue = next.value;
      this.ready.delete(queue);
      this.running += 1;
      queue.running = true;
      this.runtime.track(this.attempt(queue));
    }
  }

  private async attempt(queue: AccountQueue): Promise<void> {
    try {
      await this.deliverHead(queue);
    } catch (error) {
      // A bug, not the receiver: try again later rather than at once.
      this.runtime.log(`webhook ${this.hook.id}: ${describeError(error)}`);
      const head = queue.items[0];
      if (head) head.notBefore = Date.now() + RECOVER_MS;
    } finally {
      this.running -= 1;
      queue.running = false;
      this.schedule(queue);
      this.pump();
    }
  }

  private async deliverHead(queue: AccountQueue): Promise<void> {
    const item = queue.items[0];
    if (!item || this.closed) return;
    if (this.hook.deleted) {
      this.close();
      return;
    }
    const { event } = item;
    const attempt = item.attempts + 1;
    const body = JSON.stringify(event.json);
    const startedMs = Date.now();
    const outcome = await post(this.hook.url, webhookHeaders(this.hook.secret, event.id, startedMs, body), body, this.runtime.open);
    if (outcome.stopped) return;
    const { webhookAttempts, webhookBaseDelayMs, webhookMaxDelayMs } = this.runtime.context.options;
    let status: DeliveryRecord['status'];
    let nextRetryMs: number | null = null;
    if (outcome.delivered) {
      status = 'delivered';
    } else if (attempt >= webhookAttempts) {
      status = 'dead';
    } else {
      status = 'failed';
      nextRetryMs = Date.now() + retryDelayMs(attempt, webhookBaseDelayMs, webhookMaxDelayMs, Math.random());
    }
    if (nextRetryMs !== null) {
      item.attempts = attempt;
      item.notBefore = nextRetryMs;
    } else {
      queue.items.shift();
      this.held -= 1;
    }
    await this.runtime.record({
      webhook: this.hook.id, event: event.id, account: event.account, attempt, status,
      responseCode: outcome.responseCode, timeMs: startedMs, nextRetryMs, error: outcome.error,
    });
    if (this.paged) this.fill();
  }

  /** Reads events back from the ledger while it is behind the bus and has room. */
  private fill(): void {
    if (this.closed || !this.paged || this.filling || this.fillTimer || this.held >= this.runtime.refillBelow) return;
    this.filling = true;
    this.runtime.track(this.load().finally(() => { this.filling = false; }));
  }

  private async load(): Promise<void> {
    const { store, bus } = this.runtime.context;
    const { hook } = this;
    try {
      while (this.paged && !this.closed && !hook.deleted && !this.runtime.stopped() && this.held < this.runtime.refillBelow) {
        if (this.earlier === 'unread') {
          const earlier = await store.latestDeliveries(hook.id, this.loadedThrough);
          if (this.closed) return;
          this.earlier = earlier.size > 0 ? earlier : null;
        }
        // Everything up to `until` is durable; from here to the end of the turn nothing is published.
        const until = bus.highWater;
        if (this.loadedThrough >= until) {
          this.paged = false;
          return;
        }
        const page = await store.readEvents({ after: this.loadedThrough, limit: this.runtime.pageSize, ...(hook.account !== undefined ? { account: hook.account } : {}) });
        if (this.closed) return;
        let complete = page.length < this.runtime.pageSize;
        for (const event of page) {
          if (event.id > until) {
            complete = true;
            break;
          }
          this.loadedThrough = event.id;
          if (webhookWants(hook, event)) this.enqueue(event, this.takeEarlier(event.id));
        }
        if (complete) this.loadedThrough = Math.max(this.loadedThrough, until);
      }
    } catch (error) {
      this.runtime.log(`webhook ${hook.id}: reading the ledger failed (${describeError(error)}); trying again`);
      if (this.closed) return;
      this.fillTimer = setTimeout(() => {
        this.fillTimer = null;
        this.fill();
      }, RECOVER_MS);
      this.fillTimer.unref();
    }
  }

  private takeEarlier(eventId: number): StoredDelivery | undefined {
    if (!(this.earlier instanceof Map)) return undefined;
    const found = this.earlier.get(eventId);
    if (found) {
      this.earlier.delete(eventId);
      if (this.earlier.size === 0) this.earlier = null;
    }
    return found;
  }
}

// -------------------------------------------------------------------------------------------------

export class WebhookDispatcher {
  private readonly lanes = new Map<string, WebhookLane>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly open = new Set<AbortController>();
  private unsubscribe: (() => void) | null = null;
  /** The last event id the bus has given the dispatcher. */
  private published = 0;
  private started = false;
  private stopping: Promise<void> | null = null;
  private lastLogMs = Number.NEGATIVE_INFINITY;
  private unlogged = 0;
  private readonly runtime: Runtime;

  private readonly write: (line: string) => void;

  constructor(private readonly context: ServiceContext, settings: DispatcherSettings = {}) {
    this.write = settings.log ?? ((line) => process.stderr.write(line));
    const heldEventsMax = Math.max(1, settings.heldEventsMax ?? 20_000);
    this.runtime = {
      context,
      heldEventsMax,
      refillBelow: Math.max(1, Math.floor(heldEventsMax / 2)),
      pageSize: Math.max(1, settings.pageSize ?? 1_000),
      open: this.open,
      stopped: () => this.stopping !== null,
      track: (work) => this.track(work),
      record: (delivery) => this.record(delivery),
      log: (message) => this.log(message),
    };
  }

  /** Listens to the bus, and takes up what was left unfinished before a restart. */
  start(): void {
    if (this.started || this.stopping) return;
    this.started = true;
    this.published = this.context.bus.highWater;
    this.unsubscribe = this.context.bus.subscribe((events) => this.receive(events));
    try {
      for (const hook of this.context.live.webhooks.values()) {
        if (hook.deleted) continue;
        const lane = new WebhookLane(this.runtime, hook, { resume: true });
        this.lanes.set(hook.id, lane);
        lane.begin(this.published);
      }
    } catch (error) {
      this.log(`webhooks: resuming failed (${describeError(error)})`);
    }
  }

  /** Stops listening and retrying; attempts in flight get a moment to finish, then are aborted. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.unsubscribe?.();
      this.unsubscribe = null;
      for (const lane of this.lanes.values()) lane.close();
      this.lanes.clear();
      const abortAll = (): void => {
        for (const controller of this.open) controller.abort(new AttemptAborted('the service is stopping', true));
      };
      const grace = setTimeout(abortAll, STOP_GRACE_MS);
      grace.unref();
      while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
      clearTimeout(grace);
    })();
    return this.stopping;
  }

  private receive(events: readonly StoredEvent[]): void {
    if (this.stopping || events.length === 0) return;
    const published = this.published;
    this.published = Math.max(published, (events[events.length - 1] as StoredEvent).id);
    try {
      for (const hook of this.context.live.webhooks.values()) {
        if (hook.deleted) continue;
        let lane = this.lanes.get(hook.id);
        if (!lane) {
          lane = new WebhookLane(this.runtime, hook, { resume: false });
          this.lanes.set(hook.id, lane);
          lane.begin(published);
        }
        lane.take(events);
      }
      for (const [id, lane] of this.lanes) {
        if (!lane.hook.deleted) continue;
        lane.close();
        this.lanes.delete(id);
      }
    } catch (error) {
      this.log(`webhooks: taking events failed (${describeError(error)})`);
    }
  }

  private track(work: Promise<void>): void {
    const tracked = work.catch((error: unknown) => this.log(`webhooks: ${describeError(error)}`)).finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }

  private async record(delivery: DeliveryRecord): Promise<void> {
    try {
      await this.context.store.recordDelivery(delivery);
    } catch (error) {
      this.log(`webhook ${delivery.webhook}: recording the attempt at event ${delivery.event} failed (${describeError(error)})`);
    }
  }

  private log(message: string): void {
    const now = Date.now();
    if (now - this.lastLogMs < LOG_EVERY_MS) {
      this.unlogged += 1;
      return;
    }
    const more = this.unlogged > 0 ? ` (and ${this.unlogged} more since the last)` : '';
    this.lastLogMs = now;
    this.unlogged = 0;
    try {
      this.write(`stopout: ${message}${more}\n`);
    } catch {
      // Nowhere left to say it.
    }
  }
}
