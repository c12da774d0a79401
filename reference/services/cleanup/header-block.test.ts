import { describe, expect, it } from 'vitest';
import { cutHeader, headerNameLength, primaryHeaderBlock } from './header-block.ts';

const LIMITS = { lineLengthLimit: 2048, headerSizeLimit: 102400 };

describe('primaryHeaderBlock', () => {
  it('cuts each header line at its first NUL and keeps the next continuation lines; body NULs stay', () => {
    const lines = ['X-A: one\0two', ' cont\0x', ' more', '', 'body\0byte'];
    expect(primaryHeaderBlock(lines, LIMITS)).toEqual(['X-A: one', ' cont', ' more', '', 'body\0byte']);
  });

  it('drops the blanks between a header name and its colon, not after it', () => {
    expect(primaryHeaderBlock(['Subject \t:  x', 'To:y'], LIMITS)).toEqual(['Subject:  x', 'To:y']);
  });

  it('ends the block at a line that is not a header and puts an empty line before the body', () => {
    expect(primaryHeaderBlock(['A: 1', 'From x', 'B: 2'], LIMITS)).toEqual(['A: 1', '', 'From x', 'B: 2']);
    expect(primaryHeaderBlock(['no header here'], LIMITS)).toEqual(['', 'no header here']);
  });

  it('stops growing a header once it holds header_size_limit bytes', () => {
    const limits = { lineLengthLimit: 2048, headerSizeLimit: 20 };
    const lines = ['X: 0123456789', ' abcdefghij', ' dropped', 'Y: kept'];
    expect(primaryHeaderBlock(lines, limits)).toEqual(['X: 0123456789', ' abcdefghij', 'Y: kept']);
  });

  it('reads a long line as records of line_length_limit bytes: a NUL cuts only its record', () => {
    const limits = { lineLengthLimit: 10, headerSizeLimit: 1000 };
    expect(primaryHeaderBlock(['X: ab\0cdefKLMN\0opqr'], limits)).toEqual(['X: abKLMN']);
  });

  it('does not see a header when the colon lies beyond the first record', () => {
    const limits = { lineLengthLimit: 4, headerSizeLimit: 1000 };
    expect(primaryHeaderBlock(['Name: v'], limits)).toEqual(['', 'Name: v']);
  });
});

describe('cutHeader', () => {
  it('keeps a header within the limit as it is', () => {
    expect(cutHeader(['X: 1', ' 2'], 100)).toEqual(['X: 1', ' 2']);
  });

  it('cuts at a line boundary when that keeps more than 90% of the limit', () => {
    expect(cutHeader(['a'.repeat(95), ' bbbbbbbbbb'], 100)).toEqual(['a'.repeat(95)]);
  });

  it('cuts inside the line at exactly the limit otherwise', () => {
    expect(cutHeader(['a'.repeat(50), ` ${'b'.repeat(80)}`], 100)).toEqual(['a'.repeat(50), ` ${'b'.repeat(48)}`]);
    expect(cutHeader(['c'.repeat(150)], 100)).toEqual(['c'.repeat(100)]);
  });
});

describe('headerNameLength', () => {
  it('measures the name of "Name:" and "Name :" and refuses names with controls or blanks inside', () => {
    expect(headerNameLength('Subject: x')).toBe(7);
    expect(headerNameLength('Subject : x')).toBe(7);
    expect(headerNameLength('Sub ject: x')).toBe(0);
    expect(headerNameLength('Sub\0ject: x')).toBe(0);
    expect(headerNameLength(': x')).toBe(0);
  });
});
