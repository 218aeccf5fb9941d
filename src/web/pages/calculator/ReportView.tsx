/**
 * The report of the snapshot (report.md), every leaf once with its data-field and data-value
 * (spec/web.md), laid out for people: warnings as banners, the account, the positions table with
 * the liquidation, margin-call and bankruptcy prices first, the cost of holding (when the snapshot
 * gives a funding or financing rate), the shocks table. Its container carries
 * `data-report` so a program finds the figures.
 */
import type { ReportJson } from '../../../core/index.js';
import { AccountFigures } from './AccountFigures.js';
import { HoldingFigures } from './HoldingFigures.js';
import { OtherFigures } from './OtherFigures.js';
import { PositionsTable } from './PositionsTable.js';
import { ShocksTable } from './ShocksTable.js';
import { WarningBanners } from './WarningBanners.js';

export function ReportView({ report }: { readonly report: ReportJson }) {
  return (
    <section class="card calc-report" data-report aria-labelledby="calc-report-heading">
      <h2 id="calc-report-heading">The report</h2>
      <WarningBanners report={report} />
      <AccountFigures report={report} />
      <h3>Positions</h3>
      <PositionsTable report={report} />
      <HoldingFigures report={report} />
      <h3>Shocks</h3>
      <ShocksTable report={report} />
      <OtherFigures report={report} />
    </section>
  );
}
