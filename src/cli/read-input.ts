/**
 * Reads a JSON document from a file or standard input ('-'). Every failure is a one-line message
 * naming the file, never a stack trace.
 */
import { readFile, stat } from 'node:fs/promises';

export const MAX_INPUT_BYTES = 16 * 1024 * 1024;

export type ReadOutcome = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly message: string };

async function readStandardInput(): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > MAX_INPUT_BYTES) throw new RangeError(`more than ${MAX_INPUT_BYTES} bytes`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function describeJsonError(text: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const position = /position (\d+)/.exec(message);
  if (!position) return message;
  const offset = Number(position[1]);
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return `${message.replace(/ in JSON at position \d+.*$/, '').replace(/ \(line \d+ column \d+\)$/, '')} at line ${line}, column ${column}`;
}

export async function readJsonInput(source: string): Promise<ReadOutcome> {
  const name = source === '-' ? 'standard input' : source;
  let text: string;
  try {
    if (source === '-') {
      text = await readStandardInput();
    } else {
      const info = await stat(source);
      if (!info.isFile()) return { ok: false, message: `${name}: not a file` };
      if (info.size > MAX_INPUT_BYTES) return { ok: false, message: `${name}: larger than ${MAX_INPUT_BYTES} bytes` };
      text = await readFile(source, 'utf8');
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
    return { ok: false, message: `${name}: cannot read: ${reason}` };
  }
  if (text.trim() === '') return { ok: false, message: `${name}: empty: expected a JSON snapshot` };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, message: `${name}: not valid JSON: ${describeJsonError(text, error)}` };
  }
}
