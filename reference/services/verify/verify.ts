/**
 * verify(8) for the reference MTA: the address verification cache and its probes.
 *
 * Requests served (postfix-internals.md §4.2): query (address → recipient_status, reason) and
 * update (address, recipient_status, reason). Asked by smtpd for reject_unverified_recipient /
 * reject_unverified_sender (query), and by the delivery agents that deliver a probe (update,
 * through the trace/verify path). Follows verify(8): an entry is "status:probed:updated:text"
 * keyed by the address with ":" replaced by "_"; a missing, malformed or expired entry is
 * answered 3 (TODO, "Address verification in progress"); a probe — a message with no body from
 * address_verify_sender, delivered in verify-only mode — is sent when the entry is due for a
 * refresh and no probe was sent in the last 1000 s; a failed probe result never overwrites an
 * OK entry. Times are whole seconds. The cache lives in a VerifyStore: in memory by default
 * (address_verify_map empty, Postfix's internal:verify), or a file-backed store from
 * reference/services/proxymap's writable tables when address_verify_map names one.
 *
 * serveVerify() puts it on $queue_directory/private/verify (attr0).
 */
import { printableText } from '../../global/printable.ts';
import { attrGet, attrInt, attrNames, parseAttrInt, PROTOCOL_NAMES, type AttrList } from '../../protocol/attr.ts';
import {
  MAIL_ATTR_ADDR, MAIL_ATTR_ADDR_STATUS, MAIL_ATTR_REQ, MAIL_ATTR_STATUS, MAIL_ATTR_WHY, VRFY_REQ_QUERY, VRFY_REQ_UPDATE,
} from '../../global/mail-proto.ts';
import { serveAttrProtocol, type RunningServer } from '../../skeleton/multi-server.ts';

export const VRFY_STAT_OK = 0;
export const VRFY_STAT_FAIL = -1;
export const VRFY_STAT_BAD = -2;

/** DEL_RCPT_STAT_*: what is known about an address. */
export const DEL_RCPT_STAT_OK = 0;
export const DEL_RCPT_STAT_DEFER = 1;
export const DEL_RCPT_STAT_BOUNCE = 2;
export const DEL_RCPT_STAT_TODO = 3;

const PROBE_TTL = 1000;

export interface VerifyStore {
  get(key: string): Promise<string | null>;
  put(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
}

export function memoryStore(): VerifyStore {
  const m = new Map<string, string>();
  return {
    get: async (k) => m.get(k) ?? null,
    put: async (k, v) => void m.set(k, v),
    delete: async (k) => void m.delete(k),
  };
}

export interface VerifyClient {
  query(address: string): Promise<{ status: number; recipientStatus: number; reason: string }>;
  update(address: string, recipientStatus: number, reason: string): Promise<number>;
  /**
   * address_verify_negative_cache as the client side reads it: Postfix's delivery agents decide
   * in verify_append() (global/verify.c) whether a failed probe is reported at all. Absent = yes.
   */
  readonly negativeCache?: boolean;
}

export interface VerifyParams {
  /** Seconds, as main.cf's address_verify_{positive,negative}_{expire,refresh}_time. */
  positiveExpire: number;
  negativeExpire: number;
  positiveRefresh: number;
  negativeRefresh: number;
  /** address_verify_negative_cache */
  negativeCache: boolean;
}

export interface VerifyDeps {
  params: VerifyParams;
  store?: VerifyStore;
  /** Post a probe for `address` through cleanup (sender address_verify_sender, trace flag MTA_VRFY). */
  sendProbe: (address: string) => void;
  /** Clock in seconds (default wall clock). */
  now?: () => number;
}

/** The parameters from main.cf (postconf(5) names). */
export function verifyParams(cfg: { time(n: string): number; bool(n: string): boolean }): VerifyParams {
  return {
    positiveExpire: cfg.time('address_verify_positive_expire_time'),
    negativeExpire: cfg.time('address_verify_negative_expire_time'),
    positiveRefresh: cfg.time('address_verify_positive_refresh_time'),
    negativeRefresh: cfg.time('address_verify_negative_refresh_time'),
    negativeCache: cfg.bool('address_verify_negative_cache'),
  };
}

interface Entry {
  status: number;
  probed: number;
  updated: number;
  text: string;
}

export function parseEntry(raw: string): Entry | undefined {
  const m = /^(\d+):(\d+):(\d+):([\s\S]*)$/.exec(raw);
  if (!m) return undefined;
  const e = { status: Number(m[1]), probed: Number(m[2]), updated: Number(m[3]), text: m[4]! };
  if (e.status > DEL_RCPT_STAT_TODO || (!e.probed && !e.updated)) return undefined;
  return e;
}

const makeEntry = (e: Entry) => `${e.status}:${e.probed}:${e.updated}:${e.text}`;
const cacheKey = (address: string) => address.replace(/:/g, '_');

export function createVerify(deps: VerifyDeps): VerifyClient {
  const p = deps.params;
  const store = deps.store ?? memoryStore();
  const now = deps.now ?? (() => Math.floor(Date.now() / 1000));
  return {
    async query(address) {
      const key = cacheKey(address);
      const t = now();
      const raw = await store.get(key);
      let e = raw === null ? undefined : parseEntry(raw);
      const expired = (x: Entry) => (x.status === DEL_RCPT_STAT_OK ? x.updated + p.positiveExpire < t : x.updated + p.negativeExpire < t);
      if (!e || (t - e.probed > PROBE_TTL && expired(e))) {
        e = { status: DEL_RCPT_STAT_TODO, probed: 0, updated: 0, text: 'Address verification in progress' };
        if (raw !== null && !p.negativeCache) await store.delete(key);
      }
      const reply = { status: VRFY_STAT_OK, recipientStatus: e.status, reason: e.text };
      const refresh = e.status === DEL_RCPT_STAT_OK ? e.updated + p.positiveRefresh < t : e.updated + p.negativeRefresh < t;
      if (t - e.probed > PROBE_TTL && refresh) {
        deps.sendProbe(address);
        if (e.updated !== 0 || p.negativeCache) await store.put(key, makeEntry({ ...e, probed: t }));
      }
      return reply;
    },
    async update(address, recipientStatus, reason) {
      if (recipientStatus !== DEL_RCPT_STAT_OK && recipientStatus !== DEL_RCPT_STAT_DEFER && recipientStatus !== DEL_RCPT_STAT_BOUNCE) return VRFY_STAT_BAD;
      const key = cacheKey(address);
      const old = recipientStatus === DEL_RCPT_STAT_OK ? null : await store.get(key);
      // A failed probe never replaces a cached OK (a transient failure must not hurt).
      if (old === null || Number.parseInt(old, 10) !== DEL_RCPT_STAT_OK) {
        await store.put(key, makeEntry({ status: recipientStatus, probed: 0, updated: now(), text: printableText(reason, false) }));
      }
      return VRFY_STAT_OK;
    },
  };
}

/** The attributes each request must carry, in this order. */
const QUERY_REQUEST = [MAIL_ATTR_REQ, MAIL_ATTR_ADDR].join(',');
const UPDATE_REQUEST = [MAIL_ATTR_REQ, MAIL_ATTR_ADDR, MAIL_ATTR_ADDR_STATUS, MAIL_ATTR_WHY].join(',');

/** One verify request list → reply list (null: malformed, the connection is dropped). */
export async function verifyRequest(verify: VerifyClient, request: AttrList): Promise<AttrList | null> {
  const names = attrNames(request);
  const get = (n: string) => attrGet(request, n)!;
  switch (get(MAIL_ATTR_REQ)) {
    case VRFY_REQ_QUERY: {
      if (names !== QUERY_REQUEST) return null;
      const r = await verify.query(get(MAIL_ATTR_ADDR));
      return [[MAIL_ATTR_STATUS, attrInt(r.status)], [MAIL_ATTR_ADDR_STATUS, attrInt(r.recipientStatus)], [MAIL_ATTR_WHY, r.reason]];
    }
    case VRFY_REQ_UPDATE: {
      if (names !== UPDATE_REQUEST) return null;
      let st: number;
      try {
        st = parseAttrInt(get(MAIL_ATTR_ADDR_STATUS));
      } catch {
        return null; // not a number: a malformed request
      }
      return [[MAIL_ATTR_STATUS, attrInt(await verify.update(get(MAIL_ATTR_ADDR), st, get(MAIL_ATTR_WHY)))]];
    }
    default:
      return [[MAIL_ATTR_STATUS, attrInt(VRFY_STAT_BAD)]];
  }
}

export function serveVerify(path: string, verify: VerifyClient): Promise<RunningServer> {
  return serveAttrProtocol(path, { protocol: PROTOCOL_NAMES.verify, handle: (req) => verifyRequest(verify, req) });
}
