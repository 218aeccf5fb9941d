/**
 * The client's loss at the horizon, a histogram of one variant's paths (base first; a selector for
 * the others) from the blocks' `losses` columns (loss-histogram.ts), with the variant's VaR 95 % and
 * VaR 99 % from the results marked. A loss below zero is a gain. SVG at the shown width; the bins
 * are also a table for whoever cannot see the chart.
 */
import { useMemo, useRef, useState } from 'preact/hooks';
import type { BlockResult } from '../../../sim/blocks.js';
import type { SimulationResults } from '../../../sim/statistics.js';
import { SelectField } from '../../components/Field.js';
import type { Theme } from '../../lib/theme.js';
import { histogram, variantLosses } from './loss-histogram.js';
import { amount } from './results-format.js';
import { useWidth } from './use-width.js';

const HEIGHT = 240;
const MARGIN = { left: 56, right: 16, top: 30, bottom: 34 };
const FONT = 12;

/** An axis or bin edge for reading (a float of the histogram, not a result): grouped, at most two decimals. */
function edge(value: number): string {
  return value.toLocaleString('en-US', { maximumFractionDigits: 2 });
}

export interface LossChartProps {
  readonly results: SimulationResults;
  readonly blocks: readonly BlockResult[];
  readonly currency: string;
  readonly theme: Theme;
}

export function LossChart({ results, blocks, currency, theme }: LossChartProps) {
  const [variant, setVariant] = useState(0);
  const box = useRef<HTMLDivElement>(null);
  const width = useWidth(box);
  const bins = useMemo(() => histogram(variantLosses(blocks, variant)), [blocks, variant]);
  const chosen = results.variants[variant] ?? results.variants[0];
  if (!chosen) return null;
  const plotWidth = Math.max(60, width - MARGIN.left - MARGIN.right);
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const most = Math.max(1, ...bins.counts);
  const to = bins.from + bins.counts.length * bins.width;
  const x = (loss: number): number => MARGIN.left + ((loss - bins.from) / (to - bins.from)) * plotWidth;
  const y = (count: number): number => MARGIN.top + plotHeight - (count / most) * plotHeight;
  const marks = [['VaR 95 %', Number(chosen.loss.var95), 0], ['VaR 99 %', Number(chosen.loss.var99), 14]] as const;
  const options = results.variants.map((entry, index) => [String(index), entry.name] as const);
  return (
    <div>
      <SelectField label="Variant" value={String(variant)} options={options} onValue={(value) => setVariant(Number(value))} class="sim-narrow" />
      <div ref={box} class="sim-chart">
        <svg width={width} height={HEIGHT} viewBox={`0 0 ${width} ${HEIGHT}`} role="img"
          aria-label={`Histogram of the client's loss at the horizon for ${chosen.name}, ${bins.paths} paths in bins of ${edge(bins.width)} ${currency}; the bins are in the table below.`}>
          <line x1={MARGIN.left} x2={MARGIN.left + plotWidth} y1={y(0)} y2={y(0)} stroke={theme.muted} />
          <line x1={MARGIN.left} x2={MARGIN.left + plotWidth} y1={y(most)} y2={y(most)} stroke={theme.grid} />
          <text x={MARGIN.left - 6} y={y(most) + 4} fill={theme.muted} font-size={FONT} text-anchor="end">{edge(most)}</text>
          <text x={MARGIN.left - 6} y={y(0) + 4} fill={theme.muted} font-size={FONT} text-anchor="end">0</text>
          <text x={MARGIN.left} y={12} fill={theme.muted} font-size={FONT}>paths a bin</text>
          {bins.counts.map((count, bin) => (
            <rect key={bin} x={x(bins.from + bin * bins.width) + 0.5} y={y(count)} width={Math.max(1, plotWidth / bins.counts.length - 1)}
              height={y(0) - y(count)} fill={theme.accent} opacity={0.8} />
          ))}
          {marks.map(([label, loss, drop]) => {
            const left = x(loss) - MARGIN.left > 80;
            return (
              <g key={label}>
                <line x1={x(loss)} x2={x(loss)} y1={MARGIN.top - 4} y2={y(0)} stroke={theme.danger} stroke-width={1.5} stroke-dasharray="4 3" />
                <text x={x(loss) + (left ? -4 : 4)} y={MARGIN.top + 8 + drop} fill={theme.danger} font-size={FONT} text-anchor={left ? 'end' : 'start'}>{label}</text>
              </g>
            );
          })}
          <text x={MARGIN.left} y={HEIGHT - MARGIN.bottom + 18} fill={theme.muted} font-size={FONT}>{edge(bins.from)}</text>
          <text x={MARGIN.left + plotWidth} y={HEIGHT - MARGIN.bottom + 18} fill={theme.muted} font-size={FONT} text-anchor="end">{edge(to)}</text>
          {bins.from < 0 && to > 0 && x(0) - x(bins.from) > 48 && x(to) - x(0) > 48 ? <text x={x(0)} y={HEIGHT - MARGIN.bottom + 18} fill={theme.muted} font-size={FONT} text-anchor="middle">0</text> : null}
          <text x={MARGIN.left + plotWidth / 2} y={HEIGHT - 2} fill={theme.muted} font-size={FONT} text-anchor="middle">loss in {currency}</text>
        </svg>
      </div>
      <p class="muted">
        Bins of {edge(bins.width)} {currency}, {bins.paths.toLocaleString('en-US')} paths; below zero the client gained.
        VaR 95&nbsp;% {amount(chosen.loss.var95, currency)}, VaR 99&nbsp;% {amount(chosen.loss.var99, currency)}.
      </p>
      <details>
        <summary>The bins as a table</summary>
        <div class="table-wrap" tabIndex={0} role="region" aria-label={`Loss bins for ${chosen.name}`}>
          <table>
            <thead><tr><th scope="col">Loss from ({currency})</th><th scope="col">to</th><th scope="col">Paths</th></tr></thead>
            <tbody>
              {bins.counts.map((count, bin) => (
                <tr key={bin}><td>{edge(bins.from + bin * bins.width)}</td><td>{edge(bins.from + (bin + 1) * bins.width)}</td><td>{count.toLocaleString('en-US')}</td></tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </div>
  );
}
