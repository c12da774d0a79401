// extract_addr() and smtpd_check_addr() as smtpd reads MAIL FROM / RCPT TO / VRFY arguments.
import { describe, expect, it } from 'vitest';
import { extractAddress, type ExtractOptions } from './address.ts';
import { smtpdTokens } from './command.ts';
import { RESOLVE_CLASS_DEFAULT, RESOLVE_FLAG_ERROR } from '../../global/resolve-clnt.ts';
import type { TrivialRewriteClient } from '../contracts.ts';

/** A trivial-rewrite stand-in: bare names get @local.test; a domain that is empty or starts with "-" is an error. */
const rewrite: TrivialRewriteClient = {
  async rewrite(_rule, address) {
    return { address: address.includes('@') ? address : `${address}@local.test` };
  },
  async resolve(_sender, address) {
    const domain = address.slice(address.lastIndexOf('@') + 1);
    const bad = domain === '' || domain.startsWith('-');
    return { transport: 'smtp', nexthop: domain, recipient: address, flags: RESOLVE_CLASS_DEFAULT | (bad ? RESOLVE_FLAG_ERROR : 0) };
  },
};
const opts = (o: Partial<ExtractOptions> = {}): ExtractOptions => ({ allowEmpty: false, smtputf8: false, sender: '', rewrite, ...o });

describe('smtpdTokens', () => {
  it('keeps <...> and quoted parts whole and makes FROM: a word of its own', () => {
    expect(smtpdTokens('FROM:< s@x > SIZE=1').map((t) => t.text)).toEqual(['FROM:', '< s@x >', 'SIZE=1']);
    expect(smtpdTokens('TO:<"a b"@x>x NOTIFY=NEVER').map((t) => t.text)).toEqual(['TO:', '<"a b"@x>x', 'NOTIFY=NEVER']);
  });

  it('splits at a bare CR or vertical tab as at a blank', () => {
    expect(smtpdTokens('TO:<r@x> noti\rfy=delay\vB').map((t) => t.text)).toEqual(['TO:', '<r@x>', 'noti', 'fy=delay', 'B']);
  });

  it('marks a word whose "<" or quote never closes, a nested "<" included', () => {
    expect(smtpdTokens('FROM:<s<x@y>')[1]).toEqual({ text: '<s<x@y>', error: true });
    expect(smtpdTokens('FROM:"abc')[1]!.error).toBe(true);
    expect(smtpdTokens('FROM:<<a@b>>')[1]).toEqual({ text: '<<a@b>>', error: false });
  });

  it('returns no word for a blank line', () => {
    expect(smtpdTokens(' \t ')).toEqual([]);
  });
});

describe('extractAddress', () => {
  it('takes blanks inside the brackets and a source route', async () => {
    expect(await extractAddress('< s@sink.test >', opts())).toEqual({ internal: 's@sink.test', address: 's@sink.test' });
    expect(await extractAddress('<@a,@b:u@d>', opts())).toEqual({ internal: 'u@d', address: 'u@d' });
    expect(await extractAddress('<"a b"@x>', opts())).toEqual({ internal: 'a b@x', address: '"a b"@x' });
  });

  it('refuses two addresses', async () => {
    expect(await extractAddress('<s(comment)x@sink.test>', opts())).toBeUndefined();
    expect(await extractAddress('<s@sink.test>x', opts())).toBeUndefined();
  });

  it('allows the null address only where asked', async () => {
    expect(await extractAddress('<>', opts({ allowEmpty: true }))).toEqual({ internal: '', address: '' });
    expect(await extractAddress('<>', opts())).toBeUndefined();
  });

  it('refuses what trivial-rewrite resolves with an error, and a UTF-8 domain without SMTPUTF8', async () => {
    expect(await extractAddress('<s@>', opts())).toBeUndefined();
    expect(await extractAddress('<s@-x.test>', opts())).toBeUndefined();
    expect(await extractAddress('<s@bücher.test>', opts())).toBeUndefined();
    expect(await extractAddress('<s@bücher.test>', opts({ smtputf8: true }))).toEqual({ internal: 's@bücher.test', address: 's@bücher.test' });
    expect(await extractAddress('<ü@x.test>', opts())).toEqual({ internal: 'ü@x.test', address: 'ü@x.test' });
  });
});
