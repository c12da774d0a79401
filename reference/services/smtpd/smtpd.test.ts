import { afterEach, describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import { SmtpDialog } from '../../../harness/smtp/dialog.ts';
import { createFileLogger, type FileLogger } from '../postlogd/postlogd.ts';
import { createSmtpd, type SmtpdServer } from './smtpd.ts';
import { networkMatcher } from './mynetworks.ts';
import type { SmtpdSettings } from './session.ts';
import type { RestrictionSettings } from './restrictions.ts';
import { fakeRewrite, recordingCleanup, type RecordingCleanup } from './testing.ts';
import { mailDate } from '../../global/mail-date.ts';
import { EHLO_KEYWORDS } from './ehlo-keywords.ts';
import { UNSERVED_VERBS } from './session.ts';
import { Maps } from '../../global/maps.ts';

const SETTINGS: SmtpdSettings = {
  myhostname: 'mx.twinpost.test', smtpdBanner: 'mx.twinpost.test ESMTP Postfix', mailName: 'Postfix',
  messageSizeLimit: 10240000, lineLengthLimit: 2048, recipientLimit: 1000, recipientOvershootLimit: 1000, softErrorLimit: 10, hardErrorLimit: 20,
  junkCommandLimit: 100, errorSleepMs: 0, timeoutMs: 5000, heloRequired: false, disableVrfy: false, smtputf8Enable: true, smtputf8Autodetect: false,
  forbiddenCommands: ['CONNECT', 'GET', 'POST', 'regexp:{{/^[^A-Z]/ Bogus}}'], forbidUnauthPipelining: false, logService: 'smtpd',
  forbidBareNewline: 'no', forbidBareNewlineRejectCode: 550, bareNewlineExcluded: () => false, localHeaderRewrite: () => false,
};

function restrictions(mynetworks: string[], relay = ['permit_mynetworks', 'reject_unauth_destination']): RestrictionSettings {
  return {
    relayRestrictions: relay, recipientRestrictions: [], rejectUnlistedRecipient: true,
    unknownLocalRecipientRejectCode: 550, relayDomainsRejectCode: 554, isMyNetwork: networkMatcher(mynetworks),
    lookupLocalRecipient: async (a) => (/^(nobody|both)@/.test(a) ? 'known' : 'unknown'),
  };
}

let server: SmtpdServer | undefined;
let log: FileLogger;
let cleanup: RecordingCleanup;

async function start(mynetworks = ['127.0.0.0/8'], relay?: string[], endOfData?: string[]): Promise<number> {
  log = createFileLogger({ myhostname: 'mx.twinpost.test' });
  cleanup = recordingCleanup();
  const checks = { ...restrictions(mynetworks, relay), ...(endOfData ? { endOfDataRestrictions: endOfData } : {}) };
  server = createSmtpd({ settings: SETTINGS, restrictions: checks, cleanup, rewrite: fakeRewrite('mx.twinpost.test', ['mx.twinpost.test', 'localhost']), logger: log });
  await new Promise<void>((r) => server!.server.listen(0, '127.0.0.1', r));
  return (server.server.address() as AddressInfo).port;
}

const texts = (): string[] => log.lines.map((l) => l.replace(/^.*?: /, ''));
async function disconnected(): Promise<void> {
  for (let i = 0; i < 200 && !texts().some((t) => t.startsWith('disconnect from')); i++) await new Promise((r) => setTimeout(r, 10));
}

afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('smtpd', () => {
  it('greets, answers EHLO like Postfix 3.7.11 and queues a message with its Received header', async () => {
    const port = await start();
    const d = await SmtpDialog.connect({ host: '127.0.0.1', port });
    try {
      expect(d.greeting.raw).toBe('220 mx.twinpost.test ESMTP Postfix\r\n');
      const ehlo = await d.command('EHLO client.example');
      // No flush(8) service here, so no ETRN (ehlo-keywords.ts); the master-run smtpd offers it.
      expect(ehlo.raw).toBe('250-mx.twinpost.test\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250-VRFY\r\n250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n250-DSN\r\n250-SMTPUTF8\r\n250 CHUNKING\r\n');
      expect((await d.command('MAIL FROM:<s@client.example> SIZE=100')).raw).toBe('250 2.1.0 Ok\r\n');
      expect((await d.command('RCPT TO:<x@far.example>')).raw).toBe('250 2.1.5 Ok\r\n');
      expect((await d.command('DATA')).raw).toBe('354 End data with <CR><LF>.<CR><LF>\r\n');
      const done = await d.sendData('Subject: hi\r\n\r\n.dot\r\nFrom me\r\n');
      expect(done.raw).toBe('250 2.0.0 Ok: queued as AAAA0000001\r\n');
      expect((await d.command('QUIT')).raw).toBe('221 2.0.0 Bye\r\n');
    } finally {
      await d.close();
    }
    await disconnected();
    const m = cleanup.submitted[0];
    expect(m.sender).toBe('s@client.example');
    expect(m.recipients).toEqual([{ address: 'x@far.example', dsnOrcpt: 'rfc822;x@far.example' }]);
    expect(Object.keys(m.attributes!).slice(0, 6)).toEqual(['log_client_name', 'log_client_address', 'log_client_port', 'log_message_origin', 'log_helo_name', 'log_protocol_name']);
    const arrival = m.arrivalTime!;
    expect(m.content.toString()).toBe(
      'Received: from client.example (localhost [127.0.0.1])\n\tby mx.twinpost.test (Postfix) with ESMTP id AAAA0000001\n' +
      `\tfor <x@far.example>; ${mailDate(arrival / 1000)}\nSubject: hi\n\n.dot\nFrom me\n`);
    expect(texts()).toEqual([
      'connect from localhost[127.0.0.1]',
      'AAAA0000001: client=localhost[127.0.0.1]',
      'disconnect from localhost[127.0.0.1] ehlo=1 mail=1 rcpt=1 data=1 quit=1 commands=5',
    ]);
  });

  it('a DATA after a failed BDAT LAST is answered as one without a transaction (Postfix 3.7.11 crashes here, 3.7.22 answers so)', async () => {
    const port = await start(['127.0.0.0/8']);
    const d = await SmtpDialog.connect({ host: '127.0.0.1', port });
    try {
      await d.command('EHLO client.example');
      await d.command('MAIL FROM:<s@client.example>');
      expect((await d.command('RCPT TO:<x@far.example>')).raw).toBe('250 2.1.5 Ok\r\n');
      expect((await d.command('BDAT 0')).raw).toBe('551 5.7.1 Null BDAT request\r\n');
      expect((await d.command('BDAT 0 LAST')).raw).toBe('551 5.0.0 Discarded 0 bytes after earlier error\r\n');
      expect((await d.command('DATA')).raw).toBe('503 5.5.1 Error: need RCPT command\r\n');
      expect((await d.command('MAIL FROM:<s@client.example>')).raw).toBe('250 2.1.0 Ok\r\n');
      expect((await d.command('DATA')).raw).toBe('554 5.5.1 Error: no valid recipients\r\n');
      await d.command('QUIT');
    } finally {
      await d.close();
    }
    await disconnected();
    expect(cleanup.submitted).toEqual([]);
  });

  it('an end-of-data rejection ends the transaction: RCPT needs a new MAIL (Postfix 3.7.11 keeps the state and lets a second message through, 3.7.22 resets it)', async () => {
    const port = await start(['127.0.0.0/8'], undefined, ['reject']);
    const d = await SmtpDialog.connect({ host: '127.0.0.1', port });
    try {
      await d.command('EHLO client.example');
      await d.command('MAIL FROM:<s@client.example>');
      expect((await d.command('RCPT TO:<nobody@mx.twinpost.test>')).raw).toBe('250 2.1.5 Ok\r\n');
      expect((await d.data('Subject: s\r\n\r\nbody\r\n')).raw).toBe('554 5.7.1 <END-OF-MESSAGE>: End-of-data rejected: Access denied\r\n');
      expect((await d.command('RCPT TO:<nobody@mx.twinpost.test>')).raw).toBe('503 5.5.1 Error: need MAIL command\r\n');
      expect((await d.command('DATA')).raw).toBe('503 5.5.1 Error: need RCPT command\r\n');
      expect((await d.command('MAIL FROM:<s@client.example>')).raw).toBe('250 2.1.0 Ok\r\n');
      await d.command('QUIT');
    } finally {
      await d.close();
    }
    await disconnected();
    expect(cleanup.submitted).toEqual([]);
  });

  it('logs "lost connection after BDAT (n bytes)" when the client leaves while the state is still BDAT content', async () => {
    const port = await start(['127.0.0.0/8']);
    const d = await SmtpDialog.connect({ host: '127.0.0.1', port });
    try {
      await d.command('EHLO client.example');
      await d.command('MAIL FROM:<s@client.example>');
      await d.command('RCPT TO:<x@far.example>');
      await d.send('BDAT 10\r\nhello\r\npar');
      expect((await d.readReply()).raw).toBe('250 2.0.0 Ok: 10 bytes\r\n');
      expect((await d.command('')).raw).toBe('500 5.5.2 Error: bad syntax\r\n');
      // The cut-off command line counts too: 7 stored, 3 of the unfinished line, 2 here.
      await d.send('QU');
    } finally {
      await d.close();
    }
    await disconnected();
    expect(texts()).toContain('lost connection after BDAT (12 bytes) from localhost[127.0.0.1]');
  });

  it('rejects relaying, unknown local users and out-of-sequence commands with Postfix texts and counts', async () => {
    const port = await start(['127.0.0.2/32']);
    const d = await SmtpDialog.connect({ host: '127.0.0.1', port });
    try {
      await d.command('EHLO client.example');
      expect((await d.command('RCPT TO:<a@b>')).raw).toBe('503 5.5.1 Error: need MAIL command\r\n');
      expect((await d.command('DATA')).raw).toBe('503 5.5.1 Error: need RCPT command\r\n');
      await d.command('MAIL FROM:<s@client.example>');
      expect((await d.command('DATA')).raw).toBe('554 5.5.1 Error: no valid recipients\r\n');
      expect((await d.command('RCPT TO:<x@far.example>')).raw).toBe('554 5.7.1 <x@far.example>: Relay access denied\r\n');
      expect((await d.command('RCPT TO:<nosuch@mx.twinpost.test>')).raw)
        .toBe('550 5.1.1 <nosuch@mx.twinpost.test>: Recipient address rejected: User unknown in local recipient table\r\n');
      expect((await d.command('RCPT TO:<nobody@mx.twinpost.test>')).raw).toBe('250 2.1.5 Ok\r\n');
      expect((await d.command('VRFY nobody')).raw).toBe('252 2.0.0 nobody\r\n');
      expect((await d.command('NOOP')).raw).toBe('250 2.0.0 Ok\r\n');
      expect((await d.command('RSET')).raw).toBe('250 2.0.0 Ok\r\n');
      expect((await d.command('HELO x')).raw).toBe('250 mx.twinpost.test\r\n');
      expect((await d.command('BLAH')).raw).toBe('500 5.5.2 Error: command not recognized\r\n');
      await d.command('QUIT');
    } finally {
      await d.close();
    }
    await disconnected();
    expect(texts()).toEqual([
      'connect from localhost[127.0.0.1]',
      'NOQUEUE: reject: RCPT from localhost[127.0.0.1]: 554 5.7.1 <x@far.example>: Relay access denied; from=<s@client.example> to=<x@far.example> proto=ESMTP helo=<client.example>',
      'NOQUEUE: reject: RCPT from localhost[127.0.0.1]: 550 5.1.1 <nosuch@mx.twinpost.test>: Recipient address rejected: User unknown in local recipient table; from=<s@client.example> to=<nosuch@mx.twinpost.test> proto=ESMTP helo=<client.example>',
      'AAAA0000001: client=localhost[127.0.0.1]',
      'disconnect from localhost[127.0.0.1] helo=1 ehlo=1 mail=1 rcpt=1/4 data=0/2 rset=1 noop=1 vrfy=1 quit=1 unknown=0/1 commands=8/14',
    ]);
    expect(cleanup.aborted).toEqual(['AAAA0000001']);
  });

  it('cuts overlong commands, accepts bare LF in DATA, and hangs up on non-SMTP commands as 3.7.11 does', async () => {
    const port = await start();
    const d = await SmtpDialog.connect({ host: '127.0.0.1', port });
    try {
      await d.command('EHLO c');
      expect((await d.command('NOOP ' + 'x'.repeat(3000))).raw).toBe('250 2.0.0 Ok\r\n');
      expect((await d.command('MAIL FROM:<' + 'a'.repeat(2100) + '@x>')).raw).toBe('501 5.1.7 Bad sender address syntax\r\n');
      await d.command('MAIL FROM:<s@c>');
      await d.command('RCPT TO:<nobody@mx.twinpost.test>');
      await d.command('DATA');
      await d.send('Subject: bare\nX: y\r\n\r\nline1\nline2\r\n.\n');
      expect((await d.readReply()).raw).toBe('250 2.0.0 Ok: queued as AAAA0000001\r\n');
      await d.send('\r\n');
      expect((await d.readReply()).raw).toBe('500 5.5.2 Error: bad syntax\r\n');
      await d.send('.\r\n');
      expect((await d.readReply()).raw).toBe('221 2.7.0 Error: I can break rules, too. Goodbye.\r\n');
      await d.closed;
    } finally {
      await d.close();
    }
    await disconnected();
    expect(cleanup.submitted[0].content.toString()).toMatch(/\nSubject: bare\nX: y\n\nline1\nline2\n$/);
    expect(texts()).toEqual([
      'connect from localhost[127.0.0.1]',
      'warning: localhost[127.0.0.1]: request longer than 2048: NOOP xxxxxxxxxxxxxxxxxxxxxxxxx...',
      'warning: localhost[127.0.0.1]: request longer than 2048: MAIL FROM:<aaaaaaaaaaaaaaaaaaa...',
      'AAAA0000001: client=localhost[127.0.0.1]',
      'warning: non-SMTP command from localhost[127.0.0.1]: .',
      'disconnect from localhost[127.0.0.1] ehlo=1 mail=1/2 rcpt=1 data=1 noop=1 unknown=0/1 commands=5/7',
    ]);
  });

  it('logs improper pipelining once, keeps a rejected SIZE for later MAILs, and parameter errors', async () => {
    const port = await start();
    const d = await SmtpDialog.connect({ host: '127.0.0.1', port });
    try {
      await d.send('EHLO c\r\nMAIL FROM:<s@c>\r\nRCPT TO:<nobody@mx.twinpost.test>\r\n');
      const replies = [await d.readReply(), await d.readReply(), await d.readReply()];
      expect(replies.map((r) => r.code)).toEqual([250, 250, 250]);
      await d.command('RSET');
      expect((await d.command('MAIL FROM:<s@c> SIZE=99999999')).raw).toBe('552 5.3.4 Message size exceeds fixed limit\r\n');
      expect((await d.command('MAIL FROM:<s@c> BODY=FOO')).raw).toBe('555 5.5.4 Unsupported option: BODY=FOO\r\n');
      expect((await d.command('MAIL FROM:<s@c>')).raw).toBe('552 5.3.4 Message size exceeds fixed limit\r\n');
      expect((await d.command('EHLO')).raw).toBe('501 Syntax: EHLO hostname\r\n');
      expect((await d.command('VRFY')).raw).toBe('501 5.5.4 Syntax: VRFY address [SMTPUTF8]\r\n');
      await d.command('QUIT');
    } finally {
      await d.close();
    }
    await disconnected();
    expect(texts()[1]).toBe('improper command pipelining after EHLO from localhost[127.0.0.1]: MAIL FROM:<s@c>\\r\\nRCPT TO:<nobody@mx.twinpost.test>\\r\\n');
    expect(texts()).toContain('NOQUEUE: reject: MAIL from localhost[127.0.0.1]: 552 5.3.4 Message size exceeds fixed limit; from=<s@c> proto=ESMTP helo=<c>');
    expect(texts().at(-1)).toBe('disconnect from localhost[127.0.0.1] ehlo=1/2 mail=1/4 rcpt=1 rset=1 vrfy=0/1 quit=1 commands=5/10');
  });

  it('serves every EHLO keyword it offers: the verb has a handler, the parameters are accepted', async () => {
    const port = await start();
    const d = await SmtpDialog.connect({ host: '127.0.0.1', port });
    try {
      const ehlo = await d.command('EHLO client.example');
      const offered = ehlo.lines.slice(1).map((l) => l.split(' ')[0]);
      expect(offered.length).toBeGreaterThan(5);
      for (const word of offered) {
        const k = EHLO_KEYWORDS.find((e) => e.keyword === word);
        expect(k, `${word} is offered but not in ehlo-keywords.ts`).toBeDefined();
        const by = k!.servedBy;
        if ('verb' in by) {
          expect(UNSERVED_VERBS.has(by.verb), `${word} depends on ${by.verb}, which is not implemented`).toBe(false);
          // Out of sequence, so nothing is started: the answer is an error, but not "not implemented".
          const r = await d.command(by.verb === 'BDAT' ? 'BDAT 0 LAST' : `${by.verb} nobody`);
          expect([500, 502], `${word}: ${by.verb} answered ${r.raw.trim()}`).not.toContain(r.code);
        } else if ('mailParams' in by) {
          for (const param of by.mailParams) {
            expect((await d.command(`MAIL FROM:<s@client.example> ${param}`)).code, `${word}: MAIL ... ${param}`).toBe(250);
            for (const rp of by.rcptParams ?? []) {
              expect((await d.command(`RCPT TO:<nobody@mx.twinpost.test> ${rp}`)).code, `${word}: RCPT ... ${rp}`).toBe(250);
            }
            expect((await d.command('RSET')).code).toBe(250);
          }
        }
      }
    } finally {
      await d.close();
    }
  });

  it('offers no keyword whose verb is not implemented', () => {
    const needy = EHLO_KEYWORDS.filter((k) => 'verb' in k.servedBy && UNSERVED_VERBS.has(k.servedBy.verb));
    expect(needy.map((k) => k.keyword)).toEqual([]);
  });
});

describe('smtpd session tables (smtpd_command_filter, smtpd_reject_footer_maps, smtpd_discard_ehlo_keyword_address_maps)', () => {
  /** A one-table Maps whose pattern table answers from `answers`, or fails for the key "FAIL…". */
  const tableOf = (title: string, answers: Record<string, string>): Maps => new Maps(title, ['test:table'], () => ({
    fixed: false,
    async lookup(key: string) {
      if (key.startsWith('FAIL')) throw new Error('table is broken');
      return answers[key] ?? null;
    },
  }));

  async function startWith(over: Partial<SmtpdSettings>): Promise<number> {
    log = createFileLogger({ myhostname: 'mx.twinpost.test' });
    cleanup = recordingCleanup();
    server = createSmtpd({ settings: { ...SETTINGS, ...over }, restrictions: restrictions(['127.0.0.0/8']), cleanup, rewrite: fakeRewrite('mx.twinpost.test', ['mx.twinpost.test']), logger: log });
    await new Promise<void>((r) => server!.server.listen(0, '127.0.0.1', r));
    return (server.server.address() as AddressInfo).port;
  }

  it('replaces a command the filter finds, logs it, and ends the session with 421 4.3.0 when the filter fails', async () => {
    const port = await startWith({ commandFilter: tableOf('smtpd_command_filter', { 'HELLO there': 'HELO there' }) });
    const d = await SmtpDialog.connect({ host: '127.0.0.1', port });
    try {
      expect((await d.command('  HELLO there')).raw).toBe('250 mx.twinpost.test\r\n');
      expect((await d.command('FAIL now')).raw).toBe('421 4.3.0 mx.twinpost.test Server local data error\r\n');
    } finally {
      await d.close();
    }
    await disconnected();
    expect(texts()).toContain('localhost[127.0.0.1]: replacing command "  HELLO there" with "HELO there"');
    expect(texts()).toContain('warning: test:table lookup error for "FAIL now"');
    expect(texts()).toContain('NOQUEUE: reject: HELO from localhost[127.0.0.1]: 421 4.3.0 mx.twinpost.test Server local data error');
  });

  it('takes the footer the table finds for the complete reply, else smtpd_reject_footer', async () => {
    const footers = tableOf('smtpd_reject_footer_maps', { '500 5.5.2 Error: command not recognized': 'from the table' });
    const port = await startWith({ rejectFooterMaps: footers, rejectFooter: 'the default one' });
    const d = await SmtpDialog.connect({ host: '127.0.0.1', port });
    try {
      expect((await d.command('FROB')).raw).toBe('500-5.5.2 Error: command not recognized\r\n500 5.5.2 from the table\r\n');
      expect((await d.command('HELO')).raw).toBe('501-Syntax: HELO hostname\r\n501 the default one\r\n');
    } finally {
      await d.close();
    }
  });

  it('discards the keywords the address table lists, and cannot answer EHLO when it failed at connect time', async () => {
    const port = await startWith({ discardEhloKeywordMaps: tableOf('smtpd_discard_ehlo_keyword_address_maps', { '127.0.0.1': 'size, chunking, auth' }) });
    const d = await SmtpDialog.connect({ host: '127.0.0.1', port });
    try {
      expect((await d.command('EHLO client.example')).raw).toBe('250-mx.twinpost.test\r\n250-PIPELINING\r\n250-VRFY\r\n250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n250-DSN\r\n250 SMTPUTF8\r\n');
    } finally {
      await d.close();
    }
    await disconnected();
    expect(texts()).toContain('discarding EHLO keywords: AUTH SIZE CHUNKING');
    await server?.close();
    const failing = await startWith({ discardEhloKeywordMaps: new Maps('x', ['test:table'], () => ({ fixed: false, lookup: async () => { throw new Error('broken'); } })) });
    const e = await SmtpDialog.connect({ host: '127.0.0.1', port: failing });
    try {
      expect((await e.command('EHLO client.example')).raw).toBe('421 4.3.0 mx.twinpost.test Server local data error\r\n');
    } finally {
      await e.close();
    }
    await disconnected();
    expect(texts()).toContain('warning: don\'t know what EHLO features to announce to localhost[127.0.0.1]');
  });
});
