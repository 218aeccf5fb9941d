/**
 * Two kinds of failure (exchange-core result codes; nautilus fail-fast): business outcomes and bad
 * input are values with a stable `code`; bugs throw. Only the CLI and HTTP layers turn a Problem
 * into an exit code or a status code.
 */
export type Result<T, E> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: E };

export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value });
export const err = <E>(error: E): Result<never, E> => ({ ok: false, error });

/** One thing wrong with an input, located by its path in the document: `positions[1].quantity`. */
export interface Problem {
  readonly path: string;
  readonly code: ProblemCode;
  readonly message: string;
}

export type ProblemCode =
  | 'input/malformed'
  | 'input/required'
  | 'input/unknown-field'
  | 'input/wrong-type'
  | 'input/not-a-decimal'
  | 'input/out-of-range'
  | 'input/duplicate'
  | 'input/unknown-venue'
  | 'input/unknown-instrument'
  | 'input/not-supported'
  | 'input/conflict'
  | 'input/out-of-order'
  | 'risk/leverage-above-cap';

/**
 * `positions[1].quantity: must be a positive decimal, got "-3"`, always on one line: control
 * characters from the input (a symbol with a newline in it) are shown escaped.
 */
export function formatProblem(problem: Problem): string {
  const text = problem.path ? `${problem.path}: ${problem.message}` : problem.message;
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f]/g, (character) => JSON.stringify(character).slice(1, -1));
}
