/**
 * The account part of the report (report.md): the venue, the status as a badge, and the account's
 * figures: equity = balance + unrealised P&L; free margin = equity - initial margin; margin level =
 * equity / initial margin, shown as a percent; the equities below which the venue calls and closes;
 * the deposit that lifts equity back to the margin-call equity. Every figure is the core's string.
 */
import { Fragment } from 'preact';
import type { ReportJson } from '../../../core/index.js';
import { Figure } from '../../components/Figure.js';
import { money, percent } from '../../lib/format.js';
import { deficitText, signClass, statusText } from './report-text.js';

type Row = readonly [key: string, label: string, kind: 'money' | 'percent'];

const ROWS: readonly Row[] = [
  ['equity', 'Equity', 'money'],
  ['balance', 'Balance', 'money'],
  ['unrealizedPnl', 'Unrealised P&L', 'money'],
  ['initialMargin', 'Used (initial) margin', 'money'],
  ['maintenanceMargin', 'Maintenance margin', 'money'],
  ['freeMargin', 'Free margin', 'money'],
  ['marginLevel', 'Margin level (equity / used margin)', 'percent'],
  ['marginCallEquity', 'Margin call when equity is below', 'money'],
  ['liquidationEquity', 'Forced close when equity is below', 'money'],
  ['depositToCure', 'Deposit that cures a margin call', 'money'],
];

/** P&L in green or red; any other amount in red only when below zero (a balance or equity in debt). */
function colour(key: string, value: string | null): string {
  const sign = signClass(value);
  return key === 'unrealizedPnl' || sign === 'neg' ? sign ?? '' : '';
}

export function AccountFigures({ report }: { readonly report: ReportJson }) {
  const { account, currency, venue } = report;
  const status = account.status ?? null;
  return (
    <div class="calc-account">
      <p class="calc-venue">
        <Figure field="venue.name" value={venue.name} /> (<Figure field="venue.id" value={venue.id} class="mono" />). A deficit
        after a forced close: <Figure field="venue.deficitPolicy" value={venue.deficitPolicy}>{deficitText(venue.deficitPolicy)}</Figure>.
        {' '}Cure period: <Figure field="venue.cureDays" value={venue.cureDays}>{venue.cureDays === 1 ? '1 day' : `${venue.cureDays} days`}</Figure>.
        {' '}Currency: <Figure field="currency" value={currency} />.
      </p>
      <p class="calc-status">
        Status: <Figure field="account.status" value={status} class={`status ${status ?? ''}`}>{statusText(status)}</Figure>
      </p>
      <dl class="figures">
        {ROWS.map(([key, label, kind]) => {
          const value = account[key] ?? null;
          return (
            <Fragment key={key}>
              <dt>{label}</dt>
              <dd>
                <Figure field={`account.${key}`} value={value} class={colour(key, value)}>
                  {kind === 'percent' ? (value === null ? 'none (no margin used)' : percent(value, 2)) : money(value, currency)}
                </Figure>
              </dd>
            </Fragment>
          );
        })}
      </dl>
    </div>
  );
}
