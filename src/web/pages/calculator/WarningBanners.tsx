/**
 * The report's warnings (report.md `warnings`): what the venue would not have allowed, each a
 * banner with the core's message and its stable code.
 */
import type { ReportJson } from '../../../core/index.js';
import { Figure } from '../../components/Figure.js';

export function WarningBanners({ report }: { readonly report: ReportJson }) {
  if (report.warnings.length === 0) return null;
  return (
    <ul class="calc-warnings">
      {report.warnings.map((warning, index) => (
        <li key={index} class="banner warn">
          <Figure field={`warnings.${index}.message`} value={warning.message} />{' '}
          <small class="muted">(<Figure field={`warnings.${index}.code`} value={warning.code} class="mono" />)</small>
        </li>
      ))}
    </ul>
  );
}
