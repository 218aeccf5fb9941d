/**
 * A lightweight-charts 5 chart in a container, themed from the page's colours, sized to its box,
 * removed with the component. The page adds its series to the chart it gets back; charts draw what
 * the core computed and compute nothing of their own (DESIGN.md).
 */
import { createChart, ColorType, type DeepPartial, type IChartApi, type ChartOptions } from 'lightweight-charts';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { RefObject } from 'preact';
import type { Theme } from '../lib/theme.js';

export function chartOptions(theme: Theme): DeepPartial<ChartOptions> {
  return {
    autoSize: true,
    layout: {
      background: { type: ColorType.Solid, color: theme.background },
      textColor: theme.text,
      attributionLogo: true,
      fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
    },
    grid: { vertLines: { color: theme.grid }, horzLines: { color: theme.grid } },
    rightPriceScale: { borderColor: theme.grid },
    timeScale: { borderColor: theme.grid, timeVisible: true, secondsVisible: false },
    crosshair: { mode: 0 },
  };
}

/**
 * The chart of `container`, made once the element is there and re-themed when the theme changes.
 * `version` changes each time a new chart is made, for effects that add series.
 */
export function useChart(container: RefObject<HTMLElement | null>, theme: Theme, extra?: DeepPartial<ChartOptions>): { chart: IChartApi | null; version: number } {
  const chart = useRef<IChartApi | null>(null);
  const [version, setVersion] = useState(0);
  useEffect(() => {
    if (!container.current) return;
    chart.current = createChart(container.current, { ...chartOptions(theme), ...extra });
    setVersion((value) => value + 1);
    return () => {
      // Removed after the page's own clean-ups of this render (they may still remove their series).
      const removed = chart.current;
      chart.current = null;
      queueMicrotask(() => removed?.remove());
    };
    // Made once, when the component mounts (its container is attached by then); a theme change
    // re-themes it below.
  }, []);
  useEffect(() => {
    chart.current?.applyOptions(chartOptions(theme));
  }, [theme.dark]);
  return { chart: chart.current, version };
}
