/**
 * The HTTP edge (Fastify 5): plugins, the schemas' validator, authentication, and the one error
 * handler that maps every failure to application/problem+json with a stable code and the field it
 * is about. Routes (routes/) parse, authorise, hand the fold its entry, and answer once durable.
 */
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { LogController, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { authenticate, type Principal } from './auth/authorize.js';
import type { ServiceContext } from './context.js';
import { ServiceError, errorBody, problem, PROBLEM_CONTENT_TYPE, type FieldError } from './problem.js';
import { COMMAND_TYPES_TAKEN, DECIMAL_PATTERN } from './schemas.js';
import { accountRoutes } from './routes/accounts.js';
import { adminRoutes } from './routes/admin.js';
import { eventRoutes } from './routes/events.js';
import { operationRoutes } from './routes/operations.js';
import { priceRoutes } from './routes/prices.js';
import { statelessRoutes } from './routes/stateless.js';
import { describe } from '../core/snapshot/input-reader.js';

/** One of Ajv's errors, as Fastify passes it on (verbose: with the data and the schema it failed). */
interface ErrorObject {
  readonly keyword: string;
  readonly instancePath: string;
  readonly schemaPath?: string;
  readonly params: unknown;
  readonly message?: string;
  readonly data?: unknown;
  readonly parentSchema?: unknown;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
    startedAt: number;
  }
}

export const BODY_LIMIT = 1024 * 1024;
export const LARGE_BODY_LIMIT = 16 * 1024 * 1024;

/** A JSON pointer (/snapshot/positions/0/quantity) as the CLI writes paths (snapshot.positions[0].quantity). */
export function pointerToField(pointer: string): string {
  if (pointer === '') return '';
  const parts = pointer.slice(1).split('/').map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
  let path = '';
  for (const part of parts) {
    if (/^\d+$/.test(part)) path += `[${part}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(part)) path += path ? `.${part}` : part;
    else path += `[${JSON.stringify(part)}]`;
  }
  return path;
}

/** One of Ajv's errors as a field and a message a person can act on. */
function fieldError(error: ErrorObject): FieldError {
  const base = pointerToField(error.instancePath);
  const child = (name: string): string => (base ? `${base}${/^[A-Za-z_][A-Za-z0-9_-]*$/.test(name) ? `.${name}` : `[${JSON.stringify(name)}]`}` : name);
  const schema = error.parentSchema as { pattern?: string; enum?: unknown[] } | undefined;
  const params = error.params as Record<string, unknown>;
  if (typeof params.propertyName === 'string') {
    return { field: child(params.propertyName), message: 'not a name this object takes: names are 1 to 64 characters' };
  }
  switch (error.keyword) {
    case 'propertyNames': return { field: base, message: `a name is invalid: ${error.message ?? ''}` };
    case 'required': return { field: child(String(params.missingProperty)), message: 'required' };
    case 'additionalProperties': return { field: child(String(params.additionalProperty)), message: 'unknown field' };
    case 'type':
    case 'pattern':
      if (schema?.pattern === DECIMAL_PATTERN) return { field: base, message: `must be a decimal written as a string, got ${describe(error.data)}` };
      return { field: base, message: `${error.message ?? 'is invalid'}, got ${describe(error.data)}` };
    case 'const': return { field: base, message: `must be ${JSON.stringify(params.allowedValue)}, got ${describe(error.data)}` };
    case 'enum': return { field: base, message: `must be one of ${(params.allowedValues as unknown[]).map((value) => JSON.stringify(value)).join(', ')}, got ${describe(error.data)}` };
    case 'discriminator': {
      return { field: child('type'), message: `must be one of ${COMMAND_TYPES_TAKEN.join(', ')}${params.tagValue === undefined ? '' : `, got ${describe(params.tagValue)}`}` };
    }
    case 'anyOf': {
      const branches = (error.parentSchema as { anyOf?: { const?: unknown }[] } | undefined)?.anyOf ?? [];
      if (branches.length && branches.every((branch) => branch.const !== undefined)) {
        return { field: base, message: `must be one of ${branches.map((branch) => JSON.stringify(branch.const)).join(', ')}, got ${describe(error.data)}` };
      }
      return { field: base, message: `${base === 'venue' || base.endsWith('.venue') ? 'must be a built-in venue id or {"extends": id, ...}' : 'matches none of the allowed shapes'}, got ${describe(error.data)}` };
    }
    default: return { field: base, message: `${error.message ?? 'is invalid'}` };
  }
}

/** Ajv's errors, one per field, the most specific kept (an anyOf's own summary only when nothing else names the field). */
export function validationErrors(errors: readonly ErrorObject[]): FieldError[] {
  const byField = new Map<string, FieldError>();
  const unions = new Map<string, FieldError>();
  for (const error of errors) {
    // A name's own check fails inside propertyNames; its propertyNames error names the key.
    if (error.schemaPath?.includes('/propertyNames/')) continue;
    const mapped = fieldError(error);
    if (error.keyword === 'anyOf') unions.set(mapped.field, mapped);
    else if (!byField.has(mapped.field)) byField.set(mapped.field, mapped);
  }
  // A union's branches each complain; when one of them is a plain type mismatch of the whole value, say the union's summary.
  for (const [field, union] of unions) {
    const branch = byField.get(field);
    if (!branch || /got/.test(branch.message)) byField.set(field, union);
  }
  return [...byField.values()];
}

function sendProblem(reply: FastifyReply, body: ReturnType<typeof problem>): FastifyReply {
  return reply.code(body.status).header('content-type', PROBLEM_CONTENT_TYPE).send(JSON.stringify(body));
}

/** How long, and how much, an oversized body is read and thrown away after its 413. */
const LINGER_MS = 10_000;
const LINGER_BYTES = 64 * 1024 * 1024;

/**
 * A client still sending an oversized body would be reset mid-upload if the connection closed
 * at once, and would never read its 413 (fetch reports EPIPE). So the rest of the body is read and
 * thrown away, for a while and up to a size (past either, the connection is closed).
 */
function lingerAfterTooLarge(request: FastifyRequest): void {
  const raw = request.raw;
  const socket = raw.socket;
  let drained = 0;
  const close = (): void => { if (!socket.destroyed) socket.destroySoon(); };
  const timer = setTimeout(close, LINGER_MS);
  timer.unref();
  raw.on('data', (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > LINGER_BYTES) close();
  });
  // Drained in time: the connection goes on as any other (the client may send its next request on it).
  raw.once('end', () => clearTimeout(timer));
  raw.resume();
}

/** The one error handler: every failure becomes problem+json. */
function handleError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error instanceof ServiceError) return sendProblem(reply, errorBody(error));
  if (error.validation) {
    const errors = validationErrors(error.validation as unknown as ErrorObject[]);
    const first = errors[0];
    return sendProblem(reply, problem(400, 'request/invalid', first ? `${first.field || error.validationContext || 'body'}: ${first.message}` : 'the request is invalid', errors));
  }
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return sendProblem(reply, problem(400, 'request/invalid', `the body is not valid JSON: ${error.message}`, [{ field: '', message: 'not valid JSON' }]));
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      // Fastify asks for the connection to close at once; it closes once the body is drained instead.
      reply.removeHeader('connection');
      lingerAfterTooLarge(request);
      return sendProblem(reply, problem(413, 'request/too-large', `the body is larger than this endpoint takes (${request.routeOptions.bodyLimit ?? BODY_LIMIT} bytes)`, [{ field: '', message: 'too large' }]));
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return sendProblem(reply, problem(415, 'request/unsupported-media-type', 'send JSON: Content-Type: application/json', [{ field: 'Content-Type', message: `got ${describe(request.headers['content-type'])}` }]));
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return sendProblem(reply, problem(400, 'request/invalid', 'the Content-Length does not match the body', [{ field: 'Content-Length', message: 'does not match the body' }]));
    default:
      break;
  }
  if (error instanceof SyntaxError || (error.statusCode === 400 && /JSON/i.test(error.message))) {
    return sendProblem(reply, problem(400, 'request/invalid', `the body is not valid JSON: ${error.message}`, [{ field: '', message: 'not valid JSON' }]));
  }
  if (error.statusCode === 429) return sendProblem(reply, problem(429, 'rate/limited', error.message));
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
    return sendProblem(reply, problem(error.statusCode, 'request/invalid', error.message));
  }
  request.log.error({ err: error }, 'request failed');
  return sendProblem(reply, problem(500, 'internal/error', 'the service failed to answer; the failure is logged'));
}

export async function buildApp(context: ServiceContext): Promise<FastifyInstance> {
  const app = Fastify({
    logger: { level: context.options.logLevel, stream: process.stderr },
    // Request lines at debug and trace only: at info, the log says what the service does, not every request.
    logController: new LogController({ disableRequestLogging: context.options.logLevel !== 'debug' && context.options.logLevel !== 'trace' }),
    bodyLimit: BODY_LIMIT,
    return503OnClosing: true,
    // Ids are checked by the routes' schemas (400 naming the field); the router only refuses absurd paths.
    routerOptions: { maxParamLength: 1024 },
    frameworkErrors: (error, _request, reply) => {
      if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
        return sendProblem(reply, problem(414, 'request/uri-too-long', 'a part of the path is longer than 1024 characters', [{ field: 'path', message: 'too long' }]));
      }
      return sendProblem(reply, problem(400, 'request/invalid', `the path is not a valid URL: ${error.message}`, [{ field: 'path', message: 'not a valid URL' }]));
    },
    forceCloseConnections: 'idle',
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: false, allErrors: true, verbose: true, discriminator: true } },
  });
  app.decorateRequest('principal', undefined);
  app.decorateRequest('startedAt', 0);
  app.setErrorHandler(handleError);
  // JSON only: any other body is 415, not a string to validate.
  app.removeContentTypeParser(['text/plain']);
  app.setNotFoundHandler((request, reply) => sendProblem(reply, problem(404, 'route/not-found', `no ${request.method} ${request.url.split('?')[0] ?? ''}`)));

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Stopout', version: '0.1.0',
        description: 'Many accounts live: a price feed in; margin calls, stop-outs, deficits and debts out, as they happen. Every decimal is a JSON string. Errors are application/problem+json.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  if (context.options.rateLimitPerMinute > 0) {
    await app.register(rateLimit, {
      global: false,
      max: context.options.rateLimitPerMinute,
      timeWindow: 60_000,
      keyGenerator: (request) => request.principal?.id ?? request.ip,
      errorResponseBuilder: (_request, limit) => {
        const error = new ServiceError(429, 'rate/limited', `more than ${limit.max} requests a minute; retry in ${Math.ceil(limit.ttl / 1000)} s`);
        return error;
      },
    });
  }

  app.addHook('onRequest', async (request) => {
    request.startedAt = performance.now();
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    context.metrics.requests.inc({ method: request.method, route, status: String(reply.statusCode) });
    context.metrics.requestSeconds.observe({ method: request.method, route }, (performance.now() - request.startedAt) / 1000);
  });

  await app.register(operationRoutes(context));
  await app.register(async (api) => {
    api.addHook('onRequest', async (request) => {
      if (context.status !== 'ok') {
        throw new ServiceError(503, context.status === 'starting' ? 'service/starting' : 'service/stopping',
          context.status === 'starting' ? 'the ledger is being recovered; retry shortly' : 'the service is shutting down');
      }
      request.principal = authenticate(request.headers.authorization, context.live, context.adminHash);
    });
    if (context.options.rateLimitPerMinute > 0) {
      api.addHook('onRequest', api.rateLimit());
    }
    await api.register(statelessRoutes(context));
    await api.register(accountRoutes(context));
    await api.register(priceRoutes(context));
    await api.register(eventRoutes(context));
    await api.register(adminRoutes(context));
  }, { prefix: '/v1' });
  return app;
}

/** The principal the /v1 hook authenticated. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new ServiceError(401, 'auth/missing-key', 'an API key is required');
  return request.principal;
}

/** Sends a response the idempotency gate produced (JSON text), as problem+json when it is a failure. */
export function sendStored(reply: FastifyReply, response: { status: number; body: string; replayed: boolean }): FastifyReply {
  if (response.replayed) reply.header('idempotent-replayed', 'true');
  return reply.code(response.status)
    .header('content-type', response.status >= 400 ? PROBLEM_CONTENT_TYPE : 'application/json; charset=utf-8')
    .send(response.body);
}
