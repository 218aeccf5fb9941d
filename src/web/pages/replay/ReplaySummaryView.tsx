/**
 * The replay's end, as `stopout replay --summary` prints it: the final account (report.md's
 * "account"), the positions still open, the money totals, the debt, the insurance fund, the count of
 * each event type, the last time, the commands applied and the state hash. Every leaf is a figure
 * `summary.<path>` with the core's string as its value.
 */
import { Figure } from '../../components/Figure.js';
import { leaves, type Leaf } from '../../lib/figures.js';
import { eventName, fieldName, valueText } from './event-text.js';
import type { ReplayOutcome } from './run-replay.js';

const lastKey = (path: string): string => path.split('.').at(-1) ?? path;

/** Figures too long for the value column: a row of their own. */
const WHOLE_ROW = new Set(['summary.stateHash']);

/** What a null leaf means where the summary has one. */
const NULL_TEXT: Readonly<Record<string, string>> = {
  'summary.debt': 'none',
  'summary.insuranceFund': 'unlimited',
  'summary.account.marginLevel': 'no position',
  'summary.time': 'no time given',
};

function FigureList({ entries, currency, label }: {
  readonly entries: readonly (readonly [string, Leaf])[];
  readonly currency: string;
  readonly label: (path: string) => string;
}) {
  return (
    <dl class="figures">
      {entries.map(([path, value]) => {
        const text = value === null ? NULL_TEXT[path] ?? '–' : valueText(lastKey(path), value, currency);
        return [
          <dt key={`${path}-term`} class={WHOLE_ROW.has(path) ? 'whole-row' : undefined}>{label(path)}</dt>,
          <dd key={`${path}-value`} class={WHOLE_ROW.has(path) ? 'whole-row' : undefined}><Figure field={path} value={value}>{text}</Figure></dd>,
        ];
      })}
    </dl>
  );
}

export function ReplaySummaryView({ outcome }: { readonly outcome: ReplayOutcome }) {
  const { summary, currency } = outcome;
  const group = (key: 'account' | 'totals' | 'events'): [string, Leaf][] => leaves(summary[key], `summary.${key}`);
  const debt: [string, Leaf][] = summary.debt === null ? [['summary.debt', null]] : leaves(summary.debt, 'summary.debt');
  const others: [string, Leaf][] = [
    ...debt,
    ['summary.insuranceFund', summary.insuranceFund],
    ['summary.time', summary.time],
    ['summary.commands', summary.commands],
    ...(summary.stateHash ? [['summary.stateHash', summary.stateHash] as [string, Leaf]] : []),
  ];
  const otherLabel = (path: string): string => ({
    'summary.debt': 'debt', 'summary.debt.status': 'debt status', 'summary.debt.outstanding': 'debt outstanding',
    'summary.time': 'last time', 'summary.commands': 'commands applied',
  } as Record<string, string>)[path] ?? fieldName(lastKey(path));
  return (
    <div class="replay-summary">
      <section aria-labelledby="replay-final-account">
        <h3 id="replay-final-account">Final account</h3>
        <FigureList entries={group('account')} currency={currency} label={(path) => fieldName(lastKey(path))} />
      </section>
      {summary.positions.length > 0 ? (
        <section aria-labelledby="replay-open-positions">
          <h3 id="replay-open-positions">Still open at the end</h3>
          {summary.positions.map((position, index) => (
            <FigureList key={index} entries={leaves(position, `summary.positions.${index}`)} currency={currency} label={(path) => fieldName(lastKey(path))} />
          ))}
        </section>
      ) : null}
      <section aria-labelledby="replay-totals">
        <h3 id="replay-totals">Money in and out</h3>
        <FigureList entries={group('totals')} currency={currency} label={(path) => fieldName(lastKey(path))} />
      </section>
      <section aria-labelledby="replay-counts">
        <h3 id="replay-counts">Events by type</h3>
        <FigureList entries={group('events')} currency={currency} label={(path) => eventName(lastKey(path))} />
      </section>
      <section aria-labelledby="replay-ledger">
        <h3 id="replay-ledger">Debt and the record</h3>
        <FigureList entries={others} currency={currency} label={otherLabel} />
      </section>
    </div>
  );
}
