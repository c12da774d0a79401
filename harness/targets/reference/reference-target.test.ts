/**
 * The reference target running the reference MTA as a child process, on the foundation
 * scenarios: relay to a sink, alias expansion with re-injection, relay denied, a 450 peer with
 * deferral / flush, an unknown local user, bad input; plus lifecycle (reload, crash, restart,
 * dispose). Expected texts are the ones real Postfix 3.7.11 gives for the same dialogs.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { ReferenceTarget } from './reference-target.ts';
import { SmtpDialog } from '../../smtp/dialog.ts';
import { createSink, type Sink } from '../../sink/index.ts';
import type { Delivery, MaillogEvent } from '../../observe/events.ts';

const owned: { dispose?: () => Promise<void>; close?: () => Promise<void> }[] = [];
afterEach(async () => {
  for (const o of owned.splice(0).reverse()) await (o.dispose ?? o.close)!.call(o);
});

async function sink(opts: Parameters<typeof createSink>[0] = {}): Promise<Sink> {
  const s = await createSink(opts);
  owned.push(s);
  return s;
}

function target(): ReferenceTarget {
  const t = new ReferenceTarget();
  owned.push(t);
  return t;
}

const isDelivery = (to: string, status?: string) => (e: MaillogEvent): e is Delivery =>
  e.kind === 'delivery' && e.to === to && (status === undefined || e.status === status);

/** Wait (polling the queue files, bounded) until the queue snapshot satisfies `pred`. */
async function queueUntil(t: ReferenceTarget, pred: (q: Awaited<ReturnType<ReferenceTarget['queue']>>) => boolean, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const q = await t.queue();
    if (pred(q) || Date.now() > deadline) return q;
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function send(t: ReferenceTarget, from: string, rcpts: string[], body = 'Subject: t\r\n\r\nbody\r\n'): Promise<string> {
  const d = await SmtpDialog.connect({ ...t.smtp, timeoutMs: 10_000 });
  try {
    await d.command('EHLO client.example');
    await d.command(`MAIL FROM:<${from}>`);
    for (const r of rcpts) expect((await d.command(`RCPT TO:<${r}>`)).code).toBe(250);
    const r = await d.data(body);
    await d.quit();
    return /queued as (\S+)/.exec(r.text)![1];
  } finally {
    await d.close();
  }
}

describe('reference target', () => {
  it('relays to the relayhost, expands aliases with re-injection and delivers to the mbox', async () => {
    const peer = await sink();
    const t = target();
    await t.start({
      main: { relayhost: peer.relay, alias_maps: 'lmdb:$config_directory/aliases', alias_database: 'lmdb:$config_directory/aliases' },
      maps: [{ name: 'aliases', content: 'postmaster: root\nboth: nobody, remote@far.example\n', build: 'postalias' }],
    });
    expect(t.events()[0]).toMatchObject({ kind: 'daemon-started', configDir: t.configDir });

    const qid = await send(t, 's@client.example', ['x@far.example']);
    const sent = await t.waitForEvent(isDelivery('x@far.example', 'sent'));
    expect(sent).toMatchObject({ queueId: qid, relay: `127.0.0.1[127.0.0.1]:${peer.endpoint.port}`, dsn: '2.0.0' });
    const [tx] = await peer.waitForTransactions(1);
    expect(tx.mailFrom).toBe('s@client.example');
    expect(tx.rcptTo).toEqual(['x@far.example']);
    expect(tx.data!.toString()).toMatch(new RegExp(`^Received: from client\\.example \\(localhost \\[127\\.0\\.0\\.1\\]\\)\r\n\tby mx\\.twinpost\\.test \\(Postfix\\) with ESMTP id ${qid}\r\n\tfor <x@far\\.example>; `));

    const parent = await send(t, 's2@client.example', ['both@mx.twinpost.test'], 'Subject: alias\r\n\r\nFrom me\r\n');
    const fwd = await t.waitForEvent((e) => e.kind === 'delivery' && e.queueId === parent && e.forwardedAs !== undefined) as Delivery;
    expect(fwd).toMatchObject({ to: 'both@mx.twinpost.test', relay: 'local', status: 'sent' });
    expect(t.events().find(isDelivery('nobody@mx.twinpost.test', 'sent'))).toMatchObject({ origTo: 'both@mx.twinpost.test', text: 'delivered to mailbox' });
    const remote = await t.waitForEvent(isDelivery('remote@far.example', 'sent'));
    expect(remote).toMatchObject({ queueId: fwd.forwardedAs, origTo: 'both@mx.twinpost.test' });
    const [, tx2] = await peer.waitForTransactions(2);
    expect(tx2.data!.toString()).toMatch(new RegExp(`^Received: by mx\\.twinpost\\.test \\(Postfix\\)\r\n\tid ${fwd.forwardedAs}; .*\r\nDelivered-To: both@mx\\.twinpost\\.test\r\nReceived: from client\\.example`));
    const box = await t.mailbox('nobody');
    expect(box).toMatch(/^From s2@client\.example  .{24}\nReturn-Path: <s2@client\.example>\nX-Original-To: both@mx\.twinpost\.test\nDelivered-To: both@mx\.twinpost\.test\nReceived: /);
    expect(box).toMatch(/\n\n>From me\n\n$/);
  });

  it('denies relaying from outside mynetworks, rejects unknown local users and bad sequences', async () => {
    const t = target();
    await t.start({ main: { mynetworks: '127.0.0.2/32', smtpd_relay_restrictions: 'permit_mynetworks, reject_unauth_destination' } });
    const d = await SmtpDialog.connect({ ...t.smtp, timeoutMs: 10_000 });
    try {
      await d.command('EHLO client.example');
      expect((await d.command('RCPT TO:<x@y.example>')).raw).toBe('503 5.5.1 Error: need MAIL command\r\n');
      await d.command('MAIL FROM:<s@client.example>');
      expect((await d.command('DATA')).raw).toBe('554 5.5.1 Error: no valid recipients\r\n');
      expect((await d.command('RCPT TO:<x@far.example>')).raw).toBe('554 5.7.1 <x@far.example>: Relay access denied\r\n');
      expect((await d.command('RCPT TO:<nosuch@mx.twinpost.test>')).raw)
        .toBe('550 5.1.1 <nosuch@mx.twinpost.test>: Recipient address rejected: User unknown in local recipient table\r\n');
      await d.quit();
    } finally {
      await d.close();
    }
    const dis = await t.waitForEvent((e) => e.kind === 'disconnect');
    expect(dis.raw).toMatch(/disconnect from localhost\[127\.0\.0\.1\] ehlo=1 mail=1 rcpt=0\/3 data=0\/1 quit=1 commands=3\/7$/);
    expect(await t.queue()).toEqual([]);
  });

  it('defers on a 450 peer, shows the reason in the queue, delivers after flush; reload and crash/restart', async () => {
    const peer = await sink({ faults: [{ kind: 'reply', stage: 'rcpt', reply: '450 4.2.0 <d@far.example>: try later' }] });
    const t = target();
    await t.start({ main: { relayhost: peer.relay } });
    const qid = await send(t, 's@client.example', ['d@far.example']);
    const deferred = await t.waitForEvent(isDelivery('d@far.example', 'deferred'));
    const reason = `host 127.0.0.1[127.0.0.1] said: 450 4.2.0 <d@far.example>: try later (in reply to RCPT TO command)`;
    expect(deferred).toMatchObject({ queueId: qid, dsn: '4.2.0', text: reason });
    // qmgr logs the deferral before it moves the file from active/ to deferred/.
    expect(await queueUntil(t, (q) => q.length === 1 && q[0].queue_name === 'deferred')).toMatchObject([{ queue_name: 'deferred', queue_id: qid, sender: 's@client.example', recipients: [{ address: 'd@far.example', delay_reason: reason }] }]);

    const mark = t.events().length;
    await t.reload();
    await t.crash();
    await t.restart();
    expect(t.events().slice(mark).map((e) => e.kind)).toEqual(expect.arrayContaining(['daemon-reloaded', 'daemon-started']));
    peer.setFaults([]);
    await t.flush();
    await t.waitForEvent(isDelivery('d@far.example', 'sent'), 20_000, mark);
    expect(peer.transactions().map((x) => x.rcptTo)).toEqual([['d@far.example']]);
    await t.waitForEvent((e) => e.kind === 'removed' && e.queueId === qid, 10_000, mark);
    expect(await queueUntil(t, (q) => q.length === 0)).toEqual([]);

    const root = t.root!;
    const stop = t.events().length;
    await t.stop();
    expect(t.events().slice(stop).some((e) => e.kind === 'daemon-stopped')).toBe(true);
    await t.dispose();
    expect(existsSync(root)).toBe(false);
  });
});

