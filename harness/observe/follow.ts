/**
 * MaillogFollower: tails a maillog file (Postfix's maillog_file, or the reference MTA's) and
 * turns each complete line into a typed event with parse.ts.
 *
 * It watches the file's directory with fs.watch and also polls every `pollMs` as a fallback
 * (fs.watch can miss events). The file may not exist yet when start() is called. Only
 * complete lines are parsed; a trailing partial line waits for its newline. When the file
 * shrinks or is replaced (new inode: rotation, truncation, recreation) reading restarts at
 * its beginning; the events seen so far are kept. Because inode numbers are reused, the first
 * bytes of the file are compared too.
 *
 * waitFor() is the event-driven wait callers use instead of sleeping. A waiter's predicate runs
 * while lines are being added and may itself ask for the lines (events(), raw()): such a nested
 * read returns at once, and the outer one reads on until the file has nothing new, so lines
 * are kept in file order. (A nested read used to consume the next chunk before the rest of the
 * current one: qmgr's "removed" could land before its own "queue active".)
 */
import fs from 'node:fs';
import path from 'node:path';
import type { MaillogEvent } from './events.ts';
import { parseMaillogLine } from './parse.ts';

interface Waiter {
  pred: (e: MaillogEvent) => boolean;
  from: number;
  resolve: (e: MaillogEvent) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

export class MaillogFollower {
  private readonly evs: MaillogEvent[] = [];
  private readonly lines: string[] = [];
  private partial: Buffer = Buffer.alloc(0);
  private offset = 0;
  private inode = -1;
  /** The file's first bytes as read; a change means the file was replaced (inodes get reused). */
  private head: Buffer = Buffer.alloc(0);
  private watcher?: fs.FSWatcher;
  private poller?: NodeJS.Timeout;
  private waiters: Waiter[] = [];
  /** A read is in progress (a waiter's predicate may call back into readNew). */
  private reading = false;

  constructor(
    readonly path: string,
    private readonly pollMs = 100,
  ) {}

  /** Begin tailing. Reads what is already there at once. */
  start(): void {
    if (this.poller) return;
    this.poller = setInterval(() => this.readNew(), this.pollMs);
    this.poller.unref();
    try {
      this.watcher = fs.watch(path.dirname(this.path), { persistent: false }, () => this.readNew());
      this.watcher.on('error', () => this.closeWatcher());
    } catch {
      // The directory may not exist yet; polling covers it.
    }
    this.readNew();
  }

  /** Stop tailing (after reading what is left). Pending waits are rejected. */
  stop(): void {
    this.readNew();
    this.closeWatcher();
    if (this.poller) clearInterval(this.poller);
    this.poller = undefined;
    for (const w of this.waiters.splice(0)) {
      clearTimeout(w.timer);
      w.reject(new Error(`maillog follower for ${this.path} stopped while waiting\n${this.tail()}`));
    }
  }

  /** Every event parsed so far, in log order. */
  events(): MaillogEvent[] {
    this.readNew();
    return this.evs.slice();
  }

  /** The complete lines read so far, each ending in "\n". */
  raw(): string {
    this.readNew();
    return this.lines.map((l) => `${l}\n`).join('');
  }

  /**
   * Resolve with the first event at index ≥ fromIndex that matches `pred` (already logged or
   * logged later). Rejects after timeoutMs with an error naming what was awaited (`what`, or
   * the predicate's source) and the last lines of the log.
   */
  waitFor(pred: (e: MaillogEvent) => boolean, timeoutMs = 20000, fromIndex = 0, what?: string): Promise<MaillogEvent> {
    this.readNew();
    const found = this.evs.slice(fromIndex).find(pred);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        pred,
        from: fromIndex,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.readNew();
          if (!this.waiters.includes(waiter)) return;
          this.waiters = this.waiters.filter((w) => w !== waiter);
          const desc = what ?? pred.toString();
          reject(new Error(`timed out after ${timeoutMs} ms waiting for ${desc} in ${this.path}\n${this.tail()}`));
        }, timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  private tail(n = 20): string {
    const last = this.lines.slice(-n);
    if (last.length === 0) return '(the log is empty)';
    return `last ${last.length} log line(s):\n${last.join('\n')}`;
  }

  private closeWatcher(): void {
    this.watcher?.close();
    this.watcher = undefined;
  }

  /**
   * Read whatever was appended since the last call; synchronous so callers see a consistent
   * state. Not re-entered: a call made from a waiter's predicate during a read returns at once.
   */
  private readNew(): void {
    if (this.reading) return;
    this.reading = true;
    try {
      while (this.readChunk()) {
        // until the file has nothing new
      }
    } finally {
      this.reading = false;
    }
  }

  /** Read and consume what is new in the file; false when there was nothing. */
  private readChunk(): boolean {
    let fd: number;
    try {
      fd = fs.openSync(this.path, 'r');
    } catch {
      return false; // not there (yet, or between rotation and recreation)
    }
    try {
      const st = fs.fstatSync(fd);
      if (st.ino !== this.inode || st.size < this.offset || !this.sameHead(fd)) {
        // New file or truncated: start over at its beginning.
        this.inode = st.ino;
        this.offset = 0;
        this.partial = Buffer.alloc(0);
        this.head = Buffer.alloc(0);
      }
      if (st.size <= this.offset) return false;
      const chunk = Buffer.alloc(st.size - this.offset);
      const n = fs.readSync(fd, chunk, 0, chunk.length, this.offset);
      if (this.offset === 0) this.head = Buffer.from(chunk.subarray(0, Math.min(n, 256)));
      this.offset += n;
      this.consume(chunk.subarray(0, n));
      return n > 0;
    } finally {
      fs.closeSync(fd);
    }
  }

  private sameHead(fd: number): boolean {
    if (this.head.length === 0) return true;
    const now = Buffer.alloc(this.head.length);
    const n = fs.readSync(fd, now, 0, now.length, 0);
    return n === now.length && now.equals(this.head);
  }

  /** Split the chunk into complete lines (the rest waits as `partial`), then add them in order. */
  private consume(chunk: Buffer): void {
    let buf = this.partial.length ? Buffer.concat([this.partial, chunk]) : chunk;
    const complete: string[] = [];
    let nl: number;
    while ((nl = buf.indexOf(0x0a)) >= 0) {
      complete.push(buf.subarray(0, nl).toString('utf8').replace(/\r$/, ''));
      buf = buf.subarray(nl + 1);
    }
    this.partial = Buffer.from(buf);
    for (const line of complete) this.addLine(line);
  }

  private addLine(line: string): void {
    this.lines.push(line);
    const ev = parseMaillogLine(line);
    if (!ev) return;
    this.evs.push(ev);
    const index = this.evs.length - 1;
    for (const w of this.waiters.slice()) {
      if (index >= w.from && w.pred(ev)) {
        clearTimeout(w.timer);
        this.waiters = this.waiters.filter((x) => x !== w);
        w.resolve(ev);
      }
    }
  }
}
