/** A labelled checkbox (the shared Field components have none): the box inside its label, 44 px tall. */
import type { ComponentChildren } from 'preact';

export function Checkbox({ label, checked, onChecked }: { readonly label: ComponentChildren; readonly checked: boolean; readonly onChecked: (checked: boolean) => void }) {
  return (
    <label class="sim-checkbox">
      <input type="checkbox" checked={checked} onChange={(event) => onChecked((event.currentTarget as HTMLInputElement).checked)} />
      <span>{label}</span>
    </label>
  );
}
