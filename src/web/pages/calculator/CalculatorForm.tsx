/**
 * The calculator's form over the snapshot JSON (report.md): the account, the positions, their marks,
 * their funding or financing rates, the shocks, the instruments the venue does not have built in
 * (JSON), and a box to paste a whole snapshot. Every edit hands back a whole new snapshot; what the form does not model stays in it.
 * A position's stop-loss and take-profit follow it when its id changes.
 */
import { AccountFields } from './AccountFields.js';
import type { Order, OrderKey, Orders } from './calculator-state.js';
import { HoldingFields } from './HoldingFields.js';
import { JsonField } from './JsonField.js';
import { MarksFields } from './MarksFields.js';
import { PositionsFields } from './PositionsFields.js';
import { fieldError, type PlacedProblems } from './problem-fields.js';
import { ShocksFields } from './ShocksFields.js';
import { SnapshotLoader } from './SnapshotLoader.js';
import {
  addPosition, asList, asRecord, positionId, removePosition, setInstruments, setPositionField, type JsonRecord, type PositionKey,
} from './snapshot-edit.js';

export interface CalculatorFormProps {
  readonly snapshot: unknown;
  readonly orders: Orders;
  readonly problems: PlacedProblems;
  readonly orderErrors: ReadonlyMap<string, Readonly<Partial<Record<OrderKey, string>>>>;
  readonly onChange: (snapshot: unknown, orders: Orders) => void;
  readonly onLoad: (snapshot: unknown) => void;
}

/** The orders with `from`'s entry moved to `to`, unless another position still has the id `from`. */
function moveOrder(orders: Orders, from: string, to: string, stillUsed: boolean): Orders {
  const order = orders[from];
  if (!order || stillUsed || from === to) return orders;
  const rest = Object.fromEntries(Object.entries(orders).filter(([id]) => id !== from));
  return { ...rest, [to]: order };
}

export function CalculatorForm({ snapshot, orders, problems, orderErrors, onChange, onLoad }: CalculatorFormProps) {
  const edit = (next: JsonRecord): void => onChange(next, orders);
  const editPosition = (index: number, key: PositionKey, text: string): void => {
    const next = setPositionField(snapshot, index, key, text);
    if (key !== 'id') {
      edit(next);
      return;
    }
    const before = positionId(asList(asRecord(snapshot).positions)[index], index);
    const after = positionId(asList(next.positions)[index], index);
    const stillUsed = asList(next.positions).some((position, at) => positionId(position, at) === before);
    onChange(next, moveOrder(orders, before, after, stillUsed));
  };
  const editOrder = (id: string, key: OrderKey, text: string): void => {
    const order: Order = { ...orders[id], [key]: text };
    onChange(snapshot, { ...orders, [id]: order });
  };
  const submit = (event: Event): void => event.preventDefault();
  return (
    <form class="calc-form" onSubmit={submit} aria-label="The account">
      <h3>Venue and account</h3>
      <AccountFields snapshot={snapshot} problems={problems} onSnapshot={edit} />
      <h3>Positions</h3>
      <PositionsFields snapshot={snapshot} problems={problems} orders={orders} orderErrors={orderErrors}
        onField={editPosition} onOrder={editOrder} onAdd={() => edit(addPosition(snapshot))}
        onRemove={(index) => edit(removePosition(snapshot, index))} />
      <h3>Marks</h3>
      <MarksFields snapshot={snapshot} problems={problems} onSnapshot={edit} />
      <h3>Holding costs</h3>
      <HoldingFields snapshot={snapshot} problems={problems} onSnapshot={edit} />
      <h3>Shocks</h3>
      <ShocksFields snapshot={snapshot} problems={problems} onSnapshot={edit} />
      <h3>Instruments</h3>
      <JsonField label="Instruments (JSON)" value={asRecord(snapshot).instruments} rows={6}
        hint={<>Specs for instruments the venue does not have built in, or overrides: <code>{'{"EURUSD": {"kind": "cfd", "assetClass": "fx-major", "contractSize": "1"}}'}</code>. Blank: none.</>}
        onValue={(value) => edit(setInstruments(snapshot, value))} error={fieldError(problems, 'instruments')} />
      <h3>Load a snapshot</h3>
      <SnapshotLoader onLoad={onLoad} />
    </form>
  );
}
