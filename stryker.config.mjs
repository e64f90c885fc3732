// Mutation testing of the Raft core and the chart state machine: `npm run mutate` (minutes to hours, so
// not part of `npm test`). Narrow it with `npm run mutate -- --mutate leader-worker/src/raft/raft.ts`
// (or a glob, or `file.ts:120-140` for a line range). The score is printed; reports/mutation/ holds the
// HTML and JSON reports. Survivors judged equivalent are listed in leader-worker/test/mutation/EQUIVALENT-MUTANTS.md.
//
// The specs run from TypeScript source (leader-worker/test/mutation/register-typescript.mjs): Stryker mutates the .ts files
// in its sandbox, and a tsc build of the whole repository per run would cost more than the run itself.

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  mutate: ['leader-worker/src/raft/**/*.ts', 'leader-worker/src/chart/**/*.ts'],
  testRunner: 'jasmine',
  jasmineConfigFile: 'leader-worker/test/mutation/jasmine.json',
  testRunnerNodeArgs: ['--import', './leader-worker/test/mutation/register-typescript.mjs'],
  checkers: ['typescript'],
  tsconfigFile: 'leader-worker/test/mutation/tsconfig.json',
  coverageAnalysis: 'perTest',
  // No mutants in assertion messages: they change what a crash reads like, never behaviour.
  plugins: ['@stryker-mutator/*', './leader-worker/test/mutation/ignore-assert-messages.mjs'],
  ignorers: ['assertMessages'],
  // The machine has two cores, shared with other work.
  concurrency: 2,
  // Only what the specs above need is copied into the sandbox.
  ignorePatterns: [
    '/*',
    '!/package.json',
    '!/tsconfig.base.json',
    '!/leader-worker/',
    '/leader-worker/*',
    '!/leader-worker/src/',
    '/leader-worker/src/*',
    '!/leader-worker/src/raft/',
    '!/leader-worker/src/chart/',
    '!/leader-worker/src/invariants/',
    '!/leader-worker/test/',
    '/leader-worker/test/*',
    '!/leader-worker/test/raft/',
    '!/leader-worker/test/chart/',
    '!/leader-worker/test/mutation/',
  ],
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, logTests: false, reportTests: false },
};
