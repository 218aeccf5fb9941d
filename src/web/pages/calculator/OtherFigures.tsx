/** The report's leaves that no section lays out (report-fields.ts), each still shown once with its path. */
import type { ReportJson } from '../../../core/index.js';
import { Figure } from '../../components/Figure.js';
import { otherLeaves } from './report-fields.js';

export function OtherFigures({ report }: { readonly report: ReportJson }) {
  const other = otherLeaves(report);
  if (other.length === 0) return null;
  return (
    <>
      <h3>More figures</h3>
      <dl class="figures">
        {other.flatMap(([path, value]) => [
          <dt key={`${path}-name`} class="mono">{path}</dt>,
          <dd key={`${path}-value`}><Figure field={path} value={value} /></dd>,
        ])}
      </dl>
    </>
  );
}
