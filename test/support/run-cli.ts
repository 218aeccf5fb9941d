/** Runs the built `stopout` command (dist/cli/main.js) as a user would, without the debug switch. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(import.meta.dirname, '..', '..');
export const CLI_MAIN = join(REPO_ROOT, 'dist', 'cli', 'main.js');

export interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function stopout(args: readonly string[], stdin = '', cwd = REPO_ROOT): Run {
  const env = { ...process.env };
  delete env.STOPOUT_DEBUG;
  const result = spawnSync(process.execPath, [CLI_MAIN, ...args], { cwd, env, input: stdin, encoding: 'utf8', timeout: 60_000 });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Standard error shows no sign of a thrown error. */
export function assertNoCrash(run: Run): void {
  assert.ok(!run.stderr.includes('    at '), `stack trace on stderr:\n${run.stderr}`);
  assert.doesNotMatch(run.stderr, /(^|\s)[A-Za-z]*Error:/, `a thrown error on stderr:\n${run.stderr}`);
  assert.doesNotMatch(run.stderr, /internal error/, `internal error on stderr:\n${run.stderr}`);
}

/** One expected line of standard error: how it starts, and what else it contains. */
export type Line = readonly [start: string, ...fragments: string[]];

/** Exit 2, nothing on stdout, exactly one stderr line per expected problem, in order. */
export function assertRejected(run: Run, expected: readonly Line[]): void {
  assertNoCrash(run);
  assert.equal(run.status, 2, `exit code (stderr: ${run.stderr})`);
  assert.equal(run.stdout, '', 'nothing on standard output');
  assert.ok(run.stderr.endsWith('\n'), `stderr ends with a newline: ${JSON.stringify(run.stderr)}`);
  const lines = run.stderr.slice(0, -1).split('\n');
  assert.equal(lines.length, expected.length, `one line per problem, got:\n${run.stderr}`);
  expected.forEach(([start, ...fragments], index) => {
    const line = lines[index] ?? '';
    assert.ok(line.startsWith(start), `line ${index + 1} ${JSON.stringify(line)} should start with ${JSON.stringify(start)}`);
    for (const fragment of fragments) {
      assert.ok(line.includes(fragment), `line ${index + 1} ${JSON.stringify(line)} should contain ${JSON.stringify(fragment)}`);
    }
  });
}
