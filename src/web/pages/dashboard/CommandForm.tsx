/**
 * One engine command through the API (`POST /v1/accounts/{id}/commands`, spec/service.md), as a
 * form. Each submit makes one `Idempotency-Key`, kept across the client's retries, so a retry never
 * applies the command twice. The service parses the command with the core's parser: a 400 names
 * each wrong field (`errors[].field`) and its message goes under that field; a 422 is the venue's
 * refusal, the engine's `rejected` event, whose message goes under the field it is about (or under
 * the form when it names none). Done, the form says which events the command made.
 */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { SelectField, TextField } from '../../components/Field.js';
import { newIdempotencyKey, type ServiceClient, type ServiceProblem } from '../../lib/service-client.js';
import { statusText } from './event-text.js';

export interface CommandField {
  /** The command's own field name: `amount`, `position`, `quantity`, `price`. */
  readonly name: string;
  readonly label: string;
  readonly hint?: string;
  /** A choice among these (open positions); a text field when absent. */
  readonly options?: readonly string[];
  /** Left out of the command when empty. */
  readonly optional?: boolean;
}

export interface CommandFormProps {
  readonly title: string;
  readonly type: string;
  readonly submitText: string;
  readonly fields: readonly CommandField[];
  readonly client: ServiceClient | null;
  readonly account: string;
  /** Why the form cannot be used now (no open position). */
  readonly unavailable?: string | undefined;
  readonly onDone: () => void;
  readonly children?: ComponentChildren;
}

interface Outcome {
  readonly errors: Readonly<Record<string, string>>;
  readonly message: string;
  readonly failed: boolean;
}

const NO_OUTCOME: Outcome = { errors: {}, message: '', failed: false };

function outcomeOf(problem: ServiceProblem, fields: readonly CommandField[]): Outcome {
  const names = new Set(fields.map((field) => field.name));
  const errors: Record<string, string> = {};
  const rest: string[] = [];
  const refusal = problem.status === 422 && problem.event ? String(problem.event.message ?? problem.detail) : undefined;
  const listed = problem.errors.length ? problem.errors : [{ field: '', message: problem.detail }];
  for (const { field, message } of listed) {
    const text = refusal !== undefined ? `Refused (${problem.code}): ${refusal}` : message;
    if (names.has(field) && errors[field] === undefined) errors[field] = text;
    else if (!rest.includes(text)) rest.push(field && !names.has(field) ? `${field}: ${text}` : text);
  }
  return { errors, message: rest.join(' '), failed: true };
}

export function CommandForm({ title, type, submitText, fields, client, account, unavailable, onDone, children }: CommandFormProps) {
  const [values, setValues] = useState<Readonly<Record<string, string>>>({});
  const [outcome, setOutcome] = useState<Outcome>(NO_OUTCOME);
  const [busy, setBusy] = useState(false);
  const valueOf = (field: CommandField): string => {
    const value = values[field.name] ?? '';
    return field.options && !field.options.includes(value) ? field.options[0] ?? '' : value;
  };
  const submit = async (): Promise<void> => {
    if (!client) return;
    const body: Record<string, string> = { type };
    for (const field of fields) {
      const value = valueOf(field).trim();
      if (value !== '' || !field.optional) body[field.name] = value;
    }
    setBusy(true);
    const answer = await client.command(account, body, newIdempotencyKey());
    setBusy(false);
    if (answer.ok) {
      const made = answer.value.events.map((event) => statusText(event.type)).join(', ');
      setOutcome({ errors: {}, message: `Done: command ${answer.value.sequence}${made ? `, ${made}` : ''}.`, failed: false });
      onDone();
    } else {
      setOutcome(outcomeOf(answer.problem, fields));
    }
  };
  return (
    <form class="command" data-command={type} aria-busy={busy ? 'true' : 'false'} onSubmit={(event) => { event.preventDefault(); void submit(); }}>
      <h3>{title}</h3>
      {children}
      {unavailable ? <p class="muted">{unavailable}</p> : (
        <>
          <div class="row">
            {fields.map((field) => (field.options
              ? <SelectField key={field.name} name={field.name} label={field.label} value={valueOf(field)} error={outcome.errors[field.name]} hint={field.hint}
                options={field.options.map((option) => [option, option] as const)} onValue={(value) => setValues({ ...values, [field.name]: value })} />
              : <TextField key={field.name} name={field.name} label={field.label} value={valueOf(field)} error={outcome.errors[field.name]} hint={field.hint}
                inputMode="decimal" autoComplete="off" onValue={(value) => setValues({ ...values, [field.name]: value })} />))}
          </div>
          <div class="actions">
            <button class="primary" type="submit" disabled={busy || !client}>{busy ? 'Sending…' : submitText}</button>
          </div>
        </>
      )}
      <p class={outcome.failed ? 'outcome error' : 'outcome'} role={outcome.failed ? 'alert' : 'status'}>{outcome.message}</p>
    </form>
  );
}
