// Lint for safety, not style: the type-aware promise rules catch the bugs that bite a Temporal
// worker or an HTTP handler (a promise nobody awaits, an async callback where a sync one is
// expected). Purely stylistic rules stay off so the linter never forces mass edits.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      '.cache/',
      '.temporal/',
      'coverage/',
      'examples/**/dist/',
      '**/*.json',
      'bin/**',
      '*.cjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // The browser console (web/console/src, .tsx) has its own web/console/tsconfig.json (DOM, JSX), which the
    // project service finds by itself.
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['vitest.config.ts'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/require-await': 'off',
      // `_`-prefixed names are deliberate placeholders (an unused handler argument, a destructured rest).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],
      // The type system already checks these, and the escape hatches are used where a library's types are wrong.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-undef': 'off',
    },
  },
  {
    files: ['**/*.test.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      // Tests build deliberately broken inputs and fakes.
      '@typescript-eslint/no-unused-expressions': 'off',
    },
  },
);
