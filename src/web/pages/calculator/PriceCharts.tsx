/**
 * The charts section: one chart per instrument the positions trade (PriceChart.tsx), each line's
 * figures computed by the core with that instrument's mark moved to the line (price-lines.ts).
 */
import type { ReportJson } from '../../../core/index.js';
import { PriceChart } from './PriceChart.js';
import type { ChartModel } from './price-lines.js';

export function PriceCharts({ model, report }: { readonly model: ChartModel; readonly report: ReportJson }) {
  if (model.instruments.length === 0) return null;
  const liquidationPrices = report.positions.map((position) => position.liquidationPrice ?? null);
  return (
    <section class="card" aria-labelledby="calc-charts-heading">
      <h2 id="calc-charts-heading">Where the venue steps in</h2>
      <p class="muted calc-note">Each price moves one instrument's mark and holds the others; the figures at each line are the report's at that price.</p>
      {model.instruments.map((instrument) => (
        <PriceChart key={instrument.symbol} instrument={instrument} currency={report.currency}
          deficitPolicy={report.venue.deficitPolicy} liquidationPrices={liquidationPrices} />
      ))}
    </section>
  );
}
