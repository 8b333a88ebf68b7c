// Lint the import boundaries of ../shared/DESIGN.md: a boundary that isn't linted will be crossed.
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'crypto', 'child_process', 'http', 'https', 'net', 'url', 'util', 'stream', 'events', 'worker_threads'];

const restrict = (...groups) => ({
  'no-restricted-imports': ['error', { patterns: groups.flat() }],
});

const noElectron = { group: ['electron', 'electron/*'], message: 'Only electron/main and electron/preload may import electron.' };
const noReact = { group: ['react', 'react-dom', 'react/*', 'react-dom/*', 'zustand', 'zustand/*'], message: 'UI libraries belong in renderer/.' };
const noNode = { group: nodeBuiltins, message: 'This folder runs outside Node: no Node built-ins.' };
const noNative = { group: ['better-sqlite3', 'keytar', 'conf', 'electron-store', 'ws', 'stripe', '@hubspot/*'], message: 'Native and provider modules stay in core (outside contract).' };
const noRenderer = { group: ['**/renderer/**'], message: 'core and electron/main never import the renderer.' };
const onlyContract = {
  group: ['**/core/**', '!**/core/contract', '!**/core/contract/**'],
  message: 'Only core/contract may be imported here.',
};

export default tseslint.config(
  { ignores: ['node_modules/**', 'out/**', 'dist/**', 'test-results/**', 'playwright-report/**'] },
  {
    files: ['**/*.{ts,tsx,js,mjs}'],
    languageOptions: { parser: tseslint.parser, ecmaVersion: 2024, sourceType: 'module' },
    plugins: { '@typescript-eslint': tseslint.plugin },
    linterOptions: { reportUnusedDisableDirectives: 'off' },
    rules: {
      'no-debugger': 'error',
      'no-var': 'error',
      'prefer-const': 'error',
      eqeqeq: ['error', 'smart'],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    files: ['renderer/**/*.tsx', 'renderer/**/*.ts'],
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'warn' },
  },
  {
    files: ['core/contract/**'],
    rules: restrict(noElectron, noReact, noNode, noNative, noRenderer, {
      group: ['../*', '!../contract', '!../contract/**'],
      message: 'core/contract imports nothing else from core.',
    }),
  },
  {
    files: ['core/**'],
    ignores: ['core/contract/**'],
    rules: restrict(noElectron, noReact, noRenderer),
  },
  {
    files: ['renderer/**'],
    ignores: ['renderer/vite.config.ts'],
    rules: restrict(noElectron, noNode, noNative, onlyContract),
  },
  {
    files: ['electron/preload/**'],
    rules: restrict(noNode, noNative, noReact, noRenderer, onlyContract),
  },
  {
    files: ['electron/main/**'],
    rules: restrict(noReact, noRenderer),
  },
);
