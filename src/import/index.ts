/**
 * `stopout import`: the registry of venue importers, and the one entry point every edge uses (the
 * CLI, the service's POST /v1/accounts with "import", the web calculator's paste box).
 */
import { parseSnapshot } from '../core/snapshot/parse-snapshot.js';
import { formatProblem } from '../core/result.js';
import { classifyFiles } from './classify.js';
import { checkFigures, type CheckRow } from './check.js';
import type { ImportFile, ImportOptions, ImportOutcome, ImportProblem, ImportResult, ImportStep, SnapshotJson, VenueImporter } from './import-types.js';
import { binanceCoinmImporter, binanceUsdmImporter } from './venues/binance.js';
import { bybitLinearImporter } from './venues/bybit.js';
import { hyperliquidImporter } from './venues/hyperliquid.js';
import { dydxImporter } from './venues/dydx.js';
import { mt5Importers } from './venues/mt5.js';
import { ccxtImporter } from './venues/ccxt.js';
export { CCXT_SOURCE_VENUES } from './venues/ccxt.js';

export type { ImportFile, ImportOptions, ImportOutcome, ImportProblem, ImportResult, SnapshotJson, VenueImporter } from './import-types.js';
export { formatImportProblem } from './import-types.js';
export type { CheckRow } from './check.js';

export const IMPORTERS: readonly VenueImporter[] = [
  binanceUsdmImporter, binanceCoinmImporter, bybitLinearImporter, hyperliquidImporter, dydxImporter, ...mt5Importers, ccxtImporter,
];

export const IMPORT_VENUES: readonly string[] = IMPORTERS.map((importer) => importer.venue);

export function importerFor(venue: string): VenueImporter | undefined {
  return IMPORTERS.find((importer) => importer.venue === venue);
}

/**
 * Files in, the snapshot out, checked by the core's own parser: an importer that wrote something
 * the report would refuse is reported as a problem of the import, never passed on half-made.
 */
export function importAccount(venue: string, files: readonly ImportFile[], options: ImportOptions = {}): ImportResult {
  const importer = importerFor(venue);
  if (!importer) {
    return { ok: false, error: [{ file: '', field: 'venue', message: `no importer for ${JSON.stringify(venue)}; one of: ${IMPORT_VENUES.join(', ')}` }] };
  }
  if (files.length === 0) {
    return { ok: false, error: [{ file: '', field: 'files', message: `give at least one file ${venue} gives: ${importer.kinds.map((kind) => kind.description).join('; ')}` }] };
  }
  const classified = classifyFiles(importer, files, IMPORTERS);
  if (!classified.ok) return classified;
  const built = importer.build(classified.value, options);
  if (!built.ok) return built;
  const parsed = parseSnapshot(built.value.snapshot);
  if (!parsed.ok) {
    return {
      ok: false,
      error: parsed.error.map((problem): ImportProblem => ({ file: 'the imported snapshot', field: '', message: formatProblem(problem) })),
    };
  }
  return built;
}

export interface CheckedImport {
  readonly snapshot: SnapshotJson;
  readonly check: readonly CheckRow[];
  readonly warnings: readonly string[];
}

export type CheckedImportResult = ImportStep<CheckedImport>;

/** The import, and each figure the venue reported beside the core's (spec/import.md `--check`). */
export function importAndCheck(venue: string, files: readonly ImportFile[], options: ImportOptions = {}): CheckedImportResult {
  const imported = importAccount(venue, files, options);
  if (!imported.ok) return imported;
  const rows = checkFigures(imported.value.snapshot, imported.value.figures);
  if (!rows.ok) {
    return { ok: false, error: rows.error.map((problem) => ({ file: 'the imported snapshot', field: '', message: formatProblem(problem) })) };
  }
  return { ok: true, value: { snapshot: imported.value.snapshot, check: rows.value, warnings: imported.value.warnings } };
}

export type { ImportOutcome as Imported };
