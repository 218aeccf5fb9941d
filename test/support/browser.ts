/**
 * The browser tests' parts: Debian's Chromium driven by playwright-core (never a downloaded
 * browser), the built app in dist/web opened from file:// (the static build with no server) or from
 * a URL, axe-core run in the page, and screenshots under test-results/.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const CHROMIUM = process.env.STOPOUT_CHROMIUM ?? '/usr/bin/chromium';
/** The built app: dist/web, or STOPOUT_WEB_DIR (a build of one's own: `npx vite build --outDir DIR`). */
export const WEB_INDEX = join(process.env.STOPOUT_WEB_DIR ?? join(ROOT, 'dist', 'web'), 'index.html');
export const RESULTS = join(ROOT, 'test-results');

/** Why the browser tests cannot run here, or undefined when they can. */
export function browserSkipReason(): string | undefined {
  if (!existsSync(CHROMIUM)) return `no Chromium at ${CHROMIUM} (apt-get install -y chromium; .ci/run does)`;
  if (!existsSync(WEB_INDEX)) return 'dist/web is not built (npm run build:web; npm test builds it)';
  return undefined;
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

export interface ContextOptions {
  readonly width?: number;
  readonly height?: number;
  readonly colorScheme?: 'light' | 'dark';
}

/** A fresh context (its own sessionStorage) at a phone's width by default. */
export function newContext(browser: Browser, options: ContextOptions = {}): Promise<BrowserContext> {
  return browser.newContext({
    viewport: { width: options.width ?? 360, height: options.height ?? 800 },
    colorScheme: options.colorScheme ?? 'light',
    deviceScaleFactor: 1,
  });
}

/** The static build's URL for a hash route: `appUrl('#/calculator?s=…')`. */
export function appUrl(hash: string, base?: string): string {
  const page = base ?? pathToFileURL(WEB_INDEX).href;
  return `${page}${hash.startsWith('#') ? hash : `#${hash}`}`;
}

/**
 * A page that fails the test on any uncaught error or console error: the errors seen so far are
 * in `errors`, for an assertion at the end.
 */
export async function openPage(context: BrowserContext, url: string): Promise<{ page: Page; errors: string[] }> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => { if (message.type() === 'error') errors.push(`console: ${message.text()}`); });
  await page.goto(url);
  return { page, errors };
}

/** Every `data-field` under `scope` with its `data-value`, in document order. */
export async function readFigures(page: Page, scope = 'body'): Promise<Map<string, string>> {
  const pairs = await page.$$eval(`${scope} [data-field]`, (elements) => elements.map((element) => [element.getAttribute('data-field') ?? '', element.getAttribute('data-value') ?? ''] as [string, string]));
  const figures = new Map<string, string>();
  for (const [field, value] of pairs) {
    const seen = figures.get(field);
    if (seen !== undefined && seen !== value) throw new Error(`data-field ${field} shows two values: ${JSON.stringify(seen)} and ${JSON.stringify(value)}`);
    figures.set(field, value);
  }
  return figures;
}

/** Waits until no element under `scope` is aria-busy (spec/web.md: the figures are final then). */
export async function settled(page: Page, scope = 'body', timeout = 120_000): Promise<void> {
  await page.waitForFunction((selector) => {
    const dom = (globalThis as unknown as { document: { querySelector: (query: string) => unknown } }).document;
    return !dom.querySelector(`${selector} [aria-busy="true"]`) && !dom.querySelector(`${selector}[aria-busy="true"]`);
  }, scope, { timeout });
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly targets: readonly string[];
}

/** axe-core's serious and critical violations on the page as it is now. */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  // Evaluated through the DevTools protocol, not added as a <script>: the service's page forbids inline scripts (CSP).
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const page = globalThis as unknown as { document: unknown; axe: { run: (context: unknown, options: object) => Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[] }> } };
    // No preload: axe would fetch the stylesheets again, which a file:// page refuses (a console error).
    const result = await page.axe.run(page.document, { resultTypes: ['violations'], preload: false });
    return result.violations.map((violation) => ({ id: violation.id, impact: violation.impact, help: violation.help, targets: violation.nodes.slice(0, 5).map((node) => node.target.join(' ')) }));
  });
  return violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
}

/** Saves a full-page screenshot as test-results/NAME.png. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(RESULTS, { recursive: true });
  const path = join(RESULTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };

/** Every leaf of a JSON value: dotted path -> text as data-value writes it (strings as-is, null as ''). */
export function leafTexts(value: unknown, prefix = '', into = new Map<string, string>()): Map<string, string> {
  const json = value as Json;
  if (json === null || typeof json !== 'object') {
    into.set(prefix, json === null ? '' : typeof json === 'string' ? json : JSON.stringify(json));
    return into;
  }
  const entries = Array.isArray(json) ? json.map((item, index) => [String(index), item] as const) : Object.entries(json);
  for (const [key, item] of entries) leafTexts(item, prefix ? `${prefix}.${key}` : key, into);
  return into;
}

/** Figures as an object sorted by path, for a readable deep comparison. */
export const sortedFigures = (figures: ReadonlyMap<string, string>): Record<string, string> =>
  Object.fromEntries([...figures].sort(([a], [b]) => a.localeCompare(b)));

/** The snapshot the calculator keeps in its URL (`#/calculator?s=` base64url JSON). */
export async function urlSnapshot(page: Page): Promise<unknown> {
  const hash = String(await page.evaluate('location.hash'));
  const encoded = new URLSearchParams(hash.slice(hash.indexOf('?') + 1)).get('s');
  assert.ok(encoded, `the URL carries the snapshot: ${hash}`);
  return JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8')) as unknown;
}

// The focused element's name as a keyboard user meets it: "Position 2 (eth) › Quantity", "Venue", "Add a position".
export const ACTIVE_NAME = `(() => {
  const element = document.activeElement;
  if (!element || element === document.body) return '';
  const fieldset = element.closest('fieldset');
  const legend = fieldset && fieldset.querySelector('legend') ? fieldset.querySelector('legend').textContent.trim() + ' › ' : '';
  const label = element.labels && element.labels.length ? element.labels[0].textContent : (element.getAttribute('aria-label') || element.textContent || '');
  return legend + label.trim();
})()`;

/** Presses Tab until the focused element's name matches (the page is walked in its own order). */
export async function tabTo(page: Page, name: RegExp): Promise<void> {
  for (let presses = 0; presses < 400; presses += 1) {
    if (name.test(String(await page.evaluate(ACTIVE_NAME)))) return;
    await page.keyboard.press('Tab');
  }
  assert.fail(`no element named ${String(name)} reached with Tab`);
}

/** Replaces the focused field's text by typing (an empty text deletes it). */
export async function typeOver(page: Page, text: string): Promise<void> {
  await page.keyboard.press('ControlOrMeta+A');
  if (text === '') await page.keyboard.press('Delete');
  else await page.keyboard.type(text);
}

/** Chooses an option of the focused select with the arrow keys. */
export async function choose(page: Page, value: string): Promise<void> {
  const state = JSON.parse(String(await page.evaluate(`JSON.stringify({ value: document.activeElement.value, options: [...document.activeElement.options].map((option) => option.value) })`))) as { value: string; options: string[] };
  const from = state.options.indexOf(state.value);
  const to = state.options.indexOf(value);
  assert.ok(to >= 0, `option ${value} among ${state.options.join(', ')}`);
  for (let step = 0; step < Math.abs(to - from); step += 1) await page.keyboard.press(to > from ? 'ArrowDown' : 'ArrowUp');
  assert.equal(await page.evaluate('document.activeElement.value'), value, 'the select took the option');
}

/** Waits (bounded) until the report shows exactly `expected`; the assertion that follows shows any difference. */
async function waitForFigures(page: Page, expected: ReadonlyMap<string, string>): Promise<void> {
  await page.waitForFunction((entries) => {
    const dom = (globalThis as unknown as { document: { querySelectorAll: (query: string) => ArrayLike<{ getAttribute: (name: string) => string | null }> } }).document;
    const seen = new Map(Array.from(dom.querySelectorAll('[data-report] [data-field]')).map((node) => [node.getAttribute('data-field'), node.getAttribute('data-value')]));
    return seen.size === entries.length && entries.every(([field, value]) => seen.get(field) === value);
  }, [...expected], { timeout: 15_000 }).catch(() => undefined);
}

/** The page's report shows exactly these figures (field -> text), no more and no fewer. */
export async function assertReportShows(page: Page, expected: ReadonlyMap<string, string>, label: string): Promise<void> {
  await waitForFigures(page, expected);
  assert.deepStrictEqual(sortedFigures(await readFigures(page, '[data-report]')), sortedFigures(expected), label);
}
