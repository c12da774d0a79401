/**
 * local(8)'s non-address destinations, used by local.ts while it expands a recipient:
 *
 *   |command  runs through command.ts (local/command.c), allowed when allow_mail_to_commands
 *             lists the expansion type (alias, include, forward); else "mail to command is
 *             restricted" (5.7.1).
 *   /file     appended through file.ts (local/file.c), maildir when it ends in "/"; allowed by
 *             allow_mail_to_files; else "mail to file is restricted" (5.7.1).
 *   ~/file    a file under the delivering user's home.
 *   .forward  forward_path entries expanded for the user (local/dotforward.c); the first that
 *             exists is read with the user's rights; each file is used once per request.
 *
 * Rights: default_privs for alias expansions (the alias database is taken as root-owned),
 * the user's own for .forward. What the command or file receives: the From_ line,
 * Return-Path, X-Original-To, Delivered-To (prepend_delivered_header) and the message.
 */
import { lstat, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { QueueMessage } from '../../queue/queue-file.ts';
import type { Logger } from '../contracts.ts';
import { censor, runCommand } from './command.ts';
import { appendToFile } from './file.ts';
import { localExpand, macroSyntaxError } from './forward-path.ts';
import { commandEntry, maildirEntry, mboxEntry, writeMaildir, type Envelope } from './mailbox.ts';
import { includeItems } from './alias-items.ts';
import type { PasswdEntry } from './users.ts';

export interface DestinationSettings {
  /** allow_mail_to_commands (default alias, forward). */
  allowMailToCommands?: string[];
  /** allow_mail_to_files (default alias, forward). */
  allowMailToFiles?: string[];
  /** default_privs (default nobody). */
  defaultPrivs?: string;
  /** forward_path entries, unexpanded. */
  forwardPath?: string[];
  /** command_execution_directory, unexpanded ("" = the queue directory). */
  commandExecutionDirectory?: string;
  queueDirectory?: string;
  /** export_environment (default TZ MAIL_CONFIG LANG). */
  exportEnvironment?: string[];
  /** The environment master(8) passes on (import_environment, MAIL_CONFIG); default: this process's. */
  importedEnvironment?: Record<string, string | undefined>;
  /** command_expansion_filter: characters kept in the values local(8) exports to a command. */
  commandExpansionFilter?: string;
  /** execution_directory_expansion_filter: characters kept in $name values of command_execution_directory. */
  executionDirectoryExpansionFilter?: string;
  /** forward_expansion_filter: characters kept in $name values of forward_path (dotforward.c). */
  forwardExpansionFilter?: string;
  localCommandShell?: string;
  /** command_time_limit in seconds (default 1000). */
  commandTimeLimit?: number;
  /** prepend_delivered_header (default command, file, forward). */
  prependDeliveredHeader?: string[];
}

/** The rights and environment of a file or command delivery (undefined = default_privs). */
export interface UserAttrs {
  uid: number;
  gid: number;
  home?: string;
  shell?: string;
}

/** The address whose expansion is being delivered. */
export interface RecipientParts {
  address: string;
  local: string;
  user: string;
  extension: string;
  domain: string;
}

/** What an expansion carries down to its items. */
export interface Expansion {
  /** Envelope sender (owner-<list> once a list with an owner was expanded). */
  sender: string;
  /** An owner- alias applies: local members are forwarded too. */
  owned: boolean;
  /** The items come from an :include: file: they are always forwarded. */
  include: boolean;
  /** Original recipient and DSN ORCPT for forwarded copies ("" / undefined once reset). */
  origTo: string;
  dsnOrcpt?: string;
  /** Expansion type, for allow_mail_to_commands / allow_mail_to_files. */
  type?: 'alias' | 'include' | 'forward';
  privs?: UserAttrs;
  rcpt?: RecipientParts;
  /** The local name whose alias, .forward or :include: file gave these items (exp_from): not expanded again. */
  expandedFrom?: string;
  /** Delivered-To: address when frozen_delivered_to = no moved it from the request recipient. */
  delivered?: string;
}

export interface DestinationRequest {
  msg: QueueMessage;
  /** The request recipient (Delivered-To is frozen to it). */
  topAddress: string;
  /** enable_original_recipient. */
  originalRecipient: boolean;
  /** Already delivered in this request ("file UID PATH", "command USER:UID CMD", "forward PATH"). */
  done: Set<string>;
}

export type DestinationOutcome = { outcome: 'sent' | 'deferred' | 'bounced'; dsn: string; text: string; diagType?: string; diagText?: string };

const FILTER = '1234567890!@%-_=+:,./abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

export function splitRecipient(address: string, delimiter: string): RecipientParts {
  const at = address.lastIndexOf('@');
  const local = (at < 0 ? address : address.slice(0, at)).toLowerCase();
  const domain = at < 0 ? '' : address.slice(at + 1);
  let user = local;
  let extension = '';
  if (delimiter) {
    const i = [...local].findIndex((c) => delimiter.includes(c));
    if (i > 0) {
      user = local.slice(0, i);
      extension = local.slice(i + 1);
    }
  }
  return { address, local, user, extension, domain };
}

export function createDestinations(d: DestinationSettings, deps: { logger: Logger; logService: string; recipientDelimiter: string; getUser: (name: string) => PasswdEntry | undefined; now: () => number }) {
  const allowCommands = d.allowMailToCommands ?? ['alias', 'forward'];
  const allowFiles = d.allowMailToFiles ?? ['alias', 'forward'];
  const filter = d.commandExpansionFilter ?? FILTER;
  const forwardFilter = d.forwardExpansionFilter ?? FILTER;
  const hdr = d.prependDeliveredHeader ?? ['command', 'file', 'forward'];

  function privs(exp: Expansion): UserAttrs {
    if (exp.privs) return exp.privs;
    const pw = deps.getUser(d.defaultPrivs ?? 'nobody');
    return { uid: pw?.uid ?? 65534, gid: pw?.gid ?? 65534 };
  }

  function envelope(req: DestinationRequest, exp: Expansion, kind: string): Envelope {
    return { sender: exp.sender, origTo: req.originalRecipient ? exp.origTo : '', deliveredTo: hdr.includes(kind) ? exp.delivered ?? req.topAddress : '' };
  }

  function vars(exp: Expansion, u: UserAttrs): Record<string, string | undefined> {
    const r = exp.rcpt;
    return { user: r?.user, home: u.home, shell: u.shell, recipient: r?.address, local: r?.local, domain: r?.domain, extension: r?.extension, recipient_delimiter: deps.recipientDelimiter };
  }

  /**
   * A |command item of an alias, .forward or :include: file, or (`mailbox`) the mailbox_command
   * of a user: that one is not held to allow_mail_to_commands (mailbox.c calls deliver_command()
   * directly).
   */
  async function command(req: DestinationRequest, exp: Expansion, command: string, mailbox = false): Promise<DestinationOutcome | undefined> {
    if (!mailbox && !allowCommands.includes(exp.type ?? 'alias')) return { outcome: 'bounced', dsn: '5.7.1', text: 'mail to command is restricted' };
    const u = privs(exp);
    const key = `command ${exp.rcpt?.user ?? ''}:${u.uid} ${command}`;
    if (req.done.has(key)) return undefined;
    req.done.add(key);
    const r = exp.rcpt;
    const a = req.msg.attributes;
    const always = new Set(['LOGNAME', 'USER', 'SENDER', 'RECIPIENT', 'LOCAL']);
    const env = ([
      ['HOME', u.home], ['LOGNAME', r?.user], ['USER', r?.user], ['SENDER', exp.sender], ['RECIPIENT', r?.address],
      ['LOCAL', r?.local], ['SHELL', u.shell], ['DOMAIN', r?.domain], ['EXTENSION', r?.extension],
      ['ORIGINAL_RECIPIENT', exp.origTo], ['CLIENT_HOSTNAME', a.log_client_name], ['CLIENT_ADDRESS', a.log_client_address],
      ['CLIENT_HELO', a.log_helo_name], ['CLIENT_PROTOCOL', a.log_protocol_name],
      ['SASL_METHOD', a.sasl_method], ['SASL_SENDER', a.sasl_sender], ['SASL_USERNAME', a.sasl_username],
    ] as [string, string | undefined][])
      .filter(([k, v]) => always.has(k) || (v !== undefined && v !== ''))
      .map(([k, v]): [string, string] => [k, censor(v ?? '', filter)]);
    let cwd = d.queueDirectory;
    if (d.commandExecutionDirectory) {
      // local/command.c: only a syntax error defers; an attribute without a value expands to nothing
      const syntaxError = macroSyntaxError(d.commandExecutionDirectory);
      if (syntaxError !== undefined) {
        deps.logger.warning(deps.logService, syntaxError);
        deps.logger.warning(deps.logService, `bad parameter value syntax for command_execution_directory: ${d.commandExecutionDirectory}`);
        return { outcome: 'deferred', dsn: '4.3.5', text: 'mail system configuration error' };
      }
      const dir = localExpand(d.commandExecutionDirectory, vars(exp, u), d.executionDirectoryExpansionFilter ?? FILTER, true);
      if (dir) cwd = dir;
    }
    const { warning, fatal, ...outcome } = await runCommand({
      command, uid: u.uid, gid: u.gid,
      env,
      exportNames: d.exportEnvironment ?? ['TZ', 'MAIL_CONFIG', 'LANG'], imported: d.importedEnvironment, shell: d.localCommandShell ?? '', cwd,
      timeLimitMs: (d.commandTimeLimit ?? 1000) * 1000, input: commandEntry(envelope(req, exp, 'command'), req.msg.content, deps.now()),
    });
    if (fatal) deps.logger.fatal(deps.logService, fatal);
    if (warning) deps.logger.warning(deps.logService, warning);
    return outcome;
  }

  async function file(req: DestinationRequest, exp: Expansion, path: string): Promise<DestinationOutcome | undefined> {
    const u = privs(exp);
    if (path.startsWith('~/')) {
      if (!u.home) return { outcome: 'bounced', dsn: '5.3.0', text: `mail to ~path without home directory: ${path}` };
      path = join(u.home, path.slice(2));
    }
    const key = `file ${u.uid} ${path}`;
    if (req.done.has(key)) return undefined;
    req.done.add(key);
    if (!allowFiles.includes(exp.type ?? 'alias')) return { outcome: 'bounced', dsn: '5.7.1', text: 'mail to file is restricted' };
    const env = envelope(req, exp, 'file');
    if (path.endsWith('/')) {
      try {
        await writeMaildir(path, maildirEntry(env, req.msg.content), deps.now(), { uid: u.uid, gid: u.gid });
        return { outcome: 'sent', dsn: '2.0.0', text: `delivered to maildir` };
      } catch (err) {
        return { outcome: 'deferred', dsn: '4.2.0', text: `create maildir file ${path}: ${(err as Error).message}` };
      }
    }
    return appendToFile(path, mboxEntry(env, req.msg.content, deps.now()), u.uid, u.gid);
  }

  /** The user's forward file items, or undefined when none applies (then: the mailbox). */
  async function dotForward(req: DestinationRequest, pw: PasswdEntry, exp: Expansion): Promise<{ items: string[]; exp: Expansion } | undefined> {
    const u: UserAttrs = { uid: pw.uid, gid: pw.gid, home: pw.home, shell: pw.shell };
    const fexp: Expansion = { ...exp, type: 'forward', privs: u };
    for (const entry of d.forwardPath ?? ['$home/.forward${recipient_delimiter}${extension}', '$home/.forward']) {
      // dotforward.c: an entry with a syntax error (warned about) or an unset attribute is skipped
      const syntaxError = macroSyntaxError(entry);
      if (syntaxError !== undefined) {
        deps.logger.warning(deps.logService, syntaxError);
        continue;
      }
      const path = localExpand(entry, vars(fexp, u), forwardFilter);
      if (path === undefined || path === '') continue;
      const st = await lstat(path).catch(() => undefined); // no .forward here: try the next name
      if (!st) continue;
      if (req.done.has(`forward ${path}`)) return undefined; // recursive: the user's own mailbox
      req.done.add(`forward ${path}`);
      if (!st.isFile()) deps.logger.warning(deps.logService, `file ${path} is not a regular file`);
      else if (st.uid !== 0 && st.uid !== pw.uid) deps.logger.warning(deps.logService, `file ${path} has bad owner uid ${st.uid}`);
      else if (st.mode & 0o002) deps.logger.warning(deps.logService, `file ${path} is world writable`);
      else {
        const text = await readFile(path, 'latin1').catch((err: NodeJS.ErrnoException) => {
          deps.logger.warning(deps.logService, `cannot open file ${path}: ${err.message}`);
          return undefined;
        });
        const items = text === undefined ? [] : includeItems(text);
        if (items.length > 0) return { items, exp: fexp };
      }
      return undefined;
    }
    return undefined;
  }

  return { command, file, dotForward };
}
