/**
 * The campaign's baseline: one plain vitest run of the mutation test set (no Stryker, no
 * mutant) before the campaign. It records real Postfix's side of every scenario in the oracle
 * cache (harness/scenario/oracle-cache.ts), and it finds the tests that already fail on the
 * unmutated reference: those cannot tell a mutant from the original and would stop Stryker's
 * initial run, so the campaign skips them (vitest-setup.ts) and says which they were.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { testKey } from './test-ids.ts';

export interface Exclusions {
  /** Test keys (test-ids.ts) that did not pass. */
  tests: string[];
  /** Files none of whose tests passed (also excluded as files: their hooks may fail). */
  files: string[];
  /** One line per excluded test: key and the first line of its failure. */
  reasons: string[];
}

interface JsonReport {
  testResults: { name: string; status: string; message?: string; assertionResults: { fullName: string; status: string; failureMessages?: string[] }[] }[];
}

/** The tests of a vitest JSON report that did not pass, and the files with no passing test. */
export function exclusionsFrom(report: JsonReport, root: string): Exclusions {
  const out: Exclusions = { tests: [], files: [], reasons: [] };
  for (const file of report.testResults) {
    const failed = file.assertionResults.filter((a) => a.status !== 'passed');
    for (const a of failed) {
      const key = testKey(root, file.name, a.fullName);
      out.tests.push(key);
      out.reasons.push(`${key}: ${firstLine(a.failureMessages?.[0] ?? a.status)}`);
    }
    if (failed.length === file.assertionResults.length) {
      out.files.push(relative(root, file.name).split('\\').join('/'));
      if (!file.assertionResults.length) out.reasons.push(`${relative(root, file.name)}: ${firstLine(file.message ?? 'no test ran')}`);
    }
  }
  return out;
}

/** The line of a failure that says most: the first naming a failed expectation (✗), else the first. */
function firstLine(text: string): string {
  const lines = text.replace(/\x1b\[[0-9;]*m/g, '').split('\n').map((l) => l.trim()).filter(Boolean);
  const named = lines.find((l) => l.includes('✗'));
  return (named ?? lines[0] ?? '').replace(/^[+-]\s*/, '').slice(0, 200);
}

/** Run the mutation test set once as it is; write and return what to exclude. */
export function runBaseline(root: string, outDir: string, env: NodeJS.ProcessEnv): Exclusions {
  const reportFile = join(outDir, 'baseline.json');
  const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
  const args = [vitest, 'run', '-c', 'vitest.mutation.config.ts', '--reporter=dot', '--reporter=json', `--outputFile.json=${reportFile}`];
  const r = spawnSync(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.error) throw r.error;
  const exclusions = exclusionsFrom(JSON.parse(readFileSync(reportFile, 'utf8')) as JsonReport, root);
  writeFileSync(join(outDir, 'excluded-tests.json'), `${JSON.stringify(exclusions, null, 2)}\n`);
  return exclusions;
}
