/**
 * The service's HTTP API (spec/service.md) from the page, on the page's own origin (`stopout serve`
 * serves the app at /): JSON in and out, `Authorization: Bearer <key>`, and every failure read as
 * problem+json (RFC 9457): the service's `detail`, its `code`, and `errors[].field`, the field each
 * problem is about. A 422 refusal carries the engine's `rejected` event.
 *
 * Lists page by cursor (`?after=&limit=`, `next` until null) and are followed to the end. A command
 * is POSTed with an `Idempotency-Key` made once per submit and kept across its retries (a network
 * failure, or 409 while the first attempt is still in flight), so a retry is never applied twice.
 */

export interface FieldProblem {
  readonly field: string;
  readonly message: string;
}

export interface ServiceProblem {
  /** The HTTP status; 0 when the service could not be reached. */
  readonly status: number;
  readonly code: string;
  readonly detail: string;
  readonly errors: readonly FieldProblem[];
  /** A 422 refusal: the engine's `rejected` event. */
  readonly event?: Readonly<Record<string, unknown>>;
}

export type Answer<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: ServiceProblem };

/** A row of `GET /v1/accounts`. */
export interface AccountRow {
  readonly id: string;
  readonly venue: string;
  readonly currency: string;
  readonly status: string;
  readonly equity: string;
  readonly marginLevel: string | null;
  readonly debtOutstanding: string;
}

/** An event of `GET /v1/events`: the engine's event with its id (increasing) and its account. */
export interface ServiceEvent {
  readonly id: number;
  readonly account: string;
  readonly type: string;
  readonly time?: string;
  readonly [field: string]: unknown;
}

/** `GET /v1/accounts/{id}`: `summary` is what `stopout replay --summary` prints for the account. */
export interface AccountDetail {
  readonly id: string;
  readonly sequence: number;
  readonly summary: Readonly<Record<string, unknown>>;
}

export interface CommandAnswer {
  readonly sequence: number;
  readonly events: readonly ServiceEvent[];
}

/** `GET /v1/ledger` (admin): the last event id and how many accounts there are. */
export interface LedgerPosition {
  readonly events: number;
  readonly accounts: number;
}

interface Page<T> {
  readonly items: readonly T[];
  readonly next: string | null;
}

export const PAGE_LIMIT = 1000;
const COMMAND_ATTEMPTS = 4;

/** 128 random bits as hex: crypto.getRandomValues works on plain http too, randomUUID does not. */
export function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** A problem+json body (or any other failure) as a ServiceProblem. */
export function readProblem(status: number, text: string): ServiceProblem {
  let body: Record<string, unknown> | undefined;
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed && typeof parsed === 'object') body = parsed as Record<string, unknown>;
  } catch {
    body = undefined;
  }
  const errors = Array.isArray(body?.errors)
    ? (body.errors as unknown[]).flatMap((each) => {
      const item = each as { field?: unknown; message?: unknown };
      return typeof item.message === 'string' ? [{ field: typeof item.field === 'string' ? item.field : '', message: item.message }] : [];
    })
    : [];
  return {
    status,
    code: typeof body?.code === 'string' ? body.code : `http/${status}`,
    detail: typeof body?.detail === 'string' ? body.detail : typeof body?.title === 'string' ? body.title : text.trim() || `the service answered ${status}`,
    errors,
    ...(body?.event && typeof body.event === 'object' ? { event: body.event as Record<string, unknown> } : {}),
  };
}

function unreachable(error: unknown): ServiceProblem {
  return { status: 0, code: 'network/unreachable', detail: `the service could not be reached (${(error as Error).message})`, errors: [] };
}

export class ServiceClient {
  constructor(readonly key: string, readonly base = '') {}

  headers(): Record<string, string> {
    return { authorization: `Bearer ${this.key}` };
  }

  /** `/v1/events?account=x`: a path with its query, the empty values left out. */
  path(path: string, query: Readonly<Record<string, string | undefined>> = {}): string {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) if (value !== undefined && value !== '') params.set(name, value);
    const text = params.toString();
    return `${path}${text ? `?${text}` : ''}`;
  }

  async request<T>(method: 'GET' | 'POST', path: string, body?: unknown, extra: Readonly<Record<string, string>> = {}): Promise<Answer<T>> {
    let response: Response;
    try {
      response = await fetch(`${this.base}${path}`, {
        method,
        headers: { ...this.headers(), accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...extra },
        cache: 'no-store',
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    } catch (error) {
      return { ok: false, problem: unreachable(error) };
    }
    const text = await response.text().catch(() => '');
    if (!response.ok) return { ok: false, problem: readProblem(response.status, text) };
    try {
      return { ok: true, value: JSON.parse(text) as T };
    } catch {
      return { ok: false, problem: { status: response.status, code: 'response/not-json', detail: 'the service answered something other than JSON', errors: [] } };
    }
  }

  /** Each page of a cursor-paged list to `onPage`, to the end; answers how many items there were. */
  async eachPage<T>(path: string, query: Readonly<Record<string, string | undefined>>, onPage: (items: readonly T[]) => void, signal?: AbortSignal, from?: string): Promise<Answer<number>> {
    let count = 0;
    let after = from;
    do {
      if (signal?.aborted) return { ok: false, problem: { status: 0, code: 'request/aborted', detail: 'stopped', errors: [] } };
      const answer = await this.request<Page<T>>('GET', this.path(path, { ...query, limit: String(PAGE_LIMIT), after }));
      if (!answer.ok) return answer;
      count += answer.value.items.length;
      onPage(answer.value.items);
      after = answer.value.next ?? undefined;
    } while (after !== undefined);
    return { ok: true, value: count };
  }

  /** Every item of a cursor-paged list; `onPage` sees each page as it comes. */
  async all<T>(path: string, query: Readonly<Record<string, string | undefined>>, onPage?: (items: readonly T[]) => void): Promise<Answer<T[]>> {
    const items: T[] = [];
    const answer = await this.eachPage<T>(path, query, (page) => {
      items.push(...page);
      onPage?.(page);
    });
    return answer.ok ? { ok: true, value: items } : answer;
  }

  accounts(onPage?: (rows: readonly AccountRow[]) => void): Promise<Answer<AccountRow[]>> {
    return this.all<AccountRow>('/v1/accounts', {}, onPage);
  }

  account(id: string): Promise<Answer<AccountDetail>> {
    return this.request<AccountDetail>('GET', `/v1/accounts/${encodeURIComponent(id)}`);
  }

  /** The event log (one account's, when given) after an event id, a page at a time, oldest first. */
  events(account: string | undefined, after: number, onPage: (events: readonly ServiceEvent[]) => void, signal?: AbortSignal): Promise<Answer<number>> {
    return this.eachPage<ServiceEvent>('/v1/events', { account }, onPage, signal, after > 0 ? String(after) : undefined);
  }

  ledger(): Promise<Answer<LedgerPosition>> {
    return this.request<LedgerPosition>('GET', '/v1/ledger');
  }

  streamUrl(account: string | undefined): string {
    return `${this.base}${this.path('/v1/events/stream', { account })}`;
  }

  /**
   * One engine command. `idempotencyKey` is made by the caller once per submit; the same key is sent
   * again when the service could not be reached or was still busy with it (409).
   */
  async command(id: string, body: Readonly<Record<string, unknown>>, idempotencyKey: string): Promise<Answer<CommandAnswer>> {
    let answer: Answer<CommandAnswer> | undefined;
    for (let attempt = 0; attempt < COMMAND_ATTEMPTS; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 500 * 2 ** (attempt - 1)));
      answer = await this.request<CommandAnswer>('POST', `/v1/accounts/${encodeURIComponent(id)}/commands`, body, { 'idempotency-key': idempotencyKey });
      if (answer.ok || (answer.problem.status !== 0 && answer.problem.status !== 409)) return answer;
    }
    return answer as Answer<CommandAnswer>;
  }
}
