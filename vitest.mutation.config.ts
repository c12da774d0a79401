import { configDefaults, defineConfig } from 'vitest/config';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** Test files the campaign's baseline found with no passing test (harness/mutation/baseline.ts). */
function excludedFiles(): string[] {
  const file = process.env.TWINPOST_MUTATION_EXCLUDE;
  return file && existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { files: string[] }).files : [];
}

// The mutation campaign's tests (npm run mutation; see harness/mutation/campaign.ts): only
// what compares the reference with real Postfix may kill a mutant — the conformance scenarios
// and the differential / real-Postfix tests — not the unit tests beside the services, which
// restate the implementation. Stryker's vitest runner runs these one file at a time in one
// thread. TWINPOST_ORACLE_CACHE turns on the oracle cache (harness/scenario/oracle-cache.ts):
// real Postfix's outcome of each scenario is recorded once and recalled for every mutant.
// Each test gets two retries: a few observations still vary from run to run (seen: the
// message_size of a maildrop file one byte off between two runs of proxymap/unapproved-table-
// refused), and against a recorded oracle such a variation fails the reference now and then.
// Retried, it neither stops Stryker's initial run nor counts as a kill.
export default defineConfig({
  test: {
    include: [
      'specs/**/*.test.ts',
      'harness/targets/reference/*-differential.test.ts',
      'harness/clients/*.differential.test.ts',
      'property/rewrite/*.test.ts',
      'reference/**/real-*.test.ts',
      'property/queuefile/*.test.ts',
    ],
    exclude: [...configDefaults.exclude, ...excludedFiles()],
    retry: 2,
    testTimeout: 120_000,
    hookTimeout: 60_000,
    maxWorkers: 1,
    reporters: ['default'],
    setupFiles: ['harness/mutation/vitest-setup.ts'],
    env: {
      TWINPOST_ORACLE_CACHE: process.env.TWINPOST_ORACLE_CACHE ?? resolve(import.meta.dirname, 'reports/mutation/oracle'),
    },
  },
});
