/**
 * How the paths run (spec/simulate.md): horizon, observations, paths and seed, and the client's
 * answer to a margin call (wait, close, or add funds: an amount, a number of times). A replay takes
 * its horizon, steps and single path from its file, so it shows the seed and the policy only.
 */
import { SelectField, TextField } from '../../components/Field.js';
import { bind, type FormContext } from './bind-field.js';
import { fieldText, valueAt, withValue } from './input-paths.js';
import { problemAt, problemsLeft } from './problems.js';

const POLICIES = [
  ['wait', 'Wait: let the venue act'],
  ['close', 'Close the position on the call'],
  ['add-funds', 'Add funds on the call'],
] as const;

export function RunFields({ context }: { readonly context: FormContext }) {
  const { input, problems, onInput } = context;
  const type = fieldText(valueAt(input, 'model.type'));
  const policy = fieldText(valueAt(input, 'policy.onMarginCall')) || 'wait';
  const left = problemsLeft(problems, 'policy', ['policy.onMarginCall', 'policy.amount', 'policy.times']);
  const start = problemAt(problems, 'start');
  return (
    <section class="card" aria-labelledby="sim-paths-heading">
      <h2 id="sim-paths-heading">Paths</h2>
      <div class="row">
        {type !== 'replay' ? (
          <TextField label="Horizon (days)" inputMode="decimal" hint={type === 'bootstrap' ? 'optional: steps × the file\'s bar spacing' : undefined}
            {...bind(context, 'horizonDays', 'decimal')} />
        ) : null}
        {type !== 'replay' ? <TextField label="Steps (observations a path)" inputMode="numeric" {...bind(context, 'steps', 'count')} /> : null}
        {type !== 'replay' ? <TextField label="Paths" inputMode="numeric" placeholder="10000" {...bind(context, 'paths', 'count')} /> : null}
        <TextField label="Seed" inputMode="numeric" placeholder="1" {...bind(context, 'seed', 'count')} />
      </div>
      {type === 'replay' ? <p class="muted">A replay is one path: the file's own prices, observed bar by bar.</p> : null}
      {start ? <p class="sim-problems" role="alert">{start}</p> : null}
      <h3>When a margin call comes</h3>
      <SelectField label="The client's answer" value={policy} options={POLICIES} error={problemAt(problems, 'policy.onMarginCall')}
        onValue={(value) => {
          const amount = valueAt(input, 'policy.amount');
          onInput(withValue(input, 'policy', value === 'add-funds' ? { onMarginCall: value, amount: typeof amount === 'string' ? amount : '1000' } : { onMarginCall: value }));
        }} />
      {policy === 'add-funds' ? (
        <div class="row">
          <TextField label="Amount added" inputMode="decimal" {...bind(context, 'policy.amount', 'decimal')} />
          <TextField label="Times (calls answered)" inputMode="numeric" placeholder="1" {...bind(context, 'policy.times', 'count')} />
        </div>
      ) : null}
      {left ? <p class="sim-problems" role="alert">{left}</p> : null}
    </section>
  );
}
