/**
 * Events out: a page at a time (GET /v1/events), or as they happen (GET /v1/events/stream, Server-
 * Sent Events). Each event is the engine's, with its id (a cursor, increasing) and its account.
 * Only durable events are ever served: pages read the store, and the stream is fed by the event
 * bus, which publishes a batch's events after its commit.
 *
 * Resuming: a stream starts after the Last-Event-ID header (or ?after=). It subscribes to the bus
 * first and holds what arrives, reads the store up to what the bus has published, then sends the
 * held events above the last id it sent: nothing missed, nothing repeated, across a restart too
 * (ids are the ledger's, not the connection's).
 */
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { principalOf } from '../app.js';
import { eventScope } from '../auth/authorize.js';
import type { ServiceContext } from '../context.js';
import type { StoredEvent } from '../live/entries.js';
import type { EventQuery } from '../ledger/store.js';
import { ServiceError } from '../problem.js';
import { EventFilter } from '../schemas.js';
import { pageOf } from './paging.js';

interface Filter {
  readonly account?: string;
  readonly type?: string;
}

function filterOf(context: ServiceContext, request: FastifyRequest): Filter {
  const own = eventScope(principalOf(request));
  const query = request.query as { account?: string; type?: string };
  if (own !== undefined && query.account !== undefined && query.account !== own) {
    throw new ServiceError(404, 'account/not-found', `no account ${JSON.stringify(query.account)}`, [{ field: 'account', message: 'not found' }]);
  }
  if (own === undefined && query.account !== undefined && !context.live.accounts.has(query.account)) {
    throw new ServiceError(404, 'account/not-found', `no account ${JSON.stringify(query.account)}`, [{ field: 'account', message: 'not found' }]);
  }
  const account = own ?? query.account;
  return { ...(account !== undefined ? { account } : {}), ...(query.type !== undefined ? { type: query.type } : {}) };
}

const matches = (filter: Filter, event: StoredEvent): boolean =>
  (filter.account === undefined || event.account === filter.account) && (filter.type === undefined || event.type === filter.type);

/** What a stream may hold unsent for a slow client before it is ended. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

/** Open streams, ended when the service stops. */
const openStreams = new Set<FastifyReply>();

export function endStreams(): void {
  for (const reply of openStreams) reply.raw.end();
  openStreams.clear();
}

export function eventRoutes(context: ServiceContext): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    app.get('/events', {
      schema: { summary: 'A page of events, in order', tags: ['events'], querystring: EventFilter },
    }, async (request, reply) => {
      const filter = filterOf(context, request);
      const { after, limit } = pageOf(request.query as { after?: string; limit?: string });
      const query: EventQuery = { after, limit, ...filter };
      const events = await context.store.readEvents(query);
      const last = events[events.length - 1];
      return reply.send({ items: events.map((event) => event.json), next: events.length === limit && last ? String(last.id) : null });
    });

    app.get('/events/stream', {
      schema: { summary: 'Events as Server-Sent Events; resumes after Last-Event-ID (or ?after=)', tags: ['events'], querystring: EventFilter },
    }, async (request, reply) => {
      const filter = filterOf(context, request);
      const header = request.headers['last-event-id'];
      const resume = typeof header === 'string' && header !== '' ? header : (request.query as { after?: string }).after;
      if (resume !== undefined && !/^\d{1,15}$/.test(resume)) {
        throw new ServiceError(400, 'request/invalid', 'Last-Event-ID: an event id', [{ field: 'Last-Event-ID', message: 'not an event id' }]);
      }
      let sent = resume === undefined ? context.bus.highWater : Number(resume);
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      raw.write(': stopout events\n\n');
      openStreams.add(reply);
      const write = (event: StoredEvent): void => {
        if (event.id <= sent || raw.destroyed) return;
        sent = event.id;
        if (!matches(filter, event)) return;
        raw.write(`id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(event.json)}\n\n`);
        // A client that does not read is let go rather than buffered without end: it resumes from
        // its Last-Event-ID, and nothing is lost.
        if (raw.writableLength > MAX_BUFFERED_BYTES) raw.end();
      };
      let held: StoredEvent[] | null = [];
      const unsubscribe = context.bus.subscribe((events) => {
        if (held) held.push(...events);
        else for (const event of events) write(event);
      });
      const heartbeat = setInterval(() => raw.write(': keep-alive\n\n'), context.options.heartbeatMs);
      heartbeat.unref();
      const close = (): void => {
        clearInterval(heartbeat);
        unsubscribe();
        openStreams.delete(reply);
      };
      raw.on('close', close);
      try {
        // The backlog: everything durable after the cursor, up to what the bus has published.
        const until = context.bus.highWater;
        while (sent < until && !raw.destroyed) {
          const page = await context.store.readEvents({ after: sent, limit: 1000, ...filter });
          const inRange = page.filter((event) => event.id <= until);
          for (const event of inRange) write(event);
          if (inRange.length < page.length || page.length < 1000) {
            sent = Math.max(sent, until);
            break;
          }
        }
        const pending = held;
        held = null;
        for (const event of pending) write(event);
      } catch (error) {
        request.log.error({ err: error }, 'event stream failed');
        raw.end();
      }
    });
  };
}
