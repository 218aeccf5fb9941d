/**
 * The price model of spec/simulate.md: GBM (volatility, drift, days a year, optional Poisson jumps
 * and scheduled gaps), or a bootstrap or a replay of a price file. Each field edits its value of
 * the input; switching the type starts that type's model (default-input.ts) and drops the fields
 * the new type refuses (a replay takes its steps and its one path from the file).
 */
import { SelectField, TextField } from '../../components/Field.js';
import { bind, type FormContext, type SimulationInput } from './bind-field.js';
import { Checkbox } from './Checkbox.js';
import { DEFAULT_MODELS } from './default-input.js';
import { fieldText, valueAt, withValue } from './input-paths.js';
import { PriceFileField, type PickedFile } from './PriceFileField.js';
import { problemAt, problemsLeft } from './problems.js';

const TYPES = [
  ['gbm', 'Geometric Brownian motion (gbm)'],
  ['bootstrap', 'Bootstrap: blocks of a price file\'s returns'],
  ['replay', 'Replay: the price file itself, one path'],
] as const;

const DEFAULT_JUMPS = { intensity: '4', mean: '-0.05', stdev: '0.08' };
const DEFAULT_GAPS = { every: 'weekend', stdev: '0.01' };

/** The input with a fresh model of `type`, and without the fields that type refuses. */
export function withModelType(input: SimulationInput, type: string): SimulationInput {
  const current = valueAt(input, 'model') as { readonly from?: unknown; readonly to?: unknown; readonly file?: unknown } | undefined;
  if (type === 'gbm') {
    const next = withValue(input, 'model', { ...DEFAULT_MODELS.gbm });
    return { ...next, horizonDays: next.horizonDays ?? '7', steps: next.steps ?? 168, paths: next.paths ?? 10000 };
  }
  const window = { ...(current?.from !== undefined ? { from: current.from } : {}), ...(current?.to !== undefined ? { to: current.to } : {}) };
  const file = typeof current?.file === 'string' ? current.file : DEFAULT_MODELS.replay.file;
  if (type === 'bootstrap') {
    const { horizonDays: _horizon, ...rest } = withValue(input, 'model', { ...DEFAULT_MODELS.bootstrap, file, ...window });
    return { ...rest, steps: rest.steps ?? 30, paths: rest.paths ?? 10000 };
  }
  const { steps: _steps, paths: _paths, ...rest } = withValue(input, 'model', { ...DEFAULT_MODELS.replay, file, ...window });
  return rest;
}

export interface ModelFieldsProps {
  readonly context: FormContext;
  readonly picked: PickedFile | undefined;
  readonly fileError: string | undefined;
  readonly onFile: (file: PickedFile) => void;
}

export function ModelFields({ context, picked, fileError, onFile }: ModelFieldsProps) {
  const { input, problems, onInput } = context;
  const type = fieldText(valueAt(input, 'model.type'));
  const jumps = valueAt(input, 'model.jumps') !== undefined;
  const gaps = valueAt(input, 'model.gaps') !== undefined;
  const shown = ['model.type', 'model.volatility', 'model.drift', 'model.daysPerYear', 'model.jumps.intensity', 'model.jumps.mean',
    'model.jumps.stdev', 'model.gaps.every', 'model.gaps.stdev', 'model.gaps.mean', 'model.file', 'model.block', 'model.from', 'model.to'];
  const left = problemsLeft(problems, 'model', shown);
  const fileProblems = [fileError, problemAt(problems, 'model.file')].filter(Boolean).join('\n') || undefined;
  return (
    <section class="card" aria-labelledby="sim-model-heading">
      <h2 id="sim-model-heading">Price model</h2>
      <SelectField label="Model" value={type} options={TYPES} error={problemAt(problems, 'model.type')} onValue={(value) => onInput(withModelType(input, value))} />
      {type === 'gbm' ? (
        <>
          <div class="row">
            <TextField label="Volatility (a year)" inputMode="decimal" hint="0.8 is 80 % a year" {...bind(context, 'model.volatility', 'decimal')} />
            <TextField label="Drift (a year)" inputMode="decimal" hint="μ of dS/S = μ dt + σ dW" {...bind(context, 'model.drift', 'decimal')} />
            <TextField label="Days a year" inputMode="decimal" hint="365 crypto, 252 exchanges, 260 FX" {...bind(context, 'model.daysPerYear', 'decimal')} />
          </div>
          <Checkbox label="Jumps: Poisson, with a normal log size" checked={jumps} onChecked={(on) => onInput(withValue(input, 'model.jumps', on ? DEFAULT_JUMPS : undefined))} />
          {jumps ? (
            <div class="row">
              <TextField label="Jumps a year" inputMode="decimal" {...bind(context, 'model.jumps.intensity', 'decimal')} />
              <TextField label="Mean log size" inputMode="decimal" {...bind(context, 'model.jumps.mean', 'decimal')} />
              <TextField label="Log size stdev" inputMode="decimal" {...bind(context, 'model.jumps.stdev', 'decimal')} />
            </div>
          ) : null}
          <Checkbox label="Scheduled gaps: weekends, every day, or every few days" checked={gaps} onChecked={(on) => onInput(withValue(input, 'model.gaps', on ? DEFAULT_GAPS : undefined))} />
          {gaps ? (
            <div class="row">
              <TextField label="Gap every" hint="weekend, day, or a number of days" {...bind(context, 'model.gaps.every', 'text')} />
              <TextField label="Gap log size stdev" inputMode="decimal" {...bind(context, 'model.gaps.stdev', 'decimal')} />
              <TextField label="Gap mean log size" inputMode="decimal" {...bind(context, 'model.gaps.mean', 'decimal')} />
            </div>
          ) : null}
        </>
      ) : (
        <>
          <PriceFileField picked={picked} named={fieldText(valueAt(input, 'model.file'))} error={fileProblems} onFile={onFile} />
          <div class="row">
            {type === 'bootstrap' ? <TextField label="Block (returns drawn together)" inputMode="numeric" {...bind(context, 'model.block', 'count')} /> : null}
            <TextField label="From (optional)" placeholder="2021-05-19T10:38:00Z" {...bind(context, 'model.from', 'text')} />
            <TextField label="To (optional)" placeholder="2021-05-19T15:06:00Z" {...bind(context, 'model.to', 'text')} />
          </div>
        </>
      )}
      {left ? <p class="sim-problems" role="alert">{left}</p> : null}
    </section>
  );
}
