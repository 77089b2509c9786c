import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'miniprogram/miniprogram_npm/',
      'cloudfunctions/*/index.js',
      'coverage/',
      '.data/',
      '.sim-build/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
      eqeqeq: ['error', 'smart'],
    },
  },
  {
    files: ['miniprogram/**/*.ts'],
    languageOptions: {
      globals: {
        wx: 'readonly',
        getApp: 'readonly',
        getCurrentPages: 'readonly',
        Page: 'readonly',
        Component: 'readonly',
        App: 'readonly',
        Behavior: 'readonly',
      },
    },
    rules: {
      // Mini program code must not reach node, the cloud functions, the stand-ins or the tests
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*', 'fs', 'path', 'http'], message: 'The mini program cannot use node modules.' },
            {
              regex: '(^|/)(cloudfunctions|emulator|test|scripts)/',
              message:
                'The mini program imports only its own files and typings/ (the cloud side imports miniprogram/shared, never the other way).',
            },
          ],
        },
      ],
    },
  },
  {
    // The rules both sides run: plain TypeScript, no mini program API, no imports beyond shared/ and typings/
    files: ['miniprogram/shared/**/*.ts'],
    languageOptions: { globals: {} },
    rules: {
      'no-restricted-globals': [
        'error',
        ...['wx', 'getApp', 'getCurrentPages', 'Page', 'Component', 'App', 'Behavior'].map((name) => ({
          name,
          message: 'miniprogram/shared runs in the cloud functions too: no mini program globals.',
        })),
      ],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!\\./|\\.\\./\\.\\./typings/)',
              message: 'miniprogram/shared imports only its own files and typings/.',
            },
          ],
        },
      ],
    },
  },
  {
    // The cloud side may import the mini program's shared rules, nothing else of it (and no test wiring)
    files: ['cloudfunctions/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '(^|/)miniprogram/(?!shared/)',
              message: 'Cloud functions import only miniprogram/shared from the mini program.',
            },
            {
              regex: '(^|/)(emulator|test|scripts)/',
              message: 'Production code is free of test wiring: stand-ins are reached through env vars.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts'],
    languageOptions: { globals: { ...globals.jest, wx: 'readonly' } },
    rules: { '@typescript-eslint/no-explicit-any': 'off', '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['**/*.js'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // The simulator's browser runtime (bundled by esbuild into the frame page)
    files: ['emulator/simulator/runtime/**/*.js'],
    languageOptions: { sourceType: 'module', globals: { ...globals.browser } },
  },
);
