/**
 * The service's state: the fold of the ledger's entries (entries.ts) through the engine's `step`.
 * Pure and deterministic: the same entries give the same state and the same events, with the same
 * ids, whether they arrive live or are replayed at start-up. It reads no clock; every time it
 * needs is in the entries.
 *
 * Ticks are where the work is. Every account holding a tick's instrument gets a `mark`, but the
 * risk index (risk-index.ts) names only the accounts the tick can cross; those are stepped, in
 * creation order. The others cannot have an event (quiet-band.ts), so for them a mark changes the
 * marks, the time and the sequence only, and that is done lazily: their tick class counts the tick
 * (tick-classes.ts) and `materialize` applies it when the account is next read or stepped. A
 * tick's funding and financing move money, which no band speaks for: every account holding a paid
 * instrument is stepped for them (after its mark), and its bands are computed afresh. The
 * reference for all of this is the naive fold in scenario-export.ts, which steps every mark; the
 * service's differential tests hold the two to the same events and the same state hash.
 */
import {
  builtInVenueIds, eventToJson, formatInstant, parseInstant, parseScenario, step,
  type Command, type EngineEvent, type EngineState, type StepResult,
} from '../../core/index.js';
import { add, decimal, subtract, type Decimal } from '../../core/money/decimal.js';
import type { Price } from '../../core/money/units.js';
import {
  commandFromJson, commandToJson, deadlineMark, heldInstruments, openMark, sameDecimal, tickMark, tickPayment, venueKeyOf,
} from './account-marks.js';
import type { CommandJson, KeyScope, LedgerEntry, StoredEvent } from './entries.js';
import type { LiveAccount } from './live-account.js';
import { quietBands } from './quiet-band.js';
import { InstrumentRegistry } from './instrument-registry.js';
import { RiskIndex } from './risk-index.js';
import { parseTick, type ParsedTick } from './ticks.js';
import { TickClasses } from './tick-classes.js';

export const VENUE_KEYS: readonly string[] = builtInVenueIds();

/** The `always` reason of an account whose quiet bands are not computed yet. */
export const NOT_KEYED = 'its bands are not computed yet';

export interface KeyRecord {
  readonly id: string;
  readonly hash: string;
  readonly scopes: readonly KeyScope[];
  readonly name?: string;
  /** An account key: it sees this account only. */
  readonly account?: string;
  readonly createdAt?: string;
  revoked: boolean;
}

export interface WebhookRecord {
  readonly id: string;
  readonly url: string;
  readonly secret: string;
  readonly types?: readonly string[];
  readonly account?: string;
  readonly createdAt: string;
  /** Events with a higher id are delivered to it. */
  readonly afterEvent: number;
  deleted: boolean;
}

/** What applying one entry did. */
export interface Applied {
  readonly seq: number;
  readonly events: readonly StoredEvent[];
}

/** What running one client command did: the entry to make durable (null: nothing changed). */
export interface CommandOutcome {
  readonly entry: LedgerEntry | null;
  readonly seq: number | null;
  readonly events: readonly StoredEvent[];
  readonly sequence: number;
  /** The engine's `rejected` event when the venue refused the command. */
  readonly rejected?: Readonly<Record<string, unknown>>;
  readonly rejectionCode?: string;
}

/** Service-wide figures kept as accounts change, for metrics. */
export interface ServiceTotals {
  positions: number;
  marginCalls: number;
  readonly debt: Map<string, Decimal>;
}

export class LiveState {
  /** The last entry applied. */
  seq = 0;
  /** The last event id given. */
  eventId = 0;
  /** Ticks applied so far (numbers them for the tick classes). */
  tickCount = 0;
  /** The last tick's time, in ms: a tick earlier than this is refused, and the service's clock never runs behind it. */
  feedLastMs = Number.NEGATIVE_INFINITY;
  readonly accounts = new Map<string, LiveAccount>();
  readonly slots: LiveAccount[] = [];
  /** Latest price per built-in venue and instrument. */
  readonly feed = new Map<string, Map<string, Price>>(VENUE_KEYS.map((venue) => [venue, new Map()]));
  readonly classes = new TickClasses();
  readonly index = new RiskIndex();
  /** What a funding or financing tick may name, per venue (checked at the edge, before the fold). */
  readonly instruments = new InstrumentRegistry();
  readonly keys = new Map<string, KeyRecord>();
  readonly webhooks = new Map<string, WebhookRecord>();
  adminKeyHash: string | null = null;
  readonly totals: ServiceTotals = { positions: 0, marginCalls: 0, debt: new Map() };
  /** Accounts with a margin call that carries a deadline. */
  readonly deadlineSlots = new Set<number>();
  /** Accounts stepped by ticks so far (for the benchmarks and metrics). */
  stepped = 0;
  /** Accounts whose quiet bands are still to be computed (NOT_KEYED). */
  readonly pending = new Set<number>();

  // ---------------------------------------------------------------------------------------------
  // Reading accounts.

  /** The account's state with every tick it has been given applied. */
  materialize(account: LiveAccount): EngineState {
    const tickClass = account.tickClass;
    if (!tickClass || tickClass.count === account.syncCount) return account.state;
    const { state } = account;
    const marks = new Map(state.snapshot.marks);
    const latest = this.feed.get(account.venueKey);
    for (const symbol of tickClass.symbols) {
      const price = latest?.get(symbol);
      if (price) marks.set(symbol as never, price);
    }
    account.state = {
      ...state,
      snapshot: { ...state.snapshot, marks },
      time: tickClass.lastTime,
      sequence: state.sequence + (tickClass.count - account.syncCount),
    };
    account.syncCount = tickClass.count;
    return account.state;
  }

  feedPrice(venueKey: string, symbol: string): Price | undefined {
    return this.feed.get(venueKey)?.get(symbol);
  }

  // ---------------------------------------------------------------------------------------------
  // The fold.

  apply(entry: LedgerEntry): Applied {
    const seq = this.seq + 1;
    const events: StoredEvent[] = [];
    switch (entry.type) {
      case 'account': this.createAccount(entry, seq); break;
      case 'commands': {
        const account = this.account(entry.account);
        for (const json of entry.body.commands) {
          const result = step(this.materialize(account), commandFromJson(account.state, json));
          if (result.events.some((event) => event.type === 'rejected')) {
            throw new Error(`ledger entry ${seq}: the engine refuses a command it accepted when it was written`);
          }
          this.afterStep(account, result, seq, events);
        }
        break;
      }
      case 'ticks':
        for (const tick of entry.body.ticks) this.applyTick(parseTick(tick), seq, events);
        break;
      case 'deadline': {
        const account = this.account(entry.account);
        const time = parseInstant(entry.body.time);
        if (!time) throw new Error(`ledger entry ${seq}: a deadline without a time`);
        const mark = deadlineMark(this.materialize(account), time);
        if (mark) this.afterStep(account, step(account.state, mark), seq, events);
        break;
      }
      default: this.applyAccess(entry);
    }
    this.seq = seq;
    return { seq, events };
  }

  /** Entries that change who may do what, and where events go: keys, webhooks, the admin key. */
  private applyAccess(entry: Extract<LedgerEntry, { type: 'key' | 'key-revoked' | 'webhook' | 'webhook-deleted' | 'admin-key' }>): void {
    switch (entry.type) {
      case 'key':
        this.keys.set(entry.body.id, {
          id: entry.body.id, hash: entry.body.hash, scopes: entry.body.scopes, createdAt: entry.body.createdAt,
          ...(entry.body.name !== undefined ? { name: entry.body.name } : {}), revoked: false,
        });
        return;
      case 'key-revoked': {
        const key = this.keys.get(entry.body.id);
        if (key) key.revoked = true;
        return;
      }
      case 'webhook':
        this.webhooks.set(entry.body.id, {
          id: entry.body.id, url: entry.body.url, secret: entry.body.secret, createdAt: entry.body.createdAt,
          ...(entry.body.types ? { types: entry.body.types } : {}), ...(entry.body.account ? { account: entry.body.account } : {}),
          afterEvent: this.eventId, deleted: false,
        });
        return;
      case 'webhook-deleted': {
        const hook = this.webhooks.get(entry.body.id);
        if (hook) hook.deleted = true;
        return;
      }
      case 'admin-key': this.adminKeyHash = entry.body.hash;
    }
  }

  /**
   * A client's command to an account (spec/service.md): an open first takes the feed's latest
   * price as a mark; the command is then stepped. What the engine accepted is the entry to make
   * durable; a refusal changes nothing (but the mark, which is kept).
   */
  runCommand(accountId: string, json: CommandJson, parsed?: Command): CommandOutcome {
    const account = this.account(accountId);
    const time = parseInstant(json.time);
    if (!time) throw new TypeError('a command reaches the fold with its time');
    // The edge has parsed it already (to answer 400 naming the field): only its time was missing.
    const state = this.materialize(account);
    const command = parsed ? { ...parsed, time } : commandFromJson(state, json);
    const seq = this.seq + 1;
    const kept: CommandJson[] = [];
    const events: StoredEvent[] = [];
    if (command.type === 'open') {
      const symbol = command.position.instrument.symbol;
      const mark = openMark(account.state, symbol, this.feedPrice(account.venueKey, symbol), time);
      const result = mark ? step(account.state, mark) : undefined;
      if (mark && result && !isRejection(result)) {
        kept.push(commandToJson(mark));
        this.afterStep(account, result, seq, events);
      }
    }
    const result = step(account.state, command);
    let rejected: EngineEvent | undefined;
    if (isRejection(result)) {
      rejected = result.events[0];
    } else {
      kept.push(json);
      this.afterStep(account, result, seq, events);
    }
    if (kept.length === 0) {
      return {
        entry: null, seq: null, events: [], sequence: account.state.sequence,
        ...(rejected ? { rejected: eventToJson(rejected), rejectionCode: rejected.fields.code ?? 'risk/rejected' } : {}),
      };
    }
    this.seq = seq;
    return {
      entry: { type: 'commands', account: accountId, body: { commands: kept } },
      seq,
      events,
      sequence: account.state.sequence,
      ...(rejected ? { rejected: eventToJson(rejected), rejectionCode: rejected.fields.code ?? 'risk/rejected' } : {}),
    };
  }

  /** Deadline entries due at `clockMs`: Reg T calls whose cure period has ended, with no tick to act on them. */
  dueDeadlines(clockMs: number): LedgerEntry[] {
    const due: LedgerEntry[] = [];
    for (const slot of [...this.deadlineSlots].sort((a, b) => a - b)) {
      const account = this.slots[slot] as LiveAccount;
      const state = this.materialize(account);
      const deadlines = [...state.marginCalls.values()].flatMap((call) => (call.deadlineMs !== undefined ? [call.deadlineMs] : []));
      const earliest = Math.min(...deadlines);
      // Due, and no command has carried a time at or past it yet (that command acted on it).
      if (!(earliest <= clockMs) || (state.time !== null && state.time.ms >= earliest)) continue;
      due.push({ type: 'deadline', account: account.id, body: { time: formatInstant(earliest) } });
    }
    return due;
  }

  // ---------------------------------------------------------------------------------------------

  private account(id: string): LiveAccount {
    const account = this.accounts.get(id);
    if (!account) throw new Error(`no account ${id} in the ledger`);
    return account;
  }

  private createAccount(entry: LedgerEntry & { type: 'account' }, seq: number): void {
    const scenario = parseScenario({ account: entry.body.snapshot, ...(entry.body.market !== undefined ? { market: entry.body.market } : {}) });
    if (!scenario.ok) throw new Error(`ledger entry ${seq}: an account the service accepted does not parse`);
    const account: LiveAccount = {
      id: entry.account,
      slot: this.slots.length,
      venueKey: venueKeyOf(scenario.value.source.venue),
      source: scenario.value.source,
      start: { snapshot: entry.body.snapshot, ...(entry.body.market !== undefined ? { market: entry.body.market } : {}) },
      createdSeq: seq,
      keyId: entry.body.key.id,
      state: scenario.value.start,
      tickClass: null,
      syncCount: 0,
      eventCounts: new Map(),
      always: null,
      ranges: null,
    };
    this.accounts.set(account.id, account);
    this.slots.push(account);
    this.instruments.add(account.venueKey, account.state.instruments.values());
    this.keys.set(entry.body.key.id, { id: entry.body.key.id, hash: entry.body.key.hash, scopes: [], account: account.id, revoked: false });
    this.count(account.state, 1);
    this.rekey(account);
  }

  /** An account as a snapshot saved it (snapshot-codec.ts): its state as of its last step, and how far its class had counted. */
  restoreAccount(saved: {
    readonly id: string; readonly start: LiveAccount['start']; readonly createdSeq: number; readonly keyId: string;
    readonly state: EngineState; readonly source: LiveAccount['source']; readonly syncCount: number;
    readonly eventCounts: Map<string, number>; readonly ranges: LiveAccount['ranges']; readonly always: string | null;
  }): LiveAccount {
    const account: LiveAccount = {
      id: saved.id, slot: this.slots.length, venueKey: venueKeyOf(saved.source.venue), source: saved.source, start: saved.start,
      createdSeq: saved.createdSeq, keyId: saved.keyId, state: saved.state, tickClass: null, syncCount: 0,
      eventCounts: saved.eventCounts, always: null, ranges: null,
    };
    this.accounts.set(account.id, account);
    this.slots.push(account);
    this.instruments.add(account.venueKey, account.state.instruments.values());
    this.count(account.state, 1);
    this.rekey(account, { ranges: saved.ranges, syncCount: saved.syncCount, always: saved.always });
    return account;
  }

  private applyTick(tick: ParsedTick, seq: number, events: StoredEvent[]): void {
    this.tickCount += 1;
    const venues = tick.venue !== undefined ? [tick.venue] : VENUE_KEYS;
    const candidates = new Set<number>();
    for (const venue of venues) {
      for (const [symbol, price] of tick.approximate) this.index.collect(venue, symbol, price, candidates);
    }
    const slots: number[] = [];
    for (const slot of [...candidates].sort((a, b) => a - b)) {
      const account = this.slots[slot] as LiveAccount;
      this.materialize(account);
      // An account not keyed yet is keyed now, on its marks before this tick: the tick may well
      // be inside its bands, and then it is not stepped either.
      if (account.always === NOT_KEYED && this.key(account) && this.quietFor(account, tick, venues)) continue;
      slots.push(slot);
    }
    for (const venue of venues) {
      const latest = this.feed.get(venue);
      if (!latest) continue;
      for (const [symbol, price] of tick.prices) latest.set(symbol, price);
      this.classes.tick(venue, tick.prices.keys(), tick.time, this.tickCount);
    }
    if (tick.time.ms > this.feedLastMs) this.feedLastMs = tick.time.ms;
    const marked = new Set(slots);
    const payers = this.payers(tick, venues);
    for (const slot of [...new Set([...slots, ...payers])].sort((a, b) => a - b)) {
      const account = this.slots[slot] as LiveAccount;
      if (marked.has(slot)) {
        const mark = tickMark(account.state, account.venueKey, tick.venue, tick.prices, tick.time);
        this.stepped += 1;
        if (mark) this.afterStep(account, step(account.state, mark), seq, events);
        else this.rekey(account);
      }
      if (payers.has(slot)) this.pay(account, tick, seq, events);
    }
  }

  /**
   * The accounts a tick's funding or financing may reach: every one keyed under a paid instrument
   * at the tick's venues, banded or not. A payment moves money, so no quiet band speaks for it.
   */
  private payers(tick: ParsedTick, venues: readonly string[]): Set<number> {
    const found = new Set<number>();
    for (const payment of tick.payments) {
      for (const venue of venues) for (const slot of this.index.holders(venue, payment.instrument)) found.add(slot);
    }
    return found;
  }

  /** Steps a tick's funding and financing commands on one account, after its mark (applied lazily or stepped). */
  private pay(account: LiveAccount, tick: ParsedTick, seq: number, events: StoredEvent[]): void {
    for (const payment of tick.payments) {
      const state = this.materialize(account);
      const json = tickPayment(state, account.venueKey, tick.venue, payment, tick.time);
      if (!json) continue;
      this.stepped += 1;
      this.afterStep(account, step(state, commandFromJson(state, json)), seq, events);
    }
  }

  /** Takes a step's result into the account: events numbered and counted, figures and index updated. */
  private afterStep(account: LiveAccount, result: StepResult, seq: number, events: StoredEvent[]): void {
    this.count(account.state, -1);
    account.state = result.state;
    this.count(account.state, 1);
    for (const event of result.events) {
      this.eventId += 1;
      account.eventCounts.set(event.type, (account.eventCounts.get(event.type) ?? 0) + 1);
      events.push({
        id: this.eventId, seq, account: account.id, type: event.type,
        json: { id: this.eventId, account: account.id, ...eventToJson(event) },
      });
    }
    this.rekey(account);
  }

  private count(state: EngineState, sign: 1 | -1): void {
    this.totals.positions += sign * state.snapshot.positions.length;
    this.totals.marginCalls += sign * state.marginCalls.size;
    if (state.debt && state.debt.outstanding.units !== 0n) {
      const currency = state.snapshot.currency;
      const current = this.totals.debt.get(currency) ?? decimal(0n, state.snapshot.currencyDecimals);
      this.totals.debt.set(currency, sign > 0 ? add(current, state.debt.outstanding) : subtract(current, state.debt.outstanding));
    }
  }

  /**
   * Computes the quiet bands of accounts not keyed yet, for about `budgetMs` of work (all of them
   * when Infinity); returns how many are left. The service runs it when idle, so that making an
   * account costs no more than parsing it, and most are keyed before their first tick.
   */
  keyPending(budgetMs: number): number {
    const until = performance.now() + budgetMs;
    for (const slot of this.pending) {
      const account = this.slots[slot] as LiveAccount;
      this.materialize(account);
      this.key(account);
      if (performance.now() >= until) break;
    }
    return this.pending.size;
  }

  /** Keys an account not keyed yet by its quiet bands (on its current state); true when it got bands. */
  private key(account: LiveAccount): boolean {
    this.pending.delete(account.slot);
    const held = heldInstruments(account.state);
    const bands = quietBands(account.state);
    account.always = bands.kind === 'always' ? bands.reason : null;
    account.ranges = bands.kind === 'bands' ? bands.ranges : null;
    this.index.set(account.slot, account.venueKey, { ranges: new Map(held.map((symbol) => [symbol, account.ranges?.get(symbol) ?? 'always'])) });
    return account.ranges !== null;
  }

  /** Whether every price the tick gives the account lies inside its bands (the tick then changes nothing but its marks). */
  private quietFor(account: LiveAccount, tick: ParsedTick, venues: readonly string[]): boolean {
    if (!venues.includes(account.venueKey) || !account.ranges) return false;
    for (const [symbol, price] of tick.approximate) {
      const range = account.ranges.get(symbol);
      if (range && !(price >= range.lo && price <= range.hi)) return false;
    }
    return true;
  }

  /**
   * Files the account under the class of what it holds and keys it in the risk index: by its
   * quiet bands, or on every tick when the bands cannot speak for it (see `alwaysReason`). The
   * bands themselves are computed later (`keyPending`, or at the account's next tick): until then
   * the account is NOT_KEYED, and every tick of its instruments looks at it.
   */
  private rekey(account: LiveAccount, saved?: Pick<LiveAccount, 'ranges' | 'syncCount' | 'always'>): void {
    const { state } = account;
    const held = heldInstruments(state);
    if (held.length === 0) {
      this.pending.delete(account.slot);
      account.tickClass = null;
      account.syncCount = 0;
      account.always = null;
      account.ranges = null;
      this.index.remove(account.slot);
    } else {
      account.tickClass = this.classes.get(account.venueKey, held);
      account.syncCount = saved ? saved.syncCount : account.tickClass.count;
      account.always = saved ? saved.always : this.alwaysReason(account) ?? NOT_KEYED;
      account.ranges = account.always ? null : saved?.ranges ?? null;
      if (account.always === NOT_KEYED) this.pending.add(account.slot);
      else this.pending.delete(account.slot);
      const keyed = new Map<string, { lo: number; hi: number } | 'always'>();
      for (const symbol of held) keyed.set(symbol, account.ranges?.get(symbol) ?? 'always');
      this.index.set(account.slot, account.venueKey, { ranges: keyed });
    }
    const hasDeadline = [...state.marginCalls.values()].some((call) => call.deadlineMs !== undefined);
    if (hasDeadline) this.deadlineSlots.add(account.slot);
    else this.deadlineSlots.delete(account.slot);
  }

  /**
   * Where a lazily applied mark would not be what `step` does: the account's time is ahead of the
   * feed (its own command carried a later time: ticks before it are in its past and skip it), or
   * its marks are not the feed's latest (a snapshot's own marks), so the next tick must be stepped.
   */
  private alwaysReason(account: LiveAccount): string | null {
    const { state } = account;
    if (state.time && state.time.ms > this.feedLastMs) return 'its time is ahead of the feed';
    const latest = this.feed.get(account.venueKey);
    for (const symbol of heldInstruments(state)) {
      const price = latest?.get(symbol);
      const mark = state.snapshot.marks.get(symbol as never);
      if (price && (!mark || !sameDecimal(price, mark))) return `its mark of ${symbol} is not the feed's`;
    }
    return null;
  }
}

/** The venue refused the command: one `rejected` event, the state unchanged. */
function isRejection(result: StepResult): boolean {
  return result.events.some((event) => event.type === 'rejected');
}
