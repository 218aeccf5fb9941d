// The service over HTTP against the engine (issue 9, "Differential"). Random accounts at all eight
// venues, cross and isolated, get random commands and ticks through the running service; some
// ticks carry funding rates and financing terms (issue 12), alone or beside prices. Every
// account must then agree three ways:
//   1. with the test's own replay of what it sent (each tick a mark of the instruments the account
//      held, then a funding or financing command per paid instrument it has a position and a mark
//      in, an open preceded by the feed's latest price: spec/service.md's rules, written here
//      independently of the service's code), event for event;
//   2. with `stopout replay --summary` of the scenario the service exports for it;
//   3. with GET /v1/accounts/{id}'s summary, state hash included, and GET /v1/events.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  eventToJson, formatInstant, parseScenario, step, summarize, toDecimalString,
  type EngineEvent, type EngineState, type InstrumentId,
} from '../../src/core/index.js';
import { stateHash } from '../../src/service/live/state-hash.js';
import { ENGINE_VENUES, Rng, ScenarioGenerator, parseCommandJson, text, type Json } from '../support/engine-arbitraries.js';
import { stopout } from '../support/run-cli.js';
import { postgresAvailable, startPostgres, type PostgresCluster } from '../support/postgres-cluster.js';
import { startInProcess, temporaryFolder, type InProcess } from '../support/service-harness.js';
import { conversionPairs } from '../../src/core/instrument/conversion.js';

const VENUES = ENGINE_VENUES.map((venue) => venue.id);

/** One account as the test itself folds it from what it sent. */
class Mirror {
  state: EngineState;
  readonly events: EngineEvent[] = [];
  readonly source: { venue: unknown; instruments: unknown };

  constructor(readonly id: string, readonly venue: string, account: Json, market?: Json) {
    const parsed = parseScenario({ account, ...(market ? { market } : {}) });
    assert.ok(parsed.ok);
    this.state = parsed.value.start;
    this.source = parsed.value.source;
  }

  /** Steps a command; keeps it unless the venue refused it and `keepRefused` is false. Returns whether it was accepted. */
  run(json: Json, keepRefused: boolean): boolean {
    const result = step(this.state, parseCommandJson(this.state, json));
    const refused = result.events.some((event) => event.type === 'rejected');
    if (refused && !keepRefused) return false;
    this.state = result.state;
    this.events.push(...result.events);
    return !refused;
  }

  /** Whether a funding or financing tick on `symbol` is due here: a position on it, and a mark to take its notional at. */
  pays(symbol: string): boolean {
    return this.state.snapshot.positions.some((position) => position.instrument.symbol === symbol) && this.state.snapshot.marks.has(symbol as InstrumentId);
  }

  /** What a tick moves in this account: its instruments, and the pairs that convert them (EURGBP: GBPUSD, EURUSD). */
  held(): Set<string> {
    const instruments = this.state.snapshot.positions.map((position) => position.instrument);
    return new Set([...instruments.map((instrument) => instrument.symbol as string), ...instruments.flatMap(conversionPairs)]);
  }
}

interface PaidTick {
  funding?: Record<string, string>;
  financing?: Record<string, Record<string, string>>;
}

/** A generated funding or financing command as a tick's entry for its instrument. */
function paymentTick(command: Json): PaidTick {
  const { type, instrument, ...terms } = command;
  const symbol = instrument as string;
  return type === 'funding' ? { funding: { [symbol]: terms.rate as string } } : { financing: { [symbol]: terms as Record<string, string> } };
}

/** A funding rate for one of a tick's instruments: mostly a few basis points, now and then enough to hurt. */
function randomFunding(rng: Rng, prices: Record<string, string>): PaidTick {
  const symbol = rng.pick(Object.keys(prices));
  const size = rng.chance(0.1) ? rng.int(1_000, 30_000) : rng.int(1, 500);
  return { funding: { [symbol]: text(BigInt(rng.chance(0.7) ? size : -size), 6) } };
}

/** Drives `steps` random commands and ticks; returns the test's own replay of every account. */
async function drive(service: InProcess, seed: number, steps: number, accountsPerVenue: number): Promise<Mirror[]> {
  const rng = new Rng(seed);
  const admin = service.admin;
  const mirrors: Mirror[] = [];
  const generators = new Map<string, ScenarioGenerator>();
  const feed = new Map<string, Map<string, string>>(VENUES.map((venue) => [venue, new Map()]));
  for (const venue of ENGINE_VENUES) {
    for (let k = 0; k < accountsPerVenue; k++) {
      const generator = new ScenarioGenerator(rng, venue);
      const id = `${venue.id}.${k}`;
      const created = await admin.post<{ id: string; summary: Record<string, unknown> }>('/v1/accounts', {
        id, snapshot: generator.account, ...(generator.market ? { market: generator.market } : {}),
      });
      assert.equal(created.status, 201, created.text);
      mirrors.push(new Mirror(id, venue.id, generator.account, generator.market));
      generators.set(id, generator);
    }
  }
  let clock = Date.parse('2031-01-06T09:00:00Z');
  let refused = 0;
  let ticks = 0;
  let paidTicks = 0;
  /** Events of the ticks' funding and financing (payments, and the liquidations they caused). */
  let paidEvents = 0;
  for (let at = 0; at < steps; at++) {
    const mirror = rng.pick(mirrors);
    const generator = generators.get(mirror.id) as ScenarioGenerator;
    const json = generator.next(mirror.state);
    clock += rng.weighted([[0, 10], [rng.int(1, 59) * 1000, 40], [rng.int(1, 30) * 3_600_000, 30], [rng.int(1, 3) * 86_400_000, 20]] as const);
    const time = formatInstant(clock);
    const { time: _ignored, ...body } = json;
    // Funding and financing go to the price feed half the time (a tick for every holder), else as
    // the account's own command; a mark now and then carries a funding rate for its instrument too.
    const payment = (body.type === 'funding' || body.type === 'financing') && rng.chance(0.5) ? body : undefined;
    if (body.type === 'mark' || payment) {
      const prices = body.type === 'mark' ? body.prices as Record<string, string> : undefined;
      const tick = { ...(prices ? { prices } : {}), ...(payment ? paymentTick(payment) : prices && rng.chance(0.2) ? randomFunding(rng, prices) : {}) };
      const venue = rng.chance(0.7) ? mirror.venue : undefined;
      const answer = await admin.post('/v1/prices', { ...(venue ? { venue } : {}), time, ...tick });
      if (answer.status === 400 && !venue && 'financing' in tick) {
        // Swap points are refused when the tick reaches a venue whose instrument of that name has
        // no tick size to count them in (ETHUSDT at binance-usdm): nothing is applied.
        assert.match(answer.text, /no tick size/);
        continue;
      }
      assert.equal(answer.status, 200, answer.text);
      ticks += 1;
      if ('funding' in tick || 'financing' in tick) paidTicks += 1;
      for (const each of mirrors) {
        if (venue !== undefined && each.venue !== venue) continue;
        // A tick in an account's past (its own command carried a later time) skips it.
        if (each.state.time && Date.parse(each.state.time.text) > clock) continue;
        const held = each.held();
        const sub = Object.fromEntries(Object.entries(prices ?? {}).filter(([symbol]) => held.has(symbol)));
        if (Object.keys(sub).length) each.run({ type: 'mark', time, prices: sub }, true);
        // After the prices: each rate or set of terms is a command for an account holding the instrument.
        const before = each.events.length;
        for (const [symbol, rate] of Object.entries(tick.funding ?? {})) {
          if (each.pays(symbol)) each.run({ type: 'funding', time, instrument: symbol, rate }, true);
        }
        for (const [symbol, terms] of Object.entries(tick.financing ?? {})) {
          if (each.pays(symbol)) each.run({ type: 'financing', time, instrument: symbol, ...terms }, true);
        }
        paidEvents += each.events.length - before;
      }
      for (const key of venue ? [venue] : VENUES) for (const [symbol, price] of Object.entries(prices ?? {})) feed.get(key)?.set(symbol, price);
      continue;
    }
    // Now and then a command from the future: the account moves ahead of the feed.
    const own = mirror.state.time ? Date.parse(mirror.state.time.text) : -Infinity;
    const at = rng.chance(0.03) ? clock + rng.int(1, 48) * 3_600_000 : clock;
    const command: Json = { ...body, time: formatInstant(Math.max(at, own)) };
    const answer = await admin.post<Record<string, unknown>>(`/v1/accounts/${mirror.id}/commands`, command);
    if (command.type === 'open') {
      const symbol = (command.position as Json).instrument as string;
      const latest = feed.get(mirror.venue)?.get(symbol);
      const mark = mirror.state.snapshot.marks.get(symbol as InstrumentId);
      if (latest !== undefined && (mark === undefined || toDecimalString(mark) !== latest)) {
        mirror.run({ type: 'mark', time: command.time, prices: { [symbol]: latest } }, false);
      }
    }
    if (answer.status === 400) {
      // A command the engine's parser refuses (the generator tries some): nothing is applied.
      assert.equal((answer.body as { code?: string }).code, 'request/invalid', answer.text);
      continue;
    }
    const accepted = mirror.run(command, false);
    assert.equal(answer.status, accepted ? 200 : 422, `${mirror.id} ${JSON.stringify(command)}: ${answer.text}`);
    if (!accepted) {
      refused += 1;
      assert.equal((answer.body as { event?: { type?: string } }).event?.type, 'rejected');
    } else {
      assert.equal(answer.body.sequence, mirror.state.sequence, `${mirror.id}: sequence`);
    }
  }
  const counts = `ticks ${ticks} (${paidTicks} with funding or financing, ${paidEvents} events of theirs), refused ${refused}`;
  console.log(`seed ${seed}: ${counts}`);
  assert.ok(ticks > steps / 4 && refused > steps / 100 && paidTicks > steps / 100 && paidEvents > paidTicks / 2, counts);
  return mirrors;
}

/** The three-way agreement of every account (see the top of this file). */
async function check(service: InProcess, mirrors: readonly Mirror[]): Promise<number> {
  const admin = service.admin;
  const folder = temporaryFolder('stopout-diff-');
  let events = 0;
  for (const mirror of mirrors) {
    const account = await admin.get<{ id: string; sequence: number; summary: Record<string, unknown> }>(`/v1/accounts/${encodeURIComponent(mirror.id)}`);
    assert.equal(account.status, 200, account.text);
    const expected = { ...summarize(mirror.state, mirror.events), stateHash: stateHash(mirror.state, mirror.source) };
    assert.deepEqual(account.body.summary, JSON.parse(JSON.stringify(expected)), `${mirror.id}: the service's summary is the test's replay's`);
    assert.equal(account.body.sequence, mirror.state.sequence);

    const scenario = await admin.get(`/v1/accounts/${encodeURIComponent(mirror.id)}/scenario`);
    assert.equal(scenario.status, 200, scenario.text);
    const file = join(folder, `${mirror.id}.json`);
    writeFileSync(file, scenario.text);
    const replayed = stopout(['replay', file, '--summary']);
    assert.equal(replayed.status, 0, replayed.stderr);
    assert.deepEqual(JSON.parse(replayed.stdout), account.body.summary, `${mirror.id}: stopout replay --summary of the exported scenario`);

    const served = await admin.all<Record<string, unknown>>(`/v1/events?account=${encodeURIComponent(mirror.id)}`);
    const expectedEvents = mirror.events.map(eventToJson);
    assert.deepEqual(served.map(({ id: _id, account: _account, ...rest }) => rest), expectedEvents, `${mirror.id}: events`);
    assert.ok(served.every((event) => event.account === mirror.id));
    events += served.length;
  }
  const ledger = await admin.get<{ conservationGap: Record<string, string> }>('/v1/ledger');
  for (const [currency, gap] of Object.entries(ledger.body.conservationGap)) assert.match(gap, /^-?0(\.0+)?$/, `conservation gap in ${currency}`);
  return events;
}

describe('on SQLite', () => {
  let service: InProcess;
  before(async () => { service = await startInProcess({ deadlineCheckMs: 0 }); });
  after(async () => { await service.stop(); });

  test('accounts at all eight venues agree with the engine three ways: the test\'s replay, the exported scenario, the service', async () => {
    const mirrors = await drive(service, 2026, 1200, 4);
    const events = await check(service, mirrors);
    assert.ok(events > 300, `events: ${events}`);
  });
});

describe('on PostgreSQL', { skip: postgresAvailable() }, () => {
  let cluster: PostgresCluster;
  before(async () => { cluster = await startPostgres(); });
  after(async () => { await cluster?.stop(); });

  test('the same agreement, and again after a restart recovers from the PostgreSQL ledger', async () => {
    const data = temporaryFolder('stopout-pg-');
    let service = await startInProcess({ deadlineCheckMs: 0, databaseUrl: cluster.url, data, snapshotEvery: 150 });
    const mirrors = await drive(service, 77, 500, 2);
    const events = await check(service, mirrors);
    assert.ok(events > 100, `events: ${events}`);
    const before = await service.admin.get<{ seq: number; stateHash: string }>('/v1/ledger');
    await service.stop();
    service = await startInProcess({ deadlineCheckMs: 0, databaseUrl: cluster.url, data });
    try {
      const after = await service.admin.get<{ seq: number; stateHash: string; store: string }>('/v1/ledger');
      assert.equal(after.body.store, 'postgres');
      assert.equal(after.body.seq, before.body.seq);
      assert.equal(after.body.stateHash, before.body.stateHash, 'recovered to the same state');
      await check(service, mirrors);
    } finally {
      await service.stop();
    }
  });
});
