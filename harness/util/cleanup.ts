/**
 * Guaranteed cleanup of what the harness starts: temporary instance directories and the
 * process sessions (a Postfix master with its daemons, or a reference MTA process).
 *
 * Three layers, so nothing is left behind:
 *  1. each target's dispose() (normal path, also from afterEach/finally on failure);
 *  2. process exit / SIGINT / SIGTERM / SIGHUP handlers here, synchronous, for whatever is
 *     still registered when the run is interrupted;
 *  3. reapStale(): every run first removes instances whose owning process died without
 *     cleaning up (e.g. the runner itself was killed with -9). Each instance root holds an
 *     `owner` file (pid of the harness process) and, while running, a `session` file.
 *     Scratch directories of tests (scratchDir) carry their process's pid in their name and
 *     are removed the same way.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, existsSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isAlive, killSession } from './procs.ts';

export const TEMP_PREFIX = 'twinpost-';
const SCRATCH_PREFIX = `${TEMP_PREFIX}scratch-`;

const roots = new Set<string>();
let installed = false;

function cleanupAllSync(): void {
  for (const root of roots) destroyRootSync(root);
  roots.clear();
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', cleanupAllSync);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      cleanupAllSync();
      process.exit(128 + (sig === 'SIGINT' ? 2 : sig === 'SIGTERM' ? 15 : 1));
    });
  }
}

/** Make a fresh instance root (mode 0755: Postfix's unprivileged daemons must traverse it). */
export function makeInstanceRoot(kind: string): string {
  install();
  const root = mkdtempSync(join(tmpdir(), `${TEMP_PREFIX}${kind}-`));
  chmodSync(root, 0o755);
  writeFileSync(join(root, 'owner'), String(process.pid));
  roots.add(root);
  return root;
}

/** Record the session id of the processes running for this root (cleared on orderly stop). */
export function recordSession(root: string, sid: number | undefined): void {
  const file = join(root, 'session');
  if (sid === undefined) rmSync(file, { force: true });
  else writeFileSync(file, String(sid));
}

function readInt(file: string): number | undefined {
  try {
    const n = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(n) && n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}

/** Kill the root's recorded session (if any) and delete the directory. */
export function destroyRootSync(root: string): void {
  const sid = readInt(join(root, 'session'));
  if (sid !== undefined) killSession(sid);
  rmSync(root, { recursive: true, force: true });
  roots.delete(root);
}

/** Forget a root after the owner removed it itself. */
export function releaseRoot(root: string): void {
  roots.delete(root);
}

/**
 * A scratch directory for a test or a tool: $TMPDIR/twinpost-scratch-<pid>-<kind>-XXXXXX. The
 * caller removes it; the pid in its name lets reapStale() remove it when the process died
 * first (a test run interrupted with Ctrl-C or kill -9).
 */
export function scratchDir(kind: string): string {
  return mkdtempSync(join(tmpdir(), `${SCRATCH_PREFIX}${process.pid}-${kind}-`));
}

/**
 * Remove instances and scratch directories left by processes that no longer exist. Returns
 * the paths removed.
 */
export function reapStale(): string[] {
  const removed: string[] = [];
  let names: string[] = [];
  try {
    names = readdirSync(tmpdir());
  } catch {
    return removed;
  }
  for (const name of names) {
    if (!name.startsWith(TEMP_PREFIX)) continue;
    const root = join(tmpdir(), name);
    const scratchOwner = new RegExp(`^${SCRATCH_PREFIX}(\\d+)-`).exec(name);
    if (scratchOwner) {
      if (!isAlive(Number(scratchOwner[1]))) {
        rmSync(root, { recursive: true, force: true });
        removed.push(root);
      }
      continue;
    }
    const owner = readInt(join(root, 'owner'));
    if (owner !== undefined && isAlive(owner)) continue;
    if (owner === undefined && !existsSync(join(root, 'session'))) {
      // Still being created (the owner file comes right after the directory), or left half
      // removed by a process killed in the middle of its cleanup: only the latter is old.
      if (!(MADE_BY_MKDTEMP.test(name) && isEmptyDir(root) && ageMs(root) > 60_000)) continue;
    }
    destroyRootSync(root);
    removed.push(root);
  }
  return removed;
}

/** twinpost-<kind>-XXXXXX, as makeInstanceRoot names them. */
const MADE_BY_MKDTEMP = new RegExp(`^${TEMP_PREFIX}[a-z][a-z0-9-]*-[A-Za-z0-9]{6}$`);

function isEmptyDir(path: string): boolean {
  try {
    return readdirSync(path).length === 0;
  } catch {
    return false;
  }
}

function ageMs(path: string): number {
  try {
    return Date.now() - statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

/** Roots this process still holds (for tests of the cleanup guarantee). */
export function liveRoots(): string[] {
  return [...roots];
}
