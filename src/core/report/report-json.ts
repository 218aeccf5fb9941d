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

export interface ReportJson {
  readonly venue: { readonly id: string; readonly name: string; readonly deficitPolicy: string; readonly cureDays: number };
  readonly currency: string;
  readonly account: Readonly<Record<string, string | null>>;
  readonly positions: readonly Readonly<Record<string, string | null>>[];
  readonly shocks: readonly Readonly<Record<string, unknown>>[];
  /** What the venue would not have allowed: a stable code and a message naming the figures; empty when nothing is wrong. */
  readonly warnings: readonly { readonly code: string; readonly message: string }[];
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
  };
}
