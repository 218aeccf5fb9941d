/**
 * A person's own price file: chosen from disk or pasted, in any layout the core's parsePriceFile
 * reads (Binance klines, `time,open,high,low,close`, `time,price`, CryptoDataDownload and MetaTrader
 * exports, Yahoo Finance dates; newest-first files are turned around). The core's problems with it
 * (`line 3, close: must be a positive decimal, got "abc"`) show under the file field.
 */
import { useId } from 'preact/hooks';

export interface OwnPrices {
  readonly name: string;
  readonly text: string;
}

export interface PriceFileFieldProps {
  readonly prices: OwnPrices | null;
  /** The core's problems with the file, one a line; empty when it reads. */
  readonly error: string;
  readonly onPrices: (prices: OwnPrices) => void;
}

const PASTED = 'pasted.csv';

export function PriceFileField({ prices, error, onPrices }: PriceFileFieldProps) {
  const id = useId();
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  const described = [error ? errorId : '', hintId].filter(Boolean).join(' ');
  const choose = async (input: HTMLInputElement): Promise<void> => {
    const file = input.files?.[0];
    if (file) onPrices({ name: file.name, text: await file.text() });
  };
  return (
    <fieldset class="replay-prices">
      <legend>Your price file</legend>
      <div class={`field${error ? ' invalid' : ''}`}>
        <label for={`${id}-file`}>Price file (CSV)</label>
        <input id={`${id}-file`} type="file" accept=".csv,.txt,text/csv,text/plain" aria-invalid={error ? 'true' : undefined} aria-describedby={described}
          onChange={(event) => { void choose(event.currentTarget); }} />
        <small id={hintId} class="hint">
          Binance klines, <code>time,open,high,low,close</code> bars or <code>time,price</code> ticks (ISO 8601 or epoch times), CryptoDataDownload,
          MetaTrader or Yahoo Finance exports. The position opens at the first bar's open.
          {prices ? <> Loaded: <strong>{prices.name}</strong>.</> : null}
        </small>
        {error ? <small id={errorId} class="error" role="alert">{error}</small> : null}
      </div>
      <div class={`field${error ? ' invalid' : ''}`}>
        <label for={`${id}-text`}>Or paste the CSV here</label>
        <textarea id={`${id}-text`} rows={5} spellcheck={false} value={prices?.text ?? ''} aria-invalid={error ? 'true' : undefined}
          aria-describedby={error ? errorId : undefined} placeholder={'time,open,high,low,close\n2015-01-14T00:00:00Z,1.01963,1.02395,1.01371,1.01860'}
          onInput={(event) => onPrices({ name: prices?.name && prices.name !== PASTED ? prices.name : PASTED, text: event.currentTarget.value })} />
      </div>
    </fieldset>
  );
}
