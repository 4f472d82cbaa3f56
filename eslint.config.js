import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

export default tseslint.config(
  {
    // Each plugin lints itself with the Grafana config its scaffold ships (React rules, its own Prettier style).
    ignores: ['**/dist/**', '**/node_modules/**', '**/coverage/**', '**/.config/**', 'plugin/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
);
