/**
 * cleanup: the reference cleanup(8) service. Every new message enters the queue here.
 *
 * Requests served: CleanupClient (../contracts.ts). open() allocates the queue ID by creating
 * the queue file in incoming/ (mode 0600) — smtpd logs "QID: client=..." with it before the
 * content arrives — and returns a CleanupMessage, a stream as Postfix's cleanup connection is:
 * begin() takes the envelope, write() the content as it arrives (content-stream.ts reads each
 * header as soon as it is complete and the header block as soon as it ends, logging as it
 * goes), end() finishes the file and answers; abort() — the client gave up — lets what was
 * written be read, so its log lines stay as in Postfix, then removes the file. submit() is
 * begin, write and end at once (or abort, for a request marked abandon: bounce's cancelled
 * notice). Callers: smtpd (every accepted message, streamed), local (alias/.forward
 * re-injection, source "local-forward"), bounce (DSNs), pickup/sendmail.
 *
 * Flow, following cleanup_envelope.c / cleanup_message.c / cleanup_final.c:
 *   1. envelope: C placeholder, T (arrival), A create_time, [A log_ident], A rewrite_context,
 *      [F], S — the sender rewritten by trivial-rewrite in the local context and mapped by
 *      sender_canonical_maps/canonical_maps — then the caller's attributes in order;
 *      then V, the VERP delimiters of smtpd's XVERP or sendmail -V, for a non-null sender
 *      and delimiters verp_delimiter_filter allows (else a warning);
 *   2. W (delay warning time) before the first recipient, when delay_warning_time > 0 and the
 *      sender is not null;
 *   3. per recipient: rewrite, recipient_canonical_maps/canonical_maps, virtual_alias_maps
 *      (recursive), duplicate suppression (duplicate_filter_limit; keys case-folded); the sender_bcc_maps,
 *      recipient_bcc_maps and always_bcc recipients of mail from outside join them (always_bcc
 *      last, where Postfix writes it after the content: qmgr sorts recipients anyway); each
 *      result as [A notify_flags] A dsn_orig_rcpt O R;
 *   4. M, then the content, read while it arrives (content-stream.ts): the primary header
 *      block read as Postfix's MIME reader does
 *      (header-block.ts: records of line_length_limit bytes, each cut at a NUL byte, "Name :"
 *      normalised, at most header_size_limit bytes per header); a message with hopcount_limit
 *      Received: headers is refused (CLEANUP_STAT_HOPS, "too many hops");
 *      addresses in From/To/Cc/... headers rewritten in the header
 *      rewrite context (header-addresses.ts), Return-Path & co. dropped (message_drop_headers), missing
 *      Message-Id/Date/From appended after the headers when there is a header rewrite context
 *      (local; remote only with remote_header_rewrite_domain) or always_add_missing_headers;
 *      "QID: message-id=<...>" logged; lines over line_length_limit split into L + N records;
 *      mail from smtpd and pickup is read as MIME (global/mime-state.ts: part headers, body parts,
 *      the strict_* checks, mime_nesting_limit) and goes through content-checks.ts (message_strip_characters,
 *      message_reject_characters; each complete header through header_checks, then its
 *      addresses rewritten, then the header pass; body_checks per body line): a REJECT refuses it (CLEANUP_STAT_CONT, or DEFER
 *      for a 4.x.x text), DISCARD removes the file and answers OK, HOLD moves it to hold/;
 *   5. X, E; the C record filled in (its SMTPUTF8 flags: the client's request, a UTF-8 sender,
 *      an 8-bit header written, of the message or of a MIME part; the last two only with
 *      smtputf8_enable; with the client's autodetect flag, UTF-8 found in the sender, a
 *      recipient or a header requests SMTPUTF8 too); fsync; mode 0700 —
 *      then qmgr is woken;
 *   6. a message refused for too many hops, from a client that asks cleanup to return such
 *      mail itself (CLEANUP_FLAG_BOUNCE: pickup, local forwarding), is written whole but not
 *      made ready; each recipient is logged "status=bounced" and put in the bounce log,
 *      bounce(8) returns the message to its sender, the file is removed, and the client is
 *      answered OK (cleanup_bounce.c).
 * The Received: header is written by the caller (smtpd, local, bounce, pickup), as in Postfix.
 *
 * Differs from Postfix:
 *   - only the hop-count refusal is returned by cleanup itself under CLEANUP_FLAG_BOUNCE; a
 *     header/body check or size refusal is still answered to the client;
 *   - addresses are stored in external (quoted) form: sender `<bad` becomes S `"<bad"@domain`,
 *     where Postfix stores the internal form `<bad@domain` and quotes only in log lines; logs
 *     match, only `postcat` of the queue file shows it;
 *   - smtpd hands cleanup the envelope when the content begins (DATA, first BDAT chunk), not
 *     record by record at MAIL and RCPT: a transaction dropped before its content leaves no
 *     line of cleanup's (Postfix's cleanup would already have logged, e.g., a map failure of a
 *     recipient);
 *   - while master throttles trivial-rewrite, submit() answers WRITE with "4.3.0 Error:
 *     trivial-rewrite service unavailable" at once instead of waiting (pickup then keeps the
 *     file; proxymap/unapproved-table-refused).
 */
import { badVerpRequestWarning, verpDelimitersProblem } from '../../global/verp.ts';
import type { CleanupClient, CleanupEnvelope, CleanupReply, CleanupRequest, CleanupSource, Logger, TrivialRewriteClient } from '../contracts.ts';
import { MODE_WRITING, QueueFileWriter, readQueueFile } from '../../queue/queue-file.ts';
import type { QueueLayout } from '../../queue/layout.ts';
import type { QueueClock } from '../../queue/queue-id.ts';
import { REC } from '../../queue/records.ts';
import { referenceTables, type OpenTable } from '../../global/maps.ts';
import { AddressMaps, AliasExpansionError, MapLookupProblem } from './address-maps.ts';
import { headerName, HeaderPass, splitHeaders } from './headers.ts';
import { ContentStream, HOPS_REASON, MessageRefused, type ContentPart, type ContentSetup, type ReadContent } from './content-stream.ts';
import { ContentChecks } from './content-checks.ts';
import { declares8bitEncoding, mimeErrorDetail, MimeState } from '../../global/mime-state.ts';
import { unescape } from '../../global/unescape.ts';
import { rewriteHeaderAddresses } from './header-addresses.ts';
import { ServiceUnavailable } from '../master/supervise.ts';
import { CLEANUP_STAT } from '../../global/cleanup-user.ts';
import { MAIL_ATTR_ENC_8BIT, MAIL_ATTR_ENCODING, SMTPUTF8_FLAG_HEADER, SMTPUTF8_FLAG_REQUESTED, SMTPUTF8_FLAG_SENDER } from '../../global/mail-proto.ts';
import { formatDeliveryLine } from '../../global/log-adhoc.ts';
import { casefold } from '../../global/case-fold.ts';
import { splitDsn } from '../../global/dsn-split.ts';
import type { BounceService } from '../bounce/bounce.ts';
import type { LogRecipient } from '../bounce/logfile.ts';
import { allAscii } from '../../global/allascii.ts';
import { VSTREAM_BUFSIZE } from '../../global/vstream.ts';

/** The main.cf view cleanup needs (reference/config MainConfig satisfies it). */
export interface CleanupParams {
  get(name: string): string;
  bool(name: string): boolean;
  int(name: string): number;
  time(name: string): number;
  list(name: string): string[];
}


export interface CleanupDeps {
  config: CleanupParams;
  layout: QueueLayout;
  rewrite: TrivialRewriteClient;
  logger: Logger;
  openTable?: OpenTable;
  /** Wall clock in ms (arrival and create times). */
  clock?: () => number;
  /** Queue-ID time source (see queue-id.ts). */
  queueClock?: QueueClock;
  /** Called after a message is safely queued (cleanup's trigger of qmgr). */
  wakeQmgr?: () => void;
  /**
   * bounce(8), for the mail a client asks cleanup to return itself when it is refused
   * (CLEANUP_FLAG_BOUNCE); a function because bounce(8) submits its notices through cleanup.
   */
  bounce?: () => Bouncer;
}

/** What cleanup asks of bounce(8) for the mail it returns itself. */
type Bouncer = Pick<BounceService, 'append' | 'notify'>;

const SERVICE = 'cleanup';
/** The reason of a CLEANUP_STAT_WRITE answer; smtpd turns it into "451 4.3.0 Error: queue file write error". */
const WRITE_ERROR = '4.3.0 Error: queue file write error';

export function createCleanup(deps: CleanupDeps): CleanupClient {
  const cfg = deps.config;
  const clock = deps.clock ?? Date.now;
  const maps = new AddressMaps({
    get: (n) => cfg.get(n), list: (n) => cfg.list(n), int: (n) => cfg.int(n), utf8: cfg.bool('smtputf8_enable'),
    openTable: deps.openTable ?? referenceTables(), rewrite: deps.rewrite,
    warn: (t) => deps.logger.warning(SERVICE, t),
  });

  return {
    async open(source: CleanupSource) {
      const writer = await QueueFileWriter.create(deps.layout, 'incoming', {
        clock: deps.queueClock, longQueueIds: cfg.bool('enable_long_queue_ids'),
      });
      let message: { envelope: Promise<Envelope>; content: ContentStream } | undefined;
      let ended = false;
      const begin = (env: CleanupEnvelope): void => {
        if (message || ended) throw new Error(`cleanup: ${writer.queueId} already begun`);
        const req = { ...env, source: env.source ?? source };
        const envelope = writeEnvelope(writer, req);
        // The content waits for the envelope; a failed envelope fails it too (reported by end()).
        const setup = envelope.then((e) => e.setup);
        setup.catch(() => undefined);
        message = { envelope, content: new ContentStream(setup, contentOptions()) };
      };
      const end = async (): Promise<CleanupReply> => {
        if (!message || ended) throw new Error(`cleanup: ${writer.queueId} not begun or already ended`);
        ended = true;
        try {
          const fate = await finishMessage(writer, await message.envelope, await message.content.end());
          if (fate === 'discarded' || fate === 'bounced') await writer.abort();
          else if (fate === 'held') await deps.layout.move(writer.queueId, 'incoming', 'hold');
          else deps.wakeQmgr?.();
          return { status: CLEANUP_STAT.OK, queueId: writer.queueId };
        } catch (err) {
          await writer.abort();
          return failureReply(writer.queueId, err);
        }
      };
      const abort = async (): Promise<void> => {
        ended = true;
        // What was handed over is read first: its log lines stay, as Postfix's cleanup writes
        // them before it meets the end of its input.
        if (message) {
          const env = await message.envelope.catch(() => undefined);
          await message.content.settle();
          env?.out.close();
        }
        await writer.abort();
      };
      return {
        queueId: writer.queueId,
        begin,
        write: (bytes: Buffer) => {
          if (!message || ended) throw new Error(`cleanup: ${writer.queueId} content outside a message`);
          message.content.write(bytes);
        },
        pace: () => message?.content.pace(),
        end,
        abort,
        submit: async (req: CleanupRequest): Promise<CleanupReply> => {
          const { content, ...env } = req;
          begin(env);
          message!.content.write(content);
          if (!req.flags?.abandon) return end();
          // The client gives up after the content: cleanup has read it, logging as usual.
          await abort();
          return { status: CLEANUP_STAT.OK, queueId: writer.queueId };
        },
      };
    },
  };

  /** The answer for a message that could not be queued: a refusal, or a fault. */
  function failureReply(queueId: string, err: unknown): CleanupReply {
    if (err instanceof MessageRefused) return { status: err.status, queueId, reason: err.message };
    if (err instanceof AliasExpansionError) return { status: CLEANUP_STAT.DEFER, queueId, reason: err.message };
    // A table failed; address-maps.ts logged it as Postfix's cleanup does.
    if (err instanceof MapLookupProblem) return { status: CLEANUP_STAT.WRITE, queueId, reason: WRITE_ERROR };
    // trivial-rewrite throttled by master: Postfix's cleanup would wait for it without a
    // word; here the caller gets a temporary error and keeps the message (pickup: in maildrop/).
    if (err instanceof ServiceUnavailable) {
      return { status: CLEANUP_STAT.WRITE, queueId, reason: `4.3.0 Error: ${err.service} service unavailable` };
    }
    deps.logger.warning(SERVICE, `${queueId}: ${(err as Error).message}`);
    return { status: CLEANUP_STAT.WRITE, queueId, reason: WRITE_ERROR };
  }

  function contentOptions() {
    return {
      lineLengthLimit: cfg.int('line_length_limit'), headerSizeLimit: cfg.int('header_size_limit'),
      replaceStrayCr: cfg.bool('cleanup_replace_stray_cr_lf'),
    };
  }

  /**
   * The V record (cleanup_envelope.c): VERP delimiters are kept for a non-null sender when
   * verp_delimiter_filter allows them; otherwise the request is ignored with a warning.
   */
  function writeVerp(w: QueueFileWriter, delims: string, sender: string): void {
    if (!sender) deps.logger.warning(SERVICE, `${w.queueId}: ignoring VERP request for null sender`);
    else if (verpDelimitersProblem(delims, cfg.get('verp_delimiter_filter'))) deps.logger.warning(SERVICE, badVerpRequestWarning(w.queueId, delims));
    else w.add(REC.VERP, delims);
  }

  /**
   * cleanup_message(): the MIME reader of mail from outside, with the reports the strict_*
   * settings ask for (none with disable_mime_input_processing); nesting is reported when any
   * of those or a header check is configured. Its errors are logged as they are found.
   */
  function mimeReader(checks: ContentChecks): MimeState {
    const disable = cfg.bool('disable_mime_input_processing');
    const strict8bit = cfg.bool('strict_8bitmime');
    const header8bit = !disable && (strict8bit || cfg.bool('strict_7bit_headers'));
    const body8bit = !disable && (strict8bit || cfg.bool('strict_8bitmime_body'));
    const domain = !disable && cfg.bool('strict_mime_encoding_domain');
    const headerChecks = ['header_checks', 'mime_header_checks', 'nested_header_checks'].some((p) => cfg.get(p) !== '');
    return new MimeState({
      disable, report8BitInHeader: header8bit, report8BitIn7BitBody: body8bit, reportEncodingDomain: domain,
      reportNesting: !disable && (header8bit || body8bit || domain || headerChecks),
      nestingLimit: cfg.int('mime_nesting_limit'), boundaryLengthLimit: cfg.int('mime_boundary_length_limit'),
      headerSizeLimit: cfg.int('header_size_limit'),
      onError: (code, text) => checks.logMimeError(mimeErrorDetail(code).text, text),
    });
  }

  /** Write the envelope records up to M; what the content is then read with. */
  async function writeEnvelope(w: QueueFileWriter, req: CleanupEnvelope & { source: CleanupSource }): Promise<Envelope> {
    const id = w.queueId;
    const arrivalMs = req.arrivalTime ?? clock();
    const arrivalSec = Math.floor(arrivalMs / 1000);
    const createSec = Math.floor(clock() / 1000);
    const attrs = { ...(req.attributes ?? {}) };
    const context = (attrs.rewrite_context as 'local' | 'remote' | undefined)
      ?? (req.source === 'smtpd' ? 'remote' : 'local');
    delete attrs.rewrite_context;
    delete attrs.create_time;
    const logIdent = attrs.log_ident ?? (req.source === 'smtpd' ? id : undefined);
    delete attrs.log_ident;
    const fullName = attrs.sender_fullname;
    delete attrs.sender_fullname;

    w.addSizePlaceholder();
    w.add(REC.TIME, `${arrivalSec} ${(arrivalMs % 1000) * 1000}`);
    w.add(REC.ATTR, `create_time=${createSec}`);
    if (logIdent) w.add(REC.ATTR, `log_ident=${logIdent}`);
    if (req.source !== 'local-forward' && req.source !== 'bounce') w.add(REC.ATTR, `rewrite_context=${context}`);
    if (fullName) w.add(REC.FULL, fullName);
    let sender = req.sender;
    // Envelope addresses are always rewritten in the local context (cleanup_addr.c); the
    // request's context decides only how header addresses are rewritten.
    if (sender) sender = await maps.canonical(id, 'sender', (await deps.rewrite.rewrite('local', sender)).address);
    // The AUTH= sender and DSN envelope attributes come before the sender record, where smtpd sends them.
    for (const name of ATTRS_BEFORE_SENDER) {
      if (attrs[name] !== undefined) w.add(REC.ATTR, `${name}=${attrs[name]}`);
      delete attrs[name];
    }
    w.add(REC.FROM, sender);
    for (const [name, value] of Object.entries(attrs)) w.add(REC.ATTR, `${name}=${value}`);
    if (req.verpDelimiters !== undefined) writeVerp(w, req.verpDelimiters, sender);

    const warnTime = cfg.time('delay_warning_time');
    if (warnTime > 0 && sender && req.recipients.length > 0) {
      w.add(REC.WARN, String(arrivalSec + warnTime).padStart(15, ' '));
    }

    const seen = new Set<string>();
    const dupLimit = cfg.int('duplicate_filter_limit');
    let lastRecipient: string | undefined;
    const useOrcpt = cfg.bool('enable_original_recipient');
    const utf8 = cfg.bool('smtputf8_enable');
    /** A recipient (or BCC) address after canonical mapping was UTF-8 (cleanup_addr_recipient()'s autodetection). */
    let utf8Recipient = false;
    let nrcpt = 0;
    let notifyAny = 0;
    /** The recipients as written, for a bounce by cleanup itself. */
    const written: LogRecipient[] = [];
    /** One envelope recipient after rewriting and canonical mapping: virtual aliases, duplicates, records (cleanup_out_recipient). */
    const output = async (addr: string, orig: string, dsnOrcpt: string | undefined, notify: number): Promise<void> => {
      const expanded = req.flags?.virtualAliasExpansion === false ? [addr] : await maps.virtual(id, addr);
      for (const rcpt of expanded) {
        // The duplicate filter compares case-folded keys (been_here_init(..., BH_FLAG_FOLD)):
        // rza@SINK.TEST after rza@sink.test is the same recipient.
        const key = casefold(useOrcpt ? `${dsnOrcpt ?? ''}\n${notify}\n${orig}\n${rcpt}` : rcpt, utf8);
        if (seen.has(key)) continue;
        // duplicate_filter_limit: how many recipients are remembered (0: no limit).
        if (dupLimit <= 0 || seen.size < dupLimit) seen.add(key);
        if (notify) w.add(REC.ATTR, `notify_flags=${notify}`);
        notifyAny |= notify;
        if (dsnOrcpt) w.add(REC.ATTR, `dsn_orig_rcpt=${dsnOrcpt}`);
        if (useOrcpt) w.add(REC.ORCP, orig);
        written.push({ address: rcpt, origTo: useOrcpt ? orig : undefined, offset: w.add(REC.RCPT, rcpt), dsnOrcpt, dsnNotify: notify });
        nrcpt++;
      }
    };
    // sender_bcc_maps, recipient_bcc_maps and always_bcc add recipients to mail from outside
    // (Postfix's CLEANUP_FLAG_BCC_OK): rewritten and mapped like any recipient, without DSN
    // notification flags or original recipient (cleanup_addr_bcc()).
    const bccOk = EXTERNAL_SOURCES.has(req.source);
    const addBcc = async (bcc: string): Promise<void> => {
      const addr = await maps.canonical(id, 'recipient', (await deps.rewrite.rewrite('local', bcc)).address);
      utf8Recipient ||= !allAscii(addr);
      await output(addr, addr, undefined, 0);
    };
    if (bccOk && sender) {
      const bcc = await maps.lookupValue(id, 'sender_bcc_maps', sender);
      if (bcc !== undefined) await addBcc(bcc);
    }
    for (const r of req.recipients) {
      let addr = (await deps.rewrite.rewrite('local', r.address)).address;
      addr = await maps.canonical(id, 'recipient', addr);
      utf8Recipient ||= !allAscii(addr);
      lastRecipient = addr;
      await output(addr, r.origTo ?? r.address, r.dsnOrcpt ?? `rfc822;${addr}`, r.dsnNotify ?? 0);
      if (bccOk && addr) {
        const bcc = await maps.lookupValue(id, 'recipient_bcc_maps', addr);
        if (bcc !== undefined) await addBcc(bcc);
      }
    }
    const alwaysBcc = cfg.get('always_bcc');
    if (bccOk && alwaysBcc && lastRecipient !== undefined) await addBcc(alwaysBcc);

    w.add(REC.MESG);
    const dataOffset = w.offset;
    const hdrContext = context === 'local' || cfg.get('remote_header_rewrite_domain') !== '';
    // Content inspection applies to mail from outside only (Postfix's CLEANUP_FLAG_FILTER).
    const checks = EXTERNAL_SOURCES.has(req.source) ? new ContentChecks({
      headerChecks: cfg.list('header_checks'), bodyChecks: cfg.list('body_checks'),
      mimeHeaderChecks: cfg.list('mime_header_checks'), nestedHeaderChecks: cfg.list('nested_header_checks'),
      bodyChecksSizeLimit: cfg.int('body_checks_size_limit'),
      rejectCharacters: unescape(cfg.get('message_reject_characters')), stripCharacters: unescape(cfg.get('message_strip_characters')),
      openTable: deps.openTable ?? referenceTables(), utf8: cfg.bool('smtputf8_enable'),
      info: (t) => deps.logger.info(SERVICE, t), warn: (t) => deps.logger.warning(SERVICE, t),
    }, {
      queueId: id, origin: req.attributes?.log_message_origin ?? 'unknown', sender, recipient: lastRecipient,
      proto: req.attributes?.log_protocol_name, helo: req.attributes?.log_helo_name,
    }) : undefined;
    const pass = new HeaderPass({
      queueId: id, sender, fullName, headerFromFormat: cfg.get('header_from_format'), arrivalSec, createSec,
      myhostname: cfg.get('myhostname'), longQueueIds: cfg.bool('enable_long_queue_ids'),
      addMissing: hdrContext || cfg.bool('always_add_missing_headers'),
      dropHeaders: cfg.list('message_drop_headers'),
      undisclosedRecipientsHeader: cfg.get('undisclosed_recipients_header'),
      headerSizeLimit: cfg.int('header_size_limit'), hopcountLimit: cfg.int('hopcount_limit'), stopAtError: req.source === 'smtpd',
      log: (t) => deps.logger.info(SERVICE, t),
      warn: (t) => deps.logger.warning(SERVICE, t),
    });
    const rewriteHeaders = hdrContext
      ? (lines: string[]) => rewriteHeaderAddresses(lines, async (a, kind) => maps.canonical(id, kind, (await deps.rewrite.rewrite(context, a)).address, 'header'),
        cfg.int('header_address_token_limit'))
      : undefined;
    const inspect = checks?.configured ? checks : undefined;
    const out = new ContentOutput(w, cfg.int('line_length_limit'), cfg.int('message_size_limit'),
      () => deps.logger.warning(SERVICE, `${id}: queue file size limit exceeded`),
      () => deps.logger.warning(SERVICE, 'mail_stream_cleanup: close error'));
    const mime = checks ? mimeReader(checks) : undefined;
    // With CLEANUP_FLAG_BOUNCE (cleanup_api.c: only an incomplete file stops it) a message with
    // too many hops is read whole and then returned to its sender.
    const bouncer = req.flags?.bounceOnError ? deps.bounce?.() : undefined;
    return {
      dataOffset, nrcpt, notifyAny, attributes: req.attributes, smtputf8: envelopeSmtputf8({
        requested: req.flags?.smtputf8 === true, autodetect: req.flags?.autoSmtputf8 === true, sender, utf8Recipient, smtputf8Enable: utf8,
      }),
      smtputf8Enable: utf8, autodetectSmtputf8: req.flags?.autoSmtputf8 === true,
      arrivalMs, written, bouncer,
      out,
      setup: {
        pass, inspect, rewriteHeaders, keepTooManyHops: bouncer !== undefined, output: (line, part) => out.line(line, part),
        mime, detect8bitHeader: cfg.bool('detect_8bit_encoding_header'),
      },
    };
  }

  /**
   * Write the content and the end of the queue file; what became of the message: queued for
   * qmgr, held, discarded by a content check, or refused and returned to its sender by cleanup
   * itself.
   */
  async function finishMessage(w: QueueFileWriter, env: Envelope, content: ReadContent): Promise<'queued' | 'held' | 'discarded' | 'bounced'> {
    if (content.discarded) return 'discarded';
    // The content went to the file as it was read (ContentOutput); the extracted segment ends it.
    const xtra = w.offset;
    env.out.record(REC.XTRA);
    // The content's encoding, as the envelope gave it or a header declared it, opens the extracted segment (cleanup_extracted.c).
    const detected = cfg.bool('detect_8bit_encoding_header') && (declares8bit(content.headers) || content.partDeclares8bit);
    const encoding = detected ? MAIL_ATTR_ENC_8BIT : env.attributes?.[MAIL_ATTR_ENCODING];
    if (encoding !== undefined) env.out.record(REC.ATTR, `${MAIL_ATTR_ENCODING}=${encoding}`);
    env.out.record(REC.END);
    if (!env.out.finish()) {
      env.out.close();
      throw new MessageRefused(CLEANUP_STAT.SIZE, 'message file too big');
    }
    const size = xtra - env.dataOffset;
    const sizeRecord = {
      messageSize: size, dataOffset: env.dataOffset, recipientCount: env.nrcpt, qmgrFlags: qmgrFlagsFromDsn(env.notifyAny),
      contentLength: size,
      smtputf8: env.smtputf8 | headerSmtputf8(env, content),
    };
    if (content.tooManyHops && env.bouncer) {
      await w.finish(sizeRecord, MODE_WRITING); // complete, but never for qmgr
      await bounceRefused(env.bouncer, w, new MessageRefused(CLEANUP_STAT.HOPS, HOPS_REASON), env.written, env.arrivalMs);
      return 'bounced';
    }
    await w.finish(sizeRecord);
    return env.setup.inspect?.verdict.hold ? 'held' : 'queued';
  }

  /**
   * cleanup_bounce(): every recipient of a refused message gets a bounce log entry with the
   * refusal's status and text (logged "status=bounced" by cleanup, relay=none), and bounce(8)
   * returns the message, read from the incoming file, to its sender.
   */
  async function bounceRefused(bounce: Bouncer, w: QueueFileWriter, refused: MessageRefused, recipients: LogRecipient[], arrivalMs: number): Promise<void> {
    const { dsn, text } = splitDsn(refused.message, '5.0.0');
    for (const r of recipients) {
      deps.logger.info(SERVICE, formatDeliveryLine({
        queueId: w.queueId, to: r.address, origTo: r.origTo, relay: 'none', dsn, status: 'bounced', text,
        times: { arrival: arrivalMs, done: clock() },
      }));
      await bounce.append('bounce', w.queueId, r, { status: dsn, action: 'failed', reason: text });
    }
    const msg = await readQueueFile(w.path);
    // cleanup_bounce.c: a VERP message's recipients get a notice each, unless disable_verp_bounces
    const verp = cfg.bool('disable_verp_bounces') ? undefined : msg.records.find((r) => r.type === REC.VERP)?.data.toString('latin1');
    await bounce.notify(w.queueId, msg, 'bounce', verp);
  }
}

/** A message whose envelope is written: what its content is read with and its end needs. */
interface Envelope {
  /** Offset of the content, after the M record. */
  dataOffset: number;
  nrcpt: number;
  /** Every recipient's DSN NOTIFY bits together. */
  notifyAny: number;
  attributes?: Record<string, string>;
  /** The size record's SMTPUTF8 flags known from the envelope (REQUESTED, SENDER). */
  smtputf8: number;
  smtputf8Enable: boolean;
  /** CLEANUP_FLAG_AUTOUTF8: an 8-bit header requests SMTPUTF8 too. */
  autodetectSmtputf8: boolean;
  arrivalMs: number;
  /** The recipients as written (for a message cleanup returns itself). */
  written: LogRecipient[];
  /** bounce(8), when the client asked cleanup to return refused mail itself. */
  bouncer?: Bouncer;
  /** The queue file's content records, written as the content is read. */
  out: ContentOutput;
  setup: ContentSetup;
}

/**
 * The records of one message after the envelope, written to its queue file as the content is
 * read (cleanup_out.c): a line longer than line_length_limit as CONT records and a NORM for
 * its rest. message_size_limit caps the whole file, as Postfix's file size limit (setrlimit)
 * does on cleanup's queue file stream, which writes through a VSTREAM_BUFSIZE buffer:
 *  - when a full buffer goes out past the limit the write fails (EFBIG): "QID: queue file size
 *    limit exceeded" is logged then and nothing more is written;
 *  - at the end of the message the last buffer goes out: past the limit, the same warning;
 *    either way the message is refused (CLEANUP_STAT_SIZE, "message file too big");
 *  - a file not kept (refused, or the client gave up: smtpd dropped the transaction) is closed
 *    by mail_stream_cleanup(), which writes the last buffer and warns "close error" when the
 *    stream failed before or that buffer passes the limit.
 */
class ContentOutput {
  exceeded = false;
  /** How far the stream's buffer has gone out to the file (a multiple of VSTREAM_BUFSIZE). */
  private flushedTo = 0;

  constructor(
    private readonly w: QueueFileWriter,
    private readonly lineLengthLimit: number,
    private readonly messageSizeLimit: number,
    private readonly warnExceeded: () => void,
    private readonly warnClose: () => void,
  ) {}

  line(text: string, part: ContentPart): void {
    if (this.exceeded) return;
    writeLine(this.w, Buffer.from(text, 'latin1'), this.lineLengthLimit, part);
    this.check();
  }

  record(type: string, data?: string): void {
    if (this.exceeded) return;
    this.w.add(type, data);
    this.check();
  }

  /** The end of the message: the last buffer goes out; true when the file stayed within the limit. */
  finish(): boolean {
    if (!this.exceeded && this.pastLimit(this.w.offset)) this.exceed();
    return !this.exceeded;
  }

  /**
   * The queue file is closed without being kept (the client gave up, or the message was
   * refused): mail_stream_cleanup() writes the last buffer and fails on a stream that already
   * failed or whose last buffer passes the limit.
   */
  close(): void {
    if (this.exceeded || this.pastLimit(this.w.offset)) this.warnClose();
  }

  /** Each time the stream's buffer fills it goes out; past the limit that write fails. */
  private check(): void {
    while (!this.exceeded && this.flushedTo + VSTREAM_BUFSIZE <= this.w.offset) {
      this.flushedTo += VSTREAM_BUFSIZE;
      if (this.pastLimit(this.flushedTo)) this.exceed();
    }
  }

  private pastLimit(fileSize: number): boolean {
    return this.messageSizeLimit > 0 && fileSize > this.messageSizeLimit;
  }

  private exceed(): void {
    this.exceeded = true;
    this.warnExceeded();
  }
}

/** What the envelope's SMTPUTF8 flags depend on. */
export interface EnvelopeUtf8 {
  /** The client asked for SMTPUTF8 (CLEANUP_FLAG_SMTPUTF8: MAIL FROM's SMTPUTF8). */
  requested: boolean;
  /** CLEANUP_FLAG_AUTOUTF8: request it when UTF-8 is found (smtputf8_autodetect_classes). */
  autodetect: boolean;
  sender: string;
  /** A recipient after canonical mapping is UTF-8. */
  utf8Recipient: boolean;
  smtputf8Enable: boolean;
}

/**
 * The SMTPUTF8 flags of the envelope (smtputf8.h), as cleanup keeps them in the size record:
 * REQUESTED when the client asked for SMTPUTF8, or with autodetection when the sender or a
 * recipient is UTF-8; SENDER when the sender is UTF-8 (cleanup_addr_sender(),
 * cleanup_addr_recipient()); all only with smtputf8_enable. An address here is text decoded
 * from UTF-8, so one that is not ASCII is valid UTF-8 (Postfix's valid_utf8_string() test).
 * qmgr, smtp(8) and bounce(8) read them: smtp refuses a peer without SMTPUTF8 when REQUESTED
 * comes with another flag; a notice types a non-ASCII address "utf-8" whenever any flag is set.
 */
export function envelopeSmtputf8(e: EnvelopeUtf8): number {
  const utf8Sender = e.smtputf8Enable && !allAscii(e.sender);
  const detected = e.autodetect && e.smtputf8Enable && (utf8Sender || e.utf8Recipient);
  return (e.requested || detected ? SMTPUTF8_FLAG_REQUESTED : 0) | (utf8Sender ? SMTPUTF8_FLAG_SENDER : 0);
}

/**
 * cleanup_out_header(): a header with 8-bit text written, of the primary block or of a MIME part,
 * adds SMTPUTF8_FLAG_HEADER (smtputf8_enable = yes), and with autodetection REQUESTED too.
 */
function headerSmtputf8(env: Envelope, content: ReadContent): number {
  const eightBit = env.setup.pass.eightBitOutput || content.partHeader8bit;
  if (!env.smtputf8Enable || !eightBit) return 0;
  return SMTPUTF8_FLAG_HEADER | (env.autodetectSmtputf8 ? SMTPUTF8_FLAG_REQUESTED : 0);
}

/**
 * Does a Content-Transfer-Encoding header of the primary header block say 8bit or binary
 * (mime-state.ts declares8bitEncoding())? Postfix's cleanup_header_callback() then, with
 * detect_8bit_encoding_header, sets the message's encoding to 8bit, which smtp(8) passes on as
 * BODY=8BITMIME; the headers of MIME parts count too (content-stream.ts, for mail from outside).
 */
function declares8bit(lines: string[]): boolean {
  return splitHeaders(lines).headers.some((h) => declares8bitEncoding(h.join('\n')));
}

/** The callers whose mail is inspected: header_checks, body_checks and the character lists apply (CLEANUP_FLAG_FILTER). */
const EXTERNAL_SOURCES = new Set<string>(['smtpd', 'pickup', 'sendmail']);

/** MAIL_ATTR_SASL_SENDER, MAIL_ATTR_DSN_ENVID and MAIL_ATTR_DSN_RET: written before the sender record. */
const ATTRS_BEFORE_SENDER = ['sasl_sender', 'envelope_id', 'ret_flags'] as const;

/** QMGR_READ_FLAG_FROM_DSN(): the size record's qmgr flags carry every recipient's NOTIFY bits, shifted by one. */
const qmgrFlagsFromDsn = (notify: number): number => notify << 1;

/**
 * One content line: L records of `limit` bytes, then the rest as N. A header is written whole
 * and cut only when longer than the limit (cleanup_out_header()); a body line keeps the records
 * its sender made (cleanup_body_callback()), and every sender cuts a line at exactly `limit`
 * bytes into an L record and an empty N (smtpd's smtp_get(), bounce(8) copying records), so a
 * body line of exactly the limit ends in an empty N record too.
 */
function writeLine(w: QueueFileWriter, line: Buffer, limit: number, part: 'header' | 'body'): void {
  let rest = line;
  while (rest.length > limit || (part === 'body' && rest.length === limit && limit > 0)) {
    w.add(REC.CONT, rest.subarray(0, limit));
    rest = rest.subarray(limit);
  }
  w.add(REC.NORM, rest);
}
