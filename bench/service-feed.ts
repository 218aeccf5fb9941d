// A load generator of the service benchmark (bench/service.ts), run in a child process: the price
// feed and an event stream, so that one clock times both.
//
// It opens GET /v1/events/stream, then sends the tick batches (a file of POST /v1/prices bodies,
// one a line) one after another, as one ordered feed does: each when the last is answered. The
// first `warmup` batches are not timed. Every event the stream delivers carries the time of the tick
// that caused it, and each batch's ticks are 1 ms apart from `startMs`, so the event names its
// batch: tick-to-event latency is from the moment that batch was sent to the moment its first event
// arrived on the stream. After the last batch it waits for the stream to deliver every event the
// answers counted. The result is one JSON line on standard output.
import { readFileSync } from 'node:fs';
import { Agent, request, type IncomingMessage } from 'node:http';
import { performance } from 'node:perf_hooks';

export interface FeedConfig {
  readonly url: string;
  readonly key: string;
  /** The batches, one POST /v1/prices body a line. */
  readonly file: string;
  readonly warmup: number;
  readonly batchSize: number;
  readonly startMs: number;
  /** Stop sending measured batches after this long. */
  readonly maxSeconds: number;
}

export interface FeedResult {
  /** Batches sent, warm-up included. */
  readonly sent: number;
  readonly measuredBatches: number;
  readonly measuredTicks: number;
  readonly measuredSeconds: number;
  readonly ticksPerSecond: number;
  /** Round trip of one batch (ms). */
  readonly p50BatchMs: number;
  readonly p99BatchMs: number;
  /** Events the answers counted, and the events the stream delivered (warm-up included). */
  readonly answeredEvents: number;
  readonly streamedEvents: number;
  /** Measured batches with events, and their tick-to-event latencies (ms). */
  readonly batchesWithEvents: number;
  readonly tickToEventMs: readonly number[];
  /** For the same batches, from the answer to the first event on the stream (ms; negative: the event came first). */
  readonly eventAfterAnswerMs: readonly number[];
  readonly failures: readonly string[];
}

const config = JSON.parse(process.argv[2] ?? '{}') as FeedConfig;
const bodies = readFileSync(config.file, 'utf8').split('\n').filter((line) => line !== '');
const agent = new Agent({ keepAlive: true, maxSockets: 4 });
const sentAt: number[] = [];
const firstEventAt: number[] = [];
let streamed = 0;
const failures: string[] = [];

function percentile(values: readonly number[], fraction: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] as number;
}

/** Opens the stream; resolves once its opening comment has arrived. */
function openStream(): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const outgoing = request(`${config.url}/v1/events/stream`, { headers: { authorization: `Bearer ${config.key}`, accept: 'text/event-stream' } }, (response) => {
      if (response.statusCode !== 200) {
        reject(new Error(`GET /v1/events/stream answered ${response.statusCode}`));
        return;
      }
      response.setEncoding('utf8');
      let buffer = '';
      let opened = false;
      response.on('data', (chunk: string) => {
        const now = performance.now();
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (!opened && block.startsWith(':')) {
            opened = true;
            resolve(response);
          }
          const data = block.split('\n').find((line) => line.startsWith('data: '));
          if (!data) continue;
          streamed += 1;
          const event = JSON.parse(data.slice('data: '.length)) as { time?: string };
          const ms = event.time === undefined ? Number.NaN : Date.parse(event.time);
          const batch = Math.floor((ms - config.startMs) / config.batchSize);
          if (Number.isInteger(batch) && batch >= 0 && firstEventAt[batch] === undefined) firstEventAt[batch] = now;
        }
      });
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

function post(body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = request(`${config.url}/v1/prices`, {
      method: 'POST', agent,
      headers: { authorization: `Bearer ${config.key}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => { text += chunk; });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

const stream = await openStream();
const answeredAt: number[] = [];
const answeredEvents: number[] = [];
let measuredStart = Number.NaN;
for (let batch = 0; batch < bodies.length; batch++) {
  if (batch === config.warmup) measuredStart = performance.now();
  if (batch > config.warmup && (performance.now() - measuredStart) / 1000 > config.maxSeconds) break;
  sentAt[batch] = performance.now();
  const answer = await post(bodies[batch] as string);
  answeredAt[batch] = performance.now();
  if (answer.status !== 200) {
    failures.push(`batch ${batch}: POST /v1/prices answered ${answer.status}: ${answer.text.slice(0, 1000)}`);
    break;
  }
  answeredEvents[batch] = (JSON.parse(answer.text) as { events: number }).events;
}
const sent = answeredEvents.length;
const totalEvents = answeredEvents.reduce((sum, count) => sum + count, 0);
const waitUntil = performance.now() + 30_000;
while (streamed < totalEvents && performance.now() < waitUntil) await new Promise((resolve) => setTimeout(resolve, 10));
if (streamed !== totalEvents) failures.push(`the answers counted ${totalEvents} events; the stream delivered ${streamed} within 30 s of the last answer`);
stream.destroy();

const measured = Array.from({ length: Math.max(0, sent - config.warmup) }, (_, index) => index + config.warmup);
const last = measured[measured.length - 1];
const measuredSeconds = last === undefined ? 0 : ((answeredAt[last] as number) - measuredStart) / 1000;
const withEvents = measured.filter((batch) => (answeredEvents[batch] as number) > 0);
const tickToEventMs = withEvents.flatMap((batch) => (firstEventAt[batch] === undefined ? [] : [(firstEventAt[batch] as number) - (sentAt[batch] as number)]));
const eventAfterAnswerMs = withEvents.flatMap((batch) => (firstEventAt[batch] === undefined ? [] : [(firstEventAt[batch] as number) - (answeredAt[batch] as number)]));
const roundTrips = measured.map((batch) => (answeredAt[batch] as number) - (sentAt[batch] as number));
const result: FeedResult = {
  sent,
  measuredBatches: measured.length,
  measuredTicks: measured.length * config.batchSize,
  measuredSeconds,
  ticksPerSecond: measuredSeconds > 0 ? (measured.length * config.batchSize) / measuredSeconds : 0,
  p50BatchMs: percentile(roundTrips, 0.5),
  p99BatchMs: percentile(roundTrips, 0.99),
  answeredEvents: totalEvents,
  streamedEvents: streamed,
  batchesWithEvents: withEvents.length,
  tickToEventMs,
  eventAfterAnswerMs,
  failures,
};
process.stdout.write(`${JSON.stringify(result)}\n`);
agent.destroy();
