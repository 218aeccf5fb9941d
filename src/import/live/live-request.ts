/**
 * One request to a venue's API and its answer as an import file: the file is named by the request
 * ("GET https://fapi.binance.com/fapi/v2/positionRisk") and holds the parsed JSON, which the
 * importers then recognise by shape like any saved response (spec/import.md "Live").
 *
 * Every failure is a problem naming the request: no answer within 15 s, a host that cannot be
 * reached (named), an HTTP error (with the venue's own error body, e.g. Binance's
 * `{"code":-2015,"msg":"Invalid API-key, IP, or permissions for action."}`), an answer that is not
 * JSON. Nothing here throws for the network's sake.
 */
import type { ImportFile, ImportProblem } from '../import-types.js';

/** Each request is given up after this long (AbortSignal.timeout). */
export const REQUEST_TIMEOUT_MS = 15_000;

/** The longest piece of a venue's answer quoted in a problem. */
const QUOTE_LIMIT = 400;

/** What the requests run with: the fetch function and the clock (both replaceable in tests). */
export interface LiveContext {
  readonly fetch: typeof fetch;
  readonly now: () => number;
}

export interface LiveRequest {
  /** How the answer's file is named for the user; never holds a signature or a secret. */
  readonly name: string;
  readonly method: 'GET' | 'POST';
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  /** A venue's reading of its own error body: what to do about it ("check the secret"). */
  readonly explain?: (body: unknown) => string | undefined;
}

export type Answer =
  | { readonly ok: true; readonly file: ImportFile }
  | { readonly ok: false; readonly problems: readonly ImportProblem[] };

export function requestProblem(request: Pick<LiveRequest, 'name'>, message: string): ImportProblem {
  return { file: request.name, field: '', message };
}

function failed(request: LiveRequest, message: string): Answer {
  return { ok: false, problems: [requestProblem(request, message)] };
}

/** The request sent, its answer read and parsed; a problem naming the request where any step fails. */
export async function requestJson(request: LiveRequest, context: LiveContext): Promise<Answer> {
  const url = new URL(request.url);
  let status: number;
  let text: string;
  try {
    const response = await context.fetch(url, {
      method: request.method,
      headers: { accept: 'application/json', ...request.headers },
      ...(request.body !== undefined ? { body: request.body } : {}),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    status = response.status;
    text = await response.text();
  } catch (error) {
    return failed(request, unreachedMessage(error, url));
  }
  const parsed = parseJson(text);
  if (status < 200 || status > 299) {
    const hint = parsed.ok ? request.explain?.(parsed.value) : undefined;
    return failed(request, `HTTP ${status}: the venue answered ${quote(text)}${hint ? `; ${hint}` : ''}`);
  }
  if (!parsed.ok) return failed(request, `the answer is not JSON: ${quote(text)}`);
  return { ok: true, file: { name: request.name, value: parsed.value } };
}

function parseJson(text: string): { readonly ok: true; readonly value: unknown } | { readonly ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

/** The venue's answer as it sent it, on one line and cut short: `{"code":-1022,"msg":"..."}`. */
export function quote(text: string): string {
  const line = text.trim().replace(/\s+/g, ' ');
  if (line === '') return 'nothing (an empty body)';
  return line.length > QUOTE_LIMIT ? `${line.slice(0, QUOTE_LIMIT)}...` : line;
}

/** A timeout, or the host (and the system's error code) where the connection failed. */
function unreachedMessage(error: unknown, url: URL): string {
  if (errorName(error) === 'TimeoutError') {
    return `no answer from ${url.host} within ${REQUEST_TIMEOUT_MS / 1000} s; try again later, or check --api-url`;
  }
  const code = systemCode(error);
  return `could not reach ${url.host}${code ? ` (${code})` : ''}; check the network connection, or --api-url`;
}

function errorName(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'name' in error && typeof error.name === 'string' ? error.name : undefined;
}

/** ECONNREFUSED, ENOTFOUND, ...: Node's fetch puts it in `cause` (or in `cause.errors` when every address failed). */
function systemCode(error: unknown): string | undefined {
  const own = codeOf(error);
  if (own) return own;
  const cause = typeof error === 'object' && error !== null && 'cause' in error ? error.cause : undefined;
  const inner = typeof cause === 'object' && cause !== null && 'errors' in cause && Array.isArray(cause.errors) ? cause.errors[0] : undefined;
  return codeOf(cause) ?? codeOf(inner);
}

function codeOf(value: unknown): string | undefined {
  return typeof value === 'object' && value !== null && 'code' in value && typeof value.code === 'string' ? value.code : undefined;
}

/** The answers in request order: every file, or every problem. */
export function gather(answers: readonly Answer[]): { readonly ok: true; readonly files: ImportFile[] } | { readonly ok: false; readonly problems: ImportProblem[] } {
  const problems = answers.flatMap((answer) => (answer.ok ? [] : answer.problems));
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, files: answers.flatMap((answer) => (answer.ok ? [answer.file] : [])) };
}

/**
 * `--api-url` (a testnet, a recording, a loopback server) or the venue's own host, without a
 * trailing slash; a path prefix is kept ("https://example.test/recording" + "/fapi/v2/account").
 */
export function apiBase(apiUrl: string | undefined, defaultUrl: string): { readonly ok: true; readonly value: string } | { readonly ok: false; readonly problems: ImportProblem[] } {
  const text = apiUrl ?? defaultUrl;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, problems: [{ file: '', field: '--api-url', message: `must be an http or https URL, got ${JSON.stringify(text)}` }] };
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    return { ok: false, problems: [{ file: '', field: '--api-url', message: `must be an http or https URL with no query, fragment or user, got ${JSON.stringify(text)}` }] };
  }
  return { ok: true, value: `${url.origin}${url.pathname.replace(/\/+$/, '')}` };
}
