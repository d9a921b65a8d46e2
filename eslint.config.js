import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'coverage/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Money must stay decimal: forbid float conversions that silently lose kopecks.
      'no-restricted-globals': ['error', { name: 'parseFloat', message: 'Money is decimal: use big.js.' }],
    },
  },
  {
    // Tests read JSON responses of many shapes; typing each would add noise, not safety.
    files: ['test/**/*.ts', '**/*.spec.ts', '**/*.test.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['@nestjs/*'], message: 'The domain is pure TypeScript: no NestJS.' }] },
      ],
    },
  },
);
