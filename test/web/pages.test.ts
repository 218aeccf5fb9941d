// Every page of the web app, as a person sees it (issue 10): at 360 px and 1280 px wide, in light and
// dark, served by a real `stopout serve` (the module build over http; the other browser tests open
// the offline build from file://). On each: axe-core finds no serious or critical violation, the
// page does not scroll sideways, nothing fails in the page, and a screenshot is saved under
// test-results/ (pages-<page>-<width>-<scheme>.png) for a person to look at.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { encodeState } from '../../src/web/lib/url-state.js';
import { browserSkipReason, launchBrowser, newContext, screenshot, seriousViolations, settled, WEB_INDEX } from '../support/browser.js';
import { ADMIN_KEY, spawnService, temporaryFolder, type Spawned } from '../support/service-harness.js';
import { onePositionSnapshot, THREE_POSITION_CROSS } from '../support/web-accounts.js';


const simulation = {
  account: {
    venue: 'binance-usdm',
    account: { currency: 'USDT', balance: '10000' },
    positions: [{ id: 'btc', instrument: 'BTCUSDT', side: 'long', quantity: '1', entryPrice: '60000', leverage: '10' }],
    marks: { BTCUSDT: '60000' },
  },
  model: { type: 'gbm', volatility: '0.8', drift: '0', daysPerYear: '365', jumps: { intensity: '4', mean: '-0.05', stdev: '0.08' } },
  horizonDays: '7', steps: 48, paths: 4000, seed: 7,
  variants: [{ name: '5x', leverage: '5' }, { name: '20x', leverage: '20' }, { name: 'stop 5%', stopLossPercent: '0.05' }],
};

interface PageCase {
  readonly name: string;
  readonly hash: string;
  /** What shows the page is ready. */
  readonly ready: string;
}

const PAGES: readonly PageCase[] = [
  { name: 'calculator', hash: '#/calculator', ready: '[data-report] [data-field="account.equity"]' },
  { name: 'calculator-cross', hash: `#/calculator?s=${encodeState(THREE_POSITION_CROSS)}`, ready: '[data-report] [data-field="positions.2.liquidationPrice"]' },
  { name: 'simulate', hash: `#/simulate?s=${encodeState(simulation)}&run=1`, ready: '[data-field="variants.3.probabilities.debt"]' },
  { name: 'replay', hash: '#/replay', ready: '[data-field="summary.account.balance"], [data-field^="summary."]' },
  { name: 'dashboard', hash: '#/dashboard', ready: 'table.accounts tbody tr[data-account="gu"]' },
  { name: 'account', hash: '#/accounts/gu', ready: '[data-field="summary.account.balance"]' },
];


/** Accounts for the dashboard's pictures: a margin call, a liquidation with a debt, a healthy one. */
async function populate(service: Spawned): Promise<void> {
  for (const [id, body] of [
    ['gu', onePositionSnapshot('mt5-standard', 'USD', '1000', { id: 'gu', instrument: 'GBPUSD', quantity: '80000', leverage: '100' }, '1.25')],
    ['gu-50x', onePositionSnapshot('mt5-standard', 'USD', '1500', { id: 'gu', instrument: 'GBPUSD', quantity: '40000', leverage: '50' }, '1.25')],
    ['btc', onePositionSnapshot('binance-usdm', 'USDT', '480', { id: 'btc', instrument: 'BTCUSDT', quantity: '0.1', leverage: '20' }, '96000')],
    ['eu-esma', onePositionSnapshot('esma-retail-cfd', 'USD', '5000', { id: 'eu', instrument: 'EURUSD', quantity: '10000', leverage: '30' }, '1.08')],
  ] as const) {
    const created = await service.admin.post('/v1/accounts', { id, snapshot: body });
    assert.equal(created.status, 201, created.text);
  }
  assert.equal((await service.admin.post('/v1/prices', { prices: { GBPUSD: '1.2450' } })).status, 200);
  assert.equal((await service.admin.post('/v1/prices', { prices: { BTCUSDT: '91000' } })).status, 200);
}

async function sideways(page: Page): Promise<[number, number]> {
  return page.evaluate(() => {
    const scope = globalThis as unknown as { document: { documentElement: { scrollWidth: number } }; innerWidth: number };
    return [scope.document.documentElement.scrollWidth, scope.innerWidth] as [number, number];
  });
}

test('every page at 360 px and 1280 px, light and dark: no serious accessibility violation, no sideways scroll, a screenshot', { skip: browserSkipReason(), timeout: 600_000 }, async () => {
  const data = temporaryFolder('stopout-pages-');
  const service = await spawnService(data, [], { STOPOUT_WEB_DIR: dirname(WEB_INDEX) });
  let browser: Browser | undefined;
  try {
    await populate(service);
    browser = await launchBrowser();
    for (const scheme of ['light', 'dark'] as const) {
      for (const width of [360, 1280]) {
        const context = await newContext(browser, { width, height: 900, colorScheme: scheme });
        const page = await context.newPage();
        const errors: string[] = [];
        page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
        // The dashboard's key, typed once per tab; the account page reads it from sessionStorage.
        await page.goto(`${service.url}/#/dashboard`);
        await page.getByLabel('API key', { exact: true }).fill(ADMIN_KEY);
        await page.getByRole('button', { name: 'Connect' }).click();
        await page.locator('[role="status"][data-state="connected"]').waitFor({ timeout: 60_000 });
        await page.locator('table.accounts tbody tr[data-account="gu"]').waitFor();
        for (const { name, hash, ready } of PAGES) {
          await page.goto(`${service.url}/${hash}`);
          try {
            await page.locator(ready).first().waitFor({ timeout: 60_000 });
          } catch (error) {
            throw new Error(`${name} at ${width} px (${scheme}) never showed ${ready}; the page says: ${(await page.textContent('main'))?.slice(0, 800)}`, { cause: error });
          }
          await settled(page);
          const [scroll, innerWidth] = await sideways(page);
          assert.ok(scroll <= innerWidth, `${name} at ${width} px (${scheme}) scrolls sideways: ${scroll} > ${innerWidth}`);
          await screenshot(page, `pages-${name}-${width}-${scheme}`);
          const violations = await seriousViolations(page);
          assert.deepEqual(violations, [], `${name} at ${width} px (${scheme}): ${JSON.stringify(violations, null, 1)}`);
        }
        assert.deepEqual(errors, [], `no errors in the pages at ${width} px (${scheme})`);
        await context.close();
      }
    }
  } finally {
    await browser?.close();
    service.child.kill('SIGTERM');
    await service.exited;
    rmSync(data, { recursive: true, force: true });
  }
});
