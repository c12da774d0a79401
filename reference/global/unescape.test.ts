import { describe, expect, it } from 'vitest';
import { unescape } from './unescape.ts';

describe('unescape', () => {
  it('turns C-like escapes into characters', () => {
    expect(unescape('\\t^')).toBe('\t^');
    expect(unescape('\\0\\136\\\\x')).toBe('\0^\\x');
    expect(unescape('a\\qb')).toBe('aqb');
    expect(unescape('plain')).toBe('plain');
    expect(unescape('end\\')).toBe('end');
  });
});
