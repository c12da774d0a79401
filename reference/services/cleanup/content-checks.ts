/**
 * cleanup(8)'s content inspection (header_checks(5), body_checks; postconf(5)
 * message_reject_characters, message_strip_characters), as cleanup_message.c applies it to
 * mail from outside (smtpd, pickup: Postfix's CLEANUP_FLAG_FILTER):
 *   - every content line first loses the message_strip_characters (C-like escapes such as \t
 *     and \ooo allowed), and a line holding one of the message_reject_characters refuses the
 *     message ("disallowed character", logged as a "content" action);
 *   - each logical header (folded lines joined with a newline) is looked up in a table chosen
 *     by where it is (mime-state.ts): header_checks for the primary block, mime_header_checks
 *     for MIME headers (Content-*, MIME-Version) anywhere and every header of a multipart
 *     part, nested_header_checks for the headers of an attached message; each body line in
 *     body_checks, while it starts within body_checks_size_limit bytes of its body part (0:
 *     no limit); the first matching rule's action
 *     applies: REJECT [text] (5.7.1 put in front of a text without a status; a 4.x.x status
 *     makes it a deferral), WARN, INFO, DISCARD, HOLD, PREPEND text, REPLACE text, IGNORE,
 *     STRIP, DUNNO/OK; every action but IGNORE, DUNNO and OK is logged as
 *     "QID: <action>: header|body <line> from <origin>; from=<..> to=<..> proto=.. helo=<..>: <text>".
 *   - after REJECT or DISCARD nothing more is inspected.
 * Called by cleanup.ts between reading the header block and rewriting header addresses (the
 * headers) and after the header pass (the body lines).
 *
 * Differs from Postfix: FILTER, REDIRECT, BCC and DELAY are logged as unknown commands and
 * otherwise ignored; the message-id line is logged after every header action instead of in header
 * order; a header's characters are checked just before its header_checks lookup, where Postfix
 * checks each line as it arrives (a refused character in one header can stop the previous
 * header's lookup there).
 */
import { Maps, TableLookupError, type OpenTable } from '../../global/maps.ts';
import { MapLookupProblem } from './address-maps.ts';
import { CLEANUP_STAT } from '../../global/cleanup-user.ts';
import { headerNameLength } from './header-block.ts';
import type { HeaderClass } from '../../global/mime-state.ts';

/** The DSN REJECT puts in front of a text without one (cleanup_act()). */
const REJECT_DSN = '5.7.1';
/** The text of a REJECT without text: CLEANUP_STAT_CONT's entry of cleanup_strerror. */
const REJECT_DEFAULT = '5.7.1 message content rejected';
/** cleanup_act_log() keeps this much of the inspected line. */
const LOGGED_CONTENT_LIMIT = 200;

/** What the log lines say about the message (cleanup_act_log()). */
export interface CheckedMessage {
  queueId: string;
  /** log_message_origin ("unknown" when missing). */
  origin: string;
  sender: string;
  /** The last envelope recipient. */
  recipient?: string;
  proto?: string;
  helo?: string;
}

export interface ContentCheckOptions {
  headerChecks: string[];
  /** mime_header_checks and nested_header_checks (default: the header_checks tables). */
  mimeHeaderChecks?: string[];
  nestedHeaderChecks?: string[];
  bodyChecks: string[];
  /** body_checks_size_limit: bytes of each body part that body_checks sees (0: all). */
  bodyChecksSizeLimit?: number;
  rejectCharacters: string;
  stripCharacters: string;
  openTable: OpenTable;
  utf8: boolean;
  info: (text: string) => void;
  warn: (text: string) => void;
}

/** The outcome of inspecting one message. */
export interface CheckVerdict {
  /** CLEANUP_STAT.CONT (5.x.x) or CLEANUP_STAT.DEFER (4.x.x) with its reason, or 0. */
  status: number;
  reason?: string;
  discard: boolean;
  hold: boolean;
}

type Context = 'header' | 'body' | 'content';

/** A value with a leading RFC 3463 status kept, otherwise `dsn` put in front (dsn_prepend()). */
function withDsn(dsn: string, text: string): string {
  return /^[245]\.\d{1,3}\.\d{1,3}(\s|$)/.test(text) ? text : `${dsn} ${text}`;
}

/** Is this "Name: value" (is_header())? */
const isHeaderText = (text: string): boolean => headerNameLength(text) > 0;

/** One message's inspection; create one per message. */
export class ContentChecks {
  readonly verdict: CheckVerdict = { status: 0, discard: false, hold: false };
  /** False once REJECT or DISCARD ended the inspection (CLEANUP_FLAG_FILTER_ALL cleared). */
  private active = true;
  /** The header tables by where a header is (cleanup_header_callback()'s CHECK()). */
  private readonly headers: Readonly<Record<HeaderClass, Maps>>;
  private readonly body: Maps;

  constructor(private readonly o: ContentCheckOptions, private readonly msg: CheckedMessage) {
    this.headers = {
      primary: new Maps('header_checks', o.headerChecks, o.openTable, o.utf8),
      multipart: new Maps('mime_header_checks', o.mimeHeaderChecks ?? o.headerChecks, o.openTable, o.utf8),
      nested: new Maps('nested_header_checks', o.nestedHeaderChecks ?? o.headerChecks, o.openTable, o.utf8),
    };
    this.body = new Maps('body_checks', o.bodyChecks, o.openTable, o.utf8);
  }

  /** Whether any inspection is configured at all. */
  get configured(): boolean {
    return Object.values(this.headers).some((m) => !m.empty) || !this.body.empty || this.o.rejectCharacters !== '' || this.o.stripCharacters !== '';
  }

  /** cleanup_mime_error_callback(): a MIME error is logged where it is found (without proto= and helo=). */
  logMimeError(error: string, text: string): void {
    const m = this.msg;
    // the content's bytes (a byte string) go to the log as they are, which reads them as UTF-8
    const bytes = Buffer.from(text, 'latin1').toString('utf8');
    this.o.info(`${m.queueId}: reject: mime-error ${error}: ${bytes} from ${m.origin}; from=<${m.sender}> to=<${m.recipient ?? 'unknown'}>`);
  }

  /** One content line as it enters cleanup, without the message_strip_characters. */
  strip(line: string): string {
    if (!this.o.stripCharacters) return line;
    return [...line].filter((c) => !this.o.stripCharacters.includes(c)).join('');
  }

  /** A line with one of the message_reject_characters refuses the message; true then. */
  private rejectsCharacters(line: string): boolean {
    if (!this.o.rejectCharacters || ![...line].some((c) => this.o.rejectCharacters.includes(c))) return false;
    this.act('content', line, 'REJECT disallowed character');
    return true;
  }

  /** A header (its lines) through the table of its class: the lines to write in its place. */
  async checkHeader(h: string[], where: HeaderClass = 'primary'): Promise<string[]> {
    const { prepend, lines } = await this.checkHeaderParts(h, where);
    return [...(prepend ? [prepend] : []), ...lines];
  }

  /**
   * checkHeader() with a PREPEND text apart from the header's own lines (none: dropped): cleanup
   * writes that text straight out (cleanup_act()), while the header goes on to the header pass.
   */
  async checkHeaderParts(h: string[], where: HeaderClass = 'primary'): Promise<{ prepend?: string; lines: string[] }> {
    if (!this.active) return { lines: h };
    if (h.some((line) => this.rejectsCharacters(line))) return { lines: h };
    const table = this.headers[where];
    if (table.empty) return { lines: h };
    const text = h.join('\n');
    const value = await this.find(table, text);
    if (value === undefined) return { lines: h };
    const result = this.act('header', text, value, table.title);
    const lines = result.drop ? [] : result.replace !== undefined ? [result.replace] : h;
    return result.prepend ? { prepend: result.prepend, lines } : { lines };
  }

  /** A body line at `offset` bytes into its body part through body_checks: the lines to write in its place. */
  async checkBody(line: string, offset = 0): Promise<string[]> {
    if (!this.active || this.rejectsCharacters(line) || this.body.empty) return [line];
    const limit = this.o.bodyChecksSizeLimit ?? 0;
    if (limit > 0 && offset >= limit) return [line];
    const value = await this.find(this.body, line);
    if (value === undefined) return [line];
    const result = this.act('body', line, value, this.body.title);
    if (result.drop) return [];
    return [...(result.prepend ? [result.prepend] : []), result.replace ?? line];
  }

  private async find(maps: Maps, key: string): Promise<string | undefined> {
    try {
      return (await maps.find(key)) ?? undefined;
    } catch (err) {
      if (!(err instanceof TableLookupError)) throw err;
      this.o.warn(err.message);
      this.o.warn(`${this.msg.queueId}: ${maps.title} map lookup problem -- message not accepted, try again later`);
      throw new MapLookupProblem(`${maps.title} map lookup problem`, { cause: err });
    }
  }

  private log(action: string, context: Context, content: string, text: string): void {
    const m = this.msg;
    let line = `${m.queueId}: ${action}: ${context} ${content.slice(0, LOGGED_CONTENT_LIMIT)} from ${m.origin};`;
    if (m.sender !== undefined) line += ` from=<${m.sender}>`;
    if (m.recipient !== undefined) line += ` to=<${m.recipient}>`;
    if (m.proto !== undefined) line += ` proto=${m.proto}`;
    if (m.helo !== undefined) line += ` helo=<${m.helo}>`;
    if (text) line += `: ${text}`;
    this.o.info(line);
  }

  /** cleanup_act(): carry out one table result on `content`. */
  private act(context: Context, content: string, value: string, table = 'character reject'): { drop?: boolean; replace?: string; prepend?: string } {
    const m = /^(\S*)\s*(.*)$/s.exec(value)!;
    const command = m[1].toUpperCase();
    const text = m[2];
    switch (command) {
      case 'REJECT': {
        const reason = text ? withDsn(REJECT_DSN, text) : REJECT_DEFAULT;
        if (reason[0] !== '4' && reason[0] !== '5') this.o.warn(`bad DSN action in ${text} -- need 4.x.x or 5.x.x`);
        this.verdict.reason = reason;
        this.verdict.status |= reason[0] === '4' ? CLEANUP_STAT.DEFER : CLEANUP_STAT.CONT;
        this.active = false;
        this.log('reject', context, content, reason);
        return {};
      }
      case 'WARN':
        this.log('warning', context, content, text);
        return {};
      case 'INFO':
        this.log('info', context, content, text);
        return {};
      case 'DISCARD':
        this.log('discard', context, content, text);
        this.verdict.discard = true;
        this.active = false;
        return {};
      case 'HOLD':
        if (!this.verdict.hold && !this.verdict.discard) {
          this.log('hold', context, content, text);
          this.verdict.hold = true;
        }
        return {};
      case 'PREPEND':
        if (!text) {
          this.o.warn(`PREPEND action without text in ${table} map`);
          return {};
        }
        if (context === 'header' && !isHeaderText(text)) {
          this.o.warn(`bad PREPEND header text "${text}" in ${table} map -- need "headername: headervalue"`);
          return {};
        }
        this.log('prepend', context, content, text);
        return { prepend: text };
      case 'REPLACE':
        if (!text) {
          this.o.warn(`REPLACE action without text in ${table} map`);
          return {};
        }
        if (context === 'header' && !isHeaderText(text)) {
          this.o.warn(`bad REPLACE header text "${text}" in ${table} map -- need "headername: headervalue"`);
          return {};
        }
        this.log('replace', context, content, text);
        return { replace: text };
      case 'STRIP':
        this.log('strip', context, content, text);
        return { drop: true };
      case 'IGNORE':
        return { drop: true };
      case 'DUNNO':
      case 'OK':
        return {};
      default:
        this.o.warn(`unknown command in ${table} map: ${value}`);
        return {};
    }
  }
}
