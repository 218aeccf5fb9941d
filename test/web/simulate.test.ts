// The simulator page (#/simulate, spec/web.md) against `stopout simulate --json` (spec/simulate.md).
//
// In Node: the page's runner (src/web/lib/simulation-runner.ts) over the worker's own handler run
// in-process, its messages cloned as postMessage clones them, gives the results of the CLI's runner
// on 1 and 3 workers, with the blocks arriving out of order; a cancel stops every worker.
// In Chromium (the static build from file://): a link with `&run=1` shows every leaf of the CLI's
// results as data-field / data-value, on one block and on many shared by the workers; a bootstrap
// reads the price file the user picks; the core's problems appear under their fields; Cancel stops
// a run and leaves no figure.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { formatProblem } from '../../src/core/index.js';
import { BLOCK_PATHS, blockCount, runBlock } from '../../src/sim/blocks.js';
import { prepare } from '../../src/sim/prepare.js';
import { runSimulation } from '../../src/sim/run.js';
import { combine } from '../../src/sim/statistics.js';
import { leaves } from '../../src/web/lib/figures.js';
import { decodeState, encodeState } from '../../src/web/lib/url-state.js';
import { runInWorkers, type StartBlockWorker } from '../../src/web/lib/simulation-runner.js';
import { blockWorkerHandler, type FromBlockWorker, type ToBlockWorker } from '../../src/web/workers/simulation-worker.js';
import { appUrl, browserSkipReason, launchBrowser, newContext, openPage, readFigures, seriousViolations, settled } from '../support/browser.js';
import { stopout } from '../support/run-cli.js';

const ACCOUNT = {
  venue: 'binance-usdm',
  account: { currency: 'USDT', balance: '10000' },
  positions: [{ id: 'btc', instrument: 'BTCUSDT', side: 'long', quantity: '1', entryPrice: '100000', leverage: '10' }],
  marks: { BTCUSDT: '100000' },
};

const SMALL = {
  account: ACCOUNT,
  model: { type: 'gbm', volatility: '0.8', drift: '0', daysPerYear: '365' },
  horizonDays: '7', steps: 24, paths: 2000, seed: 7,
  variants: [{ name: '20x', leverage: '20', quantity: '2' }, { name: 'isolated 2000', isolatedMargin: '2000' }],
};

/** Several blocks (the last one short), jumps, weekend gaps, funds added on a call, a stop and negative balance protection. */
const MANY = {
  account: { ...ACCOUNT, venue: 'mt5-standard', account: { currency: 'USD', balance: '1000' }, positions: [{ id: 'eu', instrument: 'EURUSD', side: 'long', quantity: '50000', entryPrice: '1.08', leverage: '100' }], marks: { EURUSD: '1.08' } },
  model: { type: 'gbm', volatility: '0.09', drift: '0', daysPerYear: '260', jumps: { intensity: '6', mean: '-0.01', stdev: '0.012' }, gaps: { every: 'weekend', stdev: '0.008' } },
  horizonDays: '30', steps: 48, paths: 6 * BLOCK_PATHS + 7, seed: 11,
  policy: { onMarginCall: 'add-funds', amount: '500' },
  variants: [
    { name: 'protected', venue: { extends: 'mt5-standard', negativeBalanceProtection: true } },
    { name: 'stop 30 %', stopLossPercent: '0.3' },
    { name: '30x', leverage: '30' },
  ],
};

function cliResults(input: unknown, files: Readonly<Record<string, string>> = {}): unknown {
  const folder = mkdtempSync(join(tmpdir(), 'stopout-web-sim-'));
  try {
    for (const [name, text] of Object.entries(files)) writeFileSync(join(folder, name), text);
    writeFileSync(join(folder, 'sim.json'), JSON.stringify(input));
    const run = stopout(['simulate', join(folder, 'sim.json'), '--json']);
    assert.equal(run.status, 0, run.stderr);
    return JSON.parse(run.stdout) as unknown;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/**
 * Workers run in-process: the worker's own handler, every message cloned as postMessage clones it.
 * Worker k answers after `lag(k)` turns of the event loop, so blocks arrive out of index order.
 */
function inProcess(arrivals: number[], stopped: number[], lag: (worker: number) => number): StartBlockWorker {
  let started = 0;
  return (events) => {
    const worker = started++;
    let alive = true;
    const later = (turns: number, action: () => void): void => {
      if (turns === 0) action();
      else setImmediate(() => later(turns - 1, action));
    };
    const handle = blockWorkerHandler((message: FromBlockWorker) => later(lag(worker), () => {
      if (!alive) return;
      if (message.type === 'block') arrivals.push(message.result.block);
      events.message(structuredClone(message));
    }));
    return {
      send: (message: ToBlockWorker) => setImmediate(() => { if (alive) handle(structuredClone(message)); }),
      stop: () => { alive = false; stopped.push(worker); },
    };
  };
}

describe('the page\'s simulation runner (in Node)', () => {
  test('combine gives the same results for blocks in any order', () => {
    const prepared = prepare(MANY);
    assert.ok(prepared.ok);
    const blocks = Array.from({ length: blockCount(prepared.value.paths) }, (_, index) => runBlock(prepared.value, index));
    const shuffled = [...blocks.filter((_, index) => index % 2 === 1).reverse(), ...blocks.filter((_, index) => index % 2 === 0)];
    assert.deepEqual(combine(prepared.value, shuffled), combine(prepared.value, blocks));
  });

  test('on 1 and 3 workers, with blocks out of order, it gives the results of the CLI\'s runner', async () => {
    const reference = await runSimulation(MANY, undefined, { workers: 1 });
    assert.ok(reference.ok);
    for (const workers of [1, 3]) {
      const arrivals: number[] = [];
      const stopped: number[] = [];
      const progress: number[] = [];
      const run = await runInWorkers(MANY, undefined, {
        workers, start: inProcess(arrivals, stopped, (worker) => 2 * (workers - worker)), onProgress: (done) => progress.push(done),
      });
      assert.equal(run.status, 'done');
      assert.ok(run.status === 'done');
      assert.deepEqual(run.results, reference.value, `${workers} workers`);
      assert.equal(run.workers, workers);
      assert.deepEqual([...arrivals].sort((a, b) => a - b), Array.from({ length: blockCount(MANY.paths) }, (_, index) => index));
      if (workers > 1) assert.notDeepEqual(arrivals, [...arrivals].sort((a, b) => a - b), 'the blocks arrived in index order: the test proves nothing');
      assert.equal(progress.at(-1), MANY.paths);
      assert.deepEqual(run.blocks.map((block) => block.block), arrivals.map((_, index) => index));
      assert.equal(stopped.length, workers, 'every worker is stopped at the end');
    }
  });

  test('an input with problems starts no worker and gives the core\'s problems', async () => {
    const stopped: number[] = [];
    const run = await runInWorkers({ ...SMALL, steps: '24' }, undefined, { workers: 2, start: inProcess([], stopped, () => 0) });
    assert.equal(run.status, 'invalid');
    assert.ok(run.status === 'invalid');
    assert.deepEqual(run.problems.map((problem) => problem.path), ['steps']);
    assert.deepEqual(stopped, []);
  });

  test('cancelling stops every worker and gives no results', async () => {
    const controller = new AbortController();
    const stopped: number[] = [];
    const run = runInWorkers({ ...MANY, paths: 100 * BLOCK_PATHS }, undefined, {
      workers: 2, start: inProcess([], stopped, () => 0), signal: controller.signal,
      onProgress: (done) => { if (done >= 2 * BLOCK_PATHS) controller.abort(); },
    });
    assert.deepEqual(await run, { status: 'cancelled' });
    assert.deepEqual(stopped.sort(), [0, 1]);
  });
});

/** Every leaf of the CLI's results is a figure of the page with the same value, and the page shows no other. */
async function assertFiguresMatch(page: Page, expected: unknown): Promise<void> {
  const figures = await readFigures(page, '.sim-results');
  const want = new Map(leaves(expected).map(([path, leaf]) => [path, leaf === null ? '' : typeof leaf === 'string' ? leaf : JSON.stringify(leaf)]));
  assert.ok(want.size > 40, `the results have ${want.size} leaves`);
  for (const [path, value] of want) assert.equal(figures.get(path), value, `data-field ${path}`);
  assert.deepEqual([...figures.keys()].filter((path) => !want.has(path)), [], 'figures that are not leaves of the results');
}

/** No page error, then no serious or critical axe violation (errors first: from file://, axe's own fetch of the stylesheet logs a CORS error). */
async function assertCleanAndAccessible(page: Page, errors: readonly string[]): Promise<void> {
  assert.deepEqual(errors, []);
  assert.deepEqual(await seriousViolations(page), []);
}

async function noPageWideScroll(page: Page): Promise<void> {
  const [scroll, client] = await page.evaluate(() => {
    const root = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document.documentElement;
    return [root.scrollWidth, root.clientWidth];
  });
  assert.ok(scroll <= client, `the page scrolls sideways: ${scroll} > ${client}`);
}

describe('the simulator page', { skip: browserSkipReason() }, () => {
  let browser: Browser;
  before(async () => { browser = await launchBrowser(); });
  after(async () => { await browser?.close(); });

  test('a link with run=1 shows every figure of `stopout simulate --json`, at 360 px, light', async () => {
    const expected = cliResults(SMALL);
    const context = await newContext(browser, { width: 360 });
    const { page, errors } = await openPage(context, appUrl(`#/simulate?s=${encodeState(SMALL)}&run=1`));
    await settled(page);
    await assertFiguresMatch(page, expected);
    await noPageWideScroll(page);
    await assertCleanAndAccessible(page, errors);
    await context.close();
  });

  test('more paths than a block: the workers share the blocks and the figures are the CLI\'s, at 1280 px, dark', async () => {
    const expected = cliResults(MANY);
    const context = await newContext(browser, { width: 1280, colorScheme: 'dark' });
    const { page, errors } = await openPage(context, appUrl(`#/simulate?s=${encodeState(MANY)}&run=1`));
    await settled(page);
    await assertFiguresMatch(page, expected);
    const cores = await page.evaluate(() => (globalThis as unknown as { navigator: { hardwareConcurrency: number } }).navigator.hardwareConcurrency);
    const workers = Math.max(1, Math.min(cores, blockCount(MANY.paths)));
    assert.match(await page.locator('.sim-results').innerText(), new RegExp(`Run on ${workers} web workers?;`));
    await assertCleanAndAccessible(page, errors);
    await context.close();
  });

  test('a bootstrap reads the price file the user picks, and gives the CLI\'s figures for that file', async () => {
    const start = Date.parse('2026-01-01T00:00:00Z');
    const rows = Array.from({ length: 240 }, (_, hour) => {
      const price = (100000 + 1500 * Math.sin(hour / 7) + 40 * ((hour * 37) % 11)).toFixed(1);
      return `${new Date(start + hour * 3_600_000).toISOString()},${price}`;
    });
    const csv = `time,price\n${rows.join('\n')}\n`;
    const input = { ...SMALL, model: { type: 'bootstrap', file: 'prices.csv', block: 6 }, horizonDays: undefined, steps: 48, paths: 1500, seed: 3 };
    const expected = cliResults(input, { 'prices.csv': csv });
    const context = await newContext(browser, { width: 1280 });
    const { page, errors } = await openPage(context, appUrl(`#/simulate?s=${encodeState(input)}`));
    assert.equal(await page.getByRole('button', { name: 'Run', exact: true }).isDisabled(), true, 'no file yet: nothing to run');
    await page.getByLabel(/^Price file/).setInputFiles({ name: 'prices.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await settled(page);
    await assertFiguresMatch(page, expected);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('the leverage sweep fills the variants the venue accepts, the URL holds them, and the results draw the margin window', async () => {
    const context = await newContext(browser, { width: 360 });
    const { page, errors } = await openPage(context, appUrl(`#/simulate?s=${encodeState({ ...SMALL, variants: [] })}`));
    await page.getByRole('button', { name: 'Fill the variants with the sweep' }).click();
    const note = await page.getByRole('status').filter({ hasText: 'filled in' }).innerText();
    assert.match(note, /^5 variants filled in\. Left out, as the venue refuses them: 100x: makes the account invalid: account\.positions\[0\]\.leverage: /);
    const encoded = new URL(page.url()).hash.match(/[?&]s=([^&]+)/)?.[1] ?? '';
    const shown = decodeState(encoded);
    assert.ok(shown.ok);
    assert.deepEqual((shown.value as typeof SMALL).variants, [
      { name: '2x', leverage: '2', quantity: '0.2' }, { name: '5x', leverage: '5', quantity: '0.5' }, { name: '10x', leverage: '10', quantity: '1' },
      { name: '20x', leverage: '20', quantity: '2' }, { name: '50x', leverage: '50', quantity: '5' },
    ]);
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await settled(page);
    await assertFiguresMatch(page, cliResults(shown.value));
    assert.equal(await page.getByRole('img', { name: /^The margin window/ }).count(), 1);
    await noPageWideScroll(page);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('the core\'s problems appear under their fields, and a link with problems runs nothing', async () => {
    const input = { ...SMALL, steps: '24', variants: [{ name: '20x', leverage: '-3' }] };
    const prepared = prepare(input);
    assert.ok(!prepared.ok);
    const context = await newContext(browser, { width: 360 });
    const { page, errors } = await openPage(context, appUrl(`#/simulate?s=${encodeState(input)}&run=1`));
    await settled(page);
    for (const [label, path] of [['Steps (observations a path)', 'steps'], ['Leverage', 'variants[0].leverage']] as const) {
      const problem = prepared.error.find((entry) => entry.path === path);
      assert.ok(problem, `the core finds a problem at ${path}`);
      const field = page.getByLabel(label, { exact: true });
      assert.equal(await field.getAttribute('aria-invalid'), 'true');
      const described = (await field.getAttribute('aria-describedby')) ?? '';
      const messages = await Promise.all(described.split(' ').map((id) => page.locator(`[id="${id}"]`).innerText()));
      assert.ok(messages.some((message) => message.includes(formatProblem(problem))), `${path}: ${messages.join(' | ')}`);
    }
    assert.equal(await page.getByRole('button', { name: 'Run', exact: true }).isDisabled(), true);
    assert.deepEqual([...(await readFigures(page))], []);
    await assertCleanAndAccessible(page, errors);
    await context.close();
  });

  test('Cancel stops a long run: the results are no longer busy and show no figure', async () => {
    const input = { ...SMALL, steps: 1000, paths: 5_000_000 };
    const context = await newContext(browser, { width: 1280 });
    const { page, errors } = await openPage(context, appUrl(`#/simulate?s=${encodeState(input)}&run=1`));
    assert.equal(await page.locator('.sim-results').getAttribute('aria-busy'), 'true');
    await page.getByRole('status').filter({ hasText: 'Paths simulated' }).waitFor();
    await page.getByRole('button', { name: 'Cancel' }).click();
    await settled(page);
    assert.match(await page.locator('.sim-results').innerText(), /Cancelled/);
    assert.deepEqual([...(await readFigures(page))], []);
    assert.deepEqual(errors, []);
    await context.close();
  });
});
