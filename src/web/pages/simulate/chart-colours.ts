/**
 * Colours of the simulator's charts, from the theme's custom properties (lib/theme.ts), so they
 * follow dark and light: one per variant (cycling), and one per event, with a dash pattern each so
 * the lines differ without colour too.
 */
import type { Theme } from '../../lib/theme.js';
import type { EVENT_NAMES } from '../../../sim/blocks.js';

export type EventName = (typeof EVENT_NAMES)[number];

export function variantColour(theme: Theme, index: number): string {
  const palette = [theme.accent, theme.warn, theme.debt, theme.up, theme.down, theme.muted];
  return palette[index % palette.length] as string;
}

export const EVENT_LABELS: Readonly<Record<EventName, string>> = {
  marginCall: 'Margin call',
  liquidation: 'Liquidation',
  negativeBalance: 'Below zero (a deficit)',
  debt: 'Client owes a debt',
};

export function eventColour(theme: Theme, event: EventName): string {
  return { marginCall: theme.warn, liquidation: theme.danger, negativeBalance: theme.accent, debt: theme.debt }[event];
}

export const EVENT_DASHES: Readonly<Record<EventName, string>> = {
  marginCall: '2 3',
  liquidation: '',
  negativeBalance: '7 4',
  debt: '1 3',
};
