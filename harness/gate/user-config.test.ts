/**
 * The gate's user-config mode changes only what a test needs: listen addresses and ports,
 * chroot, the instance's directories, paths to the config directory; the rest of the user's
 * text is kept, and the maps are rebuilt with the real postmap / postalias.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { inetServices, rewriteMasterCf, writeUserConfig } from './user-config.ts';
import { instanceDirs } from '../targets/config-dir.ts';
import { scratchDir } from '../util/cleanup.ts';

const MASTER = [
  '# a comment with smtp inet in it',
  'smtp      inet  n       -       y       -       -       smtpd',
  '  -o smtpd_tls_security_level=may',
  '127.0.0.1:10025 inet n  -       y       -       -       smtpd',
  'pickup    unix  n       -       y       60      1       pickup',
  'submission inet n       -       -       -       -       smtpd',
  '',
].join('\n');

let tmp: string | undefined;
afterEach(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  tmp = undefined;
});

describe('rewriteMasterCf', () => {
  it('moves inet services to loopback ports, turns chroot off, keeps everything else', () => {
    expect(inetServices(MASTER)).toEqual(['smtp', '127.0.0.1:10025', 'submission']);
    const r = rewriteMasterCf(MASTER, 2525, [4001, 4002]);
    const lines = r.text.split('\n');
    expect(lines[0]).toBe('# a comment with smtp inet in it');
    expect(lines[1]).toBe('127.0.0.1:2525      inet  n       -       n       -       -       smtpd');
    expect(lines[2]).toBe('  -o smtpd_tls_security_level=may');
    expect(lines[3]).toBe('127.0.0.1:4001 inet n  -       n       -       -       smtpd');
    expect(lines[4]).toBe('pickup    unix  n       -       n       60      1       pickup');
    expect(lines[5]).toBe('127.0.0.1:4002 inet n       -       n       -       -       smtpd');
    expect(r.text).toMatch(/\npostlog\s+unix-dgram\s.*postlogd\n$/);
    expect(r.services).toEqual({ smtp: { host: '127.0.0.1', port: 2525 }, '127.0.0.1:10025': { host: '127.0.0.1', port: 4001 }, submission: { host: '127.0.0.1', port: 4002 } });
  });
});

describe('writeUserConfig', () => {
  it('copies the config, overrides only the test parameters, and rebuilds the maps', () => {
    tmp = scratchDir('gate-uc');
    const src = join(tmp, 'src');
    execFileSync('cp', ['-r', 'fixtures/gate-example', src]);
    writeFileSync(join(src, 'main.cf'), readFileSync(join(src, 'main.cf'), 'utf8') + 'daemon_directory = /usr/libexec/postfix\n');
    const dirs = instanceDirs(join(tmp, 'inst'));
    const r = writeUserConfig(src, dirs, 2525, [4001]);
    const main = readFileSync(join(dirs.configDir, 'main.cf'), 'utf8');
    const conf = (p: string) => execFileSync('postconf', ['-c', dirs.configDir, '-h', p], { encoding: 'utf8' }).trim();
    expect(conf('queue_directory')).toBe(dirs.queueDir);
    expect(conf('inet_interfaces')).toBe('127.0.0.1');
    expect(conf('smtpd_authorized_xclient_hosts')).toBe('127.0.0.1');
    expect(conf('daemon_directory')).toBe('/usr/lib/postfix/sbin');
    expect(conf('transport_maps')).toBe(`hash:${dirs.configDir}/transport`);
    // The user's other settings and comments are untouched.
    expect(conf('relayhost')).toBe('[smarthost.isp.example]:25');
    expect(conf('message_size_limit')).toBe('20971520');
    expect(main).toContain('# 20 MB, as promised in the mail policy.');
    expect(main).not.toContain('/etc/postfix');
    for (const m of ['aliases', 'transport', 'virtual', 'relay_recipients', 'recipient_access']) expect(existsSync(join(dirs.configDir, `${m}.db`))).toBe(true);
    expect(r.built).toContain(`postalias hash:${dirs.configDir}/aliases`);
    expect(execFileSync('postmap', ['-c', dirs.configDir, '-q', 'sales@corp.example', `hash:${dirs.configDir}/virtual`], { encoding: 'utf8' }).trim()).toBe('sales@crm.corp.example');
    expect(r.services).toEqual({ smtp: { host: '127.0.0.1', port: 2525 }, submission: { host: '127.0.0.1', port: 4001 } });
  });
});
