// Lint for all Node-side TypeScript. The one rule that matters most: the Raft core (and, later, the chart
// state machine) is a pure function of its inputs. No clock, no randomness but the injected one, no I/O.
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

/** Folders whose code must stay deterministic and free of I/O. */
const pureFolders = ['leader-worker/src/raft/**/*.ts'];

const impureGlobals = [
  'Date', 'setTimeout', 'setInterval', 'setImmediate', 'clearTimeout', 'clearInterval', 'clearImmediate',
  'queueMicrotask', 'requestAnimationFrame', 'fetch', 'XMLHttpRequest', 'WebSocket', 'indexedDB',
  'localStorage', 'sessionStorage', 'postMessage', 'performance', 'crypto', 'process', 'console',
].map((name) => ({ name, message: `The Raft core is pure: '${name}' is I/O, time or randomness. Take it as an input.` }));

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
        { object: 'Math', property: 'random', message: 'The Raft core is pure: use the injected RandomSource.' },
        { object: 'globalThis', message: 'The Raft core is pure: no ambient globals.' },
        { object: 'window', message: 'The Raft core is pure: no ambient globals.' },
        { object: 'self', message: 'The Raft core is pure: no ambient globals.' },
      ],
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['node:*', 'fs', 'fs/*', 'net', 'http', 'https', 'worker_threads', 'idb', 'localforage', 'peerjs'], message: 'The Raft core is pure: no I/O modules.' }] },
      ],
    },
  },
);
