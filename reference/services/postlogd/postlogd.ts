/**
 * postlogd(8) for the reference MTA: the Logger every reference service writes through.
 *
 * Requests served: info/warning/fatal lines from any in-process service (the Logger contract
 * in ../contracts.ts). Writes them to $maillog_file in Postfix's exact line format (format.ts),
 * in arrival order, one append per line so a follower sees whole lines, control characters
 * shown as "?" as Postfix's logging shows them (printableLog). A service name that
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

export function createFileLogger(options: FileLoggerOptions): FileLogger {
  const opts = { syslogName: 'postfix', pid: process.pid, now: () => Date.now(), ...options };
  const lines: string[] = [];
  if (opts.path) mkdirSync(dirname(opts.path), { recursive: true });

  const write = (severity: Severity, service: string, text: string): void => {
    const program = service.includes('/') ? service : `${opts.syslogName}/${service}`;
    const line = formatLogLine({ date: new Date(opts.now()), myhostname: opts.myhostname, program, pid: opts.pid, severity, text: printableLog(text) });
    if (opts.path) appendFileSync(opts.path, line + '\n');
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
