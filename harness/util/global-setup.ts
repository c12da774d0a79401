/**
 * vitest global setup: before the tests, remove instances left by an interrupted earlier run
 * and make the private configuration directory the workers' real Postfix commands share;
 * after them, remove it, make sure this run left no instance directory and no master process
 * behind, and fail the run loudly if it did.
 */
import { readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { reapStale, TEMP_PREFIX } from './cleanup.ts';
import { makeToolConfigDir, postfixInstalled, SHARED_TOOL_DIR_ENV } from '../../reference/config/installed-postfix.ts';

function ours(): string[] {
  return readdirSync(tmpdir()).filter((n) => n.startsWith(TEMP_PREFIX) && !n.startsWith(`${TEMP_PREFIX}tasks`));
}

export function setup(): () => void {
  const reaped = reapStale();
  if (reaped.length) console.log(`twinpost: removed ${reaped.length} instance(s) left by an earlier run`);
  // One private configuration directory for the real Postfix commands every worker runs
  // (a worker ended by the runner gets no chance to remove one of its own).
  const toolDir = postfixInstalled() ? makeToolConfigDir() : undefined;
  if (toolDir) process.env[SHARED_TOOL_DIR_ENV] = toolDir;
  const before = new Set(ours());
  return () => {
    if (toolDir) rmSync(toolDir, { recursive: true, force: true });
    // The test workers have exited by now: a directory they made that is still here was not
    // disposed of. (Directories of other live processes, e.g. a concurrent run, are not ours.)
    const leaked = reapStale().filter((root) => !before.has(root.split('/').pop()!));
    if (leaked.length) throw new Error(`twinpost: the tests left instances behind (now removed): ${leaked.join(', ')}`);
  };
}
