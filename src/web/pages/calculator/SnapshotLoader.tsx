/**
 * Paste a whole report.md snapshot and load it: the JSON replaces the account as it is (the core
 * then reports it, or names what is wrong with it, field by field). Text that is not JSON is
 * refused here with the parser's own message, and the account stays as it was.
 */
import { useState } from 'preact/hooks';
import { TextAreaField } from '../../components/Field.js';

export function SnapshotLoader({ onLoad }: { readonly onLoad: (snapshot: unknown) => void }) {
  const [text, setText] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  const load = (): void => {
    try {
      const value = JSON.parse(text) as unknown;
      setError(undefined);
      setText('');
      onLoad(value);
    } catch (problem) {
      setError(`not JSON: ${(problem as Error).message}`);
    }
  };
  return (
    <>
      <TextAreaField label="Snapshot JSON" value={text} rows={5} error={error}
        placeholder={'{"venue": "binance-usdm", "account": {"currency": "USDT", "balance": "5000"}, "positions": [...]}'}
        hint="The same JSON that npx stopout report takes"
        onValue={(value) => { setText(value); setError(undefined); }} />
      <div class="actions">
        <button type="button" class="primary" onClick={load} disabled={text.trim() === ''}>Load the snapshot</button>
      </div>
    </>
  );
}
