// The live fetch (src/import/live) against the loopback venue server (test/support/venue-server.ts),
// which serves the documented payloads at the venues' real paths and checks Binance's and Bybit's
// signatures from their documents, independently of the code under test.
//
// Fixtures (test/support/venue-server.ts FIXTURE_FILES): the importers' own fixtures under
// test/fixtures/import/<venue>/ where they hold what a live account gives (their tests say where
// each comes from), and test/fixtures/import/live/ for the rest, constructed in the documented
// shapes where no documented payload exists:
// - Hyperliquid (§4.1 state; the docs' metaAndAssetCtxs with ETH's markPx 2985.9 as §4.1 implies)
//   and dYdX (§5.1 subaccount; §5.2 markets at the oracle prices §5.1 implies): the importers'.
// - Binance USD-M: the older isolated hedge example of §2.1 (comma restored, SHORT entry "0.00000"
//   as documented), the BTCUSDT brackets of the time implied by it (§11.1) and the older docs'
//   exchangeInfo: the importer's. live/binance-usdm-account.json, constructed (v2 fields, §2.3):
//   wallet = Σ isolated wallets = 13200.70726908 + 6570.42511771 = 19771.13238679 (the `iw` of
//   §2.5), cross wallet 0, uPnL = 2316.83423560 − 1156.46711780 = 1160.3671178, margin totals 0
//   (not read). live/binance-usdm-premium-index.json: the documented fields, markPrice = the
//   positions' 6679.50671178 (the docs' example mark, 11793.63104562, is of another moment).
// - Binance COIN-M: the isolated BTCUSD_PERP pair from ccxt's copy, the documented v2 bracket and
//   ccxt's exchangeInfo copy: the importer's. live/binance-coinm-account.json, constructed in the
//   documented dapi account shape: wallet = the position's isolatedWallet 0.00268058, cross 0,
//   uPnL 0.00006413, IM = notionalValue / leverage = 0.00524892 / 2 = 0.00262446, MM =
//   0.00524892 × 0.004 = 0.0000209957 -> 0.00002100.
// - Bybit: account info is the importer's (the documented example). Bybit documents no linear
//   position list with these fields filled (§3.1's example is inverse), and paging needs two
//   positions of one account, so live/ holds a constructed one: BTCUSDT Buy 0.01 at 60 000 (mark
//   61 000) and ETHUSDT Sell 0.5 at 3 000 (mark 2 950), cross (REGULAR_MARGIN), with the wallet
//   (10 000 USDT), risk limits (fractions, §3.4) and instruments (BTCUSDT: the documented linear
//   example; ETHUSDT built like it) to match.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fetchAccountFiles, credentialNames, type Fetched, type FetchOptions } from '../../src/import/live/fetch-account.js';
import { binanceSignedQuery, bybitSignedHeaders, hmacSha256Hex } from '../../src/import/live/sign-request.js';
import { formatImportProblem, importAccount, importAndCheck, type CheckRow, type ImportFile, type ImportProblem, type SnapshotJson } from '../../src/import/index.js';
import {
  BINANCE_TEST_CREDENTIALS, BYBIT_TEST_CREDENTIALS, DYDX_TEST_ADDRESS, HYPERLIQUID_TEST_ADDRESS,
  loadLiveFixtures, startVenueServer, type SeenRequest, type VenueServer,
} from '../support/venue-server.js';

/** One clock for the client and the server, so the signed timestamps are known. */
const NOW = 1_700_000_000_000;
const FIXTURES = loadLiveFixtures();

function keyEnv(venue: string, key: string, secret: string): Record<string, string> {
  const names = credentialNames(venue);
  return { [names.key]: key, [names.secret]: secret };
}

const BINANCE_USDM_ENV = keyEnv('binance-usdm', BINANCE_TEST_CREDENTIALS.key, BINANCE_TEST_CREDENTIALS.secret);
const BINANCE_COINM_ENV = keyEnv('binance-coinm', BINANCE_TEST_CREDENTIALS.key, BINANCE_TEST_CREDENTIALS.secret);
const BYBIT_ENV = keyEnv('bybit-linear', BYBIT_TEST_CREDENTIALS.key, BYBIT_TEST_CREDENTIALS.secret);

function files(fetched: Fetched): ImportFile[] {
  assert.ok(fetched.ok, fetched.ok ? '' : fetched.problems.map(formatImportProblem).join('\n'));
  return fetched.files;
}

function problems(fetched: Fetched): ImportProblem[] {
  assert.ok(!fetched.ok, 'the fetch should fail');
  return fetched.problems;
}

function lines(list: readonly ImportProblem[]): string[] {
  return list.map(formatImportProblem);
}

function imported(venue: string, list: readonly ImportFile[]): SnapshotJson {
  const result = importAccount(venue, list);
  assert.ok(result.ok, result.ok ? '' : `importAccount(${venue}) refused the fetched files:\n${lines(result.error).join('\n')}`);
  return result.value.snapshot;
}

function position(snapshot: SnapshotJson, id: string): SnapshotJson['positions'][number] {
  const found = snapshot.positions.find((candidate) => candidate.id === id);
  assert.ok(found, `position ${id} in ${JSON.stringify(snapshot.positions.map((item) => item.id))}`);
  return found;
}

/** A fetch that must not be called (the options were refused first). */
const noFetch: typeof fetch = () => Promise.reject(new Error('no request should have been sent'));

describe('signing, as the venues publish it', () => {
  test('Binance: hex HMAC-SHA256 of the query string reproduces the futures docs\' example', () => {
    // developers.binance.com futures "General Info", SIGNED endpoint example 1: secretKey
    // NhqPt…Tj0j, totalParams below -> c8db5682…bd6b71.
    const totalParams = 'symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559';
    assert.equal(hmacSha256Hex(BINANCE_TEST_CREDENTIALS.secret, totalParams), 'c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71');
    const query = binanceSignedQuery(BINANCE_TEST_CREDENTIALS.secret, 1499827319559);
    assert.match(query, /^recvWindow=5000&timestamp=1499827319559&signature=[0-9a-f]{64}$/);
    assert.equal(query.split('&signature=')[1], hmacSha256Hex(BINANCE_TEST_CREDENTIALS.secret, 'recvWindow=5000&timestamp=1499827319559'));
  });

  test('Bybit: the sign string is timestamp + key + recv window + query string, in that order', () => {
    const headers = bybitSignedHeaders('KEY', 'SECRET', 1658384314791, 'category=option&symbol=BTC-29JUL22-25000-C');
    assert.deepEqual(Object.keys(headers).sort(), ['X-BAPI-API-KEY', 'X-BAPI-RECV-WINDOW', 'X-BAPI-SIGN', 'X-BAPI-TIMESTAMP']);
    assert.equal(headers['X-BAPI-SIGN'], hmacSha256Hex('SECRET', '1658384314791KEY5000category=option&symbol=BTC-29JUL22-25000-C'));
    assert.notEqual(headers['X-BAPI-SIGN'], hmacSha256Hex('SECRET', 'KEY16583843147915000category=option&symbol=BTC-29JUL22-25000-C'));
  });
});

describe('live fetch from the loopback venue server', () => {
  let server: VenueServer;
  before(async () => { server = await startVenueServer({ now: () => NOW, bybitPageSize: 1 }); });
  after(async () => { await server.close(); });

  /** The requests the server saw while `run` ran. */
  async function seen(run: () => Promise<Fetched>): Promise<{ fetched: Fetched; requests: SeenRequest[] }> {
    const start = server.requests.length;
    const fetched = await run();
    return { fetched, requests: server.requests.slice(start) };
  }

  const options = (extra: Partial<FetchOptions>): FetchOptions => ({ env: {}, apiUrl: server.url, now: () => NOW, ...extra });

  describe('hyperliquid by --address', () => {
    test('POSTs clearinghouseState and metaAndAssetCtxs to /info, files named by the request', async () => {
      const { fetched, requests } = await seen(() => fetchAccountFiles('hyperliquid', options({ address: HYPERLIQUID_TEST_ADDRESS })));
      const list = files(fetched);
      assert.deepEqual(list.map((file) => file.name), [
        `POST ${server.url}/info {"type":"clearinghouseState","user":"${HYPERLIQUID_TEST_ADDRESS}"}`,
        `POST ${server.url}/info {"type":"metaAndAssetCtxs"}`,
      ]);
      assert.deepEqual(list.map((file) => file.value), [FIXTURES.hyperliquidClearinghouseState, FIXTURES.hyperliquidMetaAndAssetCtxs]);
      const bodies = requests.map((request) => `${request.method} ${request.path} ${String(request.headers['content-type'])} ${request.body}`).sort();
      assert.deepEqual(bodies, [
        `POST /info application/json {"type":"clearinghouseState","user":"${HYPERLIQUID_TEST_ADDRESS}"}`,
        'POST /info application/json {"type":"metaAndAssetCtxs"}',
      ]);
    });

    test('the fetched files import, and the venue\'s liquidation price is reproduced', async () => {
      const list = files(await fetchAccountFiles('hyperliquid', options({ address: HYPERLIQUID_TEST_ADDRESS })));
      const snapshot = imported('hyperliquid', list);
      const eth = position(snapshot, 'ETH-long');
      assert.equal(eth.quantity, '0.0335');
      assert.equal(eth.entryPrice, '2986.3');
      assert.equal(snapshot.marks.ETH, '2985.9');
      // Isolated: LP = −rawUsd / (szi × (1 − l)), l = 1/(2 × maxLeverage 50) = 0.01 (§4.3):
      // 95.059824 / (0.0335 × 0.99) = 95.059824 / 0.033165 = 2866.26936529…, the venue's 2866.26936529.
      const checked = importAndCheck('hyperliquid', list);
      assert.ok(checked.ok, checked.ok ? '' : lines(checked.error).join('\n'));
      const row = checked.value.check.find((item) => item.position === 'ETH-long' && item.field === 'liquidationPrice');
      assert.equal(row?.venue, '2866.26936529');
      assert.equal(row?.agrees, true, JSON.stringify(row));
    });

    test('another address is an empty account: no open position to import', async () => {
      const list = files(await fetchAccountFiles('hyperliquid', options({ address: '0x0000000000000000000000000000000000000001' })));
      assert.deepEqual((list[0]?.value as { assetPositions: unknown[] }).assetPositions, []);
      assert.equal(importAccount('hyperliquid', list).ok, false);
    });
  });

  describe('dydx-v4 by --address', () => {
    test('GETs the subaccount and the perpetual markets', async () => {
      const { fetched, requests } = await seen(() => fetchAccountFiles('dydx-v4', options({ address: DYDX_TEST_ADDRESS })));
      const list = files(fetched);
      assert.deepEqual(list.map((file) => file.name), [
        `GET ${server.url}/v4/addresses/${DYDX_TEST_ADDRESS}/subaccountNumber/0`,
        `GET ${server.url}/v4/perpetualMarkets`,
      ]);
      assert.deepEqual(list.map((file) => file.value), [FIXTURES.dydxSubaccount, FIXTURES.dydxPerpetualMarkets]);
      assert.deepEqual(requests.map((request) => `${request.method} ${request.path}`).sort(), [
        `GET /v4/addresses/${DYDX_TEST_ADDRESS}/subaccountNumber/0`, 'GET /v4/perpetualMarkets',
      ]);
    });

    test('the fetched files import: both positions, the oracle marks', async () => {
      const snapshot = imported('dydx-v4', files(await fetchAccountFiles('dydx-v4', options({ address: DYDX_TEST_ADDRESS }))));
      assert.equal(position(snapshot, 'ETH-USD-long').quantity, '0.001');
      assert.equal(position(snapshot, 'BTC-USD-short').quantity, '4.1368');
      assert.deepEqual(snapshot.marks, { 'BTC-USD': '108086.86937', 'ETH-USD': '3850.024845' });
    });

    test('--subaccount picks the number; one the indexer does not know is its 404, named', async () => {
      const { fetched, requests } = await seen(() => fetchAccountFiles('dydx-v4', options({ address: DYDX_TEST_ADDRESS, subaccount: 3 })));
      assert.ok(requests.some((request) => request.path === `/v4/addresses/${DYDX_TEST_ADDRESS}/subaccountNumber/3`));
      assert.deepEqual(lines(problems(fetched)), [
        `GET ${server.url}/v4/addresses/${DYDX_TEST_ADDRESS}/subaccountNumber/3: HTTP 404: the venue answered {"errors":[{"msg":"No subaccount found with address ${DYDX_TEST_ADDRESS} and subaccountNumber 3"}]}`,
      ]);
    });
  });

  describe('binance --live', () => {
    test('USD-M: signed positionRisk, leverageBracket, account; public premiumIndex, exchangeInfo', async () => {
      const { fetched, requests } = await seen(() => fetchAccountFiles('binance-usdm', options({ live: true, env: BINANCE_USDM_ENV })));
      const list = files(fetched);
      assert.deepEqual(list.map((file) => file.name), [
        `GET ${server.url}/fapi/v2/positionRisk`, `GET ${server.url}/fapi/v1/leverageBracket`, `GET ${server.url}/fapi/v2/account`,
        `GET ${server.url}/fapi/v1/premiumIndex`, `GET ${server.url}/fapi/v1/exchangeInfo`,
      ]);
      assert.deepEqual(list.map((file) => file.value), [
        FIXTURES.binanceUsdmPositionRisk, FIXTURES.binanceUsdmLeverageBracket, FIXTURES.binanceUsdmAccount,
        FIXTURES.binanceUsdmPremiumIndex, FIXTURES.binanceUsdmExchangeInfo,
      ]);
      const signed = requests.filter((request) => request.query !== '');
      assert.deepEqual(signed.map((request) => request.path).sort(), ['/fapi/v1/leverageBracket', '/fapi/v2/account', '/fapi/v2/positionRisk']);
      for (const request of signed) {
        assert.equal(request.headers['x-mbx-apikey'], BINANCE_TEST_CREDENTIALS.key);
        assert.match(request.query, new RegExp(`^recvWindow=5000&timestamp=${NOW}&signature=[0-9a-f]{64}$`));
      }
      const unsigned = requests.filter((request) => request.query === '');
      assert.deepEqual(unsigned.map((request) => request.headers['x-mbx-apikey']), [undefined, undefined], 'no key sent to the public endpoints');
    });

    test('USD-M: the fetched files import, and both documented liquidation prices are reproduced', async () => {
      const list = files(await fetchAccountFiles('binance-usdm', options({ live: true, env: BINANCE_USDM_ENV })));
      const snapshot = imported('binance-usdm', list);
      // Decimals are kept as the venue sent them.
      assert.equal(position(snapshot, 'BTCUSDT-long').quantity, '20.000');
      assert.equal(position(snapshot, 'BTCUSDT-short').quantity, '10.000');
      // Isolated, one-way per side (Binance: LP = (WB + cum − side·Q·EP) / (Q·MMR − side·Q)),
      // tier 2 (0.5 %, cum 50) at the liquidation notional:
      // long:  (13200.70726908 + 50 − 20 × 6563.665) / (20 × 0.005 − 20) = −118022.59273092 / −19.9 = 5930.7836…  (venue 5930.78)
      // short: (6570.42511771 + 50 + 10 × 6563.86) / (10 × 0.005 + 10) = 72259.02511771 / 10.05 = 7189.9527…   (venue 7189.95)
      const checked = importAndCheck('binance-usdm', list);
      assert.ok(checked.ok, checked.ok ? '' : lines(checked.error).join('\n'));
      for (const [id, venue] of [['BTCUSDT-long', '5930.78'], ['BTCUSDT-short', '7189.95']] as const) {
        const row: CheckRow | undefined = checked.value.check.find((item) => item.position === id && item.field === 'liquidationPrice');
        assert.equal(row?.venue, venue);
        assert.equal(row?.agrees, true, JSON.stringify(row));
      }
    });

    test('COIN-M: the dapi paths, signed the same way; the files import, the ccxt pair\'s liquidation price reproduced', async () => {
      const { fetched, requests } = await seen(() => fetchAccountFiles('binance-coinm', options({ live: true, env: BINANCE_COINM_ENV })));
      const list = files(fetched);
      assert.deepEqual(list.map((file) => file.name), [
        `GET ${server.url}/dapi/v1/positionRisk`, `GET ${server.url}/dapi/v2/leverageBracket`, `GET ${server.url}/dapi/v1/account`,
        `GET ${server.url}/dapi/v1/exchangeInfo`,
      ]);
      assert.equal(requests.filter((request) => /&signature=[0-9a-f]{64}$/.test(request.query)).length, 3);
      const snapshot = imported('binance-coinm', list);
      assert.equal(snapshot.account.currency, 'BTC');
      assert.equal(position(snapshot, 'BTCUSD_PERP-long').isolatedMargin, '0.00268058');
      assert.equal(snapshot.instruments?.BTCUSD_PERP?.kind, 'inverse');
      assert.equal(snapshot.instruments?.BTCUSD_PERP?.contractSize, '100');
      // Inverse, isolated (Binance COIN-M): LP = (S·MMR + side·S) / (WB + cum + side·S/EP), S = 2 × 100 USD,
      // bracket 1 (0.4 %, cum 0): (200 × 0.004 + 200) / (0.00268058 + 200 / 37643.10000021)
      // = 200.8 / 0.00799365… = 25119.97445760…, the venue's 25119.97445760.
      const checked = importAndCheck('binance-coinm', list);
      assert.ok(checked.ok, checked.ok ? '' : lines(checked.error).join('\n'));
      const row: CheckRow | undefined = checked.value.check.find((item) => item.position === 'BTCUSD_PERP-long' && item.field === 'liquidationPrice');
      assert.equal(row?.venue, '25119.97445760');
      assert.equal(row?.agrees, true, JSON.stringify(row));
    });

    test('a wrong secret gets Binance\'s -1022 for each signed request, and the secret is never shown', async () => {
      const wrong = 'not-the-secret-of-this-key-0123456789';
      const fetched = await fetchAccountFiles('binance-usdm', options({ live: true, env: keyEnv('binance-usdm', BINANCE_TEST_CREDENTIALS.key, wrong) }));
      const shown = lines(problems(fetched));
      assert.deepEqual(shown, ['/fapi/v2/positionRisk', '/fapi/v1/leverageBracket', '/fapi/v2/account'].map((path) =>
        `GET ${server.url}${path}: HTTP 400: the venue answered {"code":-1022,"msg":"Signature for this request is not valid."}; check STOPOUT_BINANCE_USDM_SECRET: it must be the secret of the key in STOPOUT_BINANCE_USDM_KEY`));
      assert.ok(shown.every((line) => !line.includes(wrong) && !line.includes(BINANCE_TEST_CREDENTIALS.secret)));
    });

    test('an unknown key gets -2015 (HTTP 401)', async () => {
      const fetched = await fetchAccountFiles('binance-usdm', options({ live: true, env: keyEnv('binance-usdm', 'someone-elses-key', BINANCE_TEST_CREDENTIALS.secret) }));
      const shown = lines(problems(fetched));
      assert.equal(shown.length, 3);
      for (const line of shown) assert.match(line, /HTTP 401: the venue answered \{"code":-2015,"msg":"Invalid API-key, IP, or permissions for action\."\}; check STOPOUT_BINANCE_USDM_KEY/);
    });

    test('a clock a minute slow gets -1021 (outside the 5 s recvWindow)', async () => {
      const fetched = await fetchAccountFiles('binance-usdm', options({ live: true, env: BINANCE_USDM_ENV, now: () => NOW - 60_000 }));
      for (const line of lines(problems(fetched))) assert.match(line, /HTTP 400: the venue answered \{"code":-1021,"msg":"Timestamp for this request is outside of the recvWindow\."\}; this computer's clock/);
    });

    test('the server itself refuses a signed request without the key header (-2014) or signature (-1102)', async () => {
      const query = binanceSignedQuery(BINANCE_TEST_CREDENTIALS.secret, NOW);
      const noKey = await fetch(`${server.url}/fapi/v2/account?${query}`);
      assert.deepEqual([noKey.status, await noKey.json()], [401, { code: -2014, msg: 'API-key format invalid.' }]);
      const unsigned = await fetch(`${server.url}/fapi/v2/account?recvWindow=5000&timestamp=${NOW}`, { headers: { 'X-MBX-APIKEY': BINANCE_TEST_CREDENTIALS.key } });
      assert.equal(unsigned.status, 400);
      assert.equal(((await unsigned.json()) as { code: number }).code, -1102);
      const good = await fetch(`${server.url}/fapi/v2/account?${query}`, { headers: { 'X-MBX-APIKEY': BINANCE_TEST_CREDENTIALS.key } });
      assert.equal(good.status, 200);
    });
  });

  describe('bybit-linear --live', () => {
    test('follows nextPageCursor through the position list, then each symbol\'s risk limits and instrument', async () => {
      const { fetched, requests } = await seen(() => fetchAccountFiles('bybit-linear', options({ live: true, env: BYBIT_ENV })));
      const list = files(fetched);
      const base = server.url;
      assert.deepEqual(list.map((file) => file.name), [
        `GET ${base}/v5/position/list?category=linear&settleCoin=USDT`,
        `GET ${base}/v5/account/info`,
        `GET ${base}/v5/account/wallet-balance?accountType=UNIFIED`,
        `GET ${base}/v5/market/risk-limit?category=linear&symbol=BTCUSDT`,
        `GET ${base}/v5/market/instruments-info?category=linear&symbol=BTCUSDT`,
        `GET ${base}/v5/market/risk-limit?category=linear&symbol=ETHUSDT`,
        `GET ${base}/v5/market/instruments-info?category=linear&symbol=ETHUSDT`,
      ]);
      // The server gives one position a page: two pages, the second asked for with the first's
      // cursor (itself percent-encoded, so "%" goes as "%25"), both merged into one list.
      const pages = requests.filter((request) => request.path === '/v5/position/list');
      assert.deepEqual(pages.map((request) => request.query), [
        'category=linear&settleCoin=USDT&limit=200',
        'category=linear&settleCoin=USDT&limit=200&cursor=offset%253D1%2526last%253DBTCUSDT',
      ]);
      const positions = list[0]?.value as { retCode: number; result: { list: { symbol: string }[]; nextPageCursor: string; category: string } };
      assert.deepEqual(positions.result.list.map((item) => item.symbol), ['BTCUSDT', 'ETHUSDT']);
      assert.deepEqual([positions.retCode, positions.result.category, positions.result.nextPageCursor], [0, 'linear', '']);
      const riskLimit = list[3]?.value as { result: { list: { symbol: string }[] } };
      assert.deepEqual([...new Set(riskLimit.result.list.map((tier) => tier.symbol))], ['BTCUSDT']);
      for (const request of requests) {
        const isPrivate = request.path.startsWith('/v5/position') || request.path.startsWith('/v5/account');
        assert.equal(request.headers['x-bapi-api-key'], isPrivate ? BYBIT_TEST_CREDENTIALS.key : undefined, request.path);
        assert.equal(request.headers['x-bapi-recv-window'], isPrivate ? '5000' : undefined, request.path);
        assert.equal(request.headers['x-bapi-timestamp'], isPrivate ? String(NOW) : undefined, request.path);
      }
    });

    test('the fetched files import: both positions, the USDT wallet', async () => {
      const snapshot = imported('bybit-linear', files(await fetchAccountFiles('bybit-linear', options({ live: true, env: BYBIT_ENV }))));
      assert.equal(position(snapshot, 'BTCUSDT-long').quantity, '0.01');
      assert.equal(position(snapshot, 'ETHUSDT-short').quantity, '0.5');
      assert.equal(snapshot.account.balance, '10000');
      assert.equal(snapshot.instruments?.BTCUSDT?.tickSize, '0.10');
    });

    test('a wrong secret gets Bybit\'s 10004 "error sign!" (HTTP 200), a problem per signed request', async () => {
      const wrong = 'wrong-bybit-secret-abcdef';
      const { fetched, requests } = await seen(() => fetchAccountFiles('bybit-linear', options({ live: true, env: keyEnv('bybit-linear', BYBIT_TEST_CREDENTIALS.key, wrong) })));
      const shown = lines(problems(fetched));
      assert.deepEqual(shown.map((line) => line.slice(0, line.indexOf(': '))), [
        `GET ${server.url}/v5/position/list?category=linear&settleCoin=USDT`, `GET ${server.url}/v5/account/info`, `GET ${server.url}/v5/account/wallet-balance?accountType=UNIFIED`,
      ]);
      for (const line of shown) {
        assert.match(line, /the venue answered \{"retCode":10004,"retMsg":"error sign! origin_string\[/);
        assert.match(line, /check STOPOUT_BYBIT_LINEAR_SECRET/);
        assert.ok(!line.includes(wrong) && !line.includes(BYBIT_TEST_CREDENTIALS.secret), line);
      }
      assert.ok(!requests.some((request) => request.path.startsWith('/v5/market')), 'no market request without positions');
    });

    test('an unknown key gets 10003, a slow clock 10002', async () => {
      const unknown = await fetchAccountFiles('bybit-linear', options({ live: true, env: keyEnv('bybit-linear', 'other-key', BYBIT_TEST_CREDENTIALS.secret) }));
      for (const line of lines(problems(unknown))) assert.match(line, /"retCode":10003,"retMsg":"API key is invalid\."/);
      const slow = await fetchAccountFiles('bybit-linear', options({ live: true, env: BYBIT_ENV, now: () => NOW - 60_000 }));
      for (const line of lines(problems(slow))) assert.match(line, /"retCode":10002,.*; this computer's clock/);
    });

    test('the server itself refuses a request without X-BAPI-API-KEY', async () => {
      const answer = await fetch(`${server.url}/v5/account/info`);
      assert.equal(answer.status, 200);
      assert.deepEqual(await answer.json(), { retCode: 10003, retMsg: 'API key is invalid.', result: {}, retExtInfo: {}, time: NOW });
    });
  });

  describe('options and the network', () => {
    test('missing key or secret: a problem naming each variable, and nothing sent', async () => {
      const { fetched, requests } = await seen(() => fetchAccountFiles('binance-usdm', options({ live: true, env: {} })));
      assert.deepEqual(problems(fetched).map((problem) => problem.field), ['STOPOUT_BINANCE_USDM_KEY', 'STOPOUT_BINANCE_USDM_SECRET']);
      assert.deepEqual(requests, []);
      const onlyKey = await fetchAccountFiles('bybit-linear', options({ live: true, env: { STOPOUT_BYBIT_LINEAR_KEY: 'k', STOPOUT_BYBIT_LINEAR_SECRET: '  ' } }));
      assert.deepEqual(lines(problems(onlyKey)), [
        'STOPOUT_BYBIT_LINEAR_SECRET: not set; bybit-linear --live signs its requests with a read-only API key: set STOPOUT_BYBIT_LINEAR_KEY to the key and STOPOUT_BYBIT_LINEAR_SECRET to its secret',
      ]);
      const coinm = await fetchAccountFiles('binance-coinm', options({ live: true, env: BINANCE_USDM_ENV }));
      assert.deepEqual(problems(coinm).map((problem) => problem.field), ['STOPOUT_BINANCE_COINM_KEY', 'STOPOUT_BINANCE_COINM_SECRET']);
    });

    test('an unreachable host: a problem per request naming the host', async () => {
      const closed = await startVenueServer();
      const url = closed.url;
      await closed.close();
      const shown = lines(problems(await fetchAccountFiles('hyperliquid', { env: {}, apiUrl: url, address: HYPERLIQUID_TEST_ADDRESS })));
      const host = new URL(url).host;
      assert.equal(shown.length, 2);
      for (const line of shown) assert.ok(line.includes(`: could not reach ${host} (ECONNREFUSED); check the network connection, or --api-url`), line);
    });

    test('a request with no answer is given up after 15 s (AbortSignal.timeout), said plainly', async () => {
      const signals: unknown[] = [];
      const timingOut: typeof fetch = (_input, init) => {
        signals.push(init?.signal);
        return Promise.reject(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
      };
      const shown = lines(problems(await fetchAccountFiles('dydx-v4', { env: {}, address: DYDX_TEST_ADDRESS, fetch: timingOut })));
      assert.ok(signals.length === 2 && signals.every((signal) => signal instanceof AbortSignal));
      assert.deepEqual(shown, [
        `GET https://indexer.dydx.trade/v4/addresses/${DYDX_TEST_ADDRESS}/subaccountNumber/0: no answer from indexer.dydx.trade within 15 s; try again later, or check --api-url`,
        'GET https://indexer.dydx.trade/v4/perpetualMarkets: no answer from indexer.dydx.trade within 15 s; try again later, or check --api-url',
      ]);
    });

    test('each venue\'s own host by default; --api-url replaces it, path prefix and trailing slash handled', async () => {
      const asked: string[] = [];
      const recording: typeof fetch = (input) => {
        asked.push(String(input));
        return Promise.resolve(new Response('{}', { status: 200 }));
      };
      await fetchAccountFiles('hyperliquid', { env: {}, address: HYPERLIQUID_TEST_ADDRESS, fetch: recording });
      await fetchAccountFiles('binance-usdm', { env: BINANCE_USDM_ENV, live: true, fetch: recording });
      await fetchAccountFiles('binance-coinm', { env: BINANCE_COINM_ENV, live: true, fetch: recording });
      await fetchAccountFiles('bybit-linear', { env: BYBIT_ENV, live: true, fetch: recording });
      assert.deepEqual([...new Set(asked.map((url) => new URL(url).origin))], [
        'https://api.hyperliquid.xyz', 'https://fapi.binance.com', 'https://dapi.binance.com', 'https://api.bybit.com',
      ]);
      asked.length = 0;
      await fetchAccountFiles('dydx-v4', { env: {}, address: DYDX_TEST_ADDRESS, apiUrl: 'https://recording.example/dydx/', fetch: recording });
      assert.deepEqual(asked, [
        `https://recording.example/dydx/v4/addresses/${DYDX_TEST_ADDRESS}/subaccountNumber/0`, 'https://recording.example/dydx/v4/perpetualMarkets',
      ]);
      assert.ok(files(await fetchAccountFiles('dydx-v4', options({ address: DYDX_TEST_ADDRESS, apiUrl: `${server.url}/` }))).length === 2);
    });

    test('a malformed --address, --subaccount or --api-url is named, and nothing is sent', async () => {
      const hyperliquid = await fetchAccountFiles('hyperliquid', { env: {}, address: '0x1234', fetch: noFetch });
      assert.deepEqual(lines(problems(hyperliquid)), ['--address: must be a Hyperliquid address, 0x and 40 hexadecimal digits; got "0x1234"']);
      const dydx = await fetchAccountFiles('dydx-v4', { env: {}, address: 'dydx1NOTANADDRESS', subaccount: -1, fetch: noFetch });
      assert.deepEqual(problems(dydx).map((problem) => problem.field), ['--address', '--subaccount']);
      const url = await fetchAccountFiles('hyperliquid', { env: {}, address: HYPERLIQUID_TEST_ADDRESS, apiUrl: 'ftp://example.test', fetch: noFetch });
      assert.deepEqual(problems(url).map((problem) => problem.field), ['--api-url']);
    });

    test('flags that do not fit the venue are named', async () => {
      const fields = async (venue: string, extra: Partial<FetchOptions>): Promise<string[]> =>
        problems(await fetchAccountFiles(venue, { env: BINANCE_USDM_ENV, fetch: noFetch, ...extra })).map((problem) => problem.field);
      assert.deepEqual(await fields('binance-usdm', {}), ['--live']);
      assert.deepEqual(await fields('binance-usdm', { live: true, address: HYPERLIQUID_TEST_ADDRESS }), ['--address']);
      assert.deepEqual(await fields('hyperliquid', { live: true }), ['--address']);
      assert.deepEqual(await fields('hyperliquid', { address: HYPERLIQUID_TEST_ADDRESS, subaccount: 1 }), ['--subaccount']);
      const mt5 = problems(await fetchAccountFiles('mt5-standard', { env: {}, live: true, fetch: noFetch }));
      assert.match(formatImportProblem(mt5[0] ?? { file: '', field: '', message: '' }), /^--live: mt5-standard cannot be fetched; give its saved files instead/);
    });

    test('a venue answer that quotes the secret back is shown with the secret hidden', async () => {
      const secret = BINANCE_TEST_CREDENTIALS.secret;
      const echoing: typeof fetch = () => Promise.resolve(new Response(JSON.stringify({ code: -1022, msg: `bad signature with ${secret}` }), { status: 400 }));
      const shown = lines(problems(await fetchAccountFiles('binance-usdm', { env: BINANCE_USDM_ENV, live: true, fetch: echoing })));
      assert.ok(shown.length > 0 && shown.every((line) => !line.includes(secret) && line.includes('bad signature with [secret]')), shown.join('\n'));
    });

    test('an answer that is not JSON, and a cursor the venue repeats, are problems', async () => {
      const html: typeof fetch = () => Promise.resolve(new Response('<html>maintenance</html>', { status: 200 }));
      assert.deepEqual(lines(problems(await fetchAccountFiles('hyperliquid', { env: {}, address: HYPERLIQUID_TEST_ADDRESS, fetch: html }))), [
        `POST https://api.hyperliquid.xyz/info {"type":"clearinghouseState","user":"${HYPERLIQUID_TEST_ADDRESS}"}: the answer is not JSON: <html>maintenance</html>`,
        'POST https://api.hyperliquid.xyz/info {"type":"metaAndAssetCtxs"}: the answer is not JSON: <html>maintenance</html>',
      ]);
      const looping: typeof fetch = () => Promise.resolve(new Response(JSON.stringify({ retCode: 0, retMsg: 'OK', result: { list: [], nextPageCursor: 'again' } }), { status: 200 }));
      const shown = lines(problems(await fetchAccountFiles('bybit-linear', { env: BYBIT_ENV, live: true, fetch: looping })));
      assert.deepEqual(shown, ['GET https://api.bybit.com/v5/position/list?category=linear&settleCoin=USDT (page 2): the venue gave the cursor "again" twice: stopped']);
    });
  });
});
