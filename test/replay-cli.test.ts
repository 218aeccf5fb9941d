// The built `stopout replay` (spec/engine.md): events as JSON lines, --summary, --format table,
// --prices, --save-state, and bad scenario files (issue 3): exit 2, nothing on standard output, one
// line per problem on standard error naming the field, never a stack trace. The hand-worked
// scenarios of test/fixtures/engine-scenarios.ts are replayed through the CLI as well, so the events
// it prints are the ones worked out by hand. Spawns `node dist/cli/main.js` (npm test builds first).
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import {
  allEvents, ENGINE_SCENARIOS, scenarioJson, type EngineScenario, type JsonObject,
} from './fixtures/engine-scenarios.js';
import { pick } from './support/report-path.js';
import { assertNoCrash, assertRejected, stopout, type Run } from './support/run-cli.js';

const scratch = mkdtempSync(join(tmpdir(), 'stopout-replay-cli-test-'));
after(() => rmSync(scratch, { recursive: true, force: true }));


let folders = 0;
/** A fresh folder in the scratch directory. */
function folder(): string {
  folders += 1;
  const path = join(scratch, `case-${folders}`);
  mkdirSync(path);
  return path;
}

/** Writes a scenario (and files beside it) to a new folder; returns the scenario's path. */
function scenarioFile(scenario: unknown, files: Readonly<Record<string, string>> = {}, text?: string): string {
  const where = folder();
  for (const [name, content] of Object.entries(files)) writeFileSync(join(where, name), content);
  const path = join(where, 'scenario.json');
  writeFileSync(path, text ?? JSON.stringify(scenario, null, 2));
  return path;
}

function fixtureFile(fixture: EngineScenario): string {
  return scenarioFile(scenarioJson(fixture), fixture.priceFile ? { [fixture.priceFile.name]: fixture.priceFile.text } : {});
}

function fixture(id: string): EngineScenario {
  const found = ENGINE_SCENARIOS.find((each) => each.id === id);
  assert.ok(found, `no fixture ${id}`);
  return found;
}

function assertOk(run: Run): void {
  assertNoCrash(run);
  assert.equal(run.status, 0, `exit code (stderr: ${run.stderr})`);
  assert.equal(run.stderr, '', 'nothing on standard error');
}

/** JSON lines: every line one object of strings. */
function eventLines(run: Run): Record<string, string>[] {
  assertOk(run);
  if (run.stdout === '') return [];
  assert.ok(run.stdout.endsWith('\n'), 'the last line ends with a newline');
  return run.stdout.slice(0, -1).split('\n').map((line, index) => {
    const value = JSON.parse(line) as unknown;
    assert.ok(typeof value === 'object' && value !== null && !Array.isArray(value), `line ${index + 1} is a JSON object`);
    for (const [key, field] of Object.entries(value)) assert.equal(typeof field, 'string', `line ${index + 1}: ${key} is a string`);
    return value as Record<string, string>;
  });
}

function summaryOf(run: Run): Record<string, unknown> {
  assertOk(run);
  return JSON.parse(run.stdout) as Record<string, unknown>;
}

describe('stopout replay: events as JSON lines, as worked by hand', () => {
  for (const each of ENGINE_SCENARIOS) {
    test(`${each.id}`, () => {
      assert.deepEqual(eventLines(stopout(['replay', fixtureFile(each)])), allEvents(each));
    });
  }

  test('a scenario on standard input', () => {
    const each = fixture('mt5-standard-stop-out-and-debt-lifecycle');
    assert.deepEqual(eventLines(stopout(['replay', '-'], JSON.stringify(scenarioJson(each)))), allEvents(each));
  });

  test('a scenario with no commands prints nothing and exits 0', () => {
    const run = stopout(['replay', scenarioFile({ account: { venue: 'mt5-standard', account: { currency: 'USD', balance: '100' }, positions: [] } })]);
    assert.deepEqual(eventLines(run), []);
  });

  test('the same scenario twice prints the same bytes', () => {
    const path = fixtureFile(fixture('binance-usdm-adl-leverage-pnl'));
    const first = stopout(['replay', path]);
    assertOk(first);
    assert.equal(stopout(['replay', path]).stdout, first.stdout);
  });
});

describe('stopout replay --summary', () => {
  for (const each of ENGINE_SCENARIOS) {
    test(`${each.id}`, () => {
      const summary = summaryOf(stopout(['replay', fixtureFile(each), '--summary']));
      for (const [path, want] of Object.entries(each.summary)) assert.deepEqual(pick(summary, path), want, path);
      const counts: Record<string, number> = {};
      for (const event of allEvents(each)) counts[event.type] = (counts[event.type] ?? 0) + 1;
      assert.deepEqual(summary.events, counts, 'event counts');
      assert.match(String(summary.stateHash), /^[0-9a-f]{64}$/, 'stateHash is a SHA-256 in hex');
    });
  }

  test('the summary fields of the contract: account with balance, positions, totals, event counts, stateHash', () => {
    // mt5-standard stop-out and debt: deposits 2 000 + 300 + 200 + 100, P&L -1 100 - 2 000, the
    // 500 written off is the venue's loss; balance 2 600 - 3 100 + 500 = 0.
    const summary = summaryOf(stopout(['replay', fixtureFile(fixture('mt5-standard-stop-out-and-debt-lifecycle')), '--summary']));
    assert.deepEqual(pick(summary, 'account.balance'), '0.00');
    assert.deepEqual(pick(summary, 'account.equity'), '0.00');
    assert.deepEqual(pick(summary, 'account.status'), 'healthy');
    assert.deepEqual(summary.positions, []);
    assert.deepEqual(summary.totals, {
      deposits: '2600.00', withdrawals: '0.00', realizedPnl: '-3100.00', fees: '0.00', funding: '0.00', financing: '0.00', venueLoss: '500.00', debtOutstanding: '0.00',
      absorbedByVenue: '500.00', absorbedByInsuranceFund: '0.00', absorbedByDeleveraging: '0.00', debtRecorded: '1100.00',
      debtRepaid: '600.00', debtWrittenOff: '500.00', conservationGap: '0.00',
    });
    assert.deepEqual(summary.events, {
      'margin-call-issued': 1, 'margin-call-cleared': 1, 'position-liquidated': 2, 'deposited': 1, 'debt-recorded': 1,
      'debt-status-changed': 4, 'debt-repaid': 3, 'debt-written-off': 1, 'rejected': 3,
    });
    assert.deepEqual(summary.debt, { status: 'written-off', outstanding: '0.00' });
    assert.equal(summary.commands, 10, '13 commands, 3 refused');
  });

  test('open positions are reported as report.md reports them', () => {
    // us-reg-t cure: 133 AAPL left from 200 at 50, marked at 30: P&L 133 × -20 = -2 660.
    const summary = summaryOf(stopout(['replay', fixtureFile(fixture('us-reg-t-cure-over-weekend-then-sell-to-requirement')), '--summary']));
    assert.deepEqual(pick(summary, 'positions[aapl].quantity'), '133');
    assert.deepEqual(pick(summary, 'positions[aapl].markPrice'), '30');
    assert.deepEqual(pick(summary, 'positions[aapl].unrealizedPnl'), '-2660.00');
    assert.deepEqual(pick(summary, 'positions[aapl].maintenanceMargin'), '997.50');
  });
});

describe('stopout replay --save-state: a saved state goes on where it stopped', () => {
  test('replaying all commands and replaying the rest after a saved state give the same state hash', () => {
    const each = fixture('mt5-standard-stop-out-and-debt-lifecycle');
    const full = summaryOf(stopout(['replay', fixtureFile(each), '--summary']));
    for (const cut of [1, 3, 6, 12]) {
      const saved = join(folder(), 'state.json');
      const first = { ...scenarioJson(each), commands: each.steps.slice(0, cut).map((step) => step.command) };
      const firstRun = stopout(['replay', scenarioFile(first), '--save-state', saved]);
      assert.deepEqual(eventLines(firstRun), each.steps.slice(0, cut).flatMap((step) => step.events));
      const rest = { ...(JSON.parse(readFileSync(saved, 'utf8')) as JsonObject), commands: each.steps.slice(cut).map((step) => step.command) };
      const resumed = scenarioFile(rest);
      assert.deepEqual(eventLines(stopout(['replay', resumed])), each.steps.slice(cut).flatMap((step) => step.events), `events after ${cut}`);
      const summary = summaryOf(stopout(['replay', resumed, '--summary']));
      assert.equal(summary.stateHash, full.stateHash, `state hash resumed after ${cut} commands`);
      assert.deepEqual(summary.totals, full.totals, `totals resumed after ${cut} commands`);
    }
  });

  test('a saved ADL state keeps the insurance fund and the counterparties left', () => {
    const saved = join(folder(), 'state.json');
    assertOk(stopout(['replay', fixtureFile(fixture('binance-usdm-adl-leverage-pnl')), '--save-state', saved]));
    const state = JSON.parse(readFileSync(saved, 'utf8')) as JsonObject;
    assert.match(String(pick(state, 'market.insuranceFund')), /^0(\.0+)?$/, 'the fund is spent');
    assert.deepEqual(
      (pick(state, 'market.counterparties') as { id: string; quantity: string }[]).map((each) => [each.id, each.quantity]),
      [['E', '2.000'], ['C', '1.000'], ['P', '0.600'], ['D', '1.000'], ['F', '10.000']],
    );
  });

  test('an unwritable --save-state path exits 2', () => {
    const run = stopout(['replay', fixtureFile(fixture('binance-usdm-insurance-fund')), '--save-state', join(scratch, 'no-such-folder', 'state.json')]);
    assertRejected(run, [['--save-state: cannot write ']]);
  });
});

describe('stopout replay --format table', () => {
  test('prints the timeline, one row per event in order, then the totals and the debt', () => {
    const each = fixture('mt5-standard-stop-out-and-debt-lifecycle');
    const run = stopout(['replay', fixtureFile(each), '--format', 'table']);
    assertOk(run);
    const lines = run.stdout.split('\n');
    const header = lines.find((line) => line.includes('Event'));
    assert.ok(header, 'a header row');
    for (const column of ['#', 'Time', 'Event', 'Position', 'Price', 'Quantity', 'P&L', 'Amount', 'Details']) assert.ok(header.includes(column), column);
    const rows = lines.filter((line) => /^│\s*\d+ │/.test(line));
    const types = allEvents(each).map((event) => event.type);
    assert.equal(rows.length, types.length, 'one row per event');
    rows.forEach((row, index) => assert.ok(row.includes(` ${types[index] ?? ''} `), `row ${index + 1} is ${types[index] ?? ''}: ${row}`));
    // Amounts with grouped digits: the gu stop-out at 1.26000 booked -2 000, the debt 1 100.
    assert.ok(rows[2]?.includes('-2,000.00') && rows[2].includes('1.26000') && rows[2].includes('50,000'), rows[2]);
    assert.ok(rows[3]?.includes('1,100.00'), rows[3]);
    assert.ok(run.stdout.includes('Totals'), 'a totals table');
    assert.match(run.stdout, /│ realizedPnl\s+│\s+-3,100\.00 │/);
    assert.match(run.stdout, /│ conservationGap\s+│\s+0\.00 │/);
    assert.ok(run.stdout.includes('Debt: written-off, 0.00 USD outstanding'), 'the debt line');
  });

  test('a scenario without events says so', () => {
    const run = stopout(['replay', scenarioFile({ account: { venue: 'mt5-standard', account: { currency: 'USD', balance: '100' }, positions: [] } }), '--format', 'table']);
    assertOk(run);
    assert.ok(run.stdout.startsWith('(no events)'), run.stdout);
  });

  test('times show in the timeline', () => {
    const run = stopout(['replay', fixtureFile(fixture('us-reg-t-cure-over-weekend-then-sell-to-requirement')), '--format', 'table']);
    assertOk(run);
    assert.match(run.stdout, /2024-03-05T15:00:00Z\s+│ position-liquidated/);
  });
});

describe('stopout replay: price files', () => {
  test('--prices replaces the scenario\'s prices.file', () => {
    const each = fixture('price-file-binance-klines-low-wick');
    const priceFile = each.priceFile;
    assert.ok(priceFile);
    const elsewhere = join(folder(), 'other-name.csv');
    writeFileSync(elsewhere, priceFile.text);
    const path = scenarioFile({ ...scenarioJson(each), prices: { file: 'not-there.csv', instrument: 'BTCUSDT' } });
    assert.deepEqual(eventLines(stopout(['replay', path, '--prices', elsewhere])), allEvents(each));
  });

  test('prices.from and prices.to keep only the bars in the window', () => {
    // Only the second bar of the kline file: the stop still fills at its low wick.
    const each = fixture('price-file-binance-klines-low-wick');
    const priceFile = each.priceFile;
    assert.ok(priceFile);
    const scenario = { ...scenarioJson(each), prices: { file: priceFile.name, instrument: 'BTCUSDT', from: '2024-03-01T00:01:00Z', to: '2024-03-01T00:01:00Z' } };
    assert.deepEqual(eventLines(stopout(['replay', scenarioFile(scenario, { [priceFile.name]: priceFile.text })])), allEvents(each));
  });

  test('a price file read relative to the scenario, whatever the working directory', () => {
    const each = fixture('price-file-ohlc-short-high-wick');
    const path = fixtureFile(each);
    assert.deepEqual(eventLines(stopout(['replay', path], '', scratch)), allEvents(each));
  });

  test('a price file not beside the scenario is looked for from the working directory', () => {
    const each = fixture('price-file-ohlc-short-high-wick');
    const priceFile = each.priceFile;
    assert.ok(priceFile);
    const data = folder();
    writeFileSync(join(data, priceFile.name), priceFile.text);
    // The scenario sits in a folder of its own; its prices.file names the file from `data`'s parent.
    const scenario = scenarioFile({ ...scenarioJson(each), prices: { ...(scenarioJson(each).prices as JsonObject), file: join(basename(data), priceFile.name) } });
    assert.deepEqual(eventLines(stopout(['replay', scenario], '', scratch)), allEvents(each));
  });
});

// ------------------------------------------------------------------------------------------------
// Bad scenario files (issue 3): a clear error naming the field; exit 2.
// ------------------------------------------------------------------------------------------------

const ACCOUNT: JsonObject = {
  venue: 'mt5-standard',
  account: { currency: 'USD', balance: '1000' },
  positions: [{ id: 'eu', instrument: 'EURUSD', side: 'long', quantity: '10000', entryPrice: '1.10000', leverage: '100' }],
  marks: { EURUSD: '1.10000' },
};

const withCommands = (commands: readonly unknown[], extra: JsonObject = {}): unknown => ({ account: ACCOUNT, commands, ...extra });
const replayJson = (scenario: unknown, ...options: string[]): Run => stopout(['replay', scenarioFile(scenario), ...options]);

describe('stopout replay: bad scenario files exit 2 and name the field', () => {
  test('an amount that is not positive names commands[2].amount', () => {
    const run = replayJson(withCommands([
      { type: 'mark', prices: { EURUSD: '1.1' } }, { type: 'deposit', amount: '10' }, { type: 'deposit', amount: '-5' },
    ]));
    assertRejected(run, [['commands[2].amount: ', 'positive', '"-5"']]);
  });

  test('a JSON number instead of a decimal string', () => {
    assertRejected(replayJson(withCommands([{ type: 'deposit', amount: 100 }])), [['commands[0].amount: ', 'written as a string', 'the number 100']]);
  });

  test('a JSON number for a mark names the instrument', () => {
    assertRejected(replayJson(withCommands([{ type: 'mark', prices: { EURUSD: 1.1 } }])), [['commands[0].prices.EURUSD: ', 'the number 1.1']]);
  });

  test('an unknown command type lists the known ones', () => {
    assertRejected(replayJson(withCommands([{ type: 'deposit', amount: '1' }, { type: 'teleport' }])),
      [['commands[1].type: ', '"teleport"', 'mark', 'deposit', 'withdraw', 'open', 'close', 'stop-loss', 'take-profit', 'add-margin', 'debt']]);
  });

  test('a command without a type', () => {
    assertRejected(replayJson(withCommands([{ amount: '1' }])), [['commands[0].type: required']]);
  });

  test('an unknown field on a command', () => {
    assertRejected(replayJson(withCommands([{ type: 'deposit', amount: '1', amout: '2' }])), [['commands[0].amout: unknown field', 'amount']]);
  });

  test('commands that go back in time', () => {
    assertRejected(replayJson(withCommands([
      { type: 'deposit', time: '2024-03-02T00:00:00Z', amount: '1' }, { type: 'deposit', time: '2024-03-01T00:00:00Z', amount: '1' },
    ])), [['commands[1].time: ', '2024-03-01T00:00:00Z', 'commands[0]', '2024-03-02T00:00:00Z']]);
  });

  test('a time that is not ISO 8601', () => {
    assertRejected(replayJson(withCommands([{ type: 'deposit', time: 'yesterday', amount: '1' }])), [['commands[0].time: ', 'ISO 8601', '"yesterday"']]);
  });

  test('an amount finer than the account currency books', () => {
    assertRejected(replayJson(withCommands([{ type: 'withdraw', amount: '1.001' }])), [['commands[0].amount: ', '2 decimals', '"1.001"']]);
  });

  test('a repayment without an amount, and an amount on a write-off', () => {
    assertRejected(replayJson(withCommands([{ type: 'debt', action: 'repay' }, { type: 'debt', action: 'write-off', amount: '5' }])), [
      ['commands[0].amount: required'],
      ['commands[1].amount: ', 'only "repay" takes an amount'],
    ]);
  });

  test('an unknown debt action', () => {
    assertRejected(replayJson(withCommands([{ type: 'debt', action: 'forgive' }])), [['commands[0].action: ', 'demand', 'write-off', '"forgive"']]);
  });

  test('a stop-loss with both a price and a loss', () => {
    assertRejected(replayJson(withCommands([{ type: 'stop-loss', position: 'eu', price: '1.09', loss: '50' }])),
      [['commands[0]: give exactly one of', 'price and loss']]);
  });

  test('a lossPercent above 1', () => {
    assertRejected(replayJson(withCommands([{ type: 'stop-loss', position: 'eu', lossPercent: '10' }])), [['commands[0].lossPercent: ', 'at most 1']]);
  });

  test('an open naming an unknown instrument, and a bad side', () => {
    assertRejected(replayJson(withCommands([{ type: 'open', position: { id: 'x', instrument: 'DOGEUSD', side: 'up', quantity: '1' } }])), [
      ['commands[0].position.instrument: unknown instrument "DOGEUSD"', 'EURUSD'],
      ['commands[0].position.side: ', 'long, short', '"up"'],
    ]);
  });

  test('a mark for an unknown instrument', () => {
    assertRejected(replayJson(withCommands([{ type: 'mark', prices: { XYZUSD: '1' } }])), [['commands[0].prices.XYZUSD: unknown instrument "XYZUSD"']]);
  });

  test('commands that are not an array', () => {
    assertRejected(replayJson({ account: ACCOUNT, commands: { type: 'deposit' } }), [['commands: must be an array']]);
  });

  test('a command that is not an object', () => {
    assertRejected(replayJson(withCommands(['deposit'])), [['commands[0]: must be an object', '"deposit"']]);
  });

  test('every problem on its own line, in order', () => {
    assertRejected(replayJson(withCommands([
      { type: 'deposit', amount: 5 }, { type: 'close' }, { type: 'withdraw', amount: 'ten' },
    ])), [['commands[0].amount: '], ['commands[1].position: required'], ['commands[2].amount: ', '"ten"']]);
  });

  test('an unknown top-level field', () => {
    assertRejected(replayJson({ account: ACCOUNT, comands: [] }), [['comands: unknown field', 'account, commands, prices, funding, market, engine']]);
  });

  test('no account', () => {
    assertRejected(replayJson({ commands: [] }), [['account: required']]);
  });

  test('a scenario that is not a JSON object', () => {
    assertRejected(replayJson([ACCOUNT]), [['a scenario must be a JSON object, got an array']]);
  });

  test('problems in the starting account are named under account.', () => {
    assertRejected(replayJson({ account: { ...ACCOUNT, positions: [{ id: 'eu', instrument: 'EURUSD', side: 'long', quantity: '-1', entryPrice: '1.1' }] } }),
      [['account.positions[0].quantity: ', '"-1"']]);
  });

  test('an inverse contract without the maintenance brackets the venue needs', () => {
    const scenario = {
      account: {
        venue: 'binance-coinm', account: { currency: 'BTC', balance: '0.1' },
        positions: [{ id: 'btc', instrument: 'BTCUSD_PERP', side: 'long', quantity: '100', entryPrice: '40000', leverage: '20' }],
      },
    };
    assertRejected(replayJson(scenario), [['account.positions[0].instrument: ', 'no maintenance tiers', 'instruments.BTCUSD_PERP.maintenanceTiers']]);
  });

  test('a bad counterparty in the market', () => {
    assertRejected(replayJson({
      account: ACCOUNT, market: { insuranceFund: '-1', counterparties: [{ id: 'a', instrument: 'EURUSD', side: 'sideways', quantity: '1', entryPrice: '1', leverage: '1' }] },
    }), [['market.insuranceFund: ', '"-1"'], ['market.counterparties[0].side: ', '"sideways"']]);
  });

  test('prices.file that is not a string, and an unknown prices.instrument', () => {
    assertRejected(replayJson(withCommands([], { prices: { file: 5, instrument: 'XYZ' } })), [
      ['prices.file: ', 'the number 5'],
      ['prices.instrument: unknown instrument "XYZ"'],
    ]);
  });

  test('a prices block without its file', () => {
    assertRejected(replayJson(withCommands([], { prices: { instrument: 'EURUSD' } })), [['prices.file: required']]);
  });

  test('a saved engine state with bad fields names each', () => {
    const totals = {
      deposits: '1000', withdrawals: '0', realizedPnl: '0', fees: '0', venueLoss: '0', absorbedByVenue: '0', absorbedByInsuranceFund: '0',
      absorbedByDeleveraging: '0', debtRecorded: '0', debtRepaid: '0',
    };
    assertRejected(replayJson({ account: ACCOUNT, engine: { sequence: 5, time: 'later', totals } }), [
      ['engine.totals.debtWrittenOff: required'],
      ['engine.time: ', 'ISO 8601'],
      ['engine.sequence: ', 'whole number written as a string'],
    ]);
  });
});

describe('stopout replay: unreadable files exit 2 and say where', () => {
  test('malformed JSON names the line and column', () => {
    const path = scenarioFile(undefined, {}, '{\n  "account": {"venue": "mt5-standard",\n    "account": {"currency": "USD" "balance": "1"}}\n}');
    assertRejected(stopout(['replay', path]), [[`${path}: not valid JSON: `, 'line 3, column 35']]);
  });

  test('a trailing comma in the commands names its line', () => {
    const path = scenarioFile(undefined, {}, '{"account": {},\n "commands": [\n  {"type": "deposit", "amount": "1"},\n ]\n}');
    assertRejected(stopout(['replay', path]), [[`${path}: not valid JSON: `, 'line 4, column 2']]);
  });

  test('an empty file', () => {
    const path = scenarioFile(undefined, {}, '');
    assertRejected(stopout(['replay', path]), [[`${path}: empty`]]);
  });

  test('a missing scenario file', () => {
    const path = join(scratch, 'no-such-scenario.json');
    assertRejected(stopout(['replay', path]), [[`${path}: cannot read: no such file`]]);
  });

  test('a missing price file names prices.file and the path', () => {
    const path = scenarioFile(withCommands([], { prices: { file: 'missing.csv', instrument: 'EURUSD' } }));
    assertRejected(stopout(['replay', path]), [['prices.file: cannot read ', join(resolve(path, '..'), 'missing.csv'), 'no such file']]);
  });

  test('a missing --prices file names the option', () => {
    const path = scenarioFile(withCommands([], { prices: { file: 'x.csv', instrument: 'EURUSD' } }));
    const missing = join(scratch, 'missing-prices.csv');
    assertRejected(stopout(['replay', path, '--prices', missing]), [[`--prices: cannot read ${missing}: no such file`]]);
  });

  test('--prices for a scenario without a prices block', () => {
    const prices = join(folder(), 'p.csv');
    writeFileSync(prices, 'time,price\n2024-03-01T00:00:00Z,1.1\n');
    assertRejected(stopout(['replay', scenarioFile(withCommands([])), '--prices', prices]), [['--prices: the scenario has no "prices" block']]);
  });

  test('a price file with a bad row names the file, the line and the column', () => {
    const text = 'time,open,high,low,close\n2024-03-01T00:00:00Z,1.1,1.2,1.0,1.1\n2024-03-01T00:01:00Z,1.1,1.2,1.0,abc\n';
    const path = scenarioFile(withCommands([], { prices: { file: 'bars.csv', instrument: 'EURUSD' } }), { 'bars.csv': text });
    const bars = join(resolve(path, '..'), 'bars.csv');
    assertRejected(stopout(['replay', path]), [[`${bars}: line 3, close: `, 'positive decimal', '"abc"']]);
  });

  test('a kline row with a bad time names its line', () => {
    const text = '1709251200000,1.1,1.2,1.0,1.1,5,1709251259999\nsoon,1.1,1.2,1.0,1.1,5,1709251319999\n';
    const path = scenarioFile(withCommands([], { prices: { file: 'k.csv', instrument: 'EURUSD' } }), { 'k.csv': text });
    const bars = join(resolve(path, '..'), 'k.csv');
    assertRejected(stopout(['replay', path]), [[`${bars}: line 2: `, 'time']]);
  });

  test('a bar whose high is below its close', () => {
    const text = 'time,open,high,low,close\n2024-03-01T00:00:00Z,1.1,1.15,1.0,1.2\n';
    const path = scenarioFile(withCommands([], { prices: { file: 'b.csv', instrument: 'EURUSD' } }), { 'b.csv': text });
    assertRejected(stopout(['replay', path]), [[`${join(resolve(path, '..'), 'b.csv')}: line 2: `, 'high']]);
  });

  test('a price file with no header and no kline rows', () => {
    const path = scenarioFile(withCommands([], { prices: { file: 'n.csv', instrument: 'EURUSD' } }), { 'n.csv': 'hello\nworld\n' });
    assertRejected(stopout(['replay', path]), [[`${join(resolve(path, '..'), 'n.csv')}: `, 'header', 'time']]);
  });

  test('price rows out of time order name the line', () => {
    const text = 'time,price\n2024-03-01T00:00:00Z,1.1\n2024-03-01T00:02:00Z,1.1\n2024-03-01T00:01:00Z,1.1\n';
    const path = scenarioFile(withCommands([], { prices: { file: 't.csv', instrument: 'EURUSD' } }), { 't.csv': text });
    assertRejected(stopout(['replay', path]), [[`${join(resolve(path, '..'), 't.csv')}: line 4: `, 'time order', '2024-03-01T00:01:00Z']]);
  });

  test('a bad --format', () => {
    const run = stopout(['replay', fixtureFile(fixture('binance-usdm-insurance-fund')), '--format', 'xml']);
    assertNoCrash(run);
    assert.equal(run.status, 2);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /xml/);
  });
});
