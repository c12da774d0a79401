/**
 * qmgr: the reference queue manager (qmgr(8), the nqmgr scheduler, simplified).
 *
 * Requests served: wake() (cleanup's "W" trigger: scan incoming/), flush() (postqueue -f:
 * forget dead destinations, scan deferred/ ignoring next-attempt times, scan incoming/),
 * plus start()/stop()/idle(). Called by the master (which registers the delivery agents by
 * transport name with registerAgent) and by cleanup through its wakeQmgr hook.
 *
 * Per message (qmgr_active.c, qmgr_message.c, qmgr_deliver.c):
 *   1. rename into active/, read it, log "QID: from=<S>, size=N, nrcpt=N (queue active)";
 *   2. resolve each pending recipient through trivial-rewrite, one after the other; sort them
 *      as qmgr_message_sort does (transport, destination, domain, address); group by
 *      (transport, destination) — the destination is the nexthop, or local@nexthop when the
 *      transport's destination_recipient_limit is 1 — in batches of at most
 *      <transport>_destination_recipient_limit recipients; defer_transports and dead
 *      destinations defer without a delivery attempt;
 *   3. hand each batch to the agent (per-destination concurrency limit), then per recipient:
 *      sent → R marked D in place; bounced → bounce log + D; deferred → defer log;
 *   4. when all are tried: nothing deferred → bounce notification if needed, "QID: removed";
 *      otherwise expire after maximal_queue_lifetime (bounce_queue_lifetime for a null sender)
 *      with "status=expired, returned to sender", or send a delay warning when the W time has
 *      passed, and move the file to deferred/ with mtime = now + clamp(age, minimal_backoff_time,
 *      maximal_backoff_time) — the mtime is the next-attempt time.
 * Reading a message removes its defer log (defer/QID), so the log only describes the latest
 * attempt. On start, files left in active/ by a crash go back to incoming/ with their mtime
 * set to now (due at once) and are scheduled again.
 *
 * Differs from Postfix: recipients qmgr defers itself (no agent for the transport,
 * defer_transports, a dead destination) are not added to flush(8)'s per-site logs, so a later
 * ETRN does not list them; agents' deferrals are (flush/agent.ts). No scenario shows it yet.
 */
import { stat, unlink, utimes } from 'node:fs/promises';
import type { DeliveryAgent, DeliveryRecipient, Logger, RecipientStatus, TrivialRewriteClient } from '../contracts.ts';
import { DEL_REQ_FLAG_CONN_LOAD, DEL_REQ_FLAG_CONN_STORE, DEL_REQ_FLAG_USR_VRFY, deliveryStatusWord } from '../../global/deliver-request.ts';
import { RESOLVE_FLAG_FAIL } from '../../global/resolve-clnt.ts';
import { MAIL_ATTR_TRACE_FLAGS } from '../../global/mail-proto.ts';
import type { QueueLayout } from '../../queue/layout.ts';
import { MODE_FORCED_EXPIRE, isReadyMode, markRecipientDone, readQueueFile, updateWarnTime, type QueueMessage } from '../../queue/queue-file.ts';
import type { BounceService } from '../bounce/bounce.ts';
import { formatDeliveryLine } from '../postlogd/delivery-log.ts';
import { internalize, scan } from '../../global/tok822.ts';

export interface QmgrParams {
  get(name: string): string;
  int(name: string): number;
  time(name: string): number;
  list(name: string): string[];
  /** Does main.cf (or its defaults) know this parameter? */
  has(name: string): boolean;
}

export interface QmgrDeps {
  config: QmgrParams;
  layout: QueueLayout;
  rewrite: TrivialRewriteClient;
  bounce: BounceService;
  logger: Logger;
  clock?: () => number;
}

export interface Qmgr {
  registerAgent(agent: DeliveryAgent): void;
  start(): Promise<void>;
  stop(): Promise<void>;
  wake(): void;
  flush(): void;
  /** qmgr's "F" trigger (flush(8) before a send_site): forget dead destinations, no scan. */
  forgetDead(): void;
  /** Resolves when no scan or delivery is in progress or pending. */
  idle(): Promise<void>;
}

const SERVICE = 'qmgr';
/**
 * Who logs a recipient qmgr defers without a delivery attempt (dead destination, defer_transports,
 * transport unavailable, resolver failure): qmgr redirects it to the retry service
 * (QMGR_REDIRECT to MAIL_SERVICE_RETRY), which is error(8), so the line is error's.
 */
const RETRY_LOGGER = 'error';

interface Batch {
  transport: string;
  destination: string;
  nexthop: string;
  recipients: DeliveryRecipient[];
}

/** A recipient after trivial-rewrite answered, before it joins a batch. */
interface Resolved {
  transport: string;
  destination: string;
  nexthop: string;
  limit: number;
  rcpt: DeliveryRecipient;
}

/**
 * qmgr_message_sort's order: transport, then destination (the queue name), then the
 * recipient's domain without regard to case, then the whole address, byte for byte, in
 * internal form. Batches, and the recipients inside each, follow it.
 */
export function deliveryOrder(a: Resolved, b: Resolved): number {
  const cmp = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  const byQueue = cmp(a.transport, b.transport) || cmp(a.destination, b.destination);
  if (byQueue) return byQueue;
  const [x, y] = [internalForm(a.rcpt.address), internalForm(b.rcpt.address)];
  const [dx, dy] = [x.lastIndexOf('@'), y.lastIndexOf('@')];
  if (dx < 0 || dy < 0) return dx < 0 && dy < 0 ? cmp(x, y) : dx < 0 ? 1 : -1;
  return cmp(x.slice(dx).toLowerCase(), y.slice(dy).toLowerCase()) || cmp(x, y);
}

const internalForm = (address: string) => (address.includes('"') ? internalize(scan(address)) : address);

/** Counting semaphore for per-destination concurrency. */
class Gate {
  private busy = 0;
  private waiting: (() => void)[] = [];
  constructor(private readonly limit: number) {}
  /** Deliveries waiting for a slot. */
  get backlog(): number {
    return this.waiting.length;
  }
  /** Deliveries running now (inside run(), the caller's own included). */
  get running(): number {
    return this.busy;
  }
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.busy >= this.limit) await new Promise<void>((r) => this.waiting.push(r));
    this.busy++;
    try {
      return await fn();
    } finally {
      this.busy--;
      this.waiting.shift()?.();
    }
  }
}

/** The message's trace_flags (sendmail -bv: DEL_REQ_FLAG_USR_VRFY), 0 when absent. */
const traceFlagsOf = (msg: QueueMessage): number => Number.parseInt(msg.attributes[MAIL_ATTR_TRACE_FLAGS] ?? '0', 10) || 0;

async function removeIfPresent(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

export function createQmgr(deps: QmgrDeps): Qmgr {
  const { config: cfg, layout, logger } = deps;
  const clock = deps.clock ?? Date.now;
  const agents = new Map<string, DeliveryAgent>();
  const gates = new Map<string, Gate>();
  const dead = new Map<string, { until: number; reason: string }>();
  const inFlight = new Set<string>();
  let work: Promise<void> = Promise.resolve();
  let pending = 0;
  let idleWaiters: (() => void)[] = [];
  let timer: NodeJS.Timeout | undefined;
  let running = false;

  /** Per-transport parameter with the default_* fallback (e.g. smtp_destination_recipient_limit). */
  function transportParam(transport: string, suffix: string): number {
    const name = `${transport}_${suffix}`;
    return cfg.int(cfg.has(name) ? name : `default_${suffix}`);
  }

  /** A file another process moved or removed since the directory was listed is skipped, as qmgr_scan does; other errors are logged. */
  function skipQueueFile(queue: string, id: string, err: unknown): void {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') logger.warning(SERVICE, `${queue}/${id}: ${(err as Error).message}`);
  }

  function schedule(task: () => Promise<void>): void {
    pending++;
    work = work.then(task).catch((err) => logger.warning(SERVICE, String((err as Error).stack ?? err))).finally(() => {
      pending--;
      if (pending === 0 && inFlight.size === 0) {
        const w = idleWaiters;
        idleWaiters = [];
        w.forEach((f) => f());
      }
    });
  }

  async function scan(queue: 'incoming' | 'deferred', all: boolean): Promise<void> {
    if (!running) return;
    const now = clock();
    for (const id of await layout.list(queue)) {
      if (inFlight.has(id)) continue;
      let st;
      try {
        st = await stat(layout.pathOf(queue, id));
      } catch (err) {
        skipQueueFile(queue, id, err);
        continue;
      }
      if (!isReadyMode(st.mode)) continue;
      if (!all && st.mtimeMs > now + 1000) continue;
      inFlight.add(id);
      const forced = (st.mode & MODE_FORCED_EXPIRE) !== 0;
      try {
        await layout.move(id, queue, 'active');
      } catch (err) {
        skipQueueFile(queue, id, err);
        inFlight.delete(id);
        continue;
      }
      pending++;
      void processMessage(id, forced)
        .catch((err) => logger.warning(SERVICE, `${id}: ${(err as Error).message}`))
        .finally(() => {
          inFlight.delete(id);
          pending--;
          schedule(async () => undefined);
        });
    }
  }

  async function deferNow(msg: QueueMessage, id: string, r: DeliveryRecipient, batch: Batch, dsn: string, text: string): Promise<RecipientStatus> {
    logger.info(RETRY_LOGGER, formatDeliveryLine({
      queueId: id, to: r.address, origTo: r.origTo, relay: 'none', dsn, status: deliveryStatusWord(traceFlagsOf(msg), 'deferred'), text,
      times: { arrival: msg.arrivalTime, active: clock(), done: clock() },
    }));
    return { offset: r.offset, address: r.address, outcome: 'deferred', dsn, text, relay: 'none' };
  }

  /**
   * On-demand connection caching, per destination queue as qmgr_entry_select() does it: once a
   * delivery is selected within a second of the previous one finishing (back to back), every
   * later request carries CONN_STORE and CONN_LOAD; CONN_STORE is dropped again
   * when a delivery is neither concurrent with another nor back to back (CONN_LOAD stays, so
   * cached sessions are still used). The state goes with the in-core queue: when a destination
   * has nothing waiting or running, qmgr discards it (qmgr_entry_done → qmgr_queue_done).
   */
  const caching = new Map<string, { flags: number; lastDone: number }>();
  const CONN_MASK = DEL_REQ_FLAG_CONN_STORE | DEL_REQ_FLAG_CONN_LOAD;
  const seconds = () => Math.floor(clock() / 1000);
  function connectionFlags(key: string, gate: Gate): number {
    const q = caching.get(key) ?? { flags: 0, lastDone: 0 };
    caching.set(key, q);
    const backToBack = q.lastDone + 1 >= seconds();
    if (!(q.flags & DEL_REQ_FLAG_CONN_STORE)) {
      if (backToBack) q.flags |= CONN_MASK;
    } else if (!(gate.running > 1 || backToBack)) {
      q.flags &= ~DEL_REQ_FLAG_CONN_STORE;
    }
    return q.flags;
  }
  function deliveryDone(key: string, gate: Gate): void {
    const q = caching.get(key);
    if (q) q.lastDone = seconds();
    if (gate.running <= 1 && gate.backlog === 0) caching.delete(key);
  }

  async function deliverBatch(id: string, msg: QueueMessage, path: string, batch: Batch, activeTime: number, traceFlags: number): Promise<RecipientStatus[]> {
    const key = `${batch.transport}/${batch.destination}`;
    const agent = agents.get(batch.transport);
    const deferTransports = cfg.list('defer_transports');
    const deadInfo = dead.get(key);
    if (deadInfo && deadInfo.until <= clock()) dead.delete(key);
    if (!agent || deferTransports.includes(batch.transport) || dead.has(key)) {
      const [dsn, text] = !agent ? ['4.3.0', 'mail transport unavailable']
        : deferTransports.includes(batch.transport) ? ['4.3.2', 'deferred transport']
        : ['4.4.1', `delivery temporarily suspended: ${dead.get(key)!.reason}`];
      const out: RecipientStatus[] = [];
      for (const r of batch.recipients) out.push(await deferNow(msg, id, r, batch, dsn, text));
      return out;
    }
    let gate = gates.get(key);
    if (!gate) {
      gate = new Gate(Math.max(1, transportParam(batch.transport, 'destination_concurrency_limit') || 1));
      gates.set(key, gate);
    }
    const g = gate;
    const result = await gate.run(async () => {
      try {
        return await agent.deliver({
          queueId: id, queueFile: path, transport: batch.transport, nexthop: batch.nexthop, sender: msg.sender,
          recipients: batch.recipients, arrivalTime: msg.arrivalTime, activeTime, flags: connectionFlags(key, g) | traceFlags,
        });
      } finally {
        deliveryDone(key, g);
      }
    });
    if (result.destinationFailed) {
      const reason = result.recipients.find((r) => r.outcome === 'deferred')?.text ?? 'destination failed';
      dead.set(key, { until: clock() + cfg.time('minimal_backoff_time') * 1000, reason });
    }
    return result.recipients;
  }

  async function processMessage(id: string, forcedExpire: boolean): Promise<void> {
    const path = layout.pathOf('active', id);
    const activeTime = clock();
    let msg: QueueMessage;
    try {
      msg = await readQueueFile(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw err;
      // A file that does not parse is kept, not lost and not retried forever: qmgr(8) saves it
      // in the corrupt queue for the administrator (postsuper, postcat) and logs that it did.
      logger.warning(SERVICE, `${id}: ${(err as Error).message}`);
      logger.warning(SERVICE, `saving corrupt file "${id}" from queue "active" to queue "corrupt"`);
      await layout.move(id, 'active', 'corrupt');
      return;
    }
    // The defer log describes the latest attempt only: qmgr_message.c removes it each time it
    // reads the message, before resolving, so recipients delivered since are not listed again.
    await removeIfPresent(layout.pathOf('defer', id));
    const todo = msg.recipients.filter((r) => !r.done);
    logger.info(SERVICE, `${id}: from=<${msg.sender}>, size=${msg.size.messageSize}, nrcpt=${todo.length} (queue active)`);

    // Resolve sequentially, as qmgr does; then sort (qmgr_message_sort) and group per
    // (transport, destination).
    const resolved: Resolved[] = [];
    const failed: RecipientStatus[] = [];
    for (const r of todo) {
      const rcpt: DeliveryRecipient = { offset: r.offset, address: r.address, origTo: r.origTo, dsnNotify: r.dsnNotify, dsnOrcpt: r.dsnOrcpt };
      const res = await deps.rewrite.resolve(msg.sender, r.address);
      if (res.flags & RESOLVE_FLAG_FAIL) {
        failed.push(await deferNow(msg, id, rcpt, { transport: '', destination: '', nexthop: '', recipients: [] }, '4.3.0', 'address resolver failure'));
        continue;
      }
      const limit = transportParam(res.transport, 'destination_recipient_limit');
      let destination = res.nexthop;
      if (limit === 1) {
        const local = res.recipient.slice(0, Math.max(0, res.recipient.lastIndexOf('@'))) || res.recipient;
        const delim = cfg.get('recipient_delimiter');
        const base = delim ? local.split(new RegExp(`[${delim.replace(/[\]\\^-]/g, '\\$&')}]`))[0] : local;
        destination = `${base.toLowerCase()}@${res.nexthop}`;
      }
      resolved.push({ transport: res.transport, destination, nexthop: res.nexthop, limit, rcpt: { ...rcpt, address: res.recipient || r.address } });
    }
    resolved.sort(deliveryOrder);
    const batches: Batch[] = [];
    const open = new Map<string, Batch>();
    for (const { transport, destination, nexthop, limit, rcpt } of resolved) {
      const key = `${transport}\0${destination}`;
      let b = open.get(key);
      if (!b || (limit > 0 && b.recipients.length >= limit)) {
        b = { transport, destination, nexthop, recipients: [] };
        batches.push(b);
        open.set(key, b);
      }
      b.recipients.push(rcpt);
    }

    // sendmail -bv (trace_flags with DEL_REQ_FLAG_USR_VRFY): the agents only verify; every
    // answer, good or bad, goes to trace/QID and the recipient is done; the sender then gets
    // the delivery status report instead of the message (qmgr_active.c, trace_append()).
    const verifyOnly = (traceFlagsOf(msg) & DEL_REQ_FLAG_USR_VRFY) !== 0;
    const results = (await Promise.all(batches.map((b) => deliverBatch(id, msg, path, b, activeTime, verifyOnly ? DEL_REQ_FLAG_USR_VRFY : 0)))).flat();
    const byOffset = new Map(todo.map((r) => [r.offset, r]));
    let deferred = failed.length > 0;
    let bounced = false;
    for (const s of [...failed, ...results]) {
      const r = byOffset.get(s.offset);
      const logRcpt = { address: r?.address ?? s.address, origTo: r?.origTo, offset: s.offset, dsnOrcpt: r?.dsnOrcpt, dsnNotify: r?.dsnNotify };
      const dsn = { status: s.dsn, reason: s.text, diagType: s.diagType, diagText: s.diagText, mtaType: s.mtaType, mtaName: s.mtaName };
      // qmgr's own deferrals (no agent, defer_transports, dead destination) are reported too.
      if (verifyOnly) {
        const action = s.outcome === 'sent' ? 'deliverable' : 'undeliverable';
        await deps.bounce.append('trace', id, logRcpt, { ...dsn, reason: s.relay === 'none' ? s.text : `delivery via ${s.relay}: ${s.text}`, action });
        await markRecipientDone(path, s.offset);
      } else if (s.outcome === 'sent') {
        await markRecipientDone(path, s.offset);
      } else if (s.outcome === 'bounced') {
        await deps.bounce.append('bounce', id, logRcpt, { ...dsn, action: s.action ?? 'failed' });
        await markRecipientDone(path, s.offset);
        bounced = true;
      } else {
        await deps.bounce.append('defer', id, logRcpt, { ...dsn, action: s.action ?? 'delayed' });
        deferred = true;
      }
    }
    if (bounced) await deps.bounce.notify(id, msg, 'bounce');
    if (verifyOnly && !deferred) await deps.bounce.trace(id, msg);

    if (!deferred) {
      await deps.bounce.removeLogs(id);
      await unlink(path);
      logger.info(SERVICE, `${id}: removed`);
      return;
    }
    const now = clock();
    const ageSec = now / 1000 - msg.createTime;
    const lifetime = cfg.time(msg.sender ? 'maximal_queue_lifetime' : 'bounce_queue_lifetime');
    if (forcedExpire || ageSec >= lifetime) {
      logger.info(SERVICE, `${id}: from=<${msg.sender}>, status=expired, returned to sender`);
      await deps.bounce.notify(id, msg, 'defer');
      await deps.bounce.removeLogs(id);
      await unlink(path);
      logger.info(SERVICE, `${id}: removed`);
      return;
    }
    if (msg.warnTime && msg.warnTime.value > 0 && msg.warnTime.value <= now / 1000) {
      await deps.bounce.warn(id, msg);
      await updateWarnTime(path, msg.warnTime.offset, 0);
    }
    const delay = Math.min(Math.max(ageSec, cfg.time('minimal_backoff_time')), cfg.time('maximal_backoff_time'));
    const next = (now / 1000) + delay;
    await utimes(path, next, next);
    await layout.move(id, 'active', 'deferred');
  }

  return {
    registerAgent(agent) {
      agents.set(agent.transport, agent);
    },
    async start() {
      running = true;
      // Crash recovery as qmgr_move(ACTIVE, INCOMING, event_time()): the file is due now,
      // whatever next-attempt time (mtime) it had when it was taken from deferred/.
      const recovered = clock() / 1000;
      for (const id of await layout.list('active')) {
        const target = await layout.move(id, 'active', 'incoming');
        await utimes(target, recovered, recovered);
      }
      schedule(() => scan('incoming', false));
      schedule(() => scan('deferred', false));
      timer = setInterval(() => schedule(() => scan('deferred', false)), cfg.time('queue_run_delay') * 1000);
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
      dead.clear();
    },
    flush() {
      dead.clear();
      schedule(() => scan('deferred', true));
      schedule(() => scan('incoming', false));
    },
    idle() {
      if (pending === 0 && inFlight.size === 0) return Promise.resolve();
      return new Promise((r) => idleWaiters.push(r));
    },
  };
}
