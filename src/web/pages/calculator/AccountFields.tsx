/**
 * The account part of the form: the venue (one of the eight built-in profiles, or a custom profile
 * as JSON that extends one, report.md), the account currency and the balance. A venue the form does
 * not know (a misspelt id) stays selected as it is, so the core's message can name it.
 */
import { BUILT_IN_VENUES } from '../../../core/index.js';
import { SelectField, TextField } from '../../components/Field.js';
import { JsonField } from './JsonField.js';
import { fieldError, type SnapshotSectionProps } from './problem-fields.js';
import { asRecord, fieldText, isRecord, setAccountField, setVenue } from './snapshot-edit.js';

const CUSTOM = 'custom';

/** The select's value for the snapshot's venue: its id, `custom` for a profile object. */
function venueChoice(venue: unknown): string {
  if (isRecord(venue)) return CUSTOM;
  return fieldText(venue);
}

function venueOptions(choice: string): [string, string][] {
  const builtIn = Object.values(BUILT_IN_VENUES).map((venue): [string, string] => [venue.id, `${venue.id}: ${venue.name}`]);
  const known = choice === CUSTOM || builtIn.some(([id]) => id === choice);
  const unknown: [string, string][] = known ? [] : [[choice, choice === '' ? '(no venue)' : `${choice} (not a built-in venue)`]];
  return [...unknown, ...builtIn, [CUSTOM, 'custom: a profile that extends a built-in venue (JSON)']];
}

export function AccountFields({ snapshot, problems, onSnapshot }: SnapshotSectionProps) {
  const record = asRecord(snapshot);
  const account = asRecord(record.account);
  const choice = venueChoice(record.venue);
  const choose = (value: string): void => {
    if (value === CUSTOM) {
      const base = typeof record.venue === 'string' && Object.hasOwn(BUILT_IN_VENUES, record.venue) ? record.venue : 'mt5-standard';
      onSnapshot(setVenue(snapshot, { extends: base }));
    } else {
      onSnapshot(setVenue(snapshot, value));
    }
  };
  const custom = choice === CUSTOM;
  return (
    <>
      <SelectField label="Venue" value={choice} options={venueOptions(choice)} onValue={choose}
        error={custom ? undefined : fieldError(problems, 'venue')} />
      {custom ? (
        <JsonField label="Custom venue profile (JSON)" value={record.venue} rows={4} blank={{}}
          hint={<>For example <code>{'{"extends": "mt5-standard", "negativeBalanceProtection": true}'}</code></>}
          onValue={(venue) => onSnapshot(setVenue(snapshot, venue))} error={fieldError(problems, 'venue')} />
      ) : null}
      <div class="row">
        <TextField label="Account currency" value={fieldText(account.currency)} autoComplete="off"
          onValue={(text) => onSnapshot(setAccountField(snapshot, 'currency', text))} error={fieldError(problems, 'account.currency')} />
        <TextField label="Balance" value={fieldText(account.balance)} autoComplete="off"
          hint="Deposits plus realised P&L minus fees"
          onValue={(text) => onSnapshot(setAccountField(snapshot, 'balance', text))} error={fieldError(problems, 'account.balance')} />
      </div>
    </>
  );
}
