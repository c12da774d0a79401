/**
 * qmgr(8) result handling for one message, once every recipient has been tried
 * (qmgr_deliver_update() in qmgr_deliver.c, qmgr_bounce.c, qmgr_defer.c, qmgr_active_done() in
 * qmgr_active.c):
 *   record   per recipient: sent → its R record marked done in place, and a trace log entry
 *            when it asked for NOTIFY=SUCCESS (and the agent did not pass that on: sent.c);
 *            bounced → bounce log, done; deferred → defer log; under sendmail -bv every answer
 *            goes to the trace log and the recipient is done;
 *   notify   a bounce notice while bounce/QID exists (one that cannot be queued keeps its log
 *            and defers the message); then the report built from the trace log:
 *            the delivery status report for sendmail -bv, the success notice when some
 *            recipient of the message asked for NOTIFY=SUCCESS (qmgr_active_done());
 *   dispose  nothing deferred → "QID: removed"; otherwise expire after maximal_queue_lifetime
 *            (bounce_queue_lifetime for a null sender, never longer than maximal_queue_lifetime —
 *            qmgr warns at start when it is; at once when postsuper -e forced it) with
 *            "status=expired, returned to sender" and a non-delivery notice, or send a delay
 *            warning when the W time has passed, and back off: move the file to deferred/ with
 *            mtime = now + clamp(age, minimal_backoff_time, maximal_backoff_time), the mtime
 *            being the next-attempt time.
 * Called by createQmgr's per-message pipeline (qmgr.ts) with the statuses resolve.ts and
 * deliver.ts returned. Follows qmgr(8) and postconf(5) for the parameters named.
 */
import { unlink, utimes } from 'node:fs/promises';
import type { RecipientStatus } from '../contracts.ts';
import { DSN_NOTIFY_SUCCESS } from '../../global/dsn-mask.ts';
import { markRecipientDone, updateWarnTime, type QueuedRecipient, type QueueMessage } from '../../queue/queue-file.ts';
import { SERVICE, type QmgrContext } from './context.ts';
import type { MessageJob } from './deliver.ts';
import { anyNotifySuccess } from './message.ts';

/** What the recorded statuses leave to do. */
export interface Outcome {
  /** Some recipient is to be tried again: the message stays queued. */
  deferred: boolean;
  /** Some recipient bounced: the sender gets a non-delivery notice. */
  bounced: boolean;
}

/** Record every status in the queue file and the bounce/defer/trace logs, in the order given. */
export async function recordResults(ctx: QmgrContext, job: MessageJob, todo: QueuedRecipient[], statuses: RecipientStatus[], verifyOnly: boolean): Promise<Outcome> {
  const byOffset = new Map(todo.map((r) => [r.offset, r]));
  const outcome: Outcome = { deferred: false, bounced: false };
  for (const s of statuses) {
    const done = await recordOne(ctx, job, byOffset.get(s.offset), s, verifyOnly);
    if (done === 'bounced') outcome.bounced = true;
    if (done === 'deferred') outcome.deferred = true;
  }
  return outcome;
}

/** One recipient's status; returns what it adds to the message's outcome. */
async function recordOne(ctx: QmgrContext, job: MessageJob, r: QueuedRecipient | undefined, s: RecipientStatus, verifyOnly: boolean): Promise<'bounced' | 'deferred' | undefined> {
  // The address the agent was given: trivial-rewrite's answer, which qmgr puts in place of the
  // queue file's (qmgr_message_resolve()); a %-hack or bang path then reads "(expanded from <...>)".
  const logRcpt = { address: s.address, origTo: r?.origTo, offset: s.offset, dsnOrcpt: r?.dsnOrcpt, dsnNotify: r?.dsnNotify };
  const dsn = { status: s.dsn, reason: s.text, diagType: s.diagType, diagText: s.diagText, mtaType: s.mtaType, mtaName: s.mtaName };
  // qmgr's own deferrals (no agent, defer_transports, dead destination) are reported too.
  if (verifyOnly) {
    const action = s.outcome === 'sent' ? 'deliverable' : 'undeliverable';
    await ctx.bounce.append('trace', job.id, logRcpt, { ...dsn, reason: traceReason(s), action });
    await markRecipientDone(job.path, s.offset);
    return undefined;
  }
  if (s.outcome === 'sent') {
    // RFC 3461 section 4.1 NOTIFY=SUCCESS: a line in trace/QID for the success notice.
    if (((s.dsnNotify ?? r?.dsnNotify ?? 0) & DSN_NOTIFY_SUCCESS) !== 0) {
      await ctx.bounce.append('trace', job.id, logRcpt, { ...dsn, reason: traceReason(s), action: s.action ?? 'delivered' });
    }
    await markRecipientDone(job.path, s.offset);
    return undefined;
  }
  if (s.outcome === 'bounced') {
    await ctx.bounce.append('bounce', job.id, logRcpt, { ...dsn, action: s.action ?? 'failed' });
    await markRecipientDone(job.path, s.offset);
    return 'bounced';
  }
  await ctx.bounce.append('defer', job.id, logRcpt, { ...dsn, action: s.action ?? 'delayed' });
  return 'deferred';
}

/** A trace log reason (trace_append()): the text, after "delivery via RELAY: " when an agent delivered. */
const traceReason = (s: RecipientStatus): string => (s.relay === 'none' ? s.text : `delivery via ${s.relay}: ${s.text}`);

/**
 * Did an agent leave a recipient of this attempt without a status? (qmgr_deliver.c: a failed
 * request reply without a per-recipient entry leaves the recipient in the queue, unlogged.)
 */
export function unanswered(todo: QueuedRecipient[], statuses: RecipientStatus[]): boolean {
  const answered = new Set(statuses.map((s) => s.offset));
  return todo.some((r) => !answered.has(r.offset));
}

/**
 * The notices the recorded outcome calls for (qmgr_active_done): the bounce flush, then the
 * trace flush. The bounce flush is due whenever bounce/QID exists, also one left by an earlier
 * attempt whose notice failed; a failed flush leaves the log and defers the message
 * (bounceFlush()). A recipient with NOTIFY=SUCCESS may have been delivered in an earlier attempt,
 * so the trace flush follows the message's NOTIFY bits, not this attempt's, even when some
 * recipient is deferred; bounce(8) sends nothing when trace/QID does not exist.
 */
export async function notifySender(ctx: QmgrContext, job: MessageJob, outcome: Outcome, verifyOnly: boolean): Promise<void> {
  if (outcome.bounced || await ctx.layout.exists('bounce', job.id)) {
    if (!(await bounceFlush(ctx, job))) outcome.deferred = true;
  }
  if (verifyOnly) await ctx.bounce.trace(job.id, job.msg, 'verify');
  else if (anyNotifySuccess(job.msg)) await ctx.bounce.trace(job.id, job.msg, 'success');
}

/**
 * The non-delivery notice for bounce/QID (abounce_flush(), or abounce_flush_verp() for
 * per-recipient VERP notices). When bounce(8) cannot queue it (cleanup refused it, say), its log
 * stays and the message is treated as deferred, logged as abounce_done() does:
 * "QID: status=deferred (bounce failed)", "(verp failed)" for the VERP request. Returns
 * whether the notice went out.
 */
async function bounceFlush(ctx: QmgrContext, job: MessageJob): Promise<boolean> {
  const verp = verpNotices(ctx, job);
  try {
    await ctx.bounce.notify(job.id, job.msg, 'bounce', verp);
    return true;
  } catch {
    ctx.logger.info(SERVICE, `${job.id}: status=deferred (${verp === undefined ? 'bounce' : 'verp'} failed)`);
    return false;
  }
}

/**
 * The VERP delimiters a notice is split by (qmgr_active.c): those of a VERP message, unless
 * disable_verp_bounces sends it one notice for all recipients.
 */
function verpNotices(ctx: QmgrContext, job: MessageJob): string | undefined {
  return ctx.cfg.bool('disable_verp_bounces') ? undefined : job.verp;
}

/** The message after its attempt: removed, expired, or deferred with a back-off (qmgr_active_done). */
export async function disposeMessage(ctx: QmgrContext, job: MessageJob, deferred: boolean, forcedExpire: boolean): Promise<void> {
  if (!deferred) return removeMessage(ctx, job);
  const now = ctx.clock();
  const ageSec = now / 1000 - job.msg.createTime;
  if (forcedExpire || ageSec >= lifetimeOf(ctx, job.msg)) return expireMessage(ctx, job);
  await warnIfDue(ctx, job, now);
  await backOff(ctx, job, ageSec, now);
}

/** maximal_queue_lifetime, or bounce_queue_lifetime for a notice (null sender), in seconds. */
const lifetimeOf = (ctx: QmgrContext, msg: QueueMessage): number => (msg.sender ? ctx.cfg.time('maximal_queue_lifetime') : bounceQueueLifetime(ctx));

/** bounce_queue_lifetime, never longer than maximal_queue_lifetime (qmgr.c's start-up check). */
export function bounceQueueLifetime(ctx: QmgrContext): number {
  return Math.min(ctx.cfg.time('bounce_queue_lifetime'), ctx.cfg.time('maximal_queue_lifetime'));
}

/** qmgr.c at start-up: a bounce_queue_lifetime longer than maximal_queue_lifetime is cut, with a warning. */
export function checkQueueLifetimes(ctx: QmgrContext): void {
  if (ctx.cfg.time('bounce_queue_lifetime') > ctx.cfg.time('maximal_queue_lifetime')) {
    ctx.logger.warning(SERVICE, 'bounce_queue_lifetime is larger than maximal_queue_lifetime - adjusting bounce_queue_lifetime');
  }
}

/**
 * qmgr_active_done_3_generic(): only the queue file goes. Each bounce, defer or trace log was
 * removed by the bounce(8) request that used it; one no request used stays behind, as in
 * Postfix (the trace log of a double-bounce message: bounce/double-bounce-success).
 */
async function removeMessage(ctx: QmgrContext, job: MessageJob): Promise<void> {
  await unlink(job.path);
  ctx.logger.info(SERVICE, `${job.id}: removed`);
}

/** Too old to try again: return it to the sender with the defer log as the reason. */
async function expireMessage(ctx: QmgrContext, job: MessageJob): Promise<void> {
  ctx.logger.info(SERVICE, `${job.id}: from=<${job.msg.sender}>, status=expired, returned to sender`);
  await ctx.bounce.notify(job.id, job.msg, 'defer', verpNotices(ctx, job));
  await removeMessage(ctx, job);
}

/**
 * A delay warning once the W record's time has come, give or take the second qmgr_active.c
 * allows (event time >= warn time - 1, in whole seconds); the W record is then zeroed in place.
 */
async function warnIfDue(ctx: QmgrContext, job: MessageJob, now: number): Promise<void> {
  const warn = job.msg.warnTime;
  if (!warn || warn.value <= 0 || Math.floor(now / 1000) < warn.value - 1) return;
  await ctx.bounce.warn(job.id, job.msg);
  await updateWarnTime(job.path, warn.offset, 0);
}

/** Into deferred/, due again after clamp(age, minimal_backoff_time, maximal_backoff_time). */
async function backOff(ctx: QmgrContext, job: MessageJob, ageSec: number, now: number): Promise<void> {
  const delay = Math.min(Math.max(ageSec, ctx.cfg.time('minimal_backoff_time')), ctx.cfg.time('maximal_backoff_time'));
  const next = (now / 1000) + delay;
  await utimes(job.path, next, next);
  await ctx.layout.move(job.id, 'active', 'deferred');
}
