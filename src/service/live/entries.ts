/**
 * The ledger's entries: everything that changes the service's state, in the order it happened
 * (DESIGN.md, "The service"). The state is the fold of these entries (live-state.ts), so an entry
 * holds exactly what the fold needs and nothing the fold would have to look up elsewhere: every
 * command and tick carries its time (stamped by the service's clock when the client gave none),
 * and keys are stored as hashes.
 *
 * Entries are stored as JSON text; their shape is the ledger's on-disk format.
 */

/** One engine command as spec/engine.md writes it (a "mark", "open", "deposit", ...). */
export type CommandJson = Readonly<Record<string, unknown>> & { readonly type: string; readonly time: string };

/**
 * One tick of the price feed, as applied: `time` always present. Beside (or instead of) prices it
 * may carry perpetual funding rates and overnight financing terms, each a `funding` or `financing`
 * command for every account holding the instrument, after the tick's prices.
 */
export interface TickJson {
  readonly venue?: string;
  readonly time: string;
  readonly prices?: Readonly<Record<string, string>>;
  /** instrument -> funding rate (a fraction of notional; longs pay a positive one). */
  readonly funding?: Readonly<Record<string, string>>;
  /** instrument -> a financing command's terms: longRate and shortRate, or longPoints and shortPoints; days, dayCount. */
  readonly financing?: Readonly<Record<string, FinancingTerms>>;
}

/** The fields of a `financing` command (spec/engine.md) but its type, instrument and time. */
export type FinancingTerms = Readonly<Record<string, string>>;

export const KEY_SCOPES = ['prices:write', 'accounts:read', 'accounts:write'] as const;
export type KeyScope = (typeof KEY_SCOPES)[number];

export interface StoredKey {
  readonly id: string;
  /** sha256 of the key's secret part, hex. */
  readonly hash: string;
}

export type LedgerEntry =
  | {
    readonly type: 'account';
    readonly account: string;
    readonly body: { readonly snapshot: unknown; readonly market?: unknown; readonly key: StoredKey };
  }
  | { readonly type: 'commands'; readonly account: string; readonly body: { readonly commands: readonly CommandJson[] } }
  | { readonly type: 'ticks'; readonly body: { readonly ticks: readonly TickJson[] } }
  | { readonly type: 'deadline'; readonly account: string; readonly body: { readonly time: string } }
  | {
    readonly type: 'key';
    readonly body: StoredKey & { readonly scopes: readonly KeyScope[]; readonly name?: string; readonly createdAt: string };
  }
  | { readonly type: 'key-revoked'; readonly body: { readonly id: string } }
  | {
    readonly type: 'webhook';
    readonly body: {
      readonly id: string; readonly url: string; readonly secret: string; readonly createdAt: string;
      readonly types?: readonly string[]; readonly account?: string;
    };
  }
  | { readonly type: 'webhook-deleted'; readonly body: { readonly id: string } }
  | { readonly type: 'admin-key'; readonly body: { readonly hash: string } };

export type EntryType = LedgerEntry['type'];

/** An entry with its place in the log. */
export type SequencedEntry = LedgerEntry & { readonly seq: number };

/** The account an entry concerns, for the store's index (null: the whole service). */
export function entryAccount(entry: LedgerEntry): string | null {
  return 'account' in entry ? entry.account : null;
}

/** An event as the service stores and serves it: the engine's event plus its id and account. */
export interface StoredEvent {
  readonly id: number;
  /** The entry that produced it. */
  readonly seq: number;
  readonly account: string;
  readonly type: string;
  /** The JSON served: {"id", "account", "type", "time"?, ...the event's fields}. */
  readonly json: Readonly<Record<string, unknown>>;
}
