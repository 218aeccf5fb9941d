/**
 * The leverage sweep control: fills the variants with one per leverage (leverage-sweep.ts), leaving
 * out, with the simulator's own reason, a leverage the venue refuses for that position. The results
 * then draw the margin window: the chance of a liquidation, a deficit and a debt against leverage.
 */
import { useState } from 'preact/hooks';
import { SelectField, TextField } from '../../components/Field.js';
import type { ModelData } from '../../../sim/simulation.js';
import type { FormContext } from './bind-field.js';
import { valueAt } from './input-paths.js';
import { hasIsolatedPosition, parseLeverages, refusal, sweepVariants, type SweepMode } from './leverage-sweep.js';

const MODES = [
  ['same-margin', 'Same margin, larger position'],
  ['same-position', 'Same position, less margin'],
] as const;

export function LeverageSweep({ context, data }: { readonly context: FormContext; readonly data: ModelData | undefined }) {
  const { input, onInput } = context;
  const [text, setText] = useState('2, 5, 10, 20, 50, 100');
  const [mode, setMode] = useState<SweepMode>('same-margin');
  const [textError, setTextError] = useState<string | undefined>(undefined);
  const [modeError, setModeError] = useState<string | undefined>(undefined);
  const [note, setNote] = useState('');
  const account = valueAt(input, 'account');
  const fill = (): void => {
    setTextError(undefined);
    setModeError(undefined);
    const leverages = parseLeverages(text);
    if (!leverages.ok) { setTextError(leverages.message); setNote(''); return; }
    const sweep = sweepVariants(account, leverages.leverages, mode);
    if (!sweep.ok) { setModeError(sweep.message); setNote(''); return; }
    const refused = sweep.variants.map((variant) => [variant, refusal(input, data, variant)] as const);
    const kept = refused.filter(([, reason]) => reason === undefined).map(([variant]) => variant);
    const left = refused.filter(([, reason]) => reason !== undefined).map(([variant, reason]) => `${variant.name}: ${reason}`);
    onInput({ ...input, variants: kept });
    setNote(`${kept.length} variant${kept.length === 1 ? '' : 's'} filled in.${left.length ? ` Left out, as the venue refuses them: ${left.join('; ')}` : ''}`);
  };
  return (
    <div class="sim-sweep">
      <h3>Leverage sweep</h3>
      <p class="muted">Replaces the variants with one per leverage, named 2x, 5x, …</p>
      <div class="row">
        <TextField label="Leverages" hint="commas or spaces between them" value={text} error={textError} onValue={setText} class="sim-wide" />
        <SelectField label="At each leverage" value={mode} options={MODES} error={modeError} onValue={(value) => setMode(value as SweepMode)} class="sim-wide"
          hint={mode === 'same-margin' ? 'The money at stake stays; the quantity grows with the leverage.'
            : hasIsolatedPosition(account) ? 'The quantity stays; an isolated margin shrinks with the leverage.'
              : 'On a cross account the whole balance backs the position: its leverage moves no threshold.'} />
      </div>
      <div class="actions">
        <button type="button" onClick={fill}>Fill the variants with the sweep</button>
      </div>
      <p class="sim-note" role="status">{note}</p>
    </div>
  );
}
