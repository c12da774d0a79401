/**
 * Peak memory of a mail system while a benchmark runs: every `intervalMs` the resident set
 * sizes (VmRSS, /proc/PID/status) of all processes of a session are summed — a Postfix master
 * and every daemon it forked share the master's session, as does a reference MTA process with
 * its children — and the largest sum is kept. Summed RSS counts shared pages (libc, the Postfix
 * libraries) once per process, as `ps` totals do.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sessionPids } from '../util/procs.ts';

export function rssBytes(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0; // the process ended while we looked
  }
}

/** The session id recorded in an instance root by the cleanup layer (util/cleanup.ts). */
export function recordedSession(root: string): number | undefined {
  try {
    const n = Number(readFileSync(join(root, 'session'), 'utf8').trim());
    return Number.isInteger(n) && n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}

export interface PeakSample {
  bytes: number;
  processes: number;
}

export class PeakRss {
  private timer: NodeJS.Timeout | undefined;
  peak: PeakSample = { bytes: 0, processes: 0 };
  samples = 0;

  /** `pids` lists the processes to sum at each sample (e.g. () => sessionPids(sid)). */
  constructor(private readonly pids: () => number[], private readonly intervalMs = 100) {}

  static forSession(sid: number, intervalMs?: number): PeakRss {
    return new PeakRss(() => sessionPids(sid), intervalMs);
  }

  start(): this {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
    return this;
  }

  stop(): PeakSample {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.sample();
    return this.peak;
  }

  sample(): void {
    const pids = this.pids();
    const bytes = pids.reduce((sum, pid) => sum + rssBytes(pid), 0);
    this.samples++;
    if (bytes > this.peak.bytes) this.peak = { bytes, processes: pids.length };
  }
}
