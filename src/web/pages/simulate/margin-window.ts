/**
 * The points of the margin window: the variants that set a leverage (a leverage sweep), one per
 * leverage, the first of each, in order of leverage, with the base account at its own leverage
 * when it has one position that states it. Leverages become numbers here only to place the points
 * on a chart's axis.
 */
import { fieldText, valueAt } from './input-paths.js';

export interface WindowPoint {
  /** Where the point sits on the axis. */
  readonly leverage: number;
  /** The leverage as the input writes it. */
  readonly text: string;
  /** Index in the results' variants (0 = base). */
  readonly variant: number;
}

export function windowPoints(input: unknown): readonly WindowPoint[] {
  const variants = valueAt(input, 'variants');
  const swept = (Array.isArray(variants) ? variants : []).flatMap((variant, index): WindowPoint[] => {
    const text = fieldText(valueAt(variant, 'leverage'));
    const leverage = Number(text);
    return text !== '' && leverage > 0 ? [{ leverage, text, variant: index + 1 }] : [];
  });
  if (swept.length < 2) return [];
  const positions = valueAt(input, 'account.positions');
  const baseText = Array.isArray(positions) && positions.length === 1 ? fieldText(valueAt(positions[0], 'leverage')) : '';
  const base: WindowPoint[] = Number(baseText) > 0 ? [{ leverage: Number(baseText), text: baseText, variant: 0 }] : [];
  const unique: WindowPoint[] = [];
  for (const point of [...base, ...swept]) {
    if (!unique.some((other) => other.leverage === point.leverage)) unique.push(point);
  }
  return unique.sort((a, b) => a.leverage - b.leverage);
}
