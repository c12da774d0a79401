/**
 * anvil(8) for the reference MTA: connection and rate counting per remote client.
 *
 * Requests served (plain encoding, `request` then `ident`; postfix-internals.md §4.4):
 * connect, disconnect, message, recipient, newtls, newtls_status, auth, lookup. Asked by
 * smtpd (smtpd_client_connection_count_limit, smtpd_client_connection_rate_limit,
 * smtpd_client_message_rate_limit, … in smtpd(8)); postscreen would ask too.
 * Follows anvil(8): every counter of an ident shares one window of anvil_rate_time_unit
 * seconds that starts at the first event and is reset by the first event after it has passed;
 * an ident whose connection count drops to zero is forgotten one time unit later unless it
 * connects again. Each client connection of anvil (one per smtpd process) remembers the ONE
 * remote it registered; a new `connect` on it drops the previous one, and closing it is an
 * implicit `disconnect`.
 *
 * In-process use: createAnvil() → anvil.session() per smtpd session (AnvilClient in
 * contracts.ts terms); serveAnvil() puts the same object behind $queue_directory/private/anvil.
 */
import type { Socket } from 'node:net';
import { attrGet, attrInt, PROTOCOL_NAMES, type AttrList } from '../../protocol/attr.ts';
import {
  ANVIL_ATTR_AUTH, ANVIL_ATTR_COUNT, ANVIL_ATTR_IDENT, ANVIL_ATTR_MAIL, ANVIL_ATTR_NTLS, ANVIL_ATTR_RATE, ANVIL_ATTR_RCPT, ANVIL_REQ_AUTH,
  ANVIL_REQ_CONN, ANVIL_REQ_DISC, ANVIL_REQ_LOOKUP, ANVIL_REQ_MAIL, ANVIL_REQ_NTLS, ANVIL_REQ_NTLS_STAT, ANVIL_REQ_RCPT, MAIL_ATTR_REQ,
  MAIL_ATTR_STATUS,
} from '../../global/mail-proto.ts';
import { serveAttrProtocol, type RunningServer } from '../../skeleton/multi-server.ts';

export const ANVIL_STAT_OK = 0;
export const ANVIL_STAT_FAIL = -1;

interface Remote {
  ident: string;
  count: number;
  rate: number;
  mail: number;
  rcpt: number;
  ntls: number;
  auth: number;
  /** Start of the current rate window, in seconds (0 = rates were reset by a lookup). */
  start: number;
  /** When the count last dropped to zero (seconds), for expiry. */
  idleSince?: number;
}

export interface AnvilCounts {
  count: number;
  rate: number;
  mail: number;
  rcpt: number;
  newtls: number;
  auth: number;
}

/** One anvil client connection (an smtpd process): it links at most one remote at a time. */
export interface AnvilSession {
  connect(ident: string): { status: number; count: number; rate: number };
  disconnect(ident: string): { status: number };
  message(ident: string): { status: number; rate: number };
  recipient(ident: string): { status: number; rate: number };
  newtls(ident: string): { status: number; rate: number };
  newtlsStatus(ident: string): { status: number; rate: number };
  auth(ident: string): { status: number; rate: number };
  lookup(ident: string): { status: number } & AnvilCounts;
  /** The client connection ended: implicit disconnect of the linked remote. */
  close(): void;
}

export interface Anvil {
  session(): AnvilSession;
}

export interface AnvilOptions {
  /** anvil_rate_time_unit in seconds (default 60). */
  rateTimeUnit?: number;
  /** Clock in seconds (default: wall clock). anvil works with whole seconds, like event_time(). */
  now?: () => number;
}

/** The anvil ident smtpd uses: "service:client_address". */
export function anvilIdent(service: string, clientAddress: string): string {
  return `${service}:${clientAddress}`.replace(/[^\x21-\x7e]/g, '?');
}

export function createAnvil(opts: AnvilOptions = {}): Anvil {
  const unit = opts.rateTimeUnit ?? 60;
  const now = opts.now ?? (() => Math.floor(Date.now() / 1000));
  const remotes = new Map<string, Remote>();

  /** The live entry for ident (an idle one expires one time unit after its count hit zero). */
  const find = (ident: string): Remote | undefined => {
    const r = remotes.get(ident);
    if (r && r.count === 0 && r.idleSince !== undefined && now() >= r.idleSince + unit) {
      remotes.delete(ident);
      return undefined;
    }
    return r;
  };
  const resetRates = (r: Remote, start: number) => {
    r.rate = r.mail = r.rcpt = r.ntls = r.auth = 0;
    r.start = start;
  };
  const incr = (r: Remote, what: 'rate' | 'mail' | 'rcpt' | 'ntls' | 'auth') => {
    const t = now();
    if (r.start + unit < t) resetRates(r, t);
    if (r[what] < 0x7fffffff) r[what]++;
  };
  const dropOne = (r: Remote) => {
    if (r.count > 0 && --r.count === 0) r.idleSince = now();
  };
  /** A read-only view resets a stale window to start 0, as anvil's lookup does. */
  const staleCheck = (r: Remote) => {
    if (r.start !== 0 && r.start + unit < now()) resetRates(r, 0);
  };

  return {
    session(): AnvilSession {
      let linked: Remote | undefined;
      const connUpdate = (ident: string): Remote => {
        let r = find(ident);
        if (!r) {
          r = { ident, count: 1, rate: 1, mail: 0, rcpt: 0, ntls: 0, auth: 0, start: now() };
          remotes.set(ident, r);
        } else {
          incr(r, 'rate');
          r.count++;
          r.idleSince = undefined;
        }
        if (linked) dropOne(linked);
        linked = r;
        return r;
      };
      const bump = (ident: string, what: 'mail' | 'rcpt' | 'ntls' | 'auth') => {
        const r = find(ident) ?? connUpdate(ident);
        incr(r, what);
        return { status: ANVIL_STAT_OK, rate: r[what] };
      };
      const s: AnvilSession = {
        connect(ident) {
          const r = connUpdate(ident);
          return { status: ANVIL_STAT_OK, count: r.count, rate: r.rate };
        },
        disconnect(ident) {
          const r = find(ident);
          if (r && linked === r) {
            dropOne(r);
            linked = undefined;
          }
          return { status: ANVIL_STAT_OK };
        },
        message: (ident) => bump(ident, 'mail'),
        recipient: (ident) => bump(ident, 'rcpt'),
        newtls: (ident) => bump(ident, 'ntls'),
        auth: (ident) => bump(ident, 'auth'),
        newtlsStatus(ident) {
          const r = find(ident);
          if (!r) return { status: ANVIL_STAT_OK, rate: 0 };
          staleCheck(r);
          return { status: ANVIL_STAT_OK, rate: r.ntls };
        },
        lookup(ident) {
          const r = find(ident);
          if (!r) return { status: ANVIL_STAT_OK, count: 0, rate: 0, mail: 0, rcpt: 0, newtls: 0, auth: 0 };
          staleCheck(r);
          return { status: ANVIL_STAT_OK, count: r.count, rate: r.rate, mail: r.mail, rcpt: r.rcpt, newtls: r.ntls, auth: r.auth };
        },
        close() {
          if (linked) s.disconnect(linked.ident);
        },
      };
      return s;
    },
  };
}

/** Each reply field with its attribute, in anvil's attribute order. */
const REPLY_ATTRS: readonly [keyof AnvilCounts | 'status', string][] = [
  ['status', MAIL_ATTR_STATUS], ['count', ANVIL_ATTR_COUNT], ['rate', ANVIL_ATTR_RATE], ['mail', ANVIL_ATTR_MAIL],
  ['rcpt', ANVIL_ATTR_RCPT], ['newtls', ANVIL_ATTR_NTLS], ['auth', ANVIL_ATTR_AUTH],
];

/** A reply's fields as attributes, in anvil's order. */
function anvilReply(r: { status: number } & Partial<AnvilCounts>): AttrList {
  return REPLY_ATTRS.flatMap(([field, attr]): AttrList => (r[field] === undefined ? [] : [[attr, attrInt(r[field])]]));
}

/** What each request kind asks of the session. */
const REQUESTS: Readonly<Record<string, (s: AnvilSession, ident: string) => { status: number } & Partial<AnvilCounts>>> = {
  [ANVIL_REQ_CONN]: (s, ident) => s.connect(ident),
  [ANVIL_REQ_DISC]: (s, ident) => s.disconnect(ident),
  [ANVIL_REQ_MAIL]: (s, ident) => s.message(ident),
  [ANVIL_REQ_RCPT]: (s, ident) => s.recipient(ident),
  [ANVIL_REQ_NTLS]: (s, ident) => s.newtls(ident),
  [ANVIL_REQ_NTLS_STAT]: (s, ident) => s.newtlsStatus(ident),
  [ANVIL_REQ_AUTH]: (s, ident) => s.auth(ident),
  [ANVIL_REQ_LOOKUP]: (s, ident) => s.lookup(ident),
};

/** The wire reply list for one request, in anvil's attribute order; null = malformed request. */
export function anvilRequest(session: AnvilSession, request: AttrList): AttrList | null {
  const names = request.map(([n]) => n);
  if (names.length !== 2 || names[0] !== MAIL_ATTR_REQ || names[1] !== ANVIL_ATTR_IDENT) return null;
  const kind = attrGet(request, MAIL_ATTR_REQ)!;
  const handle = Object.hasOwn(REQUESTS, kind) ? REQUESTS[kind] : undefined;
  return anvilReply(handle ? handle(session, attrGet(request, ANVIL_ATTR_IDENT)!) : { status: ANVIL_STAT_FAIL });
}

/** Serve anvil on a Unix socket (plain encoding), one AnvilSession per client connection. */
export function serveAnvil(path: string, anvil: Anvil): Promise<RunningServer> {
  const sessions = new WeakMap<Socket, AnvilSession>();
  const sessionOf = (c: Socket) => {
    let s = sessions.get(c);
    if (!s) sessions.set(c, (s = anvil.session()));
    return s;
  };
  return serveAttrProtocol(path, {
    protocol: PROTOCOL_NAMES.anvil,
    encoding: 'plain',
    handle: (request, conn) => anvilRequest(sessionOf(conn), request),
    closed: (conn) => sessions.get(conn)?.close(),
  });
}
