// timezone.ts: the offset, %Z abbreviation and wall clock of an instant, checked against glibc
// (date(1) under the same TZ) for zones with odd offsets, both hemispheres, the TZif footer,
// times before the first transition and TZ values that are POSIX strings rather than files.
import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { parsePosixTz, posixTypeAt } from './posix-tz.ts';
import { localTime, parseTzif, zoneTypeAt } from './timezone.ts';
import { readFileSync } from 'node:fs';

const at = (iso: string): number => Date.parse(iso) / 1000;

const INSTANTS = [
  at('2026-03-01T12:00:00Z'), at('2026-12-07T12:00:00Z'), at('2026-07-01T12:00:00Z'), at('2026-01-01T00:30:00Z'),
  at('2026-03-29T00:59:59Z'), at('2026-03-29T01:00:00Z'), at('2026-10-25T00:59:59Z'), at('2026-10-25T01:00:00Z'),
  at('2026-03-08T05:29:59Z'), at('2026-03-08T05:30:00Z'), at('2026-11-01T03:29:59Z'), at('2026-11-01T03:30:00Z'),
  at('2026-04-05T02:59:59Z'), at('2026-10-04T02:00:00Z'),
  at('2045-07-01T12:00:00Z'), at('2045-12-01T12:00:00Z'), at('2100-07-01T00:00:00Z'),
  at('1950-06-01T12:00:00Z'), at('1800-01-01T00:00:00Z'), at('1970-01-01T00:00:00Z'),
];

/** What glibc prints for each instant under TZ (or with TZ unset when tz is undefined). */
function glibc(tz: string | undefined, format: string): string[] {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, LC_ALL: 'C' };
  if (tz !== undefined) env.TZ = tz;
  const input = INSTANTS.map((t) => `@${t}`).join('\n') + '\n';
  return execFileSync('date', ['-f', '-', `+${format}`], { env, input, encoding: 'utf8' }).split('\n').slice(0, INSTANTS.length);
}

function ours(tz: string | undefined): string[] {
  return INSTANTS.map((t) => {
    const lt = localTime(t, tz === undefined ? {} : { TZ: tz });
    const p = (n: number) => String(n).padStart(2, '0');
    const off = Math.abs(lt.utcOffset);
    const z = `${lt.utcOffset < 0 ? '-' : '+'}${p(Math.floor(off / 3600))}${p(Math.floor(off / 60) % 60)}`;
    return `${lt.year}-${p(lt.month + 1)}-${p(lt.mday)} ${p(lt.hour)}:${p(lt.minute)}:${p(lt.second)} ${lt.wday} ${lt.yday + 1} ${z} ${lt.zone}`;
  });
}

const FORMAT = '%Y-%m-%d %H:%M:%S %w %-j %z %Z';

const ZONES = [
  'Europe/Berlin', 'America/St_Johns', 'America/New_York', 'UTC', 'Etc/UTC', 'Asia/Kolkata', 'Asia/Dubai',
  'Australia/Lord_Howe', 'Australia/Sydney', 'Pacific/Chatham', 'Europe/Dublin', 'Africa/Casablanca',
  'America/Sao_Paulo', 'Asia/Tokyo', 'Africa/Monrovia', ':Europe/Berlin', '/usr/share/zoneinfo/America/St_Johns',
  'EST5EDT', 'CET',
];

const POSIX_STRINGS = [
  '<+03>-3', 'EST5', 'NST3:30NDT,M3.2.0,M11.1.0', 'AAA-10BBB,M10.1.0,M4.1.0/3', 'CET-1CEST,M3.5.0,M10.5.0/3',
  'JJJ-2KKK-3,J60/1,J300/25', 'NNN5OOO,59,300', '<-0330>3:30<-0230>,M3.2.0,M11.1.0', 'Foo/Bar', 'Foo', '123', '',
];

describe('localTime against glibc (date -f - under TZ)', () => {
  for (const tz of ZONES) {
    it(`TZ=${tz}`, () => expect(ours(tz)).toEqual(glibc(tz, FORMAT)));
  }
  for (const tz of POSIX_STRINGS) {
    it(`TZ='${tz}' (not a zone file)`, () => expect(ours(tz)).toEqual(glibc(tz, FORMAT)));
  }
  it('TZ unset: /etc/localtime', () => expect(ours(undefined)).toEqual(glibc(undefined, FORMAT)));
});

describe('zoneTypeAt', () => {
  const saved = process.env.TZ;
  afterEach(() => { if (saved === undefined) delete process.env.TZ; else process.env.TZ = saved; });

  it('gives the abbreviation strftime prints, not ICU\'s "GMT+1"', () => {
    expect(zoneTypeAt(at('2026-12-07T12:00:00Z'), { TZ: 'Europe/Berlin' })).toEqual({ offset: 3600, abbrev: 'CET', isDst: false });
    expect(zoneTypeAt(at('2026-07-01T12:00:00Z'), { TZ: 'Europe/Berlin' })).toEqual({ offset: 7200, abbrev: 'CEST', isDst: true });
    expect(zoneTypeAt(at('2026-12-07T12:00:00Z'), { TZ: 'America/St_Johns' })).toEqual({ offset: -12600, abbrev: 'NST', isDst: false });
    expect(zoneTypeAt(at('2026-07-01T12:00:00Z'), { TZ: 'America/St_Johns' })).toEqual({ offset: -9000, abbrev: 'NDT', isDst: true });
  });

  it('reads process.env.TZ at each call', () => {
    const t = at('2026-12-07T12:00:00Z');
    process.env.TZ = 'Europe/Berlin';
    expect(zoneTypeAt(t).abbrev).toBe('CET');
    process.env.TZ = 'America/St_Johns';
    expect(zoneTypeAt(t).abbrev).toBe('NST');
  });

  it('gives a DST name without rules POSIX\'s default M3.2.0,M11.1.0 (glibc would shift $TZDIR/posixrules)', () => {
    expect(zoneTypeAt(at('2026-03-08T04:59:59Z'), { TZ: 'XYZ3ABC' })).toEqual({ offset: -10800, abbrev: 'XYZ', isDst: false });
    expect(zoneTypeAt(at('2026-03-08T05:00:00Z'), { TZ: 'XYZ3ABC' })).toEqual({ offset: -7200, abbrev: 'ABC', isDst: true });
    expect(zoneTypeAt(at('2026-11-01T03:59:59Z'), { TZ: 'XYZ3ABC' })).toEqual({ offset: -7200, abbrev: 'ABC', isDst: true });
    expect(zoneTypeAt(at('2026-11-01T04:00:00Z'), { TZ: 'XYZ3ABC' })).toEqual({ offset: -10800, abbrev: 'XYZ', isDst: false });
  });

  it('honours TZDIR', () => {
    // Not a file there, so glibc reads "Europe/Berlin" as a POSIX string: zone "Europe" at UTC.
    const env = { TZ: 'Europe/Berlin', TZDIR: '/nonexistent' };
    expect(zoneTypeAt(at('2026-07-01T12:00:00Z'), env)).toEqual({ offset: 0, abbrev: 'Europe', isDst: false });
    expect(execFileSync('date', ['-d', '@1782907200', '+%Z %z'], { env: { ...env, PATH: process.env.PATH }, encoding: 'utf8' })).toBe('Europe +0000\n');
  });
});

describe('parseTzif', () => {
  it('reads the 64-bit block and the footer of a version 2+ file', () => {
    const z = parseTzif(readFileSync('/usr/share/zoneinfo/Europe/Berlin'))!;
    expect(z.types.map((t) => t.abbrev)).toContain('CEST');
    expect(z.transitions[0]).toBeLessThan(0);
    expect(z.footer).toMatchObject({ std: { abbrev: 'CET', offset: 3600 }, dst: { abbrev: 'CEST', offset: 7200 } });
  });
  it('refuses what is not TZif', () => {
    expect(parseTzif(Buffer.from('hello, world, this is not a time zone file at all'))).toBeUndefined();
  });
});

describe('parsePosixTz', () => {
  it('reads quoted names, minutes in offsets and rule times', () => {
    const tz = parsePosixTz('<-0330>3:30<-0230>,M3.2.0,M11.1.0/1:30');
    expect(tz.std).toEqual({ offset: -12600, abbrev: '-0330', isDst: false });
    expect(tz.dst).toEqual({ offset: -9000, abbrev: '-0230', isDst: true });
    expect(tz.end).toEqual({ date: { kind: 'month', month: 11, week: 1, weekday: 0 }, time: 5400 });
  });
  it('keeps what it could read of a malformed string, as glibc does', () => {
    expect(parsePosixTz('Foo/Bar')).toEqual({ std: { offset: 0, abbrev: 'Foo', isDst: false } });
    expect(parsePosixTz('12')).toEqual({ std: { offset: 0, abbrev: '', isDst: false } });
  });
  it('switches a southern-hemisphere rule at the right instants', () => {
    const tz = parsePosixTz('AEST-10AEDT,M10.1.0,M4.1.0/3');
    expect(posixTypeAt(tz, at('2026-04-04T15:59:59Z')).abbrev).toBe('AEDT');
    expect(posixTypeAt(tz, at('2026-04-04T16:00:00Z')).abbrev).toBe('AEST');
    expect(posixTypeAt(tz, at('2026-10-03T15:59:59Z')).abbrev).toBe('AEST');
    expect(posixTypeAt(tz, at('2026-10-03T16:00:00Z')).abbrev).toBe('AEDT');
  });
});
