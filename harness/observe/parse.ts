/**
 * Maillog line → typed event (events.ts).
 *
 * Reads the format Postfix 3.7 writes to maillog_file through postlogd(8), which is the
 * classic syslog layout: "Nov 28 19:45:23 mx postfix/smtpd[3404]: connect from ...". An ISO
 * timestamp ("2024-01-01T12:00:00.123456+00:00", as rsyslog may write) is accepted too.
 * The reference MTA writes the same format, so this one parser reads both targets.
 *
 * Recognised: master start/reload/stop; smtpd connect, client=, reject (any stage, NOQUEUE or
 * a queue ID), disconnect with command counts, lost connection / too many errors / timeout /
 * improper pipelining; cleanup message-id and header/body rejects; qmgr queue-active, removed,
 * expired; delivery lines of every agent; bounce/defer/trace notifications; warning, error,
 * fatal, panic. Anything else becomes kind "other" (never dropped).
 */
import type { MaillogEvent, Delivery, SmtpdReject } from './events.ts';
import { QUEUE_ID_SOURCE } from './queueid.ts';

const HEADER = new RegExp(
  '^(' +
    '[A-Z][a-z]{2} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d(?:\\.\\d+)?' + // Nov 28 19:45:23[.123456]
    '|\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(?:\\.\\d+)?(?:Z|[+-]\\d\\d:?\\d\\d)?' + // ISO 8601
    ') (\\S+) ([^\\s[\\]:]+)(?:\\[(\\d+)\\])?: ?(.*)$',
);

const QID_PREFIX = new RegExp(`^(${QUEUE_ID_SOURCE}|NOQUEUE): (.*)$`);

type Head = { service: string; program: string; pid: number; time: string; raw: string };

/** Parse one maillog line; undefined for a blank line. */
export function parseMaillogLine(line: string): MaillogEvent | undefined {
  const raw = line.replace(/\r?\n$/, '');
  if (raw.trim() === '') return undefined;
  const m = HEADER.exec(raw);
  if (!m) return { kind: 'other', service: '', program: '', pid: 0, time: '', raw, text: raw };
  const program = m[3];
  const head: Head = {
    service: program.slice(program.lastIndexOf('/') + 1),
    program,
    pid: m[4] ? Number(m[4]) : 0,
    time: m[1],
    raw,
  };
  let text = m[5];
  let queueId: string | undefined;
  const q = QID_PREFIX.exec(text);
  if (q) {
    if (q[1] !== 'NOQUEUE') queueId = q[1];
    text = q[2];
  }
  const base = queueId === undefined ? head : { ...head, queueId };
  return parseBody(base, text, q?.[1] === 'NOQUEUE') ?? { ...base, kind: 'other', text };
}

function parseBody(base: Head & { queueId?: string }, text: string, noqueue: boolean): MaillogEvent | undefined {
  const problem = /^(warning|error|fatal|panic): (.*)$/s.exec(text);
  if (problem) return { ...base, kind: problem[1] as 'warning', text: problem[2] };

  if (base.service === 'master') {
    const started = /^daemon started -- version (\S+), configuration (.*)$/.exec(text);
    if (started) return { ...base, kind: 'daemon-started', version: started[1], configDir: started[2] };
    if (text.startsWith('reload -- ')) return { ...base, kind: 'daemon-reloaded' };
    if (text.startsWith('terminating on signal')) return { ...base, kind: 'daemon-stopped' };
  }

  const reject = parseReject(base, text);
  if (reject) return reject;
  if (base.queueId === undefined && !noqueue) return parseSession(base, text);

  const client = /^client=(.*)$/.exec(text);
  if (client) return { ...base, kind: 'client', client: client[1].split(', ')[0] };
  const msgid = /^message-id=(.*)$/.exec(text);
  if (msgid) return { ...base, kind: 'message-id', messageId: msgid[1] };
  if (text === 'removed') return { ...base, kind: 'removed' };
  const active = /^from=<(.*)>, size=(\d+), nrcpt=(\d+) \(queue active\)$/.exec(text);
  if (active) return { ...base, kind: 'queue-active', from: active[1], size: Number(active[2]), nrcpt: Number(active[3]) };
  const expired = /^from=<(.*)>, status=(force-)?expired, returned to sender$/.exec(text);
  if (expired) return expired[2] ? { ...base, kind: 'expired', from: expired[1], forced: true } : { ...base, kind: 'expired', from: expired[1] };
  const note = /^([\w -]+ notification): (\S+)$/.exec(text);
  if (note) return { ...base, kind: 'notification', what: note[1], notificationId: note[2] };
  if (text.startsWith('to=<')) return parseDelivery(base, text);
  return undefined;
}

/** smtpd session lines that carry no queue ID. */
function parseSession(base: Head, text: string): MaillogEvent | undefined {
  const connect = /^connect from (\S+)$/.exec(text);
  if (connect) return { ...base, kind: 'connect', client: connect[1] };
  const disc = /^disconnect from (\S+)((?: \w+=\d+(?:\/\d+)?)*)$/.exec(text);
  if (disc) {
    const counts: Record<string, { ok: number; total: number }> = {};
    for (const part of disc[2].trim().split(' ').filter(Boolean)) {
      const [name, value] = part.split('=');
      const [ok, total] = value.split('/');
      counts[name] = { ok: Number(ok), total: Number(total ?? ok) };
    }
    return { ...base, kind: 'disconnect', client: disc[1], counts };
  }
  const pipelining = /^improper command pipelining after (\S+) from (\S+?): (.*)$/s.exec(text);
  if (pipelining) {
    return { ...base, kind: 'improper-pipelining', after: pipelining[1], client: pipelining[2], detail: pipelining[3] };
  }
  const ended = /^(lost connection|too many errors|timeout) after (\S+)(?: \(([^)]*)\))? from (\S+)$/.exec(text);
  if (ended) {
    const kinds = { 'lost connection': 'lost-connection', 'too many errors': 'too-many-errors', timeout: 'timeout' } as const;
    const ev = { ...base, kind: kinds[ended[1] as keyof typeof kinds], after: ended[2], client: ended[4] };
    return ended[3] === undefined ? ev : { ...ev, detail: ended[3] };
  }
  return undefined;
}

/**
 * smtpd: "reject: RCPT from host[addr]: 554 5.7.1 <x>: text; from=<a> to=<b> proto=ESMTP helo=<h>"
 * cleanup: "reject: header Subject: x from host[addr]; from=<a> to=<b> proto=ESMTP helo=<h>: 5.7.1 text"
 */
function parseReject(base: Head & { queueId?: string }, text: string): SmtpdReject | undefined {
  const smtpd = /^reject: (\S+) from (\S+?): (\d{3})(?: (\d\.\d{1,3}\.\d{1,3}))? (.*)$/s.exec(text);
  if (smtpd) {
    const { reason, ...env } = splitEnvelopeTail(smtpd[5]);
    return withDsn({ ...base, kind: 'reject', stage: smtpd[1], client: smtpd[2], code: Number(smtpd[3]), text: reason, ...env }, smtpd[4]);
  }
  const cleanup = /^reject: (header|body|mime-header|nested-header) (.*) from (\S+); (from=<.*) proto=\S+ helo=<.*>: (\d\.\d{1,3}\.\d{1,3}) (.*)$/s.exec(text);
  if (cleanup) {
    const env = envelope(cleanup[4]);
    // cleanup logs only the enhanced status code; the client was told <class>50 (e.g. 550).
    const code = Number(cleanup[5][0]) * 100 + 50;
    return withDsn({ ...base, kind: 'reject', stage: cleanup[1], client: cleanup[3], code, text: `${cleanup[2]}: ${cleanup[6]}`, ...env }, cleanup[5]);
  }
  return undefined;
}

function withDsn(r: SmtpdReject, dsn: string | undefined): SmtpdReject {
  return dsn === undefined ? r : { ...r, dsn };
}

/**
 * Split "reason; from=<a> to=<b> proto=P helo=<h>" into its parts. smtpd leaves out what it
 * does not know yet: at CONNECT only "proto=" follows, at HELO "proto= helo=", at MAIL no "to=".
 */
function splitEnvelopeTail(s: string): { reason: string; from?: string; to?: string } {
  const m = /^(.*); ((?:from=<.*?> )?(?:to=<.*?> )?proto=\S+(?: helo=<.*>)?)$/s.exec(s);
  return m ? { reason: m[1], ...envelope(m[2]) } : { reason: s };
}

/** The from=<a> and to=<b> values of an envelope summary, where present. */
function envelope(s: string): { from?: string; to?: string } {
  const out: { from?: string; to?: string } = {};
  const from = /^from=<(.*?)>(?= to=<| proto=|$)/s.exec(s);
  if (from) out.from = from[1];
  const to = /(?:^| )to=<(.*?)>(?= proto=|$)/s.exec(from ? s.slice(from[0].length) : s);
  if (to) out.to = to[1];
  return out;
}

/**
 * "to=<a>, orig_to=<b>, relay=x, [conn_use=n, ]delay=n, delays=a/b/c/d, dsn=x.y.z, status=word (text)".
 * Fields are read left to right; a value ends at the ", " that starts the next key=, so
 * commas and ">" inside quoted local parts are safe. The reply text is everything inside the final parentheses.
 */
function parseDelivery(base: Head & { queueId?: string }, text: string): Delivery | undefined {
  const fields: Record<string, string> = {};
  let rest = text;
  let status: RegExpExecArray | null = null;
  while (rest.length > 0) {
    status = /^status=(\S+)(?: \((.*)\))?$/s.exec(rest);
    if (status) break;
    const key = /^(\w+)=/.exec(rest);
    if (!key) return undefined;
    rest = rest.slice(key[0].length);
    // An address runs to the first ">, " that is followed by the next "key=".
    const value = rest.startsWith('<') ? /^<(.*?)>, (?=\w+=)/s.exec(rest) : /^(.*?), (?=\w+=)/s.exec(rest);
    if (!value) return undefined;
    fields[key[1]] = value[1];
    rest = rest.slice(value[0].length);
  }
  if (!status || fields.to === undefined) return undefined;
  const delays = (fields.delays ?? '0/0/0/0').split('/').map(Number);
  const ev: Delivery = {
    ...base,
    kind: 'delivery',
    to: fields.to,
    relay: fields.relay ?? 'none',
    delay: Number(fields.delay ?? 0),
    delays: [delays[0] ?? 0, delays[1] ?? 0, delays[2] ?? 0, delays[3] ?? 0],
    dsn: fields.dsn ?? '',
    status: status[1],
    text: status[2] ?? '',
  };
  if (fields.orig_to !== undefined) ev.origTo = fields.orig_to;
  const fwd = new RegExp(`\\bforwarded as (${QUEUE_ID_SOURCE})\\b`).exec(ev.text);
  if (fwd) ev.forwardedAs = fwd[1];
  return ev;
}
