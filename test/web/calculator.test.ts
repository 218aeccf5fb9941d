// The calculator page (#/calculator) in Debian's Chromium, against the CLI (spec/web.md): for every
// published and public-source case, the page's figures under [data-report] are exactly the leaves of
// `stopout report`'s JSON for the same snapshot, each with the same text; accounts typed with the
// keyboard alone give the CLI's figures, a URL that decodes to the same snapshot, and the same
// figures after a reload; a bad quantity shows the core's message under the quantity field; the
// chart's lines carry the core's figures at their prices; the CSV export has every leaf; no page
// error, no serious axe violation, no page-wide sideways scroll at 360 px, light and dark.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { PUBLISHED_CASES } from '../fixtures/published-cases.js';
import { PUBLIC_SOURCE_CASES } from '../fixtures/public-source-cases.js';
import { appUrl, browserSkipReason, launchBrowser, newContext, openPage, ROOT, seriousViolations } from '../support/browser.js';
import { CLI_MAIN, stopout } from '../support/run-cli.js';
import { assertReportShows, choose, leafTexts, sortedFigures as sorted, tabTo, typeOver, urlSnapshot, ACTIVE_NAME } from '../support/browser.js';

const skip = browserSkipReason();

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** `stopout report -` for this snapshot, as parsed JSON (exit 0 required). */
function cliReport(snapshot: unknown): Json {
  const run = stopout(['report', '-'], JSON.stringify(snapshot));
  assert.equal(run.status, 0, `stopout report: ${run.stderr}`);
  return JSON.parse(run.stdout) as Json;
}

/** The same as cliReport, without blocking, so the reports of many cases are computed two at a time. */
function cliReportLater(snapshot: unknown): Promise<Json> {
  const env = { ...process.env };
  delete env.STOPOUT_DEBUG;
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, [CLI_MAIN, 'report', '-'], { env, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error) reject(new Error(`stopout report: ${stderr || error.message}`));
      else resolve(JSON.parse(stdout) as Json);
    });
    child.stdin?.end(JSON.stringify(snapshot));
  });
}

/** `work` over every item, at most `limit` at once, the results in the items' order. */
async function inTurns<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}


const base64url = (value: unknown): string => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

/** The page's report equals this report of the CLI: the same set of fields, each with the same text. */
async function assertReportEquals(page: Page, report: Json, label: string): Promise<void> {
  await assertReportShows(page, leafTexts(report), label);
}

const assertReportMatchesCli = (page: Page, snapshot: unknown, label: string): Promise<void> => assertReportEquals(page, cliReport(snapshot), label);

/** Focuses the field named `name` with Tab and types `text` over it. */
async function fill(page: Page, name: RegExp, text: string): Promise<void> {
  await tabTo(page, name);
  await typeOver(page, text);
}

/** Presses a button reached with Tab. */
async function press(page: Page, name: RegExp, key: 'Enter' | 'Space' = 'Enter'): Promise<void> {
  await tabTo(page, name);
  await page.keyboard.press(key);
}

interface PositionInput {
  readonly id: string;
  readonly instrument: string;
  readonly side: 'long' | 'short';
  readonly quantity: string;
  readonly entryPrice: string;
  readonly leverage: string;
  readonly isolatedMargin?: string;
}

/** Fills position `number` (1-based) with the keyboard. */
async function fillPosition(page: Page, number: number, position: PositionInput): Promise<void> {
  const field = (label: string): RegExp => new RegExp(`^Position ${number} \\(.*\\) › ${label}$`);
  await fill(page, field('Id'), position.id);
  await fill(page, field('Instrument'), position.instrument);
  await tabTo(page, field('Side'));
  await choose(page, position.side);
  await fill(page, field('Quantity'), position.quantity);
  await fill(page, field('Entry price'), position.entryPrice);
  await fill(page, field('Leverage'), position.leverage);
  await fill(page, field('Isolated margin'), position.isolatedMargin ?? '');
}

// The accounts of examples/*.json (their `account` field is a report.md snapshot, without the price
// file), each distinct account once.
const EXAMPLE_ACCOUNTS = [...new Map(readdirSync(join(ROOT, 'examples')).filter((name) => name.endsWith('.json')).sort()
  .map((name) => (JSON.parse(readFileSync(join(ROOT, 'examples', name), 'utf8')) as { account: unknown }).account)
  .map((account, index) => [JSON.stringify(account), { id: `examples account ${index + 1}`, snapshot: account }] as const)).values()];

// The spec's own published cases (../shared/spec/oracles.jsonl), when ../shared is beside this
// checkout; the same cases re-expressed as this project's fixtures run either way.
const ORACLES = join(ROOT, '..', 'shared', 'spec', 'oracles.jsonl');
const SHARED_CASES = existsSync(ORACLES)
  ? readFileSync(ORACLES, 'utf8').split('\n').filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as { id: string; snapshot?: unknown })
    .flatMap((oracle) => (oracle.snapshot === undefined ? [] : [{ id: `oracles.jsonl ${oracle.id}`, snapshot: oracle.snapshot }]))
  : [];

describe('the calculator page', { skip }, () => {
  let browser: Browser;
  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });

  test('every published and public-source case: the same figures as stopout report, every leaf once', async () => {
    const cases = [...PUBLISHED_CASES, ...PUBLIC_SOURCE_CASES, ...EXAMPLE_ACCOUNTS, ...SHARED_CASES];
    assert.ok(cases.length >= 40, `${cases.length} cases`);
    const reports = await inTurns(cases, 2, (each) => cliReportLater(each.snapshot));
    const context = await newContext(browser, { width: 1280 });
    const { page, errors } = await openPage(context, appUrl('#/calculator'));
    for (const [index, each] of cases.entries()) {
      await page.evaluate((hash) => { (globalThis as unknown as { location: { hash: string } }).location.hash = hash; }, `#/calculator?s=${base64url(each.snapshot)}`);
      await assertReportEquals(page, reports[index] ?? null, each.id);
    }
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('accounts typed with the keyboard alone: the CLI\'s figures, the same snapshot in the URL, and after a reload', async () => {
    const single = {
      venue: { extends: 'mt5-standard', negativeBalanceProtection: true },
      account: { currency: 'USD', balance: '500' },
      instruments: { EURUSD: { kind: 'cfd', assetClass: 'fx-major', contractSize: '1' } },
      positions: [{ id: 'eu', instrument: 'EURUSD', side: 'long', quantity: '30000', entryPrice: '1.25', leverage: '75' }],
      marks: { EURUSD: '1.25' },
      shocks: ['-0.015'],
    };
    const cross = {
      venue: 'binance-usdm',
      account: { currency: 'USDT', balance: '20000' },
      positions: [
        { id: 'btc-long', instrument: 'BTCUSDT', side: 'long', quantity: '0.5', entryPrice: '60000', leverage: '20' },
        { id: 'eth-short', instrument: 'ETHUSDT', side: 'short', quantity: '10', entryPrice: '3000', leverage: '10' },
        { id: 'btc-long-2', instrument: 'BTCUSDT', side: 'long', quantity: '0.2', entryPrice: '62000', leverage: '20' },
      ] satisfies PositionInput[],
      marks: { BTCUSDT: '61000.5', ETHUSDT: '3100' },
      shocks: ['-0.1', '0.05'],
    };
    const isolated = {
      venue: 'bybit-linear',
      account: { currency: 'USDT', balance: '3000' },
      positions: [{ id: 'iso', instrument: 'BTCUSDT', side: 'short', quantity: '0.5', entryPrice: '60000', leverage: '25', isolatedMargin: '1500' }] satisfies PositionInput[],
      marks: { BTCUSDT: '59000' },
      shocks: ['0.03'],
    };
    const context = await newContext(browser, { width: 1280 });
    const fresh = async (): Promise<{ page: Page; errors: string[] }> => {
      const opened = await openPage(context, appUrl('#/calculator'));
      await opened.page.waitForSelector('[data-report] [data-field="account.equity"]');
      return opened;
    };

    // One position at a custom venue (a profile that extends mt5-standard), with an instrument spec.
    {
      const { page, errors } = await fresh();
      await tabTo(page, /^Venue$/);
      await choose(page, 'custom');
      await fill(page, /^Custom venue profile \(JSON\)$/, '{"extends": "mt5-standard", "negativeBalanceProtection": true}');
      await fill(page, /^Balance$/, '500');
      await fillPosition(page, 1, single.positions[0] as PositionInput);
      await fill(page, /^Mark price of EURUSD$/, '1.25');
      await fill(page, /^Shock 1 \(relative move\)$/, '-0.015');
      await fill(page, /^Instruments \(JSON\)$/, '{"EURUSD": {"kind": "cfd", "assetClass": "fx-major", "contractSize": "1"}}');
      await assertReportMatchesCli(page, single, 'single position, typed');
      assert.deepStrictEqual(await urlSnapshot(page), single);
      await page.reload();
      await assertReportMatchesCli(page, single, 'single position, reloaded');
      assert.deepEqual(errors, []);
      await page.close();
    }

    // Three positions on two instruments, cross margin at binance-usdm; positions and a shock added with the keyboard.
    {
      const { page, errors } = await fresh();
      await tabTo(page, /^Venue$/);
      await choose(page, 'binance-usdm');
      await fill(page, /^Account currency$/, 'USDT');
      await fill(page, /^Balance$/, '20000');
      await fillPosition(page, 1, cross.positions[0] as PositionInput);
      await press(page, /^Add a position$/, 'Enter');
      await fillPosition(page, 2, cross.positions[1] as PositionInput);
      await press(page, /^Add a position$/, 'Space');
      await fillPosition(page, 3, cross.positions[2] as PositionInput);
      await fill(page, /^Mark price of BTCUSDT$/, '61000.5');
      await fill(page, /^Mark price of ETHUSDT$/, '3100');
      await fill(page, /^Shock 1 \(relative move\)$/, '-0.1');
      await press(page, /^Add a shock$/, 'Enter');
      // The new field takes the focus once the page has drawn it (after the URL's change).
      await page.waitForFunction(`${ACTIVE_NAME} === 'Shock 2 (relative move)'`, undefined, { timeout: 10_000 })
        .catch(async () => assert.fail(`focus moves to the new shock, not to ${JSON.stringify(await page.evaluate(ACTIVE_NAME))}`));
      await typeOver(page, '0.05');
      await fill(page, /^Instruments \(JSON\)$/, '');
      await assertReportMatchesCli(page, cross, 'three positions, typed');
      assert.deepStrictEqual(await urlSnapshot(page), cross);
      await page.reload();
      await assertReportMatchesCli(page, cross, 'three positions, reloaded');
      assert.deepEqual(errors, []);
      await page.close();
    }

    // One isolated position at bybit-linear.
    {
      const { page, errors } = await fresh();
      await tabTo(page, /^Venue$/);
      await choose(page, 'bybit-linear');
      await fill(page, /^Account currency$/, 'USDT');
      await fill(page, /^Balance$/, '3000');
      await fillPosition(page, 1, isolated.positions[0] as PositionInput);
      await fill(page, /^Mark price of BTCUSDT$/, '59000');
      await fill(page, /^Shock 1 \(relative move\)$/, '0.03');
      await fill(page, /^Instruments \(JSON\)$/, '');
      await assertReportMatchesCli(page, isolated, 'isolated position, typed');
      assert.deepStrictEqual(await urlSnapshot(page), isolated);
      await page.reload();
      await assertReportMatchesCli(page, isolated, 'isolated position, reloaded');
      assert.deepEqual(errors, []);
      await page.close();
    }
    await context.close();
  });

  test('a bad quantity: the core\'s message under the quantity field, and nothing crashes', async () => {
    const context = await newContext(browser);
    const { page, errors } = await openPage(context, appUrl('#/calculator'));
    await page.waitForSelector('[data-report] [data-field="account.equity"]');
    await fill(page, /^Position 1 \(.*\) › Quantity$/, '-3');
    const quantity = page.getByRole('group', { name: /^Position 1/ }).getByLabel('Quantity', { exact: true });
    await assert.doesNotReject(quantity.and(page.locator('[aria-invalid="true"]')).waitFor());
    const describedBy = await quantity.getAttribute('aria-describedby');
    assert.ok(describedBy, 'the field points at its message');
    const message = await page.locator(`[id="${describedBy.split(' ').find((id) => id.endsWith('-error'))}"]`).textContent();
    assert.match(message ?? '', /must be a positive decimal/);
    assert.equal(await page.locator('[data-report]').count(), 0, 'no report from a snapshot with a problem');
    assert.equal(await page.locator('h1').count(), 1, 'the page is still there');
    await fill(page, /^Position 1 \(.*\) › Quantity$/, '80000');
    await page.waitForSelector('[data-report] [data-field="account.equity"]');
    assert.equal(await quantity.getAttribute('aria-invalid'), null, 'the message goes once the value is good');
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('the chart\'s lines carry the core\'s figures at their prices, and the CSV export holds every leaf', async () => {
    const snapshot = PUBLISHED_CASES.find((each) => each.id === 'seed-1000-at-100-debt')?.snapshot;
    assert.ok(snapshot);
    const context = await newContext(browser, { width: 1280 });
    const orders = { gu: { stopLoss: '1.24', takeProfit: '1.27' } };
    const { page, errors } = await openPage(context, appUrl(`#/calculator?s=${base64url(snapshot)}&o=${base64url(orders)}`));
    await assertReportMatchesCli(page, snapshot, 'seed case');
    const lines = await page.$$eval('[data-line-kind]', (items) => items.map((item) => ({
      kind: item.getAttribute('data-line-kind') ?? '', price: item.getAttribute('data-price') ?? '',
      pnl: item.getAttribute('data-pnl') ?? '', equity: item.getAttribute('data-equity') ?? '',
    })));
    assert.deepEqual(lines.map((line) => line.kind).sort(), ['bankruptcy', 'entry', 'liquidation', 'marginCall', 'mark', 'stopLoss', 'takeProfit']);
    for (const line of lines) {
      const moved = cliReport({ ...(snapshot as Record<string, unknown>), marks: { GBPUSD: line.price } }) as { account: { equity: string }; positions: { unrealizedPnl: string }[] };
      assert.equal(line.pnl, moved.positions[0]?.unrealizedPnl, `${line.kind} P&L`);
      assert.equal(line.equity, moved.account.equity, `${line.kind} equity`);
    }
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download the report (CSV)' }).click()]);
    const csv = readFileSync(await download.path(), 'utf8');
    const rows = csv.split('\r\n').filter(Boolean).map((row) => {
      const match = /^"((?:[^"]|"")*)","((?:[^"]|"")*)"$/.exec(row);
      assert.ok(match, `an RFC 4180 row: ${row}`);
      return [match[1]?.replace(/""/g, '"') ?? '', match[2]?.replace(/""/g, '"') ?? ''] as const;
    });
    assert.deepEqual(rows[0], ['field', 'value']);
    assert.deepStrictEqual(sorted(new Map(rows.slice(1))), sorted(leafTexts(cliReport(snapshot))));
    assert.deepEqual(errors, []);
    await context.close();
  });

  for (const colorScheme of ['light', 'dark'] as const) {
    test(`at 360 px, ${colorScheme}: no serious axe violation and no page-wide sideways scroll`, async () => {
      const context = await newContext(browser, { width: 360, colorScheme });
      const cross = { venue: 'binance-usdm', account: { currency: 'USDT', balance: '20000' }, positions: [
        { id: 'btc', instrument: 'BTCUSDT', side: 'long', quantity: '0.5', entryPrice: '60000', leverage: '20' },
        { id: 'eth', instrument: 'ETHUSDT', side: 'short', quantity: '10', entryPrice: '3000', leverage: '10', isolatedMargin: '3000' },
      ], marks: { BTCUSDT: '61000.5', ETHUSDT: '3100' }, shocks: ['-0.1', '0.05'] };
      for (const hash of ['#/calculator', `#/calculator?s=${base64url(cross)}`]) {
        const { page, errors } = await openPage(context, appUrl(hash));
        await page.waitForSelector('[data-report] [data-field="account.equity"]');
        // Before axe runs: from file:// its own stylesheet requests are refused and logged, which is not the page's error.
        assert.deepEqual(errors, []);
        const overflow = await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth');
        assert.equal(overflow, 0, `no sideways scroll at 360 px on ${hash}`);
        assert.deepEqual(await seriousViolations(page), [], hash);
        await page.close();
      }
      await context.close();
    });
  }
});
