// src/core is pure and dependency-free (DESIGN.md, CONVENTIONS.md 1): every import is relative and
// stays inside src/core, no file reads a clock, randomness, the environment or the file system,
// and package.json gives the package no runtime dependency the core could lean on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const core = join(root, 'src', 'core');

function sources(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [path] : [];
  });
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+'([^']+)'|import\(\s*'([^']+)'\s*\)/g;

test('every import in src/core is relative and resolves inside src/core', () => {
  const files = sources(core);
  assert.ok(files.length > 20, 'the core has its modules');
  for (const file of files) {
    for (const match of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const specifier = match[1] ?? match[2] ?? '';
      assert.match(specifier, /^\.\.?\//, `${relative(root, file)} imports ${specifier}`);
      const target = resolve(dirname(file), specifier);
      assert.ok(target.startsWith(core + '/'), `${relative(root, file)} reaches outside the core: ${specifier}`);
    }
  }
});

test('no file in src/core reads a clock, randomness, the environment or the console', () => {
  const forbidden = [/\bMath\.random\b/, /\bDate\.now\b/, /\bnew Date\b/, /\bprocess\./, /\bconsole\./, /\bperformance\./];
  for (const file of sources(core)) {
    const text = readFileSync(file, 'utf8');
    for (const pattern of forbidden) assert.doesNotMatch(text, pattern, `${relative(root, file)} uses ${pattern}`);
  }
});
