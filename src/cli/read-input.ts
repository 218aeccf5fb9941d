/**
 * Reads a JSON document from a file or standard input ('-'). Every failure is a one-line message
 * naming the file, never a stack trace.
 */
import { readFile, stat } from 'node:fs/promises';
import { parse, printParseErrorCode, type ParseError } from 'jsonc-parser';

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

const UTF8_BYTE_ORDER_MARK = '\uFEFF';

const JSON_ERRORS: Readonly<Record<string, string>> = {
  InvalidSymbol: 'an invalid symbol',
  InvalidNumberFormat: 'a malformed number',
  PropertyNameExpected: 'a property name was expected',
  ValueExpected: 'a value was expected',
  ColonExpected: 'a colon was expected',
  CommaExpected: 'a comma was expected',
  CloseBraceExpected: "a closing '}' was expected",
  CloseBracketExpected: "a closing ']' was expected",
  EndOfFileExpected: 'the document should end here',
  InvalidCommentToken: 'comments are not JSON',
  UnexpectedEndOfComment: 'comments are not JSON',
  UnexpectedEndOfString: 'a string is not closed',
  UnexpectedEndOfNumber: 'a number is cut short',
  InvalidUnicode: 'an invalid unicode escape',
  InvalidEscapeCharacter: 'an invalid escape character',
  InvalidCharacter: 'an invalid character in a string',
};

/** Where strict JSON parsing fails, as "line L, column C: what" (jsonc-parser locates it; V8's own message often does not). */
function describeJsonError(text: string): string {
  const errors: ParseError[] = [];
  parse(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const first = errors[0];
  const offset = first ? first.offset : text.length;
  const what = first ? JSON_ERRORS[printParseErrorCode(first.error)] ?? printParseErrorCode(first.error) : 'the document ends too early';
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return `line ${line}, column ${column}: ${what}`;
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
  if (text.startsWith(UTF8_BYTE_ORDER_MARK)) text = text.slice(1);
  if (text.trim() === '') return { ok: false, message: `${name}: empty: expected a JSON snapshot` };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, message: `${name}: not valid JSON: ${describeJsonError(text)}` };
  }
}
