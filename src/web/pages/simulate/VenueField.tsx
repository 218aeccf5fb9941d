/**
 * A variant's venue (spec/simulate.md): the account's own, a built-in profile by id, or a custom one
 * as JSON (`{"extends": "mt5-standard", "negativeBalanceProtection": false}`), which the core checks
 * when it builds the variant.
 */
import { useEffect, useState } from 'preact/hooks';
import { builtInVenueIds } from '../../../core/index.js';
import { SelectField, TextAreaField } from '../../components/Field.js';

export interface VenueFieldProps {
  readonly value: unknown;
  /** The account's venue id, a custom venue's starting point. */
  readonly base: string;
  readonly error: string | undefined;
  readonly onVenue: (venue: unknown) => void;
}

const CUSTOM = 'custom';

export function VenueField({ value, base, error, onVenue }: VenueFieldProps) {
  const custom = typeof value === 'object' && value !== null;
  const [text, setText] = useState(() => (custom ? JSON.stringify(value, null, 2) : ''));
  const [jsonError, setJsonError] = useState<string | undefined>(undefined);
  useEffect(() => {
    if (custom && !jsonError) setText(JSON.stringify(value, null, 2));
  }, [JSON.stringify(value)]);
  const options: (readonly [string, string])[] = [['', 'The account\'s venue'], ...builtInVenueIds().map((id) => [id, id] as const), [CUSTOM, 'Custom (JSON)']];
  const selected = custom ? CUSTOM : typeof value === 'string' ? value : '';
  return (
    <>
      <SelectField label="Venue" value={selected} options={options} error={custom ? undefined : error}
        onValue={(choice) => {
          setJsonError(undefined);
          onVenue(choice === '' ? undefined : choice === CUSTOM ? { extends: base || 'binance-usdm' } : choice);
        }} />
      {custom ? (
        <TextAreaField label="Custom venue (JSON)" rows={4} value={text} error={jsonError ?? error} class="sim-full"
          onValue={(next) => {
            setText(next);
            try {
              onVenue(JSON.parse(next) as unknown);
              setJsonError(undefined);
            } catch (problem) {
              setJsonError(`not JSON: ${(problem as Error).message}`);
            }
          }} />
      ) : null}
    </>
  );
}
