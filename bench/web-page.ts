// `npm run bench`: the web app's own figures (issue 10).
//
// 1. The JavaScript the calculator route loads, gzipped: the page opened from `stopout serve` (in this
//    process) in Chromium, every .js response gzipped at level 9 and summed (the module build: the
//    other pages' chunks are not loaded). Beside it, the offline build's one script (what a page
//    opened from file:// loads); the ratio is against the 150 kB budget.
// 2. Keystroke to updated figures on a three-position cross account (binance-usdm, BTCUSDT and
//    ETHUSDT): in Chromium, from the keydown of a digit typed into the balance field to the next frame
//    after the report's `account.equity` figure changed; p50 and p95 over the keystrokes. The
//    baseline, measured in the same run, is the core alone: `reportFromJson` of the same snapshot in
//    Node (the page computes that report and the analysis panels' reports on each keystroke).
// The last line is JSON: {"web": {"bundleGzipBytes", "offlineGzipBytes", "budgetRatio", "keystrokeP50Ms", "keystrokeP95Ms", "coreReportMs", "ratio"}}.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { reportFromJson } from '../src/core/index.js';
import { encodeState } from '../src/web/lib/url-state.js';
import { appUrl, browserSkipReason, launchBrowser, newContext, openPage, WEB_INDEX } from '../test/support/browser.js';
import { startInProcess } from '../test/support/service-harness.js';
import { THREE_POSITION_CROSS } from '../test/support/web-accounts.js';
import { whole } from './flags.js';

const KEYSTROKES = whole('keystrokes', 60);
const BUDGET_BYTES = 150 * 1024;

const account = THREE_POSITION_CROSS;

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
}

const gzipped = (bytes: Buffer): number => gzipSync(bytes, { level: 9 }).length;

/** The .js files the calculator's route loads over http, and their gzipped sizes. */
async function calculatorScripts(): Promise<Map<string, number>> {
  const service = await startInProcess();
  const browser = await launchBrowser();
  try {
    const context = await newContext(browser, { width: 1280 });
    const page = await context.newPage();
    const scripts = new Map<string, number>();
    const bodies: Promise<void>[] = [];
    page.on('response', (response) => {
      if (!new URL(response.url()).pathname.endsWith('.js')) return;
      bodies.push(response.body().then((body) => { scripts.set(new URL(response.url()).pathname, gzipped(body)); }));
    });
    await page.goto(`${service.running.url}/#/calculator?s=${encodeState(account)}`);
    await page.waitForSelector('[data-report] [data-field="account.equity"]');
    await Promise.all(bodies);
    return scripts;
  } finally {
    await browser.close();
    await service.stop();
  }
}

function coreReportMs(): number {
  for (let i = 0; i < 50; i++) reportFromJson(account);
  const times: number[] = [];
  for (let i = 0; i < 200; i++) {
    const start = performance.now();
    reportFromJson({ ...account, account: { ...account.account, balance: String(25000 + i) } });
    times.push(performance.now() - start);
  }
  return quantile(times.sort((a, b) => a - b), 0.5);
}

async function keystrokes(): Promise<number[]> {
  const browser = await launchBrowser();
  try {
    const context = await newContext(browser, { width: 1280 });
    const { page, errors } = await openPage(context, appUrl(`#/calculator?s=${encodeState(account)}`));
    await page.waitForSelector('[data-report] [data-field="account.equity"]');
    // A string, not a function: tsx would wrap the function's inner names in a helper the page lacks.
    await page.evaluate(`(() => {
      const state = { start: 0, seen: null, times: [] };
      window.__keystroke = state;
      const equity = () => document.querySelector('[data-report] [data-field="account.equity"]')?.getAttribute('data-value') ?? null;
      state.seen = equity();
      document.addEventListener('keydown', () => { state.start = performance.now(); }, true);
      new MutationObserver(() => {
        const now = equity();
        if (now === state.seen || state.start === 0) return;
        state.seen = now;
        const start = state.start;
        state.start = 0;
        requestAnimationFrame(() => state.times.push(performance.now() - start));
      }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-value'], childList: true });
    })()`);
    const balance = page.getByLabel('Balance', { exact: true });
    await balance.focus();
    await page.keyboard.press('End');
    for (let i = 0; i < KEYSTROKES; i++) {
      const before = await page.evaluate(() => (globalThis as unknown as { __keystroke: { times: number[] } }).__keystroke.times.length);
      await page.keyboard.press(i % 2 === 0 ? '7' : 'Backspace');
      await page.waitForFunction((count) => (globalThis as unknown as { __keystroke: { times: number[] } }).__keystroke.times.length > count, before);
    }
    if (errors.length) throw new Error(errors.join('\n'));
    return await page.evaluate(() => (globalThis as unknown as { __keystroke: { times: number[] } }).__keystroke.times);
  } finally {
    await browser.close();
  }
}

const skip = browserSkipReason();
if (skip) {
  console.log(`web benchmark skipped: ${skip}`);
} else {
  const scripts = await calculatorScripts();
  const gzipBytes = [...scripts.values()].reduce((total, size) => total + size, 0);
  const offlineBytes = gzipped(readFileSync(join(WEB_INDEX, '..', 'offline', 'app.js')));
  const core = coreReportMs();
  const times = (await keystrokes()).sort((a, b) => a - b);
  const p50 = quantile(times, 0.5);
  const p95 = quantile(times, 0.95);
  console.log('\nweb app');
  console.log(`  JavaScript the calculator loads, gzipped  ${(gzipBytes / 1024).toFixed(1)} kB in ${scripts.size} files   (budget 150 kB: ${(gzipBytes / BUDGET_BYTES).toFixed(2)} of it)`);
  console.log(`  the whole app as one script (file://)     ${(offlineBytes / 1024).toFixed(1)} kB`);
  console.log(`  keystroke to updated figures (${times.length} keystrokes, 3-position cross account)  p50 ${p50.toFixed(1)} ms   p95 ${p95.toFixed(1)} ms`);
  console.log(`  baseline: the core's report alone, in Node  ${core.toFixed(2)} ms   (keystroke p50 / core: ${(p50 / core).toFixed(1)})`);
  console.log(JSON.stringify({ web: { bundleGzipBytes: gzipBytes, offlineGzipBytes: offlineBytes, budgetRatio: gzipBytes / BUDGET_BYTES, keystrokes: times.length, keystrokeP50Ms: p50, keystrokeP95Ms: p95, coreReportMs: core, ratio: p50 / core } }));
}
