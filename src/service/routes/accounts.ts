/**
 * Accounts: made from a report.md snapshot, listed, read as their `stopout replay --summary`,
 * exported as a scenario, and commanded with spec/engine.md's commands.
 */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import {
  accountFiguresToJson, buildAccountFigures, decimal, parseInstant, parseScenario, rescale, summarizeCounts, toDecimalString,
} from '../../core/index.js';
import { parseCommand } from '../../core/engine/parse-command.js';
import { ProblemList } from '../../core/snapshot/input-reader.js';
import { principalOf, sendStored } from '../app.js';
import { requireAccount, requireScope } from '../auth/authorize.js';
import { makeKey, randomId } from '../auth/keys.js';
import type { ServiceContext } from '../context.js';
import { requestHash } from '../idempotency.js';
import type { CommandJson, LedgerEntry } from '../live/entries.js';
import type { LiveAccount } from '../live/live-account.js';
import { AccountReplay } from '../live/scenario-export.js';
import { stateHash } from '../live/state-hash.js';
import { ServiceError, invalidInput, joinPath, problem } from '../problem.js';
import { Command, CreateAccount, IdParam, Page, type ImportRequest } from '../schemas.js';
import { importAndCheck, type CheckRow } from '../../import/index.js';
import { pageOf } from './paging.js';

/** GET /v1/accounts/{id}'s summary: exactly what `stopout replay --summary` prints for its scenario. */
export function accountSummary(context: ServiceContext, account: LiveAccount): Record<string, unknown> {
  const state = context.live.materialize(account);
  return { ...summarizeCounts(state, account.eventCounts), stateHash: stateHash(state, account.source) };
}

/** The account's scenario, read back from the durable ledger (scenario-export.ts). */
export async function accountScenario(context: ServiceContext, account: LiveAccount): Promise<AccountReplay> {
  const replay = new AccountReplay(account.id);
  let after = account.createdSeq - 1;
  for (;;) {
    const entries = await context.store.readAccountEntries(account.id, after, 5_000);
    for (const entry of entries) replay.add(entry);
    if (entries.length < 5_000) break;
    after = (entries[entries.length - 1] as { seq: number }).seq;
  }
  return replay;
}

/**
 * The account's snapshot: as given, or made from the venue's own API responses (spec/import.md),
 * with the venue's figures beside ours and what was assumed. Exactly one of the two; a problem with
 * an import names the payload and the field in it (`import.payloads[1]: [0].positionAmt: …`).
 */
function snapshotOf(body: CreateAccount): { snapshot: unknown; imported?: { warnings: readonly string[]; check: readonly CheckRow[] } } {
  if ((body.snapshot === undefined) === (body.import === undefined)) {
    throw new ServiceError(400, 'request/invalid', 'give exactly one of "snapshot" and "import"', [{ field: body.snapshot === undefined ? 'snapshot' : 'import', message: 'exactly one of "snapshot" and "import"' }]);
  }
  if (body.snapshot !== undefined) return { snapshot: body.snapshot };
  const request = body.import as ImportRequest;
  const files = request.payloads.map((value, index) => ({ name: `import.payloads[${index}]`, value }));
  const result = importAndCheck(request.venue, files, request.ccxtVenue !== undefined ? { venue: request.ccxtVenue } : {});
  if (!result.ok) {
    const errors = result.error.map((problem) => ({
      field: problem.file.startsWith('import.') ? joinPath(problem.file, problem.field) : joinPath('import', problem.field || (problem.file ? '' : 'payloads')),
      message: problem.file && !problem.file.startsWith('import.') ? `${problem.file}: ${problem.message}` : problem.message,
    }));
    const first = errors[0];
    throw new ServiceError(400, 'request/invalid', first ? `${first.field}: ${first.message}` : 'the import is invalid', errors);
  }
  return { snapshot: result.value.snapshot, imported: { warnings: result.value.warnings, check: result.value.check } };
}

export function accountRoutes(context: ServiceContext): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    const { live } = context;

    app.post('/accounts', {
      schema: { summary: 'Make an account from a snapshot', tags: ['accounts'], body: CreateAccount },
      bodyLimit: 4 * 1024 * 1024,
    }, async (request, reply) => {
      const principal = principalOf(request);
      requireScope(principal, 'accounts:write', 'create accounts');
      const body = request.body as CreateAccount;
      const { snapshot, imported } = snapshotOf(body);
      const parsed = parseScenario({ account: snapshot, ...(body.market !== undefined ? { market: body.market } : {}) });
      if (!parsed.ok) {
        throw invalidInput(parsed.error.map((each) => ({ ...each, path: each.path.startsWith('account') ? `snapshot${each.path.slice('account'.length)}` : each.path })), '');
      }
      const response = await context.gate.run(principal.id, request.headers['idempotency-key'] as string | undefined, requestHash('POST', '/v1/accounts', body), () => {
        const id = body.id ?? randomId('acct');
        if (live.accounts.has(id)) throw new ServiceError(409, 'account/exists', `an account ${JSON.stringify(id)} exists already`, [{ field: 'id', message: 'taken' }]);
        const key = makeKey();
        const entry: LedgerEntry = {
          type: 'account', account: id,
          body: { snapshot, ...(body.market !== undefined ? { market: body.market } : {}), key: { id: key.id, hash: key.hash } },
        };
        const applied = context.apply(entry);
        const account = live.accounts.get(id) as LiveAccount;
        return { ...applied, status: 201, body: { id, key: key.text, summary: accountSummary(context, account), ...(imported ? { import: imported } : {}) } };
      });
      return sendStored(reply, response);
    });

    app.get('/accounts', {
      schema: { summary: 'A page of accounts', tags: ['accounts'], querystring: Page },
    }, async (request, reply) => {
      requireScope(principalOf(request), 'accounts:read', 'list accounts');
      const { after, limit } = pageOf(request.query as { after?: string; limit?: string });
      const items = live.slots.slice(after, after + limit).map((account) => {
        const state = live.materialize(account);
        const figures = accountFiguresToJson(state.snapshot, buildAccountFigures(state.snapshot));
        return {
          id: account.id,
          venue: state.snapshot.venue.id,
          currency: state.snapshot.currency,
          status: figures.status,
          equity: figures.equity,
          marginLevel: figures.marginLevel,
          debtOutstanding: toDecimalString(rescale(state.debt?.outstanding ?? decimal(0n), state.snapshot.currencyDecimals, 'half-even')),
        };
      });
      await context.committer.durable();
      const end = after + items.length;
      return reply.send({ items, next: end < live.slots.length ? String(end) : null });
    });

    app.get('/accounts/:id', {
      schema: { summary: "One account: its sequence and its summary (stopout replay --summary of its scenario)", tags: ['accounts'], params: IdParam },
    }, async (request, reply) => {
      const account = requireAccount(principalOf(request), live, (request.params as { id: string }).id, 'accounts:read');
      const body = { id: account.id, sequence: live.materialize(account).sequence, summary: accountSummary(context, account) };
      await context.committer.durable();
      return reply.send(body);
    });

    app.get('/accounts/:id/scenario', {
      schema: { summary: 'The account as a scenario: `stopout replay --summary` of it gives the account\'s summary', tags: ['accounts'], params: IdParam },
    }, async (request, reply) => {
      const account = requireAccount(principalOf(request), live, (request.params as { id: string }).id, 'accounts:read');
      await context.committer.durable();
      const replay = await accountScenario(context, account);
      return reply.send(replay.result().scenario);
    });

    app.post('/accounts/:id/commands', {
      schema: { summary: 'One engine command (not a mark): the events, or 422 with the engine\'s refusal', tags: ['accounts'], params: IdParam, body: Command },
      preValidation: async (request) => {
        const type = (request.body as { type?: unknown } | null)?.type;
        if (type === 'mark') {
          throw new ServiceError(400, 'request/invalid', 'marks come from the price feed: POST /v1/prices', [{ field: 'type', message: 'marks come from the price feed: POST /v1/prices' }]);
        }
      },
    }, async (request, reply) => {
      const principal = principalOf(request);
      const account = requireAccount(principal, live, (request.params as { id: string }).id, 'accounts:write');
      const body = request.body as Record<string, unknown>;
      const state = live.materialize(account);
      const problems = new ProblemList();
      const command = parseCommand(body, '', { instruments: state.instruments, currencyDecimals: state.snapshot.currencyDecimals }, problems);
      if (!command || !problems.empty) throw invalidInput(problems.items, '');
      const response = await context.gate.run(principal.id, request.headers['idempotency-key'] as string | undefined,
        requestHash('POST', `/v1/accounts/${account.id}/commands`, body), () => {
          const given = typeof body.time === 'string' ? parseInstant(body.time) : undefined;
          const json = { ...body, time: given ? body.time : context.commandTime(live.materialize(account).time?.ms) } as CommandJson;
          const outcome = live.runCommand(account.id, json, command);
          const entries = outcome.entry && outcome.seq !== null ? [{ ...outcome.entry, seq: outcome.seq } as never] : [];
          context.metrics.commands.inc({ type: String(body.type), outcome: outcome.rejected ? 'refused' : 'applied' });
          if (outcome.rejected) {
            const code = outcome.rejectionCode ?? 'risk/rejected';
            const message = String(outcome.rejected.message ?? 'the venue refuses the command');
            return {
              entries, events: outcome.events, status: 422,
              body: problem(422, code, message, [{ field: fieldOfRefusal(code), message }], { event: outcome.rejected, sequence: outcome.sequence }),
            };
          }
          return { entries, events: outcome.events, status: 200, body: { sequence: outcome.sequence, events: outcome.events.map((event) => event.json) } };
        });
      return sendStored(reply, response);
    });
  };
}

/** The field a refusal is about, where one field is. */
function fieldOfRefusal(code: string): string {
  switch (code) {
    case 'risk/unknown-position': return 'position';
    case 'risk/leverage-above-cap': case 'risk/leverage-required': return 'position.leverage';
    case 'risk/withdrawal-breaches-margin': case 'risk/insufficient-funds': case 'debt/overpayment': return 'amount';
    case 'time/out-of-order': return 'time';
    case 'risk/order-would-trigger': return 'price';
    case 'risk/quantity-above-position': return 'quantity';
    default: return '';
  }
}
