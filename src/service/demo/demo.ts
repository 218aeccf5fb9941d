/**
 * `stopout serve --demo` (`npm start`): what a newcomer sees. A client of the running service,
 * through its HTTP API and the admin key only, exactly as a user would be:
 *
 * 1. POST /v1/accounts: 44 accounts at 8 venues (demo-accounts.ts), each snapshot checked by the
 *    core's parser first; every answer must be 201, else the demo prints the problem and stops.
 * 2. GET /v1/events/stream, opened first: one line per event as it becomes durable (demo-lines.ts).
 * 3. POST /v1/prices, one tick of every instrument every 250 ms, from seeded simulated paths
 *    (demo-feed.ts): tick 0 at the entry prices, the crash at tick 96 (about 24 s in), one simulated
 *    minute a tick before it and an hour after, so Reg T's cure period ends within the first minute.
 *    After 480 ticks (two minutes) one tick a second, to keep the ledger small.
 * 4. Every 10 s a tally from GET /v1/accounts, GET /v1/venues/{venue} and GET /v1/events.
 *
 * STOPOUT_DEMO_SPEED=4 runs it all four times faster in wall-clock time (the same ticks at the same
 * simulated times, a quarter of the wait between them): the test uses it. Nothing here throws:
 * a failure prints its problem+json and stops the demo, and the returned stop function ends the
 * feed, the tallies and the stream, and resolves.
 */
import { add, dec, formatInstant, type Decimal } from '../../core/index.js';
import type { RunningService } from '../service.js';
import { DEMO_ACCOUNTS, DEMO_VENUES, snapshotProblems } from './demo-accounts.js';
import { DemoFailure, ServiceClient, type Json } from './demo-client.js';
import { CRASH_TICK, DemoFeed, MINUTE_MS, type FeedTick } from './demo-feed.js';
import {
  ACCOUNT_WIDTH, ansi, clockText, crashLine, eventLine, plain, tallyLine, TYPE_WIDTH, type Paint, type Tally,
} from './demo-lines.js';

/** Wall-clock milliseconds between ticks at speed 1, before and after SLOW_AFTER_TICKS. */
const TICK_MS = 250;
const SLOW_TICK_MS = 1000;
const SLOW_AFTER_TICKS = 480;
const TALLY_MS = 10_000;
const RECONNECT_MS = 1000;

/** STOPOUT_DEMO_SPEED: a factor from 0.1 to 50 on the pace of ticks and tallies; 1 when absent or not a number. */
export function demoSpeed(value: string | undefined): number {
  const speed = value === undefined || value.trim() === '' ? 1 : Number(value);
  return Number.isFinite(speed) && speed >= 0.1 && speed <= 50 ? speed : 1;
}

/** Resolves after `ms`, or at once when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, Math.max(0, ms));
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

const currencyOf = new Map(DEMO_ACCOUNTS.map((account) => [account.id, account.currency]));

class Demo {
  private readonly controller = new AbortController();
  private readonly tasks: Promise<void>[] = [];
  private stopping: Promise<void> | null = null;
  private ticksSent = 0;
  private lastTickMs = 0;

  constructor(
    private readonly client: ServiceClient,
    private readonly out: (line: string) => void,
    private readonly paint: Paint,
    private readonly speed: number,
  ) {}

  private get signal(): AbortSignal {
    return this.controller.signal;
  }

  private get stopped(): boolean {
    return this.signal.aborted;
  }

  intro(keyText: string): void {
    const url = this.client.url;
    const crashSeconds = Math.round((CRASH_TICK * TICK_MS) / this.speed / 1000);
    const venues = DEMO_VENUES.length;
    this.out(this.paint(`Stopout demo: ${DEMO_ACCOUNTS.length} accounts at ${venues} venues, from 2x to 1:500, on a live simulated price feed.`, 'bold'));
    this.out(`Ticks go to POST /v1/prices; about ${crashSeconds} s in, every market gaps at once. Times are simulated, UTC.`);
    this.out(this.paint(`The app (calculator, simulator, crash replays): ${url}/`, 'bold'));
    this.out(this.paint(`The live dashboard (it asks for the admin key): ${url}/#/dashboard`, 'bold'));
    this.out(`API reference: ${url}/docs    Stop: Ctrl-C    Watch the raw events yourself:`);
    this.out(`  curl -N -H "Authorization: Bearer ${keyText}" ${url}/v1/events/stream`);
  }

  /** Sets everything up; false (with the problem printed) when the demo cannot go on. */
  async start(startMs: number): Promise<boolean> {
    try {
      const problems = snapshotProblems();
      if (problems.length > 0) {
        throw new DemoFailure('a demo account is not a valid snapshot', problems.map(({ id, problems: list }) => `${id}: ${list.map((each) => each.message).join('; ')}`).join('\n'));
      }
      await this.openStream();
      for (const account of DEMO_ACCOUNTS) {
        await this.client.expect('POST', '/v1/accounts', 201, account.body, this.signal);
      }
      this.out(`Created ${DEMO_ACCOUNTS.length} accounts at ${DEMO_VENUES.length} venues: every POST /v1/accounts answered 201.`);
      this.out(this.paint(`${'when'.padEnd(9)}  ${'account'.padEnd(ACCOUNT_WIDTH)} ${'event'.padEnd(TYPE_WIDTH)} amounts`, 'dim'));
      for (const account of DEMO_ACCOUNTS) {
        for (const command of account.commands) {
          await this.client.expect('POST', `/v1/accounts/${account.id}/commands`, 200, { ...command, time: formatInstant(startMs) }, this.signal);
        }
      }
      const feed = new DemoFeed(startMs);
      const first = feed.next();
      const answer = await this.postTick(first);
      const events = Number(answer.events);
      this.out(`${clockText(first.timeMs)}  the feed's first tick, at the accounts' entry prices: ${events} events${events === 0 ? '' : ' (expected none)'}`);
      this.tasks.push(this.runFeed(feed, first), this.runTallies());
      return true;
    } catch (error) {
      this.fail(error);
      return false;
    }
  }

  private fail(error: unknown): void {
    if (this.stopped) return;
    if (error instanceof DemoFailure) {
      this.out(`demo: ${error.message}:`);
      this.out(error.detail);
      const hint = /answered 401/.test(error.message) ? ' (set STOPOUT_ADMIN_KEY to this ledger\'s admin key)'
        : /answered 409/.test(error.message) ? ' (this ledger already holds the demo\'s accounts: leave out --data for a fresh one)' : '';
      this.out(`demo: stopped${hint}. The service goes on at ${this.client.url}; Ctrl-C stops it.`);
    } else {
      this.out(`demo: stopped: ${error instanceof Error ? error.message : String(error)}. The service goes on at ${this.client.url}; Ctrl-C stops it.`);
    }
    this.controller.abort();
  }

  private async postTick(tick: FeedTick): Promise<Json> {
    const answer = await this.client.expect('POST', '/v1/prices', 200, { time: formatInstant(tick.timeMs), prices: tick.prices }, this.signal);
    this.ticksSent += 1;
    this.lastTickMs = tick.timeMs;
    return answer;
  }

  /** Tick after tick until stopped, at the demo's pace; the crash is announced as it is sent. */
  private async runFeed(feed: DemoFeed, first: FeedTick): Promise<void> {
    let previous = first;
    let due = performance.now();
    try {
      while (!this.stopped) {
        const interval = (this.ticksSent >= SLOW_AFTER_TICKS ? SLOW_TICK_MS : TICK_MS) / this.speed;
        due = Math.max(due + interval, performance.now());
        await sleep(due - performance.now(), this.signal);
        if (this.stopped) break;
        const tick = feed.next();
        if (tick.index === CRASH_TICK) this.out(crashLine(tick.timeMs, previous.prices, tick.prices, this.paint));
        if (tick.index === SLOW_AFTER_TICKS) this.out(this.paint(`${clockText(tick.timeMs)}  (two minutes in: one tick a second from now on, to keep the ledger small)`, 'dim'));
        await this.postTick(tick);
        previous = tick;
      }
    } catch (error) {
      this.fail(error);
    }
  }

  /** Connects the event stream (resolving once the service has answered) and keeps it open. */
  private openStream(): Promise<void> {
    return new Promise((resolve, reject) => {
      let opened = false;
      const task = (async () => {
        let lastId: string | undefined;
        while (!this.stopped) {
          try {
            const onOpen = (): void => {
              if (!opened) resolve();
              opened = true;
            };
            for await (const message of this.client.events(this.signal, lastId, onOpen)) {
              if (message.id !== undefined) lastId = message.id;
              this.print(message.data);
            }
          } catch (error) {
            if (this.stopped) break;
            if (!opened) {
              reject(error instanceof DemoFailure ? error : new DemoFailure('GET /v1/events/stream: the service did not answer', String((error as Error).message)));
              return;
            }
          }
          // The stream ended (the service restarting?): resume after the last event seen.
          await sleep(RECONNECT_MS, this.signal);
        }
        if (!opened) resolve();
      })();
      this.tasks.push(task);
    });
  }

  private print(data: string): void {
    let event: Json;
    try {
      event = JSON.parse(data) as Json;
    } catch {
      this.out(`(an event that is not JSON: ${data.slice(0, 80)})`);
      return;
    }
    const currency = currencyOf.get(String(event.account)) ?? '';
    this.out(eventLine(event, currency, this.paint));
  }

  /** Every 10 s (at speed 1): accounts, margin calls open, liquidations, deficits absorbed, debt. */
  private async runTallies(): Promise<void> {
    try {
      for (;;) {
        await sleep(Math.max(TALLY_MS / this.speed, 2000), this.signal);
        if (this.stopped) return;
        this.out(tallyLine(await this.tally(), this.paint));
      }
    } catch (error) {
      this.fail(error);
    }
  }

  private async pages(path: string): Promise<Json[]> {
    const items: Json[] = [];
    let after: string | null = null;
    do {
      const separator = path.includes('?') ? '&' : '?';
      const page = await this.client.expect('GET', `${path}${separator}limit=1000${after !== null ? `&after=${after}` : ''}`, 200, undefined, this.signal);
      items.push(...((page.items ?? []) as Json[]));
      after = typeof page.next === 'string' ? page.next : null;
    } while (after !== null);
    return items;
  }

  private async tally(): Promise<Tally> {
    const accounts = await this.pages('/v1/accounts');
    const liquidations = await this.pages('/v1/events?type=position-liquidated');
    let marginCallsOpen = 0;
    const absorbed = new Map<string, Decimal>();
    const debt = new Map<string, Decimal>();
    const plus = (totals: Map<string, Decimal>, currency: string, amount: unknown): void => {
      if (typeof amount === 'string') totals.set(currency, add(totals.get(currency) ?? dec('0'), dec(amount)));
    };
    for (const venue of DEMO_VENUES) {
      const totals = await this.client.expect('GET', `/v1/venues/${venue}`, 200, undefined, this.signal);
      marginCallsOpen += Number(totals.marginCallsOpen ?? 0);
      for (const each of (totals.currencies ?? []) as Json[]) {
        const currency = String(each.currency);
        const deficits = (each.deficitsAbsorbed ?? {}) as Json;
        for (const by of ['venue', 'insuranceFund', 'deleveraging']) plus(absorbed, currency, deficits[by]);
        plus(debt, currency, each.debtOutstanding);
      }
    }
    return { accounts: accounts.length, marginCallsOpen, liquidations: liquidations.length, absorbed, debt };
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.controller.abort();
      await Promise.allSettled(this.tasks);
      this.out(`demo stopped after ${this.ticksSent} ticks${this.ticksSent > 0 ? ` (simulated time ${clockText(this.lastTickMs)})` : ''}.`);
    })();
    return this.stopping;
  }
}

/**
 * Runs the demo against a running service with its admin key; resolves once the accounts exist
 * and the feed runs (or the demo has stopped on a failure, said on standard output), with the
 * function that stops it.
 */
export async function runDemo(running: RunningService, adminKey: string): Promise<() => Promise<void>> {
  const paint = process.stdout.isTTY && !process.env.NO_COLOR ? ansi : plain;
  const out = (line: string): void => { process.stdout.write(`${line}\n`); };
  const demo = new Demo(new ServiceClient(running.url, adminKey), out, paint, demoSpeed(process.env.STOPOUT_DEMO_SPEED));
  const keyText = running.madeAdminKey ?? (process.env.STOPOUT_ADMIN_KEY !== undefined ? '$STOPOUT_ADMIN_KEY' : '<admin key>');
  demo.intro(keyText);
  // Simulated time starts at the wall clock's minute, so the first ticks read 10:00, 10:01, ...
  await demo.start(Math.floor(Date.now() / MINUTE_MS) * MINUTE_MS);
  return () => demo.stop();
}
