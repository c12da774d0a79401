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
 * recipient is logged status=deliverable with the RCPT reply, a refused one undeliverable.
 * A delivered recipient's action is "relayed"; its NOTIFY=SUCCESS is dropped when the next hop
 * offers DSN (qmgr then writes no trace log entry for it).
 */
import { promises as dns } from 'node:dns';
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
import { ConnectError, SmtpConnection, type SmtpReply } from './client.ts';
import { parseNexthop } from './nexthop.ts';
import { downgradeContent } from '../../global/mime-state.ts';
import { internalize, scan } from '../../global/tok822.ts';
import {
  EHLO_MASK_8BITMIME, EHLO_MASK_AUTH, EHLO_MASK_DSN, EHLO_MASK_PIPELINING, EHLO_MASK_SILENT, EHLO_MASK_SIZE,
  EHLO_MASK_SMTPUTF8, EHLO_MASK_STARTTLS, EHLO_MASK_XFORWARD, ehloMaskText,
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
}

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
    const word = line.split(/[ \t=]/)[0].toUpperCase();
    const bit = EHLO_FEATURE_BITS[word];
    if (bit !== undefined && (discardMask & bit) === 0) out.add(word);
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

/** The parameter that limits the wait for each reply smtp(8) reads (postconf(5)). */
export const REPLY_TIMEOUT_PARAMETERS = {
  greeting: 'smtp_helo_timeout',
  helo: 'smtp_helo_timeout',
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

/** The content converted to 7 bits (mime_state with MIME_OPT_DOWNGRADE): 8-bit entities quoted-printable. */
function downgraded(content: Buffer, limits: { nestingLimit: number; boundaryLengthLimit: number; headerSizeLimit: number }): Buffer {
  let text = content.toString('latin1');
  if (text.endsWith('\n')) text = text.slice(0, -1);
  const lines = text === '' ? [] : text.split('\n');
  return Buffer.from(downgradeContent(lines, limits).map((l) => `${l}\n`).join(''), 'latin1');
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

  return {
    transport: opts.transport,
    async deliver(req: DeliveryRequest): Promise<DeliveryResult> {
      const handoff = now();
      const results: RecipientStatus[] = [];
      let connected: number | undefined;
      let relay = 'none';
      let mtaName: string | undefined;
      let connUse = 1;
      const report = (r: DeliveryRecipient, outcome: RecipientStatus['outcome'], dsn: string, text: string, reply?: SmtpReply, extra: Partial<RecipientStatus> = {}): void => {
        const status = deliveryStatusWord(req.flags, outcome);
        opts.logger.info(opts.logService, formatDeliveryLine({
          queueId: req.queueId, to: r.address, origTo: r.origTo, relay, dsn, status, text,
          times: { arrival: req.arrivalTime, active: req.activeTime, handoff, connected, done: now() },
          connUse,
        }));
        const diag = reply && mtaName ? { diagType: 'smtp', diagText: reply.text, mtaType: 'dns', mtaName } : {};
        results.push({ offset: r.offset, address: r.address, outcome, dsn, text, relay, ...diag, ...extra });
      };
      const failAll = (rcpts: DeliveryRecipient[], dsn: string, text: string, reply?: SmtpReply): void => {
        for (const r of rcpts) report(r, failureOutcome(dsn), dsn, text, reply);
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
      const hop = parseNexthop(req.nexthop);
      const ep = reused ? reused.endpoint : await resolveEndpoint(hop.host, hop.port);
      if (typeof ep === 'string') {
        failAll(req.recipients, '4.4.3', ep);
        return { recipients: results, destinationFailed: true };
      }
      const endpoint = `${ep.name}[${ep.addr}]:${ep.port}`;
      let conn: SmtpConnection;
      try {
        conn = reused ? reused.conn : await SmtpConnection.open(ep.addr, ep.port, connectTimeout);
      } catch (err) {
        const reason = err instanceof ConnectError ? err.reason : (err as Error).message;
        const text = `connect to ${endpoint}: ${reason}`;
        opts.logger.info(opts.logService, text);
        failAll(req.recipients, '4.4.1', text);
        return { recipients: results, destinationFailed: true };
      }
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
          failAll(pending, dsn, `host ${ep.name}[${ep.addr}] refused to talk to me: ${reply.text}`, reply);
          await quit(conn, false, false, limit);
          return { recipients: results, destinationFailed: true };
        };
        if (Math.floor(greeting.code / 100) !== 2) {
          // smtp_skip_5xx_greeting: a 5xx greeting is a reason to try later, not to bounce.
          const dsn = dsnOf(greeting);
          return refused(greeting, greeting.code >= 500 && handshake.skip5xxGreeting ? '4' + dsn.slice(1) : dsn);
        }
        let esmtp = greetsEsmtp(greeting);
        if (handshake.alwaysSendEhlo) esmtp = true;
        if (handshake.neverSendEhlo) esmtp = false;
        let ehlo: SmtpReply | undefined;
        if (esmtp) {
          conn.write(`EHLO ${opts.heloName}\r\n`);
          where = 'performing the EHLO handshake';
          ehlo = await conn.read(limit('helo'));
          if (ehlo.code === 421) return refused(ehlo);
          if (Math.floor(ehlo.code / 100) !== 2) esmtp = false;
        }
        if (!esmtp) {
          conn.write(`HELO ${opts.heloName}\r\n`);
          where = 'performing the HELO handshake';
          const helo = await conn.read(limit('helo'));
          if (Math.floor(helo.code / 100) !== 2) return refused(helo);
          features = new Set();
        } else {
          if (handshake.discardMask && !(handshake.discardMask & EHLO_MASK_SILENT)) {
            opts.logger.info(opts.logService, `discarding EHLO keywords: ${ehloMaskText(handshake.discardMask)}`);
          }
          features = ehloFeatures(ehlo!.lines, handshake.discardMask);
        }
        session.features = features;
        // smtp_helo(): mail that needs SMTPUTF8 (RFC 6531 section 3.2) is not sent to a server
        // without it; it fails at once, for every recipient, by this MTA's own verdict.
        if (!features.has('SMTPUTF8') && deliveryRequiresSmtputf8(msg.size.smtputf8, req, opts.smtputf8Enable ?? true)) {
          failAll(pending, SMTPUTF8_REQUIRED_DSN, `SMTPUTF8 is required, but was not offered by host ${ep.name}[${ep.addr}]`);
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
        let mail = `MAIL FROM:<${envelopeAddress(req.sender)}>`;
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
        const rcptCommands = req.recipients.map((r) => {
          let c = utf8ByteString(`RCPT TO:<${envelopeAddress(r.address)}>`);
          const orcpt = dsn ? orcptParam(r) : undefined;
          if (orcpt) c += ` ORCPT=${orcpt}`;
          if (dsn && r.dsnNotify) c += ` NOTIFY=${dsnNotifyWords(r.dsnNotify).join(',')}`;
          return c;
        });
        const pipelining = features.has('PIPELINING');
        const verifyOnly = (req.flags & DEL_REQ_FLAG_USR_VRFY) !== 0;
        const accepted: DeliveryRecipient[] = [];
        const lastRcpt = new Map<number, SmtpReply>();
        let contentSent = false;
        // A probe pipelines its RSET, and its QUIT when the session will not be cached, with MAIL
        // and RCPT (smtp_proto.c sends ahead everything it does not have to wait for).
        const probeQuits = verifyOnly && pipelining && !(opts.reuse?.wouldKeep(req, session, now()) ?? false);
        const probeEnd = verifyOnly ? ['RSET', ...(probeQuits ? ['QUIT'] : [])] : ['DATA'];
        if (pipelining) conn.write([mail, ...rcptCommands, ...probeEnd].map((c) => c + '\r\n').join(''));
        else conn.write(mail + '\r\n');
        where = 'sending MAIL FROM';
        const mailReply = await conn.read(limit('mail'));
        if (mailReply.code !== 250) {
          failAll(pending, dsnOf(mailReply), said(mailReply, 'MAIL FROM'), mailReply);
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
          else report(r, failureOutcome(dsnOf(rr)), dsnOf(rr), said(rr, 'RCPT TO'), rr);
        }
        pending = accepted;
        if (verifyOnly) {
          // sendmail -bv: an accepted RCPT is the answer; no DATA, RSET ends the transaction.
          for (const r of pending) report(r, 'sent', dsnOf(lastRcpt.get(r.offset)!), lastRcpt.get(r.offset)!.text, lastRcpt.get(r.offset));
          pending = [];
          if (!pipelining) conn.write('RSET\r\n');
          where = 'sending RSET';
          await conn.read(limit('rset'));
        }
        if (!verifyOnly && !pipelining && pending.length > 0) conn.write('DATA\r\n');
        if (!verifyOnly && (pipelining || pending.length > 0)) {
          where = 'sending DATA command';
          const dataReply = await conn.read(limit('data'));
          if (pending.length > 0) {
            if (dataReply.code !== 354) {
              failAll(pending, dsnOf(dataReply), said(dataReply, 'DATA'), dataReply);
              pending = [];
            } else {
              contentSent = true;
              const lineLimit = opts.lineLengthLimit ?? 998;
              const content = downgrading && opts.mimeOutput ? downgraded(msg.content, opts.mimeOutput) : msg.content;
              if (breaksLines(content, lineLimit)) {
                opts.logger.info(opts.logService, `${req.queueId}: breaking line > ${lineLimit} bytes with <CR><LF>SPACE`);
              }
              conn.write(dataBytes(content, lineLimit));
              where = 'sending end of data -- message may be sent more than once';
              const done = await conn.read(limit('dot'));
              const list = pending;
              pending = [];
              if (done.code >= 200 && done.code < 300) for (const r of list) report(r, 'sent', dsnOf(done), done.text, done, relayed(r, dsn));
              else failAll(list, dsnOf(done), said(done, 'end of DATA'), done);
            }
          }
        }
        if (probeQuits) {
          await conn.readIgnoringFailure(limit('quit'));
        } else {
          cached = opts.reuse?.keep(req, session, now()) ?? false;
          if (!cached) await quit(conn, !verifyOnly && !contentSent, pipelining, limit);
        }
      } catch (err) {
        // smtp_stream_except(): the remaining recipients are deferred with where it happened.
        const text = (err as Error).message === 'lost connection'
          ? `lost connection with ${ep.name}[${ep.addr}] while ${where}`
          : `conversation with ${ep.name}[${ep.addr}] timed out while ${where}`;
        failAll(pending.filter((r) => !results.some((x) => x.offset === r.offset)), '4.4.2', text);
      } finally {
        if (!cached) conn.close();
      }
      return { recipients: results };
    },
  };
}
