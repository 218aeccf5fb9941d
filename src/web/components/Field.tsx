/**
 * A labelled input with its error underneath: the core's own problem message for that field,
 * tied to the input by aria-describedby, the input marked aria-invalid.
 */
import type { ComponentChildren } from 'preact';
import { useId } from 'preact/hooks';

interface Common {
  readonly label: ComponentChildren;
  readonly error?: string | undefined;
  readonly hint?: ComponentChildren;
  readonly class?: string;
}

export type TextFieldProps = Common & {
  readonly value: string;
  readonly onValue: (value: string) => void;
  readonly name?: string;
  readonly type?: 'text' | 'password' | 'url' | 'number' | 'search';
  readonly inputMode?: 'decimal' | 'numeric' | 'text' | 'url';
  readonly placeholder?: string;
  readonly autoComplete?: string;
  readonly required?: boolean;
  readonly disabled?: boolean;
};

export function TextField({ label, error, hint, class: className, onValue, type = 'text', ...input }: TextFieldProps) {
  const id = useId();
  const described = [error ? `${id}-error` : '', hint ? `${id}-hint` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class={`field${error ? ' invalid' : ''}${className ? ` ${className}` : ''}`}>
      <label for={id}>{label}</label>
      <input id={id} type={type as 'text'} {...input} spellcheck={false} aria-invalid={error ? 'true' : undefined} aria-describedby={described}
        onInput={(event) => onValue((event.currentTarget as HTMLInputElement).value)} />
      {hint ? <small id={`${id}-hint`} class="hint">{hint}</small> : null}
      {error ? <small id={`${id}-error`} class="error" role="alert">{error}</small> : null}
    </div>
  );
}

export type SelectFieldProps = Common & {
  readonly value: string;
  readonly options: readonly (readonly [value: string, text: string])[];
  readonly onValue: (value: string) => void;
  readonly name?: string;
};

export function SelectField({ label, error, hint, class: className, value, options, onValue, name }: SelectFieldProps) {
  const id = useId();
  const described = [error ? `${id}-error` : '', hint ? `${id}-hint` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class={`field${error ? ' invalid' : ''}${className ? ` ${className}` : ''}`}>
      <label for={id}>{label}</label>
      <select id={id} name={name} value={value} aria-invalid={error ? 'true' : undefined} aria-describedby={described}
        onChange={(event) => onValue((event.currentTarget as HTMLSelectElement).value)}>
        {options.map(([optionValue, text]) => <option key={optionValue} value={optionValue}>{text}</option>)}
      </select>
      {hint ? <small id={`${id}-hint`} class="hint">{hint}</small> : null}
      {error ? <small id={`${id}-error`} class="error" role="alert">{error}</small> : null}
    </div>
  );
}

export type TextAreaFieldProps = Common & {
  readonly value: string;
  readonly onValue: (value: string) => void;
  readonly rows?: number;
  readonly name?: string;
  readonly placeholder?: string;
};

export function TextAreaField({ label, error, hint, class: className, value, onValue, rows = 6, name, placeholder }: TextAreaFieldProps) {
  const id = useId();
  const described = [error ? `${id}-error` : '', hint ? `${id}-hint` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class={`field${error ? ' invalid' : ''}${className ? ` ${className}` : ''}`}>
      <label for={id}>{label}</label>
      <textarea id={id} name={name} rows={rows} value={value} placeholder={placeholder} spellcheck={false}
        aria-invalid={error ? 'true' : undefined} aria-describedby={described}
        onInput={(event) => onValue((event.currentTarget as HTMLTextAreaElement).value)} />
      {hint ? <small id={`${id}-hint`} class="hint">{hint}</small> : null}
      {error ? <small id={`${id}-error`} class="error" role="alert">{error}</small> : null}
    </div>
  );
}
