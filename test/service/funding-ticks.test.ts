// Funding and financing on the price feed (issue 12, scope 6): POST /v1/prices takes
// "funding": {"BTCUSDT": "0.0001"} and "financing": {"EURUSD": {...}} beside or instead of
// "prices", and each becomes a `funding` or `financing` command, at the tick's time and after its
// prices, for every account (at the tick's venue) holding the instrument. Checked here: the amounts
// against hand-worked figures, who pays and who does not, the order with the prices, a liquidation
// by funding alone of an account the quiet bands had set aside, durability across kill -9, bad
// input, the fee fields of the commands endpoint, and the live fold against the reference fold.
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { conservationGap, eventToJson, formatInstant, isZero } from '../../src/core/index.js';
import type { LedgerEntry, SequencedEntry, CommandJson } from '../../src/service/live/entries.js';
import { LiveState } from '../../src/service/live/live-state.js';
import { AccountReplay } from '../../src/service/live/scenario-export.js';
import { stateHash } from '../../src/service/live/state-hash.js';
import { ENGINE_VENUES, Rng, ScenarioGenerator, text, type Json } from '../support/engine-arbitraries.js';
import { stopout } from '../support/run-cli.js';
import {
  freePort, spawnService, startInProcess, temporaryFolder, type Client, type InProcess, type Spawned,
} from '../support/service-harness.js';

type Event = Record<string, unknown> & { id: number; type: string; account: string };
interface Summary {
  account: { balance: string };
  positions: { id: string }[];
  totals: Record<string, string>;
  commands: number;
  stateHash: string;
}

const btcLong = (id: string, quantity: string, extra: Json = {}): Json => ({
  id, instrument: 'BTCUSDT', side: 'long', quantity, entryPrice: '60000', leverage: '10', ...extra,
});

async function createAccount(admin: Client, id: string, snapshot: Json): Promise<string> {
  const created = await admin.post<{ key: string }>('/v1/accounts', { id, snapshot });
  assert.equal(created.status, 201, created.text);
  return created.body.key;
}

/** A USDT account at a crypto venue with these positions, BTCUSDT marked at 60 000 (ETHUSDT, where held, at 3 000). */
function cryptoAccount(venue: string, positions: Json[]): Json {
  const eth = positions.some((position) => position.instrument === 'ETHUSDT');
  return { venue, account: { currency: 'USDT', balance: '10000' }, positions, marks: { BTCUSDT: '60000', ...(eth ? { ETHUSDT: '3000' } : {}) } };
}

async function eventsOf(admin: Client, account: string): Promise<Event[]> {
  return admin.all<Event>(`/v1/events?account=${account}`);
}

async function summaryOf(admin: Client, account: string): Promise<Summary> {
  const answer = await admin.get<{ summary: Summary }>(`/v1/accounts/${account}`);
  assert.equal(answer.status, 200, answer.text);
  return answer.body.summary;
}

/** The events' types and amounts, without ids. */
const paid = (events: readonly Event[]): string[] => events.map((event) => `${event.type} ${String(event.amount ?? '')}`.trim());

describe('funding ticks, in process', () => {
  // A service of its own for each test: the feed's latest prices and times start afresh.
  let service: InProcess;
  let admin: Client;
  beforeEach(async () => { service = await startInProcess({ deadlineCheckMs: 0 }); admin = service.admin; });
  afterEach(async () => { await service.stop(); });

  test('a funding tick pays the holders of its instrument at its venue, and nobody else', async () => {
    await createAccount(admin, 'long', cryptoAccount('binance-usdm', [btcLong('p', '0.5')]));
    await createAccount(admin, 'short', cryptoAccount('binance-usdm', [{ ...btcLong('q', '0.2'), side: 'short' }]));
    await createAccount(admin, 'eth', cryptoAccount('binance-usdm', [{ id: 'e', instrument: 'ETHUSDT', side: 'long', quantity: '2', entryPrice: '3000', leverage: '10' }]));
    await createAccount(admin, 'flat', cryptoAccount('binance-usdm', []));
    await createAccount(admin, 'bybit', cryptoAccount('bybit-linear', [btcLong('b', '0.5')]));

    // Binance, "Introduction to Binance Futures Funding Rates": funding amount = nominal value of
    // positions × funding rate, nominal value = mark price × size; longs pay a positive rate.
    //   long  0.5 BTC × 60 000 × 0.0001 = 3.00 USDT paid
    //   short 0.2 BTC × 60 000 × 0.0001 = 1.20 USDT received
    const answer = await admin.post('/v1/prices', { venue: 'binance-usdm', time: '2031-01-06T08:00:00Z', funding: { BTCUSDT: '0.0001' } });
    assert.equal(answer.status, 200, answer.text);
    assert.deepEqual(answer.body, { ticks: 1, events: 2 });
    const [longEvent] = await eventsOf(admin, 'long');
    assert.deepEqual(longEvent && { ...longEvent, id: 0 }, {
      id: 0, account: 'long', type: 'funding-paid', time: '2031-01-06T08:00:00Z', position: 'p', instrument: 'BTCUSDT', rate: '0.0001', amount: '3.00000000',
    });
    assert.deepEqual(paid(await eventsOf(admin, 'short')), ['funding-received 1.20000000']);
    const long = await summaryOf(admin, 'long');
    assert.equal(long.account.balance, '9997.00000000');
    assert.equal(long.totals.funding, '-3.00000000');
    assert.equal((await summaryOf(admin, 'short')).totals.funding, '1.20000000');
    // ETHUSDT only, nothing held, another venue: not a command, not even a step.
    for (const id of ['eth', 'flat', 'bybit']) {
      assert.deepEqual(await eventsOf(admin, id), [], id);
      assert.equal((await summaryOf(admin, id)).commands, 0, `${id}: no command`);
    }

    // Without a venue the tick reaches every venue's holders: bybit's 0.5 BTC × 60 000 × 0.0001 = 3.
    const everywhere = await admin.post('/v1/prices', { time: '2031-01-06T16:00:00Z', funding: { BTCUSDT: '0.0001' } });
    assert.deepEqual(everywhere.body, { ticks: 1, events: 3 });
    assert.deepEqual(paid(await eventsOf(admin, 'bybit')), ['funding-paid 3.00000000']);
    assert.equal((await summaryOf(admin, 'eth')).commands, 0);

    // The account's scenario holds the funding commands; replayed alone it gives the same summary.
    const scenario = await admin.get<{ commands: Json[] }>('/v1/accounts/long/scenario');
    assert.deepEqual(scenario.body.commands, [
      { type: 'funding', time: '2031-01-06T08:00:00Z', instrument: 'BTCUSDT', rate: '0.0001' },
      { type: 'funding', time: '2031-01-06T16:00:00Z', instrument: 'BTCUSDT', rate: '0.0001' },
    ]);
    const folder = temporaryFolder('stopout-funding-');
    try {
      writeFileSync(join(folder, 'long.json'), scenario.text);
      const replayed = stopout(['replay', join(folder, 'long.json'), '--summary']);
      assert.equal(replayed.status, 0, replayed.stderr);
      assert.deepEqual(JSON.parse(replayed.stdout), await summaryOf(admin, 'long'));
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  test('funding after a price in one request is paid on notional at the new mark, in one tick or two', async () => {
    await createAccount(admin, 'order-long', cryptoAccount('binance-usdm', [btcLong('p', '0.5')]));
    await createAccount(admin, 'order-short', cryptoAccount('binance-usdm', [{ ...btcLong('q', '0.2'), side: 'short' }]));
    // 0.5 × 62 000 × 0.0001 = 3.10 paid (at the old mark it would be 3.00).
    const one = await admin.post('/v1/prices', { venue: 'binance-usdm', time: '2031-01-07T00:00:00Z', prices: { BTCUSDT: '62000' }, funding: { BTCUSDT: '0.0001' } });
    assert.equal(one.status, 200, one.text);
    assert.deepEqual(paid(await eventsOf(admin, 'order-long')), ['funding-paid 3.10000000']);
    // Two ticks: a price, then a negative rate (shorts pay, longs receive):
    //   long  0.5 × 64 000 × 0.0002 = 6.40 received;  short 0.2 × 64 000 × 0.0002 = 2.56 paid.
    const two = await admin.post('/v1/prices', {
      ticks: [{ venue: 'binance-usdm', time: '2031-01-07T08:00:00Z', prices: { BTCUSDT: '64000' } }, { venue: 'binance-usdm', time: '2031-01-07T08:00:00Z', funding: { BTCUSDT: '-0.0002' } }],
    });
    assert.equal(two.status, 200, two.text);
    assert.deepEqual(paid(await eventsOf(admin, 'order-long')), ['funding-paid 3.10000000', 'funding-received 6.40000000']);
    assert.deepEqual(paid(await eventsOf(admin, 'order-short')), ['funding-received 1.24000000', 'funding-paid 2.56000000']);
    const scenario = await admin.get<{ commands: Json[] }>('/v1/accounts/order-long/scenario');
    assert.deepEqual(scenario.body.commands.map((command) => command.type), ['mark', 'funding', 'mark', 'funding']);
    assert.equal((await summaryOf(admin, 'order-long')).totals.funding, '3.30000000');
  });

  test('financing terms on the feed charge and credit overnight, three nights on the triple day', async () => {
    const fx = (side: string, quantity: string): Json => ({
      venue: 'mt5-standard', account: { currency: 'USD', balance: '5000' },
      positions: [{ id: 'eu', instrument: 'EURUSD', side, quantity, entryPrice: '1.10000', leverage: '100' }], marks: { EURUSD: '1.10000' },
    });
    await createAccount(admin, 'fx-long', fx('long', '100000'));
    await createAccount(admin, 'fx-short', fx('short', '50000'));
    const terms = { EURUSD: { longRate: '-0.05', shortRate: '0.01' } };
    // Tuesday's rollover, one night (Saxo's formula: notional × rate × days / day count, 365 at mt5-standard):
    //   long  100 000 × 1.1 × 0.05 / 365 = 15.0684… charged, rounded up: 15.07
    //   short  50 000 × 1.1 × 0.01 / 365 = 1.50684… credited, rounded down: 1.50 (amount -1.50)
    const tuesday = await admin.post('/v1/prices', { venue: 'mt5-standard', time: '2031-01-07T21:00:00Z', financing: terms });
    assert.equal(tuesday.status, 200, tuesday.text);
    // Wednesday, the triple day, with a new price first: three nights at 1.12:
    //   long  100 000 × 1.12 × 0.05 × 3 / 365 = 46.0273… → 46.03;  short 50 000 × 1.12 × 0.01 × 3 / 365 = 4.6027… → -4.60
    const wednesday = await admin.post('/v1/prices', { venue: 'mt5-standard', time: '2031-01-08T21:00:00Z', prices: { EURUSD: '1.12000' }, financing: terms });
    assert.equal(wednesday.status, 200, wednesday.text);
    // Thursday in MT5 swap points: 7.5 points × 0.00001 (the tick) × 100 000 units = 7.50 USD a night.
    const thursday = await admin.post('/v1/prices', { venue: 'mt5-standard', time: '2031-01-09T21:00:00Z', financing: { EURUSD: { longPoints: '-7.5', shortPoints: '1' } } });
    assert.equal(thursday.status, 200, thursday.text);
    const longEvents = await eventsOf(admin, 'fx-long');
    assert.deepEqual(longEvents.map((event) => `${String(event.nights)} ${String(event.amount)}`), ['1 15.07', '3 46.03', '1 7.50']);
    assert.ok(longEvents.every((event) => event.type === 'financing-charged'));
    // The short's points: 1 × 0.00001 × 50 000 = 0.50 credited.
    assert.deepEqual(paid(await eventsOf(admin, 'fx-short')), ['financing-charged -1.50', 'financing-charged -4.60', 'financing-charged -0.50']);
    // 15.07 + 46.03 + 7.50 = 68.60 charged.
    assert.equal((await summaryOf(admin, 'fx-long')).totals.financing, '-68.60');
  });

  test('an isolated position the quiet bands set aside is liquidated by funding alone, and the stream says so', async () => {
    // Isolated long 1 BTC at 60 000 with 260 USDT of margin; maintenance 250 (summary), so it is
    // healthy at the mark and its liquidation price sits just under it.
    const key = await createAccount(admin, 'iso', cryptoAccount('binance-usdm', [btcLong('i', '1', { leverage: '100', isolatedMargin: '260' })]));
    const live = service.running.context.live;
    live.keyPending(Number.POSITIVE_INFINITY);
    const account = live.accounts.get('iso');
    assert.ok(account?.ranges, `banded: ${String(account?.always)}`);
    // A price inside its band is not stepped for it (the tick class counts it).
    const stepped = live.stepped;
    const calm = await admin.post('/v1/prices', { venue: 'binance-usdm', time: '2031-01-10T00:00:00Z', prices: { BTCUSDT: '60005' } });
    assert.equal(calm.status, 200, calm.text);
    assert.equal(live.stepped, stepped, 'a price inside the band steps nobody');

    // No price moves: 1 × 60 005 × 0.0005 = 30.0025 paid from the isolated margin, 260 - 30.0025 =
    // 229.9975, under the maintenance margin of ~250: liquidated at the same mark.
    const funding = await admin.post('/v1/prices', { venue: 'binance-usdm', time: '2031-01-10T08:00:00Z', funding: { BTCUSDT: '0.0005' } });
    assert.equal(funding.status, 200, funding.text);
    const events = await eventsOf(admin, 'iso');
    assert.ok(events.length > 0, 'the funding tick reached the account');
    // The account's own stream, from the start, up to its last event.
    const types = await readStream(`${service.running.url}/v1/events/stream`, key, events[events.length - 1]?.id ?? 0);
    assert.deepEqual(types, events.map((event) => event.type));
    assert.equal(types[0], 'funding-paid');
    assert.ok(types.includes('position-liquidated'), types.join(', '));
    assert.equal(events[0]?.amount, '30.00250000');
    const liquidated = events.find((event) => event.type === 'position-liquidated');
    assert.equal(liquidated?.price, '60005', 'liquidated at the mark the funding left alone');
    const summary = await summaryOf(admin, 'iso');
    assert.deepEqual(summary.positions, []);
    assert.match(summary.totals.conservationGap ?? '', /^0\.0+$/);
  });

  test('a snapshot\'s current rates: POST /v1/report gives the days to liquidation, and an account is made with them', async () => {
    // 0.2 BTC at 60 000 at 20x with 600: 12 000 × 0.0001 = 1.20 paid every 8 h, 3.60 a day.
    const snapshot = { ...cryptoAccount('binance-usdm', [btcLong('p', '0.2', { leverage: '20' })]), account: { currency: 'USDT', balance: '600' }, funding: { BTCUSDT: '0.0001' } };
    const report = await admin.post<{ holding: { perDay: string; daysToLiquidation: string | null } }>('/v1/report', snapshot);
    assert.equal(report.status, 200, report.text);
    assert.equal(report.body.holding.perDay, '-3.60000000');
    assert.ok(report.body.holding.daysToLiquidation !== null);
    await createAccount(admin, 'rated', snapshot);
    const bad = await admin.post<{ title?: string; detail?: string }>('/v1/report', { ...snapshot, funding: { BTCUSDT: 'lots' } });
    assert.equal(bad.status, 400, bad.text);
    assert.match(bad.text, /funding/);
  });

  test('bad funding and financing are 400 naming the field and the value, and nothing is written', async () => {
    await createAccount(admin, 'bad', cryptoAccount('binance-usdm', [btcLong('p', '0.5')]));
    const ledger = async (): Promise<number> => (await admin.get<{ seq: number }>('/v1/ledger')).body.seq;
    const seq = await ledger();
    const time = '2031-01-11T00:00:00Z';
    const cases: [Json, string, RegExp][] = [
      [{ funding: { BTCUSDT: 'abc' } }, 'funding.BTCUSDT', /"abc"/],
      [{ funding: { BTCUSDT: 0.0001 } }, 'funding.BTCUSDT', /the number 0\.0001/],
      [{ funding: { BTCUSDT: '1' } }, 'funding.BTCUSDT', /below 1 .*got "1"/],
      [{ funding: { BTCUSDT: '-1.5' } }, 'funding.BTCUSDT', /got "-1\.5"/],
      [{ funding: { NOPE: '0.0001' } }, 'funding.NOPE', /unknown instrument "NOPE".*"0\.0001"/],
      [{ venue: 'binance-usdm', funding: { EURUSD: '0.0001' } }, 'funding.EURUSD', /unknown instrument "EURUSD"/],
      [{ funding: {} }, 'funding', /.+/],
      [{ financing: { EURUSD: { longRate: 'x', shortRate: '0.01' } } }, 'financing.EURUSD.longRate', /"x"/],
      [{ financing: { EURUSD: { longRate: '-0.05', shortRate: '0.01', longPoints: '1', shortPoints: '1' } } }, 'financing.EURUSD', /not both/],
      [{ financing: { EURUSD: { longRate: '-0.05', nights: '1' } } }, 'financing.EURUSD.nights', /unknown field/],
      [{ venue: 'binance-usdm', financing: { ETHUSDT: { longPoints: '1', shortPoints: '1' } } }, 'financing.ETHUSDT', /no tick size/],
      [{ time }, 'prices', /required/],
      [{ ticks: [{ time, prices: { BTCUSDT: '61000' } }, { time, funding: { BTCUSDT: '2' } }] }, 'ticks[1].funding.BTCUSDT', /got "2"/],
      [{ ticks: [{ time, prices: { BTCUSDT: '61000' } }, { time }] }, 'ticks[1].prices', /required/],
      [{ funding: { BTCUSDT: '0.0001' }, ticks: [{ time, prices: { BTCUSDT: '61000' } }] }, 'ticks', /not both/],
    ];
    for (const [body, field, message] of cases) {
      const tick = 'ticks' in body ? body : { time, ...body };
      const answer = await admin.post<{ code: string; errors: { field: string; message: string }[] }>('/v1/prices', tick, { 'idempotency-key': `bad-${field}` });
      assert.equal(answer.status, 400, `${JSON.stringify(body)}: ${answer.text}`);
      assert.equal(answer.body.code, 'request/invalid');
      const error = answer.body.errors.find((each) => each.field === field);
      assert.ok(error, `${JSON.stringify(body)}: ${field} in ${answer.text}`);
      assert.match(error.message, message, JSON.stringify(body));
    }
    assert.equal(await ledger(), seq, 'nothing written');
    const summary = await summaryOf(admin, 'bad');
    assert.equal(summary.commands, 0);
    assert.equal(summary.totals.funding, '0.00000000');
    // A corrected retry with the same key is taken afresh (the 400 stored nothing).
    const fixed = await admin.post('/v1/prices', { time, funding: { BTCUSDT: '0.0001' } }, { 'idempotency-key': 'bad-funding.BTCUSDT' });
    assert.equal(fixed.status, 200, fixed.text);
  });

  test('the commands endpoint takes financing and the fee fields of open and close; the OpenAPI document shows them', async () => {
    await createAccount(admin, 'fees', cryptoAccount('binance-usdm', []));
    const commands = '/v1/accounts/fees/commands';
    // Binance USDⓈ-M at VIP 0: maker 0.02 %, taker 0.05 %; fee = notional × rate, rounded up.
    //   open 0.1 BTC at 60 000 as maker: 6 000 × 0.0002 = 1.20;  close with feeRate 0.0004: 6 000 × 0.0004 = 2.40.
    const open = await admin.post<{ events: Event[] }>(commands, {
      type: 'open', time: '2031-01-12T00:00:00Z', liquidity: 'maker', position: { id: 'n', instrument: 'BTCUSDT', side: 'long', quantity: '0.1', leverage: '10' },
    });
    assert.equal(open.status, 200, open.text);
    const fee = open.body.events.find((event) => event.type === 'fee-charged');
    assert.deepEqual(fee && { liquidity: fee.liquidity, rate: fee.rate, amount: fee.amount }, { liquidity: 'maker', rate: '0.0002', amount: '1.20000000' });
    const financing = await admin.post<{ events: Event[] }>(commands, { type: 'financing', time: '2031-01-12T21:00:00Z', instrument: 'BTCUSDT', longRate: '-0.0365', shortRate: '0', days: '1' });
    // 0.1 × 60 000 × 0.0365 / 365 = 0.60 charged.
    assert.equal(financing.status, 200, financing.text);
    assert.deepEqual(paid(financing.body.events), ['financing-charged 0.60000000']);
    const close = await admin.post<{ events: Event[] }>(commands, { type: 'close', time: '2031-01-12T22:00:00Z', position: 'n', feeRate: '0.0004' });
    assert.equal(close.status, 200, close.text);
    assert.deepEqual(paid(close.body.events.filter((event) => event.type === 'fee-charged')), ['fee-charged 2.40000000']);
    for (const [body, field] of [
      [{ type: 'close', position: 'n', liquidity: 'both' }, 'liquidity'],
      [{ type: 'close', position: 'n', feeRate: '1' }, 'feeRate'],
      [{ type: 'close', position: 'n', feeRate: 0.001 }, 'feeRate'],
    ] as const) {
      const answer = await admin.post<{ errors: { field: string }[] }>(commands, body);
      assert.equal(answer.status, 400, answer.text);
      assert.ok(answer.body.errors.some((error) => error.field === field), answer.text);
    }
    const unknown = await admin.post<{ errors: { field: string; message: string }[] }>(commands, { type: 'swap' });
    assert.match(unknown.body.errors[0]?.message ?? '', /funding, financing, open/);

    const doc = (await admin.get<OpenApi>('/openapi.json')).body;
    const prices = requestSchema(doc, '/v1/prices');
    assert.ok(prices.properties?.funding && prices.properties.financing, 'a tick takes funding and financing');
    const tick = (prices.properties?.ticks as Schema).items as Schema;
    assert.ok(tick.properties?.funding && tick.properties.financing && !tick.required?.includes('prices'), 'so does each of "ticks"');
    const command = requestSchema(doc, '/v1/accounts/{id}/commands');
    const branch = (type: string): Schema => command.oneOf?.find((each) => JSON.stringify(each.properties?.type).includes(`"${type}"`)) as Schema;
    for (const type of ['open', 'close']) assert.ok(branch(type).properties?.liquidity && branch(type).properties?.feeRate, type);
    assert.ok(branch('financing').properties?.longPoints);
    const hook = JSON.stringify(requestSchema(doc, '/v1/webhooks'));
    for (const type of ['funding-paid', 'funding-received', 'financing-charged', 'fee-charged']) assert.ok(hook.includes(`"${type}"`), `webhooks take ${type}`);
    const webhook = await admin.post('/v1/webhooks', { url: 'http://127.0.0.1:9/hook', types: ['funding-paid', 'financing-charged', 'fee-charged'] });
    assert.equal(webhook.status, 201, webhook.text);
  });
});

interface Schema {
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  oneOf?: Schema[];
}
interface OpenApi {
  paths: Record<string, { post?: { requestBody?: { content?: Record<string, { schema?: Schema }> } } } | undefined>;
}

/** The JSON body schema of a POST in the OpenAPI document. */
function requestSchema(doc: OpenApi, path: string): Schema {
  const schema = doc.paths[path]?.post?.requestBody?.content?.['application/json']?.schema;
  assert.ok(schema, `${path}: a JSON body schema`);
  return schema;
}

/** Reads an event stream from the start up to the event with id `last` (already durable); the types seen. */
async function readStream(url: string, key: string, last: number): Promise<string[]> {
  const response = await fetch(url, { headers: { authorization: `Bearer ${key}`, 'last-event-id': '0' } });
  assert.equal(response.status, 200);
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  const types: string[] = [];
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return types;
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const type = /^event: ?(.*)$/m.exec(block)?.[1];
      const id = Number(/^id: ?(\d+)$/m.exec(block)?.[1]);
      if (type === undefined) continue;
      types.push(type);
      if (id >= last) {
        await reader.cancel();
        return types;
      }
    }
  }
}

test('funding ticks survive kill -9: an acknowledged one is in the log, and one killed before its answer is applied once on retry', { timeout: 180_000 }, async () => {
  const data = temporaryFolder('stopout-funding-kill-');
  const port = await freePort();
  const args = ['--port', String(port)];
  let service: Spawned = await spawnService(data, args);
  try {
    await createAccount(service.admin, 'held', cryptoAccount('binance-usdm', [btcLong('p', '0.5')]));
    // 0.5 × 60 000 × 0.0001 = 3.00, acknowledged, then the process is killed at once.
    const first = await service.admin.post('/v1/prices', { time: '2031-02-01T00:00:00Z', funding: { BTCUSDT: '0.0001' } });
    assert.equal(first.status, 200, first.text);
    const acknowledged = await eventsOf(service.admin, 'held');
    assert.deepEqual(paid(acknowledged), ['funding-paid 3.00000000']);
    service.child.kill('SIGKILL');
    await service.exited;

    // Answers held back after their commit: the kill lands between "durable" and "answered". (Only
    // reads that need no commit barrier here: event pages read the store as it is.)
    service = await spawnService(data, args, { STOPOUT_FAULT_ANSWER_DELAY_MS: '600000' });
    assert.deepEqual(await eventsOf(service.admin, 'held'), acknowledged, 'the acknowledged funding survived kill -9');
    const body = { time: '2031-02-01T08:00:00Z', prices: { BTCUSDT: '61000' }, funding: { BTCUSDT: '0.0001' } };
    const lost = service.admin.post('/v1/prices', body, { 'idempotency-key': 'funding-8h' }).catch(() => undefined);
    // Its events are served once durable; the answer is still held when the process dies.
    while ((await eventsOf(service.admin, 'held')).length < 2) await new Promise((resolve) => setTimeout(resolve, 20));
    service.child.kill('SIGKILL');
    await service.exited;
    assert.equal(await lost, undefined, 'the first attempt got no answer');

    service = await spawnService(data, args);
    const retried = await service.admin.post('/v1/prices', body, { 'idempotency-key': 'funding-8h' });
    assert.equal(retried.status, 200, retried.text);
    assert.deepEqual(retried.body, { ticks: 1, events: 1 }, 'the first answer, replayed');
    // 3.00 + 0.5 × 61 000 × 0.0001 = 3.05: each applied once.
    assert.deepEqual(paid(await eventsOf(service.admin, 'held')), ['funding-paid 3.00000000', 'funding-paid 3.05000000']);
    const summary = await summaryOf(service.admin, 'held');
    assert.equal(summary.totals.funding, '-6.05000000');
    const ledger = await service.admin.get<{ conservationGap: Record<string, string> }>('/v1/ledger');
    assert.match(ledger.body.conservationGap.USDT ?? '', /^-?0(\.0+)?$/);
  } finally {
    service.child.kill('SIGKILL');
    await service.exited;
    rmSync(data, { recursive: true, force: true });
  }
});

// -------------------------------------------------------------------------------------------------
// The live fold against the reference fold, with funding and financing on the feed.

interface Driven {
  readonly live: LiveState;
  readonly log: SequencedEntry[];
  readonly ids: string[];
  readonly liveEvents: Map<string, Json[]>;
  /** Funding or financing ticks that reached an account whose bands were computed (a price inside them would have skipped it). */
  banded: number;
  payments: number;
}

/** Random accounts at every venue; random commands, marks, and funding and financing ticks through LiveState. */
function drive(seed: number, accountsPerVenue: number, steps: number): Driven {
  const rng = new Rng(seed);
  const live = new LiveState();
  const driven: Driven = { live, log: [], ids: [], liveEvents: new Map(), banded: 0, payments: 0 };
  const note = (events: readonly { account: string; json: Readonly<Record<string, unknown>> }[]): void => {
    for (const event of events) {
      const { id: _id, account: _account, ...rest } = event.json;
      driven.liveEvents.get(event.account)?.push(rest);
    }
  };
  const apply = (entry: LedgerEntry): void => {
    const applied = live.apply(entry);
    driven.log.push({ ...entry, seq: applied.seq } as SequencedEntry);
    note(applied.events);
  };
  const generators: { id: string; generator: ScenarioGenerator; venue: string }[] = [];
  for (const venue of ENGINE_VENUES) {
    for (let k = 0; k < accountsPerVenue; k++) {
      const generator = new ScenarioGenerator(rng, venue);
      const id = `${venue.id}-${k}`;
      driven.liveEvents.set(id, []);
      driven.ids.push(id);
      apply({ type: 'account', account: id, body: { snapshot: generator.account, ...(generator.market ? { market: generator.market } : {}), key: { id: `k${id}`, hash: 'x' } } });
      generators.push({ id, generator, venue: venue.id });
    }
  }
  let clock = Date.parse('2024-01-05T14:30:00Z');
  for (let at = 0; at < steps; at++) {
    const pick = rng.pick(generators);
    const account = live.accounts.get(pick.id);
    assert.ok(account);
    const { time: _given, ...body } = pick.generator.next(live.materialize(account));
    clock += rng.pick([0, 1000, 60_000, 3_600_000, 8 * 3_600_000, 86_400_000]);
    const time = formatInstant(clock);
    const venue = rng.chance(0.7) ? { venue: pick.venue } : {};
    const paidHere = body.type === 'funding' || body.type === 'financing';
    if (body.type === 'mark' || (paidHere && rng.chance(0.6))) {
      const { type, instrument, ...terms } = body;
      const symbol = String(instrument);
      const tick = type === 'mark'
        ? { prices: body.prices as Record<string, string>, ...(rng.chance(0.25) ? { funding: { [rng.pick(Object.keys(body.prices as Json))]: text(BigInt(rng.int(-300, 3000)), 6) } } : {}) }
        : type === 'funding' ? { funding: { [symbol]: String(terms.rate) } } : { financing: { [symbol]: terms as Record<string, string> } };
      const paidSymbols = [...Object.keys(tick.funding ?? {}), ...Object.keys(tick.financing ?? {})];
      for (const slot of live.slots) {
        const holds = slot.state.snapshot.positions.some((position) => paidSymbols.includes(position.instrument.symbol));
        if (holds && slot.ranges && (!('venue' in venue) || slot.venueKey === pick.venue)) driven.banded += 1;
      }
      if (paidSymbols.length) driven.payments += 1;
      // Swap points must suit every definition the tick may meet (as the edge checks): the
      // generator offers them only where its own venue's instrument has a tick size.
      apply({ type: 'ticks', body: { ticks: [{ ...(paidHere && 'financing' in tick ? { venue: pick.venue } : venue), time, ...tick }] } });
    } else {
      const mine = live.accounts.get(pick.id)?.state.time;
      const commandTime = mine && Date.parse(mine.text) > clock ? mine.text : time;
      const outcome = live.runCommand(pick.id, { ...body, time: commandTime } as CommandJson);
      if (outcome.entry && outcome.seq !== null) driven.log.push({ ...outcome.entry, seq: outcome.seq } as SequencedEntry);
      note(outcome.events);
    }
    // The service computes bands when idle; here, now and then.
    if (rng.chance(0.3)) live.keyPending(Number.POSITIVE_INFINITY);
  }
  return driven;
}

test('the live fold pays funding and financing ticks as the reference fold does, banded accounts included, at all eight venues', () => {
  let banded = 0;
  let payments = 0;
  let paidEvents = 0;
  for (const seed of [12, 13, 14]) {
    const driven = drive(seed, 4, 1200);
    banded += driven.banded;
    payments += driven.payments;
    for (const id of driven.ids) {
      const replay = new AccountReplay(id);
      for (const entry of driven.log) replay.add(entry);
      const expected = replay.result();
      const account = driven.live.accounts.get(id);
      assert.ok(account);
      const state = driven.live.materialize(account);
      const events = driven.liveEvents.get(id) ?? [];
      assert.deepEqual(events, expected.events.map(eventToJson), `seed ${seed} ${id}: events`);
      assert.equal(stateHash(state, account.source), stateHash(expected.state, expected.source), `seed ${seed} ${id}: state hash`);
      assert.ok(isZero(conservationGap(state)), `seed ${seed} ${id}: money conserved`);
      paidEvents += events.filter((event) => ['funding-paid', 'funding-received', 'financing-charged'].includes(String(event.type))).length;
    }
  }
  console.log(`funding/financing ticks ${payments}, reaching banded accounts ${banded} times; payment events ${paidEvents}`);
  assert.ok(payments > 100 && banded > 50 && paidEvents > 200, `ticks ${payments}, banded ${banded}, events ${paidEvents}`);
});
