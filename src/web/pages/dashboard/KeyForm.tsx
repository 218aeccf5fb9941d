/**
 * The API key form (spec/web.md: a key is kept in sessionStorage, never in the URL): a labelled
 * password field, the service's own problem message under it when the key is refused (401, 403),
 * and a button that forgets the key. Used by the dashboard (its key) and by an account's page (that
 * account's own key, optional).
 */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { TextField } from '../../components/Field.js';

export interface KeyFormProps {
  readonly title: string;
  readonly label: string;
  readonly submitText: string;
  /** The key in use, when there is one. */
  readonly active: boolean;
  readonly error: string | undefined;
  readonly hint: ComponentChildren;
  readonly children?: ComponentChildren;
  readonly onKey: (key: string) => void;
  readonly onForget: () => void;
}

export function KeyForm({ title, label, submitText, active, error, hint, children, onKey, onForget }: KeyFormProps) {
  const [draft, setDraft] = useState('');
  const [empty, setEmpty] = useState(false);
  return (
    <form class="card key-form" onSubmit={(event) => {
      event.preventDefault();
      const key = draft.trim();
      setEmpty(key === '');
      if (key) onKey(key);
    }}>
      <h2>{title}</h2>
      {children}
      <div class="row">
        <TextField label={label} type="password" name="key" value={draft} onValue={setDraft} autoComplete="off"
          error={empty ? 'required: paste a key' : error} hint={hint} />
      </div>
      <div class="actions">
        <button class="primary" type="submit">{submitText}</button>
        {active ? <button type="button" onClick={() => { setDraft(''); onForget(); }}>Forget key</button> : null}
      </div>
    </form>
  );
}
