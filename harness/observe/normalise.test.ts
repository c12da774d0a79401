/**
 * createNormaliser on captured Postfix logs (short and long queue IDs) and on literal text.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createNormaliser } from './normalise.ts';
import { parseMaillogLine } from './parse.ts';
import type { MaillogEvent } from './events.ts';
import type { QueueEntry } from './postqueue.ts';

function fixture(name: string): string {
  return readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
}

function events(log: string): MaillogEvent[] {
  return log.split('\n').map((l) => parseMaillogLine(l)).filter((e): e is MaillogEvent => e !== undefined);
}

describe('createNormaliser on captured logs', () => {
  for (const name of ['maillog-short-ids.log', 'maillog-long-ids.log']) {
    it(`${name}: every queue ID becomes Q<n> in order of first appearance`, () => {
      const log = fixture(name);
      const evs = events(log);
      // The queue IDs in order of first appearance, as the parser sees them.
      const order: string[] = [];
      for (const e of evs) {
        for (const q of [e.queueId, e.kind === 'notification' ? e.notificationId : undefined, e.kind === 'delivery' ? e.forwardedAs : undefined]) {
          if (q && !order.includes(q)) order.push(q);
        }
      }
      expect(order.length).toBeGreaterThan(20);
      const n = createNormaliser();
      const out = n.text(log);
      order.forEach((q, i) => {
        expect(n.id(q)).toBe(`Q${i + 1}`);
        expect(out).not.toContain(q);
      });
      // Nothing that varies between runs is left.
      expect(out).not.toMatch(/\[\d+\]:/); // pids
      expect(out).not.toMatch(/\d\d:\d\d:\d\d/); // times
      expect(out).not.toMatch(/delays?=\d/);
      expect(out).not.toMatch(/127\.0\.0\.1\]:\d/); // ports
      expect(out.split('\n').length).toBe(log.split('\n').length);
    });
  }

  it('event() and text() share one mapping; the event keeps its shape', () => {
    const evs = events(fixture('maillog-short-ids.log'));
    const n = createNormaliser();
    const norm = evs.map((e) => n.event(e));
    for (const [i, e] of norm.entries()) {
      expect(e.kind).toBe(evs[i].kind);
      expect(e.time).toBe('<time>');
      expect(e.pid).toBe(0);
      if (e.queueId) expect(e.raw).toContain(`]: ${e.queueId}: `);
    }
    const fwd = norm.find((e) => e.kind === 'delivery' && e.forwardedAs);
    expect(fwd).toMatchObject({ kind: 'delivery', delay: 0, delays: [0, 0, 0, 0] });
    if (fwd?.kind !== 'delivery') throw new Error('no forwarding delivery');
    expect(fwd.forwardedAs).toMatch(/^Q\d+$/);
    expect(fwd.text).toBe(`forwarded as ${fwd.forwardedAs}`);
    // The forwarded copy's own lines use the same name.
    expect(norm.some((e) => e.kind === 'queue-active' && e.queueId === fwd.forwardedAs)).toBe(true);
  });
});

describe('createNormaliser on literal text', () => {
  it('learns IDs from SMTP replies and Received headers, and only announced ones', () => {
    const n = createNormaliser();
    expect(n.text('250 2.0.0 Ok: queued as 4EA1E20C107')).toBe('250 2.0.0 Ok: queued as Q1');
    expect(n.text('Received: by mx.example.test (Postfix) with ESMTP id 4jcLXy1SsnzJ9b5;')).toBe('Received: by mx.example.test (Postfix) with ESMTP id Q2;');
    // Once learned, an ID is replaced anywhere.
    expect(n.text('see 4EA1E20C107 and 4jcLXy1SsnzJ9b5')).toBe('see Q1 and Q2');
    // Hex-looking text that was never announced stays.
    expect(n.text('size=123456 ABCDEF1234')).toBe('size=<size> ABCDEF1234');
    expect(n.id('ABCDEF1234')).toBe('Q3');
    expect(n.text('ABCDEF1234: removed')).toBe('Q3: removed');
  });

  it('assigns names by position within one text', () => {
    const n = createNormaliser();
    expect(n.text('x[1]: BBBBBB1: sender non-delivery notification: AAAAAA1')).toBe('x[<pid>]: Q1: sender non-delivery notification: Q2');
  });

  it('masks times in all the formats Postfix and mail headers use', () => {
    const n = createNormaliser();
    expect(n.text('Date: Sat, 28 Nov 2026 19:50:49 +0000 (UTC)')).toBe('Date: <time>');
    expect(n.text('Date: Mon,  7 Dec 2026 16:05:03 +0100 (CET)')).toBe('Date: <time>');
    expect(n.text('\tfor <a@b>; Sun,  1 Mar 2026 08:30:00 -0330 (NST)')).toBe('\tfor <a@b>; <time>');
    expect(n.text('Arrival-Date: Wed,  1 Jul 2026 16:00:00 +0400 (+04)')).toBe('Arrival-Date: <time>');
    expect(n.text('create_time: Sat Nov 28 19:50:49 2026')).toBe('create_time: <time>');
    expect(n.text('2024-01-01T12:00:00.123456+00:00 h')).toBe('<time> h');
    expect(n.text('Dec  3 01:02:03 h')).toBe('<time> h');
    expect(n.text('cleanup[9]: 434C820C0D2: message-id=<20261128195059.434C820C0D2@mx.example.test>')).toBe('cleanup[<pid>]: Q1: message-id=<<time>.Q1@mx.example.test>');
  });

  it('masks ports of 1024 and above only, and pids in "pid N"', () => {
    const n = createNormaliser();
    expect(n.text('relay=a[127.0.0.1]:25, b[127.0.0.1]:2525, (127.0.0.1:26507:127.0.0.2)')).toBe('relay=a[127.0.0.1]:25, b[127.0.0.1]:<port>, (127.0.0.1:<port>:127.0.0.2)');
    expect(n.text('warning: process /usr/lib/postfix/sbin/smtpd pid 11826 exit status 1')).toBe('warning: process /usr/lib/postfix/sbin/smtpd pid <pid> exit status 1');
  });

  it('renames Message-IDs when asked, consistently', () => {
    const n = createNormaliser({ messageIds: true });
    expect(n.text('Q: message-id=<abc(1)@example.org>')).toBe('Q: message-id=<M1>');
    expect(n.text('Message-ID: <x@y>\nIn-Reply-To: <abc(1)@example.org>')).toBe('Message-ID: <M2>\nIn-Reply-To: <M1>');
    expect(createNormaliser().text('Message-ID: <x@y>')).toBe('Message-ID: <x@y>');
  });

  it('replaces host names (whole names only) and literal strings when asked', () => {
    const n = createNormaliser({ hostnames: ['mx', 'vm'], replace: { '/tmp/twinpost-capture.otBLcz': '<dir>' } });
    expect(n.text('Nov 28 19:53:51 mx postfix/master[14697]: daemon started -- version 3.7.11, configuration /tmp/twinpost-capture.otBLcz/etc'))
      .toBe('<time> <host> postfix/master[<pid>]: daemon started -- version 3.7.11, configuration <dir>/etc');
    expect(n.text('to=<a@mx.example.test> helo=<vm> from=<root@VM>')).toBe('to=<a@mx.example.test> helo=<<host>> from=<root@<host>>');
  });

  it('value() normalises postqueue -j entries and nested data without changing the input', () => {
    const n = createNormaliser();
    const entry: QueueEntry = {
      queue_name: 'deferred', queue_id: '57BDD20C3A1', arrival_time: 1764359451, message_size: 416, forced_expire: false, sender: 'sender@example.org',
      recipients: [{ address: 'g@down.test', delay_reason: 'connect to 127.0.0.1[127.0.0.1]:26509: Connection refused' }],
    };
    const out = n.value({ queue: [entry], note: 'queued as 57BDD20C3A1' });
    expect(out).toEqual({
      queue: [{ ...entry, queue_id: 'Q1', arrival_time: 0, message_size: 0, recipients: [{ address: 'g@down.test', delay_reason: 'connect to 127.0.0.1[127.0.0.1]:<port>: Connection refused' }] }],
      note: 'queued as Q1',
    });
    expect(entry.queue_id).toBe('57BDD20C3A1');
    expect(n.value([1, null, true, 'x'])).toEqual([1, null, true, 'x']);
  });
});

describe('createNormaliser for comparing two runs', () => {
  it('keeps the shape of a time and its zone with timeShapes', () => {
    const n = createNormaliser({ timeShapes: true });
    expect(n.text('Date: Mon,  7 Dec 2026 16:05:03 +0100 (CET)')).toBe('Date: <Ddd,  n Mmm nnnn nn:nn:nn> +0100 (CET)');
    expect(n.text('Date: Mon,  7 Dec 2026 16:05:03 +0100 (GMT+1)')).toBe('Date: <Ddd,  n Mmm nnnn nn:nn:nn> +0100 (GMT+1)');
    expect(n.text('Dec 07 15:25:37 mx postfix/qmgr[7]: x')).toBe('<Mmm nn nn:nn:nn> mx postfix/qmgr[<pid>]: x');
    expect(n.text('Dec  7 15:25:37 mx postfix/qmgr[7]: x')).toBe('<Mmm  n nn:nn:nn> mx postfix/qmgr[<pid>]: x');
    expect(n.text('create_time: Mon Dec  7 15:25:37 2026')).toBe('create_time: <Ddd Mmm  n nn:nn:nn nnnn>');
  });

  it('masks the seconds in bounce(8)\'s MIME boundary', () => {
    expect(createNormaliser({ names: { '4F1A220C3A1': 'Q1' } }).text('boundary="4F1A220C3A1.1796657851/mx.twinpost.test"')).toBe('boundary="Q1.<time>/mx.twinpost.test"');
  });

  it('masks the ports, record offsets and message sizes of queue files and defer logs', () => {
    const n = createNormaliser();
    expect(n.text('named_attribute: log_client_port=47892\nnamed_attribute: server_port=37601')).toBe('named_attribute: log_client_port=<port>\nnamed_attribute: server_port=<port>');
    expect(n.text('message_size:             312             939               4               0             312               0'))
      .toBe('message_size: <size> <offset> 4 0 <size>               0');
    expect(n.text('Q: from=<a@b>, size=340, nrcpt=1 (queue active)')).toBe('Q: from=<a@b>, size=<size>, nrcpt=1 (queue active)');
    expect(n.text('message_size_limit=10240000')).toBe('message_size_limit=10240000');
    expect(n.text('recipient=a@b\noffset=730\nstatus=4.3.0')).toBe('recipient=a@b\noffset=<offset>\nstatus=4.3.0');
  });

  it('starts from the names another normaliser gave and leaves foreign IDs alone', () => {
    const first = createNormaliser({ foreign: (id) => id === '9E1F000001' });
    expect(first.text('smtp[1]: 4F1A220C3A1: status=sent (250 2.0.0 Ok: queued as 9E1F000001)')).toBe('smtp[<pid>]: Q1: status=sent (250 2.0.0 Ok: queued as 9E1F000001)');
    expect(first.names()).toEqual({ '4F1A220C3A1': 'Q1' });
    const second = createNormaliser({ names: first.names() });
    expect(second.text('forwarded as 5B2C330D4B2; 4F1A220C3A1')).toBe('forwarded as Q2; Q1');
  });
});

describe('createNormaliser on postqueue -j entries', () => {
  it('masks the size of every postqueue -j entry (a maildrop file\'s is its file size)', () => {
    const n = createNormaliser();
    const entry = { queue_name: 'maildrop', queue_id: 'A1B2C3D4E5', arrival_time: 1, message_size: 125, sender: 'a@b', recipients: [] };
    expect(n.value(entry)).toEqual({ ...entry, queue_id: 'Q1', arrival_time: 0, message_size: 0 });
    expect(n.value({ ...entry, queue_name: 'deferred' })).toEqual({ ...entry, queue_name: 'deferred', queue_id: 'Q1', arrival_time: 0, message_size: 0 });
  });
});
