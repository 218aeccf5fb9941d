#!/usr/bin/env node
// Runs every *.test.ts under src/ and test/ with node:test through tsx (Node 20's --test cannot glob
// TypeScript files itself). Extra arguments filter the files by substring: `npm test -- decimal`.
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
function testFiles(directory) {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    if (name === 'node_modules' || name === 'dist') return [];
    if (statSync(path).isDirectory()) return testFiles(path);
    return name.endsWith('.test.ts') ? [path] : [];
  });
}
const filters = process.argv.slice(2);
const files = ['src', 'test', 'bench']
  .map((folder) => join(root, folder))
  .filter((folder) => { try { return statSync(folder).isDirectory(); } catch { return false; } })
  .flatMap(testFiles)
  .map((file) => relative(root, file))
  .filter((file) => filters.length === 0 || filters.some((filter) => file.includes(filter)))
  .sort();
if (files.length === 0) {
  console.error(`no test files match ${filters.join(', ')}`);
  process.exit(1);
}
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', ...files], { cwd: root, stdio: 'inherit' });
process.exit(result.status ?? 1);
