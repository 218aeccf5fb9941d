/**
 * One position of the form, as a fieldset named "Position N" so a keyboard or screen-reader user
 * knows which one they edit: id, instrument, side, quantity, entry price, leverage (blank: the
 * venue's default), isolated margin (blank: cross), and the stop-loss and take-profit that only the
 * chart draws (they are not part of the snapshot). A problem with the position as a whole, such as
 * a field the form does not model, shows at the top.
 */
import { SelectField, TextField } from '../../components/Field.js';
import type { Order, OrderKey } from './calculator-state.js';
import { childPath, fieldError, type PlacedProblems } from './problem-fields.js';
import { asRecord, fieldText, type PositionKey } from './snapshot-edit.js';

export interface PositionFieldsetProps {
  readonly index: number;
  readonly position: unknown;
  /** The id the core gives it (its own, or `position-N`). */
  readonly id: string;
  readonly problems: PlacedProblems;
  readonly order: Order;
  /** The core's message for a stop-loss or take-profit it cannot price. */
  readonly orderErrors: Readonly<Partial<Record<OrderKey, string>>>;
  readonly onField: (key: PositionKey, text: string) => void;
  readonly onOrder: (key: OrderKey, text: string) => void;
  readonly onRemove: () => void;
}

function sideOptions(side: string): [string, string][] {
  const known: [string, string][] = [['long', 'long (buy)'], ['short', 'short (sell)']];
  return known.some(([value]) => value === side) ? known : [[side, side === '' ? '(no side)' : `${side} (not a side)`], ...known];
}

export function PositionFieldset({ index, position, id, problems, order, orderErrors, onField, onOrder, onRemove }: PositionFieldsetProps) {
  const record = asRecord(position);
  const path = childPath('positions', index);
  const error = (key: PositionKey): string | undefined => fieldError(problems, childPath(path, key));
  const whole = fieldError(problems, path);
  const text = (key: PositionKey): string => fieldText(record[key]);
  return (
    <fieldset class="calc-position" data-position={index}>
      <legend>Position {index + 1} <span class="muted">({id})</span></legend>
      {whole ? <p class="calc-error" role="alert">{whole}</p> : null}
      <div class="row">
        <TextField label="Id" value={text('id')} autoComplete="off" onValue={(value) => onField('id', value)} error={error('id')} />
        <TextField label="Instrument" value={text('instrument')} autoComplete="off" onValue={(value) => onField('instrument', value)}
          error={error('instrument')} />
        <SelectField label="Side" value={text('side')} options={sideOptions(text('side'))} onValue={(value) => onField('side', value)}
          error={error('side')} />
      </div>
      <div class="row">
        <TextField label="Quantity" value={text('quantity')} inputMode="decimal" autoComplete="off"
          onValue={(value) => onField('quantity', value)} error={error('quantity')} />
        <TextField label="Entry price" value={text('entryPrice')} inputMode="decimal" autoComplete="off"
          onValue={(value) => onField('entryPrice', value)} error={error('entryPrice')} />
        <TextField label="Leverage" value={text('leverage')} inputMode="decimal" autoComplete="off" hint="Blank: the venue's"
          onValue={(value) => onField('leverage', value)} error={error('leverage')} />
        <TextField label="Isolated margin" value={text('isolatedMargin')} inputMode="decimal" autoComplete="off" hint="Blank: cross margin"
          onValue={(value) => onField('isolatedMargin', value)} error={error('isolatedMargin')} />
      </div>
      <div class="row">
        <TextField label="Stop-loss" value={order.stopLoss ?? ''} inputMode="decimal" autoComplete="off" hint="Drawn on the chart only"
          onValue={(value) => onOrder('stopLoss', value)} error={orderErrors.stopLoss} />
        <TextField label="Take-profit" value={order.takeProfit ?? ''} inputMode="decimal" autoComplete="off" hint="Drawn on the chart only"
          onValue={(value) => onOrder('takeProfit', value)} error={orderErrors.takeProfit} />
      </div>
      <div class="actions">
        <button type="button" onClick={onRemove}>Remove position {index + 1}</button>
      </div>
    </fieldset>
  );
}
