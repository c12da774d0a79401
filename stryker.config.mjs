// StrykerJS configuration of the mutation campaign. Run it through `npm run mutation`
// (scripts/mutation.mjs → harness/mutation/campaign.ts), which records real Postfix's side of
// every scenario first, excludes tests that already fail on the unmutated reference, can sample
// mutants, and prints the score per folder. The tests that may kill a mutant are chosen in
// vitest.mutation.config.ts (the conformance scenarios and the differential tests only).
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts', related: false },
  plugins: ['@stryker-mutator/vitest-runner', './harness/mutation/sample-ignorer.mjs'],
  ignorers: ['twinpost-sample'],
  mutate: [
    'reference/services/{smtpd,cleanup,qmgr,trivial-rewrite,local,smtp,bounce}/**/*.ts',
    '!**/*.test.ts',
    '!**/testing.ts',
  ],
  coverageAnalysis: 'perTest',
  concurrency: 1,
  timeoutMS: 30_000,
  dryRunTimeoutMinutes: 20,
  reporters: ['html', 'json', 'progress', 'clear-text'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { reportTests: false, reportMutants: false, reportScoreTable: true },
  incrementalFile: 'reports/mutation/stryker-incremental.json',
  tempDirName: 'stryker-tmp',
  cleanTempDir: 'always',
  ignorePatterns: ['.tmp', 'screenshots', 'queue-invariants.json'],
};
