/** Long work shows its progress: a native progress element with a label and a figure. */
export function ProgressBar({ label, done, total }: { readonly label: string; readonly done: number; readonly total: number }) {
  const share = total > 0 ? Math.min(1, done / total) : 0;
  return (
    <div class="progress" role="status" aria-live="polite">
      <label>
        <span>{label}: {done.toLocaleString('en-US')} of {total.toLocaleString('en-US')} ({Math.floor(share * 100)} %)</span>
        <progress max={total} value={done} />
      </label>
    </div>
  );
}
