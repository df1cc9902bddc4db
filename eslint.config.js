// ESLint flat config: typescript-eslint's recommended rules on every TypeScript file, with the
// browser globals for viewer/ and Node's for the rest. Formatting is Prettier's job
// (eslint-config-prettier turns off the rules that would fight it); import cycles, type-only
// imports included, are dependency-cruiser's (.dependency-cruiser.cjs).
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'data/', 'coverage/', 'node_modules/', '.tmp/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-console': 'off',
      // Input checks match control characters on purpose, to refuse them.
      'no-control-regex': 'off',
    },
  },
  {
    // The two type-aware rules worth their cost here: a promise nobody awaits loses its error.
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: { '@typescript-eslint/no-floating-promises': 'error', '@typescript-eslint/no-misused-promises': 'error' },
  },
  { files: ['viewer/**'], languageOptions: { globals: { ...globals.browser } } },
  { files: ['shared/**'], languageOptions: { globals: {} } },
  prettier,
);
