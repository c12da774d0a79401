/**
 * The crash test (issue 7, part 3): a load of N messages over SMTP into a target that relays
 * everything to a capture sink, while the whole mail system is killed with kill -9
 * (Target.crash()) at random moments and restarted. Afterwards the queue is drained and every
 * message the target acknowledged with 250 must have reached the sink.
 *
 * Each SMTP attempt carries a unique X-Twinpost-Crash header (and Message-ID), so a retried
 * message is a new attempt and deliveries are counted per attempt:
 *   accepted    attempts answered 250 after DATA
 *   delivered   accepted attempts that reached the sink at least once
 *   duplicated  attempts that reached the sink more than once (Postfix is at-least-once
 *               across a crash between delivery and the queue-file update)
 *   lost        accepted attempts never delivered — must be 0
 *   unacknowledged  attempts that reached the sink although the client saw no 250 (the crash
 *               cut the reply): legitimate, reported for information
 * Waits are on sink arrivals, with a flush and a queue snapshot when arrivals stall. Used by
 * `twinpost crash` (harness/commands/crash.ts) and crash.test.ts.
 */
import { createTarget } from '../targets/index.ts';
import type { Target, TargetName } from '../targets/types.ts';
import { createSink, type Sink } from '../sink/index.ts';
import { sendMessage } from '../smtp/send.ts';
import type { QueueEntry } from '../observe/postqueue.ts';

export interface CrashOptions {
  target: TargetName;
  messages: number;
  /** Number of kill -9 + restart cycles during the load (default max(1, messages/100), at most 10). */
  crashes?: number;
  seed?: number;
  /** Parallel SMTP clients (default 4). */
  clients?: number;
  /** Give up draining after this long without progress (default 60 s). */
  stallMs?: number;
  progress?: (line: string) => void;
}

export interface CrashResult {
  target: TargetName;
  seed: number;
  messages: number;
  crashes: number;
  attempts: number;
  accepted: number;
  delivered: number;
  duplicated: number;
  lost: number;
  unacknowledged: number;
  /** Queue entries left after the drain (should be 0). */
  leftInQueue: number;
  lostIds: string[];
  seconds: number;
}

/** mulberry32: a small seeded PRNG, so a run can be replayed with --seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HEADER = 'X-Twinpost-Crash';

function attemptOf(data: Buffer | undefined): string | undefined {
  if (!data) return undefined;
  const m = new RegExp(`^${HEADER}: (\\S+)\\r?$`, 'mi').exec(data.toString('latin1'));
  return m?.[1];
}

/**
 * Deliveries reach the sink before qmgr removes the queue file: wait for the snapshot to be
 * empty, on "removed" log events, flushing when they stall. Returns what is left.
 */
async function waitQueueEmpty(t: Target, stallMs: number): Promise<QueueEntry[]> {
  let q = await t.queue();
  let last = q.length;
  let lastProgress = Date.now();
  while (q.length > 0 && Date.now() - lastProgress < stallMs) {
    const from = t.events().length;
    try {
      await t.waitForEvent((e) => e.kind === 'removed', 3_000, from);
    } catch {
      await t.flush();
    }
    q = await t.queue();
    if (q.length < last) {
      last = q.length;
      lastProgress = Date.now();
    }
  }
  return q;
}

/**
 * Crash points: after this many accepted messages, distinct, sorted, inside the load
 * (1 … messages − 2). Drawn without replacement, so `crashes` points are always returned when
 * the load has room for them: two equal draws once made a run crash one time fewer than asked.
 */
export function crashPoints(crashes: number, messages: number, rnd: () => number): number[] {
  const room = Math.max(1, messages - 2);
  const free = Array.from({ length: room }, (_, i) => 1 + i);
  const points: number[] = [];
  while (points.length < Math.min(crashes, room)) {
    const k = Math.floor(rnd() * free.length);
    points.push(free[k]!);
    free.splice(k, 1);
  }
  return points.sort((a, b) => a - b);
}

/** The mail system's state while the load runs: callers wait on `up` during a crash. */
class Availability {
  private gate: Promise<void> = Promise.resolve();
  private open: () => void = () => undefined;
  down(): void {
    this.gate = new Promise((r) => (this.open = r));
  }
  up(): void {
    this.open();
  }
  wait(): Promise<void> {
    return this.gate;
  }
}

export async function runCrashTest(opts: CrashOptions): Promise<CrashResult> {
  const started = Date.now();
  const seed = opts.seed ?? (Date.now() % 2 ** 31);
  const rnd = seededRandom(seed);
  const say = opts.progress ?? (() => undefined);
  const crashes = opts.crashes ?? Math.min(10, Math.max(1, Math.floor(opts.messages / 100)));
  const points = crashPoints(crashes, opts.messages, rnd);
  let sink: Sink | undefined;
  let target: Target | undefined;
  try {
    sink = await createSink();
    target = createTarget(opts.target);
    await target.start({
      main: {
        relayhost: sink.relay, smtpd_error_sleep_time: '0',
        // Retry soon after a crash left something deferred.
        minimal_backoff_time: '1s', maximal_backoff_time: '2s', queue_run_delay: '1s',
      },
    });
    say(`crash: ${opts.target} started, ${opts.messages} messages, crashes after ${points.join(', ')} accepted (seed ${seed})`);
    const t = target;
    const avail = new Availability();
    const accepted = new Set<string>();
    let attempts = 0;
    let done = 0;
    let crashed = 0;
    let crashing: Promise<void> = Promise.resolve();
    const maybeCrash = (): void => {
      while (crashed < points.length && accepted.size >= points[crashed]!) {
        crashed++;
        const n = crashed;
        const delay = Math.floor(rnd() * 30);
        crashing = crashing.then(async () => {
          await new Promise((r) => setTimeout(r, delay));
          avail.down();
          await t.crash();
          say(`crash: kill -9 #${n} at ${accepted.size} accepted`);
          await t.restart();
          avail.up();
        });
      }
    };

    let next = 0;
    const client = async (): Promise<void> => {
      for (;;) {
        const i = next++;
        if (i >= opts.messages) return;
        for (let attempt = 0; ; attempt++) {
          await avail.wait();
          const id = `${i}.${attempt}`;
          attempts++;
          const data = `Message-ID: <crash-${seed}-${id}@twinpost.test>\r\n${HEADER}: ${id}\r\nSubject: crash test ${id}\r\n\r\nmessage ${id}\r\n`;
          let ok = false;
          try {
            const r = await sendMessage({ ...t.smtp, from: 'load@client.test', to: [`r${i % 7}@remote.test`], data, timeoutMs: 15_000 });
            ok = r.accepted;
          } catch {
            ok = false;
          }
          if (ok) {
            accepted.add(id);
            break;
          }
          if (attempt > 50) throw new Error(`crash: message ${i} not accepted after ${attempt} attempts`);
          await new Promise((r) => setTimeout(r, 20)); // let a crash in progress take the target down
        }
        done++;
        if (done % 100 === 0) say(`crash: ${done}/${opts.messages} accepted`);
        maybeCrash();
      }
    };
    await Promise.all(Array.from({ length: opts.clients ?? 4 }, client));
    await crashing;
    say(`crash: load done (${accepted.size} accepted in ${attempts} attempts, ${crashed} crashes); draining`);

    // Drain: wait on sink arrivals; when they stall, flush and look at the queue.
    const s = sink;
    const missing = (): string[] => {
      const seen = new Set(s.transactions().map((tx) => attemptOf(tx.data)));
      return [...accepted].filter((id) => !seen.has(id));
    };
    await t.flush();
    let lastProgress = Date.now();
    let lastMissing = missing().length;
    while (lastMissing > 0 && Date.now() - lastProgress < (opts.stallMs ?? 60_000)) {
      try {
        await s.waitForTransactions(s.transactions().length + 1, 3_000);
      } catch {
        await t.flush();
      }
      const m = missing().length;
      if (m < lastMissing) {
        lastProgress = Date.now();
        lastMissing = m;
      }
    }
    const counts = new Map<string, number>();
    for (const tx of s.transactions()) {
      const id = attemptOf(tx.data);
      if (id) counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    const lostIds = missing();
    const left = await waitQueueEmpty(t, opts.stallMs ?? 60_000);
    const leftInQueue = left.length;
    for (const e of left.slice(0, 5)) say(`crash: left in ${e.queue_name}: ${e.queue_id} ${e.recipients.map((r) => `${r.address} (${r.delay_reason ?? ''})`).join(', ')}`);
    const result: CrashResult = {
      target: opts.target, seed, messages: opts.messages, crashes: crashed, attempts, accepted: accepted.size,
      delivered: [...accepted].filter((id) => counts.has(id)).length,
      duplicated: [...counts.values()].filter((n) => n > 1).length,
      lost: lostIds.length,
      unacknowledged: [...counts.keys()].filter((id) => !accepted.has(id)).length,
      leftInQueue, lostIds, seconds: (Date.now() - started) / 1000,
    };
    say(`crash: ${opts.target}: accepted ${result.accepted}, delivered ${result.delivered}, duplicated ${result.duplicated}, ` +
      `lost ${result.lost}, unacknowledged ${result.unacknowledged}, crashes ${result.crashes}, left in queue ${leftInQueue}`);
    return result;
  } finally {
    await target?.dispose();
    await sink?.close();
  }
}
