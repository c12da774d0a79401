import { describe, expect, it } from 'vitest';
import { canonicalDsn, connectionOrder, transactionOrder, episodeOrder, isClockNoise, mboxMessageOrder, programOrder, queueIdOrder, splitConnUse } from './canonical.ts';

const T = '<Mmm nn nn:nn:nn> mx';

describe('queueIdOrder', () => {
  const head = [`${T} postfix/smtpd[<pid>]: Q1: client=localhost[127.0.0.1]`, `${T} postfix/cleanup[<pid>]: Q1: message-id=<x@y>`];
  const active = `${T} postfix/qmgr[<pid>]: Q1: from=<a@b>, size=1, nrcpt=2 (queue active)`;
  const toA = `${T} postfix/local[<pid>]: Q1: to=<a@mx>, relay=local, status=sent (delivered to mailbox)`;
  const toB = `${T} postfix/local[<pid>]: Q1: to=<b@mx>, relay=local, status=sent (delivered to mailbox)`;
  const removed = `${T} postfix/qmgr[<pid>]: Q1: removed`;

  it('gives parallel deliveries and a late status line one order', () => {
    expect(queueIdOrder([...head, active, toB, removed, toA])).toEqual([...head, active, toA, toB, removed]);
  });

  it('keeps the lines before the first "(queue active)" in log order', () => {
    const swapped = [head[1]!, head[0]!];
    expect(queueIdOrder([...swapped, active, toA])).toEqual([...swapped, active, toA]);
  });

  it('keeps each delivery round after the "(queue active)" that started it', () => {
    const deferred = `${T} postfix/smtp[<pid>]: Q1: to=<a@far>, status=deferred (connect to x: Connection refused)`;
    const sent = `${T} postfix/smtp[<pid>]: Q1: to=<a@far>, status=sent (250 Ok)`;
    expect(queueIdOrder([...head, active, deferred, active, sent, removed])).toEqual([...head, active, deferred, active, sent, removed]);
  });
});

describe('episodeOrder', () => {
  const smtpd = (text: string) => `${T} postfix/smtpd[<pid>]: ${text}`;
  it('keeps each session together, sessions in the order they connected', () => {
    const late = [
      { text: smtpd('connect from localhost[127.0.0.1]'), process: 'postfix/smtpd[10]' },
      { text: smtpd('connect from localhost[127.0.0.1]'), process: 'postfix/smtpd[11]' },
      { text: smtpd('disconnect from localhost[127.0.0.1] quit=1 commands=1'), process: 'postfix/smtpd[10]' },
      { text: smtpd('warning: Connection rate limit exceeded: 3 from localhost[127.0.0.1]'), process: 'postfix/smtpd[11]' },
      { text: smtpd('connect from localhost[127.0.0.1]'), process: 'postfix/smtpd[10]' },
      { text: smtpd('disconnect from localhost[127.0.0.1] commands=0/0'), process: 'postfix/smtpd[11]' },
      { text: smtpd('disconnect from localhost[127.0.0.1] ehlo=1 commands=1'), process: 'postfix/smtpd[10]' },
    ];
    expect(episodeOrder(late)).toEqual([
      smtpd('connect from localhost[127.0.0.1]'),
      smtpd('disconnect from localhost[127.0.0.1] quit=1 commands=1'),
      smtpd('connect from localhost[127.0.0.1]'),
      smtpd('warning: Connection rate limit exceeded: 3 from localhost[127.0.0.1]'),
      smtpd('disconnect from localhost[127.0.0.1] commands=0/0'),
      smtpd('connect from localhost[127.0.0.1]'),
      smtpd('disconnect from localhost[127.0.0.1] ehlo=1 commands=1'),
    ]);
  });
});

describe('programOrder', () => {
  const local = (text: string) => `${T} postfix/local[<pid>]: ${text}`;
  const smtpd = (text: string) => `${T} postfix/smtpd[<pid>]: ${text}`;
  it('puts the lines of parallel delivery agent processes in text order', () => {
    const lines = [
      { text: local('warning: required alias not found: mailer-daemon'), process: 'postfix/local[21]' },
      { text: local('warning: alias database loop for deep25'), process: 'postfix/local[20]' },
    ];
    expect(programOrder('postfix/local', lines)).toEqual([local('warning: alias database loop for deep25'), local('warning: required alias not found: mailer-daemon')]);
  });
  it('keeps the episodes of other programs in their order', () => {
    const lines = [
      { text: smtpd('connect from b[127.0.0.1]'), process: 'postfix/smtpd[10]' },
      { text: smtpd('connect from a[127.0.0.1]'), process: 'postfix/smtpd[11]' },
    ];
    expect(programOrder('postfix/smtpd', lines)).toEqual([smtpd('connect from b[127.0.0.1]'), smtpd('connect from a[127.0.0.1]')]);
  });
});

describe('splitConnUse', () => {
  it('takes conn_use out of each line and returns the values sorted', () => {
    const lines = [`${T} postfix/smtp[<pid>]: Q1: to=<a@far>, relay=x, conn_use=3, delay=<delay>`, `${T} postfix/smtp[<pid>]: Q2: to=<b@far>, relay=x, conn_use=2, delay=<delay>`];
    expect(splitConnUse(lines)).toEqual({
      lines: [`${T} postfix/smtp[<pid>]: Q1: to=<a@far>, relay=x, delay=<delay>`, `${T} postfix/smtp[<pid>]: Q2: to=<b@far>, relay=x, delay=<delay>`],
      uses: ['conn_use=2', 'conn_use=3'],
    });
  });
});

describe('isClockNoise', () => {
  it('recognises cleanup\'s clock warnings and nothing else', () => {
    expect(isClockNoise(`${T} postfix/cleanup[<pid>]: warning: file system clock is 1 seconds ahead of local clock`)).toBe(true);
    expect(isClockNoise(`${T} postfix/cleanup[<pid>]: warning: resetting file time stamps - this hurts performance`)).toBe(true);
    expect(isClockNoise(`${T} postfix/cleanup[<pid>]: warning: header_checks: unknown action`)).toBe(false);
  });
});

describe('canonicalDsn', () => {
  it('orders the recipients of a notification in both parts and leaves the rest', () => {
    const textZ = ['<z@mx>: delivery via local: unknown user'];
    const textA = ['<a@far>: host x said: 550 no', '    such user'];
    const fieldsZ = ['Final-Recipient: rfc822; z@mx', 'Action: failed'];
    const fieldsA = ['Final-Recipient: rfc822; a@far', 'Action: failed'];
    const head = ['                   The mail system', ''];
    const middle = ['', '--B', 'Content-Type: message/delivery-status', '', 'Reporting-MTA: dns; mx', ''];
    const tail = ['', '--B--'];
    expect(canonicalDsn([...head, ...textZ, '', ...textA, ...middle, ...fieldsZ, '', ...fieldsA, ...tail])).toEqual([
      ...head, ...textA, '', ...textZ, ...middle, ...fieldsA, '', ...fieldsZ, ...tail,
    ]);
  });

  it('leaves a message without such blocks as it is', () => {
    const msg = ['Subject: hi', '', 'line two', '', 'line one'];
    expect(canonicalDsn(msg)).toEqual(msg);
  });
});

describe('connectionOrder', () => {
  it('orders connections by what was seen on them', () => {
    expect(connectionOrder([['C: MAIL FROM:…', 'closed by sink'], ['C: EHLO x', 'closed by client']])).toEqual([['C: EHLO x', 'closed by client'], ['C: MAIL FROM:…', 'closed by sink']]);
  });
});

describe('transactionOrder', () => {
  it('gives the batches of one message one order, each batch whole', () => {
    const first = ['MAIL FROM:<a@b>', 'RCPT TO:<u3@x>', 'RCPT TO:<u4@x>'];
    const second = ['MAIL FROM:<a@b>', 'RCPT TO:<u1@x>', 'RCPT TO:<u2@x>'];
    expect(transactionOrder([first, second])).toEqual([second, first]);
    expect(transactionOrder([second, first])).toEqual([second, first]);
  });
});

describe('mboxMessageOrder', () => {
  const a = 'From a@x  Mon Dec  7 18:00:00 2026\nSubject: a\n\n>From me\nbody a\n\n';
  const b = 'From b@x  Mon Dec  7 18:00:00 2026\nSubject: b\n\nbody b\n\n';
  it('gives the same text for the same messages in either order, keeping each message whole', () => {
    expect(mboxMessageOrder(b + a)).toBe(mboxMessageOrder(a + b));
    expect(mboxMessageOrder(b + a)).toContain('>From me\nbody a\n');
  });
  it('still tells different messages apart', () => {
    expect(mboxMessageOrder(a + b)).not.toBe(mboxMessageOrder(a + a));
  });
  it('leaves a file that is not an mbox alone', () => {
    expect(mboxMessageOrder('x\nFrom y\n')).toBe('x\nFrom y\n');
  });
});
