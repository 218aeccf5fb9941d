// The Hyperliquid importer (src/import/venues/hyperliquid.ts) on the venue's documented payloads:
// - clearinghouseState.json: spec/venue-formats.md §4.1, the docs' example, verbatim;
// - meta.json: the docs' meta example (hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/
//   info-endpoint/perpetuals, "Retrieve perpetuals metadata"), verbatim but for the comments the docs
//   put inside the JSON;
// - metaAndAssetCtxs.json: the same page's metaAndAssetCtxs example, except ETH's markPx (universe
//   index 1), constructed as 2985.9: the mark the clearinghouseState example implies
//   (positionValue / |szi| = 100.02765 / 0.0335); the docs' contexts are illustrative prices.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { abs, add, compare, dec, divide, multiply, normalize, subtract, toDecimalString } from '../../src/core/index.js';
import type { CheckedImport, ImportFile, ImportOutcome, ImportProblem } from '../../src/import/index.js';
import { hyperliquidAccounts, hyperliquidExport } from '../support/venue-export/hyperliquid.js';
import { checkedOk, importedOk, refused, reportOf } from '../support/import-expect.js';

const imported = (files: readonly ImportFile[]): ImportOutcome => importedOk('hyperliquid', files);
const checked = (files: readonly ImportFile[]): CheckedImport => checkedOk('hyperliquid', files);
const problems = (files: readonly ImportFile[]): readonly ImportProblem[] => refused('hyperliquid', files);
const report = reportOf;

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../fixtures/import/hyperliquid/${name}`, import.meta.url), 'utf8'));
const file = (name: string, value: unknown = fixture(name)): ImportFile => ({ name, value });
const STATE = 'clearinghouseState.json';
const plainText = (text: string): string => toDecimalString(normalize(dec(text)));





/** A deep copy of the documented state with its one position changed. */
function stateWith(change: (position: Record<string, unknown>) => void): unknown {
  const state = fixture(STATE) as { assetPositions: { position: Record<string, unknown> }[] };
  const [first] = state.assetPositions;
  assert.ok(first);
  change(first.position);
  return state;
}

describe('hyperliquid: the documented clearinghouseState (venue-formats §4.1)', () => {
  test('the position, its isolated margin, the balance and the mark', () => {
    const { snapshot, warnings } = imported([file(STATE)]);
    // Isolated margin = rawUsd + szi × entryPx = −95.059824 + 0.0335 × 2986.3 = −95.059824 + 100.04105 = 4.981226.
    assert.deepEqual(snapshot.positions, [{
      id: 'ETH-long', instrument: 'ETH', side: 'long', quantity: '0.0335', entryPrice: '2986.3', leverage: '20', isolatedMargin: '4.981226',
    }]);
    // Balance = crossMarginSummary.totalRawUsd + Σ isolated margins = 13104.514502 + 4.981226 = 13109.495728.
    assert.deepEqual(snapshot.account, { currency: 'USDC', balance: '13109.495728' });
    // Mark = positionValue / |szi| = 100.02765 / 0.0335 = 2985.9 exactly (no metaAndAssetCtxs given).
    assert.deepEqual(snapshot.marks, { ETH: '2985.9' });
    assert.ok(warnings.some((warning) => warning.includes('positionValue / |szi| = 100.02765 / 0.0335 = 2985.9')));
    // No meta: max leverage is the position's own maxLeverage (50); no tick size (5 significant figures).
    assert.deepEqual(snapshot.instruments, {
      ETH: { kind: 'linear', assetClass: 'crypto', contractSize: '1', settlementCurrency: 'USDC', maxLeverage: '50' },
    });
    assert.ok(warnings.some((warning) => warning.includes("position's maxLeverage (50)")));
    assert.ok(warnings.some((warning) => warning.includes('tickSize is left out')));
  });

  test('balance identity: B = marginSummary.totalRawUsd + Σ szi × entryPx, and equity = marginSummary.accountValue', () => {
    const state = fixture(STATE) as { marginSummary: { totalRawUsd: string; accountValue: string } };
    const { snapshot } = imported([file(STATE)]);
    // 13009.454678 + 0.0335 × 2986.3 = 13009.454678 + 100.04105 = 13109.495728: the cross cash the core
    // keeps (margin-scope.ts: balance − Σ isolated = 13104.514502) plus the isolated margin 4.981226.
    assert.equal(compare(dec(snapshot.account.balance), add(dec(state.marginSummary.totalRawUsd), multiply(dec('0.0335'), dec('2986.3')))), 0);
    // Equity = 13109.495728 + 0.0335 × (2985.9 − 2986.3) = 13109.495728 − 0.0134 = 13109.482328 = accountValue.
    assert.equal(report(snapshot).account.equity, state.marginSummary.accountValue);
    assert.equal(state.marginSummary.accountValue, '13109.482328');
  });

  test('the venue figures beside ours: liquidation price within a relative 1e-7, P&L and notional exact', () => {
    const { check } = checked([file(STATE)]);
    const row = (field: string) => check.find((each) => each.field === field);
    // Ours (§4.3): LP = −rawUsd / (szi × (1 − l)), l = 1 / (2 × 50) = 0.01:
    //   95.059824 / (0.0335 × 0.99) = 95.059824 / 0.033165 = 2866.26938037… (8 decimals: 2866.26938037).
    // The venue's 2866.26936529 is 0.00001508 lower: 5.3e-9 of it, inside the relative 1e-7 the check
    // allows where the venue has no tick (2866.26936529 × 1e-7 = 0.000287).
    assert.deepEqual(row('liquidationPrice'), {
      position: 'ETH-long', field: 'liquidationPrice', venue: '2866.26936529', stopout: '2866.26938037',
      source: 'clearinghouseState.json assetPositions[0].position.liquidationPx', difference: '0.00001508', agrees: true,
      why: null,
    });
    const lp = divide(dec('95.059824'), multiply(dec('0.0335'), dec('0.99')), 8, 'half-even');
    assert.equal(compare(lp, dec('2866.26938037')), 0);
    assert.ok(compare(abs(subtract(lp, dec('2866.26936529'))), multiply(dec('2866.26936529'), dec('0.0000001'))) < 0);
    // uPnL = szi × (mark − entry) = 0.0335 × (2985.9 − 2986.3) = −0.0134; notional = 0.0335 × 2985.9 = 100.02765.
    assert.equal(row('unrealizedPnl')?.stopout, '-0.013400');
    assert.equal(row('unrealizedPnl')?.agrees, true);
    assert.equal(row('notional')?.stopout, '100.027650');
    assert.equal(row('notional')?.agrees, true);
    // marginUsed of an isolated position includes its uPnL (4.981226 − 0.0134 = 4.967826): not an initial margin.
    assert.equal(row('initialMargin'), undefined);
    assert.equal(check.length, 3);
  });

  test('with the documented meta: max leverage from the universe, no tiers (ETH has no marginTableId)', () => {
    const { snapshot, warnings } = imported([file(STATE), file('meta.json')]);
    assert.deepEqual(snapshot.instruments, {
      ETH: { kind: 'linear', assetClass: 'crypto', contractSize: '1', settlementCurrency: 'USDC', maxLeverage: '50' },
    });
    assert.ok(!warnings.some((warning) => warning.includes('no meta')));
  });

  test('with metaAndAssetCtxs: the mark is the context markPx, not positionValue / |szi|; its funding the snapshot\'s rate', () => {
    const { snapshot, warnings } = imported([file('metaAndAssetCtxs.json'), file(STATE)]);
    assert.deepEqual(snapshot.marks, { ETH: '2985.9' });
    // The context's funding, the hourly rate, is the snapshot's funding rate for the held coin.
    assert.deepEqual(snapshot.funding, { ETH: '0.0000125' });
    assert.ok(!warnings.some((warning) => warning.includes('no markPx')));
    const contexts = fixture('metaAndAssetCtxs.json') as [unknown, { markPx: string }[]];
    const eth = contexts[1][1];
    assert.ok(eth);
    eth.markPx = '2990.1';
    assert.deepEqual(imported([file('metaAndAssetCtxs.json', contexts), file(STATE)]).snapshot.marks, { ETH: '2990.1' });
  });

  test('a tiered margin table (id ≥ 50) becomes tiers of {floor, maxLeverage}; the core rates them 1 / (2 × maxLeverage)', () => {
    const meta = fixture('meta.json') as { universe: Record<string, unknown>[] };
    const eth = meta.universe[1];
    assert.ok(eth);
    eth.marginTableId = 51; // the docs' "tiered 10x" table: 10x from 0, 5x from 3 000 000
    // The position's 20x is above the table's 10x (the core refuses it): at 10x here.
    const state = stateWith((position) => { position.leverage = { rawUsd: '-95.059824', type: 'isolated', value: 10 }; });
    const { snapshot } = imported([file(STATE, state), file('meta.json', meta)]);
    assert.deepEqual(snapshot.instruments?.ETH?.maintenanceTiers, [{ floor: '0.0', maxLeverage: '10' }, { floor: '3000000.0', maxLeverage: '5' }]);
    // Maintenance = notional × 1 / (2 × 10) = 100.02765 × 0.05 = 5.0013825, rounded up: 5.001383.
    assert.equal(report(snapshot).positions[0]?.maintenanceMargin, '5.001383');
  });

  test('a cross position: marginUsed is its initial margin, and checked', () => {
    const state = stateWith((position) => {
      position.leverage = { type: 'cross', value: 20 };
      position.marginUsed = '5.001383'; // positionValue / leverage = 100.02765 / 20 = 5.0013825, as the venue rounds it
      position.liquidationPx = null;
    });
    const { snapshot, check } = checked([file(STATE, state)]);
    assert.equal(snapshot.positions[0]?.isolatedMargin, undefined);
    // Balance = crossMarginSummary.totalRawUsd + szi × entryPx = 13104.514502 + 100.04105 = 13204.555552.
    assert.equal(snapshot.account.balance, '13204.555552');
    const initial = check.find((row) => row.field === 'initialMargin');
    assert.equal(initial?.stopout, '5.001383');
    assert.equal(initial?.agrees, true);
  });

  test('a coin no meta names and no maxLeverage, but the built-in profile knows: its instrument, with a warning', () => {
    const state = stateWith((position) => { delete position.maxLeverage; });
    const { snapshot, warnings } = imported([file(STATE, state)]);
    assert.deepEqual(snapshot.instruments, {});
    assert.ok(warnings.some((warning) => warning.includes("built-in profile's ETH")));
  });
});

describe('hyperliquid: bad input names the file and the field', () => {
  test('another venue\'s file, and a shape no venue gives', () => {
    const dydx = JSON.parse(readFileSync(new URL('../fixtures/import/dydx-v4/subaccount.json', import.meta.url), 'utf8')) as unknown;
    const [wrong, unknown] = problems([file(STATE), file('subaccount.json', dydx), file('other.json', { foo: 1 })]);
    assert.equal(wrong?.file, 'subaccount.json');
    assert.match(wrong?.message ?? '', /this is dydx-v4 data .*not hyperliquid data; hyperliquid accepts: clearinghouseState/);
    assert.equal(unknown?.file, 'other.json');
    assert.match(unknown?.message ?? '', /not a shape hyperliquid gives; accepted: clearinghouseState/);
  });

  test('nothing but flat positions', () => {
    const state = stateWith((position) => { position.szi = '0.0'; });
    assert.deepEqual(problems([file(STATE, state)]), [{
      file: STATE, field: 'assetPositions', message: 'no open position: nothing but flat positions (szi 0) to import',
    }]);
  });

  test('a coin no meta defines, no position maxLeverage, unknown to the built-in profile', () => {
    const state = stateWith((position) => { position.coin = 'DOGE'; delete position.maxLeverage; });
    const [problem] = problems([file(STATE, state), file('meta.json')]);
    assert.equal(problem?.file, STATE);
    assert.equal(problem?.field, 'assetPositions[0].position.maxLeverage');
    assert.match(problem?.message ?? '', /no meta file names DOGE/);
  });

  test('malformed fields, a margin table meta does not hold, and a second clearinghouseState', () => {
    const state = stateWith((position) => { position.szi = 'abc'; position.entryPx = 2986.3; });
    assert.deepEqual(problems([file(STATE, state)]).map((problem) => problem.field),
      ['assetPositions[0].position.szi', 'assetPositions[0].position.entryPx']);
    const figure = stateWith((position) => { position.liquidationPx = 'none'; });
    assert.deepEqual(problems([file(STATE, figure)]).map((problem) => problem.field), ['assetPositions[0].position.liquidationPx']);
    const meta = fixture('meta.json') as { universe: Record<string, unknown>[] };
    const eth = meta.universe[1];
    assert.ok(eth);
    eth.marginTableId = 56;
    assert.deepEqual(problems([file(STATE), file('meta.json', meta)]),
      [{ file: 'meta.json', field: 'universe[1].marginTableId', message: 'no margin table 56 in marginTables' }]);
    assert.deepEqual(problems([file(STATE), file('again.json', fixture(STATE))]).map((problem) => problem.file), ['again.json']);
  });
});

describe('hyperliquid: round trip of generated accounts', () => {
  test('import(export(account)) is the account; equity is accountValue; every venue figure agrees', () => {
    fc.assert(fc.property(hyperliquidAccounts, (account) => {
      const exported = hyperliquidExport(account);
      const { snapshot, check } = checked([
        file('clearinghouseState.json', exported.clearinghouseState), file('metaAndAssetCtxs.json', exported.metaAndAssetCtxs),
      ]);
      assert.equal(compare(dec(snapshot.account.balance), dec(account.balance)), 0);
      assert.deepEqual(snapshot.positions.map((position) => [position.instrument, position.side, position.quantity, position.entryPrice,
        position.leverage, position.isolatedMargin]), account.positions.map((position) => [position.coin.name, position.side,
        plainText(position.quantity), position.entryPrice, String(position.leverage), position.isolatedMargin]));
      assert.deepEqual(snapshot.marks, Object.fromEntries(account.positions.map((position) => [position.coin.name, position.mark])));
      const summary = (exported.clearinghouseState as { marginSummary: { accountValue: string } }).marginSummary;
      assert.equal(compare(dec(report(snapshot).account.equity ?? ''), dec(summary.accountValue)), 0);
      // LP within a relative 1e-7 of §4.3's formula, uPnL and notional exact, cross marginUsed within a unit.
      const disagreements = check.filter((row) => !row.agrees);
      assert.deepEqual(disagreements, []);
      // Three figures a position, four for a cross one (its marginUsed is an initial margin).
      assert.equal(check.length, account.positions.reduce((count, position) => count + (position.isolatedMargin ? 3 : 4), 0));
    }), { numRuns: 40 });
  });
});
