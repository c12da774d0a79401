/**
 * qmgr(8) queue scans (qmgr_scan.c, qmgr_active_feed() in qmgr_active.c, qmgr_move.c):
 *   scanQueue      list incoming/ or deferred/ and feed each file that is ready into active/ —
 *                  completely written (mode 0700), and due (mtime, the next-attempt time, not
 *                  more than a second ahead) unless the scan takes all (postqueue -f); the
 *                  postsuper -e forced-expire bit is read on the way;
 *   recoverActive  on start, files a crashed qmgr left in active/ go back to incoming/ with
 *                  their mtime set to now, so that they are due at once.
 * Called by createQmgr (qmgr.ts) on cleanup's wake-up, on flush and on the queue_run_delay
 * timer; what happens to a fed message is qmgr.ts's per-message pipeline.
 */
import { stat, utimes } from 'node:fs/promises';
import { MODE_FORCED_EXPIRE, isReadyMode } from '../../queue/queue-file.ts';
import { SERVICE, type QmgrContext } from './context.ts';

export type ScannedQueue = 'incoming' | 'deferred';

/** Where a scan hands files over: the IDs qmgr works on now, and what to do with a new one. */
export interface ActiveQueue {
  /** IDs in active/ being worked on; a scan skips them and adds those it moves there. */
  readonly inFlight: Set<string>;
  /** A file moved into active/: work on it. */
  feed(id: string, forcedExpire: boolean): void;
}

export async function scanQueue(ctx: QmgrContext, queue: ScannedQueue, all: boolean, active: ActiveQueue): Promise<void> {
  const now = ctx.clock();
  for (const id of await ctx.layout.list(queue)) {
    if (active.inFlight.has(id)) continue;
    const ready = await readyToFeed(ctx, queue, id, all, now);
    if (!ready) continue;
    active.inFlight.add(id);
    if (!(await moveToActive(ctx, queue, id))) {
      active.inFlight.delete(id);
      continue;
    }
    active.feed(id, ready.forcedExpire);
  }
}

/** Is queue/id to be taken now? With its forced-expire bit; undefined to leave it. */
async function readyToFeed(ctx: QmgrContext, queue: ScannedQueue, id: string, all: boolean, now: number): Promise<{ forcedExpire: boolean } | undefined> {
  let st;
  try {
    st = await stat(ctx.layout.pathOf(queue, id));
  } catch (err) {
    skipQueueFile(ctx, queue, id, err);
    return undefined;
  }
  if (!isReadyMode(st.mode)) return undefined;
  if (!all && st.mtimeMs > now + 1000) return undefined;
  return { forcedExpire: (st.mode & MODE_FORCED_EXPIRE) !== 0 };
}

async function moveToActive(ctx: QmgrContext, queue: ScannedQueue, id: string): Promise<boolean> {
  try {
    await ctx.layout.move(id, queue, 'active');
    return true;
  } catch (err) {
    skipQueueFile(ctx, queue, id, err);
    return false;
  }
}

/** A file another process moved or removed since the directory was listed is skipped, as qmgr_scan does; other errors are logged. */
function skipQueueFile(ctx: QmgrContext, queue: string, id: string, err: unknown): void {
  if ((err as NodeJS.ErrnoException).code !== 'ENOENT') ctx.logger.warning(SERVICE, `${queue}/${id}: ${(err as Error).message}`);
}

/** Crash recovery as qmgr_move(ACTIVE, INCOMING, event_time()): due now, whatever next-attempt time (mtime) the file had. */
export async function recoverActive(ctx: QmgrContext): Promise<void> {
  const recovered = ctx.clock() / 1000;
  for (const id of await ctx.layout.list('active')) {
    const target = await ctx.layout.move(id, 'active', 'incoming');
    await utimes(target, recovered, recovered);
  }
}
