// Issue 11: "In the service: POST /v1/accounts with {"import": {"venue", "payloads": [...]}} creates
// the account from the venue's data." The import runs through the same importers as `stopout
// import`; the ledger keeps the snapshot it made, so the account replays as any other; bad input is
// a 400 naming the payload and the field, and leaves nothing written.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { reportFromJson } from '../../src/core/index.js';
import { importAccount } from '../../src/import/index.js';
import { startInProcess, type InProcess } from '../support/service-harness.js';
import { IMPORT_FIXTURES } from '../support/venue-server.js';

const read = (path: string): unknown => JSON.parse(readFileSync(join(IMPORT_FIXTURES, path), 'utf8'));
const BINANCE = ['binance-usdm/positionRisk-v2-isolated-hedge.json', 'binance-usdm/leverageBracket-btcusdt-implied.json', 'binance-usdm/exchangeInfo-older-docs.json'].map(read);
const HYPERLIQUID = ['hyperliquid/clearinghouseState.json', 'hyperliquid/metaAndAssetCtxs.json'].map(read);

let service: InProcess;
before(async () => { service = await startInProcess({ deadlineCheckMs: 0 }); });
after(async () => { await service.stop(); });

describe('POST /v1/accounts with "import"', () => {
  test('Binance USD-M payloads: the account is the imported snapshot, with the check and the warnings', async () => {
    const answer = await service.admin.post<Record<string, unknown>>('/v1/accounts', { id: 'imported-binance', import: { venue: 'binance-usdm', payloads: BINANCE } });
    assert.equal(answer.status, 201, answer.text);
    const imported = answer.body.import as { warnings: string[]; check: { position: string; field: string; venue: string; stopout: string; agrees: boolean }[] };
    assert.deepEqual(imported.check.filter((row) => row.field === 'liquidationPrice').map((row) => [row.position, row.venue, row.stopout, row.agrees]),
      [['BTCUSDT-long', '5930.78', '5930.78', true], ['BTCUSDT-short', '7189.95', '7189.96', true]]);
    assert.ok(imported.warnings.some((warning) => /entryPrice is "0\.00000"/.test(warning)));
    // The account the service holds is the snapshot `stopout import` makes: its scenario starts from it.
    const expected = importAccount('binance-usdm', BINANCE.map((value, index) => ({ name: `import.payloads[${index}]`, value })));
    assert.ok(expected.ok);
    const scenario = await service.admin.get<{ account: unknown }>('/v1/accounts/imported-binance/scenario');
    assert.equal(scenario.status, 200);
    assert.deepEqual(scenario.body.account, JSON.parse(JSON.stringify(expected.value.snapshot)));
    const summary = answer.body.summary as { account: Record<string, string> };
    const report = reportFromJson(expected.value.snapshot);
    assert.ok(report.ok);
    assert.equal(summary.account.balance, report.value.account.balance);
  });

  test('Hyperliquid payloads', async () => {
    const answer = await service.admin.post<Record<string, unknown>>('/v1/accounts', { import: { venue: 'hyperliquid', payloads: HYPERLIQUID } });
    assert.equal(answer.status, 201, answer.text);
    const imported = answer.body.import as { check: { field: string; venue: string; agrees: boolean }[] };
    assert.ok(imported.check.some((row) => row.field === 'liquidationPrice' && row.venue === '2866.26936529' && row.agrees));
  });

  test('bad input: 400 naming the payload and the field; nothing written', async () => {
    const before = await service.admin.all<unknown>('/v1/accounts');
    const wrongVenue = await service.admin.post<{ errors: { field: string; message: string }[] }>('/v1/accounts', { import: { venue: 'binance-usdm', payloads: HYPERLIQUID } });
    assert.equal(wrongVenue.status, 400, wrongVenue.text);
    assert.equal(wrongVenue.body.errors[0]?.field, 'import.payloads[0]');
    assert.match(wrongVenue.body.errors[0]?.message ?? '', /this is hyperliquid data/);
    const flat = structuredClone(BINANCE) as [Record<string, unknown>[], ...unknown[]];
    for (const row of flat[0]) row.positionAmt = '0.000';
    const onlyFlat = await service.admin.post<{ errors: { field: string }[] }>('/v1/accounts', { import: { venue: 'binance-usdm', payloads: flat } });
    assert.equal(onlyFlat.status, 400, onlyFlat.text);
    assert.match(onlyFlat.body.errors[0]?.field ?? '', /^import\.payloads\[0\]/);
    const unknownVenue = await service.admin.post<{ errors: { field: string }[] }>('/v1/accounts', { import: { venue: 'kraken', payloads: BINANCE } });
    assert.equal(unknownVenue.status, 400);
    assert.equal(unknownVenue.body.errors[0]?.field, 'import.venue');
    const both = await service.admin.post('/v1/accounts', { snapshot: { venue: 'hyperliquid', account: { currency: 'USDC', balance: '1' } }, import: { venue: 'hyperliquid', payloads: HYPERLIQUID } });
    assert.equal(both.status, 400);
    const neither = await service.admin.post('/v1/accounts', { id: 'nothing' });
    assert.equal(neither.status, 400);
    assert.deepEqual(await service.admin.all<unknown>('/v1/accounts'), before);
  });
});

describe('an account in another currency at the service (issue 11, scope 4)', () => {
  test('USDJPY in a USD account: a tick at the report\'s liquidation price liquidates it, with the P&L converted', async () => {
    const snapshot = {
      venue: 'mt5-standard', account: { currency: 'USD', balance: '1000' },
      positions: [{ id: 'uj', instrument: 'USDJPY', side: 'long', quantity: '100000', entryPrice: '150.000', leverage: '100' }],
      marks: { USDJPY: '150.000' },
    };
    const report = reportFromJson(snapshot);
    assert.ok(report.ok);
    // 1 000 + 100 000 × (1 − 150 / P) = 500 => P = 149.2537… -> 149.253 (test/cross-currency.test.ts).
    assert.equal(report.value.positions[0]?.liquidationPrice, '149.253');
    const created = await service.admin.post('/v1/accounts', { id: 'usd-usdjpy', snapshot });
    assert.equal(created.status, 201, created.text);
    const above = await service.admin.post('/v1/prices', { prices: { USDJPY: '149.254' } });
    assert.equal(above.status, 200, above.text);
    const liquidated = (): Promise<Record<string, string>[]> => service.admin.all('/v1/events?account=usd-usdjpy&type=position-liquidated');
    assert.deepEqual(await liquidated(), []);
    const at = await service.admin.post('/v1/prices', { prices: { USDJPY: '149.253' } });
    assert.equal(at.status, 200, at.text);
    const events = await liquidated();
    assert.equal(events.length, 1);
    // 100 000 × (1 − 150 / 149.253) = −500.4925… USD, booked rounded down: −500.50.
    assert.equal(events[0]?.pnl, '-500.50');
    assert.equal(events[0]?.price, '149.253');
  });
});
