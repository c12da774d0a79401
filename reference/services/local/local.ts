/**
 * local(8) delivery agent for the reference MTA.
 *
 * Serves: DeliveryRequests from qmgr for transport "local". Per recipient (recipient.c,
 * alias.c, token.c, mailbox.c, forward.c): the Delivered-To loop check, alias_maps expansion
 * (user+ext then user; owner-<name> changes the envelope sender; :include: files; a name in
 * the expansion of its own alias, .forward or :include: file is not expanded again, so
 * "self: self, other" delivers to self's mailbox and to other), addresses resolving to this transport are delivered
 * recursively, all others are re-injected through cleanup as a NEW message (logged "forwarded
 * as NEWQID"), users from /etc/passwd get mailbox delivery (mbox under
 * $mail_spool_directory or $home/$home_mailbox, dot-locked as mailbox_delivery_lock says, or
 * maildir when home_mailbox ends in "/"; an mbox may not grow past mailbox_size_limit: 5.2.2
 * "File too large"), and unknown users go to luser_relay when it is set, else bounce
 * (5.1.1 unknown user). Every outcome is logged as Postfix's local(8) does.
 * sendmail -bv (DEL_REQ_FLAG_USR_VRFY): the same expansion, but nothing is written or re-injected;
 * the outcome is logged as status=deliverable ("delivers to mailbox", "forwards to X") or undeliverable.
 * .forward files (forward_path), |command and /file items: see destinations.ts.
 *
 * Nesting and duplicates as local(8) counts them: every step of a delivery is one level —
 * recipient, switch, alias (or .forward, :include:), resolve — so one alias hop costs four
 * levels, and an alias met past level 100 bounces "alias database loop for NAME" (5.4.6, with a
 * warning); within the expansion of one request recipient a recipient seen again at the same
 * level, and a mailbox seen again at any level, is skipped without a log line (been_here() in
 * recipient.c and mailbox.c; local/alias-loops shows both). The filter starts afresh for each
 * recipient of a request (local.c; local/recipient-limit).
 * A user's mailbox may be a command instead: mailbox_command_maps (by user name), then
 * mailbox_command, run with the user's rights (local/mailbox-command). Before that,
 * mailbox_transport_maps and mailbox_transport, and for unknown users fallback_transport_maps
 * and fallback_transport, pass the recipient to another transport's agent (deliver_pass();
 * local/mailbox-transport, local/fallback-transport).
 * Per recipient result: local_delivery_status_filter (global/dsn-filter.ts). Settings:
 * require_home_directory, expand_owner_alias, frozen_delivered_to (local/require-home-directory,
 * local/owner-and-delivered-to).
 *
 * Differs from Postfix (none of these is in a scenario yet):
 *   - the alias database is always taken as root-owned: commands and files of aliases run with
 *     default_privs; Postfix uses the database owner's rights when that is not root (the
 *     reference's tables carry no owner);
 *   - :include: files do not switch to the include file owner's rights;
 *   - /file destinations are not dot-locked;
 *   - a recipient whose forwarded copy cleanup did not take (left in the queue, unlogged) but
 *     that also has a bounced branch is reported bounced (Postfix keeps it and bounces the
 *     branch);
 *   - a command's stdout and stderr are two pipes merged in arrival order (Postfix: one pipe;
 *     Node's child_process gives two);
 *   - require_home_directory looks at the home directory with the reference's rights, Postfix
 *     with the recipient's (a home only root can reach counts as there).
 */
import { utf8ByteString } from '../../global/byte-string.ts';
import { internalize, scan } from '../../global/tok822.ts';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { readQueueFile, type QueueMessage } from '../../queue/queue-file.ts';
import type { CleanupClient, DeliveryAgent, DeliveryRecipient, DeliveryRequest, DeliveryResult, Logger, RecipientStatus, TrivialRewriteClient } from '../contracts.ts';
import { DEL_REQ_FLAG_USR_VRFY, deliveryStatusWord } from '../../global/deliver-request.ts';
import { formatDeliveryLine } from '../../global/log-adhoc.ts';
import { checkedFailureDsn } from '../../global/dsn-split.ts';
import { filterDeliveryStatus } from '../../global/dsn-filter.ts';
import type { Maps } from '../../global/maps.ts';
import { mailDate } from '../../global/mail-date.ts';
import { CLEANUP_STAT } from '../../global/cleanup-user.ts';
import { SMTPUTF8_FLAG_REQUESTED } from '../../global/mail-proto.ts';
import { bareAddress, includeItems, splitAliasItems, unquoteItem } from './alias-items.ts';
import { createDestinations, splitRecipient, type DestinationSettings, type Expansion } from './destinations.ts';
import { appendMbox, dotLock, DotLockError, FileTooLarge, NotOwnedByRecipient, maildirEntry, mboxDsn, mboxEntry, writeMaildir, type DotLockSettings, type Envelope } from './mailbox.ts';
import { strerror } from './strerror.ts';
import { localExpand } from './forward-path.ts';
import { lookupUser, type PasswdEntry } from './users.ts';

export interface LocalSettings {
  /** smtputf8_autodetect_classes names "forward": cleanup requests SMTPUTF8 for forwarded UTF-8 mail. */
  smtputf8AutodetectForward?: boolean;
  /** master.cf service name of this agent ("local"). */
  transport: string;
  logService: string;
  myhostname: string;
  myorigin: string;
  mailName: string;
  mailSpoolDirectory: string;
  homeMailbox: string;
  recipientDelimiter: string;
  /** mailbox_size_limit (0: none). */
  mailboxSizeLimit?: number;
  /** luser_relay: where mail for unknown users goes ("" = bounce it). */
  luserRelay?: string;
  enableOriginalRecipient: boolean;
  ownerRequestSpecial: boolean;
  /** Dot-locking of mbox files (mailbox_delivery_lock names "dotlock"); undefined = none. */
  dotLock?: DotLockSettings;
  /** .forward, command and file settings (Postfix's defaults when absent). */
  destinations?: DestinationSettings;
  /** mailbox_transport: "transport[:nexthop]" that takes every mailbox delivery ("" = none). */
  mailboxTransport?: string;
  /** fallback_transport: "transport[:nexthop]" that takes unknown users ("" = none). */
  fallbackTransport?: string;
  /** mailbox_command: the command a user's mail is handed to instead of the mailbox ("" = none). */
  mailboxCommand?: string;
  /** strict_mailbox_ownership (default yes): an mbox owned by another user is deferred. */
  strictMailboxOwnership?: boolean;
  /** require_home_directory: a user whose home cannot be reached is deferred (recipient.c). */
  requireHomeDirectory?: boolean;
  /** expand_owner_alias: a list's sender is the value of its owner- alias, not its name (alias.c). */
  expandOwnerAlias?: boolean;
  /**
   * frozen_delivered_to (default yes): Delivered-To: names the request recipient; with "no"
   * it follows each alias, .forward file and mailbox as it is reached (alias.c, dotforward.c,
   * mailbox.c).
   */
  frozenDeliveredTo?: boolean;
}

export interface LocalDeps {
  settings: LocalSettings;
  logger: Logger;
  cleanup: CleanupClient;
  rewrite: TrivialRewriteClient;
  /** alias_maps lookup of a local name; undefined = not found; throws on a table error. */
  aliasLookup: (name: string) => Promise<string | undefined>;
  userLookup?: (name: string) => PasswdEntry | undefined;
  /** mailbox_transport_maps lookup of a user name; undefined = not found; throws on a table error. */
  mailboxTransportLookup?: (user: string) => Promise<string | undefined>;
  /** fallback_transport_maps lookup of a user name; undefined = not found; throws on a table error. */
  fallbackTransportLookup?: (user: string) => Promise<string | undefined>;
  /** The delivery agent of another transport, for deliver_pass(); undefined = not running. */
  passAgent?: (transport: string) => DeliveryAgent | undefined;
  /** mailbox_command_maps lookup of a user name; undefined = not found; throws on a table error. */
  mailboxCommandLookup?: (user: string) => Promise<string | undefined>;
  /** local_delivery_status_filter; undefined or empty: results are logged as they are. */
  statusFilter?: Maps;
  now?: () => number;
}

type Outcome = { outcome: RecipientStatus['outcome']; dsn: string; text: string; diagType?: string; diagText?: string };

interface Context {
  req: DeliveryRequest;
  msg: QueueMessage;
  handoff: number;
  /** The request recipient being worked on. */
  top: DeliveryRecipient;
  /**
   * The request carried an original recipient: mailboxes get X-Original-To: only then (mail_copy()
   * writes none for an empty one, e.g. a recipient cleanup made from the null address).
   */
  hasOrigTo: boolean;
  /** Lower-cased Delivered-To values of the primary header block. */
  delivered: Set<string>;
  /** Forward batches by Delivered-To address and sender (forward.c: one new message per pair). */
  forwards: Map<string, { delivered: string; sender: string; recipients: { address: string; origTo: string; dsnOrcpt?: string }[] }>;
  results: Outcome[];
  /** Recipients, mailboxes, files, commands and .forward files already seen for this request recipient. */
  done: Set<string>;
  /**
   * cleanup did not take a forwarded copy (e.g. "unreasonable virtual_alias_maps map expansion
   * size"): the request recipient gets no status and so stays in the queue, with no log line
   * of local's (local.c: forward_finish()'s status only keeps it from being marked done).
   */
  unfinished?: boolean;
}

/** alias.c: past this nesting level an alias is taken for a loop. */
const MAX_LEVEL = 100;
/**
 * mbox_open(): a lock file that cannot be created. A lock another process keeps holding is a
 * temporary failure (as EAGAIN); other errors take mbox_dsn()'s code, 5.2.0 by default, and the
 * class of the code decides between bounce and deferral (mailbox.c).
 */
function lockFailure(failed: string, err: DotLockError): Outcome {
  const dsn = mboxDsn(err.code === 'EEXIST' ? 'EAGAIN' : err.code, '5.2.0');
  return { outcome: dsn.startsWith('4') ? 'deferred' : 'bounced', dsn, text: `${failed} ${err.message}: ${strerror(err.error)}` };
}

/** An alias table lookup failed: the recipient is deferred (alias.c). */
const aliasDatabaseUnavailable = (): Outcome => ({ outcome: 'deferred', dsn: '4.3.0', text: 'alias database unavailable' });

/**
 * The Delivered-To: values of the primary header block (delivered_hdr_init()): white space
 * after the colon is skipped (ISSPACE: ASCII only), the rest is kept as it is, trailing blanks
 * included, and folded; so "Delivered-To: user@domain<TAB>" does not match user@domain.
 */
export function deliveredToSet(content: Buffer): Set<string> {
  const set = new Set<string>();
  for (const line of content.toString('latin1').split('\n')) {
    if (line === '' || !/^[\x21-\x39\x3b-\x7e]+:|^[ \t]/.test(line)) break;
    const m = /^delivered-to:[ \t\n\v\f\r]*(.*)$/i.exec(line);
    if (m && set.size < 1000) set.add(m[1].toLowerCase());
  }
  return set;
}

export function createLocalAgent(deps: LocalDeps): DeliveryAgent {
  const s = deps.settings;
  const now = deps.now ?? Date.now;
  const getUser = deps.userLookup ?? ((n: string) => lookupUser(n));
  const dest = createDestinations(s.destinations ?? {}, { logger: deps.logger, logService: s.logService, recipientDelimiter: s.recipientDelimiter, getUser, now });
  const destReq = (ctx: Context) => ({ msg: ctx.msg, topAddress: ctx.top.address, originalRecipient: s.enableOriginalRecipient, done: ctx.done });
  const frozen = s.frozenDeliveredTo ?? true;
  /** The Delivered-To: address of an expansion: the request recipient unless frozen_delivered_to = no moved it. */
  const deliveredTo = (ctx: Context, exp: Expansion): string => exp.delivered ?? ctx.top.address;
  /** An expansion that has reached `address` (an alias, a .forward file): Delivered-To: follows unless frozen. */
  const reached = (exp: Expansion, address: string): Expansion => (frozen ? exp : { ...exp, delivered: address });

  const warn = (text: string) => deps.logger.warning(s.logService, text);
  /**
   * One delivery result: the failure status checked, then local_delivery_status_filter (which
   * may turn a bounce into a deferral and back; bounce.c, defer.c, sent.c), then logged and kept.
   */
  const log = async (ctx: Context, to: string, given: Outcome): Promise<void> => {
    const checked = given.outcome === 'sent' ? given : { ...given, dsn: checkedFailureDsn(given.outcome, given.dsn, warn) };
    const o = deps.statusFilter ? { ...checked, ...(await filterDeliveryStatus(deps.statusFilter, checked, warn)) } : checked;
    deps.logger.info(s.logService, formatDeliveryLine({
      queueId: ctx.req.queueId, to, origTo: ctx.top.origTo, relay: 'local', dsn: o.dsn, status: deliveryStatusWord(ctx.req.flags, o.outcome), text: o.text,
      times: { arrival: ctx.req.arrivalTime, active: ctx.req.activeTime, handoff: ctx.handoff, done: now() },
    }));
    ctx.results.push(o);
  };

  /**
   * The command a user's mailbox is delivered through (mailbox.c): mailbox_command_maps by user
   * name, then mailbox_command; undefined = none; null = the table failed.
   */
  async function mailboxCommandFor(user: string): Promise<string | undefined | null> {
    try {
      const found = await deps.mailboxCommandLookup?.(user);
      if (found !== undefined) return found;
    } catch {
      return null;
    }
    return s.mailboxCommand || undefined;
  }

  /** Mailbox delivery through `command`, with the recipient's rights (mailbox.c, command.c). */
  async function mailboxCommand(ctx: Context, address: string, user: PasswdEntry, exp: Expansion, command: string): Promise<Outcome | undefined> {
    if (ctx.req.flags & DEL_REQ_FLAG_USR_VRFY) return { outcome: 'sent', dsn: '2.0.0', text: `delivers to command: ${command}` };
    const privs = { uid: user.uid, gid: user.gid, home: user.home, shell: user.shell };
    return dest.command(destReq(ctx), { ...exp, privs, rcpt: splitRecipient(address, s.recipientDelimiter) }, command, true);
  }

  async function mailbox(ctx: Context, address: string, user: PasswdEntry, exp: Expansion): Promise<Outcome | undefined> {
    const command = await mailboxCommandFor(user.name);
    if (command === null) return { outcome: 'deferred', dsn: '4.3.0', text: 'table lookup failure' };
    if (command !== undefined) return mailboxCommand(ctx, address, user, exp, command);
    const env: Envelope = {
      sender: exp.sender,
      origTo: s.enableOriginalRecipient && ctx.hasOrigTo ? ctx.top.origTo : '',
      deliveredTo: deliveredTo(ctx, reached(exp, address)),
    };
    // sendmail -bv: say where it would go, write nothing.
    if (ctx.req.flags & DEL_REQ_FLAG_USR_VRFY) {
      const maildir = s.homeMailbox ? s.homeMailbox.endsWith('/') : s.mailSpoolDirectory.endsWith('/');
      return { outcome: 'sent', dsn: '2.0.0', text: maildir ? 'delivers to maildir' : 'delivers to mailbox' };
    }
    const t = now();
    const owner = { uid: user.uid, gid: user.gid };
    // mailbox.c: $home/$home_mailbox when set, else the user's file in the spool
    const mailboxPath = s.homeMailbox ? join(user.home, s.homeMailbox) : join(s.mailSpoolDirectory, user.name);
    try {
      if (s.homeMailbox.endsWith('/')) {
        await writeMaildir(mailboxPath, maildirEntry(env, ctx.msg.content), t, owner);
        return { outcome: 'sent', dsn: '2.0.0', text: 'delivered to maildir' };
      }
      if (!s.homeMailbox && s.mailSpoolDirectory.endsWith('/')) {
        await writeMaildir(mailboxPath, maildirEntry(env, ctx.msg.content), t, owner);
        return { outcome: 'sent', dsn: '2.0.0', text: 'delivered to maildir' };
      }
      const unlock = s.dotLock ? await dotLock(mailboxPath, s.dotLock, now) : undefined;
      try {
        await appendMbox(mailboxPath, mboxEntry(env, ctx.msg.content, t), owner, s.mailboxSizeLimit ?? 0, s.strictMailboxOwnership ?? true);
      } finally {
        await unlock?.();
      }
      return { outcome: 'sent', dsn: '2.0.0', text: 'delivered to mailbox' };
    } catch (err) {
      const failed = `cannot update mailbox ${mailboxPath} for user ${user.name}.`;
      if (err instanceof DotLockError) return lockFailure(failed, err);
      if (err instanceof NotOwnedByRecipient) {
        // strict_mailbox_ownership: a temporary failure, so the owner can be put right (mailbox.c)
        warn('specify "strict_mailbox_ownership = no" to ignore mailbox ownership mismatch');
        return { outcome: 'deferred', dsn: '4.2.0', text: `${failed} ${err.message}` };
      }
      // mailbox.c: a write error takes mbox_dsn()'s code (EFBIG: 5.2.2, mailbox full).
      if (err instanceof FileTooLarge) return { outcome: 'bounced', dsn: mboxDsn(err.code, '5.2.0'), text: `${failed} error writing message: ${err.message}` };
      return { outcome: 'deferred', dsn: '4.2.0', text: `${failed} ${(err as Error).message}` };
    }
  }

  /**
   * Hand `address` to the transport `lookup` finds for `user`, else to `fallback`
   * (mailbox_transport*, fallback_transport*): true when it was passed on (or deferred because
   * the table failed), false when neither names a transport.
   */
  async function passedOn(ctx: Context, address: string, user: string, lookup: ((user: string) => Promise<string | undefined>) | undefined, fallback: string | undefined): Promise<boolean> {
    let service: string | undefined;
    try {
      service = await lookup?.(user);
    } catch {
      await log(ctx, address, { outcome: 'deferred', dsn: '4.3.0', text: 'table lookup failure' });
      return true;
    }
    service ??= fallback || undefined;
    if (service === undefined) return false;
    await deliverPass(ctx, address, service);
    return true;
  }

  /**
   * deliver_pass(): one recipient handed to the agent of "transport[:nexthop]" (the request's
   * nexthop when none is given) with the same queue file. That agent logs the delivery; its
   * status becomes this recipient's, without a line of local's own.
   */
  async function deliverPass(ctx: Context, address: string, service: string): Promise<void> {
    const colon = service.indexOf(':');
    const transport = colon < 0 ? service : service.slice(0, colon);
    const nexthop = colon < 0 || colon === service.length - 1 ? ctx.req.nexthop : service.slice(colon + 1);
    deps.logger.info(s.logService, `${ctx.req.queueId}: passing <${address}> to transport=${transport}`);
    const agent = deps.passAgent?.(transport);
    if (!agent) {
      await log(ctx, address, { outcome: 'deferred', dsn: '4.3.0', text: 'mail transport unavailable' });
      return;
    }
    const result = await agent.deliver({ ...ctx.req, transport, nexthop, recipients: [{ ...ctx.top, address }] });
    for (const r of result.recipients) ctx.results.push({ outcome: r.outcome, dsn: r.dsn, text: r.text, diagType: r.diagType, diagText: r.diagText });
  }

  /**
   * require_home_directory (recipient.c): the user's home must exist; otherwise the recipient is
   * deferred. Differs from Postfix: looked at with the reference's rights, not the user's.
   */
  async function homeUnreachable(pw: PasswdEntry): Promise<Outcome | undefined> {
    try {
      await stat(pw.home);
      return undefined;
    } catch (err) {
      return { outcome: 'deferred', dsn: '4.3.0', text: `cannot access home directory ${pw.home}: ${strerror(err as NodeJS.ErrnoException)}` };
    }
  }

  /**
   * The per-recipient duplicate filter (been_here()): true when `key` was seen before in this
   * request; the same set remembers files, commands and .forward files (destinations.ts).
   */
  const seenBefore = (ctx: Context, key: string): boolean => {
    if (ctx.done.has(key)) return true;
    ctx.done.add(key);
    return false;
  };

  /**
   * deliver_recipient(): one address at the caller's nesting `level`. Duplicates at the same
   * level end here silently; then the Delivered-To loop check, aliases, .forward, the mailbox.
   */
  async function deliverRecipient(ctx: Context, address: string, exp: Expansion, level: number): Promise<void> {
    const sender = exp.sender;
    const atRecipient = level + 1;
    if (seenBefore(ctx, `recipient ${atRecipient} ${address.toLowerCase()}`)) return;
    const atSwitch = atRecipient + 1;
    if (ctx.delivered.has(address.toLowerCase())) {
      await log(ctx, address, { outcome: 'bounced', dsn: '5.4.6', text: `mail forwarding loop for ${address}` });
      return;
    }
    // The local part as local(8) sees it: of the internal form (quotes removed), lower-cased.
    const internal = internalize(scan(address));
    const at = internal.lastIndexOf('@');
    const localPart = (at < 0 ? internal : internal.slice(0, at)).toLowerCase();
    let user = localPart;
    let extension = '';
    if (s.recipientDelimiter) {
      const i = [...localPart].findIndex((c) => s.recipientDelimiter.includes(c));
      if (i > 0) {
        user = localPart.slice(0, i);
        extension = localPart.slice(i + 1);
      }
    }
    if (user === '') {
      await log(ctx, address, { outcome: 'bounced', dsn: '5.1.3', text: 'null username' });
      return;
    }
    if (extension && (await deliverAlias(ctx, address, localPart, exp, atSwitch + 1))) return;
    if (await deliverAlias(ctx, address, user, exp, atSwitch + 1)) return;
    const pw = getUser(user);
    if (pw && s.requireHomeDirectory) {
      const unreachable = await homeUnreachable(pw);
      if (unreachable) {
        await log(ctx, address, unreachable);
        return;
      }
    }
    if (pw) {
      const forward = await dest.dotForward(destReq(ctx), pw, { ...reached(exp, address), rcpt: splitRecipient(address, s.recipientDelimiter) });
      if (forward) {
        await expandItems(ctx, forward.items, { ...forward.exp, expandedFrom: localPart }, atSwitch + 1, address);
        return;
      }
    }
    // mailbox.c: one visit per mailbox and request, whether or not the user exists.
    if (seenBefore(ctx, `mailbox ${localPart}`)) return;
    // mailbox.c: mailbox_transport_maps, then mailbox_transport, before the password file counts
    if (await passedOn(ctx, address, user, deps.mailboxTransportLookup, s.mailboxTransport)) return;
    if (pw) {
      const o = await mailbox(ctx, address, pw, exp);
      if (o) await log(ctx, address, o);
      return;
    }
    // unknown.c: fallback_transport_maps, then fallback_transport, take an unknown user first
    if (await passedOn(ctx, address, user, deps.fallbackTransportLookup, s.fallbackTransport)) return;
    // unknown.c: luser_relay takes what no alias or user claimed, unless it names this very address.
    if (s.luserRelay) {
      const relay = localExpand(s.luserRelay, {
        user, local: localPart, extension: extension || undefined, domain: at < 0 ? undefined : internal.slice(at + 1),
        recipient: address, recipient_delimiter: s.recipientDelimiter || undefined,
      }, undefined, true) ?? '';
      const canon = (await deps.rewrite.rewrite('local', relay)).address;
      if (canon !== address) {
        await expandItems(ctx, [relay], exp, atSwitch + 1, address);
        return;
      }
    } else if (user === 'mailer-daemon' || user === 'postmaster') {
      deps.logger.warning(s.logService, `required alias not found: ${user}`);
      await log(ctx, address, { outcome: 'sent', dsn: '2.0.0', text: 'discarded' });
      return;
    }
    await log(ctx, address, { outcome: 'bounced', dsn: '5.1.1', text: `unknown user: "${user}"` });
  }

  /**
   * deliver_alias() for `name` at nesting level `atAlias`: false when `name` is no alias here
   * (not in alias_maps, or the name whose expansion is being delivered), true when the
   * recipient was handled (expanded, bounced as a loop, or deferred on a table error).
   */
  async function deliverAlias(ctx: Context, address: string, name: string, exp: Expansion, atAlias: number): Promise<boolean> {
    if (exp.expandedFrom !== undefined && exp.expandedFrom.toLowerCase() === name) return false;
    if (atAlias > MAX_LEVEL) {
      deps.logger.warning(s.logService, `alias database loop for ${name}`);
      await log(ctx, address, { outcome: 'bounced', dsn: '5.4.6', text: `alias database loop for ${name}` });
      return true;
    }
    let expansion: string | undefined;
    try {
      expansion = await deps.aliasLookup(name);
    } catch {
      await log(ctx, address, aliasDatabaseUnavailable());
      return true;
    }
    if (expansion === undefined) return false;
    let next: Expansion = { ...reached(exp, address), type: 'alias', privs: undefined, rcpt: splitRecipient(address, s.recipientDelimiter), expandedFrom: name };
    if (s.ownerRequestSpecial) {
      let owner: string | undefined;
      try {
        owner = await deps.aliasLookup(`owner-${name}`);
      } catch {
        // alias.c: a failed owner- lookup leaves the table error set, and the alias is deferred.
        await log(ctx, address, aliasDatabaseUnavailable());
        return true;
      }
      if (owner !== undefined) {
        // A list with an owner: the owner becomes the envelope sender, the original
        // recipient and ORCPT are reset, and local members are forwarded too (alias.c).
        // expand_owner_alias: the owner alias's value rather than its name (alias.c)
        const canon = (await deps.rewrite.rewrite('local', s.expandOwnerAlias ? owner : `owner-${name}`)).address;
        next = { ...next, sender: canon, owned: true, origTo: '', dsnOrcpt: undefined, include: false };
      }
    }
    await expandItems(ctx, splitAliasItems(expansion), next, atAlias, address);
    return true;
  }

  /**
   * The items of an alias, .forward or :include: expanded at nesting `level`: files and
   * commands delivered, :include: files read one level down, addresses resolved one level
   * down and delivered here (local ones) or forwarded.
   */
  async function expandItems(ctx: Context, items: string[], exp: Expansion, level: number, parent: string): Promise<void> {
    const sender = exp.sender;
    for (const raw of items) {
      const item = unquoteItem(raw.trim());
      if (/^:include:/i.test(item)) {
        const path = item.slice(':include:'.length).trim();
        let text: string;
        try {
          text = await readFile(path, 'utf8');
        } catch (err) {
          await log(ctx, parent, { outcome: 'deferred', dsn: '4.3.0', text: `cannot open include file ${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'No such file or directory' : (err as Error).message}` });
          continue;
        }
        const local = parent.slice(0, parent.lastIndexOf('@') < 0 ? parent.length : parent.lastIndexOf('@')).toLowerCase();
        await expandItems(ctx, includeItems(text), { ...exp, include: true, type: 'include', expandedFrom: local }, level + 1, parent);
        continue;
      }
      if (item.startsWith('|') || item.startsWith('/') || item.startsWith('~/')) {
        // sendmail -bv: say where it would go, run and write nothing.
        const o = ctx.req.flags & DEL_REQ_FLAG_USR_VRFY
          ? { outcome: 'sent' as const, dsn: '2.0.0', text: item.startsWith('|') ? `delivers to command: ${item.slice(1)}` : `delivers to file: ${item}` }
          : item.startsWith('|') ? await dest.command(destReq(ctx), exp, item.slice(1)) : await dest.file(destReq(ctx), exp, item);
        if (o) await log(ctx, parent, o);
        continue;
      }
      const canon = (await deps.rewrite.rewrite('local', bareAddress(item))).address;
      const resolved = await deps.rewrite.resolve(sender, canon);
      // Local results are delivered here, except members of :include: files and of lists
      // with an owner- alias, which always go through cleanup (recipient.c).
      if (resolved.transport === s.transport && !exp.include && !exp.owned) {
        await deliverRecipient(ctx, resolved.recipient, exp, level + 1);
      } else {
        const delivered = deliveredTo(ctx, exp);
        const key = JSON.stringify([delivered, sender]);
        const batch = ctx.forwards.get(key) ?? { delivered, sender, recipients: [] };
        batch.recipients.push({ address: canon, origTo: exp.origTo, dsnOrcpt: exp.dsnOrcpt });
        ctx.forwards.set(key, batch);
      }
    }
  }

  async function flushForwards(ctx: Context): Promise<void> {
    const attrs: Record<string, string> = {};
    for (const name of ['log_client_name', 'log_client_address', 'log_protocol_name', 'log_helo_name', 'sasl_method', 'sasl_username', 'sasl_sender', 'log_ident', 'rewrite_context']) {
      const v = ctx.msg.attributes[name];
      if (v) attrs[name] = v;
    }
    for (const { delivered, sender, recipients } of ctx.forwards.values()) {
      if (ctx.req.flags & DEL_REQ_FLAG_USR_VRFY) {
        // sendmail -bv: nothing is re-injected; each forwarding target is reported.
        for (const r of recipients) await log(ctx, ctx.top.address, { outcome: 'sent', dsn: '2.0.0', text: `forwards to ${r.address}` });
        continue;
      }
      try {
        const open = await deps.cleanup.open('local-forward');
        const header = `Received: by ${utf8ByteString(s.myhostname)} (${utf8ByteString(s.mailName)})\n\tid ${open.queueId}; ${mailDate(now() / 1000)}\nDelivered-To: ${utf8ByteString(delivered.toLowerCase())}\n`;
        const reply = await open.submit({
          source: 'local-forward', sender, recipients, content: Buffer.concat([Buffer.from(header, 'latin1'), ctx.msg.content]),
          attributes: attrs, parentQueueId: ctx.req.queueId, arrivalTime: now(),
          // forward.c: cleanup returns a copy it refuses (too many hops) to the sender itself,
          // and the copy keeps the original's SMTPUTF8 request (or detects it, smtputf8_autodetect_classes)
          flags: {
            bounceOnError: true, smtputf8: (ctx.msg.size.smtputf8 & SMTPUTF8_FLAG_REQUESTED) !== 0,
            autoSmtputf8: s.smtputf8AutodetectForward === true,
          },
        });
        if (reply.status === CLEANUP_STAT.OK) await log(ctx, ctx.top.address, { outcome: 'sent', dsn: '2.0.0', text: `forwarded as ${reply.queueId}` });
        else ctx.unfinished = true; // nothing logged here (forward.c); cleanup said why
      } catch (err) {
        await log(ctx, ctx.top.address, { outcome: 'deferred', dsn: '4.3.0', text: `cannot forward message: ${(err as Error).message}` });
      }
    }
  }

  return {
    transport: s.transport,
    async deliver(req: DeliveryRequest): Promise<DeliveryResult> {
      const handoff = now();
      const msg = await readQueueFile(req.queueFile);
      const delivered = deliveredToSet(msg.content);
      const statuses: RecipientStatus[] = [];
      for (const given of req.recipients) {
        // local.c: the duplicate filter starts afresh for each recipient of the request
        const done = new Set<string>();
        // without an original recipient record (enable_original_recipient = no) the request's
        // recipient stands in for it: expansions log it as orig_to=, as Postfix's local(8) does
        const top = { ...given, origTo: given.origTo || given.address };
        const ctx: Context = { req, msg, handoff, top, hasOrigTo: given.origTo !== '', delivered, forwards: new Map(), results: [], done };
        await deliverRecipient(ctx, top.address, { sender: req.sender, owned: false, include: false, origTo: top.origTo, dsnOrcpt: top.dsnOrcpt }, 0);
        await flushForwards(ctx);
        // The request recipient is done only when every branch is; a deferred branch wins.
        const deferred = ctx.results.find((r) => r.outcome === 'deferred');
        if (ctx.unfinished && !deferred && !ctx.results.some((r) => r.outcome === 'bounced')) continue;
        const worst = deferred ?? ctx.results.find((r) => r.outcome === 'bounced') ?? ctx.results[0]
          // only duplicates of files or commands delivered earlier in this request: nothing logged
          ?? { outcome: 'sent', dsn: '2.0.0', text: '' };
        const diag = worst.diagType === undefined ? {} : { diagType: worst.diagType, diagText: worst.diagText ?? '' };
        statuses.push({ offset: top.offset, address: top.address, outcome: worst.outcome, dsn: worst.dsn, text: worst.text, relay: 'local', ...diag });
      }
      return { recipients: statuses };
    },
  };
}
