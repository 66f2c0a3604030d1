// Lint: typescript-eslint's type-checked rules, and the layering of docs/STYLE.md as import rules (eslint.layers.mjs),
// so a forbidden import is a lint error, not a review comment. Formatting is Prettier's (npm run lint checks it).

import js from '@eslint/js';
import comments from '@eslint-community/eslint-plugin-eslint-comments/configs';
import tseslint from 'typescript-eslint';
import { layers } from './eslint.layers.mjs';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.cache/**', 'coverage/**', 'reports/**', '.stryker-tmp/**', '**/*.d.mts'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.mjs', 'scripts/*.mjs', 'test/fixtures/lint/*.ts'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
  },
  // Every eslint-disable says why, on the same line (`-- reason`), and none outlives its reason.
  comments.recommended,
  {
    rules: { '@eslint-community/eslint-comments/require-description': ['error', { ignore: [] }] },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  {
    rules: {
      // `_` marks a deliberately unused binding (destructuring a field away, an ignored callback argument).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', destructuredArrayIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  {
    // This rule's type information disagrees with tsc's on casts to a wider local shape of an object type
    // (`pod.spec as { volumes?: Volume[] }`): removing what it calls unnecessary breaks the typecheck, so it
    // reports only; `npm run lint` runs it as a warning, tsc is the judge.
    rules: { '@typescript-eslint/no-unnecessary-type-assertion': 'warn' },
  },
  {
    // Plain JavaScript (scripts, configs): no type information to check against.
    files: ['**/*.mjs', '**/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['scripts/**/*.mjs', 'bin/**', '*.mjs'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        performance: 'readonly',
      },
    },
  },
  {
    // Tests reach into JSON fixtures and fakes typed loosely on purpose; the type-checked `no-unsafe-*` rules
    // would make every fixture access a cast without catching anything a failing assertion would not.
    files: ['test/**/*.ts', 'packages/*/test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-redundant-type-constituents': 'off',
    },
  },
  {
    // The simulated API server handles objects of every kind as the JSON they arrive as (admission defaults
    // and validates them field by field, as kube-apiserver does with unstructured objects); typing each access
    // would mean a cast per line, so `any` is allowed in its member accesses there, and only there.
    files: ['packages/sandbox/src/**/*.ts'],
    rules: {
      // With `any` objects, narrowing makes type-checked lint and tsc disagree on which casts are needed.
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
      // Exec streams and shell hosts are plain objects of functions that never use `this`.
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
    },
  },
  {
    // The shell's commands and the fakes in tests implement async interfaces (a command returns a Promise of its
    // exit code; a fake client's verbs return Promises) with bodies that are often synchronous: an `async`
    // without `await` is how they keep the interface's shape, not a forgotten await.
    files: ['packages/sandbox/src/kubelet/shell/**/*.ts', 'test/**/*.ts', 'packages/*/test/**/*.ts'],
    rules: { '@typescript-eslint/require-await': 'off' },
  },
  ...layers,
);
