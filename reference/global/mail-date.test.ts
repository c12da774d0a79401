// mail-date.ts: mail_date(), asctime() and the maillog stamp, checked against glibc's strftime
// (date(1) under the same TZ) in several zones, summer and winter, on days 1-9 and 10-31.
import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MAIL_DATE_PATTERN, asctime, gmtStamp, logTimestamp, mailDate } from './mail-date.ts';

const at = (iso: string): number => Date.parse(iso) / 1000;

const INSTANTS = [
  at('2026-03-01T00:00:00Z'), at('2026-03-01T12:34:56Z'), at('2026-12-07T12:00:00Z'), at('2026-12-07T23:59:59Z'),
  at('2026-07-04T09:05:03Z'), at('2026-11-28T19:50:52Z'), at('2026-03-29T01:00:00Z'), at('2026-03-08T05:30:00Z'),
  at('2026-12-31T23:30:00Z'), at('2027-01-01T00:00:00Z'), at('2045-08-09T10:11:12Z'),
];

/** strftime through date(1), one line per instant. */
function strftime(tz: string, format: string): string[] {
  const input = INSTANTS.map((t) => `@${t}`).join('\n') + '\n';
  const env = { PATH: process.env.PATH, LC_ALL: 'C', TZ: tz };
  return execFileSync('date', ['-f', '-', `+${format}`], { env, input, encoding: 'utf8' }).split('\n').slice(0, INSTANTS.length);
}

const ZONES = [
  'Europe/Berlin', 'America/St_Johns', 'America/New_York', 'UTC', 'Asia/Kolkata', 'Asia/Dubai',
  'Australia/Lord_Howe', 'Pacific/Chatham', 'Pacific/Kiritimati', 'America/Sao_Paulo', 'EST5EDT', '<+03>-3',
];

describe('against glibc strftime (date -f - under TZ)', () => {
  for (const tz of ZONES) {
    it(`TZ=${tz}`, () => {
      expect(INSTANTS.map((t) => mailDate(t, { TZ: tz }))).toEqual(strftime(tz, '%a, %e %b %Y %H:%M:%S %z (%Z)'));
      expect(INSTANTS.map((t) => asctime(t, { TZ: tz }))).toEqual(strftime(tz, '%a %b %e %H:%M:%S %Y'));
      expect(INSTANTS.map((t) => logTimestamp(t, { TZ: tz }))).toEqual(strftime(tz, '%b %d %H:%M:%S'));
    });
  }
});

describe('mailDate', () => {
  const saved = process.env.TZ;
  afterEach(() => {
    vi.useRealTimers();
    if (saved === undefined) delete process.env.TZ; else process.env.TZ = saved;
  });

  it('space-pads days 1-9 (%e) and names the zone as strftime does, not "GMT+1"', () => {
    expect(mailDate(at('2026-03-01T12:00:00Z'), { TZ: 'Europe/Berlin' })).toBe('Sun,  1 Mar 2026 13:00:00 +0100 (CET)');
    expect(mailDate(at('2026-12-07T15:00:00Z'), { TZ: 'Europe/Berlin' })).toBe('Mon,  7 Dec 2026 16:00:00 +0100 (CET)');
    expect(mailDate(at('2026-07-01T12:00:00Z'), { TZ: 'Europe/Berlin' })).toBe('Wed,  1 Jul 2026 14:00:00 +0200 (CEST)');
    expect(mailDate(at('2026-03-01T12:00:00Z'), { TZ: 'America/St_Johns' })).toBe('Sun,  1 Mar 2026 08:30:00 -0330 (NST)');
    expect(mailDate(at('2026-12-07T15:00:00Z'), { TZ: 'America/St_Johns' })).toBe('Mon,  7 Dec 2026 11:30:00 -0330 (NST)');
    expect(mailDate(at('2026-07-01T12:00:00Z'), { TZ: 'America/St_Johns' })).toBe('Wed,  1 Jul 2026 09:30:00 -0230 (NDT)');
    expect(mailDate(at('2026-11-28T19:50:52Z'), { TZ: 'UTC' })).toBe('Sat, 28 Nov 2026 19:50:52 +0000 (UTC)');
  });

  it('prints a sub-hour westward offset as Postfix does: signed hours, so "+00MM", minutes from the wall clocks', () => {
    // Africa/Monrovia kept UTC-0:44:30 until 1972: mail_date() gives +0044 or +0045 (date +%z: -0044).
    expect(mailDate(at('1960-01-01T12:00:40Z'), { TZ: 'Africa/Monrovia' })).toBe('Fri,  1 Jan 1960 11:16:10 +0044 (MMT)');
    expect(mailDate(at('1960-01-01T12:00:10Z'), { TZ: 'Africa/Monrovia' })).toBe('Fri,  1 Jan 1960 11:15:40 +0045 (MMT)');
  });

  it('follows process.env.TZ and drops fractions of a second', () => {
    process.env.TZ = 'America/St_Johns';
    expect(mailDate(at('2026-12-07T15:00:00Z') + 0.999)).toBe('Mon,  7 Dec 2026 11:30:00 -0330 (NST)');
    process.env.TZ = 'Europe/Berlin';
    expect(mailDate(at('2026-12-07T15:00:00Z'))).toBe('Mon,  7 Dec 2026 16:00:00 +0100 (CET)');
  });

  it('formats "now" on a day 1-9 with a mocked clock', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-12-07T08:09:10Z'));
    const now = Date.now() / 1000;
    expect(mailDate(now, { TZ: 'Europe/Berlin' })).toBe('Mon,  7 Dec 2026 09:09:10 +0100 (CET)');
    expect(asctime(now, { TZ: 'Europe/Berlin' })).toBe('Mon Dec  7 09:09:10 2026');
    expect(logTimestamp(now, { TZ: 'Europe/Berlin' })).toBe('Dec 07 09:09:10');
    expect(mailDate(now)).toMatch(new RegExp(`^${MAIL_DATE_PATTERN.source}$`));
  });
});

describe('MAIL_DATE_PATTERN', () => {
  it('matches every zone\'s output, abbreviations like "+03" and "NDT" included', () => {
    for (const tz of ZONES) for (const t of INSTANTS) expect(mailDate(t, { TZ: tz })).toMatch(new RegExp(`^${MAIL_DATE_PATTERN.source}$`));
  });
});

describe('gmtStamp', () => {
  const saved = process.env.TZ;
  afterEach(() => { if (saved === undefined) delete process.env.TZ; else process.env.TZ = saved; });
  it('is %Y%m%d%H%M%S in UTC whatever TZ says', () => {
    process.env.TZ = 'America/St_Johns';
    expect(gmtStamp(at('2026-02-03T04:05:06Z'))).toBe('20260203040506');
  });
});
