// The RFC 822 tokenizer, local-part quoting and the match-list rules trivial-rewrite builds on.
import { describe, expect, it } from 'vitest';
import { internalize, quoteLocal, scan } from './tok822.ts';
import { MatchList, type LookupTable } from './maps.ts';
import { stripExtension } from './addr-find.ts';
import { applyTransportEntry } from './transport.ts';

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
});

describe('match lists', () => {
  const none = () => { throw new Error('no tables here'); };
  it('matches exactly, with ! negation and case folding (string lists)', async () => {
    const l = new MatchList('!Bad.Example, example.com other.example', none, 'string');
    expect(await l.match('EXAMPLE.com')).toBe(true);
    expect(await l.match('bad.example')).toBe(false);
    expect(await l.match('sub.example.com')).toBe(false);
  });

  it('matches subdomains in domain lists per parent_domain_matches_subdomains', async () => {
    const parent = new MatchList('example.com', none, 'domain', true);
    expect(await parent.match('a.b.example.com')).toBe(true);
    expect(await parent.match('xexample.com')).toBe(false);
    const dotted = new MatchList('.example.com', none, 'domain', false);
    expect(await dotted.match('a.example.com')).toBe(true);
    expect(await dotted.match('example.com')).toBe(false);
  });

  it('looks parent domains up in key/value tables of domain lists, not in pattern tables', async () => {
    const keys: string[] = [];
    const table = (fixed: boolean): LookupTable => ({ fixed, lookup: async (k) => { keys.push(k); return null; } });
    await new MatchList('t:x', () => table(true), 'domain', false).match('a.b.example');
    expect(keys).toEqual(['a.b.example', '.b.example', '.example']);
    keys.length = 0;
    await new MatchList('t:x', () => table(false), 'domain', false).match('a.b.example');
    expect(keys).toEqual(['a.b.example']);
  });
});

describe('extensions and transport entries', () => {
  it('splits at the first delimiter, except for special local parts', () => {
    expect(stripExtension('u+a+b@x', '+')).toBe('u@x');
    expect(stripExtension('+u@x', '+')).toBeNull();
    expect(stripExtension('owner-list@x', '-')).toBeNull();
    expect(stripExtension('list-request@x', '-+')).toBeNull();
    expect(stripExtension('postmaster+x@y', '+')).toBe('postmaster@y');
    expect(stripExtension('Postmaster@y', '+')).toBeNull();
  });

  it('applies transport(5) entry semantics', () => {
    const route = () => ({ transport: 'smtp', nexthop: '[gw]' });
    const r1 = route(); applyTransportEntry(':[hop]', 'd.example', r1);
    expect(r1).toEqual({ transport: 'smtp', nexthop: '[hop]' });
    const r2 = route(); applyTransportEntry('relay:', 'd.example', r2);
    expect(r2).toEqual({ transport: 'relay', nexthop: 'd.example' });
    const r3 = route(); applyTransportEntry('error:', 'd.example', r3);
    expect(r3).toEqual({ transport: 'error', nexthop: 'Address is undeliverable' });
    const r4 = route(); applyTransportEntry(':', 'd.example', r4);
    expect(r4).toEqual(route());
  });
});
