import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dec } from '../money/decimal.js';
import { rational } from '../money/rational.js';
import { asLeverage, asPrice } from '../money/units.js';
import { binanceUsdm } from '../venue/profiles/binance-usdm.js';
import { bybitLinear } from '../venue/profiles/bybit-linear.js';
import { hyperliquid } from '../venue/profiles/hyperliquid.js';
import { mt5Standard } from '../venue/profiles/mt5-standard.js';
import { usRegT } from '../venue/profiles/us-reg-t.js';
import { bookInstrument, bookVenue, positionRates } from './venue-terms.js';

describe('venue terms for the book', () => {
  test('Binance: Rl = Rc = the first bracket, 0.4 %; at or below; insurance fund absorbs; whole scope; no call of its own; 0.5 % fee; 0.05 % taker', () => {
    const btc = binanceUsdm.instruments.BTCUSDT!;
    assert.deepEqual(positionRates(binanceUsdm, btc, asLeverage(dec('20'))), { liquidation: rational(4n, 1000n), marginCall: rational(4n, 1000n) });
    assert.deepEqual(bookVenue(binanceUsdm), {
      id: 'binance-usdm', liquidationTrigger: 'at-or-below', liquidationOrder: 'whole-scope', deficit: 'venue-absorbs', isolatedMargin: true,
      marginCall: false, liquidationFeeRate: rational(5n, 1000n), takerFeeRate: rational(5n, 10_000n),
    });
    // One lot of 0.001 BTC moving one 0.1 tick: 0.0001 USDT = 10 000 units of 10^-8.
    assert.deepEqual(bookInstrument(btc, dec('0.001'), 8).unitValue, rational(10_000n));
  });

  test('Hyperliquid: maintenance 1 / (2 × max leverage) whatever the chosen leverage; below', () => {
    const btc = hyperliquid.instruments.BTC!;
    assert.deepEqual(positionRates(hyperliquid, btc, asLeverage(dec('3'))), { liquidation: rational(1n, 80n), marginCall: rational(1n, 80n) });
    assert.equal(bookVenue(hyperliquid).liquidationTrigger, 'below');
    assert.equal(bookVenue(hyperliquid).marginCall, false);
    assert.equal(bookVenue(hyperliquid).liquidationFeeRate, undefined);
    // Base-tier taker fee, 0.045 %.
    assert.deepEqual(bookVenue(hyperliquid).takerFeeRate, rational(45n, 100_000n));
  });

  test('MT5: call at 100 % and stop-out at 50 % of 1 / leverage; largest loss first; client debt; cross only; no taker fee (omitted)', () => {
    const eurusd = mt5Standard.instruments.EURUSD!;
    assert.deepEqual(positionRates(mt5Standard, eurusd, asLeverage(dec('500'))), { liquidation: rational(1n, 1000n), marginCall: rational(1n, 500n) });
    assert.deepEqual(bookVenue(mt5Standard), {
      id: 'mt5-standard', liquidationTrigger: 'at-or-below', liquidationOrder: 'largest-loss-first', deficit: 'client-debt', isolatedMargin: false,
      marginCall: true,
    });
    // 100 EUR moving 0.00001 USD, in cents: 0.1.
    assert.deepEqual(bookInstrument({ ...eurusd, tickSize: asPrice(dec('0.00001')) }, dec('100'), 2).unitValue, rational(1n, 10n));
  });

  test('procedures the book does not apply are refused, not approximated', () => {
    assert.throws(() => bookVenue(usRegT), /until-requirement-met/);
    assert.throws(() => bookVenue(bybitLinear), /at the mark/);
    assert.throws(() => bookInstrument(hyperliquid.instruments.BTC!, dec('1'), 6), /tick size/);
  });
});
