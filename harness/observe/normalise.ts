/**
 * Normaliser: makes observations from different runs and different targets comparable.
 * Used by the scenario runner (harness/scenario/run.ts: events, transcripts, the queue listing,
 * so expectations can say Q1) and by the target-vs-Postfix comparison (harness/compare/items.ts,
 * which starts from the run's queue ID names and masks times by their shape).
 *
 * One normaliser is used for a whole scenario run, so the same queue ID gets the same name in
 * events, SMTP transcripts, queue snapshots and message headers.
 *
 * What it masks, each because real Postfix gives it a different value in every run (checked
 * by `twinpost run --target postfix,postfix`, every scenario, three runs in a row), and nothing
 * else:
 *  - queue IDs become Q1, Q2, … in order of first appearance (they encode the time and the
 *    queue file's inode). An ID is learned where the log or a reply says it is one ("QID: " at
 *    the start of a log message, "queued as QID", "forwarded as QID", "notification: QID",
 *    "with ESMTP id QID", queue_id / queueId fields) and then replaced wherever it occurs;
 *    a capture peer's own "queued as" IDs (`foreign`) are not learned;
 *  - times: syslog, ISO 8601, RFC 5322 / mail_date() dates, asctime (postcat, mbox From_
 *    lines), the YYYYMMDDhhmmss of Postfix's Message-IDs and the seconds in bounce(8)'s MIME
 *    boundary "QID.seconds/host" become "<time>" — or, with `timeShapes` (the comparison),
 *    their shape ("<Ddd,  n Mmm nnnn nn:nn:nn>") followed by the time zone as written, so a
 *    different date format, padding or zone still shows;
 *  - delay= and delays= values ("<delay>"): elapsed time;
 *  - process IDs: "name[pid]:" and "pid N" ("<pid>");
 *  - TCP ports ≥ 1024 after an IPv4 address, and the client_port=, log_client_port= and
 *    server_port= attributes of queue files ("<port>"): ephemeral and per-instance ports;
 *  - the data offset in postcat's message_size record, offset= in the defer/bounce logs
 *    ("<offset>") and a maildrop file's message_size in postqueue -j (0; showq gives the file
 *    size there): they count bytes of time records (arrival and create time, with
 *    microseconds) written in decimal of varying length;
 *  - message sizes: qmgr's size= ("size=<size>"), the content size and length in postcat's
 *    message_size record ("<size>") and message_size in postqueue -j (0): they count the
 *    queue IDs in Received: headers, and a short queue ID's length varies with its file's
 *    inode number (a fresh file system crossing 0xFFFF gave Postfix 340 bytes and the
 *    reference 342 for the same message). The bytes themselves are compared in full (queue
 *    file contents, what peers received; their SIZE= is shown relative to those bytes);
 *  - in values (events, postqueue -j entries): the fields pid, arrival_time, delay (0),
 *    delays (each 0) and time ("<time>");
 *  - on request only: Message-IDs (<M1>…), given host names ("<host>") and literal strings
 *    (`replace`: the comparison masks the instance's temporary directory as "<root>" and the
 *    peers' queue IDs, which carry the peer's port, as "<peer queue ID>").
 * Not masked: the machine's host name — every instance sets myhostname, and no output of
 * Postfix here carries the machine's name (a grep over every observation of a
 * self-comparison found none). Orders Postfix does not keep from run to run are not the
 * normaliser's business: harness/compare/canonical.ts lists those.
 */
import type { MaillogEvent } from './events.ts';
import { QUEUE_ID_SOURCE, isQueueId } from './queueid.ts';

export interface NormaliserOptions {
  /** Rename Message-IDs to <M1>, <M2>… (default false). */
  messageIds?: boolean;
  /** Host names to replace by "<host>" (exact, case-insensitive, whole names). */
  hostnames?: string[];
  /** Literal replacements applied first, e.g. { '/tmp/twinpost-abc': '<dir>' }. */
  replace?: Record<string, string>;
  /**
   * Mask times by their shape (digits, day and month names), keeping the time zone as written,
   * instead of "<time>": what the comparison of two runs uses, so a different date format or
   * time zone still shows (default false).
   */
  timeShapes?: boolean;
  /**
   * IDs that look like queue IDs but are not the mail system's (a capture peer's "queued as"
   * IDs): never learned, so they take no Q number (default: none).
   */
  foreign?: (id: string) => boolean;
  /** Queue ID names given by an earlier normaliser (raw ID → Q1…), e.g. the scenario run's. */
  names?: Record<string, string>;
}

export interface Normaliser {
  /** The stable name (Q1, Q2, …) of a queue ID, assigning the next one if new. */
  id(qid: string): string;
  /** Normalise free text (log lines, SMTP replies, headers, whole files). */
  text(s: string): string;
  /** Normalise one maillog event (a new object; the input is not changed). */
  event(e: MaillogEvent): MaillogEvent;
  /** Normalise any JSON-like value: strings as text(), ID fields as id(), time/pid fields masked. */
  value<T>(v: T): T;
  /** The queue ID names given so far (raw ID → Q1…). */
  names(): Record<string, string>;
}

const QID = QUEUE_ID_SOURCE;
/** Places where a queue ID is announced; group 1 is the ID. */
const LEARN: RegExp[] = [
  new RegExp(`(?:^|\\]: )(${QID}): `, 'gm'),
  new RegExp(`\\bqueued as (${QID})\\b`, 'g'),
  new RegExp(`\\bforwarded as (${QID})\\b`, 'g'),
  new RegExp(`\\bnotification: (${QID})\\b`, 'g'),
  new RegExp(`\\bwith \\S+ id (${QID})\\b`, 'g'),
];

const MONTH = '(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)';
const DAY = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
const HMS = '\\d\\d:\\d\\d:\\d\\d';
const TIMES: RegExp[] = [
  new RegExp(`\\b${DAY} ${MONTH} [ \\d]\\d ${HMS} \\d{4}\\b`, 'g'), // asctime (postcat)
  // RFC 5322 and mail_date(): the day may be space-padded ("Mon,  7 Dec"), the zone abbreviation
  // is whatever strftime's %Z gives ("CET", "NDT", "+04", even empty)
  new RegExp(`\\b(?:${DAY},\\s+)?\\d{1,2} ${MONTH} \\d{4} ${HMS}(?<zone>(?: [+-]\\d{4})?(?: \\([A-Za-z0-9+-]*\\))?)`, 'g'),
  new RegExp(`\\b\\d{4}-\\d\\d-\\d\\dT${HMS}(?:\\.\\d+)?(?<zone>(?:Z|[+-]\\d\\d:?\\d\\d)?)`, 'g'), // ISO 8601
  new RegExp(`\\b${MONTH} [ \\d]\\d ${HMS}(?:\\.\\d+)?`, 'g'), // syslog
  /\b\d{14}(?=\.)/g, // YYYYMMDDhhmmss in Message-IDs Postfix generates
  /(?<=[0-9A-Za-z]\.)\d{9,11}(?=\/)/g, // seconds since 1970 in bounce(8)'s MIME boundary "QID.seconds/host"
];

/**
 * A time's shape: digits become "n", day and month names "Ddd" and "Mmm", the rest (padding,
 * separators) stays, e.g. "Mon,  7 Dec 2026 15:25:37" → "<Ddd,  n Mmm nnnn nn:nn:nn>".
 */
function timeShape(t: string): string {
  return `<${t.replace(/\d/g, 'n').replace(new RegExp(MONTH, 'g'), 'Mmm').replace(new RegExp(`\\b${DAY}\\b`, 'g'), 'Ddd')}>`;
}

/** One masked time: "<time>", or with `shapes` its shape followed by its time zone as written. */
function maskTime(shapes: boolean, match: string, groups: { zone?: string } | undefined): string {
  if (!shapes) return '<time>';
  const zone = groups?.zone ?? '';
  return timeShape(match.slice(0, match.length - zone.length)) + zone;
}

/** The named groups of a replace() callback's arguments (the last one, when the pattern has any). */
function namedGroups(args: unknown[]): { zone?: string } | undefined {
  const last = args[args.length - 1];
  return typeof last === 'object' && last !== null ? (last as { zone?: string }) : undefined;
}

/** Keys of objects whose values are masked regardless of content. */
const MASKED_NUMBERS = new Set(['pid', 'arrival_time', 'delay']);
const ID_KEYS = new Set(['queueId', 'queue_id', 'notificationId', 'forwardedAs']);

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function createNormaliser(opts: NormaliserOptions = {}): Normaliser {
  const ids = new Map<string, string>(Object.entries(opts.names ?? {}));
  const msgIds = new Map<string, string>();
  let idPattern: RegExp | undefined;
  const hostPattern = opts.hostnames?.length
    ? new RegExp(`(?<![\\w.-])(?:${opts.hostnames.map(escapeRe).join('|')})(?![\\w-]|\\.[\\w-])`, 'gi')
    : undefined;

  function id(qid: string): string {
    let name = ids.get(qid);
    if (!name) {
      name = `Q${ids.size + 1}`;
      ids.set(qid, name);
      idPattern = undefined;
    }
    return name;
  }

  /** Assign names to the IDs announced in `s`, in order of position. */
  function learn(s: string): void {
    const found: [number, string][] = [];
    for (const re of LEARN) for (const m of s.matchAll(re)) found.push([m.index + m[0].indexOf(m[1]), m[1]]);
    found.sort((a, b) => a[0] - b[0]);
    for (const [, qid] of found) if (!opts.foreign?.(qid)) id(qid);
  }

  function replaceIds(s: string): string {
    if (ids.size === 0) return s;
    idPattern ??= new RegExp(`\\b(?:${[...ids.keys()].sort((a, b) => b.length - a.length).join('|')})\\b`, 'g');
    return s.replace(idPattern, (m) => ids.get(m) ?? m);
  }

  function replaceMessageIds(s: string): string {
    const rename = (mid: string) => {
      let name = msgIds.get(mid);
      if (!name) msgIds.set(mid, (name = `<M${msgIds.size + 1}>`));
      return name;
    };
    return s
      .replace(/(message-id=)(<[^>\s]*>)/gi, (_m, pre: string, mid: string) => pre + rename(mid))
      .replace(/^((?:Message-ID|Resent-Message-ID|In-Reply-To|References):[ \t]*)(<[^>\s]*>)/gim, (_m, pre: string, mid: string) => pre + rename(mid));
  }

  function text(input: string): string {
    let s = input;
    for (const [from, to] of Object.entries(opts.replace ?? {})) s = s.split(from).join(to);
    if (opts.messageIds) s = replaceMessageIds(s);
    learn(s);
    s = replaceIds(s);
    for (const re of TIMES) s = s.replace(re, (...args: unknown[]) => maskTime(opts.timeShapes === true, args[0] as string, namedGroups(args)));
    s = s
      .replace(/\bdelay=\d+(?:\.\d+)?/g, 'delay=<delay>')
      .replace(/\bdelays=[\d.]+\/[\d.]+\/[\d.]+\/[\d.]+/g, 'delays=<delay>')
      .replace(/([\w/.-]+)\[\d+\](?=:)/g, '$1[<pid>]')
      .replace(/\bpid \d+\b/g, 'pid <pid>')
      .replace(/\b((?:log_)?(?:client|server)_port=)\d+/g, '$1<port>')
      .replace(/^message_size: +\d+ +\d+ +(\d+) +(\d+) +\d+/gm, 'message_size: <size> <offset> $1 $2 <size>')
      .replace(/\bsize=\d+\b/g, 'size=<size>')
      .replace(/^offset=\d+$/gm, 'offset=<offset>')
      .replace(/(\b\d{1,3}(?:\.\d{1,3}){3}\]?):(\d{4,5})\b/g, (m, addr: string, port: string) => (Number(port) >= 1024 ? `${addr}:<port>` : m));
    if (hostPattern) s = s.replace(hostPattern, '<host>');
    return s;
  }

  function value<T>(v: T): T {
    return walk(v, undefined) as T;
  }

  function walk(v: unknown, key: string | undefined): unknown {
    if (typeof v === 'string') {
      if (key !== undefined && ID_KEYS.has(key) && isQueueId(v)) return id(v);
      if (key === 'time') return '<time>';
      return text(v);
    }
    if (typeof v === 'number') {
      if (key !== undefined && MASKED_NUMBERS.has(key)) return 0;
      return v;
    }
    if (Array.isArray(v)) {
      if (key === 'delays') return v.map(() => 0);
      return v.map((x) => walk(x, undefined));
    }
    if (v !== null && typeof v === 'object') {
      if (v instanceof RegExp || v instanceof Date) return v;
      const out: Record<string, unknown> = {};
      // ID fields first, so an object's own ID is named before any ID its text mentions.
      const entries = Object.entries(v as Record<string, unknown>);
      for (const [k, x] of entries) if (ID_KEYS.has(k) && typeof x === 'string' && isQueueId(x)) id(x);
      for (const [k, x] of entries) out[k] = k === 'message_size' ? 0 : walk(x, k);
      return out;
    }
    return v;
  }

  return {
    id,
    text,
    event: (e) => value(e),
    value,
    names: () => Object.fromEntries(ids),
  };
}
