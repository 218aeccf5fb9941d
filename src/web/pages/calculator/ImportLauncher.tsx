/**
 * "Import from your venue", loaded only when asked for: the importers are a chunk of their own, so
 * the calculator's route does not load them until a person opens the panel (the bundle budget of
 * spec/web.md). Opened, the panel takes the launcher's place and the focus goes to its first field.
 */
import type { ComponentType } from 'preact';
import { useState } from 'preact/hooks';
import type { SnapshotJson } from '../../../import/index.js';

interface LauncherProps {
  readonly snapshot: unknown;
  readonly onLoad: (snapshot: SnapshotJson) => void;
}

type Panel = ComponentType<LauncherProps & { readonly focusOnOpen?: boolean }>;

let loaded: Panel | undefined;

export function ImportLauncher(props: LauncherProps) {
  const [panel, setPanel] = useState<Panel | undefined>(() => loaded);
  const [state, setState] = useState<'closed' | 'loading' | string>('closed');
  if (panel) {
    const Loaded = panel;
    return <Loaded {...props} focusOnOpen={state === 'loading'} />;
  }
  const open = (): void => {
    setState('loading');
    import('./ImportPanel.js').then((module) => {
      loaded = module.ImportPanel as Panel;
      setPanel(() => loaded);
    }, (error: unknown) => setState(error instanceof Error ? error.message : String(error)));
  };
  const failed = state !== 'closed' && state !== 'loading';
  return (
    <section class="card calc-import" aria-labelledby="calc-import-heading" aria-busy={state === 'loading' ? 'true' : undefined}>
      <h2 id="calc-import-heading">Import from your venue</h2>
      <p class="muted calc-note">
        Paste what your venue's API returned (Binance, Bybit, Hyperliquid, dYdX, MetaTrader 5, or ccxt objects) and see the
        account, with each figure the venue reported beside ours.
      </p>
      {failed ? <p class="banner danger" role="alert">The import could not be loaded: {state}. Try again.</p> : null}
      <div class="actions">
        <button type="button" onClick={open} disabled={state === 'loading'}>
          {state === 'loading' ? 'Opening the import…' : 'Import an account from its API responses'}
        </button>
      </div>
    </section>
  );
}
