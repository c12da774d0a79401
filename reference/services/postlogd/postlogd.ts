/**
 * postlogd(8) for the reference MTA: the Logger every reference service writes through.
 *
 * Requests served: info/warning/fatal lines from any in-process service (the Logger contract
 * in ../contracts.ts). Writes them to $maillog_file in Postfix's exact line format (format.ts),
 * in arrival order, one append per line so a follower sees whole lines, control characters
 * shown as "?" as Postfix's logging shows them (printableLog), each text cut after
 * MSG_LOGGER_RECLEN bytes as msg_logger(3) cuts it (loggedText). A service name that
 * already contains "/" (e.g. "postfix/relay" from `-o syslog_name=...`) is used as the whole
 * program tag; otherwise the tag is "$syslog_name/<service>".
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Logger } from '../contracts.ts';
import { formatLogLine, type Severity } from './format.ts';
import { printableText } from '../../global/printable.ts';

export interface FileLoggerOptions {
  /** $maillog_file; "" or undefined keeps lines in memory only (tests). */
  path?: string;
  myhostname: string;
  /** $syslog_name, default "postfix". */
  syslogName?: string;
  pid?: number;
  /** Injectable clock (ms since the epoch). */
  now?: () => number;
  /** Also hand every formatted line here (tests, stdout logging). */
  onLine?: (line: string) => void;
}

export interface FileLogger extends Logger {
  error(service: string, text: string): void;
  /** Lines written so far (kept only when no path is given). */
  readonly lines: string[];
  /** Change host/syslog name after a reload. */
  reconfigure(opts: Partial<Pick<FileLoggerOptions, 'myhostname' | 'syslogName' | 'path'>>): void;
}

/**
 * What msg_vprintf() does to every log line before it is written: printable() with UTF-8 on,
 * so each ASCII control character (a TAB, an ESC or a line break a client sent, say) becomes
 * "?" and text beyond ASCII is left as the service gave it.
 */
export const printableLog = (text: string): string => printableText(text, true);

/** msg_logger.c's MSG_LOGGER_RECLEN: the most bytes of a message's text a log record keeps. */
export const MSG_LOGGER_RECLEN = 2000;

/**
 * The bytes of a message's text that reach the log: printable() first (msg_vprintf()), then at
 * most MSG_LOGGER_RECLEN bytes (msg_logger_print()'s "%.*s"; the severity label and the
 * prefix before it do not count), even when the cut falls inside a UTF-8 sequence.
 */
export function loggedText(text: string): Buffer {
  const bytes = Buffer.from(printableLog(text), 'utf8');
  return bytes.length > MSG_LOGGER_RECLEN ? bytes.subarray(0, MSG_LOGGER_RECLEN) : bytes;
}

export function createFileLogger(options: FileLoggerOptions): FileLogger {
  const opts = { syslogName: 'postfix', pid: process.pid, now: () => Date.now(), ...options };
  const lines: string[] = [];
  if (opts.path) mkdirSync(dirname(opts.path), { recursive: true });

  const write = (severity: Severity, service: string, text: string): void => {
    const program = service.includes('/') ? service : `${opts.syslogName}/${service}`;
    const head = formatLogLine({ date: new Date(opts.now()), myhostname: opts.myhostname, program, pid: opts.pid, severity, text: '' });
    const bytes = Buffer.concat([Buffer.from(head, 'utf8'), loggedText(text)]);
    const line = bytes.toString('utf8');
    if (opts.path) appendFileSync(opts.path, Buffer.concat([bytes, Buffer.from('\n')]));
    else lines.push(line);
    opts.onLine?.(line);
  };

  return {
    lines,
    info: (service, text) => write('info', service, text),
    warning: (service, text) => write('warning', service, text),
    error: (service, text) => write('error', service, text),
    fatal: (service, text) => write('fatal', service, text),
    reconfigure(next) {
      Object.assign(opts, Object.fromEntries(Object.entries(next).filter(([, v]) => v !== undefined)));
      if (opts.path) mkdirSync(dirname(opts.path), { recursive: true });
    },
  };
}
