/**
 * pickup: the reference pickup(8) service — local submissions from maildrop/ into the queue.
 *
 * Requests served: wake() (the "W" trigger postdrop sends to public/pickup after it wrote a
 * file; the periodic wake-up, master.cf wakeup column, 60 s by default; postqueue -f), plus
 * start()/stop()/idle(). Runs in the trigger_server model (pickupDaemon below: the socket and
 * the wake-up timer are reference/skeleton/trigger-server.ts's); calls cleanup (the message
 * moves on) and nothing else. Follows pickup(8) and src/pickup/pickup.c.
 *
 * Each wake-up scans maildrop/ again and again until a pass removes nothing. For every file
 * that is complete (owner rwx bits, as mail_open_ok checks — postdrop sets 0744 last):
 *   1. read the records postdrop wrote (reference/queue parseQueueFile: T, A, F, S, V, R, M,
 *      content, X, extracted R, E; content_filter L and REDIRECT > records are dropped);
 *   2. open a cleanup stream (source "pickup": rewrite context from the file, local by
 *      default) and log "NEWQID: uid=<file owner> from=<sender>" (plus " orig_id=<maildrop
 *      name>" for a file postsuper -r requeued: owned by $mail_owner and not world-readable);
 *   3. submit: envelope as read (no T record → the file's mtime), the content with
 *      "Received: by $myhostname ($mail_name, from userid UID)\n\tid NEWQID; <mtime date>"
 *      prepended — with an empty line first when the content starts with white space, so it
 *      does not continue that header;
 *   4. remove the maildrop file once cleanup accepted it. A file with no sender is logged
 *      ("uid=N: no envelope sender") and removed; a cleanup write error keeps it for later.
 * Durable as Postfix: the maildrop file is only removed after cleanup has the queue file, so a
 * crash in between is recovered by the next scan (after restart: at start()).
 *
 * Differs from Postfix: when cleanup cannot take a file because trivial-rewrite is throttled,
 * pickup logs "warning: QID: cleanup service: 4.3.0 Error: trivial-rewrite service
 * unavailable" and keeps the file; real pickup waits for cleanup without a word (cleanup runs
 * in-process here and answers at once). Shown by proxymap/unapproved-table-refused.
 */
import { readFile, stat, unlink } from 'node:fs/promises';
import type { CleanupClient, CleanupRequest, Logger } from '../contracts.ts';
import type { QueueLayout } from '../../queue/layout.ts';
import { isReadyMode, parseQueueFile } from '../../queue/queue-file.ts';
import { REC } from '../../queue/records.ts';
import { mailDate } from '../../global/mail-date.ts';
import { quoteLocal } from '../../global/tok822.ts';
import { CLEANUP_STAT } from '../../global/cleanup-user.ts';
import { smtputf8Autodetect } from '../../global/smtputf8.ts';

export interface PickupParams {
  get(name: string): string;
}

export interface PickupDeps {
  config: PickupParams;
  layout: QueueLayout;
  cleanup: CleanupClient;
  logger: Logger;
  /** Wall clock in ms. */
  clock?: () => number;
  /** uid of $mail_owner (for requeued files); looked up from /etc/passwd when absent. The
   *  uid running the reference counts as owner too. */
  mailOwnerUid?: number;
}

export interface Pickup {
  start(): Promise<void>;
  stop(): Promise<void>;
  wake(): void;
  /** Resolves when no scan is running or pending. */
  idle(): Promise<void>;
}

const SERVICE = 'pickup';
const HOUR = 3600;
const DAY = 86400;

/** Attributes a requeued file may carry in its extracted segment that pickup keeps (rec_attr_map). */
const KEPT_EXTRACTED_ATTRS = new Set(['dsn_orig_rcpt', 'notify_flags', 'envelope_id', 'ret_flags', 'create_time']);

/** uid of a login name from /etc/passwd (undefined when unknown). */
export async function uidOf(name: string): Promise<number | undefined> {
  try {
    const line = (await readFile('/etc/passwd', 'utf8')).split('\n').find((l) => l.split(':')[0] === name);
    return line ? Number(line.split(':')[2]) : undefined;
  } catch {
    return undefined; // no readable password file: no such user either
  }
}

type Outcome = 'removed' | 'kept';

export function createPickup(deps: PickupDeps): Pickup {
  const { config: cfg, layout, logger } = deps;
  const clock = deps.clock ?? Date.now;
  let ownerUid = deps.mailOwnerUid;
  let running = false;
  let scanning: Promise<void> | undefined;
  let again = false;

  async function pickupFile(id: string): Promise<Outcome | undefined> {
    const path = layout.pathOf('maildrop', id);
    let st;
    try {
      st = await stat(path);
    } catch {
      return undefined; // gone since the directory was listed (another pickup, postsuper): nothing to do
    }
    if (!st.isFile() || !isReadyMode(st.mode)) return undefined;
    const msg = parseQueueFile(await readFile(path), path);
    if (!msg.records.some((r) => r.type === REC.FROM)) {
      logger.warning(SERVICE, `${id}: uid=${st.uid}: no envelope sender`);
      return 'removed';
    }
    const nowSec = clock() / 1000;
    let mtimeMs = st.mtimeMs;
    if (st.mtimeMs / 1000 > nowSec + 2 * HOUR) {
      logger.warning(SERVICE, `${id}: message dated ${Math.floor(st.mtimeMs / 1000 - nowSec)} seconds into the future`);
      mtimeMs = clock();
    } else if (st.mtimeMs / 1000 < nowSec - DAY) {
      logger.warning(SERVICE, `${id}: message has been queued for ${Math.floor((nowSec - st.mtimeMs / 1000) / DAY)} days`);
    }
    ownerUid ??= (await uidOf(cfg.get('mail_owner'))) ?? -1;
    // The reference's own queue files belong to whoever runs it (root in tests), not always to
    // $mail_owner; either owner marks a file postsuper -r put here (not world-readable).
    const requeued = (st.uid === ownerUid || st.uid === process.getuid?.()) && (st.mode & 0o004) === 0;

    const handle = await deps.cleanup.open('pickup');
    const sender = msg.sender ? quoteLocal(msg.sender) : '';
    logger.info(SERVICE, `${handle.queueId}: uid=${st.uid} from=<${sender}>${requeued ? ` orig_id=${id}` : ''}`);
    const received = `Received: by ${cfg.get('myhostname')} (${cfg.get('mail_name')}, from userid ${st.uid})\n` +
      `\tid ${handle.queueId}; ${mailDate(mtimeMs / 1000)}\n`;
    const startsBlank = msg.content.length > 0 && (msg.content[0] === 0x20 || msg.content[0] === 0x09);
    const attributes: Record<string, string> = {};
    let extracted = false;
    for (const r of msg.records) {
      if (r.type === REC.XTRA) extracted = true;
      if (r.type !== REC.ATTR) continue;
      const text = r.data.toString('utf8');
      const eq = text.indexOf('=');
      const name = eq < 0 ? text : text.slice(0, eq);
      if (name === 'dsn_orig_rcpt' || name === 'notify_flags') continue; // per recipient
      if (extracted && !KEPT_EXTRACTED_ATTRS.has(name)) continue;
      attributes[name] = eq < 0 ? '' : text.slice(eq + 1);
    }
    if (msg.fullName) attributes.sender_fullname = msg.fullName;
    attributes.rewrite_context ??= 'local';
    const hasTime = msg.records.some((r) => r.type === REC.TIME);
    // sendmail -V: the VERP delimiters go to cleanup as they were written
    const verp = msg.records.find((r) => r.type === REC.VERP)?.data.toString('latin1');
    const req: CleanupRequest = {
      source: 'pickup',
      sender: msg.sender,
      recipients: msg.recipients.filter((r) => !r.done).map((r) => ({
        address: r.address, origTo: r.origTo || undefined, dsnNotify: r.dsnNotify, dsnOrcpt: r.dsnOrcpt,
      })),
      content: Buffer.concat([Buffer.from(received + (startsBlank ? '\n' : ''), 'latin1'), msg.content]),
      attributes,
      ...(verp !== undefined ? { verpDelimiters: verp } : {}),
      arrivalTime: hasTime ? msg.arrivalTime : Math.floor(mtimeMs / 1000) * 1000,
      // CLEANUP_FLAG_BOUNCE | CLEANUP_FLAG_MASK_EXTERNAL: address mapping included.
      flags: { bounceOnError: true, autoSmtputf8: smtputf8Autodetect(cfg.get('smtputf8_autodetect_classes'), 'sendmail') },
    };
    const reply = await handle.submit(req);
    if (reply.status !== CLEANUP_STAT.OK) {
      logger.warning(SERVICE, `${id}: cleanup service: ${reply.reason ?? `status ${reply.status}`}`);
      return 'kept';
    }
    return 'removed';
  }

  async function scanOnce(): Promise<number> {
    let removed = 0;
    for (const id of await layout.list('maildrop')) {
      if (!running) break;
      let outcome: Outcome | undefined;
      try {
        outcome = await pickupFile(id);
      } catch (err) {
        logger.warning(SERVICE, `${id}: ${(err as Error).message}`);
        continue;
      }
      if (outcome !== 'removed') continue;
      try {
        await unlink(layout.pathOf('maildrop', id));
        removed++;
      } catch (err) {
        logger.warning(SERVICE, `remove maildrop/${id}: ${(err as Error).message}`);
      }
    }
    return removed;
  }

  /** One wake-up: scan until a pass removes nothing. Wake-ups during a scan cause one more. */
  function wake(): void {
    if (!running) return;
    if (scanning) {
      again = true;
      return;
    }
    scanning = (async () => {
      do {
        again = false;
        while ((await scanOnce()) > 0 && running) { /* until nothing is removed */ }
      } while (again && running);
    })()
      .catch((err) => logger.warning(SERVICE, String((err as Error).stack ?? err)))
      .finally(() => {
        scanning = undefined;
      });
  }

  return {
    async start() {
      running = true;
      wake();
    },
    async stop() {
      running = false;
      await scanning;
    },
    wake,
    async idle() {
      while (scanning) await scanning;
    },
  };
}
