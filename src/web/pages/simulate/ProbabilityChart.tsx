/**
 * Probabilities per variant, with error bars: for each event a group of horizontal bars, one per
 * variant, of length p, with a whisker from p - se to p + se (one standard error, the results'
 * standardErrors). Each group has its own scale, 0 to the round number at or above its largest
 * p + se, marked at both ends under its title. Drawn as SVG (lightweight-charts has no bar with error bars)
 * at the width it is shown at; an image for assistive technology, whose figures are in the table.
 */
import { useRef } from 'preact/hooks';
import { EVENT_NAMES } from '../../../sim/blocks.js';
import type { SimulationResults } from '../../../sim/statistics.js';
import type { Theme } from '../../lib/theme.js';
import { EVENT_LABELS, variantColour } from './chart-colours.js';
import { roundStep } from './loss-histogram.js';
import { chance, points } from './results-format.js';
import { useWidth } from './use-width.js';

const ROW = 24;
const HEADER = 38;
const GAP = 10;
const FONT = 12;

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}

/** A name cut to about `room` pixels of 12 px text. */
function fitted(name: string, room: number): string {
  const characters = Math.max(3, Math.floor(room / 7));
  return name.length <= characters ? name : `${name.slice(0, characters - 1)}…`;
}

/** A scale's end as a percent: 0.5 -> "50 %", 0.025 -> "2.5 %" (an axis label, not a result). */
function scaleText(value: number): string {
  return `${Number((value * 100).toPrecision(6)).toLocaleString('en-US')} %`;
}

export function ProbabilityChart({ results, theme }: { readonly results: SimulationResults; readonly theme: Theme }) {
  const box = useRef<HTMLDivElement>(null);
  const width = useWidth(box);
  const labelWidth = clamp(width * 0.26, 64, 170);
  const valueWidth = clamp(width * 0.3, 104, 150);
  const barX = labelWidth + 8;
  const barWidth = Math.max(40, width - barX - valueWidth - 8);
  const variants = results.variants;
  const groupHeight = HEADER + variants.length * ROW + GAP;
  const height = EVENT_NAMES.length * groupHeight;
  return (
    <div ref={box} class="sim-chart">
      <svg width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img"
        aria-label="Chance of each event per variant, with error bars of one standard error. The same figures are in the table of the variants side by side.">
        {EVENT_NAMES.map((event, group) => {
          const top = group * groupHeight;
          const largest = Math.max(...variants.map((variant) => Number(variant.probabilities[event]) + Number(variant.standardErrors[event])));
          const scale = largest > 0 ? Math.min(1, roundStep(largest)) : 0.01;
          const x = (p: number): number => barX + (Math.min(Math.max(p, 0), scale) / scale) * barWidth;
          return (
            <g key={event}>
              <text x={0} y={top + 15} fill={theme.text} font-size={FONT + 1} font-weight="600">{EVENT_LABELS[event]}</text>
              <text x={barX} y={top + 32} fill={theme.muted} font-size={FONT} text-anchor="middle">0</text>
              <text x={barX + barWidth} y={top + 32} fill={theme.muted} font-size={FONT} text-anchor="middle">{scaleText(scale)}</text>
              <line x1={barX} x2={barX} y1={top + HEADER - 2} y2={top + HEADER + variants.length * ROW} stroke={theme.muted} />
              <line x1={barX + barWidth} x2={barX + barWidth} y1={top + HEADER - 2} y2={top + HEADER + variants.length * ROW} stroke={theme.grid} stroke-dasharray="2 3" />
              {variants.map((variant, row) => {
                const p = Number(variant.probabilities[event]);
                const se = Number(variant.standardErrors[event]);
                const y = top + HEADER + row * ROW;
                const middle = y + ROW / 2;
                const colour = variantColour(theme, row);
                return (
                  <g key={row}>
                    <text x={labelWidth} y={middle + 4} fill={theme.text} font-size={FONT} text-anchor="end">
                      <title>{variant.name}</title>
                      {fitted(variant.name, labelWidth)}
                    </text>
                    <rect x={barX} y={y + 5} width={Math.max(0, x(p) - barX)} height={ROW - 10} fill={colour} opacity={0.85} />
                    <line x1={x(p - se)} x2={x(p + se)} y1={middle} y2={middle} stroke={theme.text} stroke-width={1.5} />
                    <line x1={x(p - se)} x2={x(p - se)} y1={middle - 5} y2={middle + 5} stroke={theme.text} stroke-width={1.5} />
                    <line x1={x(p + se)} x2={x(p + se)} y1={middle - 5} y2={middle + 5} stroke={theme.text} stroke-width={1.5} />
                    <text x={width} y={middle + 4} fill={theme.text} font-size={FONT} text-anchor="end">
                      {chance(variant.probabilities[event])} ± {points(variant.standardErrors[event])}
                    </text>
                  </g>
                );
              })}
            </g>
          );
        })}
      </svg>
    </div>
  );
}
