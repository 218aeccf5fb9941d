/**
 * The core's problems placed under the fields they are about: a field shows the problems at its
 * exact path (`variants[1].leverage`), a section the rest of its own (`model.correlation.matrix`),
 * and what no section claims is listed above the Run button. Messages are the core's, through
 * `formatProblem`, one per line.
 */
import { formatProblem, type Problem } from '../../../core/index.js';

/** `path` is `prefix` or lies inside it: `variants[1].leverage` is inside `variants[1]` and `variants`. */
export function isWithin(path: string, prefix: string): boolean {
  if (path === prefix) return true;
  return path.startsWith(prefix) && (path[prefix.length] === '.' || path[prefix.length] === '[');
}

function text(problems: readonly Problem[]): string | undefined {
  return problems.length ? problems.map(formatProblem).join('\n') : undefined;
}

/** The problems at exactly `path`, one per line, or undefined. */
export function problemAt(problems: readonly Problem[], path: string): string | undefined {
  return text(problems.filter((problem) => problem.path === path));
}

/** The problems within `prefix` that none of `shown` (fields or parts with their own place) claims. */
export function problemsLeft(problems: readonly Problem[], prefix: string, shown: readonly string[], shownWithin: readonly string[] = []): string | undefined {
  return text(problems.filter((problem) => isWithin(problem.path, prefix)
    && !shown.includes(problem.path)
    && !shownWithin.some((part) => isWithin(problem.path, part))));
}

/** The input's top-level sections; each shows the problems within it. */
export const SECTIONS = ['account', 'model', 'policy', 'variants', 'horizonDays', 'steps', 'paths', 'seed', 'start'] as const;

/** Problems no section claims (the input as a whole, a field the spec does not have). */
export function looseProblems(problems: readonly Problem[]): readonly Problem[] {
  return problems.filter((problem) => !SECTIONS.some((section) => isWithin(problem.path, section)));
}
