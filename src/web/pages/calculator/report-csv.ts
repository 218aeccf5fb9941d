/**
 * The report as CSV: a header `field,value`, then one row per leaf of the report JSON, its dotted
 * path and its value as data-value writes it (spec/web.md). Every field is quoted, a quote doubled,
 * and rows end in CRLF (RFC 4180).
 */
import type { ReportJson } from '../../../core/index.js';
import { dataValue, leaves } from '../../lib/figures.js';

const quoted = (text: string): string => `"${text.replace(/"/g, '""')}"`;

export function reportCsv(report: ReportJson): string {
  const rows = [['field', 'value'], ...leaves(report).map(([path, leaf]) => [path, dataValue(leaf)])];
  return rows.map((row) => `${row.map(quoted).join(',')}\r\n`).join('');
}
