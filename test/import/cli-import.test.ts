// `stopout import` as a user runs it (issue 11, "What a user can do"): saved responses in, a snapshot
// out that `stopout report -` takes; `--check` with the venue's figures beside ours; live fetches by
// address and with a key against the loopback venue server; bad input as exit 2, nothing on standard
// output, one line per problem naming the file and the field. Spawns the built CLI (npm test builds it).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { reportFromJson } from '../../src/core/index.js';
import { importAccount } from '../../src/import/index.js';
import { CLI_MAIN, REPO_ROOT, stopout, assertNoCrash, type Run } from '../support/run-cli.js';
import {
  BINANCE_TEST_CREDENTIALS, HYPERLIQUID_TEST_ADDRESS, IMPORT_FIXTURES, startVenueServer, type VenueServer,
} from '../support/venue-server.js';
import { readFileSync } from 'node:fs';

const fixture = (path: string): string => join(IMPORT_FIXTURES, path);
const BINANCE = [fixture('binance-usdm/positionRisk-v2-isolated-hedge.json'), fixture('binance-usdm/leverageBracket-btcusdt-implied.json'), fixture('binance-usdm/exchangeInfo-older-docs.json')];
const MT5 = [fixture('mt5/b-account.json'), fixture('mt5/b-positions.json'), fixture('mt5/b-symbols.json')];

/** The CLI run asynchronously, so a loopback server in this process can answer it. */
function stopoutAsync(args: readonly string[], env: Record<string, string> = {}, stdin = ''): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_MAIN, ...args], { cwd: REPO_ROOT, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString('utf8'); });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString('utf8'); });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

const fileValues = (paths: readonly string[]) => paths.map((path) => ({ name: path, value: JSON.parse(readFileSync(path, 'utf8')) as unknown }));

describe('stopout import, saved files', () => {
  test('binance-usdm | stopout report -: the same figures as the core gives for the imported snapshot', () => {
    const imported = stopout(['import', 'binance-usdm', ...BINANCE]);
    assert.equal(imported.status, 0, imported.stderr);
    assertNoCrash(imported);
    assert.match(imported.stderr, /^warning: .*entryPrice is "0\.00000" on an open position/m);
    const report = stopout(['report', '-'], imported.stdout);
    assert.equal(report.status, 0, report.stderr);
    const expected = importAccount('binance-usdm', fileValues(BINANCE));
    assert.ok(expected.ok);
    const core = reportFromJson(expected.value.snapshot);
    assert.ok(core.ok);
    assert.deepEqual(JSON.parse(report.stdout), core.value);
    // Binance's own liquidation prices, reproduced (venue-formats.md §2.1; arithmetic in test/import/binance.test.ts).
    assert.deepEqual(core.value.positions.map((position) => position.liquidationPrice), ['5930.78', '7189.96']);
    const table = stopout(['report', '-', '--format', 'table'], imported.stdout);
    assert.equal(table.status, 0);
    assert.match(table.stdout, /5,930\.78/);
  });

  test('--check: {snapshot, check} with each figure beside ours, and a table', () => {
    const run = stopout(['import', 'binance-usdm', ...BINANCE, '--check']);
    assert.equal(run.status, 0, run.stderr);
    const { snapshot, check } = JSON.parse(run.stdout) as { snapshot: unknown; check: Record<string, unknown>[] };
    assert.ok(snapshot);
    const lp = check.filter((row) => row.field === 'liquidationPrice').map((row) => [row.position, row.venue, row.stopout, row.agrees]);
    assert.deepEqual(lp, [['BTCUSDT-long', '5930.78', '5930.78', true], ['BTCUSDT-short', '7189.95', '7189.96', true]]);
    for (const row of check) {
      assert.deepEqual(Object.keys(row).slice(0, 7), ['position', 'field', 'venue', 'stopout', 'difference', 'agrees', 'why']);
    }
    const table = stopout(['import', 'binance-usdm', ...BINANCE, '--check', '--format', 'table']);
    assert.match(table.stdout, /figures the venue reported: \d+ agree, 0 do not/);
  });

  test('mt5-standard account.json positions.json symbols.json > my-account.json: USDJPY and EURGBP in a USD account', () => {
    const run = stopout(['import', 'mt5-standard', ...MT5]);
    assert.equal(run.status, 0, run.stderr);
    const report = stopout(['report', '-'], run.stdout);
    assert.equal(report.status, 0, report.stderr);
    const account = (JSON.parse(report.stdout) as { account: Record<string, string> }).account;
    // test/import/mt5.test.ts works these by hand: 153.86 + 59.89 on a 5 000.00 balance; margin 200.00 + 86.84.
    assert.equal(account.equity, '5213.75');
    assert.equal(account.initialMargin, '286.84');
  });
});

describe('stopout import, bad input: exit 2, nothing on standard output, the file and the field named', () => {
  const rejected = (run: Run, pattern: RegExp): void => {
    assert.equal(run.status, 2, run.stderr);
    assert.equal(run.stdout, '');
    assertNoCrash(run);
    assert.match(run.stderr, pattern);
  };
  test('a file of another venue', () => {
    rejected(stopout(['import', 'binance-usdm', fixture('hyperliquid/clearinghouseState.json')]), /clearinghouseState\.json: this is hyperliquid data/);
  });
  test('an unknown venue', () => {
    rejected(stopout(['import', 'kraken', ...BINANCE]), /^venue: no importer for "kraken"; one of: binance-usdm/m);
  });
  test('no files, and a file that is not there', () => {
    rejected(stopout(['import', 'hyperliquid']), /give the saved API responses of hyperliquid, or fetch them/);
    rejected(stopout(['import', 'hyperliquid', 'missing.json']), /missing\.json/);
  });
  test('a position in a symbol no file defines', () => {
    rejected(stopout(['import', 'binance-usdm', fixture('binance-usdm/positionRisk-v3-adausdt.json')]), /positionRisk-v3-adausdt\.json: .*ADAUSDT/);
  });
  test('files and --address together', () => {
    rejected(stopout(['import', 'hyperliquid', fixture('hyperliquid/clearinghouseState.json'), '--address', HYPERLIQUID_TEST_ADDRESS]), /not both/);
  });
});

describe('stopout import, fetched live from the loopback venue server', () => {
  let server: VenueServer;
  before(async () => { server = await startVenueServer(); });
  after(async () => { await server.close(); });

  test('hyperliquid --address --check: the venue\'s liquidation price 2866.26936529 beside ours', async () => {
    const run = await stopoutAsync(['import', 'hyperliquid', '--address', HYPERLIQUID_TEST_ADDRESS, '--api-url', server.url, '--check']);
    assert.equal(run.status, 0, run.stderr);
    const { check } = JSON.parse(run.stdout) as { check: Record<string, unknown>[] };
    const lp = check.find((row) => row.field === 'liquidationPrice');
    assert.equal(lp?.venue, '2866.26936529');
    assert.equal(lp?.agrees, true);
  });

  test('binance-usdm --live: signed with the key from the environment; a wrong secret is the venue\'s error, the secret never shown', async () => {
    const env = { STOPOUT_BINANCE_USDM_KEY: BINANCE_TEST_CREDENTIALS.key, STOPOUT_BINANCE_USDM_SECRET: BINANCE_TEST_CREDENTIALS.secret };
    const good = await stopoutAsync(['import', 'binance-usdm', '--live', '--api-url', server.url], env);
    assert.equal(good.status, 0, good.stderr);
    assert.ok((JSON.parse(good.stdout) as { positions: unknown[] }).positions.length === 2);
    const secret = 'not-the-secret-0123456789';
    const bad = await stopoutAsync(['import', 'binance-usdm', '--live', '--api-url', server.url], { ...env, STOPOUT_BINANCE_USDM_SECRET: secret });
    assert.equal(bad.status, 2);
    assert.equal(bad.stdout, '');
    assert.match(bad.stderr, /-1022/);
    assert.ok(!bad.stderr.includes(secret));
    const missing = await stopoutAsync(['import', 'binance-usdm', '--live', '--api-url', server.url], { STOPOUT_BINANCE_USDM_KEY: '', STOPOUT_BINANCE_USDM_SECRET: '' });
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /STOPOUT_BINANCE_USDM_KEY/);
  });
});
