// Lint for all Node-side TypeScript. The one rule that matters most: the Raft core and the chart state
// machine are pure functions of their inputs. No clock, no randomness but the injected one, no I/O.
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

/** Folders whose code must stay deterministic and free of I/O. */
const pureFolders = ['leader-worker/src/raft/**/*.ts', 'leader-worker/src/chart/**/*.ts', 'leader-worker/src/invariants/**/*.ts'];

/**
 * The chart domain has one public entry, leader-worker/src/chart/index.ts: everything outside the chart
 * folder (and outside the chart's own specs, which test its parts) imports the chart from there.
 */
const chartBoundaryMessage = 'Import the chart domain through its public entry, chart/index.js, never one of its files.';
const chartBoundary = { regex: '/src/chart/(?!index\\.js$)', message: chartBoundaryMessage };
/** The same, for leader-worker/src, whose folders import each other as ../chart/... */
const chartBoundaryInSource = { regex: '^\\.\\./chart/(?!index\\.js$)', message: chartBoundaryMessage };
const chartInternals = ['leader-worker/src/chart/**/*.ts', 'leader-worker/test/chart/**/*.ts'];
const pureImports = { group: ['node:*', 'fs', 'fs/*', 'net', 'http', 'https', 'worker_threads', 'idb', 'localforage', 'peerjs'], message: 'Pure code: no I/O modules.' };

const impureGlobals = [
  'Date', 'setTimeout', 'setInterval', 'setImmediate', 'clearTimeout', 'clearInterval', 'clearImmediate',
  'queueMicrotask', 'requestAnimationFrame', 'fetch', 'XMLHttpRequest', 'WebSocket', 'indexedDB',
  'localStorage', 'sessionStorage', 'postMessage', 'performance', 'crypto', 'process', 'console',
].map((name) => ({ name, message: `The Raft core and the chart state machine are pure: '${name}' is I/O, time or randomness. Take it as an input.` }));

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.data/**'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    ignores: chartInternals,
    rules: { 'no-restricted-imports': ['error', { patterns: [chartBoundary] }] },
  },
  {
    files: ['leader-worker/src/**/*.ts'],
    ignores: chartInternals,
    rules: { 'no-restricted-imports': ['error', { patterns: [chartBoundary, chartBoundaryInSource] }] },
  },
  {
    files: pureFolders,
    rules: {
      'no-restricted-globals': ['error', ...impureGlobals],
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: 'Pure code: use the injected RandomSource.' },
        { object: 'globalThis', message: 'Pure code: no ambient globals.' },
        { object: 'window', message: 'Pure code: no ambient globals.' },
        { object: 'self', message: 'Pure code: no ambient globals.' },
      ],
      'no-restricted-imports': ['error', { patterns: [pureImports, chartBoundary, chartBoundaryInSource] }],
    },
  },
);
