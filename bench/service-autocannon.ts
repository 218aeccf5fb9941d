// A load generator of the service benchmark (bench/service.ts), run in a child process: autocannon's
// programmatic API against one server, a warm-up first (its figures dropped), then the measured run.
// The configuration is a JSON argument; the result is one JSON line on standard output.
//
// Requests: POST /v1/accounts/<prefix><n>/commands, one command each, going round the accounts; each
// account gets {"type":"deposit","amount":"1"} and {"type":"withdraw","amount":"1"} in turn, so the
// balances stay where they were and every command is accepted. The hello-world baseline gets the
// very same requests.
import { createRequire } from 'node:module';

interface Histogram { readonly p50: number; readonly p99: number; readonly average: number }
interface Result {
  readonly requests: Histogram & { readonly total: number };
  readonly latency: Histogram;
  readonly duration: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly non2xx: number;
  readonly '2xx': number;
  readonly statusCodeStats: Record<string, { count: number }>;
}
interface Request { method?: string; path?: string; body?: string; headers?: Record<string, string> }
type Autocannon = (options: Record<string, unknown>) => Promise<Result>;

export interface AutocannonConfig {
  readonly url: string;
  readonly key: string;
  readonly accounts: number;
  readonly prefix: string;
  readonly connections: number;
  readonly pipelining: number;
  readonly warmupSeconds: number;
  readonly seconds: number;
}

export interface AutocannonFigures {
  readonly perSecond: number;
  readonly ok: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly statusCodes: Record<string, number>;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly meanMs: number;
  readonly seconds: number;
}

const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;
const config = JSON.parse(process.argv[2] ?? '{}') as AutocannonConfig;

let sent = 0;
function setupRequest(request: Request): Request {
  const account = sent % config.accounts;
  const type = Math.floor(sent / config.accounts) % 2 === 0 ? 'deposit' : 'withdraw';
  sent += 1;
  return { ...request, method: 'POST', path: `/v1/accounts/${config.prefix}${account}/commands`, body: `{"type":"${type}","amount":"1"}` };
}

const run = (seconds: number): Promise<Result> => autocannon({
  url: config.url,
  connections: config.connections,
  pipelining: config.pipelining,
  duration: seconds,
  headers: { authorization: `Bearer ${config.key}`, 'content-type': 'application/json' },
  requests: [{ setupRequest }],
});

if (config.warmupSeconds > 0) await run(config.warmupSeconds);
const result = await run(config.seconds);
const figures: AutocannonFigures = {
  perSecond: result['2xx'] / result.duration,
  ok: result['2xx'],
  non2xx: result.non2xx,
  errors: result.errors,
  timeouts: result.timeouts,
  statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, { count }]) => [code, Number(count)])),
  p50Ms: result.latency.p50,
  p99Ms: result.latency.p99,
  meanMs: result.latency.average,
  seconds: result.duration,
};
process.stdout.write(`${JSON.stringify(figures)}\n`);
