/**
 * Each file's kind is recognised by its shape, in any order (spec/import.md). A file that is no
 * kind this venue gives is named, with the kinds accepted; where it is a kind another venue gives,
 * that venue is named too ("a hyperliquid clearinghouseState, not binance-usdm data").
 */
import type { FileKind, FilesByKind, ImportFile, ImportProblem, ImportStep, VenueImporter } from './import-types.js';

export type Classified = ImportStep<FilesByKind>;

export function classifyFiles(
  importer: VenueImporter, files: readonly ImportFile[], others: readonly VenueImporter[],
): Classified {
  const byKind = new Map<string, ImportFile[]>();
  const problems: ImportProblem[] = [];
  for (const file of files) {
    const kind: FileKind | undefined = importer.kinds.find((candidate) => candidate.matches(file.value));
    if (kind) {
      byKind.set(kind.id, [...(byKind.get(kind.id) ?? []), file]);
      continue;
    }
    const elsewhere = others.filter((other) => other.venue !== importer.venue)
      .flatMap((other) => other.kinds.filter((candidate) => candidate.matches(file.value)).map((candidate) => ({ other, candidate })))[0];
    const accepted = importer.kinds.map((candidate) => candidate.description).join('; ');
    problems.push({
      file: file.name,
      field: '',
      message: elsewhere
        ? `this is ${elsewhere.other.venue} data (${elsewhere.candidate.description}), not ${importer.venue} data; ${importer.venue} accepts: ${accepted}`
        : `not a shape ${importer.venue} gives; accepted: ${accepted}`,
    });
  }
  return problems.length ? { ok: false, error: problems } : { ok: true, value: byKind };
}
