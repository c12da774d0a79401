/**
 * Mailbox readers on literal mbox text (in local(8)'s layout) and on a scratch maildir.
 * real-postfix.test.ts reads what a live Postfix wrote.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { headerValues, parseMessage, readMaildir, readMbox, splitMbox } from './mailbox.ts';
import { scratchDir } from '../util/cleanup.ts';

const MBOX = [
  'From alice@example.org  Sat Nov 28 19:50:49 2026',
  'Return-Path: <alice@example.org>',
  'Subject: one',
  '\tfolded',
  '',
  'a',
  '>From here',
  '',
  'From MAILER-DAEMON  Sat Nov 28 19:50:50 2026',
  'Subject: two',
  '',
  'b',
  '',
  '',
].join('\n');

let tmp: string | undefined;
afterEach(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  tmp = undefined;
});

describe('parseMessage', () => {
  it('splits headers and body, unfolds, handles CRLF and messages without a body', () => {
    expect(parseMessage('A: 1\r\nB:2\r\n  more\r\n\r\nbody\r\n')).toEqual({ headers: [['A', '1'], ['B', '2  more']], body: 'body\n' });
    expect(parseMessage('A: 1\n')).toEqual({ headers: [['A', '1']], body: '' });
    expect(parseMessage('\nonly body')).toEqual({ headers: [], body: 'only body' });
  });
});

describe('splitMbox', () => {
  it('splits on From_ lines, reads sender and date, drops the separator line, unquotes >From', () => {
    const msgs = splitMbox(MBOX);
    expect(msgs).toHaveLength(2);
    expect(msgs[0]).toMatchObject({ sender: 'alice@example.org', date: 'Sat Nov 28 19:50:49 2026', body: 'a\nFrom here\n' });
    expect(msgs[0].headers).toEqual([['Return-Path', '<alice@example.org>'], ['Subject', 'one\tfolded']]);
    expect(msgs[0].raw.endsWith('>From here\n')).toBe(true);
    expect(msgs[1]).toMatchObject({ sender: 'MAILER-DAEMON', body: 'b\n' });
    expect(headerValues(msgs[1], 'SUBJECT')).toEqual(['two']);
    expect(splitMbox('')).toEqual([]);
  });

  it('readMbox returns [] for a missing file', () => {
    expect(readMbox('/nonexistent/twinpost/mbox')).toEqual([]);
  });
});

describe('readMaildir', () => {
  it('reads new/ and cur/ oldest first, with flags', () => {
    tmp = scratchDir('maildir');
    for (const d of ['new', 'cur', 'tmp']) fs.mkdirSync(path.join(tmp, d));
    fs.writeFileSync(path.join(tmp, 'new', '1764359452.V801I2M3.mx'), 'Subject: later\n\n2\n');
    fs.writeFileSync(path.join(tmp, 'cur', '1764359451.V801I1M3.mx:2,S'), 'Subject: earlier\n\n1\n');
    fs.writeFileSync(path.join(tmp, 'tmp', '1764359453.V801I4M3.mx'), 'Subject: unfinished\n\n3\n');
    const msgs = readMaildir(tmp);
    expect(msgs.map((m) => [m.folder, m.flags, headerValues(m, 'subject')[0], m.body])).toEqual([
      ['cur', 'S', 'earlier', '1\n'],
      ['new', '', 'later', '2\n'],
    ]);
    expect(readMaildir(path.join(tmp, 'absent'))).toEqual([]);
  });
});
