/**
 * `twinpost gate` as a CI runs it: the example configuration passes its checks on real
 * Postfix; a deliberately broken copy fails with exit 1 and a diff that names what went
 * wrong; bad usage and bad specs exit 2. After each run no instance, master process or
 * mount namespace of the run is left, and the host's resolver files are untouched.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { cpSync, existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { scratchDir } from '../util/cleanup.ts';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
const bin = join(root, 'bin/twinpost.js');
const example = join(root, 'fixtures/gate-example');

/** Run the CLI without blocking the event loop (other tests' servers share this worker). */
function twinpost(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: root });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', fail);
    child.on('close', (status) => done({ status, stdout, stderr }));
  });
}

/** Processes whose command line names `needle` (masters and unshare wrappers of a run). */
function processesNaming(needle: string): string[] {
  const out: string[] = [];
  for (const pid of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (cmd.includes(needle)) out.push(`${pid} ${cmd}`);
    } catch {
      /* gone */
    }
  }
  return out;
}

const tmps: string[] = [];
afterEach(() => {
  for (const t of tmps.splice(0)) rmSync(t, { recursive: true, force: true });
});
function tmp(kind: string): string {
  const d = scratchDir(kind);
  tmps.push(d);
  return d;
}

describe('twinpost gate', () => {
  it('answers --help and refuses bad usage or bad specs with exit 2', async () => {
    const help = await twinpost(['gate', '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/-c, --config DIR/);
    const noSpec = await twinpost(['gate', '-c', example]);
    expect(noSpec.status).toBe(2);
    expect(noSpec.stderr).toMatch(/--spec SPECS is required/);
    const dir = tmp('gate-badspec');
    writeFileSync(join(dir, 'bad.yaml'), '- name: typo\n  send: { from: a@b.example, to: c@d.example }\n  expect: { relay: [x.example] }\n');
    const bad = await twinpost(['gate', '-c', example, '--spec', dir]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/bad\.yaml, check "typo": unknown key "expect\.relay"/);
  }, 120_000);

  it('fails every check with the reason when Postfix cannot run the configuration', async () => {
    const conf = join(tmp('gate-nostart'), 'conf');
    cpSync(example, conf, { recursive: true });
    writeFileSync(join(conf, 'main.cf'), readFileSync(join(conf, 'main.cf'), 'utf8') + 'mail_owner = no-such-user\n');
    const report = join(conf, '..', 'report');
    const r = await twinpost(['gate', '-c', conf, '--spec', join(example, 'specs/aliases.yaml'), '--report', report]);
    expect(r.status, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toMatch(/^ERROR the configuration did not start in Postfix: .*parameter mail_owner: unknown user name value: no-such-user/m);
    expect(r.stdout).toMatch(/^0 passed, 2 failed \(some could not run/m);
    expect(readFileSync(join(report, 'junit.xml'), 'utf8')).toMatch(/<testsuite name="postfix" tests="2" failures="0" errors="2"/);
  }, 120_000);

  it('passes the example configuration and writes JUnit XML', async () => {
    const report = tmp('gate-report');
    const resolvConf = readFileSync('/etc/resolv.conf', 'utf8');
    const r = await twinpost(['gate', '-c', 'fixtures/gate-example', '--spec', 'fixtures/gate-example/specs', '--report', report]);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/changed for the test: queue_directory, .*inet_interfaces/);
    expect(r.stdout).toMatch(/\[\d+\/\d+\] mail to sales@corp\.example is relayed to crm\.corp\.example as sales@crm\.corp\.example passed/);
    expect(r.stdout).toMatch(/^14 passed, 0 failed$/m);
    const junit = readFileSync(join(report, 'junit.xml'), 'utf8');
    expect(junit).toMatch(/<testsuite name="postfix" tests="14" failures="0" errors="0"/);
    expect(junit).toMatch(/name="routing #1: mail to sales@corp\.example is relayed/);
    // What the peers captured is in results.json, with the host each copy was meant for.
    const results = JSON.parse(readFileSync(join(report, 'results.json'), 'utf8')) as { scenarios: { title: string; observations: { outcomes: { host?: string; to: string }[] } }[] };
    const sales = results.scenarios.find((s) => s.title.startsWith('mail to sales'))!;
    expect(sales.observations.outcomes).toMatchObject([{ host: 'crm.corp.example', to: 'sales@crm.corp.example' }]);
    expect(readFileSync('/etc/resolv.conf', 'utf8')).toBe(resolvConf);
  }, 180_000);

  it('fails a broken copy of the configuration with a readable diff, and leaves nothing behind', async () => {
    const dir = tmp('gate-broken');
    const conf = join(dir, 'conf');
    cpSync(example, conf, { recursive: true });
    // Two mistakes a mail team could make: the CRM's transport entry lost, the size limit raised.
    const transport = readFileSync(join(conf, 'transport'), 'utf8');
    writeFileSync(join(conf, 'transport'), transport.replace(/^crm\.corp\.example.*$/m, ''));
    writeFileSync(join(conf, 'main.cf'), readFileSync(join(conf, 'main.cf'), 'utf8').replace('message_size_limit = 20971520', 'message_size_limit = 52428800'));
    const report = join(dir, 'report');
    const r = await twinpost(['gate', '-c', conf, '--spec', join(example, 'specs'), '--report', report]);
    expect(r.status, r.stdout + r.stderr).toBe(1);
    const out = r.stdout;
    expect(out).toMatch(/mail to sales@corp\.example is relayed to crm\.corp\.example as sales@crm\.corp\.example FAILED/);
    expect(out).toContain('✗ relayed to exactly these hosts');
    expect(out).toContain('expected hosts: crm.corp.example');
    expect(out).toContain('observed hosts: smarthost.isp.example');
    expect(out).toMatch(/sales@crm\.corp\.example \(originally sales@corp\.example\): sent to smarthost\.isp\.example/);
    expect(out).toMatch(/a message over 20 MB is refused with 552 FAILED[\s\S]*✗ refused with 552 5\.3\.4\n\s+observed: accepted \(queued as [0-9A-F]+\)/);
    expect(out).toMatch(/^12 passed, 2 failed$/m);
    const junit = readFileSync(join(report, 'junit.xml'), 'utf8');
    expect(junit).toMatch(/<testsuite name="postfix" tests="14" failures="2" errors="0"/);
    expect(junit).toContain('observed hosts: smarthost.isp.example');
    // Nothing of the run remains: its instance directory is gone and no process names it.
    const instance = /^instance: (\S+) /m.exec(out)?.[1];
    expect(instance).toMatch(/\/twinpost-postfix-/);
    expect(existsSync(instance!)).toBe(false);
    expect(processesNaming(instance!)).toEqual([]);
  }, 180_000);
});
