import { describe, expect, it } from 'vitest';
import { EHLO_MASK_PIPELINING, EHLO_MASK_SILENT, EHLO_MASK_SIZE, ehloMask, ehloMaskText } from './ehlo-mask.ts';

describe('ehlo-mask', () => {
  it('reads a list in any case, with commas or blanks, ignoring unknown names', () => {
    expect(ehloMask('size, Pipelining bogus')).toBe(EHLO_MASK_SIZE | EHLO_MASK_PIPELINING);
    expect(ehloMask('silent-discard')).toBe(EHLO_MASK_SILENT);
    expect(ehloMask('')).toBe(0);
  });
  it('names the bits in the table order of the log line', () => {
    expect(ehloMaskText(ehloMask('size,pipelining'))).toBe('PIPELINING SIZE');
    expect(ehloMaskText(ehloMask('smtputf8 dsn'))).toBe('DSN EHLO_MASK_SMTPUTF8');
  });
});
