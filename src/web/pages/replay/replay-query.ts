/**
 * The replay page's state in the URL (spec/web.md): `#/replay?crash=<id>&preset=<n>` for a crash
 * with one of its preset accounts as it is, and `#/replay?s=<scenario>` once the account is edited
 * or the prices are the person's own, where `<scenario>` is the scenario JSON the page runs (its
 * bars left out: `prices.file` names the crash's CSV, or the person's file, which a link cannot
 * carry) in base64url. A URL this page cannot read falls back to the first crash and says why.
 */
import { builtInVenueIds } from '../../../core/index.js';
import { decodeState, encodeState } from '../../lib/url-state.js';
import { crashById, crashFileName, CRASHES, type Crash } from '../../data/crashes/crashes.js';
import { buildScenario, formFromPreset, readScenario, sameForm, type AccountForm, type Opening } from './replay-form.js';

export type Source = { readonly kind: 'crash'; readonly crash: Crash } | { readonly kind: 'own'; readonly fileName: string };

export interface PageState {
  readonly source: Source;
  readonly form: AccountForm;
  /** What was wrong with the URL, for a banner. */
  readonly problem?: string;
}

/** The name `prices.file` gives the bars. */
export function fileNameOf(source: Source): string {
  return source.kind === 'crash' ? crashFileName(source.crash.id) : source.fileName || 'prices.csv';
}

/** The preset of the crash these fields are, unedited; undefined once edited. */
export function presetIndex(state: PageState): number | undefined {
  if (state.source.kind !== 'crash') return undefined;
  const index = state.source.crash.presets.findIndex((preset) => sameForm(formFromPreset(preset), state.form));
  return index >= 0 ? index : undefined;
}

export function crashState(crash: Crash, preset = 0): PageState {
  const chosen = crash.presets[preset] ?? crash.presets[0];
  if (!chosen) throw new RangeError(`crash ${crash.id} has no preset account`);
  return { source: { kind: 'crash', crash }, form: formFromPreset(chosen) };
}

const FIRST = CRASHES[0] as Crash;

export function readQuery(query: URLSearchParams): PageState {
  const s = query.get('s');
  if (s !== null) {
    const decoded = decodeState(s);
    const read = decoded.ok ? readScenario(decoded.value, builtInVenueIds()) : decoded;
    if (!read.ok) return { ...crashState(FIRST), problem: read.message };
    const crash = CRASHES.find((each) => crashFileName(each.id) === read.file);
    return { source: crash ? { kind: 'crash', crash } : { kind: 'own', fileName: read.file }, form: read.form };
  }
  const id = query.get('crash');
  const crash = id === null ? FIRST : crashById(id);
  if (!crash) return { ...crashState(FIRST), problem: `crash: no crash "${id}"; the crashes are ${CRASHES.map((each) => each.id).join(', ')}` };
  const presetText = query.get('preset') ?? '0';
  const preset = /^\d+$/.test(presetText) ? Number(presetText) : -1;
  if (preset < 0 || preset >= crash.presets.length) {
    return { ...crashState(crash), problem: `preset: ${crash.title} has presets 0 to ${crash.presets.length - 1}, not "${presetText}"` };
  }
  return crashState(crash, preset);
}

/** The query of a state; undefined while a field cannot make a scenario (a venue that is not JSON). */
export function queryOf(state: PageState, opening: Opening | undefined): Record<string, string> | undefined {
  const preset = presetIndex(state);
  if (state.source.kind === 'crash' && preset !== undefined) return { crash: state.source.crash.id, preset: String(preset) };
  const built = buildScenario(state.form, opening, fileNameOf(state.source));
  return built.ok ? { s: encodeState(built.scenario) } : undefined;
}
