/**
 * The crashes the replay page ships: what happened, where the bars come from (the history
 * README's source and licence for each file), and preset accounts taken from examples/*.json.
 *
 * The bars themselves are `<id>.csv` beside this file, cut by scripts/extract-crash-bars.mjs. Each
 * window starts at the bar the examples open on, so a preset replayed here opens exactly as its
 * example does (same venue, deposit, position, stop, mark and time); only the window may run longer.
 * Plain data with no browser import, so the tests read it too.
 */

/** A venue as a snapshot names it: a built-in id, or a JSON object that `extends` one. */
export type VenueChoice = string | Readonly<Record<string, unknown>>;

export interface CrashPreset {
  /** What the preset shows, for the preset picker. */
  readonly label: string;
  /** The examples/ scenario it is taken from. */
  readonly example: string;
  readonly venue: VenueChoice;
  readonly currency: string;
  readonly balance: string;
  /** The venue's name for the market these bars price (Hyperliquid calls BTCUSDT's market BTC). */
  readonly instrument: string;
  readonly positionId: string;
  readonly side: 'long' | 'short';
  readonly quantity: string;
  readonly leverage?: string;
  /** Present = an isolated position with this margin; absent = cross margin. */
  readonly isolatedMargin?: string;
  readonly stopLoss?: string;
}

export interface CrashSource {
  /** Who printed the prices. */
  readonly provider: string;
  /** The file in the history data the bars are cut from. */
  readonly file: string;
  /** Where that file came from: repository, path and commit. */
  readonly origin: string;
  readonly licence: string;
}

export interface Crash {
  readonly id: string;
  readonly title: string;
  /** The market the bars price, as the file names it. */
  readonly instrument: string;
  /** `1 day`, or `5 minutes` (1-minute bars merged five at a time by scripts/extract-crash-bars.mjs). */
  readonly resolution: string;
  readonly source: CrashSource;
  /** What happened, in two sentences. */
  readonly summary: string;
  readonly presets: readonly CrashPreset[];
}

const MT5_FX = {
  provider: 'an unnamed MetaTrader 5 broker (its server day), exported by the source project',
  origin: 'RapDoodle/Quantum-Finance-Forecast-System-DBNANNGA, commit 7187338',
  licence: 'GPLv3 (the source repository\'s licence)',
};

const BINANCE_1M = {
  provider: 'Binance, very likely the USD-M (USDT-margined) perpetual (1-minute klines, UTC, merged here into 5-minute bars)',
  file: 'BTCUSDT_1m_crash_windows.csv',
  origin: 'owlacar-dotcom/isda, files BTCUSDT-1m-2020-03.csv and BTCUSDT-1m-2021-05.csv',
  licence: 'none stated by the source; Binance\'s own terms may apply',
};

const BINANCE_FEE = { extends: 'binance-usdm', liquidationFeeRate: '0.003' };

const usdchf = (label: string, example: string, venue: string, balance: string, leverage: string, stopLoss?: string): CrashPreset => ({
  label, example, venue, currency: 'CHF', balance, instrument: 'USDCHF', positionId: 'usdchf', side: 'long', quantity: '100000', leverage,
  ...(stopLoss ? { stopLoss } : {}),
});

const gbpusd = (label: string, example: string, venue: string, leverage: string, stopLoss?: string): CrashPreset => ({
  label, example, venue, currency: 'USD', balance: '6000', instrument: 'GBPUSD', positionId: 'gbpusd', side: 'long', quantity: '100000', leverage,
  ...(stopLoss ? { stopLoss } : {}),
});

/** Long 1 BTC with a 10 000 wallet, as every bitcoin example is. */
const bitcoin = (label: string, example: string, venue: VenueChoice, leverage: string, isolatedMargin?: string): CrashPreset => {
  const hyperliquid = venue === 'hyperliquid';
  return {
    label, example, venue, currency: hyperliquid ? 'USDC' : 'USDT', balance: '10000', instrument: hyperliquid ? 'BTC' : 'BTCUSDT',
    positionId: 'btc', side: 'long', quantity: '1', leverage, ...(isolatedMargin ? { isolatedMargin } : {}),
  };
};

export const CRASHES: readonly Crash[] = [
  {
    id: 'chf-2015',
    title: 'The Swiss franc unpegs, 15 January 2015',
    instrument: 'USDCHF',
    resolution: '1 day',
    source: { ...MT5_FX, file: 'USDCHF_DAILY.csv' },
    summary: 'The Swiss National Bank dropped its floor of 1.20 francs per euro without warning, and the franc soared within minutes. '
      + 'Almost nothing traded on the way: this broker\'s USD/CHF went from 1.01827 to 0.83429 in one print, through every stop and stop-out level.',
    presets: [
      usdchf('MT5 broker, 100:1, 10 000 CHF', 'chf-2015-mt5-100x.json', 'mt5-standard', '10000', '100'),
      usdchf('MT5 broker, 100:1, stop-loss at 0.99000', 'chf-2015-mt5-100x-stop.json', 'mt5-standard', '10000', '100', '0.99000'),
      usdchf('MT5 broker, 500:1, 2 000 CHF', 'chf-2015-mt5-500x.json', 'mt5-standard', '2000', '500'),
      usdchf('EU retail CFD (ESMA), 30:1', 'chf-2015-esma-30x.json', 'esma-retail-cfd', '10000', '30'),
      usdchf('EU retail CFD (ESMA), 30:1, stop-loss at 0.99000', 'chf-2015-esma-30x-stop.json', 'esma-retail-cfd', '10000', '30', '0.99000'),
    ],
  },
  {
    id: 'gbp-2016',
    title: 'Sterling\'s flash crash, 7 October 2016',
    instrument: 'GBPUSD',
    resolution: '1 day',
    source: { ...MT5_FX, file: 'GBPUSD_DAILY.csv' },
    summary: 'Sterling slid all week on fears of a hard Brexit, then fell about 9 % in this broker\'s prices within minutes of thin Asian trading on 7 October. '
      + 'It recovered most of the fall the same day, too late for the positions the low had closed.',
    presets: [
      gbpusd('MT5 broker, 100:1', 'gbp-2016-mt5-100x.json', 'mt5-standard', '100'),
      gbpusd('MT5 broker, 100:1, stop-loss at 1.25000', 'gbp-2016-mt5-100x-stop.json', 'mt5-standard', '100', '1.25000'),
      gbpusd('EU retail CFD (ESMA), 30:1', 'gbp-2016-esma-30x.json', 'esma-retail-cfd', '30'),
      gbpusd('EU retail CFD (ESMA), 30:1, stop-loss at 1.25000', 'gbp-2016-esma-30x-stop.json', 'esma-retail-cfd', '30', '1.25000'),
    ],
  },
  {
    id: 'btc-2020-03',
    title: 'Bitcoin halves, 12–13 March 2020 (daily bars)',
    instrument: 'BTCUSDT',
    resolution: '1 day',
    source: {
      provider: 'Binance spot BTC/USDT, daily (UTC), a CryptoDataDownload export',
      file: 'Binance_BTCUSDT_d.csv',
      origin: 'alxmzr/Bitcoin-Historical-Dataset, commit 296eba0',
      licence: 'none stated by the source; CryptoDataDownload\'s and Binance\'s own terms may apply',
    },
    summary: 'As markets panicked over Covid-19, bitcoin fell from about 7 900 to 4 410 USDT on 12 March and to 3 782 on the 13th, setting off a cascade of liquidations. '
      + 'With daily bars every liquidation fills at the day\'s low, so the losses shown here are worst cases.',
    presets: [
      bitcoin('Binance, cross margin, 10x', 'btc-2020-03-12-binance-cross-10x.json', BINANCE_FEE, '10'),
      bitcoin('Binance, isolated, 10x', 'btc-2020-03-12-binance-isolated-10x.json', BINANCE_FEE, '10', '789.46'),
      bitcoin('Binance, isolated, 20x', 'btc-2020-03-12-binance-isolated-20x.json', BINANCE_FEE, '20', '394.73'),
      bitcoin('Binance, isolated, 50x', 'btc-2020-03-12-binance-isolated-50x.json', BINANCE_FEE, '50', '157.90'),
      bitcoin('Bybit, isolated, 50x', 'btc-2020-03-12-bybit-isolated-50x.json', 'bybit-linear', '50', '157.90'),
      bitcoin('Hyperliquid, isolated, 40x', 'btc-2020-03-12-hyperliquid-isolated-40x.json', 'hyperliquid', '40', '197.37'),
    ],
  },
  {
    id: 'btc-2020-03-13',
    title: 'Bitcoin\'s overnight flush, 13 March 2020 (5-minute bars)',
    instrument: 'BTCUSDT',
    resolution: '5 minutes',
    source: BINANCE_1M,
    summary: 'In the night after the 12 March crash the futures price fell from about 4 560 to 3 621.81 at 02:16 UTC, then rebounded to about 5 250 by 03:25. '
      + 'The same 10x position is liquidated at all three venues in the 01:53 bar; the 1-minute bars of examples/ separate them by a minute or two, in the order of each venue\'s maintenance rule.',
    presets: [
      bitcoin('Binance, isolated, 10x', 'btc-2020-03-13-binance-isolated-10x.json', BINANCE_FEE, '10', '456.27'),
      bitcoin('Bybit, isolated, 10x', 'btc-2020-03-13-bybit-isolated-10x.json', 'bybit-linear', '10', '456.27'),
      bitcoin('Hyperliquid, isolated, 10x', 'btc-2020-03-13-hyperliquid-isolated-10x.json', 'hyperliquid', '10', '456.27'),
    ],
  },
  {
    id: 'btc-2021-05-19',
    title: 'Bitcoin\'s crash of 19 May 2021 (5-minute bars)',
    instrument: 'BTCUSDT',
    resolution: '5 minutes',
    source: BINANCE_1M,
    summary: 'After Chinese banking bodies warned against crypto, bitcoin futures fell from about 39 200 to 28 688 at 13:10 UTC and were back near 36 600 two hours later. '
      + 'The higher the leverage, the earlier the liquidation; the cross account lasted longest, then lost its whole wallet in the five minutes of the bottom.',
    presets: [
      bitcoin('Binance, cross margin, 10x', 'btc-2021-05-19-binance-cross-10x.json', BINANCE_FEE, '10'),
      bitcoin('Binance, isolated, 10x', 'btc-2021-05-19-binance-isolated-10x.json', BINANCE_FEE, '10', '3920.93'),
      bitcoin('Binance, isolated, 20x', 'btc-2021-05-19-binance-isolated-20x.json', BINANCE_FEE, '20', '1960.47'),
      bitcoin('Binance, isolated, 50x', 'btc-2021-05-19-binance-isolated-50x.json', BINANCE_FEE, '50', '784.19'),
      bitcoin('Bybit, isolated, 50x', 'btc-2021-05-19-bybit-isolated-50x.json', 'bybit-linear', '50', '784.19'),
      bitcoin('Hyperliquid, isolated, 40x', 'btc-2021-05-19-hyperliquid-isolated-40x.json', 'hyperliquid', '40', '980.24'),
    ],
  },
];

export function crashById(id: string): Crash | undefined {
  return CRASHES.find((crash) => crash.id === id);
}

/** The file name a scenario gives for a crash's bars (`prices.file`): its CSV, beside the scenario. */
export function crashFileName(id: string): string {
  return `${id}.csv`;
}
