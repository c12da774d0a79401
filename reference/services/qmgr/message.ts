/**
 * qmgr(8) reading one message from active/ (the reading half of qmgr_message.c; the other half,
 * resolving and sorting recipients, is resolve.ts): the queue file parsed, a file that does not
 * parse saved in the corrupt queue, the defer log of the previous attempt removed, the
 * "QID: from=<S>, size=N, nrcpt=N (queue active)" line logged, and the recipients still to do
 * returned. Called by createQmgr's per-message pipeline (qmgr.ts) for every file scan.ts moved
 * into active/.
 */
import { DEL_REQ_FLAG_USR_VRFY } from '../../global/deliver-request.ts';
import { DSN_NOTIFY_SUCCESS } from '../../global/dsn-mask.ts';
import { MAIL_ATTR_TRACE_FLAGS } from '../../global/mail-proto.ts';
import { readQueueFile, type QueuedRecipient, type QueueMessage } from '../../queue/queue-file.ts';
import { SERVICE, type QmgrContext } from './context.ts';

/**
 * Read active/QID. A file that does not parse is kept, not lost and not retried forever: it is
 * saved in the corrupt queue for the administrator (postsuper, postcat) and undefined returned.
 * A file that has gone (ENOENT) is a fault the caller logs.
 */
export async function readActiveMessage(ctx: QmgrContext, id: string): Promise<QueueMessage | undefined> {
  try {
    return await readQueueFile(ctx.layout.pathOf('active', id));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw err;
    await saveCorrupt(ctx, id, err as Error);
    return undefined;
  }
}

/** qmgr_active_corrupt(): say why, then move the file from active/ to corrupt/. */
async function saveCorrupt(ctx: QmgrContext, id: string, err: Error): Promise<void> {
  ctx.logger.warning(SERVICE, `${id}: ${err.message}`);
  ctx.logger.warning(SERVICE, `saving corrupt file "${id}" from queue "active" to queue "corrupt"`);
  await ctx.layout.move(id, 'active', 'corrupt');
}

/**
 * Start a delivery attempt: the defer log describes the latest attempt only, so it is removed
 * each time the message is read, before resolving (recipients delivered since are not listed
 * again); then the "queue active" line. Returns the recipients not yet done.
 */
export async function beginAttempt(ctx: QmgrContext, id: string, msg: QueueMessage): Promise<QueuedRecipient[]> {
  await ctx.layout.remove('defer', id);
  const todo = msg.recipients.filter((r) => !r.done);
  ctx.logger.info(SERVICE, `${id}: from=<${msg.sender}>, size=${msg.size.messageSize}, nrcpt=${todo.length} (queue active)`);
  return todo;
}

/** The message's trace_flags (sendmail -bv: DEL_REQ_FLAG_USR_VRFY), 0 when absent. */
export const traceFlagsOf = (msg: QueueMessage): number => Number.parseInt(msg.attributes[MAIL_ATTR_TRACE_FLAGS] ?? '0', 10) || 0;

/** QMGR_READ_FLAG_NOTIFY_SUCCESS (qmgr_user.h): the size record's qmgr flags hold every recipient's NOTIFY bits shifted by one. */
const QMGR_READ_FLAG_NOTIFY_SUCCESS = DSN_NOTIFY_SUCCESS << 1;

/** Some recipient of the message, delivered or not, asked for NOTIFY=SUCCESS (cleanup noted it in the size record). */
export const anyNotifySuccess = (msg: QueueMessage): boolean => (msg.size.qmgrFlags & QMGR_READ_FLAG_NOTIFY_SUCCESS) !== 0;

/** sendmail -bv: the agents only verify, and every answer goes to the trace log. */
export const isVerifyOnly = (msg: QueueMessage): boolean => (traceFlagsOf(msg) & DEL_REQ_FLAG_USR_VRFY) !== 0;
