/**
 * postsuper(1) for the reference MTA: the superintendent's queue operations, over
 * reference/queue (QueueLayout). Callers: the property tests of the queue model, harness
 * scenarios (postsuper steps), and the reference target.
 *
 * Operations (postsuper.c: delete_one, hold_one, release_one, requeue_one):
 *   -d ID|ALL  delete: remove the bounce/defer/trace logs, then the message file; "QID: removed"
 *   -h ID|ALL  hold: rename from incoming/active/deferred into hold/ (never from maildrop);
 *              "QID: placed on hold". The file's times are kept.
 *   -H ID|ALL  release: rename hold/ → deferred/ (times kept, so it is retried at the next
 *              deferred-queue scan); "QID: released from hold"
 *   -r ID|ALL  requeue: rename into maildrop/ and set atime/mtime to now; pickup(8) then copies
 *              it through cleanup into a NEW queue file (new ID, done recipients dropped).
 *              As in postsuper.c, the defer/bounce logs are left alone. No trigger is sent.
 * Only complete queue files (all owner bits set) are touched, as mail_open_ok() requires.
 * A summary line like postsuper's ("Deleted: 1 message") is logged per operation.
 */
import { stat, unlink, utimes } from 'node:fs/promises';
import type { Logger } from '../services/contracts.ts';
import type { QueueLayout } from '../queue/layout.ts';
import { isReadyMode } from '../queue/queue-file.ts';
import { isValidQueueId } from '../queue/queue-id.ts';

export type PostsuperAction = 'delete' | 'hold' | 'release' | 'requeue';

export interface PostsuperOptions {
  layout: QueueLayout;
  logger?: Logger;
  /** Wall clock in ms (requeue sets the file times to now). */
  clock?: () => number;
}

/** The message queues each action looks in (postsuper's defaults), in search order. */
const SOURCE_QUEUES: Record<PostsuperAction, string[]> = {
  delete: ['hold', 'incoming', 'active', 'deferred', 'maildrop'],
  hold: ['incoming', 'active', 'deferred'],
  release: ['hold'],
  requeue: ['hold', 'incoming', 'active', 'deferred'],
};

const SUMMARY: Record<PostsuperAction, string> = {
  delete: 'Deleted', hold: 'Placed on hold', release: 'Released from hold', requeue: 'Requeued',
};

const LOG_QUEUES = ['bounce', 'defer', 'trace'];
const SERVICE = 'postsuper';

/** Where a complete copy of `id` is, searching `queues` in order (mail_open_ok). */
async function findReady(layout: QueueLayout, queues: string[], id: string): Promise<string | undefined> {
  for (const q of queues) {
    try {
      const st = await stat(layout.pathOf(q, id));
      if (st.isFile() && isReadyMode(st.mode)) return q;
    } catch { /* not in this queue (or gone meanwhile): try the next */ }
  }
  return undefined;
}

async function one(opts: PostsuperOptions, action: PostsuperAction, id: string): Promise<boolean> {
  const { layout, logger } = opts;
  if (!isValidQueueId(id)) {
    logger?.warning(SERVICE, `invalid mail queue id: ${id}`);
    return false;
  }
  const queue = await findReady(layout, SOURCE_QUEUES[action], id);
  if (!queue) return false;
  switch (action) {
    case 'delete':
      for (const lq of LOG_QUEUES) {
        await layout.remove(lq, id).catch((err: Error) => logger?.warning(SERVICE, `remove file ${layout.pathOf(lq, id)}: ${err.message}`));
      }
      await unlink(layout.pathOf(queue, id));
      logger?.info(SERVICE, `${id}: removed`);
      return true;
    case 'hold':
      await layout.move(id, queue, 'hold');
      logger?.info(SERVICE, `${id}: placed on hold`);
      return true;
    case 'release':
      await layout.move(id, 'hold', 'deferred');
      logger?.info(SERVICE, `${id}: released from hold`);
      return true;
    case 'requeue': {
      const path = await layout.move(id, queue, 'maildrop');
      const now = (opts.clock ?? Date.now)() / 1000;
      await utimes(path, now, now);
      logger?.info(SERVICE, `${id}: requeued`);
      return true;
    }
  }
}

/**
 * Apply `action` to the named queue IDs, or to every message when `ids` is 'ALL'.
 * Returns the number of messages acted on.
 */
export async function postsuper(opts: PostsuperOptions, action: PostsuperAction, ids: string[] | 'ALL'): Promise<number> {
  let list: string[];
  if (ids === 'ALL') {
    const all = new Set<string>();
    for (const q of SOURCE_QUEUES[action]) for (const id of await opts.layout.list(q)) all.add(id);
    list = [...all];
  } else {
    list = ids;
  }
  let n = 0;
  for (const id of list) if (await one(opts, action, id)) n++;
  if (n > 0) opts.logger?.info(SERVICE, `${SUMMARY[action]}: ${n} message${n === 1 ? '' : 's'}`);
  return n;
}
