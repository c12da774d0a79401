// Attribute protocol encodings: exact bytes, round trips, lists split across chunks.
import { describe, expect, it } from 'vitest';
import { AttrDecoder, announcement, attrInt, decodeAttrs, encodeAttrs, parseAttrInt, type AttrList } from './attr.ts';
import { privateSocket, publicSocket } from './sockets.ts';

describe('attr0 encoding', () => {
  it('encodes the verified trivial-rewrite request and reply bytes', () => {
    expect(encodeAttrs([['request', 'rewrite'], ['rule', 'local'], ['address', 'user']]).toString('latin1'))
      .toBe('request\0rewrite\0rule\0local\0address\0user\0\0');
    expect(encodeAttrs({ flags: 0, address: 'user@host.example.com' }).length).toBe(39);
    expect(announcement('trivial_rewrite_protocol').toString('latin1')).toBe('protocol\0trivial_rewrite_protocol\0\0');
  });

  it('round-trips lists with empty values, repeated names and UTF-8', () => {
    const lists: AttrList[] = [
      [['flags', '0'], ['transport', 'smtp'], ['nexthop', ''], ['recipient', 'ü@ä.example'], ['flags', '4096']],
      [],
      [['sender', '']],
    ];
    const wire = Buffer.concat(lists.map((l) => encodeAttrs(l)));
    expect(decodeAttrs(wire)).toEqual(lists);
  });

  it('decodes a stream fed one byte at a time (also splitting multi-byte characters)', () => {
    const list: AttrList = [['request', 'resolve'], ['sender', ''], ['address', 'jörg@example.com']];
    const wire = Buffer.concat([encodeAttrs(list), encodeAttrs(list)]);
    const d = new AttrDecoder('attr0');
    const got: AttrList[] = [];
    for (const b of wire) got.push(...d.push(Buffer.from([b])));
    expect(got).toEqual([list, list]);
    expect(d.midList).toBe(false);
    d.push(Buffer.from('request\0'));
    expect(d.midList).toBe(true);
  });
});

describe('plain encoding', () => {
  it('encodes and decodes the verified anvil exchange', () => {
    expect(encodeAttrs([['request', 'connect'], ['ident', 'smtp:192.0.2.1']], 'plain').toString()).toBe('request=connect\nident=smtp:192.0.2.1\n\n');
    const d = new AttrDecoder('plain');
    expect(d.push(Buffer.from('status=0\ncou'))).toEqual([]);
    expect(d.push(Buffer.from('nt=1\nrate=1\n\nstatus=4294967295\n\n'))).toEqual([
      [['status', '0'], ['count', '1'], ['rate', '1']],
      [['status', '4294967295']],
    ]);
    expect(announcement('anvil_protocol', 'plain').toString()).toBe('protocol=anvil_protocol\n\n');
  });

  it('keeps "=" inside values and accepts empty values', () => {
    expect(decodeAttrs(Buffer.from('a=b=c\nd=\n\n'), 'plain')).toEqual([[['a', 'b=c'], ['d', '']]]);
  });
});

describe('integers and socket names', () => {
  it('sends negatives as uint32 and reads them back as int32', () => {
    expect(attrInt(-1)).toBe('4294967295');
    expect(attrInt(-2)).toBe('4294967294');
    expect(attrInt(4096)).toBe('4096');
    expect(parseAttrInt('4294967294')).toBe(-2);
    expect(parseAttrInt('258')).toBe(258);
    expect(() => parseAttrInt('12x')).toThrow();
    expect(() => parseAttrInt('-1')).toThrow();
  });

  it('builds private/ and public/ socket paths', () => {
    expect(privateSocket('/var/spool/postfix', 'rewrite')).toBe('/var/spool/postfix/private/rewrite');
    expect(publicSocket('/q', 'flush')).toBe('/q/public/flush');
    expect(() => privateSocket('/q', '../x')).toThrow();
  });
});
