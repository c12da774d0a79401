import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createFileLogger } from '../postlogd/postlogd.ts';
import { writeTestQueueFile } from '../master/test-queue.ts';
import { fakeRewrite, recordingCleanup } from '../smtpd/testing.ts';
import { createLocalAgent, deliveredToSet, type LocalDeps, type LocalSettings } from './local.ts';
import { Maps } from '../../global/maps.ts';
import type { DeliveryRequest } from '../contracts.ts';
import { MAIL_DATE_PATTERN, asctime } from '../../global/mail-date.ts';
import { lookupUser } from './users.ts';
import { scratchDir } from '../../../harness/util/cleanup.ts';
import { CLEANUP_STAT } from '../../global/cleanup-user.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function setup(aliases: Record<string, string>, extra: Partial<LocalSettings> = {}, deps: Partial<LocalDeps> = {}) {
  const dir = scratchDir('local-agent');
  dirs.push(dir);
  mkdirSync(join(dir, 'mail'));
  const log = createFileLogger({ myhostname: 'mx.twinpost.test' });
  const cleanup = recordingCleanup('FWD');
  const settings: LocalSettings = {
    transport: 'local', logService: 'local', myhostname: 'mx.twinpost.test', myorigin: 'mx.twinpost.test', mailName: 'Postfix',
    mailSpoolDirectory: join(dir, 'mail'), homeMailbox: '', recipientDelimiter: '+', enableOriginalRecipient: true, ownerRequestSpecial: true, ...extra,
  };
  const rewrite = fakeRewrite('mx.twinpost.test', ['mx.twinpost.test']);
  const agent = createLocalAgent({ settings, logger: log, cleanup, rewrite: { ...rewrite, resolve: async (s, a) => ({ ...(await rewrite.resolve(s, a)), transport: (await rewrite.resolve(s, a)).transport }) }, aliasLookup: async (n) => aliases[n], ...deps });
  return { dir, log, cleanup, agent, texts: () => log.lines.map((l) => l.replace(/^.*?\]: /, '')) };
}

describe('local delivery agent', () => {
  it('expands an alias to a local user and a remote address: mailbox copy plus "forwarded as"', async () => {
    const { dir, cleanup, agent, texts } = setup({ both: 'nobody, remote@far.example' });
    const req = await writeTestQueueFile(join(dir, 'q'), {
      sender: 's2@client.example', recipients: [{ address: 'both@mx.twinpost.test', dsnOrcpt: 'rfc822;both@mx.twinpost.test' }],
      content: 'Received: from client.example\nSubject: alias\n\nFrom me\n>From you\n',
      attributes: { log_client_name: 'localhost', rewrite_context: 'remote' },
    }, 'local', 'mx.twinpost.test');
    const res = await agent.deliver(req);
    expect(res.recipients).toMatchObject([{ address: 'both@mx.twinpost.test', outcome: 'sent' }]);
    expect(texts()[0]).toMatch(/: to=<nobody@mx\.twinpost\.test>, orig_to=<both@mx\.twinpost\.test>, relay=local, delay=[\d.]+, delays=[\d.]+\/[\d.]+\/0\/[\d.]+, dsn=2\.0\.0, status=sent \(delivered to mailbox\)$/);
    expect(texts()[1]).toMatch(/: to=<both@mx\.twinpost\.test>, relay=local, .*, dsn=2\.0\.0, status=sent \(forwarded as FWD0000001\)$/);
    const box = readFileSync(join(dir, 'mail', 'nobody'), 'latin1');
    expect(box).toMatch(/^From s2@client\.example  \w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}\n/);
    expect(box.slice(box.indexOf('\n') + 1)).toBe(
      'Return-Path: <s2@client.example>\nX-Original-To: both@mx.twinpost.test\nDelivered-To: both@mx.twinpost.test\n' +
      'Received: from client.example\nSubject: alias\n\n>From me\n>From you\n\n');
    expect(statSync(join(dir, 'mail', 'nobody')).uid).toBe(lookupUser('nobody')!.uid);
    const fwd = cleanup.submitted[0];
    expect(fwd.sender).toBe('s2@client.example');
    expect(fwd.recipients).toEqual([{ address: 'remote@far.example', origTo: 'both@mx.twinpost.test', dsnOrcpt: 'rfc822;both@mx.twinpost.test' }]);
    expect(fwd.content.toString()).toMatch(new RegExp(`^Received: by mx\\.twinpost\\.test \\(Postfix\\)\n\tid FWD0000001; ${MAIL_DATE_PATTERN.source}\nDelivered-To: both@mx\\.twinpost\\.test\nReceived: from client\\.example\n`));
    expect(fwd.attributes).toEqual({ log_client_name: 'localhost', rewrite_context: 'remote' });
  });

  it('asks cleanup to bounce a refused forwarded copy itself; a copy cleanup does not take leaves the recipient unfinished and unlogged', async () => {
    const { dir, cleanup, agent, texts } = setup({ both: 'nobody, remote@far.example' });
    const open = cleanup.open.bind(cleanup);
    cleanup.open = async (source) => {
      const h = await open(source);
      return { ...h, submit: async (req) => ({ ...(await h.submit(req)), status: CLEANUP_STAT.DEFER, reason: '4.6.0 Alias expansion error' }) };
    };
    const req = await writeTestQueueFile(join(dir, 'q'), {
      sender: 's2@client.example', recipients: [{ address: 'both@mx.twinpost.test' }], content: 'Subject: alias\n\nbody\n',
    }, 'local', 'mx.twinpost.test');
    const res = await agent.deliver(req);
    expect(cleanup.submitted[0].flags).toEqual({ bounceOnError: true, smtputf8: false, autoSmtputf8: false });
    expect(res.recipients).toEqual([]);
    expect(texts()).toHaveLength(1);
    expect(texts()[0]).toContain(': to=<nobody@mx.twinpost.test>, orig_to=<both@mx.twinpost.test>, relay=local, ');
  });

  it('bounces unknown users and mail loops, uses owner- as sender, and writes maildir', async () => {
    const { dir, cleanup, agent, texts } = setup({ list: 'far@away.example', 'owner-list': 'nobody' }, { homeMailbox: '' });
    const req = await writeTestQueueFile(join(dir, 'q'), {
      sender: 's@c', recipients: [{ address: 'nosuchuser@mx.twinpost.test' }, { address: 'list@mx.twinpost.test' }, { address: 'nobody+x@mx.twinpost.test' }],
      content: 'Delivered-To: nobody+x@mx.twinpost.test\nSubject: x\n\nbody\n',
    }, 'local', 'mx.twinpost.test');
    const res = await agent.deliver(req);
    expect(res.recipients.map((r) => [r.outcome, r.dsn, r.text])).toEqual([
      ['bounced', '5.1.1', 'unknown user: "nosuchuser"'],
      ['sent', '2.0.0', 'forwarded as FWD0000001'],
      ['bounced', '5.4.6', 'mail forwarding loop for nobody+x@mx.twinpost.test'],
    ]);
    expect(cleanup.submitted[0].sender).toBe('owner-list@mx.twinpost.test');
    expect(texts()[0]).toContain('status=bounced (unknown user: "nosuchuser")');
  });

  it('delivers to maildir when mail_spool_directory ends in "/"', async () => {
    const { dir, agent } = setup({});
    const spool = join(dir, 'maildirs') + '/';
    const { agent: md } = { agent: createLocalAgent({
      settings: { transport: 'local', logService: 'local', myhostname: 'mx', myorigin: 'mx', mailName: 'Postfix', mailSpoolDirectory: spool, homeMailbox: '', recipientDelimiter: '', enableOriginalRecipient: true, ownerRequestSpecial: true },
      logger: createFileLogger({ myhostname: 'mx' }), cleanup: recordingCleanup(), rewrite: fakeRewrite('mx', ['mx']), aliasLookup: async () => undefined,
    }) };
    void agent;
    const req = await writeTestQueueFile(join(dir, 'q'), { sender: '', recipients: [{ address: 'nobody@mx' }], content: 'Subject: m\n\nFrom x\n' }, 'local', 'mx');
    const res = await md.deliver(req);
    expect(res.recipients[0].text).toBe('delivered to maildir');
    const files = readdirSync(join(spool, 'nobody', 'new'));
    expect(files).toHaveLength(1);
    expect(readFileSync(join(spool, 'nobody', 'new', files[0]), 'latin1')).toBe('Return-Path: <>\nX-Original-To: nobody@mx\nDelivered-To: nobody@mx\nSubject: m\n\nFrom x\n');
    expect(asctime(Date.parse('2026-11-01T02:03:04Z') / 1000, { TZ: 'UTC' })).toBe('Sun Nov  1 02:03:04 2026');
  });

  it('frozen_delivered_to = no: a copy forwarded from a nested alias names the inner alias in Delivered-To:', async () => {
    const { dir, cleanup, agent } = setup({ chain: 'hop', hop: 'dave@far.example' }, { frozenDeliveredTo: false });
    const req = await writeTestQueueFile(join(dir, 'q'), { sender: 'a@client.example', recipients: [{ address: 'chain@mx.twinpost.test' }], content: 'Subject: x\n\nhi\n' }, 'local', 'mx.twinpost.test');
    await agent.deliver(req);
    expect(cleanup.submitted[0]!.content.toString()).toMatch(/\nDelivered-To: hop@mx\.twinpost\.test\n/);
  });

  it('expand_owner_alias: the owner alias\'s value becomes the sender of the list\'s copies', async () => {
    const { dir, cleanup, agent } = setup({ list: 'carol@far.example', 'owner-list': 'admin@far.example' }, { expandOwnerAlias: true });
    const req = await writeTestQueueFile(join(dir, 'q'), { sender: 'a@client.example', recipients: [{ address: 'list@mx.twinpost.test' }], content: 'Subject: x\n\nhi\n' }, 'local', 'mx.twinpost.test');
    await agent.deliver(req);
    expect(cleanup.submitted[0]!.sender).toBe('admin@far.example');
  });

  it('require_home_directory: a user whose home is missing is deferred', async () => {
    const { dir, agent, texts } = setup({}, { requireHomeDirectory: true });
    const req = await writeTestQueueFile(join(dir, 'q'), { sender: '', recipients: [{ address: 'nobody@mx.twinpost.test' }], content: 'Subject: x\n\nhi\n' }, 'local', 'mx.twinpost.test');
    const res = await agent.deliver(req);
    const home = lookupUser('nobody')!.home;
    expect(res.recipients).toMatchObject([{ outcome: 'deferred', dsn: '4.3.0', text: `cannot access home directory ${home}: No such file or directory` }]);
    expect(texts()).toHaveLength(1);
  });

  it('mailbox_transport: the recipient goes to that agent, which answers for it; local only says so', async () => {
    const passed: DeliveryRequest[] = [];
    const passAgent = () => ({
      transport: 'error',
      deliver: async (r: DeliveryRequest) => (passed.push(r), { recipients: r.recipients.map((x) => ({ offset: x.offset, address: x.address, outcome: 'bounced' as const, dsn: '5.2.1', text: 'closed', relay: 'none' })) }),
    });
    const { dir, agent, texts } = setup({}, { mailboxTransport: 'error:closed' }, { passAgent });
    const req = await writeTestQueueFile(join(dir, 'q'), { sender: '', recipients: [{ address: 'nobody@mx.twinpost.test' }], content: 'Subject: x\n\nhi\n' }, 'local', 'mx.twinpost.test');
    const res = await agent.deliver(req);
    expect(passed).toMatchObject([{ transport: 'error', nexthop: 'closed', recipients: [{ address: 'nobody@mx.twinpost.test' }] }]);
    expect(res.recipients).toMatchObject([{ outcome: 'bounced', dsn: '5.2.1', text: 'closed' }]);
    expect(texts()).toEqual([expect.stringMatching(/: passing <nobody@mx\.twinpost\.test> to transport=error$/)]);
  });

  it('local_delivery_status_filter: a matching result is logged and returned with the new status and text', async () => {
    const table = { fixed: false, lookup: async (k: string) => (k === '5.1.1 unknown user: "ghost"' ? '4.1.1 not yet' : null) };
    const statusFilter = new Maps('local_delivery_status_filter', ['test:filter'], () => table);
    const { dir, agent, texts } = setup({}, {}, { statusFilter });
    const req = await writeTestQueueFile(join(dir, 'q'), { sender: '', recipients: [{ address: 'ghost@mx.twinpost.test' }], content: 'Subject: x\n\nhi\n' }, 'local', 'mx.twinpost.test');
    const res = await agent.deliver(req);
    expect(res.recipients).toMatchObject([{ outcome: 'deferred', dsn: '4.1.1', text: 'not yet' }]);
    expect(texts()[0]).toMatch(/dsn=4\.1\.1, status=deferred \(not yet\)$/);
  });
});

describe('Delivered-To loop check (delivered_hdr_init)', () => {
  it('skips the blanks after the colon only: a trailing blank keeps the value from matching', () => {
    const set = deliveredToSet(Buffer.from('Delivered-To:  A@X.example\nDelivered-To: b@x.example\t\nSubject: s\n\nDelivered-To: c@x.example\n', 'latin1'));
    expect([...set]).toEqual(['a@x.example', 'b@x.example\t']);
  });
});
