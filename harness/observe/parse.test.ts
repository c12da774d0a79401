/**
 * parseMaillogLine against literal lines captured from this machine's Postfix 3.7.11
 * (fixtures/capture.sh), one test per kind, plus whole captured logs.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseMaillogLine } from './parse.ts';
import type { MaillogEvent } from './events.ts';

function p(line: string): MaillogEvent {
  const e = parseMaillogLine(line);
  if (!e) throw new Error(`no event for ${line}`);
  return e;
}

describe('parseMaillogLine', () => {
  it('returns undefined for blank lines', () => {
    expect(parseMaillogLine('')).toBeUndefined();
    expect(parseMaillogLine('   \n')).toBeUndefined();
  });

  it('reads the common header (time, program, service, pid)', () => {
    const e = p('Nov 28 19:50:49 mx postfix/smtpd[9880]: connect from localhost[127.0.0.1]');
    expect(e).toMatchObject({ kind: 'connect', time: 'Nov 28 19:50:49', program: 'postfix/smtpd', service: 'smtpd', pid: 9880, client: 'localhost[127.0.0.1]' });
    expect(e.queueId).toBeUndefined();
  });

  it('accepts space-padded days, ISO timestamps and a custom syslog_name', () => {
    expect(p('Dec  3 01:02:03 h postfix-test/smtp[7]: connect from a[1.2.3.4]')).toMatchObject({ time: 'Dec  3 01:02:03', program: 'postfix-test/smtp', service: 'smtp', pid: 7 });
    expect(p('2024-01-01T12:00:00.123456+00:00 h postfix/smtpd[1]: connect from a[1.2.3.4]')).toMatchObject({ kind: 'connect', time: '2024-01-01T12:00:00.123456+00:00' });
  });

  it('keeps unparseable lines as other', () => {
    expect(p('garbage line')).toMatchObject({ kind: 'other', text: 'garbage line', program: '' });
  });

  it('master: started, reload, terminating', () => {
    expect(p('Nov 28 19:50:49 mx postfix/master[9874]: daemon started -- version 3.7.11, configuration /tmp/twinpost-capture.ShDm15/etc'))
      .toMatchObject({ kind: 'daemon-started', version: '3.7.11', configDir: '/tmp/twinpost-capture.ShDm15/etc' });
    expect(p('Nov 28 19:50:58 mx postfix/master[9874]: reload -- version 3.7.11, configuration /tmp/x/etc').kind).toBe('daemon-reloaded');
    expect(p('Nov 28 19:51:03 mx postfix/master[9874]: terminating on signal 15').kind).toBe('daemon-stopped');
  });

  it('smtpd client=', () => {
    expect(p('Nov 28 19:50:49 mx postfix/smtpd[9880]: A327C20C513: client=localhost[127.0.0.1]'))
      .toMatchObject({ kind: 'client', queueId: 'A327C20C513', client: 'localhost[127.0.0.1]' });
  });

  it('smtpd NOQUEUE reject at RCPT (quotes and parentheses in the text)', () => {
    const e = p('Nov 28 19:50:51 mx postfix/smtpd[11531]: NOQUEUE: reject: RCPT from unknown[127.0.0.2]: 554 5.7.1 <blocked@mx.example.test>: Recipient address rejected: go away (really) "now"; from=<sender@example.org> to=<blocked@mx.example.test> proto=ESMTP helo=<vm>');
    expect(e).toMatchObject({
      kind: 'reject', stage: 'RCPT', client: 'unknown[127.0.0.2]', code: 554, dsn: '5.7.1',
      text: '<blocked@mx.example.test>: Recipient address rejected: go away (really) "now"',
      from: 'sender@example.org', to: 'blocked@mx.example.test',
    });
    expect(e.queueId).toBeUndefined();
  });

  it('smtpd reject with a queue ID at DATA', () => {
    expect(p('Nov 28 19:50:54 mx postfix/smtpd[11531]: CEE6620C1C2: reject: DATA from localhost[127.0.0.1]: 503 5.5.0 <DATA>: Data command rejected: Improper use of SMTP command pipelining; from=<a@b> to=<x@remote.test> proto=SMTP helo=<x>'))
      .toMatchObject({ kind: 'reject', queueId: 'CEE6620C1C2', stage: 'DATA', code: 503, dsn: '5.5.0', from: 'a@b', to: 'x@remote.test' });
  });

  it('smtpd reject without to= (MAIL stage) and with a null sender', () => {
    expect(p('Nov 28 19:50:51 mx postfix/smtpd[1]: NOQUEUE: reject: MAIL from unknown[127.0.0.2]: 553 5.7.1 <>: Sender address rejected: no; from=<> proto=ESMTP helo=<vm>'))
      .toMatchObject({ kind: 'reject', stage: 'MAIL', code: 553, from: '', text: '<>: Sender address rejected: no' });
  });

  it('smtpd reject at CONNECT and HELO (no envelope yet)', () => {
    const c = p('Nov 28 19:50:51 mx postfix/smtpd[1]: NOQUEUE: reject: CONNECT from unknown[127.0.0.2]: 554 5.7.1 <unknown[127.0.0.2]>: Client host rejected: Access denied; proto=SMTP');
    expect(c).toMatchObject({ kind: 'reject', stage: 'CONNECT', code: 554, text: '<unknown[127.0.0.2]>: Client host rejected: Access denied' });
    expect(c).not.toHaveProperty('from');
    expect(p('Nov 28 19:50:51 mx postfix/smtpd[1]: NOQUEUE: reject: EHLO from unknown[127.0.0.2]: 504 5.5.2 <x>: Helo command rejected: need fully-qualified hostname; proto=SMTP helo=<x>'))
      .toMatchObject({ kind: 'reject', stage: 'EHLO', code: 504, dsn: '5.5.2', text: '<x>: Helo command rejected: need fully-qualified hostname' });
  });

  it('cleanup header_checks reject', () => {
    expect(p('Nov 28 19:52:01 mx postfix/cleanup[11534]: C780B20C0FD: reject: header Subject: spam offer from localhost[127.0.0.1]; from=<sender@example.org> to=<localuser@mx.example.test> proto=ESMTP helo=<vm>: 5.7.1 no spam (thanks)'))
      .toMatchObject({ kind: 'reject', queueId: 'C780B20C0FD', stage: 'header', client: 'localhost[127.0.0.1]', code: 550, dsn: '5.7.1', text: 'Subject: spam offer: no spam (thanks)', from: 'sender@example.org', to: 'localuser@mx.example.test' });
  });

  it('smtpd disconnect with command counts', () => {
    expect(p('Nov 28 19:50:50 mx postfix/smtpd[9880]: disconnect from localhost[127.0.0.1] ehlo=1 mail=1 rcpt=0/1 quit=1 commands=3/4')).toMatchObject({
      kind: 'disconnect', client: 'localhost[127.0.0.1]',
      counts: { ehlo: { ok: 1, total: 1 }, mail: { ok: 1, total: 1 }, rcpt: { ok: 0, total: 1 }, quit: { ok: 1, total: 1 }, commands: { ok: 3, total: 4 } },
    });
    expect(p('Nov 28 19:50:52 mx postfix/smtpd[9880]: disconnect from localhost[127.0.0.1] unknown=0/3 commands=0/3'))
      .toMatchObject({ counts: { unknown: { ok: 0, total: 3 }, commands: { ok: 0, total: 3 } } });
  });

  it('smtpd lost connection, too many errors, improper pipelining', () => {
    expect(p('Nov 28 19:50:54 mx postfix/smtpd[9960]: lost connection after DATA (18 bytes) from localhost[127.0.0.1]'))
      .toMatchObject({ kind: 'lost-connection', after: 'DATA', detail: '18 bytes', client: 'localhost[127.0.0.1]' });
    expect(p('Nov 28 19:50:52 mx postfix/smtpd[9880]: lost connection after EHLO from localhost[127.0.0.1]'))
      .toMatchObject({ kind: 'lost-connection', after: 'EHLO' });
    expect(p('Nov 28 19:50:52 mx postfix/smtpd[9880]: too many errors after UNKNOWN from localhost[127.0.0.1]'))
      .toMatchObject({ kind: 'too-many-errors', after: 'UNKNOWN', client: 'localhost[127.0.0.1]' });
    expect(p('Nov 28 19:50:52 mx postfix/smtpd[9880]: timeout after END-OF-MESSAGE from localhost[127.0.0.1]'))
      .toMatchObject({ kind: 'timeout', after: 'END-OF-MESSAGE' });
    expect(p('Nov 28 19:50:54 mx postfix/smtpd[9960]: improper command pipelining after RCPT from localhost[127.0.0.1]: DATA\\r\\nSubject: t\\r\\n\\r\\nhi\\r\\n'))
      .toMatchObject({ kind: 'improper-pipelining', after: 'RCPT', client: 'localhost[127.0.0.1]', detail: 'DATA\\r\\nSubject: t\\r\\n\\r\\nhi\\r\\n' });
  });

  it('cleanup message-id (with parentheses)', () => {
    expect(p('Nov 28 19:50:49 mx postfix/cleanup[9883]: BBA7520C513: message-id=<abc(1)@example.org>'))
      .toMatchObject({ kind: 'message-id', queueId: 'BBA7520C513', messageId: '<abc(1)@example.org>' });
  });

  it('qmgr queue active, removed, expired, force-expired', () => {
    expect(p('Nov 28 19:50:50 mx postfix/qmgr[9876]: DDC9120C4EB: from=<>, size=2295, nrcpt=1 (queue active)'))
      .toMatchObject({ kind: 'queue-active', queueId: 'DDC9120C4EB', from: '', size: 2295, nrcpt: 1 });
    expect(p('Nov 28 19:50:50 mx postfix/qmgr[9876]: DDC9120C4EB: removed')).toMatchObject({ kind: 'removed', queueId: 'DDC9120C4EB' });
    expect(p('Nov 28 19:50:59 mx postfix/qmgr[1]: 57BDD20C3A1: from=<sender@example.org>, status=expired, returned to sender'))
      .toEqual(expect.objectContaining({ kind: 'expired', from: 'sender@example.org' }));
    expect(p('Nov 28 19:50:59 mx postfix/qmgr[10068]: 57BDD20C3A1: from=<sender@example.org>, status=force-expired, returned to sender'))
      .toMatchObject({ kind: 'expired', from: 'sender@example.org', forced: true });
  });

  it('smtp delivery with relay host and port', () => {
    expect(p('Nov 28 19:50:49 mx postfix/smtp[9884]: A327C20C513: to=<rcpt@remote.test>, relay=127.0.0.1[127.0.0.1]:26506, delay=0.06, delays=0.02/0.03/0.01/0, dsn=2.0.0, status=sent (250 2.0.0 Ok)')).toEqual({
      kind: 'delivery', service: 'smtp', program: 'postfix/smtp', pid: 9884, time: 'Nov 28 19:50:49', queueId: 'A327C20C513',
      to: 'rcpt@remote.test', relay: '127.0.0.1[127.0.0.1]:26506', delay: 0.06, delays: [0.02, 0.03, 0.01, 0], dsn: '2.0.0', status: 'sent', text: '250 2.0.0 Ok',
      raw: 'Nov 28 19:50:49 mx postfix/smtp[9884]: A327C20C513: to=<rcpt@remote.test>, relay=127.0.0.1[127.0.0.1]:26506, delay=0.06, delays=0.02/0.03/0.01/0, dsn=2.0.0, status=sent (250 2.0.0 Ok)',
    });
  });

  it('smtp delivery with conn_use and a deferral', () => {
    expect(p('Nov 28 19:50:49 mx postfix/smtp[1]: A327C20C513: to=<r@x.test>, relay=h[127.0.0.1]:25, conn_use=2, delay=0.5, delays=0.1/0/0.2/0.2, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as 4T3GM40sf8z9HdB)'))
      .toMatchObject({ kind: 'delivery', relay: 'h[127.0.0.1]:25', delay: 0.5, status: 'sent', text: '250 2.0.0 Ok: queued as 4T3GM40sf8z9HdB' });
    expect(p('Nov 28 19:50:51 mx postfix/smtp[9884]: 57BDD20C3A1: to=<g@down.test>, relay=none, delay=0, delays=0/0/0/0, dsn=4.4.1, status=deferred (connect to 127.0.0.1[127.0.0.1]:26509: Connection refused)'))
      .toMatchObject({ kind: 'delivery', relay: 'none', status: 'deferred', dsn: '4.4.1', text: 'connect to 127.0.0.1[127.0.0.1]:26509: Connection refused' });
  });

  it('local: mailbox with orig_to, command, forwarded as', () => {
    expect(p('Nov 28 19:50:50 mx postfix/local[9886]: 088AE20C518: to=<localuser@mx.example.test>, orig_to=<multi@mx.example.test>, relay=local, delay=0.01, delays=0/0/0/0, dsn=2.0.0, status=sent (delivered to mailbox)'))
      .toMatchObject({ kind: 'delivery', service: 'local', to: 'localuser@mx.example.test', origTo: 'multi@mx.example.test', relay: 'local', text: 'delivered to mailbox' });
    expect(p('Nov 28 19:50:49 mx postfix/local[9886]: E675320C513: to=<piped@mx.example.test>, relay=local, delay=0.02, delays=0/0/0/0.02, dsn=2.0.0, status=sent (delivered to command: /bin/cat > /dev/null)'))
      .toMatchObject({ text: 'delivered to command: /bin/cat > /dev/null' });
    const fwd = p('Nov 28 19:50:49 mx postfix/local[9886]: D1F2E20C513: to=<fwd@mx.example.test>, relay=local, delay=0.01, delays=0/0/0/0, dsn=2.0.0, status=sent (forwarded as D2EF620C516)');
    expect(fwd).toMatchObject({ kind: 'delivery', forwardedAs: 'D2EF620C516', text: 'forwarded as D2EF620C516' });
  });

  it('virtual, discard, error, retry, lmtp, pipe deliveries', () => {
    expect(p('Nov 28 19:50:50 mx postfix/virtual[9934]: EA5DF20C4E2: to=<u1@virt.test>, relay=virtual, delay=0.03, delays=0/0.03/0/0, dsn=2.0.0, status=sent (delivered to maildir)'))
      .toMatchObject({ service: 'virtual', relay: 'virtual', text: 'delivered to maildir' });
    expect(p('Nov 28 19:50:50 mx postfix/discard[9893]: 1D28E20C518: to=<a@discard.test>, relay=none, delay=0.03, delays=0/0.03/0/0, dsn=2.0.0, status=sent (silently dropped)'))
      .toMatchObject({ service: 'discard', status: 'sent', text: 'silently dropped' });
    expect(p('Nov 28 19:52:05 mx postfix/error[11604]: 2E0A420C113: to=<a@error.test>, relay=none, delay=0.05, delays=0.01/0.03/0/0, dsn=5.1.1, status=bounced (no such "mailbox" (here))'))
      .toMatchObject({ service: 'error', status: 'bounced', text: 'no such "mailbox" (here)' });
    expect(p('Nov 28 19:52:05 mx postfix/error[11607]: 3DFB820C117: to=<c@retry.test>, relay=none, delay=3.1, delays=3.1/0.01/0/0, dsn=4.3.2, status=deferred (try (again) later)'))
      .toMatchObject({ status: 'deferred', delay: 3.1, delays: [3.1, 0.01, 0, 0], text: 'try (again) later' });
    expect(p('Nov 28 19:50:50 mx postfix/lmtp[9910]: 7C1C720C4E2: to=<d@lmtp.test>, relay=127.0.0.1[127.0.0.1]:26508, delay=0.05, delays=0/0.04/0/0, dsn=2.2.0, status=sent (250 2.2.0 Ok)'))
      .toMatchObject({ service: 'lmtp', dsn: '2.2.0' });
    expect(p('Nov 28 19:50:50 mx postfix/pipe[9921]: A419120C4E2: to=<e@pipe.test>, relay=mypipe, delay=0.13, delays=0.01/0.1/0/0.02, dsn=2.0.0, status=sent (delivered via mypipe service (Return-Path: <sender@example.org> Received: from vm (localhost [127.0.0.1])  by mx.example.test (Pos))'))
      .toMatchObject({ service: 'pipe', relay: 'mypipe', text: 'delivered via mypipe service (Return-Path: <sender@example.org> Received: from vm (localhost [127.0.0.1])  by mx.example.test (Pos)' });
    expect(p('Nov 28 19:50:50 mx postfix/pipe[9929]: CE22520C4E2: to=<f@failpipe.test>, relay=failpipe, delay=0.06, delays=0/0.03/0/0.03, dsn=5.3.0, status=bounced (Command died with status 1: "/bin/false")'))
      .toMatchObject({ status: 'bounced', text: 'Command died with status 1: "/bin/false"' });
  });

  it('addresses with commas and quotes inside angle brackets', () => {
    expect(p('Nov 28 19:50:50 mx postfix/local[1]: 088AE20C518: to=<"a, b"@x.test>, orig_to=<"c>, d"@x.test>, relay=local, delay=0, delays=0/0/0/0, dsn=2.0.0, status=sent (delivered to mailbox)'))
      .toMatchObject({ to: '"a, b"@x.test', origTo: '"c>, d"@x.test', relay: 'local' });
  });

  it('bounce / defer / trace notifications', () => {
    expect(p('Nov 28 19:50:50 mx postfix/bounce[9932]: CE22520C4E2: sender non-delivery notification: DDC9120C4EB'))
      .toMatchObject({ kind: 'notification', queueId: 'CE22520C4E2', what: 'sender non-delivery notification', notificationId: 'DDC9120C4EB' });
    expect(p('Nov 28 19:52:05 mx postfix/bounce[11565]: 3DFB820C117: sender delay notification: 4795B20C11A'))
      .toMatchObject({ kind: 'notification', what: 'sender delay notification', notificationId: '4795B20C11A' });
    expect(p('Nov 28 19:52:05 mx postfix/bounce[1]: 3DFB820C117: sender delivery status notification: 4795B20C11A'))
      .toMatchObject({ kind: 'notification', what: 'sender delivery status notification' });
  });

  it('warning, error, fatal, panic (also after a queue ID)', () => {
    expect(p('Nov 28 19:52:01 mx postfix/smtpd[11531]: warning: non-SMTP command from localhost[127.0.0.1]: Subject: dsn'))
      .toMatchObject({ kind: 'warning', text: 'non-SMTP command from localhost[127.0.0.1]: Subject: dsn' });
    expect(p('Nov 28 19:52:14 mx postfix/cleanup[11825]: error: open database /tmp/x/etc/missing.db: No such file or directory'))
      .toMatchObject({ kind: 'error', text: 'open database /tmp/x/etc/missing.db: No such file or directory' });
    expect(p('Nov 28 19:52:14 mx postfix/smtpd[11826]: fatal: bad numerical configuration: smtpd_hard_error_limit = lots'))
      .toMatchObject({ kind: 'fatal', service: 'smtpd' });
    expect(p('Nov 28 19:52:14 mx postfix/qmgr[1]: panic: myfree: corrupt or unallocated memory block')).toMatchObject({ kind: 'panic' });
    expect(p('Nov 28 19:52:14 mx postfix/cleanup[1]: 91FED20C9AB: warning: header Subject: x from local; from=<a> to=<b>'))
      .toMatchObject({ kind: 'warning', queueId: '91FED20C9AB' });
  });

  it('everything else is other, with the queue ID when there is one', () => {
    expect(p('Nov 28 19:52:04 mx postfix/pickup[11526]: 2E0A420C113: uid=0 from=<sender@example.org>'))
      .toMatchObject({ kind: 'other', queueId: '2E0A420C113', text: 'uid=0 from=<sender@example.org>' });
    expect(p('Nov 28 19:50:58 mx postfix/anvil[9943]: statistics: max cache size 1 at Nov 28 19:50:51'))
      .toMatchObject({ kind: 'other', text: 'statistics: max cache size 1 at Nov 28 19:50:51' });
    expect(p('Nov 28 19:50:49 mx postfix/postfix-script[9872]: starting the Postfix mail system')).toMatchObject({ kind: 'other', service: 'postfix-script' });
  });

  it('recognises long queue IDs', () => {
    expect(p('Nov 28 19:50:49 mx postfix/qmgr[1]: 4T3GM40sf8z9HdB: removed')).toMatchObject({ kind: 'removed', queueId: '4T3GM40sf8z9HdB' });
  });
});

describe('captured logs', () => {
  for (const name of ['maillog-short-ids.log', 'maillog-long-ids.log']) {
    it(`${name}: every line parses; the expected kinds all occur`, () => {
      const lines = readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8').split('\n').filter(Boolean);
      const events = lines.map(p);
      expect(events.every((e) => e.program.startsWith('postfix/'))).toBe(true);
      const kinds = new Set(events.map((e) => e.kind));
      for (const k of ['daemon-started', 'daemon-reloaded', 'connect', 'client', 'reject', 'disconnect', 'message-id', 'queue-active',
        'delivery', 'notification', 'removed', 'expired', 'warning', 'error', 'fatal', 'lost-connection', 'too-many-errors', 'improper-pipelining']) {
        expect(kinds, k).toContain(k);
      }
      // Every line carrying "QID: to=<" is a delivery, and every delivery has a queue ID.
      const deliveries = events.filter((e) => e.kind === 'delivery');
      expect(deliveries.length).toBe(lines.filter((l) => /: to=</.test(l)).length);
      expect(deliveries.every((e) => e.queueId)).toBe(true);
      // Every agent that ran delivered something.
      const agents = new Set(deliveries.map((e) => e.service));
      for (const a of ['smtp', 'local', 'virtual', 'error', 'discard', 'pipe', 'lmtp']) expect(agents, a).toContain(a);
    });
  }
});
