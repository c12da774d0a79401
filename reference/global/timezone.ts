/**
 * Local time as Postfix's localtime()/strftime() calls see it: the UTC offset, the zone
 * abbreviation (%Z: "CET", "CEST", "NST", "NDT", "UTC", "+04") and the broken-down wall-clock
 * fields of an instant, taken from the system's zoneinfo rather than from ICU, whose short
 * names are localised ("GMT+1") and which does not know every TZ value glibc accepts.
 *
 * The zone is chosen as glibc's tzset() chooses it (tzset(3), tzfile(5), RFC 8536):
 *  - TZ unset: /etc/localtime; TZ empty: "Universal" (UTC);
 *  - a leading ':' is dropped; an absolute path is read as is, any other name under
 *    $TZDIR (default /usr/share/zoneinfo);
 *  - a value that names no TZif file is read as a POSIX TZ string (posix-tz.ts).
 * Within a TZif file the type in effect is the one of the last transition at or before the
 * instant; before the first transition, the first standard-time type; from the last
 * transition on, the footer's TZ string (when the file has one). Leap-second records
 * ("right/" zones) are not applied.
 *
 * Every function reads TZ and TZDIR from an environment, process.env unless one is given
 * ({ TZ: 'Europe/Berlin' }; {} is "TZ unset"), at each call, so a changed TZ takes effect.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { parsePosixTz, posixTypeAt, type PosixTz, type ZoneType } from './posix-tz.ts';

export type { ZoneType };

/** The environment variables that choose the zone. */
export interface TimeEnv {
  TZ?: string;
  TZDIR?: string;
}

/** A zone read from a TZif file. */
interface TzifZone {
  transitions: number[];
  typeIndex: number[];
  types: ZoneType[];
  footer?: PosixTz;
}

type Zone = { kind: 'tzif'; zone: TzifZone } | { kind: 'posix'; rule: PosixTz };

/** struct tm, as localtime() fills it, plus the offset and the abbreviation. */
export interface LocalTime {
  year: number;
  /** 0..11 */
  month: number;
  mday: number;
  hour: number;
  minute: number;
  second: number;
  /** 0 = Sunday */
  wday: number;
  /** 0..365 */
  yday: number;
  /** Seconds east of UTC. */
  utcOffset: number;
  /** What strftime's %Z prints. */
  zone: string;
  isDst: boolean;
}

const HEADER = 44;

/** The six counts of a TZif header at `at`. */
function counts(buf: Buffer, at: number) {
  const n = (i: number) => buf.readUInt32BE(at + 20 + 4 * i);
  return { isut: n(0), isstd: n(1), leap: n(2), time: n(3), type: n(4), char: n(5) };
}

/** Bytes of a data block with the given counts and time size (4 in v1, 8 in v2+). */
function blockSize(c: ReturnType<typeof counts>, timeSize: number): number {
  return c.time * timeSize + c.time + c.type * 6 + c.char + c.leap * (timeSize + 4) + c.isstd + c.isut;
}

/** Parses a TZif file (any version; the 64-bit block and footer when there are). */
export function parseTzif(buf: Buffer): TzifZone | undefined {
  if (buf.length < HEADER || buf.toString('latin1', 0, 4) !== 'TZif') return undefined;
  const v1 = counts(buf, 0);
  const modern = buf[4] >= 0x32; // '2', '3', '4'
  const at = modern ? HEADER + blockSize(v1, 4) : 0;
  const timeSize = modern ? 8 : 4;
  const c = modern ? counts(buf, at) : v1;
  let p = at + HEADER;
  const transitions: number[] = [];
  for (let i = 0; i < c.time; i++, p += timeSize) {
    transitions.push(timeSize === 8 ? Number(buf.readBigInt64BE(p)) : buf.readInt32BE(p));
  }
  const typeIndex = [...buf.subarray(p, p + c.time)];
  p += c.time;
  const charsAt = p + c.type * 6;
  const abbrev = (i: number) => {
    const end = buf.indexOf(0, charsAt + i);
    return buf.toString('latin1', charsAt + i, end < 0 || end > charsAt + c.char ? charsAt + c.char : end);
  };
  const types: ZoneType[] = [];
  for (let i = 0; i < c.type; i++, p += 6) {
    types.push({ offset: buf.readInt32BE(p), isDst: buf[p + 4] !== 0, abbrev: abbrev(buf[p + 5]) });
  }
  if (types.length === 0) return undefined;
  const footerAt = at + HEADER + blockSize(c, timeSize);
  const footerText = modern ? buf.toString('latin1', footerAt).split('\n')[1] : undefined;
  return { transitions, typeIndex, types, footer: footerText ? parsePosixTz(footerText) : undefined };
}

function readTzif(path: string): TzifZone | undefined {
  try {
    return parseTzif(readFileSync(path));
  } catch {
    // No such zone file, or not TZif: the caller falls back as glibc's tzset() does (the TZ
    // value as a POSIX rule, else UTC).
    return undefined;
  }
}

/** The zone a TZ value (process.env.TZ when not given) selects, as glibc's tzset() selects it. */
function resolveZone(tz: string | undefined, tzdir: string): Zone {
  if (tz === undefined) {
    const local = readTzif('/etc/localtime');
    return local ? { kind: 'tzif', zone: local } : { kind: 'posix', rule: parsePosixTz('UTC0') };
  }
  const name = tz === '' ? 'Universal' : tz.startsWith(':') ? tz.slice(1) : tz;
  const file = name === '' ? undefined : readTzif(isAbsolute(name) ? name : join(tzdir, name));
  if (file) return { kind: 'tzif', zone: file };
  return { kind: 'posix', rule: parsePosixTz(tz === '' ? 'UTC0' : name) };
}

const cache = new Map<string, Zone>();

function currentZone(env: TimeEnv): Zone {
  const tz = env.TZ;
  const tzdir = env.TZDIR || '/usr/share/zoneinfo';
  const key = `${tz === undefined ? '\0unset' : tz}\0${tzdir}`;
  let zone = cache.get(key);
  if (!zone) {
    zone = resolveZone(tz, tzdir);
    cache.set(key, zone);
  }
  return zone;
}

/** Index of the last transition at or before `when`, or -1. */
function lastTransition(transitions: number[], when: number): number {
  let lo = 0;
  let hi = transitions.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (transitions[mid] <= when) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}

function tzifTypeAt(z: TzifZone, when: number): ZoneType {
  const n = z.transitions.length;
  if (n === 0 || when < z.transitions[0]) {
    return z.types.find((t) => !t.isDst) ?? z.types[0];
  }
  if (when >= z.transitions[n - 1] && z.footer) return posixTypeAt(z.footer, when);
  return z.types[z.typeIndex[lastTransition(z.transitions, when)]];
}

/** The local time type in effect at `when` (seconds since the epoch) under env's TZ. */
export function zoneTypeAt(when: number, env: TimeEnv = process.env): ZoneType {
  const zone = currentZone(env);
  return zone.kind === 'tzif' ? tzifTypeAt(zone.zone, when) : posixTypeAt(zone.rule, when);
}

/** Broken-down UTC time, as gmtime() gives it. */
export function gmTime(when: number): LocalTime {
  return brokenDown(when, { offset: 0, abbrev: 'GMT', isDst: false });
}

/** Broken-down local time, as localtime() gives it (seconds since the epoch; fractions dropped). */
export function localTime(when: number, env: TimeEnv = process.env): LocalTime {
  const t = Math.floor(when);
  return brokenDown(t, zoneTypeAt(t, env));
}

function brokenDown(when: number, type: ZoneType): LocalTime {
  const d = new Date((Math.floor(when) + type.offset) * 1000);
  const year = d.getUTCFullYear();
  return {
    year,
    month: d.getUTCMonth(),
    mday: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    wday: d.getUTCDay(),
    yday: Math.floor((d.getTime() - Date.UTC(year, 0, 1)) / 86_400_000),
    utcOffset: type.offset,
    zone: type.abbrev,
    isDst: type.isDst,
  };
}
