/**
 * POST /v1/prices: the price feed (spec/service.md). Each tick is one `mark` for every account
 * holding one of its instruments (at its `venue` when given), then one `funding` command per
 * funding rate and one `financing` command per instrument's financing terms it carries (issue 12)
 * for every account holding that instrument, applied in the order received and made durable
 * before the answer. A tick without a time gets the service's clock; a tick earlier
 * than the feed's last is refused with the whole request.
 */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { formatInstant, parseInstant } from '../../core/index.js';
import { ProblemList } from '../../core/snapshot/input-reader.js';
import { principalOf, sendStored } from '../app.js';
import { requireScope } from '../auth/authorize.js';
import type { ServiceContext } from '../context.js';
import { requestHash } from '../idempotency.js';
import type { FinancingTerms, TickJson } from '../live/entries.js';
import { VENUE_KEYS, type LiveState } from '../live/live-state.js';
import { checkTickPayments, parseTickPrices } from '../live/ticks.js';
import { ServiceError, invalidInput, joinPath } from '../problem.js';
import { PriceBody, type TickBody } from '../schemas.js';

interface Checked {
  readonly path: string;
  readonly venue?: string;
  readonly givenTime?: string;
  readonly givenMs?: number;
  readonly prices?: Readonly<Record<string, string>>;
  readonly funding?: Readonly<Record<string, string>>;
  readonly financing?: Readonly<Record<string, FinancingTerms>>;
}

/** What a tick carries to the accounts, as given (each optional, at least one present). */
const CONTENTS = ['prices', 'funding', 'financing'] as const;

/** The tick's contents that are present, to carry into the ledger's entry. */
function contentsOf(tick: TickBody | PriceBody): Pick<Checked, (typeof CONTENTS)[number]> {
  return {
    ...(tick.prices !== undefined ? { prices: tick.prices as Record<string, string> } : {}),
    ...(tick.funding !== undefined ? { funding: tick.funding as Record<string, string> } : {}),
    ...(tick.financing !== undefined ? { financing: tick.financing as Record<string, FinancingTerms> } : {}),
  };
}

const hasContents = (tick: TickBody | PriceBody): boolean => CONTENTS.some((key) => tick[key] !== undefined);

/** Checks what needs no state: the body's form, venues, times, prices. */
function checkTicks(body: PriceBody): Checked[] {
  const problems = new ProblemList();
  const both = body.ticks !== undefined && (hasContents(body) || body.venue !== undefined || body.time !== undefined);
  if (both) problems.add('ticks', 'input/conflict', 'give one tick ("prices", "funding" or "financing", with "venue" and "time") or "ticks", not both');
  if (body.ticks === undefined && !hasContents(body)) {
    problems.add('prices', 'input/required', 'required: {"prices": {...}} (or "funding", "financing") or {"ticks": [...]}');
  }
  const raw: [string, TickBody][] = body.ticks
    ? body.ticks.map((tick, index) => [`ticks[${index}]`, tick])
    : hasContents(body) ? [['', { ...contentsOf(body), ...(body.venue !== undefined ? { venue: body.venue } : {}), ...(body.time !== undefined ? { time: body.time } : {}) }]] : [];
  const checked = raw.map(([path, tick]): Checked => {
    if (tick.venue !== undefined && !VENUE_KEYS.includes(tick.venue)) {
      problems.add(joinPath(path, 'venue'), 'input/unknown-venue', `unknown venue ${JSON.stringify(tick.venue)}; built-in venues are: ${VENUE_KEYS.join(', ')}`);
    }
    const time = tick.time === undefined ? undefined : parseInstant(tick.time);
    if (tick.time !== undefined && !time) problems.add(joinPath(path, 'time'), 'input/wrong-type', `must be an ISO 8601 time such as "2024-03-01T10:00:00Z", got ${JSON.stringify(tick.time)}`);
    if (!hasContents(tick)) problems.add(joinPath(path, 'prices'), 'input/required', 'required: "prices", "funding" or "financing" (at least one)');
    if (tick.prices !== undefined) parseTickPrices(tick.prices, joinPath(path, 'prices'), problems);
    return {
      path, ...contentsOf(tick), ...(tick.venue !== undefined ? { venue: tick.venue } : {}),
      ...(time ? { givenTime: tick.time as string, givenMs: time.ms } : {}),
    };
  });
  if (!problems.empty) throw invalidInput(problems.items, '');
  return checked;
}

/**
 * Checks the ticks' funding and financing against the instruments the service knows at the venues
 * each tick reaches. Run in the fold's turn, just before the ticks are applied: the accounts whose
 * definitions it reads are then the ones the ticks meet.
 */
function checkPayments(ticks: readonly Checked[], live: LiveState): void {
  const problems = new ProblemList();
  for (const tick of ticks) {
    const venues = tick.venue !== undefined ? [tick.venue] : VENUE_KEYS;
    checkTickPayments(tick, tick.path, (symbol) => live.instruments.definitions(venues, symbol), problems);
  }
  if (!problems.empty) throw invalidInput(problems.items, '');
}

export function priceRoutes(context: ServiceContext): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    app.post('/prices', {
      schema: { summary: 'Price ticks in: each a mark (then funding and financing) for every account holding its instruments', tags: ['prices'], body: PriceBody },
      bodyLimit: 16 * 1024 * 1024,
    }, async (request, reply) => {
      const principal = principalOf(request);
      requireScope(principal, 'prices:write', 'send prices');
      const body = request.body as PriceBody;
      const ticks = checkTicks(body);
      const receivedAt = request.startedAt;
      const response = await context.gate.run(principal.id, request.headers['idempotency-key'] as string | undefined, requestHash('POST', '/v1/prices', body), () => {
        checkPayments(ticks, context.live);
        const clock = context.now();
        let last = context.live.feedLastMs;
        const stamped = ticks.map((tick): TickJson => {
          const ms = tick.givenMs ?? clock;
          if (ms < last) {
            const field = joinPath(tick.path, 'time');
            throw new ServiceError(422, 'time/out-of-order', `${field || 'time'}: ${tick.givenTime ?? formatInstant(ms)} is before ${formatInstant(last)}, the feed's last tick`,
              [{ field, message: "before the feed's last tick" }]);
          }
          last = ms;
          return {
            ...(tick.venue !== undefined ? { venue: tick.venue } : {}), time: tick.givenTime ?? formatInstant(ms),
            ...(tick.prices !== undefined ? { prices: tick.prices } : {}),
            ...(tick.funding !== undefined ? { funding: tick.funding } : {}),
            ...(tick.financing !== undefined ? { financing: tick.financing } : {}),
          };
        });
        const applied = context.apply({ type: 'ticks', body: { ticks: stamped } });
        context.tickReceived.set(applied.entries[0]?.seq ?? 0, receivedAt);
        context.metrics.ticks.inc(stamped.length);
        return { ...applied, status: 200, body: { ticks: stamped.length, events: applied.events.length } };
      });
      return sendStored(reply, response);
    });
  };
}
