import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createFileLogger } from './postlogd.ts';
import { formatLogLine } from './format.ts';
import { asctime, logTimestamp, mailDate } from '../../global/mail-date.ts';
import { scratchDir } from '../../../harness/util/cleanup.ts';

// Local time is St. John's (UTC-3:30, NST/NDT) here, whatever zone the tests run in.
const savedTz = process.env.TZ;
beforeAll(() => { process.env.TZ = 'America/St_Johns'; });
afterAll(() => { if (savedTz === undefined) delete process.env.TZ; else process.env.TZ = savedTz; });
const stJohns = (iso: string): Date => new Date(Date.parse(`${iso}-03:30`));

describe('postlogd line format', () => {
  it('matches real Postfix maillog lines', () => {
    const date = stJohns('2026-11-28T19:49:33');
    expect(formatLogLine({ date, myhostname: 'mx.twinpost.test', program: 'postfix/master', pid: 7367, severity: 'info', text: 'daemon started -- version 3.7.11, configuration /tmp/x' }))
      .toBe('Nov 28 19:49:33 mx postfix/master[7367]: daemon started -- version 3.7.11, configuration /tmp/x');
    expect(logTimestamp(stJohns('2026-01-05T01:02:03').getTime() / 1000)).toBe('Jan 05 01:02:03');
    expect(formatLogLine({ date, myhostname: 'mx', program: 'postfix/smtpd', pid: 1, severity: 'warning', text: 'x' })).toBe('Nov 28 19:49:33 mx postfix/smtpd[1]: warning: x');
  });

  it('appends to $maillog_file with the program tag', () => {
    const dir = scratchDir('postlogd');
    try {
      const log = createFileLogger({ path: join(dir, 'sub', 'maillog'), myhostname: 'mx.example', pid: 42, now: () => stJohns('2026-02-03T04:05:06').getTime() });
      log.info('smtpd', 'connect from localhost[127.0.0.1]');
      log.warning('postfix/relay', 'oops');
      expect(readFileSync(join(dir, 'sub', 'maillog'), 'utf8')).toBe(
        'Feb 03 04:05:06 mx postfix/smtpd[42]: connect from localhost[127.0.0.1]\nFeb 03 04:05:06 mx postfix/relay[42]: warning: oops\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('record length (msg_logger.c)', () => {
  it('keeps 2000 bytes of a message text, not counting the severity label', () => {
    const log = createFileLogger({ myhostname: 'mx.example', pid: 42, now: () => stJohns('2026-02-03T04:05:06').getTime() });
    log.info('smtpd', 'a'.repeat(1999) + 'bcd');
    log.warning('smtpd', 'w'.repeat(2000) + 'x');
    expect(log.lines[0]).toBe(`Feb 03 04:05:06 mx postfix/smtpd[42]: ${'a'.repeat(1999)}b`);
    expect(log.lines[1]).toBe(`Feb 03 04:05:06 mx postfix/smtpd[42]: warning: ${'w'.repeat(2000)}`);
  });

  it('counts bytes: a UTF-8 character is two of them', () => {
    const log = createFileLogger({ myhostname: 'mx.example', pid: 42, now: () => stJohns('2026-02-03T04:05:06').getTime() });
    log.info('smtpd', 'ü'.repeat(1001));
    expect(log.lines[0]).toBe(`Feb 03 04:05:06 mx postfix/smtpd[42]: ${'ü'.repeat(1000)}`);
  });
});

describe('time formats', () => {
  it('space-pads the day in mail_date and asctime, zero-pads it in the log stamp', () => {
    const t = stJohns('2026-11-01T09:05:03').getTime() / 1000;
    expect(mailDate(t)).toBe('Sun,  1 Nov 2026 09:05:03 -0330 (NST)');
    expect(asctime(t)).toBe('Sun Nov  1 09:05:03 2026');
    expect(logTimestamp(t)).toBe('Nov 01 09:05:03');
  });
});

describe('printableLog', () => {
  it('shows control characters as "?", as Postfix logs them, and leaves the rest', async () => {
    const { printableLog } = await import('./postlogd.ts');
    expect(printableLog('message-id=<m@x>\t')).toBe('message-id=<m@x>?');
    expect(printableLog('value "SU\x1bCCESS" in\r\nx')).toBe('value "SU?CCESS" in??x');
    expect(printableLog('to=<ü@x>, relay=local')).toBe('to=<ü@x>, relay=local');
  });
});
