/** Runs the built `stopout` command (dist/cli/main.js) as a user would, without the debug switch. */
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
