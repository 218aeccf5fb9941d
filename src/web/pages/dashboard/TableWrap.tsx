/**
 * A table that may scroll sideways inside its box (styles.css `.table-wrap`, so a phone's page never
 * does): the box is a labelled region that takes the keyboard's focus, so it scrolls with the arrow
 * keys too.
 */
import type { ComponentChildren } from 'preact';

export function TableWrap({ label, children }: { readonly label: string; readonly children: ComponentChildren }) {
  return <div class="table-wrap" role="region" aria-label={label} tabIndex={0}>{children}</div>;
}
