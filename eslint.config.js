// ESLint (`npm run lint`, part of `npm run check`, zero warnings): the recommended sets of ESLint,
// typescript-eslint (type-aware) and eslint-plugin-svelte. A rule is changed here only with a one-line reason.
import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

export default ts.config(
  {
    ignores: ['dist/', 'cdk.out/', 'test-results/', 'playwright-report/', '.data/', '.tmp/', 'tests/infra/fixtures/'],
  },
  js.configs.recommended,
  ts.configs.recommendedTypeChecked,
  svelte.configs.recommended,
  {
    languageOptions: {
      parserOptions: {
        // One program per layer's tsconfig (the project service would only find files named tsconfig.json).
        project: ['./tsconfig.core.json', './tsconfig.functions.json', './tsconfig.json', './tsconfig.node.json'],
        extraFileExtensions: ['.svelte'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // Stores, senders and test fakes implement Promise-returning interfaces; a synchronous body is simplest.
      '@typescript-eslint/require-await': 'off',
      // A leading underscore marks a parameter or destructured key that is deliberately unused.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      // A variable a callback reads before its one assignment (a server handler needing the server) cannot be const.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      // Playwright fixtures must destructure their first parameter, even when they use none of it: `async ({}, use)`.
      'no-empty-pattern': ['error', { allowObjectPatternsAsParameters: true }],
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: {
      parserOptions: { parser: ts.parser, svelteConfig },
    },
    rules: {
      // Svelte's own prefer-const knows that `let { x } = $props()` is the convention for props.
      'prefer-const': 'off',
      'svelte/prefer-const': ['error', { ignoreReadBeforeAssign: true }],
    },
  },
  {
    // Plain JS configs belong to no tsconfig: lint them without type information.
    files: ['**/*.js', '**/*.cjs'],
    ...ts.configs.disableTypeChecked,
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
  },
  {
    // The web app runs in the browser …
    files: ['src/**'],
    languageOptions: { globals: globals.browser },
  },
  {
    // … everything else on Node.
    files: ['functions/**', 'infra/**', 'scripts/**', 'tests/**', '*.config.{js,ts}', '*.cjs'],
    languageOptions: { globals: globals.node },
  },
  {
    files: ['tests/**'],
    rules: {
      // vitest's asymmetric matchers (expect.any, expect.objectContaining) are typed `any` by design.
      '@typescript-eslint/no-unsafe-assignment': 'off',
    },
  },
  {
    // The QR code's SVG is generated locally by uqr (share link, LAN setup page); no outside markup reaches {@html}.
    files: ['src/components/QrCode.svelte'],
    rules: { 'svelte/no-at-html-tags': 'off' },
  },
  {
    // State classes keep plain listener Sets for their subscribers on purpose: nothing renders them.
    files: ['src/lib/state/**'],
    rules: { 'svelte/prefer-svelte-reactivity': 'off' },
  },
);
