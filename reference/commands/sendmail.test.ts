/**
 * The reference sendmail + postdrop against real Postfix 3.7.11's: the same arguments and
 * input go to /usr/sbin/sendmail (its postdrop writes maildrop/ of a stopped instance) and to
 * sendmailCommand; the maildrop files must hold the same records (the T time aside), and the
 * exit status and messages of bad input must match.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeRecords } from '../queue/records.ts';
import { sendmailCommand } from './sendmail.ts';
import { scratchDir } from '../../harness/util/cleanup.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A configuration directory with a queue whose maildrop/ real postdrop may write. */
function instance(): { root: string; etc: string; maildrop: string } {
  const root = scratchDir('sendmail');
  dirs.push(root);
  const etc = join(root, 'etc');
  const maildrop = join(root, 'spool', 'maildrop');
  mkdirSync(etc, { recursive: true });
  mkdirSync(maildrop, { recursive: true });
  mkdirSync(join(root, 'spool', 'public'), { recursive: true });
  const uid = Number(execFileSync('id', ['-u', 'postfix']).toString().trim());
  const gid = Number(execFileSync('getent', ['group', 'postdrop']).toString().split(':')[2]);
  chownSync(maildrop, uid, gid);
  chmodSync(maildrop, 0o730);
  writeFileSync(join(etc, 'main.cf'), [
    `queue_directory = ${join(root, 'spool')}`, `data_directory = ${join(root, 'data')}`,
    `maillog_file = ${join(root, 'maillog')}`, `maillog_file_prefixes = ${root}`,
    'myhostname = mx.twinpost.test', 'compatibility_level = 3.6', '',
  ].join('\n'));
  return { root, etc, maildrop };
}

function maildropRecords(maildrop: string): { records: string[]; mode: number } {
  const files = readdirSync(maildrop);
  expect(files.length).toBe(1);
  const path = join(maildrop, files[0]);
  const records = decodeRecords(readFileSync(path)).map((r) => `${r.type} ${r.data.toString('latin1')}`);
  expect(records[0]).toMatch(/^T \d+ \d+$/);
  return { records: records.slice(1), mode: statSync(path).mode & 0o777 };
}

/** "postfix/sendmail: fatal: ..." texts of an instance's maillog, pids and times left out. */
function maillogTexts(root: string): string[] {
  let text = '';
  try {
    text = readFileSync(join(root, 'maillog'), 'utf8');
  } catch { /* nothing logged */ }
  return text.split('\n').filter(Boolean).map((l) => l.replace(/^\w{3} [ \d]\d \d\d:\d\d:\d\d \S+ ([\w/-]+)\[\d+\]: /, '$1: '));
}

async function both(args: string[], input: string) {
  const real = instance();
  const ref = instance();
  const env = { ...process.env };
  delete env.NAME; // the full name then comes from the passwd GECOS field
  const r = spawnSync('/usr/sbin/sendmail', ['-C', real.etc, ...args], { input, env });
  const m = await sendmailCommand(['-C', ref.etc, ...args], { stdin: input, env });
  return { real: { code: r.status, stdout: r.stdout.toString(), stderr: r.stderr.toString(), ...real }, ref: { ...m, ...ref } };
}

const SAME_FILE: [string, string[], string][] = [
  ['plain local submission', ['nobody'], 'Subject: hi\n\nbody\n'],
  ['sender, full name, DSN notify, address lists, empty argument', ['-F', 'A B', '-N', 'success,delay', '-f', 'Al <al@x.example>', 'b@y, "c d"@z', 'Name <e@f>', ''], 'Subject: x\r\n\r\nbody\r\n.\r\nmore\n'],
  ['-t with To/Cc/Bcc and folded headers, -i keeps a lone dot', ['-t', '-i'], 'To: a@b, C <c@d>\nBcc: x@y,\n (note) z@w\nSubject: y\n\n.\nafter\n'],
  ['-t with Resent- headers uses only those', ['-t', 'extra@r'], 'To: a@b\nResent-To: r@s\nSubject: y\n\nbody\n'],
  ['leading From_ line dropped, long line split, no final newline', ['-oi', '-B', '8BITMIME', 'u@v'], `From someone Sat Nov 28\nX-Long: ${'x'.repeat(3000)}\n\nlast`],
  ['-bv probe', ['-bv', 'nobody', 'x@y'], 'ignored\n'],
  ['null sender', ['-f', '<>', 'nobody'], 'Subject: n\n\nb\n'],
  ['gateway (-G) submission', ['-G', 'nobody'], 'Subject: g\n\nb\n'],
  ['DSN envelope id and RET, VERP', ['-V', 'env-1', '-R', 'hdrs', '-XV', '-f', 'list@x.example', 'nobody'], 'Subject: d\n\nb\n'],
  ['old -Vxy spelling of -XV, bad -R ignored', ['-V-=', '-R', 'bogus', '-f', 'list@x.example', 'nobody'], 'Subject: v\n\nb\n'],
  ['old "-V xy": -XV, and xy is the first recipient', ['-f', 'list@x.example', '-V', 'ab', 'nobody'], 'Subject: v\n\nb\n'],
];

describe('reference sendmail/postdrop vs real Postfix 3.7.11', () => {
  for (const [name, args, input] of SAME_FILE) {
    it(`writes the same maildrop file: ${name}`, async () => {
      const { real, ref } = await both(args, input);
      expect(ref.code).toBe(real.code);
      expect(real.code).toBe(0);
      expect(ref.stdout).toBe(real.stdout);
      expect(ref.stderr).toBe(real.stderr);
      const a = maildropRecords(real.maildrop);
      const b = maildropRecords(ref.maildrop);
      expect(b.records).toEqual(a.records);
      expect(b.mode).toBe(0o744);
    });
  }

  const BAD: [string, string[], string][] = [
    ['no recipients', [], 'x\n'],
    ['-t without recipient headers', ['-t'], 'Subject: none\n\nbody\n'],
    ['option without its argument', ['-X'], 'x\n'],
    ['unknown option', ['-z', 'nobody'], 'x\n'],
    ['-t with -bv', ['-t', '-bv'], 'To: a@b\n\nx\n'],
    ['bad -B value', ['-B', 'BINARY', 'nobody'], 'x\n'],
    ['-XV with a null sender', ['-XV', '-f', '<>', 'nobody'], 'x\n'],
    ['-XV with bad delimiters', ['-XVab', 'nobody'], 'x\n'],
    ['old "-V -=" spelling: "-=" is then an invalid option', ['-V', '-=', 'nobody'], 'x\n'],
  ];
  for (const [name, args, input] of BAD) {
    it(`fails like Postfix: ${name}`, async () => {
      const { real, ref } = await both(args, input);
      expect(real.code).toBe(75);
      expect(ref.code).toBe(75);
      expect(ref.stderr).toBe(real.stderr);
      expect(readdirSync(ref.maildrop)).toEqual([]);
      // msg_warn/msg_fatal also reach $maillog_file (getopt's complaints do not)
      expect(maillogTexts(ref.root)).toEqual(maillogTexts(real.root));
    });
  }

  it('fails like Postfix when main.cf is missing', async () => {
    const r = spawnSync('/usr/sbin/sendmail', ['-C', '/nonexistent/twinpost', 'nobody'], { input: 'x\n' });
    const m = await sendmailCommand(['-C', '/nonexistent/twinpost', 'nobody'], { stdin: 'x\n' });
    expect([m.code, m.stderr]).toEqual([r.status, r.stderr.toString()]);
  });
});
