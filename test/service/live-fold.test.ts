// The live fold against the reference fold (issue 9: "every event is exactly what step() gives").
// Random accounts at all eight venues, cross and isolated, share one service state; random commands
// and ticks (with and without a venue, single and several instruments, gaps) and Reg T deadlines
// go through LiveState, which steps only the accounts its risk index names. Each account is then
// replayed alone by AccountReplay, which steps every mark: same events, in the same order, same
// state hash, money conserved.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { conservationGap, eventToJson, formatInstant, isZero } from '../../src/core/index.js';
import type { CommandJson, LedgerEntry, SequencedEntry } from '../../src/service/live/entries.js';
import { LiveState } from '../../src/service/live/live-state.js';
import { AccountReplay } from '../../src/service/live/scenario-export.js';
import { stateHash } from '../../src/service/live/state-hash.js';
import { ENGINE_VENUES, Rng, ScenarioGenerator, type Json } from '../support/engine-arbitraries.js';

interface Driven {
  readonly live: LiveState;
  readonly log: SequencedEntry[];
  readonly ids: string[];
  readonly liveEvents: Map<string, Json[]>;
}

function drive(seed: number, accountsPerVenue: number, steps: number): Driven {
  const rng = new Rng(seed);
  const live = new LiveState();
  const log: SequencedEntry[] = [];
  const liveEvents = new Map<string, Json[]>();
  const note = (events: readonly { account: string; json: Readonly<Record<string, unknown>> }[]): void => {
    for (const event of events) {
      const { id: _id, account: _account, ...rest } = event.json;
      liveEvents.get(event.account)?.push(rest);
    }
  };
  const apply = (entry: LedgerEntry): void => {
    const applied = live.apply(entry);
    log.push({ ...entry, seq: applied.seq } as SequencedEntry);
    note(applied.events);
  };
  const generators: { id: string; generator: ScenarioGenerator; venue: string }[] = [];
  for (const venue of ENGINE_VENUES) {
    for (let k = 0; k < accountsPerVenue; k++) {
      const generator = new ScenarioGenerator(rng, venue);
      const id = `${venue.id}-${k}`;
      liveEvents.set(id, []);
      apply({ type: 'account', account: id, body: { snapshot: generator.account, ...(generator.market ? { market: generator.market } : {}), key: { id: `k${id}`, hash: 'x' } } });
      generators.push({ id, generator, venue: venue.id });
    }
  }
  let clock = Date.parse('2024-01-05T14:30:00Z');
  for (let at = 0; at < steps; at++) {
    const pick = rng.pick(generators);
    const account = live.accounts.get(pick.id);
    assert.ok(account);
    const json = pick.generator.next(live.materialize(account));
    const advance = rng.weighted([['none', 10], ['seconds', 40], ['hours', 30], ['days', 20]] as const);
    clock += advance === 'none' ? 0 : advance === 'seconds' ? rng.int(1, 59) * 1000 : advance === 'hours' ? rng.int(1, 30) * 3_600_000 : rng.int(1, 3) * 86_400_000;
    const time = formatInstant(clock);
    const { time: _given, ...body } = json;
    if (body.type === 'mark') {
      const venue = rng.chance(0.7) ? { venue: pick.venue } : {};
      apply({ type: 'ticks', body: { ticks: [{ ...venue, time, prices: body.prices as Record<string, string> }] } });
    } else {
      // Now and then a command from the future: its account moves ahead of the feed, and ticks
      // skip it until the feed catches up.
      const ahead = rng.chance(0.04) ? formatInstant(clock + rng.int(1, 72) * 3_600_000) : time;
      const mine = live.accounts.get(pick.id)?.state.time;
      const commandTime = mine && Date.parse(mine.text) > Date.parse(ahead) ? mine.text : ahead;
      const outcome = live.runCommand(pick.id, { ...body, time: commandTime } as CommandJson);
      if (outcome.entry && outcome.seq !== null) log.push({ ...outcome.entry, seq: outcome.seq } as SequencedEntry);
      note(outcome.events);
      if (!outcome.entry) assert.ok(outcome.rejected, 'a command that wrote nothing was refused');
    }
    if (rng.chance(0.2)) for (const entry of live.dueDeadlines(clock)) apply(entry);
  }
  return { live, log, ids: generators.map((each) => each.id), liveEvents };
}

function check(driven: Driven): { stepped: number; events: number } {
  let events = 0;
  for (const id of driven.ids) {
    const replay = new AccountReplay(id);
    for (const entry of driven.log) replay.add(entry);
    const expected = replay.result();
    const account = driven.live.accounts.get(id);
    assert.ok(account);
    const state = driven.live.materialize(account);
    const liveEvents = driven.liveEvents.get(id) ?? [];
    assert.deepEqual(liveEvents, expected.events.map(eventToJson), `${id}: events`);
    assert.equal(state.sequence, expected.state.sequence, `${id}: sequence`);
    assert.equal(stateHash(state, account.source), stateHash(expected.state, expected.source), `${id}: state hash`);
    assert.ok(isZero(conservationGap(state)), `${id}: money conserved`);
    const counts = Object.fromEntries(account.eventCounts);
    const expectedCounts: Record<string, number> = {};
    for (const event of expected.events) expectedCounts[event.type] = (expectedCounts[event.type] ?? 0) + 1;
    assert.deepEqual(counts, expectedCounts, `${id}: event counts`);
    events += liveEvents.length;
  }
  return { stepped: driven.live.stepped, events };
}

test('the live fold gives every account the events and state of stepping every mark, at all eight venues', () => {
  for (const seed of [1, 2, 3, 4, 5, 6, 8, 9]) {
    const driven = drive(seed, 4, 1500);
    const { events } = check(driven);
    assert.ok(events > 100, `seed ${seed}: enough happened (${events} events)`);
  }
});

test('the risk index skips most marks: ticks on quiet accounts are not stepped', () => {
  const driven = drive(7, 6, 2000);
  check(driven);
  let marks = 0;
  for (const id of driven.ids) {
    const replay = new AccountReplay(id);
    for (const entry of driven.log) replay.add(entry);
    marks += replay.result().scenario.commands.filter((command) => command.type === 'mark').length;
  }
  console.log(`stepped ${driven.live.stepped} of ${marks} marks`);
  assert.ok(driven.live.stepped < marks, `stepped ${driven.live.stepped} of ${marks} marks`);
});

test('a snapshot taken anywhere, restored and folded on, gives the same state as folding the whole log', async () => {
  const driven = drive(11, 3, 1200);
  const { capture, restore } = await import('../../src/service/live/snapshot-codec.js');
  const hashes = (live: LiveState): string[] => driven.ids.map((id) => {
    const account = live.accounts.get(id);
    assert.ok(account);
    return `${id} ${stateHash(live.materialize(account), account.source)} ${JSON.stringify([...account.eventCounts].sort())}`;
  });
  const expected = hashes(driven.live);
  for (const cut of [1, Math.floor(driven.log.length / 3), Math.floor((2 * driven.log.length) / 3), driven.log.length]) {
    const before = new LiveState();
    for (const entry of driven.log.slice(0, cut)) before.apply(entry);
    const saved = capture(before);
    const chunks = Array.from({ length: saved.chunks }, (_, index) => saved.chunk(index));
    const after = new LiveState();
    await restore(after, (index) => Promise.resolve(chunks[index] as string), chunks.length);
    for (const entry of driven.log.slice(cut)) after.apply(entry);
    assert.deepEqual(hashes(after), expected, `cut at ${cut}`);
    assert.equal(after.eventId, driven.live.eventId, `cut at ${cut}: event ids`);
  }
});
