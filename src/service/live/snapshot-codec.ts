/**
 * Snapshots of the service's state: what bounds the recovery time (DESIGN.md: "restart = the last
 * snapshot + the log's tail, checked by the state hash"). A snapshot is an optimisation, never a
 * second source of truth: it holds exactly the fold's state at one log position, and start-up
 * folds the entries after it.
 *
 * Capture is synchronous and cheap (engine states are immutable, so references are kept, and
 * only the small mutable parts are copied); the JSON is written afterwards in chunks of
 * ACCOUNTS_PER_CHUNK accounts, one chunk per turn of the event loop, so a large service keeps
 * answering while it snapshots. Chunk 0 holds everything but the accounts.
 *
 * Each account is saved as the engine's own saved state (../../core/engine/state-json.ts), with
 * its state hash; restoring parses it back and checks the hash, account by account.
 */
import { createHash } from 'node:crypto';
import { parseInstant, parseScenario, stateToJson, toDecimalString, type EngineState, type Instant } from '../../core/index.js';
import { parseDecimal } from '../../core/money/decimal.js';
import type { Price } from '../../core/money/units.js';
import type { LiveAccount } from './live-account.js';
import type { KeyRecord, LiveState, WebhookRecord } from './live-state.js';
import { stateHash } from './state-hash.js';

export const ACCOUNTS_PER_CHUNK = 1000;
const FORMAT = 1;

interface SavedAccount {
  readonly id: string;
  readonly start: LiveAccount['start'];
  readonly createdSeq: number;
  readonly keyId: string;
  readonly state: Record<string, unknown>;
  readonly hash: string;
  readonly syncCount: number;
  readonly eventCounts: Record<string, number>;
  readonly ranges: [string, number | null, number | null][] | null;
  readonly always: string | null;
}

interface SavedHeader {
  readonly format: number;
  readonly seq: number;
  readonly eventId: number;
  readonly tickCount: number;
  readonly feedLastMs: number | null;
  readonly feed: Record<string, Record<string, string>>;
  readonly classes: { venue: string; symbols: string[]; count: number; lastTime: string | null; lastTick: number }[];
  readonly keys: KeyRecord[];
  readonly webhooks: WebhookRecord[];
  readonly adminKeyHash: string | null;
  readonly accounts: number;
}

interface CapturedAccount {
  readonly account: LiveAccount;
  readonly state: EngineState;
  readonly syncCount: number;
  readonly eventCounts: Record<string, number>;
  readonly ranges: LiveAccount['ranges'];
  readonly always: string | null;
}

/** The state at one log position, ready to be written out chunk by chunk. */
export interface Capture {
  readonly seq: number;
  readonly chunks: number;
  /** Chunk `index` as JSON text (0: the header). */
  chunk(index: number): string;
  /** The hash of everything written so far; final once every chunk has been made. */
  hash(): string;
}

const finite = (value: number): number | null => (Number.isFinite(value) ? value : null);

export function capture(live: LiveState): Capture {
  const header: SavedHeader = {
    format: FORMAT,
    seq: live.seq,
    eventId: live.eventId,
    tickCount: live.tickCount,
    feedLastMs: finite(live.feedLastMs),
    feed: Object.fromEntries([...live.feed].map(([venue, prices]) => [venue, Object.fromEntries([...prices].map(([symbol, price]) => [symbol, toDecimalString(price)]))])),
    classes: [...live.classes.all()].map((each) => ({
      venue: each.venue, symbols: [...each.symbols], count: each.count, lastTime: each.lastTime?.text ?? null, lastTick: each.lastTick,
    })),
    keys: [...live.keys.values()].map((key) => ({ ...key })),
    webhooks: [...live.webhooks.values()].map((hook) => ({ ...hook })),
    adminKeyHash: live.adminKeyHash,
    accounts: live.slots.length,
  };
  const accounts: CapturedAccount[] = live.slots.map((account) => ({
    account, state: account.state, syncCount: account.syncCount, eventCounts: Object.fromEntries(account.eventCounts), ranges: account.ranges,
    always: account.always,
  }));
  const digest = createHash('sha256');
  const chunks = 1 + Math.ceil(accounts.length / ACCOUNTS_PER_CHUNK);
  return {
    seq: live.seq,
    chunks,
    chunk(index) {
      let text: string;
      if (index === 0) {
        text = JSON.stringify(header);
      } else {
        const saved = accounts.slice((index - 1) * ACCOUNTS_PER_CHUNK, index * ACCOUNTS_PER_CHUNK).map((each): SavedAccount => {
          const state = stateToJson(each.state, each.account.source);
          return {
            id: each.account.id,
            start: each.account.start,
            createdSeq: each.account.createdSeq,
            keyId: each.account.keyId,
            state,
            hash: createHash('sha256').update(JSON.stringify(state)).digest('hex'),
            syncCount: each.syncCount,
            eventCounts: each.eventCounts,
            ranges: each.ranges ? [...each.ranges].map(([symbol, range]) => [symbol, finite(range.lo), finite(range.hi)]) : null,
            always: each.always,
          };
        });
        text = JSON.stringify(saved);
      }
      digest.update(text);
      return text;
    },
    hash: () => digest.copy().digest('hex'),
  };
}

/** Restores a captured state into an empty LiveState, chunk by chunk; throws when an account's state hash differs. */
export async function restore(live: LiveState, readChunk: (index: number) => Promise<string>, chunks: number): Promise<void> {
  const header = JSON.parse(await readChunk(0)) as SavedHeader;
  if (header.format !== FORMAT) throw new Error(`snapshot format ${header.format} is not ${FORMAT}`);
  live.seq = header.seq;
  live.eventId = header.eventId;
  live.tickCount = header.tickCount;
  live.feedLastMs = header.feedLastMs ?? Number.NEGATIVE_INFINITY;
  for (const [venue, prices] of Object.entries(header.feed)) {
    const latest = live.feed.get(venue) ?? new Map<string, Price>();
    for (const [symbol, text] of Object.entries(prices)) latest.set(symbol, parseDecimal(text) as Price);
    live.feed.set(venue, latest);
  }
  for (const saved of header.classes) {
    const lastTime: Instant | null = saved.lastTime === null ? null : parseInstant(saved.lastTime) ?? null;
    live.classes.restore({ venue: saved.venue, symbols: saved.symbols, count: saved.count, lastTime, lastTick: saved.lastTick });
  }
  for (const key of header.keys) live.keys.set(key.id, { ...key });
  for (const hook of header.webhooks) live.webhooks.set(hook.id, { ...hook });
  live.adminKeyHash = header.adminKeyHash;
  for (let index = 1; index < chunks; index++) {
    const saved = JSON.parse(await readChunk(index)) as SavedAccount[];
    for (const each of saved) {
      const parsed = parseScenario(each.state);
      if (!parsed.ok) throw new Error(`snapshot: account ${each.id}'s state does not parse`);
      const account = live.restoreAccount({
        id: each.id, start: each.start, createdSeq: each.createdSeq, keyId: each.keyId, state: parsed.value.start,
        source: parsed.value.source, syncCount: each.syncCount, eventCounts: new Map(Object.entries(each.eventCounts)),
        ranges: each.ranges ? new Map(each.ranges.map(([symbol, lo, hi]) => [symbol, { lo: lo ?? 0, hi: hi ?? Infinity }])) : null,
        always: each.always,
      });
      const hash = stateHash(account.state, account.source);
      if (hash !== each.hash) throw new Error(`snapshot: account ${each.id} restores to state hash ${hash}, saved as ${each.hash}`);
    }
  }
  if (live.slots.length !== header.accounts) throw new Error(`snapshot: ${live.slots.length} accounts restored of ${header.accounts}`);
}
