/**
 * The answer, first on the calculator, above every number: can this account end up owing money at
 * this venue? One sentence from the venue's deficit policy (and, where the client owes deficits,
 * the smallest gap on a 0.01 % grid that leaves a debt), then one on the account's status now.
 * The logic is analysis.ts's `answerFor`; this only renders its pieces.
 */
import { useMemo } from 'preact/hooks';
import { Figure } from '../../components/Figure.js';
import type { AnalysisProps } from './analysis-props.js';
import { answerFor, type Piece } from './analysis.js';
import './analysis.css';

/** Text with figures in it, each figure with its own data-field and data-value. */
export function Pieces({ pieces }: { readonly pieces: readonly Piece[] }) {
  return (
    <>
      {pieces.map((piece, index) => (typeof piece === 'string'
        ? piece
        : <Figure key={`${piece.field}-${index}`} field={piece.field} value={piece.value}>{piece.text}</Figure>))}
    </>
  );
}

export function Answer({ snapshot, report }: AnalysisProps) {
  const key = JSON.stringify(snapshot);
  const answer = useMemo(() => answerFor(snapshot, report), [key]);
  return (
    <div class={`answer ${answer.tone}`} data-answer>
      {answer.sentences.map((sentence, index) => <p key={index}><Pieces pieces={sentence} /></p>)}
    </div>
  );
}
