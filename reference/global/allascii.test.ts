import { describe, expect, it } from 'vitest';
import { allAscii } from './allascii.ts';

describe('allAscii', () => {
  it('is true for ASCII text, control characters and DEL included, and false from the first 8-bit character', () => {
    expect(allAscii('')).toBe(true);
    expect(allAscii('user@example.com\t\x00\x7f')).toBe(true);
    expect(allAscii('büro@example.com')).toBe(false);
    expect(allAscii('a\x80')).toBe(false);
  });
});
