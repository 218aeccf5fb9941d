// The simulator in the browser against the simulator in Node: paths per second on the same input
// and the same number of workers (2).
//
// The input: 7 days of hourly GBM with Merton jumps (sigma 0.8, 4 jumps a year of log size
// N(-5 %, 8 %)) through a Binance USDⓈ-M cross account (BTCUSDT long 1 at 20x) and the same position
// isolated with 3,000 (bench/simulate.ts's accounts).
// - Browser: the built app (dist/web, or STOPOUT_WEB_DIR) from file:// in Chromium, its web workers
//   held to 2 (navigator.hardwareConcurrency reads 2); the time from the click on Run to the results
//   losing aria-busy (every path run, the blocks combined, the figures drawn), by performance.now in
//   the page. The second of two runs (the page's code warm; the workers are started for each run).
// - Baseline: `runSimulation` of the built simulator (dist/sim) in Node, on 2 worker threads started
//   for the run, the second of two runs likewise.
// Both must give the same results (the page's figures are the CLI's JSON, leaf for leaf).
// The last line is JSON: {"webSimulate": {"paths", "steps", "workers", "browserPathsPerSecond",
// "nodePathsPerSecond", "ratio", "agree"}} with ratio = browser / Node.
// `--web-sim-paths N` (default 100,000) and `--web-sim-steps N` (default 168) change the input.
import { performance } from 'node:perf_hooks';
import type * as Run from '../src/sim/run.js';
import { leaves } from '../src/web/lib/figures.js';
import { encodeState } from '../src/web/lib/url-state.js';
import { appUrl, browserSkipReason, launchBrowser, newContext, openPage, readFigures } from '../test/support/browser.js';
import { whole } from './flags.js';

// The built simulator, so worker threads load plain JavaScript as they do for users (bench/simulate.ts).
const { runSimulation } = (await import(new URL('../dist/sim/run.js', import.meta.url).href)) as typeof Run;

const PATHS = whole('web-sim-paths', 100_000);
const STEPS = whole('web-sim-steps', 168);
const WORKERS = 2;
const RUNS = 2;

const simulation = {
  account: {
    venue: 'binance-usdm',
    account: { currency: 'USDT', balance: '10000' },
    positions: [{ id: 'btc', instrument: 'BTCUSDT', side: 'long', quantity: '1', entryPrice: '60000', leverage: '20' }],
    marks: { BTCUSDT: '60000' },
  },
  model: { type: 'gbm', volatility: '0.8', drift: '0', daysPerYear: '365', jumps: { intensity: '4', mean: '-0.05', stdev: '0.08' } },
  horizonDays: '7', steps: STEPS, paths: PATHS, seed: 2026,
  variants: [{ name: 'isolated', isolatedMargin: '3000' }],
};

async function nodeSeconds(): Promise<{ seconds: number; results: unknown }> {
  let last = { seconds: Number.NaN, results: undefined as unknown };
  for (let run = 0; run < RUNS; run++) {
    const started = performance.now();
    const result = await runSimulation(simulation, undefined, { workers: WORKERS });
    const seconds = (performance.now() - started) / 1000;
    if (!result.ok) throw new Error(result.error.map((problem) => `${problem.path}: ${problem.message}`).join('\n'));
    last = { seconds, results: result.value };
  }
  return last;
}

// A string, not a function: tsx would wrap a function's inner names in a helper the page lacks.
const TIME_A_RUN = `new Promise((resolve) => {
  const results = document.querySelector('.sim-results');
  const run = [...document.querySelectorAll('button')].find((button) => button.textContent.trim() === 'Run');
  let busy = false;
  const started = performance.now();
  new MutationObserver((changes, observer) => {
    if (results.getAttribute('aria-busy') === 'true') { busy = true; return; }
    if (!busy) return;
    observer.disconnect();
    requestAnimationFrame(() => resolve(performance.now() - started));
  }).observe(results, { attributes: true, attributeFilter: ['aria-busy'] });
  run.click();
})`;

async function browserSeconds(): Promise<{ seconds: number; figures: Map<string, string> }> {
  const browser = await launchBrowser();
  try {
    const context = await newContext(browser, { width: 1280 });
    await context.addInitScript(`Object.defineProperty(Navigator.prototype, 'hardwareConcurrency', { get: () => ${WORKERS} });`);
    const { page, errors } = await openPage(context, appUrl(`#/simulate?s=${encodeState(simulation)}`));
    await page.getByRole('button', { name: 'Run', exact: true }).waitFor();
    let milliseconds = Number.NaN;
    for (let run = 0; run < RUNS; run++) milliseconds = (await page.evaluate(TIME_A_RUN)) as number;
    const workers = await page.locator('.sim-results').innerText();
    if (!workers.includes(`Run on ${WORKERS} web workers`)) throw new Error(`the page did not run on ${WORKERS} workers:\n${workers}`);
    if (errors.length) throw new Error(errors.join('\n'));
    return { seconds: milliseconds / 1000, figures: await readFigures(page, '.sim-results') };
  } finally {
    await browser.close();
  }
}

const skip = browserSkipReason();
if (skip) {
  console.log(`web simulator benchmark skipped: ${skip}`);
} else {
  process.stderr.write(`simulator in the browser and in Node: ${PATHS} paths × ${STEPS} steps, GBM + jumps, cross and isolated, ${WORKERS} workers\n`);
  const node = await nodeSeconds();
  const page = await browserSeconds();
  const want = leaves(node.results).map(([path, leaf]) => [path, leaf === null ? '' : typeof leaf === 'string' ? leaf : JSON.stringify(leaf)] as const);
  const agree = want.every(([path, value]) => page.figures.get(path) === value) && page.figures.size === want.length;
  const browserPerSecond = PATHS / page.seconds;
  const nodePerSecond = PATHS / node.seconds;
  console.table([
    { measure: `browser: web workers (${WORKERS}), Run to final figures`, seconds: Number(page.seconds.toFixed(3)), 'paths/s': Math.round(browserPerSecond) },
    { measure: `Node: runSimulation, ${WORKERS} worker threads (baseline)`, seconds: Number(node.seconds.toFixed(3)), 'paths/s': Math.round(nodePerSecond) },
  ]);
  console.log(`browser / Node: ${(browserPerSecond / nodePerSecond).toFixed(2)}; the same figures: ${agree}`);
  console.log(JSON.stringify({
    webSimulate: {
      paths: PATHS, steps: STEPS, workers: WORKERS, browserSeconds: page.seconds, nodeSeconds: node.seconds,
      browserPathsPerSecond: Math.round(browserPerSecond), nodePathsPerSecond: Math.round(nodePerSecond),
      ratio: Number((browserPerSecond / nodePerSecond).toFixed(2)), agree,
    },
  }));
  if (!agree) process.exitCode = 1;
}
