/**
 * Scratch directories carry their process's pid: the next run's reaper removes those whose
 * process is gone (a test run interrupted by Ctrl-C or kill -9), and leaves live ones alone.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reapStale, scratchDir } from './cleanup.ts';

describe('scratchDir and reapStale', () => {
  it('names the directory after this process, and keeps it while the process lives', () => {
    const mine = scratchDir('cleanup-test');
    try {
      expect(basename(mine)).toMatch(new RegExp(`^twinpost-scratch-${process.pid}-cleanup-test-`));
      expect(reapStale()).not.toContain(mine);
      expect(existsSync(mine)).toBe(true);
    } finally {
      rmSync(mine, { recursive: true, force: true });
    }
  });

  it('removes the scratch directory of a process that died without removing it', () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const pid = Number(dead.stdout);
    expect(pid).toBeGreaterThan(0);
    const orphan = join(tmpdir(), `twinpost-scratch-${pid}-cleanup-test-orphan`);
    mkdirSync(join(orphan, 'sub'), { recursive: true });
    expect(reapStale()).toContain(orphan);
    expect(existsSync(orphan)).toBe(false);
  });

  it('removes an old empty instance directory without an owner (a cleanup killed half way), not a new one', () => {
    const fresh = mkdtempSync(join(tmpdir(), 'twinpost-cleanuptest-'));
    const old = mkdtempSync(join(tmpdir(), 'twinpost-cleanuptest-'));
    const tenMinutesAgo = new Date(Date.now() - 600_000);
    utimesSync(old, tenMinutesAgo, tenMinutesAgo);
    try {
      const removed = reapStale();
      expect(removed).toContain(old);
      expect(removed).not.toContain(fresh);
      expect(existsSync(fresh)).toBe(true);
    } finally {
      rmSync(fresh, { recursive: true, force: true });
      rmSync(old, { recursive: true, force: true });
    }
  });
});
