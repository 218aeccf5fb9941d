/**
 * The variants: the same paths through changed accounts (spec/simulate.md; sim-input.ts): a name
 * and any of leverage, quantity, isolated margin, stop-loss and venue. Fields the form does not
 * show (a variant's balance or policy) are kept. Each variant shows the core's problems with it,
 * such as a leverage above the venue's cap (`variants[3]: makes the account invalid: ...`).
 */
import { TextField } from '../../components/Field.js';
import { bind, type FormContext } from './bind-field.js';
import { fieldText, valueAt, withValue } from './input-paths.js';
import { problemsLeft } from './problems.js';
import { VenueField } from './VenueField.js';

const FIELDS = ['name', 'leverage', 'quantity', 'isolatedMargin', 'stopLossPercent', 'venue'] as const;

function VariantFields({ context, index }: { readonly context: FormContext; readonly index: number }) {
  const { input, problems, onInput } = context;
  const path = `variants[${index}]`;
  const variants = valueAt(input, 'variants') as readonly unknown[];
  const name = fieldText(valueAt(input, `${path}.name`));
  const kept = Object.keys((variants[index] ?? {}) as object).filter((key) => !(FIELDS as readonly string[]).includes(key));
  const left = problemsLeft(problems, path, FIELDS.map((field) => `${path}.${field}`), [`${path}.venue`]);
  const venueProblems = problemsLeft(problems, `${path}.venue`, []);
  return (
    <fieldset class="sim-variant">
      <legend>Variant {index + 1}{name ? `: ${name}` : ''}</legend>
      <div class="row">
        <TextField label="Name" {...bind(context, `${path}.name`, 'text')} />
        <TextField label="Leverage" inputMode="decimal" {...bind(context, `${path}.leverage`, 'decimal')} />
        <TextField label="Quantity" inputMode="decimal" {...bind(context, `${path}.quantity`, 'decimal')} />
        <TextField label="Isolated margin" inputMode="decimal" {...bind(context, `${path}.isolatedMargin`, 'decimal')} />
        <TextField label="Stop-loss (share of balance)" inputMode="decimal" placeholder="0.2" {...bind(context, `${path}.stopLossPercent`, 'decimal')} />
        <VenueField value={valueAt(input, `${path}.venue`)} base={fieldText(valueAt(input, 'account.venue'))} error={venueProblems}
          onVenue={(venue) => onInput(withValue(input, `${path}.venue`, venue))} />
      </div>
      {kept.length ? <p class="muted">Also kept from the input: {kept.join(', ')}.</p> : null}
      {left ? <p class="sim-problems" role="alert">{left}</p> : null}
      <div class="actions">
        <button type="button" onClick={() => onInput({ ...input, variants: variants.filter((_, at) => at !== index) })}>
          Remove variant {index + 1}{name ? ` (${name})` : ''}
        </button>
      </div>
    </fieldset>
  );
}

export function VariantsEditor({ context }: { readonly context: FormContext }) {
  const { input, problems, onInput } = context;
  const value = valueAt(input, 'variants');
  const variants = Array.isArray(value) ? value : [];
  const left = problemsLeft(problems, 'variants', [], variants.map((_, index) => `variants[${index}]`));
  const add = (): void => {
    const taken = new Set(variants.map((variant) => fieldText(valueAt(variant, 'name'))));
    let number = variants.length + 1;
    while (taken.has(`variant ${number}`)) number++;
    onInput({ ...input, variants: [...variants, { name: `variant ${number}` }] });
  };
  return (
    <>
      <p class="muted">The base account runs first; each variant runs the same paths through a changed account.</p>
      {Array.isArray(value) ? variants.map((_, index) => <VariantFields key={index} context={context} index={index} />) : null}
      {left ? <p class="sim-problems" role="alert">{left}</p> : null}
      <div class="actions">
        <button type="button" onClick={add}>Add a variant</button>
        {variants.length ? <button type="button" onClick={() => onInput({ ...input, variants: [] })}>Remove every variant</button> : null}
      </div>
    </>
  );
}
