/**
 * Price files named inside an input file (a scenario's prices.file, a simulation's model.file):
 * found beside that file, or failing that from the working directory, and read into bars with a
 * one-line error naming the field when they cannot be.
 */
import { access, readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { formatProblem, parsePriceFile, type Bar, type PriceFileOptions } from '../core/index.js';

/**
 * A file named in `source` (an input file, or '-' for standard input): relative to it, or, when it
 * is not there, to the working directory (an input written to a temporary file may name a file from
 * where the command runs).
 */
export async function locateBeside(file: string, source: string): Promise<string> {
  const beside = resolve(source === '-' ? process.cwd() : dirname(source), file);
  if (isAbsolute(file) || source === '-') return beside;
  try {
    await access(beside);
    return beside;
  } catch {
    const fromHere = resolve(process.cwd(), file);
    try {
      await access(fromHere);
      return fromHere;
    } catch {
      return beside;
    }
  }
}

/** A file named by `field` as text, or `field: cannot read PATH: why`. */
export async function readTextFile(path: string, field: string): Promise<{ text: string } | { error: string }> {
  try {
    return { text: await readFile(path, 'utf8') };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a directory, not a file' : (error as Error).message;
    return { error: `${field}: cannot read ${path}: ${reason}` };
  }
}

/** The bars of a price file, or what is wrong: `field: cannot read PATH: why`, or one `PATH: problem` line per problem. */
export async function readPriceBars(path: string, field: string, window: PriceFileOptions): Promise<{ bars: Bar[] } | { error: string }> {
  const read = await readTextFile(path, field);
  if ('error' in read) return read;
  const parsed = parsePriceFile(read.text, window);
  if (!parsed.ok) return { error: parsed.error.map((problem) => `${path}: ${formatProblem(problem)}`).join('\n') };
  return { bars: parsed.value };
}
