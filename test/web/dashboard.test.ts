// The live dashboard (#/dashboard) and an account's page (#/accounts/{id}) against a real
// `stopout serve` (issue 10): the built app served by the service at /, Chromium at a phone's width.
// A wrong key shows the service's message under the field; prices pushed through POST /v1/prices
// make a margin call (a banner) and a liquidation (the log), and the accounts sort by margin level.
// The service is stopped (SIGTERM) and killed (kill -9) and started again on the same ledger and
// port: the page reconnects with Last-Event-ID, and the ids of the events it handled equal those of
// GET /v1/events, no gap, no duplicate. The account page's summary figures equal
// GET /v1/accounts/{id}'s summary leaves, and a deposit typed into its form changes the balance.
// First, the Server-Sent Events parser on its own.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { EventStreamParser, reconnectDelay, MAX_DELAY_MS } from '../../src/web/lib/event-stream.js';
import { dataValue, leaves } from '../../src/web/lib/figures.js';
import { browserSkipReason, launchBrowser, readFigures, settled, seriousViolations, WEB_INDEX } from '../support/browser.js';
import { ADMIN_KEY, freePort, spawnService, temporaryFolder, type Spawned } from '../support/service-harness.js';
import { onePositionSnapshot } from '../support/web-accounts.js';

test('the event-stream parser: fields, comments, multi-line data, CR/LF/CRLF, chunks split anywhere', () => {
  const text = ': stopout events\n\nid: 1\nevent: deposited\ndata: {"id":1}\n\n: keep-alive\r\n\r\nid:2\r\nevent:margin-call-issued\r\ndata: {"a":\r\ndata: 1}\r\n\r\nid: 3\rdata\r\rretry: 2500\nid: 4\n\n';
  const expected = [
    { id: '1', event: 'deposited', data: '{"id":1}' },
    { id: '2', event: 'margin-call-issued', data: '{"a":\n1}' },
    { id: '3', event: 'message', data: '' },
  ];
  // Whole, and cut at every place (a CR at the end of one chunk and its LF at the start of the next included).
  for (let cut = 0; cut <= text.length; cut++) {
    const parser = new EventStreamParser();
    const messages = [...parser.push(text.slice(0, cut)), ...parser.push(text.slice(cut))];
    assert.deepEqual(messages, expected, `cut at ${cut}`);
    assert.equal(parser.retryMs, 2500);
  }
  // One character at a time.
  const parser = new EventStreamParser();
  assert.deepEqual([...text].flatMap((character) => parser.push(character)), expected);
  // An id with no data dispatches nothing but is remembered for the next event.
  const next = new EventStreamParser();
  assert.deepEqual(next.push('id: 9\n\ndata: x\n\n'), [{ id: '9', event: 'message', data: 'x' }]);
});

test('reconnection waits 1 s, then doubles, capped', () => {
  assert.deepEqual([0, 1, 2, 3, 4, 5, 30].map((attempt) => reconnectDelay(attempt)), [1000, 2000, 4000, 8000, MAX_DELAY_MS, MAX_DELAY_MS, MAX_DELAY_MS]);
  assert.equal(reconnectDelay(0, 3000), 3000, 'a retry: field asks for longer');
});

/** The page's globals, inside functions that run in the page (this file is type-checked without the DOM's types). */
interface PageGlobals {
  readonly document: { querySelector(selector: string): { getAttribute(name: string): string | null } | null; querySelectorAll(selector: string): ArrayLike<{ getAttribute(name: string): string | null }>; readonly documentElement: { readonly scrollWidth: number } };
  readonly innerWidth: number;
  readonly sessionStorage: { getItem(key: string): string | null };
}

interface Attributes {
  getAttribute(name: string): string | null;
  querySelectorAll(selector: string): ArrayLike<Attributes>;
}



/** Chromium logs every failed request (a 401, a refused connection while the service restarts) as a console error: those are expected. */
const unexpected = (errors: readonly string[]): string[] => errors.filter((error) => !/Failed to load resource|net::ERR_/.test(error));

async function useKey(page: Page, key: string): Promise<void> {
  await page.getByLabel('API key', { exact: true }).fill(key);
  await page.getByRole('button', { name: 'Connect' }).click();
}

async function connected(page: Page): Promise<void> {
  await page.locator('[role="status"][data-state="connected"]').waitFor({ timeout: 60_000 });
  await settled(page);
}

/** The ids the page says it handled, from its hidden list of runs, and how many it dropped as repeated. */
async function handled(page: Page): Promise<{ ids: number[]; duplicates: number }> {
  return page.$eval('ol[aria-label="Events received"]', (element) => {
    const list = element as unknown as Attributes;
    const ids: number[] = [];
    for (const item of Array.from(list.querySelectorAll('li'))) {
      for (let id = Number(item.getAttribute('data-first-id')); id <= Number(item.getAttribute('data-last-id')); id++) ids.push(id);
    }
    return { ids, duplicates: Number(list.getAttribute('data-duplicates')) };
  });
}

/** Opens an account's page by its address, loaded afresh (the tab's sessionStorage, and so its key, stays). */
async function openAccount(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.reload();
  await page.locator('[data-field="summary.account.balance"]').waitFor();
}

async function accountOrder(page: Page): Promise<string[]> {
  return page.$$eval('table.accounts tbody tr', (rows) => rows.map((row) => row.getAttribute('data-account') ?? ''));
}

async function noSidewaysScroll(page: Page): Promise<void> {
  const [scroll, width] = await page.evaluate(() => {
    const globals = globalThis as unknown as PageGlobals;
    return [globals.document.documentElement.scrollWidth, globals.innerWidth];
  });
  assert.ok(scroll <= width, `the page scrolls sideways: ${scroll} > ${width}`);
}

test('the dashboard and an account page follow a real stopout serve across restarts, every event once', { skip: browserSkipReason(), timeout: 300_000 }, async () => {
  const data = temporaryFolder('stopout-dashboard-');
  const port = await freePort();
  const start = (): Promise<Spawned> => spawnService(data, ['--port', String(port), '--heartbeat-ms', '1000'], { STOPOUT_WEB_DIR: dirname(WEB_INDEX) });
  let service = await start();
  let browser: Browser | undefined;
  try {
    const admin = service.admin;
    for (const [id, body] of [
      ['gu', onePositionSnapshot('mt5-standard', 'USD', '1000', { id: 'gu', instrument: 'GBPUSD', quantity: '80000', leverage: '100' }, '1.25')],
      ['gu-50x', onePositionSnapshot('mt5-standard', 'USD', '1500', { id: 'gu', instrument: 'GBPUSD', quantity: '40000', leverage: '50' }, '1.25')],
      ['btc', onePositionSnapshot('binance-usdm', 'USDT', '480', { id: 'btc', instrument: 'BTCUSDT', quantity: '0.1', leverage: '20' }, '96000')],
    ] as const) {
      const created = await admin.post('/v1/accounts', { id, snapshot: body });
      assert.equal(created.status, 201, created.text);
    }

    browser = await launchBrowser();
    const context = await browser.newContext({ viewport: { width: 360, height: 800 }, colorScheme: 'light', deviceScaleFactor: 1 });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
    page.on('console', (message) => { if (message.type() === 'error') errors.push(`console: ${message.text()}`); });
    await page.goto(`${service.url}/#/dashboard`);

    // A wrong key: the service's own message under the field, and nothing kept.
    await useKey(page, 'not-the-key');
    const error = page.locator('.key-form .field .error');
    await error.waitFor();
    assert.equal(await error.textContent(), 'the API key is unknown or revoked');
    assert.equal(await page.evaluate(() => (globalThis as unknown as PageGlobals).sessionStorage.getItem('stopout.dashboard.key')), null);

    await useKey(page, ADMIN_KEY);
    await connected(page);
    // The page keeps the key once the accounts have loaded with it, which may come after the event
    // stream connects: wait (bounded) for it, then assert.
    await page.waitForFunction(`sessionStorage.getItem('stopout.dashboard.key') !== null`, undefined, { timeout: 30_000 }).catch(() => undefined);
    assert.equal(await page.evaluate(() => (globalThis as unknown as PageGlobals).sessionStorage.getItem('stopout.dashboard.key')), ADMIN_KEY, 'the key is kept in sessionStorage');
    assert.ok(!page.url().includes(ADMIN_KEY), 'never in the URL');
    assert.equal(await error.count(), 0);

    // A margin call: GBPUSD 1.2450 takes gu to 60.24 %.
    assert.equal((await admin.post('/v1/prices', { prices: { GBPUSD: '1.2450' } })).status, 200);
    await page.getByRole('alert').filter({ hasText: 'Margin call: account gu at 60.24 %' }).waitFor();

    // A liquidation: BTCUSDT 91000 closes btc, its deficit absorbed by the insurance fund.
    assert.equal((await admin.post('/v1/prices', { prices: { BTCUSDT: '91000' } })).status, 200);
    const logged = page.locator('table.liquidations tr[data-account="btc"][data-type="position-liquidated"]');
    await logged.waitFor();
    assert.match(await logged.textContent() ?? '', /absorbed by the insurance fund/);
    await page.getByRole('alert').filter({ hasText: 'Liquidation: account btc' }).waitFor();

    // Sorted by margin level, lowest first, none last; each figure the service's own string.
    await page.waitForFunction(() => Array.from((globalThis as unknown as PageGlobals).document.querySelectorAll('table.accounts tbody tr'))
      .map((row) => row.getAttribute('data-account')).join() === 'gu,gu-50x,btc');
    const rows = await admin.all<{ id: string; status: string; equity: string; marginLevel: string | null; debtOutstanding: string }>('/v1/accounts');
    const figures = await readFigures(page, 'table.accounts');
    for (const row of rows) {
      for (const field of ['status', 'equity', 'marginLevel', 'debtOutstanding'] as const) {
        assert.equal(figures.get(`accounts.${row.id}.${field}`), dataValue(row[field]), `accounts.${row.id}.${field}`);
      }
    }
    assert.deepEqual(await accountOrder(page), ['gu', 'gu-50x', 'btc']);
    await noSidewaysScroll(page);

    // The service stops (SIGTERM), then dies (kill -9); each time it starts again on the same
    // ledger and port, and prices move while the page finds its way back.
    const moves = [{ GBPUSD: '1.2250' }, { GBPUSD: '1.2500' }];
    for (const [index, signal] of (['SIGTERM', 'SIGKILL'] as const).entries()) {
      service.child.kill(signal);
      await service.exited;
      await page.locator('[role="status"][data-state="reconnecting"]').waitFor({ timeout: 30_000 });
      service = await start();
      assert.equal((await service.admin.post('/v1/prices', { prices: moves[index] })).status, 200);
      await connected(page);
    }
    // gu was stopped out at 1.2250 and owes its deficit: a debt, stage open.
    await page.locator('table.debts tr[data-account="gu"] [data-field="debts.gu.stage"][data-value="open"]').waitFor();
    await page.locator('table.liquidations tr[data-account="gu"][data-type="position-liquidated"]').waitFor();

    const all = await service.admin.all<{ id: number }>('/v1/events');
    const last = all[all.length - 1]?.id ?? 0;
    await page.waitForFunction((id) => (globalThis as unknown as PageGlobals).document.querySelector('ol[aria-label="Events received"]')?.getAttribute('data-last-id') === String(id), last);
    const seen = await handled(page);
    assert.deepEqual(seen.ids, all.map((event) => event.id), 'every event of GET /v1/events, once, in order');
    assert.equal(seen.duplicates, 0, 'the stream resumed after the last event handled: nothing came twice');
    assert.ok(all.length >= 8, `events: ${all.length}`);

    // The account page: its summary, every leaf, equal to GET /v1/accounts/{id}'s.
    const link = page.locator('table.accounts a', { hasText: 'gu-50x' });
    assert.equal(await link.getAttribute('href'), '#/accounts/gu-50x');
    await link.click();
    await page.locator('[data-field="summary.account.balance"]').waitFor();
    await connected(page);
    const detail = await service.admin.get<{ sequence: number; summary: Record<string, unknown> }>('/v1/accounts/gu-50x');
    const shown = await readFigures(page);
    const expected = new Map(leaves(detail.body.summary, 'summary').map(([path, leaf]) => [path, dataValue(leaf)]));
    assert.deepEqual(new Map([...shown].filter(([path]) => path.startsWith('summary.'))), expected);
    assert.equal(shown.get('sequence'), String(detail.body.sequence));
    await noSidewaysScroll(page);

    // A wrong amount: the core's message under the field; a refusal: the engine's, under its field.
    const deposit = page.locator('form[data-command="deposit"]');
    await deposit.getByLabel('Amount').fill('abc');
    await deposit.getByRole('button', { name: 'Deposit' }).click();
    await deposit.locator('.field .error', { hasText: 'must be a decimal written as a string, got "abc"' }).waitFor();
    const close = page.locator('form[data-command="close"]');
    await close.getByLabel('Quantity (optional)').fill('99999999');
    await close.getByRole('button', { name: 'Close' }).click();
    await close.locator('.field .error', { hasText: 'Refused (risk/quantity-above-position): closes 99999999 but the position holds 40000' }).waitFor();

    // A deposit changes the balance, as the service says.
    const before = shown.get('summary.account.balance');
    assert.equal(before, '1500.00');
    await deposit.getByLabel('Amount').fill('100');
    await deposit.getByRole('button', { name: 'Deposit' }).click();
    await page.locator('[data-field="summary.account.balance"][data-value="1600.00"]').waitFor();
    const after = await service.admin.get<{ summary: { account: { balance: string } } }>('/v1/accounts/gu-50x');
    assert.equal(after.body.summary.account.balance, '1600.00');
    await page.locator('table.events tr [data-field$=".type"][data-value="deposited"]').waitFor();
    await settled(page);
    const accountEvents = await service.admin.all<{ id: number }>('/v1/events?account=gu-50x');
    await page.waitForFunction((id) => (globalThis as unknown as PageGlobals).document.querySelector('ol[aria-label="Events received"]')?.getAttribute('data-last-id') === String(id), accountEvents[accountEvents.length - 1]?.id ?? 0);
    assert.deepEqual((await handled(page)).ids, accountEvents.map((event) => event.id), "the account's events, once each");

    // Its report in the calculator: the scenario replayed in the page; the account's figures and each
    // position's prices are the service's summary's, to the string.
    await page.getByRole('button', { name: 'Open its report in the calculator' }).click();
    await page.locator('[data-report] [data-field="account.equity"]').waitFor();
    const report = await readFigures(page, '[data-report]');
    const summary = after.body.summary as unknown as { account: Record<string, unknown>; positions: Record<string, unknown>[] };
    for (const [field, leaf] of leaves(summary.account, 'account')) assert.equal(report.get(field), dataValue(leaf as string | null), field);
    assert.equal(summary.positions.length, 1);
    for (const field of ['liquidationPrice', 'marginCallPrice', 'bankruptcyPrice', 'notional', 'unrealizedPnl']) {
      assert.equal(report.get(`positions.0.${field}`), dataValue(summary.positions[0]?.[field] as string | null), `positions.0.${field}`);
    }

    assert.deepEqual(unexpected(errors), []);
    await context.close();

    // Accessibility, dark and light (axe-core is evaluated through the DevTools protocol, past the page's CSP).
    for (const colorScheme of ['light', 'dark'] as const) {
      const checked = await browser.newContext({ viewport: { width: 360, height: 800 }, colorScheme });
      const view = await checked.newPage();
      await view.goto(`${service.url}/#/dashboard`);
      await useKey(view, ADMIN_KEY);
      await connected(view);
      assert.deepEqual(await seriousViolations(view), [], `dashboard, ${colorScheme}`);
      await openAccount(view, `${service.url}/#/accounts/gu`);
      await connected(view);
      assert.deepEqual(await seriousViolations(view), [], `account page, ${colorScheme}`);
      await checked.close();
    }
  } finally {
    await browser?.close();
    service.child.kill('SIGKILL');
    await service.exited;
    rmSync(data, { recursive: true, force: true });
  }
});
