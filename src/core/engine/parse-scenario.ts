/**
 * A scenario (spec/engine.md): a starting account (the report.md snapshot), commands, and
 * optionally a price file to replay after them. Extensions:
 * - "market": the insurance fund's balance and the opposite positions auto-deleveraging may close;
 * - "engine": a saved engine state (state-json.ts), to go on from where a replay stopped;
 * - "funding": a funding-rate history file (replay/funding-file.ts) whose payments replay applies
 *   in time order with the price file's bars.
 * Every problem names its field; nothing runs from a scenario with one.
 */
import { asAmount, asInstrumentId, asLeverage, asPrice, asQuantity, type InstrumentId } from '../money/units.js';
import { err, ok, type Problem, type Result } from '../result.js';
import {
  childPath, describe, ProblemList, readArray, readChoice, readDecimal, readObject, readString, rejectUnknownKeys,
} from '../snapshot/input-reader.js';
import { parseSnapshot } from '../snapshot/parse-snapshot.js';
import type { Command, Counterparty, EngineState, Market } from './engine-types.js';
import { parseInstant, type Instant } from './instant.js';
import { parseCommand, type CommandContext } from './parse-command.js';
import { restoreEngine, type AccountSource } from './state-json.js';
import { initialState } from './step.js';

export interface PriceFeed {
  readonly file: string;
  readonly instrument: InstrumentId;
  readonly from?: Instant;
  readonly to?: Instant;
}

/** A funding-rate history file, relative to the scenario as prices.file is; `instrument` picks one symbol of a file holding several. */
export interface FundingFeed {
  readonly file: string;
  readonly instrument?: InstrumentId;
}

export interface Scenario {
  readonly start: EngineState;
  readonly source: AccountSource;
  readonly commands: readonly Command[];
  readonly prices?: PriceFeed;
  readonly funding?: FundingFeed;
}

const SCENARIO_FIELDS = ['account', 'commands', 'prices', 'funding', 'market', 'engine'] as const;
const PRICES_FIELDS = ['file', 'instrument', 'from', 'to'] as const;
const FUNDING_FIELDS = ['file', 'instrument'] as const;
const COUNTERPARTY_FIELDS = ['id', 'instrument', 'side', 'quantity', 'entryPrice', 'leverage'] as const;

function readMarket(value: unknown, context: CommandContext, problems: ProblemList): Market {
  const market: Market = { insuranceFund: null, counterparties: [] };
  if (value === undefined) return market;
  const object = readObject(value, 'market', problems);
  if (!object) return market;
  rejectUnknownKeys(object, ['insuranceFund', 'counterparties'], 'market', problems);
  const fund = object.insuranceFund === undefined ? undefined : readDecimal(object.insuranceFund, 'market.insuranceFund', problems, 'non-negative');
  const list = object.counterparties === undefined ? [] : readArray(object.counterparties, 'market.counterparties', problems) ?? [];
  const seen = new Set<string>();
  const counterparties = list.flatMap((entry, index): Counterparty[] => {
    const path = childPath('market.counterparties', index);
    const item = readObject(entry, path, problems);
    if (!item) return [];
    rejectUnknownKeys(item, COUNTERPARTY_FIELDS, path, problems);
    const id = readString(item.id, childPath(path, 'id'), problems);
    if (id !== undefined && seen.has(id)) problems.add(childPath(path, 'id'), 'input/duplicate', `${describe(id)} is already a counterparty's id`);
    if (id !== undefined) seen.add(id);
    const symbol = readString(item.instrument, childPath(path, 'instrument'), problems);
    const instrument = symbol === undefined ? undefined : context.instruments.get(symbol);
    if (symbol !== undefined && !instrument) problems.add(childPath(path, 'instrument'), 'input/unknown-instrument', `unknown instrument ${describe(symbol)}`);
    const side = readChoice(item.side, ['long', 'short'] as const, childPath(path, 'side'), problems);
    const quantity = readDecimal(item.quantity, childPath(path, 'quantity'), problems, 'positive');
    const entryPrice = readDecimal(item.entryPrice, childPath(path, 'entryPrice'), problems, 'positive');
    const leverage = readDecimal(item.leverage, childPath(path, 'leverage'), problems, 'positive');
    if (!id || !instrument || !side || !quantity || !entryPrice || !leverage) return [];
    return [{ id, instrument, side, quantity: asQuantity(quantity), entryPrice: asPrice(entryPrice), leverage: asLeverage(leverage) }];
  });
  return { insuranceFund: fund ? asAmount(fund) : null, counterparties };
}

function readInstantField(value: unknown, path: string, problems: ProblemList): Instant | undefined {
  if (value === undefined) return undefined;
  const text = readString(value, path, problems);
  return text === undefined ? undefined : parseInstant(text) ?? problems.add(path, 'input/wrong-type', `must be an ISO 8601 time, got ${describe(value)}`);
}

function readPrices(value: unknown, context: CommandContext, problems: ProblemList): PriceFeed | undefined {
  if (value === undefined) return undefined;
  const object = readObject(value, 'prices', problems);
  if (!object) return undefined;
  rejectUnknownKeys(object, PRICES_FIELDS, 'prices', problems);
  const file = readString(object.file, 'prices.file', problems);
  const symbol = readString(object.instrument, 'prices.instrument', problems);
  if (symbol !== undefined && !context.instruments.has(symbol)) {
    problems.add('prices.instrument', 'input/unknown-instrument', `unknown instrument ${describe(symbol)}; known: ${[...context.instruments.keys()].join(', ')}`);
  }
  const from = readInstantField(object.from, 'prices.from', problems);
  const to = readInstantField(object.to, 'prices.to', problems);
  if (from && to && to.ms < from.ms) problems.add('prices.to', 'input/out-of-range', 'must not be before "from"');
  if (!file || !symbol || !context.instruments.has(symbol)) return undefined;
  return { file, instrument: asInstrumentId(symbol), ...(from ? { from } : {}), ...(to ? { to } : {}) };
}

function readFunding(value: unknown, context: CommandContext, problems: ProblemList): FundingFeed | undefined {
  if (value === undefined) return undefined;
  const object = readObject(value, 'funding', problems);
  if (!object) return undefined;
  rejectUnknownKeys(object, FUNDING_FIELDS, 'funding', problems);
  const file = readString(object.file, 'funding.file', problems);
  const symbol = object.instrument === undefined ? undefined : readString(object.instrument, 'funding.instrument', problems);
  if (symbol !== undefined && !context.instruments.has(symbol)) {
    problems.add('funding.instrument', 'input/unknown-instrument', `unknown instrument ${describe(symbol)}; known: ${[...context.instruments.keys()].join(', ')}`);
  }
  if (!file || (object.instrument !== undefined && (!symbol || !context.instruments.has(symbol)))) return undefined;
  return { file, ...(symbol ? { instrument: asInstrumentId(symbol) } : {}) };
}

/** Commands must not go back in time. */
function checkTimes(commands: readonly (Command | undefined)[], problems: ProblemList): void {
  let last: { time: Instant; index: number } | undefined;
  commands.forEach((command, index) => {
    const time = command?.time;
    if (!time) return;
    if (last && time.ms < last.time.ms) {
      problems.add(childPath(childPath('commands', index), 'time'), 'input/out-of-order',
        `${time.text} is before commands[${last.index}]'s time ${last.time.text}`);
    }
    last = { time, index };
  });
}

export function parseScenario(value: unknown): Result<Scenario, readonly Problem[]> {
  const problems = new ProblemList();
  const object = readObject(value, '', problems);
  if (!object) return err([{ path: '', code: 'input/wrong-type', message: `a scenario must be a JSON object, got ${describe(value)}` }]);
  rejectUnknownKeys(object, SCENARIO_FIELDS, '', problems);
  if (object.account === undefined) problems.add('account', 'input/required', 'required: the starting account, a report.md snapshot');
  const snapshot = object.account === undefined ? undefined : parseSnapshot(object.account);
  if (snapshot && !snapshot.ok) {
    for (const problem of snapshot.error) problems.add(problem.path ? `account.${problem.path}` : 'account', problem.code, problem.message);
  }
  if (!snapshot?.ok) {
    if (object.commands !== undefined) readArray(object.commands, 'commands', problems);
    return err(problems.items);
  }
  const start = initialState({ ...snapshot.value, shocks: [] });
  const context: CommandContext = { instruments: start.instruments, currencyDecimals: snapshot.value.currencyDecimals };
  const market = readMarket(object.market, context, problems);
  const list = object.commands === undefined ? [] : readArray(object.commands, 'commands', problems) ?? [];
  const commands = list.map((entry, index) => parseCommand(entry, childPath('commands', index), context, problems));
  checkTimes(commands, problems);
  const prices = readPrices(object.prices, context, problems);
  const funding = readFunding(object.funding, context, problems);
  const fresh: EngineState = { ...start, market };
  const resumed = object.engine === undefined ? fresh : restoreEngine(object.engine, 'engine', fresh, problems);
  if (!problems.empty) return err(problems.items);
  const account = object.account as Record<string, unknown>;
  return ok({
    start: resumed,
    source: { venue: account.venue, instruments: account.instruments },
    commands: commands.filter((command): command is Command => command !== undefined),
    ...(prices ? { prices } : {}),
    ...(funding ? { funding } : {}),
  });
}
