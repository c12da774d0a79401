/**
 * Preloaded into every reference MTA child during the mutation campaign's initial run (through
 * NODE_OPTIONS, by harness/mutation/vitest-setup.ts): keeps the file
 * $TWINPOST_CHILD_COVERAGE_DIR/<pid>.json up to date with the mutant coverage Stryker's
 * instrumented code counts in this process (globalThis.__stryker__.mutantCoverage), every
 * 100 ms while something changed and once more at exit. Plain JavaScript: it runs before tsx.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.env.TWINPOST_CHILD_COVERAGE_DIR;
const FLUSH_EVERY_MS = 100;

function startFlushing(into) {
  const file = join(into, `${process.pid}.json`);
  const tmp = `${file}.tmp`;
  let last = '';
  const flush = () => {
    const coverage = globalThis.__stryker__?.mutantCoverage;
    if (!coverage) return;
    const text = JSON.stringify(coverage);
    if (text === last) return;
    last = text;
    try {
      writeFileSync(tmp, text);
      renameSync(tmp, file);
    } catch {
      // the directory is gone: the test run ended
    }
  };
  setInterval(flush, FLUSH_EVERY_MS).unref();
  process.on('exit', flush);
}

if (dir) startFlushing(dir);
