/** One figure of a report or results JSON: readable text, with the leaf for programs (spec/web.md). */
import type { ComponentChildren } from 'preact';
import { dataValue, type Leaf } from '../lib/figures.js';

export interface FigureProps {
  /** Dotted path in the JSON: `account.equity`, `positions.0.liquidationPrice`. */
  readonly field: string;
  readonly value: Leaf;
  /** What a person reads; the raw value when absent. */
  readonly children?: ComponentChildren;
  readonly class?: string;
}

export function Figure({ field, value, children, class: className }: FigureProps) {
  return (
    <span class={className ? `figure ${className}` : 'figure'} data-field={field} data-value={dataValue(value)}>
      {children ?? (value === null ? '–' : String(value))}
    </span>
  );
}
