/**
 * The shocks: instantaneous relative moves of every mark (report.md `shocks`; `-0.015` is a 1.5 %
 * gap down), one field each, with buttons to add one (a copy of the last, to edit) and remove one.
 * Focus goes to the new field after adding, and to the add button after removing.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { TextField } from '../../components/Field.js';
import { childPath, fieldError, type SnapshotSectionProps } from './problem-fields.js';
import { addShock, asList, asRecord, fieldText, removeShock, setShock } from './snapshot-edit.js';

type Focus = { readonly shock: number } | 'add' | null;

export function ShocksFields({ snapshot, problems, onSnapshot }: SnapshotSectionProps) {
  const shocks = asList(asRecord(snapshot).shocks);
  const list = useRef<HTMLDivElement>(null);
  const addButton = useRef<HTMLButtonElement>(null);
  const [focus, setFocus] = useState<Focus>(null);
  useEffect(() => {
    if (focus === null) return;
    const target = focus === 'add' ? addButton.current : list.current?.querySelector<HTMLElement>(`[data-shock="${focus.shock}"] input`);
    if (!target) return;
    target.focus();
    setFocus(null);
  }, [focus, shocks.length]);
  const sectionError = fieldError(problems, 'shocks');
  return (
    <div ref={list}>
      {sectionError ? <p class="calc-error" role="alert">{sectionError}</p> : null}
      {shocks.length === 0 ? <p class="muted">No shocks: add one to see what a gap does.</p> : null}
      {shocks.map((shock, index) => (
        <div class="row calc-shock" key={index} data-shock={index}>
          <TextField label={`Shock ${index + 1} (relative move)`} value={fieldText(shock)} autoComplete="off" hint="-0.015 is a 1.5 % gap down"
            onValue={(text) => onSnapshot(setShock(snapshot, index, text))} error={fieldError(problems, childPath('shocks', index))} />
          <button type="button" class="calc-remove" onClick={() => { onSnapshot(removeShock(snapshot, index)); setFocus('add'); }}>
            Remove shock {index + 1}
          </button>
        </div>
      ))}
      <div class="actions">
        <button type="button" ref={addButton} onClick={() => { onSnapshot(addShock(snapshot)); setFocus({ shock: shocks.length }); }}>
          Add a shock
        </button>
      </div>
    </div>
  );
}
