/**
 * The queue model: what Postfix's queue must have done after each step, kept next to the
 * system under test (system.ts) and compared with it by the invariant checks (invariants.ts).
 *
 * Per message: its current queue ID, sender, where it is (incoming / deferred / hold / gone),
 * its next-attempt time, create time, and each recipient's state: queued, delivered, bounced
 * (5xx or expired) or deleted (postsuper -d). DSNs are messages too, from the null sender to
 * the original sender, and remember which recipients they must report.
 *
 * observeStep() replays one step: the agent calls and log lines of each qmgr generation are
 * grouped into "passes" (one per "QID: ... (queue active)" line). The remote answers come from
 * the scripted agent; what qmgr must do with them is the model's prediction (Postfix's
 * qmgr_active.c): a pass whose agent calls all returned is applied (sent → done, bounced →
 * done + DSN unless the sender is null, deferred → stays; when recipients remain and the
 * message is older than maximal_queue_lifetime / bounce_queue_lifetime it expires with a DSN;
 * otherwise it moves to deferred/ with next attempt = now + clamp(age, minimal_backoff_time,
 * maximal_backoff_time)). A pass cut by a crash changes nothing on disk; the remote side may
 * already have the mail (an "exposure": the one allowed duplicate). After a restart, messages
 * recovered from active/ are due at once (qmgr_move with the current time), as are due
 * deferred ones. Which messages each generation must process is predicted from the step kind:
 * wake-up (incoming), flush (all of deferred + incoming), queue run / restart (incoming + due).
 */
import { TIMING, type AgentCall, type LogLine, type QueueSystem } from './system.ts';

export type RcptState = 'queued' | 'delivered' | 'bounced' | 'deleted';
export type Place = 'incoming' | 'deferred' | 'hold' | 'gone';

export interface ModelMessage {
  key: string;
  qid: string;
  sender: string;
  rcpts: Map<string, RcptState>;
  place: Place;
  /** Next attempt (ms of the fake clock): the deferred file's mtime. */
  nextMs: number;
  createSec: number;
  /** For a DSN: the message it reports on (key and queue ID then) and the recipients it must list. */
  dsn?: { parentKey: string; parentQid: string; mustList: string[] };
  /** Addresses in defer/QID (with deferLogAccumulates: every deferral since the log was last removed). */
  deferLogged?: Set<string>;
  /** Generations that processed it in the current step. */
  processedIn?: Set<number>;
}

/** What started a step, which decides what qmgr must process first. */
export type StepKind = 'wake' | 'flush' | 'queue-run' | 'idle';

export class ModelError extends Error {}

const ACTIVE_RE = /^(\w+): from=<(.*)>, size=\d+, nrcpt=(\d+) \(queue active\)$/;
const NOTIFY_RE = /^(\w+): sender non-delivery notification: (\w+)$/;
const EXPIRED_RE = /^(\w+): from=<.*>, status=expired, returned to sender$/;

function rk(key: string, addr: string): string {
  return `${key}\0${addr}`;
}

function domainOf(addr: string): string {
  return addr.slice(addr.lastIndexOf('@') + 1);
}

/**
 * Where the reference is known to differ from Postfix; the model then predicts the reference's
 * behaviour and the report lists the divergence (both below are fixed in reference/services/qmgr;
 * the flags let the model describe either behaviour).
 */
export interface KnownDivergences {
  /** qmgr start() moves active/ files back to incoming/ without resetting their time to now
   *  (Postfix's qmgr_move(..., event_time())): a recovered file keeps a future next-attempt
   *  time and incoming/ scans skip it until then. */
  recoveryKeepsMtime?: boolean;
  /** qmgr appends to defer/QID without removing it when it reads the message again
   *  (qmgr_message.c removes the defer log on each read): showq and expiry DSNs then list
   *  recipients from earlier attempts. */
  deferLogAccumulates?: boolean;
}

export class QueueModel {
  constructor(readonly divergences: KnownDivergences = {}) {}

  readonly messages: ModelMessage[] = [];
  readonly byQid = new Map<string, ModelMessage>();
  /** Deliveries qmgr learned about (must be ≤ 1 per recipient). */
  readonly applied = new Map<string, number>();
  /** Deliveries the remote side saw. */
  readonly raw = new Map<string, number>();
  /** Deliveries made in a pass that a crash cut off. */
  readonly exposures = new Map<string, number>();
  /** Bounced recipients: the queue ID of the message when it bounced (its DSN names it). */
  readonly bouncedFrom = new Map<string, string>();
  /** Domains qmgr has seen refuse connections in the current generation (dead destinations). */
  private dead = new Set<string>();
  abortedFiles = 0;
  nextTag = 1;
  /** Counters for the report. */
  readonly counts = { steps: 0, passes: 0, crashes: 0, dsns: 0, expired: 0, exposures: 0 };

  live(): ModelMessage[] {
    return this.messages.filter((m) => m.place !== 'gone');
  }

  pending(m: ModelMessage): string[] {
    return [...m.rcpts].filter(([, s]) => s === 'queued').map(([a]) => a);
  }

  add(m: ModelMessage): void {
    this.messages.push(m);
    this.byQid.set(m.qid, m);
  }

  rekey(m: ModelMessage, qid: string): void {
    this.byQid.delete(m.qid);
    m.qid = qid;
    this.byQid.set(qid, m);
  }

  private due(m: ModelMessage, nowMs: number): boolean {
    return (m.place === 'incoming' || m.place === 'deferred') && m.nextMs <= nowMs + 1000;
  }

  /** The messages a generation must process when it starts with `kind`. */
  private expected(kind: StepKind, nowMs: number, fresh?: ModelMessage): Set<ModelMessage> {
    const out = new Set<ModelMessage>();
    for (const m of this.live()) {
      if (m.place === 'hold' || this.pending(m).length === 0) continue;
      const due = this.due(m, nowMs);
      if ((kind === 'flush' && (m.place === 'deferred' || due)) || (kind === 'queue-run' && due) || (kind === 'wake' && m.place === 'incoming' && due)) out.add(m);
    }
    if (fresh) out.add(fresh);
    return out;
  }

  /**
   * Replay one step. `start` holds the record counts and generation before the step; `kind`
   * says how qmgr was set going; `fresh` is a message the step injected.
   */
  observeStep(sys: QueueSystem, start: { calls: number; lines: number; gen: number }, kind: StepKind, fresh?: ModelMessage): void {
    this.counts.steps++;
    const calls = sys.calls.slice(start.calls);
    const lines = sys.lines.slice(start.lines);
    const now = sys.now();
    const lastGen = sys.generation;
    let firstGen = start.gen;
    if (kind === 'queue-run') {
      firstGen = start.gen + 1;
      this.dead = new Set();
    }
    if (kind === 'flush') this.dead = new Set();
    let expect = this.expected(kind, now, fresh);
    for (let g = firstGen; g <= lastGen; g++) {
      if (g > firstGen) {
        this.counts.crashes++;
        this.dead = new Set();
        expect = this.expected('queue-run', now);
      }
      const gLines = lines.filter((l) => l.gen === g);
      const gCalls = calls.filter((c) => c.gen === g);
      const crashed = g < lastGen;
      for (const c of gCalls) if (c.destinationFailed) this.dead.add(c.nexthop);
      const created = this.replayGeneration(g, gLines, gCalls, now, expect);
      for (const m of expect) throw new ModelError(`generation ${g}: ${m.key} (${m.qid}, ${m.place}) should have been processed but was not`);
      if (!crashed) for (const m of created) if (!m.processedIn?.has(g)) throw new ModelError(`generation ${g}: DSN ${m.qid} was not processed`);
    }
    if (kind === 'idle' && calls.length > 0) throw new ModelError(`qmgr delivered during an idle step: ${JSON.stringify(calls[0])}`);
  }

  /** Apply the passes of generation g; `expect` is consumed as messages are seen. Returns the DSNs created. */
  private replayGeneration(g: number, gLines: LogLine[], gCalls: AgentCall[], now: number, expect: Set<ModelMessage>): ModelMessage[] {
    const notifications = new Map<string, string[]>();
    const expiredLines = new Set<string>();
    for (const l of gLines) {
      const n = NOTIFY_RE.exec(l.text);
      if (n && l.service === 'bounce') notifications.set(n[1]!, [...(notifications.get(n[1]!) ?? []), n[2]!]);
      const e = EXPIRED_RE.exec(l.text);
      if (e && l.service === 'qmgr') expiredLines.add(e[1]!);
    }
    const created: ModelMessage[] = [];
    const seen = new Set<string>();
    for (const l of gLines) {
      const a = l.service === 'qmgr' ? ACTIVE_RE.exec(l.text) : null;
      if (!a) continue;
      const qid = a[1]!;
      const m = this.byQid.get(qid);
      if (!m) throw new ModelError(`generation ${g}: qmgr processed ${qid}, which the model does not know`);
      if (seen.has(qid)) throw new ModelError(`generation ${g}: ${m.key} (${qid}) processed twice in one step`);
      seen.add(qid);
      if (m.place === 'hold' || m.place === 'gone') throw new ModelError(`generation ${g}: ${m.key} (${qid}) processed while ${m.place === 'hold' ? 'on hold' : 'deleted'}`);
      const isNewDsn = created.includes(m);
      if (!expect.delete(m) && !isNewDsn) throw new ModelError(`generation ${g}: ${m.key} (${qid}, ${m.place}, next ${m.nextMs - now} ms from now) processed but not due`);
      (m.processedIn ??= new Set()).add(g);
      const pending = this.pending(m);
      if (Number(a[3]) !== pending.length) throw new ModelError(`${m.key} (${qid}): qmgr read nrcpt=${a[3]}, the model has ${pending.length} pending: ${pending.join(' ')}`);
      this.counts.passes++;
      created.push(...this.applyPass(m, gCalls.filter((c) => c.queueId === qid), now, notifications.get(qid) ?? [], expiredLines.has(qid)));
    }
    return created;
  }

  private applyPass(m: ModelMessage, calls: AgentCall[], now: number, notified: string[], expiredLogged: boolean): ModelMessage[] {
    const pending = new Set(this.pending(m));
    const answered = new Map<string, string>();
    for (const c of calls) {
      for (const ans of c.answers) {
        if (!pending.has(ans.address)) throw new ModelError(`${m.key} (${m.qid}): delivery attempted to ${ans.address}, which is not pending`);
        if (answered.has(ans.address)) throw new ModelError(`${m.key} (${m.qid}): ${ans.address} attempted twice in one pass`);
        answered.set(ans.address, ans.outcome);
      }
      for (const d of c.delivered) this.raw.set(rk(m.key, d), (this.raw.get(rk(m.key, d)) ?? 0) + 1);
    }
    if (calls.some((c) => c.threw)) {
      // Cut by the crash: nothing reached the queue file; the remote side may have the mail.
      for (const c of calls) for (const d of c.delivered) {
        this.exposures.set(rk(m.key, d), (this.exposures.get(rk(m.key, d)) ?? 0) + 1);
        this.counts.exposures++;
      }
      if (notified.length || expiredLogged) throw new ModelError(`${m.key} (${m.qid}): DSN or expiry after a crashed pass`);
      m.place = 'incoming';
      if (!this.divergences.recoveryKeepsMtime || m.nextMs < now) m.nextMs = now;
      return [];
    }
    const bouncedNow: string[] = [];
    if (!this.divergences.deferLogAccumulates) m.deferLogged = new Set();
    for (const addr of pending) {
      const outcome = answered.get(addr);
      if (outcome === undefined) {
        if (!this.dead.has(domainOf(addr))) throw new ModelError(`${m.key} (${m.qid}): ${addr} neither attempted nor at a dead destination`);
      }
      if (outcome === undefined || outcome === 'deferred') {
        (m.deferLogged ??= new Set()).add(addr);
        continue;
      }
      if (outcome === 'sent') {
        m.rcpts.set(addr, 'delivered');
        const n = (this.applied.get(rk(m.key, addr)) ?? 0) + 1;
        this.applied.set(rk(m.key, addr), n);
        if (n > 1) throw new ModelError(`${m.key}: ${addr} delivered and recorded ${n} times`);
      } else if (outcome === 'bounced') {
        m.rcpts.set(addr, 'bounced');
        this.bouncedFrom.set(rk(m.key, addr), m.qid);
        bouncedNow.push(addr);
      }
    }
    const remaining = this.pending(m);
    const ageSec = now / 1000 - m.createSec;
    const lifetime = m.sender ? TIMING.maximal_queue_lifetime : TIMING.bounce_queue_lifetime;
    const expired = remaining.length > 0 && ageSec >= lifetime;
    if (expired !== expiredLogged) {
      throw new ModelError(`${m.key} (${m.qid}): age ${ageSec}s, lifetime ${lifetime}s: expiry ${expired ? 'expected' : 'not expected'} but ${expiredLogged ? 'logged' : 'not logged'}`);
    }
    const lists: string[][] = [];
    if (bouncedNow.length) lists.push(bouncedNow);
    if (expired) {
      this.counts.expired++;
      for (const addr of remaining) {
        m.rcpts.set(addr, 'bounced');
        this.bouncedFrom.set(rk(m.key, addr), m.qid);
      }
      lists.push(remaining);
    }
    const wanted = m.sender ? lists : [];
    if (notified.length !== wanted.length) {
      throw new ModelError(`${m.key} (${m.qid}) sender <${m.sender}>: ${wanted.length} DSN(s) expected, ${notified.length} sent`);
    }
    const created = notified.map((qid, i): ModelMessage => ({
      key: `dsn:${qid}`, qid, sender: '', rcpts: new Map([[m.sender, 'queued' as RcptState]]), place: 'incoming',
      nextMs: now, createSec: Math.floor(now / 1000), dsn: { parentKey: m.key, parentQid: m.qid, mustList: wanted[i]! },
    }));
    for (const d of created) this.add(d);
    this.counts.dsns += created.length;
    if (this.pending(m).length === 0) {
      m.place = 'gone';
      m.deferLogged = undefined;
    } else {
      m.place = 'deferred';
      const delay = Math.min(Math.max(ageSec, TIMING.minimal_backoff_time), TIMING.maximal_backoff_time);
      m.nextMs = now + delay * 1000;
    }
    return created;
  }

  deleted(m: ModelMessage): void {
    for (const a of this.pending(m)) m.rcpts.set(a, 'deleted');
    m.place = 'gone';
    m.deferLogged = undefined;
  }

  /** The recipients showq lists for `m`: pending ones, plus (reference divergence) stale defer-log entries. */
  listed(m: ModelMessage): string[] {
    const out = new Set(this.pending(m));
    if (this.divergences.deferLogAccumulates) for (const a of m.deferLogged ?? []) out.add(a);
    return [...out];
  }
}
