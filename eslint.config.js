// Lint for all Node-side TypeScript. The one rule that matters most: the Raft core and the chart state
// machine are pure functions of their inputs. No clock, no randomness but the injected one, no I/O.
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

/** Folders whose code must stay deterministic and free of I/O. */
const pureFolders = [
  'leader-worker/src/raft/**/*.ts', 'leader-worker/src/chart/**/*.ts', 'leader-worker/src/invariants/**/*.ts', 'leader-worker/src/statistics/**/*.ts',
  // The decisions and encodings of the link to central: uplink, feed import, lease keeper (their I/O edges sit beside them).
  'leader-worker/src/uplink/central-protocol.ts', 'leader-worker/src/uplink/base64.ts', 'leader-worker/src/uplink/upload-batch.ts',
  'leader-worker/src/uplink/retry-backoff.ts', 'leader-worker/src/uplink/uplink-decisions.ts', 'leader-worker/src/feed-import/feed-import-decisions.ts',
  'leader-worker/src/chart-leases/lease-keeper-decisions.ts',
  // Between devices: the link's frames and choices, device certificates and the connection handshake.
  'leader-worker/src/transport/link-frames.ts', 'leader-worker/src/transport/link-choice.ts',
  'leader-worker/src/device-identity/device-certificate.ts', 'leader-worker/src/device-identity/link-handshake.ts',
  // Who votes in a clinic.
  'leader-worker/src/voter-policy/voter-policy-decisions.ts',
  // Central's lease rules, shared by its repositories and the simulator's central.
  'central-api/src/leases/lease-rules.ts',
];

/**
 * Import boundaries. TypeScript's project references (tsconfig.json) already refuse an import of a project
 * not referenced; these rules say, in words, which way the parts of the repository may depend on each other.
 */
const boundaries = {
  /** The chart domain has one public entry, leader-worker/src/chart/index.ts. */
  chartEntry: { regex: '/src/chart/(?!index\\.js$)', message: 'Import the chart domain through its public entry, chart/index.js, never one of its files.' },
  /** The same, for leader-worker/src, whose folders import each other as ../chart/... */
  chartEntryInSource: { regex: '^\\.\\./chart/(?!index\\.js$)', message: 'Import the chart domain through its public entry, chart/index.js, never one of its files.' },
  /** The pure core (Raft, chart, invariants, statistics) knows nothing of the node, storage, transports or the Worker. */
  // field-readers.js (readers of untrusted fields) is pure itself: certificates and handshakes parse with it.
  pureCore: {
    regex: '^\\.\\./(node|storage|transport|worker)/|^\\.\\./wire/(?!field-readers\\.js$)',
    message: 'The pure core must not depend on the clinic node, storage, transports, the wire codec or the Worker.',
  },
  /** The clinic node runs on devices: it depends on no service, simulator or spec. */
  clinicNode: { regex: '(^|/)(central-api|simulations|test)/', message: 'leader-worker/src runs on devices: it must not import central-api, the simulator or specs.' },
  /** Central is a consumer of the clinic's shared code, never of the simulator (which drives central, not the reverse). */
  central: { regex: '(^|/)simulations/', message: 'central-api must not import the simulator: the simulator and the benchmarks depend on central, not the reverse.' },
  /** No I/O modules in pure code. */
  pureModules: { group: ['node:*', 'fs', 'fs/*', 'net', 'http', 'https', 'worker_threads', 'idb', 'localforage', 'peerjs'], message: 'Pure code: no I/O modules.' },
};

/** The chart's own files and specs reach its parts; everything else goes through the entry. */
const chartInternals = ['leader-worker/src/chart/**/*.ts', 'leader-worker/test/chart/**/*.ts'];

/** One no-restricted-imports setting per area (ESLint keeps the last matching setting of a rule, so each is whole). */
function restrictedImports(...patterns) {
  return { 'no-restricted-imports': ['error', { patterns }] };
}

const impureGlobals = [
  'Date', 'setTimeout', 'setInterval', 'setImmediate', 'clearTimeout', 'clearInterval', 'clearImmediate',
  'queueMicrotask', 'requestAnimationFrame', 'fetch', 'XMLHttpRequest', 'WebSocket', 'indexedDB',
  'localStorage', 'sessionStorage', 'postMessage', 'performance', 'crypto', 'process', 'console',
].map((name) => ({ name, message: `The Raft core and the chart state machine are pure: '${name}' is I/O, time or randomness. Take it as an input.` }));

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.data/**', '.stryker-tmp/**', 'reports/**'] },
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
    // Type-aware: a promise nobody awaits or handles loses its failure (a write that failed to persist, an
    // upload that broke) without a trace. Fire-and-forget is written `void promise` with a comment why.
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // Requests of an IndexedDB transaction passed through its `track` are reported by the transaction's outcome.
      '@typescript-eslint/no-floating-promises': ['error', { allowForKnownSafeCalls: [{ from: 'file', name: 'track', path: 'leader-worker/src/storage/device-database.ts' }] }],
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false, attributes: false } }],
    },
  },
  { ignores: chartInternals, rules: restrictedImports(boundaries.chartEntry) },
  { files: ['central-api/**/*.ts'], rules: restrictedImports(boundaries.chartEntry, boundaries.central) },
  { files: ['leader-worker/src/**/*.ts'], ignores: chartInternals, rules: restrictedImports(boundaries.chartEntry, boundaries.chartEntryInSource, boundaries.clinicNode) },
  {
    // Lines a reader takes in at a glance; long strings and templates (messages, SQL) are left whole.
    files: ['**/*.ts', '**/*.js', '**/*.mjs'],
    rules: { 'max-len': ['error', { code: 180, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreUrls: true, ignoreRegExpLiterals: true }] },
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
      ...restrictedImports(boundaries.pureModules, boundaries.chartEntry, boundaries.chartEntryInSource, boundaries.pureCore, boundaries.clinicNode),
    },
  },
);
