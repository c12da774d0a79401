/**
 * smtp(8) delivery agent (transports "smtp" and "relay" in master.cf).
 *
 * Serves: DeliveryRequests from qmgr for one (transport, nexthop) with one or more recipients.
 * Connects to the nexthop (nexthop.ts), speaks EHLO when the greeting says ESMTP or
 * smtp_always_send_ehlo is set and smtp_never_send_ehlo is not (falls back to HELO), drops the
 * smtp_discard_ehlo_keywords from what the server offers, sends MAIL / RCPT /
 * DATA pipelined when the server announces PIPELINING, adds SIZE=, BODY=8BITMIME, and the DSN
 * parameters (NOTIFY, ORCPT, RET, ENVID) the server supports (to a server without 8BITMIME
 * mail not declared 7bit goes downgraded, without SIZE=: 8-bit entities quoted-printable, as
 * RFC 6152 section 3 asks, unless disable_mime_output_conversion), and reports each recipient:
 * sent (2xx), deferred (4xx, connection problems) or bounced (5xx, and a reply of any other
 * class, a protocol error: dsnOf()). Each outcome is logged as
 * Postfix's smtp(8) does ("QID: to=<..>, relay=host[addr]:port, delay=.., delays=a/b/c/d,
 * dsn=.., status=.. (..)"), and connection failures are also logged on their own
 * ("connect to host[addr]:port: Connection refused"). Reads the message from the queue file.
 * sendmail -bv (DEL_REQ_FLAG_USR_VRFY): MAIL and RCPT only, then RSET — no DATA; an accepted
 * recipient is logged status=deliverable with the RCPT reply, a refused one undeliverable
 * (smtp_address_verify_target = data: on to DATA, its 354 the answer, then a silent drop).
 * A delivered recipient's action is "relayed"; its NOTIFY=SUCCESS is dropped when the next hop
 * offers DSN (qmgr then writes no trace log entry for it).
 *
 * Also, as postconf(5) describes them: the sites of the next hop, then smtp_fallback_relay,
 * tried in turn, a site without a port on smtp_tcp_port, each connection from
 * smtp_bind_address (smtp_bind_address_enforce); smtp_reply_filter on each reply line;
 * smtp_discard_ehlo_keyword_address_maps per server address; the PIX workarounds for a
 * "220 ****" greeting (smtp_pix_workarounds, smtp_pix_workaround_maps, _threshold_time,
 * _delay_time); XFORWARD before MAIL FROM (smtp_send_xforward_command, smtp_xforward_timeout);
 * smtp_generic_maps on the envelope and the headers, and the output checks
 * (smtp_header_checks, smtp_mime_header_checks, smtp_nested_header_checks, smtp_body_checks;
 * output.ts); smtp_delivery_status_filter on each recipient's result.
 *
 * Differs from Postfix: a next hop without brackets is looked up with the system's resolver,
 * never for MX records (nexthop.ts), so smtp_dns_support_level makes no difference here; a
 * server that fails after the connection (a 4xx greeting or reply) is not left for the next
 * site or the fallback relay, only one that cannot be reached is.
 */
import { promises as dns } from 'node:dns';
import { setTimeout as sleep } from 'node:timers/promises';
import { isIP } from 'node:net';
import { readQueueFile } from '../../queue/queue-file.ts';
import type { DeliveryAgent, DeliveryRequest, DeliveryResult, DeliveryRecipient, Logger, RecipientStatus } from '../contracts.ts';
import { DEL_REQ_FLAG_USR_VRFY, deliveryStatusWord } from '../../global/deliver-request.ts';
import { DSN_NOTIFY_SUCCESS, DSN_RET_FULL, dsnNotifyWords } from '../../global/dsn-mask.ts';
import { MAIL_ATTR_ENC_7BIT, MAIL_ATTR_ENC_8BIT, SMTPUTF8_FLAG_RECIPIENT, SMTPUTF8_FLAG_REQUESTED } from '../../global/mail-proto.ts';
import { allAscii } from '../../global/allascii.ts';
import { uxtextQuote, xtextQuote } from '../../global/xtext.ts';
import { formatDeliveryLine } from '../../global/log-adhoc.ts';
import { utf8ByteString } from '../../global/byte-string.ts';
import { BindError, ConnectError, LocalDataError, SmtpConnection, type ReplyFilter, type SmtpReply } from './client.ts';
import { parseNexthop } from './nexthop.ts';
import { splitList } from '../../config/index.ts';
import { ChecksLookupError, HeaderBodyChecks, type HeaderBodyTables } from '../../global/header-body-checks.ts';
import { outputContent } from './output.ts';
import type { GenericMaps } from './generic-maps.ts';
import { filterDeliveryStatus, type FilteredOutcome } from '../../global/dsn-filter.ts';
import { TableLookupError, type Maps } from '../../global/maps.ts';
import { internalize, scan } from '../../global/tok822.ts';
import {
  EHLO_MASK_8BITMIME, EHLO_MASK_AUTH, EHLO_MASK_DSN, EHLO_MASK_PIPELINING, EHLO_MASK_SILENT, EHLO_MASK_SIZE,
  EHLO_MASK_SMTPUTF8, EHLO_MASK_STARTTLS, EHLO_MASK_XFORWARD, ehloMask, ehloMaskText,
} from '../../global/ehlo-mask.ts';
import type { ReusableSession, SmtpReuse } from '../scache/smtp-reuse.ts';

export interface SmtpAgentOptions {
  /** master.cf service name ("smtp", "relay"). */
  transport: string;
  /** Logging tag: "smtp" or a full "postfix/relay" from -o syslog_name. */
  logService: string;
  logger: Logger;
  /** smtp_helo_name (default $myhostname). */
  heloName: string;
  connectTimeoutMs?: number;
  /** The time limit for each reply (smtp_helo_timeout, smtp_mail_timeout …); replyTimeoutMs for the others. */
  replyTimeoutsMs?: Partial<Record<ReplyWait, number>>;
  replyTimeoutMs?: number;
  /** smtp_line_length_limit (998). */
  lineLengthLimit?: number;
  /**
   * disable_mime_output_conversion (default no) and the MIME reader's limits (mime_nesting_limit,
   * mime_boundary_length_limit, header_size_limit) for the 8-bit to 7-bit downgrade.
   */
  mimeOutput?: { disableConversion: boolean; nestingLimit: number; boundaryLengthLimit: number; headerSizeLimit: number };
  /** How the session starts: smtp_skip_5xx_greeting, smtp_always_send_ehlo, smtp_never_send_ehlo, smtp_discard_ehlo_keywords. */
  handshake?: Partial<HandshakePolicy>;
  /** smtp_quote_rfc821_envelope (default yes): quote local parts in MAIL FROM and RCPT TO as RFC 5321 requires. */
  quoteEnvelope?: boolean;
  /** smtputf8_enable (default yes): a UTF-8 recipient makes a delivery need SMTPUTF8 (qmgr's SMTPUTF8_FLAG_RECIPIENT). */
  smtputf8Enable?: boolean;
  /** smtp_pix_workarounds, smtp_pix_workaround_maps, smtp_pix_workaround_threshold_time and _delay_time. */
  pix?: PixSettings;
  /** smtp_bind_address: the IPv4 source address of each connection ("" or undefined: the system's choice). */
  bindAddress?: string;
  /** smtp_bind_address_enforce: a source address that cannot be bound defers the mail instead of being ignored. */
  bindAddressEnforce?: boolean;
  /** smtp_address_verify_target: where an address probe stops, RCPT TO (default) or DATA. */
  verifyTarget?: 'rcpt' | 'data';
  /** smtp_tcp_port: the port of a next hop that names none (default 25). */
  tcpPort?: number;
  /** smtp_fallback_relay: the sites tried when no server of the next hop answers. */
  fallbackRelay?: string[];
  /** smtp_send_xforward_command: pass the original client's attributes to a server that announces XFORWARD. */
  sendXforward?: boolean;
  /** smtp_generic_maps: the envelope and primary header addresses as they go out. */
  generic?: GenericMaps;
  /** smtp_reply_filter: each server reply line looked up, an answer read in its place. */
  replyFilter?: Maps;
  /** smtp_delivery_status_filter: each recipient's status and text looked up before it is logged and reported. */
  statusFilter?: Maps;
  /** smtp_header_checks, smtp_mime_header_checks, smtp_nested_header_checks, smtp_body_checks. */
  outputChecks?: HeaderBodyTables;
  now?: () => number;
  /** Connection reuse through scache: sessions taken from and left in the cache. */
  reuse?: SmtpReuse<SmtpConnection>;
}

/** The greeting and EHLO settings (postconf(5); smtp_proto.c smtp_helo()). */
export interface HandshakePolicy {
  /** smtp_skip_5xx_greeting: a 5xx greeting defers (the status class becomes 4) instead of bouncing. */
  skip5xxGreeting: boolean;
  /** smtp_always_send_ehlo: EHLO even when the greeting does not say ESMTP. */
  alwaysSendEhlo: boolean;
  /** smtp_never_send_ehlo: HELO only. */
  neverSendEhlo: boolean;
  /** smtp_discard_ehlo_keywords as a mask (global/ehlo-mask.ts). */
  discardMask: number;
  /** smtp_discard_ehlo_keyword_address_maps: the keywords per server address, before discardMask. */
  discardMaps?: Maps;
}

/** mime_nesting_limit, mime_boundary_length_limit and header_size_limit as postconf -d shows them. */
const DEFAULT_MIME_LIMITS = { nestingLimit: 100, boundaryLengthLimit: 2048, headerSizeLimit: 102400 };

const DEFAULT_HANDSHAKE: HandshakePolicy = { skip5xxGreeting: true, alwaysSendEhlo: true, neverSendEhlo: false, discardMask: 0 };

/** EHLO keywords smtp(8) acts on, with the bit that discards each. */
const EHLO_FEATURE_BITS: Record<string, number> = {
  '8BITMIME': EHLO_MASK_8BITMIME, PIPELINING: EHLO_MASK_PIPELINING, SIZE: EHLO_MASK_SIZE,
  XFORWARD: EHLO_MASK_XFORWARD, STARTTLS: EHLO_MASK_STARTTLS, AUTH: EHLO_MASK_AUTH,
  DSN: EHLO_MASK_DSN, SMTPUTF8: EHLO_MASK_SMTPUTF8,
};

/** The server's features from its EHLO reply lines, less the discarded ones. */
function ehloFeatures(lines: string[], discardMask: number): Set<string> {
  const out = new Set<string>();
  for (const line of lines.slice(1)) {
    const [first = '', ...rest] = line.split(/[ \t=]+/);
    const word = first.toUpperCase();
    const bit = EHLO_FEATURE_BITS[word];
    if (bit === undefined || (discardMask & bit) !== 0) continue;
    out.add(word);
    // "XFORWARD NAME ADDR …": the attributes the server takes (name_code(): exact names)
    if (word === 'XFORWARD') for (const attr of rest) out.add(`${XFORWARD_FEATURE_PREFIX}${attr}`);
  }
  return out;
}

/** The status of a delivery that needs SMTPUTF8 at a server without it (RFC 3463: 5.6.7, non-ASCII addresses not permitted). */
const SMTPUTF8_REQUIRED_DSN = '5.6.7';

/**
 * Does this delivery need SMTPUTF8 (smtp_proto.c DELIVERY_REQUIRES_SMTPUTF8)? Only when SMTPUTF8
 * was requested AND something is not ASCII: a header or the sender (the queue file's flags), or
 * a recipient of this delivery (SMTPUTF8_FLAG_RECIPIENT, which qmgr adds with smtputf8_enable).
 */
function deliveryRequiresSmtputf8(queueFlags: number, req: DeliveryRequest, smtputf8Enable: boolean): boolean {
  const utf8Recipient = smtputf8Enable && req.recipients.some((r) => !allAscii(r.address));
  const flags = queueFlags | (utf8Recipient ? SMTPUTF8_FLAG_RECIPIENT : 0);
  return (flags & SMTPUTF8_FLAG_REQUESTED) !== 0 && (flags & ~SMTPUTF8_FLAG_REQUESTED) !== 0;
}

/** The features for the XFORWARD attributes a server names: "XFORWARD:NAME" … */
const XFORWARD_FEATURE_PREFIX = 'XFORWARD:';

/** One XFORWARD command, with the texts a timeout and a refusal name it by (smtp_proto.c xfer_states, xfer_request). */
interface XforwardCommand {
  command: string;
  stage: string;
  request: string;
}

/** An attribute value as the queue file has it (log_ form first, as qmgr reads it), '' when missing. */
const attribute = (attrs: Record<string, string>, name: string): string => attrs[`log_${name}`] ?? attrs[name] ?? '';

/** A client attribute that is there and known (not "unknown"): XFORWARD passes it on. */
const knownValue = (v: string): boolean => v !== '' && v.toLowerCase() !== 'unknown';

/**
 * The XFORWARD commands for a message (smtp_proto.c SMTP_STATE_XFORWARD_*; XFORWARD_README):
 * NAME, ADDR and PORT in one, PROTO, HELO, IDENT and SOURCE (LOCAL or REMOTE, from the
 * rewrite context) in the other, each attribute only when the server named it and the
 * message has it; a command that would carry nothing is not sent. Values in xtext.
 */
function xforwardCommands(features: Set<string>, attrs: Record<string, string>): XforwardCommand[] {
  const item = (attr: string, value: string, known: (v: string) => boolean) =>
    features.has(`${XFORWARD_FEATURE_PREFIX}${attr}`) && known(value) ? [` ${attr}=${xtextQuote(value, '')}`] : [];
  const present = (v: string) => v !== '';
  const context = attrs.rewrite_context;
  const nameAddr = [
    ...item('NAME', attribute(attrs, 'client_name'), knownValue),
    ...item('ADDR', attribute(attrs, 'client_address'), knownValue),
    ...item('PORT', attribute(attrs, 'client_port'), knownValue),
  ];
  const protoHelo = [
    ...item('PROTO', attribute(attrs, 'protocol_name'), knownValue),
    ...item('HELO', attribute(attrs, 'helo_name'), present),
    ...item('IDENT', attrs.log_ident ?? '', present),
    ...item('SOURCE', context === undefined ? '' : context === 'local' ? 'LOCAL' : 'REMOTE', present),
  ];
  return [
    ...(nameAddr.length > 0 ? [{ command: `XFORWARD${nameAddr.join('')}`, stage: 'XFORWARD name/address', request: 'XFORWARD name/address' }] : []),
    ...(protoHelo.length > 0 ? [{ command: `XFORWARD${protoHelo.join('')}`, stage: 'XFORWARD protocol/helo_name', request: 'XFORWARD helo/protocol' }] : []),
  ];
}

/** A greeting that says "ESMTP" in any word after its code (smtp_proto.c's heuristic). */
const greetsEsmtp = (greeting: SmtpReply): boolean =>
  greeting.text.split(/[\s-]+/).slice(1).some((w) => w.toUpperCase() === 'ESMTP');

/** An address as smtp_quote_rfc821_envelope = no sends it: the local part unquoted. */
const unquotedAddress = (address: string): string => (address === '' ? '' : internalize(scan(address)));

interface Endpoint {
  name: string;
  addr: string;
  port: number;
}

const isFilteredOutcome = (o: RecipientStatus['outcome']): o is FilteredOutcome => o === 'sent' || o === 'deferred' || o === 'bounced';

/** The PIX firewall workarounds (postconf(5) smtp_pix_workarounds). */
export interface PixSettings {
  /** smtp_pix_workarounds: the names of the workarounds. */
  workarounds: string;
  /** smtp_pix_workaround_maps: workaround names per server address. */
  maps?: Maps;
  /** smtp_pix_workaround_threshold_time: delay_dotcrlf only for mail queued longer than this. */
  thresholdSec: number;
  /** smtp_pix_workaround_delay_time: the pause before the final ".". */
  delayMs: number;
}

/** The workaround bits, in the order their names are logged (smtp_proto.c pix_bug_table). */
const PIX_NO_ESMTP = 1 << 0;
const PIX_DELAY_DOTCRLF = 1 << 1;
const PIX_WORKAROUNDS: readonly [string, number][] = [['disable_esmtp', PIX_NO_ESMTP], ['delay_dotcrlf', PIX_DELAY_DOTCRLF]];
/** A session with delay_dotcrlf, as a pseudo EHLO feature kept with a cached session. */
const PIX_DELAY_FEATURE = 'PIX_DELAY_DOTCRLF';
/** The end of the message content (RFC 5321 section 4.1.1.4). */
const END_OF_DATA = '.\r\n';

/** The bits of a workaround list; unknown names are ignored (NAME_MASK_IGNORE). */
function pixWorkaroundMask(words: string): number {
  let mask = 0;
  for (const w of splitList(words)) mask |= PIX_WORKAROUNDS.find(([name]) => name === w.toLowerCase())?.[1] ?? 0;
  return mask;
}

/** The names of the bits set, space-separated (str_name_mask()). */
const pixWorkaroundNames = (mask: number): string => PIX_WORKAROUNDS.filter(([, bit]) => mask & bit).map(([name]) => name).join(' ');

/** A local table failed during the session (smtp_trouble.c SMTP_ERR_DATA). */
const LOCAL_DATA_ERROR_DSN = '4.3.0';

/** A source address that cannot be bound, with smtp_bind_address_enforce (smtp_connect.c). */
const BIND_FAILED_DSN = '4.4.0';
const BIND_FAILED_TEXT = 'server configuration error';

/** The status of a recipient a probe with smtp_address_verify_target = data found deliverable. */
const PROBE_DATA_DSN = '2.0.0';

/** No site could be tried at all (smtp_connect.c's made-up excuse). */
const SERVER_UNAVAILABLE_DSN = '4.3.0';
const SERVER_UNAVAILABLE_TEXT = 'server unavailable or unable to receive mail';
/** A site's name did not resolve. */
const HOST_NOT_FOUND_DSN = '4.4.3';
/** No connection to a site's address (RFC 3463 section 3.5: 4.4.1 no answer from host). */
const CONNECT_FAILED_DSN = '4.4.1';

/** The parameter that limits the wait for each reply smtp(8) reads (postconf(5)). */
export const REPLY_TIMEOUT_PARAMETERS = {
  greeting: 'smtp_helo_timeout',
  helo: 'smtp_helo_timeout',
  xforward: 'smtp_xforward_timeout',
  mail: 'smtp_mail_timeout',
  rcpt: 'smtp_rcpt_timeout',
  data: 'smtp_data_init_timeout',
  dot: 'smtp_data_done_timeout',
  rset: 'smtp_rset_timeout',
  quit: 'smtp_quit_timeout',
} as const;
export type ReplyWait = keyof typeof REPLY_TIMEOUT_PARAMETERS;

type Stage = 'MAIL FROM' | 'RCPT TO' | 'DATA' | 'end of DATA' | 'initial greeting' | 'EHLO' | 'HELO';

/** A command with UTF-8 addresses as the byte string (latin1) the connection writes. */

/** "utf-8" ORCPT type (RFC 6533): the address is uxtext, not xtext. */
const UTF8_ORCPT = /^utf-8;/i;

/**
 * The ORCPT= value of a recipient (smtp_proto.c): the stored "type;address" encoded whole, in
 * uxtext for type utf-8 and xtext otherwise, "=" escaped too; without one, the original
 * recipient as rfc822. RFC 3461 section 4.2.
 */
function orcptParam(r: DeliveryRecipient): string | undefined {
  const stored = r.dsnOrcpt || (r.origTo ? `rfc822;${r.origTo}` : '');
  if (stored === '') return undefined;
  return UTF8_ORCPT.test(stored) ? uxtextQuote(stored, '+=') : xtextQuote(stored, '=');
}

/**
 * What a delivered recipient reports for its DSN (smtp_rcpt_done()): the action "relayed", and
 * when the next hop offered DSN, NOTIFY=SUCCESS was passed on there, so no success notice here.
 * Differs from Postfix: LMTP with lmtp_assume_final (action "delivered") is not modelled.
 */
function relayed(r: DeliveryRecipient, nextHopDsn: boolean): Partial<RecipientStatus> {
  if (!nextHopDsn || r.dsnNotify === undefined) return { action: 'relayed' };
  return { action: 'relayed', dsnNotify: r.dsnNotify & ~DSN_NOTIFY_SUCCESS };
}

/** Reply classes that carry an enhanced status code (RFC 3463 section 2: 2, 4 and 5). */
const STATUS_CLASSES = ['2', '4', '5'];
/** The status of a reply of any other class (1xx, 3xx, no code): a protocol error. */
const PROTOCOL_ERROR_DSN = '5.5.0';

/**
 * The enhanced status of a reply (smtp_chat.c smtp_chat_resp()), taken from its last line: the
 * code after the reply code when it is valid (dsn_valid()) and of the reply's class, else
 * "C.0.0" for the reply's class C; a reply outside the 2xx, 4xx and 5xx classes gets 5.5.0,
 * so a 3xx where none belongs bounces.
 */
export function dsnOf(reply: SmtpReply): string {
  const cls = String(reply.code)[0] ?? '';
  if (reply.code < 100 || !STATUS_CLASSES.includes(cls)) return PROTOCOL_ERROR_DSN;
  const last = (reply.lines[reply.lines.length - 1] ?? '').replace(/^ +/, '');
  const m = /^([245]\.\d{1,3}\.\d{1,3})(?:\s|$)/.exec(last);
  return m && m[1].startsWith(cls) ? m[1] : `${cls}.0.0`;
}

/** What a failed reply does to a recipient: its status class decides (smtp_trouble.c). */
const failureOutcome = (dsn: string): 'bounced' | 'deferred' => (dsn.startsWith('5') ? 'bounced' : 'deferred');

/**
 * Message lines for DATA: CRLF line ends, dot-stuffing, lines longer than smtp_line_length_limit
 * folded with CRLF SPACE (smtp_text_out() in smtp_proto.c); `onBreak` is told once when a line
 * is folded (Postfix logs "QID: breaking line > N bytes with <CR><LF>SPACE").
 */
export function dataBytes(content: Buffer, lineLimit: number, onBreak: () => void = () => undefined): string {
  let text = content.toString('latin1');
  if (text.endsWith('\n')) text = text.slice(0, -1);
  const out: string[] = [];
  let broken = false;
  for (const raw of text === '' ? [] : text.split('\n')) {
    let line = raw;
    const parts: string[] = [];
    if (lineLimit > 0 && line.length > lineLimit && !broken) {
      broken = true;
      onBreak();
    }
    while (lineLimit > 0 && line.length > lineLimit) {
      parts.push(line.slice(0, lineLimit));
      line = ' ' + line.slice(lineLimit);
    }
    parts.push(line);
    for (const p of parts) out.push(p.startsWith('.') ? '.' + p : p);
  }
  return out.map((l) => l + '\r\n').join('') + '.\r\n';
}

/** Does dataBytes() fold a line of this content (smtp_text_out() logs that once per message)? */
export function breaksLines(content: Buffer, lineLimit: number): boolean {
  return lineLimit > 0 && content.toString('latin1').split('\n').some((l) => l.length > lineLimit);
}

/**
 * End a session that is not cached: QUIT, after an RSET when the transaction stopped before the
 * message content (MAIL or every RCPT refused, DATA refused): smtp_proto.c's ABORT state. With
 * PIPELINING the two go in one write.
 */
async function quit(conn: SmtpConnection, abort: boolean, pipelining: boolean, limit: (w: ReplyWait) => number): Promise<void> {
  if (abort && !pipelining) {
    conn.write('RSET\r\n');
    await conn.readIgnoringFailure(limit('rset'));
  }
  conn.write(`${abort && pipelining ? 'RSET\r\n' : ''}QUIT\r\n`);
  if (abort && pipelining) await conn.readIgnoringFailure(limit('rset'));
  await conn.readIgnoringFailure(limit('quit'));
}

export function createSmtpAgent(opts: SmtpAgentOptions): DeliveryAgent {
  const now = opts.now ?? Date.now;
  const connectTimeout = opts.connectTimeoutMs ?? 30_000;
  const replyTimeout = opts.replyTimeoutMs ?? 300_000;
  const limit = (w: ReplyWait): number => opts.replyTimeoutsMs?.[w] ?? replyTimeout;
  const handshake: HandshakePolicy = { ...DEFAULT_HANDSHAKE, ...opts.handshake };
  const envelopeAddress = opts.quoteEnvelope === false ? unquotedAddress : (a: string) => a;

  async function resolveEndpoint(host: string, port: number): Promise<Endpoint | string> {
    if (isIP(host)) return { name: host, addr: host, port };
    try {
      const { address } = await dns.lookup(host, { family: 4 });
      return { name: host, addr: address, port };
    } catch {
      // Not found (or the lookup failed): the recipients are deferred with this text, as smtp(8) does.
      return `Host or domain name not found. Name service error for name=${host} type=A: Host not found`;
    }
  }

  /**
   * The EHLO keywords to ignore from the server at `addr`: smtp_discard_ehlo_keyword_address_maps'
   * answer for the address, else smtp_discard_ehlo_keywords (smtp_proto.c smtp_helo()).
   */
  async function discardedKeywords(addr: string, queueId: string): Promise<number> {
    const maps = handshake.discardMaps;
    if (!maps || maps.empty) return handshake.discardMask;
    let words: string | null;
    try {
      words = await maps.find(addr);
    } catch (err) {
      if (!(err instanceof TableLookupError)) throw err;
      throw new LocalDataError(`${queueId}: ${maps.title} map lookup error for ${addr}`);
    }
    return words === null ? handshake.discardMask : ehloMask(words);
  }

  /**
   * The PIX workarounds for a server whose greeting is only "2", "0", "*" and blanks
   * (smtp_proto.c smtp_helo()), undefined for any other: smtp_pix_workaround_maps' answer for
   * its address, else smtp_pix_workarounds; delay_dotcrlf only for mail queued longer than
   * smtp_pix_workaround_threshold_time. A table that fails counts as no answer (best effort).
   */
  async function pixWorkarounds(greeting: SmtpReply, addr: string, req: DeliveryRequest): Promise<number | undefined> {
    if (!/^[20 *\t\n]*$/.test(greeting.text) || !opts.pix) return undefined;
    const maps = opts.pix.maps;
    const answer = maps && !maps.empty ? await maps.find(addr).catch(() => null) : null; // best effort, as Postfix
    const words = answer ?? opts.pix.workarounds;
    if (words.trim() === '') return undefined;
    let mask = pixWorkaroundMask(words);
    const arrived = Math.floor(req.arrivalTime / 1000);
    if (mask & PIX_DELAY_DOTCRLF && arrived > Math.floor(now() / 1000) - opts.pix.thresholdSec) mask &= ~PIX_DELAY_DOTCRLF;
    return mask;
  }

  /** smtp_reply_filter for a session with `endpoint`: a matching line is replaced, and that is logged. */
  function replyFilter(endpoint: string, queueId: string): ReplyFilter | undefined {
    const filter = opts.replyFilter;
    if (!filter || filter.empty) return undefined;
    return async (line) => {
      let value: string | null;
      try {
        value = await filter.find(line);
      } catch (err) {
        if (!(err instanceof TableLookupError)) throw err;
        throw new LocalDataError(`${queueId}: table ${filter.title} lookup error for ${line}`);
      }
      if (value === null) return undefined;
      opts.logger.info(opts.logService, `${endpoint}: replacing server reply "${line}" with "${value}"`);
      return value;
    };
  }

  /** A recipient's result through smtp_delivery_status_filter (global/dsn-filter.ts); other outcomes as they are. */
  async function filterStatus(outcome: RecipientStatus['outcome'], dsn: string, text: string): Promise<{ outcome: RecipientStatus['outcome']; dsn: string; text: string }> {
    const filter = opts.statusFilter;
    if (!filter || filter.empty || !isFilteredOutcome(outcome)) return { outcome, dsn, text };
    return filterDeliveryStatus(filter, { outcome, dsn, text }, (t) => opts.logger.warning(opts.logService, t));
  }

  /**
   * A connection to an endpoint from smtp_bind_address (smtp_connect.c smtp_connect_addr()):
   * when that address cannot be bound, a warning, and the connection is made from wherever the
   * system chooses — or, with smtp_bind_address_enforce, not at all (BindError).
   */
  async function openFrom(ep: Endpoint): Promise<SmtpConnection> {
    const bind = opts.bindAddress?.replace(/^\[(.*)\]$/, '$1') ?? '';
    if (bind === '' || isIP(ep.addr) !== 4) return SmtpConnection.open(ep.addr, ep.port, connectTimeout);
    try {
      return await SmtpConnection.open(ep.addr, ep.port, connectTimeout, bind);
    } catch (err) {
      if (!(err instanceof BindError)) throw err;
      opts.logger.warning(opts.logService, `smtp_connect_addr: bind ${bind}: ${err.reason}`);
      if (opts.bindAddressEnforce) throw err;
      return SmtpConnection.open(ep.addr, ep.port, connectTimeout);
    }
  }

  /**
   * A connection to the first site that answers (smtp_connect.c smtp_connect_inet()): the next
   * hop's sites in order, then those of smtp_fallback_relay; a site without a port is reached
   * on smtp_tcp_port. Each refused connection is logged; when none answers, the last failure.
   */
  async function connectSite(nexthop: string): Promise<{ ep: Endpoint; conn: SmtpConnection } | { dsn: string; text: string }> {
    let failure = { dsn: SERVER_UNAVAILABLE_DSN, text: SERVER_UNAVAILABLE_TEXT };
    for (const dest of [...splitList(nexthop), ...(opts.fallbackRelay ?? [])]) {
      const hop = parseNexthop(dest, opts.tcpPort);
      const ep = await resolveEndpoint(hop.host, hop.port);
      if (typeof ep === 'string') {
        failure = { dsn: HOST_NOT_FOUND_DSN, text: ep };
        continue;
      }
      try {
        return { ep, conn: await openFrom(ep) };
      } catch (err) {
        if (err instanceof BindError) {
          // smtp_bind_address_enforce: a source address that cannot be bound is a configuration error
          failure = { dsn: BIND_FAILED_DSN, text: BIND_FAILED_TEXT };
          opts.logger.info(opts.logService, failure.text);
          continue;
        }
        const reason = err instanceof ConnectError ? err.reason : (err as Error).message;
        failure = { dsn: CONNECT_FAILED_DSN, text: `connect to ${ep.name}[${ep.addr}]:${ep.port}: ${reason}` };
        opts.logger.info(opts.logService, failure.text);
      }
    }
    return failure;
  }

  return {
    transport: opts.transport,
    async deliver(req: DeliveryRequest): Promise<DeliveryResult> {
      const handoff = now();
      const results: RecipientStatus[] = [];
      let connected: number | undefined;
      let relay = 'none';
      let mtaName: string | undefined;
      let connUse = 1;
      const report = async (r: DeliveryRecipient, outcome: RecipientStatus['outcome'], dsn: string, text: string, reply?: SmtpReply, extra: Partial<RecipientStatus> = {}): Promise<void> => {
        // smtp_delivery_status_filter (dsn_filter(3)): the status and text may be replaced, a deferral made a bounce
        const filtered = await filterStatus(outcome, dsn, text);
        const status = deliveryStatusWord(req.flags, filtered.outcome);
        opts.logger.info(opts.logService, formatDeliveryLine({
          queueId: req.queueId, to: r.address, origTo: r.origTo, relay, dsn: filtered.dsn, status, text: filtered.text,
          times: { arrival: req.arrivalTime, active: req.activeTime, handoff, connected, done: now() },
          connUse,
        }));
        const diag = reply && mtaName ? { diagType: 'smtp', diagText: reply.text, mtaType: 'dns', mtaName } : {};
        results.push({ offset: r.offset, address: r.address, outcome: filtered.outcome, dsn: filtered.dsn, text: filtered.text, relay, ...diag, ...extra });
      };
      const failAll = async (rcpts: DeliveryRecipient[], dsn: string, text: string, reply?: SmtpReply): Promise<void> => {
        for (const r of rcpts) await report(r, failureOutcome(dsn), dsn, text, reply);
      };

      // A cached session (scache) answers RSET first; otherwise connect as usual.
      let reused = opts.reuse?.take(req);
      if (reused) {
        reused.conn.write('RSET\r\n');
        const ok = await reused.conn.read(limit('rset')).then((r) => r.code === 250, () => false); // a dead cached session: connect anew
        if (!ok) {
          reused.conn.close();
          reused = undefined;
        }
      }
      const site = reused ? { ep: reused.endpoint, conn: reused.conn } : await connectSite(req.nexthop);
      if ('dsn' in site) {
        await failAll(req.recipients, site.dsn, site.text);
        return { recipients: results, destinationFailed: true };
      }
      const { ep, conn } = site;
      const endpoint = `${ep.name}[${ep.addr}]:${ep.port}`;
      conn.filter = replyFilter(endpoint, req.queueId);
      relay = endpoint;
      mtaName = ep.name;
      const said = (reply: SmtpReply, stage: Stage): string => `host ${ep.name}[${ep.addr}] said: ${reply.text} (in reply to ${stage} command)`;
      let pending = [...req.recipients];
      let where = ''; // what the client was doing, for smtp_stream_except() texts
      const session: ReusableSession<SmtpConnection> = reused ?? { conn, features: new Set(), endpoint: ep, connectedAt: now(), reuseCount: 0 };
      connUse = session.reuseCount + 1;
      let cached = false;
      try {
        const msg = await readQueueFile(req.queueFile);
        let features = session.features;
        if (!reused) {
        where = 'receiving the initial server greeting';
        const greeting = await conn.read(limit('greeting'));
        // The site refused the session: its recipients fail, and the session ends with QUIT.
        const refused = async (reply: SmtpReply, dsn = dsnOf(reply)): Promise<DeliveryResult> => {
          await failAll(pending, dsn, `host ${ep.name}[${ep.addr}] refused to talk to me: ${reply.text}`, reply);
          await quit(conn, false, false, limit);
          return { recipients: results, destinationFailed: true };
        };
        if (Math.floor(greeting.code / 100) !== 2) {
          // smtp_skip_5xx_greeting: a 5xx greeting is a reason to try later, not to bounce.
          const dsn = dsnOf(greeting);
          return await refused(greeting, greeting.code >= 500 && handshake.skip5xxGreeting ? '4' + dsn.slice(1) : dsn);
        }
        const pix = await pixWorkarounds(greeting, ep.addr, req);
        if (pix !== undefined) {
          opts.logger.info(opts.logService, `${req.queueId}: enabling PIX workarounds: ${pixWorkaroundNames(pix)} for ${endpoint}`);
        }
        const noEsmtp = ((pix ?? 0) & PIX_NO_ESMTP) !== 0;
        let esmtp = greetsEsmtp(greeting);
        if (handshake.alwaysSendEhlo && !noEsmtp) esmtp = true;
        if (handshake.neverSendEhlo || noEsmtp) esmtp = false;
        let ehlo: SmtpReply | undefined;
        if (esmtp) {
          conn.write(`EHLO ${opts.heloName}\r\n`);
          where = 'performing the EHLO handshake';
          ehlo = await conn.read(limit('helo'));
          if (ehlo.code === 421) return await refused(ehlo);
          if (Math.floor(ehlo.code / 100) !== 2) esmtp = false;
        }
        if (!esmtp) {
          conn.write(`HELO ${opts.heloName}\r\n`);
          where = 'performing the HELO handshake';
          const helo = await conn.read(limit('helo'));
          if (Math.floor(helo.code / 100) !== 2) return await refused(helo);
          features = new Set();
        } else {
          const discardMask = await discardedKeywords(ep.addr, req.queueId);
          if (discardMask && !(discardMask & EHLO_MASK_SILENT)) {
            opts.logger.info(opts.logService, `discarding EHLO keywords: ${ehloMaskText(discardMask)}`);
          }
          features = ehloFeatures(ehlo!.lines, discardMask);
        }
        if ((pix ?? 0) & PIX_DELAY_DOTCRLF) features.add(PIX_DELAY_FEATURE);
        session.features = features;
        // smtp_helo(): mail that needs SMTPUTF8 (RFC 6531 section 3.2) is not sent to a server
        // without it; it fails at once, for every recipient, by this MTA's own verdict.
        if (!features.has('SMTPUTF8') && deliveryRequiresSmtputf8(msg.size.smtputf8, req, opts.smtputf8Enable ?? true)) {
          await failAll(pending, SMTPUTF8_REQUIRED_DSN, `SMTPUTF8 is required, but was not offered by host ${ep.name}[${ep.addr}]`);
          await quit(conn, false, false, limit);
          return { recipients: results };
        }
        if (features.has('SMTPUTF8') && !features.has('8BITMIME')) {
          // smtp_helo(): such a server is taken to accept 8-bit mail all the same.
          opts.logger.info(opts.logService, `host ${ep.name}[${ep.addr}] offers SMTPUTF8 support, but not 8BITMIME`);
          features.add('8BITMIME');
        }
        }
        connected = now();
        const dsn = features.has('DSN');
        // smtp_generic_maps: the addresses as they go out (the log keeps the queue file's)
        const outgoing = async (a: string): Promise<string> => (opts.generic ? opts.generic.map(a) : a);
        let mail = `MAIL FROM:<${envelopeAddress(await outgoing(req.sender))}>`;
        // smtp_proto.c SMTP_MIME_DOWNGRADE(): no 8BITMIME at the next hop, mail not declared 7bit
        const downgrading = opts.mimeOutput !== undefined && !opts.mimeOutput.disableConversion && !features.has('8BITMIME') && msg.attributes.encoding !== MAIL_ATTR_ENC_7BIT;
        // the size would change with the conversion: none is announced
        if (features.has('SIZE') && !downgrading) mail += ` SIZE=${msg.size.messageSize}`;
        if (features.has('8BITMIME') && msg.attributes.encoding === MAIL_ATTR_ENC_8BIT) mail += ' BODY=8BITMIME';
        else if (features.has('8BITMIME') && msg.attributes.encoding === MAIL_ATTR_ENC_7BIT) mail += ' BODY=7BIT';
        // ENVID before RET, as smtp_proto.c writes them; ENVID xtext with "+" and "=" escaped.
        if (dsn && msg.attributes.envelope_id) mail += ` ENVID=${xtextQuote(msg.attributes.envelope_id, '+=')}`;
        if (dsn && msg.attributes.ret_flags) mail += ` RET=${Number(msg.attributes.ret_flags) === DSN_RET_FULL ? 'FULL' : 'HDRS'}`;
        // RFC 6531 section 3.4: SMTPUTF8 passed on when the sender asked for it and the next hop offers it.
        if (features.has('SMTPUTF8') && msg.size.smtputf8 & SMTPUTF8_FLAG_REQUESTED) mail += ' SMTPUTF8';
        mail = utf8ByteString(mail);
        const outgoingRcpts = await Promise.all(req.recipients.map((r) => outgoing(r.address)));
        const rcptCommands = req.recipients.map((r, i) => {
          let c = utf8ByteString(`RCPT TO:<${envelopeAddress(outgoingRcpts[i]!)}>`);
          const orcpt = dsn ? orcptParam(r) : undefined;
          if (orcpt) c += ` ORCPT=${orcpt}`;
          if (dsn && r.dsnNotify) c += ` NOTIFY=${dsnNotifyWords(r.dsnNotify).join(',')}`;
          return c;
        });
        const pipelining = features.has('PIPELINING');
        const verifyOnly = (req.flags & DEL_REQ_FLAG_USR_VRFY) !== 0;
        // smtp_address_verify_target: a probe ends at RCPT TO (rcpt) or at the reply to DATA (data)
        const probeAtRcpt = verifyOnly && opts.verifyTarget !== 'data';
        const probeAtData = verifyOnly && opts.verifyTarget === 'data';
        let dropSession = false;
        const accepted: DeliveryRecipient[] = [];
        const lastRcpt = new Map<number, SmtpReply>();
        let contentSent = false;
        // A probe pipelines its RSET, and its QUIT when the session will not be cached, with MAIL
        // and RCPT (smtp_proto.c sends ahead everything it does not have to wait for).
        const probeQuits = probeAtRcpt && pipelining && !(opts.reuse?.wouldKeep(req, session, now()) ?? false);
        const probeEnd = probeAtRcpt ? ['RSET', ...(probeQuits ? ['QUIT'] : [])] : ['DATA'];
        // XFORWARD first (smtp_send_xforward_command), pipelined with the rest when the server allows
        const xforward = opts.sendXforward ? xforwardCommands(features, msg.attributes) : [];
        if (pipelining) conn.write([...xforward.map((x) => x.command), mail, ...rcptCommands, ...probeEnd].map((c) => c + '\r\n').join(''));
        for (const x of xforward) {
          if (!pipelining) conn.write(x.command + '\r\n');
          where = `sending ${x.stage}`;
          const reply = await conn.read(limit('xforward'));
          // a refused XFORWARD is only warned about: the mail goes on without it
          if (Math.floor(reply.code / 100) !== 2) opts.logger.warning(opts.logService, `host ${endpoint} said: ${reply.text} (in reply to ${x.request} command)`);
        }
        if (!pipelining) conn.write(mail + '\r\n');
        where = 'sending MAIL FROM';
        const mailReply = await conn.read(limit('mail'));
        if (mailReply.code !== 250) {
          await failAll(pending, dsnOf(mailReply), said(mailReply, 'MAIL FROM'), mailReply);
          pending = [];
        }
        for (let i = 0; i < req.recipients.length; i++) {
          if (!pipelining) {
            if (pending.length === 0) break;
            conn.write(rcptCommands[i] + '\r\n');
          }
          where = 'sending RCPT TO';
          const rr = await conn.read(limit('rcpt'));
          if (pending.length === 0) continue;
          const r = req.recipients[i];
          lastRcpt.set(r.offset, rr);
          if (rr.code >= 200 && rr.code < 300) accepted.push(r);
          else await report(r, failureOutcome(dsnOf(rr)), dsnOf(rr), said(rr, 'RCPT TO'), rr);
        }
        pending = accepted;
        if (probeAtRcpt) {
          // sendmail -bv: an accepted RCPT is the answer; no DATA, RSET ends the transaction.
          for (const r of pending) await report(r, 'sent', dsnOf(lastRcpt.get(r.offset)!), lastRcpt.get(r.offset)!.text, lastRcpt.get(r.offset));
          pending = [];
          if (!pipelining) conn.write('RSET\r\n');
          where = 'sending RSET';
          await conn.read(limit('rset'));
        }
        if (!probeAtRcpt && !pipelining && pending.length > 0) conn.write('DATA\r\n');
        if (!probeAtRcpt && (pipelining || pending.length > 0)) {
          where = 'sending DATA command';
          const dataReply = await conn.read(limit('data'));
          if (pending.length > 0) {
            if (dataReply.code !== 354) {
              await failAll(pending, dsnOf(dataReply), said(dataReply, 'DATA'), dataReply);
              pending = [];
            } else if (probeAtData) {
              // the server waits for the message now: each accepted recipient is deliverable, and
              // the connection is dropped without a word (no ".", RSET or QUIT)
              for (const r of pending) await report(r, 'sent', PROBE_DATA_DSN, dataReply.text, dataReply);
              pending = [];
              dropSession = true;
            } else {
              contentSent = true;
              const lineLimit = opts.lineLengthLimit ?? 998;
              const content = await outputContent(msg.content, {
                downgrade: downgrading ? opts.mimeOutput : undefined, limits: opts.mimeOutput ?? DEFAULT_MIME_LIMITS,
                rewriteHeader: opts.generic && ((h: string) => opts.generic!.header(h)),
                checks: opts.outputChecks && new HeaderBodyChecks(opts.outputChecks, req.queueId, {
                  info: (t) => opts.logger.info(opts.logService, t), warn: (t) => opts.logger.warning(opts.logService, t),
                }),
              });
              if (breaksLines(content, lineLimit)) {
                opts.logger.info(opts.logService, `${req.queueId}: breaking line > ${lineLimit} bytes with <CR><LF>SPACE`);
              }
              const bytes = dataBytes(content, lineLimit);
              if (features.has(PIX_DELAY_FEATURE)) {
                // delay_dotcrlf: the content first, then after a pause the final "." on its own
                conn.write(bytes.slice(0, -END_OF_DATA.length));
                await sleep(opts.pix?.delayMs ?? 0);
                conn.write(END_OF_DATA);
              } else {
                conn.write(bytes);
              }
              where = 'sending end of data -- message may be sent more than once';
              const done = await conn.read(limit('dot'));
              const list = pending;
              pending = [];
              if (done.code >= 200 && done.code < 300) for (const r of list) await report(r, 'sent', dsnOf(done), done.text, done, relayed(r, dsn));
              else await failAll(list, dsnOf(done), said(done, 'end of DATA'), done);
            }
          }
        }
        if (probeQuits) {
          await conn.readIgnoringFailure(limit('quit'));
        } else if (!dropSession) {
          cached = opts.reuse?.keep(req, session, now()) ?? false;
          if (!cached) await quit(conn, !probeAtRcpt && !contentSent, pipelining, limit);
        }
      } catch (err) {
        // smtp_stream_except(): the remaining recipients are deferred with where it happened.
        const local = err instanceof ChecksLookupError ? `${req.queueId}: smtp ${err.where} checks lookup error` : err instanceof LocalDataError ? err.warning : undefined;
        if (local !== undefined) opts.logger.warning(opts.logService, local);
        const text = local !== undefined
          ? `local data error while talking to ${ep.name}[${ep.addr}]`
          : (err as Error).message === 'lost connection'
          ? `lost connection with ${ep.name}[${ep.addr}] while ${where}`
          : `conversation with ${ep.name}[${ep.addr}] timed out while ${where}`;
        await failAll(pending.filter((r) => !results.some((x) => x.offset === r.offset)), local !== undefined ? LOCAL_DATA_ERROR_DSN : '4.4.2', text);
      } finally {
        if (!cached) conn.close();
      }
      return { recipients: results };
    },
  };
}
