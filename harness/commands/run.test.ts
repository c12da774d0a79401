/**
 * `twinpost run` as a user runs it: a process, its exit status, its progress lines, its
 * reports — and, after a scenario that fails on purpose, no Postfix process and no temp
 * directory of that run left behind.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { scratchDir } from '../util/cleanup.ts';

const root = resolve(import.meta.dirname, '../..');
const bin = join(root, 'bin/twinpost.js');

function twinpost(args: string[], env: NodeJS.ProcessEnv = process.env) {
  return spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', timeout: 120_000, env });
}

/**
 * twinpost run on a machine where Postfix is not installed: its package directories are hidden
 * (empty tmpfs mounts in a private mount namespace, for this process only).
 */
function twinpostWithoutPostfix(args: string[]) {
  const hide = '/usr/share/postfix /usr/lib/postfix';
  const script = `for d in ${hide}; do mount -t tmpfs -o size=1m empty "$d"; done; exec "$@"`;
  return spawnSync('unshare', ['--mount', '--propagation', 'private', '--', 'bash', '-c', script, '_', process.execPath, bin, ...args], { cwd: root, encoding: 'utf8', timeout: 120_000 });
}

/**
 * Postfix masters started by one run: every process the run starts inherits its environment,
 * and /proc/PID/environ keeps the environment a process was started with, so a marker variable
 * names the run's processes even where other runs' masters share the process table (a fresh
 * root shares it with its host).
 */
function mastersMarked(marker: string): number[] {
  const out: number[] = [];
  for (const pid of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (!cmd[0]?.endsWith('/master')) continue;
      if (readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(marker)) out.push(Number(pid));
    } catch {
      /* gone */
    }
  }
  return out;
}

describe('twinpost run', () => {
  it('answers --help', () => {
    const r = twinpost(['run', '--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/--target T/);
    expect(r.stdout).toMatch(/--report DIR/);
  });

  it('rejects bad usage with exit 2', () => {
    const r = twinpost(['run', '--target', 'nonsense']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/unknown target "nonsense"/);
  });

  it('refuses a --spec that matches no scenario in one line, without a stack trace', () => {
    const r = twinpost(['run', '--spec', 'specs/no-such-folder/*']);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual(['twinpost run: no scenario files match "specs/no-such-folder/*"; give a path or glob below specs/, e.g. --spec \'specs/smtpd/*\'']);
  });

  it('without Postfix installed, refuses in one line instead of reporting uncompared passes', () => {
    const r = twinpostWithoutPostfix(['run', '--report', join(tmpdir(), 'twinpost-never-written')]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^twinpost run: Postfix is not installed, so no scenario could be compared with it: run `npm start` as root/);
    expect(existsSync(join(tmpdir(), 'twinpost-never-written'))).toBe(false);
    const ref = twinpostWithoutPostfix(['run', '--target', 'reference', '--spec', 'specs/local/*']);
    expect(ref.status).toBe(2);
    expect(ref.stderr.trim().split('\n')).toHaveLength(1);
    expect(ref.stderr).toMatch(/^twinpost run: \d+ scenario\(s\) build their maps with Postfix's postmap\/postalias \(local\//);
  });

  it('says, line by line and in the summary, that a reference-only run was not compared with Postfix', () => {
    const report = scratchDir('report');
    try {
      const r = twinpost(['run', '--target', 'reference', '--spec', 'specs/smtpd/relay-denied.ts', '--report', report]);
      expect(r.stdout).toMatch(/\[1\/1\] reference +smtpd\/relay-denied +passed — reference only, not compared with Postfix \(/);
      expect(r.stdout).toMatch(/^1 passed, 0 failed; 1 of the runs not compared with Postfix$/m);
      expect(r.status).toBe(0);
      const junit = readFileSync(join(report, 'junit.xml'), 'utf8');
      expect(junit).toContain('<property name="twinpost.comparison" value="not compared with Postfix"/>');
    } finally {
      rmSync(report, { recursive: true, force: true });
    }
  });

  it('runs the union of several --spec globs, each scenario once', () => {
    const report = scratchDir('report');
    try {
      const r = twinpost(['run', '--target', 'reference', '--spec', 'specs/smtpd/relay-denied.ts', '--spec', 'specs/smtpd/relay-denied*', '--spec', 'specs/smtpd/bad-input.ts', '--report', report]);
      expect(r.stdout.match(/^\[\d\/\d\] reference +\S+/gm)?.map((l) => l.split(/ +/).at(-1))).toEqual(['smtpd/bad-input', 'smtpd/relay-denied-default', 'smtpd/relay-denied']);
    } finally {
      rmSync(report, { recursive: true, force: true });
    }
  });

  it('exits 1 on a failing scenario, explains the diff, writes reports, and leaves nothing behind', () => {
    const report = scratchDir('report');
    try {
      const marker = `TWINPOST_TEST_RUN=${process.pid}-${Date.now()}`;
      const r = twinpost(['run', '--target', 'postfix', '--spec', 'fixtures/failing/*', '--report', report], { ...process.env, TWINPOST_TEST_RUN: marker.split('=')[1] });
      expect(r.status, r.stdout + r.stderr).toBe(1);
      expect(r.stdout).toMatch(/\[1\/1\] postfix\s+failing\/wrong-expectation\s+FAILED/);
      expect(r.stdout).toMatch(/expected reply 250, observed "554 5\.7\.1 <b@foreign\.example>: Relay access denied"/);
      expect(r.stdout).toMatch(/^0 passed, 1 failed$/m);
      const junit = readFileSync(join(report, 'junit.xml'), 'utf8');
      expect(junit).toMatch(/<testsuite name="postfix" tests="1" failures="1"/);
      const results = JSON.parse(readFileSync(join(report, 'results.json'), 'utf8')) as { scenarios: { status: string }[] };
      expect(results.scenarios.map((s) => s.status)).toEqual(['failed']);
      // Nothing of this run remains: no instance directory, no master of one.
      const mine = readdirSync(tmpdir()).filter((n) => n.startsWith('twinpost-postfix-'));
      for (const dir of mine) expect(existsSync(join(tmpdir(), dir, 'owner'))).toBe(true); // others' live runs only
      expect(mastersMarked(marker)).toEqual([]);
    } finally {
      rmSync(report, { recursive: true, force: true });
    }
  });
});
