/**
 * The report as the JSON of the contract (spec/report.md): every decimal a string, never a JSON
 * number. Amounts carry the account currency's decimals ("3663.00"); prices the tick's decimals
 * ("45180.7"), or, without a tick, as many as they need (up to 8); fractions as many as they need.
 */
import { normalize, rescale, toDecimalString, type Decimal } from '../money/decimal.js';
import type { Price } from '../money/units.js';
import type { Instrument } from '../instrument/instrument.js';
import type { ShockOutcome } from '../shock/gap-shock.js';
import type { AccountSnapshot } from '../account/account-snapshot.js';
import type { AccountFigures, AccountReport, PositionFigures } from './account-report.js';
import { daysOf, HOLDING_HORIZON_DAYS, holdingBasis, type HoldingFigures, type PositionHolding } from './holding-costs.js';

export interface ReportJson {
  readonly venue: { readonly id: string; readonly name: string; readonly deficitPolicy: string; readonly cureDays: number };
  readonly currency: string;
  readonly account: Readonly<Record<string, string | null>>;
  readonly positions: readonly Readonly<Record<string, string | null>>[];
  readonly shocks: readonly Readonly<Record<string, unknown>>[];
  /** What the venue would not have allowed: a stable code and a message naming the figures; empty when nothing is wrong. */
  readonly warnings: readonly { readonly code: string; readonly message: string }[];
  /** Only when the snapshot gives a funding or financing rate: see HoldingJson. */
  readonly holding?: HoldingJson;
}

/**
 * The cost of holding (holding-costs.ts), if prices stand still at today's marks. Amounts are
 * what the account receives (+) or pays (-) in its currency; a count of payments is a string of
 * digits (it can outgrow a JSON number); days = payments × paymentHours / 24, rounded down to 2
 * decimals; a null count or day figure = never (it receives, or the costs never reach it); "0" =
 * already there.
 */
export interface HoldingJson {
  /** What the projection assumes, in one line. */
  readonly basis: string;
  /** "funding" (perpetuals) or "financing" (overnight swaps). */
  readonly kind: 'funding' | 'financing';
  /** Hours between payments: the venue's funding interval, or 24 for financing (one night a day). */
  readonly paymentHours: number;
  readonly perPayment: string;
  readonly perDay: string;
  /** The first payment after which the account (any of its margin scopes) is in margin call. */
  readonly paymentsToMarginCall: string | null;
  readonly daysToMarginCall: string | null;
  /** The first payment after which the venue liquidates any of the account's margin scopes. */
  readonly paymentsToLiquidation: string | null;
  readonly daysToLiquidation: string | null;
  /** One per position, in the order of `positions`. */
  readonly positions: readonly HoldingPositionJson[];
}

export interface HoldingPositionJson {
  readonly id: string;
  readonly perPayment: string;
  readonly perDay: string;
  /** Isolated positions only: when their own margin scope is liquidated. */
  readonly paymentsToLiquidation?: string | null;
  readonly daysToLiquidation?: string | null;
  /**
   * The liquidation price after 1, 7 and 30 days of payments: null where there is none, or where the
   * position's scope (for a cross position, any isolated one) has been liquidated by then.
   */
  readonly liquidationPriceAfter: Readonly<Record<string, string | null>>;
}

const fraction = (value: Decimal): string => toDecimalString(normalize(value));

function priceText(instrument: Instrument, price: Price | null): string | null {
  if (!price) return null;
  return instrument.tickSize ? toDecimalString(price) : toDecimalString(normalize(price));
}

function positionJson(figures: PositionFigures, amount: (value: Decimal) => string): Readonly<Record<string, string | null>> {
  const { position } = figures;
  return {
    id: position.id,
    instrument: position.instrument.symbol,
    side: position.side,
    quantity: toDecimalString(position.quantity),
    entryPrice: toDecimalString(position.entryPrice),
    markPrice: toDecimalString(figures.markPrice),
    margin: figures.margin,
    leverage: position.leverage ? toDecimalString(position.leverage) : null,
    notional: amount(figures.notional),
    unrealizedPnl: amount(figures.unrealizedPnl),
    initialMargin: amount(figures.initialMargin),
    maintenanceMargin: amount(figures.maintenanceMargin),
    liquidationPrice: priceText(position.instrument, figures.liquidationPrice),
    marginCallPrice: priceText(position.instrument, figures.marginCallPrice),
    bankruptcyPrice: priceText(position.instrument, figures.bankruptcyPrice),
    status: figures.status,
  };
}

function shockJson(shock: ShockOutcome, amount: (value: Decimal) => string): Readonly<Record<string, unknown>> {
  return {
    move: fraction(shock.move),
    marks: Object.fromEntries([...shock.marks].map(([symbol, price]) => [symbol, fraction(price)])),
    pnl: amount(shock.pnl),
    equity: amount(shock.equity),
    status: shock.status,
    liquidated: shock.liquidated,
    closed: shock.fills.map((fill) => ({
      position: fill.position.id,
      quantity: toDecimalString(fill.quantity),
      price: fraction(shock.marks.get(fill.position.instrument.symbol) ?? fill.position.entryPrice),
      pnl: amount(fill.pnl),
    })),
    clientLoss: amount(shock.clientLoss),
    debt: amount(shock.debt),
    venueLoss: amount(shock.venueLoss),
    equityAfter: amount(shock.equityAfter),
  };
}

/** The report's "account" object. */
export function accountFiguresToJson(snapshot: AccountSnapshot, account: AccountFigures): Readonly<Record<string, string | null>> {
  const amount = (value: Decimal): string => toDecimalString(rescale(value, snapshot.currencyDecimals, 'half-even'));
  return {
    balance: amount(account.balance),
    equity: amount(account.equity),
    unrealizedPnl: amount(account.unrealizedPnl),
    initialMargin: amount(account.initialMargin),
    maintenanceMargin: amount(account.maintenanceMargin),
    freeMargin: amount(account.freeMargin),
    marginLevel: account.marginLevel ? fraction(account.marginLevel) : null,
    marginCallEquity: amount(account.marginCallEquity),
    liquidationEquity: amount(account.liquidationEquity),
    depositToCure: amount(account.depositToCure),
    status: account.status,
  };
}

function holdingPositionJson(holding: PositionHolding, hours: number, amount: (value: Decimal) => string): HoldingPositionJson {
  const { position } = holding;
  const count = holding.paymentsToLiquidation;
  return {
    id: position.id,
    perPayment: amount(holding.perPayment),
    perDay: amount(holding.perDay),
    ...(count === undefined ? {} : {
      paymentsToLiquidation: count === null ? null : String(count),
      daysToLiquidation: count === null ? null : toDecimalString(daysOf(count, hours)),
    }),
    liquidationPriceAfter: Object.fromEntries(HOLDING_HORIZON_DAYS.map((days) => [
      String(days), priceText(position.instrument, holding.liquidationPriceAfter.get(days) ?? null),
    ])),
  };
}

function holdingJson(snapshot: AccountSnapshot, holding: HoldingFigures, amount: (value: Decimal) => string): HoldingJson {
  const { hours } = holding.schedule;
  const days = (count: bigint | null): string | null => (count === null ? null : toDecimalString(daysOf(count, hours)));
  const count = (value: bigint | null): string | null => (value === null ? null : String(value));
  return {
    basis: holdingBasis(holding.schedule, snapshot.venue),
    kind: holding.schedule.kind,
    paymentHours: hours,
    perPayment: amount(holding.perPayment),
    perDay: amount(holding.perDay),
    paymentsToMarginCall: count(holding.paymentsToMarginCall),
    daysToMarginCall: days(holding.paymentsToMarginCall),
    paymentsToLiquidation: count(holding.paymentsToLiquidation),
    daysToLiquidation: days(holding.paymentsToLiquidation),
    positions: holding.positions.map((each) => holdingPositionJson(each, hours, amount)),
  };
}

export function reportToJson(report: AccountReport): ReportJson {
  const { snapshot, account } = report;
  const amount = (value: Decimal): string => toDecimalString(rescale(value, snapshot.currencyDecimals, 'half-even'));
  return {
    venue: {
      id: snapshot.venue.id,
      name: snapshot.venue.name,
      deficitPolicy: snapshot.venue.deficit.kind,
      cureDays: snapshot.venue.cureDays,
    },
    currency: snapshot.currency,
    account: accountFiguresToJson(snapshot, account),
    positions: report.positions.map((figures) => positionJson(figures, amount)),
    shocks: report.shocks.map((shock) => shockJson(shock, amount)),
    warnings: report.warnings.map(({ code, message }) => ({ code, message })),
    ...(report.holding ? { holding: holdingJson(snapshot, report.holding, amount) } : {}),
  };
}
