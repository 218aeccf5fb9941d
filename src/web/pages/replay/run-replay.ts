/**
 * The core's replay, run in the page: the scenario's commands, then its bars one at a time
 * (`replay(state, [], [bar], instrument)` threads the state exactly as one `replay` over all the
 * bars does, so the events are the CLI's), keeping after each bar the account's equity as the
 * report computes it (accountFiguresToJson of buildAccountFigures: balance + unrealised P&L at the
 * mark, in the account currency's decimals). The summary is the core's `summarize`, and the state
 * hash is `stopout replay --summary`'s: sha256 of the canonical saved state (stateToJson).
 *
 * A crash's few dozen bars take milliseconds. A person's own file may hold years of bars, so the
 * work goes in slices that give the page back between them and report progress; a newer run
 * cancels an older one.
 */
import {
  accountFiguresToJson, buildAccountFigures, eventToJson, replay, stateToJson, summarize, toDecimalString,
  type AccountSource, type Bar, type EngineEvent, type EngineState, type InstrumentId, type ReplaySummary, type Scenario,
} from '../../../core/index.js';

/** One bar as the core's strings, with the account's equity after it. */
export interface BarPoint {
  readonly time: string;
  readonly ms: number;
  readonly open: string;
  readonly high: string;
  readonly low: string;
  readonly close: string;
  readonly equity: string;
}

export interface ReplayOutcome {
  /** Each event as `stopout replay` writes its JSON line. */
  readonly events: readonly Record<string, string>[];
  readonly bars: readonly BarPoint[];
  /** `summarize(state, events)`, plus `stateHash` when the browser can hash (secure contexts). */
  readonly summary: ReplaySummary & { readonly stateHash?: string };
  readonly currency: string;
}

export interface RunControl {
  readonly onProgress: (done: number, total: number) => void;
  /** True once a newer run has started: this one stops and resolves to undefined. */
  readonly cancelled: () => boolean;
}

/** How long one slice may hold the page before it gives the browser a turn. */
const SLICE_MS = 12;

const pause = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

function equityOf(state: EngineState): string {
  return accountFiguresToJson(state.snapshot, buildAccountFigures(state.snapshot)).equity ?? '';
}

/** sha256 hex of the canonical saved state, as `stopout replay --summary` prints it; undefined where the browser has no SubtleCrypto. */
async function stateHash(state: EngineState, source: AccountSource): Promise<string | undefined> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) return undefined;
  const digest = await subtle.digest('SHA-256', new TextEncoder().encode(JSON.stringify(stateToJson(state, source))));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

export async function runReplay(scenario: Scenario, bars: readonly Bar[], instrument: InstrumentId, control: RunControl): Promise<ReplayOutcome | undefined> {
  const events: EngineEvent[] = [];
  let state = scenario.start;
  for (const result of replay(state, scenario.commands)) {
    state = result.state;
    events.push(...result.events);
  }
  const points: BarPoint[] = [];
  let sliceStart = performance.now();
  for (const [index, bar] of bars.entries()) {
    for (const result of replay(state, [], [bar], instrument)) {
      state = result.state;
      events.push(...result.events);
    }
    points.push({
      time: bar.time, ms: bar.ms, open: toDecimalString(bar.open), high: toDecimalString(bar.high), low: toDecimalString(bar.low),
      close: toDecimalString(bar.close), equity: equityOf(state),
    });
    if (performance.now() - sliceStart > SLICE_MS) {
      control.onProgress(index + 1, bars.length);
      await pause();
      if (control.cancelled()) return undefined;
      sliceStart = performance.now();
    }
  }
  control.onProgress(bars.length, bars.length);
  const hash = await stateHash(state, scenario.source);
  if (control.cancelled()) return undefined;
  return {
    events: events.map(eventToJson),
    bars: points,
    summary: { ...summarize(state, events), ...(hash ? { stateHash: hash } : {}) },
    currency: state.snapshot.currency,
  };
}
