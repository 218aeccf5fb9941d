/**
 * The engine state as JSON and back: a saved state is itself a scenario start (the report.md
 * snapshot under "account", plus "market" and "engine"), so a replay can stop, save, and go on
 * with the rest of its commands. The JSON is canonical (fixed key order, decimals as strings), so
 * its hash identifies the state: replaying all commands and replaying the rest after a saved state
 * give the same hash.
 */
import type { Position } from '../account/position.js';
import { compare, normalize, rescale, toDecimalString, type Decimal } from '../money/decimal.js';
import { asPrice, asPositionId, type PositionId } from '../money/units.js';
import {
  childPath, isObject, readChoice, readDecimal, readObject, readString, rejectUnknownKeys, type ProblemList,
} from '../snapshot/input-reader.js';
import {
  DEBT_STAGES, type Debt, type DebtStatus, type EngineState, type MarginCall, type Totals, type TriggerOrders,
} from './engine-types.js';
import { formatInstant, parseInstant, type Instant } from './instant.js';

/** The JSON the account came from: venue and instrument definitions are kept as given. */
export interface AccountSource {
  readonly venue: unknown;
  readonly instruments: unknown;
}

const TOTALS_KEYS: readonly (keyof Totals)[] = [
  'deposits', 'withdrawals', 'realizedPnl', 'fees', 'funding', 'financing', 'venueLoss', 'absorbedByVenue', 'absorbedByInsuranceFund',
  'absorbedByDeleveraging', 'debtRecorded', 'debtRepaid', 'debtWrittenOff',
];

const text = (value: Decimal): string => toDecimalString(value);

/**
 * Money written canonically: at the account currency's decimals ("1000" and "1000.00" are the
 * same balance and must hash the same), or, where an exact figure is finer (a stock's cost), with
 * no trailing zeros.
 */
function amountText(value: Decimal, decimals: number): string {
  const atCurrency = rescale(value, decimals, 'half-even');
  return toDecimalString(compare(atCurrency, value) === 0 ? atCurrency : normalize(value));
}

function positionJson(position: Position, decimals: number): Record<string, string> {
  return {
    id: position.id,
    instrument: position.instrument.symbol,
    side: position.side,
    quantity: text(position.quantity),
    entryPrice: text(position.entryPrice),
    ...(position.leverage ? { leverage: text(position.leverage) } : {}),
    ...(position.isolatedMargin ? { isolatedMargin: amountText(position.isolatedMargin, decimals) } : {}),
  };
}

export function stateToJson(state: EngineState, source: AccountSource): Record<string, unknown> {
  const { snapshot } = state;
  const money = (value: Decimal): string => amountText(value, snapshot.currencyDecimals);
  return {
    account: {
      venue: source.venue,
      account: { currency: snapshot.currency, balance: money(snapshot.balance) },
      ...(source.instruments === undefined ? {} : { instruments: source.instruments }),
      positions: snapshot.positions.map((position) => positionJson(position, snapshot.currencyDecimals)),
      marks: Object.fromEntries([...snapshot.marks].map(([symbol, price]) => [symbol, text(price)])),
    },
    market: {
      ...(state.market.insuranceFund === null ? {} : { insuranceFund: money(state.market.insuranceFund) }),
      counterparties: state.market.counterparties.map((each) => ({
        id: each.id, instrument: each.instrument.symbol, side: each.side, quantity: text(each.quantity),
        entryPrice: text(each.entryPrice), leverage: text(each.leverage),
      })),
    },
    engine: {
      sequence: String(state.sequence),
      ...(state.time ? { time: state.time.text } : {}),
      orders: Object.fromEntries([...state.orders].map(([id, orders]) => [id, {
        ...(orders.stopLoss ? { stopLoss: text(orders.stopLoss) } : {}),
        ...(orders.takeProfit ? { takeProfit: text(orders.takeProfit) } : {}),
      }])),
      marginCalls: Object.fromEntries([...state.marginCalls].map(([scope, call]) => [scope, {
        ...(call.issuedAt ? { issuedAt: call.issuedAt.text } : {}),
        ...(call.deadlineMs !== undefined ? { deadline: formatInstant(call.deadlineMs) } : {}),
      }])),
      totals: Object.fromEntries(TOTALS_KEYS.map((key) => [key, money(state.totals[key])])),
      debt: state.debt ? { status: state.debt.status, outstanding: money(state.debt.outstanding) } : null,
      ...(state.partialCooldownUntilMs !== null ? { partialCooldownUntil: String(state.partialCooldownUntilMs) } : {}),
    },
  };
}

const ENGINE_FIELDS = ['sequence', 'time', 'orders', 'marginCalls', 'totals', 'debt', 'partialCooldownUntil'] as const;

function readInstant(value: unknown, path: string, problems: ProblemList): Instant | undefined {
  const raw = readString(value, path, problems);
  if (raw === undefined) return undefined;
  return parseInstant(raw) ?? problems.add(path, 'input/wrong-type', 'must be an ISO 8601 time');
}

function readCount(value: unknown, path: string, problems: ProblemList): number | undefined {
  if (typeof value === 'string' && /^\d{1,16}$/.test(value)) return Number(value);
  return problems.add(path, 'input/wrong-type', 'must be a whole number written as a string');
}

/** Restores the engine part of a saved state onto a freshly parsed starting state. */
export function restoreEngine(value: unknown, path: string, start: EngineState, problems: ProblemList): EngineState {
  const object = readObject(value, path, problems);
  if (!object) return start;
  rejectUnknownKeys(object, ENGINE_FIELDS, path, problems);
  const field = (key: string): string => childPath(path, key);
  const open = new Set<string>(start.snapshot.positions.map((position) => position.id));

  const orders = new Map<PositionId, TriggerOrders>();
  for (const [id, entry] of Object.entries(readObject(object.orders ?? {}, field('orders'), problems) ?? {})) {
    const at = childPath(field('orders'), id);
    if (!open.has(id)) problems.add(at, 'input/unknown-field', 'no open position with this id');
    const order = readObject(entry, at, problems);
    if (!order) continue;
    rejectUnknownKeys(order, ['stopLoss', 'takeProfit'], at, problems);
    const stopLoss = order.stopLoss === undefined ? undefined : readDecimal(order.stopLoss, childPath(at, 'stopLoss'), problems, 'positive');
    const takeProfit = order.takeProfit === undefined ? undefined : readDecimal(order.takeProfit, childPath(at, 'takeProfit'), problems, 'positive');
    orders.set(asPositionId(id), { ...(stopLoss ? { stopLoss: asPrice(stopLoss) } : {}), ...(takeProfit ? { takeProfit: asPrice(takeProfit) } : {}) });
  }

  const marginCalls = new Map<string, MarginCall>();
  for (const [scope, entry] of Object.entries(readObject(object.marginCalls ?? {}, field('marginCalls'), problems) ?? {})) {
    const at = childPath(field('marginCalls'), scope);
    const call = readObject(entry, at, problems);
    if (!call) continue;
    rejectUnknownKeys(call, ['issuedAt', 'deadline'], at, problems);
    const issuedAt = call.issuedAt === undefined ? undefined : readInstant(call.issuedAt, childPath(at, 'issuedAt'), problems);
    const deadline = call.deadline === undefined ? undefined : readInstant(call.deadline, childPath(at, 'deadline'), problems);
    marginCalls.set(scope, { ...(issuedAt ? { issuedAt } : {}), ...(deadline ? { deadlineMs: deadline.ms } : {}) });
  }

  const totalsObject = readObject(object.totals, field('totals'), problems) ?? {};
  rejectUnknownKeys(totalsObject, TOTALS_KEYS, field('totals'), problems);
  const totals = { ...start.totals };
  for (const key of TOTALS_KEYS) {
    // Saved before funding and financing were modelled: none was paid.
    if ((key === 'funding' || key === 'financing') && totalsObject[key] === undefined) continue;
    const amount = readDecimal(totalsObject[key], childPath(field('totals'), key), problems, 'any');
    if (amount) totals[key] = amount;
  }

  let debt: Debt | null = null;
  if (object.debt !== null && object.debt !== undefined) {
    const entry = readObject(object.debt, field('debt'), problems);
    if (entry) {
      rejectUnknownKeys(entry, ['status', 'outstanding'], field('debt'), problems);
      const status = readChoice(entry.status, [...DEBT_STAGES, 'repaid', 'written-off'] as DebtStatus[], childPath(field('debt'), 'status'), problems);
      const outstanding = readDecimal(entry.outstanding, childPath(field('debt'), 'outstanding'), problems, 'non-negative');
      if (status && outstanding) debt = { status, outstanding };
    }
  }
  const time = object.time === undefined ? undefined : readInstant(object.time, field('time'), problems);
  const sequence = readCount(object.sequence, field('sequence'), problems);
  const cooldown = object.partialCooldownUntil === undefined ? undefined : readCount(object.partialCooldownUntil, field('partialCooldownUntil'), problems);
  return {
    ...start,
    orders,
    marginCalls,
    totals,
    debt,
    time: time ?? null,
    sequence: sequence ?? 0,
    partialCooldownUntilMs: cooldown ?? null,
  };
}

export function isSavedState(value: unknown): boolean {
  return isObject(value) && value.engine !== undefined;
}
