/**
 * The import contract (spec/import.md): a venue's own API responses in, a report.md snapshot out,
 * with every figure the venue reported kept beside it for `--check`.
 *
 * Importers are pure: JSON values in, JSON values out, no I/O and no clock, so the same code runs
 * in the CLI, the service and the browser. Decimals are the venue's own strings, used as sent.
 */

/** One file as the user gave it: its name (for messages) and its parsed JSON. */
export interface ImportFile {
  readonly name: string;
  readonly value: unknown;
}

/** One thing wrong with the input: the file, the field in it ("[1].positionAmt"), what is wrong. */
export interface ImportProblem {
  readonly file: string;
  readonly field: string;
  readonly message: string;
}

export function formatImportProblem(problem: ImportProblem): string {
  const where = [problem.file, problem.field].filter((part) => part !== '').join(': ');
  const text = where ? `${where}: ${problem.message}` : problem.message;
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f]/g, (character) => JSON.stringify(character).slice(1, -1));
}

/** The snapshot of spec/report.md, as JSON: every decimal a string. */
export interface TierJson {
  readonly floor: string;
  /** Left out at Hyperliquid where maxLeverage is given: the core derives 1 / (2 × maxLeverage). */
  readonly rate?: string;
  readonly deduction?: string;
  readonly maxLeverage?: string;
}

export interface InstrumentJson {
  readonly kind: 'linear' | 'inverse' | 'stock' | 'cfd';
  readonly assetClass: string;
  readonly contractSize: string;
  readonly tickSize?: string;
  readonly maxLeverage?: string;
  readonly maintenanceTiers?: readonly TierJson[];
  /** The currency P&L is counted in (MT5 SYMBOL_CURRENCY_PROFIT); converted to the account's at the conversion pair's mark. */
  readonly settlementCurrency?: string;
  /** MT5 SYMBOL_CURRENCY_MARGIN: the currency margin is counted in (forex: the base), converted likewise. */
  readonly marginCurrency?: string;
}

export interface PositionJson {
  readonly id: string;
  readonly instrument: string;
  readonly side: 'long' | 'short';
  readonly quantity: string;
  readonly entryPrice: string;
  readonly leverage?: string;
  readonly isolatedMargin?: string;
}

export interface SnapshotJson {
  readonly venue: string | Readonly<Record<string, unknown>>;
  readonly account: { readonly currency: string; readonly balance: string };
  readonly instruments?: Readonly<Record<string, InstrumentJson>>;
  readonly positions: readonly PositionJson[];
  readonly marks: Readonly<Record<string, string>>;
  /** The current funding rate per interval, by instrument, where the venue's data gives it. */
  readonly funding?: Readonly<Record<string, string>>;
  /** Overnight financing (swap) rates, by instrument, where the venue's data gives them. */
  readonly financing?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

/** The report figures the venue also reports, per position. */
export type CheckedField = 'liquidationPrice' | 'unrealizedPnl' | 'initialMargin' | 'maintenanceMargin' | 'notional';
export const CHECKED_FIELDS: readonly CheckedField[] = [
  'liquidationPrice', 'unrealizedPnl', 'initialMargin', 'maintenanceMargin', 'notional',
];

/**
 * A figure the venue reported about a position, as it sent it. `why` is what is already known to
 * make ours differ, said where a disagreement is shown (the venue keeps a fee reserve, the tiers
 * it sent are not the ones that held, it rounds its way). `tolerance` overrides the default of one
 * unit of the last decimal the venue sent (amounts) or one tick (prices).
 */
export interface VenueFigure {
  readonly position: string;
  readonly field: CheckedField;
  /** The venue's decimal string, unchanged; null where the venue says there is none (Binance "0"). */
  readonly venue: string | null;
  /** Where the figure came from, for the reader: "positionRisk.json [0].liquidationPrice". */
  readonly source: string;
  readonly why?: string;
}

export interface ImportOutcome {
  readonly snapshot: SnapshotJson;
  readonly figures: readonly VenueFigure[];
  /** Said on standard error: what was assumed where the venue's data is silent. */
  readonly warnings: readonly string[];
}

/** What an import step gives: its value, or every problem, each naming its file and field. */
export type ImportStep<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: readonly ImportProblem[] };

export type ImportResult = ImportStep<ImportOutcome>;

/** A kind of file a venue gives, recognised by its shape. */
export interface FileKind {
  /** "positionRisk", "leverageBracket", "account", ... */
  readonly id: string;
  /** How a user would name it: "positionRisk (GET /fapi/v2 or v3/positionRisk)". */
  readonly description: string;
  readonly matches: (value: unknown) => boolean;
}

/** The user's files sorted by kind; a kind may come in several files (several symbols' brackets). */
export type FilesByKind = ReadonlyMap<string, readonly ImportFile[]>;

export interface ImportOptions {
  /** ccxt: the venue id the unified objects come from (`--venue`). */
  readonly venue?: string;
}

export interface VenueImporter {
  /** The built-in venue id, or "ccxt". */
  readonly venue: string;
  readonly kinds: readonly FileKind[];
  /** Files sorted by kind in; the snapshot and the venue's own figures out, or every problem. */
  readonly build: (files: FilesByKind, options: ImportOptions) => ImportResult;
}
