/**
 * A JSON value edited as text (a custom venue profile, the instruments' specs). The text is a draft:
 * while it is not JSON the snapshot keeps its last value and the JSON error shows under the field;
 * once it parses, the snapshot takes it as parsed. When the snapshot changes from elsewhere (a link,
 * a loaded snapshot), the draft shows the new value. A blank text means the field is absent, or
 * `blank` where absence would take the field away (a custom venue stays a custom venue).
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { TextAreaField } from '../../components/Field.js';
import type { ComponentChildren } from 'preact';

const identity = (value: unknown): string => (value === undefined ? '' : JSON.stringify(value));
const pretty = (value: unknown): string => (value === undefined ? '' : JSON.stringify(value, null, 2));

export interface JsonFieldProps {
  readonly label: ComponentChildren;
  readonly value: unknown;
  readonly onValue: (value: unknown) => void;
  readonly error?: string | undefined;
  readonly hint?: ComponentChildren;
  readonly placeholder?: string;
  readonly rows?: number;
  /** The value of a blank text; absent (undefined) unless given. */
  readonly blank?: unknown;
}

export function JsonField({ label, value, onValue, error, hint, placeholder, rows = 6, blank }: JsonFieldProps) {
  const [text, setText] = useState(() => pretty(value));
  const [syntaxError, setSyntaxError] = useState<string | undefined>(undefined);
  const shown = useRef(identity(value));
  const current = identity(value);
  useEffect(() => {
    if (current === shown.current) return;
    shown.current = current;
    setText(pretty(value));
    setSyntaxError(undefined);
  }, [current]);
  const edit = (next: string): void => {
    setText(next);
    if (next.trim() === '') {
      setSyntaxError(undefined);
      shown.current = identity(blank);
      onValue(blank);
      return;
    }
    try {
      const parsed = JSON.parse(next) as unknown;
      setSyntaxError(undefined);
      shown.current = identity(parsed);
      onValue(parsed);
    } catch (problem) {
      setSyntaxError(`not JSON yet (${(problem as Error).message}); the report uses the last valid text`);
    }
  };
  return (
    <TextAreaField label={label} value={text} onValue={edit} rows={rows} hint={hint} placeholder={placeholder}
      error={syntaxError ?? error} />
  );
}
