/**
 * The price file of a bootstrap or replay model, picked by the user and read in the page (the core's
 * `parsePriceFile`, every layout `stopout replay` reads). The file is not in the link: a link
 * carries the input JSON only, so whoever opens it picks the file again.
 */
import { useId } from 'preact/hooks';

export interface PickedFile {
  readonly name: string;
  readonly text: string;
}

export interface PriceFileFieldProps {
  readonly picked: PickedFile | undefined;
  /** The model's "file" as the input names it. */
  readonly named: string;
  readonly error: string | undefined;
  readonly onFile: (file: PickedFile) => void;
}

export function PriceFileField({ picked, named, error, onFile }: PriceFileFieldProps) {
  const id = useId();
  const described = `${id}-hint${error ? ` ${id}-error` : ''}`;
  return (
    <div class={`field${error ? ' invalid' : ''}`}>
      <label for={id}>Price file (CSV: time and open, high, low, close; or time and price)</label>
      <input id={id} type="file" accept=".csv,.txt,text/csv,text/plain" aria-invalid={error ? 'true' : undefined} aria-describedby={described}
        onChange={(event) => {
          const file = (event.currentTarget as HTMLInputElement).files?.[0];
          if (file) void file.text().then((text) => onFile({ name: file.name, text }));
        }} />
      <small id={`${id}-hint`} class="hint">
        {picked ? `Read in this page: ${picked.name}. ` : named ? `The input names ${named}; pick it here. ` : ''}
        The file is not part of the link: whoever opens the link picks it again.
      </small>
      {error ? <small id={`${id}-error`} class="error" role="alert">{error}</small> : null}
    </div>
  );
}
