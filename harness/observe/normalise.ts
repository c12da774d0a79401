/**
 * Normaliser: makes observations from different runs and different targets comparable.
 *
 * One normaliser is used for a whole scenario run, so the same queue ID gets the same name in
 * events, SMTP transcripts, queue snapshots and message headers:
 *  - queue IDs (short hex or long) become Q1, Q2, … in order of first appearance. An ID is
 *    learned where the log or a reply says it is one ("QID: " at the start of a log message,
 *    "queued as QID", "forwarded as QID", "notification: QID", "with ESMTP id QID",
 *    queue_id / queueId fields) and then replaced wherever it occurs;
 *  - times (syslog, ISO 8601, RFC 5322 dates, asctime) become "<time>"; delay= and delays=
 *    values become "<delay>"; pids "<pid>"; TCP ports ≥ 1024 after an IPv4 address "<port>";
 *  - optionally Message-IDs become <M1>, <M2>, … and given host names "<host>";
 *  - optionally literal strings (e.g. a temp directory) are replaced by fixed placeholders.
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
  new RegExp(`\\b(?:${DAY}, )?\\d{1,2} ${MONTH} \\d{4} ${HMS}(?: [+-]\\d{4})?(?: \\([A-Z]{2,5}\\))?`, 'g'), // RFC 5322
  new RegExp(`\\b\\d{4}-\\d\\d-\\d\\dT${HMS}(?:\\.\\d+)?(?:Z|[+-]\\d\\d:?\\d\\d)?`, 'g'), // ISO 8601
  new RegExp(`\\b${MONTH} [ \\d]\\d ${HMS}(?:\\.\\d+)?`, 'g'), // syslog
  /\b\d{14}(?=\.)/g, // YYYYMMDDhhmmss in Message-IDs Postfix generates
];

/** Keys of objects whose values are masked regardless of content. */
const MASKED_NUMBERS = new Set(['pid', 'arrival_time', 'delay']);
const ID_KEYS = new Set(['queueId', 'queue_id', 'notificationId', 'forwardedAs']);

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function createNormaliser(opts: NormaliserOptions = {}): Normaliser {
  const ids = new Map<string, string>();
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
    for (const [, qid] of found) id(qid);
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
    for (const re of TIMES) s = s.replace(re, '<time>');
    s = s
      .replace(/\bdelay=\d+(?:\.\d+)?/g, 'delay=<delay>')
      .replace(/\bdelays=[\d.]+\/[\d.]+\/[\d.]+\/[\d.]+/g, 'delays=<delay>')
      .replace(/([\w/.-]+)\[\d+\](?=:)/g, '$1[<pid>]')
      .replace(/\bpid \d+\b/g, 'pid <pid>')
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
      for (const [k, x] of entries) out[k] = walk(x, k);
      return out;
    }
    return v;
  }

  return {
    id,
    text,
    event: (e) => value(e),
    value,
  };
}
