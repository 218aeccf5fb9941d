/**
 * The replay page's account, as the fields a person edits, and the scenario it makes
 * (spec/engine.md): the report.md snapshot with no position and the first bar's open as the mark,
 * then an `open` command at the first bar's time, then an optional `stop-loss` at the same time,
 * then the bars as the price file. That is exactly what examples/*.json hold, so a preset's
 * scenario is its example's, and `stopout replay` runs the same document.
 *
 * Reading goes the other way: a scenario (the URL's `s`) back into the fields. The core's problems
 * come back to the field they are about through their path (`commands[0].position.quantity`).
 */
import type { CrashPreset, VenueChoice } from '../../data/crashes/crashes.js';

export type FieldName = 'venue' | 'currency' | 'balance' | 'instrument' | 'side' | 'quantity' | 'leverage' | 'isolatedMargin' | 'stopLoss';

/** The venue select's choice for a venue given as JSON. */
export const CUSTOM_VENUE = 'custom';

export interface AccountForm {
  /** A built-in venue id, or CUSTOM_VENUE. */
  readonly venue: string;
  /** The venue as JSON when `venue` is CUSTOM_VENUE: `{"extends": "binance-usdm", ...}`. */
  readonly venueJson: string;
  readonly currency: string;
  readonly balance: string;
  readonly instrument: string;
  readonly positionId: string;
  readonly side: 'long' | 'short';
  readonly quantity: string;
  /** Empty: the position gives no leverage. */
  readonly leverage: string;
  /** Empty: cross margin. */
  readonly isolatedMargin: string;
  /** Empty: no stop-loss. */
  readonly stopLoss: string;
}

/** Where the position opens: the first bar's time and open. */
export interface Opening {
  readonly time: string;
  readonly price: string;
}

/** The scenario JSON the page runs, without its bars (they are `prices.file`). */
export interface ScenarioJson {
  readonly account: {
    readonly venue: unknown;
    readonly account: { readonly currency: string; readonly balance: string };
    readonly positions: readonly never[];
    readonly marks: Readonly<Record<string, string>>;
  };
  readonly commands: readonly Readonly<Record<string, unknown>>[];
  readonly prices: { readonly file: string; readonly instrument: string };
}

export type Built = { readonly ok: true; readonly scenario: ScenarioJson } | { readonly ok: false; readonly field: FieldName; readonly message: string };

function venueFields(venue: VenueChoice): Pick<AccountForm, 'venue' | 'venueJson'> {
  return typeof venue === 'string' ? { venue, venueJson: '' } : { venue: CUSTOM_VENUE, venueJson: JSON.stringify(venue) };
}

export function formFromPreset(preset: CrashPreset): AccountForm {
  return {
    ...venueFields(preset.venue),
    currency: preset.currency,
    balance: preset.balance,
    instrument: preset.instrument,
    positionId: preset.positionId,
    side: preset.side,
    quantity: preset.quantity,
    leverage: preset.leverage ?? '',
    isolatedMargin: preset.isolatedMargin ?? '',
    stopLoss: preset.stopLoss ?? '',
  };
}

export function sameForm(a: AccountForm, b: AccountForm): boolean {
  return (Object.keys(a) as (keyof AccountForm)[]).every((key) => a[key] === b[key]);
}

/** The venue JSON of a custom venue, or why it is not JSON. */
function readVenue(form: AccountForm): { ok: true; venue: unknown } | { ok: false; message: string } {
  if (form.venue !== CUSTOM_VENUE) return { ok: true, venue: form.venue };
  try {
    return { ok: true, venue: JSON.parse(form.venueJson) as unknown };
  } catch (error) {
    return { ok: false, message: `venue: not JSON: ${(error as Error).message}` };
  }
}

/**
 * The scenario of these fields over bars opening at `opening`, priced by `file`. Without an opening
 * (no price file yet), the same document without a mark or a time: enough for a link.
 */
export function buildScenario(form: AccountForm, opening: Opening | undefined, file: string): Built {
  const venue = readVenue(form);
  if (!venue.ok) return { ok: false, field: 'venue', message: venue.message };
  const time = opening ? { time: opening.time } : {};
  const position = {
    id: form.positionId,
    instrument: form.instrument,
    side: form.side,
    quantity: form.quantity,
    ...(form.leverage.trim() ? { leverage: form.leverage.trim() } : {}),
    ...(form.isolatedMargin.trim() ? { isolatedMargin: form.isolatedMargin.trim() } : {}),
  };
  const commands: Record<string, unknown>[] = [{ type: 'open', ...time, position }];
  if (form.stopLoss.trim()) commands.push({ type: 'stop-loss', ...time, position: form.positionId, price: form.stopLoss.trim() });
  return {
    ok: true,
    scenario: {
      account: {
        venue: venue.venue,
        account: { currency: form.currency, balance: form.balance },
        positions: [],
        marks: opening ? { [form.instrument]: opening.price } : {},
      },
      commands,
      prices: { file, instrument: form.instrument },
    },
  };
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/**
 * A scenario (the URL's `s`) back into the fields and its price file's name, or why this page
 * cannot edit it. The marks and times are not read: they come from the bars.
 */
export function readScenario(value: unknown, builtInVenues: readonly string[]): { ok: true; form: AccountForm; file: string } | { ok: false; message: string } {
  if (!isObject(value) || !isObject(value.account) || !Array.isArray(value.commands)) {
    return { ok: false, message: 's: not a scenario with an "account" and "commands"' };
  }
  const commands = value.commands.filter(isObject);
  const open = commands.find((command) => command.type === 'open');
  if (!open || !isObject(open.position)) return { ok: false, message: 's: the scenario has no "open" command for this page to replay' };
  const stop = commands.find((command) => command.type === 'stop-loss');
  const account = isObject(value.account.account) ? value.account.account : {};
  const prices = isObject(value.prices) ? value.prices : {};
  const venue = value.account.venue;
  const side = open.position.side === 'short' ? 'short' : 'long';
  return {
    ok: true,
    file: text(prices.file),
    form: {
      ...(typeof venue === 'string' && builtInVenues.includes(venue) ? { venue, venueJson: '' } : { venue: CUSTOM_VENUE, venueJson: JSON.stringify(venue ?? null) }),
      currency: text(account.currency),
      balance: text(account.balance),
      instrument: text(open.position.instrument) || text(prices.instrument),
      positionId: text(open.position.id),
      side,
      quantity: text(open.position.quantity),
      leverage: text(open.position.leverage),
      isolatedMargin: text(open.position.isolatedMargin),
      stopLoss: stop ? text(stop.price) : '',
    },
  };
}

const FIELD_OF_PATH: readonly (readonly [RegExp, FieldName])[] = [
  [/^account\.venue\b/, 'venue'],
  [/^account\.account\.currency\b/, 'currency'],
  [/^account\.account\.balance\b/, 'balance'],
  [/^account\.marks\b/, 'instrument'],
  [/^commands\[0\]\.position\.instrument\b/, 'instrument'],
  [/^commands\[0\]\.position\.side\b/, 'side'],
  [/^commands\[0\]\.position\.quantity\b/, 'quantity'],
  [/^commands\[0\]\.position\.leverage\b/, 'leverage'],
  [/^commands\[0\]\.position\.isolatedMargin\b/, 'isolatedMargin'],
  [/^commands\[1\]/, 'stopLoss'],
  [/^prices\.instrument\b/, 'instrument'],
];

/** The field a problem of the scenario is about, by its path; undefined when none is. */
export function fieldOfProblem(path: string): FieldName | undefined {
  return FIELD_OF_PATH.find(([pattern]) => pattern.test(path))?.[1];
}
