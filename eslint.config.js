// Lint rules: typescript-eslint's recommended set plus the project's import-direction rule.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', '.earworm/**', 'dist/**', 'migrations/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // Imports flow bots -> agent -> tools -> recsys; recsys stands alone.
    files: ['src/recsys/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['**/bots/**', '**/agent/**', '**/tools/**', '**/db/**', '**/cli/**'] }],
    },
  },
  {
    // process.env is read only by the config module.
    files: ['src/**/*.ts'],
    ignores: ['src/config/**'],
    rules: {
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read configuration through src/config.' }],
    },
  },
);
