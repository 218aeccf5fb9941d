/**
 * Progress while a list is read page by page: the ProgressBar when the total is known (the ledger's
 * last event id, or its number of accounts), else how many have been read so far.
 */
import { ProgressBar } from '../../components/ProgressBar.js';

export interface LoadingProgress {
  readonly done: number;
  readonly total: number | null;
  /** Items read so far. */
  readonly events: number;
}

export function LoadingStatus({ label, progress, unit }: { readonly label: string; readonly progress: LoadingProgress; readonly unit: string }) {
  if (progress.total !== null && progress.total > 0) return <ProgressBar label={label} done={Math.min(progress.done, progress.total)} total={progress.total} />;
  return <p class="muted" role="status">{label}: {progress.events.toLocaleString('en-US')} {unit} so far…</p>;
}
