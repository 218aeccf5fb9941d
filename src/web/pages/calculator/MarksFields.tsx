/**
 * The mark price of each instrument the positions trade (report.md `marks`; blank: the position's
 * entry price), and of any other instrument the snapshot marks, which can be removed.
 */
import { TextField } from '../../components/Field.js';
import { childPath, fieldError, type SnapshotSectionProps } from './problem-fields.js';
import { asList, asRecord, fieldText, markSymbols, setMark } from './snapshot-edit.js';

export function MarksFields({ snapshot, problems, onSnapshot }: SnapshotSectionProps) {
  const record = asRecord(snapshot);
  const marks = asRecord(record.marks);
  const traded = new Set(asList(record.positions).map((position) => asRecord(position).instrument));
  const symbols = markSymbols(snapshot);
  const sectionError = fieldError(problems, 'marks');
  return (
    <>
      {sectionError ? <p class="calc-error" role="alert">{sectionError}</p> : null}
      {symbols.length === 0 ? <p class="muted">No instruments yet.</p> : null}
      <div class="row">
        {symbols.map((symbol) => (
          <div class="calc-mark" key={symbol}>
            <TextField label={`Mark price of ${symbol}`} value={fieldText(marks[symbol])} inputMode="decimal" autoComplete="off"
              hint={traded.has(symbol) ? 'Blank: the entry price' : 'No position trades it'}
              onValue={(text) => onSnapshot(setMark(snapshot, symbol, text))} error={fieldError(problems, childPath('marks', symbol))} />
            {traded.has(symbol) ? null : (
              <button type="button" onClick={() => onSnapshot(setMark(snapshot, symbol, ''))}>Remove the mark of {symbol}</button>
            )}
          </div>
        ))}
      </div>
    </>
  );
}
