/**
 * Header and body checks of the delivery agents (Postfix's global/header_body_checks.c,
 * hbc(3); postconf(5) smtp_header_checks, smtp_mime_header_checks, smtp_nested_header_checks,
 * smtp_body_checks and their lmtp_ forms): the restricted header_checks(5) actions that
 * change a message while it is sent, never its delivery.
 *   - A header is looked up in the table of its class: the primary block, MIME headers
 *     (MIME-Version:, Content-*: wherever they are, and every header of a multipart part), or
 *     the headers of an attached message; a class without a table is not looked at (unlike
 *     cleanup(8), whose mime and nested tables default to header_checks).
 *   - A body line is looked up in the body table.
 *   - The first answer's action: WARN and INFO log and keep the line, REPLACE puts its text in
 *     the line's place, PREPEND puts its text before the line, STRIP drops it and logs,
 *     IGNORE drops it silently, DUNNO and OK keep it; any other action is warned about
 *     ("unsupported command in TABLE map: VALUE") and the line kept. REPLACE and PREPEND of a
 *     header need "name: value" text.
 *   - Each logged action is "QID: action: header|body LINE: TEXT", the line cut to 60
 *     characters (smtp_hbc_logger()).
 * Used by smtp(8) (services/smtp/output.ts) while it sends a message.
 */
import { TableLookupError, type Maps } from './maps.ts';
import type { HeaderClass } from './mime-state.ts';
import { headerNameLength } from './is-header.ts';

/** smtp_hbc_logger() keeps this much of the inspected line. */
const LOGGED_LINE_LIMIT = 60;

/** The checks of one delivery agent; a table list left out (or empty) checks nothing. */
export interface HeaderBodyTables {
  header?: Maps;
  mime?: Maps;
  nested?: Maps;
  body?: Maps;
}

export interface HeaderBodyLogger {
  /** An action's log line (without the service tag). */
  info(text: string): void;
  /** A configuration problem ("bad REPLACE header text …"). */
  warn(text: string): void;
}

/** A table could not answer: the caller stops sending (smtp: "QID: smtp header checks lookup error"). */
export class ChecksLookupError extends Error {
  constructor(readonly where: Where, options: ErrorOptions) {
    super(`${where} checks lookup error`, options);
  }
}

type Where = 'header' | 'body';

/** What one checked line becomes: the lines to send in its place. */
export type CheckedLines = string[];

export class HeaderBodyChecks {
  constructor(private readonly tables: HeaderBodyTables, private readonly queueId: string, private readonly log: HeaderBodyLogger) {}

  /** Is any header table set (the content must then be read header by header)? */
  get checksHeaders(): boolean {
    return [this.tables.header, this.tables.mime, this.tables.nested].some((m) => m !== undefined && !m.empty);
  }

  get checksBody(): boolean {
    return this.tables.body !== undefined && !this.tables.body.empty;
  }

  /** One complete header (its lines joined with "\n") of class `where`: the lines to send instead. */
  async header(text: string, where: HeaderClass): Promise<CheckedLines> {
    const maps = where === 'primary' ? this.tables.header : where === 'multipart' ? this.tables.mime : this.tables.nested;
    if (!maps || maps.empty) return [text];
    const value = await this.find(maps, text, 'header');
    return value === null ? [text] : this.act(maps.title, 'header', text, value);
  }

  /** One body line: the lines to send instead. */
  async body(line: string): Promise<CheckedLines> {
    const maps = this.tables.body;
    if (!maps || maps.empty) return [line];
    const value = await this.find(maps, line, 'body');
    return value === null ? [line] : this.act(maps.title, 'body', line, value);
  }

  private async find(maps: Maps, key: string, where: Where): Promise<string | null> {
    try {
      return await maps.find(key);
    } catch (err) {
      if (!(err instanceof TableLookupError)) throw err;
      this.log.warn(err.message);
      throw new ChecksLookupError(where, { cause: err });
    }
  }

  private logAction(action: string, where: Where, line: string, text: string): void {
    const shown = line.slice(0, LOGGED_LINE_LIMIT);
    this.log.info(`${this.queueId}: ${action}: ${where} ${shown}${text ? `: ${text}` : ''}`);
  }

  /** hbc_action(): one table answer carried out on `line`. */
  private act(table: string, where: Where, line: string, value: string): CheckedLines {
    const m = /^(\S*)\s*(.*)$/s.exec(value)!;
    const command = m[1]!.toUpperCase();
    const text = m[2]!;
    const needsHeader = where === 'header' && headerNameLength(text) === 0;
    switch (command) {
      case 'WARN':
        this.logAction('warning', where, line, text);
        return [line];
      case 'INFO':
        this.logAction('info', where, line, text);
        return [line];
      case 'REPLACE':
        if (!text) return this.warned(`REPLACE action without text in ${table} map`, line);
        if (needsHeader) return this.warned(`bad REPLACE header text "${text}" in ${table} map -- need "headername: headervalue"`, line);
        this.logAction('replace', where, line, text);
        return [text];
      case 'PREPEND':
        if (!text) return this.warned(`PREPEND action without text in ${table} map`, line);
        if (needsHeader) return this.warned(`bad PREPEND header text "${text}" in ${table} map -- need "headername: headervalue"`, line);
        this.logAction('prepend', where, line, text);
        return [text, line];
      case 'STRIP':
        this.logAction('strip', where, line, text);
        return [];
      case 'IGNORE':
        return [];
      case 'DUNNO':
      case 'OK':
        return [line];
      default:
        return this.warned(`unsupported command in ${table} map: ${value}`, line);
    }
  }

  private warned(text: string, line: string): CheckedLines {
    this.log.warn(text);
    return [line];
  }
}
