// mail-date.ts: Postfix 3.7's mail_date() format (strftime "%a, %e %b %Y %H:%M:%S " + offset + zone).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gmtStamp, mailDate } from './mail-date.ts';

const utc = (iso: string) => Date.parse(iso) / 1000;

describe('mailDate', () => {
  const savedTz = process.env.TZ;
  beforeAll(() => { process.env.TZ = 'UTC'; });
  afterAll(() => { if (savedTz === undefined) delete process.env.TZ; else process.env.TZ = savedTz; });
  it('space-pads a one-digit day of month (%e), as Postfix 3.7.11 does', () => {
    expect(mailDate(utc('2026-11-01T09:05:03Z'))).toBe('Sun,  1 Nov 2026 09:05:03 +0000 (UTC)');
  });
  it('leaves a two-digit day as is', () => {
    expect(mailDate(utc('2026-11-28T19:50:52Z'))).toBe('Sat, 28 Nov 2026 19:50:52 +0000 (UTC)');
  });
  it('gmtStamp is %Y%m%d%H%M%S in UTC', () => {
    expect(gmtStamp(utc('2026-02-03T04:05:06Z'))).toBe('20260203040506');
  });
});
