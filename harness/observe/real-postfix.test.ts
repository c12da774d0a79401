/**
 * The observe modules against a live private Postfix instance (PostfixTarget, which tails its
 * maillog with MaillogFollower): local(8) mbox and virtual(8) maildir deliveries are awaited
 * through parsed events, then read back with the mailbox readers and normalised.
 */
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostfixTarget } from '../targets/postfix/postfix-target.ts';
import { readMaildir, readMbox, headerValues } from './mailbox.ts';
import { createNormaliser } from './normalise.ts';
import type { Delivery, MaillogEvent } from './events.ts';

const target = new PostfixTarget();

beforeAll(async () => {
  await target.start({
    main: {
      virtual_mailbox_domains: 'virt.test',
      virtual_mailbox_base: '$mail_spool_directory',
      virtual_mailbox_maps: 'texthash:$config_directory/vmailbox',
      virtual_uid_maps: 'static:65534',
      virtual_gid_maps: 'static:65534',
    },
    maps: [{ name: 'vmailbox', content: 'box@virt.test box/\n', build: 'none' }],
  });
  // Let local(8) and virtual(8), running as nobody, create their files.
  chmodSync(target.mailDir, 0o1777);
}, 60_000);

afterAll(async () => {
  await target.dispose();
});

function deliveredTo(to: string) {
  return (e: MaillogEvent): e is Delivery => e.kind === 'delivery' && e.to === to;
}

describe('observe on real Postfix', () => {
  it('an mbox delivery: event fields, From_ line, unfolded headers, >From unquoting', async () => {
    const from = target.events().length;
    const msg = [
      'Subject: first line',
      '  continued',
      'X-Test: one',
      '',
      'hello',
      'From the start of a line',
      'bye',
      '',
    ].join('\n');
    const res = await target.sendmail(['-f', 'alice@example.org', 'nobody'], msg);
    expect(res.code).toBe(0);
    const ev = (await target.waitForEvent(deliveredTo('nobody@mx.twinpost.test'), 20_000, from)) as Delivery;
    expect(ev).toMatchObject({ service: 'local', relay: 'local', status: 'sent', dsn: '2.0.0', text: 'delivered to mailbox', origTo: 'nobody' });
    expect(ev.queueId).toMatch(/^[0-9A-F]{6,}$/);
    await target.waitForEvent((e) => e.kind === 'removed' && e.queueId === ev.queueId, 20_000, from);

    const box = readMbox(join(target.mailDir, 'nobody'));
    expect(box).toHaveLength(1);
    const [m] = box;
    expect(m.sender).toBe('alice@example.org');
    expect(m.date).toMatch(/^\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}$/);
    expect(m.raw).toContain('\n>From the start of a line\n');
    expect(m.body).toBe('hello\nFrom the start of a line\nbye\n');
    expect(headerValues(m, 'subject')).toEqual(['first line  continued']);
    expect(headerValues(m, 'Delivered-To')).toEqual(['nobody@mx.twinpost.test']);
    expect(headerValues(m, 'Return-Path')).toEqual(['<alice@example.org>']);
    expect(m.headers.map(([n]) => n).slice(0, 3)).toEqual(['Return-Path', 'X-Original-To', 'Delivered-To']);
  }, 60_000);

  it('a maildir delivery, and the whole log normalised with one mapping', async () => {
    const from = target.events().length;
    const res = await target.sendmail(['-f', 'bob@example.org', 'box@virt.test'], 'Subject: to maildir\n\nbody\n');
    expect(res.code).toBe(0);
    const ev = (await target.waitForEvent(deliveredTo('box@virt.test'), 20_000, from)) as Delivery;
    expect(ev).toMatchObject({ service: 'virtual', relay: 'virtual', status: 'sent', text: 'delivered to maildir' });

    const msgs = readMaildir(join(target.mailDir, 'box'));
    expect(msgs).toHaveLength(1);
    expect(msgs[0]).toMatchObject({ folder: 'new', flags: '', body: 'body\n' });
    expect(headerValues(msgs[0], 'Subject')).toEqual(['to maildir']);
    expect(headerValues(msgs[0], 'Delivered-To')).toEqual(['box@virt.test']);

    const n = createNormaliser({ replace: { [target.configDir]: '<config>' } });
    const events = target.events().map((e) => n.event(e));
    expect(events.find((e) => e.kind === 'daemon-started')).toMatchObject({ configDir: '<config>', version: '3.7.11' });
    const deliveries = events.filter((e): e is Delivery => e.kind === 'delivery');
    expect(deliveries.map((d) => [d.queueId, d.to])).toEqual([['Q1', 'nobody@mx.twinpost.test'], ['Q2', 'box@virt.test']]);
    // Text normalised with the same normaliser agrees with the events.
    expect(n.text(target.maillog())).toContain(`]: Q2: to=<box@virt.test>, relay=virtual, delay=<delay>, delays=<delay>, dsn=2.0.0, status=sent (delivered to maildir)`);
  }, 60_000);
});
