/**
 * qmgr: the reference queue manager (qmgr(8), the nqmgr scheduler, simplified).
 *
 * Requests served: wake() (cleanup's "W" trigger: scan incoming/), flush() (postqueue -f:
 * forget dead destinations, scan deferred/ ignoring next-attempt times, scan incoming/),
 * forgetDead() (flush(8)'s "F" trigger), plus start()/stop()/idle(). Called by the master
 * (which registers the delivery agents by transport name with registerAgent; daemon.ts starts
 * and stops the scheduling) and by cleanup through its wakeQmgr hook.
 *
 * This module is qmgr.c: the service object, the one chain scans run on, and the pipeline each
 * message in active/ goes through once. The work itself is divided as Postfix divides it:
 *   scan.ts          qmgr_scan.c, qmgr_active_feed(): incoming/ or deferred/ → active/; crash recovery;
 *   message.ts       qmgr_message.c, reading: the queue file, corrupt files, the "queue active" line;
 *   resolve.ts       qmgr_message.c, resolving: trivial-rewrite per recipient, qmgr_message_sort;
 *   deliver.ts       qmgr_message_assign(), qmgr_deliver.c: batches per (transport, destination),
 *                    handed to the agents; destinations.ts (qmgr_queue.c, qmgr_entry.c,
 *                    qmgr_transport.c): concurrency windows with feedback.ts (qmgr_feedback.c),
 *                    transport process limits, rate delays, connection caching, dead
 *                    destinations; defer.ts (qmgr_defer.c): deferrals without a delivery attempt;
 *   results.ts       qmgr_deliver_update(), qmgr_active_done(): record, notify, expire, warn,
 *                    back off.
 * Reading a message removes its defer log (defer/QID), so the log only describes the latest
 * attempt. On start, files left in active/ by a crash go back to incoming/ and are scheduled
 * again. A message with VERP delimiters (the V record) goes one recipient per request, each
 * with its own sender (verpRequest(), deliver.ts); its non-delivery notices go one per
 * recipient to the VERP senders unless disable_verp_bounces is set (results.ts, bounce(8)).
 *
 * Differs from Postfix: all recipients of a message are read and tried at once (no
 * qmgr_message_recipient_limit rounds, no qmgr_message_active_limit), and no job scheduler
 * (delivery slots, preemption, recipient refill) chooses between messages: waiting deliveries
 * start in the order they were asked for (destinations.ts); see also defer.ts.
 */
import type { DeliveryAgent } from '../contracts.ts';
import { DEL_REQ_FLAG_USR_VRFY } from '../../global/deliver-request.ts';
import { qmgrContext, SERVICE, type QmgrContext, type QmgrDeps } from './context.ts';
import { REC } from '../../queue/records.ts';
import type { QueueMessage } from '../../queue/queue-file.ts';
import { badVerpRequestWarning, verpDelimitersProblem } from '../../global/verp.ts';
import { assignBatches, deliverBatches, type Dispatch, type MessageJob } from './deliver.ts';
import { DestinationQueues } from './destinations.ts';
import { beginAttempt, isVerifyOnly, readActiveMessage } from './message.ts';
import { deliveryOrder, resolveRecipients } from './resolve.ts';
import { checkQueueLifetimes, disposeMessage, notifySender, recordResults, unanswered } from './results.ts';
import { recoverActive, scanQueue, type ActiveQueue, type ScannedQueue } from './scan.ts';

export type { QmgrDeps, QmgrParams } from './context.ts';

export interface Qmgr {
  /** Make `agent` the agent of its transport; processLimit: its master.cf maxproc (0: none). */
  registerAgent(agent: DeliveryAgent, processLimit?: number): void;
  /** The agent registered for `transport` (local(8)'s deliver_pass() connects to it directly). */
  agent(transport: string): DeliveryAgent | undefined;
  start(): Promise<void>;
  stop(): Promise<void>;
  wake(): void;
  flush(): void;
  /** qmgr's "F" trigger (flush(8) before a send_site): forget dead destinations, no scan. */
  forgetDead(): void;
  /** Resolves when no scan or delivery is in progress or pending. */
  idle(): Promise<void>;
}

/**
 * The VERP delimiters of a message (its V record, qmgr_message.c): ignored with a warning for
 * the null sender or when verp_delimiter_filter does not allow them.
 */
function verpRequest(ctx: QmgrContext, id: string, msg: QueueMessage): string | undefined {
  const record = msg.records.find((r) => r.type === REC.VERP);
  if (!record) return undefined;
  const delims = record.data.toString('latin1');
  if (!msg.sender) ctx.logger.warning(SERVICE, `${id}: ignoring VERP request for null sender`);
  else if (verpDelimitersProblem(delims, ctx.cfg.get('verp_delimiter_filter'))) ctx.logger.warning(SERVICE, badVerpRequestWarning(id, delims));
  else return delims;
  return undefined;
}

export function createQmgr(deps: QmgrDeps): Qmgr {
  const ctx = qmgrContext(deps);
  const agents = new Map<string, DeliveryAgent>();
  const processLimits = new Map<string, number>();
  const dispatch: Dispatch = { ctx, agents, queues: new DestinationQueues(ctx, (transport) => processLimits.get(transport) ?? 0) };
  const inFlight = new Set<string>();
  let work: Promise<void> = Promise.resolve();
  let pending = 0;
  let idleWaiters: (() => void)[] = [];
  let timer: NodeJS.Timeout | undefined;
  let running = false;

  /** Queue a task on the one chain scans run on; a task's fault is logged, and the chain goes on. */
  function schedule(task: () => Promise<void>): void {
    pending++;
    work = work.then(task).catch((err) => ctx.logger.warning(SERVICE, String((err as Error).stack ?? err))).finally(() => {
      pending--;
      if (pending === 0 && inFlight.size === 0) {
        const w = idleWaiters;
        idleWaiters = [];
        w.forEach((f) => f());
      }
    });
  }

  /** A message a scan moved into active/ is processed alongside the scans; a fault is logged. */
  const active: ActiveQueue = {
    inFlight,
    feed(id, forcedExpire) {
      pending++;
      void processMessage(id, forcedExpire)
        .catch((err) => ctx.logger.warning(SERVICE, `${id}: ${(err as Error).message}`))
        .finally(() => {
          inFlight.delete(id);
          pending--;
          schedule(async () => undefined);
        });
    },
  };

  function scan(queue: ScannedQueue, all: boolean): Promise<void> {
    return running ? scanQueue(ctx, queue, all, active) : Promise.resolve();
  }

  /** One message in active/, from reading its file to leaving active/ (qmgr_active_feed … qmgr_active_done). */
  async function processMessage(id: string, forcedExpire: boolean): Promise<void> {
    const path = ctx.layout.pathOf('active', id);
    const activeTime = ctx.clock();
    const msg = await readActiveMessage(ctx, id);
    if (!msg) return;
    const todo = await beginAttempt(ctx, id, msg);
    const { resolved, failed } = await resolveRecipients(ctx, id, msg, todo);
    // sendmail -bv (trace_flags with DEL_REQ_FLAG_USR_VRFY): the agents only verify; every
    // answer, good or bad, goes to trace/QID and the recipient is done; the sender then gets
    // the delivery status report instead of the message (qmgr_active.c, trace_append()).
    const verifyOnly = isVerifyOnly(msg);
    const verp = verpRequest(ctx, id, msg);
    const job: MessageJob = { id, msg, path, activeTime, traceFlags: verifyOnly ? DEL_REQ_FLAG_USR_VRFY : 0, ...(verp !== undefined ? { verp } : {}) };
    const delivered = await deliverBatches(dispatch, job, assignBatches(resolved.sort(deliveryOrder), verp !== undefined));
    const outcome = await recordResults(ctx, job, todo, [...failed, ...delivered], verifyOnly);
    // A recipient the resolver failed on is tried again, even under sendmail -bv; so is one an
    // agent left without a status (qmgr_deliver.c: not marked done, nothing logged).
    if (failed.length > 0 || unanswered(todo, [...failed, ...delivered])) outcome.deferred = true;
    await notifySender(ctx, job, outcome, verifyOnly);
    await disposeMessage(ctx, job, outcome.deferred, forcedExpire);
  }

  return {
    registerAgent(agent, processLimit = 0) {
      agents.set(agent.transport, agent);
      processLimits.set(agent.transport, processLimit);
    },
    agent(transport) {
      return agents.get(transport);
    },
    async start() {
      running = true;
      checkQueueLifetimes(ctx);
      await recoverActive(ctx);
      schedule(() => scan('incoming', false));
      schedule(() => scan('deferred', false));
      timer = setInterval(() => schedule(() => scan('deferred', false)), ctx.cfg.time('queue_run_delay') * 1000);
      timer.unref();
    },
    async stop() {
      running = false;
      if (timer) clearInterval(timer);
      await this.idle();
    },
    wake() {
      schedule(() => scan('incoming', false));
    },
    forgetDead() {
      dispatch.queues.forgetDead();
    },
    flush() {
      dispatch.queues.forgetDead();
      schedule(() => scan('deferred', true));
      schedule(() => scan('incoming', false));
    },
    idle() {
      if (pending === 0 && inFlight.size === 0) return Promise.resolve();
      return new Promise((r) => idleWaiters.push(r));
    },
  };
}
