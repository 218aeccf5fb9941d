// The Bybit linear importer (spec/import.md; venue-formats.md §3) on the documented payloads, a
// tick-exact isolated pair from ccxt's source, the export → import round trip, and bad input.
//
// Fixtures (test/fixtures/import/bybit-linear/), and where each comes from:
// - position-list-inverse-doc.json: venue-formats.md §3.1's official example (an inverse BTCUSD
//   position) in the docs' response envelope (bybit-exchange/docs docs/v5/position/position.mdx).
//   Not this importer's: bybit-linear is USDT perpetuals, so it must be refused by its category.
// - risk-limit-inverse-doc.json: §3.4's official example (docs/v5/market/risk-limit.mdx; the
//   docs' "...." for further tiers left out so that it is JSON). Inverse too; its numbers ("0.5",
//   "1" at "100.00") are the percent case of the unit test below.
// - account-info-doc.json, wallet-balance-doc.json, instruments-info-btcusdt-doc.json: the official
//   response examples of docs/v5/account/account-info.mdx, account/wallet-balance.mdx and
//   market/instrument.mdx (the linear one), as published.
// - risk-limit-btcusdt-testnet.json: §3.4's testnet capture (BTCUSDT, fractions), as its bare
//   `result`.
// - position-list-ethusdt-ccxt-v3.json: the "linear swap" example in ccxt's bybit parsePosition
//   comment (ccxt/ccxt ts/src/bybit.ts, v3 era: the "1 tick-exact pair" of venue-formats.md §0),
//   as a bare list, with one field added: markPrice "1199.28", derived from it below (v3 did not
//   send the mark). It keeps v3's names, entryPrice (v5's WebSocket name too) and positionBalance.
// - risk-limit-ethusdt-derived.json, instruments-info-ethusdt-derived.json: built from the
//   documented field shapes with the values the ccxt example implies (derived below): one tier to
//   900000 at 0.5 %, tick 0.05. Other instrument fields are left out.
// - position-list-xrpusdt-ccxt.json: ccxt's copy of a v5 unified-account response (fetchPositions
//   comment in the same file): a cross XRPUSDT long with Bybit's positionIM and positionMM.
// - risk-limit-xrpusdt-derived.json (1 % to 200000, derived below; 2 % initial at 50x assumed) and
//   wallet-balance-usdt-constructed.json (a USDT wallet of 1000, chosen): built, not published.
// - position-risk-binance-doc.json: venue-formats.md §2.1's current Binance example (another venue).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { add, dec, decimal, multiply, normalize, reportFromJson, toDecimalString, type Decimal } from '../../src/core/index.js';
import { checkFigures } from '../../src/import/check.js';
import { importAccount, importAndCheck, type ImportFile } from '../../src/import/index.js';
import type { ImportProblem, InstrumentJson, PositionJson, SnapshotJson, TierJson } from '../../src/import/import-types.js';
import { tierRate } from '../../src/import/venues/bybit.js';
import { exportBybit, type BybitExportOptions } from '../support/venue-export/bybit.js';
import { hasProblem, refused } from '../support/import-expect.js';

const problemsOf = (files: readonly ImportFile[]): readonly ImportProblem[] => refused(VENUE, files);

const FIXTURES = new URL('../fixtures/import/bybit-linear/', import.meta.url);
const VENUE = 'bybit-linear';

function fixture(name: string): ImportFile {
  return { name, value: JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8')) as unknown };
}

/** A fixture with its first position row changed: the cases the documents do not show. */
function withRow(name: string, change: (row: Record<string, unknown>) => Record<string, unknown>): ImportFile {
  const file = fixture(name);
  const value = structuredClone(file.value) as Record<string, unknown>[] | { result: { list: Record<string, unknown>[] } };
  const list = Array.isArray(value) ? value : value.result.list;
  list[0] = change(list[0] ?? {});
  return { name, value };
}



const ETH = ['position-list-ethusdt-ccxt-v3.json', 'risk-limit-ethusdt-derived.json', 'instruments-info-ethusdt-derived.json'];
const XRP = ['position-list-xrpusdt-ccxt.json', 'risk-limit-xrpusdt-derived.json', 'account-info-doc.json', 'wallet-balance-usdt-constructed.json'];

describe('the documented examples', () => {
  test('the official position example is inverse: refused by its category, not read as linear', () => {
    const problems = problemsOf([fixture('position-list-inverse-doc.json'), fixture('account-info-doc.json')]);
    hasProblem(problems, 'position-list-inverse-doc.json', 'result.category', /"inverse".*not "linear".*inverse contracts/);
    assert.equal(problems.length, 1);
  });

  test('the official risk-limit example is inverse too: refused by its category', () => {
    const problems = problemsOf([fixture('position-list-xrpusdt-ccxt.json'), fixture('risk-limit-inverse-doc.json'),
      fixture('account-info-doc.json'), fixture('wallet-balance-usdt-constructed.json')]);
    hasProblem(problems, 'risk-limit-inverse-doc.json', 'result.category', /"inverse"/);
  });

  test('maintenanceMargin is read as a percent or a fraction by initialMargin × maxLeverage (§3.4)', () => {
    // The docs' example: 1 × 100.00 = 100 -> percent: 0.5 % = 0.005.
    assert.equal(tierRate('0.5', '1', '100.00'), '0.005');
    // The testnet capture: 0.01 × 100.00 = 1 -> fractions, as sent.
    assert.equal(tierRate('0.005', '0.01', '100.00'), '0.005');
    // 1/90 rounded up, as Bybit writes it: 0.0112 × 90 = 1.008 and 1.12 × 90 = 100.8.
    assert.equal(tierRate('0.0056', '0.0112', '90'), '0.0056');
    assert.equal(tierRate('0.56', '1.12', '90'), '0.0056');
    // 0.1 × 100 = 10: neither, so it says nothing.
    assert.equal(tierRate('0.5', '0.1', '100'), undefined);
  });

  test('BTCUSDT from the official instruments-info and the testnet risk limit, cross from the official account info', () => {
    // A BTCUSDT long built from §3.1's field shapes (no documented linear example carries one).
    const positions: ImportFile = {
      name: 'positions.json',
      value: { retCode: 0, retMsg: 'OK', result: { category: 'linear', list: [{
        positionIdx: 0, symbol: 'BTCUSDT', side: 'Buy', size: '0.5', avgPrice: '30000', leverage: '10', markPrice: '30100',
        positionValue: '15000', liqPrice: '', unrealisedPnl: '50', positionIM: '1500', positionMM: '75', tradeMode: 0,
      }] } },
    };
    const imported = importAccount(VENUE, [positions, fixture('risk-limit-btcusdt-testnet.json'),
      fixture('instruments-info-btcusdt-doc.json'), fixture('account-info-doc.json'), fixture('wallet-balance-usdt-constructed.json')]);
    assert.ok(imported.ok, JSON.stringify(imported));
    const { snapshot, warnings } = imported.value;
    assert.deepEqual(snapshot.instruments?.BTCUSDT, {
      kind: 'linear', assetClass: 'crypto', contractSize: '1', tickSize: '0.10', maxLeverage: '100.00',
      maintenanceTiers: [{ floor: '0', rate: '0.005', maxLeverage: '100.00' }], settlementCurrency: 'USDT',
    });
    assert.deepEqual(snapshot.positions, [{ id: 'BTCUSDT-long', instrument: 'BTCUSDT', side: 'long', quantity: '0.5', entryPrice: '30000', leverage: '10' }]);
    assert.equal(snapshot.account.balance, '1000');
    assert.deepEqual(snapshot.marks, { BTCUSDT: '30100' });
    assert.deepEqual(warnings, []);

    // Without the risk limits, Stopout's own BTCUSDT tiers, said in a warning.
    const builtIn = importAccount(VENUE, [positions, fixture('instruments-info-btcusdt-doc.json'),
      fixture('account-info-doc.json'), fixture('wallet-balance-usdt-constructed.json')]);
    assert.ok(builtIn.ok, JSON.stringify(builtIn));
    const tiers = builtIn.value.snapshot.instruments?.BTCUSDT?.maintenanceTiers ?? [];
    assert.equal(tiers.length, 20);
    assert.deepEqual(tiers[1], { floor: '2000000', rate: '0.0056', deduction: '1200', maxLeverage: '90' }); // 2 000 000 × 0.0006
    assert.ok(builtIn.value.warnings.some((warning) => /BTCUSDT: no risk limits given; used Stopout's built-in/.test(warning)));
  });
});

describe('the tick-exact isolated pair in ccxt\'s source (ETHUSDT, v3 era)', () => {
  // ccxt's example: long 0.10 ETHUSDT at 1198.45, leverage 4.2, tradeMode 1 (isolated),
  // positionValue 119.845, positionBalance 28.58931118, liqPrice 919.10, bustPrice 913.15, uPnL 0.083.
  //   initial margin  IM = 119.845 / 4.2 = 28.534523809...
  //   bankruptcy      1198.45 - 28.5345238 / 0.10 = 913.104762 -> 913.15: a tick of 0.05, rounded up
  //   liquidation     1198.45 - (IM - r × 119.845) / 0.10 rounds up to 919.10 for r in (0.0049608, 0.0050025]:
  //                   r = 0.5 %, MM = 0.599225: 1198.45 - 279.352988 = 919.097012 -> 919.10
  //   fee reserve     positionBalance - IM = 0.05478737 ≈ 0.1 × 913.1 × 0.06 % (the taker fee to close at bankruptcy)
  //   mark            entry + uPnL / size = 1198.45 + 0.083 / 0.10 = 1199.28
  test('imported: isolated by tradeMode, margin from positionBalance, balance from the margin, all said in warnings', () => {
    const imported = importAccount(VENUE, ETH.map(fixture));
    assert.ok(imported.ok, JSON.stringify(imported));
    const { snapshot, warnings } = imported.value;
    assert.deepEqual(snapshot, {
      venue: VENUE,
      account: { currency: 'USDT', balance: '28.58931118' },
      instruments: { ETHUSDT: {
        kind: 'linear', assetClass: 'crypto', contractSize: '1', tickSize: '0.05', maxLeverage: '100.00',
        maintenanceTiers: [{ floor: '0', rate: '0.005', maxLeverage: '100.00' }], settlementCurrency: 'USDT',
      } },
      positions: [{ id: 'ETHUSDT-long', instrument: 'ETHUSDT', side: 'long', quantity: '0.10', entryPrice: '1198.45', leverage: '4.2', isolatedMargin: '28.58931118' }],
      marks: { ETHUSDT: '1199.28' },
    });
    for (const said of [/tradeMode, which Bybit deprecated/, /positionBalance \(deprecated\)/, /includes the fee Bybit reserves/, /sum of the isolated/]) {
      assert.ok(warnings.some((warning) => said.test(warning)), `no warning matching ${String(said)} in ${JSON.stringify(warnings)}`);
    }
  });

  test('checked: the fee reserve in positionIM moves our price 0.60 away, and the check says why', () => {
    const checked = importAndCheck(VENUE, ETH.map(fixture));
    assert.ok(checked.ok, JSON.stringify(checked));
    const row = (field: string) => checked.value.check.find((each) => each.field === field);
    // Ours with the reserve as margin: 1198.45 - (28.58931118 - 0.599225) / 0.10 = 918.549138 -> 918.50
    // (a long's price rounded down to the tick, where Bybit rounds up).
    assert.deepEqual([row('liquidationPrice')?.venue, row('liquidationPrice')?.stopout, row('liquidationPrice')?.agrees], ['919.10', '918.50', false]);
    assert.match(row('liquidationPrice')?.why ?? '', /fee Bybit reserves/);
    assert.equal(row('liquidationPrice')?.source, 'position-list-ethusdt-ccxt-v3.json [0].liqPrice');
    // uPnL: 0.10 × (1199.28 - 1198.45) = 0.083 (the mark was derived from it: this checks the reading, not Bybit).
    assert.deepEqual([row('unrealizedPnl')?.venue, row('unrealizedPnl')?.agrees], ['0.083', true]);
    // positionValue is at entry: 0.10 × 1198.45 = 119.845; the report's notional at mark: 0.10 × 1199.28 = 119.928.
    assert.deepEqual([row('notional')?.venue, row('notional')?.stopout, row('notional')?.agrees], ['119.845', '119.92800000', false]);
    assert.match(row('notional')?.why ?? '', /at entry/);
    assert.equal(row('initialMargin'), undefined, 'v3 sent no positionIM');
  });

  test('reproduced: with the margin without the reserve, ours is within a tick of Bybit\'s, both ways of rounding', () => {
    const imported = importAccount(VENUE, ETH.map(fixture));
    assert.ok(imported.ok);
    // IM = 119.845 / 4.2 = 28.53452381 (to USDT's 8 places): 1198.45 - (28.53452381 - 0.599225) / 0.10
    // = 919.0970119 -> 919.05 (ours, down) beside 919.10 (Bybit, up): one tick.
    const withoutReserve: SnapshotJson = {
      ...imported.value.snapshot,
      positions: imported.value.snapshot.positions.map((position) => ({ ...position, isolatedMargin: '28.53452381' })),
    };
    const rows = checkFigures(withoutReserve, imported.value.figures);
    assert.ok(rows.ok);
    const liquidation = rows.value.find((row) => row.field === 'liquidationPrice');
    assert.deepEqual([liquidation?.stopout, liquidation?.difference, liquidation?.agrees], ['919.05', '-0.05', true]);
    // Bankruptcy: 1198.45 - 285.3452381 = 913.1047619 -> 913.10 (ours) beside Bybit's bustPrice 913.15.
    const report = reportFromJson(withoutReserve);
    assert.ok(report.ok);
    assert.equal(report.value.positions[0]?.bankruptcyPrice, '913.10');
  });

  test('with the account\'s margin mode, account info wins over tradeMode: the official REGULAR_MARGIN makes it cross', () => {
    const problems = problemsOf([...ETH.map(fixture), fixture('account-info-doc.json')]);
    hasProblem(problems, 'position-list-ethusdt-ccxt-v3.json', '', /cross positions need the account's wallet: give wallet balance/);
  });
});

describe('a cross unified-account position (ccxt\'s copy of a v5 response, XRPUSDT)', () => {
  // Long 100 XRPUSDT at 0.3615, 10x, mark 0.3432, positionIM 3.634521, positionMM 0.381021, liqPrice 0.0001.
  //   value at entry  100 × 0.3615 = 36.15 (positionValue); bankruptcy 0.3615 × (1 - 1/10) = 0.32535
  //   close fee       100 × 0.32535 × 0.06 % = 0.019521
  //   positionIM      36.15 / 10 + 0.019521 = 3.634521      positionMM  36.15 × 1 % + 0.019521 = 0.381021 (so r = 1 %)
  test('imported with the official account info and a USDT wallet; each figure beside ours, with its cause', () => {
    const checked = importAndCheck(VENUE, XRP.map(fixture));
    assert.ok(checked.ok, JSON.stringify(checked));
    assert.deepEqual(checked.value.snapshot.positions, [{ id: 'XRPUSDT-long', instrument: 'XRPUSDT', side: 'long', quantity: '100', entryPrice: '0.3615', leverage: '10' }]);
    assert.equal(checked.value.snapshot.account.balance, '1000');
    const row = (field: string) => checked.value.check.find((each) => each.field === field);
    // uPnL: 100 × (0.3432 - 0.3615) = -1.83.
    assert.deepEqual([row('unrealizedPnl')?.stopout, row('unrealizedPnl')?.agrees], ['-1.83000000', true]);
    // Ours cross, at mark: IM 100 × 0.3432 / 10 = 3.432; MM 34.32 × 1 % = 0.3432; notional 34.32.
    assert.deepEqual([row('initialMargin')?.stopout, row('initialMargin')?.agrees], ['3.43200000', false]);
    assert.match(row('initialMargin')?.why ?? '', /fee Bybit reserves to close/);
    assert.deepEqual([row('maintenanceMargin')?.stopout, row('maintenanceMargin')?.agrees], ['0.34320000', false]);
    assert.match(row('maintenanceMargin')?.why ?? '', /0\.381021 = 36\.15 × 1 % \+ 100 × 0\.32535 × 0\.06 %/);
    // A wallet of 1000 cannot be lost by 100 XRP: no price liquidates ours; Bybit shows 0.0001, its estimate.
    assert.deepEqual([row('liquidationPrice')?.venue, row('liquidationPrice')?.stopout, row('liquidationPrice')?.agrees], ['0.0001', null, false]);
    assert.match(row('liquidationPrice')?.why ?? '', /estimate/);
    assert.ok(checked.value.warnings.some((warning) => /XRPUSDT: no tick size/.test(warning)));
  });
});

describe('bad input: every problem names the file and the field', () => {
  test('a file of another venue, and a shape Bybit does not give', () => {
    const problems = problemsOf([fixture('position-risk-binance-doc.json'), { name: 'other.json', value: { foo: 1 } }]);
    hasProblem(problems, 'position-risk-binance-doc.json', '', /not bybit-linear data|not a shape bybit-linear gives/);
    hasProblem(problems, 'other.json', '', /not a shape bybit-linear gives; accepted: position list/);
  });

  test('no margin mode: neither account info nor tradeMode names the file that is needed', () => {
    const noTradeMode = withRow('position-list-xrpusdt-ccxt.json', ({ tradeMode: _dropped, ...row }) => row);
    const problems = problemsOf([noTradeMode, fixture('risk-limit-xrpusdt-derived.json'), fixture('wallet-balance-usdt-constructed.json')]);
    hasProblem(problems, 'position-list-xrpusdt-ccxt.json', 'result.list[0].tradeMode', /margin mode is unknown: give account info \(GET \/v5\/account\/info/);
  });

  test('portfolio margin is not modelled', () => {
    const account = fixture('account-info-doc.json');
    const portfolio = { name: account.name, value: { result: { marginMode: 'PORTFOLIO_MARGIN' } } };
    const problems = problemsOf([fixture('position-list-xrpusdt-ccxt.json'), fixture('risk-limit-xrpusdt-derived.json'), portfolio]);
    hasProblem(problems, 'account-info-doc.json', 'result.marginMode', /portfolio margin is not modelled/);
  });

  test('a symbol no file defines: the symbol and the file that would', () => {
    const problems = problemsOf([fixture('position-list-xrpusdt-ccxt.json'), fixture('account-info-doc.json'), fixture('wallet-balance-usdt-constructed.json')]);
    hasProblem(problems, 'position-list-xrpusdt-ccxt.json', 'result.list[0].symbol', /no maintenance tiers for XRPUSDT: give its risk limits \(GET \/v5\/market\/risk-limit\?category=linear&symbol=XRPUSDT\)/);
  });

  test('only flat positions', () => {
    // Bybit lists a symbol asked for by name even when flat: side "", size "0" (docs/v5/position/position.mdx).
    const flat = withRow('position-list-xrpusdt-ccxt.json', (row) => ({ ...row, side: '', size: '0', avgPrice: '0' }));
    const problems = problemsOf([flat, ...XRP.slice(1).map(fixture)]);
    hasProblem(problems, 'position-list-xrpusdt-ccxt.json', '', /only flat positions/);
  });

  test('cross without a wallet balance, and a wallet without the USDT coin (the official example holds BTC only)', () => {
    const noWallet = problemsOf(XRP.slice(0, 3).map(fixture));
    hasProblem(noWallet, 'position-list-xrpusdt-ccxt.json', '', /cross positions need the account's wallet: give wallet balance/);
    const btcOnly = problemsOf([...XRP.slice(0, 3).map(fixture), fixture('wallet-balance-doc.json')]);
    hasProblem(btcOnly, 'wallet-balance-doc.json', 'result.list[0].coin', /no USDT coin/);
  });

  test('hedge mode: a side that contradicts positionIdx', () => {
    const contradicting = withRow('position-list-xrpusdt-ccxt.json', (row) => ({ ...row, positionIdx: 2 }));
    const problems = problemsOf([contradicting, ...XRP.slice(1).map(fixture)]);
    hasProblem(problems, 'position-list-xrpusdt-ccxt.json', 'result.list[0].side', /"Buy" but positionIdx 2 is the sell side/);
  });

  test('risk limits that are neither percent nor fractions', () => {
    const risk = fixture('risk-limit-xrpusdt-derived.json');
    const value = structuredClone(risk.value) as { result: { list: Record<string, unknown>[] } };
    value.result.list[0] = { ...value.result.list[0], initialMargin: '0.2' };
    const problems = problemsOf([fixture('position-list-xrpusdt-ccxt.json'), { name: risk.name, value }, ...XRP.slice(2).map(fixture)]);
    hasProblem(problems, 'risk-limit-xrpusdt-derived.json', 'result.list[0].maintenanceMargin', /initialMargin × maxLeverage = 10, neither/);
  });
});

// ---------------------------------------------------------------------------------------------
// Round trip: a snapshot written out as Bybit's responses (test/support/venue-export/bybit.ts)
// and imported again is the same snapshot.

const SYMBOLS = ['ETHUSDT', 'SOLUSDT', 'XRPUSDT', 'BTCUSDT'] as const;
const TICKS = ['0.01', '0.05', '0.1', '0.0001'] as const;

const text = (units: number, scale: number): string => toDecimalString(normalize(decimal(BigInt(units), scale)));

/** Rising floors and rates, falling max leverage; a deduction sent on some tiers. */
const tiersArbitrary: fc.Arbitrary<TierJson[]> = fc.array(
  fc.record({ floorStep: fc.integer({ min: 1, max: 5_000_000 }), rateStep: fc.integer({ min: 1, max: 60 }), deduction: fc.option(fc.integer({ min: 0, max: 100_000 }), { nil: undefined }) }),
  { minLength: 1, maxLength: 4 },
).map((steps) => {
  let floor = 0;
  let rate = 0;
  return steps.map((step, index): TierJson => {
    floor = index === 0 ? 0 : floor + step.floorStep;
    rate += step.rateStep;
    return {
      floor: String(floor),
      rate: text(rate, 4),
      ...(step.deduction !== undefined && index > 0 ? { deduction: text(step.deduction, 2) } : {}),
      maxLeverage: String(100 - 20 * index),
    };
  });
});

const instrumentArbitrary: fc.Arbitrary<InstrumentJson> = fc.record({ tiers: tiersArbitrary, tick: fc.constantFrom(...TICKS) })
  .map(({ tiers, tick }) => ({
    kind: 'linear', assetClass: 'crypto', contractSize: '1', tickSize: tick, maxLeverage: '100',
    maintenanceTiers: tiers, settlementCurrency: 'USDT',
  }));

interface Generated {
  readonly snapshot: SnapshotJson;
  readonly options: BybitExportOptions;
}

const generated: fc.Arbitrary<Generated> = fc.record({
  symbols: fc.uniqueArray(fc.constantFrom(...SYMBOLS), { minLength: 1, maxLength: 3 }),
  instruments: fc.array(instrumentArbitrary, { minLength: 3, maxLength: 3 }),
  sides: fc.array(fc.constantFrom(['long'] as const, ['short'] as const, ['long', 'short'] as const), { minLength: 3, maxLength: 3 }),
  sizes: fc.array(fc.record({ quantity: fc.integer({ min: 1, max: 100_000 }), entryTicks: fc.integer({ min: 1, max: 5_000_000 }), markTicks: fc.integer({ min: 1, max: 5_000_000 }), leverage: fc.integer({ min: 1, max: 40 }), margin: fc.integer({ min: 1, max: 1_000_000_000_000 }) }), { minLength: 6, maxLength: 6 }),
  isolated: fc.boolean(),
  balance: fc.integer({ min: 0, max: 1_000_000_000_000 }),
  shape: fc.constantFrom('response' as const, 'result' as const, 'list' as const),
  hedge: fc.boolean(),
  percent: fc.boolean(),
  reverseTiers: fc.boolean(),
  marksInTickers: fc.boolean(),
  flat: fc.boolean(),
  accountInfo: fc.boolean(),
  wallet: fc.boolean(),
}).map((drawn): Generated => {
  const positions: PositionJson[] = [];
  const instruments: Record<string, InstrumentJson> = {};
  const marks: Record<string, string> = {};
  drawn.symbols.forEach((symbol, index) => {
    const instrument = drawn.instruments[index];
    const sides = drawn.hedge ? drawn.sides[index] ?? ['long'] : [drawn.sides[index]?.[0] ?? 'long'];
    if (!instrument) return;
    const tick = dec(instrument.tickSize ?? '0.01');
    const times = (ticks: number): string => toDecimalString(normalize(multiply(tick, decimal(BigInt(ticks)))));
    instruments[symbol] = instrument;
    sides.forEach((side, sideIndex) => {
      const size = drawn.sizes[index * 2 + sideIndex];
      if (!size) return;
      positions.push({
        id: `${symbol}-${side}`, instrument: symbol, side, quantity: text(size.quantity, 3), entryPrice: times(size.entryTicks),
        leverage: String(Math.min(size.leverage, 100 - 20 * ((instrument.maintenanceTiers?.length ?? 1) - 1))),
        ...(drawn.isolated ? { isolatedMargin: text(size.margin, 8) } : {}),
      });
      marks[symbol] = times(size.markTicks);
    });
  });
  // Without the wallet, only an isolated account imports, its balance the sum of the margins; a
  // wallet holds at least the isolated margins (the core refuses less).
  const wallet = drawn.wallet || !drawn.isolated;
  const marginSum = positions.reduce((sum: Decimal, position) => add(sum, dec(position.isolatedMargin ?? '0')), dec('0'));
  const balance = toDecimalString(normalize(wallet ? add(marginSum, dec(text(drawn.balance, 8))) : marginSum));
  return {
    snapshot: { venue: VENUE, account: { currency: 'USDT', balance }, instruments, positions, marks },
    options: {
      shape: drawn.shape, hedge: drawn.hedge, percent: drawn.percent, reverseTiers: drawn.reverseTiers,
      marksInTickers: drawn.marksInTickers, flatSymbols: drawn.flat ? ['DOGEUSDT', 'ADAUSDT'] : [],
      accountInfo: drawn.accountInfo, walletBalance: wallet,
    },
  };
});

describe('export → import round trip', () => {
  test('a snapshot written as Bybit responses, in any order and form, imports as itself', () => {
    fc.assert(fc.property(generated, fc.boolean(), ({ snapshot, options }, reverseFiles) => {
      const files = exportBybit(snapshot, options);
      const imported = importAccount(VENUE, reverseFiles ? [...files].reverse() : files);
      assert.ok(imported.ok, JSON.stringify(imported));
      assert.deepStrictEqual(imported.value.snapshot, snapshot);
      const ids = new Set(snapshot.positions.map((position) => position.id));
      assert.ok(imported.value.figures.every((figure) => ids.has(figure.position) && figure.source.startsWith('position-list.json ')));
      assert.equal(imported.value.figures.filter((figure) => figure.field === 'notional').length, snapshot.positions.length);
    }), { numRuns: 200 });
  });
});
