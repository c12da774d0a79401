/**
 * Following one message through real Postfix maillog lines (captured from gate runs): the
 * queue files it spawns, when it is settled, and each recipient's outcome; and the checks
 * worded from them.
 */
import { describe, expect, it } from 'vitest';
import { parseMaillogLine } from '../observe/parse.ts';
import type { MaillogEvent } from '../observe/events.ts';
import { traceMessage, type Outcome } from './trace.ts';
import { checkExpectations, type CheckObservation } from './check.ts';
import { parseSpecFile } from './spec.ts';

const P = 'Nov 28 20:20:01 mx1 postfix';
const events = (lines: string[]): MaillogEvent[] => lines.map((l) => parseMaillogLine(`${P}/${l}`)!);

const FORWARDED = [
  'smtpd[10]: 9F3EF2121F7: client=localhost[127.0.0.1]',
  'qmgr[11]: 9F3EF2121F7: from=<monitor@example.net>, size=533, nrcpt=1 (queue active)',
  'local[12]: 9F3EF2121F7: to=<postmaster@mx1.corp.example>, relay=local, delay=0.08, delays=0.01/0.05/0/0.01, dsn=2.0.0, status=sent (forwarded as AF67F2121FC)',
  'qmgr[11]: 9F3EF2121F7: removed',
  'qmgr[11]: AF67F2121FC: from=<monitor@example.net>, size=700, nrcpt=1 (queue active)',
  'smtp[13]: AF67F2121FC: to=<it-ops@corp.example>, orig_to=<postmaster@mx1.corp.example>, relay=mailstore.corp.example[127.9.9.10]:25, delay=0.02, delays=0.01/0/0/0, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as 0019000002)',
];

describe('traceMessage', () => {
  it('follows "forwarded as" and settles only when the new queue file is removed too', () => {
    const open = traceMessage('9F3EF2121F7', events(FORWARDED));
    expect(open.ids).toEqual(['9F3EF2121F7', 'AF67F2121FC']);
    expect(open.settled).toBe(false);
    const done = traceMessage('9F3EF2121F7', events([...FORWARDED, 'qmgr[11]: AF67F2121FC: removed']));
    expect(done.settled).toBe(true);
    expect(done.events).toHaveLength(7);
  });

  it('settles only when every line is in, whatever order the maillog has them in', () => {
    // As CI saw it: qmgr's "removed" logged before local's delivery line, and the re-injected
    // copy's cleanup line before the "forwarded as" that names it.
    const [client, active, delivered, removed, fwdActive, fwdSent] = FORWARDED as [string, string, string, string, string, string];
    const fwdCleanup = 'cleanup[16]: AF67F2121FC: message-id=<x@gate.twinpost.test>';
    const early = traceMessage('9F3EF2121F7', events([client, active, removed]));
    expect(early.settled).toBe(false); // local's line for the one recipient is not in yet
    const reordered = [client, active, fwdCleanup, removed, delivered, fwdActive, fwdSent];
    const open = traceMessage('9F3EF2121F7', events(reordered));
    expect(open.ids).toEqual(['9F3EF2121F7', 'AF67F2121FC']);
    expect(open.events.map((e) => e.raw)).toContain(`${P}/${fwdCleanup}`);
    expect(open.settled).toBe(false);
    expect(traceMessage('9F3EF2121F7', events([...reordered, 'qmgr[11]: AF67F2121FC: removed'])).settled).toBe(true);
  });

  it('waits for the notification a bounce implies, even when the parent was removed first', () => {
    // As a CI run logged it: the notification's own lines and the parent's "removed" before
    // bounce's line that names the notification.
    const lines = [
      'qmgr[11]: C0CA4214063: from=<bob@corp.example>, size=548, nrcpt=1 (queue active)',
      'smtp[13]: C0CA4214063: to=<nobody@partner.example>, relay=gw.partner.example[127.9.9.10]:25, delay=0.02, delays=0.01/0/0.01/0, dsn=5.1.1, status=bounced (host gw.partner.example[127.9.9.10] said: 550 5.1.1 no (in reply to RCPT TO command))',
      'cleanup[15]: C534B214048: message-id=<20261128225648.C534B214048@mx1.corp.example>',
      'qmgr[11]: C534B214048: from=<>, size=2623, nrcpt=1 (queue active)',
      'qmgr[11]: C0CA4214063: removed',
    ];
    expect(traceMessage('C0CA4214063', events(lines)).settled).toBe(false);
    const named = [...lines, 'bounce[14]: C0CA4214063: sender non-delivery notification: C534B214048'];
    const t = traceMessage('C0CA4214063', events(named));
    expect(t.ids).toEqual(['C0CA4214063', 'C534B214048']);
    expect(t.settled).toBe(false); // the notification itself is still queued
    const delivered = 'smtp[13]: C534B214048: to=<bob@corp.example>, relay=mailstore.corp.example[127.9.9.11]:25, delay=0.05, delays=0.01/0/0.03/0.01, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as 0019000001)';
    expect(traceMessage('C0CA4214063', events([...named, delivered, 'qmgr[11]: C534B214048: removed'])).settled).toBe(true);
    // A bounce of mail from the null sender has nobody to notify.
    const nullSender = lines.map((l) => l.replace('from=<bob@corp.example>', 'from=<>'));
    expect(traceMessage('C0CA4214063', events(nullSender)).settled).toBe(true);
  });

  it('counts a message put on hold as settled', () => {
    const held = ['cleanup[15]: 5A1B2C3D4E: hold: RCPT from unknown[203.0.113.9]: <x@corp.example>: Recipient address triggers HOLD action; from=<a@example.net> to=<x@corp.example> proto=ESMTP helo=<c.example>'];
    expect(traceMessage('5A1B2C3D4E', events(held)).settled).toBe(true);
    expect(traceMessage('5A1B2C3D4E', events(['qmgr[11]: 5A1B2C3D4E: from=<a@example.net>, size=5, nrcpt=1 (queue active)'])).settled).toBe(false);
  });

  it('follows bounce notifications, and counts a deferred message as settled once every recipient was tried', () => {
    const lines = [
      'qmgr[11]: C964420EDB2: from=<bob@corp.example>, size=548, nrcpt=2 (queue active)',
      'smtp[13]: C964420EDB2: to=<a@partner.example>, relay=gw.partner.example[127.9.9.11]:25, delay=0.8, delays=0.2/0.4/0.02/0.2, dsn=5.1.1, status=bounced (host gw.partner.example[127.9.9.11] said: 550 5.1.1 no (in reply to RCPT TO command))',
      'smtp[13]: C964420EDB2: to=<b@partner.example>, relay=gw.partner.example[127.9.9.11]:25, delay=0.8, delays=0.2/0.4/0.02/0.2, dsn=4.2.0, status=deferred (host gw.partner.example[127.9.9.11] said: 450 4.2.0 busy (in reply to RCPT TO command))',
      'bounce[14]: C964420EDB2: sender non-delivery notification: 80FA820E03E',
    ];
    const t = traceMessage('C964420EDB2', events(lines));
    expect(t.ids).toEqual(['C964420EDB2', '80FA820E03E']);
    expect([...t.notifications]).toEqual(['80FA820E03E']);
    expect(t.settled).toBe(false); // the notification is still on its way
    expect(traceMessage('C964420EDB2', events([...lines, 'qmgr[11]: 80FA820E03E: removed'])).settled).toBe(true);
    expect(traceMessage('C964420EDB2', events(lines.slice(0, 2))).settled).toBe(false); // b@ not tried yet
  });
});

describe('checkExpectations', () => {
  const [check] = parseSpecFile('t.yaml', `
- name: local delivery
  send: { from: a@example.net, to: staff@mx1.corp.example }
  expect:
    delivered_locally: [alice, bob@mx1.corp.example]
    recipients: [alice@mx1.corp.example, bob@mx1.corp.example]
    deferred: []
`);
  const outcome = (to: string, status: string, relay = 'local'): Outcome => ({ queueId: 'Q1', notification: false, to, status, relay, text: '' });

  it('passes when the outcomes are as expected (local part or whole address)', () => {
    const obs: CheckObservation = { smtp: [], queueId: 'Q1', outcomes: [outcome('alice@mx1.corp.example', 'sent'), outcome('bob@mx1.corp.example', 'sent')] };
    expect(checkExpectations(check!, obs)).toEqual([]);
  });

  it('names what is missing and what is unexpected, and tells what happened', () => {
    const obs: CheckObservation = {
      smtp: [{ command: 'MAIL FROM:<a@example.net>', code: 250, text: '2.1.0 Ok', enhanced: '2.1.0' }],
      queueId: 'Q1',
      outcomes: [outcome('alice@mx1.corp.example', 'sent'), outcome('carol@mx1.corp.example', 'deferred', 'none')],
    };
    const f = checkExpectations(check!, obs);
    expect(f.map((x) => x.expectation)).toEqual(['delivered locally to alice, bob@mx1.corp.example', 'final recipients are alice@mx1.corp.example, bob@mx1.corp.example', 'deferred: nothing']);
    expect(f[0]!.diff).toBe('expected local deliveries: alice, bob@mx1.corp.example\nobserved local deliveries: alice@mx1.corp.example\n  missing: bob@mx1.corp.example');
    expect(f[2]!.diff).toMatch(/^expected deferred recipients: \(none\)\nobserved deferred recipients: carol@mx1\.corp\.example\n  unexpected: carol@mx1\.corp\.example\nwhat happened:\n  SMTP: MAIL FROM:<a@example\.net> → 250\n  alice@mx1\.corp\.example: sent via local\n  carol@mx1\.corp\.example: deferred via none$/);
  });

  it('words a refusal that was expected but did not happen, or came with another code', () => {
    const [c] = parseSpecFile('t.yaml', '- { name: big, send: { from: a@x.example, to: b@corp.example }, expect: { rejected: "552 5.3.4" } }');
    expect(checkExpectations(c!, { smtp: [], queueId: 'ABC', outcomes: [] })[0]).toMatchObject({ expectation: 'refused with 552 5.3.4', diff: expect.stringMatching(/^observed: accepted \(queued as ABC\)/) });
    const refused = { command: 'RCPT TO:<b@corp.example>', code: 554, enhanced: '5.7.1', text: '5.7.1 <b@corp.example>: Relay access denied' };
    expect(checkExpectations(c!, { smtp: [refused], rejection: refused, outcomes: [] })[0]!.diff).toMatch(/^observed: refused at RCPT TO:<b@corp\.example>: 554 5\.7\.1 <b@corp\.example>: Relay access denied/);
  });
});
