/**
 * stopout/core: the pure, deterministic risk core. No I/O, no clock, no randomness, no
 * dependencies; it runs unchanged in Node and in the browser.
 */
export type { Result, Problem, ProblemCode } from './result.js';
export { ok, err, formatProblem } from './result.js';

export type { Decimal } from './money/decimal.js';
export {
  decimal, dec, parseDecimal, add, subtract, multiply, divide, negate, abs, compare, sign, isZero, isNegative,
  isPositive, equals, lessThan, greaterThan, min, max, sum, rescale, roundToIncrement, normalize, toDecimalString,
  ZERO, ONE,
} from './money/decimal.js';
export type { RoundingMode } from './money/rounding.js';
export type { Rational } from './money/rational.js';
export { fromDecimal, toDecimal } from './money/rational.js';
export { currencyDecimals } from './money/currency.js';
export { groupDigits } from './money/digit-grouping.js';
export type { Price, Quantity, Amount, Rate, Leverage, InstrumentId, PositionId } from './money/units.js';

export type { Instrument, InstrumentKind, AssetClass, MaintenanceTier } from './instrument/instrument.js';
export { INSTRUMENT_KINDS, ASSET_CLASSES } from './instrument/instrument.js';
export type { Side } from './instrument/coordinate.js';

export type { VenueProfile, Threshold, DeficitPolicy, LiquidationOrder, MaintenanceModel } from './venue/venue-profile.js';
export { BUILT_IN_VENUES, builtInVenueIds } from './venue/built-in-venues.js';

export type { AccountSnapshot, PriceMap } from './account/account-snapshot.js';
export type { Position } from './account/position.js';
export { parseSnapshot } from './snapshot/parse-snapshot.js';

export type { MarginStatus } from './margin/scope-valuation.js';
export { marginScopes, type MarginScope } from './margin/margin-scope.js';
export { valueScope, type ScopeValuation, type PositionValuation } from './margin/scope-valuation.js';
export { thresholdPrice, markPrices, type ThresholdKind } from './liquidation/threshold-price.js';
export { forceClose, type Fill } from './liquidation/force-close.js';
export { applyShock, type ShockOutcome } from './shock/gap-shock.js';
export { buildReport, buildAccountFigures, type AccountReport, type AccountFigures, type PositionFigures } from './report/account-report.js';
export { reportToJson, accountFiguresToJson, type ReportJson } from './report/report-json.js';

import { parseSnapshot } from './snapshot/parse-snapshot.js';
import { buildReport } from './report/account-report.js';
import { reportToJson, type ReportJson } from './report/report-json.js';
import type { Problem, Result } from './result.js';

/** Untrusted snapshot JSON in, the report contract's JSON out, or the problems with the input. */
export function reportFromJson(value: unknown): Result<ReportJson, readonly Problem[]> {
  const snapshot = parseSnapshot(value);
  return snapshot.ok ? { ok: true, value: reportToJson(buildReport(snapshot.value)) } : snapshot;
}

export type {
  Command, CommandType, EngineEvent, EventType, EngineState, StepResult, Totals, Debt, DebtStatus, Market, Counterparty,
  RejectionCode, OpenOrder, StopTrigger,
} from './engine/engine-types.js';
export { EVENT_TYPES } from './engine/engine-types.js';
export { step, initialState, conservationGap } from './engine/step.js';
export { parseCommand, COMMAND_TYPES } from './engine/parse-command.js';
export { parseScenario, type Scenario, type PriceFeed, type FundingFeed } from './engine/parse-scenario.js';
export { replay, barWalk, eventToJson, type ReplayStep } from './engine/replay.js';
export { summarize, summarizeCounts, type ReplaySummary } from './engine/summary.js';
export { stateToJson, type AccountSource } from './engine/state-json.js';
export { parseInstant, formatInstant, type Instant } from './engine/instant.js';
export { parsePriceFile, type Bar, type PriceFileOptions } from './replay/price-file.js';
export { parseFundingFile, fundingSchedule, type FundingRow, type FundingSelection, type FundingSchedule } from './replay/funding-file.js';
export { replayWithPayments } from './replay/funding-replay.js';
