/**
 * Share and export: the link to this account (the snapshot in the URL, spec/web.md), copied with
 * the clipboard API or shown to copy by hand where the browser refuses; the snapshot as a JSON
 * file; the report as CSV (report-csv.ts); and the command that computes the same report.
 */
import { useState } from 'preact/hooks';
import type { ReportJson } from '../../../core/index.js';
import { calculatorHash, type Orders } from './calculator-state.js';
import { reportCsv } from './report-csv.js';
import { FILE_COMMAND, pipeCommand } from './shell-command.js';

/** Saves `text` as a file named `name` through a temporary link to a blob. */
function download(name: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export interface SharePanelProps {
  readonly snapshot: unknown;
  readonly orders: Orders;
  readonly report: ReportJson | null;
}

export function SharePanel({ snapshot, orders, report }: SharePanelProps) {
  const [status, setStatus] = useState('');
  const link = `${location.href.split('#')[0]}${calculatorHash(snapshot, orders)}`;
  const copy = (): void => {
    const fallback = 'This browser would not copy it: select the link above and copy it by hand.';
    if (!navigator.clipboard) {
      setStatus(fallback);
      return;
    }
    navigator.clipboard.writeText(link).then(() => setStatus('Link copied.'), () => setStatus(fallback));
  };
  const json = JSON.stringify(snapshot, null, 2);
  return (
    <section class="card calc-share" aria-labelledby="calc-share-heading">
      <h2 id="calc-share-heading">Share and export</h2>
      <div class="field">
        <label for="calc-share-link">Link to this account</label>
        <input id="calc-share-link" type="text" readOnly value={link} onFocus={(event) => event.currentTarget.select()} />
      </div>
      <div class="actions">
        <button type="button" onClick={copy}>Copy the link</button>
        <button type="button" onClick={() => download('snapshot.json', `${json}\n`, 'application/json')}>Download the snapshot (JSON)</button>
        <button type="button" disabled={!report} onClick={() => report && download('report.csv', reportCsv(report), 'text/csv')}>
          Download the report (CSV)
        </button>
      </div>
      <p role="status" class="calc-note">{status}</p>
      <h3>The same report on the command line</h3>
      <p>Save the snapshot as <code>snapshot.json</code> and run:</p>
      <pre><code>{FILE_COMMAND}</code></pre>
      <details>
        <summary>snapshot.json</summary>
        <pre tabIndex={0} role="region" aria-label="snapshot.json"><code>{json}</code></pre>
      </details>
      <p>Or in one line:</p>
      <pre tabIndex={0} role="region" aria-label="The command in one line"><code>{pipeCommand(snapshot)}</code></pre>
    </section>
  );
}
