import { describe, expect, it } from 'vitest';
import { utf8ByteString } from './byte-string.ts';

describe('utf8ByteString', () => {
  it('gives one char per UTF-8 byte, so latin1 writes the bytes Postfix copies', () => {
    expect(utf8ByteString('ü@b')).toBe('\u00c3\u00bc@b');
    expect([...Buffer.from(utf8ByteString('用'), 'latin1')]).toEqual([0xe7, 0x94, 0xa8]);
    expect(utf8ByteString('plain@x')).toBe('plain@x');
  });
});
