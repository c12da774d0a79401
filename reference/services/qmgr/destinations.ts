/**
 * qmgr(8)'s in-core destination queues and transports (qmgr_queue.c, qmgr_entry.c,
 * qmgr_transport.c, qmgr_deliver.c in Postfix 3.7; SCHEDULER_README): which waiting delivery
 * starts when, and with which connection-caching flags.
 *
 *   destination queue  one per (transport, destination); its concurrency window starts at
 *                      <transport>_initial_destination_concurrency and follows the feedback of
 *                      feedback.ts; a destination whose deliveries keep failing to reach the
 *                      site becomes dead: its waiting deliveries, and new ones until
 *                      minimal_backoff_time has passed or a flush, are deferred with
 *                      "delivery temporarily suspended: <the agent's reason>";
 *                      <transport>_destination_rate_delay makes the window 1 and pauses the
 *                      destination that long after each delivery. The queue, with its window
 *                      and caching state, is forgotten when it has nothing waiting or running
 *                      and is not dead or paused.
 *   transport          the agent's process limit (master.cf maxproc, 0: none) caps the
 *                      deliveries of all its destinations at once, as master(8) does by not
 *                      accepting qmgr's connection while every process is busy;
 *                      <transport>_transport_rate_delay makes it one delivery at a time, each
 *                      started that long after the previous one ended.
 *   caching flags      on-demand connection caching (qmgr_entry_select()): once a delivery is
 *                      chosen within a second of the previous one finishing (back to back),
 *                      requests carry CONN_STORE and CONN_LOAD; CONN_STORE is dropped when a
 *                      delivery is neither concurrent with another nor back to back.
 *
 * Waiting deliveries are started in the order they were asked for, skipping those whose
 * destination is at its window. Used by deliver.ts; qmgr.ts's flush() and forgetDead() revive
 * dead destinations.
 *
 * Differs from Postfix: no job scheduler (delivery slots, preemption) picks between messages;
 * deliveries start in request order. An agent "process" is free the moment its delivery ends
 * (no process start-up time).
 */
import { DEL_REQ_FLAG_CONN_LOAD, DEL_REQ_FLAG_CONN_STORE } from '../../global/deliver-request.ts';
import { SERVICE, transportParam, type QmgrContext } from './context.ts';
import { initialWindow, negativeFeedback, parseFeedbackOrWarn, positiveFeedback, revive, type WindowLimits, type WindowState } from './feedback.ts';

const CONN_MASK = DEL_REQ_FLAG_CONN_STORE | DEL_REQ_FLAG_CONN_LOAD;

/** What qmgr_deliver.c prefixes to the agent's reason when a destination is dead. */
export const SUSPENDED_PREFIX = 'delivery temporarily suspended: ';

/** A deferral without a delivery attempt: DSN status and text. */
export type Deferral = readonly [dsn: string, text: string];

/** What a delivery's run reports: its value, and the site failure (hop status) if it had one. */
export interface RunOutcome<T> {
  value: T;
  /** The agent could not reach the site: its DSN status and reason (qmgr throttles on it). */
  siteFailure?: Deferral;
}

/** A delivery run ends with a value, or it never ran because its destination died meanwhile. */
export type Delivered<T> = { value: T } | { deferred: Deferral };

/** Per-transport settings (qmgr_transport_create()). */
interface TransportSettings extends WindowLimits {
  /** <transport>_destination_rate_delay in ms; 0: none. */
  rateDelayMs: number;
  /** <transport>_transport_rate_delay in ms; 0: none. */
  transportRateDelayMs: number;
}

interface Transport {
  name: string;
  settings: TransportSettings;
  /** Deliveries running for this transport, all destinations. */
  busy: number;
  /** Deliveries waiting, oldest first. */
  waiting: Waiting[];
  /** A delivery under the transport rate delay is pending or running. */
  rateLocked: boolean;
}

/** One destination queue (QMGR_QUEUE). */
interface Destination extends WindowState {
  key: string;
  transport: Transport;
  busy: number;
  waiting: number;
  /** DEL_REQ_FLAG_CONN_* its requests carry now. */
  flags: number;
  /** When a delivery last finished, in whole seconds. */
  lastDone: number;
  /** Dead: why, and until when (ms). */
  dead?: { deferral: Deferral; until: number };
  /** Paused after a delivery by the rate delay. */
  paused?: NodeJS.Timeout;
}

interface Waiting {
  dest: Destination;
  start(flags: number): void;
  defer(d: Deferral): void;
}

export class DestinationQueues {
  private readonly transports = new Map<string, Transport>();
  private readonly dests = new Map<string, Destination>();

  /** processLimit(transport): the agent's maxproc, 0 for no limit. */
  constructor(private readonly ctx: QmgrContext, private readonly processLimit: (transport: string) => number = () => 0) {}

  /**
   * Why a new delivery to the destination is deferred without an attempt (it is dead), or
   * undefined; a dead mark past minimal_backoff_time is lifted first (qmgr_queue_unthrottle()).
   */
  deadReason(transport: string, destination: string): Deferral | undefined {
    const d = this.dests.get(keyOf(transport, destination));
    if (!d?.dead) return undefined;
    if (d.dead.until <= this.ctx.clock()) {
      this.revive(d);
      this.pump(d.transport);
      return undefined;
    }
    return d.dead.deferral;
  }

  /** Give every dead destination another chance (postqueue -f, flush(8)'s "F" trigger). */
  forgetDead(): void {
    for (const d of [...this.dests.values()]) {
      if (d.dead) {
        this.revive(d);
        this.pump(d.transport);
      }
    }
  }

  /**
   * Run one delivery to the destination when its window and the transport's process limit
   * allow, with the connection-caching flags it is to carry; deferred instead when the
   * destination dies while it waits (qmgr_defer_todo()).
   */
  deliver<T>(transport: string, destination: string, run: (connectionFlags: number) => Promise<RunOutcome<T>>): Promise<Delivered<T>> {
    const dest = this.destinationOf(transport, destination);
    return new Promise((resolve, reject) => {
      dest.waiting++;
      dest.transport.waiting.push({
        dest,
        defer: (deferred) => resolve({ deferred }),
        start: (flags) => {
          run(flags).then(
            (outcome) => {
              this.finished(dest, outcome.siteFailure);
              resolve({ value: outcome.value });
            },
            (err: unknown) => {
              // A fault of the agent (not an answer): no feedback either way, as for a crashed agent.
              this.finished(dest, undefined, false);
              reject(err);
            },
          );
        },
      });
      this.pump(dest.transport);
    });
  }

  private transportOf(name: string): Transport {
    let t = this.transports.get(name);
    if (!t) {
      t = { name, settings: this.settingsOf(name), busy: 0, waiting: [], rateLocked: false };
      this.transports.set(name, t);
    }
    return t;
  }

  /** qmgr_transport_create(): the transport's settings, read once. */
  private settingsOf(name: string): TransportSettings {
    const cfg = this.ctx.cfg;
    const rateDelayMs = cfg.time(perTransport(cfg, name, 'destination_rate_delay', 'default_destination_rate_delay')) * 1000;
    // A rate-limited destination gets one delivery at a time.
    const limit = rateDelayMs > 0 ? 1 : transportParam(cfg, name, 'destination_concurrency_limit');
    const initial = Math.max(1, cfg.int(perTransport(cfg, name, 'initial_destination_concurrency', 'initial_destination_concurrency')));
    const feedback = (dir: 'positive' | 'negative') => {
      const param = perTransport(cfg, name, `destination_concurrency_${dir}_feedback`, `default_destination_concurrency_${dir}_feedback`);
      return parseFeedbackOrWarn(param, cfg.get(param), (text) => this.ctx.logger.warning(SERVICE, text));
    };
    const transportRateDelayMs = cfg.time(perTransport(cfg, name, 'transport_rate_delay', 'default_transport_rate_delay')) * 1000;
    return {
      rateDelayMs, transportRateDelayMs, limit, initial: limit !== 0 && limit < initial ? limit : initial,
      positive: feedback('positive'), negative: feedback('negative'),
      cohortLimit: transportParam(cfg, name, 'destination_concurrency_failed_cohort_limit'),
    };
  }

  private destinationOf(transport: string, destination: string): Destination {
    const key = keyOf(transport, destination);
    let d = this.dests.get(key);
    if (!d) {
      const t = this.transportOf(transport);
      d = { key, transport: t, busy: 0, waiting: 0, flags: 0, lastDone: 0, ...initialWindow(t.settings) };
      this.dests.set(key, d);
    }
    return d;
  }

  private seconds(): number {
    return Math.floor(this.ctx.clock() / 1000);
  }

  /** Start waiting deliveries, oldest first, while the process limit (and rate lock) allows. */
  private pump(t: Transport): void {
    if (t.settings.transportRateDelayMs > 0) return this.pumpRateLimited(t);
    while (!this.full(t) && this.startNext(t));
  }

  private full(t: Transport): boolean {
    const limit = this.processLimit(t.name);
    return limit > 0 && t.busy >= limit;
  }

  /** Start the oldest waiting delivery whose destination allows it; false when there is none. */
  private startNext(t: Transport): boolean {
    const i = t.waiting.findIndex((w) => canStart(w.dest));
    if (i < 0) return false;
    const [w] = t.waiting.splice(i, 1);
    w!.dest.waiting--;
    w!.dest.busy++;
    t.busy++;
    w!.start(this.select(w!.dest));
    return true;
  }

  /**
   * <transport>_transport_rate_delay (qmgr_transport.c's rate lock): one delivery of the
   * transport at a time, each chosen when the delay has passed since the lock was taken; the
   * lock goes when that delivery ends, or at once when nothing could be started.
   */
  private pumpRateLimited(t: Transport): void {
    if (t.rateLocked || this.full(t) || !t.waiting.some((w) => canStart(w.dest))) return;
    t.rateLocked = true;
    setTimeout(() => {
      if (!this.startNext(t)) t.rateLocked = false;
    }, t.settings.transportRateDelayMs).unref();
  }

  /**
   * The caching flags of a delivery just chosen (qmgr_entry_select()): turned on by a back-to-back
   * delivery only (not by concurrency alone, so a burst within the initial window is not
   * cached); CONN_STORE is turned off when the destination runs out of steam.
   */
  private select(d: Destination): number {
    const backToBack = d.lastDone + 1 >= this.seconds();
    if (!(d.flags & DEL_REQ_FLAG_CONN_STORE)) {
      if (backToBack) d.flags |= CONN_MASK;
    } else if (!(d.busy > 1 || backToBack)) {
      d.flags &= ~DEL_REQ_FLAG_CONN_STORE;
    }
    return d.flags;
  }

  /**
   * A delivery ended (qmgr_deliver_update(), qmgr_entry_done()): feedback — negative when the
   * agent could not reach the site, positive otherwise, none for a fault — then the rate-delay
   * pause, and the queue is forgotten when it is idle.
   */
  private finished(d: Destination, siteFailure: Deferral | undefined, answered = true): void {
    if (siteFailure) this.siteFailed(d, siteFailure);
    else if (answered) this.siteReached(d);
    d.busy--;
    d.transport.busy--;
    d.transport.rateLocked = false;
    d.lastDone = this.seconds();
    if (d.transport.settings.rateDelayMs > 0) this.pause(d);
    this.dropIfIdle(d);
    this.pump(d.transport);
  }

  private siteReached(d: Destination): void {
    if (d.dead) this.revive(d);
    else positiveFeedback(d, d.transport.settings, d.busy);
  }

  /** Negative feedback on a live destination; when it dies, its waiting deliveries are deferred. */
  private siteFailed(d: Destination, [dsn, text]: Deferral): void {
    if (d.dead || d.paused) return;
    if (!negativeFeedback(d, d.transport.settings)) return;
    const deferral: Deferral = [dsn, SUSPENDED_PREFIX + text];
    d.dead = { deferral, until: this.ctx.clock() + this.ctx.cfg.time('minimal_backoff_time') * 1000 };
    d.flags = 0;
    const t = d.transport;
    const mine = t.waiting.filter((w) => w.dest === d);
    t.waiting = t.waiting.filter((w) => w.dest !== d);
    d.waiting = 0;
    for (const w of mine) w.defer(deferral);
  }

  private revive(d: Destination): void {
    d.dead = undefined;
    revive(d, d.transport.settings, d.busy);
    this.dropIfIdle(d);
  }

  /**
   * <transport>_destination_rate_delay (qmgr_queue_suspend()): after each delivery the
   * destination waits that long before the next; a dead one is given its chance right away.
   */
  private pause(d: Destination): void {
    if (d.dead) this.revive(d);
    if (d.paused || d.busy > 0) return;
    d.paused = setTimeout(() => {
      d.paused = undefined;
      d.window = 1;
      this.dropIfIdle(d);
      this.pump(d.transport);
    }, d.transport.settings.rateDelayMs);
    d.paused.unref();
  }

  /** qmgr_queue_done(): a queue with nothing waiting or running, not dead, not paused, is forgotten. */
  private dropIfIdle(d: Destination): void {
    if (d.busy === 0 && d.waiting === 0 && !d.dead && !d.paused) this.dests.delete(d.key);
  }
}

const keyOf = (transport: string, destination: string) => `${transport}/${destination}`;

/** Can a delivery to the destination start now (ready, under its window)? */
const canStart = (d: Destination): boolean => !d.dead && !d.paused && d.busy < d.window;

/** <transport>_<suffix> when main.cf knows it, else the fallback parameter. */
function perTransport(cfg: QmgrContext['cfg'], transport: string, suffix: string, fallback: string): string {
  const name = `${transport}_${suffix}`;
  return cfg.has(name) ? name : fallback;
}
