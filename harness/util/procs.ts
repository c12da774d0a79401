/**
 * Process helpers read from /proc: which processes belong to a session (a Postfix master and
 * every daemon it forked share the master's session), whether a pid lives, and a wait for a
 * set of processes to be gone.
 */
import { readdirSync, readFileSync } from 'node:fs';

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // A zombie has exited already; only its parent's wait() is missing.
    return statField(stat, 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Field n (1-based, as in proc(5)) of a /proc/PID/stat line; the comm field may hold spaces. */
function statField(stat: string, n: number): string {
  const close = stat.lastIndexOf(')');
  const rest = stat.slice(close + 2).split(' ');
  return rest[n - 3] ?? '';
}

/** Every live process whose session id is `sid`. */
export function sessionPids(sid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      if (Number(statField(stat, 6)) === sid && statField(stat, 3) !== 'Z') out.push(Number(name));
    } catch {
      /* the process ended while we looked */
    }
  }
  return out;
}

/**
 * kill -9 every process of the session and wait (synchronously, at most `waitMs`) until none is
 * left; returns the pids seen. The session's process group is signalled first, at once, so a
 * child forked while the members are being listed is not missed; members that moved to another
 * group are then killed one by one. Synchronous because exit handlers use it too.
 */
export function killSession(sid: number, waitMs = 3000): number[] {
  const seen = new Set(sessionPids(sid));
  try {
    process.kill(-sid, 'SIGKILL');
  } catch {
    /* no such group any more */
  }
  const deadline = Date.now() + waitMs;
  for (;;) {
    const left = sessionPids(sid);
    if (left.length === 0 || Date.now() > deadline) break;
    for (const pid of left) {
      seen.add(pid);
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
    sleepSync(5);
  }
  return [...seen];
}

/** Block the thread for `ms` (only inside killSession's bounded wait). */
function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Resolve when none of `pids` lives any more; reject after timeoutMs. */
export async function waitGone(pids: number[], timeoutMs = 10_000, what = 'processes'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let left = pids.filter(isAlive);
  while (left.length > 0) {
    if (Date.now() > deadline) throw new Error(`${what} still running after ${timeoutMs} ms: ${left.join(' ')}`);
    await new Promise((r) => setTimeout(r, 20));
    left = left.filter(isAlive);
  }
}

/** Resolve when no live process is left in session `sid`; reject after timeoutMs. */
export async function waitSessionGone(sid: number, timeoutMs = 10_000, what = 'processes'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let left = sessionPids(sid); left.length > 0; left = sessionPids(sid)) {
    if (Date.now() > deadline) throw new Error(`${what} still running after ${timeoutMs} ms: ${left.join(' ')}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
