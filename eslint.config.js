// Lint rules checked by `npm test` (npm run lint). Type-aware rules catch promises that are
// neither awaited nor handled — the bug class that loses a message or a write silently.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      'cdk.out/',
      '.emulators/',
      'test-artifacts/',
      'web/dist/',
      '**/*.js',
      '**/*.mjs',
      '**/*.cjs',
    ],
  },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommended],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      // A leading underscore marks a parameter or binding kept for its position or to omit a key.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  {
    // A request's target comes from the client: `new URL(req.url, …)` throws on one no URL can
    // hold (`//`), and a throw in a request or upgrade listener stopped the local runtime.
    files: ['src/adapters/**/*.ts', 'src/entrypoints/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector:
            'NewExpression[callee.name="URL"] MemberExpression[property.name="url"]:not([object.type="MetaProperty"])',
          message:
            'parse a request target with URL.parse (null when it holds no URL), or requestTarget in http-api-event.ts',
        },
      ],
    },
  },
  {
    // Tests hand-build AWS events and fakes; a cast through `any` there is a fixture, not a gap.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
