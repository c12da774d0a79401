/**
 * POSIX TZ rule strings ("CET-1CEST,M3.5.0,M10.5.0/3", "NST3:30NDT,M3.2.0,M11.1.0",
 * "<+03>-3"): parsing, and the local time type they give at an instant. Such a string is
 * what TZ may hold instead of a zone file name, and what a TZif file carries in its footer
 * for the times after its last transition (tzset(3), tzfile(5), RFC 8536 section 3.3).
 *
 * Parsing follows glibc's tzset(), which Postfix's localtime()/strftime() calls go through:
 * a string it cannot parse to the end still yields what was read (TZ=Foo/Bar is the zone
 * "Foo" at UTC+0; TZ=123 is an unnamed UTC); the change instants are computed for the UTC
 * year of the instant, and for years up to 1970 from 1 January 1970 (glibc's quirk). One
 * difference: a DST name without rules takes POSIX's default M3.2.0,M11.1.0 here, where glibc
 * borrows (and shifts) the transitions of $TZDIR/posixrules. Offsets here are in seconds east
 * of UTC (POSIX writes them west).
 */

/** One local time type: the UTC offset, the abbreviation strftime's %Z prints, DST or not. */
export interface ZoneType {
  offset: number;
  abbrev: string;
  isDst: boolean;
}

/** A DST change date: Jn (1..365, Feb 29 never counted), n (0..365), or Mm.w.d. */
type RuleDate =
  | { kind: 'julian1'; day: number }
  | { kind: 'julian0'; day: number }
  | { kind: 'month'; month: number; week: number; weekday: number };

/** A DST change: its date, and the local wall-clock time of the change in seconds. */
interface Rule {
  date: RuleDate;
  time: number;
}

export interface PosixTz {
  std: ZoneType;
  dst?: ZoneType;
  start?: Rule;
  end?: Rule;
}

const DAY = 86_400;
const DEFAULT_START: Rule = { date: { kind: 'month', month: 3, week: 2, weekday: 0 }, time: 7200 };
const DEFAULT_END: Rule = { date: { kind: 'month', month: 11, week: 1, weekday: 0 }, time: 7200 };

/** A cursor over the TZ string. */
class Reader {
  pos = 0;
  constructor(readonly s: string) {}
  get rest(): string { return this.s.slice(this.pos); }
  peek(): string { return this.s[this.pos] ?? ''; }
  atEnd(): boolean { return this.pos >= this.s.length; }
  take(re: RegExp): string | undefined {
    const m = re.exec(this.rest);
    if (!m || m.index !== 0) return undefined;
    this.pos += m[0].length;
    return m[0];
  }
}

/** A zone name: three or more letters, or <...> of letters, digits, '+' and '-'. */
function readName(r: Reader): string | undefined {
  const quoted = r.take(/^<[A-Za-z0-9+-]{3,}>/);
  if (quoted) return quoted.slice(1, -1);
  return r.take(/^[A-Za-z]{3,}/);
}

/** [+-]hh[:mm[:ss]] in seconds; hours up to maxHours (24 for offsets, 167 for rule times). */
function readHms(r: Reader, maxHours: number): number | undefined {
  const text = r.take(/^[+-]?\d{1,3}(?::\d{1,2}(?::\d{1,2})?)?/);
  if (text === undefined) return undefined;
  const sign = text.startsWith('-') ? -1 : 1;
  const [h, m = 0, s = 0] = text.replace(/^[+-]/, '').split(':').map(Number);
  if (h > maxHours || m > 59 || s > 59) return undefined;
  return sign * (h * 3600 + m * 60 + s);
}

function readRuleDate(r: Reader): RuleDate | undefined {
  const m = r.take(/^M\d{1,2}\.\d\.\d/);
  if (m) {
    const [month, week, weekday] = m.slice(1).split('.').map(Number);
    const ok = month >= 1 && month <= 12 && week >= 1 && week <= 5 && weekday <= 6;
    return ok ? { kind: 'month', month, week, weekday } : undefined;
  }
  const j = r.take(/^J\d{1,3}/);
  if (j) {
    const day = Number(j.slice(1));
    return day >= 1 && day <= 365 ? { kind: 'julian1', day } : undefined;
  }
  const n = r.take(/^\d{1,3}/);
  if (n !== undefined && Number(n) <= 365) return { kind: 'julian0', day: Number(n) };
  return undefined;
}

/** ",date[/time]" */
function readRule(r: Reader): Rule | undefined {
  if (!r.take(/^,/)) return undefined;
  const date = readRuleDate(r);
  if (!date) return undefined;
  if (!r.take(/^\//)) return { date, time: 7200 };
  const time = readHms(r, 167);
  return time === undefined ? undefined : { date, time };
}

/** Parses a POSIX TZ string as glibc does, keeping whatever part of it could be read. */
export function parsePosixTz(text: string): PosixTz {
  const r = new Reader(text);
  const unnamed: PosixTz = { std: { offset: 0, abbrev: '', isDst: false } };
  const stdName = readName(r);
  if (stdName === undefined) return unnamed;
  const stdWest = readHms(r, 24);
  const std: ZoneType = { offset: stdWest === undefined ? 0 : -stdWest, abbrev: stdName, isDst: false };
  if (stdWest === undefined || r.atEnd()) return { std };
  const dstName = readName(r);
  if (dstName === undefined) return { std };
  const dstWest = r.peek() === ',' || r.atEnd() ? undefined : readHms(r, 24);
  const dst: ZoneType = { offset: dstWest === undefined ? std.offset + 3600 : -dstWest, abbrev: dstName, isDst: true };
  if (r.atEnd() || r.rest === ',') return { std, dst, start: DEFAULT_START, end: DEFAULT_END };
  const start = readRule(r);
  const end = start && readRule(r);
  if (!start || !end) return { std };
  return { std, dst, start, end };
}

const isLeap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/** Zero-based day of the year on which a rule date falls in year y. */
function dayOfYear(date: RuleDate, y: number): number {
  if (date.kind === 'julian0') return date.day;
  if (date.kind === 'julian1') return date.day - 1 + (isLeap(y) && date.day >= 60 ? 1 : 0);
  const first = Date.UTC(y, date.month - 1, 1);
  const firstWeekday = new Date(first).getUTCDay();
  const monthDays = new Date(Date.UTC(y, date.month, 0)).getUTCDate();
  let mday = 1 + ((date.weekday - firstWeekday + 7) % 7) + (date.week - 1) * 7;
  while (mday > monthDays) mday -= 7;
  return (first - Date.UTC(y, 0, 1)) / 1000 / DAY + mday - 1;
}

/**
 * The UTC instant of a change in year y, its wall-clock time read in the offset then in
 * effect. Like glibc, years before 1970 count their days from 1 January 1970.
 */
function changeAt(rule: Rule, y: number, offsetBefore: number): number {
  const yearStart = y > 1970 ? Date.UTC(y, 0, 1) / 1000 : 0;
  return yearStart + dayOfYear(rule.date, y) * DAY + rule.time - offsetBefore;
}

/** The local time type a parsed TZ string gives at `when` (seconds since the epoch). */
export function posixTypeAt(tz: PosixTz, when: number): ZoneType {
  const { std, dst, start, end } = tz;
  if (!dst || !start || !end) return std;
  const year = new Date(when * 1000).getUTCFullYear();
  const dstStarts = changeAt(start, year, std.offset);
  const dstEnds = changeAt(end, year, dst.offset);
  const inDst = dstStarts < dstEnds
    ? when >= dstStarts && when < dstEnds
    : !(when >= dstEnds && when < dstStarts);
  return inDst ? dst : std;
}
