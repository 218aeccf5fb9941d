/** What a live fetch gives: the venue's answers as import files, or every problem. */
import type { ImportFile, ImportProblem } from '../import-types.js';

export type Fetched = { ok: true; files: ImportFile[] } | { ok: false; problems: ImportProblem[] };
