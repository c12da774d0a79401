import { describe, expect, it } from 'vitest';
import { mailParams, rcptParams } from './params.ts';
import { replyText } from './reply.ts';

const refused = (r: object): string | undefined => ('refuse' in r ? replyText((r as { refuse: Parameters<typeof replyText>[0] }).refuse) : undefined);

describe('mailParams', () => {
  it('stores ENVID decoded and RET in upper case', () => {
    expect(mailParams(['ret=hdrs', 'ENVID=QQ+2B1'], true)).toEqual({ params: { ret: 'HDRS', envid: 'QQ+1' }, size: undefined, authSender: undefined });
  });
  it('refuses malformed, non-printable and repeated ENVID and RET', () => {
    for (const given of [['ENVID='], ['ENVID=a+0Ab'], ['ENVID=a', 'ENVID=b']]) expect(refused(mailParams(given, true))).toBe('501 5.5.4 Bad ENVID parameter syntax');
    for (const given of [['RET=NONE'], ['RET=FULL', 'RET=HDRS']]) expect(refused(mailParams(given, true))).toBe('501 5.5.4 Bad RET parameter syntax');
  });
  it('keeps the SIZE and AUTH= seen before a refused parameter', () => {
    const r = mailParams(['SIZE=10', 'AUTH=a@b', 'FOO'], true);
    expect([refused(r), r.size, r.authSender]).toEqual(['555 5.5.4 Unsupported option: FOO', 10, 'a@b']);
  });
  it('refuses a second AUTH= identity, also one left from a refused MAIL', () => {
    expect(refused(mailParams(['AUTH=<>'], true, 'a@b'))).toBe('503 5.5.4 Error: multiple AUTH= options');
  });
  it('refuses SMTPUTF8 when smtputf8_enable is off', () => {
    expect(refused(mailParams(['SMTPUTF8'], false))).toBe('555 5.5.4 Unsupported option: SMTPUTF8');
  });
});

describe('rcptParams', () => {
  it('defaults ORCPT to the address as sent and decodes a given one', () => {
    expect(rcptParams([], '"b"@x', () => undefined)).toEqual({ dsnOrcpt: 'rfc822;"b"@x' });
    expect(rcptParams(['ORCPT=rfc822;b+2Bx@y', 'NOTIFY=success,delay'], 'b@y', () => undefined)).toEqual({ dsnOrcpt: 'rfc822;b+x@y', dsnNotify: 10 });
  });
  it('warns about an unknown NOTIFY word and refuses it', () => {
    const warnings: string[] = [];
    expect(refused(rcptParams(['NOTIFY=BOGUS'], 'b@y', (t) => warnings.push(t)))).toBe('501 5.5.4 Error: Bad NOTIFY parameter syntax');
    expect(warnings).toEqual(['unknown DSN NOTIFY command value "BOGUS" in "BOGUS"']);
  });
  it('refuses an ORCPT without type, with bad xtext, or repeated', () => {
    for (const given of [['ORCPT=rfc822'], ['ORCPT=;a@b'], ['ORCPT=rfc822;a+4'], ['ORCPT=rfc822;a', 'ORCPT=rfc822;b']]) {
      expect(refused(rcptParams(given, 'b@y', () => undefined))).toBe('501 5.5.4 Error: Bad ORCPT parameter syntax');
    }
  });
});
