/**
 * The margin window: the chance of a liquidation, of a deficit (the balance below zero) and of a
 * debt against leverage, one line each (colour and dash pattern), a point per swept variant with an
 * error bar of one standard error. Leverage on a logarithmic axis (2x to 100x spread evenly), the
 * chance from 0 to the round number at or above the largest p + se. SVG at the shown width; an
 * image for assistive technology, whose figures are in the table.
 */
import { useRef } from 'preact/hooks';
import type { SimulationResults } from '../../../sim/statistics.js';
import type { Theme } from '../../lib/theme.js';
import { EVENT_DASHES, EVENT_LABELS, eventColour, type EventName } from './chart-colours.js';
import { roundStep } from './loss-histogram.js';
import type { WindowPoint } from './margin-window.js';
import { useWidth } from './use-width.js';

const EVENTS: readonly EventName[] = ['liquidation', 'negativeBalance', 'debt'];
const HEIGHT = 260;
const MARGIN = { left: 52, right: 16, top: 14, bottom: 34 };
const FONT = 12;

function percentLabel(value: number): string {
  return `${Number((value * 100).toPrecision(6)).toLocaleString('en-US')} %`;
}

export function MarginWindowChart({ results, points, theme }: { readonly results: SimulationResults; readonly points: readonly WindowPoint[]; readonly theme: Theme }) {
  const box = useRef<HTMLDivElement>(null);
  const width = useWidth(box);
  const plotWidth = Math.max(60, width - MARGIN.left - MARGIN.right);
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const figure = (point: WindowPoint, event: EventName): readonly [number, number] => {
    const variant = results.variants[point.variant];
    return variant ? [Number(variant.probabilities[event]), Number(variant.standardErrors[event])] : [0, 0];
  };
  const largest = Math.max(...points.flatMap((point) => EVENTS.map((event) => figure(point, event)[0] + figure(point, event)[1])));
  const top = largest > 0 ? Math.min(1, roundStep(largest)) : 0.01;
  const low = Math.log((points[0] as WindowPoint).leverage);
  const high = Math.log((points[points.length - 1] as WindowPoint).leverage);
  const padding = (high - low) * 0.06 || 1;
  const x = (leverage: number): number => MARGIN.left + ((Math.log(leverage) - low + padding) / (high - low + 2 * padding)) * plotWidth;
  const y = (p: number): number => MARGIN.top + plotHeight - (Math.min(Math.max(p, 0), top) / top) * plotHeight;
  let lastLabel = -Infinity;
  const labelled = points.filter((point) => {
    if (x(point.leverage) - lastLabel < 30) return false;
    lastLabel = x(point.leverage);
    return true;
  });
  return (
    <div ref={box} class="sim-chart">
      <svg width={width} height={HEIGHT} viewBox={`0 0 ${width} ${HEIGHT}`} role="img"
        aria-label="The margin window: chance of a liquidation, of a deficit and of a debt against leverage, with error bars of one standard error. The same figures are in the table of the variants side by side.">
        {[0, 0.25, 0.5, 0.75, 1].map((share) => (
          <g key={share}>
            <line x1={MARGIN.left} x2={MARGIN.left + plotWidth} y1={y(share * top)} y2={y(share * top)} stroke={theme.grid} />
            <text x={MARGIN.left - 6} y={y(share * top) + 4} fill={theme.muted} font-size={FONT} text-anchor="end">{percentLabel(share * top)}</text>
          </g>
        ))}
        {labelled.map((point) => (
          <text key={point.text} x={x(point.leverage)} y={HEIGHT - MARGIN.bottom + 18} fill={theme.muted} font-size={FONT} text-anchor="middle">{point.text}x</text>
        ))}
        <text x={MARGIN.left + plotWidth} y={HEIGHT - 2} fill={theme.muted} font-size={FONT} text-anchor="end">leverage (log scale)</text>
        {EVENTS.map((event) => {
          const colour = eventColour(theme, event);
          const line = points.map((point) => `${x(point.leverage).toFixed(1)},${y(figure(point, event)[0]).toFixed(1)}`).join(' ');
          return (
            <g key={event}>
              <polyline points={line} fill="none" stroke={colour} stroke-width={2} stroke-dasharray={EVENT_DASHES[event]} />
              {points.map((point) => {
                const [p, se] = figure(point, event);
                const at = x(point.leverage);
                return (
                  <g key={point.text}>
                    <line x1={at} x2={at} y1={y(p - se)} y2={y(p + se)} stroke={colour} stroke-width={1.5} />
                    <circle cx={at} cy={y(p)} r={3.5} fill={colour} />
                  </g>
                );
              })}
            </g>
          );
        })}
      </svg>
      <ul class="legend">
        {EVENTS.map((event) => (
          <li key={event}>
            <svg width="28" height="10" aria-hidden="true"><line x1="1" x2="27" y1="5" y2="5" stroke={eventColour(theme, event)} stroke-width="2" stroke-dasharray={EVENT_DASHES[event]} /></svg>
            {' '}{EVENT_LABELS[event]}
          </li>
        ))}
      </ul>
    </div>
  );
}
