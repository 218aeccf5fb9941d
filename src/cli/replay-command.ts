/**
 * `stopout replay SCENARIO|-`: the engine over a scenario's commands and price file. Events as JSON
 * lines (default), the final summary (--summary), or a readable timeline (--format table).
 * The price file is the scenario's "prices.file", relative to the scenario (or, failing that, to the
 * working directory), or --prices PATH. The funding-rate history is "funding.file" (found the same
 * way) or --funding PATH: its payments are merged with the price bars by time (a bar first at equal
 * times), skipped outside the price window as bars are.
 */
import { writeFile } from 'node:fs/promises';
import {
  eventToJson, formatProblem, fundingSchedule, parseFundingFile, parseScenario, replayWithPayments, stateToJson, summarize,
  type Bar, type Command, type EngineEvent, type Scenario,
} from '../core/index.js';
import { EXIT_BAD_INPUT, EXIT_OK } from './exit-codes.js';
import { locateBeside, readPriceBars, readTextFile } from './price-input.js';
import { Progress } from './progress.js';
import { readJsonInput } from './read-input.js';
import type { CommandOutput } from './report-command.js';
import { timelineTable } from './replay-table.js';
import { stateHash } from '../service/live/state-hash.js';

export interface ReplayOptions {
  readonly summary?: boolean;
  readonly format: 'json' | 'table';
  /** Overrides the scenario's prices.file. */
  readonly prices?: string;
  /** Overrides (or sets) the scenario's funding.file. */
  readonly funding?: string;
  /** Writes the final engine state here: a scenario start to go on from. */
  readonly saveState?: string;
}

const failure = (message: string): CommandOutput => ({ stdout: '', stderr: `${message}\n`, exitCode: EXIT_BAD_INPUT });

async function loadBars(scenario: Scenario, source: string, override?: string): Promise<{ bars: Bar[] } | { error: string }> {
  const feed = scenario.prices;
  if (!feed && !override) return { bars: [] };
  if (!feed) return { error: '--prices: the scenario has no "prices" block naming the instrument the file prices' };
  const path = override ?? await locateBeside(feed.file, source);
  return readPriceBars(path, override ? '--prices' : 'prices.file', { ...(feed.from ? { fromMs: feed.from.ms } : {}), ...(feed.to ? { toMs: feed.to.ms } : {}) });
}

/** The funding payments as timed commands, and a warning for the rows of other symbols left out. */
async function loadFunding(scenario: Scenario, source: string, override?: string): Promise<{ commands: readonly Command[]; warnings: string } | { error: string }> {
  const feed = scenario.funding;
  if (!feed && !override) return { commands: [], warnings: '' };
  const field = override ? '--funding' : 'funding.file';
  const path = override ?? await locateBeside(feed?.file ?? '', source);
  const read = await readTextFile(path, field);
  if ('error' in read) return read;
  const rows = parseFundingFile(read.text);
  if (!rows.ok) return { error: rows.error.map((problem) => `${path}: ${formatProblem(problem)}`).join('\n') };
  const { prices, start } = scenario;
  const schedule = fundingSchedule(rows.value, {
    instruments: start.instruments,
    ...(feed?.instrument ? { instrument: feed.instrument } : {}),
    ...(prices ? { priced: prices.instrument } : {}),
    ...(prices?.from ? { fromMs: prices.from.ms } : {}),
    ...(prices?.to ? { toMs: prices.to.ms } : {}),
  });
  if (!schedule.ok) {
    return { error: schedule.error.map((problem) => (problem.path.startsWith('funding.') ? formatProblem(problem) : `${path}: ${formatProblem(problem)}`)).join('\n') };
  }
  const warnings = [...schedule.value.skipped].map(([symbol, count]) =>
    `${field}: skipped ${count} row${count === 1 ? '' : 's'} for ${symbol}: funding.instrument is ${feed?.instrument ?? ''}\n`).join('');
  return { commands: schedule.value.commands, warnings };
}

export async function runReplay(source: string, options: ReplayOptions): Promise<CommandOutput> {
  const input = await readJsonInput(source);
  if (!input.ok) return failure(input.message);
  const scenario = parseScenario(input.value);
  if (!scenario.ok) return failure(scenario.error.map(formatProblem).join('\n'));
  const loaded = await loadBars(scenario.value, source, options.prices);
  if ('error' in loaded) return failure(loaded.error);
  const funding = await loadFunding(scenario.value, source, options.funding);
  if ('error' in funding) return failure(funding.error);

  const { start, commands, prices } = scenario.value;
  const progress = new Progress('replaying', commands.length + loaded.bars.length * 4 + funding.commands.length);
  const events: EngineEvent[] = [];
  let state = start;
  for (const result of replayWithPayments(start, commands, loaded.bars, prices?.instrument, funding.commands)) {
    state = result.state;
    events.push(...result.events);
    progress.tick();
  }
  progress.done();
  if (options.saveState) {
    try {
      await writeFile(options.saveState, `${JSON.stringify(stateToJson(state, scenario.value.source), null, 2)}\n`);
    } catch (error) {
      return failure(`--save-state: cannot write ${options.saveState}: ${(error as Error).message}`);
    }
  }
  const stderr = funding.warnings;
  if (options.summary) {
    const summary = { ...summarize(state, events), stateHash: stateHash(state, scenario.value.source) };
    return { stdout: `${JSON.stringify(summary, null, 2)}\n`, stderr, exitCode: EXIT_OK };
  }
  if (options.format === 'table') return { stdout: `${timelineTable(state, events)}\n`, stderr, exitCode: EXIT_OK };
  return { stdout: events.map((event) => `${JSON.stringify(eventToJson(event))}\n`).join(''), stderr, exitCode: EXIT_OK };
}
