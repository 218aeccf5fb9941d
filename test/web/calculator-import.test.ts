// "Import from your venue" in the calculator (spec/import.md in the page; spec/web.md), in Debian's
// Chromium at 360 px: the venue's API responses pasted with the keyboard alone, or picked as files,
// are imported by the same `importAndCheck` as `npx stopout import --check`; the page then shows
// exactly the report of `reportFromJson(importAccount(...).snapshot)`, the snapshot in its URL (a new
// history entry, as a pasted snapshot), what the import assumed, and the check table with each of
// the venue's figures beside ours. Data of another venue, or text that is not JSON, is refused with
// "file: field: message" in an alert, and nothing is loaded. axe finds no serious violation.
//
// The Binance responses are the fixtures of test/import/binance.test.ts ("the older isolated hedge
// example", venue-formats.md §2.1), where their provenance is written down: positionRisk (the older
// official docs example), the BTCUSDT bracket the two positions imply (built), and the older
// exchangeInfo example (tick 0.01). The liquidation prices, worked there and again here:
//   LP = (WB + cum − side × qty × EP) / (qty × MMR − side × qty), bracket 2 (0.5 %, cum 50):
//   LONG  (13200.70726908 + 50 − 20 × 6563.665) / (20 × 0.005 − 20) = 5930.7835… → 5930.78 (the venue's too);
//   SHORT (6570.42511771 + 50 + 10 × 6563.86) / (10 × 0.005 + 10)   = 7189.9527… → ours 7189.96 (the tick
//   at or beyond it), the venue's 7189.95: one tick apart, which the check allows.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { reportFromJson } from '../../src/core/index.js';
import { importAccount, importAndCheck, type CheckRow, type ImportFile } from '../../src/import/index.js';
import { appUrl, browserSkipReason, launchBrowser, newContext, openPage, readFigures, ROOT, seriousViolations } from '../support/browser.js';
import { leafTexts, sortedFigures as sorted } from '../support/browser.js';

const skip = browserSkipReason();

const FIXTURES = join(ROOT, 'test', 'fixtures', 'import');
const BINANCE = ['positionRisk-v2-isolated-hedge.json', 'leverageBracket-btcusdt-implied.json', 'exchangeInfo-older-docs.json']
  .map((name) => join(FIXTURES, 'binance-usdm', name));
const CLEARINGHOUSE = join(FIXTURES, 'hyperliquid', 'clearinghouseState.json');

const text = (path: string): string => readFileSync(path, 'utf8');
const baseName = (path: string): string => path.slice(path.lastIndexOf('/') + 1);

/** The files as the page names them: pasted boxes "response N", picked files their own names. */
const named = (paths: readonly string[], name: (path: string, index: number) => string): ImportFile[] =>
  paths.map((path, index) => ({ name: name(path, index), value: JSON.parse(text(path)) as unknown }));

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };



/** What the page must show after importing these files: the report of the imported snapshot, and the check. */
function expectedImport(files: readonly ImportFile[]): { snapshot: unknown; report: Map<string, string>; check: readonly CheckRow[]; warnings: readonly string[] } {
  const imported = importAccount('binance-usdm', files);
  assert.ok(imported.ok, JSON.stringify(imported));
  const report = reportFromJson(imported.value.snapshot);
  assert.ok(report.ok, JSON.stringify(report));
  const checked = importAndCheck('binance-usdm', files);
  assert.ok(checked.ok);
  return { snapshot: imported.value.snapshot, report: leafTexts(report.value as unknown as Json), check: checked.value.check, warnings: checked.value.warnings };
}

/** The check rows as the page's data-field figures write them (`import.check.<i>.<key>`). */
function checkFigures(check: readonly CheckRow[]): Map<string, string> {
  return leafTexts(check as unknown as Json, 'import.check');
}

/** Waits (bounded) until the report shows exactly `expected`; the caller's assertion then shows any difference. */
async function waitForReport(page: Page, expected: ReadonlyMap<string, string>): Promise<void> {
  await page.waitForFunction((entries) => {
    const dom = (globalThis as unknown as { document: { querySelectorAll: (query: string) => ArrayLike<{ getAttribute: (name: string) => string | null }> } }).document;
    const seen = new Map(Array.from(dom.querySelectorAll('[data-report] [data-field]')).map((node) => [node.getAttribute('data-field'), node.getAttribute('data-value')]));
    return seen.size === entries.length && entries.every(([field, value]) => seen.get(field) === value);
  }, [...expected], { timeout: 15_000 }).catch(() => undefined);
}

/** The snapshot of the page's URL (`s`, base64url JSON), or undefined without one. */
async function urlSnapshot(page: Page): Promise<unknown> {
  const hash = String(await page.evaluate('location.hash'));
  const encoded = new URLSearchParams(hash.slice(hash.indexOf('?') + 1)).get('s');
  return encoded ? JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8')) as unknown : undefined;
}

// The focused element's name as a keyboard user meets it: its label, or its own text for a button.
const ACTIVE_NAME = `(() => {
  const element = document.activeElement;
  if (!element || element === document.body) return '';
  const label = element.labels && element.labels.length ? element.labels[0].textContent : (element.getAttribute('aria-label') || element.textContent || '');
  return label.trim();
})()`;

const activeName = async (page: Page): Promise<string> => String(await page.evaluate(ACTIVE_NAME));

/** Presses Tab until the focused element's name matches (the page is walked in its own order). */
async function tabTo(page: Page, name: RegExp): Promise<void> {
  for (let presses = 0; presses < 400; presses += 1) {
    if (name.test(await activeName(page))) return;
    await page.keyboard.press('Tab');
  }
  assert.fail(`no element named ${String(name)} reached with Tab`);
}

/** Waits (bounded) for the focus to reach the element named `name`; the assertion then says where it is instead. */
async function focusMovesTo(page: Page, name: string): Promise<void> {
  await page.waitForFunction(`${ACTIVE_NAME} === ${JSON.stringify(name)}`, undefined, { timeout: 5_000 }).catch(() => undefined);
  assert.equal(await activeName(page), name, 'the focus moved to the new box');
}

async function sideways(page: Page): Promise<[number, number]> {
  return page.evaluate(() => {
    const scope = globalThis as unknown as { document: { documentElement: { scrollWidth: number } }; innerWidth: number };
    return [scope.document.documentElement.scrollWidth, scope.innerWidth] as [number, number];
  });
}

async function assertAccessible(page: Page, label: string): Promise<void> {
  assert.deepEqual(await seriousViolations(page), [], `${label}: axe`);
  const [scrollWidth, innerWidth] = await sideways(page);
  assert.ok(scrollWidth <= innerWidth, `${label}: the page scrolls sideways at ${innerWidth} px (${scrollWidth})`);
}

const PANEL = '.calc-import';

describe('the calculator: import from your venue', { skip }, () => {
  let browser: Browser;
  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });

  async function fresh(): Promise<{ page: Page; errors: string[] }> {
    const context = await newContext(browser, { width: 360 });
    const opened = await openPage(context, appUrl('#/calculator'));
    await opened.page.waitForSelector('[data-report] [data-field="account.equity"]');
    // The importers load only when asked for (their own chunk): the launcher opens the panel, and
    // the focus goes to its first field.
    await tabTo(opened.page, /^Import an account from its API responses$/);
    await opened.page.keyboard.press('Enter');
    await opened.page.getByLabel('Venue of the responses').waitFor();
    await opened.page.waitForFunction('document.activeElement && document.activeElement.tagName === "SELECT"');
    return opened;
  }

  test('three Binance responses pasted with the keyboard alone: the imported report, the check table, the warnings', async () => {
    const { page, errors } = await fresh();
    // Any order: the bracket first, then the positions, then exchangeInfo.
    const order = [BINANCE[1], BINANCE[0], BINANCE[2]].map((path) => path ?? '');
    const expected = expectedImport(named(order, (_, index) => `response ${index + 1}`));

    await tabTo(page, /^Venue of the responses$/);
    assert.equal(await page.evaluate('document.activeElement.value'), 'binance-usdm', 'binance-usdm is the first import venue');
    for (const [index, path] of order.entries()) {
      if (index > 0) {
        await tabTo(page, /^Add another response$/);
        await page.keyboard.press('Enter');
        await focusMovesTo(page, `Response ${index + 1} (JSON)`);
      } else {
        await tabTo(page, /^Response 1 \(JSON\)$/);
      }
      await page.keyboard.insertText(text(path));
    }
    await tabTo(page, /^Import$/);
    await page.keyboard.press('Enter');

    await waitForReport(page, expected.report);
    assert.deepStrictEqual(sorted(await readFigures(page, '[data-report]')), sorted(expected.report), 'the report of the imported snapshot');
    const figures = await readFigures(page, '[data-report]');
    assert.equal(figures.get('positions.0.id'), 'BTCUSDT-long');
    assert.equal(figures.get('positions.0.liquidationPrice'), '5930.78');
    assert.equal(figures.get('positions.1.id'), 'BTCUSDT-short');
    assert.equal(figures.get('positions.1.liquidationPrice'), '7189.96');
    assert.deepEqual(await urlSnapshot(page), expected.snapshot, 'the URL holds the imported snapshot');

    // The check table: every row of importAndCheck, each figure as it gave it, and the LP rows by eye.
    assert.deepStrictEqual(sorted(await readFigures(page, PANEL)), sorted(checkFigures(expected.check)));
    assert.equal(expected.check[0]?.source, 'response 2 [0].liquidationPrice', 'the pasted box is named in the source');
    const rows = page.locator(`${PANEL} table.calc-check tbody tr`);
    assert.equal(await rows.count(), 4);
    assert.match(await rows.nth(0).innerText(), /BTCUSDT-long\s+Liquidation price\s+5,930\.78[\s\S]*5,930\.78\s+0\.00\s+✓ agrees/);
    assert.match(await rows.nth(2).innerText(), /BTCUSDT-short\s+Liquidation price\s+7,189\.95[\s\S]*7,189\.96\s+0\.01\s+✓ agrees/);
    assert.match(await page.locator(`${PANEL} [role="status"]`).innerText(), /Imported 2 positions from 3 responses of binance-usdm/);
    const panelText = await page.locator(PANEL).innerText();
    assert.equal(expected.warnings.length, 2);
    for (const warning of expected.warnings) assert.ok(panelText.includes(warning), `the warning is shown: ${warning}`);
    assert.match(panelText, /4 figures of the venue's: all 4 agree with ours/);
    await assertAccessible(page, 'after the import');

    // Loaded as a pasted snapshot is: a new history entry, so Back shows the account before it; the
    // panel then says its table is of the account as imported.
    await page.goBack();
    await page.waitForFunction(() => !(globalThis as unknown as { location: { hash: string } }).location.hash.includes('s='));
    assert.equal(await urlSnapshot(page), undefined);
    await page.locator(`${PANEL} .banner.warn`, { hasText: 'changed since this import' }).waitFor();
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  test('picked files keep their names in the check and the warnings, and give the same report', async () => {
    const { page, errors } = await fresh();
    const expected = expectedImport(named(BINANCE, baseName));
    await page.getByLabel('Or pick the saved responses (JSON files)').setInputFiles(BINANCE);
    await page.locator(`${PANEL} .calc-import-picked`, { hasText: 'positionRisk-v2-isolated-hedge.json' }).waitFor();
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await waitForReport(page, expected.report);
    assert.deepStrictEqual(sorted(await readFigures(page, '[data-report]')), sorted(expected.report));
    assert.deepStrictEqual(sorted(await readFigures(page, PANEL)), sorted(checkFigures(expected.check)));
    assert.equal((await readFigures(page, PANEL)).get('import.check.0.source'), 'positionRisk-v2-isolated-hedge.json [0].liquidationPrice');
    assert.match(await page.locator(PANEL).innerText(), /positionRisk-v2-isolated-hedge\.json \[1\]\.entryPrice is "0\.00000"/);
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  test('a Hyperliquid clearinghouseState given as binance-usdm, or text that is not JSON: the problem in an alert, nothing loaded', async () => {
    const { page, errors } = await fresh();
    const example = sorted(await readFigures(page, '[data-report]'));
    await page.getByLabel('Venue of the responses').selectOption('binance-usdm');
    await page.getByLabel('Response 1 (JSON)').fill(text(CLEARINGHOUSE));
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    const alert = page.locator(`${PANEL} [role="alert"]`);
    await alert.waitFor();
    assert.match(await alert.innerText(),
      /Nothing was imported: one problem[\s\S]*response 1: this is hyperliquid data \(clearinghouseState[\s\S]*\), not binance-usdm data; binance-usdm accepts: positionRisk/);
    assert.equal(await alert.locator('li').count(), 1);
    assert.equal(await urlSnapshot(page), undefined, 'nothing loaded: the URL is the example\'s');
    assert.deepStrictEqual(sorted(await readFigures(page, '[data-report]')), example, 'nothing loaded: the report is the example\'s');
    assert.equal(await page.locator(`${PANEL} table`).count(), 0, 'no check table');
    await assertAccessible(page, 'with the problem shown');

    await page.getByLabel('Response 1 (JSON)').fill('{"symbol": "BTCUSDT",');
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.locator(`${PANEL} [role="alert"] li`, { hasText: /^response 1: not JSON: / }).waitFor();
    assert.equal(await urlSnapshot(page), undefined);
    assert.deepEqual(errors, []);
    await page.context().close();
  });
});
