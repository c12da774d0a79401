// tok822_parse()'s grouping of tokens into addresses, as smtpd's extract_addr() counts them.
import { describe, expect, it } from 'vitest';
import { scan } from './tok822.ts';
import { addressText, tok822Parse } from './tok822-parse.ts';

const addresses = (text: string): string[] =>
  tok822Parse(scan(text)).flatMap((n) => (n.kind === 'address' ? [addressText(n.toks)] : []));

describe('tok822Parse', () => {
  it('finds one address among blanks, brackets and comments', () => {
    expect(addresses(' s@sink.test ')).toEqual(['s@sink.test']);
    expect(addresses('<a@b> (note)')).toEqual(['a@b']);
    expect(addresses('"r@other.example"@sink.test')).toEqual(['r@other.example@sink.test']);
    expect(addresses('user@[127.0.0.1]')).toEqual(['user@[127.0.0.1]']);
  });

  it('starts a new address at a word right after a word, a comment between them or not', () => {
    expect(addresses('a b')).toEqual(['a', 'b']);
    expect(addresses('s(comment)x@sink.test')).toEqual(['s', 'x@sink.test']);
  });

  it('makes what follows ">" an address of its own', () => {
    expect(addresses('<s@sink.test>x')).toEqual(['s@sink.test', 'x']);
  });

  it('inserts the comma it splits at, and keeps the comments outside the addresses', () => {
    const nodes = tok822Parse(scan('a (c) b'));
    expect(nodes.map((n) => (n.kind === 'token' ? n.tok.text : n.kind))).toEqual(['address', ',', 'address', '(c)']);
  });

  it('reads "name: a, b;" as a group start and the addresses of the group', () => {
    const nodes = tok822Parse(scan('team: a@x, b@y;'));
    expect(nodes.map((n) => (n.kind === 'token' ? n.tok.text : n.kind === 'address' ? addressText(n.toks) : ':'))).toEqual(['team', ':', 'a@x', ',', 'b@y', ';']);
    expect(nodes[1]!.kind).toBe('startgrp');
  });

  it('finds no address in nothing or a comment', () => {
    expect(addresses('')).toEqual([]);
    expect(addresses('(only a comment)')).toEqual([]);
  });
});
