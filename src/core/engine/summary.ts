/**
 * `stopout replay --summary` (spec/engine.md): the final account as report.md reports it, the
 * positions still open, the money totals and how many events of each type.
 */
import { buildReport } from '../report/account-report.js';
import { reportToJson } from '../report/report-json.js';
import { decimal, rescale, toDecimalString, type Decimal } from '../money/decimal.js';
import { EVENT_TYPES, type EngineEvent, type EngineState } from './engine-types.js';
import { conservationGap } from './step.js';

export interface ReplaySummary {
  readonly account: Readonly<Record<string, string | null>>;
  readonly positions: readonly Readonly<Record<string, string | null>>[];
  readonly totals: Readonly<Record<string, string>>;
  readonly debt: { readonly status: string; readonly outstanding: string } | null;
  readonly insuranceFund: string | null;
  readonly events: Readonly<Record<string, number>>;
  readonly time: string | null;
  readonly commands: number;
}

export function summarize(state: EngineState, events: readonly EngineEvent[]): ReplaySummary {
  const counts = new Map<string, number>();
  for (const event of events) counts.set(event.type, (counts.get(event.type) ?? 0) + 1);
  return summarizeCounts(state, counts);
}

/** The same summary from how many events of each type the account has had (the service keeps counts, not events). */
export function summarizeCounts(state: EngineState, counts: ReadonlyMap<string, number>): ReplaySummary {
  const decimals = state.snapshot.currencyDecimals;
  const amount = (value: Decimal): string => toDecimalString(value.scale <= decimals ? rescale(value, decimals, 'half-even') : value);
  const report = reportToJson(buildReport({ ...state.snapshot, shocks: [] }));
  const { totals } = state;
  const debtOutstanding = state.debt ? state.debt.outstanding : decimal(0n, decimals);
  return {
    account: report.account,
    positions: report.positions,
    totals: {
      deposits: amount(totals.deposits),
      withdrawals: amount(totals.withdrawals),
      realizedPnl: amount(totals.realizedPnl),
      fees: amount(totals.fees),
      funding: amount(totals.funding),
      financing: amount(totals.financing),
      venueLoss: amount(totals.venueLoss),
      debtOutstanding: amount(debtOutstanding),
      absorbedByVenue: amount(totals.absorbedByVenue),
      absorbedByInsuranceFund: amount(totals.absorbedByInsuranceFund),
      absorbedByDeleveraging: amount(totals.absorbedByDeleveraging),
      debtRecorded: amount(totals.debtRecorded),
      debtRepaid: amount(totals.debtRepaid),
      debtWrittenOff: amount(totals.debtWrittenOff),
      conservationGap: amount(conservationGap(state)),
    },
    debt: state.debt ? { status: state.debt.status, outstanding: amount(state.debt.outstanding) } : null,
    insuranceFund: state.market.insuranceFund === null ? null : amount(state.market.insuranceFund),
    events: Object.fromEntries(EVENT_TYPES.flatMap((type) => (counts.has(type) ? [[type, counts.get(type) ?? 0]] : []))),
    time: state.time?.text ?? null,
    commands: state.sequence,
  };
}
