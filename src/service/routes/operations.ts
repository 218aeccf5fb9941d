/**
 * Operations, open to anyone: the web app at / (web-app.ts), /health (ok once the ledger is open and
 * recovered), /metrics (Prometheus text) and the OpenAPI document.
 */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { ServiceContext } from '../context.js';
import { registerWebApp } from './web-app.js';

export function operationRoutes(context: ServiceContext): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    await registerWebApp(app, context);

    app.get('/health', { schema: { summary: '{"status": "ok"} once the ledger is open and recovered', tags: ['operations'], security: [] } }, async (_request, reply) => {
      if (context.status === 'ok') return reply.send({ status: 'ok' });
      return reply.code(503).send({ status: context.status });
    });

    app.get('/metrics', { schema: { summary: 'Prometheus text', tags: ['operations'], security: [] } }, async (_request, reply) => {
      const text = await context.metrics.registry.metrics();
      return reply.type(context.metrics.registry.contentType).send(text);
    });

    app.get('/openapi.json', { schema: { hide: true } }, async (_request, reply) => reply.send(app.swagger()));
  };
}
