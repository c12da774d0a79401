import { describe, expect, it } from 'vitest';
import { ContentStream, type ContentSetup } from './content-stream.ts';
import { HeaderPass } from './headers.ts';

/** A stream over a header pass that adds the missing headers and records its log lines. */
function stream(o: { slowRewrite?: boolean } = {}) {
  const log: string[] = [];
  const pass = new HeaderPass({
    queueId: 'QID', sender: 'a@example.org', arrivalSec: 0, createSec: 0, myhostname: 'mx.example',
    longQueueIds: false, addMissing: true, dropHeaders: [], headerSizeLimit: 102400, hopcountLimit: 50,
    stopAtError: true, log: (t) => log.push(t), warn: (t) => log.push(`warning: ${t}`),
  });
  // A rewrite that takes a few turns of the event loop, as trivial-rewrite does.
  const rewriteHeaders = o.slowRewrite
    ? async (lines: string[]) => { for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r)); return lines; }
    : undefined;
  const body: string[] = [];
  const output = (line: string, part: 'header' | 'body') => void (part === 'body' && body.push(line));
  const setup: ContentSetup = { pass, rewriteHeaders, output };
  const s = new ContentStream(Promise.resolve(setup), { lineLengthLimit: 2048, headerSizeLimit: 102400, replaceStrayCr: true });
  return { s, log, body };
}

const GENERATED = 'QID: message-id=<19700101000000.QID@mx.example>';

describe('ContentStream', () => {
  it('logs a Message-Id header once the next line shows it complete, not before', async () => {
    const { s, log } = stream();
    s.write(Buffer.from('Message-Id: <one@x>\n'));
    await s.settle();
    expect(log).toEqual([]);
    s.write(Buffer.from('Subj'));
    await s.settle();
    expect(log).toEqual([]);
    s.write(Buffer.from('ect: s\n'));
    await s.settle();
    expect(log).toEqual(['QID: message-id=<one@x>']);
  });

  it('adds and logs the missing Message-Id as soon as the header block ends', async () => {
    const { s, log, body } = stream();
    s.write(Buffer.from('Subject: s\n\nbody'));
    await s.settle();
    expect(log).toEqual([GENERATED]);
    const content = await s.end();
    expect(content.headers[0]).toBe('Subject: s');
    expect(content.headers).toContain('Message-Id: <19700101000000.QID@mx.example>');
    expect(body).toEqual(['', 'body']);
  });

  it('abandoned before the end: an open header and an unfinished line are never read', async () => {
    const { s, log } = stream();
    s.write(Buffer.from('Subject: s\nMessage-Id: <two@x>\nno header, no LF'));
    await s.settle();
    expect(log).toEqual([]);
  });

  it('at the end, the open header and a last line without LF are read', async () => {
    const { s, log, body } = stream();
    s.write(Buffer.from('Message-Id: <three@x>'));
    const content = await s.end();
    expect(log).toEqual(['QID: message-id=<three@x>']);
    expect(content.headers.slice(0, 1)).toEqual(['Message-Id: <three@x>']);
    expect(body).toEqual([]);
  });

  it('keeps every byte written while a header is being rewritten, in order', async () => {
    const { s, log, body } = stream({ slowRewrite: true });
    s.write(Buffer.from('Subject: a\nTo: b\n'));
    // These arrive while the reading of the first write is waiting on the rewrite.
    s.write(Buffer.from('\nline 1\n'));
    await new Promise((r) => setImmediate(r));
    s.write(Buffer.from('line 2\nline'));
    s.write(Buffer.from(' 3'));
    await s.end();
    expect(log).toEqual([GENERATED]);
    expect(body).toEqual(['', 'line 1', 'line 2', 'line 3']);
  });

  it('turns a stray CR into a space (cleanup_replace_stray_cr_lf)', async () => {
    const { s, body } = stream();
    s.write(Buffer.from('Subject: s\n\na\rb\n'));
    await s.end();
    expect(body).toEqual(['', 'a b']);
  });
});
