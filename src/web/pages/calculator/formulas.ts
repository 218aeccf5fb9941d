/**
 * The Why panel: the venue's maintenance-margin and liquidation formulas as the core implements
 * them, written out with this account's numbers, and the documents the venue profile cites.
 *
 * - Tiered venues (Binance, Bybit, dYdX, Hyperliquid; margin/maintenance-margin.ts):
 *     maintenance = max(0, quantity × price × rate − deduction), the tier that holds at the exposure's notional;
 *     liquidation when equity (isolated: margin balance) ≤ maintenance (Binance, Bybit) or < it (dYdX, Hyperliquid);
 *     solved for one position alone on its instrument (Binance's published form, threshold-price.ts):
 *     P = (WB − TMM₁ + UPNL₁ + cum − side × q × EP) ÷ (q × MMR − side × q), the tier at P.
 * - Margin-level venues (MT5, ESMA): used margin = quantity × price × max(1 ÷ leverage, minimum rate);
 *   stop-out when equity ≤ (MT5) or < (ESMA) the stop-out level × used margin: the same form with
 *   MMR = level × the initial rate and cum = 0 (ESMA values at entry, so the requirement R is fixed:
 *   P = EP − side × (WB − TMM₁ + UPNL₁ − R) ÷ q).
 * - Securities (Reg T, FINRA 4210(c)): long 25 % of market value; short max($5.00, 30 % × price) a share
 *   ($5 and up), max($2.50, price) below; a call not met within the cure period is met by selling.
 * Every number substituted is a string of the report or the snapshot, and every result shown is the
 * report's own figure; amounts the report does not carry (a cross scope's equity beside isolated
 * positions, an isolated margin balance) are exact sums of its strings.
 */
import {
  add, compare, dec, decimal, fromDecimal, parseDecimal, rescale, subtract, sum, toDecimalString, type AccountSnapshot, type Decimal,
  type Position, type ReportJson,
} from '../../../core/index.js';
import { tierAt } from '../../../core/instrument/maintenance-tiers.js';
import { initialMarginRate } from '../../../core/margin/position-measures.js';
import { multiplyRational, divideRational, compareRational, RATIONAL_ONE, rational, type Rational } from '../../../core/money/rational.js';
import { groupDigits, money, percent } from '../../lib/format.js';
import { deficitWords, parsedSnapshot, type Piece, type Snapshot } from './analysis.js';
import { decimalText, exposureNotional, exposureOf, ORDER_WORDS, tierAtPrice, tierText } from './cross-margin.js';

export interface FormulaLine {
  readonly label: string;
  readonly pieces: readonly Piece[];
}

export interface PositionFormulas {
  readonly index: number;
  readonly title: string;
  readonly lines: readonly FormulaLine[];
}

export interface SourceDocument {
  readonly title: string;
  readonly url: string | null;
}

export interface WhyView {
  readonly venue: string;
  readonly rule: string;
  readonly account: readonly FormulaLine[];
  readonly positions: readonly PositionFormulas[];
  readonly sources: readonly SourceDocument[];
}

/** Where the documents the profiles cite (by their exact titles) can be read. */
const DOCUMENT_URLS: Readonly<Record<string, string>> = {
  'Binance FAQ: How to Calculate Liquidation Price of USDⓈ-M Futures Contracts': 'https://www.binance.com/en/support/faq/b3c689c1f50a44cabb3a84e663b81d93',
  'Binance FAQ: How to Calculate Liquidation Price of COIN-M Futures Contracts': 'https://www.binance.com/en/support/faq/ceccfcfb4e3a45e3b48b0b1bb1a8ae46',
  'Hyperliquid docs: Trading / Liquidations': 'https://hyperliquid.gitbook.io/hyperliquid-docs/trading/liquidations',
  'dYdX v4 docs: concepts/trading/liquidations': 'https://github.com/dydxprotocol/v4-documentation/blob/main/docs/pages/concepts/trading/liquidations.mdx',
  'dYdX v4 docs: concepts/trading/margin': 'https://docs.dydx.exchange/concepts-trading/margin',
  'ESMA Decision (EU) 2018/796, Article 2 and Annexes I-II (OJ L 136, 1.6.2018)': 'https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:32018X0601(02)',
  'MQL5 Reference: ENUM_SYMBOL_CALC_MODE (SYMBOL_CALC_MODE_FOREX), ACCOUNT_MARGIN_SO_CALL, ACCOUNT_MARGIN_SO_SO': 'https://www.mql5.com/en/docs/constants/environment_state/accountinformation',
  'Regulation T, 12 CFR 220.12 and 220.2': 'https://www.ecfr.gov/current/title-12/chapter-II/subchapter-A/part-220',
  'FINRA Rule 4210(c) and (f)(6)': 'https://www.finra.org/rules-guidance/rulebooks/finra-rules/4210',
};

const FIVE_DOLLARS = dec('5');

type Figures = Readonly<Record<string, string | null>>;

/** An operand: digits grouped, a negative one in brackets. */
const operand = (value: string | null | undefined): string => {
  const shown = value ?? '0';
  return shown.startsWith('-') ? `(−${groupDigits(shown.slice(1))})` : groupDigits(shown);
};
/** A rate as a percent; one that is no finite decimal (1 ÷ 75) is shown to 10 places with "≈". */
const fraction = (value: Rational): string => {
  const { text, exact } = decimalText(value, 10);
  return `${exact ? '' : '≈ '}${percent(text)}`;
};
const amountOf = (value: Decimal, decimals: number): string => toDecimalString(rescale(value, decimals, 'half-even'));
const parsedAmount = (value: string | null | undefined): Decimal => (value ? parseDecimal(value) : undefined) ?? decimal(0n);

/** quantity × contract size as written: "109.488", or "(10 × 100)". */
function sizeText(position: Position): string {
  const size = toDecimalString(position.instrument.contractSize);
  return size === '1' ? operand(toDecimalString(position.quantity)) : `(${operand(toDecimalString(position.quantity))} × ${operand(size)})`;
}

/** The price requirements are valued at: the mark, or the entry where the venue values them at entry. */
function basisPrice(parsed: AccountSnapshot, position: Position, figures: Figures): { price: string; words: string } {
  const entry = parsed.venue.valuation[position.isolatedMargin ? 'isolated' : 'cross'] === 'entry';
  return entry ? { price: figures.entryPrice ?? '', words: 'entry price' } : { price: figures.markPrice ?? '', words: 'mark' };
}

function notionalText(position: Position, price: string): string {
  return position.instrument.kind === 'inverse' ? `${sizeText(position)} ÷ ${operand(price)}` : `${sizeText(position)} × ${operand(price)}`;
}

interface ScopeFigures {
  readonly word: string;
  readonly wallet: string;
  readonly walletWords: string;
  readonly pnl: string;
  readonly equity: Piece;
  readonly requirement: string;
}

/** The position's margin scope: what it holds, its P&L, its equity and its requirement Rl. */
function scopeFigures(parsed: AccountSnapshot, report: ReportJson, index: number): ScopeFigures {
  const position = parsed.positions[index];
  const figures = report.positions[index] ?? {};
  const { currency, account } = report;
  const decimals = parsed.currencyDecimals;
  if (position?.isolatedMargin) {
    const wallet = amountOf(position.isolatedMargin, decimals);
    const equity = amountOf(add(position.isolatedMargin, parsedAmount(figures.unrealizedPnl)), decimals);
    return {
      word: 'margin balance', wallet, walletWords: 'isolated margin', pnl: figures.unrealizedPnl ?? '0',
      equity: { field: `why.positions.${index}.marginBalance`, value: equity, text: money(equity, currency) },
      requirement: figures.maintenanceMargin ?? '',
    };
  }
  const isolated = parsed.positions.flatMap((each) => (each.isolatedMargin ? [each.isolatedMargin] : []));
  if (!isolated.length) {
    return {
      word: 'equity', wallet: account.balance ?? '', walletWords: 'balance', pnl: account.unrealizedPnl ?? '',
      equity: money(account.equity, currency), requirement: account.liquidationEquity ?? '',
    };
  }
  const cross = report.positions.filter((_, each) => !parsed.positions[each]?.isolatedMargin);
  const wallet = amountOf(subtract(parsedAmount(account.balance), sum(isolated)), decimals);
  const pnl = amountOf(add(decimal(0n, decimals), sum(cross.map((each) => parsedAmount(each.unrealizedPnl)))), decimals);
  const equity = amountOf(add(parsedAmount(wallet), parsedAmount(pnl)), decimals);
  const requirement = amountOf(add(decimal(0n, decimals), sum(cross.map((each) => parsedAmount(each.maintenanceMargin)))), decimals);
  return {
    word: 'cross equity', wallet, walletWords: 'balance less isolated margins', pnl,
    equity: { field: 'why.cross.equity', value: equity, text: money(equity, currency) }, requirement,
  };
}

/** The other positions of the scope: their maintenance (TMM₁) and P&L (UPNL₁), exact sums of report strings. */
function others(parsed: AccountSnapshot, report: ReportJson, index: number): { maintenance: string; pnl: string } {
  const position = parsed.positions[index];
  if (!position || position.isolatedMargin) return { maintenance: '0', pnl: '0' };
  const rest = report.positions.filter((_, each) => each !== index && !parsed.positions[each]?.isolatedMargin);
  const total = (key: string): string => amountOf(add(decimal(0n, parsed.currencyDecimals), sum(rest.map((each) => parsedAmount(each[key])))), parsed.currencyDecimals);
  return { maintenance: total('maintenanceMargin'), pnl: total('unrealizedPnl') };
}

function aloneOnInstrument(parsed: AccountSnapshot, position: Position): boolean {
  if (position.isolatedMargin) return true;
  return parsed.positions.filter((each) => !each.isolatedMargin && each.instrument.symbol === position.instrument.symbol).length === 1;
}

/**
 * The liquidation price solved in the closed form: the requirement of the position at P is
 * q × P × rate − deduction (valued at the mark), or the fixed `fixedRequirement` (valued at entry).
 */
function liquidationLines(
  parsed: AccountSnapshot, report: ReportJson, index: number, rate: string, deduction: string, fixedRequirement: string | null, terms: string,
): FormulaLine[] {
  const position = parsed.positions[index];
  const figures = report.positions[index] ?? {};
  const result = figures.liquidationPrice;
  const label = 'Liquidation price';
  if (!position) return [];
  const symbol = position.instrument.symbol;
  if (!result) return [{ label, pieces: [`no positive price of ${symbol} liquidates this position, the other marks held.`] }];
  const closing = `= ${groupDigits(result)}: the report's price, solved exactly, then rounded to the tick toward the side where the venue liquidates`;
  if ((position.instrument.kind !== 'linear' && position.instrument.kind !== 'cfd') || !aloneOnInstrument(parsed, position)) {
    return [{ label, pieces: [`the mark of ${symbol} at which the scope's ${scopeFigures(parsed, report, index).word} meets its requirement, the other marks held, ${closing}`] }];
  }
  const scope = scopeFigures(parsed, report, index);
  const rest = others(parsed, report, index);
  const side = position.side === 'long' ? '1' : '(−1)';
  const q = sizeText(position);
  const entry = operand(figures.entryPrice);
  const size = toDecimalString(position.instrument.contractSize) === '1' ? 'quantity' : 'quantity × contract size';
  const where = `WB = ${scope.walletWords}, TMM₁ and UPNL₁ = the other positions' maintenance and P&L in this scope, q = ${size}, EP = entry price, side = 1 long or −1 short`;
  if (fixedRequirement !== null) {
    return [
      { label, pieces: [`P = EP − side × (WB − TMM₁ + UPNL₁ − R) ÷ q, where ${where}, R = this position's requirement (valued at entry)`] },
      { label: 'With your numbers', pieces: [`P = ${entry} − ${side} × (${operand(scope.wallet)} − ${operand(rest.maintenance)} + ${operand(rest.pnl)} − ${operand(fixedRequirement)}) ÷ ${q} ${closing}`] },
    ];
  }
  return [
    { label, pieces: [`P = (WB − TMM₁ + UPNL₁ + cum − side × q × EP) ÷ (q × MMR − side × q), where ${where}; ${terms}`] },
    {
      label: 'With your numbers',
      pieces: [`P = (${operand(scope.wallet)} − ${operand(rest.maintenance)} + ${operand(rest.pnl)} + ${operand(deduction)} − ${side} × ${q} × ${entry}) ÷ (${q} × ${rate} − ${side} × ${q}) ${closing}`],
    },
  ];
}

function tieredLines(parsed: AccountSnapshot, report: ReportJson, index: number, position: Position): FormulaLine[] {
  const figures = report.positions[index] ?? {};
  const { currency } = report;
  const lines: FormulaLine[] = [];
  const { price, words } = basisPrice(parsed, position, figures);
  const tiers = position.instrument.maintenanceTiers;
  const tierNow = tierAt(tiers, exposureNotional(parsed, position, fromDecimal(parsedAmount(figures.markPrice))));
  const maxLeverage = tierNow.maxLeverage ?? position.instrument.maxLeverage;
  if (parsed.venue.maintenance.kind === 'half-initial-at-max-leverage' && maxLeverage
    && compareRational(tierNow.rate, divideRational(RATIONAL_ONE, multiplyRational(rational(2n), fromDecimal(maxLeverage)))) === 0) {
    lines.push({ label: 'Maintenance rate', pieces: [`half the initial margin at the asset's maximum leverage: 1 ÷ (2 × ${operand(toDecimalString(maxLeverage))}) = ${fraction(tierNow.rate)}`] });
  }
  const now = tierAtPrice(parsed, position, figures.markPrice ?? null);
  const rate = decimalText(tierNow.rate, 10);
  const deduction = decimalText(tierNow.deduction, 10);
  const result = money(figures.maintenanceMargin, currency);
  const exposure = exposureOf(parsed, position);
  lines.push({
    label: 'Maintenance margin',
    pieces: exposure.length > 1
      ? [`the tier (${now ? tierText(now, currency) : ''}) applies to the combined notional of the ${exposure.length} ${position.side} positions on ${position.instrument.symbol} in this scope; this position carries its share by notional: ${result}`]
      : [
        `max(0, notional × rate − deduction), notional = ${position.instrument.kind === 'inverse' ? 'contracts × contract size ÷ ' : 'quantity × '}${words}, ${now ? tierText(now, currency) : ''}: `,
        `${notionalText(position, price)} × `, { field: `why.positions.${index}.maintenanceRate`, value: rate.text, text: fraction(tierNow.rate) },
        ' − ', { field: `why.positions.${index}.maintenanceDeduction`, value: deduction.text, text: operand(deduction.text) }, ` = ${result}`,
      ],
  });
  const atLiquidation = tierAtPrice(parsed, position, figures.liquidationPrice ?? null);
  const fixed = parsed.venue.valuation[position.isolatedMargin ? 'isolated' : 'cross'] === 'entry' ? figures.maintenanceMargin ?? '0' : null;
  lines.push(...liquidationLines(
    parsed, report, index, atLiquidation ? percent(atLiquidation.rate) : '', atLiquidation?.deduction ?? '0', fixed,
    atLiquidation ? `MMR and cum (the deduction) of the tier that holds at P, not at the mark: ${tierText(atLiquidation, currency)}` : '',
  ));
  return lines;
}

function marginLevelLines(parsed: AccountSnapshot, report: ReportJson, index: number, position: Position): FormulaLine[] {
  const figures = report.positions[index] ?? {};
  const { venue } = parsed;
  const { currency } = report;
  const { price, words } = basisPrice(parsed, position, figures);
  const rate = initialMarginRate(venue, position);
  const byLeverage = position.leverage && compareRational(rate, divideRational(RATIONAL_ONE, fromDecimal(position.leverage))) === 0;
  const minimum = `${fraction(rate)} (the minimum for ${position.instrument.assetClass}: ${venue.leverageRule})`;
  const level = fraction(venue.liquidation.level);
  const requirementRate = multiplyRational(venue.liquidation.level, rate);
  const entry = venue.valuation.cross === 'entry';
  return [
    {
      label: 'Used margin',
      pieces: [`quantity × ${words} ${byLeverage ? '÷ leverage' : `× ${minimum}`} = ${notionalText(position, price)} ${byLeverage && position.leverage ? `÷ ${operand(toDecimalString(position.leverage))}` : `× ${fraction(rate)}`} = ${money(figures.initialMargin, currency)}`],
    },
    { label: 'Its part of the stop-out requirement', pieces: [`${level} × used margin = ${money(figures.maintenanceMargin, currency)}`] },
    ...liquidationLines(parsed, report, index, fraction(requirementRate), '0', entry ? figures.maintenanceMargin ?? '0' : null, `MMR = ${level} × ${fraction(rate)} = ${fraction(requirementRate)}, cum = 0`),
  ];
}

function securitiesLines(parsed: AccountSnapshot, report: ReportJson, index: number, position: Position): FormulaLine[] {
  const figures = report.positions[index] ?? {};
  const model = parsed.venue.maintenance;
  const result = money(figures.maintenanceMargin, report.currency);
  const price = figures.markPrice ?? '';
  const shares = sizeText(position);
  let maintenance: string;
  if (model.kind !== 'securities') maintenance = result;
  else if (position.side === 'long') maintenance = `${fraction(model.long)} × shares × price = ${fraction(model.long)} × ${shares} × ${operand(price)} = ${result}`;
  else if (compare(parsedAmount(price), FIVE_DOLLARS) >= 0) {
    maintenance = `max($5.00, ${fraction(model.short)} × price) × shares = max(5.00, ${fraction(model.short)} × ${operand(price)}) × ${shares} = ${result}`;
  } else maintenance = `max($2.50, price) × shares = max(2.50, ${operand(price)}) × ${shares} = ${result}`;
  const symbol = position.instrument.symbol;
  const liquidation = figures.liquidationPrice
    ? `the price of ${symbol} at which equity falls below the maintenance requirement, the other prices held: ${groupDigits(figures.liquidationPrice)} (the report's, to the tick)`
    : `no positive price of ${symbol} takes equity below the requirement, the other prices held`;
  return [
    { label: 'Maintenance (FINRA 4210(c))', pieces: [maintenance] },
    { label: 'Call price', pieces: [liquidation] },
  ];
}

function accountLines(parsed: AccountSnapshot, report: ReportJson): FormulaLine[] {
  const { venue } = parsed;
  const { account, currency } = report;
  const sign = venue.liquidationTrigger === 'at-or-below' ? '≤' : '<';
  const lines: FormulaLine[] = [];
  const crossIndex = parsed.positions.findIndex((position) => !position.isolatedMargin);
  if (venue.maintenance.kind === 'securities') {
    lines.push(
      { label: 'Equity', pieces: [`cash + longs at market − shorts at market = ${money(account.equity, currency)}`] },
      { label: 'Maintenance call', pieces: [`when equity < the maintenance requirement ${money(account.marginCallEquity, currency)}; not met within ${venue.cureDays} days, it is met by selling`] },
    );
  } else if (venue.maintenance.kind === 'none') {
    const call = venue.marginCall ? fraction(venue.marginCall.level) : fraction(venue.liquidation.level);
    lines.push(
      { label: 'Equity', pieces: [`balance + unrealised P&L = ${operand(account.balance)} + ${operand(account.unrealizedPnl)} = ${money(account.equity, currency)}`] },
      { label: 'Margin level', pieces: [`equity ÷ used margin = ${operand(account.equity)} ÷ ${operand(account.initialMargin)} = ${account.marginLevel === null || account.marginLevel === undefined ? '–' : percent(account.marginLevel)}`] },
      { label: 'Margin call', pieces: [`when the margin level < ${call}: equity < ${money(account.marginCallEquity, currency)}`] },
      { label: 'Stop-out', pieces: [`when the margin level ${sign} ${fraction(venue.liquidation.level)}: equity ${sign} ${money(account.liquidationEquity, currency)}`] },
    );
  } else if (crossIndex >= 0) {
    const scope = scopeFigures(parsed, report, crossIndex);
    lines.push(
      { label: 'Cross equity', pieces: [`${scope.walletWords} + unrealised P&L of the cross positions = ${operand(scope.wallet)} + ${operand(scope.pnl)} = `, scope.equity] },
      { label: 'Cross liquidation', pieces: [`when cross equity ${sign} the maintenance margin of the cross positions, ${money(scope.requirement, currency)}`] },
    );
  }
  lines.push(
    { label: 'What the venue closes', pieces: [ORDER_WORDS[venue.liquidationOrder]] },
    { label: 'Who pays a deficit', pieces: [deficitWords(venue.deficit)] },
  );
  return lines;
}

function isolatedLines(parsed: AccountSnapshot, report: ReportJson, index: number): FormulaLine[] {
  const position = parsed.positions[index];
  if (!position?.isolatedMargin || parsed.venue.maintenance.kind === 'none' || parsed.venue.maintenance.kind === 'securities') return [];
  const scope = scopeFigures(parsed, report, index);
  const sign = parsed.venue.liquidationTrigger === 'at-or-below' ? '≤' : '<';
  return [
    { label: 'Margin balance', pieces: [`isolated margin + unrealised P&L = ${operand(scope.wallet)} + ${operand(scope.pnl)} = `, scope.equity] },
    { label: 'Liquidation', pieces: [`when the margin balance ${sign} its maintenance margin, ${money(scope.requirement, report.currency)}`] },
  ];
}

function ruleWords(parsed: AccountSnapshot): string {
  const { venue } = parsed;
  const sign = venue.liquidationTrigger === 'at-or-below' ? 'at or below' : 'below';
  switch (venue.maintenance.kind) {
    case 'securities':
      return 'A maintenance call when equity falls below the maintenance requirement; not met within the cure period, the broker sells until it is met.';
    case 'none':
      return `A margin call when the margin level (equity ÷ used margin) falls below the call level; a stop-out when it is ${sign} the stop-out level.`;
    default:
      return `Liquidation when equity (an isolated position: its margin balance) is ${sign} its maintenance margin, set by tiers of notional.`;
  }
}

export function explain(snapshot: Snapshot, report: ReportJson): WhyView {
  const parsed = parsedSnapshot(snapshot);
  const { venue } = parsed;
  const positions = parsed.positions.map((position, index): PositionFormulas => {
    const family = venue.maintenance.kind;
    const lines = family === 'none' ? marginLevelLines(parsed, report, index, position)
      : family === 'securities' ? securitiesLines(parsed, report, index, position)
        : tieredLines(parsed, report, index, position);
    return {
      index,
      title: `Position ${position.id}: ${position.side} ${toDecimalString(position.quantity)} ${position.instrument.symbol} (${position.isolatedMargin ? 'isolated' : 'cross'})`,
      lines: [...isolatedLines(parsed, report, index), ...lines],
    };
  });
  return {
    venue: venue.name,
    rule: ruleWords(parsed),
    account: accountLines(parsed, report),
    positions,
    sources: venue.sources.map((title) => ({ title, url: Object.hasOwn(DOCUMENT_URLS, title) ? DOCUMENT_URLS[title] ?? null : null })),
  };
}
