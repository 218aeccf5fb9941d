/**
 * One instrument's chart (lightweight-charts 5): a short line of the mark, with a price line for
 * each position's entry, the mark, and the report's margin-call, liquidation and bankruptcy
 * prices, plus the user's stop-loss and take-profit. The price scale takes in every line (the
 * series' autoscaleInfoProvider). The list under the chart says what happens at each line, with the
 * core's figures at that price (price-lines.ts); near a line, the crosshair shows the same words.
 * The chart draws what the core computed and computes nothing of its own (DESIGN.md). It makes its
 * chart itself, once, with the frame's themed options, so its series outlive every redraw.
 */
import {
  createChart, LineSeries, LineStyle, type IChartApi, type IPriceLine, type ISeriesApi, type MouseEventParams, type UTCTimestamp,
} from 'lightweight-charts';
import { useEffect, useRef } from 'preact/hooks';
import { chartOptions } from '../../components/useChart.js';
import { useTheme, type Theme } from '../../lib/theme.js';
import { describeLine, lineTitle } from './line-text.js';
import type { InstrumentLines, LineKind, PriceLine } from './price-lines.js';

const LINE_STYLES: Readonly<Record<LineKind, { readonly style: LineStyle; readonly width: 1 | 2 }>> = {
  takeProfit: { style: LineStyle.Dashed, width: 1 },
  entry: { style: LineStyle.Dotted, width: 1 },
  mark: { style: LineStyle.Solid, width: 1 },
  marginCall: { style: LineStyle.Dashed, width: 2 },
  liquidation: { style: LineStyle.Solid, width: 2 },
  bankruptcy: { style: LineStyle.Solid, width: 2 },
  stopLoss: { style: LineStyle.Dashed, width: 1 },
};

export function lineColour(kind: LineKind, theme: Theme): string {
  switch (kind) {
    case 'takeProfit': return theme.up;
    case 'entry': return theme.muted;
    case 'mark': return theme.accent;
    case 'marginCall': return theme.warn;
    case 'liquidation': return theme.danger;
    case 'bankruptcy': return theme.debt;
    case 'stopLoss': return theme.down;
  }
}

/** Decimals enough to show every line's price as the core wrote it (at most 8). */
function decimalsOf(prices: readonly string[]): number {
  return Math.min(8, Math.max(0, ...prices.map((text) => text.split('.')[1]?.length ?? 0)));
}

/** A tooltip line is "near" the crosshair within this many pixels. */
const NEAR = 8;

interface Drawn {
  readonly chart: IChartApi;
  readonly series: ISeriesApi<'Line'>;
  lines: IPriceLine[];
}

export interface PriceChartProps {
  readonly instrument: InstrumentLines;
  readonly currency: string;
  readonly deficitPolicy: string;
  /** Position index -> its liquidation price, for the stop-loss's words. */
  readonly liquidationPrices: readonly (string | null)[];
}

export function PriceChart({ instrument, currency, deficitPolicy, liquidationPrices }: PriceChartProps) {
  const theme = useTheme();
  const container = useRef<HTMLDivElement>(null);
  const tooltip = useRef<HTMLDivElement>(null);
  const drawn = useRef<Drawn | null>(null);
  const named = new Set(instrument.lines.map((line) => line.positionId)).size > 1;
  const texts = instrument.lines.map((line) => describeLine(line, {
    currency, deficitPolicy, named, liquidationPrice: liquidationPrices[line.positionIndex] ?? null,
  }));
  const latest = useRef({ lines: instrument.lines, texts });
  latest.current = { lines: instrument.lines, texts };
  const linesKey = JSON.stringify([instrument, texts]);

  useEffect(() => {
    if (!container.current) return;
    const chart = createChart(container.current, { ...chartOptions(theme), handleScroll: false, handleScale: false });
    const series = chart.addSeries(LineSeries, { lineWidth: 2, lastValueVisible: false, priceLineVisible: false, crosshairMarkerVisible: false });
    chart.subscribeCrosshairMove((param: MouseEventParams) => {
      const box = tooltip.current;
      if (!box) return;
      const { point } = param;
      const near = point ? latest.current.lines.flatMap((line, index) => {
        const y = series.priceToCoordinate(Number(line.price));
        return y !== null && Math.abs(y - point.y) <= NEAR ? [latest.current.texts[index] ?? ''] : [];
      }) : [];
      box.hidden = near.length === 0 || !point;
      if (box.hidden || !point) return;
      box.textContent = near.join('\n');
      box.style.top = `${Math.max(0, point.y + 14)}px`;
    });
    drawn.current = { chart, series, lines: [] };
    return () => {
      chart.remove();
      drawn.current = null;
    };
  }, []);

  useEffect(() => {
    drawn.current?.chart.applyOptions(chartOptions(theme));
  }, [theme.dark]);

  useEffect(() => {
    const current = drawn.current;
    if (!current) return;
    const { chart, series } = current;
    for (const line of current.lines) series.removePriceLine(line);
    const prices = [instrument.mark, ...instrument.lines.map((line) => line.price)];
    const values = prices.map(Number).filter(Number.isFinite);
    const low = Math.min(...values);
    const high = Math.max(...values);
    const pad = high > low ? 0 : Math.abs(high) * 0.01 || 1;
    const decimals = decimalsOf(prices);
    series.applyOptions({
      color: theme.accent,
      priceFormat: { type: 'price', precision: decimals, minMove: 10 ** -decimals },
      autoscaleInfoProvider: () => ({ priceRange: { minValue: low - pad, maxValue: high + pad }, margins: { above: 24, below: 24 } }),
    });
    const now = Math.floor(Date.now() / 60_000) * 60;
    series.setData([4, 3, 2, 1, 0].map((minutes) => ({ time: (now - minutes * 60) as UTCTimestamp, value: Number(instrument.mark) })));
    current.lines = instrument.lines.map((line) => series.createPriceLine({
      price: Number(line.price),
      color: lineColour(line.kind, theme),
      lineWidth: LINE_STYLES[line.kind].width,
      lineStyle: LINE_STYLES[line.kind].style,
      axisLabelVisible: true,
      title: lineTitle(line, named),
    }));
    chart.timeScale().fitContent();
  }, [linesKey, theme.dark]);

  const headingId = `calc-chart-${instrument.symbol.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  return (
    <section class="calc-chart" aria-labelledby={headingId}>
      <h3 id={headingId}>{instrument.symbol}</h3>
      <div class="calc-chart-box">
        <div ref={container} class="chart" />
        <div ref={tooltip} class="calc-tooltip" aria-hidden="true" hidden />
      </div>
      <ul class="calc-lines">
        {instrument.lines.map((line: PriceLine, index) => (
          <li key={`${line.positionIndex}-${line.kind}`} data-line-kind={line.kind} data-position-index={line.positionIndex}
            data-price={line.price} data-pnl={line.outcome.pnl} data-equity={line.outcome.equity}>
            <span class={`calc-swatch calc-swatch-${line.kind}`} style={{ borderColor: lineColour(line.kind, theme) }} aria-hidden="true" />
            {texts[index]}
          </li>
        ))}
      </ul>
    </section>
  );
}
