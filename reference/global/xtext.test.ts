import { describe, expect, it } from 'vitest';
import { uxtextQuote, uxtextUnquote, xtextQuote, xtextUnquote } from './xtext.ts';

describe('xtext', () => {
  it('decodes +XX in either case and passes other characters through', () => {
    expect(xtextUnquote('QQ+2B1+3d2')).toBe('QQ+1=2');
    expect(xtextUnquote('a=b')).toBe('a=b');
  });
  it('refuses a + without two hex digits', () => {
    expect(xtextUnquote('abc+2')).toBeUndefined();
    expect(xtextUnquote('abc+zz')).toBeUndefined();
  });
  it('encodes +, blanks, 8-bit bytes and the special characters', () => {
    expect(xtextQuote('QQ+1=2', '+=')).toBe('QQ+2B1+3D2');
    expect(xtextQuote('rfc822;a b=c', '=')).toBe('rfc822;a+20b+3Dc');
    expect(xtextQuote('é')).toBe('+C3+A9');
  });
});

describe('uxtext', () => {
  it('decodes \\x{HEX} and refuses code points above U+10FFFF or an unclosed escape', () => {
    expect(uxtextUnquote('j\\x{F6}rg')).toBe('jörg');
    expect(uxtextUnquote('\\x{110000}')).toBeUndefined();
    expect(uxtextUnquote('\\x{41')).toBeUndefined();
  });
  it('encodes non-ASCII characters and the backslash', () => {
    expect(uxtextQuote('utf-8;jörg\\x', '+=')).toBe('utf-8;j\\x{F6}rg\\x{5C}x');
  });
});
