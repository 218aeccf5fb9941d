/**
 * The command line that gives the same report: `npx stopout report snapshot.json`, or, in one line,
 * the snapshot on standard input, quoted for a POSIX shell (inside single quotes, a single quote is
 * written '\'').
 */
export const FILE_COMMAND = 'npx stopout report snapshot.json';

export function pipeCommand(snapshot: unknown): string {
  const json = JSON.stringify(snapshot);
  return `echo '${json.replace(/'/g, `'\\''`)}' | npx stopout report -`;
}
