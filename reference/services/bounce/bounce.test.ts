/** bounce: the status logfile format (compared with a defer log written by real Postfix 3.7.11), line wrapping, the notice encoding and DSN address types. */
import { describe, expect, it } from 'vitest';
import { lineWrap } from '../../global/line-wrap.ts';
import { dsnAddressType, noticeEncoding, noticeSender, parseTemplateFile } from './bounce.ts';
import { formatLogEntry, parseLog } from './logfile.ts';

// defer/D/DE1BF20C3A9 as written by real Postfix 3.7.11 (smtp: connection refused, two recipients).
const REAL_DEFER_LOG =
  '\n<bob@remote.test>: connect to 127.0.0.1[127.0.0.1]:31526: Connection refused\nrecipient=bob@remote.test\noffset=626\n' +
  'dsn_orig_rcpt=rfc822;bob@remote.test\nstatus=4.4.1\naction=delayed\nreason=connect to 127.0.0.1[127.0.0.1]:31526: Connection refused\n\n' +
  '\n<carol@remote.test>: connect to 127.0.0.1[127.0.0.1]:31526: Connection refused\nrecipient=carol@remote.test\noffset=702\n' +
  'dsn_orig_rcpt=rfc822;carol@remote.test\nstatus=4.4.1\naction=delayed\nreason=connect to 127.0.0.1[127.0.0.1]:31526: Connection refused\n\n';

describe('bounce logfiles', () => {
  it('writes the same bytes as real Postfix and reads them back', () => {
    const reason = 'connect to 127.0.0.1[127.0.0.1]:31526: Connection refused';
    const text = ['bob', 'carol'].map((u, i) => formatLogEntry(
      { address: `${u}@remote.test`, origTo: `${u}@remote.test`, offset: [626, 702][i], dsnOrcpt: `rfc822;${u}@remote.test` },
      { status: '4.4.1', action: 'delayed', reason },
    )).join('');
    expect(text).toBe(REAL_DEFER_LOG);
    expect(parseLog(REAL_DEFER_LOG)).toEqual([
      { address: 'bob@remote.test', offset: 626, dsnOrcpt: 'rfc822;bob@remote.test', status: '4.4.1', action: 'delayed', reason },
      { address: 'carol@remote.test', offset: 702, dsnOrcpt: 'rfc822;carol@remote.test', status: '4.4.1', action: 'delayed', reason },
    ]);
  });

  it('wraps notification lines at 79 columns with a 4-space indent, as in a real DSN', () => {
    // From a real 3.7.11 non-delivery notification.
    expect(lineWrap('<dave@bad.test>: host 127.0.0.1[127.0.0.1] said: 500 5.3.0 Error: command failed (in reply to RCPT TO command)'))
      .toEqual(['<dave@bad.test>: host 127.0.0.1[127.0.0.1] said: 500 5.3.0 Error: command', '    failed (in reply to RCPT TO command)']);
  });
});

describe('bounce_template_file', () => {
  it('reads the here-documents: header values, then the text after the empty line', () => {
    const t = parseTemplateFile('# comment\nfailure_template = <<EOF\nCharset: us-ascii\nFrom: Robot <MAILER-DAEMON>\nSubject: Back\nPostmaster-Subject: Copy\n\nline one $myhostname\n\nline three\nEOF\n\ndelay_template=<<END\nSubject: Late\n\nlate\nEND\n');
    expect(t.failure_template).toEqual({ from: 'Robot <MAILER-DAEMON>', subject: 'Back', postmasterSubject: 'Copy', body: ['line one $myhostname', '', 'line three'] });
    // Header lines a template leaves out keep the built-in values (bounce_template.c).
    expect(t.delay_template).toEqual({ from: 'Mail Delivery System <MAILER-DAEMON>', subject: 'Late', postmasterSubject: 'Postmaster Warning: Delayed Mail', body: ['late'] });
    expect(t.success_template).toBeUndefined();
  });

  it('starts the text at the first line that is not a header, after any blank lines', () => {
    const t = parseTemplateFile('failure_template = <<EOF\nFailed at $myhostname.\n\nSorry.\nEOF\nverify_template = <<EOF\nSubject: Report\n\n\nAll done.\nEOF\n');
    expect(t.failure_template).toMatchObject({ subject: 'Undelivered Mail Returned to Sender', body: ['Failed at $myhostname.', '', 'Sorry.'] });
    expect(t.verify_template).toMatchObject({ subject: 'Report', body: ['All done.'] });
  });

  it('keeps the built-in template where Postfix ignores the file\'s (empty value, unknown label, no text)', () => {
    const t = parseTemplateFile('failure_template = <<EOF\nSubject:\n\ntext\nEOF\ndelay_template = <<EOF\nX-Label: x\n\ntext\nEOF\nsuccess_template = <<EOF\nSubject: Done\n\nEOF\n');
    expect(t.failure_template!.subject).toBe('Undelivered Mail Returned to Sender');
    expect(t.delay_template!.subject).toBe('Delayed Mail (still being retried)');
    expect(t.success_template!.subject).toBe('Successful Mail Delivery Report');
  });
});

describe('notice encoding and DSN address types (bounce_notify_util.c)', () => {
  it('is 8bit whenever smtputf8_enable is on, else the original encoding or none', () => {
    expect(noticeEncoding(true, '7bit')).toBe('8bit');
    expect(noticeEncoding(true, undefined)).toBe('8bit');
    expect(noticeEncoding(false, '7bit')).toBe('7bit');
    expect(noticeEncoding(false, '8bit')).toBe('8bit');
    expect(noticeEncoding(false, undefined)).toBeUndefined();
  });

  it('types an address utf-8 only when it is non-ASCII and the message has SMTPUTF8 flags', () => {
    expect(dsnAddressType(1, 'oü@x')).toBe('utf-8');
    expect(dsnAddressType(0, 'oü@x')).toBe('rfc822');
    expect(dsnAddressType(1, 'o@x')).toBe('rfc822');
  });

  it('quotes the sender of X-Postfix-Sender: and Return-Path: with a backslash before each 8-bit byte', () => {
    // "sü" in UTF-8 is s, 0xC3, 0xBC: each 8-bit byte gets its own backslash
    expect(noticeSender('sü@x')).toBe('"s\\\xc3\\\xbc"@x');
    // the queue's external form is unquoted first, then quoted once
    expect(noticeSender('"a b"@x')).toBe('"a b"@x');
    expect(noticeSender('plain@x')).toBe('plain@x');
  });
});
