import { describe, expect, it } from 'vitest';
import { ReplyParser, SmtpProtocolError, formatReply, type Reply } from './reply.ts';
import { encodeData } from './data.ts';

describe('ReplyParser', () => {
  it('parses a multi-line reply fed one byte at a time', () => {
    const p = new ReplyParser();
    const wire = '250-mx.example\r\n250-PIPELINING\r\n250 SIZE 1000\r\n';
    const got: unknown[] = [];
    for (const byte of Buffer.from(wire)) got.push(...p.push(Buffer.from([byte])));
    expect(got).toHaveLength(1);
    const r = got[0] as Reply;
    expect(r.code).toBe(250);
    expect(r.lines).toEqual(['mx.example', 'PIPELINING', 'SIZE 1000']);
    expect(r.text).toBe('mx.example\nPIPELINING\nSIZE 1000');
    expect(r.raw).toBe(wire);
    expect(r.enhanced).toBeUndefined();
  });

  it('extracts the enhanced status code and parses several replies in one chunk', () => {
    const p = new ReplyParser();
    const got = p.push(Buffer.from('550 5.7.1 Relay access denied\r\n250 2.1.5 Ok\r\n354 go\r\n'));
    expect(got.map((r) => (r as Reply).code)).toEqual([550, 250, 354]);
    expect((got[0] as Reply).enhanced).toBe('5.7.1');
    expect((got[0] as Reply).lines).toEqual(['5.7.1 Relay access denied']);
    expect((got[1] as Reply).enhanced).toBe('2.1.5');
    expect((got[2] as Reply).enhanced).toBeUndefined();
  });

  it('accepts a code-only line and bare-LF line ends, and keeps a partial reply visible', () => {
    const p = new ReplyParser();
    const [r] = p.push(Buffer.from('250\n221-bye\r\n221-al'));
    expect((r as Reply).code).toBe(250);
    expect((r as Reply).lines).toEqual(['']);
    expect(p.shift()).toBe(r);
    expect(p.shift()).toBeUndefined();
    expect(p.partial()).toBe('221-bye\r\n221-al');
  });

  it('reports a line that is not a reply as a protocol error', () => {
    const p = new ReplyParser();
    const [e] = p.push(Buffer.from('hello there\r\n'));
    expect(e).toBeInstanceOf(SmtpProtocolError);
    expect((e as SmtpProtocolError).line).toBe('hello there');
  });
});

describe('formatReply', () => {
  it('writes single and multi-line replies with CRLF', () => {
    expect(formatReply('250 2.0.0 Ok')).toBe('250 2.0.0 Ok\r\n');
    expect(formatReply('250 host\nPIPELINING\nSIZE 10')).toBe('250-host\r\n250-PIPELINING\r\n250 SIZE 10\r\n');
    expect(() => formatReply('nope')).toThrow(/not an SMTP reply/);
  });
});

describe('encodeData', () => {
  it('normalises line ends to CRLF, dot-stuffs, ends with CRLF and keeps 8-bit bytes', () => {
    const input = Buffer.concat([Buffer.from('a\nb\rc\r\n.d\n..e\n'), Buffer.from([0xe9]), Buffer.from('\n.')]);
    const expected = Buffer.concat([Buffer.from('a\r\nb\r\nc\r\n..d\r\n...e\r\n'), Buffer.from([0xe9]), Buffer.from('\r\n..\r\n')]);
    expect(encodeData(input)).toEqual(expected);
    expect(encodeData('.first').toString()).toBe('..first\r\n');
    expect(encodeData('')).toEqual(Buffer.alloc(0));
  });
});
