// The dYdX v4 importer (src/import/venues/dydx.ts) on the documented payloads:
// - subaccount.json: spec/venue-formats.md §5.1, the real response quoted in ccxt's dydx.js
//   (fetchBalance), verbatim as abridged there;
// - perpetualMarkets.json: built from §5.2's BTC-USD market (ccxt parseMarket), with constructed
//   values: BTC-USD's oraclePrice 108086.86937 and ETH-USD's 3850.024845 are the oracle prices §5.1
//   derives from the positions' uPnL (oracle = entry + uPnL / size), not §5.2's 118976.5376 of
//   another moment; the whole ETH-USD entry is constructed from BTC-USD's, with tickSize 0.1 and
//   stepSize 0.001, and IMF 0.02 (§5.1: "IMF 0.02 for both markets at that time"), MMF 0.012 as
//   BTC-USD's. Nothing in §5 is marked broken, so nothing was fixed.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { abs, add, compare, dec, multiply, normalize, subtract, toDecimalString } from '../../src/core/index.js';
import type { CheckedImport, ImportFile, ImportProblem } from '../../src/import/index.js';
import { dydxAccounts, dydxExport, type DydxAccount } from '../support/venue-export/dydx.js';
import { checkedOk, refused, reportOf } from '../support/import-expect.js';

const checked = (files: readonly ImportFile[]): CheckedImport => checkedOk('dydx-v4', files);
const problems = (files: readonly ImportFile[]): readonly ImportProblem[] => refused('dydx-v4', files);
const report = reportOf;

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../fixtures/import/dydx-v4/${name}`, import.meta.url), 'utf8'));
const file = (name: string, value: unknown = fixture(name)): ImportFile => ({ name, value });
const SUBACCOUNT = 'subaccount.json';
const MARKETS = 'perpetualMarkets.json';
const plainText = (text: string): string => toDecimalString(normalize(dec(text)));




/** |a − b| ≤ tolerance, all decimal strings. */
function within(a: string, b: string, tolerance: string): boolean {
  return compare(abs(subtract(dec(a), dec(b))), dec(tolerance)) <= 0;
}

type Subaccount = { subaccount: { openPerpetualPositions: Record<string, Record<string, unknown>>; assetPositions: Record<string, unknown> } };

describe('dydx-v4: the documented subaccount (venue-formats §5.1)', () => {
  test('positions, balance, instruments and marks', () => {
    const { snapshot, warnings } = checked([file(SUBACCOUNT), file(MARKETS)]);
    assert.deepEqual(snapshot.positions, [
      { id: 'ETH-USD-long', instrument: 'ETH-USD', side: 'long', quantity: '0.001', entryPrice: '3894.7' },
      { id: 'BTC-USD-short', instrument: 'BTC-USD', side: 'short', quantity: '4.1368', entryPrice: '112196.87848803433219017636' },
    ]);
    // Balance = USDC + Σ size × entryPrice = 608580.951601 + 0.001 × 3894.7 − 4.1368 × 112196.87848803433219017636
    //         = 608580.951601 + 3.8947 − 464136.046929… = 144448.799371699574595678433952,
    // half-even to USDC's 6 decimals: 144448.799372.
    const exact = add(add(dec('608580.951601'), multiply(dec('0.001'), dec('3894.7'))), multiply(dec('-4.1368'), dec('112196.87848803433219017636')));
    assert.equal(toDecimalString(exact), '144448.799371699574595678433952');
    assert.deepEqual(snapshot.account, { currency: 'USDC', balance: '144448.799372' });
    assert.deepEqual(snapshot.marks, { 'ETH-USD': '3850.024845', 'BTC-USD': '108086.86937' });
    // maxLeverage = 1 / initialMarginFraction = 1 / 0.02 = 50; one tier at the MMF 0.012.
    assert.deepEqual(snapshot.instruments?.['BTC-USD'], {
      kind: 'linear', assetClass: 'crypto', contractSize: '1', tickSize: '1', maxLeverage: '50',
      maintenanceTiers: [{ floor: '0', rate: '0.012' }], settlementCurrency: 'USDC',
    });
    assert.equal(snapshot.instruments?.['ETH-USD']?.tickSize, '0.1');
    assert.ok(warnings.some((warning) => warning.includes('reports no leverage')));
    assert.ok(warnings.some((warning) => warning.includes('rounded half-even')));
  });

  test('equity and free collateral are the indexer\'s, within the rounding named', () => {
    const { snapshot } = checked([file(SUBACCOUNT), file(MARKETS)]);
    const { account } = report(snapshot);
    // Exact: balance + Σ size × (oracle − entry) = 144448.799372 + 0.001 × (3850.024845 − 3894.7)
    //   − 4.1368 × (108086.86937 − 112196.87848803433219017636) = 144448.799372 − 0.044675155 + 17002.285719484…
    //   = 161451.040416329…; the indexer's equity 161451.040416029 = USDC + Σ size × oracle (§5.1): 3.0e-7
    //   apart, the balance's rounding (144448.799372 − 144448.7993716996 = 3.0e-7 ≤ 0.5e-6).
    const exactEquity = add(dec(snapshot.account.balance), add(
      multiply(dec('0.001'), subtract(dec('3850.024845'), dec('3894.7'))),
      multiply(dec('-4.1368'), subtract(dec('108086.86937'), dec('112196.87848803433219017636')))));
    assert.ok(within(toDecimalString(exactEquity), '161451.040416029', '0.0000005'));
    // The report floors P&L to USDC's 6 decimals (17002.241044329… → 17002.241043): 161451.040415, 1.03e-6
    // below the indexer's: within half a unit (balance) plus one unit (P&L floored).
    assert.equal(account.equity, '161451.040415');
    assert.ok(within(account.equity ?? '', '161451.040416029', '0.0000015'));
    // Free collateral = equity − Σ |size × oracle| × IMF = 161451.040416029 − (3.850024845 + 447133.7611…) × 0.02
    //   = 152508.28819133578 (§5.1). Ours: equity − initial margin (1 / max leverage = the IMF, no leverage sent),
    //   8942.752226 rounded up: 152508.288189, within half a unit + two units (P&L floored, margin rounded up).
    assert.equal(account.freeMargin, '152508.288189');
    assert.ok(within(account.freeMargin ?? '', '152508.28819133578', '0.0000025'));
  });

  test('unrealised P&L, the one figure the indexer reports, beside ours', () => {
    const { check } = checked([file(SUBACCOUNT), file(MARKETS)]);
    // ETH: 0.001 × (3850.024845 − 3894.7) = −0.044675155, ours floored to 6 decimals: −0.044676 (8.45e-7 off, within 1e-6).
    // BTC: −4.1368 × (108086.86937 − 112196.87848803433219017636) = 17002.285719484425404321566048, ours 17002.285719.
    assert.deepEqual(check.map((row) => [row.position, row.field, row.venue, row.stopout, row.agrees]), [
      ['ETH-USD-long', 'unrealizedPnl', '-0.044675155', '-0.044676', true],
      ['BTC-USD-short', 'unrealizedPnl', '17002.285719484425404321566048', '17002.285719', true],
    ]);
    assert.equal(check[0]?.source, 'subaccount.json subaccount.openPerpetualPositions["ETH-USD"].unrealizedPnl');
  });

  test('a USDC position on the SHORT side is a negative balance', () => {
    const subaccount = fixture(SUBACCOUNT) as Subaccount;
    subaccount.subaccount.assetPositions.USDC = { size: '100', symbol: 'USDC', side: 'SHORT', assetId: '0' };
    subaccount.subaccount.openPerpetualPositions = { 'ETH-USD': { market: 'ETH-USD', status: 'OPEN', side: 'LONG', size: '1', entryPrice: '3894.7' } };
    // −100 + 1 × 3894.7 = 3794.7
    assert.equal(checked([file(SUBACCOUNT, subaccount), file(MARKETS)]).snapshot.account.balance, '3794.7');
  });

  test('a parent subaccount: the child below 128 is cross, each other child one isolated position', () => {
    const account: DydxAccount = {
      balance: '5000',
      positions: [
        { market: { ticker: 'BTC-USD', tickSize: '1', initialMarginFraction: '0.02', maintenanceMarginFraction: '0.012' },
          side: 'short', quantity: '0.1', entryPrice: '100000', oraclePrice: '101000' },
        { market: { ticker: 'ETH-USD', tickSize: '0.1', initialMarginFraction: '0.02', maintenanceMarginFraction: '0.012' },
          side: 'long', quantity: '2', entryPrice: '3000', oraclePrice: '2900', isolatedMargin: '400' },
      ],
    };
    const exported = dydxExport(account);
    const { snapshot } = checked([file('parent.json', exported.subaccount), file(MARKETS, exported.perpetualMarkets)]);
    // Child 0: USDC = 4600 − (−0.1 × 100000) = 14600; child 128: USDC = 400 − 2 × 3000 = −5600 (SHORT).
    // Balance = (14600 − 0.1 × 100000) + (−5600 + 2 × 3000) = 4600 + 400 = 5000; ETH isolated with 400.
    assert.equal(snapshot.account.balance, '5000');
    assert.deepEqual(snapshot.positions.map((position) => [position.id, position.isolatedMargin]), [['BTC-USD-short', undefined], ['ETH-USD-long', '400']]);
    // Parent equity = Σ children: (14600 − 0.1 × 101000) + (−5600 + 2 × 2900) = 4500 + 200 = 4700.
    assert.equal(exported.equity, '4700');
    assert.equal(report(snapshot).account.equity, '4700.000000');
  });

  test('one market both cross and isolated in a child: the child\'s number keeps the ids apart', () => {
    const btc = { ticker: 'BTC-USD', tickSize: '1', initialMarginFraction: '0.02', maintenanceMarginFraction: '0.012' };
    const exported = dydxExport({
      balance: '3000',
      positions: [
        { market: btc, side: 'long', quantity: '0.01', entryPrice: '100000', oraclePrice: '99000' },
        { market: btc, side: 'long', quantity: '0.02', entryPrice: '98000', oraclePrice: '99000', isolatedMargin: '1000' },
      ],
    });
    const { snapshot, check } = checked([file('parent.json', exported.subaccount), file(MARKETS, exported.perpetualMarkets)]);
    assert.deepEqual(snapshot.positions.map((position) => position.id), ['BTC-USD-long', 'BTC-USD-long-128']);
    // uPnL: 0.01 × (99000 − 100000) = −10 and 0.02 × (99000 − 98000) = 20, each beside its own position.
    assert.deepEqual(check.map((row) => [row.position, row.venue, row.agrees]), [['BTC-USD-long', '-10', true], ['BTC-USD-long-128', '20', true]]);
  });
});

describe('dydx-v4: bad input names the file and the field', () => {
  test('without perpetualMarkets: the file needed, per position (the mark is only there)', () => {
    assert.deepEqual(problems([file(SUBACCOUNT)]), [
      { file: SUBACCOUNT, field: 'subaccount.openPerpetualPositions["ETH-USD"]',
        message: 'ETH-USD needs perpetualMarkets (GET /v4/perpetualMarkets): the built-in profile has its margin fractions, but its oracle price (the mark) is only there' },
      { file: SUBACCOUNT, field: 'subaccount.openPerpetualPositions["BTC-USD"]',
        message: 'BTC-USD needs perpetualMarkets (GET /v4/perpetualMarkets): the built-in profile has its margin fractions, but its oracle price (the mark) is only there' },
    ]);
    const markets = fixture(MARKETS) as { markets: Record<string, unknown> };
    delete markets.markets['ETH-USD'];
    const subaccount = fixture(SUBACCOUNT) as Subaccount;
    const eth = subaccount.subaccount.openPerpetualPositions['ETH-USD'];
    assert.ok(eth);
    subaccount.subaccount.openPerpetualPositions = { 'SOL-USD': { ...eth, market: 'SOL-USD' } };
    assert.deepEqual(problems([file(SUBACCOUNT, subaccount), file(MARKETS, markets)]), [
      { file: SUBACCOUNT, field: 'subaccount.openPerpetualPositions["SOL-USD"]',
        message: `SOL-USD is in no perpetualMarkets file given (${MARKETS}): its oracle price (the mark) and margin fractions are only there` },
    ]);
  });

  test('another venue\'s file, and a shape no venue gives', () => {
    const hyperliquid = JSON.parse(readFileSync(new URL('../fixtures/import/hyperliquid/clearinghouseState.json', import.meta.url), 'utf8')) as unknown;
    const [wrong, unknown] = problems([file(SUBACCOUNT), file('state.json', hyperliquid), file('list.json', [1, 2])]);
    assert.equal(wrong?.file, 'state.json');
    assert.match(wrong?.message ?? '', /this is hyperliquid data .*not dydx-v4 data; dydx-v4 accepts: subaccount/);
    assert.equal(unknown?.file, 'list.json');
    assert.match(unknown?.message ?? '', /not a shape dydx-v4 gives/);
  });

  test('nothing but flat positions; a size against its side; a malformed oracle price', () => {
    const flat = fixture(SUBACCOUNT) as Subaccount;
    flat.subaccount.openPerpetualPositions = {};
    assert.deepEqual(problems([file(SUBACCOUNT, flat), file(MARKETS)]),
      [{ file: SUBACCOUNT, field: 'subaccount.openPerpetualPositions', message: 'no open position: nothing to import' }]);
    const against = fixture(SUBACCOUNT) as Subaccount;
    const btc = against.subaccount.openPerpetualPositions['BTC-USD'];
    assert.ok(btc);
    btc.size = '4.1368';
    assert.deepEqual(problems([file(SUBACCOUNT, against), file(MARKETS)]), [{
      file: SUBACCOUNT, field: 'subaccount.openPerpetualPositions["BTC-USD"].size', message: 'a SHORT position\'s size is negative, got "4.1368"',
    }]);
    const markets = fixture(MARKETS) as { markets: Record<string, Record<string, unknown>> };
    const market = markets.markets['BTC-USD'];
    assert.ok(market);
    market.oraclePrice = 108086.86937;
    assert.deepEqual(problems([file(SUBACCOUNT), file(MARKETS, markets)]).map((problem) => [problem.file, problem.field]),
      [[MARKETS, 'markets["BTC-USD"].oraclePrice']]);
  });

  test('subaccounts of two parents, and an isolated child with two positions', () => {
    const other = fixture(SUBACCOUNT) as { subaccount: Record<string, unknown> };
    other.subaccount.subaccountNumber = 1;
    assert.deepEqual(problems([file(SUBACCOUNT), file('one.json', other), file(MARKETS)]).map((problem) => [problem.file, problem.field]),
      [['one.json', 'subaccount.subaccountNumber']]);
    other.subaccount.subaccountNumber = 128;
    const [problem] = problems([file(SUBACCOUNT), file('child.json', other), file(MARKETS)]);
    assert.deepEqual([problem?.file, problem?.field], ['child.json', 'subaccount.openPerpetualPositions']);
    assert.match(problem?.message ?? '', /an isolated subaccount with 2 positions/);
  });
});

describe('dydx-v4: round trip of generated accounts', () => {
  test('import(export(account)) is the account; equity and free collateral are the indexer\'s; uPnL agrees', () => {
    fc.assert(fc.property(dydxAccounts, (account) => {
      const exported = dydxExport(account);
      const { snapshot, check } = checked([file('subaccount.json', exported.subaccount), file(MARKETS, exported.perpetualMarkets)]);
      assert.equal(compare(dec(snapshot.account.balance), dec(account.balance)), 0);
      const cross = account.positions.filter((position) => !position.isolatedMargin);
      const isolated = account.positions.filter((position) => position.isolatedMargin);
      assert.deepEqual(snapshot.positions.map((position) => [position.instrument, position.side, position.quantity, position.entryPrice,
        position.leverage, position.isolatedMargin]), [...cross, ...isolated].map((position) => [position.market.ticker, position.side,
        plainText(position.quantity), position.entryPrice, undefined, position.isolatedMargin]));
      assert.deepEqual(snapshot.marks, Object.fromEntries(account.positions.map((position) => [position.market.ticker, position.oraclePrice])));
      const figures = report(snapshot).account;
      // Sizes 3 decimals × prices 1 and 3 decimals: every P&L is exact at 6 decimals, so equity is the indexer's exactly.
      assert.equal(compare(dec(figures.equity ?? ''), dec(exported.equity)), 0);
      // Free margin = equity − initial margin, each position's initial margin (|size × oracle| × IMF, 8
      // decimals) rounded up to 6: below the indexer's freeCollateral by less than one unit a position.
      const units = multiply(dec(String(account.positions.length)), dec('0.000001'));
      const gap = subtract(dec(exported.freeCollateral), dec(figures.freeMargin ?? ''));
      assert.ok(compare(gap, dec('0')) >= 0 && compare(gap, units) < 0, `${figures.freeMargin} vs ${exported.freeCollateral}`);
      assert.deepEqual(check.filter((row) => !row.agrees), []);
      assert.equal(check.length, account.positions.length);
    }), { numRuns: 60 });
  });

});
