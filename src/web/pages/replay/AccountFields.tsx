/**
 * The account a replay runs: venue (a built-in one, or JSON that extends one), currency, deposit,
 * and the one position it opens at the first bar (instrument, side, quantity, leverage, isolated
 * margin) with an optional stop-loss. Each field shows the core's problem with it underneath.
 */
import { BUILT_IN_VENUES } from '../../../core/index.js';
import { SelectField, TextAreaField, TextField } from '../../components/Field.js';
import { CUSTOM_VENUE, type AccountForm, type FieldName } from './replay-form.js';

export interface AccountFieldsProps {
  readonly form: AccountForm;
  readonly errors: Readonly<Partial<Record<FieldName, string>>>;
  readonly onChange: (form: AccountForm) => void;
}

const VENUE_OPTIONS: readonly (readonly [string, string])[] = [
  ...Object.values(BUILT_IN_VENUES).map((venue) => [venue.id, `${venue.id}: ${venue.name}`] as const),
  [CUSTOM_VENUE, 'Custom: a venue as JSON'],
];

/** The instruments a venue id knows, for the hint under the instrument field. */
function knownInstruments(form: AccountForm): string {
  let id = form.venue;
  if (id === CUSTOM_VENUE) {
    const match = /"extends"\s*:\s*"([^"]+)"/.exec(form.venueJson);
    id = match?.[1] ?? '';
  }
  const venue = Object.hasOwn(BUILT_IN_VENUES, id) ? BUILT_IN_VENUES[id] : undefined;
  return venue ? Object.keys(venue.instruments).join(', ') : '';
}

export function AccountFields({ form, errors, onChange }: AccountFieldsProps) {
  const set = (key: keyof AccountForm) => (value: string): void => onChange({ ...form, [key]: value });
  const chooseVenue = (venue: string): void => {
    const venueJson = venue === CUSTOM_VENUE && !form.venueJson ? JSON.stringify({ extends: form.venue }) : form.venueJson;
    onChange({ ...form, venue, venueJson });
  };
  const instruments = knownInstruments(form);
  return (
    <fieldset class="replay-account">
      <legend>The account</legend>
      <div class="row">
        <SelectField label="Venue" value={form.venue} options={VENUE_OPTIONS} onValue={chooseVenue}
          error={form.venue === CUSTOM_VENUE ? undefined : errors.venue} class="wide" />
      </div>
      {form.venue === CUSTOM_VENUE ? (
        <TextAreaField label="Venue as JSON" value={form.venueJson} onValue={set('venueJson')} rows={3} error={errors.venue}
          hint={<>A built-in venue and the fields it overrides, for example <code>{'{"extends": "binance-usdm", "liquidationFeeRate": "0.003"}'}</code>.</>} />
      ) : null}
      <div class="row">
        <TextField label="Account currency" value={form.currency} onValue={set('currency')} error={errors.currency} autoComplete="off" />
        <TextField label="Deposit (balance)" value={form.balance} onValue={set('balance')} error={errors.balance} inputMode="decimal" autoComplete="off" />
      </div>
      <div class="row">
        <TextField label="Instrument" value={form.instrument} onValue={set('instrument')} error={errors.instrument} autoComplete="off"
          hint={instruments ? `This venue knows ${instruments}.` : undefined} />
        <SelectField label="Side" value={form.side} options={[['long', 'Long'], ['short', 'Short']]}
          onValue={(side) => onChange({ ...form, side: side === 'short' ? 'short' : 'long' })} error={errors.side} />
        <TextField label="Quantity" value={form.quantity} onValue={set('quantity')} error={errors.quantity} inputMode="decimal" autoComplete="off" />
      </div>
      <div class="row">
        <TextField label="Leverage" value={form.leverage} onValue={set('leverage')} error={errors.leverage} inputMode="decimal" autoComplete="off"
          hint="Empty: the venue's own margin rate." />
        <TextField label="Isolated margin" value={form.isolatedMargin} onValue={set('isolatedMargin')} error={errors.isolatedMargin} inputMode="decimal"
          autoComplete="off" hint="Empty: cross margin (the whole balance backs the position)." />
        <TextField label="Stop-loss price" value={form.stopLoss} onValue={set('stopLoss')} error={errors.stopLoss} inputMode="decimal" autoComplete="off"
          hint="Empty: no stop-loss." />
      </div>
    </fieldset>
  );
}
