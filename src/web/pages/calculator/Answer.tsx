// Placeholder while the panel is being built (it is replaced, not shipped).
import type { AnalysisProps } from './analysis-props.js';

export function Answer(_props: AnalysisProps) {
  return null;
}
