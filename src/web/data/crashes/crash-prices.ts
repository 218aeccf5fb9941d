/**
 * The crash bars as the text of their CSV files (`time,open,high,low,close`, cut by
 * scripts/extract-crash-bars.mjs), bundled into the page with Vite's `?raw`; the page reads them
 * with the core's parsePriceFile, the same reader as `stopout replay`.
 */
import chf2015 from './chf-2015.csv?raw';
import gbp2016 from './gbp-2016.csv?raw';
import btc202003 from './btc-2020-03.csv?raw';
import btc20200313 from './btc-2020-03-13.csv?raw';
import btc20210519 from './btc-2021-05-19.csv?raw';

/** Crash id (crashes.ts) -> its price file's text. */
export const CRASH_PRICES: Readonly<Record<string, string>> = {
  'chf-2015': chf2015,
  'gbp-2016': gbp2016,
  'btc-2020-03': btc202003,
  'btc-2020-03-13': btc20200313,
  'btc-2021-05-19': btc20210519,
};

