import { describe, expect, it } from 'vitest';
import { CLEANUP_STAT } from '../../global/cleanup-user.ts';
import { cleanupReply } from './cleanup-reply.ts';
import { replyText } from './reply.ts';

describe('cleanupReply', () => {
  // The expected texts are Postfix 3.7.11's replies (smtpd.c, cleanup_strerror.c).
  it('answers each status with its table entry', () => {
    expect(replyText(cleanupReply(CLEANUP_STAT.HOPS, '5.4.0 too many hops'))).toBe('554 5.4.0 Error: too many hops');
    expect(replyText(cleanupReply(CLEANUP_STAT.SIZE))).toBe('552 5.3.4 Error: message file too big');
    expect(replyText(cleanupReply(CLEANUP_STAT.WRITE))).toBe('451 4.3.0 Error: queue file write error');
    expect(replyText(cleanupReply(CLEANUP_STAT.BAD))).toBe('451 4.3.0 Error: internal error 1');
  });
  it('puts the most severe status first', () => {
    expect(replyText(cleanupReply(CLEANUP_STAT.SIZE | CLEANUP_STAT.HOPS))).toBe('552 5.3.4 Error: message file too big');
    expect(replyText(cleanupReply(CLEANUP_STAT.BAD | CLEANUP_STAT.SIZE))).toBe('451 4.3.0 Error: internal error 5');
  });
  it('passes on a reason that is a whole reply, and a content or defer reason behind its code', () => {
    expect(replyText(cleanupReply(CLEANUP_STAT.CONT, '550 5.7.0 go away'))).toBe('550 5.7.0 go away');
    expect(replyText(cleanupReply(CLEANUP_STAT.CONT, '5.7.1 bad words'))).toBe('550 5.7.1 bad words');
    expect(replyText(cleanupReply(CLEANUP_STAT.DEFER, '4.7.1 later'))).toBe('451 4.7.1 later');
    expect(replyText(cleanupReply(CLEANUP_STAT.DEFER))).toBe('451 4.7.1 Error: service unavailable');
  });
});
