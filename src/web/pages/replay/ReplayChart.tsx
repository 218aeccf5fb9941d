/**
 * The replay drawn: the bars as candles, a marker on the bar of each margin call, liquidation,
 * stop-loss fill, deficit and debt the engine emitted (at its event's time), and below, in a second
 * pane, the account's equity after each bar as the engine computed it. The chart draws the core's
 * strings and computes nothing; a list of the markers beside it is their text for screen readers
 * and for programs (`data-marker-time`, `data-marker-type`).
 */
import { CandlestickSeries, createSeriesMarkers, LineSeries, type SeriesMarker, type Time, type UTCTimestamp } from 'lightweight-charts';
import { useEffect, useRef } from 'preact/hooks';
import { useChart } from '../../components/useChart.js';
import type { Theme } from '../../lib/theme.js';
import { parseInstant } from '../../../core/index.js';
import { eventName, MARKER_STYLES, markerOf, readableTime, valueText } from './event-text.js';
import type { BarPoint } from './run-replay.js';

export interface ReplayChartProps {
  readonly bars: readonly BarPoint[];
  readonly events: readonly Record<string, string>[];
  readonly instrument: string;
  readonly currency: string;
  readonly theme: Theme;
}

/** From this width the markers carry their words. */
const WIDE_CHART_PX = 600;

const seconds = (ms: number): UTCTimestamp => Math.floor(ms / 1000) as UTCTimestamp;

/** The most decimals any price of the bars has: the candles' scale shows that many. */
function priceDecimals(bars: readonly BarPoint[]): number {
  const decimalsOf = (text: string): number => text.split('.')[1]?.length ?? 0;
  return Math.min(8, Math.max(0, ...bars.flatMap((bar) => [bar.open, bar.high, bar.low, bar.close].map(decimalsOf))));
}

/** The events the chart marks, in their order, each with its time. */
export function markedEvents(events: readonly Record<string, string>[]): { readonly index: number; readonly event: Record<string, string> }[] {
  return events.flatMap((event, index) => (markerOf(event.type ?? '') && event.time ? [{ index, event }] : []));
}

export function ReplayChart({ bars, events, instrument, currency, theme }: ReplayChartProps) {
  const container = useRef<HTMLDivElement>(null);
  const { chart, version } = useChart(container, theme, { rightPriceScale: { borderColor: theme.grid, minimumWidth: 64 } });
  const marked = markedEvents(events);

  useEffect(() => {
    if (!chart || bars.length === 0) return;
    const decimals = priceDecimals(bars);
    const candles = chart.addSeries(CandlestickSeries, {
      upColor: theme.up, downColor: theme.down, borderUpColor: theme.up, borderDownColor: theme.down,
      wickUpColor: theme.up, wickDownColor: theme.down,
      priceFormat: { type: 'price', precision: decimals, minMove: 1 / 10 ** decimals },
      title: instrument,
    }, 0);
    candles.setData(bars.map((bar) => ({
      time: seconds(bar.ms), open: Number(bar.open), high: Number(bar.high), low: Number(bar.low), close: Number(bar.close),
    })));
    // Words only where they fit: the first margin call says so (the calls repeat bar after bar), and a
    // phone-wide chart names the close alone; the legend names every colour.
    const wide = (container.current?.clientWidth ?? 0) >= WIDE_CHART_PX;
    const firstCall = marked.find(({ event }) => event.type === 'margin-call-issued')?.index;
    const markers: SeriesMarker<Time>[] = marked.flatMap(({ index, event }) => {
      const style = markerOf(event.type ?? '');
      const at = parseInstant(event.time ?? '');
      if (!style || !at) return [];
      const named = style.kind === 'liquidation' || style.kind === 'stop-loss' || (wide && (style.kind !== 'margin-call' || index === firstCall));
      return [{ time: seconds(at.ms), position: style.position, shape: style.shape, color: theme[style.colour], ...(named ? { text: style.text } : {}) }];
    });
    const plugin = createSeriesMarkers(candles, markers);
    const equity = chart.addSeries(LineSeries, {
      color: theme.accent, lineWidth: 2, title: `Equity (${currency})`, priceFormat: { type: 'price', precision: 2, minMove: 0.01 },
    }, 1);
    equity.setData(bars.map((bar) => ({ time: seconds(bar.ms), value: Number(bar.equity) })));
    chart.panes()[1]?.setStretchFactor(0.6);
    chart.timeScale().fitContent();
    return () => {
      plugin.detach();
      chart.removeSeries(equity);
      chart.removeSeries(candles);
    };
  }, [chart, version, bars, events, theme.dark]);

  return (
    <figure class="replay-chart">
      <div ref={container} class="chart replay-canvas" />
      <figcaption class="visually-hidden">
        {instrument} candles over {bars.length} bars with {marked.length} markers, and the account's equity below; the markers are listed next.
      </figcaption>
      <ul class="legend" aria-label="Legend">
        <li><span class="swatch" style={{ background: theme.up }} />{instrument} up</li>
        <li><span class="swatch" style={{ background: theme.down }} />{instrument} down</li>
        <li><span class="swatch" style={{ background: theme.accent }} />Equity ({currency})</li>
        {MARKER_STYLES.map((style) => <li key={style.kind}><span class="swatch" style={{ background: theme[style.colour] }} />{style.text}</li>)}
      </ul>
      <ul class="visually-hidden" aria-label="Chart markers">
        {marked.map(({ index, event }) => (
          <li key={index} data-marker-time={event.time} data-marker-type={event.type}>
            {readableTime(event.time ?? '')}: {eventName(event.type ?? '')}{event.price ? ` at ${valueText('price', event.price, currency)}` : ''}
            {event.amount ? `, ${valueText('amount', event.amount, currency)}` : ''}
          </li>
        ))}
      </ul>
    </figure>
  );
}
