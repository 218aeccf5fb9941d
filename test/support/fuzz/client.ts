// The service the fuzzed requests are aimed at: a fixture of accounts and keys made through the API,
// and a raw HTTP client that can send what fetch will not (malformed bytes, oversized and chunked
// bodies). Part of the request fuzzer (../request-fuzz.ts).
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';

export type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };
export type Path = readonly (string | number)[];

// -------------------------------------------------------------------------------------------------
// The service the requests are aimed at.

/** What the fuzz creates first, and aims its requests at. */
export interface Fixture {
  /** An account at binance-usdm with an isolated BTCUSDT position "p". */
  readonly account: string;
  readonly accountKey: string;
  /** Another account, which `accountKey` may not see. */
  readonly otherAccount: string;
  readonly webhook: string;
  /** The time of the fixture's first tick and command: every later time is at or after it. */
  readonly time: string;
  /** This run's own mark, on its ids and Idempotency-Keys, so that a service can be fuzzed twice. */
  readonly run: string;
}

export const WEBHOOK_URL = 'http://127.0.0.1:9/fuzz-hook';
/** A time before anything the fixture has been given: a command or tick at it goes backwards. */
export const EARLIER = '2001-02-03T04:05:06Z';

export function fixtureSnapshot(): { [key: string]: Json } {
  return {
    venue: 'binance-usdm',
    account: { currency: 'USDT', balance: '10000' },
    positions: [{ id: 'p', instrument: 'BTCUSDT', side: 'long', quantity: '0.1', entryPrice: '60000', leverage: '10', isolatedMargin: '600' }],
    marks: { BTCUSDT: '60000' },
  };
}

export const SIMULATE_MODEL = { type: 'gbm', volatility: '0.5', drift: '0', daysPerYear: '365' };

/** A JSON client for the fuzz: raw bodies and headers, no assumptions about what comes back. */
export interface RawAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

export async function rawRequest(
  url: string, method: string, path: string, headers: Readonly<Record<string, string>>, body?: string | Uint8Array, options: { chunked?: boolean; stream?: boolean } = {},
): Promise<RawAnswer> {
  const controller = new AbortController();
  let payload: RequestInit['body'];
  if (body !== undefined && options.chunked) {
    const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body;
    payload = new ReadableStream<Uint8Array>({
      start(stream) {
        for (let at = 0; at < bytes.length; at += 65_536) stream.enqueue(bytes.subarray(at, at + 65_536));
        stream.close();
      },
    });
  } else if (body !== undefined) {
    payload = typeof body === 'string' ? body : new Blob([body]);
  }
  const init: RequestInit & { duplex?: 'half' } = { method, headers: { ...headers }, signal: controller.signal };
  if (payload !== undefined) init.body = payload;
  if (options.chunked) init.duplex = 'half';
  const response = await fetch(`${url}${path}`, init);
  if (options.stream && response.status === 200) {
    // An event stream never ends: the status and headers are the answer.
    controller.abort();
    return { status: response.status, headers: response.headers, text: '' };
  }
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/**
 * A body too large for the endpoint, over a raw socket, sent as a careful client sends it. The
 * service answers 413 from the Content-Length alone and closes the connection (Fastify: "the client
 * may send more data"); a client still writing then gets a reset that can swallow the answer (fetch
 * fails with EPIPE). So: the headers first, then a pause for an early answer, then the body in
 * pieces, the last one after another pause, reading all the while.
 */
export function sendOversized(url: string, method: string, path: string, headers: Readonly<Record<string, string>>, body: string, chunked: boolean): Promise<RawAnswer> {
  const target = new URL(url);
  const bytes = Buffer.from(body, 'utf8');
  const head = [`${method} ${path} HTTP/1.1`, `host: ${target.host}`, ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
    chunked ? 'transfer-encoding: chunked' : `content-length: ${bytes.length}`, '', ''].join('\r\n');
  return new Promise((resolve, reject) => {
    const socket = connect(Number(target.port), target.hostname);
    let received = Buffer.alloc(0);
    let answered = false;
    const finish = (): boolean => {
      const end = received.indexOf('\r\n\r\n');
      if (end < 0) return false;
      const [statusLine = '', ...lines] = received.subarray(0, end).toString('latin1').split('\r\n');
      const status = Number(statusLine.split(' ')[1]);
      if (status === 100) {
        received = received.subarray(end + 4);
        return finish();
      }
      const answerHeaders = new Headers();
      for (const line of lines) {
        const colon = line.indexOf(':');
        answerHeaders.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
      }
      const length = Number(answerHeaders.get('content-length') ?? Number.NaN);
      const rest = received.subarray(end + 4);
      if (Number.isNaN(length) || rest.length < length) return false;
      answered = true;
      socket.destroy();
      resolve({ status, headers: answerHeaders, text: rest.subarray(0, length).toString('utf8') });
      return true;
    };
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      finish();
    });
    // Writing into a connection the service has closed fails: that is expected once it has answered.
    socket.on('error', (error) => { if (!answered && !finish()) reject(error); });
    socket.on('close', () => { if (!answered && !finish()) reject(new Error(`the connection closed without a complete answer (${received.length} bytes)`)); });
    const pause = (ms: number): Promise<void> => new Promise((resume) => {
      const timer = setTimeout(resume, ms);
      socket.once('close', () => { clearTimeout(timer); resume(); });
    });
    const write = async (piece: Buffer): Promise<void> => {
      if (answered || socket.destroyed) return;
      if (!socket.write(chunked ? Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n')]) : piece)) {
        await new Promise((drained) => { socket.once('drain', drained); socket.once('close', drained); });
      }
    };
    socket.on('connect', async () => {
      socket.write(head);
      await pause(chunked ? 0 : 300);
      const last = Math.max(0, bytes.length - 8_192);
      for (let at = 0; at < last && !answered && !socket.destroyed; at += 65_536) await write(bytes.subarray(at, Math.min(at + 65_536, last)));
      await pause(50);
      await write(bytes.subarray(last));
      await pause(50);
      if (chunked && !answered && !socket.destroyed) socket.write('0\r\n\r\n');
    });
  });
}

export const bearer = (key: string): Record<string, string> => ({ authorization: `Bearer ${key}` });
export const JSON_HEADERS = { 'content-type': 'application/json' };

/** Makes the fixture: two accounts (ids of their own, so a service can be fuzzed twice), a webhook, a first tick and a first command. */
export async function createFixture(url: string, adminKey: string): Promise<Fixture> {
  const run = randomBytes(4).toString('hex');
  const account = `fuzz-${run}-account`;
  const otherAccount = `fuzz-${run}-other`;
  const admin = async (method: string, path: string, body?: Json): Promise<Record<string, unknown>> => {
    const answer = await rawRequest(url, method, path, { ...bearer(adminKey), ...(body !== undefined ? JSON_HEADERS : {}) }, body === undefined ? undefined : JSON.stringify(body));
    if (answer.status >= 300) throw new Error(`fixture: ${method} ${path}: ${answer.status} ${answer.text}`);
    return JSON.parse(answer.text) as Record<string, unknown>;
  };
  const created = await admin('POST', '/v1/accounts', { id: account, snapshot: fixtureSnapshot() });
  await admin('POST', '/v1/accounts', { id: otherAccount, snapshot: fixtureSnapshot() });
  const hook = await admin('POST', '/v1/webhooks', { url: WEBHOOK_URL, types: ['debt-written-off'], account: otherAccount });
  const time = new Date().toISOString();
  await admin('POST', '/v1/prices', { time, prices: { BTCUSDT: '60000', NOBODY: '1' } });
  await admin('POST', `/v1/accounts/${account}/commands`, { type: 'deposit', amount: '1', time });
  return { account, accountKey: String(created.key), otherAccount, webhook: String(hook.id), time, run };
}

// -------------------------------------------------------------------------------------------------
