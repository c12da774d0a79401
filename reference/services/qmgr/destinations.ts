/**
 * qmgr(8)'s in-core destination queues, one per (transport, destination) (qmgr_queue.c,
 * qmgr_entry.c): how many deliveries may run at once (<transport>_destination_concurrency_limit,
 * postconf(5)), the on-demand connection-caching flags each delivery request carries
 * (smtp_connection_cache_on_demand, CONNECTION_CACHE_README), and which destinations are dead
 * (an agent said the destination failed: every batch for it is deferred until
 * minimal_backoff_time has passed or a flush forgets it). Used by deliver.ts; qmgr.ts's flush()
 * and forgetDead() clear the dead marks.
 */
import { DEL_REQ_FLAG_CONN_LOAD, DEL_REQ_FLAG_CONN_STORE } from '../../global/deliver-request.ts';
import { transportParam, type QmgrContext } from './context.ts';

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

const CONN_MASK = DEL_REQ_FLAG_CONN_STORE | DEL_REQ_FLAG_CONN_LOAD;

export class DestinationQueues {
  private readonly gates = new Map<string, Gate>();
  private readonly dead = new Map<string, { until: number; reason: string }>();
  /** Connection-caching state per destination queue; it lives as long as the queue has work. */
  private readonly caching = new Map<string, { flags: number; lastDone: number }>();

  constructor(private readonly ctx: QmgrContext) {}

  /** Why the destination is dead, or undefined; a mark past its time is dropped first. */
  deadReason(key: string): string | undefined {
    const d = this.dead.get(key);
    if (d && d.until <= this.ctx.clock()) this.dead.delete(key);
    return this.dead.get(key)?.reason;
  }

  /** The agent could not reach the destination: defer its batches for minimal_backoff_time. */
  markDead(key: string, reason: string): void {
    this.dead.set(key, { until: this.ctx.clock() + this.ctx.cfg.time('minimal_backoff_time') * 1000, reason });
  }

  /** Forget every dead destination (postqueue -f, flush(8)'s "F" trigger). */
  forgetDead(): void {
    this.dead.clear();
  }

  /**
   * Run one delivery to the destination when the concurrency limit allows, with the
   * connection-caching flags it is to carry.
   */
  async deliver<T>(key: string, transport: string, fn: (connectionFlags: number) => Promise<T>): Promise<T> {
    const gate = this.gateOf(key, transport);
    return gate.run(async () => {
      try {
        return await fn(this.connectionFlags(key, gate));
      } finally {
        this.deliveryDone(key, gate);
      }
    });
  }

  private gateOf(key: string, transport: string): Gate {
    let gate = this.gates.get(key);
    if (!gate) {
      gate = new Gate(Math.max(1, transportParam(this.ctx.cfg, transport, 'destination_concurrency_limit') || 1));
      this.gates.set(key, gate);
    }
    return gate;
  }

  private seconds(): number {
    return Math.floor(this.ctx.clock() / 1000);
  }

  /**
   * On-demand connection caching, per destination queue as qmgr_entry_select() does it: once a
   * delivery is selected within a second of the previous one finishing (back to back), every
   * later request carries CONN_STORE and CONN_LOAD; CONN_STORE is dropped again
   * when a delivery is neither concurrent with another nor back to back (CONN_LOAD stays, so
   * cached sessions are still used).
   */
  private connectionFlags(key: string, gate: Gate): number {
    const q = this.caching.get(key) ?? { flags: 0, lastDone: 0 };
    this.caching.set(key, q);
    const backToBack = q.lastDone + 1 >= this.seconds();
    if (!(q.flags & DEL_REQ_FLAG_CONN_STORE)) {
      if (backToBack) q.flags |= CONN_MASK;
    } else if (!(gate.running > 1 || backToBack)) {
      q.flags &= ~DEL_REQ_FLAG_CONN_STORE;
    }
    return q.flags;
  }

  /**
   * A delivery finished. The caching state goes with the in-core queue: when the destination
   * has nothing waiting or running, qmgr discards it (qmgr_entry_done → qmgr_queue_done).
   */
  private deliveryDone(key: string, gate: Gate): void {
    const q = this.caching.get(key);
    if (q) q.lastDone = this.seconds();
    if (gate.running <= 1 && gate.backlog === 0) this.caching.delete(key);
  }
}
