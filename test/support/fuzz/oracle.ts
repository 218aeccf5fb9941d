// What every refused request must satisfy (problem+json with a code and the field at fault), and
// the ledger watched over HTTP with the admin key, so a failed request that wrote anything is
// caught. Part of the request fuzzer (../request-fuzz.ts).
import { bearer, rawRequest, type RawAnswer } from './client.js';
import type { FuzzRequest } from './requests.js';

// The oracle.

export interface ProblemBody {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly code: string;
  readonly errors: readonly { readonly field: string; readonly message: string }[];
  readonly event?: unknown;
}

/** What is wrong with a failure's body as problem+json (RFC 9457, spec/service.md), or [] when nothing is. */
export function problemViolations(answer: RawAnswer): string[] {
  const found: string[] = [];
  const type = answer.headers.get('content-type') ?? '';
  if (!/^application\/problem\+json/.test(type)) found.push(`content-type ${JSON.stringify(type)}, not application/problem+json`);
  let body: Partial<ProblemBody>;
  try {
    body = JSON.parse(answer.text) as Partial<ProblemBody>;
  } catch {
    return [...found, 'the body is not JSON'];
  }
  if (typeof body !== 'object' || body === null) return [...found, 'the body is not an object'];
  if (typeof body.type !== 'string') found.push('no "type"');
  if (typeof body.title !== 'string') found.push('no "title"');
  if (body.status !== answer.status) found.push(`"status" ${String(body.status)} is not the response's ${answer.status}`);
  if (typeof body.code !== 'string' || !/^[a-z-]+\/[a-z-]+$/.test(body.code)) found.push(`"code" ${JSON.stringify(body.code)} is not a stable code`);
  if (!Array.isArray(body.errors) || !body.errors.every((each) => typeof each?.field === 'string' && typeof each?.message === 'string')) found.push('"errors" is not [{field, message}]');
  return found;
}

export function parseProblem(text: string): ProblemBody | undefined {
  try {
    return JSON.parse(text) as ProblemBody;
  } catch {
    return undefined;
  }
}

/** What is wrong with an answer to `request` (the ledger aside), or [] when nothing is. */
export function answerViolations(request: FuzzRequest, answer: RawAnswer): string[] {
  const found: string[] = [];
  if (answer.status >= 500) return [`a ${answer.status}`];
  if (answer.status >= 400) found.push(...problemViolations(answer));
  if (request.expect.kind === 'reject') {
    const { status, code, field } = request.expect;
    const statuses = typeof status === 'number' ? [status] : status;
    if (!statuses.includes(answer.status)) found.push(`status ${answer.status}, expected ${statuses.join(' or ')}`);
    const problem = answer.status >= 400 ? parseProblem(answer.text) : undefined;
    if (code !== undefined && problem) {
      const codes = typeof code === 'string' ? [code] : code;
      if (!codes.includes(problem.code)) found.push(`code ${JSON.stringify(problem.code)}, expected ${codes.join(' or ')}`);
    }
    if (field !== undefined && problem && Array.isArray(problem.errors)) {
      const fields = problem.errors.map((each) => each.field);
      const named = fields.some((each) => (typeof field === 'string' ? each === field : field.test(each)));
      if (!named) found.push(`errors[].field ${JSON.stringify(fields)} does not name ${String(field)}`);
    }
  }
  return found;
}

// -------------------------------------------------------------------------------------------------
// The ledger, watched over HTTP with the admin key.

export interface LedgerPosition {
  readonly seq: number;
  readonly stateHash: string;
}

export class LedgerWatch {
  constructor(private readonly url: string, private readonly adminKey: string) {}

  /** GET /v1/ledger: the position and the state hash. */
  async position(): Promise<LedgerPosition> {
    const answer = await rawRequest(this.url, 'GET', '/v1/ledger', bearer(this.adminKey));
    if (answer.status !== 200) throw new Error(`GET /v1/ledger: ${answer.status} ${answer.text}`);
    const body = JSON.parse(answer.text) as { seq: number; stateHash: string };
    return { seq: body.seq, stateHash: body.stateHash };
  }

  /** The entries after `seq` (a cheap check that nothing was written). */
  async entriesAfter(seq: number): Promise<{ seq: number; type: string }[]> {
    const answer = await rawRequest(this.url, 'GET', `/v1/ledger/entries?after=${seq}&limit=100`, bearer(this.adminKey));
    if (answer.status !== 200) throw new Error(`GET /v1/ledger/entries: ${answer.status} ${answer.text}`);
    return (JSON.parse(answer.text) as { items: { seq: number; type: string }[] }).items;
  }
}

// -------------------------------------------------------------------------------------------------
