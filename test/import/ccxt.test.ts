// The ccxt importer (src/import/venues/ccxt.ts; spec/import.md; venue-formats.md §1): ccxt's unified
// objects in, the venue's own responses rebuilt from their `info` and imported by the venue's importer.
//
// Fixtures (test/fixtures/import/ccxt/), each BUILT from a venue fixture by wrapping it the way ccxt
// 4.5.84 does (venue-formats.md §1.1–§1.4); `info` is the venue fixture itself, unchanged:
// - binance-usdm-positions.json: ccxt Positions whose info are the two rows of
//   binance-usdm/positionRisk-v2-isolated-hedge.json (the older official example, §2.1). The floats are
//   deliberately NOT the strings: contracts 19.999999999 and 10.000000001 beside positionAmt "20.000"
//   and "-10.000"; collateral, maintenanceMargin (ccxt's 0.005 × notional, without cum: §1.1 trap 3),
//   notional, initialMargin, marginRatio and percentage are ccxt's own, with no string in these rows.
//   ccxt's fetchPositionsRisk would drop the SHORT row for its entryPrice "0.00000" (§1.1 trap 5); it is
//   kept here to carry the second documented liquidation price.
// - binance-usdm-tiers.json: fetchLeverageTiers' dictionary; each tier's info is a bracket of
//   binance-usdm/leverageBracket-btcusdt-implied.json (built, not published: see binance.test.ts).
// - binance-usdm-markets.json: a Market whose info is the BTCUSDT entry of exchangeInfo-older-docs.json.
// - bybit-linear-*.json: the XRPUSDT row of bybit-linear/position-list-xrpusdt-ccxt.json (ccxt's copy of
//   a v5 response), the row of risk-limit-xrpusdt-derived.json and the response of
//   wallet-balance-usdt-constructed.json (both built: see bybit.test.ts), as Position, LeverageTier, Balances.
// - hyperliquid-*.json: the entry of hyperliquid/clearinghouseState.json (§4.1, the docs' example) as a
//   Position, the whole state as the Balances' info (ccxt's fetchBalance keeps the clearinghouseState),
//   and Markets whose info is each universe entry merged with its asset context and `baseId` (ccxt's
//   fetchSwapMarkets), from metaAndAssetCtxs.json.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { add, dec, divide, multiply, subtract, toDecimalString } from '../../src/core/index.js';
import { importAccount, type CheckedImport, type ImportFile } from '../../src/import/index.js';
import type { ImportProblem, ImportOptions } from '../../src/import/import-types.js';
import type { CheckRow } from '../../src/import/check.js';
import { checkedOk, hasProblem, hasWarning, refused } from '../support/import-expect.js';

const checked = (files: readonly ImportFile[], options: ImportOptions): CheckedImport => checkedOk('ccxt', files, options);
const problemsOf = (files: readonly ImportFile[], options: ImportOptions): readonly ImportProblem[] => refused('ccxt', files, options);

type Json = Record<string, unknown>;

function read(folder: string, name: string): unknown {
  return JSON.parse(readFileSync(new URL(`../fixtures/import/${folder}/${name}`, import.meta.url), 'utf8')) as unknown;
}

const ccxt = (name: string): ImportFile => ({ name, value: read('ccxt', name) });
const venueFile = (folder: string, name: string): ImportFile => ({ name, value: read(folder, name) });
/** A ccxt fixture under another name, changed by `change` (the cases the documents do not show). */
function changed(name: string, as: string, change: (value: Json[]) => void): ImportFile {
  const value = structuredClone(read('ccxt', name)) as Json[];
  change(value);
  return { name: as, value };
}





function row(check: readonly CheckRow[], position: string, field: CheckRow['field']): CheckRow {
  const found = check.find((each) => each.position === position && each.field === field);
  assert.ok(found, `no ${field} row for ${position} in ${JSON.stringify(check)}`);
  return found;
}

function snapshotOf(venue: string, files: readonly ImportFile[]) {
  const result = importAccount(venue, files);
  assert.ok(result.ok, result.ok ? '' : JSON.stringify(result.error));
  return result.value.snapshot;
}

const BINANCE = ['binance-usdm-positions.json', 'binance-usdm-tiers.json', 'binance-usdm-markets.json'].map(ccxt);
const BYBIT = ['bybit-linear-positions.json', 'bybit-linear-tiers.json', 'bybit-linear-balance.json'].map(ccxt);
const HYPERLIQUID = ['hyperliquid-positions.json', 'hyperliquid-balance.json', 'hyperliquid-markets.json'].map(ccxt);

describe('Binance USDⓈ-M through ccxt: the strings in info win over the floats', () => {
  // The same arithmetic as binance.test.ts, from the info strings (isolated: LP = (WB + cum − side × qty × EP)
  // / (qty × MMR − side × qty), bracket 2 at 0.5 %, cum 50):
  //   LONG  WB = 15517.54150468 − 2316.83423560 = 13200.70726908;
  //         LP = (13200.70726908 + 50 − 20 × 6563.665) / (20 × 0.005 − 20) = 5930.7835… → 5930.78 (Binance 5930.78).
  //   SHORT entry = 6679.50671178 − (−1156.46711780 / −10) = 6563.86; WB = 5413.95799991 + 1156.46711780 = 6570.42511771;
  //         LP = (6570.42511771 + 50 + 10 × 6563.86) / 10.05 = 7189.9527… → ours 7189.96 (the tick above), Binance 7189.95.
  // With contracts 19.999999999 the long's LP would be (13250.70726908 − 131273.29999344) / −19.899999999 = 5930.7836…
  // and its notional 19.999999999 × 6679.50671178: the checks below see "20.000" instead.
  const options = { venue: 'binance-usdm' };

  test('the arithmetic above, exactly', () => {
    const long = divide(subtract(add(dec('13200.70726908'), dec('50')), multiply(dec('20'), dec('6563.665'))), dec('-19.9'), 10, 'half-even');
    const short = divide(add(dec('6620.42511771'), multiply(dec('10'), dec('6563.86'))), dec('10.05'), 10, 'half-even');
    assert.equal(toDecimalString(long), '5930.7835543176');
    assert.equal(toDecimalString(short), '7189.9527480308');
  });

  test('the snapshot is the one binance-usdm makes of the same rows: one code path', () => {
    const { snapshot } = checked(BINANCE, options);
    const direct = snapshotOf('binance-usdm', [venueFile('binance-usdm', 'positionRisk-v2-isolated-hedge.json'),
      venueFile('binance-usdm', 'leverageBracket-btcusdt-implied.json'), venueFile('binance-usdm', 'exchangeInfo-older-docs.json')]);
    assert.deepEqual(snapshot, direct);
    assert.equal(snapshot.venue, 'binance-usdm');
    // positionAmt "20.000" and "-10.000", not the floats 19.999999999 and 10.000000001; entry "6563.66500" as sent.
    assert.deepEqual(snapshot.positions.map((position) => [position.id, position.quantity, position.entryPrice, position.isolatedMargin]), [
      ['BTCUSDT-long', '20.000', '6563.66500', '13200.70726908'],
      ['BTCUSDT-short', '10.000', '6563.86', '6570.42511771'],
    ]);
    assert.equal(snapshot.instruments?.BTCUSDT?.tickSize, '0.01');
    assert.deepEqual(snapshot.instruments?.BTCUSDT?.maintenanceTiers?.[1], { floor: '50000', rate: '0.005', deduction: '50', maxLeverage: '100' });
  });

  test('LPs 5930.78 and 7189.96 agree with Binance\'s 5930.78 and 7189.95; sources name the user\'s file and the field in info', () => {
    const { check } = checked(BINANCE, options);
    for (const each of check) assert.ok(each.agrees, `${each.position} ${each.field}: ours ${each.stopout}, the venue's ${each.venue}`);
    const long = row(check, 'BTCUSDT-long', 'liquidationPrice');
    assert.deepEqual([long.venue, long.stopout, long.source], ['5930.78', '5930.78', 'binance-usdm-positions.json [0].info.liquidationPrice']);
    const short = row(check, 'BTCUSDT-short', 'liquidationPrice');
    assert.deepEqual([short.venue, short.stopout, short.difference], ['7189.95', '7189.96', '0.01']);
    // uPnL 20 × (6679.50671178 − 6563.665) = 2316.8342356, to the venue's last digit.
    assert.equal(row(check, 'BTCUSDT-long', 'unrealizedPnl').source, 'binance-usdm-positions.json [0].info.unRealizedProfit');
    assert.equal(check.length, 4);
  });

  test('warnings: each float that differs from its string, the floats with no string, all in the user\'s terms', () => {
    const { warnings } = checked(BINANCE, options);
    hasWarning(warnings, /^binance-usdm-positions\.json \[0\]\.contracts is 19\.999999999 where \[0\]\.info\.positionAmt says "20\.000": the venue's value is used/);
    hasWarning(warnings, /^binance-usdm-positions\.json \[1\]\.contracts is 10\.000000001 where \[1\]\.info\.positionAmt says "-10\.000"/);
    hasWarning(warnings, /^binance-usdm-positions\.json: ccxt's contractSize, notional, collateral, initialMargin, initialMarginPercentage, maintenanceMargin, maintenanceMarginPercentage, marginRatio, percentage have no value/);
    assert.ok(!warnings.some((warning) => /\]\.(liquidationPrice|entryPrice|markPrice|unrealizedPnl|leverage) is .* where/.test(warning)), 'equal floats are not reported');
    hasWarning(warnings, /^binance-usdm-markets\.json: ccxt's contractSize, precision, limits are ignored/);
    // The venue importer's own warnings, mapped back from the rebuilt positionRisk.
    hasWarning(warnings, /^binance-usdm-positions\.json \[1\]\.info\.entryPrice is "0\.00000" on an open position: the entry 6563\.86 is derived/);
    hasWarning(warnings, /no account file: the balance is the sum of the isolated wallets, 19771\.13238679 USDT/);
    assert.ok(!warnings.some((warning) => warning.includes('(info as')), `a rebuilt file's name leaked: ${JSON.stringify(warnings)}`);
  });

  test('a fetchMarketLeverageTiers array, and markets as loadMarkets\' dictionary, import the same', () => {
    const tiers = read('ccxt', 'binance-usdm-tiers.json') as Record<string, unknown[]>;
    const [market] = read('ccxt', 'binance-usdm-markets.json') as Json[];
    const files = [ccxt('binance-usdm-positions.json'), { name: 'tiers.json', value: tiers['BTC/USDT:USDT'] },
      { name: 'markets.json', value: { 'BTC/USDT:USDT': market } }];
    assert.deepEqual(checked(files, options).snapshot, checked(BINANCE, options).snapshot);
  });

  test('a cross position with the account as a Balance\'s info: the balance is the cross wallet (as binance-usdm makes it)', () => {
    const [rowValue] = read('binance-usdm', 'positionRisk-v2-cross-hedge.json') as Json[];
    const account = read('binance-usdm', 'account-v3-cross-hedge-constructed.json');
    const files = [
      { name: 'positions.json', value: [{ info: rowValue, symbol: 'BTC/USDT:USDT', contracts: 0.001, side: 'long', collateral: 12.3, marginMode: 'cross' }] },
      { name: 'balance.json', value: { info: account, USDT: { free: 1, used: 2, total: 3 }, free: { USDT: 1 }, used: { USDT: 2 }, total: { USDT: 3 } } },
    ];
    const direct = snapshotOf('binance-usdm', [venueFile('binance-usdm', 'positionRisk-v2-cross-hedge.json'),
      venueFile('binance-usdm', 'account-v3-cross-hedge-constructed.json')]);
    const { snapshot, warnings } = checked(files, options);
    assert.deepEqual(snapshot, direct);
    hasWarning(warnings, /^balance\.json: ccxt's free, used, total are ignored/);
    hasWarning(warnings, /^positions\.json: ccxt's collateral has no value/);
  });
});

describe('Bybit linear through ccxt (ccxt\'s copy of a v5 XRPUSDT response)', () => {
  const options = { venue: 'bybit-linear' };

  test('the snapshot bybit-linear makes of the same responses, with tradeMode\'s margin mode said', () => {
    const { snapshot, warnings } = checked(BYBIT, options);
    const direct = snapshotOf('bybit-linear', ['position-list-xrpusdt-ccxt.json', 'risk-limit-xrpusdt-derived.json',
      'wallet-balance-usdt-constructed.json'].map((name) => venueFile('bybit-linear', name)));
    assert.deepEqual(snapshot, direct);
    // The USDT walletBalance "1000" of the balance's info; ccxt's total (1000 too) is not read.
    assert.deepEqual(snapshot.account, { currency: 'USDT', balance: '1000' });
    assert.deepEqual(snapshot.positions, [{ id: 'XRPUSDT-long', instrument: 'XRPUSDT', side: 'long', quantity: '100', entryPrice: '0.3615', leverage: '10' }]);
    hasWarning(warnings, /tradeMode, which Bybit deprecated/);
    hasWarning(warnings, /^bybit-linear-tiers\.json: ccxt's minNotional has no value/);
  });

  test('each figure from info beside ours: uPnL agrees; positionIM and positionMM carry Bybit\'s fee reserve', () => {
    const { check } = checked(BYBIT, options);
    // uPnL = 100 × (0.3432 − 0.3615) = −1.83.
    const pnl = row(check, 'XRPUSDT-long', 'unrealizedPnl');
    assert.deepEqual([pnl.venue, pnl.agrees, pnl.source], ['-1.83', true, 'bybit-linear-positions.json [0].info.unrealisedPnl']);
    // positionMM 0.381021 = 36.15 × 1 % + 100 × 0.32535 × 0.06 % beside ours 100 × 0.3432 × 1 % = 0.3432.
    const maintenance = row(check, 'XRPUSDT-long', 'maintenanceMargin');
    assert.deepEqual([maintenance.venue, maintenance.stopout, maintenance.agrees], ['0.381021', '0.34320000', false]);
    assert.match(maintenance.why ?? '', /fee Bybit reserves/);
    assert.equal(row(check, 'XRPUSDT-long', 'liquidationPrice').source, 'bybit-linear-positions.json [0].info.liqPrice');
  });
});

describe('Hyperliquid through ccxt: the balance\'s info is the clearinghouseState', () => {
  const options = { venue: 'hyperliquid' };

  test('the snapshot hyperliquid makes of the state and metaAndAssetCtxs', () => {
    const { snapshot, warnings } = checked(HYPERLIQUID, options);
    const direct = snapshotOf('hyperliquid', [venueFile('hyperliquid', 'clearinghouseState.json'), venueFile('hyperliquid', 'metaAndAssetCtxs.json')]);
    assert.deepEqual(snapshot, direct);
    // Isolated margin = rawUsd + szi × entryPx = −95.059824 + 0.0335 × 2986.3 = 4.981226; balance =
    // totalRawUsd (cross) 13104.514502 + 4.981226 = 13109.495728; mark = ETH's markPx 2985.9.
    assert.deepEqual(snapshot.positions, [{ id: 'ETH-long', instrument: 'ETH', side: 'long', quantity: '0.0335', entryPrice: '2986.3', leverage: '20', isolatedMargin: '4.981226' }]);
    assert.deepEqual(snapshot.account, { currency: 'USDC', balance: '13109.495728' });
    assert.deepEqual(snapshot.marks, { ETH: '2985.9' });
    // ccxt's initialMargin (marginUsed − uPnL) is its own; its collateral is marginUsed, the same value.
    hasWarning(warnings, /^hyperliquid-positions\.json: ccxt's contractSize, initialMargin, percentage have no value/);
  });

  test('the liquidation price: ours −rawUsd / (szi × (1 − 1/100)) = 2866.26938037 beside the venue\'s 2866.26936529', () => {
    const { check } = checked(HYPERLIQUID, options);
    const liquidation = row(check, 'ETH-long', 'liquidationPrice');
    // 95.059824 / (0.0335 × 0.99) = 2866.26938037…; 0.00001508 apart, inside the relative 1e-7 (0.000287).
    assert.deepEqual([liquidation.venue, liquidation.stopout, liquidation.agrees], ['2866.26936529', '2866.26938037', true]);
    assert.equal(liquidation.source, 'hyperliquid-balance.json info.assetPositions[0].position.liquidationPx');
    assert.equal(toDecimalString(divide(dec('95.059824'), multiply(dec('0.0335'), dec('0.99')), 8, 'half-even')), '2866.26938037');
  });

  test('positions only, all isolated: the balance is their isolated margin, said', () => {
    const { snapshot, warnings } = checked([ccxt('hyperliquid-positions.json'), ccxt('hyperliquid-markets.json')], options);
    assert.deepEqual(snapshot.account, { currency: 'USDC', balance: '4.981226' });
    hasWarning(warnings, /no balance .*every position is isolated/);
  });

  test('positions of another moment than the balance, and a cross position without the balance: problems', () => {
    const moved = changed('hyperliquid-positions.json', 'positions.json', ([position]) => {
      ((position?.info as Json).position as Json).szi = '0.05';
    });
    hasProblem(problemsOf([moved, ccxt('hyperliquid-balance.json')], options), 'positions.json', '[0].info.position.szi',
      /ETH "0\.05" is not in hyperliquid-balance\.json info\.assetPositions \(there: "0\.0335"\).*fetched at different moments/);
    const cross = changed('hyperliquid-positions.json', 'positions.json', ([position]) => {
      (((position?.info as Json).position as Json).leverage as Json).type = 'cross';
    });
    hasProblem(problemsOf([cross], options), 'positions.json', '[0].info.position.leverage.type', /cross position .*give ccxt's fetchBalance/);
  });

  test('a margin table of 50 or more: ccxt keeps no marginTables, so one tier is used, and said', () => {
    const tiered = changed('hyperliquid-markets.json', 'markets.json', (markets) => {
      (markets[1]?.info as Json).marginTableId = 56;
    });
    const { snapshot, warnings } = checked([ccxt('hyperliquid-balance.json'), tiered], options);
    assert.equal(snapshot.instruments?.ETH?.maintenanceTiers, undefined);
    hasWarning(warnings, /^markets\.json \[1\]\.info\.marginTableId: margin table 56 is not in ccxt's markets/);
  });

  test('tiers are not something ccxt gives for hyperliquid', () => {
    const problems = problemsOf([...HYPERLIQUID, ccxt('binance-usdm-tiers.json')], options);
    hasProblem(problems, 'binance-usdm-tiers.json', '', /ccxt gives no leverage tiers for hyperliquid/);
  });
});

describe('dYdX v4 through ccxt: the balance\'s info is the subaccount', () => {
  const options = { venue: 'dydx-v4' };
  const subaccount = read('dydx-v4', 'subaccount.json') as { subaccount: { openPerpetualPositions: Record<string, Json> } };
  const markets = read('dydx-v4', 'perpetualMarkets.json') as { markets: Record<string, Json> };
  const balance = { name: 'balance.json', value: { info: subaccount, USDC: { free: 152508.2881913358 }, free: { USDC: 152508.2881913358 } } };
  const marketFile = {
    name: 'markets.json',
    value: Object.values(markets.markets).map((info) => ({ id: info.ticker, symbol: `${String(info.ticker).replace('-USD', '')}/USD:USDC`, type: 'swap', precision: { price: 1 }, info })),
  };
  const positions = {
    name: 'positions.json',
    value: Object.values(subaccount.subaccount.openPerpetualPositions).map((info) => ({ info, symbol: `${String(info.market).replace('-USD', '')}/USD:USDC`, side: String(info.side).toLowerCase(), contracts: 1 })),
  };

  test('the snapshot dydx-v4 makes of the subaccount and the markets; the positions agree with it', () => {
    const { snapshot, warnings } = checked([positions, balance, marketFile], options);
    assert.deepEqual(snapshot, snapshotOf('dydx-v4', [venueFile('dydx-v4', 'subaccount.json'), venueFile('dydx-v4', 'perpetualMarkets.json')]));
    hasWarning(warnings, /^positions\.json \[0\]\.contracts is 1 where \[0\]\.info\.size says "0\.001"/);
  });

  test('positions without the subaccount: the USDC they stand on is missing', () => {
    hasProblem(problemsOf([positions, marketFile], options), 'positions.json', '', /subaccount's USDC.*fetchBalance/);
  });
});

describe('bad input: each problem names the user\'s file and the field', () => {
  test('no --venue, and a venue ccxt objects are not imported from', () => {
    hasProblem(problemsOf(BINANCE, {}), '', '--venue', /required with ccxt.*one of: binance-usdm, binance-coinm, bybit-linear, hyperliquid, dydx-v4/);
    hasProblem(problemsOf(BINANCE, { venue: 'okx' }), '', '--venue', /"okx" is not a venue ccxt objects are imported from; one of: binance-usdm/);
  });

  test('a Position without info: its floats are never used instead', () => {
    const bare = changed('binance-usdm-positions.json', 'positions.json', ([position]) => {
      delete position?.info;
    });
    const problems = problemsOf([bare], { venue: 'binance-usdm' });
    hasProblem(problems, 'positions.json', '[0].info', /required: ccxt keeps binance-usdm's own response in info/);
    assert.equal(problems.length, 1);
  });

  test('info of another venue\'s shape: the venue it is, and --venue named', () => {
    hasProblem(problemsOf(BYBIT, { venue: 'binance-usdm' }), 'bybit-linear-positions.json', '[0].info',
      /a position list row \(GET \/v5\/position\/list\) of bybit-linear, not a positionRisk row .* of binance-usdm: is --venue right\?/);
    const balance = { name: 'balance.json', value: read('ccxt', 'bybit-linear-balance.json') };
    hasProblem(problemsOf([ccxt('binance-usdm-positions.json'), balance], { venue: 'binance-usdm' }), 'balance.json', 'info',
      /binance-usdm's account .* is what ccxt keeps here, and this is not one: it is bybit-linear's wallet balance .*is --venue right\?/);
  });

  test('Binance\'s account positions (fetchAccountPositions): ccxt invents their liquidation price (trap 4)', () => {
    const account = changed('binance-usdm-positions.json', 'positions.json', ([position]) => {
      const info = position?.info as Json;
      info.unrealizedProfit = info.unRealizedProfit;
      delete info.unRealizedProfit;
    });
    hasProblem(problemsOf([account], { venue: 'binance-usdm' }), 'positions.json', '[0].info', /fetchAccountPositions.*use fetchPositions/);
  });

  test('a bad string inside info: the venue importer\'s problem, at the user\'s field', () => {
    const bad = changed('binance-usdm-positions.json', 'positions.json', ([position]) => {
      (position?.info as Json).positionAmt = 'twenty';
    });
    hasProblem(problemsOf([bad, ccxt('binance-usdm-tiers.json')], { venue: 'binance-usdm' }), 'positions.json', '[0].info.positionAmt',
      /must be a decimal written as a string, got "twenty"/);
    const badTier = changed('binance-usdm-tiers.json', 'tiers.json', (value) => {
      const tiers = (value as unknown as Record<string, Json[]>)['BTC/USDT:USDT'];
      (tiers?.[1]?.info as Json).cum = 'fifty';
    });
    hasProblem(problemsOf([ccxt('binance-usdm-positions.json'), badTier], { venue: 'binance-usdm' }), 'tiers.json', '["BTC/USDT:USDT"][1].info.cum',
      /must be a decimal, got "fifty"/);
  });

  test('only flat positions: the venue importer\'s problem, at the user\'s field', () => {
    const flat = changed('binance-usdm-positions.json', 'positions.json', (positions) => {
      for (const position of positions) (position.info as Json).positionAmt = '0.000';
    });
    hasProblem(problemsOf([flat], { venue: 'binance-usdm' }), 'positions.json', '[*].info.positionAmt', /every position is flat/);
  });

  test('a Bybit position settled in another coin is not bybit-linear\'s', () => {
    const inverse = changed('bybit-linear-positions.json', 'positions.json', ([position]) => {
      if (position) position.symbol = 'XRP/USD:XRP';
    });
    hasProblem(problemsOf([inverse], { venue: 'bybit-linear' }), 'positions.json', '[0].symbol', /settles in XRP: bybit-linear imports Bybit's USDT perpetuals/);
  });

  test('a shape that is no ccxt structure, and a venue\'s own response given to ccxt', () => {
    hasProblem(problemsOf([{ name: 'odd.json', value: { hello: 'world' } }], { venue: 'binance-usdm' }), 'odd.json', '', /not a shape ccxt gives; accepted: ccxt Positions/);
    hasProblem(problemsOf([venueFile('binance-usdm', 'positionRisk-v2-isolated-hedge.json')], { venue: 'binance-usdm' }),
      'positionRisk-v2-isolated-hedge.json', '', /this is binance-usdm data \(positionRisk/);
  });

  test('no Positions for a venue whose positions are not in the balance', () => {
    hasProblem(problemsOf([ccxt('binance-usdm-tiers.json')], { venue: 'binance-usdm' }), '', 'files', /give ccxt Positions/);
  });
});
