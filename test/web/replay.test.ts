// The replay page (#/replay) against `stopout replay`: for every crash and every preset account, the
// scenario the page runs is written beside the crash's CSV and replayed by the built CLI, and every
// `events.N.*` and `summary.*` figure of the page must be the CLI's string, with one chart marker per
// margin call, liquidation, stop-loss fill, deficit and debt, at its event's time. Also: the presets
// are their examples/*.json accounts, the crash CSVs are what scripts/extract-crash-bars.mjs cuts
// from ../shared/data/history, a bad row of a person's own file shows the core's problem under the
// file field, and an edited account goes into the URL and comes back from it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { formatProblem, parsePriceFile, parseScenario, toDecimalString } from '../../src/core/index.js';
import { CRASHES, crashFileName, type Crash, type CrashPreset } from '../../src/web/data/crashes/crashes.js';
import { leaves, dataValue } from '../../src/web/lib/figures.js';
import { buildScenario, formFromPreset, type ScenarioJson } from '../../src/web/pages/replay/replay-form.js';
import { appUrl, browserSkipReason, launchBrowser, newContext, openPage, readFigures, ROOT, seriousViolations, settled } from '../support/browser.js';
import { assertNoCrash, stopout } from '../support/run-cli.js';

const CRASH_DIR = join(ROOT, 'src', 'web', 'data', 'crashes');
const HISTORY = resolve(ROOT, '..', 'shared', 'data', 'history');
const SKIP = browserSkipReason();

/** The events a chart marker stands for (the brief: margin call, liquidation or stop, deficit, debt). */
const MARKED = ['margin-call-issued', 'position-liquidated', 'stop-loss-filled', 'deficit-absorbed', 'debt-recorded'];

function crashText(crash: Crash): string {
  return readFileSync(join(CRASH_DIR, crashFileName(crash.id)), 'utf8');
}

/** The scenario the page builds for a preset: the fields of the preset over the crash's first bar. */
function presetScenario(crash: Crash, preset: CrashPreset): ScenarioJson {
  const bars = parsePriceFile(crashText(crash));
  assert.ok(bars.ok, `${crash.id}.csv reads`);
  const first = bars.value[0];
  assert.ok(first, `${crash.id}.csv has bars`);
  const built = buildScenario(formFromPreset(preset), { time: first.time, price: toDecimalString(first.open) }, crashFileName(crash.id));
  assert.ok(built.ok, `${crash.id} / ${preset.label} builds`);
  return built.scenario;
}

interface CliRun {
  readonly events: Record<string, string>[];
  readonly summary: unknown;
}

/** `stopout replay` (JSON lines) and `--summary` over a scenario written beside its price file. */
function replayByCli(scenario: ScenarioJson, priceFile: string): CliRun {
  const folder = mkdtempSync(join(tmpdir(), 'stopout-replay-web-'));
  try {
    const path = join(folder, 'scenario.json');
    writeFileSync(path, JSON.stringify(scenario, null, 2));
    copyFileSync(priceFile, join(folder, scenario.prices.file));
    const lines = stopout(['replay', path]);
    assertNoCrash(lines);
    assert.equal(lines.status, 0, lines.stderr);
    const summary = stopout(['replay', path, '--summary']);
    assert.equal(summary.status, 0, summary.stderr);
    return {
      events: lines.stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, string>),
      summary: JSON.parse(summary.stdout) as unknown,
    };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/** The figures a page must show for a CLI run: every leaf of every event line and of the summary. */
function expectedFigures(run: CliRun): Map<string, string> {
  return new Map([
    ...run.events.flatMap((event, index) => leaves(event, `events.${index}`)),
    ...leaves(run.summary, 'summary'),
  ].map(([path, leaf]) => [path, dataValue(leaf)]));
}

async function markersOf(page: Page): Promise<string[][]> {
  return page.$$eval('[aria-label="Chart markers"] li', (items) => items.map((item) => [item.getAttribute('data-marker-time') ?? '', item.getAttribute('data-marker-type') ?? '']));
}

async function assertPageMatches(page: Page, run: CliRun, context: string): Promise<void> {
  await settled(page);
  await page.waitForSelector('.replay-results [data-field^="summary."]');
  const shown = await readFigures(page, '.replay-results');
  const expected = expectedFigures(run);
  assert.deepEqual([...shown.entries()].sort(), [...expected.entries()].sort(), `${context}: the page's figures are the CLI's`);
  const eventCount = new Set([...shown.keys()].filter((path) => path.startsWith('events.')).map((path) => path.split('.')[1])).size;
  assert.equal(eventCount, run.events.length, `${context}: as many events as the CLI's`);
  const markers = run.events.filter((event) => MARKED.includes(event.type ?? '')).map((event) => [event.time ?? '', event.type ?? '']);
  assert.deepEqual(await markersOf(page), markers, `${context}: one chart marker per margin call, close, deficit and debt`);
}

describe('replay presets', () => {
  test('every preset is its example: the same account and commands, opening on the crash\'s first bar', () => {
    for (const crash of CRASHES) {
      for (const preset of crash.presets) {
        const example = JSON.parse(readFileSync(join(ROOT, 'examples', preset.example), 'utf8')) as ScenarioJson & { prices: { instrument: string } };
        const scenario = presetScenario(crash, preset);
        assert.deepEqual(scenario.account, example.account, `${preset.example}: account`);
        assert.deepEqual(scenario.commands, example.commands, `${preset.example}: commands`);
        assert.equal(scenario.prices.instrument, example.prices.instrument, `${preset.example}: instrument`);
        assert.ok(parseScenario(scenario).ok, `${preset.example}: the core reads the page's scenario`);
      }
    }
  });
});

describe('crash bars', () => {
  test('each crash has its CSV, read by the core\'s parsePriceFile, and no other file is there', () => {
    const csvs = readdirSync(CRASH_DIR).filter((name) => name.endsWith('.csv')).sort();
    assert.deepEqual(csvs, CRASHES.map((crash) => crashFileName(crash.id)).sort());
    for (const crash of CRASHES) {
      const bars = parsePriceFile(crashText(crash));
      assert.ok(bars.ok, `${crash.id}.csv: ${bars.ok ? '' : bars.error.map(formatProblem).join('; ')}`);
      assert.ok(crashText(crash).startsWith('time,open,high,low,close\n'), `${crash.id}.csv is in the project's layout`);
    }
  });

  test('re-running the extraction gives the committed CSVs byte for byte', { skip: existsSync(HISTORY) ? undefined : `no history data: ${HISTORY} is absent` }, () => {
    const out = mkdtempSync(join(tmpdir(), 'stopout-crash-bars-'));
    try {
      const run = spawnSync(process.execPath, [join(ROOT, 'scripts', 'extract-crash-bars.mjs'), '--history', HISTORY, '--out', out], { encoding: 'utf8' });
      assert.equal(run.status, 0, run.stderr);
      assert.deepEqual(readdirSync(out).sort(), CRASHES.map((crash) => crashFileName(crash.id)).sort());
      for (const crash of CRASHES) {
        const name = crashFileName(crash.id);
        assert.ok(readFileSync(join(out, name)).equals(readFileSync(join(CRASH_DIR, name))), `${name} is what the extraction writes`);
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});

describe('replay page', { skip: SKIP }, () => {
  let browser: Browser;
  before(async () => { browser = await launchBrowser(); });
  after(async () => { await browser?.close(); });

  for (const crash of CRASHES) {
    crash.presets.forEach((preset, index) => {
      test(`${crash.id}, preset ${index} (${preset.example}): every event and summary figure is the CLI's`, async () => {
        const scenario = presetScenario(crash, preset);
        const run = replayByCli(scenario, join(CRASH_DIR, crashFileName(crash.id)));
        const context = await newContext(browser, { width: 1280 });
        try {
          const { page, errors } = await openPage(context, appUrl(`#/replay?crash=${crash.id}&preset=${index}`));
          await assertPageMatches(page, run, preset.example);
          const shownScenario = JSON.parse(await page.textContent('#replay-scenario') ?? '') as unknown;
          assert.deepEqual(shownScenario, scenario, 'the scenario the page shows is the one the CLI ran');
          assert.deepEqual(errors, []);
        } finally {
          await context.close();
        }
      });
    });
  }

  test('a price file with a bad row shows the core\'s problem under the file field; a good one replays like the crash', async () => {
    const crash = CRASHES[0] as Crash;
    const context = await newContext(browser);
    try {
      const { page, errors } = await openPage(context, appUrl(`#/replay?crash=${crash.id}&preset=0`));
      await settled(page);
      await page.getByLabel('Prices', { exact: true }).selectOption({ label: 'Your own price file' });
      const good = crashText(crash);
      const bad = good.replace(/\n(2015-01-07T00:00:00Z),([\d.]+),([\d.]+),([\d.]+),([\d.]+)\n/, '\n$1,$2,$3,$4,abc\n');
      assert.notEqual(bad, good, 'the test broke one row');
      const expected = parsePriceFile(bad);
      assert.ok(!expected.ok);
      const file = page.locator('input[type=file]');
      await file.setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
      await page.waitForSelector('input[type=file][aria-invalid="true"]');
      const described = (await file.getAttribute('aria-describedby')) ?? '';
      const messages = await page.$$eval('small.error', (items) => items.map((item) => ({ id: item.id, text: item.textContent ?? '' })));
      const underFile = messages.filter((message) => described.split(' ').includes(message.id)).map((message) => message.text);
      assert.deepEqual(underFile, [expected.error.map(formatProblem).join('\n')], 'the core\'s problem, tied to the file field');
      assert.match(underFile[0] ?? '', /^line 4, close: must be a positive decimal, got "abc"/);

      await file.setInputFiles({ name: 'mine.csv', mimeType: 'text/csv', buffer: Buffer.from(good) });
      await page.waitForSelector('input[type=file]:not([aria-invalid])');
      const mine = { ...presetScenario(crash, crash.presets[0] as CrashPreset), prices: { file: 'mine.csv', instrument: 'USDCHF' } };
      await assertPageMatches(page, replayByCli(mine, join(CRASH_DIR, crashFileName(crash.id))), 'own file');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('an edit goes into the URL, comes back on reload, and a wrong field shows the core\'s message under it', async () => {
    const crash = CRASHES[1] as Crash;
    const context = await newContext(browser, { colorScheme: 'dark' });
    try {
      const { page, errors } = await openPage(context, appUrl(`#/replay?crash=${crash.id}&preset=0`));
      await settled(page);
      const quantity = page.getByLabel('Quantity', { exact: true });
      await quantity.fill('-3');
      const edited = { ...formFromPreset(crash.presets[0] as CrashPreset), quantity: '-3' };
      const first = parsePriceFile(crashText(crash));
      assert.ok(first.ok && first.value[0]);
      const built = buildScenario(edited, { time: first.value[0].time, price: toDecimalString(first.value[0].open) }, crashFileName(crash.id));
      assert.ok(built.ok);
      const problems = parseScenario(built.scenario);
      assert.ok(!problems.ok);
      const message = problems.error.filter((problem) => problem.path.startsWith('commands[0].position.quantity')).map(formatProblem).join('\n');
      assert.match(message, /^commands\[0\]\.position\.quantity: /);
      const errorId = await quantity.getAttribute('aria-describedby');
      assert.ok(errorId, 'the quantity field points at its error');
      assert.equal(await page.textContent(`[id="${errorId.split(' ')[0]}"]`), message);

      await quantity.fill('50000');
      await page.waitForFunction(() => (globalThis as unknown as { location: { hash: string } }).location.hash.includes('s='));
      await settled(page);
      const before = await readFigures(page, '.replay-results');
      await page.reload();
      await settled(page);
      await page.waitForSelector('.replay-results [data-field^="summary."]');
      assert.equal(await page.getByLabel('Quantity', { exact: true }).inputValue(), '50000');
      assert.deepEqual(await readFigures(page, '.replay-results'), before, 'the reloaded page shows the same figures');
      assert.equal(before.get('events.0.quantity'), '50000');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  for (const [width, colorScheme] of [[360, 'light'], [1280, 'dark']] as const) {
    test(`at ${width} px, ${colorScheme}: no serious axe violation, no page-wide horizontal scroll`, async () => {
      const context = await newContext(browser, { width, colorScheme });
      try {
        const { page, errors } = await openPage(context, appUrl('#/replay?crash=gbp-2016&preset=2'));
        await settled(page);
        await page.waitForSelector('.replay-results [data-field^="summary."]');
        // Before axe: from file://, axe's own fetch of the stylesheet logs a CORS error that is not the page's.
        assert.deepEqual(errors, [], 'the page logs no error');
        assert.deepEqual(await seriousViolations(page), []);
        const overflow = await page.evaluate(() => {
          const root = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document.documentElement;
          return root.scrollWidth - root.clientWidth;
        });
        assert.equal(overflow, 0, 'the page scrolls only vertically');
      } finally {
        await context.close();
      }
    });
  }
});
