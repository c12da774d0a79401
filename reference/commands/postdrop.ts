/**
 * postdrop(1) for the reference: puts one local submission into maildrop/ and pokes pickup.
 *
 * Called by the reference sendmail (./sendmail.ts) with the records sendmail produces
 * (postfix-internals §5.8). As postdrop.c does: the first record is its own T (the caller's
 * time records are dropped); records must follow the segment order envelope → M → content →
 * X → extracted → E; only a few attributes pass (encoding 7bit/8bit/none, envelope_id,
 * notify_flags, dsn_orig_rcpt, ret_flags, create_time, rewrite_context local/remote,
 * trace_flags — others are ignored with a warning); a submission without a sender or without
 * a recipient is refused (CLEANUP_STAT_BAD). The file is created in maildrop/ (queue ID as
 * cleanup makes them), written, set to mode 0744 (complete) and fsynced; then "W" goes to
 * public/pickup. A pickup that is not running is not an error (postdrop warns "unable to look
 * up public/pickup" when the socket is missing): pickup finds the file later.
 */
import { existsSync } from 'node:fs';
import type { QueueLayout } from '../queue/layout.ts';
import { QueueFileWriter } from '../queue/queue-file.ts';
import { REC } from '../queue/records.ts';
import { publicSocket } from '../protocol/sockets.ts';
import { sendTrigger } from '../skeleton/trigger-server.ts';
import { CLEANUP_STAT } from '../global/cleanup-user.ts';
import {
  MAIL_ATTR_CREATE_TIME, MAIL_ATTR_DSN_ENVID, MAIL_ATTR_DSN_NOTIFY, MAIL_ATTR_DSN_ORCPT, MAIL_ATTR_DSN_RET, MAIL_ATTR_ENCODING,
  MAIL_ATTR_RWR_CONTEXT, MAIL_ATTR_RWR_LOCAL, MAIL_ATTR_RWR_REMOTE, MAIL_ATTR_TRACE_FLAGS,
} from '../global/mail-proto.ts';

export interface DropRecord {
  type: string;
  data?: string | Buffer;
}

export interface PostdropOptions {
  layout: QueueLayout;
  records: DropRecord[];
  longQueueIds?: boolean;
  /** Wall clock in ms (the T record). */
  clock?: () => number;
  /** postdrop's own stderr lines ("postdrop: warning: ..."), as real postdrop prints them. */
  stderr?: (line: string) => void;
  /** Real uid of the submitter (warnings say "uid=N"). */
  uid?: number;
  /** Send the pickup trigger (default true). */
  trigger?: boolean;
}

export interface PostdropResult {
  /** CLEANUP_STAT.OK, or CLEANUP_STAT.BAD for a malformed submission. */
  status: number;
  reason: string;
  queueId?: string;
}

/** Record types allowed per segment; the first of each set ends the segment (rec_type.h REC_TYPE_POST_*). */
const SEGMENTS = ['MFSRVAin', 'XLN', 'EAR'];

const PASSED_ATTRS = new Set([MAIL_ATTR_DSN_ENVID, MAIL_ATTR_DSN_NOTIFY, MAIL_ATTR_DSN_ORCPT, MAIL_ATTR_DSN_RET, MAIL_ATTR_CREATE_TIME, MAIL_ATTR_TRACE_FLAGS]);

function attributeAllowed(name: string, value: string): boolean {
  if (name === MAIL_ATTR_ENCODING) return value === '7bit' || value === '8bit' || value === 'none';
  if (name === MAIL_ATTR_RWR_CONTEXT) return value === MAIL_ATTR_RWR_LOCAL || value === MAIL_ATTR_RWR_REMOTE;
  return PASSED_ATTRS.has(name);
}

export async function postdrop(opts: PostdropOptions): Promise<PostdropResult> {
  const now = (opts.clock ?? Date.now)();
  const warn = (text: string) => opts.stderr?.(`postdrop: warning: ${text}`);
  const uid = opts.uid ?? process.getuid?.() ?? 0;
  let segment = 0;
  let senders = 0;
  let recipients = 0;
  const out: DropRecord[] = [{ type: REC.TIME, data: `${Math.floor(now / 1000)} ${(now % 1000) * 1000}` }];
  for (const rec of [...opts.records, { type: REC.END }]) {
    const allowed = SEGMENTS[segment] ?? '';
    if (!allowed.includes(rec.type)) {
      return { status: CLEANUP_STAT.BAD, reason: `unexpected record type: ${rec.type.charCodeAt(0)}` };
    }
    if (segment < SEGMENTS.length && rec.type === allowed[0]) segment++;
    if (rec.type === REC.FROM) senders++;
    if (rec.type === REC.RCPT) recipients++;
    if (rec.type === REC.ATTR) {
      const text = Buffer.from(rec.data ?? '').toString('utf8');
      const eq = text.indexOf('=');
      if (eq <= 0) {
        warn(`uid=${uid}: ignoring malformed record: missing attribute name: ${text.slice(0, 200)}`);
        continue;
      }
      if (!attributeAllowed(text.slice(0, eq), text.slice(eq + 1))) {
        warn(`uid=${uid}: ignoring attribute record: ${text.slice(0, eq).slice(0, 200)}=${text.slice(eq + 1).slice(0, 200)}`);
        continue;
      }
    }
    out.push(rec);
    if (rec.type === REC.END) break;
  }
  if (senders === 0 || recipients === 0) return { status: CLEANUP_STAT.BAD, reason: 'message has no sender or no recipient' };

  const writer = await QueueFileWriter.create(opts.layout, 'maildrop', { longQueueIds: opts.longQueueIds });
  try {
    for (const r of out) writer.add(r.type, r.data ?? '');
    await writer.finishPlain(0o744);
  } catch (err) {
    await writer.abort();
    throw err;
  }
  if (opts.trigger !== false) {
    const socket = publicSocket(opts.layout.queueDir, 'pickup');
    if (!existsSync(socket)) warn('unable to look up public/pickup: No such file or directory');
    else await sendTrigger(socket);
  }
  return { status: CLEANUP_STAT.OK, reason: '', queueId: writer.queueId };
}
