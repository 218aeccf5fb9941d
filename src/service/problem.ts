/**
 * Failures as the HTTP API states them: application/problem+json (RFC 9457) with a stable `code`
 * and, per problem, the field it is about (spec/service.md). The one error handler (app.ts) maps
 * every failure here; routes throw a ServiceError, or return a refusal that reached the ledger.
 */
import type { Problem } from '../core/index.js';

export interface FieldError {
  readonly field: string;
  readonly message: string;
}

export interface ProblemBody {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly code: string;
  readonly detail?: string;
  readonly errors: readonly FieldError[];
  readonly [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

const TITLES: Readonly<Record<number, string>> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 409: 'Conflict',
  413: 'Content Too Large', 414: 'URI Too Long', 415: 'Unsupported Media Type', 422: 'Unprocessable Content', 429: 'Too Many Requests',
  500: 'Internal Server Error', 503: 'Service Unavailable',
};

export class ServiceError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly errors: readonly FieldError[] = [],
    readonly extensions: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }
}

/** A problem document; `type` names the code, `detail` says what happened. */
export function problem(status: number, code: string, detail: string, errors: readonly FieldError[] = [], extensions: Readonly<Record<string, unknown>> = {}): ProblemBody {
  return {
    type: `urn:stopout:problem:${code.replace('/', ':')}`,
    title: TITLES[status] ?? 'Error',
    status,
    code,
    detail,
    errors,
    ...extensions,
  };
}

export function errorBody(error: ServiceError): ProblemBody {
  return problem(error.status, error.code, error.message, error.errors, error.extensions);
}

/** The core's input problems (paths relative to `prefix`) as a 400. */
export function invalidInput(problems: readonly Problem[], prefix: string): ServiceError {
  const errors = problems.map((each) => ({ field: joinPath(prefix, each.path), message: each.message }));
  const first = errors[0];
  return new ServiceError(400, 'request/invalid', first ? `${first.field || 'body'}: ${first.message}` : 'the request is invalid', errors);
}

/** `snapshot` + `positions[0].quantity` = `snapshot.positions[0].quantity`. */
export function joinPath(prefix: string, path: string): string {
  if (!prefix) return path;
  if (!path) return prefix;
  return path.startsWith('[') ? `${prefix}${path}` : `${prefix}.${path}`;
}

export const notFound = (what: string): ServiceError => new ServiceError(404, 'account/not-found', `no account ${JSON.stringify(what)}`);
