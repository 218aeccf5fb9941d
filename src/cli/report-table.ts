/** The report as tables for a terminal: the same figures as the JSON, laid out to be read. */
import Table from 'cli-table3';
import { groupDigits } from './money-text.js';
import { dec, multiply, parseDecimal, rescale, toDecimalString, type ReportJson } from '../core/index.js';

type HoldingJson = NonNullable<ReportJson['holding']>;

const PLAIN = { head: [] as string[], border: [] as string[] };

function table(head: string[], rows: (string | null)[][], alignRightFrom = 1): string {
  const output = new Table({
    head,
    style: PLAIN,
    colAligns: head.map((_, index) => (index >= alignRightFrom ? 'right' : 'left')),
  });
  for (const row of rows) output.push(row.map((cell) => (cell === null ? '-' : groupDigits(cell))));
  return output.toString();
}

/** "0.015" -> "1.50 %", in decimals: a display never goes through a binary float. */
export function percent(fraction: string | null): string {
  const value = fraction === null ? undefined : parseDecimal(fraction);
  return value ? `${toDecimalString(rescale(multiply(value, dec('100')), 2, 'half-even'))} %` : '-';
}

/** "40.67 days (122 payments)", or "never" when holding alone never gets there. */
function daysText(days: string | null | undefined, payments: string | null | undefined): string {
  if (days === null || days === undefined || payments === null || payments === undefined) return 'never';
  return `${groupDigits(days)} days (${groupDigits(payments)} ${payments === '1' ? 'payment' : 'payments'})`;
}

/** The cost of holding (holding-costs.ts): the account's lines, then each position's, then what they assume. */
function holdingTables(holding: HoldingJson, currency: string): string[] {
  const every = holding.kind === 'funding' ? `funding every ${holding.paymentHours} h` : 'financing, one night';
  return [
    table(['Holding at today\'s rate', currency], [
      [`Per payment (${every})`, holding.perPayment],
      ['Per day', holding.perDay],
      ['Margin call in', daysText(holding.daysToMarginCall, holding.paymentsToMarginCall)],
      ['Liquidation in', daysText(holding.daysToLiquidation, holding.paymentsToLiquidation)],
    ]),
    '',
    table(
      ['Position', 'Per day', 'Own liquidation in', 'LP after 1 day', 'after 7 days', 'after 30 days'],
      holding.positions.map((position) => [
        position.id, position.perDay,
        position.paymentsToLiquidation === undefined ? '(the account\'s)' : daysText(position.daysToLiquidation, position.paymentsToLiquidation),
        position.liquidationPriceAfter['1'] ?? null, position.liquidationPriceAfter['7'] ?? null, position.liquidationPriceAfter['30'] ?? null,
      ]),
    ),
    `Assumes: ${holding.basis}.`,
  ];
}

export function reportTable(report: ReportJson): string {
  const { account } = report;
  const lines: string[] = [];
  lines.push(`${report.venue.name} [${report.venue.id}], account in ${report.currency}; deficits: ${report.venue.deficitPolicy}`);
  lines.push('');
  lines.push(table(['Account', report.currency], [
    ['Balance', account.balance ?? null],
    ['Unrealised P&L', account.unrealizedPnl ?? null],
    ['Equity', account.equity ?? null],
    ['Initial (used) margin', account.initialMargin ?? null],
    ['Maintenance margin', account.maintenanceMargin ?? null],
    ['Free margin', account.freeMargin ?? null],
    ['Margin level', percent(account.marginLevel ?? null)],
    ['Margin call below equity', account.marginCallEquity ?? null],
    ['Liquidation below equity', account.liquidationEquity ?? null],
    ['Deposit to cure', account.depositToCure ?? null],
    ['Status', account.status ?? null],
  ]));
  if (report.positions.length) {
    lines.push('');
    lines.push(table(
      ['Position', 'Side', 'Quantity', 'Entry', 'Mark', 'Notional', 'P&L', 'Initial', 'Maint.', 'Liquidation', 'Margin call', 'Bankruptcy'],
      report.positions.map((position) => [
        `${position.id ?? ''} ${position.instrument ?? ''} (${position.margin ?? ''})`,
        position.side ?? null, position.quantity ?? null, position.entryPrice ?? null, position.markPrice ?? null,
        position.notional ?? null, position.unrealizedPnl ?? null, position.initialMargin ?? null,
        position.maintenanceMargin ?? null, position.liquidationPrice ?? null, position.marginCallPrice ?? null,
        position.bankruptcyPrice ?? null,
      ]),
      2,
    ));
  }
  if (report.shocks.length) {
    lines.push('');
    lines.push(table(
      ['Gap', 'P&L', 'Equity after gap', 'Force-closed', 'Client loses', 'Client owes', 'Venue absorbs'],
      report.shocks.map((shock) => [
        percent(String(shock.move)), String(shock.pnl), String(shock.equity), shock.liquidated ? 'yes' : 'no',
        String(shock.clientLoss), String(shock.debt), String(shock.venueLoss),
      ]),
    ));
  }
  if (report.holding) {
    lines.push('');
    lines.push(...holdingTables(report.holding, report.currency));
  }
  if (report.warnings.length) {
    lines.push('');
    lines.push('Warnings:');
    for (const warning of report.warnings) lines.push(`  ${warning.message} [${warning.code}]`);
  }
  return lines.join('\n');
}
