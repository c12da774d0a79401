/**
 * vitest global setup: before the tests, remove instances left by an interrupted earlier run;
 * after them, make sure this run left no instance directory and no master process behind,
 * and fail the run loudly if it did.
 */
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { reapStale, TEMP_PREFIX } from './cleanup.ts';

function ours(): string[] {
  return readdirSync(tmpdir()).filter((n) => n.startsWith(TEMP_PREFIX) && !n.startsWith(`${TEMP_PREFIX}tasks`));
}

export function setup(): () => void {
  const reaped = reapStale();
  if (reaped.length) console.log(`twinpost: removed ${reaped.length} instance(s) left by an earlier run`);
  const before = new Set(ours());
  return () => {
    // The test workers have exited by now: a directory they made that is still here was not
    // disposed of. (Directories of other live processes, e.g. a concurrent run, are not ours.)
    const leaked = reapStale().filter((root) => !before.has(root.split('/').pop()!));
    if (leaked.length) throw new Error(`twinpost: the tests left instances behind (now removed): ${leaked.join(', ')}`);
  };
}
