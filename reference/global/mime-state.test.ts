import { describe, expect, it } from 'vitest';
import { declares8bitEncoding, MIME_ERR, mimeErrorDetail, MimeState, type MimeItem, type MimeOptions } from './mime-state.ts';

/** A reader with no reports, or the given options; the errors it reports are collected. */
function reader(o: Partial<MimeOptions> = {}): { mime: MimeState; errors: [number, string][] } {
  const errors: [number, string][] = [];
  const mime = new MimeState({
    disable: false, report8BitInHeader: false, report8BitIn7BitBody: false, reportEncodingDomain: false, reportNesting: false,
    nestingLimit: 100, boundaryLengthLimit: 2048, headerSizeLimit: 102400, onError: (code, text) => errors.push([code, text]), ...o,
  });
  return { mime, errors };
}

/** Primary headers, then every later line through the reader: what each became. */
function read(mime: MimeState, headers: string[], lines: string[]): MimeItem[] {
  for (const h of headers) mime.primaryHeader(h);
  return [...lines.flatMap((l) => mime.line(l)), ...mime.finish()];
}

describe('MimeState', () => {
  it('sorts a multipart message into part headers and body lines with per-part offsets', () => {
    const { mime } = reader();
    const items = read(mime, ['Content-Type: multipart/mixed; boundary="zz"'], ['', 'pre', '--zz', 'Content-Type: text/plain', 'X-Tag: a', '', 'one', '--zz--', 'post']);
    expect(items).toEqual([
      { body: '', offset: 0 }, { body: 'pre', offset: 1 }, { body: '--zz', offset: 5 },
      { header: 'Content-Type: text/plain', class: 'multipart' }, { header: 'X-Tag: a', class: 'multipart' },
      // the closing boundary starts a new body segment itself (the state changes before the line goes out)
      { body: '', offset: 0 }, { body: 'one', offset: 1 }, { body: '--zz--', offset: 0 }, { body: 'post', offset: 7 },
    ]);
  });

  it('gives an attached message\'s headers the nested class, its MIME headers the multipart class', () => {
    const { mime } = reader();
    const items = read(mime, ['Content-Type: message/rfc822'], ['', 'Subject: inner', '\tfolded', 'Content-Type: text/plain', '', 'body']);
    expect(items.filter((i) => 'header' in i)).toEqual([
      { header: 'Subject: inner\n\tfolded', class: 'nested' },
      { header: 'Content-Type: text/plain', class: 'multipart' },
    ]);
    expect(mime.headerClass('Content-Type')).toBe('multipart');
  });

  it('reads nothing after the primary headers with disable_mime_input_processing', () => {
    const { mime } = reader({ disable: true });
    const items = read(mime, ['Content-Type: multipart/mixed; boundary=zz'], ['', '--zz', 'Content-Type: text/plain', '', 'x']);
    expect(items.every((i) => 'body' in i)).toBe(true);
  });

  it('reports nesting past mime_nesting_limit once, and keeps the boundary prefix only', () => {
    const { mime, errors } = reader({ reportNesting: true, nestingLimit: 0 });
    read(mime, ['Content-Type: multipart/mixed; boundary=a1'], ['', '--a1', 'Content-Type: multipart/mixed; boundary=a2', '', '--a2', 'Content-Type: multipart/mixed; boundary=a3', '', '--a3', 'Content-Type: multipart/mixed; boundary=a4', '', 'x']);
    expect(errors).toEqual([[MIME_ERR.NESTING, 'Content-Type: multipart/mixed; boundary=a3']]);
    const short = reader({ boundaryLengthLimit: 3 }).mime;
    const items = read(short, ['Content-Type: multipart/mixed; boundary=abcdef'], ['', '--abcXYZ', 'X-Part: 1', '', 'y']);
    expect(items).toContainEqual({ header: 'X-Part: 1', class: 'multipart' });
  });

  it('reports 8-bit headers, 8-bit text in 7bit bodies and encoded multiparts, each with its text', () => {
    const { mime, errors } = reader({ report8BitInHeader: true, report8BitIn7BitBody: true, reportEncodingDomain: true });
    read(mime, ['Subject: caf\xe9', 'Content-Type: multipart/mixed; boundary=zz', 'Content-Transfer-Encoding: base64'], ['', '--zz', 'Content-Transfer-Encoding: 8bit', '', 'ok \xe9', '--zz', '', 'bad \xe9']);
    expect(errors).toEqual([
      [MIME_ERR.EIGHT_BIT_IN_HEADER, 'Subject: caf\xe9'],
      [MIME_ERR.ENCODING_DOMAIN, 'base64'],
      [MIME_ERR.EIGHT_BIT_IN_7BIT_BODY, 'bad \xe9'],
    ]);
    expect(mimeErrorDetail(mime.errors)).toEqual({ dsn: '5.6.0', text: 'improper use of 8-bit data in message header' });
  });
});

describe('declares8bitEncoding', () => {
  it('takes 8bit and binary as the whole value, in any case', () => {
    expect(declares8bitEncoding('Content-Transfer-Encoding: 8BIT')).toBe(true);
    expect(declares8bitEncoding('Content-Transfer-Encoding :binary')).toBe(true);
    expect(declares8bitEncoding('Content-Transfer-Encoding: 8bit ')).toBe(false);
    expect(declares8bitEncoding('Content-Transfer-Encoding: 8bit\n\tmore')).toBe(false);
    expect(declares8bitEncoding('Content-Type: 8bit')).toBe(false);
  });
});
