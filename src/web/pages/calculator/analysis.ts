/**
 * The calculator's analysis as pure functions of (snapshot, report): no DOM, no floats on
 * money. Every figure is a string the core wrote, got by asking the core about a modified snapshot:
 *
 * - the ladder: one `reportFromJson({...snapshot, shocks: [the ladder's gaps]})`;
 * - the debt threshold: the smallest uniform gap of every mark, on a grid of 0.01 % (one basis
 *   point), whose `shocks[0].debt` > 0. First coarse reports with gaps 0 %, 1 %, …, 99 %, 99.99 %
 *   (down; up to +100 % for shorts), then, in the percent before the first gap that leaves a debt,
 *   steps of 0.1 %, then of 0.01 %. So the move named is the first grid move with a debt:
 *   rounded toward the safe side;
 * - the answer: the venue's deficit policy says who pays below zero; where the client does, the
 *   threshold above names the gap, and the first whole percent with a debt the example.
 * The cross-margin panel (cross-margin.ts) and the other venues (venue-comparison.ts) build on this.
 * The reports of a snapshot are remembered (keyed by its JSON text), so panels that ask the same
 * question share one answer and typing stays fast.
 */
import {
  abs, compare, decimal, formatProblem, isPositive, normalize, parseDecimal, parseSnapshot, reportFromJson, rescale, sum,
  toDecimalString, type AccountSnapshot, type Decimal, type DeficitPolicy, type ReportJson, type VenueProfile,
} from '../../../core/index.js';
import { withoutHoldingRates } from './holding-edit.js';
import type { Leaf } from '../../lib/figures.js';
import { money, percent } from '../../lib/format.js';

export type Snapshot = Readonly<Record<string, unknown>>;
export type Direction = 'down' | 'up';
export type Tone = 'safe' | 'warn' | 'danger';
export type Shock = ReportJson['shocks'][number];

/** Text with figures in it: a figure has its own data-field path and the leaf it shows. */
export type Piece = string | { readonly field: string; readonly value: Leaf; readonly text: string };

const REMEMBERED = 64;
const memory = new Map<string, unknown>();

/** The value computed for `key` before, or computed now (the oldest of 64 forgotten first). */
export function remembered<T>(key: string, compute: () => T): T {
  if (memory.has(key)) return memory.get(key) as T;
  const value = compute();
  memory.set(key, value);
  if (memory.size > REMEMBERED) memory.delete(memory.keys().next().value as string);
  return value;
}

/**
 * The report of the snapshot with `shocks` replaced; the snapshot was accepted, so a refusal is a bug.
 * Its holding rates are left out: a gap's figures do not depend on them, and the panels ask often.
 */
export function reportWithShocks(snapshot: Snapshot, moves: readonly string[]): ReportJson {
  return remembered(`report\u0000${JSON.stringify(snapshot)}\u0000${moves.join(',')}`, () => {
    const result = reportFromJson({ ...withoutHoldingRates(snapshot), shocks: moves });
    if (!result.ok) throw new Error(`the core refused a snapshot it had accepted: ${result.error.map(formatProblem).join('; ')}`);
    return result.value;
  });
}

/** The parsed snapshot (the venue profile, the positions with their instruments). */
export function parsedSnapshot(snapshot: Snapshot): AccountSnapshot {
  return remembered(`parsed\u0000${JSON.stringify(snapshot)}`, () => {
    const result = parseSnapshot(snapshot);
    if (!result.ok) throw new Error(`the core refused a snapshot it had accepted: ${result.error.map(formatProblem).join('; ')}`);
    return result.value;
  });
}

export function text(shock: Shock, key: string): string {
  const value = shock[key];
  return typeof value === 'string' ? value : '';
}

export const positiveText = (value: string | null | undefined): boolean => {
  const parsed = value ? parseDecimal(value) : undefined;
  return parsed !== undefined && isPositive(parsed);
};

/** A move as a person reads it: `−1.01 %`, `+2 %`. */
export function moveText(move: string): string {
  return move.startsWith('-') || /^0(\.0*)?$/.test(move) ? percent(move) : `+${percent(move)}`;
}

/** Gaps that hurt the account: down for its longs, up for its shorts (both for a mixed account). */
export function directionsAtRisk(report: ReportJson): Direction[] {
  const sides = new Set(report.positions.map((position) => position.side));
  return [...(sides.has('long') ? ['down' as const] : []), ...(sides.has('short') ? ['up' as const] : [])];
}

/** A move of `points` basis points in the direction, as the core writes a fraction: "-0.0101". */
export function basisPointMove(direction: Direction, points: number): string {
  return toDecimalString(normalize(decimal(BigInt(direction === 'down' ? -points : points), 4)));
}

// ---------------------------------------------------------------------------------------------
// The shock ladder

export const LADDER_STEPS = ['0.01', '0.02', '0.03', '0.05', '0.075', '0.1', '0.15', '0.2'] as const;

export interface LadderRow {
  readonly direction: Direction;
  readonly move: string;
  readonly equity: string;
  readonly liquidated: boolean;
  readonly clientLoss: string;
  readonly debt: string;
  readonly venueLoss: string;
  /** The first gap of its direction that leaves the client owing. */
  readonly firstDebt: boolean;
}

export function ladderMoves(report: ReportJson): string[] {
  return directionsAtRisk(report).flatMap((direction) => LADDER_STEPS.map((step) => (direction === 'down' ? `-${step}` : step)));
}

/** The ladder's rows, every figure the report's own string, from one core call. */
export function shockLadder(snapshot: Snapshot, report: ReportJson): LadderRow[] {
  const moves = ladderMoves(report);
  if (!moves.length) return [];
  const seen = new Set<Direction>();
  return reportWithShocks(snapshot, moves).shocks.map((shock) => {
    const move = text(shock, 'move');
    const direction: Direction = move.startsWith('-') ? 'down' : 'up';
    const debt = text(shock, 'debt');
    const firstDebt = positiveText(debt) && !seen.has(direction);
    if (firstDebt) seen.add(direction);
    return {
      direction, move, equity: text(shock, 'equity'), liquidated: shock.liquidated === true,
      clientLoss: text(shock, 'clientLoss'), debt, venueLoss: text(shock, 'venueLoss'), firstDebt,
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Gap scans: the debt threshold and the close order

export const LAST_POINT: Readonly<Record<Direction, number>> = { down: 9999, up: 10000 };

/** Gaps of 0 %, 1 %, …, 99 % and the last grid move, in basis points. */
function coarsePoints(direction: Direction): number[] {
  return [...Array.from({ length: 100 }, (_, index) => index * 100), LAST_POINT[direction]];
}

/** The coarse gaps in two reports: to 10 %, where most accounts are decided, then the rest. */
const COARSE_CHUNK = 11;

/**
 * The coarse scan's shocks in order, as far as `enough` needs: the first report holds the gaps to
 * 10 %, the second (asked only when `enough` is not yet satisfied) the rest.
 */
export function coarseScan(snapshot: Snapshot, direction: Direction, enough: (shocks: readonly Shock[]) => boolean): readonly Shock[] {
  const moves = coarsePoints(direction).map((points) => basisPointMove(direction, points));
  const first = reportWithShocks(snapshot, moves.slice(0, COARSE_CHUNK)).shocks;
  return enough(first) ? first : [...first, ...reportWithShocks(snapshot, moves.slice(COARSE_CHUNK)).shocks];
}

export interface DebtThreshold {
  readonly direction: Direction;
  /** The first grid move (0.01 %) whose gap leaves a debt; "0" when closing now already does. */
  readonly move: string;
  readonly debt: string;
  /** The first whole percent with a debt: the example the answer gives. */
  readonly example: { readonly move: string; readonly debt: string };
}

/**
 * The first grid move in (from, to] basis points whose shock `holds`, given that it holds at `to`:
 * steps of `step` points, then single points within the step found (two reports of at most 10).
 */
function narrowed(snapshot: Snapshot, direction: Direction, from: number, to: number, step: number, holds: (shock: Shock) => boolean): Shock | undefined {
  const size = Math.min(step, to - from);
  const ends = Array.from({ length: Math.ceil((to - from) / size) }, (_, index) => Math.min(to, from + (index + 1) * size));
  const coarse = reportWithShocks(snapshot, ends.map((points) => basisPointMove(direction, points))).shocks;
  const index = coarse.findIndex(holds);
  const end = ends[index];
  if (end === undefined) return undefined;
  const start = index > 0 ? ends[index - 1] ?? from : from;
  if (size === 1 || end - start === 1) return coarse[index];
  return narrowed(snapshot, direction, start, end, 1, holds) ?? coarse[index];
}

export function firstDebt(snapshot: Snapshot, direction: Direction): DebtThreshold | null {
  const owes = (shock: Shock): boolean => positiveText(text(shock, 'debt'));
  const coarse = coarseScan(snapshot, direction, (shocks) => shocks.some(owes));
  const index = coarse.findIndex(owes);
  const found = coarse[index];
  if (!found) return null;
  const example = { move: text(found, 'move'), debt: text(found, 'debt') };
  const points = coarsePoints(direction);
  const from = points[index - 1];
  if (from === undefined) return { direction, ...example, example };
  const to = points[index] ?? from;
  const first = narrowed(snapshot, direction, from, to, 10, owes) ?? found;
  return { direction, move: text(first, 'move'), debt: text(first, 'debt'), example };
}

/** The nearest debt threshold over the directions at risk (both, for a mixed account). */
export function debtThreshold(snapshot: Snapshot, report: ReportJson): DebtThreshold | null {
  const magnitude = (threshold: DebtThreshold): Decimal => abs(parseDecimal(threshold.move) ?? decimal(0n));
  return directionsAtRisk(report)
    .map((direction) => firstDebt(snapshot, direction))
    .reduce<DebtThreshold | null>((best, each) => (each && (!best || compare(magnitude(each), magnitude(best)) < 0) ? each : best), null);
}

// ---------------------------------------------------------------------------------------------
// The answer: can I end up owing money?

export interface AnswerView {
  readonly tone: Tone;
  readonly sentences: readonly (readonly Piece[])[];
}

const TONES: readonly Tone[] = ['safe', 'warn', 'danger'];
const worse = (a: Tone, b: Tone): Tone => (TONES.indexOf(a) >= TONES.indexOf(b) ? a : b);
/** A gap this small or smaller that leaves a debt makes the answer a danger, not a warning. */
const NEAR_GAP = decimal(10n, 2);

/** Who the client would owe: a broker at CFD and securities venues, a venue elsewhere. */
export function creditor(venue: VenueProfile): string {
  return venue.instrumentKinds.some((kind) => kind === 'cfd' || kind === 'stock') ? 'the broker' : 'the venue';
}

/** Who pays what a close leaves below zero, in words. */
export function deficitWords(policy: DeficitPolicy): string {
  if (policy.kind === 'negative-balance-protection') return 'the broker (negative balance protection)';
  if (policy.kind === 'client-debt') return 'you (a debt)';
  return `${policy.fund}, then ${policy.fallback}`;
}

function figure(field: string, value: string | null, shown: string): Piece {
  return { field, value, text: shown };
}

function statusSentence(report: ReportJson, parsed: AccountSnapshot): { tone: Tone; pieces: Piece[] } {
  const { account, currency } = report;
  const amount = (field: string): Piece => figure(`answer.${field}`, account[field] ?? null, money(account[field], currency));
  switch (account.status) {
    case 'margin-call':
      return { tone: 'warn', pieces: ['Right now the account is in margin call: equity ', amount('equity'), ' is below ', amount('marginCallEquity'), '; a deposit of ', amount('depositToCure'), ' cures it.'] };
    case 'liquidation':
      return {
        tone: 'danger',
        pieces: parsed.venue.cureDays > 0
          ? ['Right now equity ', amount('equity'), ' is below the requirement ', amount('liquidationEquity'), `: unless a deposit of `, amount('depositToCure'), ` arrives within ${parsed.venue.cureDays} days, ${creditor(parsed.venue)} sells.`]
          : ['Right now equity ', amount('equity'), ' is below ', amount('liquidationEquity'), ': the venue closes positions now.'],
      };
    case 'bankrupt':
      return { tone: 'danger', pieces: ['Right now equity ', amount('equity'), ' is below zero: the venue closes everything now.'] };
    default:
      return { tone: 'safe', pieces: ['Right now the account is healthy: equity ', amount('equity'), ' is above ', amount('liquidationEquity'), ', where the venue starts closing positions.'] };
  }
}

function lossCap(report: ReportJson, parsed: AccountSnapshot): { value: string; basis: string } {
  const isolated = parsed.positions.flatMap((position) => (position.isolatedMargin ? [position.isolatedMargin] : []));
  if (parsed.venue.deficit.kind !== 'insurance-fund' || isolated.length < parsed.positions.length) {
    return { value: report.account.balance ?? '', basis: 'your balance' };
  }
  const total = rescale(sum(isolated), parsed.currencyDecimals, 'half-even');
  return { value: toDecimalString(total), basis: isolated.length > 1 ? 'your isolated margins' : 'your isolated margin' };
}

function debtSentence(snapshot: Snapshot, report: ReportJson, parsed: AccountSnapshot): { tone: Tone; pieces: Piece[] } {
  const owing = creditor(parsed.venue);
  const threshold = debtThreshold(snapshot, report);
  const currency = report.currency;
  if (!threshold) {
    const limits = directionsAtRisk(report).map((direction) => basisPointMove(direction, LAST_POINT[direction]));
    const limitPieces = limits.flatMap((move, index) => [index ? ' or ' : '', figure(`answer.searchedTo.${index}`, move, moveText(move))]);
    return { tone: 'safe', pieces: ['No gap of every mark together, up to ', ...limitPieces, `, leaves you owing ${owing}, though nothing here protects a negative balance.`] };
  }
  if (threshold.move === '0') {
    return { tone: 'danger', pieces: [`Closing now would already leave you owing ${owing} `, figure('answer.debtNow', threshold.debt, money(threshold.debt, currency)), '.'] };
  }
  const near = compare(abs(parseDecimal(threshold.move) ?? decimal(0n)), NEAR_GAP) <= 0;
  return {
    tone: near ? 'danger' : 'warn',
    pieces: [
      'A gap of ', figure('answer.debtFromMove', threshold.move, moveText(threshold.move)),
      ` or worse leaves you owing ${owing}; at `, figure('answer.exampleMove', threshold.example.move, moveText(threshold.example.move)),
      ' you would owe ', figure('answer.debtAtExample', threshold.example.debt, money(threshold.example.debt, currency)), '.',
    ],
  };
}

/** "Can I end up owing money?" for this account at this venue, then its status now. */
export function answerFor(snapshot: Snapshot, report: ReportJson): AnswerView {
  if (!report.positions.length) {
    return { tone: 'safe', sentences: [['With no open positions, no gap can cost you anything.']] };
  }
  const parsed = parsedSnapshot(snapshot);
  const { deficit } = parsed.venue;
  const cap = lossCap(report, parsed);
  const capPiece = figure('answer.lossCap', cap.value, money(cap.value, report.currency));
  let first: { tone: Tone; pieces: Piece[] };
  if (deficit.kind === 'negative-balance-protection') {
    first = { tone: 'safe', pieces: ['With negative balance protection your loss stops at ', capPiece, ` (${cap.basis}): ${creditor(parsed.venue)} absorbs anything beyond.`] };
  } else if (deficit.kind === 'insurance-fund') {
    first = { tone: 'safe', pieces: [`The ${deficit.fund} absorbs what a close leaves below zero (then ${deficit.fallback}): your loss stops at `, capPiece, ` (${cap.basis}).`] };
  } else {
    first = debtSentence(snapshot, report, parsed);
  }
  const status = statusSentence(report, parsed);
  return { tone: worse(first.tone, status.tone), sentences: [first.pieces, status.pieces] };
}
