// Lint rules. The core's boundary (no I/O, no clock, no randomness, nothing imported from outside
// src/core) is enforced here and again by test/core-boundary.test.ts.
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const CORE_SOURCES = ['src/core/**/*.ts'];
const TESTS = ['**/*.test.ts'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'web/dist/**', 'coverage/**', '.stopout-tmp/**'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  { languageOptions: { globals: { ...globals.node } } },
  // The web app runs in a browser (and its workers); it reaches the core and the simulator only.
  { files: ['src/web/**/*.{ts,tsx}'], languageOptions: { globals: { ...globals.browser, ...globals.worker } } },
  {
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }],
      eqeqeq: 'error',
      'no-console': 'off',
    },
  },
  {
    files: CORE_SOURCES,
    ignores: TESTS,
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ regex: '^(?!\\.\\.?/)', message: 'src/core has no dependencies: import only from within src/core.' }],
      }],
      'no-restricted-globals': ['error',
        ...['process', 'Buffer', 'require', 'setTimeout', 'setInterval', 'fetch', 'performance', 'crypto', 'Date', 'console']
          .map((name) => ({ name, message: 'src/core is pure: time, I/O, randomness and logging come in as arguments.' })),
      ],
      'no-restricted-properties': ['error',
        { object: 'Math', property: 'random', message: 'src/core is deterministic: seeds come in as arguments.' }],
    },
  },
);
