// The RFC 822 tokenizer and local-part quoting (tok822_scan, tok822_internalize, quote_822_local).
import { describe, expect, it } from 'vitest';
import { internalize, quoteLocal, scan } from './tok822.ts';

describe('scan / internalize', () => {
  it('splits atoms, operators, quoted strings, literals and comments', () => {
    expect(scan('"a b"@[1.2.3.4] (c)').map((t) => [t.type, t.text])).toEqual([
      ['qstring', 'a b'], ['@', '@'], ['domlit', '1.2.3.4'], ['comment', '(c)'],
    ]);
    expect(scan('u.x%y!z').map((t) => t.type)).toEqual(['atom', '.', 'atom', '%', 'atom', '!', 'atom']);
  });

  it('turns an atom with an escaped special into a quoted string', () => {
    expect(scan('a\\@b')).toEqual([{ type: 'qstring', text: 'a@b', owned: false }]);
  });

  it('puts a blank between adjacent words of scanned text only', () => {
    expect(internalize(scan('"a" b (c)'))).toBe('a b (c)');
    expect(internalize(scan('u@d'))).toBe('u@d');
  });
});

describe('quoteLocal', () => {
  it('quotes local parts that are not dot-strings, leaving source routes and 8-bit text alone', () => {
    expect(quoteLocal('a b@x')).toBe('"a b"@x');
    expect(quoteLocal('a@b@x')).toBe('"a@b"@x');
    expect(quoteLocal('.lead@x')).toBe('".lead"@x');
    expect(quoteLocal('a..b')).toBe('"a..b"');
    expect(quoteLocal('x"y@z')).toBe('"x\\"y"@z');
    expect(quoteLocal('@r1,@r2:a b@x')).toBe('@r1,@r2:"a b"@x');
    expect(quoteLocal('jörg@x')).toBe('jörg@x');
    expect(quoteLocal('')).toBe('""');
  });

  it('without 8-bit cleanliness quotes an 8-bit local part, a backslash before each 8-bit byte', () => {
    // "jü" as UTF-8 bytes (one latin1 char per byte): j, 0xC3, 0xBC
    expect(quoteLocal('j\xc3\xbc@x', false, false)).toBe('"j\\\xc3\\\xbc"@x');
    expect(quoteLocal('j\xc3\xbc@x')).toBe('j\xc3\xbc@x');
    expect(quoteLocal('a b\xe9@x', false, false)).toBe('"a b\\\xe9"@x');
    expect(quoteLocal('plain@x', false, false)).toBe('plain@x');
  });
});
