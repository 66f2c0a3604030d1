// Mutation testing (README "Mutation testing"): `npm run mutate`. Stryker changes the logic one mutant at a time and
// runs the unit tests that cover it; a mutant no test notices is a hole in the tests or an equivalent change.
// Not in CI: two cores make a full run take about an hour. Incremental: the results of the last run are kept in
// reports/ (ignored by git) and only mutants whose code or covering tests changed run again.

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutate.config.mjs' },
  plugins: ['@stryker-mutator/vitest-runner'],
  mutate: [
    'src/core/**/*.ts',
    'src/workload/**/*.ts',
    'src/kube/kubeconfig.ts',
    'src/kube/errors.ts',
    'src/errors.ts',
    'src/cli/grammar.ts',
  ],
  coverageAnalysis: 'perTest',
  // A static mutant (a module-level constant) runs every unit test, ~30x the cost of another on this machine.
  ignoreStatic: true,
  // Two cores shared by many: one test process, and the script runs under nice.
  concurrency: 1,
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowEmojis: false, logTests: false, reportScoreTable: true, reportMutants: true },
  ignorePatterns: ['dist', '.cache', 'reports', 'coverage', 'test/e2e', 'test/release'],
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  timeoutMS: 5_000,
  thresholds: { high: 90, low: 80, break: null },
};
