/**
 * The target contract: what every mail system under test (real Postfix, the reference MTA,
 * Postfix in a container) gives the harness. A scenario only ever talks to a Target, so the
 * same scenario runs unchanged on each of them (DESIGN.md §3).
 */
import type { MaillogEvent } from '../observe/events.ts';
import type { QueueEntry } from '../observe/postqueue.ts';

export type TargetName = 'postfix' | 'reference' | 'container';

/** A map file the scenario ships with its configuration. */
export interface MapFile {
  /** File name inside the instance's config directory, e.g. "aliases" or "transport". */
  name: string;
  /** Source text in the usual Postfix "key value" form (aliases use "name: value"). */
  content: string;
  /**
   * How the file is compiled after it is written: `postmap` and `postalias` build an indexed
   * file of `dbType` (lmdb by default) beside it; `none` leaves the text as is (texthash:,
   * regexp:, pcre:, cidr:).
   */
  build?: 'postmap' | 'postalias' | 'none';
  dbType?: 'lmdb';
}

/** The configuration a scenario asks for. Values may use {{placeholders}} (see scenario/config.ts). */
export interface MailConfig {
  /** main.cf parameters, set on top of the harness's safe base (see postfix/instance.ts). */
  main: Record<string, string>;
  /** Extra master.cf lines, appended verbatim after placeholder substitution. */
  master?: string[];
  /** Map files written into the config directory. */
  maps?: MapFile[];
}

export interface Endpoint {
  host: string;
  port: number;
}

export interface SendmailResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface Target {
  readonly name: TargetName;
  /** The SMTP server endpoint (smtpd), valid after start(). */
  readonly smtp: Endpoint;
  /** Absolute paths of the instance's directories (valid after start()). */
  readonly configDir: string;
  readonly queueDir: string;
  /** Where local(8) writes mailboxes ($mail_spool_directory). */
  readonly mailDir: string;

  /** Write the configuration and start the mail system; resolves when it is ready. */
  start(config: MailConfig): Promise<void>;
  /** Apply a new configuration and reload (postfix reload). */
  reload(config?: MailConfig): Promise<void>;
  /** Orderly stop (postfix stop). The instance directory is kept until dispose(). */
  stop(): Promise<void>;
  /** kill -9 of every process of the instance, without any chance to clean up. */
  crash(): Promise<void>;
  /** Start again on the same directories after stop() or crash(). */
  restart(): Promise<void>;
  /** Stop whatever runs and remove every temporary file. Safe to call more than once. */
  dispose(): Promise<void>;

  /** Every maillog event seen so far, in order. */
  events(): MaillogEvent[];
  /** Wait until an event matching `pred` has been logged (searching from `fromIndex`). */
  waitForEvent(pred: (e: MaillogEvent) => boolean, timeoutMs?: number, fromIndex?: number): Promise<MaillogEvent>;
  /** The raw maillog text so far. */
  maillog(): string;

  /** A snapshot of the queue in `postqueue -j` shape. */
  queue(): Promise<QueueEntry[]>;
  /** Flush the queue (postqueue -f). */
  flush(): Promise<void>;
  /** Submit through the sendmail command. */
  sendmail(args: string[], message: string): Promise<SendmailResult>;
  /** The contents of a local mailbox ("" when absent). */
  mailbox(user: string): Promise<string>;
}
