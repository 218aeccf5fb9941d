/**
 * The admin's endpoints: scoped keys, webhooks and their deliveries, per-venue totals, and the
 * ledger's own figures (its position, the service's state hash, money conserved).
 */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { add, decimal, rescale, toDecimalString, type Decimal } from '../../core/index.js';
import { principalOf, sendStored } from '../app.js';
import { requireAdmin } from '../auth/authorize.js';
import { makeKey, randomId, webhookSecret } from '../auth/keys.js';
import type { ServiceContext } from '../context.js';
import { requestHash } from '../idempotency.js';
import type { KeyScope, SequencedEntry } from '../live/entries.js';
import { VENUE_KEYS } from '../live/live-state.js';
import { serviceConservationGap, serviceStateHash } from '../live/service-hash.js';
import { ServiceError } from '../problem.js';
import { CreateKey, CreateWebhook, IdParam, Page, VenueParam } from '../schemas.js';
import { pageOf } from './paging.js';

export function adminRoutes(context: ServiceContext): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    const { live } = context;

    app.post('/keys', { schema: { summary: 'A key with scopes, shown once', tags: ['keys'], body: CreateKey } }, async (request, reply) => {
      const principal = principalOf(request);
      requireAdmin(principal, 'make keys');
      const body = request.body as { scopes: KeyScope[]; name?: string };
      const response = await context.gate.run(principal.id, request.headers['idempotency-key'] as string | undefined, requestHash('POST', '/v1/keys', body), () => {
        const key = makeKey();
        const applied = context.apply({
          type: 'key', body: { id: key.id, hash: key.hash, scopes: body.scopes, createdAt: context.nowText(), ...(body.name !== undefined ? { name: body.name } : {}) },
        });
        return { ...applied, status: 201, body: { id: key.id, key: key.text, scopes: body.scopes, ...(body.name !== undefined ? { name: body.name } : {}) } };
      });
      return sendStored(reply, response);
    });

    app.get('/keys', { schema: { summary: 'The keys (never their secrets)', tags: ['keys'] } }, async (request, reply) => {
      requireAdmin(principalOf(request), 'list keys');
      const items = [...live.keys.values()].map((key) => ({
        id: key.id, scopes: key.scopes, revoked: key.revoked,
        ...(key.account !== undefined ? { account: key.account } : {}), ...(key.name !== undefined ? { name: key.name } : {}),
        ...(key.createdAt !== undefined ? { createdAt: key.createdAt } : {}),
      }));
      return reply.send({ items, next: null });
    });

    app.delete('/keys/:id', { schema: { summary: 'Revokes a key', tags: ['keys'], params: IdParam } }, async (request, reply) => {
      requireAdmin(principalOf(request), 'revoke keys');
      const { id } = request.params as { id: string };
      const key = live.keys.get(id);
      if (!key || key.revoked) throw new ServiceError(404, 'key/not-found', `no key ${JSON.stringify(id)}`, [{ field: 'id', message: 'not found' }]);
      const applied = context.apply({ type: 'key-revoked', body: { id } });
      await context.committer.commit(applied.entries, applied.events);
      return reply.code(204).send();
    });

    app.post('/webhooks', { schema: { summary: 'Events delivered as signed POSTs (Standard Webhooks)', tags: ['webhooks'], body: CreateWebhook } }, async (request, reply) => {
      const principal = principalOf(request);
      requireAdmin(principal, 'make webhooks');
      const body = request.body as { url: string; types?: string[]; account?: string };
      let url: URL | undefined;
      try { url = new URL(body.url); } catch { url = undefined; }
      if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
        throw new ServiceError(400, 'request/invalid', `url: an http:// or https:// address, got ${JSON.stringify(body.url)}`, [{ field: 'url', message: 'must be an http:// or https:// address' }]);
      }
      if (body.account !== undefined && !live.accounts.has(body.account)) {
        throw new ServiceError(404, 'account/not-found', `no account ${JSON.stringify(body.account)}`, [{ field: 'account', message: 'not found' }]);
      }
      const response = await context.gate.run(principal.id, request.headers['idempotency-key'] as string | undefined, requestHash('POST', '/v1/webhooks', body), () => {
        const id = randomId('wh');
        const secret = webhookSecret();
        const applied = context.apply({
          type: 'webhook',
          body: { id, url: body.url, secret, createdAt: context.nowText(), ...(body.types ? { types: body.types } : {}), ...(body.account ? { account: body.account } : {}) },
        });
        return { ...applied, status: 201, body: { id, secret, url: body.url, ...(body.types ? { types: body.types } : {}), ...(body.account ? { account: body.account } : {}) } };
      });
      return sendStored(reply, response);
    });

    app.get('/webhooks', { schema: { summary: 'The webhooks (never their secrets)', tags: ['webhooks'] } }, async (request, reply) => {
      requireAdmin(principalOf(request), 'list webhooks');
      const items = [...live.webhooks.values()].filter((hook) => !hook.deleted).map((hook) => ({
        id: hook.id, url: hook.url, createdAt: hook.createdAt, ...(hook.types ? { types: hook.types } : {}), ...(hook.account ? { account: hook.account } : {}),
      }));
      return reply.send({ items, next: null });
    });

    app.delete('/webhooks/:id', { schema: { summary: 'Stops a webhook', tags: ['webhooks'], params: IdParam } }, async (request, reply) => {
      requireAdmin(principalOf(request), 'delete webhooks');
      const { id } = request.params as { id: string };
      const hook = live.webhooks.get(id);
      if (!hook || hook.deleted) throw new ServiceError(404, 'webhook/not-found', `no webhook ${JSON.stringify(id)}`, [{ field: 'id', message: 'not found' }]);
      const applied = context.apply({ type: 'webhook-deleted', body: { id } });
      await context.committer.commit(applied.entries, applied.events);
      return reply.code(204).send();
    });

    app.get('/webhooks/:id/deliveries', {
      schema: { summary: 'A page of delivery attempts: event, status, response code, time, next retry', tags: ['webhooks'], params: IdParam, querystring: Page },
    }, async (request, reply) => {
      requireAdmin(principalOf(request), 'read deliveries');
      const { id } = request.params as { id: string };
      if (!live.webhooks.has(id)) throw new ServiceError(404, 'webhook/not-found', `no webhook ${JSON.stringify(id)}`, [{ field: 'id', message: 'not found' }]);
      const { after, limit } = pageOf(request.query as { after?: string; limit?: string });
      const rows = await context.store.listDeliveries(id, after, limit);
      const items = rows.map((row) => ({
        id: row.id, event: row.event, account: row.account, attempt: row.attempt, status: row.status, responseCode: row.responseCode,
        time: new Date(row.timeMs).toISOString(), nextRetry: row.nextRetryMs === null ? null : new Date(row.nextRetryMs).toISOString(),
        ...(row.error !== null ? { error: row.error } : {}),
      }));
      const last = rows[rows.length - 1];
      return reply.send({ items, next: rows.length === limit && last ? String(last.id) : null });
    });

    app.get('/venues/:venue', { schema: { summary: "Totals over a venue's accounts", tags: ['venues'], params: VenueParam } }, async (request, reply) => {
      requireAdmin(principalOf(request), 'read venue totals');
      const { venue } = request.params as { venue: string };
      if (!VENUE_KEYS.includes(venue)) {
        throw new ServiceError(404, 'venue/not-found', `unknown venue ${JSON.stringify(venue)}; built-in venues are: ${VENUE_KEYS.join(', ')}`, [{ field: 'venue', message: 'unknown' }]);
      }
      interface Totals { accounts: number; venue: Decimal; insuranceFund: Decimal; deleveraging: Decimal; debt: Decimal; decimals: number }
      const byCurrency = new Map<string, Totals>();
      let accounts = 0;
      let positions = 0;
      let calls = 0;
      for (const account of live.slots) {
        if (account.venueKey !== venue) continue;
        const state = account.state;
        accounts += 1;
        positions += state.snapshot.positions.length;
        calls += state.marginCalls.size;
        const decimals = state.snapshot.currencyDecimals;
        const zero = decimal(0n, decimals);
        const totals = byCurrency.get(state.snapshot.currency) ?? { accounts: 0, venue: zero, insuranceFund: zero, deleveraging: zero, debt: zero, decimals };
        totals.accounts += 1;
        totals.venue = add(totals.venue, state.totals.absorbedByVenue);
        totals.insuranceFund = add(totals.insuranceFund, state.totals.absorbedByInsuranceFund);
        totals.deleveraging = add(totals.deleveraging, state.totals.absorbedByDeleveraging);
        if (state.debt) totals.debt = add(totals.debt, state.debt.outstanding);
        byCurrency.set(state.snapshot.currency, totals);
      }
      const amount = (value: Decimal, decimals: number): string => toDecimalString(rescale(value, decimals, 'half-even'));
      await context.committer.durable();
      return reply.send({
        venue, accounts, openPositions: positions, marginCallsOpen: calls,
        currencies: [...byCurrency].sort(([a], [b]) => a.localeCompare(b)).map(([currency, totals]) => ({
          currency, accounts: totals.accounts,
          deficitsAbsorbed: {
            venue: amount(totals.venue, totals.decimals), insuranceFund: amount(totals.insuranceFund, totals.decimals),
            deleveraging: amount(totals.deleveraging, totals.decimals),
          },
          debtOutstanding: amount(totals.debt, totals.decimals),
        })),
      });
    });

    app.get('/ledger/entries', {
      schema: { summary: "The ledger's entries, in order (secrets and key hashes left out)", tags: ['ledger'], querystring: Page },
    }, async (request, reply) => {
      requireAdmin(principalOf(request), 'read the ledger');
      const { after, limit } = pageOf(request.query as { after?: string; limit?: string });
      await context.committer.durable();
      const entries = await context.store.readEntries(after, limit);
      const last = entries[entries.length - 1];
      return reply.send({ items: entries.map(redacted), next: entries.length === limit && last ? String(last.seq) : null });
    });

    app.get('/ledger', { schema: { summary: "The ledger's position, the service's state hash, and money conserved", tags: ['ledger'] } }, async (request, reply) => {
      requireAdmin(principalOf(request), 'read the ledger');
      await context.committer.durable();
      return reply.send({
        seq: live.seq, events: live.eventId, accounts: live.slots.length, stateHash: serviceStateHash(live),
        conservationGap: serviceConservationGap(live), store: context.store.kind,
      });
    });
  };
}

/** An entry as an auditor may see it: no webhook secret, no key hashes. */
function redacted(entry: SequencedEntry): Record<string, unknown> {
  switch (entry.type) {
    case 'account': return { ...entry, body: { ...entry.body, key: { id: entry.body.key.id } } };
    case 'key': return { ...entry, body: { ...entry.body, hash: undefined } };
    case 'admin-key': return { ...entry, body: {} };
    case 'webhook': return { ...entry, body: { ...entry.body, secret: undefined } };
    default: return { ...entry };
  }
}
