// Lint for all Node-side TypeScript. The one rule that matters most: the Raft core and the chart state
// machine are pure functions of their inputs. No clock, no randomness but the injected one, no I/O.
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

/** Folders whose code must stay deterministic and free of I/O. */
const pureFolders = ['leader-worker/src/raft/**/*.ts', 'leader-worker/src/chart/**/*.ts'];

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
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['node:*', 'fs', 'fs/*', 'net', 'http', 'https', 'worker_threads', 'idb', 'localforage', 'peerjs'], message: 'Pure code: no I/O modules.' }] },
      ],
    },
  },
);
