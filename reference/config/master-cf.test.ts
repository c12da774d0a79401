/**
 * master.cf parsing against the REAL `postconf -F` (fields) and `postconf -P` (-o parameters).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadMasterCf, MasterCfError, parseMasterCf, type MasterEntry } from './master-cf.ts';
import { parseMainCf } from './main-cf.ts';
import { collapse, postconf, removeDir, scratchConfigDir, STOCK_MASTER_CF } from './postconf-cli.ts';

let dir: string | undefined;
afterEach(() => {
  removeDir(dir);
  dir = undefined;
});

const CUSTOM = `# custom services
127.0.0.1:2525 inet n - n - 4 smtpd
  -o { smtpd_client_restrictions = permit_mynetworks, reject }
  -o syslog_name=postfix/test
# a comment inside the entry
  -osmtpd_banner=hi
relay2 unix - - n 60? - smtp -o { smtp_helo_name = relay.example } -v
pickup    unix  n       -       y       60      1       pickup
postlog   unix-dgram n  -       n       -       1       postlogd
`;

/** Compare parsed entries with postconf -F / -P for the master.cf in dir. */
function expectSameAsPostconf(entries: MasterEntry[], configDir: string): void {
  const fields = postconf(configDir, ['-F']);
  const params = postconf(configDir, ['-P']);
  expect(entries.length).toBe(new Set([...fields.keys()].map((k) => k.split('/').slice(0, 2).join('/'))).size);
  const flag = (v: string | undefined, def: boolean): boolean => (v === '-' ? def : v === 'y');
  for (const e of entries) {
    const key = `${e.service}/${e.type}`;
    expect(fields.get(`${key}/service`)).toBe(e.service);
    expect(e.private, key).toBe(flag(fields.get(`${key}/private`), true));
    expect(e.unpriv, key).toBe(flag(fields.get(`${key}/unprivileged`), true));
    expect(e.chroot, key).toBe(flag(fields.get(`${key}/chroot`), false));
    const wakeup = fields.get(`${key}/wakeup`)!;
    expect(e.wakeup, key).toBe(wakeup === '-' ? 0 : parseInt(wakeup, 10));
    expect(e.wakeupConditional, key).toBe(wakeup.endsWith('?'));
    const limit = fields.get(`${key}/process_limit`)!;
    expect(e.maxproc, key).toBe(limit === '-' ? 100 : Number(limit));
    const command = fields.get(`${key}/command`)!;
    expect(e.command, key).toBe(command.split(' ')[0]);
    const expected: Record<string, string> = {};
    for (const [k, v] of params) if (k.startsWith(`${key}/`)) expected[k.slice(key.length + 1)] = v;
    expect(Object.fromEntries(Object.entries(e.options).map(([k, v]) => [k, collapse(v)])), key).toEqual(expected);
  }
}

describe('master.cf', () => {
  it("parses Debian's stock master.cf as postconf -F/-P show it", () => {
    dir = scratchConfigDir('compatibility_level = 3.6\n');
    const entries = loadMasterCf(dir, parseMainCf('compatibility_level = 3.6\n'));
    expect(entries.length).toBeGreaterThan(25);
    expectSameAsPostconf(entries, dir);
    const relay = entries.find((e) => e.service === 'relay')!;
    expect(relay.options).toEqual({ syslog_name: 'postfix/$service_name' });
    expect(relay.command).toBe('smtp');
    const qmgr = entries.find((e) => e.service === 'qmgr')!;
    expect([qmgr.wakeup, qmgr.maxproc, qmgr.private, qmgr.chroot]).toEqual([300, 1, false, false]);
    const text = readFileSync(STOCK_MASTER_CF, 'utf8').split('\n');
    expect(text[qmgr.line - 1]).toMatch(/^qmgr\s/);
  });

  it('handles { } grouping, -oname=value, continuation and comments like postconf', () => {
    dir = scratchConfigDir('');
    writeFileSync(join(dir, 'master.cf'), CUSTOM);
    const entries = loadMasterCf(dir, parseMainCf('compatibility_level = 3.6'));
    expectSameAsPostconf(entries, dir);
    const [smtp, relay2] = entries;
    expect(smtp.args).toEqual(['-o', 'smtpd_client_restrictions = permit_mynetworks, reject', '-o', 'syslog_name=postfix/test', '-osmtpd_banner=hi']);
    expect(smtp.options).toEqual({ smtpd_client_restrictions: 'permit_mynetworks, reject', syslog_name: 'postfix/test', smtpd_banner: 'hi' });
    expect(smtp.line).toBe(2);
    expect(relay2).toMatchObject({ service: 'relay2', wakeup: 60, wakeupConditional: true, maxproc: 100, line: 7 });
    expect(relay2.args).toEqual(['-o', 'smtp_helo_name = relay.example', '-v']);
  });

  it('takes maxproc and the chroot default from main.cf', () => {
    const cfg = parseMainCf('default_process_limit = 7\n');
    const [e] = parseMasterCf('x unix - - - - - smtp\n', { config: cfg });
    expect(e.maxproc).toBe(7);
    expect(e.chroot).toBe(true); // compatibility_level 0 (Debian default) → chroot y
    const [f] = parseMasterCf('x unix - - - - - smtp\n', { config: parseMainCf('compatibility_level = 3.6') });
    expect(f.chroot).toBe(false);
  });

  it('rejects malformed lines with the line number', () => {
    const bad: [string, RegExp][] = [
      ['smtp inet n - n - -', /master.cf: line 2: missing "command" field/],
      ['smtp tcp n - n - - smtpd', /line 2: bad transport type: tcp/],
      ['smtp inet x - n - - smtpd', /line 2: field "private": bad value: "x"/],
      ['smtp inet n - n abc - smtpd', /line 2: field "wakeup_time": bad value: "abc"/],
      ['smtp inet - - n - - smtpd', /line 2: inet service cannot be private/],
      ['smtp inet n - n - - smtpd -o {foo=bar', /line 2: missing '}'/],
      ['smtp inet n - n - - smtpd -o', /line 2: option "-o" requires/],
      ['smtp inet n - n - - smtpd -o novalue', /line 2: -o option: missing '='/],
      ['smtp - n - n - - smtpd', /line 2: field "transport type" has no default value/],
    ];
    for (const [line, re] of bad) {
      expect(() => parseMasterCf(`# comment\n${line}\n`), line).toThrow(MasterCfError);
      expect(() => parseMasterCf(`# comment\n${line}\n`), line).toThrow(re);
    }
    expect(() => loadMasterCf('/nonexistent-twinpost')).toThrow(/open \/nonexistent-twinpost\/master.cf/);
  });
});
