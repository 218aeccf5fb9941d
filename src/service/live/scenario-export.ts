/**
 * One account's scenario, read back from the ledger: its starting snapshot and every command the
 * service applied to it since, ticks and deadlines included as the marks (and the funding and
 * financing commands) they were (account-marks.ts). `stopout replay --summary` of the scenario
 * gives the account's summary, state hash included, so anyone can audit an account offline
 * (spec/service.md).
 *
 * This is also the reference fold: it steps every mark, one account at a time, with no index and
 * nothing lazy. The live fold (live-state.ts) must arrive at the same state and the same events.
 */
import {
  parseInstant, parseScenario, step,
  type AccountSource, type Command, type EngineEvent, type EngineState,
} from '../../core/index.js';
import { commandFromJson, commandToJson, deadlineMark, tickMark, tickPayment, venueKeyOf } from './account-marks.js';
import type { CommandJson, SequencedEntry } from './entries.js';
import { parseTick } from './ticks.js';

export interface ScenarioJson {
  readonly account: unknown;
  readonly market?: unknown;
  readonly commands: CommandJson[];
}

export interface ExportedAccount {
  readonly scenario: ScenarioJson;
  readonly state: EngineState;
  readonly source: AccountSource;
  readonly events: EngineEvent[];
}

/** Folds one account's entries (its own and every tick, in log order, from its creation). */
export class AccountReplay {
  private scenario?: ScenarioJson;
  private current?: EngineState;
  private venueKey = '';
  private accountSource?: AccountSource;
  readonly events: EngineEvent[] = [];

  constructor(readonly accountId: string) {}

  private run(command: Command, json: CommandJson, requireAccepted: boolean): void {
    const result = step(this.current as EngineState, command);
    if (requireAccepted && result.events.some((event) => event.type === 'rejected')) {
      throw new Error(`account ${this.accountId}: the engine refuses a command the ledger holds as accepted`);
    }
    this.current = result.state;
    this.events.push(...result.events);
    this.scenario?.commands.push(json);
  }

  add(entry: SequencedEntry): void {
    if (entry.type === 'account') {
      if (entry.account !== this.accountId) return;
      const parsed = parseScenario({ account: entry.body.snapshot, ...(entry.body.market !== undefined ? { market: entry.body.market } : {}) });
      if (!parsed.ok) throw new Error(`account ${this.accountId}: its starting snapshot does not parse`);
      this.current = parsed.value.start;
      this.accountSource = parsed.value.source;
      this.venueKey = venueKeyOf(parsed.value.source.venue);
      this.scenario = {
        account: entry.body.snapshot,
        ...(entry.body.market !== undefined ? { market: entry.body.market } : {}),
        commands: [],
      };
      return;
    }
    if (!this.current) return;
    if (entry.type === 'commands' && entry.account === this.accountId) {
      for (const json of entry.body.commands) this.run(commandFromJson(this.current, json), json, true);
    } else if (entry.type === 'ticks') {
      for (const json of entry.body.ticks) {
        const tick = parseTick(json);
        const mark = tickMark(this.current, this.venueKey, tick.venue, tick.prices, tick.time);
        if (mark) this.run(mark, commandToJson(mark), false);
        for (const payment of tick.payments) {
          const json = tickPayment(this.current, this.venueKey, tick.venue, payment, tick.time);
          if (json) this.run(commandFromJson(this.current, json), json, false);
        }
      }
    } else if (entry.type === 'deadline' && entry.account === this.accountId) {
      const time = parseInstant(entry.body.time);
      const mark = time ? deadlineMark(this.current, time) : null;
      if (mark) this.run(mark, commandToJson(mark), false);
    }
  }

  result(): ExportedAccount {
    if (!this.scenario || !this.current || !this.accountSource) throw new Error(`account ${this.accountId} was never created`);
    return { scenario: this.scenario, state: this.current, source: this.accountSource, events: this.events };
  }
}
