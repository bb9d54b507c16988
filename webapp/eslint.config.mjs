import js from '@eslint/js';
import {defineConfig} from 'eslint/config';
import react from 'eslint-plugin-react';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
    {
        ignores: ['dist/', 'coverage/', 'node_modules/'],
    },
    js.configs.recommended,
    tseslint.configs.recommended,
    {
        files: ['src/**/*.{ts,tsx}'],
        ...react.configs.flat.recommended,
        languageOptions: {
            ...react.configs.flat.recommended.languageOptions,
            globals: globals.browser,
        },
        plugins: {
            react,
            'react-hooks': reactHooks,
        },
        settings: {
            react: {version: 'detect'},
        },
        rules: {
            ...react.configs.flat.recommended.rules,
            ...reactHooks.configs.recommended.rules,
            // Props are typed with TypeScript.
            'react/prop-types': 'off',
            'react/button-has-type': 'error',
            eqeqeq: ['error', 'always'],
            'no-console': 'error',
            '@typescript-eslint/consistent-type-imports': 'error',
            '@typescript-eslint/no-unused-vars': ['error', {
                argsIgnorePattern: '^_',
                varsIgnorePattern: '^_',
                caughtErrorsIgnorePattern: '^_',
            }],
        },
    },
    {
        // The browser test (Node, driving Chromium; callbacks of
        // page.evaluate run in the page).
        files: ['e2e/**/*.mjs'],
        languageOptions: {
            globals: {...globals.node, ...globals.browser},
        },
    },
    {
        // The stand-in for the Mattermost webapp, loaded as a plain script.
        files: ['e2e/harness/host.js'],
        languageOptions: {
            sourceType: 'script',
            globals: {...globals.browser, React: 'readonly', ReactDOM: 'readonly', ReactIntl: 'readonly'},
        },
    },
    {
        files: ['*.js'],
        languageOptions: {
            sourceType: 'commonjs',
            globals: globals.node,
        },
        rules: {
            '@typescript-eslint/no-require-imports': 'off',
        },
    },
);
