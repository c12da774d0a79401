import { describe, expect, it } from 'vitest';
import { fieldDiff, matches, matchesFields, replyDiff } from './match.ts';
import { ABSENT } from '../scenario/types.ts';

describe('matchers', () => {
  it('matches exact strings, numbers and regular expressions', () => {
    expect(matches('sent', 'sent')).toBe(true);
    expect(matches('sent', 'deferred')).toBe(false);
    expect(matches(/^5\.7\./, '5.7.1')).toBe(true);
    expect(matches(/^5\.7\./, 4)).toBe(false);
    expect(matches(250, 250)).toBe(true);
    expect(matches(250, '250')).toBe(true);
  });

  it('explains field differences', () => {
    expect(fieldDiff({ status: 'sent', to: /@remote/ }, { status: 'deferred', to: 'a@remote.test' })).toEqual([
      'status: expected "sent", observed "deferred"',
    ]);
  });

  it('checks SMTP replies by code, enhanced status and text', () => {
    const r = { code: 554, enhanced: '5.7.1', text: '5.7.1 <x@y.test>: Relay access denied' };
    expect(replyDiff(554, r)).toBeUndefined();
    expect(replyDiff('554 5.7.1', r)).toBeUndefined();
    expect(replyDiff('250', r)).toMatch(/expected reply "250", observed "554/);
    expect(replyDiff({ code: 554, text: /Relay access denied/ }, r)).toBeUndefined();
    expect(replyDiff({ code: 554, text: /User unknown/ }, r)).toMatch(/text \/User unknown\//);
  });

  it('ABSENT matches a missing field only, and says so', () => {
    const forwarded = { kind: 'delivery', to: 'team@mx.twinpost.test', relay: 'local' };
    expect(matchesFields({ kind: 'delivery', origTo: ABSENT }, forwarded)).toBe(true);
    expect(matchesFields({ kind: 'delivery', origTo: ABSENT }, { ...forwarded, origTo: 'team@mx.twinpost.test' })).toBe(false);
    expect(matches(ABSENT, '')).toBe(false);
    expect(fieldDiff({ origTo: ABSENT }, { origTo: 'a@b' })).toEqual(['origTo: expected (absent), observed "a@b"']);
    expect(fieldDiff({ origTo: 'a@b' }, {})).toEqual(['origTo: expected "a@b", observed (absent)']);
  });
});
