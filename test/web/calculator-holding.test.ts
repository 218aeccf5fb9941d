// The calculator's cost of holding (issue 12, scope 6) in Debian's Chromium: typing a funding rate
// (a perpetual venue) or an overnight swap (an MT5 broker, as yearly rates and as swap points) with
// the keyboard shows the days to the margin call and to liquidation and the liquidation price after
// 1, 7 and 30 days, and every figure of the report is exactly the core's (`reportFromJson` of the
// snapshot the page should now hold, which the URL holds too, and still after a reload). A bad rate
// shows the core's message under its field; at 360 px, light and dark, no serious axe violation
// and no page-wide sideways scroll.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { reportFromJson, formatProblem } from '../../src/core/index.js';
import {
  appUrl, browserSkipReason, launchBrowser, leafTexts, newContext, openPage, seriousViolations, assertReportShows, tabTo, typeOver, choose, urlSnapshot,
} from '../support/browser.js';

const skip = browserSkipReason();

type Json = Record<string, unknown>;

const base64url = (value: unknown): string => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

/** The core's report of a snapshot, every leaf as data-value writes it. */
function coreFigures(snapshot: Json): Map<string, string> {
  const result = reportFromJson(snapshot);
  assert.ok(result.ok, result.ok ? '' : result.error.map(formatProblem).join('\n'));
  return leafTexts(result.value);
}

async function assertCoreReport(page: Page, snapshot: Json, label: string): Promise<void> {
  await assertReportShows(page, coreFigures(snapshot), label);
}

async function fill(page: Page, name: RegExp, text: string): Promise<void> {
  await tabTo(page, name);
  await typeOver(page, text);
}

const PERPETUAL: Json = {
  venue: 'binance-usdm',
  account: { currency: 'USDT', balance: '6000' },
  positions: [
    { id: 'btc', instrument: 'BTCUSDT', side: 'long', quantity: '1', entryPrice: '50000', leverage: '20', isolatedMargin: '2500' },
    { id: 'eth', instrument: 'ETHUSDT', side: 'short', quantity: '10', entryPrice: '3000', leverage: '10' },
  ],
  marks: { BTCUSDT: '50000', ETHUSDT: '3000' },
};

const BROKER: Json = {
  venue: 'mt5-standard',
  account: { currency: 'USD', balance: '1500' },
  positions: [{ id: 'eur', instrument: 'EURUSD', side: 'long', quantity: '100000', entryPrice: '1.10000', leverage: '100' }],
  marks: { EURUSD: '1.10000' },
};

const figure = (page: Page, field: string): Promise<string | null> =>
  page.locator(`[data-report] [data-field="${field}"]`).getAttribute('data-value');

describe('the calculator: the cost of holding', { skip }, () => {
  let browser: Browser;
  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });

  test('a funding rate typed per instrument: the core\'s days to liquidation and prices after 1, 7, 30 days, kept in the URL', async () => {
    const context = await newContext(browser, { width: 1280 });
    const { page, errors } = await openPage(context, appUrl(`#/calculator?s=${base64url(PERPETUAL)}`));
    await page.waitForSelector('[data-report] [data-field="account.equity"]');
    assert.equal(await page.locator('[data-report] [data-field^="holding."]').count(), 0, 'no holding figures without a rate');
    await fill(page, /^Funding rate of BTCUSDT per 8 h$/, '0.0001');
    await fill(page, /^Funding rate of ETHUSDT per 8 h$/, '0.0003');
    const funded = { ...PERPETUAL, funding: { BTCUSDT: '0.0001', ETHUSDT: '0.0003' } };
    await assertCoreReport(page, funded, 'funding typed');
    // The hand-worked case of test/holding-costs.test.ts: the isolated BTC long pays 5 USDT every 8 h,
    // 460 payments to its liquidation = 153.33 days; its liquidation price after 30 days 48 142.5.
    assert.equal(await figure(page, 'holding.positions.0.daysToLiquidation'), '153.33');
    assert.equal(await figure(page, 'holding.positions.0.liquidationPriceAfter.30'), '48142.5');
    assert.ok(await page.getByRole('heading', { name: 'Cost of holding' }).isVisible());
    assert.deepStrictEqual(await urlSnapshot(page), funded);
    await page.reload();
    await assertCoreReport(page, funded, 'funding, reloaded');
    // Clearing the rates takes the figures away, and the field from the snapshot.
    await fill(page, /^Funding rate of BTCUSDT per 8 h$/, '');
    await fill(page, /^Funding rate of ETHUSDT per 8 h$/, '');
    await assertCoreReport(page, PERPETUAL, 'rates cleared');
    assert.deepStrictEqual(await urlSnapshot(page), PERPETUAL);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('an overnight swap at an MT5 broker, as yearly rates and then as swap points', async () => {
    const context = await newContext(browser, { width: 1280 });
    const { page, errors } = await openPage(context, appUrl(`#/calculator?s=${base64url(BROKER)}`));
    await page.waitForSelector('[data-report] [data-field="account.equity"]');
    await fill(page, /^Overnight swap of EURUSD › Long swap of EURUSD$/, '-0.05');
    await fill(page, /^Overnight swap of EURUSD › Short swap of EURUSD$/, '0.01');
    const byRate = { ...BROKER, financing: { EURUSD: { longRate: '-0.05', shortRate: '0.01' } } };
    await assertCoreReport(page, byRate, 'yearly rates typed');
    // 110 000 × 5 % / 365 = 15.07 a night: the margin call after 27 nights, the stop-out after 64.
    assert.equal(await figure(page, 'holding.daysToMarginCall'), '27.00');
    assert.equal(await figure(page, 'holding.daysToLiquidation'), '64.00');
    assert.deepStrictEqual(await urlSnapshot(page), byRate);
    await tabTo(page, /^Overnight swap of EURUSD › Swap of EURUSD in$/);
    await choose(page, 'points');
    await fill(page, /^Overnight swap of EURUSD › Long swap of EURUSD$/, '-6.5');
    await fill(page, /^Overnight swap of EURUSD › Short swap of EURUSD$/, '1.2');
    const byPoints = { ...BROKER, financing: { EURUSD: { longPoints: '-6.5', shortPoints: '1.2' } } };
    await assertCoreReport(page, byPoints, 'swap points typed');
    assert.equal(await figure(page, 'holding.daysToLiquidation'), '147.00');
    assert.deepStrictEqual(await urlSnapshot(page), byPoints);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('a bad rate: the core\'s message under the field, naming the value', async () => {
    const context = await newContext(browser);
    const { page, errors } = await openPage(context, appUrl(`#/calculator?s=${base64url(PERPETUAL)}`));
    await page.waitForSelector('[data-report] [data-field="account.equity"]');
    await fill(page, /^Funding rate of BTCUSDT per 8 h$/, '1.5');
    const field = page.getByLabel('Funding rate of BTCUSDT per 8 h', { exact: true });
    await assert.doesNotReject(field.and(page.locator('[aria-invalid="true"]')).waitFor());
    const describedBy = await field.getAttribute('aria-describedby');
    assert.ok(describedBy);
    const message = await page.locator(`[id="${describedBy.split(' ').find((id) => id.endsWith('-error'))}"]`).textContent();
    assert.match(message ?? '', /below 1 .*got "1\.5"/);
    assert.equal(await page.locator('[data-report]').count(), 0, 'no report from a snapshot with a problem');
    assert.deepEqual(errors, []);
    await context.close();
  });

  for (const colorScheme of ['light', 'dark'] as const) {
    test(`at 360 px, ${colorScheme}: no serious axe violation and no sideways scroll, with the holding figures`, async () => {
      const context = await newContext(browser, { width: 360, colorScheme });
      const accounts: Json[] = [
        { ...PERPETUAL, funding: { BTCUSDT: '0.0001', ETHUSDT: '0.0003' } },
        { ...BROKER, financing: { EURUSD: { longRate: '-0.05', shortRate: '0.01' } } },
      ];
      for (const account of accounts) {
        const { page, errors } = await openPage(context, appUrl(`#/calculator?s=${base64url(account)}`));
        await page.waitForSelector('[data-report] [data-field="holding.daysToLiquidation"]');
        assert.deepEqual(errors, []);
        const overflow = await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth');
        assert.equal(overflow, 0, `no sideways scroll at 360 px at ${String(account.venue)}`);
        assert.deepEqual(await seriousViolations(page), [], String(account.venue));
        await page.close();
      }
      await context.close();
    });
  }
});
