/**
 * What holding the positions costs (report.md additions, issue 12): at a perpetual venue (one with a
 * funding interval) the current funding rate of each instrument per interval; at a CFD or forex
 * venue (one with financing terms) each instrument's overnight swap, long and short, as yearly
 * rates on notional or as MT5 swap points a night. The figures this gives (days to the margin call
 * and to liquidation, the liquidation price after 1, 7 and 30 days) are the core's report
 * (HoldingFigures.tsx). A venue that charges neither says so.
 */
import { useState } from 'preact/hooks';
import { SelectField, TextField } from '../../components/Field.js';
import {
  financingKey, financingUnit, holdingSymbols, holdingTerms, setFinancingRate, setFinancingUnit, setFundingRate,
  type FinancingSide, type FinancingUnit,
} from './holding-edit.js';
import { childPath, fieldError, type SnapshotSectionProps } from './problem-fields.js';
import { asRecord, fieldText } from './snapshot-edit.js';

const UNITS: readonly (readonly [FinancingUnit, string])[] = [
  ['rate', 'Yearly rates on notional'],
  ['points', 'Swap points a night (MT5)'],
];

const weekdayName = (day: string): string => `${day.charAt(0).toUpperCase()}${day.slice(1)}`;

const SIDE_WORDS: Readonly<Record<FinancingSide, string>> = { long: 'Long', short: 'Short' };

function FundingFields({ snapshot, problems, onSnapshot, hours }: SnapshotSectionProps & { readonly hours: number }) {
  const funding = asRecord(asRecord(snapshot).funding);
  return (
    <div class="row">
      {holdingSymbols(snapshot, 'funding').map((symbol) => (
        <TextField key={symbol} class="calc-holding-field" label={`Funding rate of ${symbol} per ${hours} h`} value={fieldText(funding[symbol])}
          inputMode="decimal" autoComplete="off" hint="0.0001 = 0.01 %; longs pay a positive rate. Blank: none"
          onValue={(text) => onSnapshot(setFundingRate(snapshot, symbol, text))} error={fieldError(problems, childPath('funding', symbol))} />
      ))}
    </div>
  );
}

function FinancingFields({ snapshot, problems, onSnapshot }: SnapshotSectionProps) {
  const financing = asRecord(asRecord(snapshot).financing);
  // The unit chosen for an instrument with no figure yet: nothing in the snapshot records it.
  const [chosen, setChosen] = useState<Readonly<Record<string, FinancingUnit>>>({});
  return (
    <>
      {holdingSymbols(snapshot, 'financing').map((symbol) => {
        const entry = asRecord(financing[symbol]);
        const unit = Object.keys(entry).length ? financingUnit(entry) : chosen[symbol] ?? 'rate';
        const path = childPath('financing', symbol);
        const choose = (value: string): void => {
          const next = value === 'points' ? 'points' : 'rate';
          setChosen({ ...chosen, [symbol]: next });
          onSnapshot(setFinancingUnit(snapshot, symbol, next));
        };
        const side = (which: FinancingSide) => {
          const key = financingKey(which, unit);
          return (
            <TextField class="calc-holding-field" label={`${SIDE_WORDS[which]} swap of ${symbol}`} value={fieldText(entry[key])} inputMode="decimal" autoComplete="off"
              hint={unit === 'rate' ? '-0.05 = pays 5 % a year; positive: credited' : '-6.5 = pays 6.5 points a night; positive: credited'}
              onValue={(text) => onSnapshot(setFinancingRate(snapshot, symbol, which, unit, text))} error={fieldError(problems, childPath(path, key))} />
          );
        };
        return (
          <fieldset class="calc-holding" key={symbol}>
            <legend>Overnight swap of {symbol}</legend>
            <SelectField label={`Swap of ${symbol} in`} value={unit} options={UNITS} onValue={choose} error={fieldError(problems, path)} />
            <div class="row">{side('long')}{side('short')}</div>
          </fieldset>
        );
      })}
    </>
  );
}

export function HoldingFields(props: SnapshotSectionProps) {
  const { snapshot, problems } = props;
  const terms = holdingTerms(snapshot);
  const errors = ['funding', 'financing'].flatMap((field) => fieldError(problems, field) ?? []);
  const charged = terms.fundingIntervalHours !== undefined || terms.financing !== undefined;
  const symbols = holdingSymbols(snapshot, terms.fundingIntervalHours !== undefined ? 'funding' : 'financing');
  return (
    <>
      {errors.map((error) => <p key={error} class="calc-error" role="alert">{error}</p>)}
      {!charged ? <p class="muted">This venue charges no funding and no overnight financing.</p> : null}
      {charged && symbols.length === 0 ? <p class="muted">No instruments yet.</p> : null}
      {charged ? (
        <p class="calc-note muted">
          {terms.fundingIntervalHours !== undefined
            ? `Funding is paid every ${terms.fundingIntervalHours} h.`
            : `Financing is charged each night (three on ${weekdayName(terms.financing?.tripleDay ?? 'wednesday')}s, for the weekend), over a ${terms.financing?.dayCount ?? 365}-day year.`}
          {' '}The report then shows the days until the margin call and the liquidation if prices stand still.
        </p>
      ) : null}
      {terms.fundingIntervalHours !== undefined ? <FundingFields {...props} hours={terms.fundingIntervalHours} /> : null}
      {terms.fundingIntervalHours === undefined && terms.financing ? <FinancingFields {...props} /> : null}
    </>
  );
}
