/**
 * The scenario the page ran, to run again with `stopout replay`: its JSON (the same document the
 * URL's `s` holds), as a download beside the crash's price file, with the command that replays it.
 */
export interface RunItYourselfProps {
  readonly scenarioJson: string;
  readonly fileName: string;
  /** The crash's CSV, to download beside the scenario; absent for a person's own file. */
  readonly priceText?: string | undefined;
}

const dataUrl = (type: string, text: string): string => `data:${type};charset=utf-8,${encodeURIComponent(text)}`;

export function RunItYourself({ scenarioJson, fileName, priceText }: RunItYourselfProps) {
  return (
    <>
      <p>
        The same figures come out of the command line: save the scenario{priceText ? ' and its price file' : ''} in one folder
        {priceText ? '' : <> with your file named <code>{fileName}</code></>}, then run
        {' '}<code>npx stopout replay scenario.json --format table</code> (or <code>--summary</code> for the totals as JSON).
      </p>
      <div class="actions">
        <a class="button" href={dataUrl('application/json', `${scenarioJson}\n`)} download="scenario.json">Download scenario.json</a>
        {priceText ? <a class="button" href={dataUrl('text/csv', priceText)} download={fileName}>Download {fileName}</a> : null}
      </div>
      <details>
        <summary>The scenario as JSON</summary>
        <pre id="replay-scenario">{scenarioJson}</pre>
      </details>
    </>
  );
}
