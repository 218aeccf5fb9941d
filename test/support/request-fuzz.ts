// Malformed requests for the service's HTTP edge (spec/service.md), as fast-check arbitraries, and
// the oracle every one of them must satisfy:
//   - a 4xx, never a 5xx: 413 above a body limit, 415 for a body that is not JSON;
//   - application/problem+json with a stable `code`, and `errors[].field` naming the field at fault;
//   - nothing written: no ledger entry, the same state hash, and an Idempotency-Key sent with it can
//     be used afresh (a request refused before the ledger stores nothing);
//   - the service still answers /health, and no prototype was polluted.
// Each request is a mutation of a valid one (break one field) or a malformed body, header, path or
// query. runFuzz sends a seeded sample of them and counts what happened; the CI test
// (test/service/bad-requests.test.ts) and `npm run fuzz:service` (scripts/fuzz-service.mjs) use it.
import fc from 'fast-check';
import {
  bearer, createFixture, fixtureSnapshot, JSON_HEADERS, rawRequest, sendOversized, WEBHOOK_URL, type Fixture, type RawAnswer,
} from './fuzz/client.js';
import { answerViolations, LedgerWatch, parseProblem } from './fuzz/oracle.js';
import { requestArbitrary, type Endpoint, type FuzzRequest, type KeyChoice } from './fuzz/requests.js';

export * from './fuzz/client.js';
export * from './fuzz/oracle.js';
export * from './fuzz/requests.js';

// The runner.

export interface FuzzOptions {
  readonly url: string;
  readonly adminKey: string;
  readonly seed: number;
  readonly requests: number;
  /** Compare the state hash every this many requests (and after the last). */
  readonly hashEvery?: number;
  readonly healthEvery?: number;
  /** The service runs in this process: check that no prototype was polluted. */
  readonly inProcess?: boolean;
  readonly progress?: (done: number, summary: FuzzSummary) => void;
}

export interface Violation {
  readonly index: number;
  readonly label: string;
  readonly request: string;
  readonly status: number | null;
  readonly answer: string;
  readonly problems: readonly string[];
}

export interface FuzzSummary {
  seed: number;
  requests: number;
  byStatus: Record<string, number>;
  byLabel: Record<string, Record<string, number>>;
  serverErrors: number;
  /** Failed requests after which the ledger had entries it did not have before. */
  ledgerChangesOnFailure: number;
  /** Checkpoints where the state hash moved with no entry written. */
  hashChangesOnFailure: number;
  /** 422 refusals of an `open` whose mark of the feed's price was kept (spec: kept even when the open is refused). */
  refusedOpenMarks: number;
  writes: number;
  idempotencyRetries: number;
  idempotencyReplays: number;
  healthChecks: number;
  hashChecks: number;
  violations: Violation[];
  milliseconds: number;
}

function describeRequest(request: FuzzRequest): string {
  const key = typeof request.key === 'string' ? request.key : `Authorization: ${JSON.stringify(request.key.authorization)}`;
  const headers = Object.entries(request.headers).map(([name, value]) => `${name}: ${JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value)}`).join(', ');
  let body = '';
  if (request.oversize) body = ` <${request.oversize.limit + request.oversize.extra} bytes${request.chunked ? ', chunked' : ''}>`;
  else if (typeof request.body === 'string') body = ` ${request.body.length > 300 ? `${request.body.slice(0, 300)}… (${request.body.length} chars)` : request.body}`;
  else if (request.body) body = ` <bytes ${Buffer.from(request.body.subarray(0, 120)).toString('hex')}${request.body.length > 120 ? '…' : ''}>`;
  const path = request.path.length > 200 ? `${request.path.slice(0, 200)}… (${request.path.length} chars)` : request.path;
  return `${request.method} ${path} [key ${key}${headers ? `; ${headers}` : ''}${request.idempotencyKey ? `; Idempotency-Key ${request.idempotencyKey}` : ''}]${body}`;
}

function oversizedBody(request: FuzzRequest): string {
  const size = (request.oversize?.limit ?? 0) + (request.oversize?.extra ?? 0);
  const head = '{"pad":"';
  return `${head}${'x'.repeat(size - head.length - 2)}"}`;
}

/** A valid request, for `principal`, that the service takes (to reuse an Idempotency-Key with). */
function followUp(request: FuzzRequest, fixture: Fixture): { path: string; body: string } {
  if (request.key === 'account') return { path: `/v1/accounts/${fixture.account}/commands`, body: '{"type":"deposit","amount":"1"}' };
  switch (request.endpoint) {
    case 'keys': return { path: '/v1/keys', body: '{"scopes":["accounts:read"],"name":"fuzz follow-up"}' };
    case 'webhooks': return { path: '/v1/webhooks', body: JSON.stringify({ url: WEBHOOK_URL, types: ['debt-written-off'] }) };
    case 'accounts': return { path: '/v1/accounts', body: JSON.stringify({ snapshot: fixtureSnapshot() }) };
    case 'commands': return { path: `/v1/accounts/${fixture.account}/commands`, body: '{"type":"deposit","amount":"1"}' };
    default: return { path: '/v1/prices', body: '{"prices":{"NOBODY":"1"}}' };
  }
}

const WRITES: ReadonlySet<Endpoint> = new Set(['keys', 'webhooks', 'accounts', 'commands', 'prices']);

function isWrite(request: FuzzRequest): boolean {
  if (request.method === 'DELETE') return true;
  return request.method === 'POST' && WRITES.has(request.endpoint);
}

const isOpen = (request: FuzzRequest): boolean => request.endpoint === 'commands' && typeof request.body === 'string' && /"type":"open"/.test(request.body);

/** Sends `options.requests` requests drawn from requestArbitrary with `options.seed`, checking each; the summary counts what happened. */
export async function runFuzz(options: FuzzOptions): Promise<FuzzSummary> {
  const started = performance.now();
  const { url, adminKey } = options;
  const hashEvery = options.hashEvery ?? 25;
  const healthEvery = options.healthEvery ?? 100;
  const fixture = await createFixture(url, adminKey);
  const ledger = new LedgerWatch(url, adminKey);
  const summary: FuzzSummary = {
    seed: options.seed, requests: 0, byStatus: {}, byLabel: {}, serverErrors: 0, ledgerChangesOnFailure: 0, hashChangesOnFailure: 0, refusedOpenMarks: 0, writes: 0,
    idempotencyRetries: 0, idempotencyReplays: 0, healthChecks: 0, hashChecks: 0, violations: [], milliseconds: 0,
  };
  const keyHeader = (key: KeyChoice): Record<string, string> => {
    if (key === 'admin') return bearer(adminKey);
    if (key === 'account') return bearer(fixture.accountKey);
    if (key === 'none') return {};
    return { authorization: key.authorization };
  };
  let position = await ledger.position();
  /** Requests since the state hash was last read, none of which wrote: a change in the hash is theirs. */
  let unchecked = 0;
  let windowStart = 0;

  const requests = fc.sample(requestArbitrary(fixture), { seed: options.seed, numRuns: options.requests });
  const violate = (index: number, request: FuzzRequest, status: number | null, answer: string, problems: readonly string[]): void => {
    summary.violations.push({ index, label: request.label, request: describeRequest(request), status, answer: answer.slice(0, 400), problems });
  };

  /** After a request: the entries written, allowed only when `mayWrite`. Returns whether the ledger moved. */
  const checkLedger = async (index: number, request: FuzzRequest, status: number, mayWrite: boolean, answerText: string): Promise<void> => {
    const entries = await ledger.entriesAfter(position.seq);
    if (entries.length === 0) return;
    const last = entries[entries.length - 1] as { seq: number };
    if (!mayWrite) {
      summary.ledgerChangesOnFailure += 1;
      violate(index, request, status, answerText, [`the ledger moved from entry ${position.seq} to ${last.seq} (${entries.map((entry) => entry.type).join(', ')}) on a ${status}`]);
    }
    summary.writes += 1;
    position = await ledger.position();
    unchecked = 0;
    windowStart = index + 1;
  };

  /** The state hash against the last one read: only failed requests came between. */
  const checkHash = async (index: number): Promise<void> => {
    summary.hashChecks += 1;
    const now = await ledger.position();
    if (unchecked > 0 && (now.stateHash !== position.stateHash || now.seq !== position.seq)) {
      summary.hashChangesOnFailure += 1;
      summary.violations.push({
        index, label: 'ledger/state-hash', request: `requests ${windowStart}..${index}`, status: null, answer: '',
        problems: [`the state moved (entry ${position.seq} -> ${now.seq}, hash ${position.stateHash.slice(0, 12)} -> ${now.stateHash.slice(0, 12)}) with only failed requests since`],
      });
    }
    position = now;
    unchecked = 0;
    windowStart = index;
  };

  for (const [index, generated] of requests.entries()) {
    const request: FuzzRequest = generated.idempotencyKey === undefined ? generated : { ...generated, idempotencyKey: `${generated.idempotencyKey}-${fixture.run}` };
    summary.requests += 1;
    // A write re-reads the hash: check it first, so that a write never hides what failed requests did before it.
    const mayWriteNow = isWrite(request) && (request.expect.kind === 'any' || request.idempotencyKey !== undefined);
    if (mayWriteNow && unchecked > 0) await checkHash(index);
    const headers: Record<string, string> = { ...keyHeader(request.key), ...request.headers, ...(request.idempotencyKey ? { 'idempotency-key': request.idempotencyKey } : {}) };
    const body = request.oversize ? oversizedBody(request) : request.body;
    let answer: RawAnswer;
    try {
      answer = request.oversize
        ? await sendOversized(url, request.method, request.path, headers, body as string, request.chunked === true)
        : await rawRequest(url, request.method, request.path, headers, body, { ...(request.chunked ? { chunked: true } : {}), ...(request.stream ? { stream: true } : {}) });
    } catch (error) {
      violate(index, request, null, String(error), ['no answer (the connection failed)']);
      const health = await rawRequest(url, 'GET', '/health', {}).catch(() => undefined);
      if (health?.status !== 200) break;
      continue;
    }
    summary.byStatus[answer.status] = (summary.byStatus[answer.status] ?? 0) + 1;
    const byLabel = (summary.byLabel[request.label] ??= {});
    byLabel[answer.status] = (byLabel[answer.status] ?? 0) + 1;
    if (answer.status >= 500) summary.serverErrors += 1;
    const problems = answerViolations(request, answer);
    if (options.inProcess && (Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted') || ({} as Record<string, unknown>).polluted !== undefined)) {
      problems.push('Object.prototype was polluted');
    }
    if (problems.length) violate(index, request, answer.status, answer.text, problems);

    const problem = answer.status >= 400 ? parseProblem(answer.text) : undefined;
    const refusal = answer.status === 422 && problem?.event !== undefined;
    const succeeded = answer.status >= 200 && answer.status < 300;
    const mayWrite = (succeeded && isWrite(request)) || (refusal && isOpen(request));
    const before = position.seq;
    await checkLedger(index, request, answer.status, mayWrite, answer.text);
    if (refusal && isOpen(request) && position.seq !== before) summary.refusedOpenMarks += 1;
    if (position.seq === before) unchecked += 1;

    // The Idempotency-Key: a request refused before the ledger stored nothing, so the key is free;
    // one that reached it (a success or an engine's refusal) answers again from what was stored.
    if (request.idempotencyKey !== undefined && answer.status !== 401) {
      if (succeeded || refusal) {
        const again = request.oversize ? await sendOversized(url, request.method, request.path, headers, body as string, request.chunked === true)
          : await rawRequest(url, request.method, request.path, headers, body);
        summary.idempotencyReplays += 1;
        const replayProblems: string[] = [];
        if (again.status !== answer.status || again.text !== answer.text) replayProblems.push(`the replay answered ${again.status} ${again.text.slice(0, 200)}, not the first answer`);
        if (again.headers.get('idempotent-replayed') !== 'true') replayProblems.push('the replay has no idempotent-replayed: true');
        if (replayProblems.length) violate(index, request, again.status, again.text, replayProblems);
        await checkLedger(index, request, again.status, false, again.text);
        unchecked += 1;
      } else if (answer.status >= 400) {
        await checkHash(index);
        const retry = followUp(request, fixture);
        const retried = await rawRequest(url, 'POST', retry.path, { ...keyHeader(request.key), ...JSON_HEADERS, 'idempotency-key': request.idempotencyKey }, retry.body);
        summary.idempotencyRetries += 1;
        if (retried.status >= 300 || retried.headers.get('idempotent-replayed') === 'true') {
          violate(index, request, retried.status, retried.text, [`the Idempotency-Key of a ${answer.status} was not free: a valid retry with it answered ${retried.status}`]);
        }
        await checkLedger(index, request, retried.status, retried.status < 300, retried.text);
      }
    }

    if ((index + 1) % hashEvery === 0 || index === requests.length - 1) await checkHash(index + 1);
    if ((index + 1) % healthEvery === 0 || index === requests.length - 1) {
      summary.healthChecks += 1;
      const health = await rawRequest(url, 'GET', '/health', {}).catch(() => undefined);
      if (health?.status !== 200 || health.text !== '{"status":"ok"}') {
        summary.violations.push({ index, label: 'health', request: 'GET /health', status: health?.status ?? null, answer: health?.text ?? '', problems: ['the service is not healthy'] });
        break;
      }
    }
    options.progress?.(index + 1, summary);
  }
  summary.milliseconds = performance.now() - started;
  return summary;
}

/** The summary as lines of text. */
export function formatSummary(summary: FuzzSummary, violationsShown = 20): string {
  const statuses = Object.entries(summary.byStatus).sort(([a], [b]) => Number(a) - Number(b)).map(([status, count]) => `${status}: ${count}`).join(', ');
  const labels = Object.entries(summary.byLabel).sort(([a], [b]) => a.localeCompare(b))
    .map(([label, counts]) => `  ${label.padEnd(32)} ${Object.entries(counts).map(([status, count]) => `${status}×${count}`).join(' ')}`);
  const lines = [
    `requests: ${summary.requests} (seed ${summary.seed}) in ${(summary.milliseconds / 1000).toFixed(1)} s`,
    `by status: ${statuses}`,
    '5xx: ' + String(summary.serverErrors),
    `ledger changes on failed requests: ${summary.ledgerChangesOnFailure}; state-hash changes with only failures: ${summary.hashChangesOnFailure} (${summary.hashChecks} hash checks)`,
    `writes by successful requests: ${summary.writes}; refused opens whose feed mark was kept (spec): ${summary.refusedOpenMarks}`,
    `idempotency: ${summary.idempotencyRetries} keys of failed requests reused afresh, ${summary.idempotencyReplays} replays checked`,
    `health checks: ${summary.healthChecks}`,
    'by class:',
    ...labels,
    `violations: ${summary.violations.length}`,
  ];
  const bySignature = new Map<string, number>();
  for (const violation of summary.violations) {
    const signature = `${violation.label}: ${violation.problems.join('; ').replace(/\d+/g, 'N')}`;
    bySignature.set(signature, (bySignature.get(signature) ?? 0) + 1);
  }
  for (const [signature, count] of [...bySignature].sort(([, a], [, b]) => b - a)) lines.push(`  ${String(count).padStart(5)} × ${signature}`);
  for (const violation of summary.violations.slice(0, violationsShown)) {
    lines.push(`  #${violation.index} ${violation.label}: ${violation.problems.join('; ')}`, `      ${violation.request}`, `      -> ${violation.status ?? '-'} ${violation.answer.slice(0, 300)}`);
  }
  return lines.join('\n');
}

