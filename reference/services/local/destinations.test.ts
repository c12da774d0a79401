import { afterEach, describe, expect, it } from 'vitest';
import { chmodSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createFileLogger } from '../postlogd/postlogd.ts';
import { writeTestQueueFile } from '../master/test-queue.ts';
import { fakeRewrite, recordingCleanup } from '../smtpd/testing.ts';
import { createLocalAgent } from './local.ts';
import { lookupUser, type PasswdEntry } from './users.ts';
import { commandArgv, commandOutcome, printableOutput } from './command.ts';
import { localExpand } from './forward-path.ts';
import { unquoteItem } from './alias-items.ts';
import { scratchDir } from '../../../harness/util/cleanup.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const nobody = lookupUser('nobody')!;

function setup(aliasesOf: Record<string, string> | ((drop: string) => Record<string, string>), users: Record<string, PasswdEntry> = {}, destinations = {}) {
  const dir = scratchDir('local-dest');
  dirs.push(dir);
  chmodSync(dir, 0o755);
  const drop = join(dir, 'drop');
  mkdirSync(drop);
  chmodSync(drop, 0o1777);
  mkdirSync(join(dir, 'mail'));
  const aliases = typeof aliasesOf === 'function' ? aliasesOf(drop) : aliasesOf;
  const log = createFileLogger({ myhostname: 'mx.twinpost.test' });
  const agent = createLocalAgent({
    settings: {
      transport: 'local', logService: 'local', myhostname: 'mx.twinpost.test', myorigin: 'mx.twinpost.test', mailName: 'Postfix',
      mailSpoolDirectory: join(dir, 'mail'), homeMailbox: '', recipientDelimiter: '+', enableOriginalRecipient: true, ownerRequestSpecial: true,
      destinations: { queueDirectory: dir, ...destinations },
    },
    logger: log, cleanup: recordingCleanup('FWD'), rewrite: fakeRewrite('mx.twinpost.test', ['mx.twinpost.test']),
    aliasLookup: async (n) => aliases[n],
    userLookup: (n) => users[n] ?? lookupUser(n),
  });
  const deliver = async (rcpts: string[], sender = 'alice@client.example') => agent.deliver(await writeTestQueueFile(join(dir, 'q'), {
    sender, recipients: rcpts.map((address) => ({ address })), content: 'Subject: hi\n\nFrom here\n',
    attributes: { log_client_name: 'localhost', log_client_address: '127.0.0.1', log_helo_name: 'client.example', log_protocol_name: 'ESMTP' },
  }, 'local', 'mx.twinpost.test'));
  return { dir, drop, log, deliver, texts: () => log.lines.map((l) => l.replace(/^.*?\]: /, '')) };
}

describe('local(8) commands and files', () => {
  it('maps exit statuses and output as pipe_command does', () => {
    expect(commandOutcome('c', 0, null, 0, '', false)).toEqual({ outcome: 'sent', dsn: '2.0.0', text: 'delivered to command: c' });
    // a failure carries pipe_command()'s x-unix diagnostic: the output, or the sys_exits text
    expect(commandOutcome('c', 75, null, 0, '', false)).toEqual({ outcome: 'deferred', dsn: '4.3.0', text: 'temporary failure', diagType: 'x-unix', diagText: 'temporary failure' });
    expect(commandOutcome('c', 67, null, 0, 'no ', false)).toEqual({ outcome: 'bounced', dsn: '5.1.1', text: 'user unknown. Command output: no ', diagType: 'x-unix', diagText: 'no ' });
    expect(commandOutcome('c', 1, null, 0, '', false)).toEqual({ outcome: 'bounced', dsn: '5.3.0', text: 'Command died with status 1: "c"', diagType: 'x-unix', diagText: 'unknown mail system error 1' });
    expect(commandOutcome('c', 1, null, 0, '4.2.2 mailbox full', false)).toEqual({ outcome: 'deferred', dsn: '4.2.2', text: 'mailbox full', diagType: 'x-unix', diagText: 'mailbox full' });
    expect(commandOutcome('c', null, 'SIGKILL', 9, '', false)).toEqual({ outcome: 'deferred', dsn: '4.3.0', text: 'Command died with signal 9: "c"', diagType: 'x-unix', diagText: 'internal software error' });
    expect(commandOutcome('c', null, 'SIGKILL', 9, '', true)).toMatchObject({ text: 'Command time limit exceeded: "c"', diagText: 'internal software error' });
    expect(printableOutput(Buffer.from('a\tb\nc\x01'))).toBe('a b c_');
    expect(commandArgv('/usr/bin/tee -a /x', '')).toEqual(['/usr/bin/tee', '-a', '/x']);
    expect(commandArgv('cat > /x', '')).toEqual(['/bin/sh', '-c', 'cat > /x']);
    expect(unquoteItem('"|/bin/sh -c \'x\'"')).toBe("|/bin/sh -c 'x'");
    expect(localExpand('$home/.forward${recipient_delimiter}${extension}', { home: '/h', recipient_delimiter: '+', extension: '' }, 'a-z/.+')).toBeUndefined();
    expect(localExpand('$home/.forward${recipient_delimiter}${extension}', { home: '/h', recipient_delimiter: '+', extension: 'x' }, 'a-z/.+hfrwdox')).toBe('/h/.forward+x');
    expect(localExpand('${extension?yes}${extension:no}', { extension: '' }, '')).toBe('no');
  });

  it('runs an alias command as default_privs with the environment Postfix exports', async () => {
    const { drop, deliver, texts } = setup((drop) => ({ cmd: `"|/bin/sh -c 'id -u; echo $HOME/$USER/$LOGNAME/$RECIPIENT/$LOCAL/$DOMAIN/$EXTENSION/$SENDER/$ORIGINAL_RECIPIENT/$CLIENT_ADDRESS/$PATH; cat > ${drop}/out; exit 64'"` }));
    const res = await deliver(['cmd+ext@mx.twinpost.test']);
    expect(res.recipients[0]).toMatchObject({ outcome: 'bounced', dsn: '5.3.0' });
    expect(res.recipients[0].text).toBe(`command line usage error. Command output: ${nobody.uid} /cmd/cmd/cmd+ext@mx.twinpost.test/cmd+ext/mx.twinpost.test/ext/alice@client.example/cmd+ext@mx.twinpost.test/127.0.0.1//usr/bin:/bin `);
    expect(texts()[0]).toMatch(/to=<cmd\+ext@mx\.twinpost\.test>, relay=local, .*dsn=5\.3\.0, status=bounced \(command line usage error\. Command output: /);
    const out = readFileSync(join(drop, 'out'), 'latin1');
    expect(out).toMatch(/^From alice@client\.example  \w{3} \w{3} [ \d]\d [\d:]{8} \d{4}\nReturn-Path: <alice@client\.example>\nX-Original-To: cmd\+ext@mx\.twinpost\.test\nDelivered-To: cmd\+ext@mx\.twinpost\.test\nSubject: hi\n\nFrom here\n$/);
    expect(statSync(join(drop, 'out')).uid).toBe(nobody.uid);
  });

  it('appends to a file in mbox format, refuses executables, restricts :include: and runs each destination once per recipient', async () => {
    const { dir, drop, deliver, texts } = setup((drop) => ({ f: `${drop}/box`, g: `${drop}/box, nobody-here@far.example`, x: `${drop}/exe` }));
    writeFileSync(join(drop, 'exe'), '');
    chmodSync(join(drop, 'exe'), 0o777);
    const incFile = join(dir, 'inc');
    writeFileSync(incFile, `${drop}/box2\n|/bin/true\n`);
    const withInc = setup({ inc: `:include:${incFile}` });
    const res = await deliver(['f@mx.twinpost.test', 'g@mx.twinpost.test', 'x@mx.twinpost.test']);
    expect(res.recipients.map((r) => [r.outcome, r.dsn, r.text])).toEqual([
      ['sent', '2.0.0', `delivered to file: ${drop}/box`],
      // local.c: the duplicate filter is per request recipient, so g writes the file again
      ['sent', '2.0.0', `delivered to file: ${drop}/box`],
      ['bounced', '5.7.1', 'file is executable'],
    ]);
    expect(texts().filter((t) => t.includes('delivered to file'))).toHaveLength(2);
    expect(texts().filter((t) => t.includes('forwarded as FWD0000001'))).toHaveLength(1);
    const copy = (rcpt: string) => `From alice@client\\.example  .*\\nReturn-Path: <alice@client\\.example>\\nX-Original-To: ${rcpt}@mx\\.twinpost\\.test\\nDelivered-To: ${rcpt}@mx\\.twinpost\\.test\\nSubject: hi\\n\\n>From here\\n\\n`;
    expect(readFileSync(join(drop, 'box'), 'latin1')).toMatch(new RegExp(`^${copy('f')}${copy('g')}$`));
    const r2 = await withInc.deliver(['inc@mx.twinpost.test']);
    expect(withInc.texts()).toEqual([
      expect.stringContaining('dsn=5.7.1, status=bounced (mail to file is restricted)'),
      expect.stringContaining('dsn=5.7.1, status=bounced (mail to command is restricted)'),
    ]);
    expect(r2.recipients[0].outcome).toBe('bounced');
  });

  it('follows the user\'s .forward with the user\'s rights; a self reference goes to the mailbox', async () => {
    const home = scratchDir('local-home');
    dirs.push(home);
    chmodSync(home, 0o755);
    const user: PasswdEntry = { name: 'fwduser', uid: nobody.uid, gid: nobody.gid, home, shell: '/bin/sh' };
    const { dir, deliver, texts } = setup({}, { fwduser: user });
    writeFileSync(join(home, '.forward'), `# comment\nfwduser, "|/bin/sh -c 'echo $HOME $SHELL $USER; exit 75'"\n`);
    writeFileSync(join(home, '.forward+list'), `${home}/listbox\n`);
    chmodSync(home, 0o777);
    const res = await deliver(['fwduser@mx.twinpost.test', 'fwduser+list@mx.twinpost.test']);
    expect(texts()[0]).toContain('status=sent (delivered to mailbox)');
    expect(texts()[1]).toContain(`status=deferred (temporary failure. Command output: ${home} /bin/sh fwduser )`);
    expect(res.recipients[0]).toMatchObject({ outcome: 'deferred', dsn: '4.3.0' });
    expect(res.recipients[1]).toMatchObject({ outcome: 'sent', text: `delivered to file: ${home}/listbox` });
    expect(readFileSync(join(dir, 'mail', 'fwduser'), 'latin1')).toContain('Delivered-To: fwduser@mx.twinpost.test\n');
  });
});
