/**
 * The positions of the form: one fieldset each, a button to add one (a copy of the last, under a
 * fresh id) and one per position to remove it. Focus follows: to the new position's first field
 * after adding, to the add button after removing. The instruments the position can name are the
 * venue's own and those of the snapshot's `instruments`.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { BUILT_IN_VENUES } from '../../../core/index.js';
import type { OrderKey, Orders } from './calculator-state.js';
import { PositionFieldset } from './PositionFieldset.js';
import { fieldError, type PlacedProblems } from './problem-fields.js';
import { asList, asRecord, isRecord, positionId, type PositionKey } from './snapshot-edit.js';

/** The symbols a position can name: the venue's built-in instruments, then the snapshot's own. */
function knownInstruments(snapshot: unknown): string[] {
  const record = asRecord(snapshot);
  const venueId = isRecord(record.venue) ? record.venue.extends : record.venue;
  const venue = typeof venueId === 'string' && Object.hasOwn(BUILT_IN_VENUES, venueId) ? BUILT_IN_VENUES[venueId] : undefined;
  return [...new Set([...Object.keys(venue?.instruments ?? {}), ...Object.keys(asRecord(record.instruments))])];
}

export interface PositionsFieldsProps {
  readonly snapshot: unknown;
  readonly problems: PlacedProblems;
  readonly orders: Orders;
  readonly orderErrors: ReadonlyMap<string, Readonly<Partial<Record<OrderKey, string>>>>;
  readonly onField: (index: number, key: PositionKey, text: string) => void;
  readonly onOrder: (id: string, key: OrderKey, text: string) => void;
  readonly onAdd: () => void;
  readonly onRemove: (index: number) => void;
}

type Focus = { readonly position: number } | 'add' | null;

export function PositionsFields({ snapshot, problems, orders, orderErrors, onField, onOrder, onAdd, onRemove }: PositionsFieldsProps) {
  const positions = asList(asRecord(snapshot).positions);
  const list = useRef<HTMLDivElement>(null);
  const addButton = useRef<HTMLButtonElement>(null);
  const [focus, setFocus] = useState<Focus>(null);
  useEffect(() => {
    if (focus === null) return;
    const target = focus === 'add' ? addButton.current : list.current?.querySelector<HTMLElement>(`[data-position="${focus.position}"] input`);
    if (!target) return;
    target.focus();
    setFocus(null);
  }, [focus, positions.length]);
  const known = knownInstruments(snapshot);
  const sectionError = fieldError(problems, 'positions');
  return (
    <div ref={list}>
      <p class="muted calc-note">
        {known.length ? <>Instruments here: {known.join(', ')}. </> : null}Define others under Instruments (JSON) below.
      </p>
      {sectionError ? <p class="calc-error" role="alert">{sectionError}</p> : null}
      {positions.length === 0 ? <p class="muted">No positions: the report shows the balance alone.</p> : null}
      {positions.map((position, index) => {
        const id = positionId(position, index);
        return (
          <PositionFieldset key={index} index={index} position={position} id={id} problems={problems} order={orders[id] ?? {}}
            orderErrors={orderErrors.get(id) ?? {}}
            onField={(key, text) => onField(index, key, text)} onOrder={(key, text) => onOrder(id, key, text)}
            onRemove={() => { onRemove(index); setFocus('add'); }} />
        );
      })}
      <div class="actions">
        <button type="button" ref={addButton} onClick={() => { onAdd(); setFocus({ position: positions.length }); }}>Add a position</button>
      </div>
    </div>
  );
}
