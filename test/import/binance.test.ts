// The Binance USDⓈ-M and COIN-M importers (spec/import.md; venue-formats.md §2) on the documented
// payloads, the export → import round trip, and bad input.
//
// Fixtures (test/fixtures/import/binance-usdm/, binance-coinm/), and where each comes from:
// - positionRisk-v2-isolated-hedge.json: the older official example of venue-formats.md §2.1
//   (binance-docs.github.io/apidocs/futures/en, quoted verbatim in ccxt's fetchPositionsRisk), as
//   §2.1 prints it: the comma the original lacks after `unRealizedProfit` is there, and the SHORT
//   row's `entryPrice` "0.00000" is kept (the importer derives it; see below).
// - leverageBracket-btcusdt-implied.json: BUILT, not published: the BTCUSDT bracket of that time,
//   0.4 % to 50 000 and 0.5 % (cum 50) to 250 000, which the two pairs imply (§2.1, §11.1); the
//   initialLeverage values (125, 100) are assumed, and enter no figure checked here.
// - exchangeInfo-older-docs.json: the same older docs' exchangeInfo example (BTCUSDT, PRICE_FILTER
//   tickSize "0.01", the filter values §2.5 quotes), with the fields that example shows.
// - positionRisk-v2-cross-hedge.json: §2.1's current official example (hedge mode, cross), wrapped
//   in the array the endpoint returns. account-v3-cross-hedge-constructed.json is BUILT: the cross
//   wallet that the example's own LP implies (worked below), in the v3 account shape (§2.3).
// - positionRisk-v3-adausdt.json: §2.2's official v3 example, in its array.
//   leverageBracket-adausdt-constructed.json (0.65 % to 5 000, then 1 % cum 17.5; 75x, 50x) and
//   account-v3-adausdt-constructed.json (a cross wallet of 100 USDT) are BUILT: the example's
//   maintMargin implies the first rate (12.314277 × 0.0065 = 0.08004280); the rest is chosen.
// - leverageBracket-ethusdt-docs.json: §2.4's official example, a single object with notionalCoef.
// - positionRisk-v3-ethusdt-margin-call-constructed.json and account-v3-ethusdt-margin-call-
//   constructed.json: BUILT from §2.5's MARGIN_CALL event (s ETHUSDT, ps LONG, pa 1.327, mt
//   CROSSED, iw 0, mp 187.17127, up -1.166074, mm 1.614445, cw 3.16812045) in the v3 field names;
//   the entry 188.05 is derived from the event (below); the event has no liquidation price.
// - binance-coinm/positionRisk-isolated-ccxt.json: the isolated COIN-M row in ccxt's binance
//   parsePositionRisk comment (ccxt/ccxt js/src/binance.js), the "1 pair" of §0 and §2.7.
// - binance-coinm/leverageBracket-v2-docs.json: §2.7's official GET /dapi/v2/leverageBracket
//   example (BTCUSD_PERP, notionalCoef 1.50, the misspelt `qtylFloor`), with its comments removed
//   and the comma it lacks after maintMarginRatio put in.
// - binance-coinm/exchangeInfo-ccxt.json: the BTCUSD_PERP entry of ccxt's dapi exchangeInfo
//   comment (fetchMarkets), contractSize 100, tickSize "0.1".
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { abs, add, compare, dec, decimal, divide, multiply, normalize, parseDecimal, subtract, toDecimalString } from '../../src/core/index.js';
import { importAndCheck, type ImportFile } from '../../src/import/index.js';
import type { ImportProblem, InstrumentJson, PositionJson, SnapshotJson, TierJson } from '../../src/import/import-types.js';
import type { CheckRow } from '../../src/import/check.js';
import { exportBinanceCoinm, exportBinanceUsdm, type BinanceExportOptions } from '../support/venue-export/binance.js';
import { checkedOk, hasProblem, hasWarning, refused } from '../support/import-expect.js';

const checked = checkedOk;
const problemsOf = (venue: string, files: readonly ImportFile[]): readonly ImportProblem[] => refused(venue, files);

fc.configureGlobal({ includeErrorInReport: true });

type Folder = 'binance-usdm' | 'binance-coinm';

function fixture(folder: Folder, name: string): ImportFile {
  const url = new URL(`../fixtures/import/${folder}/${name}`, import.meta.url);
  return { name, value: JSON.parse(readFileSync(url, 'utf8')) as unknown };
}

const usdm = (...names: string[]): ImportFile[] => names.map((name) => fixture('binance-usdm', name));
const coinm = (...names: string[]): ImportFile[] => names.map((name) => fixture('binance-coinm', name));


function row(check: readonly CheckRow[], position: string, field: CheckRow['field']): CheckRow {
  const found = check.find((each) => each.position === position && each.field === field);
  assert.ok(found, `no ${field} row for ${position} in ${JSON.stringify(check)}`);
  return found;
}

function assertAllAgree(check: readonly CheckRow[]): void {
  for (const each of check) assert.ok(each.agrees, `${each.position} ${each.field}: ours ${each.stopout}, the venue's ${each.venue}`);
}




/** A decimal string rounded to `scale` digits, for the hand arithmetic below. */
const rounded = (value: ReturnType<typeof dec>, scale: number): string => toDecimalString(divide(value, dec('1'), scale, 'half-even'));

describe('USDⓈ-M: the older isolated hedge example (§2.1), both liquidation prices', () => {
  // Binance's isolated LP (FAQ "How to Calculate Liquidation Price of USDⓈ-M Futures Contracts";
  // for an isolated position TMM1 = UPNL1 = 0 and WB is the isolated wallet):
  //   LP = (WB + cum − side × qty × EP) / (qty × MMR − side × qty), with the bracket that holds at LP.
  // LONG: WB = isolatedMargin − uPnL = 15517.54150468 − 2316.83423560 = 13200.70726908; at LP
  //   the notional is 20 × 5930.78 = 118 615.6: bracket 2 (0.5 %, cum 50):
  //   LP = (13200.70726908 + 50 − 20 × 6563.665) / (20 × 0.005 − 20) = −118022.59273092 / −19.9
  //      = 5930.7835543… → Binance 5930.78; ours, to the tick 0.01 on the losing side, 5930.78.
  // SHORT: entryPrice "0.00000" although open; from uPnL = positionAmt × (mark − entry):
  //   entry = 6679.50671178 − (−1156.46711780) / (−10) = 6679.50671178 − 115.64671178 = 6563.86
  //   (the ACCOUNT_UPDATE example of the same docs confirms it, §2.5).
  //   WB = 5413.95799991 − (−1156.46711780) = 6570.42511771 (the same docs' "iw"); notional at LP
  //   71 899.5: bracket 2. LP = (6570.42511771 + 50 + 10 × 6563.86) / (10 × 0.005 + 10)
  //      = 72259.02511771 / 10.05 = 7189.9527480… → Binance 7189.95; ours 7189.96 (the tick above:
  //   liquidation is at or beyond it), one tick off, which the check allows.
  const files = usdm('positionRisk-v2-isolated-hedge.json', 'leverageBracket-btcusdt-implied.json', 'exchangeInfo-older-docs.json');

  test('the arithmetic above, worked exactly', () => {
    const long = divide(subtract(add(dec('13200.70726908'), dec('50')), multiply(dec('20'), dec('6563.665'))),
      subtract(multiply(dec('20'), dec('0.005')), dec('20')), 10, 'half-even');
    const short = divide(add(add(dec('6570.42511771'), dec('50')), multiply(dec('10'), dec('6563.86'))),
      add(multiply(dec('10'), dec('0.005')), dec('10')), 10, 'half-even');
    assert.equal(rounded(long, 2), '5930.78');
    assert.equal(rounded(short, 2), '7189.95');
    assert.equal(toDecimalString(subtract(dec('6679.50671178'), divide(dec('-1156.46711780'), dec('-10'), 8, 'half-even'))), '6563.86000000');
  });

  test('the snapshot: hedge ids, isolated wallets, the derived entry, the balance from the isolated wallets', () => {
    const { snapshot, warnings } = checked('binance-usdm', files);
    assert.deepEqual(snapshot.positions, [
      { id: 'BTCUSDT-long', instrument: 'BTCUSDT', side: 'long', quantity: '20.000', entryPrice: '6563.66500', leverage: '10', isolatedMargin: '13200.70726908' },
      { id: 'BTCUSDT-short', instrument: 'BTCUSDT', side: 'short', quantity: '10.000', entryPrice: '6563.86', leverage: '10', isolatedMargin: '6570.42511771' },
    ]);
    // 13200.70726908 + 6570.42511771 = 19771.13238679: isolated positions only, no account file.
    assert.deepEqual(snapshot.account, { currency: 'USDT', balance: '19771.13238679' });
    assert.deepEqual(snapshot.marks, { BTCUSDT: '6679.50671178' });
    const instrument = snapshot.instruments?.BTCUSDT;
    assert.equal(instrument?.tickSize, '0.01');
    assert.equal(instrument?.maxLeverage, '125');
    assert.deepEqual(instrument?.maintenanceTiers, [
      { floor: '0', rate: '0.004', deduction: '0', maxLeverage: '125' },
      { floor: '50000', rate: '0.005', deduction: '50', maxLeverage: '100' },
    ]);
    hasWarning(warnings, /positionRisk-v2-isolated-hedge\.json \[1\]\.entryPrice is "0\.00000".*6563\.86/);
    hasWarning(warnings, /sum of the isolated wallets, 19771\.13238679 USDT/);
  });

  test('LONG 5930.78 and SHORT 7189.95 reproduced, and both uPnLs to the last digit', () => {
    const { check } = checked('binance-usdm', files);
    assertAllAgree(check);
    assert.equal(check.length, 4);
    assert.equal(row(check, 'BTCUSDT-long', 'liquidationPrice').stopout, '5930.78');
    assert.equal(row(check, 'BTCUSDT-long', 'liquidationPrice').source, 'positionRisk-v2-isolated-hedge.json [0].liquidationPrice');
    assert.equal(row(check, 'BTCUSDT-short', 'liquidationPrice').venue, '7189.95');
    assert.equal(row(check, 'BTCUSDT-short', 'liquidationPrice').stopout, '7189.96');
    // 20 × (6679.50671178 − 6563.665) = 2316.8342356; −10 × (6679.50671178 − 6563.86) = −1156.4671178.
    assert.equal(row(check, 'BTCUSDT-long', 'unrealizedPnl').difference, '0.00000000');
    assert.equal(row(check, 'BTCUSDT-short', 'unrealizedPnl').difference, '0.00000000');
  });

  test('without exchangeInfo: the built-in tick (0.1) is used and said; still within a tick', () => {
    const { snapshot, check, warnings } = checked('binance-usdm', usdm('positionRisk-v2-isolated-hedge.json', 'leverageBracket-btcusdt-implied.json'));
    assert.equal(snapshot.instruments?.BTCUSDT?.tickSize, '0.1');
    hasWarning(warnings, /BTCUSDT: no exchangeInfo, so the built-in tick size 0\.1/);
    assertAllAgree(check);
    assert.equal(row(check, 'BTCUSDT-long', 'liquidationPrice').stopout, '5930.7');
  });

  test('without the bracket of the time, the built-in (2024) brackets are said to stand in', () => {
    // Their first two brackets are the same (0.4 % to 50 000, then 0.5 %, cum 50), so both still agree.
    const { snapshot, check, warnings } = checked('binance-usdm', usdm('positionRisk-v2-isolated-hedge.json'));
    assert.equal(snapshot.instruments, undefined, 'the built-in BTCUSDT, not redefined');
    hasWarning(warnings, /BTCUSDT: no leverageBracket, so the built-in brackets are used; brackets change/);
    assertAllAgree(check);
  });
});

describe('USDⓈ-M: v3, the current cross example, the MARGIN_CALL event', () => {
  // ADAUSDT (§2.2): notional = 30 × 0.41047590 = 12.314277; uPnL = 30 × (0.4104759 − 0.385) = 0.764277;
  // leverage = notional / positionInitialMargin = 12.314277 / 0.61571385 = 20 (v3 sends none);
  // maintenance = 12.314277 × 0.0065 − 0 = 0.0800428005 → Binance 0.08004280, ours 0.08004281
  // (rounded up, against the account): one unit of the last decimal. LP "0" is none; ours too:
  // with a cross wallet of 100, LP = (100 − 30 × 0.385) / (30 × 0.0065 − 30) < 0.
  test('ADAUSDT: leverage 20 from notional / positionInitialMargin, every v3 figure agrees', () => {
    const { snapshot, check, warnings } = checked('binance-usdm',
      usdm('positionRisk-v3-adausdt.json', 'leverageBracket-adausdt-constructed.json', 'account-v3-adausdt-constructed.json'));
    assert.deepEqual(snapshot.positions, [{ id: 'ADAUSDT-long', instrument: 'ADAUSDT', side: 'long', quantity: '30', entryPrice: '0.385', leverage: '20' }]);
    assert.deepEqual(snapshot.account, { currency: 'USDT', balance: '100.00000000' });
    hasWarning(warnings, /v3 gives no leverage: 20 assumed, from notional \/ positionInitialMargin = 12\.31427700 \/ 0\.61571385/);
    hasWarning(warnings, /ADAUSDT: no tick size/);
    assertAllAgree(check);
    assert.deepEqual(check.map((each) => each.field), ['liquidationPrice', 'unrealizedPnl', 'notional', 'initialMargin', 'maintenanceMargin']);
    assert.equal(row(check, 'ADAUSDT-long', 'liquidationPrice').venue, null);
    assert.equal(row(check, 'ADAUSDT-long', 'liquidationPrice').stopout, null);
    assert.equal(row(check, 'ADAUSDT-long', 'initialMargin').stopout, '0.61571385');
    assert.equal(row(check, 'ADAUSDT-long', 'maintenanceMargin').stopout, '0.08004281');
  });

  /** The ADAUSDT row, changed: the cases the documents do not show. */
  function adaWith(change: (row: Record<string, unknown>) => Record<string, unknown>): ImportFile {
    const file = fixture('binance-usdm', 'positionRisk-v3-adausdt.json');
    return { name: file.name, value: (file.value as Record<string, unknown>[]).map(change) };
  }
  const ADA_REST = usdm('leverageBracket-adausdt-constructed.json', 'account-v3-adausdt-constructed.json');

  // Without positionInitialMargin, v3's initialMargin (position + open orders) is the only IM
  // figure: 0.61571385 + 0.1 = 0.71571385. Leverage is then left out and the core takes the
  // bracket's 75x: 12.314277 / 75 = 0.16419036. They differ, and the check row says why.
  test('v3 initialMargin with open orders: ours differs, and the check says why', () => {
    const { snapshot, check, warnings } = checked('binance-usdm', [adaWith(({ positionInitialMargin: _, ...rest }) =>
      ({ ...rest, initialMargin: '0.71571385', openOrderInitialMargin: '0.1' })), ...ADA_REST]);
    assert.equal(snapshot.positions[0]?.leverage, undefined);
    hasWarning(warnings, /no leverage and no positionInitialMargin: leverage is left out/);
    const initial = row(check, 'ADAUSDT-long', 'initialMargin');
    assert.deepEqual([initial.venue, initial.stopout, initial.agrees], ['0.71571385', '0.16419036', false]);
    assert.match(initial.why ?? '', /includes its open orders/);
    assert.equal(initial.source, 'positionRisk-v3-adausdt.json [0].initialMargin');
  });

  // premiumIndex (§2.5): the mark where positionRisk's is "0"; where both are given, positionRisk's.
  test('premiumIndex gives the mark where positionRisk\'s is "0", and is set aside (said) where both are given', () => {
    const premium = { symbol: 'ADAUSDT', markPrice: '0.41047590', indexPrice: '0.41051234', estimatedSettlePrice: '0.41000000',
      lastFundingRate: '0.00010000', interestRate: '0.00010000', nextFundingTime: 1720742400000, time: 1720736417000 };
    const filled = checked('binance-usdm', [adaWith((each) => ({ ...each, markPrice: '0' })), ...ADA_REST, { name: 'premiumIndex.json', value: premium }]);
    assert.deepEqual(filled.snapshot.marks, { ADAUSDT: '0.41047590' });
    // lastFundingRate is the snapshot's funding rate: the report's days to liquidation at it.
    assert.deepEqual(filled.snapshot.funding, { ADAUSDT: '0.00010000' });
    assertAllAgree(filled.check);
    const both = checked('binance-usdm', [...usdm('positionRisk-v3-adausdt.json'), ...ADA_REST,
      { name: 'premiumIndex.json', value: [{ ...premium, markPrice: '0.42' }] }]);
    assert.deepEqual(both.snapshot.marks, { ADAUSDT: '0.41047590' });
    hasWarning(both.warnings, /positionRisk's mark 0\.41047590 is used, not premiumIndex\.json \[0\]\.markPrice 0\.42/);
    hasProblem(problemsOf('binance-usdm', [adaWith((each) => ({ ...each, markPrice: '0' })), ...ADA_REST]),
      'positionRisk-v3-adausdt.json', '[0].markPrice', /add premiumIndex/);
  });

  // MARGIN_CALL (§2.5): entry from up = pa × (mp − entry): 187.17127 + 1.166074 / 1.327
  // = 187.17127 + 0.8787294… = 188.0499994…, i.e. 188.05 (1.327 × (187.17127 − 188.05) = −1.16607471,
  // which the event shows as "-1.166074"). Maintenance: 1.327 × 187.17127 = 248.37627529;
  // × 0.0065 (the docs' ETHUSDT bracket, cum 0) = 1.6144457894 → the event's "1.614445" (6 decimals,
  // cut), ours 1.61444579: within one unit of the event's last decimal.
  test('ETHUSDT from the MARGIN_CALL event: the maintenance margin with the docs\' ETHUSDT bracket', () => {
    assert.equal(rounded(add(dec('187.17127'), divide(dec('1.166074'), dec('1.327'), 12, 'half-even')), 2), '188.05');
    const { snapshot, check, warnings } = checked('binance-usdm', usdm('positionRisk-v3-ethusdt-margin-call-constructed.json',
      'leverageBracket-ethusdt-docs.json', 'account-v3-ethusdt-margin-call-constructed.json'));
    assert.equal(snapshot.positions[0]?.leverage, undefined);
    assert.equal(snapshot.positions[0]?.isolatedMargin, undefined);
    assert.deepEqual(snapshot.account, { currency: 'USDT', balance: '3.16812045' });
    hasWarning(warnings, /no leverage and no positionInitialMargin: leverage is left out/);
    hasWarning(warnings, /notionalCoef 1\.5/);
    assertAllAgree(check);
    assert.equal(row(check, 'ETHUSDT-long', 'maintenanceMargin').stopout, '1.61444579');
    assert.equal(row(check, 'ETHUSDT-long', 'unrealizedPnl').stopout, '-1.16607471');
  });

  // The current example (§2.1) is cross, without the wallet. The only unknown of Binance's LP for
  // one cross position is WB (TMM1 = UPNL1 = 0): with bracket 1 (0.4 %, cum 0, as built in),
  //   WB = qty × EP + LP × qty × (MMR − 1) = 22.1852 − 19731.45529116 × 0.001 × 0.996
  //      = 22.1852 − 19.65252947 = 2.53267053,
  // the crossWalletBalance of the constructed account. So the LP row checks the plumbing (cross
  // wallet to balance, the hedge id, the built-in bracket), not Binance's arithmetic. Ours is the
  // LP floored to the built-in tick 0.1: 19731.4. uPnL 0.001 × (21123.05052574 − 22185.2) =
  // −1.06214947426; notional 21.12305052574 (Binance cuts to 21.12305052).
  test('the current cross example with the account its LP implies (constructed)', () => {
    assert.equal(toDecimalString(subtract(dec('22.1852'), multiply(dec('19731.45529116'), dec('0.000996')))), '2.53267053000464');
    const { snapshot, check, warnings } = checked('binance-usdm', usdm('positionRisk-v2-cross-hedge.json', 'account-v3-cross-hedge-constructed.json'));
    assert.deepEqual(snapshot.positions, [{ id: 'BTCUSDT-long', instrument: 'BTCUSDT', side: 'long', quantity: '0.001', entryPrice: '22185.2', leverage: '4' }]);
    assert.equal(snapshot.instruments, undefined, 'the built-in BTCUSDT, not redefined');
    assert.equal(snapshot.account.balance, '2.53267053');
    hasWarning(warnings, /BTCUSDT: no leverageBracket, so the built-in brackets are used/);
    assertAllAgree(check);
    assert.equal(row(check, 'BTCUSDT-long', 'liquidationPrice').stopout, '19731.4');
    assert.equal(row(check, 'BTCUSDT-long', 'notional').venue, '21.12305052');
  });
});

describe('COIN-M: the isolated BTCUSD_PERP pair (§2.7, ccxt\'s copy)', () => {
  // 2 contracts × 100 USD. Isolated wallet: isolatedWallet 0.00268058 (= isolatedMargin 0.00274471
  // − uPnL 0.00006413). uPnL = 200 × (1/37643.10000021 − 1/38103.05510455) = 0.0000641357… (Binance
  // cuts to 0.00006413); notional = 200 / 38103.05510455 = 0.00524892… BTC.
  // LP (Binance FAQ "How to Calculate Liquidation Price of COIN-M Futures Contracts", isolated: the
  // margin balance in coin equals the maintenance margin, notional in coin at LP):
  //   W + 200 × (1/E − 1/P) = 200/P × MMR − cum  ⇒  P = 200 × (1 + MMR) / (W + cum + 200/E)
  //   = 200.8 / (0.00268058 + 0.00531305870…) = 25119.97445760…, with the docs' bracket 1 (0.4 %, cum 0):
  // Binance's "25119.97445760" to the last of its 8 decimals. Ours floors it to the tick 0.1: 25119.9.
  const files = coinm('positionRisk-isolated-ccxt.json', 'leverageBracket-v2-docs.json', 'exchangeInfo-ccxt.json');

  test('the arithmetic above, worked exactly', () => {
    const lp = divide(dec('200.8'), add(dec('0.00268058'), divide(dec('200'), dec('37643.10000021'), 20, 'half-even')), 12, 'half-even');
    assert.equal(toDecimalString(divide(lp, dec('1'), 8, 'down')), '25119.97445760');
  });

  test('an inverse instrument in coin, contracts as the quantity, the coin as the currency; figures agree', () => {
    const { snapshot, check, warnings } = checked('binance-coinm', files);
    assert.deepEqual(snapshot.account, { currency: 'BTC', balance: '0.00268058' });
    assert.deepEqual(snapshot.positions, [{
      id: 'BTCUSD_PERP-long', instrument: 'BTCUSD_PERP', side: 'long', quantity: '2', entryPrice: '37643.10000021', leverage: '2', isolatedMargin: '0.00268058',
    }]);
    assert.deepEqual(snapshot.instruments?.BTCUSD_PERP, {
      kind: 'inverse', assetClass: 'crypto', contractSize: '100', tickSize: '0.1', maxLeverage: '125',
      maintenanceTiers: [{ floor: '0', rate: '0.004', deduction: '0', maxLeverage: '125' }], settlementCurrency: 'BTC',
    } satisfies InstrumentJson);
    hasWarning(warnings, /sum of the isolated wallets, 0\.00268058 BTC/);
    assertAllAgree(check);
    assert.equal(row(check, 'BTCUSD_PERP-long', 'liquidationPrice').stopout, '25119.9');
    assert.equal(row(check, 'BTCUSD_PERP-long', 'unrealizedPnl').difference, '0.00000000');
    assert.equal(row(check, 'BTCUSD_PERP-long', 'notional').difference, '0.00000000');
  });

  test('without exchangeInfo: the built-in contract size and tick; without isolatedWallet: isolatedMargin − uPnL', () => {
    const [positions, brackets] = files;
    assert.ok(positions && brackets);
    const rows = structuredClone(positions.value) as Record<string, unknown>[];
    delete rows[0]?.isolatedWallet;
    const { snapshot, check } = checked('binance-coinm', [{ name: positions.name, value: rows }, brackets]);
    assert.equal(snapshot.positions[0]?.isolatedMargin, '0.00268058');
    assert.equal(snapshot.instruments?.BTCUSD_PERP?.contractSize, '100');
    assertAllAgree(check);
  });

  // An entry of 0 on an open COIN-M row is derived in 1/price: 1/E = 1/mark + uPnL / (contracts × 100)
  // = 1/38103.05510455 + 0.00006413 / 200 → E = 37643.09…; uPnL carries 4 significant digits
  // (0.00006413, cut), so E is only good to about 1e-6 of itself: the derived entry is within 0.1
  // of the true 37643.10000021, and the LP still within the tick.
  test('an entry of 0 on an open position is derived in 1/price, and said', () => {
    const [positions, ...rest] = files;
    assert.ok(positions);
    const rows = (positions.value as Record<string, unknown>[]).map((each) => ({ ...each, entryPrice: '0.00000000' }));
    const { snapshot, check, warnings } = checked('binance-coinm', [{ name: positions.name, value: rows }, ...rest]);
    const entry = snapshot.positions[0]?.entryPrice ?? '0';
    assert.ok(compare(abs(subtract(dec(entry), dec('37643.10000021'))), dec('0.1')) < 0, `derived entry ${entry}`);
    hasWarning(warnings, /positionRisk-isolated-ccxt\.json \[0\]\.entryPrice is "0\.00000000" on an open position: the entry 3764\d\.\d+ is derived/);
    assert.ok(row(check, 'BTCUSD_PERP-long', 'liquidationPrice').agrees);
  });

  test('the built-in BTCUSD_PERP has no brackets: leverageBracket is asked for', () => {
    const problems = problemsOf('binance-coinm', coinm('positionRisk-isolated-ccxt.json'));
    hasProblem(problems, 'positionRisk-isolated-ccxt.json', '[0].symbol', /no built-in brackets for BTCUSD_PERP: add leverageBracket \(GET \/dapi\/v2\/leverageBracket\)/);
  });
});

// ---------------------------------------------------------------------------------------------
// The round trip: a random snapshot, exported as Binance's files and imported back, is the same
// snapshot (decimals compared by value: the export writes "0.0040" as the number 0.004), and the
// venue figures the export wrote (the core's own report of it) agree with the core's report.

const canonical = (value: unknown): unknown => {
  if (typeof value === 'string') {
    const parsed = parseDecimal(value);
    return parsed ? toDecimalString(normalize(parsed)) : value;
  }
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, canonical(entry)]));
  }
  return value;
};

const decimalText = (min: number, max: number, scale: number): fc.Arbitrary<string> =>
  fc.integer({ min, max }).map((units) => toDecimalString(decimal(BigInt(units), scale)));

/** Rising floors, rising rates, falling leverage; cum_n = floor_n × (rate_n − rate_n−1) + cum_n−1 (§1.2). */
function tiersFrom(floors: readonly string[], rates: readonly string[], leverages: readonly number[]): TierJson[] {
  let deduction = dec('0');
  return floors.map((floor, index) => {
    const previous = index === 0 ? dec('0') : dec(rates[index - 1] ?? '0');
    if (index > 0) deduction = add(deduction, multiply(dec(floor), subtract(dec(rates[index] ?? '0'), previous)));
    return {
      floor, rate: rates[index] ?? '0', deduction: toDecimalString(normalize(deduction)), maxLeverage: String(leverages[index] ?? 1),
    };
  });
}

interface MarketCase {
  readonly venue: 'binance-usdm' | 'binance-coinm';
  readonly currency: string;
  readonly symbols: readonly string[];
  readonly kind: 'linear' | 'inverse';
  readonly floors: readonly string[];
  readonly price: readonly [number, number, number];
  readonly quantity: readonly [number, number, number];
  readonly money: readonly [number, number, number];
}

const USDM_CASE: MarketCase = {
  venue: 'binance-usdm', currency: 'USDT', symbols: ['AAAUSDT', 'BBBUSDT', 'CCCUSDT'], kind: 'linear',
  floors: ['0', '50000', '250000'], price: [10_00, 90_000_00, 2], quantity: [1, 50_000, 3], money: [0, 500_000_00, 2],
};

const COINM_CASE: MarketCase = {
  venue: 'binance-coinm', currency: 'XYZ', symbols: ['XYZUSD_PERP', 'XYZUSD_260327'], kind: 'inverse',
  floors: ['0', '5', '20'], price: [100_0, 90_000_0, 1], quantity: [1, 500, 0], money: [0, 10_00000000, 8],
};

function instrumentFor(market: MarketCase): fc.Arbitrary<InstrumentJson> {
  return fc.record({
    tiers: fc.integer({ min: 1, max: 3 }),
    firstRate: fc.constantFrom('0.004', '0.005', '0.0065', '0.01'),
    tickSize: fc.option(fc.constantFrom('0.1', '0.01', '0.0001'), { nil: undefined }),
    contractSize: market.kind === 'inverse' ? fc.constantFrom('10', '100') : fc.constant('1'),
  }).map(({ tiers, firstRate, tickSize, contractSize }) => {
    const rates = [firstRate, '0.02', '0.05'].slice(0, tiers);
    const leverages = [125, 50, 20].slice(0, tiers);
    const maintenanceTiers = tiersFrom(market.floors.slice(0, tiers), rates, leverages);
    return {
      kind: market.kind, assetClass: 'crypto', contractSize, ...(tickSize ? { tickSize } : {}),
      maxLeverage: '125', maintenanceTiers, settlementCurrency: market.currency,
    };
  });
}

interface GeneratedSide {
  readonly quantity: string;
  readonly entryPrice: string;
  readonly leverage: number;
  readonly isolatedMargin: string | undefined;
}

function sideFor(market: MarketCase): fc.Arbitrary<GeneratedSide> {
  const [priceMin, priceMax, priceScale] = market.price;
  const [quantityMin, quantityMax, quantityScale] = market.quantity;
  const [, moneyMax, moneyScale] = market.money;
  return fc.record({
    quantity: decimalText(quantityMin, quantityMax, quantityScale),
    entryPrice: decimalText(priceMin, priceMax, priceScale),
    // At most the last tier's 20x, so no generated position breaks a tier's cap.
    leverage: fc.integer({ min: 1, max: 20 }),
    isolatedMargin: fc.option(decimalText(1, moneyMax, moneyScale), { nil: undefined }),
  });
}

/** One to three symbols, each with a long, a short, or both (hedge mode), each cross or isolated. */
function snapshotFor(market: MarketCase): fc.Arbitrary<SnapshotJson> {
  const [priceMin, priceMax, priceScale] = market.price;
  const [moneyMin, moneyMax, moneyScale] = market.money;
  const symbolCase = fc.record({
    instrument: instrumentFor(market),
    mark: decimalText(priceMin, priceMax, priceScale + 2),
    long: fc.option(sideFor(market), { nil: undefined }),
    short: fc.option(sideFor(market), { nil: undefined }),
  }).filter((each) => each.long !== undefined || each.short !== undefined);
  return fc.record({
    symbols: fc.subarray([...market.symbols], { minLength: 1 }),
    cases: fc.array(symbolCase, { minLength: market.symbols.length, maxLength: market.symbols.length }),
    crossWallet: decimalText(moneyMin, moneyMax, moneyScale),
  }).map(({ symbols, cases, crossWallet }) => {
    const chosen = symbols.map((symbol, index) => ({ symbol, ...(cases[index] ?? cases[0]) }));
    const positions = chosen.flatMap(({ symbol, long, short }) => (['long', 'short'] as const).flatMap((side) => {
      const generated = side === 'long' ? long : short;
      if (!generated) return [];
      const position: PositionJson = {
        id: `${symbol}-${side}`, instrument: symbol, side, quantity: generated.quantity, entryPrice: generated.entryPrice,
        leverage: String(generated.leverage), ...(generated.isolatedMargin ? { isolatedMargin: generated.isolatedMargin } : {}),
      };
      return [position];
    }));
    // The wallet holds the isolated margins (the core refuses more isolated margin than balance).
    const balance = positions.reduce((total, position) => add(total, dec(position.isolatedMargin ?? '0')), dec(crossWallet));
    return {
      venue: market.venue,
      account: { currency: market.currency, balance: toDecimalString(balance) },
      instruments: Object.fromEntries(chosen.map(({ symbol, instrument }) => [symbol, instrument as InstrumentJson])),
      positions,
      marks: Object.fromEntries(chosen.map(({ symbol, mark }) => [symbol, mark ?? '1'])),
    };
  });
}

const exportOptions: fc.Arbitrary<BinanceExportOptions> = fc.record({
  positionRisk: fc.constantFrom('v2' as const, 'v3' as const),
  isolatedWallet: fc.boolean(),
  hedgeMode: fc.boolean(),
  misspeltFloor: fc.boolean(),
});

function roundTrip(market: MarketCase, snapshot: SnapshotJson, options: BinanceExportOptions): void {
  const files = market.venue === 'binance-usdm' ? exportBinanceUsdm(snapshot, options) : exportBinanceCoinm(snapshot, options);
  const result = importAndCheck(market.venue, files);
  assert.ok(result.ok, result.ok ? '' : JSON.stringify(result.error));
  assert.deepEqual(canonical(result.value.snapshot), canonical(snapshot));
  assertAllAgree(result.value.check);
}

describe('round trip: export as Binance\'s files, import, the same snapshot', () => {
  test('USDⓈ-M: positionRisk v2 (with or without isolatedWallet) and v3, leverageBracket, account, exchangeInfo', () => {
    fc.assert(fc.property(snapshotFor(USDM_CASE), exportOptions, (snapshot, options) => roundTrip(USDM_CASE, snapshot, options)), { numRuns: 60 });
  });

  test('COIN-M: dapi positionRisk, leverageBracket v2 (qtyFloor or the docs\' qtylFloor), account, exchangeInfo', () => {
    fc.assert(fc.property(snapshotFor(COINM_CASE), exportOptions, (snapshot, options) => roundTrip(COINM_CASE, snapshot, options)), { numRuns: 60 });
  });
});

// ---------------------------------------------------------------------------------------------
// Bad input: each a problem naming the file and the field.

describe('bad input', () => {
  const HYPERLIQUID_STATE = {
    assetPositions: [{ position: { coin: 'ETH', entryPx: '2986.3', leverage: { rawUsd: '-95.059824', type: 'isolated', value: 20 },
      liquidationPx: '2866.26936529', marginUsed: '4.967826', maxLeverage: 50, positionValue: '100.02765', szi: '0.0335', unrealizedPnl: '-0.0134' },
    type: 'oneWay' }],
    crossMaintenanceMarginUsed: '0.0',
    crossMarginSummary: { accountValue: '13104.514502', totalMarginUsed: '0.0', totalNtlPos: '0.0', totalRawUsd: '13104.514502' },
    marginSummary: { accountValue: '13109.482328', totalMarginUsed: '4.967826', totalNtlPos: '100.02765', totalRawUsd: '13009.454678' },
    time: 1708622398623,
    withdrawable: '13104.514502',
  };

  test('another venue\'s file (Hyperliquid\'s clearinghouseState, §4.1) is named as that venue\'s', () => {
    const problems = problemsOf('binance-usdm', [{ name: 'state.json', value: HYPERLIQUID_STATE }]);
    hasProblem(problems, 'state.json', '', /this is hyperliquid data \(clearinghouseState.*\), not binance-usdm data; binance-usdm accepts: positionRisk/);
  });

  test('the COIN-M file given to USDⓈ-M, and the USDⓈ-M file given to COIN-M', () => {
    hasProblem(problemsOf('binance-usdm', coinm('positionRisk-isolated-ccxt.json')),
      'positionRisk-isolated-ccxt.json', '', /this is binance-coinm data \(positionRisk \(GET \/dapi\/v1\/positionRisk\)\)/);
    hasProblem(problemsOf('binance-coinm', usdm('positionRisk-v3-adausdt.json')),
      'positionRisk-v3-adausdt.json', '', /this is binance-usdm data/);
  });

  test('a shape Binance does not give', () => {
    hasProblem(problemsOf('binance-usdm', [{ name: 'notes.json', value: { hello: 'world' } }]),
      'notes.json', '', /not a shape binance-usdm gives; accepted: positionRisk .*leverageBracket .*account /);
  });

  test('a position in a symbol no file defines', () => {
    const rows = [{ symbol: 'XYZUSDT', positionAmt: '5', entryPrice: '2', markPrice: '2.1', unRealizedProfit: '0.5',
      liquidationPrice: '0', leverage: '5', marginType: 'isolated', isolatedMargin: '2.5', isolatedWallet: '2', positionSide: 'BOTH', notional: '10.5' }];
    hasProblem(problemsOf('binance-usdm', [{ name: 'positionRisk.json', value: rows }]), 'positionRisk.json', '[0].symbol',
      /a position in XYZUSDT, which no file defines: add leverageBracket \(GET \/fapi\/v1\/leverageBracket\)/);
  });

  test('only flat positions', () => {
    const flat = (fixture('binance-usdm', 'positionRisk-v2-isolated-hedge.json').value as Record<string, unknown>[])
      .map((each) => ({ ...each, positionAmt: '0.000' }));
    hasProblem(problemsOf('binance-usdm', [{ name: 'positionRisk.json', value: flat }]), 'positionRisk.json', '[*].positionAmt',
      /every position is flat \(positionAmt 0 in all 2\)/);
  });

  test('a cross position without the account file (v2: marginType; v3: isolatedWallet 0)', () => {
    hasProblem(problemsOf('binance-usdm', usdm('positionRisk-v2-cross-hedge.json')), 'positionRisk-v2-cross-hedge.json', '[0].marginType',
      /BTCUSDT is cross-margined, which needs the cross wallet: add account \(GET \/fapi\/v2\/account or \/fapi\/v3\/account\)/);
    hasProblem(problemsOf('binance-usdm', usdm('positionRisk-v3-adausdt.json', 'leverageBracket-adausdt-constructed.json')),
      'positionRisk-v3-adausdt.json', '[0].isolatedWallet', /the cross wallet: add account/);
  });

  test('an account without the margin asset, a bracket that is not a number, a side against its sign', () => {
    const account = { totalWalletBalance: '5', assets: [{ asset: 'BNB', walletBalance: '5', crossWalletBalance: '5' }], positions: [] };
    hasProblem(problemsOf('binance-usdm', [...usdm('positionRisk-v2-cross-hedge.json'), { name: 'account.json', value: account }]),
      'account.json', 'assets', /no USDT entry/);
    const brackets = { symbol: 'ADAUSDT', brackets: [{ bracket: 1, initialLeverage: 75, notionalCap: 5000, notionalFloor: 0, maintMarginRatio: 'lots', cum: 0 }] };
    hasProblem(problemsOf('binance-usdm', [...usdm('positionRisk-v3-adausdt.json', 'account-v3-adausdt-constructed.json'), { name: 'b.json', value: brackets }]),
      'b.json', 'brackets[0].maintMarginRatio', /must be a decimal/);
    const rows = (fixture('binance-usdm', 'positionRisk-v2-cross-hedge.json').value as Record<string, unknown>[]).map((each) => ({ ...each, positionSide: 'SHORT' }));
    hasProblem(problemsOf('binance-usdm', [{ name: 'p.json', value: rows }, ...usdm('account-v3-cross-hedge-constructed.json')]),
      'p.json', '[0].positionAmt', /a SHORT position with positionAmt of the other sign/);
  });
});
