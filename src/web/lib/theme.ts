/**
 * Dark and light, following prefers-color-scheme: the CSS holds the colours as custom properties,
 * and charts (which draw on a canvas) read them here and redraw when the scheme changes.
 */
import { useEffect, useState } from 'preact/hooks';

export interface Theme {
  readonly dark: boolean;
  readonly background: string;
  readonly text: string;
  readonly muted: string;
  readonly grid: string;
  readonly up: string;
  readonly down: string;
  readonly accent: string;
  readonly warn: string;
  readonly danger: string;
  readonly debt: string;
}

function read(dark: boolean): Theme {
  const style = getComputedStyle(document.documentElement);
  const css = (name: string, fallback: string): string => style.getPropertyValue(name).trim() || fallback;
  return {
    dark,
    background: css('--surface', dark ? '#16181d' : '#ffffff'),
    text: css('--text', dark ? '#e8eaed' : '#1b1d21'),
    muted: css('--muted', dark ? '#a0a6b0' : '#5a6170'),
    grid: css('--grid', dark ? '#2a2e36' : '#e6e8ec'),
    up: css('--up', '#1a7f4b'),
    down: css('--down', '#c0392b'),
    accent: css('--accent', '#2f6fde'),
    warn: css('--warn', '#b86e00'),
    danger: css('--danger', '#c0392b'),
    debt: css('--debt', '#8e24aa'),
  };
}

const QUERY = '(prefers-color-scheme: dark)';

export function useTheme(): Theme {
  const [dark, setDark] = useState(() => matchMedia(QUERY).matches);
  useEffect(() => {
    const media = matchMedia(QUERY);
    const onChange = (): void => setDark(media.matches);
    media.addEventListener('change', onChange);
    return () => media.removeEventListener('change', onChange);
  }, []);
  return read(dark);
}
